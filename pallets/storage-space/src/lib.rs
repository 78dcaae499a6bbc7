//! # Storage space pallet
//!
//! Users buy storage space for a period and keep their objects in buckets.
//!
//! ## Space
//!
//! A user holds at most one space lease: `gib` GiB for `days` days, paid up
//! front in the native token at `PricePerGibDay` per GiB and day into the
//! pallet's pot (the reward pool that pays miners). A lease can be expanded
//! (paying the new GiB for the remaining days, pro rata, whole days rounded
//! up) and renewed (paying the whole lease for more days).
//!
//! Lifecycle: **Active** until `expires_at`; then **Frozen**: files are kept,
//! no new uploads, renewing reactivates it; `GracePeriod` blocks later
//! **Expired**: the file bank is told (`OnExpired`) to remove the files, and
//! the lease is deleted, so the space is released and the user may buy again.
//!
//! The transitions are scheduled when a lease is bought or renewed, in
//! [`Transitions`] keyed by block, at most `MaxExpiriesPerBlock` per block:
//! when a block is full the next block with room (within
//! [`SCHEDULE_PROBES`] blocks) is used, and when none has room the call fails
//! with `ScheduleFull`, so a transition is never lost. `on_initialize` works
//! through the schedule from a cursor, at most `MaxTransitionsPerBlock`
//! transitions per block, carrying the rest over to the next block. A lease
//! past its `expires_at` counts as frozen at once, even while its freeze
//! waits in the schedule.
//!
//! Accounting per lease: `purchased = free + reserved (open deals) + used
//! (stored objects)`, kept by the file bank through [`SpaceLedger`].
//!
//! ## Buckets
//!
//! Objects live in buckets named by the S3 rules (checked on chain, see
//! [`bucket_name`]). Names are unique per owner, not globally: the chain
//! addresses a bucket by (owner, name), so one user's name never blocks
//! another's, and the gateway maps S3 paths to the authenticated owner.
//! Creating a bucket needs a lease that is not expired (active or frozen),
//! which keeps free bucket spam off the chain; deleting needs only an empty
//! bucket. Buckets outlive an expired lease (they are empty once the files
//! are gone) so a user who buys again finds them.
//!
//! To list a user's buckets, iterate the [`Buckets`] double map under the
//! owner's prefix (`api.query.storageSpace.buckets.entries(owner)` in
//! polkadot.js); [`BucketCount`] holds their number.
//!
//! ## Notes for the file bank (`OnExpired`)
//!
//! During `on_space_expired(owner)` the lease is still stored, in state
//! `Expired`, so `release`/`unreserve` calls made then are accounted. Right
//! after, the lease is deleted; `release`/`unreserve` for an owner without a
//! lease do nothing. `SpaceExpired.unreleased_bytes` reports what was still
//! accounted at deletion.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod bucket_name;
mod buckets;
mod invariants;
mod lease;
mod ledger;
mod lifecycle;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::{BucketInfo, BucketName, SpaceLease, SpaceState, GIB, MAX_BUCKET_NAME_LEN};
pub use weights::WeightInfo;

/// Consecutive blocks tried, starting at the due block, to find a schedule
/// entry with room for a transition.
pub const SCHEDULE_PROBES: u32 = 16;

/// Schedule blocks `on_initialize` looks at in one block. One is enough when
/// the chain keeps up; more let it catch up after a backlog.
pub const MAX_SCHEDULE_BLOCKS_PER_BLOCK: u32 = 16;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use deoss_traits::{OnSpaceExpired, OperatorAuthority, Scope};
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, fungible::Inspect},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Zero;

	/// The native token amount type.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native token space is paid in.
		type Currency: fungible::Mutate<Self::AccountId>;

		/// Identifier of the pot account that receives every payment for
		/// space (the reward pool miners are paid from).
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Price of one GiB for one day. Zero, or at least the existential
		/// deposit (so that the first payment can create the pot account).
		#[pallet::constant]
		type PricePerGibDay: Get<BalanceOf<Self>>;

		/// Blocks in one day: the unit of every lease period.
		#[pallet::constant]
		type BlocksPerDay: Get<BlockNumberFor<Self>>;

		/// Fewest days a purchase or renewal may pay for.
		#[pallet::constant]
		type MinDays: Get<u32>;

		/// Most days one purchase may pay for, and most days a lease may be
		/// paid ahead after a renewal.
		#[pallet::constant]
		type MaxDays: Get<u32>;

		/// Largest lease, in GiB.
		#[pallet::constant]
		type MaxPurchaseGib: Get<u32>;

		/// Blocks a lease stays frozen (files kept) before it expires and
		/// its files are removed.
		#[pallet::constant]
		type GracePeriod: Get<BlockNumberFor<Self>>;

		/// Most transitions scheduled for one block.
		#[pallet::constant]
		type MaxExpiriesPerBlock: Get<u32>;

		/// Most transitions (freezes and expiries) processed in one block;
		/// the rest wait for the next block.
		#[pallet::constant]
		type MaxTransitionsPerBlock: Get<u32>;

		/// Most buckets one user may own.
		#[pallet::constant]
		type MaxBucketsPerUser: Get<u32>;

		/// Told when a lease expires, to remove the owner's files.
		type OnExpired: OnSpaceExpired<Self::AccountId>;

		/// Who may manage buckets for an owner: an operator with the Upload
		/// scope creates them, one with the Delete scope deletes them.
		type Authority: OperatorAuthority<Self::AccountId>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;
	}

	/// The space lease of each user.
	#[pallet::storage]
	pub type UserSpace<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SpaceLease<BlockNumberFor<T>>, OptionQuery>;

	/// Users whose lease is due for a transition (a freeze or an expiry) at
	/// each block. Which one is due is told by the lease's
	/// `freeze_scheduled_at` and `expiry_scheduled_at`.
	#[pallet::storage]
	pub type Transitions<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<T::AccountId, T::MaxExpiriesPerBlock>,
		ValueQuery,
	>;

	/// The first block of [`Transitions`] not yet fully processed. `None`
	/// until the first `on_initialize`, which starts at its own block.
	#[pallet::storage]
	pub type ScheduleCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// Buckets by owner and name. Iterate under an owner to list its buckets.
	#[pallet::storage]
	pub type Buckets<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		BucketName,
		BucketInfo<BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Number of buckets each user owns, at most `MaxBucketsPerUser`.
	#[pallet::storage]
	pub type BucketCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A user bought a space lease.
		SpacePurchased {
			/// The buyer.
			who: T::AccountId,
			/// GiB bought.
			gib: u32,
			/// Bytes bought (`gib` × 2^30).
			purchased_bytes: u64,
			/// Days paid for.
			days: u32,
			/// First block no longer paid for.
			expires_at: BlockNumberFor<T>,
			/// Amount paid into the pot.
			price_paid: BalanceOf<T>,
		},
		/// A user added GiB to an active lease.
		SpaceExpanded {
			/// The owner.
			who: T::AccountId,
			/// GiB added.
			gib: u32,
			/// Bytes of the lease after the expansion.
			purchased_bytes: u64,
			/// Whole days the added GiB were paid for (the rest of the lease).
			days_charged: u32,
			/// Amount paid into the pot.
			price_paid: BalanceOf<T>,
		},
		/// A user extended a lease.
		SpaceRenewed {
			/// The owner.
			who: T::AccountId,
			/// Days added.
			days: u32,
			/// New first block no longer paid for.
			expires_at: BlockNumberFor<T>,
			/// Amount paid into the pot.
			price_paid: BalanceOf<T>,
			/// Whether the lease was frozen and is active again.
			reactivated: bool,
		},
		/// A lease reached its end: no new uploads; files are kept until
		/// `removal_at`.
		SpaceFrozen {
			/// The owner.
			who: T::AccountId,
			/// First block that was no longer paid for.
			expires_at: BlockNumberFor<T>,
			/// Block whose schedule holds the expiry (files removed).
			removal_at: BlockNumberFor<T>,
		},
		/// A lease expired after its grace period: the file bank was told to
		/// remove the files and the lease was deleted.
		SpaceExpired {
			/// The former owner.
			who: T::AccountId,
			/// Bytes the lease had.
			purchased_bytes: u64,
			/// Reserved plus used bytes still accounted when the lease was
			/// deleted (zero when the file bank released everything).
			unreleased_bytes: u64,
		},
		/// A bucket was created.
		BucketCreated {
			/// The owner.
			owner: T::AccountId,
			/// The bucket's name.
			name: BucketName,
		},
		/// An empty bucket was deleted.
		BucketDeleted {
			/// The owner.
			owner: T::AccountId,
			/// The bucket's name.
			name: BucketName,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The user already has a space lease: expand or renew it instead.
		AlreadyHasSpace,
		/// The user has no space lease.
		NoSpace,
		/// The lease is frozen (or past its paid period): renew it first.
		SpaceNotActive,
		/// Zero GiB asked for.
		ZeroSpace,
		/// The lease would exceed `MaxPurchaseGib`.
		TooMuchSpace,
		/// Fewer than `MinDays` days, or a renewal that still ends in the past.
		PeriodTooShort,
		/// More than `MaxDays` days paid ahead.
		PeriodTooLong,
		/// The price, size or period does not fit its type.
		Overflow,
		/// The account cannot pay the price and keep its existential deposit.
		InsufficientBalance,
		/// No block near the due one has room in the schedule; try another
		/// number of days.
		ScheduleFull,
		/// The lease has too little free space.
		NotEnoughSpace,
		/// Fewer bytes are reserved than a deal tries to commit.
		NotEnoughReserved,
		/// Bucket name shorter than 3 bytes.
		BucketNameTooShort,
		/// Bucket name longer than 63 bytes.
		BucketNameTooLong,
		/// Bucket name with a byte other than a-z, 0-9, '.' or '-'.
		BucketNameInvalidCharacter,
		/// Bucket name beginning or ending with '.' or '-'.
		BucketNameBadEdge,
		/// Bucket name with two adjacent periods.
		BucketNameAdjacentPeriods,
		/// Bucket name formatted as an IPv4 address.
		BucketNameIpAddress,
		/// Bucket name beginning with "xn--", "sthree-" or "amzn-s3-demo-".
		BucketNameReservedPrefix,
		/// Bucket name ending with "-s3alias", "--ol-s3", ".mrap", "--x-s3" or
		/// "--table-s3".
		BucketNameReservedSuffix,
		/// The owner already has a bucket with this name.
		BucketExists,
		/// No such bucket.
		BucketNotFound,
		/// The bucket still holds objects.
		BucketNotEmpty,
		/// The owner has `MaxBucketsPerUser` buckets.
		TooManyBuckets,
		/// The bucket's object counter is full.
		TooManyObjects,
		/// The caller is neither the owner nor an operator the owner
		/// authorized with the needed scope (Upload to create, Delete to
		/// delete), or the authorization expired.
		NotAuthorized,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::process_transitions(now)
		}

		fn integrity_test() {
			let price = T::PricePerGibDay::get();
			assert!(
				price.is_zero() || price >= T::Currency::minimum_balance(),
				"PricePerGibDay must be zero or at least the existential deposit"
			);
			assert!(!T::BlocksPerDay::get().is_zero(), "BlocksPerDay must not be zero");
			assert!(T::MinDays::get() >= 1, "MinDays must be at least 1");
			assert!(T::MinDays::get() <= T::MaxDays::get(), "MinDays must not exceed MaxDays");
			assert!(T::MaxPurchaseGib::get() >= 1, "MaxPurchaseGib must be at least 1");
			assert!(T::MaxExpiriesPerBlock::get() >= 1, "MaxExpiriesPerBlock must be at least 1");
			assert!(
				T::MaxTransitionsPerBlock::get() >= 1,
				"MaxTransitionsPerBlock must be at least 1"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Buys a space lease of `gib` GiB for `days` days, paying
		/// `gib` × `days` × `PricePerGibDay` into the pot.
		///
		/// The origin must be Signed and must not have a lease yet (expand or
		/// renew it instead).
		///
		/// - `gib`: GiB to buy, 1 to `MaxPurchaseGib`.
		/// - `days`: days to pay for, `MinDays` to `MaxDays`.
		///
		/// Emits `SpacePurchased`.
		///
		/// O(1): at most `2 × SCHEDULE_PROBES` schedule entries are tried.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::buy_space())]
		pub fn buy_space(origin: OriginFor<T>, gib: u32, days: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy_space(&who, gib, days)
		}

		/// Adds `gib` GiB to an active lease, paying them for the rest of the
		/// lease: `gib` × remaining days (rounded up) × `PricePerGibDay`.
		///
		/// The origin must be Signed and have an active lease.
		///
		/// - `gib`: GiB to add; the lease may not exceed `MaxPurchaseGib`.
		///
		/// Emits `SpaceExpanded`.
		///
		/// O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::expand_space())]
		pub fn expand_space(origin: OriginFor<T>, gib: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_expand_space(&who, gib)
		}

		/// Extends a lease by `days` days from its current end, paying the
		/// lease's GiB × `days` × `PricePerGibDay`. Renewing a frozen lease
		/// reactivates it (its frozen days are paid for, with no gap).
		///
		/// The origin must be Signed and have an active or frozen lease (an
		/// expired lease is gone: buy again).
		///
		/// - `days`: days to add, at least `MinDays`; the lease may not be
		///   paid more than `MaxDays` ahead, and must end in the future.
		///
		/// Emits `SpaceRenewed`.
		///
		/// O(1) in storage items; moving the schedule entries is
		/// O(`MaxExpiriesPerBlock`).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::renew_space())]
		pub fn renew_space(origin: OriginFor<T>, days: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_renew_space(&who, days)
		}

		/// Creates an empty bucket.
		///
		/// The origin must be Signed, have an active or frozen lease, and own
		/// fewer than `MaxBucketsPerUser` buckets.
		///
		/// - `name`: the bucket name, following the S3 rules (3 to 63 bytes of
		///   a-z, 0-9, '.', '-'; see the `BucketName*` errors); unique per
		///   owner.
		///
		/// Emits `BucketCreated`.
		///
		/// O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::create_bucket())]
		pub fn create_bucket(origin: OriginFor<T>, name: BucketName) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_create_bucket(&owner, name)
		}

		/// Deletes an empty bucket.
		///
		/// The origin must be Signed and own the bucket, which must hold no
		/// objects. No lease is needed.
		///
		/// - `name`: the bucket's name.
		///
		/// Emits `BucketDeleted`.
		///
		/// O(1).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::delete_bucket())]
		pub fn delete_bucket(origin: OriginFor<T>, name: BucketName) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_delete_bucket(&owner, name)
		}

		/// Creates an empty bucket for `owner`, as `create_bucket` does for
		/// the origin.
		///
		/// The origin must be `owner` or an operator `owner` authorized with
		/// the Upload scope (`NotAuthorized` otherwise): a gateway creates
		/// buckets for the users it serves. The owner's lease and bucket count
		/// are checked as in `create_bucket`.
		///
		/// Emits `BucketCreated`.
		///
		/// O(1): `create_bucket`'s benchmarked weight and one read of the
		/// authorization.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::create_bucket().saturating_add(T::DbWeight::get().reads(1)))]
		pub fn create_bucket_for(
			origin: OriginFor<T>,
			owner: T::AccountId,
			name: BucketName,
		) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			ensure!(
				T::Authority::may_act_for(&caller, &owner, Scope::Upload),
				Error::<T>::NotAuthorized
			);
			Self::do_create_bucket(&owner, name)
		}

		/// Deletes `owner`'s empty bucket, as `delete_bucket` does for the
		/// origin.
		///
		/// The origin must be `owner` or an operator `owner` authorized with
		/// the Delete scope (`NotAuthorized` otherwise).
		///
		/// Emits `BucketDeleted`.
		///
		/// O(1): `delete_bucket`'s benchmarked weight and one read of the
		/// authorization.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::delete_bucket().saturating_add(T::DbWeight::get().reads(1)))]
		pub fn delete_bucket_for(
			origin: OriginFor<T>,
			owner: T::AccountId,
			name: BucketName,
		) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			ensure!(
				T::Authority::may_act_for(&caller, &owner, Scope::Delete),
				Error::<T>::NotAuthorized
			);
			Self::do_delete_bucket(&owner, name)
		}
	}
}
