//! The chain's records as the off-chain services read them: each struct names the
//! fields it needs of one pallet type (extra fields of the runtime type are skipped)
//! and decodes from the node's metadata, never from hand-written offsets.

use deoss_primitives::{Fid, Layout};
use subxt::ext::scale_decode::{self, DecodeAsType};

use crate::AccountId;

/// `deoss_primitives::Layout` as stored in records and events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct LayoutRecord {
	/// Payload bytes per segment.
	pub segment_size: u32,
	/// Data shards (k).
	pub data_shards: u16,
	/// Parity shards (m).
	pub parity_shards: u16,
	/// Bytes per chunk.
	pub chunk_size: u32,
	/// Copies of each column.
	pub replicas: u8,
}

impl From<LayoutRecord> for Layout {
	fn from(record: LayoutRecord) -> Self {
		Layout {
			segment_size: record.segment_size,
			data_shards: record.data_shards,
			parity_shards: record.parity_shards,
			chunk_size: record.chunk_size,
			replicas: record.replicas,
		}
	}
}

/// `pallet_file_bank::ObjectMeta`: the owner's description of an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ObjectMeta {
	/// MIME type.
	pub content_type: Vec<u8>,
	/// Free-text description.
	pub description: Vec<u8>,
	/// Search keywords.
	pub keywords: Vec<Vec<u8>>,
}

/// `pallet_file_bank::Deal`: an open storage deal, ASSIGNED to `scheduler`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Deal {
	/// The account the object will belong to.
	pub owner: AccountId,
	/// Its bucket.
	pub bucket: Vec<u8>,
	/// Its name in the bucket.
	pub name: Vec<u8>,
	/// Payload bytes.
	pub size: u64,
	/// The payload's Merkle root.
	pub fid: [u8; 32],
	/// How the payload is cut and encoded.
	pub layout: LayoutRecord,
	/// Regions the fragments may go to.
	pub regions: Vec<[u8; 2]>,
	/// Miners accepted whatever their region.
	pub pinned: Vec<AccountId>,
	/// The scheduler that must report the receipts.
	pub scheduler: AccountId,
	/// Schedulers the deal had before.
	pub previous_schedulers: Vec<AccountId>,
	/// Block at whose start the deal times out.
	pub deadline: u32,
}

impl Deal {
	/// The FID.
	pub fn fid(&self) -> Fid {
		Fid(self.fid)
	}

	/// The layout.
	pub fn layout(&self) -> Layout {
		self.layout.into()
	}

	/// Whether `miner` in `region` may hold a column of this deal.
	pub fn admits(&self, miner: &AccountId, region: [u8; 2]) -> bool {
		self.regions.contains(&region) || self.pinned.contains(miner)
	}
}

/// One owner's name for a stored file.
#[derive(Debug, Clone, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Ownership {
	/// The owner.
	pub owner: AccountId,
	/// The bucket.
	pub bucket: Vec<u8>,
	/// The object's name.
	pub name: Vec<u8>,
}

/// `pallet_file_bank::FileRecord`: a stored file.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct FileRecord {
	/// Everyone holding the file under a name.
	pub owners: Vec<Ownership>,
	/// Payload bytes.
	pub size: u64,
	/// How the payload is cut and encoded.
	pub layout: LayoutRecord,
	/// Bytes each miner holds.
	pub column_bytes: u64,
	/// Regions the fragments may be stored in.
	pub regions: Vec<[u8; 2]>,
	/// One miner per slot; slot `r × (k+m) + c` holds replica `r` of column `c`.
	pub miners: Vec<AccountId>,
	/// The first owner's description.
	pub meta: ObjectMeta,
	/// Block the file was stored in.
	pub stored_at: u32,
}

impl FileRecord {
	/// The layout.
	pub fn layout(&self) -> Layout {
		self.layout.into()
	}
}

/// An object of an owner: where it is and which file it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
	/// The bucket.
	pub bucket: Vec<u8>,
	/// The name in the bucket.
	pub name: Vec<u8>,
	/// The file.
	pub fid: Fid,
}

/// `pallet_file_bank::SlotRef`: which part of a file a miner holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct SlotRef {
	/// The column.
	pub column: u16,
	/// The replica of the column.
	pub replica: u8,
	/// Size class of the column: which of the miner's lists holds it.
	pub class: u8,
	/// Position of the file in that list.
	pub index: u32,
}

/// `pallet_storage_providers::MinerState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum MinerState {
	/// Takes new data.
	Active,
	/// Stake short of its capacity: keeps its data, takes no new.
	Frozen,
	/// Leaving.
	Exiting {
		/// First block it may withdraw at.
		unlock_at: u32,
	},
}

/// `pallet_storage_providers::MinerInfo`: a registered storage miner.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct MinerInfo {
	/// Stake held.
	pub stake: u128,
	/// Declared capacity in bytes.
	pub capacity_bytes: u64,
	/// Bytes of stored fragments.
	pub used_bytes: u64,
	/// Bytes set aside for incoming fragments.
	pub reserved_bytes: u64,
	/// ISO 3166-1 alpha-2 region.
	pub region: [u8; 2],
	/// Where the miner is reached.
	pub endpoint: Vec<u8>,
	/// sr25519 key receipts are signed with.
	pub auth_key: [u8; 32],
	/// Life-cycle state.
	pub state: MinerState,
}

impl MinerInfo {
	/// Bytes neither used nor reserved.
	pub fn free_bytes(&self) -> u64 {
		self.capacity_bytes.saturating_sub(self.used_bytes).saturating_sub(self.reserved_bytes)
	}

	/// The endpoint as text.
	pub fn endpoint(&self) -> String {
		String::from_utf8_lossy(&self.endpoint).into_owned()
	}
}

/// `pallet_storage_providers::SchedulerState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum SchedulerState {
	/// Can be drawn for new deals.
	Active,
	/// Leaving.
	Exiting {
		/// First block it may withdraw at.
		unlock_at: u32,
	},
}

/// `pallet_storage_providers::SchedulerInfo`: a registered scheduler.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct SchedulerInfo {
	/// Stake held.
	pub stake: u128,
	/// ISO 3166-1 alpha-2 region.
	pub region: [u8; 2],
	/// Where clients stream objects to it.
	pub endpoint: Vec<u8>,
	/// Life-cycle state.
	pub state: SchedulerState,
}

impl SchedulerInfo {
	/// The endpoint as text.
	pub fn endpoint(&self) -> String {
		String::from_utf8_lossy(&self.endpoint).into_owned()
	}
}

/// `pallet_oss::GatewayInfo`: a registered gateway.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct GatewayInfo {
	/// Its public base URL.
	pub endpoint: Vec<u8>,
	/// Deposit held while it is registered.
	pub deposit: u128,
	/// Block it registered in.
	pub registered_at: u32,
}

impl GatewayInfo {
	/// The endpoint as text.
	pub fn endpoint(&self) -> String {
		String::from_utf8_lossy(&self.endpoint).into_owned()
	}
}

/// `deoss_traits::Scope`: what an owner lets an operator do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum Scope {
	/// Declare uploads into the owner's buckets.
	Upload,
	/// Delete the owner's objects.
	Delete,
	/// Receive re-encrypted data keys.
	ReadShare,
}

impl Scope {
	/// The variant's name, as calls take it.
	pub fn name(self) -> &'static str {
		match self {
			Scope::Upload => "Upload",
			Scope::Delete => "Delete",
			Scope::ReadShare => "ReadShare",
		}
	}
}

/// `pallet_oss::Authorization`: an operator's right to act for an owner.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Authorization {
	/// What it may do.
	pub scopes: Vec<Scope>,
	/// First block it no longer holds in.
	pub expires_at: Option<u32>,
	/// Block it was granted in.
	pub granted_at: u32,
}

/// `pallet_storage_space::SpaceState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum SpaceState {
	/// Paid for.
	Active,
	/// Paid period over: no new uploads.
	Frozen,
	/// Being removed.
	Expired,
}

/// `pallet_storage_space::SpaceLease`: a user's purchased space.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct SpaceLease {
	/// Bytes paid for.
	pub purchased_bytes: u64,
	/// Bytes reserved by open deals.
	pub reserved_bytes: u64,
	/// Bytes of stored objects.
	pub used_bytes: u64,
	/// First block no longer paid for.
	pub expires_at: u32,
	/// Life-cycle state.
	pub state: SpaceState,
}

/// `pallet_storage_space::BucketInfo`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct BucketInfo {
	/// Objects in the bucket.
	pub object_count: u32,
	/// Block it was created in.
	pub created_at: u32,
}

/// `pallet_audit` challenge: what a miner must prove before `deadline`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Challenge {
	/// The round it belongs to.
	pub round: u32,
	/// The miner's seed: sample `n` is `derive_sample(seed, geometry, column, n)`.
	pub seed: [u8; 32],
	/// The file of each sample.
	pub files: Vec<[u8; 32]>,
	/// Block at whose start the challenge fails unless answered.
	pub deadline: u32,
}

/// A miner's claim on a restoral order.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralClaim {
	/// The restoring miner.
	pub miner: AccountId,
	/// Block at whose start the claim expires.
	pub deadline: u32,
	/// Seed of the samples proved on completion.
	pub seed: [u8; 32],
	/// Bytes reserved on the miner.
	pub bytes: u64,
}

/// `pallet_audit` restoral order: a lost slot waiting to be rebuilt.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralOrder {
	/// The column to rebuild.
	pub column: u16,
	/// The replica of the column.
	pub replica: u8,
	/// The miner that lost it.
	pub lost_by: AccountId,
	/// Block the slot was declared lost.
	pub created: u32,
	/// The miner working on it, if any.
	pub claim: Option<RestoralClaim>,
}

/// `pallet_audit::AuditRecord`: a miner's challenge history.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct AuditRecord {
	/// Challenges answered.
	pub passed: u32,
	/// Challenges failed.
	pub failed: u32,
	/// The latest challenges' outcomes, latest in bit 0, 1 for a failure.
	pub history: u32,
}

/// `frame_system::AccountInfo`, the fields the services read.
#[derive(Debug, Clone, Default, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct AccountInfo {
	/// Transactions sent.
	pub nonce: u32,
	/// Balances.
	pub data: AccountData,
}

/// `pallet_balances::AccountData`, the fields the services read.
#[derive(Debug, Clone, Default, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct AccountData {
	/// Spendable.
	pub free: u128,
	/// Held (stakes, deposits).
	pub reserved: u128,
}
