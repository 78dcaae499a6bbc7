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

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::weights::Weight;
use scale_info::TypeInfo;
use sp_runtime::{DispatchResult, Perbill};

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
