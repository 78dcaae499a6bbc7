//! Stored types of the space pallet: space leases, their lifecycle state and
//! buckets.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Bytes in one GiB: space is sold in whole GiB.
pub const GIB: u64 = 1 << 30;

/// Longest bucket name: an S3 rule, not a chain parameter.
pub const MAX_BUCKET_NAME_LEN: u32 = 63;

/// A bucket name as calls carry it and storage keys it. Only names that pass
/// [`crate::bucket_name::validate`] are ever stored.
pub type BucketName = BoundedVec<u8, ConstU32<MAX_BUCKET_NAME_LEN>>;

/// Where a space lease is in its lifecycle.
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
pub enum SpaceState {
	/// Paid for: the owner may upload, expand and renew.
	Active,
	/// The paid period is over: files are kept, no new uploads, expansion
	/// refused; renewing reactivates the lease.
	Frozen,
	/// The grace period is over: the owner's files are being removed. A
	/// lease is only seen in this state while the file bank is told; it is
	/// removed right after.
	Expired,
}

/// A user's space lease. Byte counts are exact; purchases are whole GiB.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct SpaceLease<BlockNumber> {
	/// Bytes paid for, a multiple of [`GIB`].
	pub purchased_bytes: u64,
	/// Bytes set aside for open storage deals.
	pub reserved_bytes: u64,
	/// Bytes of stored objects charged to this lease.
	pub used_bytes: u64,
	/// Block the lease was bought in.
	pub start: BlockNumber,
	/// First block no longer paid for: from here on the lease is frozen.
	pub expires_at: BlockNumber,
	/// Block whose schedule holds the freeze of this lease (`expires_at`, or
	/// a little later when that block's schedule was full).
	pub freeze_scheduled_at: BlockNumber,
	/// Block whose schedule holds the removal of this lease (`expires_at`
	/// plus the grace period, or a little later when that block was full).
	pub expiry_scheduled_at: BlockNumber,
	/// Lifecycle state.
	pub state: SpaceState,
}

impl<BlockNumber: PartialOrd> SpaceLease<BlockNumber> {
	/// Whether the owner may reserve, charge or expand at block `now`. A
	/// lease past its paid period counts as frozen even before the hook has
	/// processed its freeze (the hook may run behind under load).
	pub fn is_active_at(&self, now: BlockNumber) -> bool {
		self.state == SpaceState::Active && now < self.expires_at
	}

	/// Bytes neither reserved nor used.
	pub fn free_bytes(&self) -> u64 {
		self.purchased_bytes.saturating_sub(self.reserved_bytes).saturating_sub(self.used_bytes)
	}

	/// Whole GiB paid for.
	pub fn purchased_gib(&self) -> u64 {
		self.purchased_bytes / GIB
	}
}

/// A bucket: a named container of one owner's objects.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct BucketInfo<BlockNumber> {
	/// Objects stored in the bucket; it can be deleted only at zero.
	pub object_count: u32,
	/// Block the bucket was created in.
	pub created_at: BlockNumber,
}
