//! The registry of storage miners and schedulers: who they are, what they stake, how
//! much space miners offer and where, and how both leave the network.
//!
//! ## Miners
//!
//! A miner registers with a stake (held from its account under
//! [`HoldReason::MinerStake`]), a declared capacity, a region (ISO 3166-1 alpha-2), an
//! endpoint and the sr25519 key it signs receipts with. The stake must cover
//! [`Config::MinerBaseStake`] plus [`Config::StakePerTib`] per started TiB of capacity.
//! The key comes with a signature by that key over [`key_proof_message`], so nobody can
//! register a key they do not hold.
//!
//! A miner is `Active` (takes new data), `Frozen` (a slash left its stake below what its
//! capacity requires: it keeps and proves its data but takes nothing new until it adds
//! stake or lowers its capacity) or `Exiting` (takes nothing new; after
//! [`Config::UnbondingPeriod`] and once the audit pallet has moved all its columns away,
//! `withdraw` releases its stake and removes it).
//!
//! Other pallets see miners through [`deoss_traits::MinerRegistry`]: the file bank
//! reserves, commits and releases space on them; the audit pallet slashes them.
//! Active miners are indexed by region in [`ActiveMinersByRegion`] so off-chain
//! schedulers can list the candidates for a deal's allowed regions with one key-prefix
//! query.
//!
//! ## Schedulers
//!
//! A scheduler registers with [`Config::SchedulerStake`], a region and an endpoint. The
//! file bank draws one for each deal through [`deoss_traits::SchedulerRegistry::draw`]
//! from [`ActiveSchedulers`]. Leaving takes the same unbonding period as miners, so a
//! scheduler cannot vanish with deals in flight.
//!
//! [`Config::MaxSchedulers`] bounds the *active* schedulers only: a leaving one no
//! longer holds a place, so registrations that are winding down never lock out new
//! schedulers. Exits complete by themselves: [`SchedulerExits`] lists them in the order
//! they unlock (every exit unlocks `UnbondingPeriod` after the block it was requested
//! in), and the block hook releases up to [`MAX_EXITS_PER_BLOCK`] due ones each block.
//! Leaving schedulers are thus at most those that asked to leave within one unbonding
//! period, each still holding its whole stake. Filling the active set takes
//! `MaxSchedulers` stakes, and an active scheduler that lets its deals time out loses
//! [`Config::SchedulerTimeoutPenalty`] for each.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod invariants;
mod miners;
#[cfg(test)]
mod mock;
mod registry;
mod schedulers;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use deoss_traits::Region;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, OnUnbalanced, Randomness},
	};
	use frame_system::pallet_prelude::*;

	/// Balance of the currency stakes are held in.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;
	/// Funds taken by a slash, handed to [`Config::OnSlash`].
	pub type CreditOf<T> =
		fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
	/// A miner record as stored.
	pub type MinerInfoOf<T> = MinerInfo<BalanceOf<T>, BlockNumberFor<T>, Endpoint<T>>;
	/// A scheduler record as stored.
	pub type SchedulerInfoOf<T> = SchedulerInfo<BalanceOf<T>, BlockNumberFor<T>, Endpoint<T>>;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The currency stakes are held in, with the `hold` API; slashes take held funds.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>
			+ fungible::BalancedHold<Self::AccountId>;

		/// Receives the funds slashed from miners: `()` burns them, `ResolveTo<Pot,
		/// Balances>` pays them to a pot account.
		type OnSlash: OnUnbalanced<CreditOf<Self>>;

		/// Source of the randomness schedulers are drawn with.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Stake every miner holds whatever its capacity.
		#[pallet::constant]
		type MinerBaseStake: Get<BalanceOf<Self>>;

		/// Stake a miner holds in addition for every started TiB (2^40 bytes) of declared
		/// capacity.
		#[pallet::constant]
		type StakePerTib: Get<BalanceOf<Self>>;

		/// Stake every scheduler holds.
		#[pallet::constant]
		type SchedulerStake: Get<BalanceOf<Self>>;

		/// Taken from a scheduler's stake for every deal it lets time out.
		/// A deal's owner forfeits the file bank's deal deposit when the
		/// deal fails, which the runtime sets at least as large as what all
		/// of a deal's timeouts cost schedulers, so that declaring deals
		/// without uploading cannot harm schedulers more than it costs.
		#[pallet::constant]
		type SchedulerTimeoutPenalty: Get<BalanceOf<Self>>;

		/// Blocks between asking to leave and being able to withdraw the stake.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// Smallest capacity, in bytes, a miner may declare.
		#[pallet::constant]
		type MinCapacity: Get<u64>;

		/// Largest capacity, in bytes, a miner may declare.
		#[pallet::constant]
		type MaxCapacity: Get<u64>;

		/// Longest endpoint, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// Most miners registered at once (in any state).
		#[pallet::constant]
		type MaxMiners: Get<u32>;

		/// Most schedulers registered at once (in any state); also bounds the work of a
		/// scheduler draw.
		#[pallet::constant]
		type MaxSchedulers: Get<u32>;

		/// Told when a miner asks to exit: the audit hands its data over.
		type OnExit: deoss_traits::OnMinerExit<Self::AccountId>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake of a registered storage miner.
		MinerStake,
		/// Stake of a registered scheduler.
		SchedulerStake,
	}

	/// Registered storage miners by account.
	#[pallet::storage]
	pub type Miners<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, MinerInfoOf<T>, OptionQuery>;

	/// The miners that take new data (state `Active`), by region then account. Lets
	/// schedulers list candidates for a deal's regions with one key-prefix query.
	#[pallet::storage]
	pub type ActiveMinersByRegion<T: Config> =
		StorageDoubleMap<_, Twox64Concat, Region, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// Registered schedulers by account.
	#[pallet::storage]
	pub type Schedulers<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, SchedulerInfoOf<T>, OptionQuery>;

	/// The schedulers that can be drawn for new deals, with their regions, so a draw is
	/// one storage read.
	#[pallet::storage]
	pub type ActiveSchedulers<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, Region), T::MaxSchedulers>, ValueQuery>;

	/// Scheduler exits in the order they unlock: sequence number to (unlock block,
	/// scheduler). An entry whose scheduler withdrew already is skipped.
	#[pallet::storage]
	pub type SchedulerExits<T: Config> =
		StorageMap<_, Twox64Concat, u64, (BlockNumberFor<T>, T::AccountId), OptionQuery>;

	/// The sequence numbers of the first entry of [`SchedulerExits`] and of the next.
	#[pallet::storage]
	pub type SchedulerExitEnds<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A storage miner registered and is active.
		MinerRegistered {
			/// The miner's account.
			miner: T::AccountId,
			/// Stake held from it.
			stake: BalanceOf<T>,
			/// Declared capacity in bytes.
			capacity_bytes: u64,
			/// Declared region.
			region: Region,
			/// Where it is reached.
			endpoint: Endpoint<T>,
			/// sr25519 public key it signs receipts with.
			auth_key: [u8; 32],
		},
		/// A miner changed its endpoint.
		MinerEndpointUpdated {
			/// The miner's account.
			miner: T::AccountId,
			/// The new endpoint.
			endpoint: Endpoint<T>,
		},
		/// A miner changed the key it signs receipts with.
		MinerAuthKeyRotated {
			/// The miner's account.
			miner: T::AccountId,
			/// The new sr25519 public key.
			auth_key: [u8; 32],
		},
		/// A miner changed its declared capacity.
		MinerCapacityUpdated {
			/// The miner's account.
			miner: T::AccountId,
			/// The new capacity in bytes.
			capacity_bytes: u64,
		},
		/// A miner added to its stake.
		MinerStakeIncreased {
			/// The miner's account.
			miner: T::AccountId,
			/// Amount added.
			amount: BalanceOf<T>,
			/// Stake now held.
			stake: BalanceOf<T>,
		},
		/// A miner's stake fell below what its capacity requires: it takes no new data.
		MinerFrozen {
			/// The miner's account.
			miner: T::AccountId,
			/// Stake it holds.
			stake: BalanceOf<T>,
			/// Stake its capacity requires.
			required: BalanceOf<T>,
		},
		/// A frozen miner's stake covers its capacity again: it takes new data.
		MinerUnfrozen {
			/// The miner's account.
			miner: T::AccountId,
		},
		/// A miner asked to leave; it takes no new data from now on.
		MinerExitRequested {
			/// The miner's account.
			miner: T::AccountId,
			/// First block at which it may withdraw, once its data is handed over.
			unlock_at: BlockNumberFor<T>,
		},
		/// A miner withdrew its request to leave.
		MinerExitCancelled {
			/// The miner's account.
			miner: T::AccountId,
			/// Whether it is active again (otherwise frozen: its stake is short).
			active: bool,
		},
		/// A miner left: its stake is released and its record removed.
		MinerWithdrawn {
			/// The miner's account.
			miner: T::AccountId,
			/// Stake released.
			stake: BalanceOf<T>,
		},
		/// A miner was slashed.
		MinerSlashed {
			/// The miner's account.
			miner: T::AccountId,
			/// Amount taken from its stake.
			amount: BalanceOf<T>,
			/// Stake it still holds.
			stake: BalanceOf<T>,
		},
		/// A scheduler let a deal time out and lost `SchedulerTimeoutPenalty`
		/// of its stake.
		SchedulerPenalized {
			/// The scheduler's account.
			scheduler: T::AccountId,
			/// Amount taken from its stake.
			amount: BalanceOf<T>,
			/// Stake it still holds.
			stake: BalanceOf<T>,
		},
		/// A scheduler registered and can be drawn for deals.
		SchedulerRegistered {
			/// The scheduler's account.
			scheduler: T::AccountId,
			/// Stake held from it.
			stake: BalanceOf<T>,
			/// Declared region.
			region: Region,
			/// Where clients reach it.
			endpoint: Endpoint<T>,
		},
		/// A scheduler changed its endpoint.
		SchedulerEndpointUpdated {
			/// The scheduler's account.
			scheduler: T::AccountId,
			/// The new endpoint.
			endpoint: Endpoint<T>,
		},
		/// A scheduler asked to leave; it is no longer drawn for deals.
		SchedulerExitRequested {
			/// The scheduler's account.
			scheduler: T::AccountId,
			/// First block at which it may withdraw.
			unlock_at: BlockNumberFor<T>,
		},
		/// A scheduler left: its stake is released and its record removed.
		SchedulerWithdrawn {
			/// The scheduler's account.
			scheduler: T::AccountId,
			/// Stake released.
			stake: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a registered miner.
		MinerAlreadyRegistered,
		/// The account is not a registered miner.
		MinerNotFound,
		/// `MaxMiners` miners are registered already.
		TooManyMiners,
		/// The capacity is outside `MinCapacity..=MaxCapacity`.
		CapacityOutOfRange,
		/// The region is not an assigned ISO 3166-1 alpha-2 code (upper case).
		InvalidRegion,
		/// The endpoint is not an `http://`/`https://` URL or an `/ip4/`, `/ip6/`,
		/// `/dns/`, `/dns4/`, `/dns6/` multiaddr of printable ASCII without spaces.
		InvalidEndpoint,
		/// The authentication key is all zeroes.
		InvalidAuthKey,
		/// The key proof is not a signature by the authentication key over
		/// `b"deoss/miner-key/v1"` followed by the account id.
		InvalidKeyProof,
		/// The stake does not cover `MinerBaseStake + StakePerTib` per started TiB of
		/// the capacity.
		InsufficientStake,
		/// The capacity would be below the bytes the miner uses and has reserved.
		CapacityBelowUsage,
		/// The amount to add is zero.
		ZeroAmount,
		/// The miner is leaving; only its endpoint, key and stake can change.
		MinerExiting,
		/// The miner or scheduler is already leaving.
		AlreadyExiting,
		/// The miner or scheduler has not asked to leave.
		NotExiting,
		/// The unbonding period has not passed yet.
		StillUnbonding,
		/// The miner still holds or expects data; the audit pallet has to move its
		/// columns to other miners first.
		DataNotHandedOver,
		/// The miner is frozen or leaving and takes no new data.
		MinerNotActive,
		/// The miner has not that many free bytes.
		InsufficientSpace,
		/// The miner has fewer bytes reserved than the deal commits.
		NotEnoughReserved,
		/// The account is already a registered scheduler.
		SchedulerAlreadyRegistered,
		/// The account is not a registered scheduler.
		SchedulerNotFound,
		/// `MaxSchedulers` schedulers are active already.
		TooManySchedulers,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::complete_due_scheduler_exits(now)
		}

		fn integrity_test() {
			assert!(T::MinCapacity::get() > 0, "MinCapacity must be positive");
			assert!(
				T::MinCapacity::get() <= T::MaxCapacity::get(),
				"MinCapacity must not exceed MaxCapacity"
			);
			// The shortest valid endpoint, "/ip4/x", has 6 bytes; real ones need far more.
			assert!(T::MaxEndpointLen::get() >= 16, "MaxEndpointLen is too small for endpoints");
			assert!(T::MaxSchedulers::get() > 0, "MaxSchedulers must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a storage miner and holds its stake.
		///
		/// The origin must be Signed and not yet a miner, with `stake` (plus the
		/// existential deposit) free.
		///
		/// - `stake`: amount to hold; at least `MinerBaseStake + StakePerTib` per started
		///   TiB of `capacity_bytes`. More leaves room for slashes before freezing.
		/// - `capacity_bytes`: space offered, within `MinCapacity..=MaxCapacity`.
		/// - `region`: ISO 3166-1 alpha-2 code of the country the data is stored in.
		/// - `endpoint`: `http(s)://` URL or `/ip4|ip6|dns|dns4|dns6/` multiaddr.
		/// - `auth_key`: sr25519 public key receipts are signed with.
		/// - `key_proof`: sr25519 signature by `auth_key` over `b"deoss/miner-key/v1"`
		///   followed by the SCALE-encoded caller account id.
		///
		/// Emits `MinerRegistered`.
		///
		/// O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_miner())]
		pub fn register_miner(
			origin: OriginFor<T>,
			stake: BalanceOf<T>,
			capacity_bytes: u64,
			region: Region,
			endpoint: Endpoint<T>,
			auth_key: [u8; 32],
			key_proof: [u8; 64],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_miner(
				who,
				stake,
				capacity_bytes,
				region,
				endpoint,
				auth_key,
				key_proof,
			)
		}

		/// Changes where the caller, a miner, is reached.
		///
		/// The origin must be Signed and a registered miner (in any state).
		///
		/// - `endpoint`: the new `http(s)://` URL or multiaddr.
		///
		/// Emits `MinerEndpointUpdated`.
		///
		/// O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_endpoint())]
		pub fn update_endpoint(origin: OriginFor<T>, endpoint: Endpoint<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_endpoint(who, endpoint)
		}

		/// Replaces the key the caller, a miner, signs receipts with. Receipts signed with
		/// the old key are no longer accepted.
		///
		/// The origin must be Signed and a registered miner (in any state).
		///
		/// - `new_key`: the new sr25519 public key.
		/// - `key_proof`: signature by `new_key` over `b"deoss/miner-key/v1"` followed by
		///   the SCALE-encoded caller account id.
		///
		/// Emits `MinerAuthKeyRotated`.
		///
		/// O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::rotate_auth_key())]
		pub fn rotate_auth_key(
			origin: OriginFor<T>,
			new_key: [u8; 32],
			key_proof: [u8; 64],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_rotate_auth_key(who, new_key, key_proof)
		}

		/// Changes the caller's declared capacity. A frozen miner whose stake covers the
		/// new capacity is unfrozen.
		///
		/// The origin must be Signed and a registered miner that is not leaving; to grow,
		/// its stake must already cover the new capacity (see `increase_stake`).
		///
		/// - `capacity_bytes`: the new capacity, within `MinCapacity..=MaxCapacity` and
		///   not below the bytes the miner uses and has reserved.
		///
		/// Emits `MinerCapacityUpdated`, and `MinerUnfrozen` if it unfreezes.
		///
		/// O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_capacity())]
		pub fn update_capacity(origin: OriginFor<T>, capacity_bytes: u64) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_capacity(who, capacity_bytes)
		}

		/// Holds more of the caller's funds as miner stake. A frozen miner whose stake now
		/// covers its capacity is unfrozen.
		///
		/// The origin must be Signed and a registered miner (in any state) with `amount`
		/// free.
		///
		/// - `amount`: the amount to add; not zero.
		///
		/// Emits `MinerStakeIncreased`, and `MinerUnfrozen` if it unfreezes.
		///
		/// O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::increase_stake())]
		pub fn increase_stake(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_increase_stake(who, amount)
		}

		/// Starts the caller's exit: from now on it takes no new data, and it may withdraw
		/// its stake `UnbondingPeriod` blocks later once its columns have been moved away.
		/// `OnExit` (the audit) turns its columns into restoral orders for other miners;
		/// cancelling the exit later does not take them back.
		///
		/// The origin must be Signed and an active or frozen miner.
		///
		/// Emits `MinerExitRequested`.
		///
		/// O(1).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::request_exit())]
		pub fn request_exit(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_exit(who)
		}

		/// Withdraws the caller's exit request: it becomes active again, or frozen if its
		/// stake no longer covers its capacity.
		///
		/// The origin must be Signed and a leaving miner.
		///
		/// Emits `MinerExitCancelled`.
		///
		/// O(1).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::cancel_exit())]
		pub fn cancel_exit(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_exit(who)
		}

		/// Completes the caller's exit: releases its stake and removes its record.
		///
		/// The origin must be Signed and a leaving miner whose unbonding period has passed
		/// and that holds and expects no data (used and reserved bytes are zero).
		///
		/// Emits `MinerWithdrawn`.
		///
		/// O(1).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw().saturating_add(
			// `OnExit::on_miner_withdrawn`: the audit's record of the miner.
			T::DbWeight::get().reads_writes(1, 1)
		))]
		pub fn withdraw(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(who)
		}

		/// Registers the caller as a scheduler, holds `SchedulerStake`, and makes it
		/// eligible for deals.
		///
		/// The origin must be Signed and not yet a scheduler, with `SchedulerStake` (plus
		/// the existential deposit) free.
		///
		/// - `region`: ISO 3166-1 alpha-2 code of the country it runs in.
		/// - `endpoint`: `http(s)://` URL or multiaddr clients upload to.
		///
		/// Emits `SchedulerRegistered`.
		///
		/// O(n) in the number of active schedulers, bounded by `MaxSchedulers`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::register_scheduler())]
		pub fn register_scheduler(
			origin: OriginFor<T>,
			region: Region,
			endpoint: Endpoint<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_scheduler(who, region, endpoint)
		}

		/// Changes where the caller, a scheduler, is reached.
		///
		/// The origin must be Signed and a registered scheduler (in any state).
		///
		/// - `endpoint`: the new `http(s)://` URL or multiaddr.
		///
		/// Emits `SchedulerEndpointUpdated`.
		///
		/// O(1).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::update_scheduler_endpoint())]
		pub fn update_scheduler_endpoint(
			origin: OriginFor<T>,
			endpoint: Endpoint<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_scheduler_endpoint(who, endpoint)
		}

		/// Starts the caller's exit as a scheduler: it is no longer drawn for deals and
		/// no longer counts against `MaxSchedulers`; `UnbondingPeriod` blocks later, when
		/// the deals it holds have finished or timed out, its stake is released by the
		/// block hook (or by `withdraw_scheduler`, whichever comes first).
		///
		/// The origin must be Signed and an active scheduler.
		///
		/// Emits `SchedulerExitRequested`.
		///
		/// O(n) in the number of active schedulers, bounded by `MaxSchedulers`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::request_scheduler_exit())]
		pub fn request_scheduler_exit(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_scheduler_exit(who)
		}

		/// Completes the caller's exit as a scheduler: releases its stake and removes its
		/// record. The block hook does the same for every due exit, so this is only
		/// needed when more than `MAX_EXITS_PER_BLOCK` fell due in one block.
		///
		/// The origin must be Signed and a leaving scheduler whose unbonding period has
		/// passed.
		///
		/// Emits `SchedulerWithdrawn`.
		///
		/// O(1).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::withdraw_scheduler())]
		pub fn withdraw_scheduler(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_scheduler(who)
		}
	}
}
