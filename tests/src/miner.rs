//! A storage miner's audit duties: answering the chain's challenges from the fragments
//! in its [`DiskStore`], as a background agent, and proving a column it restored.

use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
	time::Duration,
};

use anyhow::{anyhow, Context, Result};
use deoss_pipeline::{DiskStore, Manifest, Prover};
use deoss_primitives::{derive_sample, Blake2bHasher, ChunkProof, ColumnIndex, Fid};
use subxt::{
	dynamic,
	ext::{
		scale_decode::{self, DecodeAsType},
		scale_encode::{self, EncodeAsType},
	},
	transactions::DynamicPayload,
};
use subxt_signer::sr25519::Keypair;
use tokio::task::JoinHandle;

use crate::{market::miner_slot, submit, Client};

/// How often an agent looks for a new challenge.
const POLL: Duration = Duration::from_millis(250);

/// `Audit.Challenges` entry: an open challenge.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Challenge {
	/// The round it belongs to.
	pub round: u32,
	/// The miner's seed: sample `n` is `derive_sample(seed, geometry, column, n)`.
	pub seed: [u8; 32],
	/// The file of each sample.
	pub files: Vec<[u8; 32]>,
	/// Block at whose start the challenge fails unless answered.
	pub deadline: u32,
}

/// `Audit.Challenges(miner)` at the last finalized block.
pub async fn challenge(client: &Client, miner: [u8; 32]) -> Result<Option<Challenge>> {
	let address = dynamic::storage::<([u8; 32],), Challenge>("Audit", "Challenges");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (miner,)).await?.map(|v| v.decode()).transpose()?)
}

/// A [`ChunkProof`] as a call argument (`BoundedBytes` and `MerklePath` encode like
/// vectors).
#[derive(Debug, Clone, EncodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
pub struct ProofArg {
	/// The chunk bytes.
	pub chunk: Vec<u8>,
	/// Siblings from the chunk leaf up to the FID.
	pub path: Vec<[u8; 32]>,
}

impl From<&ChunkProof> for ProofArg {
	fn from(proof: &ChunkProof) -> Self {
		Self { chunk: proof.chunk.to_vec(), path: proof.path.to_vec() }
	}
}

/// `Audit.submit_proof(proofs)`.
pub fn submit_proof_call(proofs: &[ChunkProof]) -> DynamicPayload<(Vec<ProofArg>,)> {
	dynamic::transaction("Audit", "submit_proof", (proofs.iter().map(ProofArg::from).collect(),))
}

/// Proves every sample of `challenge` from `store`: sample `n` in file `files[n]`, in the
/// column `miner` holds of it. A file the miner no longer holds needs no answer; it
/// gets an empty proof.
pub async fn prove_challenge(
	client: &Client,
	miner: [u8; 32],
	store: &DiskStore,
	challenge: &Challenge,
) -> Result<Vec<ChunkProof>> {
	let mut by_file: BTreeMap<[u8; 32], Vec<u32>> = BTreeMap::new();
	for (n, fid) in challenge.files.iter().enumerate() {
		by_file.entry(*fid).or_default().push(n as u32);
	}
	let mut proofs: Vec<Option<ChunkProof>> = vec![None; challenge.files.len()];
	for (fid, samples) in by_file {
		let fid = Fid(fid);
		let Some(slot) = miner_slot(client, miner, &fid).await? else {
			let empty = ChunkProof { chunk: Default::default(), path: Default::default() };
			samples.iter().for_each(|&n| proofs[n as usize] = Some(empty.clone()));
			continue;
		};
		let manifest = store.manifest(&fid)?;
		let answers = prove_samples(&fid, &manifest, store, slot.column, &challenge.seed, &samples)
			.with_context(|| format!("proving column {} of {fid}", slot.column))?;
		for (n, proof) in samples.into_iter().zip(answers) {
			proofs[n as usize] = Some(proof);
		}
	}
	proofs.into_iter().map(|proof| proof.ok_or_else(|| anyhow!("sample left unproved"))).collect()
}

/// Proofs of samples `numbers` drawn from `seed` in column `column` of `fid`, from the
/// fragments in `store`: what a restoring miner sends with `Audit.complete_restoral`.
pub fn prove_samples(
	fid: &Fid,
	manifest: &Manifest,
	store: &DiskStore,
	column: ColumnIndex,
	seed: &[u8; 32],
	numbers: &[u32],
) -> Result<Vec<ChunkProof>> {
	let prover = Prover::new(fid, manifest)?;
	let samples = numbers
		.iter()
		.map(|&n| derive_sample::<Blake2bHasher>(seed, prover.geometry(), column, n))
		.collect::<Result<Vec<_>, _>>()?;
	Ok(prover.answer(&samples, store)?)
}

/// What an agent did so far.
#[derive(Debug, Clone, Default)]
pub struct AgentReport {
	/// Rounds whose proofs the chain accepted.
	pub answered: Vec<u32>,
	/// Rounds the agent could not answer, or whose proofs were refused, and why.
	pub unanswered: Vec<(u32, String)>,
	/// Errors reading the chain.
	pub errors: Vec<String>,
}

/// A background task that answers every challenge of one miner once, from its store.
pub struct MinerAgent {
	report: Arc<Mutex<AgentReport>>,
	task: JoinHandle<()>,
}

impl MinerAgent {
	/// Starts answering `account`'s challenges from `store`.
	pub fn spawn(client: Client, account: Keypair, store: DiskStore) -> Self {
		let report = Arc::new(Mutex::new(AgentReport::default()));
		let task = tokio::spawn(run(client, account, store, report.clone()));
		Self { report, task }
	}

	/// What the agent did so far.
	pub fn report(&self) -> AgentReport {
		self.report.lock().map(|report| report.clone()).unwrap_or_default()
	}
}

impl Drop for MinerAgent {
	fn drop(&mut self) {
		self.task.abort();
	}
}

async fn run(client: Client, account: Keypair, store: DiskStore, report: Arc<Mutex<AgentReport>>) {
	let miner = account.public_key().0;
	let mut last_round = None;
	loop {
		tokio::time::sleep(POLL).await;
		let open = match challenge(&client, miner).await {
			Ok(open) => open,
			Err(error) => {
				record(&report, |report| report.errors.push(format!("{error:#}")));
				continue;
			}
		};
		let Some(open) = open.filter(|open| last_round != Some(open.round)) else { continue };
		// One attempt per round: a miner that lost data cannot do better by retrying.
		last_round = Some(open.round);
		let answered = async {
			let proofs = prove_challenge(&client, miner, &store, &open).await?;
			submit(&client, &submit_proof_call(&proofs), &account).await
		}
		.await;
		record(&report, |report| match answered {
			Ok(_) => report.answered.push(open.round),
			Err(error) => report.unanswered.push((open.round, format!("{error:#}"))),
		});
	}
}

fn record(report: &Mutex<AgentReport>, update: impl FnOnce(&mut AgentReport)) {
	if let Ok(mut report) = report.lock() {
		update(&mut report);
	}
}

/// The `Audit` pallet's constant `name` (all of them are `u32`: periods in blocks,
/// sample counts).
pub async fn audit_constant(client: &Client, name: &str) -> Result<u32> {
	let at = client.at_current_block().await?;
	Ok(at.constants().entry(dynamic::constant::<u32>("Audit", name))?)
}

/// A miner's claim on a restoral order.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralClaim {
	/// The restoring miner.
	pub miner: [u8; 32],
	/// Block at whose start the claim expires.
	pub deadline: u32,
	/// Seed of the samples the miner proves on completion.
	pub seed: [u8; 32],
	/// Bytes reserved on the miner.
	pub bytes: u64,
}

/// `Audit.RestoralOrders` entry: a lost slot waiting to be rebuilt.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralOrder {
	/// The column to rebuild.
	pub column: u16,
	/// The replica of the column.
	pub replica: u8,
	/// The miner that lost it.
	pub lost_by: [u8; 32],
	/// Block the slot was declared lost.
	pub created: u32,
	/// The miner working on it, if any.
	pub claim: Option<RestoralClaim>,
}

/// `Audit.RestoralOrders(fid, slot)` at the last finalized block.
pub async fn restoral_order(
	client: &Client,
	fid: &Fid,
	slot: u32,
) -> Result<Option<RestoralOrder>> {
	let address = dynamic::storage::<([u8; 32], u32), RestoralOrder>("Audit", "RestoralOrders");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (fid.0, slot)).await?.map(|v| v.decode()).transpose()?)
}

/// `Audit.complete_restoral(fid, slot, proofs)`.
pub fn complete_restoral_call(
	fid: &Fid,
	slot: u32,
	proofs: &[ChunkProof],
) -> DynamicPayload<([u8; 32], u32, Vec<ProofArg>)> {
	let proofs = proofs.iter().map(ProofArg::from).collect();
	dynamic::transaction("Audit", "complete_restoral", (fid.0, slot, proofs))
}
