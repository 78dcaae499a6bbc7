//! Measures a dev `deoss-node` as an operator and a client see it: time from
//! spawn to the first block, transaction latency with instant sealing, and
//! block spacing with interval sealing. Prints a table of medians, each next
//! to the baseline it is compared with.
//!
//! Run: `cargo run -p deoss-e2e --bin node-bench` (after `cargo build -p deoss-node`).

use std::time::{Duration, Instant};

use anyhow::Result;
use deoss_e2e::{best_block_number, submit, Node, NodeConfig};
use subxt::{dynamic, rpcs::rpc_params};
use subxt_signer::sr25519::dev;

const RUNS: usize = 5;
const TRANSACTIONS: usize = 20;
const INTERVAL_MS: u64 = 1000;
const INTERVALS: usize = 10;

fn median(mut samples: Vec<Duration>) -> Duration {
	samples.sort();
	samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
	duration.as_secs_f64() * 1000.0
}

/// Spawn to block #1, and spawn to RPC ready, for one start.
async fn start_times(sealing: &[&str]) -> Result<(Duration, Duration)> {
	let spawned = Instant::now();
	let node = Node::start(NodeConfig::dev(sealing)).await?;
	let rpc_ready = spawned.elapsed();
	let rpc = node.rpc().await?;
	while best_block_number(&rpc).await? < 1 {
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
	Ok((rpc_ready, spawned.elapsed()))
}

#[tokio::main]
async fn main() -> Result<()> {
	println!("| measurement | median | baseline (same run) | ratio |");
	println!("|---|---|---|---|");

	for (label, sealing) in [
		("instant", vec!["--sealing", "instant"]),
		("interval 3000 ms", vec!["--sealing", "interval", "--block-time", "3000"]),
	] {
		let mut rpc_ready = Vec::new();
		let mut first_block = Vec::new();
		for _ in 0..RUNS {
			let (ready, block) = start_times(&sealing).await?;
			rpc_ready.push(ready);
			first_block.push(block);
		}
		let (ready, block) = (median(rpc_ready), median(first_block));
		println!(
			"| spawn → block #1, {label} | {:.0} ms | spawn → RPC ready {:.0} ms | {:.2} |",
			ms(block),
			ms(ready),
			block.as_secs_f64() / ready.as_secs_f64()
		);
	}

	// Instant sealing: a signed transaction from submission to finality.
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let client = node.client().await?;
	let rpc = node.rpc().await?;
	let mut round_trips = Vec::new();
	for _ in 0..TRANSACTIONS {
		let sent = Instant::now();
		let _: serde_json::Value = rpc.request("system_health", rpc_params![]).await?;
		round_trips.push(sent.elapsed());
	}
	let remark = dynamic::transaction("System", "remark", (b"latency".to_vec(),));
	let mut latencies = Vec::new();
	for _ in 0..TRANSACTIONS {
		let sent = Instant::now();
		submit(&client, &remark, &dev::alice()).await?;
		latencies.push(sent.elapsed());
	}
	let (latency, round_trip) = (median(latencies), median(round_trips));
	println!(
		"| instant: remark submit → finalized | {:.1} ms | RPC round trip {:.2} ms | {:.0} |",
		ms(latency),
		ms(round_trip),
		latency.as_secs_f64() / round_trip.as_secs_f64()
	);
	drop(node);

	// Interval sealing: spacing of consecutive blocks.
	let block_time = INTERVAL_MS.to_string();
	let node =
		Node::start(NodeConfig::dev(&["--sealing", "interval", "--block-time", &block_time]))
			.await?;
	let rpc = node.rpc().await?;
	let mut last = best_block_number(&rpc).await?;
	let mut last_seen = Instant::now();
	let mut spacings = Vec::new();
	while spacings.len() < INTERVALS + 1 {
		let best = best_block_number(&rpc).await?;
		if best > last {
			spacings.push(last_seen.elapsed());
			last = best;
			last_seen = Instant::now();
		}
		tokio::time::sleep(Duration::from_millis(5)).await;
	}
	// The first spacing started mid-interval.
	let spacing = median(spacings.split_off(1));
	println!(
		"| interval: block spacing | {:.0} ms | --block-time {INTERVAL_MS} ms | {:.3} |",
		ms(spacing),
		spacing.as_secs_f64() * 1000.0 / INTERVAL_MS as f64
	);
	Ok(())
}
