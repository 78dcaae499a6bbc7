//! DeOSS audit: the chain challenges storage miners at random, verifies
//! their proofs itself, punishes miners that fail, and has lost columns
//! rebuilt by other miners.
//!
//! ## Challenges
//!
//! Every `ChallengePeriod` blocks a round starts with a fresh seed from the
//! runtime's randomness. The round walks every miner that holds data (the
//! file index, `Config::Files`), at most `MaxChallengesPerBlock` per block,
//! and gives each one a challenge: `SamplesPerChallenge` samples, sample `n`
//! in a column drawn from the miner's columns in proportion to their bytes
//! (`FileIndex::draw_held`) and, in that column, in a
//! segment and chunk drawn uniformly (`deoss_primitives::derive_sample`). A
//! challenge is stored in `Challenges` (seed and the drawn files) and
//! announced with `ChallengeIssued`; the miner answers with one chunk proof
//! per sample (`submit_proof`) before its deadline, `ResponseWindow` blocks
//! later. The chain checks every proof against the file's FID with
//! `deoss_primitives::verify_chunk` and the geometry of the file record.
//!
//! ## How many samples
//!
//! A miner that lost a fraction `f` of its bytes fails one sample with
//! probability `f`, so a challenge of `n` samples catches it with
//! probability `1 − (1 − f)^n`. For a detection target `p` at a loss `f`,
//! `n = ⌈ln(1 − p) / ln(1 − f)⌉` (`deoss_primitives::samples_for_detection`).
//! The runtime aims at 99 % per challenge for a miner missing 5 % of its
//! bytes: `n = 90`; the same 90 samples catch a 1 % loss with 59.5 % and a
//! 10 % loss with 99.99 % per challenge. Because columns are drawn by bytes,
//! it makes no difference whether the loss is spread over chunks or is a
//! few large files dropped whole, and many tiny columns cannot dilute the
//! samples: a miner holding one large file among a thousand one-byte ones
//! is sampled on the large one almost every time.
//!
//! Per period is another matter: a round visits at most
//! `MaxChallengesPerBlock` miners per block, so it covers all of them within
//! a period only while there are at most `MaxChallengesPerBlock ×
//! (ChallengePeriod − ResponseWindow)` miners holding data (8 × 5 = 40 with
//! the dev runtime's values). A larger network needs a longer period or
//! more challenges per block; an unfinished walk goes on in the next round
//! where it stopped, so every miner is still challenged, only less often.
//!
//! ## Punishment
//!
//! A challenge without an accepted proof at its deadline is a failure
//! (unless the miner no longer holds any of its files: then it is void).
//! Failures are counted among the miner's latest `FailureWindow`
//! challenges (`AuditRecord::history`), so a pass does not wipe the
//! failures before it: a miner passing only every other challenge is
//! slashed all the same. From `SlashAfter` failures within the window on,
//! each further failure slashes `SlashFraction` of the miner's stake (the
//! providers pallet freezes a miner whose stake falls below the minimum).
//! At `LoseAfter` failures within the window the miner's columns are
//! declared lost and turned into restoral orders.
//!
//! A miner that asks to exit has its columns turned into restoral orders
//! too, but it keeps them, stays charged for them and is challenged on
//! them like any other miner until each one is restored elsewhere (the
//! providers pallet lets it withdraw only then). Failures during the exit
//! are punished as any other; at `LoseAfter` its exit orders become orders
//! of lost data. So exiting is no escape from an audit. While a miner's
//! columns are handed over it takes no new ones.
//!
//! What protects honest miners from the chain's own limits:
//! - proofs are `Operational` extrinsics, which have a quarter of every
//!   block reserved beside normal traffic, and are free when accepted;
//! - at most `MaxChallengesPerBlock` challenges are issued per block, and
//!   `integrity_test` checks that their largest possible proofs (every
//!   sample with a `MaxChunkSize` chunk and the longest path) fit the
//!   operational space of a single block, so proofs keep up even when every
//!   block issues challenges; the window leaves at least one block to answer;
//! - a rejected proof changes nothing, so a miner may retry until the
//!   deadline; only the deadline counts a failure, and deadlines are in
//!   blocks: a chain that stalls gives miners as many blocks as ever;
//! - samples of a file the miner no longer holds (deleted, or handed over)
//!   need no answer, and a challenge on deleted files only is void;
//! - one failure is never slashed (`SlashAfter` ≥ 2 in the runtime).
//!
//! ## Restoral
//!
//! A lost column (slot) becomes a restoral order. An active miner in one
//! of the file's regions, with room for the column and holding no other
//! column of the file, `claim_restoral`s it (its space is reserved), builds
//! the column from `k` other fragments and `complete_restoral`s it within
//! `RestoralTimeout` blocks, with chunk proofs for `RestoralSamples`
//! samples drawn from randomness fixed at the claim: the signed extrinsic
//! is the miner's receipt, the proofs show it holds the rebuilt column. The
//! file record then names the new miner, and the previous one is released.
//! An expired claim returns the order to the pool and costs the claimant
//! `AbandonFraction` of its stake, so orders cannot be held back for free.
//!
//! A column still exists while one of its replicas is held, or was handed
//! over by an exiting miner (which keeps the data until it is released).
//! When fewer than `k` columns exist, the file is marked damaged
//! (`FileDamaged`): its orders can no longer be claimed, open claims end
//! unpunished (their claimants could not complete them), and the miners of
//! its lost slots are released, so that no miner is held by a file nobody
//! can rebuild. Its owners are told, never silently left with a broken
//! file, and may delete it. A file with an open order or damaged is not
//! offered to new owners (the file bank's `FileImpaired`).
//!
//! A miner's audit record is removed when it withdraws.
//!
//! Known limit: the restoral samples are known from the claim on, so a
//! claimant could rebuild just the sampled segments; the column's later
//! challenges, which sample every segment, catch a restorer that did not
//! rebuild it all.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use functions::{NO_OPEN_CHALLENGE, WRONG_PROOF_COUNT};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod functions;
mod impls;
mod restoral;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod index_mock;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use deoss_primitives::{ChunkProof, Fid};
pub use deoss_traits::{FileIndex, IndexedFile, MinerRegistry};

/// Sets up what the benchmarks need in the other pallets, which this pallet
/// only sees through traits.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `who` as an active miner in `region` signing receipts with
	/// `auth_key` (generated under the benchmarks' key type), with room for
	/// `bytes`.
	fn register_miner(
		who: &AccountId,
		region: deoss_traits::Region,
		auth_key: [u8; 32],
		bytes: u64,
	);
	/// Stores `file` under `fid`, owned by its first miner; indexes no slot.
	fn store_file(fid: Fid, file: IndexedFile<AccountId>);
	/// Indexes (`column`, `replica`) of `fid`, `bytes` long, as held by
	/// `miner`, whether or not a file record names it.
	fn index_slot(miner: &AccountId, fid: Fid, column: u16, replica: u8, bytes: u64);
}

/// BLAKE2b-256 through the runtime's host function: the hasher the chain
/// verifies proofs with.
pub struct RuntimeHasher;

impl deoss_primitives::Hasher for RuntimeHasher {
	fn hash(data: &[u8]) -> deoss_primitives::Hash {
		sp_io::hashing::blake2_256(data)
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		dispatch::{DispatchClass, Pays},
		pallet_prelude::*,
		traits::Randomness,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The balance miners stake in; only names the miner registry's type.
		type StakeBalance: Parameter + MaxEncodedLen;

		/// Storage miners: activity, region, bytes held and set aside, stake.
		type Miners: MinerRegistry<Self::AccountId, Self::StakeBalance>;

		/// The files audited and the columns each miner holds (the file bank).
		type Files: FileIndex<Self::AccountId>;

		/// Sets up miners and files for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;

		/// Where challenge and restoral seeds come from.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Blocks between the starts of two challenge rounds.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;

		/// Blocks a miner has to answer a challenge; at most `ChallengePeriod`.
		#[pallet::constant]
		type ResponseWindow: Get<BlockNumberFor<Self>>;

		/// Samples per challenge, from the detection target (crate docs).
		#[pallet::constant]
		type SamplesPerChallenge: Get<u32>;

		/// Most challenges issued, and so falling due, in one block; also the
		/// most miners the walk visits per block.
		#[pallet::constant]
		type MaxChallengesPerBlock: Get<u32>;

		/// Latest challenges (at most 32) among which failures are counted.
		#[pallet::constant]
		type FailureWindow: Get<u32>;

		/// Failures within the window from which every failure is slashed.
		#[pallet::constant]
		type SlashAfter: Get<u32>;

		/// Share of its stake a miner loses per slashed failure.
		#[pallet::constant]
		type SlashFraction: Get<Perbill>;

		/// Failures within the window at which a miner's columns are declared
		/// lost.
		#[pallet::constant]
		type LoseAfter: Get<u32>;

		/// Most slots turned into restoral orders per block.
		#[pallet::constant]
		type MaxHandOversPerBlock: Get<u32>;

		/// Blocks a miner has to complete a restoral it claimed.
		#[pallet::constant]
		type RestoralTimeout: Get<BlockNumberFor<Self>>;

		/// Share of its stake a miner loses when a claim of its expires.
		#[pallet::constant]
		type AbandonFraction: Get<Perbill>;

		/// Most restoral claims expiring in one block.
		#[pallet::constant]
		type MaxClaimsPerBlock: Get<u32>;

		/// Samples a restoring miner proves when it completes an order.
		#[pallet::constant]
		type RestoralSamples: Get<u32>;

		/// Weights of this pallet's calls and hook.
		type AuditWeightInfo: WeightInfo;
	}

	/// The current challenge round.
	#[pallet::storage]
	pub type CurrentRound<T: Config> = StorageValue<_, Round<T>, OptionQuery>;

	/// Open challenges, one per miner at most.
	#[pallet::storage]
	pub type Challenges<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Challenge<T>, OptionQuery>;

	/// Miners whose challenge falls due at the start of a block.
	#[pallet::storage]
	pub type ChallengeDeadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<T::AccountId, T::MaxChallengesPerBlock>,
		ValueQuery,
	>;

	/// Each audited miner's record.
	#[pallet::storage]
	pub type Records<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AuditRecord, ValueQuery>;

	/// Miners whose columns are being turned into restoral orders.
	#[pallet::storage]
	pub type HandOvers<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HandOver, OptionQuery>;

	/// Lost slots waiting for a miner to rebuild them, by file and slot.
	#[pallet::storage]
	pub type RestoralOrders<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Fid,
		Twox64Concat,
		u32,
		RestoralOrder<T>,
		OptionQuery,
	>;

	/// Restoral claims expiring at the start of a block.
	#[pallet::storage]
	pub type ClaimDeadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<(Fid, u32), T::MaxClaimsPerBlock>,
		ValueQuery,
	>;

	/// Files with fewer than `k` columns left, and the block that found it.
	#[pallet::storage]
	pub type DamagedFiles<T: Config> =
		StorageMap<_, Blake2_128Concat, Fid, BlockNumberFor<T>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A challenge round started.
		RoundStarted {
			/// The round.
			round: u32,
			/// The seed every challenge of the round derives from.
			seed: [u8; 32],
		},
		/// A miner was challenged; `Challenges` holds the seed and files.
		ChallengeIssued {
			/// The miner.
			miner: T::AccountId,
			/// The round.
			round: u32,
			/// Number of samples to answer.
			samples: u32,
			/// Block at whose start the challenge fails unless answered.
			deadline: BlockNumberFor<T>,
		},
		/// A miner's proof was verified.
		ProofAccepted {
			/// The miner.
			miner: T::AccountId,
			/// The round of the challenge.
			round: u32,
		},
		/// A challenge reached its deadline unanswered, but the miner no
		/// longer holds any of its files (all deleted): no failure.
		ChallengeVoided {
			/// The miner.
			miner: T::AccountId,
			/// The round of the challenge.
			round: u32,
		},
		/// A challenge reached its deadline without an accepted proof.
		ChallengeFailed {
			/// The miner.
			miner: T::AccountId,
			/// The round of the challenge.
			round: u32,
			/// Failures among the latest `FailureWindow` challenges, this one
			/// included.
			recent_failures: u32,
		},
		/// A miner was slashed for repeated failures.
		MinerSlashed {
			/// The miner.
			miner: T::AccountId,
			/// Stake taken.
			amount: T::StakeBalance,
			/// Failures among the latest `FailureWindow` challenges.
			recent_failures: u32,
		},
		/// A miner's columns are being turned into restoral orders.
		HandOverStarted {
			/// The miner.
			miner: T::AccountId,
			/// It exits, or it failed `LoseAfter` challenges in a row.
			reason: HandOverReason,
		},
		/// Every column of a miner is now a restoral order.
		HandOverFinished {
			/// The miner.
			miner: T::AccountId,
		},
		/// A slot's column is lost and waits for a miner to restore it.
		ColumnLost {
			/// The file.
			fid: Fid,
			/// The slot (`replica × (k+m) + column`).
			slot: u32,
			/// The column.
			column: u16,
			/// The miner that held it.
			miner: T::AccountId,
		},
		/// Fewer than `k` columns of a file remain: it cannot be rebuilt.
		FileDamaged {
			/// The file.
			fid: Fid,
			/// Distinct columns still held.
			columns_left: u32,
		},
		/// A miner took a restoral order.
		RestoralClaimed {
			/// The file.
			fid: Fid,
			/// The slot.
			slot: u32,
			/// The restoring miner.
			miner: T::AccountId,
			/// Block at whose start the claim expires.
			deadline: BlockNumberFor<T>,
			/// Seed of the samples the miner proves on completion.
			seed: [u8; 32],
		},
		/// A claim expired; the order is open again.
		RestoralClaimExpired {
			/// The file.
			fid: Fid,
			/// The slot.
			slot: u32,
			/// The miner that did not complete it.
			miner: T::AccountId,
			/// Stake it lost for that (`AbandonFraction`).
			slashed: T::StakeBalance,
		},
		/// A slot was restored: the file record names its new miner.
		RestoralCompleted {
			/// The file.
			fid: Fid,
			/// The slot.
			slot: u32,
			/// The miner now holding it.
			miner: T::AccountId,
			/// The miner that lost it, released.
			previous: T::AccountId,
		},
		/// A file's last restoral order completed: every slot is held.
		FileRestored {
			/// The file.
			fid: Fid,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller has no open challenge.
		NoChallenge,
		/// The caller's last challenge expired before a proof was accepted.
		ChallengeExpired,
		/// The number of proofs is not the number of samples.
		WrongProofCount,
		/// A file record's layout or size is invalid (should not happen).
		InvalidLayout,
		/// A proof names a spot outside the file.
		SampleOutOfRange,
		/// A proof's chunk is not as long as the file's geometry says.
		ChunkLengthMismatch,
		/// A proof's path has the wrong number of siblings.
		PathLengthMismatch,
		/// A proof does not lead to the file's FID.
		RootMismatch,
		/// There is no restoral order for this slot.
		OrderNotFound,
		/// Another miner claimed the order.
		AlreadyClaimed,
		/// The file is not stored.
		FileNotFound,
		/// The file has fewer than `k` columns left; it cannot be restored.
		FileDamaged,
		/// The caller is not an active miner.
		MinerNotActive,
		/// The caller is outside the file's regions.
		MinerOutsideRegions,
		/// The caller holds, held or is restoring a slot of this file.
		AlreadyHoldsFile,
		/// The caller's own columns are being handed over.
		HandingOver,
		/// Too many claims expire in the same block; try in the next one.
		ClaimsFull,
		/// The caller has not claimed this order (or its claim expired).
		NotClaimant,
		/// The stored records disagree (should not happen).
		Inconsistent,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let failed = Self::expire_challenges(now);
			let expired = Self::expire_claims(now);
			let handed = Self::hand_over(T::MaxHandOversPerBlock::get());
			let (issued, visited, draws) = Self::issue_challenges(now);
			T::AuditWeightInfo::start_round()
				.saturating_add(
					T::AuditWeightInfo::expire_challenge().saturating_mul(failed.into()),
				)
				.saturating_add(T::AuditWeightInfo::expire_claim().saturating_mul(expired.into()))
				.saturating_add(T::AuditWeightInfo::hand_over_slot().saturating_mul(handed.into()))
				.saturating_add(T::AuditWeightInfo::issue_challenge().saturating_mul(issued.into()))
				.saturating_add(T::DbWeight::get().reads(u64::from(visited) + u64::from(draws)))
		}

		fn integrity_test() {
			Self::check_parameters();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Answers the caller's open challenge: `proofs[n]` proves sample
		/// `n`. Samples of files the caller no longer holds are not checked
		/// (any proof will do).
		///
		/// The origin must be Signed by the challenged miner. Free when
		/// accepted; a rejected proof changes nothing and may be retried
		/// until the deadline. The runtime's transaction pool check
		/// (`Pallet::validate_proof`) refuses a proof from an account
		/// without an open challenge or with the wrong number of proofs, and
		/// keeps one proof per challenge, so the block space reserved for
		/// proofs cannot be filled with garbage for free.
		///
		/// Emits `ProofAccepted`.
		///
		/// O(s) in the number of samples, each one file read and one Merkle
		/// path check.
		#[pallet::call_index(0)]
		#[pallet::weight((
			T::AuditWeightInfo::submit_proof(proofs.len() as u32),
			DispatchClass::Operational,
		))]
		pub fn submit_proof(
			origin: OriginFor<T>,
			proofs: BoundedVec<SampleProof<T>, T::SamplesPerChallenge>,
		) -> DispatchResultWithPostInfo {
			let miner = ensure_signed(origin)?;
			Self::do_submit_proof(miner, proofs)?;
			Ok(Pays::No.into())
		}

		/// Claims the restoral order of slot `slot` of `fid`: the caller
		/// will rebuild that column. Reserves the column's bytes on the
		/// caller.
		///
		/// The origin must be Signed by an active miner in one of the
		/// file's regions that holds no slot of the file.
		///
		/// Emits `RestoralClaimed` with the seed of the samples to prove.
		///
		/// O(s) in the file's slots, bounded by `MaxSlots`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::AuditWeightInfo::claim_restoral())]
		pub fn claim_restoral(origin: OriginFor<T>, fid: Fid, slot: u32) -> DispatchResult {
			let miner = ensure_signed(origin)?;
			Self::do_claim_restoral(miner, fid, slot)
		}

		/// Completes a claimed restoral order with proofs of the rebuilt
		/// column: `proofs[n]` proves sample `n` drawn from the claim's
		/// seed. The file record then names the caller for the slot.
		///
		/// The origin must be Signed by the claimant, before the claim's
		/// deadline.
		///
		/// Emits `RestoralCompleted`, and `FileRestored` for a file's last
		/// order.
		///
		/// O(s) in the file's slots plus `RestoralSamples` path checks.
		#[pallet::call_index(2)]
		#[pallet::weight(T::AuditWeightInfo::complete_restoral())]
		pub fn complete_restoral(
			origin: OriginFor<T>,
			fid: Fid,
			slot: u32,
			proofs: BoundedVec<SampleProof<T>, T::RestoralSamples>,
		) -> DispatchResult {
			let miner = ensure_signed(origin)?;
			Self::do_complete_restoral(miner, fid, slot, proofs)
		}
	}
}
