//! The `deoss` command line as a user runs it in a shell, against a running system
//! (a dev node, one scheduler, five miners): keys, account, space, buckets, put and
//! get (one file, ranges, stdout, a directory of 50 files both ways), ls, stat, fid,
//! rm, authorizations, encrypted objects read by their owner and shared with another
//! account, an interrupted put resumed, the errors users hit most, and progress under
//! a terminal.

use std::{
	fs,
	os::unix::fs::PermissionsExt,
	path::Path,
	process::{Command, Output, Stdio},
};

use anyhow::{ensure, Context, Result};
use deoss_chain::{
	calls,
	signer::{parse_secret, ss58, write_key_file},
	ChainEvent,
};
use deoss_e2e::{
	cli_binary,
	market::object_bytes,
	system::{System, SystemConfig},
	UNIT,
};
use serde_json::Value;

struct Deoss {
	url: String,
	key: std::path::PathBuf,
	/// The put journal's directory.
	state: std::path::PathBuf,
}

impl Deoss {
	fn command(&self, args: &[&str]) -> Result<Command> {
		let mut command = Command::new(cli_binary()?);
		command
			.args(["--url", &self.url, "--key-file"])
			.arg(&self.key)
			.args(args)
			.env("DEOSS_STATE_DIR", &self.state)
			.stdin(Stdio::null());
		Ok(command)
	}

	fn run(&self, args: &[&str]) -> Result<Output> {
		Ok(self.command(args)?.output()?)
	}

	/// Another account's CLI, its key in a file of its own.
	fn as_account(&self, secret: &str, key: &Path) -> Result<Deoss> {
		write_key_file(key, secret)?;
		Ok(Deoss { url: self.url.clone(), key: key.to_path_buf(), state: self.state.clone() })
	}

	/// Runs with `--json` and expects success; the JSON documents printed.
	fn json(&self, args: &[&str]) -> Result<Vec<Value>> {
		let mut all = vec!["--json"];
		all.extend_from_slice(args);
		let output = self.run(&all)?;
		ensure!(
			output.status.success(),
			"deoss {args:?} failed: {}",
			String::from_utf8_lossy(&output.stderr)
		);
		String::from_utf8(output.stdout)?
			.lines()
			.map(|line| serde_json::from_str(line).with_context(|| format!("not JSON: {line}")))
			.collect()
	}

	/// Runs and expects failure with `code`, and `message` in stderr.
	fn fails(&self, args: &[&str], code: i32, message: &str) -> Result<()> {
		let output = self.run(args)?;
		let stderr = String::from_utf8_lossy(&output.stderr);
		ensure!(
			output.status.code() == Some(code),
			"deoss {args:?}: exit {:?}, stderr {stderr}",
			output.status.code()
		);
		ensure!(stderr.contains(message), "deoss {args:?}: stderr {stderr:?} lacks {message:?}");
		Ok(())
	}
}

#[tokio::test]
async fn the_command_line_against_a_running_system() -> Result<()> {
	let system =
		System::start(SystemConfig { miners: 5, schedulers: 1, ..SystemConfig::default() }).await?;
	let work = tempfile::tempdir()?;
	let dir = work.path();

	// A new key, readable only by its owner; funded by Alice.
	let key = dir.join("me.key");
	let output =
		Command::new(cli_binary()?).args(["key", "generate", "--out"]).arg(&key).output()?;
	ensure!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
	ensure!(fs::metadata(&key)?.permissions().mode() & 0o777 == 0o600, "the key file is private");
	let me = parse_secret(fs::read_to_string(&key)?.trim())?;
	let address = String::from_utf8(output.stdout)?;
	ensure!(
		address.starts_with(&deoss_chain::signer::ss58(&me.public_key().0)),
		"prints the address: {address}"
	);
	let again =
		Command::new(cli_binary()?).args(["key", "generate", "--out"]).arg(&key).output()?;
	ensure!(again.status.code() == Some(1), "an existing key is never overwritten");
	system
		.chain
		.submit(&calls::transfer(&me.public_key().0, 10_000 * UNIT), &parse_secret("//Alice")?)
		.await?;
	let deoss = Deoss { url: system.url(), key: key.clone(), state: dir.join("state") };

	// The errors users hit first.
	let file = dir.join("photo.bin");
	let bytes = object_bytes(300_000);
	fs::write(&file, &bytes)?;
	let file_arg = file.to_str().context("utf-8 path")?;
	deoss.fails(&["put", file_arg, "bkt/photo.bin"], 1, "run `deoss space buy")?;
	deoss.fails(&["put"], 2, "Usage")?;
	let unreachable =
		Deoss { url: "ws://127.0.0.1:9".into(), key: key.clone(), state: dir.join("state") };
	unreachable.fails(&["account"], 1, "cannot reach a DeOSS node at ws://127.0.0.1:9")?;
	let account = deoss.json(&["account"])?;
	ensure!(
		account[0]["space"].is_null() && account[0]["free"] == (10_000 * UNIT).to_string(),
		"{account:?}"
	);

	// Space and a bucket.
	deoss.json(&["space", "buy", "1", "30"])?;
	deoss.fails(&["put", file_arg, "bkt/photo.bin"], 1, "run `deoss bucket create bkt`")?;
	deoss.json(&["bucket", "create", "bkt"])?;
	let buckets = deoss.json(&["bucket", "ls"])?;
	ensure!(buckets.len() == 1 && buckets[0]["bucket"] == "bkt", "{buckets:?}");

	// One file up and down, its FID computed offline first.
	let fid = deoss.json(&["fid", file_arg, "--layout", "2+2"])?[0]["fid"].clone();
	let put = deoss.json(&[
		"put",
		file_arg,
		"bkt/photo.bin",
		"--layout",
		"2+2",
		"--content-type",
		"image/png",
	])?;
	ensure!(put[0]["fid"] == fid, "the stored FID is the offline one: {put:?}");
	// Running the same put again finds it stored; other bytes under the key are refused.
	let again = deoss.json(&["put", file_arg, "bkt/photo.bin", "--layout", "2+2"])?;
	ensure!(again[0]["already_stored"] == true && again[0]["fid"] == fid, "{again:?}");
	let other = dir.join("other.bin");
	fs::write(&other, object_bytes(1000))?;
	deoss.fails(
		&["put", other.to_str().context("utf-8")?, "bkt/photo.bin", "--layout", "2+2"],
		1,
		"exists already with other content",
	)?;
	let stat = deoss.json(&["stat", "bkt/photo.bin"])?;
	ensure!(
		stat[0]["size"] == 300_000 && stat[0]["columns"].as_array().map(Vec::len) == Some(4),
		"{stat:?}"
	);
	ensure!(stat[0]["content_type"] == "image/png", "{stat:?}");
	let listed = deoss.json(&["ls", "bkt"])?;
	ensure!(listed.len() == 1 && listed[0]["key"] == "photo.bin", "{listed:?}");
	let back = dir.join("back.bin");
	deoss.json(&["get", "bkt/photo.bin", back.to_str().context("utf-8")?])?;
	ensure!(fs::read(&back)? == bytes, "the file came back byte-exact");
	let range = deoss.run(&["get", "bkt/photo.bin", "-", "--range", "1000-1999"])?;
	ensure!(
		range.status.success() && range.stdout == bytes[1000..2000],
		"the range came back on stdout"
	);
	let by_fid = deoss.run(&["-q", "get", fid.as_str().context("hex")?, "-"])?;
	ensure!(by_fid.stdout == bytes, "a FID reads the same bytes");
	deoss.fails(&["get", "bkt/missing.bin"], 1, "no object bkt/missing.bin")?;
	ensure!(
		!dir.join("missing.bin").exists() && !dir.join("missing.bin.deoss-partial").exists(),
		"nothing half-written"
	);

	// A directory of 50 files up in parallel, and mirrored back down.
	let batch = dir.join("batch");
	fs::create_dir_all(batch.join("sub"))?;
	for n in 0..50 {
		let path = if n % 5 == 0 {
			batch.join("sub").join(format!("{n}.txt"))
		} else {
			batch.join(format!("{n}.txt"))
		};
		fs::write(path, object_bytes(1000 + n * 37))?;
	}
	let stored = deoss.json(&[
		"put",
		"-r",
		batch.to_str().context("utf-8")?,
		"bkt/batch",
		"--layout",
		"2+2",
		"--parallel",
		"8",
	])?;
	ensure!(
		stored.len() == 50 && stored.iter().all(|doc| doc["fid"].is_string()),
		"50 results: {stored:?}"
	);
	let mirror = dir.join("mirror");
	let fetched = deoss.json(&["get", "-r", "bkt/batch", mirror.to_str().context("utf-8")?])?;
	ensure!(fetched.len() == 50, "50 files mirrored");
	compare_trees(&batch, &mirror)?;

	encrypted_objects(&system, &deoss, dir)?;
	interrupted_put_resumes(&system, &deoss, dir).await?;

	// Removal.
	deoss.json(&["rm", "bkt/photo.bin"])?;
	deoss.fails(&["stat", "bkt/photo.bin"], 1, "no object bkt/photo.bin")?;

	// Authorizations.
	let bob = deoss_chain::signer::ss58(&parse_secret("//Bob")?.public_key().0);
	deoss.json(&["authorize", &bob, "--scopes", "upload,delete", "--expires", "30d"])?;
	let authorizations = deoss.json(&["authorizations"])?;
	ensure!(
		authorizations.len() == 1 && authorizations[0]["operator"] == bob.as_str(),
		"{authorizations:?}"
	);
	ensure!(authorizations[0]["expires_at"].is_number(), "{authorizations:?}");
	deoss.fails(&["authorize", &bob, "--scopes", "everything"], 1, "unknown scope")?;
	deoss.json(&["revoke", &bob])?;
	ensure!(deoss.json(&["authorizations"])?.is_empty(), "revoked");

	// Miners and schedulers.
	ensure!(
		deoss.json(&["miners"])?.len() == 5 && deoss.json(&["schedulers"])?.len() == 1,
		"the system's providers"
	);
	ensure!(
		deoss.json(&["miners", "--region", "FR"])?.iter().all(|miner| miner["region"] == "FR"),
		"filtered by region"
	);

	// Progress bars when stderr is a terminal (a pseudo-terminal from `script`).
	let upload = dir.join("tty.bin");
	fs::write(&upload, object_bytes(2_000_000))?;
	let command = format!(
		"{} --url {} --key-file {} put {} bkt/tty.bin --layout 2+2",
		cli_binary()?.display(),
		system.url(),
		key.display(),
		upload.display()
	);
	let tty = Command::new("script")
		.args(["-qefc", &command, "/dev/null"])
		.output()
		.context("running under script(1)")?;
	let screen = String::from_utf8_lossy(&tty.stdout);
	ensure!(tty.status.success(), "the upload under a terminal: {screen}");
	ensure!(
		screen.contains("uploading") || screen.contains("encoding"),
		"a progress bar was drawn: {screen:?}"
	);
	let quiet = deoss.run(&[
		"put",
		upload.to_str().context("utf-8")?,
		"bkt/quiet.bin",
		"--layout",
		"2+2",
	])?;
	ensure!(
		quiet.stderr.is_empty(),
		"no progress without a terminal: {}",
		String::from_utf8_lossy(&quiet.stderr)
	);
	Ok(())
}

/// Encrypted (and compressed) objects: the owner reads them with nothing but the
/// account key, miners never hold the plaintext, `share` lets a second account read,
/// a third is refused, `unshare` withdraws.
fn encrypted_objects(system: &System, deoss: &Deoss, dir: &Path) -> Result<()> {
	let marker = b"plaintext marker 7d1c0e5a ";
	let plaintext: Vec<u8> = marker.repeat(6000);
	let secret = dir.join("secret.txt");
	fs::write(&secret, &plaintext)?;
	let sealed = deoss.json(&[
		"put",
		secret.to_str().context("utf-8")?,
		"bkt/secret.txt",
		"--encrypt",
		"--compress",
		"--layout",
		"2+2",
	])?;
	ensure!(sealed[0]["encrypted"] == true, "{sealed:?}");
	let payload = sealed[0]["size"].as_u64().context("size")?;
	ensure!(payload < plaintext.len() as u64 / 10, "compressed before sealing: {payload} bytes");
	let fid = sealed[0]["fid"].as_str().context("fid")?.to_string();
	for miner in &system.miners {
		ensure!(!tree_contains(&miner.data_dir, &marker[..])?, "{} holds plaintext", miner.name);
	}

	// The owner on another machine: only a copy of the key file.
	let elsewhere = dir.join("elsewhere");
	fs::create_dir_all(&elsewhere)?;
	let copy = elsewhere.join("me.key");
	fs::copy(&deoss.key, &copy)?;
	fs::set_permissions(&copy, fs::Permissions::from_mode(0o600))?;
	let owner = Deoss { url: deoss.url.clone(), key: copy, state: elsewhere.join("state") };
	let opened = owner.run(&["-q", "get", "bkt/secret.txt", "-"])?;
	ensure!(opened.status.success() && opened.stdout == plaintext, "the owner decrypts");
	let raw = owner.run(&["-q", "get", "bkt/secret.txt", "-", "--raw"])?;
	ensure!(
		raw.status.success() && raw.stdout.len() as u64 == payload,
		"--raw gives the payload as stored"
	);
	ensure!(!contains(&raw.stdout, &marker[..]), "the stored payload is ciphertext");

	let bob = deoss.as_account("//Bob", &dir.join("bob.key"))?;
	let charlie = deoss.as_account("//Charlie", &dir.join("charlie.key"))?;
	let bob_address = ss58(&parse_secret("//Bob")?.public_key().0);
	let charlie_address = ss58(&parse_secret("//Charlie")?.public_key().0);
	bob.fails(&["get", &fid, "-"], 1, "not shared with")?;
	let shared = deoss.json(&["share", "bkt/secret.txt", &bob_address])?;
	ensure!(shared[0]["shared"] == true, "{shared:?}");
	let read = bob.run(&["-q", "get", &fid, "-"])?;
	ensure!(read.status.success() && read.stdout == plaintext, "Bob decrypts after share");
	charlie.fails(&["get", &fid, "-"], 1, "not shared with")?;
	bob.fails(&["share", &fid, &charlie_address], 1, "only an owner can")?;
	deoss.fails(&["share", "bkt/batch/1.txt", &bob_address], 1, "is not encrypted")?;
	deoss.json(&["unshare", "bkt/secret.txt", &bob_address])?;
	bob.fails(&["get", &fid, "-"], 1, "not shared with")?;
	Ok(())
}

/// A put killed mid-upload and run again: the same deal is resumed and the bytes its
/// scheduler holds are not sent again.
async fn interrupted_put_resumes(system: &System, deoss: &Deoss, dir: &Path) -> Result<()> {
	let big = dir.join("big.bin");
	let bytes = object_bytes(40 << 20);
	fs::write(&big, &bytes)?;
	let big_arg = big.to_str().context("utf-8")?;
	let args = ["--json", "put", big_arg, "bkt/big.bin", "--encrypt", "--layout", "2+2"];
	let me = parse_secret(fs::read_to_string(&deoss.key)?.trim())?.public_key().0;
	let mut blocks = system.chain.finalized_events().await?;
	let mut first = deoss.command(&args)?.stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
	let (deal, scheduler) = loop {
		let block = tokio::time::timeout(std::time::Duration::from_secs(60), blocks.next())
			.await
			.context("no deal assigned within 60 s")?
			.context("subscription ended")??;
		if let Some((deal, scheduler)) = block.events.into_iter().find_map(|event| match event {
			ChainEvent::DealAssigned(assigned) if assigned.owner == me => {
				Some((assigned.deal, assigned.scheduler))
			}
			_ => None,
		}) {
			break (deal, scheduler);
		}
	};
	let endpoint = system
		.schedulers
		.iter()
		.find(|service| service.id() == scheduler)
		.context("the deal's scheduler is ours")?
		.endpoint
		.clone();
	let status_url = deoss_protocol::routes::url(&endpoint, &deoss_protocol::routes::upload(deal));
	let http = reqwest::Client::new();
	let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
	loop {
		ensure!(std::time::Instant::now() < deadline, "the first put sent nothing in 60 s");
		if let Ok(response) = http.get(&status_url).send().await {
			if let Ok(status) = response.json::<deoss_protocol::UploadStatus>().await {
				if status.received >= 8 << 20 {
					break;
				}
			}
		}
		tokio::time::sleep(std::time::Duration::from_millis(20)).await;
	}
	// Ctrl-C.
	deoss_e2e::send_signal(&first, libc::SIGINT);
	let interrupted = first.wait()?;
	ensure!(!interrupted.success(), "the first put was interrupted");

	let resumed = deoss.json(&args[1..])?;
	ensure!(resumed[0]["deal"] == deal, "the same deal was resumed: {resumed:?}");
	let from = resumed[0]["resumed_from"].as_u64().context("resumed_from")?;
	ensure!(from >= 8 << 20, "what the scheduler held was not sent again: {resumed:?}");
	let back = deoss.run(&["-q", "get", "bkt/big.bin", "-"])?;
	ensure!(back.status.success() && back.stdout == bytes, "the resumed object reads back");
	ensure!(
		fs::read_dir(&deoss.state)?.flatten().all(|entry| entry.path().is_dir()
			&& fs::read_dir(entry.path()).map(|mut dir| dir.next().is_none()).unwrap_or(true)),
		"the journal entry is gone once stored"
	);
	deoss.json(&["rm", "bkt/big.bin"])?;
	Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
	haystack.windows(needle.len()).any(|window| window == needle)
}

/// Whether any file under `dir` contains `needle`.
fn tree_contains(dir: &Path, needle: &[u8]) -> Result<bool> {
	if !dir.exists() {
		return Ok(false);
	}
	for entry in fs::read_dir(dir)? {
		let path = entry?.path();
		if path.is_dir() {
			if tree_contains(&path, needle)? {
				return Ok(true);
			}
		} else if contains(&fs::read(&path)?, needle) {
			return Ok(true);
		}
	}
	Ok(false)
}

fn compare_trees(expected: &Path, actual: &Path) -> Result<()> {
	for entry in fs::read_dir(expected)? {
		let entry = entry?;
		let other = actual.join(entry.file_name());
		if entry.file_type()?.is_dir() {
			compare_trees(&entry.path(), &other)?;
		} else {
			ensure!(
				fs::read(entry.path())?
					== fs::read(&other).with_context(|| format!("{} missing", other.display()))?,
				"{} differs",
				other.display()
			);
		}
	}
	Ok(())
}
