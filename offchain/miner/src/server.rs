//! The miner's fragment API (routes in [`deoss_protocol::routes`]).
//!
//! Pushes (manifest, fragments, receipt) must be signed by the scheduler the chain
//! assigned the deal to, for a deal that is open, for a column this miner may hold
//! (active, in the deal's regions or pinned). Everything received is verified before
//! it is kept: the manifest against the FID, size and layout of the deal, each
//! fragment against its root in the manifest. The receipt is signed only when every
//! segment's fragment of the column is held. Reads of stored files need no signature.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use axum::{
	body::Bytes,
	extract::{DefaultBodyLimit, Path, State},
	http::{HeaderMap, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
	routing::{get, post, put},
	Json, Router,
};
use codec::{DecodeAll, Encode};
use deoss_chain::{AccountId, Chain, Deal, Keypair};
use deoss_pipeline::{Hasher, Manifest};
use deoss_primitives::{merkle, receipt_message, Fid};
use deoss_protocol::{routes, server::ApiError, ColumnStatus, Health, ReceiptBody, ReplayGuard};

use crate::columns::Columns;

/// How long a deal read from the chain is reused for the requests of one push.
const DEAL_CACHE: Duration = Duration::from_secs(2);

/// Largest request body: one fragment of the largest segment a miner accepts.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the handlers share.
pub struct MinerService {
	/// The chain.
	pub chain: Chain,
	/// The miner's account.
	pub account: AccountId,
	/// The key receipts are signed with.
	pub auth_key: Keypair,
	/// Where columns are kept.
	pub columns: Columns,
	guard: ReplayGuard,
	deals: Mutex<HashMap<u64, (Deal, Instant)>>,
}

impl MinerService {
	/// The service of `account`, signing receipts with `auth_key`.
	pub fn new(chain: Chain, account: AccountId, auth_key: Keypair, columns: Columns) -> Self {
		Self {
			chain,
			account,
			auth_key,
			columns,
			guard: ReplayGuard::new(),
			deals: Default::default(),
		}
	}

	async fn open_deal(&self, deal_id: u64) -> Result<Deal, ApiError> {
		if let Some((deal, read)) =
			self.deals.lock().ok().and_then(|deals| deals.get(&deal_id).cloned())
		{
			if read.elapsed() < DEAL_CACHE {
				return Ok(deal);
			}
		}
		let deal = self
			.chain
			.deal(deal_id)
			.await
			.map_err(|error| ApiError::unavailable("chain_unavailable", error.to_string()))?
			.ok_or_else(|| {
				ApiError::not_found(
					"deal_not_open",
					format!("deal {deal_id} is not open on chain (unknown, stored or ended)"),
				)
			})?;
		if let Ok(mut deals) = self.deals.lock() {
			deals.retain(|_, (_, read)| read.elapsed() < DEAL_CACHE);
			deals.insert(deal_id, (deal.clone(), Instant::now()));
		}
		Ok(deal)
	}

	/// Checks a push: signed by the deal's scheduler, for an open deal and a column
	/// this miner may take. Returns the deal.
	async fn check_push(
		&self,
		headers: &HeaderMap,
		method: &Method,
		uri: &Uri,
		body: &[u8],
		deal_id: u64,
		column: u16,
	) -> Result<Deal, ApiError> {
		let path = uri.path_and_query().map_or(uri.path(), |path| path.as_str());
		let signer = self.guard.verify(headers, method.as_str(), path, body)?;
		let deal = self.open_deal(deal_id).await?;
		if signer != deal.scheduler {
			return Err(ApiError::forbidden(
				"not_deal_scheduler",
				format!("only the scheduler assigned to deal {deal_id} may push its columns"),
			));
		}
		let layout = deal.layout();
		if column >= layout.column_count() {
			return Err(ApiError::bad_request(
				"invalid_column",
				format!("deal {deal_id} has columns 0..{}", layout.column_count()),
			));
		}
		let me = self
			.chain
			.miner(&self.account)
			.await
			.map_err(|error| ApiError::unavailable("chain_unavailable", error.to_string()))?
			.ok_or_else(|| {
				ApiError::unavailable("not_registered", "this miner is not registered yet")
			})?;
		if me.state != deoss_chain::MinerState::Active {
			return Err(ApiError::forbidden("miner_not_active", "this miner takes no new data"));
		}
		if !deal.admits(&self.account, me.region) {
			return Err(ApiError::forbidden(
				"miner_outside_regions",
				"this miner is outside the deal's regions and not pinned",
			));
		}
		Ok(deal)
	}
}

/// The router of the fragment API.
pub fn router(service: Arc<MinerService>) -> Router {
	Router::new()
		.route(routes::HEALTH, get(health))
		.route(routes::COLUMN_MANIFEST, put(put_manifest))
		.route(routes::COLUMN_FRAGMENT, put(put_fragment))
		.route(routes::COLUMN_STATUS, get(column_status))
		.route(routes::COLUMN_RECEIPT, post(receipt))
		.route(routes::FILE_MANIFEST, get(get_manifest))
		.route(routes::FILE_FRAGMENT, get(get_fragment))
		.layer(DefaultBodyLimit::max(MAX_BODY))
		.with_state(service)
}

type Shared = State<Arc<MinerService>>;

async fn health(State(service): Shared) -> Json<Health> {
	Json(Health { role: "miner".into(), account: format!("0x{}", hex::encode(service.account)) })
}

fn io_error(error: impl std::fmt::Display) -> ApiError {
	ApiError::internal(format!("local storage: {error}"))
}

async fn put_manifest(
	State(service): Shared,
	Path((deal_id, column)): Path<(u64, u16)>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Bytes,
) -> Result<StatusCode, ApiError> {
	let deal = service.check_push(&headers, &method, &uri, &body, deal_id, column).await?;
	let manifest = Manifest::decode_all(&mut &body[..]).map_err(|_| {
		ApiError::bad_request("malformed_manifest", "the body is not a SCALE-encoded manifest")
	})?;
	let fid = deal.fid();
	manifest.verify(&fid).map_err(|error| {
		ApiError::bad_request(
			"fid_mismatch",
			format!("the manifest does not lead to the deal's FID: {error}"),
		)
	})?;
	if manifest.payload_len != deal.size || manifest.layout != deal.layout() {
		return Err(ApiError::bad_request(
			"manifest_mismatch",
			"the manifest's size or layout differs from the deal's declaration",
		));
	}
	let incoming = service.columns.incoming(deal_id, column);
	if let Ok(Some(_)) = incoming.manifest(&fid) {
		return Ok(StatusCode::OK);
	}
	incoming.put_manifest(&fid, &manifest).map_err(io_error)?;
	tracing::debug!(deal = deal_id, column, %fid, "manifest verified");
	Ok(StatusCode::CREATED)
}

async fn put_fragment(
	State(service): Shared,
	Path((deal_id, column, segment)): Path<(u64, u16, u32)>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Bytes,
) -> Result<StatusCode, ApiError> {
	let deal = service.check_push(&headers, &method, &uri, &body, deal_id, column).await?;
	let fid = deal.fid();
	let incoming = service.columns.incoming(deal_id, column);
	let manifest = incoming.manifest(&fid).map_err(io_error)?.ok_or_else(|| {
		ApiError::conflict("manifest_first", "push the column's manifest before its fragments")
	})?;
	let geometry = manifest.geometry().map_err(io_error)?;
	let expected_len = geometry.shard_len(segment).ok_or_else(|| {
		ApiError::bad_request(
			"invalid_segment",
			format!("the file has segments 0..{}", geometry.segment_count()),
		)
	})?;
	let root = merkle::fragment_root::<Hasher>(&body, manifest.layout.chunk_size as usize);
	if body.len() != expected_len as usize
		|| root.as_ref() != manifest.fragment_root(segment, column)
	{
		return Err(ApiError::bad_request(
			"fragment_mismatch",
			format!(
				"fragment {segment} of column {column} does not match its root in the manifest"
			),
		));
	}
	incoming.put_fragment(&fid, segment, &body).map_err(io_error)?;
	Ok(StatusCode::CREATED)
}

async fn column_status(
	State(service): Shared,
	Path((deal_id, column)): Path<(u64, u16)>,
) -> Result<Json<ColumnStatus>, ApiError> {
	let incoming = service.columns.incoming(deal_id, column);
	let Some(fid) = incoming.fid() else {
		return Ok(Json(ColumnStatus { manifest: false, segments: 0, held: Vec::new() }));
	};
	let manifest = incoming.manifest(&fid).map_err(io_error)?;
	let segments = manifest.map_or(0, |manifest| manifest.segments.len() as u32);
	Ok(Json(ColumnStatus { manifest: true, segments, held: incoming.held(&fid, segments) }))
}

async fn receipt(
	State(service): Shared,
	Path((deal_id, column)): Path<(u64, u16)>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Bytes,
) -> Result<Json<ReceiptBody>, ApiError> {
	let deal = service.check_push(&headers, &method, &uri, &body, deal_id, column).await?;
	let fid = deal.fid();
	let incoming = service.columns.incoming(deal_id, column);
	let manifest = incoming.manifest(&fid).map_err(io_error)?.ok_or_else(|| {
		ApiError::conflict("column_incomplete", "no manifest received for this column")
	})?;
	let segments = manifest.segments.len() as u32;
	let held = incoming.held(&fid, segments);
	if held.len() as u32 != segments {
		return Err(ApiError::conflict(
			"column_incomplete",
			format!("{} of {segments} fragments received; push the rest first", held.len()),
		));
	}
	let message = receipt_message(deal_id, &fid, column, &service.account);
	let signature = service.auth_key.sign(&message);
	tracing::info!(deal = deal_id, column, %fid, "column verified, receipt signed");
	Ok(Json(ReceiptBody {
		miner: format!("0x{}", hex::encode(service.account)),
		deal: deal_id,
		column,
		signature: format!("0x{}", hex::encode(signature.0)),
	}))
}

fn parse_fid(text: &str) -> Result<Fid, ApiError> {
	deoss_protocol::parse_fid(text)
		.ok_or_else(|| ApiError::bad_request("malformed_fid", "a FID is 64 hex digits"))
}

async fn get_manifest(
	State(service): Shared,
	Path(fid): Path<String>,
) -> Result<Response, ApiError> {
	let fid = parse_fid(&fid)?;
	match service.columns.holding(&fid).map(|store| store.manifest(&fid)) {
		Some(Ok(manifest)) => Ok(manifest.encode().into_response()),
		_ => Err(ApiError::not_found(
			"file_not_held",
			format!("this miner holds no column of {fid}"),
		)),
	}
}

async fn get_fragment(
	State(service): Shared,
	Path((fid, segment, column)): Path<(String, u32, u16)>,
) -> Result<Response, ApiError> {
	let fid = parse_fid(&fid)?;
	let store = service.columns.holding(&fid).ok_or_else(|| {
		ApiError::not_found("file_not_held", format!("this miner holds no column of {fid}"))
	})?;
	let fragment = tokio::task::spawn_blocking(move || store.get(&fid, segment, column))
		.await
		.map_err(io_error)?
		.map_err(io_error)?;
	match fragment {
		Some(fragment) => Ok(fragment.into_response()),
		None => Err(ApiError::not_found(
			"fragment_not_held",
			format!("this miner holds no fragment {segment} of column {column} of {fid}"),
		)),
	}
}
