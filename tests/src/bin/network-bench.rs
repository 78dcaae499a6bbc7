//! Benchmarks of the storage network on the dev system (real processes on loopback),
//! each against a baseline measured in the same run; prints a Markdown table for
//! BENCHMARKS.md.
//!
//! ```sh
//! cargo build --workspace --all-targets && cargo run -p deoss-e2e --bin network-bench
//! ```
//!
//! `--quick` uses 32 MiB instead of 256 MiB and 1 GiB, for a smoke run.

use std::{
	io::Read,
	time::{Duration, Instant},
};

use anyhow::{Context, Result};
use deoss_chain::{calls, signer::parse_secret};
use deoss_client::{DeossClient, GetRequest, PutRequest, PutSource, Target};
use deoss_e2e::{
	market::object_bytes,
	system::{System, SystemConfig},
};
use deoss_pipeline::{EncodedSegment, Encoder};
use deoss_primitives::Layout;

const MIB: u64 = 1024 * 1024;

fn ms(duration: Duration) -> f64 {
	duration.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
	let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
	sorted[index]
}

fn row(what: &str, value: String, baseline: String, ratio: f64) {
	println!("| {what} | {value} | {baseline} | {ratio:.2} |");
}

async fn prepare(system: &System, gib: u32) -> Result<DeossClient> {
	let alice = parse_secret("//Alice")?;
	system.chain.submit(&calls::buy_space(gib, 30), &alice).await?;
	system.chain.submit(&calls::create_bucket(b"bench"), &alice).await?;
	Ok(DeossClient::new(system.chain.clone(), alice))
}

fn object_file(dir: &std::path::Path, name: &str, len: u64) -> Result<std::path::PathBuf> {
	let path = dir.join(name);
	let mut file = std::fs::File::create(&path)?;
	let chunk = object_bytes(8 * MIB as usize);
	let mut left = len;
	let mut salt = 0u8;
	while left > 0 {
		let take = left.min(chunk.len() as u64) as usize;
		// Every 8 MiB differs, so no two segments are alike.
		let piece: Vec<u8> = chunk[..take].iter().map(|byte| byte ^ salt).collect();
		std::io::Write::write_all(&mut file, &piece)?;
		left -= take as u64;
		salt = salt.wrapping_add(1);
	}
	Ok(path)
}

async fn put_file(
	client: &DeossClient,
	path: &std::path::Path,
	name: &str,
) -> Result<(Duration, deoss_client::PutOutcome)> {
	let mut request = PutRequest::bytes("bench", name, Vec::new(), &[*b"DE", *b"FR", *b"US"]);
	request.source = PutSource::Path(path.to_path_buf());
	let started = Instant::now();
	let outcome = client.put(request, |_| ()).await?;
	Ok((started.elapsed(), outcome))
}

fn encode_alone(path: &std::path::Path) -> Result<Duration> {
	let started = Instant::now();
	let mut discard = |_: &EncodedSegment| Ok(());
	Encoder::new(Layout::default())?
		.encode(std::io::BufReader::new(std::fs::File::open(path)?), &mut discard)?;
	Ok(started.elapsed())
}

#[tokio::main]
async fn main() -> Result<()> {
	let quick = std::env::args().any(|arg| arg == "--quick");
	let (large, huge) = if quick { (32 * MIB, 32 * MIB) } else { (256 * MIB, 1024 * MIB) };
	let work = tempfile::tempdir()?;
	println!("| measurement | value | baseline (same run) | ratio |");
	println!("|---|---|---|---|");

	// 1 MiB to FileStored: instant sealing, then a 3 s block time.
	for (label, instant, block_time_ms) in
		[("instant sealing", true, 3000), ("3 s interval sealing", false, 3000)]
	{
		let system =
			System::start(SystemConfig { instant, block_time_ms, ..SystemConfig::default() })
				.await?;
		let client = prepare(&system, 1).await?;
		let mut times = Vec::new();
		for n in 0..5 {
			let started = Instant::now();
			client
				.put(
					PutRequest::bytes(
						"bench",
						&format!("one-mib-{n}"),
						object_bytes(MIB as usize + n),
						&[*b"DE", *b"FR", *b"US"],
					),
					|_| (),
				)
				.await?;
			times.push(ms(started.elapsed()));
		}
		times.sort_by(f64::total_cmp);
		let encode = {
			let bytes = object_bytes(MIB as usize);
			let started = Instant::now();
			let mut discard = |_: &EncodedSegment| Ok(());
			Encoder::new(Layout::default())?.encode(&bytes[..], &mut discard)?;
			ms(started.elapsed())
		};
		row(
			&format!("put 1 MiB → FileStored, {label} (median of 5)"),
			format!("{:.0} ms", percentile(&times, 0.5)),
			format!("encode alone {encode:.1} ms"),
			percentile(&times, 0.5) / encode,
		);
		drop(system);
	}

	let system =
		System::start(SystemConfig { block_time_ms: 500, ..SystemConfig::default() }).await?;
	let client = prepare(&system, 8).await?;

	// put of a large object against encoding it alone.
	let path = object_file(work.path(), "large.bin", large)?;
	let encode = encode_alone(&path)?;
	let (put, outcome) = put_file(&client, &path, "large.bin").await?;
	row(
		&format!("put {} MiB → FileStored", large / MIB),
		format!(
			"{:.1} s ({:.1} MiB/s)",
			put.as_secs_f64(),
			large as f64 / MIB as f64 / put.as_secs_f64()
		),
		format!("pipeline encode alone {:.1} s", encode.as_secs_f64()),
		put.as_secs_f64() / encode.as_secs_f64(),
	);

	// get of the large object against reading its k data fragment files from disk.
	let started = Instant::now();
	let back = client.get_bytes(GetRequest::new(Target::Fid(outcome.fid))).await?;
	let get = started.elapsed();
	anyhow::ensure!(back.len() as u64 == large, "the object came back whole");
	drop(back);
	let started = Instant::now();
	let mut read = 0u64;
	for (column, miner) in
		outcome.miners.iter().take(usize::from(Layout::default().data_shards)).enumerate()
	{
		let service = system.miner(miner).context("a holder of ours")?;
		let dir = service.data_dir.join("store").join(outcome.fid.to_string());
		for entry in std::fs::read_dir(&dir)? {
			let entry = entry?;
			if entry.file_name().to_string_lossy().ends_with(&format!(".{column}.frag")) {
				let mut bytes = Vec::new();
				std::fs::File::open(entry.path())?.read_to_end(&mut bytes)?;
				read += bytes.len() as u64;
			}
		}
	}
	let disk = started.elapsed();
	anyhow::ensure!(read >= large, "the k data columns hold the object ({read} bytes)");
	row(
		&format!("get {} MiB from the miners", large / MIB),
		format!(
			"{:.2} s ({:.0} MiB/s)",
			get.as_secs_f64(),
			large as f64 / MIB as f64 / get.as_secs_f64()
		),
		format!("read k fragment files {:.2} s", disk.as_secs_f64()),
		get.as_secs_f64() / disk.as_secs_f64(),
	);

	// get of a 1 MiB object, 100 times.
	let small = client
		.put(
			PutRequest::bytes(
				"bench",
				"small.bin",
				object_bytes(MIB as usize),
				&[*b"DE", *b"FR", *b"US"],
			),
			|_| (),
		)
		.await?;
	let mut times = Vec::new();
	for _ in 0..100 {
		let started = Instant::now();
		client.get_bytes(GetRequest::new(Target::Fid(small.fid))).await?;
		times.push(ms(started.elapsed()));
	}
	times.sort_by(f64::total_cmp);
	let reads = {
		let holder = system.miner(&small.miners[0]).context("a holder")?;
		let path = holder.data_dir.join("store").join(small.fid.to_string()).join("0.0.frag");
		let started = Instant::now();
		for _ in 0..100 {
			std::fs::read(&path)?;
		}
		ms(started.elapsed()) / 100.0 * 4.0
	};
	row(
		"get 1 MiB, p50 of 100",
		format!("{:.1} ms", percentile(&times, 0.5)),
		format!("read 4 fragment files {reads:.2} ms"),
		percentile(&times, 0.5) / reads,
	);
	row(
		"get 1 MiB, p99 of 100",
		format!("{:.1} ms", percentile(&times, 0.99)),
		format!("read 4 fragment files {reads:.2} ms"),
		percentile(&times, 0.99) / reads,
	);

	drop(system);

	// Peak memory of the services: after the large upload, and after a far larger one.
	// Deal deadlines are in blocks (100 in the dev runtime), so this system makes
	// blocks every 3 s, as a real network does, to give the large upload its minutes.
	let system =
		System::start(SystemConfig { block_time_ms: 3000, ..SystemConfig::default() }).await?;
	let client = prepare(&system, 8).await?;
	let path = object_file(work.path(), "large.bin", large)?;
	put_file(&client, &path, "large.bin").await?;
	let peak = |system: &System| -> (u64, u64) {
		let scheduler =
			system.schedulers.iter().filter_map(|service| service.peak_rss()).max().unwrap_or(0);
		let miner =
			system.miners.iter().filter_map(|service| service.peak_rss()).max().unwrap_or(0);
		(scheduler, miner)
	};
	let (scheduler_before, miner_before) = peak(&system);
	std::fs::remove_file(&path)?;
	let path = object_file(work.path(), "huge.bin", huge)?;
	put_file(&client, &path, "huge.bin").await?;
	let (scheduler_after, miner_after) = peak(&system);
	row(
		&format!("scheduler peak RSS after a {} MiB put", huge / MIB),
		format!("{} MiB", scheduler_after / MIB),
		format!("after {} MiB: {} MiB", large / MIB, scheduler_before / MIB),
		scheduler_after as f64 / scheduler_before.max(1) as f64,
	);
	row(
		&format!("miner peak RSS after a {} MiB put", huge / MIB),
		format!("{} MiB", miner_after / MIB),
		format!("after {} MiB: {} MiB", large / MIB, miner_before / MIB),
		miner_after as f64 / miner_before.max(1) as f64,
	);
	Ok(())
}
