//! Types and interfaces the DeOSS pallets share: regions, authorization
//! scopes, and the traits through which one pallet calls another.
//!
//! Pallets depend on these traits, never on each other, so each can be
//! tested with a mock of the others and the runtime wires the real ones.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod endpoint;
pub mod queue;
mod region;

pub use endpoint::is_valid_endpoint;
pub use region::{Region, EU_MEMBERS};

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deoss_primitives::{ColumnIndex, Fid, Layout};
use frame_support::{traits::Get, weights::Weight};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, DispatchResult, Perbill};

/// What an owner may allow an operator (a gateway or an app) to do for it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
)]
pub enum Scope {
	/// Declare uploads into the owner's buckets, spending the owner's space.
	Upload,
	/// Delete the owner's objects.
	Delete,
	/// Receive re-encrypted data keys of the owner's encrypted objects.
	ReadShare,
}

/// An owner's current lease as the file bank sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LeaseUsage<BlockNumber> {
	/// Block the lease was bought in. Bytes reserved or charged before it
	/// belonged to a lease that expired: they are never committed,
	/// unreserved or released against this one.
	pub start: BlockNumber,
	/// Bytes set aside for open deals.
	pub reserved_bytes: u64,
	/// Bytes of stored objects.
	pub used_bytes: u64,
}

/// Purchased space of users, as deals and files consume it. Implemented by
/// the space pallet; called by the file bank.
pub trait SpaceLedger<AccountId, BlockNumber> {
	/// `owner`'s current lease (active, frozen or in its grace period), if any.
	fn lease(owner: &AccountId) -> Option<LeaseUsage<BlockNumber>>;
	/// Every owner's lease, for invariant checks (reads them all).
	fn leases() -> Vec<(AccountId, LeaseUsage<BlockNumber>)>;
	/// Whether `owner` has active (neither frozen nor expired) space.
	fn can_upload(owner: &AccountId) -> bool;
	/// Bytes `owner` can still reserve.
	fn free_bytes(owner: &AccountId) -> u64;
	/// Sets `bytes` aside for an open deal. Fails when the space is not
	/// active or too small.
	fn reserve(owner: &AccountId, bytes: u64) -> DispatchResult;
	/// Returns bytes of a deal that ended without storing anything.
	fn unreserve(owner: &AccountId, bytes: u64);
	/// Turns reserved bytes into used ones: the deal succeeded.
	fn commit(owner: &AccountId, bytes: u64) -> DispatchResult;
	/// Charges `bytes` as used at once (an owner added to a stored object).
	fn charge(owner: &AccountId, bytes: u64) -> DispatchResult;
	/// Frees used bytes: the owner's copy of an object is gone.
	fn release(owner: &AccountId, bytes: u64);
}

/// The buckets objects live in. Implemented by the space pallet.
pub trait Buckets<AccountId> {
	/// Whether `owner` has a bucket called `name`.
	fn exists(owner: &AccountId, name: &[u8]) -> bool;
	/// Counts one more object in the bucket; fails if there is no such bucket.
	fn add_object(owner: &AccountId, name: &[u8]) -> DispatchResult;
	/// Counts one object less in the bucket.
	fn remove_object(owner: &AccountId, name: &[u8]);
}

/// Told when a user's space has expired past its grace period, so the
/// user's files can be removed. Implemented by the file bank; `()` does
/// nothing.
pub trait OnSpaceExpired<AccountId> {
	/// Removes (or schedules the removal of) `owner`'s files; returns the
	/// weight used.
	fn on_space_expired(owner: &AccountId) -> Weight;
}

impl<AccountId> OnSpaceExpired<AccountId> for () {
	fn on_space_expired(_owner: &AccountId) -> Weight {
		Weight::zero()
	}
}

/// Told when a miner asks to exit, so that the data it holds is handed
/// over to other miners before it may withdraw its stake. Implemented by
/// the audit; `()` does nothing.
pub trait OnMinerExit<AccountId> {
	/// Starts handing over `miner`'s data; returns the weight used.
	fn on_miner_exit(miner: &AccountId) -> Weight;
	/// `miner` withdrew its stake and is gone: what is kept about it is
	/// removed. At most one read and one write.
	fn on_miner_withdrawn(miner: &AccountId);
}

impl<AccountId> OnMinerExit<AccountId> for () {
	fn on_miner_exit(_miner: &AccountId) -> Weight {
		Weight::zero()
	}
	fn on_miner_withdrawn(_miner: &AccountId) {}
}

/// Storage miners as deals and audits see them. Implemented by the
/// storage-providers pallet.
pub trait MinerRegistry<AccountId, Balance> {
	/// Whether `miner` is registered and active (may take new data).
	fn is_active(miner: &AccountId) -> bool;
	/// The region `miner` declared.
	fn region(miner: &AccountId) -> Option<Region>;
	/// The sr25519 public key `miner` signs receipts with.
	fn auth_key(miner: &AccountId) -> Option<[u8; 32]>;
	/// Bytes `miner` can still take.
	fn free_bytes(miner: &AccountId) -> u64;
	/// Bytes `miner` is charged for (used) and has set aside (reserved),
	/// if it is registered; for consistency checks.
	fn usage(miner: &AccountId) -> Option<(u64, u64)>;
	/// Sets `bytes` aside on `miner` for fragments it holds temporarily.
	fn reserve(miner: &AccountId, bytes: u64) -> DispatchResult;
	/// Returns reserved bytes (the deal failed).
	fn unreserve(miner: &AccountId, bytes: u64);
	/// Turns reserved bytes into used ones (the deal succeeded).
	fn commit(miner: &AccountId, bytes: u64) -> DispatchResult;
	/// Charges `bytes` as used at once (a restored column).
	fn charge(miner: &AccountId, bytes: u64) -> DispatchResult;
	/// Frees used bytes (a column deleted or handed over).
	fn release(miner: &AccountId, bytes: u64);
	/// Slashes `fraction` of `miner`'s stake; returns the amount slashed.
	/// The miner is frozen if its stake falls below the minimum.
	fn slash(miner: &AccountId, fraction: Perbill) -> Balance;
}

/// Schedulers: the nodes that receive uploads and distribute fragments.
/// Implemented by the storage-providers pallet.
pub trait SchedulerRegistry<AccountId> {
	/// Whether `who` is a registered, active scheduler.
	fn is_active(who: &AccountId) -> bool;
	/// Draws an active scheduler at random from the runtime's randomness,
	/// preferring those in `preferred` regions (any, if none is there), and
	/// never one in `exclude`. `subject` separates draws made in one block.
	fn draw(subject: &[u8], preferred: &[Region], exclude: &[AccountId]) -> Option<AccountId>;
	/// `who` let a deal it was assigned time out: it loses a small part of
	/// its stake. At most two reads and three writes.
	fn punish_timeout(who: &AccountId);
}

/// Who may act for whom. Implemented by the oss (authorization) pallet.
pub trait OperatorAuthority<AccountId> {
	/// Whether `operator` may act for `owner` within `scope` now. An owner
	/// may always act for itself.
	fn may_act_for(operator: &AccountId, owner: &AccountId, scope: Scope) -> bool;
}

/// A stored file as the pallets that look after its miners see it (the
/// audit): its geometry, where it may live and who holds each slot.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IndexedFile<AccountId> {
	/// Payload bytes.
	pub size: u64,
	/// How the payload is cut and erasure-coded.
	pub layout: Layout,
	/// Bytes each miner holds: one column (fragment of every segment).
	pub column_bytes: u64,
	/// Regions the fragments may be stored in.
	pub regions: Vec<Region>,
	/// One miner per slot; slot `r × (k+m) + c` holds replica `r` of column `c`.
	pub miners: Vec<AccountId>,
}

/// Which part of a file a miner holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct HeldSlot {
	/// The column (fragment index within every segment).
	pub column: ColumnIndex,
	/// The replica of that column.
	pub replica: u8,
}

/// The file index: stored files and the columns each miner holds of them.
/// Implemented by the file bank; called by the audit, which must not reach
/// into the file bank's storage.
pub trait FileIndex<AccountId> {
	/// Largest chunk a layout may use, which bounds a proof's chunk.
	type MaxChunkSize: Get<u32>;

	/// The file stored under `fid`, if any.
	fn file(fid: &Fid) -> Option<IndexedFile<AccountId>>;
	/// Every stored file, for invariant checks (reads the whole index).
	fn files() -> Vec<(Fid, IndexedFile<AccountId>)>;
	/// Up to `limit` miners holding data, in the index's stable order,
	/// starting after `after` (from the first one without it).
	fn holders_after(after: Option<&AccountId>, limit: u32) -> Vec<AccountId>;
	/// Draws the files of `samples` samples among `miner`'s columns, each
	/// in proportion to the column's bytes, from `seed`. Returns the files
	/// (none if the miner holds nothing) and the storage reads it took.
	fn draw_held(miner: &AccountId, seed: &[u8; 32], samples: u32) -> (Vec<Fid>, u32);
	/// The slot `miner` holds of `fid`, if it still holds one.
	fn held_slot(miner: &AccountId, fid: &Fid) -> Option<HeldSlot>;
	/// Up to `limit` of `miner`'s slots in a stable order, after the slot of
	/// `after` (from the first one without it).
	fn held_slots(miner: &AccountId, after: Option<&Fid>, limit: u32) -> Vec<(Fid, HeldSlot)>;
	/// Forgets that `miner` holds a slot of `fid` (the record keeps naming
	/// it until the slot is handed to another miner).
	fn drop_slot(miner: &AccountId, fid: &Fid);
	/// Names `miner` in the record for slot `slot` of `fid` and indexes it
	/// as the slot's holder; returns the miner named before. The caller
	/// settles the previous miner's bytes and index entry.
	fn hand_slot(fid: &Fid, slot: u32, miner: &AccountId) -> Result<AccountId, DispatchError>;
}

/// What the file bank tells, and asks, the pallet that audits its files.
pub trait FileHooks<AccountId> {
	/// File `fid` was removed (its last owner deleted it): anything open
	/// about it ends, and the miners of its lost slots are released.
	/// Returns the weight used.
	fn on_file_removed(fid: &Fid) -> Weight;
	/// Whether slot `slot` of `fid` is lost and waiting to be restored: the
	/// miner the file record names for it no longer holds it, and the audit
	/// (not the file bank) releases that miner.
	fn is_slot_lost(fid: &Fid, slot: u32) -> bool;
	/// Whether `miner`'s columns are being handed over to other miners, so
	/// that it must not take new ones.
	fn is_handing_over(miner: &AccountId) -> bool;
	/// Whether a slot of `fid` is lost (waiting to be restored) or the file
	/// is damaged: it is then not offered to a new owner.
	fn is_impaired(fid: &Fid) -> bool;
}

impl<AccountId> FileHooks<AccountId> for () {
	fn on_file_removed(_fid: &Fid) -> Weight {
		Weight::zero()
	}
	fn is_slot_lost(_fid: &Fid, _slot: u32) -> bool {
		false
	}
	fn is_handing_over(_miner: &AccountId) -> bool {
		false
	}
	fn is_impaired(_fid: &Fid) -> bool {
		false
	}
}
