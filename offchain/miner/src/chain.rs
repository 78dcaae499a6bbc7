//! What the miner reads from and sends to the chain, through metadata alone (subxt's
//! dynamic API): its challenges, the slots it holds, restoral orders, and the audit's
//! calls.

use anyhow::Result;
use deoss_primitives::{ChunkProof, Fid};
use subxt::{
	dynamic,
	ext::{
		scale_decode::{self, DecodeAsType},
		scale_encode::{self, EncodeAsType},
	},
	extrinsics::ExtrinsicEvents,
	transactions::{DynamicPayload, Payload},
	SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

use crate::Client;

/// Signs `call` with `signer`, submits it and waits until it is finalized and
/// succeeded; a dispatch error comes back as the error.
pub async fn submit(
	client: &Client,
	call: &impl Payload,
	signer: &Keypair,
) -> Result<ExtrinsicEvents<SubstrateConfig>> {
	Ok(client
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(call, signer)
		.await?
		.wait_for_finalized_success()
		.await?)
}

/// Which part of a file a miner holds (`FileBank.MinerSlots`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct SlotRef {
	/// The column.
	pub column: u16,
	/// The replica of the column.
	pub replica: u8,
	/// Position of the file in the miner's list.
	pub index: u32,
}

/// `FileBank.MinerSlots(miner, fid)` at the last finalized block.
pub async fn miner_slot(client: &Client, miner: [u8; 32], fid: &Fid) -> Result<Option<SlotRef>> {
	let address = dynamic::storage::<([u8; 32], [u8; 32]), SlotRef>("FileBank", "MinerSlots");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (miner, fid.0)).await?.map(|v| v.decode()).transpose()?)
}

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
