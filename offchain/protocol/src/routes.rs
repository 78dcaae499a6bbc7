//! Every HTTP route of the scheduler and the miner, as path builders for clients and
//! as axum route patterns for servers.
//!
//! Scheduler:
//!
//! | route | |
//! |---|---|
//! | `GET /v1/health` | liveness and the scheduler's account |
//! | `GET /v1/deals/{deal}/upload` | [`crate::UploadStatus`]: how much of the payload arrived |
//! | `PUT /v1/deals/{deal}/upload?offset=N` | signed by the owner or its operator: payload bytes from `N` |
//!
//! Miner:
//!
//! | route | |
//! |---|---|
//! | `GET /v1/health` | liveness and the miner's account |
//! | `PUT /v1/deals/{deal}/columns/{column}/manifest` | signed by the deal's scheduler: the SCALE manifest |
//! | `PUT /v1/deals/{deal}/columns/{column}/fragments/{segment}` | signed by the deal's scheduler: one fragment |
//! | `GET /v1/deals/{deal}/columns/{column}` | [`crate::ColumnStatus`]: what the miner holds of the column |
//! | `POST /v1/deals/{deal}/columns/{column}/receipt` | signed by the deal's scheduler: the signed [`crate::ReceiptBody`] |
//! | `GET /v1/files/{fid}/manifest` | the SCALE manifest of a stored file |
//! | `GET /v1/files/{fid}/fragments/{segment}/{column}` | one stored fragment |

use deoss_primitives::Fid;

/// Liveness.
pub const HEALTH: &str = "/v1/health";

/// Pattern of the upload route.
pub const UPLOAD: &str = "/v1/deals/{deal}/upload";
/// Pattern of a column's manifest.
pub const COLUMN_MANIFEST: &str = "/v1/deals/{deal}/columns/{column}/manifest";
/// Pattern of one fragment pushed for a deal.
pub const COLUMN_FRAGMENT: &str = "/v1/deals/{deal}/columns/{column}/fragments/{segment}";
/// Pattern of a column's status.
pub const COLUMN_STATUS: &str = "/v1/deals/{deal}/columns/{column}";
/// Pattern of a column's receipt.
pub const COLUMN_RECEIPT: &str = "/v1/deals/{deal}/columns/{column}/receipt";
/// Pattern of a stored file's manifest.
pub const FILE_MANIFEST: &str = "/v1/files/{fid}/manifest";
/// Pattern of a stored fragment.
pub const FILE_FRAGMENT: &str = "/v1/files/{fid}/fragments/{segment}/{column}";

/// Most bytes of one upload part; parts are signed one by one.
pub const MAX_UPLOAD_PART: usize = 16 * 1024 * 1024;

/// `/v1/deals/{deal}/upload`.
pub fn upload(deal: u64) -> String {
	format!("/v1/deals/{deal}/upload")
}

/// `/v1/deals/{deal}/upload?offset={offset}`.
pub fn upload_at(deal: u64, offset: u64) -> String {
	format!("/v1/deals/{deal}/upload?offset={offset}")
}

/// `/v1/deals/{deal}/columns/{column}/manifest`.
pub fn column_manifest(deal: u64, column: u16) -> String {
	format!("/v1/deals/{deal}/columns/{column}/manifest")
}

/// `/v1/deals/{deal}/columns/{column}/fragments/{segment}`.
pub fn column_fragment(deal: u64, column: u16, segment: u32) -> String {
	format!("/v1/deals/{deal}/columns/{column}/fragments/{segment}")
}

/// `/v1/deals/{deal}/columns/{column}`.
pub fn column_status(deal: u64, column: u16) -> String {
	format!("/v1/deals/{deal}/columns/{column}")
}

/// `/v1/deals/{deal}/columns/{column}/receipt`.
pub fn column_receipt(deal: u64, column: u16) -> String {
	format!("/v1/deals/{deal}/columns/{column}/receipt")
}

/// `/v1/files/{fid}/manifest`.
pub fn file_manifest(fid: &Fid) -> String {
	format!("/v1/files/{fid}/manifest")
}

/// `/v1/files/{fid}/fragments/{segment}/{column}`.
pub fn file_fragment(fid: &Fid, segment: u32, column: u16) -> String {
	format!("/v1/files/{fid}/fragments/{segment}/{column}")
}

/// `endpoint` (as registered on chain) joined with `path`, without a doubled slash.
pub fn url(endpoint: &str, path: &str) -> String {
	format!("{}{path}", endpoint.trim_end_matches('/'))
}
