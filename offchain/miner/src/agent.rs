//! The miner's audit duty: on every finalized block, look for an open challenge and
//! answer it from the fragments in the [`DiskStore`]; a proof that could not be built
//! or was refused is tried again on the next block until the challenge's deadline.

use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
	time::Duration,
};

use anyhow::{anyhow, Context, Result};
use deoss_chain::{calls, AccountId, Chain, Challenge, Keypair};
use deoss_pipeline::{DiskStore, Manifest, Prover};
use deoss_primitives::{derive_sample, Blake2bHasher, ChunkProof, ColumnIndex, Fid};
use tokio::task::JoinHandle;

/// Proves every sample of `challenge` from `store`: sample `n` in file `files[n]`, in the
/// column `miner` holds of it. A file the miner no longer holds needs no answer; it
/// gets an empty proof.
pub async fn prove_challenge(
	chain: &Chain,
	miner: AccountId,
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
		let Some(slot) = chain.miner_slot(&miner, &fid).await? else {
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
	/// Rounds whose challenge could not be answered by its deadline, and the last reason.
	pub unanswered: Vec<(u32, String)>,
	/// Errors reading the chain.
	pub errors: Vec<String>,
}

/// A background task that answers one miner's challenges from its store.
pub struct MinerAgent {
	report: Arc<Mutex<AgentReport>>,
	task: JoinHandle<()>,
}

/// Told of every outcome as it happens, as a line of text.
pub type Notify = Box<dyn Fn(String) + Send + Sync>;

impl MinerAgent {
	/// Starts answering `account`'s challenges from `store`.
	pub fn spawn(chain: Chain, account: Keypair, store: DiskStore) -> Self {
		Self::spawn_with(chain, account, store, Box::new(|_| ()))
	}

	/// [`MinerAgent::spawn`], telling `notify` of every round answered or not and
	/// every error reading the chain.
	pub fn spawn_with(chain: Chain, account: Keypair, store: DiskStore, notify: Notify) -> Self {
		let report = Arc::new(Mutex::new(AgentReport::default()));
		let task = tokio::spawn(run(chain, account, store, report.clone(), notify));
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

/// The round being worked on and why its last attempt failed.
struct Pending {
	round: u32,
	deadline: u32,
	last_error: String,
}

async fn run(
	chain: Chain,
	account: Keypair,
	store: DiskStore,
	report: Arc<Mutex<AgentReport>>,
	notify: Notify,
) {
	let miner = account.public_key().0;
	let mut answered_round = None;
	let mut pending: Option<Pending> = None;
	loop {
		let mut blocks = match chain.finalized_events().await {
			Ok(blocks) => blocks,
			Err(error) => {
				notify(format!("subscribing to finalized blocks failed: {error}"));
				record(&report, |report| report.errors.push(error.to_string()));
				tokio::time::sleep(Duration::from_secs(1)).await;
				continue;
			}
		};
		while let Some(block) = blocks.next().await {
			let number = match block {
				Ok(block) => block.number as u32,
				Err(error) => {
					record(&report, |report| report.errors.push(error.to_string()));
					break;
				}
			};
			// A challenge left unanswered past its deadline is settled by the chain.
			if let Some(left) = pending.take_if(|left| number >= left.deadline) {
				notify(format!("round {}: not answered: {}", left.round, left.last_error));
				record(&report, |report| report.unanswered.push((left.round, left.last_error)));
			}
			let open = match chain.challenge(&miner).await {
				Ok(open) => open,
				Err(error) => {
					notify(format!("reading the chain failed: {error}"));
					record(&report, |report| report.errors.push(error.to_string()));
					continue;
				}
			};
			let Some(open) = open.filter(|open| answered_round != Some(open.round)) else {
				continue;
			};
			let attempt = async {
				let proofs = prove_challenge(&chain, miner, &store, &open).await?;
				chain.submit(&calls::submit_proof(&proofs), &account).await?;
				anyhow::Ok(())
			}
			.await;
			match attempt {
				Ok(()) => {
					answered_round = Some(open.round);
					pending = None;
					notify(format!(
						"round {}: {} samples proved and accepted",
						open.round,
						open.files.len()
					));
					record(&report, |report| report.answered.push(open.round));
				}
				Err(error) => {
					let reason = format!("{error:#}");
					if pending.as_ref().is_none_or(|left| left.round != open.round) {
						notify(format!(
							"round {}: attempt failed, retrying each block until {}: {reason}",
							open.round, open.deadline
						));
					}
					pending = Some(Pending {
						round: open.round,
						deadline: open.deadline,
						last_error: reason,
					});
				}
			}
		}
	}
}

fn record(report: &Mutex<AgentReport>, update: impl FnOnce(&mut AgentReport)) {
	if let Ok(mut report) = report.lock() {
		update(&mut report);
	}
}
