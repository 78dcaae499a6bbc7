//! The records this pallet stores: open storage deals, stored files and the
//! receipts a scheduler reports for a deal.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deoss_primitives::{ColumnIndex, Fid, Layout};
use deoss_traits::Region;
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// Identifier of a storage deal, counted up from 0.
pub type DealId = u64;

/// An object's name inside its bucket.
pub type ObjectNameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLen>;

/// A bucket's name.
pub type BucketNameOf<T> = BoundedVec<u8, <T as Config>::MaxBucketNameLen>;

/// The regions a deal's fragments may be stored in.
pub type RegionsOf<T> = BoundedVec<Region, <T as Config>::MaxRegions>;

/// Miners a deal pins: they may hold fragments whatever their region.
pub type PinnedOf<T> = BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxPinned>;

/// One miner per slot (column × replica), indexed by slot number.
pub type SlotMinersOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxSlots>;

/// The receipts a scheduler reports for a deal, one per slot.
pub type ReceiptsOf<T> =
	BoundedVec<SlotReceipt<<T as frame_system::Config>::AccountId>, <T as Config>::MaxSlots>;

/// A short descriptive text (content type, one keyword).
pub type MetaTextOf<T> = BoundedVec<u8, <T as Config>::MaxMetaLen>;

/// A file's data key wrapped to one account (see `KeyGrants`).
pub type WrappedKeyOf<T> = BoundedVec<u8, <T as Config>::MaxWrappedKeyLen>;

/// An object name under a bucket: the key of an owner's object.
pub type ObjectKeyOf<T> = (BucketNameOf<T>, ObjectNameOf<T>);

/// Descriptive information the owner gives an object; the chain keeps it
/// but does not interpret it.
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
pub struct ObjectMeta<T: Config> {
	/// MIME type, e.g. `image/png`.
	pub content_type: MetaTextOf<T>,
	/// A short free-text description.
	pub description: BoundedVec<u8, T::MaxDescriptionLen>,
	/// Search keywords.
	pub keywords: BoundedVec<MetaTextOf<T>, T::MaxKeywords>,
}

impl<T: Config> Default for ObjectMeta<T> {
	fn default() -> Self {
		Self {
			content_type: Default::default(),
			description: Default::default(),
			keywords: Default::default(),
		}
	}
}

/// A storage deal between its declaration and its end (stored, failed or
/// cancelled). Every deal in storage is ASSIGNED to `scheduler`: a deal is
/// OPEN only within the call that declares it.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Deal<T: Config> {
	/// The account the object will belong to; its space is reserved.
	pub owner: T::AccountId,
	/// The owner's bucket the object goes into.
	pub bucket: BucketNameOf<T>,
	/// The object's name in that bucket.
	pub name: ObjectNameOf<T>,
	/// Payload bytes; also the bytes reserved on the owner's space.
	pub size: u64,
	/// The file's Merkle root.
	pub fid: Fid,
	/// How the payload is cut and erasure-coded.
	pub layout: Layout,
	/// Regions the fragments may be stored in.
	pub regions: RegionsOf<T>,
	/// Miners allowed whatever their region.
	pub pinned: PinnedOf<T>,
	/// The owner's description of the object.
	pub meta: ObjectMeta<T>,
	/// The scheduler that must report the receipts.
	pub scheduler: T::AccountId,
	/// Schedulers the deal had before, never drawn again; their number is
	/// the number of reassignments so far.
	pub previous_schedulers: BoundedVec<T::AccountId, T::MaxReassign>,
	/// Block at whose start the deal times out unless reported.
	pub deadline: BlockNumberFor<T>,
}

/// Who owns a stored file and under which name.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Ownership<T: Config> {
	/// The owner; its space is charged the file's size.
	pub owner: T::AccountId,
	/// The owner's bucket holding the object.
	pub bucket: BucketNameOf<T>,
	/// The object's name in that bucket.
	pub name: ObjectNameOf<T>,
}

/// A stored file: a constant-size record however large the file is.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct FileRecord<T: Config> {
	/// Everyone holding the file under a name; never empty.
	pub owners: BoundedVec<Ownership<T>, T::MaxOwners>,
	/// Payload bytes.
	pub size: u64,
	/// How the payload is cut and erasure-coded.
	pub layout: Layout,
	/// Bytes each miner holds: one column (fragment of every segment).
	pub column_bytes: u64,
	/// Regions the fragments may be stored in (restorals keep to them).
	pub regions: RegionsOf<T>,
	/// One miner per slot; slot `r × (k+m) + c` holds replica `r` of column `c`.
	pub miners: SlotMinersOf<T>,
	/// The first owner's description of the object.
	pub meta: ObjectMeta<T>,
	/// Block the file was stored in.
	pub stored_at: BlockNumberFor<T>,
}

/// Which part of a file a miner holds.
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
pub struct SlotRef {
	/// The column (fragment index within every segment).
	pub column: ColumnIndex,
	/// The replica of that column.
	pub replica: u8,
	/// Position of the file in the miner's list (`MinerFileAt`), which the
	/// audit draws files from.
	pub index: u32,
}

/// A miner's signed acknowledgement that it holds one slot of a deal's file.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct SlotReceipt<AccountId> {
	/// The miner holding the slot.
	pub miner: AccountId,
	/// The column it received.
	pub column: ColumnIndex,
	/// Which replica of the column it holds.
	pub replica: u8,
	/// sr25519 signature by the miner's registered auth key over
	/// `deoss_primitives::receipt_message(deal, fid, column, miner)`.
	pub signature: [u8; 64],
}
