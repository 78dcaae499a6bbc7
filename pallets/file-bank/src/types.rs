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

/// The balance of the currency deal deposits are held in.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

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
	/// Block from whose start on the deal times out unless reported.
	pub deadline: BlockNumberFor<T>,
	/// Block the deal was declared in: its bytes are reserved on the lease
	/// the owner had then.
	pub declared_at: BlockNumberFor<T>,
	/// Who paid the deal deposit (the declaring caller).
	pub depositor: T::AccountId,
	/// The deposit held from it.
	pub deposit: BalanceOf<T>,
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
	/// Block the owner got the object in: an expiry of its space removes
	/// only the objects it had by then.
	pub since: BlockNumberFor<T>,
}

/// An owner whose space expired, while its objects are removed.
#[derive(
	Encode, Decode, TypeInfo, MaxEncodedLen, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct ExpiredOwner<T: Config> {
	/// Block the space expired in (in its hook, before its extrinsics):
	/// objects the owner got from then on, in space bought again, are kept.
	pub cutoff: BlockNumberFor<T>,
	/// The last object looked at; the removal goes on after it.
	pub after: Option<ObjectKeyOf<T>>,
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
	/// Size class of the column (`size_class(column_bytes)`): which of the
	/// miner's lists (`MinerFileAt`) holds the file.
	pub class: u8,
	/// Position of the file in that list, which the audit draws files from.
	pub index: u32,
}

/// Columns are listed per miner in 64 size classes: class `c` holds the
/// columns of `2^c` to `2^(c+1) − 1` bytes. A column drawn uniformly from a
/// class and kept with probability `bytes / 2^(c+1)` (at least one half)
/// is drawn in proportion to its bytes within the class.
pub const SIZE_CLASSES: usize = 64;

/// The size class of a column of `bytes` bytes (see [`SIZE_CLASSES`]).
pub fn size_class(bytes: u64) -> u8 {
	(63u32.saturating_sub(bytes.max(1).leading_zeros())) as u8
}

/// One entry of a miner's list of held columns.
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
pub struct HeldColumn {
	/// The file.
	pub fid: Fid,
	/// Bytes of the column the miner holds (`FileRecord::column_bytes`).
	pub bytes: u64,
}

/// What a miner holds, per size class: the audit draws a class in
/// proportion to its bytes, then a column of it (`Pallet::draw_held`).
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
pub struct Holdings {
	/// Columns held, all classes.
	pub files: u32,
	/// Bytes held, all classes.
	pub bytes: u64,
	/// Columns held per class.
	pub counts: [u32; SIZE_CLASSES],
	/// Bytes held per class.
	pub class_bytes: [u64; SIZE_CLASSES],
}

impl Default for Holdings {
	fn default() -> Self {
		Self { files: 0, bytes: 0, counts: [0; SIZE_CLASSES], class_bytes: [0; SIZE_CLASSES] }
	}
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
