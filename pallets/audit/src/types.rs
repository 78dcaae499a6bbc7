//! The records the audit keeps: rounds, open challenges, miners' records
//! and restoral orders.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deoss_primitives::{ChunkProof, ColumnIndex, Fid, MerklePath};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// A chunk bounded by the file index's `MaxChunkSize`, so that a proof
/// cannot carry more bytes than any file's chunk has.
pub type ChunkOf<T> = BoundedVec<
	u8,
	<<T as Config>::Files as deoss_traits::FileIndex<<T as frame_system::Config>::AccountId>>::MaxChunkSize,
>;

/// A miner's answer to one sample, as the calls take it: a chunk and its
/// path to the FID (`deoss_primitives::ChunkProof`, encoded alike, with the
/// chunk bounded by the runtime's `MaxChunkSize`).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct SampleProof<T: Config> {
	/// The chunk bytes, exactly as long as the file geometry says.
	pub chunk: ChunkOf<T>,
	/// Siblings from the chunk leaf up to the FID, lowest first.
	pub path: MerklePath,
}

impl<T: Config> TryFrom<ChunkProof> for SampleProof<T> {
	type Error = ChunkProof;

	/// Fails (handing the proof back) when its chunk is longer than
	/// `MaxChunkSize`.
	fn try_from(proof: ChunkProof) -> Result<Self, ChunkProof> {
		match ChunkOf::<T>::try_from(proof.chunk.as_slice().to_vec()) {
			Ok(chunk) => Ok(Self { chunk, path: proof.path }),
			Err(_) => Err(proof),
		}
	}
}

/// A challenge round: its seed and how far it has walked the miners.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Round<T: Config> {
	/// Round number, counted up from 1.
	pub number: u32,
	/// Seed the round's challenges derive from.
	pub seed: [u8; 32],
	/// The last miner challenged (or skipped); the walk goes on after it.
	/// `None` before the first.
	pub cursor: Option<T::AccountId>,
	/// Whether every miner has been visited.
	pub finished: bool,
}

/// An open challenge.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Challenge<T: Config> {
	/// The round it belongs to.
	pub round: u32,
	/// The miner's seed: sample `n` is
	/// `derive_sample(seed, geometry of files[n], miner's column, n)`.
	pub seed: [u8; 32],
	/// The file of each sample (files repeat when the miner holds few).
	pub files: BoundedVec<Fid, T::SamplesPerChallenge>,
	/// Block at whose start the challenge fails unless answered.
	pub deadline: BlockNumberFor<T>,
}

/// How the latest challenge of a miner ended.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub enum Outcome {
	/// Never challenged.
	#[default]
	None,
	/// Answered in this round.
	Passed(u32),
	/// Failed in this round.
	Failed(u32),
}

/// A miner's audit history.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct AuditRecord {
	/// Challenges answered.
	pub passed: u32,
	/// Challenges failed.
	pub failed: u32,
	/// The latest challenges' outcomes, one bit each, the latest in bit 0:
	/// 1 for a failure. A pass shifts a 0 in; it does not wipe the failures
	/// before it.
	pub history: u32,
	/// How the latest challenge ended.
	pub last: Outcome,
}

impl AuditRecord {
	/// Failures among the latest `window` challenges (at most 32).
	pub fn recent_failures(&self, window: u32) -> u32 {
		let mask = if window >= 32 { u32::MAX } else { (1u32 << window) - 1 };
		(self.history & mask).count_ones()
	}

	/// Records one more challenge outcome.
	pub fn push(&mut self, failed: bool) {
		self.history = (self.history << 1) | u32::from(failed);
	}
}

/// Why a miner's columns are handed over.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum HandOverReason {
	/// The miner asked to exit.
	Exit,
	/// The miner failed `LoseAfter` challenges in a row.
	Failures,
}

/// A miner whose columns are being turned into restoral orders.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct HandOver {
	/// Why.
	pub reason: HandOverReason,
	/// For an exit, the file of the last slot turned into an order: an
	/// exiting miner keeps (and is challenged on) its slots until they are
	/// restored elsewhere, so the walk goes on after it.
	pub after: Option<Fid>,
}

/// A miner's claim on a restoral order.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct RestoralClaim<T: Config> {
	/// The restoring miner.
	pub miner: T::AccountId,
	/// Block at whose start the claim expires.
	pub deadline: BlockNumberFor<T>,
	/// Seed of the samples the miner proves on completion.
	pub seed: [u8; 32],
	/// Bytes reserved on the miner: the column's size.
	pub bytes: u64,
}

/// A lost slot of a file, to be rebuilt by another miner.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct RestoralOrder<T: Config> {
	/// The column to rebuild.
	pub column: ColumnIndex,
	/// The replica of the column.
	pub replica: u8,
	/// The miner that lost it; still named by the file record until the
	/// order completes.
	pub lost_by: T::AccountId,
	/// Why: `Exit` means `lost_by` still holds the data, and is still
	/// challenged on it, until the slot is restored elsewhere; `Failures`
	/// that the data is gone.
	pub reason: HandOverReason,
	/// Whether `lost_by` has been released (its bytes freed) already, as
	/// happens when the file is damaged.
	pub released: bool,
	/// The column's bytes, released from `lost_by`.
	pub bytes: u64,
	/// Block the slot was declared lost.
	pub created: BlockNumberFor<T>,
	/// The miner working on it, if any.
	pub claim: Option<RestoralClaim<T>>,
}
