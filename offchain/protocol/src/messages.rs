//! The JSON bodies of the protocol.

use serde::{Deserialize, Serialize};

/// Every error answer: a machine-readable code, a sentence for people, and whether
/// the same request may succeed later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
	/// Stable code, e.g. `deal_not_assigned`, `fid_mismatch`, `bad_signature`.
	pub error: String,
	/// What went wrong and what to do.
	pub reason: String,
	/// Whether retrying the same request later may succeed.
	#[serde(default)]
	pub retry: bool,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
	/// `scheduler` or `miner`.
	pub role: String,
	/// The service's account, 0x hex.
	pub account: String,
}

/// Where an upload stands on the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadState {
	/// Waiting for more payload bytes.
	Receiving,
	/// All bytes arrived; the FID is being checked.
	Verifying,
	/// Verified; columns are going to miners.
	Distributing,
	/// Receipts reported on chain; waiting for `FileStored`.
	Reported,
	/// The upload was refused or distribution failed for good; see `error`.
	Failed,
}

/// `GET`/`PUT /v1/deals/{deal}/upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStatus {
	/// The deal.
	pub deal: u64,
	/// Declared payload bytes.
	pub size: u64,
	/// Payload bytes staged so far; the next part starts here.
	pub received: u64,
	/// Where the upload stands.
	pub state: UploadState,
	/// Why it failed, when `state` is `failed`.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub error: Option<String>,
}

/// `GET /v1/deals/{deal}/columns/{column}` on a miner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnStatus {
	/// Whether the manifest arrived and verified.
	pub manifest: bool,
	/// Segments of the file.
	pub segments: u32,
	/// Segments whose fragment arrived and verified, ascending.
	pub held: Vec<u32>,
}

/// A miner's receipt for a column, as it answers `POST .../receipt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBody {
	/// The miner's account, 0x hex.
	pub miner: String,
	/// The deal.
	pub deal: u64,
	/// The column.
	pub column: u16,
	/// sr25519 signature by the miner's auth key over
	/// `deoss_primitives::receipt_message(deal, fid, column, miner)`, 0x hex.
	pub signature: String,
}
