//! The network heals itself: every failure of one process below is met by the
//! software, with no help from the test, against the whole system as separate
//! processes on loopback (a dev node, two schedulers, nine miners in DE).
//!
//! One system serves every scenario, in order; each says what it breaks and what
//! must still be true.

use std::{
	collections::BTreeSet,
	fs,
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use anyhow::{ensure, Context, Result};
use deoss_chain::{
	calls,
	events::{ChallengeFailed, RestoralCompleted},
	signer::parse_secret,
};
use deoss_client::{DeossClient, GetRequest, PutOutcome, PutRequest, Stage, Target};
use deoss_e2e::{
	events::EventLog,
	market::object_bytes,
	system::{System, SystemConfig},
	wait_until,
};
use deoss_primitives::Layout;

const MIB: usize = 1024 * 1024;

/// 2+2 with 1 MiB segments: many segments per object, four columns, five spare
/// miners for replacements and restorals.
fn layout() -> Layout {
	Layout { segment_size: MIB as u32, data_shards: 2, parity_shards: 2, ..Layout::default() }
}

#[tokio::test]
async fn the_network_heals_itself() -> Result<()> {
	let config = SystemConfig { miners: 9, regions: vec!["DE".into()], ..SystemConfig::default() };
	let mut system = System::start(config).await?;
	let result = scenarios(&mut system).await;
	if result.is_err() {
		system.print_logs(20);
	}
	result
}

async fn scenarios(system: &mut System) -> Result<()> {
	let chain = system.chain.clone();
	let events = EventLog::start(&system.node.client().await?).await?;
	let alice = parse_secret("//Alice")?;
	chain.submit(&calls::buy_space(8, 30), &alice).await?;
	chain.submit(&calls::create_bucket(b"heal"), &alice).await?;
	let client = DeossClient::new(chain.clone(), alice.clone());

	// 1. The upload stream breaks halfway (the scheduler is killed and comes back):
	//    the client resumes where the scheduler's staging ends and sends only the rest.
	let bytes = object_bytes(48 * MIB + 5);
	let (put, stages) = spawn_put(&client, "broken-stream", &bytes);
	let (scheduler, deal, staged) = wait_staged(system).await?;
	system.schedulers[scheduler].kill();
	system.schedulers[scheduler].start()?;
	let outcome = put.await??;
	ensure!(
		outcome.scheduler == system.schedulers[scheduler].id(),
		"the same scheduler completed the deal"
	);
	let sent = sent_offsets(&stages);
	ensure!(sent.windows(2).all(|pair| pair[0] <= pair[1]), "the upload never went back: {sent:?}");
	ensure!(
		sent.iter().any(|&offset| offset >= staged && offset < bytes.len() as u64),
		"it resumed from at least the {staged} bytes staged before the break (deal {deal}): {sent:?}"
	);
	check_get(&client, "broken-stream", &bytes).await?;
	system.wait_ready().await?;

	//    The client itself stops mid-upload (the task is dropped); a new put of the
	//    same object continues the open deal from what its scheduler holds.
	let bytes = object_bytes(48 * MIB + 6);
	let (put, _) = spawn_put(&client, "client-stopped", &bytes);
	let (_, _, staged) = wait_staged(system).await?;
	put.abort();
	let outcome = client.put(request("client-stopped", &bytes), |_| ()).await?;
	let resumed = outcome.resumed_from.context("the second put resumed the open deal")?;
	ensure!(resumed >= staged, "resumed from {resumed}, {staged} were staged");
	check_get(&client, "client-stopped", &bytes).await?;

	// 2. The deal's scheduler dies for good mid-upload: the client has the deal
	//    reassigned and completes through the other scheduler.
	let bytes = object_bytes(48 * MIB + 7);
	let (put, _) = spawn_put(&client, "scheduler-dies", &bytes);
	let (dead, _, _) = wait_staged(system).await?;
	system.schedulers[dead].kill();
	let outcome = put.await??;
	let other = system.schedulers[1 - dead].id();
	ensure!(outcome.scheduler == other, "the other scheduler completed the deal");
	check_get(&client, "scheduler-dies", &bytes).await?;
	system.schedulers[dead].start()?;
	system.wait_ready().await?;

	// 3 and 6. During distribution one miner is killed for good and another is
	//    restarted: the scheduler replaces the first, and the second keeps the
	//    fragments it verified and finishes its column.
	let big = object_bytes(64 * MIB + 9);
	let (put, _) = spawn_put(&client, "big", &big);
	let (killed, restarted) = break_miners(system).await?;
	let outcome = put.await??;
	let killed_id = system.miners[killed].id();
	let restarted_id = system.miners[restarted].id();
	ensure!(!outcome.miners.contains(&killed_id), "the killed miner was replaced");
	ensure!(outcome.miners.contains(&restarted_id), "the restarted miner finished its column");
	let scheduler_logs: String = system.schedulers.iter().map(|s| s.log()).collect();
	ensure!(
		scheduler_logs.contains("holds part of the column already"),
		"the restarted miner was sent only the rest of its column"
	);
	check_get(&client, "big", &big).await?;
	system.miners[killed].start()?;
	system.wait_ready().await?;

	// 4. Degraded reads of the 64-segment object, each by a new client (nothing
	//    learned about the holders' speed beforehand).
	let fresh = || DeossClient::new(chain.clone(), alice.clone());
	let record = chain.file(&outcome.fid).await?.context("big is stored")?;
	let holder = |column: usize| record.miners[column];
	//    A frozen holder of a data column costs a hedge delay, not a timeout per
	//    segment (each would be a minute).
	let frozen = service_index(system, &holder(0))?;
	system.miners[frozen].signal(libc::SIGSTOP);
	let pid = system.miners[frozen].pid().context("the frozen miner runs")?;
	wait_until(Duration::from_secs(5), "the holder stopped", || {
		// Field 3 of /proc/<pid>/stat is the state; T is stopped by a signal.
		let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
		let stopped = stat.rsplit(") ").next().is_some_and(|rest| rest.starts_with('T'));
		async move { Ok(stopped.then_some(())) }
	})
	.await?;
	let started = Instant::now();
	let (back, report) = get(&fresh(), "big").await?;
	let frozen_time = started.elapsed();
	system.miners[frozen].signal(libc::SIGCONT);
	ensure!(back == big, "bit-exact with a frozen holder");
	// Column 0 is asked for first: without a hedge the get would wait a whole
	// request timeout for it.
	ensure!(
		frozen_time < deoss_client::REQUEST_TIMEOUT / 2,
		"a frozen holder ({}) cost {frozen_time:?} for {} segments: {report:?}",
		system.miners[frozen].name,
		report.segments
	);
	eprintln!(
		"get with {} frozen: {frozen_time:?}, {} hedged requests",
		system.miners[frozen].name, report.hedged
	);
	//    m = 2 holders stopped (both data columns: every segment decodes from parity).
	let stopped: Vec<usize> =
		[holder(0), holder(1)].iter().map(|id| service_index(system, id)).collect::<Result<_>>()?;
	for &index in &stopped {
		system.miners[index].kill();
	}
	let (back, _) = get(&fresh(), "big").await?;
	ensure!(back == big, "bit-exact with m holders stopped");
	//    One holder stopped and another serving corrupted fragments: every bad fragment
	//    is dropped and fetched elsewhere.
	for &index in &stopped {
		system.miners[index].start()?;
	}
	system.wait_ready().await?;
	system.miners[stopped[0]].kill();
	let corrupted_dir =
		system.miners[stopped[1]].data_dir.join("store").join(outcome.fid.to_string());
	let originals = corrupt_fragments(&corrupted_dir)?;
	let (back, report) = get(&fresh(), "big").await?;
	ensure!(back == big, "bit-exact around corrupted fragments");
	ensure!(
		report.failures.iter().any(|failure| failure.contains("fails verification")),
		"the corrupted fragments were noticed: {:?}",
		report.failures.first()
	);
	for (path, bytes) in originals {
		fs::write(path, bytes)?;
	}
	system.miners[stopped[0]].start()?;
	system.wait_ready().await?;

	// 5. A miner's store is wiped: it fails its challenges, is slashed, and other miner
	//    daemons restore its columns on their own; the object then reads bit-exact
	//    with the wiped miner and one more original holder stopped.
	let small = object_bytes(3 * MIB + 11);
	let small_outcome = client.put(request("small", &small), |_| ()).await?;
	let wiped_id = small_outcome.miners[0];
	let wiped = service_index(system, &wiped_id)?;
	let stake_before = chain.miner(&wiped_id).await?.context("the wiped miner")?.stake;
	let small_dir = system.miners[wiped].data_dir.join("store").join(small_outcome.fid.to_string());
	wait_until(Duration::from_secs(30), "the small file in the miner's store", || {
		let there = small_dir.join("manifest.scale").exists();
		async move { Ok(there.then_some(())) }
	})
	.await?;
	let wiped_files: BTreeSet<[u8; 32]> =
		fs::read_dir(system.miners[wiped].data_dir.join("store"))?
			.filter_map(Result::ok)
			.filter_map(|entry| entry.file_name().to_str().and_then(|name| parse_fid(name)))
			.collect();
	ensure!(wiped_files.contains(&small_outcome.fid.0), "the wiped miner held the small file");
	fs::remove_dir_all(system.miners[wiped].data_dir.join("store"))?;
	fs::create_dir_all(system.miners[wiped].data_dir.join("store"))?;
	events
		.wait_for::<ChallengeFailed, _>(
			Duration::from_secs(120),
			"Audit",
			"ChallengeFailed",
			|event| event.miner == wiped_id && event.recent_failures >= 2,
		)
		.await?;
	let restored_all =
		wait_until(Duration::from_secs(300), "every lost column restored", || async {
			let done = events.find::<RestoralCompleted>("Audit", "RestoralCompleted")?;
			let restored: BTreeSet<[u8; 32]> = done
				.iter()
				.filter(|(_, event)| event.previous == wiped_id)
				.map(|(_, event)| event.fid)
				.collect();
			Ok((restored == wiped_files).then_some(done))
		})
		.await?;
	let slashed = chain.miner(&wiped_id).await?.context("the wiped miner is registered")?;
	ensure!(slashed.stake < stake_before, "the wiped miner was slashed: {}", slashed.stake);
	let record = chain.file(&small_outcome.fid).await?.context("small is stored")?;
	ensure!(!record.miners.contains(&wiped_id), "the record names the new holder");
	for (_, event) in restored_all.iter().filter(|(_, event)| event.previous == wiped_id) {
		ensure!(event.miner != wiped_id, "restored on another miner");
	}
	system.miners[wiped].kill();
	let other_holder = service_index(system, &small_outcome.miners[1])?;
	system.miners[other_holder].kill();
	check_get(&client, "small", &small).await?;
	check_get(&client, "big", &big).await?;
	Ok(())
}

fn request(name: &str, bytes: &[u8]) -> PutRequest {
	let mut request = PutRequest::bytes("heal", name, bytes.to_vec(), &[*b"DE"]);
	request.layout = layout();
	request
}

type Stages = Arc<Mutex<Vec<Stage>>>;

/// Starts a put of `bytes` as `name` in the background; the stages it reports are kept.
fn spawn_put(
	client: &DeossClient,
	name: &str,
	bytes: &[u8],
) -> (tokio::task::JoinHandle<Result<PutOutcome>>, Stages) {
	let stages: Stages = Default::default();
	let (client, request, kept) = (client.clone(), request(name, bytes), stages.clone());
	let name = name.to_string();
	let task = tokio::spawn(async move {
		client
			.put(request, move |stage| kept.lock().expect("stages").push(stage))
			.await
			.with_context(|| format!("putting {name}"))
	});
	(task, stages)
}

/// Offsets the client reported sending from, in order.
fn sent_offsets(stages: &Stages) -> Vec<u64> {
	stages
		.lock()
		.expect("stages")
		.iter()
		.filter_map(|stage| match stage {
			Stage::Uploading { sent, .. } => Some(*sent),
			_ => None,
		})
		.collect()
}

/// Waits until a scheduler staged the first bytes of an upload (polling often, so the
/// upload is caught early); returns the scheduler's index, the deal and the bytes
/// staged.
async fn wait_staged(system: &System) -> Result<(usize, u64, u64)> {
	let dirs: Vec<PathBuf> = system.schedulers.iter().map(|s| s.data_dir.join("deals")).collect();
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		let found = dirs.iter().enumerate().find_map(|(index, dir)| {
			fs::read_dir(dir).ok()?.filter_map(Result::ok).find_map(|entry| {
				let deal: u64 = entry.file_name().to_str()?.parse().ok()?;
				let staged = fs::metadata(entry.path().join("payload")).ok()?.len();
				(staged > 0).then_some((index, deal, staged))
			})
		});
		if let Some(found) = found {
			return Ok(found);
		}
		ensure!(Instant::now() < deadline, "no upload was staged on a scheduler");
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
}

/// During the distribution of the next upload, kills the first miner seen receiving
/// a column for good, and kills and restarts the second; returns their indices.
async fn break_miners(system: &mut System) -> Result<(usize, usize)> {
	let mut broken: Vec<usize> = Vec::new();
	let deadline = Instant::now() + Duration::from_secs(180);
	while broken.len() < 2 {
		ensure!(Instant::now() < deadline, "no miner was seen receiving a column");
		for index in 0..system.miners.len() {
			if broken.contains(&index) || fragments_incoming(&system.miners[index].data_dir) == 0 {
				continue;
			}
			let miner = &mut system.miners[index];
			miner.signal(libc::SIGSTOP);
			miner.kill();
			if broken.is_empty() {
				eprintln!("killed {} while it received a column", miner.name);
			} else {
				miner.start()?;
				eprintln!("restarted {} while it received a column", miner.name);
			}
			broken.push(index);
			if broken.len() == 2 {
				break;
			}
		}
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
	Ok((broken[0], broken[1]))
}

/// Fragment files in a miner's temporary area.
fn fragments_incoming(data_dir: &Path) -> usize {
	let Ok(columns) = fs::read_dir(data_dir.join("incoming")) else { return 0 };
	columns
		.filter_map(Result::ok)
		.filter_map(|column| fs::read_dir(column.path()).ok())
		.flatten()
		.filter_map(Result::ok)
		.filter_map(|file_dir| fs::read_dir(file_dir.path()).ok())
		.flatten()
		.filter_map(Result::ok)
		.filter(|entry| entry.file_name().to_string_lossy().ends_with(".frag"))
		.count()
}

/// Flips a byte in every fragment file under `dir`; returns the originals.
fn corrupt_fragments(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
	let mut originals = Vec::new();
	for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
		let path = entry?.path();
		if !path.to_string_lossy().ends_with(".frag") {
			continue;
		}
		let bytes = fs::read(&path)?;
		let mut bad = bytes.clone();
		if let Some(byte) = bad.get_mut(bytes.len() / 2) {
			*byte ^= 0xff;
		}
		fs::write(&path, bad)?;
		originals.push((path, bytes));
	}
	ensure!(!originals.is_empty(), "no fragments in {}", dir.display());
	Ok(originals)
}

fn service_index(system: &System, id: &[u8; 32]) -> Result<usize> {
	system.miners.iter().position(|miner| miner.id() == *id).context("a miner of ours")
}

fn parse_fid(name: &str) -> Option<[u8; 32]> {
	hex::decode(name).ok()?.try_into().ok()
}

fn target(name: &str) -> Target {
	Target::Object { owner: None, bucket: b"heal".to_vec(), name: name.as_bytes().to_vec() }
}

async fn get(client: &DeossClient, name: &str) -> Result<(Vec<u8>, deoss_client::GetReport)> {
	client
		.get_bytes_with_report(GetRequest::new(target(name)))
		.await
		.with_context(|| format!("getting {name}"))
}

async fn check_get(client: &DeossClient, name: &str, bytes: &[u8]) -> Result<()> {
	let (back, _) = get(client, name).await?;
	ensure!(back == bytes, "{name} came back bit-exact ({} of {} bytes)", back.len(), bytes.len());
	Ok(())
}
