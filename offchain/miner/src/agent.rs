//! The miner's audit duty: answer every challenge once, from the fragments in its
//! [`DiskStore`], as a background task that keeps a record of what it did.

use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
	time::Duration,
};

use anyhow::{anyhow, Context, Result};
use deoss_pipeline::{DiskStore, Manifest, Prover};
use deoss_primitives::{derive_sample, Blake2bHasher, ChunkProof, ColumnIndex, Fid};
use subxt_signer::sr25519::Keypair;
use tokio::task::JoinHandle;

use crate::{
	chain::{challenge, miner_slot, submit, submit_proof_call, Challenge},
	Client,
};

/// How often an agent looks for a new challenge.
const POLL: Duration = Duration::from_millis(250);

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

/// Told of every outcome as it happens, as a line of text.
pub type Notify = Box<dyn Fn(String) + Send + Sync>;

impl MinerAgent {
	/// Starts answering `account`'s challenges from `store`.
	pub fn spawn(client: Client, account: Keypair, store: DiskStore) -> Self {
		Self::spawn_with(client, account, store, Box::new(|_| ()))
	}

	/// [`MinerAgent::spawn`], telling `notify` of every round answered or not and
	/// every error reading the chain.
	pub fn spawn_with(client: Client, account: Keypair, store: DiskStore, notify: Notify) -> Self {
		let report = Arc::new(Mutex::new(AgentReport::default()));
		let task = tokio::spawn(run(client, account, store, report.clone(), notify));
		Self { report, task }
	}

	/// Waits until the agent stops, which it only does when aborted.
	pub async fn join(mut self) {
		let _ = (&mut self.task).await;
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

async fn run(
	client: Client,
	account: Keypair,
	store: DiskStore,
	report: Arc<Mutex<AgentReport>>,
	notify: Notify,
) {
	let miner = account.public_key().0;
	let mut last_round = None;
	loop {
		tokio::time::sleep(POLL).await;
		let open = match challenge(&client, miner).await {
			Ok(open) => open,
			Err(error) => {
				notify(format!("reading the chain failed: {error:#}"));
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
		match &answered {
			Ok(_) => notify(format!(
				"round {}: {} samples proved and accepted",
				open.round,
				open.files.len()
			)),
			Err(error) => notify(format!("round {}: not answered: {error:#}", open.round)),
		}
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
