//! DeOSS file bank: storage deals from declaration to stored file, and the
//! ownership, deduplication and deletion of stored objects.
//!
//! ## A deal's life
//!
//! `declare` (by the owner, or an operator it authorized with `Scope::Upload`)
//! checks the layout against the size, reserves `size` bytes of the owner's
//! space and draws a scheduler: the deal is ASSIGNED with a deadline
//! `DealTimeout` blocks ahead. The scheduler distributes the fragments and
//! `report`s one miner receipt per slot (column × replica). If every receipt
//! holds — each signed by the miner's registered sr25519 key, miners
//! distinct, active, inside the allowed regions (or pinned), with room for a
//! column — the file is stored: the owner's reserved bytes become used and
//! each miner is charged one column. Otherwise the call fails and the deal
//! stays ASSIGNED.
//!
//! At its deadline a deal moves to another scheduler (never one it had),
//! at most `MaxReassign` times; then it fails and the reservation is
//! returned. The owner may also move it (`request_reassign`) or end it
//! (`cancel_deal`).
//!
//! ## Accounting
//!
//! An owner is charged the payload size (`size`) of each object it holds,
//! at least `MinBillableSize` (tiny objects are not free to create in
//! bulk); redundancy is the network's cost, priced into the space. A miner is
//! charged one column per file: the fragment length of every segment
//! summed (`FileRecord::column_bytes`).
//!
//! A FID that is already stored is not stored twice, but knowing a FID is
//! not enough to own its data: the new owner declares a deal like any
//! other and uploads the payload to the deal's scheduler, which verifies it
//! against the FID and reports the deal without receipts; the owner is then
//! added to the file (`OwnerAdded`), charged its size, and no miner takes
//! anything new. The file is removed when its last owner deletes it. The
//! new owner's rules still hold: every miner holding the file must be in
//! one of the declared regions or pinned (`HoldersOutsideRegions`), and a
//! file with a lost slot or too few columns left is not offered
//! (`FileImpaired`) until it is restored.
//!
//! Deals of one FID by several owners may be open at once, so nobody can
//! block another user's upload by declaring its FID first; whichever deal
//! reports first stores the file, and the others add their owners to it.
//! An owner has one open deal per object name at a time (`DealOpen`).
//! A deal that cannot join the file stored meanwhile (another size or
//! layout, holders outside its regions, impaired, full of owners) is
//! refused when reported (`DealRefused`): its deposit and space go back and
//! its scheduler is not blamed.
//!
//! Known limit: the proof that a new owner has the data is its scheduler's
//! check. A declarer that also runs the scheduler drawn for its deal could
//! skip the upload and still be added. What it gains is little: a stored
//! file's fragments can be read from its miners by anyone (privacy comes
//! from encryption, and a co-owner cannot change another owner's key
//! grants, `KeyGranters`), and it pays for the space like any owner.
//!
//! ## Expired space
//!
//! When an owner's space expires, the objects it held then are removed a
//! few per block (`ExpiredOwners`); what it stores in space bought again
//! meanwhile stays. Bytes always go back to the lease they were taken
//! from: a deal remembers the block it was declared in and an object the
//! block its owner got it, and only those at or after the current lease's
//! start are unreserved, committed or released against it. A deal declared
//! on an expired lease can no longer be reported (`SpaceExpired`); it is
//! cancelled, or fails at its deadline without blaming its scheduler.
//! `try_state` checks that every lease uses exactly the bytes of its
//! owner's objects and reserves exactly those of its open deals.
//!
//! ## Account ids
//!
//! Receipts sign the miner's account as 32 bytes, so the runtime's
//! `AccountId` must SCALE-encode to exactly 32 bytes (as `AccountId32`
//! does); a miner whose account does not is refused (`AccountNotBytes32`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod file_index;
mod functions;
mod impls;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use deoss_primitives::{Fid, Layout};
pub use deoss_traits::{
	Buckets, FileHooks, FileIndex, MinerRegistry, OnSpaceExpired, OperatorAuthority, Region,
	SchedulerRegistry, Scope, SpaceLedger,
};

/// Sets up what the benchmarks need in the other pallets, which this
/// pallet only sees through read-mostly traits.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Gives `owner` `bytes` of active space and a bucket called `bucket`.
	fn prepare_owner(owner: &AccountId, bucket: &[u8], bytes: u64);
	/// Registers `who` as an active scheduler in `region`.
	fn register_scheduler(who: &AccountId, region: Region);
	/// Registers `who` as an active miner in `region` signing receipts with
	/// `auth_key`, with room for `bytes`.
	fn register_miner(who: &AccountId, region: Region, auth_key: [u8; 32], bytes: u64);
	/// Lets `operator` act for `owner` within `scope`.
	fn authorize(operator: &AccountId, owner: &AccountId, scope: Scope);
}

// `declare` takes the whole declaration as separate parameters so that
// wallets show each one; the generated call code inherits the lint.
#[allow(clippy::too_many_arguments)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency deal deposits are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Held from whoever declares a deal until it ends: returned when
		/// the file is stored or the deal cancelled, forfeited (burnt) when
		/// it fails, so that deals cannot be opened for nothing.
		#[pallet::constant]
		type DealDeposit: Get<BalanceOf<Self>>;

		/// Most open deals of one owner.
		#[pallet::constant]
		type MaxOpenDeals: Get<u32>;

		/// Least bytes an object is charged to its owner's space, however
		/// small (or empty) its payload.
		#[pallet::constant]
		type MinBillableSize: Get<u64>;

		/// Users' purchased space, reserved by deals and used by files.
		type SpaceLedger: SpaceLedger<Self::AccountId, BlockNumberFor<Self>>;

		/// Users' buckets, which count the objects in them.
		type Buckets: Buckets<Self::AccountId>;

		/// The balance miners stake in; only names the miner registry's type.
		type StakeBalance: frame_support::Parameter + MaxEncodedLen;

		/// Storage miners: activity, region, receipt keys and capacity.
		type Miners: MinerRegistry<Self::AccountId, Self::StakeBalance>;

		/// Schedulers, drawn at random to take a deal.
		type Schedulers: SchedulerRegistry<Self::AccountId>;

		/// Who may act for whom (operators such as gateways).
		type Authority: OperatorAuthority<Self::AccountId>;

		/// Blocks a scheduler has to report a deal's receipts.
		#[pallet::constant]
		type DealTimeout: Get<BlockNumberFor<Self>>;

		/// Times a deal may move to another scheduler before it fails.
		#[pallet::constant]
		type MaxReassign: Get<u32>;

		/// Most deal deadlines the hook handles per block; later ones wait
		/// for the next block.
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Most objects of expired owners removed per block.
		#[pallet::constant]
		type MaxRemovalsPerBlock: Get<u32>;

		/// Most slots (columns × replicas) per file.
		#[pallet::constant]
		type MaxSlots: Get<u32>;

		/// Most owners of one file.
		#[pallet::constant]
		type MaxOwners: Get<u32>;

		/// Longest object name, in bytes.
		#[pallet::constant]
		type MaxNameLen: Get<u32>;

		/// Longest bucket name, in bytes.
		#[pallet::constant]
		type MaxBucketNameLen: Get<u32>;

		/// Most regions a deal may allow.
		#[pallet::constant]
		type MaxRegions: Get<u32>;

		/// Most miners a deal may pin.
		#[pallet::constant]
		type MaxPinned: Get<u32>;

		/// Longest content type or keyword, in bytes.
		#[pallet::constant]
		type MaxMetaLen: Get<u32>;

		/// Longest description, in bytes.
		#[pallet::constant]
		type MaxDescriptionLen: Get<u32>;

		/// Most keywords per object.
		#[pallet::constant]
		type MaxKeywords: Get<u32>;

		/// Most accounts an encrypted file's data key may be granted to.
		#[pallet::constant]
		type MaxKeyGrants: Get<u32>;

		/// Longest wrapped data key, in bytes.
		#[pallet::constant]
		type MaxWrappedKeyLen: Get<u32>;

		/// Told when a file is removed; says which slots are lost and
		/// waiting to be restored (the audit).
		type Hooks: FileHooks<Self::AccountId>;

		/// Largest chunk a layout may use: it sets the size of every
		/// challenge proof, which must fit the blocks of a response window.
		#[pallet::constant]
		type MaxChunkSize: Get<u32>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;

		/// Prepares the other pallets' state for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Identifier the next deal gets.
	#[pallet::storage]
	pub type NextDealId<T: Config> = StorageValue<_, DealId, ValueQuery>;

	/// Open deals, all ASSIGNED to a scheduler. Removed when the deal ends.
	#[pallet::storage]
	pub type Deals<T: Config> = StorageMap<_, Twox64Concat, DealId, Deal<T>, OptionQuery>;

	/// The open deal of each owner's object (bucket, name): one at a time.
	/// Deals of the same FID by different owners, or under different
	/// names, may be open together: nobody can block another's upload.
	#[pallet::storage]
	pub type ObjectDeals<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		ObjectKeyOf<T>,
		DealId,
		OptionQuery,
	>;

	/// Deal deadlines in the order they were set, which is the order they
	/// fall due in (every deadline is `DealTimeout` after the block that set
	/// it): sequence number to (deal, deadline). Never full; an entry whose
	/// deal ended or moved on is skipped when it comes up.
	#[pallet::storage]
	pub type DealQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, (DealId, BlockNumberFor<T>), OptionQuery>;

	/// The numbers of the first entry of `DealQueue` and of the next one.
	#[pallet::storage]
	pub type DealQueueEnds<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	/// How many open deals each owner has, at most `MaxOpenDeals`.
	#[pallet::storage]
	pub type OpenDeals<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Stored files by FID.
	#[pallet::storage]
	pub type Files<T: Config> = StorageMap<_, Blake2_128Concat, Fid, FileRecord<T>, OptionQuery>;

	/// Each owner's objects: (bucket, name) to FID.
	#[pallet::storage]
	pub type OwnedObjects<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		ObjectKeyOf<T>,
		Fid,
		OptionQuery,
	>;

	/// Reverse index of `Files`: the slot each miner holds of each file
	/// (one per file, since a file's miners are distinct).
	#[pallet::storage]
	pub type MinerSlots<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		Fid,
		SlotRef,
		OptionQuery,
	>;

	/// What each miner holds, per size class; absent for a miner holding
	/// nothing.
	#[pallet::storage]
	pub type MinerHoldings<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, crate::types::Holdings, OptionQuery>;

	/// Each miner's columns as one list per size class, `(class, 0..count)`,
	/// so that the audit can draw them in proportion to their bytes.
	#[pallet::storage]
	pub type MinerFileAt<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		(u8, u32),
		HeldColumn,
		OptionQuery,
	>;

	/// Data keys of encrypted files, wrapped by an owner to another account
	/// so it can decrypt the file (`grant_key`). Opaque to the chain; removed
	/// with the file.
	#[pallet::storage]
	pub type KeyGrants<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Fid,
		Blake2_128Concat,
		T::AccountId,
		WrappedKeyOf<T>,
		OptionQuery,
	>;

	/// Who made each key grant: only that owner may replace or revoke it
	/// (any owner may once the granter no longer owns the file), so a
	/// co-owner cannot take over or withdraw another owner's grants.
	#[pallet::storage]
	pub type KeyGranters<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		Fid,
		Blake2_128Concat,
		T::AccountId,
		T::AccountId,
		OptionQuery,
	>;

	/// How many grants each file has, at most `MaxKeyGrants`.
	#[pallet::storage]
	pub type KeyGrantCount<T: Config> = StorageMap<_, Blake2_128Concat, Fid, u32, ValueQuery>;

	/// Owners whose space expired; the objects they had then are removed a
	/// few per block.
	#[pallet::storage]
	pub type ExpiredOwners<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ExpiredOwner<T>, OptionQuery>;

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A deal's deposit, held until the deal ends.
		DealDeposit,
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A deal was assigned to a scheduler, which must collect the object
		/// and report receipts before `deadline`.
		DealAssigned {
			/// The deal.
			deal: DealId,
			/// The scheduler now in charge.
			scheduler: T::AccountId,
			/// The scheduler it replaces, if this is a reassignment.
			replaced: Option<T::AccountId>,
			/// The owner.
			owner: T::AccountId,
			/// The file.
			fid: Fid,
			/// Payload bytes.
			size: u64,
			/// How to cut and encode the payload.
			layout: Layout,
			/// Block at whose start the deal times out.
			deadline: BlockNumberFor<T>,
		},
		/// A deal succeeded: the file is stored.
		FileStored {
			/// The deal that ended.
			deal: DealId,
			/// The file.
			fid: Fid,
			/// Its first owner.
			owner: T::AccountId,
			/// One miner per slot; slot `r × (k+m) + c` holds replica `r` of column `c`.
			miners: SlotMinersOf<T>,
		},
		/// A deal timed out and could not be moved to another scheduler; the
		/// owner's reservation was returned.
		DealFailed {
			/// The deal.
			deal: DealId,
			/// The owner.
			owner: T::AccountId,
			/// The file that was not stored.
			fid: Fid,
			/// Why it could not be moved: `NoSchedulerAvailable` (every active
			/// scheduler already had it) or `TooManyReassignments`
			/// (`MaxReassign` reached).
			reason: DispatchError,
			/// The deal deposit, burnt.
			forfeited: BalanceOf<T>,
		},
		/// The owner cancelled a deal; its reservation was returned.
		DealCancelled {
			/// The deal.
			deal: DealId,
			/// The owner.
			owner: T::AccountId,
			/// The file that was not stored.
			fid: Fid,
		},
		/// A deal's FID was stored meanwhile in a way the deal cannot join
		/// (another size or layout, holders outside its regions, impaired,
		/// or `MaxOwners` owners): the deal ended when its scheduler reported
		/// it, its deposit and space went back, and nobody was blamed.
		DealRefused {
			/// The deal.
			deal: DealId,
			/// The owner.
			owner: T::AccountId,
			/// The file that was not joined.
			fid: Fid,
			/// Why: `FileMismatch`, `HoldersOutsideRegions`, `FileImpaired`
			/// or `TooManyOwners`.
			reason: DispatchError,
		},
		/// An owner was added to an already stored file (deduplication): its
		/// deal's scheduler received and verified the payload.
		OwnerAdded {
			/// The deal that ended.
			deal: DealId,
			/// The file.
			fid: Fid,
			/// The new owner, charged the file's size.
			owner: T::AccountId,
			/// Its bucket.
			bucket: BucketNameOf<T>,
			/// The object's name in it.
			name: ObjectNameOf<T>,
		},
		/// An owner's object was removed; the file stays if others own it.
		ObjectRemoved {
			/// The file.
			fid: Fid,
			/// The former owner, whose space was released.
			owner: T::AccountId,
			/// Its bucket.
			bucket: BucketNameOf<T>,
			/// The object's name in it.
			name: ObjectNameOf<T>,
		},
		/// A file lost its last owner: its miners may drop their fragments.
		FileDeleted {
			/// The file.
			fid: Fid,
			/// One miner per slot, whose column bytes were released.
			miners: SlotMinersOf<T>,
		},
		/// An object changed owner.
		OwnershipTransferred {
			/// The file.
			fid: Fid,
			/// The former owner, whose space was released.
			from: T::AccountId,
			/// The new owner, charged the file's size.
			to: T::AccountId,
			/// The new owner's bucket.
			bucket: BucketNameOf<T>,
			/// The object's name.
			name: ObjectNameOf<T>,
		},
		/// An owner let an account decrypt a file: its data key, wrapped to
		/// that account, is in `KeyGrants`.
		KeyGranted {
			/// The file.
			fid: Fid,
			/// The owner who granted it.
			by: T::AccountId,
			/// The account that may now decrypt it.
			to: T::AccountId,
		},
		/// An owner removed a grant. The grantee may still hold the key it read.
		KeyRevoked {
			/// The file.
			fid: Fid,
			/// The owner who revoked it.
			by: T::AccountId,
			/// The former grantee.
			to: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller may not act for this owner within the needed scope.
		NotAuthorized,
		/// The object name is empty.
		EmptyName,
		/// The owner has no bucket of that name.
		BucketNotFound,
		/// The owner already has an object of that name in the bucket.
		ObjectExists,
		/// The owner has no object of that name in the bucket.
		ObjectNotFound,
		/// The layout is invalid or does not fit the size.
		InvalidLayout,
		/// The layout needs more slots (columns × replicas) than `MaxSlots`.
		TooManySlots,
		/// The layout's chunks are longer than `MaxChunkSize`.
		ChunkTooLarge,
		/// A miner's columns are being handed over; it takes no new ones.
		MinerHandingOver,
		/// No region allowed: at least one is needed.
		NoRegions,
		/// A region is not an assigned ISO 3166-1 alpha-2 code.
		InvalidRegion,
		/// The owner has an open deal for an object of this name already;
		/// wait for it to end, or cancel it.
		DealOpen,
		/// The FID is stored with another size or layout than declared.
		FileMismatch,
		/// The space the deal reserved expired since it was declared: it
		/// can only be cancelled (or time out).
		SpaceExpired,
		/// The file already has `MaxOwners` owners.
		TooManyOwners,
		/// The FID is stored, but a miner holding it is outside the declared
		/// regions and not pinned: declare it with regions its miners are in.
		HoldersOutsideRegions,
		/// The FID is stored, but a slot of it is lost or the file is
		/// damaged: it is not offered to new owners until it is restored.
		FileImpaired,
		/// No active scheduler can take the deal.
		NoSchedulerAvailable,
		/// The owner has `MaxOpenDeals` open deals; wait for one to end.
		TooManyOpenDeals,
		/// The caller cannot pay the deal deposit (`DealDeposit`).
		CannotHoldDeposit,
		/// There is no such open deal.
		DealNotFound,
		/// The caller is not the deal's assigned scheduler.
		NotAssignedScheduler,
		/// The deal was reassigned `MaxReassign` times already.
		TooManyReassignments,
		/// The number of receipts is not the layout's slot count.
		WrongReceiptCount,
		/// A receipt names a column or replica outside the layout.
		InvalidSlot,
		/// Two receipts name the same slot.
		DuplicateSlot,
		/// A miner appears in two receipts.
		DuplicateMiner,
		/// A miner is not registered and active.
		MinerNotActive,
		/// A miner is outside the deal's regions and not pinned.
		MinerOutsideRegions,
		/// A miner has no registered receipt key.
		NoAuthKey,
		/// A miner's account does not encode to 32 bytes.
		AccountNotBytes32,
		/// A receipt signature does not verify.
		InvalidSignature,
		/// A miner has no room for its column.
		MinerOutOfSpace,
		/// The deal's object name was taken in the meantime.
		NameTaken,
		/// There is no stored file with that FID.
		FileNotFound,
		/// The caller does not own the file.
		NotOwner,
		/// The file already has `MaxKeyGrants` key grants.
		TooManyKeyGrants,
		/// The file has no key grant for that account.
		KeyGrantNotFound,
		/// Another owner made that key grant; only it may replace or revoke it.
		NotGranter,
		/// The stored records disagree (should not happen).
		Inconsistent,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let (expired, stale) = Self::expire_deals(now);
			let (removed, hooks) = Self::remove_expired_objects();
			// A stale entry: the queue entry and the deal read, the queue's head written.
			let skips = T::DbWeight::get().reads_writes(2, 1).saturating_mul(u64::from(stale));
			T::WeightInfo::on_initialize(expired, removed)
				.saturating_add(hooks)
				.saturating_add(skips)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Declares an object: reserves `size` bytes of the owner's space,
		/// holds `DealDeposit` from the caller and assigns the deal to a
		/// randomly drawn scheduler. The same for a FID already stored (its
		/// size, layout, state and holders are checked now): the payload is
		/// uploaded and verified all the same, then the owner is added.
		///
		/// The origin must be Signed and be `owner` or an operator `owner`
		/// authorized with `Scope::Upload`.
		///
		/// - `owner`: the account the object belongs to.
		/// - `bucket`: the owner's bucket to put it in.
		/// - `name`: the object's name in the bucket, not empty.
		/// - `size`: payload bytes (after compression and encryption).
		/// - `fid`: the payload's Merkle root.
		/// - `layout`: segment size, erasure code k+m, chunk size, replicas.
		/// - `regions`: regions the fragments may go to; at least one.
		/// - `pinned`: miners accepted whatever their region.
		/// - `meta`: content type, description and keywords.
		///
		/// Emits `DealAssigned`.
		///
		/// O(r) in the number of regions, bounded by `MaxRegions`; for a
		/// stored FID, O(s·r) in its slots, bounded by `MaxSlots`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::declare().max(T::WeightInfo::declare_stored()))]
		pub fn declare(
			origin: OriginFor<T>,
			owner: T::AccountId,
			bucket: BucketNameOf<T>,
			name: ObjectNameOf<T>,
			size: u64,
			fid: Fid,
			layout: Layout,
			regions: RegionsOf<T>,
			pinned: PinnedOf<T>,
			meta: ObjectMeta<T>,
		) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			ensure!(
				T::Authority::may_act_for(&caller, &owner, Scope::Upload),
				Error::<T>::NotAuthorized
			);
			Self::do_declare(caller, owner, bucket, name, size, fid, layout, regions, pinned, meta)
		}

		/// Reports the miners' receipts for a deal; if all hold, the file is
		/// stored and the deal ends. For a FID stored meanwhile (or before),
		/// the receipts are not needed: the deal's owner is added to the file.
		///
		/// The origin must be Signed and be the deal's assigned scheduler.
		///
		/// - `deal`: the deal.
		/// - `receipts`: one per slot, in any order: miner, column, replica
		///   and the miner's sr25519 signature over the receipt message.
		///
		/// Emits `FileStored`, or for a stored FID `OwnerAdded` (or `DealRefused`
		/// when the file cannot take the owner).
		///
		/// O(s²) in the number of slots (distinctness), bounded by `MaxSlots`;
		/// one signature verification per slot.
		#[pallet::call_index(1)]
		#[pallet::weight(
			T::WeightInfo::report(receipts.len() as u32).max(T::WeightInfo::declare_stored())
		)]
		pub fn report(
			origin: OriginFor<T>,
			deal: DealId,
			receipts: ReceiptsOf<T>,
		) -> DispatchResult {
			let scheduler = ensure_signed(origin)?;
			Self::do_report(scheduler, deal, receipts)
		}

		/// Moves a deal to another scheduler now, e.g. because the upload to
		/// the current one failed.
		///
		/// The origin must be Signed and be the deal's owner or an operator
		/// it authorized with `Scope::Upload`.
		///
		/// - `deal`: the deal.
		///
		/// Emits `DealAssigned`.
		///
		/// O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::request_reassign())]
		pub fn request_reassign(origin: OriginFor<T>, deal: DealId) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			Self::do_request_reassign(caller, deal)
		}

		/// Ends a deal without storing anything and returns the reservation.
		///
		/// The origin must be Signed and be the deal's owner or an operator
		/// it authorized with `Scope::Upload`.
		///
		/// - `deal`: the deal.
		///
		/// Emits `DealCancelled`.
		///
		/// O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::cancel_deal())]
		pub fn cancel_deal(origin: OriginFor<T>, deal: DealId) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			Self::do_cancel_deal(caller, deal)
		}

		/// Removes an owner's object and releases its space; the last owner's
		/// delete removes the file and releases its miners' bytes.
		///
		/// The origin must be Signed and be `owner` or an operator `owner`
		/// authorized with `Scope::Delete`.
		///
		/// - `owner`: the object's owner.
		/// - `bucket`: its bucket.
		/// - `name`: its name.
		///
		/// Emits `ObjectRemoved`, and `FileDeleted` for the last owner.
		///
		/// O(s) in the file's slots, bounded by `MaxSlots`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::delete_object().saturating_add(
			// Ending the file's restoral orders: one read and up to two
			// writes per slot.
			T::DbWeight::get().reads_writes(
				u64::from(T::MaxSlots::get()).saturating_add(1),
				u64::from(T::MaxSlots::get()).saturating_mul(2).saturating_add(1),
			)
		))]
		pub fn delete_object(
			origin: OriginFor<T>,
			owner: T::AccountId,
			bucket: BucketNameOf<T>,
			name: ObjectNameOf<T>,
		) -> DispatchResult {
			let caller = ensure_signed(origin)?;
			ensure!(
				T::Authority::may_act_for(&caller, &owner, Scope::Delete),
				Error::<T>::NotAuthorized
			);
			Self::do_delete_object(owner, bucket, name)
		}

		/// Gives the caller's object to another account, into one of its
		/// buckets under the same name. The caller's space is released and
		/// the recipient's charged.
		///
		/// The origin must be Signed and own the object; the recipient must
		/// have authorized the caller with `Scope::Upload` (its consent to
		/// be charged).
		///
		/// - `bucket`: the caller's bucket holding the object.
		/// - `name`: the object's name.
		/// - `new_owner`: the recipient.
		/// - `new_bucket`: the recipient's bucket to put it in.
		///
		/// Emits `OwnershipTransferred`.
		///
		/// O(o) in the file's owners, bounded by `MaxOwners`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::transfer_ownership())]
		pub fn transfer_ownership(
			origin: OriginFor<T>,
			bucket: BucketNameOf<T>,
			name: ObjectNameOf<T>,
			new_owner: T::AccountId,
			new_bucket: BucketNameOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_transfer_ownership(owner, bucket, name, new_owner, new_bucket)
		}

		/// Lets `grantee` decrypt an encrypted file: stores the file's data key
		/// wrapped to `grantee`'s account key (the chain cannot read it). A
		/// grant to the same account is replaced.
		///
		/// The origin must be Signed and own the file, and have made the grant
		/// it replaces (or its granter must no longer own the file).
		///
		/// - `fid`: the stored file.
		/// - `grantee`: the account that may decrypt it.
		/// - `wrapped_key`: the data key, wrapped to `grantee`.
		///
		/// Emits `KeyGranted`.
		///
		/// O(o) in the file's owners, bounded by `MaxOwners`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::grant_key())]
		pub fn grant_key(
			origin: OriginFor<T>,
			fid: Fid,
			grantee: T::AccountId,
			wrapped_key: WrappedKeyOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_grant_key(owner, fid, grantee, wrapped_key)
		}

		/// Removes `grantee`'s key grant of a file. It cannot make the grantee
		/// forget a key it has read already.
		///
		/// The origin must be Signed and own the file, and have made the grant
		/// (or its granter must no longer own the file).
		///
		/// Emits `KeyRevoked`.
		///
		/// O(o) in the file's owners, bounded by `MaxOwners`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::revoke_key())]
		pub fn revoke_key(origin: OriginFor<T>, fid: Fid, grantee: T::AccountId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_revoke_key(owner, fid, grantee)
		}
	}
}
