//! Benchmarks of the network under failures on the dev system (real processes on
//! loopback, default 4+8 layout, 14 miners): a 64 MiB get with one frozen holder and
//! with m = 8 holders stopped, against the all-healthy get in the same run; and the
//! time from a miner losing its data to full redundancy again (restoral completed by
//! another miner daemon). Prints a Markdown table for BENCHMARKS.md.
//!
//! ```sh
//! cargo build --workspace --all-targets && cargo run -p deoss-e2e --bin healing-bench
//! ```

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use deoss_chain::{calls, events::RestoralCompleted, signer::parse_secret};
use deoss_client::{DeossClient, GetRequest, PutRequest, Target};
use deoss_e2e::{
	events::EventLog,
	market::object_bytes,
	system::{System, SystemConfig},
};

const MIB: usize = 1024 * 1024;
const RUNS: usize = 3;

/// Median seconds of `RUNS` gets, each by a new client (nothing learned about holders).
async fn median_get(system: &System, expected: &[u8]) -> Result<(f64, u32)> {
	let alice = parse_secret("//Alice")?;
	let mut times = Vec::new();
	let mut hedged = 0;
	for _ in 0..RUNS {
		let client = DeossClient::new(system.chain.clone(), alice.clone());
		let target =
			Target::Object { owner: None, bucket: b"bench".to_vec(), name: b"obj".to_vec() };
		let started = Instant::now();
		let (bytes, report) = client.get_bytes_with_report(GetRequest::new(target)).await?;
		times.push(started.elapsed().as_secs_f64());
		hedged += report.hedged;
		anyhow::ensure!(bytes == expected, "the object came back bit-exact");
	}
	times.sort_by(f64::total_cmp);
	Ok((times[RUNS / 2], hedged))
}

#[tokio::main]
async fn main() -> Result<()> {
	let mut system = System::start(SystemConfig::default()).await?;
	let alice = parse_secret("//Alice")?;
	system.chain.submit(&calls::buy_space(4, 30), &alice).await?;
	system.chain.submit(&calls::create_bucket(b"bench"), &alice).await?;
	let client = DeossClient::new(system.chain.clone(), alice.clone());
	let bytes = object_bytes(64 * MIB);
	let request = PutRequest::bytes("bench", "obj", bytes.clone(), &[*b"DE", *b"FR", *b"US"]);
	let outcome = client.put(request, |_| ()).await?;
	let record = system.chain.file(&outcome.fid).await?.context("stored")?;
	let ids: Vec<[u8; 32]> = system.miners.iter().map(|miner| miner.id()).collect();
	let index = |id: &[u8; 32]| ids.iter().position(|miner| miner == id);

	println!("| get of a 64 MiB object (4+8, median of {RUNS}, new client each) | value | all-healthy (same run) | ratio |");
	println!("|---|---|---|---|");
	let (healthy, _) = median_get(&system, &bytes).await?;
	println!("| all holders healthy | {healthy:.2} s | {healthy:.2} s | 1.00 |");

	let frozen = index(&record.miners[0]).context("holder of column 0")?;
	system.miners[frozen].signal(libc::SIGSTOP);
	let (with_frozen, hedged) = median_get(&system, &bytes).await?;
	system.miners[frozen].signal(libc::SIGCONT);
	println!(
		"| holder of data column 0 frozen (SIGSTOP); {hedged} hedged requests in {RUNS} gets | {with_frozen:.2} s | {healthy:.2} s | {:.2} |",
		with_frozen / healthy
	);

	let stopped: Vec<usize> =
		record.miners[..8].iter().map(|id| index(id).context("a holder")).collect::<Result<_>>()?;
	for &miner in &stopped {
		system.miners[miner].kill();
	}
	let (degraded, _) = median_get(&system, &bytes).await?;
	println!(
		"| m = 8 holders stopped (all 4 data columns: every segment decoded from parity) | {degraded:.2} s | {healthy:.2} s | {:.2} |",
		degraded / healthy
	);
	for &miner in &stopped {
		system.miners[miner].start()?;
	}
	system.wait_ready().await?;

	// Loss to full redundancy: the holder of column 1 loses its store.
	let events = EventLog::start(&system.node.client().await?).await?;
	let period = system.chain.constant_u32("Audit", "ChallengePeriod").await?;
	let lost = record.miners[1];
	let service = index(&lost).context("holder of column 1")?;
	let store = system.miners[service].data_dir.join("store");
	let start_block = system.chain.finalized_number().await?;
	let started = Instant::now();
	std::fs::remove_dir_all(&store)?;
	std::fs::create_dir_all(&store)?;
	let (block, _) = events
		.wait_for::<RestoralCompleted, _>(
			Duration::from_secs(600),
			"Audit",
			"RestoralCompleted",
			|event| event.previous == lost && event.fid == outcome.fid.0,
		)
		.await?;
	let seconds = started.elapsed().as_secs_f64();
	let blocks = block.saturating_sub(start_block);
	println!();
	println!("| loss to full redundancy (one 16 MiB column of the 64 MiB object) | value |");
	println!("|---|---|");
	println!("| seconds from the wipe to RestoralCompleted | {seconds:.1} s |");
	println!(
		"| blocks (500 ms) | {blocks} = {:.2} challenge periods of {period} blocks |",
		blocks as f64 / f64::from(period)
	);
	Ok(())
}
