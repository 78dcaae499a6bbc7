//! The audit against a dev node. Four miners keep the columns of a real
//! pipeline-encoded object on disk and pass their challenges from it. One of
//! them loses a fragment: it cannot prove, fails three rounds in a row, is
//! slashed twice and loses its column. A fifth miner claims the restoral
//! order, rebuilds the column from the other three miners' fragments and
//! proves it; the object then decodes bit-exact from the current holders.

use std::{collections::BTreeMap, io, time::Duration};

use anyhow::{anyhow, ensure, Context, Result};
use deoss_chain::{
	calls,
	events::{ChallengeFailed, ChallengeIssued, ProofAccepted},
	Chain,
};
use deoss_e2e::{
	event_names,
	events::EventLog,
	market::{
		declare, encode, file, find_event, miner_info, object_bytes, prepare_owner, receipts,
		register_miner, register_scheduler, Declaration, Miner, MINER_STAKE,
	},
	submit, wait_until, Client, MinerProcess, Node, NodeConfig,
};
use deoss_miner::{prove_samples, MinerAgent};
use deoss_pipeline::{
	decode_payload, repair_column, DiskStore, EncodedSegment, Encoder, FragmentSink, Prover,
};
use deoss_primitives::{derive_sample, Blake2bHasher, ColumnIndex, Layout, SegmentIndex};
use subxt::{
	dynamic,
	ext::{
		futures::future::try_join_all,
		scale_decode::{self, DecodeAsType},
	},
	transactions::Payload,
};
use subxt_signer::{
	sr25519::{dev, Keypair},
	SecretUri,
};

const BUCKET: &[u8] = b"audited";
const NAME: &[u8] = b"ledger/2026.bin";

/// Four columns, one per miner, over four segments of the test object.
const LAYOUT: Layout = Layout {
	segment_size: 64 * 1024,
	data_shards: 2,
	parity_shards: 2,
	chunk_size: 1024,
	replicas: 1,
};

/// The fragment miner 0 loses: column 0 of this segment.
const LOST_SEGMENT: SegmentIndex = 1;

/// Generous bound for anything that takes a challenge round or less (20 blocks
/// of 500 ms in the dev runtime).
const ROUND: Duration = Duration::from_secs(45);

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct MinerSlashed {
	miner: [u8; 32],
	amount: u128,
	recent_failures: u32,
}

#[derive(Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
enum HandOverReason {
	Exit,
	Failures,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct HandOverStarted {
	miner: [u8; 32],
	reason: HandOverReason,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ColumnLost {
	fid: [u8; 32],
	slot: u32,
	column: u16,
	miner: [u8; 32],
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RestoralClaimed {
	fid: [u8; 32],
	slot: u32,
	miner: [u8; 32],
	deadline: u32,
	seed: [u8; 32],
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RestoralCompleted {
	fid: [u8; 32],
	slot: u32,
	miner: [u8; 32],
	previous: [u8; 32],
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct FileRestored {
	fid: [u8; 32],
}

/// The first round in which every one of `miners` had its proof accepted.
fn round_passed_by_all(accepted: &[(u64, ProofAccepted)], miners: &[[u8; 32]]) -> Option<u32> {
	let mut by_round: BTreeMap<u32, Vec<[u8; 32]>> = BTreeMap::new();
	for (_, event) in accepted {
		by_round.entry(event.round).or_default().push(event.miner);
	}
	by_round
		.into_iter()
		.find(|(_, passed)| miners.iter().all(|miner| passed.contains(miner)))
		.map(|(round, _)| round)
}

/// Submits `call` as `signer` and returns the error it must fail with.
async fn refused(client: &Client, call: &impl Payload, signer: &Keypair) -> Result<String> {
	match submit(client, call, signer).await {
		Ok(events) => Err(anyhow!("accepted, with events {:?}", event_names(&events)?)),
		Err(error) => Ok(error.to_string()),
	}
}

#[tokio::test]
async fn failing_miner_is_slashed_and_its_column_restored() -> Result<()> {
	let node =
		Node::start(NodeConfig::dev(&["--sealing", "interval", "--block-time", "500"])).await?;
	let client = node.client().await?;
	run(&client, &node.ws_url()).await.with_context(|| format!("node log:\n{}", node.log_tail(30)))
}

async fn run(client: &Client, url: &str) -> Result<()> {
	let chain = Chain::connect(url).await?;
	let samples = chain.constant_u32("Audit", "SamplesPerChallenge").await?;
	let window = chain.constant_u32("Audit", "ResponseWindow").await?;
	let restoral_samples = chain.constant_u32("Audit", "RestoralSamples").await?;
	let log = EventLog::start(client).await?;

	// Five miners in DE, each with its own store; the first four will hold the file.
	let miners = ["Bob", "Charlie", "Dave", "Eve", "Bob//stash"].map(Miner::dev);
	let miners: Vec<Miner> = miners.into_iter().collect::<Result<_>>()?;
	let ids: Vec<[u8; 32]> = miners.iter().map(Miner::id).collect();
	let dir = tempfile::tempdir()?;
	let stores: Vec<DiskStore> = (0..miners.len())
		.map(|n| DiskStore::open(dir.path().join(format!("miner-{n}")).join("store")))
		.collect::<io::Result<_>>()?;

	// The object, encoded once for its FID and once into the holders' stores.
	let payload = object_bytes(200 * 1024);
	let encoded = encode(&payload, LAYOUT)?;
	let (fid, manifest) = (encoded.fid, encoded.manifest);
	ensure!(manifest.segments.len() == 4, "{} segments", manifest.segments.len());
	let mut sinks: Vec<_> =
		(0..4).map(|column| stores[column].sink(&fid, [column as u16])).collect();
	let mut deliver =
		|segment: &EncodedSegment| sinks.iter_mut().try_for_each(|sink| sink.accept(segment));
	ensure!(Encoder::new(LAYOUT)?.encode(&payload[..], &mut deliver)?.fid == fid);
	for store in &stores[..4] {
		store.put_manifest(&fid, &manifest)?;
	}

	// The market: an owner with space, two schedulers, the five miners.
	let alice = dev::alice();
	let charlie_stash: SecretUri = "//Charlie//stash".parse()?;
	let schedulers = [dev::ferdie(), Keypair::from_uri(&charlie_stash)?];
	prepare_owner(client, &alice, BUCKET).await?;
	try_join_all(miners.iter().map(|miner| register_miner(client, miner))).await?;
	try_join_all(schedulers.iter().map(|scheduler| register_scheduler(client, scheduler))).await?;
	let stake = miner_info(client, ids[0]).await?.context("miner 0 registered")?.stake;
	ensure!(stake == MINER_STAKE, "stake {stake}");

	// Declared and reported with the four holders' receipts: stored.
	let object =
		Declaration { bucket: BUCKET, name: NAME, size: payload.len() as u64, fid, layout: LAYOUT };
	let assigned = declare(client, &alice, &object).await?;
	let scheduler = schedulers
		.iter()
		.find(|scheduler| scheduler.public_key().0 == assigned.scheduler)
		.context("the deal went to one of the two schedulers")?;
	let signers: Vec<&Keypair> = miners[..4].iter().map(|miner| &miner.auth_key).collect();
	let report = receipts(assigned.deal, &fid, &miners[..4], &signers);
	let events = submit(
		client,
		&dynamic::transaction("FileBank", "report", (assigned.deal, report)),
		scheduler,
	)
	.await?;
	ensure!(event_names(&events)?.contains(&"FileBank.FileStored".into()));
	let stored = file(client, &fid).await?.context("file stored")?;
	ensure!(stored.miners == ids[..4], "slot c holds column c's miner: {stored:?}");

	// Every holder answers its challenges from its own store; miner 4, which will
	// restore a column, runs the `deoss-miner` binary.
	let agents: Vec<MinerAgent> = miners[..4]
		.iter()
		.zip(&stores)
		.map(|(miner, store)| {
			MinerAgent::spawn(chain.clone(), miner.account.clone(), store.clone())
		})
		.collect();
	let mut restorer = MinerProcess::start(
		url,
		"//Bob//stash",
		"//Bob//stash//miner-auth",
		&dir.path().join("miner-4"),
	)?;

	// A round in which all four holders proved their columns from disk.
	let holders = &ids[..4];
	let passed = wait_until(ROUND * 2, "a round all four holders pass", || async {
		Ok(round_passed_by_all(&log.find::<ProofAccepted>("Audit", "ProofAccepted")?, holders))
	})
	.await?;
	let issued = log.find::<ChallengeIssued>("Audit", "ChallengeIssued")?;
	for (block, challenge) in issued.iter().filter(|(_, challenge)| challenge.round == passed) {
		ensure!(holders.contains(&challenge.miner), "only holders are challenged: {challenge:?}");
		ensure!(challenge.samples == samples, "{challenge:?}");
		ensure!(u64::from(challenge.deadline) == block + u64::from(window), "{challenge:?}");
	}
	ensure!(issued.iter().filter(|(_, challenge)| challenge.round == passed).count() == 4);

	// Miner 0 loses one fragment; its agent can no longer prove its column.
	let lost = stores[0].get(&fid, LOST_SEGMENT, 0)?.context("miner 0 holds its fragment")?;
	ensure!(stores[0].remove_fragment(&fid, LOST_SEGMENT, 0)?);

	// A forged answer to miner 0's next challenge is refused and changes nothing: the
	// proofs are built from the real fragments, the lost one included, and the last
	// chunk has one bit flipped.
	let open = wait_until(ROUND, "miner 0's next challenge", || async {
		Ok(chain.challenge(&ids[0]).await?.filter(|open| open.round > passed))
	})
	.await?;
	let prover = Prover::new(&fid, &manifest)?;
	let mut proofs = Vec::new();
	for n in 0..open.files.len() as u32 {
		ensure!(open.files[n as usize] == fid.0, "miner 0 holds one file");
		let sample = derive_sample::<Blake2bHasher>(&open.seed, prover.geometry(), 0, n)?;
		let fragment = match sample.segment {
			LOST_SEGMENT => lost.clone(),
			segment => stores[0].get(&fid, segment, 0)?.context("miner 0's other fragments")?,
		};
		proofs.push(prover.prove(&sample, &fragment)?);
	}
	let last = proofs.last_mut().context("samples")?;
	let mut chunk = last.chunk.to_vec();
	chunk[0] ^= 1;
	last.chunk = chunk.try_into().map_err(|_| anyhow!("chunk grew"))?;
	let error = refused(client, &calls::submit_proof(&proofs), &miners[0].account).await?;
	ensure!(error.contains("RootMismatch"), "{error}");
	let still_open = chain.challenge(&ids[0]).await?.context("challenge still open")?;
	ensure!(still_open.round == open.round, "{still_open:?}");

	// Two failures in a row: slashed a tenth of its stake.
	let (_, slashed) = log
		.wait_for::<MinerSlashed, _>(ROUND * 2, "Audit", "MinerSlashed", |event| {
			event.miner == ids[0]
		})
		.await?;
	ensure!(slashed.recent_failures == 2, "{slashed:?}");
	ensure!(slashed.amount == MINER_STAKE / 10, "{slashed:?}");
	let stake = miner_info(client, ids[0]).await?.context("miner 0 still registered")?.stake;
	ensure!(stake == MINER_STAKE - slashed.amount, "stake {stake} after {slashed:?}");

	// The third failure: slashed again and its column handed over.
	let (_, handed) = log
		.wait_for::<HandOverStarted, _>(ROUND * 2, "Audit", "HandOverStarted", |event| {
			event.miner == ids[0]
		})
		.await?;
	ensure!(handed.reason == HandOverReason::Failures, "{handed:?}");
	let failed: Vec<(u32, u32)> = log
		.find::<ChallengeFailed>("Audit", "ChallengeFailed")?
		.into_iter()
		.map(|(_, event)| {
			ensure!(event.miner == ids[0], "only miner 0 fails: {event:?}");
			Ok((event.round, event.recent_failures))
		})
		.collect::<Result<_>>()?;
	ensure!(failed == [(open.round, 1), (open.round + 1, 2), (open.round + 2, 3)], "{failed:?}");
	let slashes: Vec<(u128, u32)> = log
		.find::<MinerSlashed>("Audit", "MinerSlashed")?
		.into_iter()
		.map(|(_, event)| (event.amount, event.recent_failures))
		.collect();
	let second_amount = (MINER_STAKE - MINER_STAKE / 10) / 10;
	ensure!(slashes == [(MINER_STAKE / 10, 2), (second_amount, 3)], "{slashes:?}");
	let stake = miner_info(client, ids[0]).await?.context("miner 0 still registered")?.stake;
	ensure!(stake == MINER_STAKE - MINER_STAKE / 10 - second_amount, "stake {stake}");
	let unanswered = agents[0].report().unanswered;
	ensure!(unanswered.len() >= 3, "miner 0's agent could not prove: {unanswered:?}");

	let (_, column_lost) = log
		.wait_for::<ColumnLost, _>(ROUND, "Audit", "ColumnLost", |event| event.miner == ids[0])
		.await?;
	ensure!(column_lost.fid == fid.0 && column_lost.slot == 0 && column_lost.column == 0);
	let order = chain.restoral_order(&fid, 0).await?.context("restoral order opened")?;
	ensure!(order.column == 0 && order.replica == 0 && order.lost_by == ids[0], "{order:?}");
	ensure!(order.claim.is_none(), "{order:?}");
	ensure!(chain.miner_slot(&ids[0], &fid).await?.is_none(), "miner 0 released the slot");

	// Miner 4 claims the order, rebuilds column 0 from miners 1..3 and proves it.
	let claim = dynamic::transaction("Audit", "claim_restoral", (fid.0, 0u32));
	let events = submit(client, &claim, &miners[4].account).await?;
	let claimed: RestoralClaimed = find_event(&events, "Audit", "RestoralClaimed")?;
	ensure!(claimed.fid == fid.0 && claimed.slot == 0 && claimed.miner == ids[4], "{claimed:?}");
	let order = chain.restoral_order(&fid, 0).await?.context("order still open")?;
	let claim = order.claim.context("order claimed")?;
	ensure!(claim.miner == ids[4] && claim.seed == claimed.seed, "{claim:?}");
	ensure!(claim.deadline == claimed.deadline && claim.bytes == stored.column_bytes, "{claim:?}");

	let manifest = stores[1].manifest(&fid)?;
	let others = |segment: SegmentIndex, column: ColumnIndex| match column {
		1..=3 => stores[usize::from(column)].get(&fid, segment, column),
		_ => Ok(None),
	};
	let report = repair_column(&fid, &manifest, others, 0, |segment, fragment| {
		stores[4].put(&fid, segment, 0, fragment)
	})?;
	ensure!(report.corrupted.is_empty() && report.missing.is_empty(), "{report:?}");
	stores[4].put_manifest(&fid, &manifest)?;
	let numbers: Vec<u32> = (0..restoral_samples).collect();
	let proofs = prove_samples(&fid, &manifest, &stores[4], 0, &claimed.seed, &numbers)?;
	let events =
		submit(client, &calls::complete_restoral(&fid, 0, &proofs), &miners[4].account).await?;
	let completed: RestoralCompleted = find_event(&events, "Audit", "RestoralCompleted")?;
	ensure!(completed.fid == fid.0 && completed.slot == 0, "{completed:?}");
	ensure!(completed.miner == ids[4] && completed.previous == ids[0], "{completed:?}");
	let restored: FileRestored = find_event(&events, "Audit", "FileRestored")?;
	ensure!(restored.fid == fid.0);

	let stored = file(client, &fid).await?.context("file still stored")?;
	ensure!(stored.miners == [ids[4], ids[1], ids[2], ids[3]], "{stored:?}");
	let slot = chain.miner_slot(&ids[4], &fid).await?.context("miner 4 holds a slot")?;
	ensure!(slot.column == 0 && slot.replica == 0, "{slot:?}");
	ensure!(chain.restoral_order(&fid, 0).await?.is_none(), "order closed");

	// Miner 0's data is gone for good; the current holders still give the object back,
	// column 0 from the rebuilt fragments.
	ensure!(stores[0].remove_file(&fid)?);
	let holder_stores: Vec<&DiskStore> = stored
		.miners
		.iter()
		.map(|holder| {
			let index = ids.iter().position(|id| id == holder).context("a known miner")?;
			Ok(&stores[index])
		})
		.collect::<Result<_>>()?;
	let current = |segment: SegmentIndex, column: ColumnIndex| {
		holder_stores[usize::from(column)].get(&fid, segment, column)
	};
	let mut decoded = Vec::new();
	let report = decode_payload(&fid, &manifest, current, &mut decoded)?;
	ensure!(report.corrupted.is_empty() && report.missing.is_empty(), "{report:?}");
	ensure!(decoded == payload, "decoded object differs from the original");

	// The restorer passes its next challenge from the rebuilt column.
	let (_, accepted) = log
		.wait_for::<ProofAccepted, _>(ROUND, "Audit", "ProofAccepted", |event| {
			event.miner == ids[4]
		})
		.await?;
	ensure!(accepted.round > open.round + 2, "{accepted:?}");
	ensure!(restorer.is_running(), "deoss-miner stopped: {}", restorer.log());
	let answered = format!("round {}: 90 samples proved and accepted", accepted.round);
	wait_until(ROUND, "deoss-miner logs its accepted proof", || async {
		Ok(restorer.log().contains(&answered).then_some(()))
	})
	.await
	.with_context(|| restorer.log())?;
	for (miner, agent) in agents.iter().enumerate().skip(1) {
		let report = agent.report();
		ensure!(report.unanswered.is_empty(), "miner {miner}: {report:?}");
	}
	Ok(())
}
