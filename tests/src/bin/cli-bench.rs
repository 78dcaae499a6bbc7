//! Benchmarks of the `deoss` command line on the dev system, each against the SDK call
//! (or the chain transactions) it stands on, measured in the same run; prints a
//! Markdown table for BENCHMARKS.md.
//!
//! ```sh
//! cargo build --workspace --all-targets && cargo run -p deoss-e2e --bin cli-bench
//! ```
//!
//! `--quick` uses 32 MiB and 100 small objects, for a smoke run.

use std::{
	path::Path,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

use anyhow::{ensure, Context, Result};
use deoss_chain::{
	calls::{self, Declaration, Meta},
	signer::{parse_secret, write_key_file},
};
use deoss_client::{DeossClient, GetRequest, PutRequest, PutSource, Target};
use deoss_e2e::{
	cli_binary,
	market::object_bytes,
	system::{System, SystemConfig},
};
use deoss_primitives::{Fid, Layout};
use futures::StreamExt;

const MIB: u64 = 1024 * 1024;
const REGIONS: [[u8; 2]; 3] = [*b"DE", *b"FR", *b"US"];

fn row(what: &str, value: String, baseline: String, ratio: f64) {
	println!("| {what} | {value} | {baseline} | {ratio:.2} |");
}

fn deoss(system: &System, key: &Path, args: &[&str]) -> Result<Duration> {
	let started = Instant::now();
	let output = Command::new(cli_binary()?)
		.args(["--url", &system.url(), "--key-file"])
		.arg(key)
		.args(["-q"])
		.args(args)
		.stdin(Stdio::null())
		.output()?;
	let elapsed = started.elapsed();
	ensure!(output.status.success(), "deoss {args:?}: {}", String::from_utf8_lossy(&output.stderr));
	Ok(elapsed)
}

fn large_file(path: &Path, len: u64, salt: u8) -> Result<()> {
	let chunk = object_bytes(8 * MIB as usize);
	let mut file = std::fs::File::create(path)?;
	let mut left = len;
	let mut round = salt;
	while left > 0 {
		let take = left.min(chunk.len() as u64) as usize;
		let piece: Vec<u8> = chunk[..take].iter().map(|byte| byte ^ round).collect();
		std::io::Write::write_all(&mut file, &piece)?;
		left -= take as u64;
		round = round.wrapping_add(1);
	}
	Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
	let quick = std::env::args().any(|arg| arg == "--quick");
	let (large, small_count) = if quick { (32 * MIB, 100) } else { (256 * MIB, 1000) };
	let work = tempfile::tempdir()?;
	let dir = work.path();
	let system = System::start(SystemConfig::default()).await?;
	let alice = parse_secret("//Alice")?;
	system.chain.submit(&calls::buy_space(8, 30), &alice).await?;
	system.chain.submit(&calls::create_bucket(b"bench"), &alice).await?;
	let key = dir.join("alice.key");
	write_key_file(&key, "//Alice")?;
	let client = DeossClient::new(system.chain.clone(), alice.clone());
	println!("| measurement | deoss | baseline (same run) | ratio |");
	println!("|---|---|---|---|");

	// put: the SDK call alone, then the CLI (process start, connect, bucket and space
	// checks, the same put), each on its own object of the same size.
	let sdk_path = dir.join("sdk.bin");
	let cli_path = dir.join("cli.bin");
	large_file(&sdk_path, large, 0)?;
	large_file(&cli_path, large, 101)?;
	let mut request = PutRequest::bytes("bench", "sdk.bin", Vec::new(), &REGIONS);
	request.source = PutSource::Path(sdk_path.clone());
	let started = Instant::now();
	let stored = client.put(request, |_| ()).await?;
	let sdk_put = started.elapsed();
	let cli_put = deoss(
		&system,
		&key,
		&["put", cli_path.to_str().context("utf-8")?, "bench/cli.bin", "--regions", "DE,FR,US"],
	)?;
	row(
		&format!("put {} MiB → FileStored", large / MIB),
		format!("{:.1} s", cli_put.as_secs_f64()),
		format!("SDK put {:.1} s", sdk_put.as_secs_f64()),
		cli_put.as_secs_f64() / sdk_put.as_secs_f64(),
	);

	// get: into a file, both ways.
	let sdk_out = dir.join("sdk.out");
	let started = Instant::now();
	client
		.get(
			GetRequest::new(Target::Fid(stored.fid)),
			std::io::BufWriter::new(std::fs::File::create(&sdk_out)?),
		)
		.await?;
	let sdk_get = started.elapsed();
	let cli_out = dir.join("cli.out");
	let cli_get =
		deoss(&system, &key, &["get", "bench/cli.bin", cli_out.to_str().context("utf-8")?])?;
	ensure!(std::fs::metadata(&cli_out)?.len() == large, "the CLI wrote the whole object");
	row(
		&format!("get {} MiB into a file", large / MIB),
		format!("{:.2} s", cli_get.as_secs_f64()),
		format!("SDK get {:.2} s", sdk_get.as_secs_f64()),
		cli_get.as_secs_f64() / sdk_get.as_secs_f64(),
	);
	for path in [&sdk_path, &cli_path, &sdk_out, &cli_out] {
		std::fs::remove_file(path)?;
	}

	// Many small objects with `put -r`, against declaring as many alone.
	let batch = dir.join("batch");
	std::fs::create_dir_all(&batch)?;
	for n in 0..small_count {
		let mut bytes = object_bytes(4096);
		bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
		std::fs::write(batch.join(format!("{n:04}.bin")), bytes)?;
	}
	// 2+2 (four miners an object) keeps a batch of hundreds of deals within what
	// 14 miners sharing two cores with everything else answer in time.
	let parallel = 16;
	let parallel_arg = parallel.to_string();
	let cli_batch = deoss(
		&system,
		&key,
		&[
			"put",
			"-r",
			batch.to_str().context("utf-8")?,
			"bench/batch",
			"--regions",
			"DE,FR,US",
			"--layout",
			"2+2",
			"--parallel",
			&parallel_arg,
		],
	)?;
	let listed = system.chain.objects(&alice.public_key().0, Some(b"bench")).await?;
	ensure!(
		listed.iter().filter(|object| object.name.starts_with(b"batch/")).count() == small_count,
		"every small object is stored"
	);
	system.chain.submit(&calls::create_bucket(b"declared"), &alice).await?;
	let started = Instant::now();
	let declared = futures::stream::iter(0..small_count)
		.map(|n| {
			let chain = system.chain.clone();
			let alice = alice.clone();
			async move {
				let mut fid = [0x5au8; 32];
				fid[..8].copy_from_slice(&(n as u64).to_le_bytes());
				let declaration = Declaration {
					owner: alice.public_key().0,
					bucket: b"declared".to_vec(),
					name: format!("{n:04}.bin").into_bytes(),
					size: 4096,
					fid: Fid(fid),
					layout: Layout::with_shards(2, 2),
					regions: REGIONS.to_vec(),
					pinned: Vec::new(),
					meta: Meta {
						content_type: "application/octet-stream".into(),
						..Meta::default()
					},
				};
				chain.submit(&calls::declare(&declaration), &alice).await
			}
		})
		.buffer_unordered(parallel)
		.collect::<Vec<_>>()
		.await;
	let declare_alone = started.elapsed();
	ensure!(declared.iter().all(Result::is_ok), "every declaration went in");
	let per_second = |elapsed: Duration| small_count as f64 / elapsed.as_secs_f64();
	row(
		&format!("put -r of {small_count} × 4 KiB, layout 2+2, --parallel {parallel}"),
		format!("{:.1} objects/s ({:.1} s)", per_second(cli_batch), cli_batch.as_secs_f64()),
		format!(
			"{small_count} declare transactions alone: {:.1}/s ({:.1} s)",
			per_second(declare_alone),
			declare_alone.as_secs_f64()
		),
		cli_batch.as_secs_f64() / declare_alone.as_secs_f64(),
	);
	Ok(())
}
