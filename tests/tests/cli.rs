//! The `deoss` command line as a user runs it in a shell, against a running system
//! (a dev node, one scheduler, five miners): keys, account, space, buckets, put and
//! get (one file, ranges, stdout, a directory of 50 files both ways), ls, stat, fid,
//! rm, authorizations, the errors users hit most, and progress under a terminal.

use std::{
	fs,
	os::unix::fs::PermissionsExt,
	path::Path,
	process::{Command, Output, Stdio},
};

use anyhow::{ensure, Context, Result};
use deoss_chain::{calls, signer::parse_secret};
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
}

impl Deoss {
	fn run(&self, args: &[&str]) -> Result<Output> {
		Ok(Command::new(cli_binary()?)
			.args(["--url", &self.url, "--key-file"])
			.arg(&self.key)
			.args(args)
			.stdin(Stdio::null())
			.output()?)
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
	let deoss = Deoss { url: system.url(), key: key.clone() };

	// The errors users hit first.
	let file = dir.join("photo.bin");
	let bytes = object_bytes(300_000);
	fs::write(&file, &bytes)?;
	let file_arg = file.to_str().context("utf-8 path")?;
	deoss.fails(&["put", file_arg, "bkt/photo.bin"], 1, "run `deoss space buy")?;
	deoss.fails(&["put"], 2, "Usage")?;
	let unreachable = Deoss { url: "ws://127.0.0.1:9".into(), key: key.clone() };
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
	deoss.fails(&["put", file_arg, "bkt/photo.bin", "--layout", "2+2"], 1, "exists already")?;
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
