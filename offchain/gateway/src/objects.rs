//! The REST object routes under `/v1/`, every one signed with the user's sr25519 key
//! (the signer is the owner; replays refused through the database):
//!
//! * `PUT /v1/objects/{bucket}/{key}` stores the body (streamed to disk, its digest
//!   checked against the signed one) with `?regions=DE,FR`, `?compress=true`,
//!   `?encrypt=true` (data key wrapped to the owner) and `?layout=k+m`; 201 once the
//!   chain stored it. An existing object is replaced.
//! * `GET`/`HEAD /v1/objects/{bucket}/{key}`, with `Range` (206); `?raw=true` gives the
//!   payload as stored (an encrypted object's ciphertext). `DELETE` removes it.
//! * `GET /v1/objects/{bucket}?prefix=` lists a bucket; `GET /v1/files/{fid}` reads by FID.
//! * `GET /v1/location/{bucket}/{key}`: the file record, and which miner in which
//!   region holds each column.
//!
//! Errors are JSON `{error, reason, retry}` with real status codes.

use std::sync::Arc;

use axum::{
	body::{Body, Bytes},
	extract::{Path, Query, Request, State},
	http::{header, HeaderMap, HeaderValue, Method, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use blake2::{digest::consts::U32, Blake2b, Digest as _};
use deoss_chain::{signer::ss58, AccountId, Scope};
use deoss_client::{ClientError, GetRequest, ObjectOptions, Target};
use deoss_protocol::{auth::MAX_SKEW, server::ApiError, verify_signed_digest, AuthError};
use futures::StreamExt;
use md5::Digest as _;
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::{
	state::{now_ms, ObjectRow},
	Gateway,
};

/// Checks a signed request whose body hashed to `digest`, records its signature, and
/// that the gateway may act for the signer in `scope`; the signer.
pub async fn authenticate(
	gateway: &Gateway,
	headers: &HeaderMap,
	method: &Method,
	path: &str,
	digest: &[u8; 32],
	scope: Scope,
	started_ms: i64,
) -> Result<AccountId, ApiError> {
	let (account, signature) =
		verify_signed_digest(headers, method.as_str(), path, digest, started_ms as u64)
			.map_err(ApiError::from)?;
	let horizon = now_ms() + 2 * MAX_SKEW.as_millis() as i64;
	match gateway.state.first_seen(&signature, horizon) {
		Ok(true) => {}
		Ok(false) => return Err(ApiError::from(AuthError::Replayed)),
		Err(error) => return Err(ApiError::internal(format!("the gateway's database: {error}"))),
	}
	match gateway.authorized(&account, scope).await {
		Ok(Ok(())) => Ok(account),
		Ok(Err(denied)) => Err(ApiError::forbidden("not_authorized", denied.to_string())),
		Err(error) => Err(ApiError::unavailable("chain", format!("the chain: {error}"))),
	}
}

/// Checks a signed request without a body (a read, a delete) in `scope`: the signer
/// and the request's parts.
pub(crate) async fn authenticate_bodiless(
	gateway: &Gateway,
	request: Request,
	scope: Scope,
) -> Result<(AccountId, axum::http::request::Parts), ApiError> {
	let (owner, parts, _) = authenticate_small(gateway, request, scope, 0).await?;
	Ok((owner, parts))
}

/// Checks a signed request whose (large) body has not been read yet, against the
/// digest it claims: the signer and that digest, which the body must then match.
pub(crate) async fn authenticate_before_body(
	gateway: &Gateway,
	parts: &axum::http::request::Parts,
	path: &str,
	scope: Scope,
	started_ms: i64,
) -> Result<(AccountId, [u8; 32]), ApiError> {
	let claimed = parts
		.headers
		.get(deoss_protocol::auth::DIGEST_HEADER)
		.ok_or(AuthError::Missing(deoss_protocol::auth::DIGEST_HEADER))?
		.to_str()
		.ok()
		.and_then(|text| hex::decode(text.strip_prefix("0x").unwrap_or(text)).ok())
		.and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
		.ok_or(AuthError::Malformed(deoss_protocol::auth::DIGEST_HEADER))?;
	let owner =
		authenticate(gateway, &parts.headers, &parts.method, path, &claimed, scope, started_ms)
			.await?;
	Ok((owner, claimed))
}

/// Checks a signed request with a small body (JSON, at most `limit` bytes) in `scope`:
/// the signer, the request's parts and the body.
pub(crate) async fn authenticate_small(
	gateway: &Gateway,
	request: Request,
	scope: Scope,
	limit: usize,
) -> Result<(AccountId, axum::http::request::Parts, Bytes), ApiError> {
	let started = now_ms();
	let (parts, body) = request.into_parts();
	let path = signed_path(&parts.uri);
	let body = axum::body::to_bytes(body, limit).await.map_err(|error| {
		ApiError::bad_request("body", format!("a body of at most {limit} bytes: {error}"))
	})?;
	let digest = deoss_protocol::auth::digest(&body);
	let owner =
		authenticate(gateway, &parts.headers, &parts.method, &path, &digest, scope, started)
			.await?;
	Ok((owner, parts, body))
}

/// The path and query a request was signed over.
pub(crate) fn signed_path(request_uri: &axum::http::Uri) -> String {
	request_uri
		.path_and_query()
		.map_or_else(|| request_uri.path().to_string(), |pq| pq.as_str().to_string())
}

fn client_error(error: ClientError) -> ApiError {
	match error {
		ClientError::NotFound(reason) => ApiError::not_found("not_found", reason),
		ClientError::Invalid(reason) => ApiError::bad_request("invalid", reason),
		ClientError::Chain(deoss_chain::ChainError::Rpc(reason)) => {
			ApiError::unavailable("chain", reason)
		}
		other => {
			let text = other.to_string();
			if text.contains("NotEnoughSpace")
				|| text.contains("SpaceNotActive")
				|| text.contains("NoSpace")
			{
				ApiError::forbidden("no_space", format!("the owner's storage space does not allow this upload ({text}): buy, expand or renew space with `deoss space`"))
			} else if text.contains("BucketNotFound") {
				ApiError::not_found("no_such_bucket", text)
			} else {
				ApiError::internal(text)
			}
		}
	}
}

/// Options of a PUT.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutOptions {
	/// Comma-separated regions (ISO codes or EU).
	regions: Option<String>,
	/// zstd-compress the object.
	#[serde(default)]
	compress: bool,
	/// Encrypt the object, its data key wrapped to the owner.
	#[serde(default)]
	encrypt: bool,
	/// `k+m`.
	layout: Option<String>,
}

/// `PUT /v1/objects/{bucket}/{key}`.
pub async fn put_object(
	State(gateway): State<Arc<Gateway>>,
	Path((bucket, key)): Path<(String, String)>,
	Query(options): Query<PutOptions>,
	request: Request,
) -> Result<Response, ApiError> {
	let started = now_ms();
	let (parts, body) = request.into_parts();
	let path = signed_path(&parts.uri);
	// Signature, clock, replay and authorization before a byte of the body is read.
	let (owner, claimed) =
		authenticate_before_body(&gateway, &parts, &path, Scope::Upload, started).await?;
	let staged = Staged(gateway.state.staging_file("rest"));
	let (digest, md5, size) = stage(body, &staged.0).await?;
	if digest != claimed {
		return Err(ApiError::from(AuthError::DigestMismatch));
	}
	let regions = match &options.regions {
		Some(text) => deoss_protocol::parse_regions(text)
			.map_err(|error| ApiError::bad_request("invalid_regions", error))?,
		None => match gateway
			.state
			.bucket_regions(&owner, &bucket)
			.map_err(|error| ApiError::internal(error.to_string()))?
		{
			Some(text) => deoss_protocol::parse_regions(&text).map_err(ApiError::internal)?,
			None => gateway.regions.clone(),
		},
	};
	let layout = match &options.layout {
		Some(text) => deoss_protocol::parse_layout(text, 1)
			.map_err(|error| ApiError::bad_request("invalid_layout", error))?,
		None => gateway.layout,
	};
	let content_type = parts
		.headers
		.get(header::CONTENT_TYPE)
		.and_then(|value| value.to_str().ok())
		.unwrap_or("application/octet-stream")
		.to_string();
	require_bucket(&gateway, &owner, &bucket).await?;
	let object_options = ObjectOptions {
		compression: options.compress.then_some(deoss_pipeline::compress::DEFAULT_LEVEL),
		cipher: options.encrypt.then(deoss_pipeline::ObjectCipher::generate),
	};
	let etag = hex::encode(md5);
	let (outcome, _) = gateway
		.store(crate::Staged {
			owner,
			bucket: &bucket,
			key: &key,
			path: &staged.0,
			size,
			etag: etag.clone(),
			content_type,
			metadata: Vec::new(),
			regions,
			layout,
			options: object_options,
		})
		.await
		.map_err(store_error)?;
	gateway.metrics.request("rest", "put", 201);
	Ok((
		StatusCode::CREATED,
		Json(json!({
			"bucket": bucket,
			"key": key,
			"fid": format!("0x{}", hex::encode(outcome.fid.0)),
			"size": size,
			"payload_size": outcome.payload_len,
			"etag": etag,
			"deal": outcome.deal,
			"compressed": options.compress,
			"encrypted": options.encrypt,
			"miners": outcome.miners.iter().map(ss58).collect::<Vec<_>>(),
		})),
	)
		.into_response())
}

/// A failed [`Gateway::store`] as an answer.
pub(crate) fn store_error(error: crate::StoreError) -> ApiError {
	use crate::StoreError;
	match error {
		StoreError::BadKey => ApiError::bad_request("invalid_key", error.to_string()),
		StoreError::CannotReplace(_) => ApiError::forbidden("not_authorized", error.to_string()),
		StoreError::NoSuchBucket(_) => ApiError::not_found("no_such_bucket", error.to_string()),
		StoreError::Client(error) => client_error(error),
		StoreError::State(error) => ApiError::internal(format!("the gateway's database: {error}")),
	}
}

pub(crate) fn chain_error(error: deoss_chain::ChainError) -> ApiError {
	match error {
		deoss_chain::ChainError::Rpc(reason) => ApiError::unavailable("chain", reason),
		other => ApiError::internal(other.to_string()),
	}
}

/// Removes a staged file when dropped.
struct Staged(std::path::PathBuf);

impl Drop for Staged {
	fn drop(&mut self) {
		let _ = std::fs::remove_file(&self.0);
	}
}

/// Streams `body` to `path`: its BLAKE2b-256 digest, MD5 and length.
async fn stage(body: Body, path: &std::path::Path) -> Result<([u8; 32], [u8; 16], u64), ApiError> {
	let io = |error: std::io::Error| ApiError::internal(format!("staging the body: {error}"));
	let mut file = tokio::fs::File::create(path).await.map_err(io)?;
	let mut blake = Blake2b::<U32>::new();
	let mut md5 = md5::Md5::new();
	let mut size = 0u64;
	let mut stream = body.into_data_stream();
	while let Some(chunk) = stream.next().await {
		let chunk = chunk.map_err(|error| {
			ApiError::bad_request("incomplete_body", format!("reading the body: {error}"))
		})?;
		blake.update(&chunk);
		md5::Digest::update(&mut md5, &chunk);
		size += chunk.len() as u64;
		file.write_all(&chunk).await.map_err(io)?;
	}
	file.flush().await.map_err(io)?;
	Ok((blake.finalize().into(), md5::Digest::finalize(md5).into(), size))
}

/// Options of a read.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOptions {
	/// The payload as stored, not the object.
	#[serde(default)]
	raw: bool,
}

/// The `Range` header against an object of `size` bytes: the bytes, or 416.
fn range(headers: &HeaderMap, size: u64) -> Result<Option<std::ops::Range<u64>>, ApiError> {
	let Some(value) = headers.get(header::RANGE) else { return Ok(None) };
	let text = value
		.to_str()
		.map_err(|_| ApiError::bad_request("invalid_range", "the Range header is not text"))?;
	let parsed = s3s::dto::Range::parse(text).map_err(|_| {
		ApiError::bad_request("invalid_range", format!("{text:?} is not a single byte range"))
	})?;
	parsed.check(size).map(Some).map_err(|_| {
		ApiError::new(
			StatusCode::RANGE_NOT_SATISFIABLE,
			"invalid_range",
			format!("{text} is outside the object's {size} bytes"),
		)
	})
}

/// Answers a read of the object `fid`.
async fn read(
	gateway: &Gateway,
	fid: [u8; 32],
	headers: &HeaderMap,
	head: bool,
	raw: bool,
	known: Option<ObjectRow>,
) -> Result<Response, ApiError> {
	let (size, etag, content_type, whole) = match known.filter(|row| row.fid == fid && !raw) {
		Some(row) => (row.size, row.etag, row.content_type, None),
		None => {
			// Not recorded here (or raw): its size needs a read.
			let mut request = GetRequest::new(Target::Fid(deoss_primitives::Fid(fid)));
			request.raw = raw;
			let bytes = gateway.client.get_bytes(request).await.map_err(read_error)?;
			let record =
				gateway.chain().file(&deoss_primitives::Fid(fid)).await.map_err(chain_error)?;
			let content_type = record
				.map(|record| String::from_utf8_lossy(&record.meta.content_type).into_owned())
				.unwrap_or_default();
			(
				bytes.len() as u64,
				hex::encode(md5::Md5::digest(&bytes)),
				content_type,
				Some(Bytes::from(bytes)),
			)
		}
	};
	let wanted = range(headers, size)?;
	let span = wanted.clone().unwrap_or(0..size);
	let mut response = Response::builder()
		.status(if wanted.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK })
		.header(header::CONTENT_LENGTH, span.end - span.start)
		.header(header::ACCEPT_RANGES, "bytes")
		.header(header::ETAG, format!("\"{etag}\""))
		.header("x-deoss-fid", format!("0x{}", hex::encode(fid)));
	if !content_type.is_empty() {
		response = response.header(
			header::CONTENT_TYPE,
			HeaderValue::from_str(&content_type)
				.unwrap_or(HeaderValue::from_static("application/octet-stream")),
		);
	}
	if wanted.is_some() {
		response = response.header(
			header::CONTENT_RANGE,
			format!("bytes {}-{}/{size}", span.start, span.end.saturating_sub(1)),
		);
	}
	if head {
		return response.body(Body::empty()).map_err(|error| ApiError::internal(error.to_string()));
	}
	let bytes = match whole {
		Some(bytes) => bytes,
		None => match gateway.cached(&fid, size).await.map_err(read_error)? {
			Some(bytes) => bytes,
			None => {
				let mut request = GetRequest::new(Target::Fid(deoss_primitives::Fid(fid)));
				request.range = Some((span.start, span.end));
				let bytes = gateway.client.get_bytes(request).await.map_err(read_error)?;
				gateway.metrics.bytes("out", bytes.len() as u64);
				return response
					.body(Body::from(bytes))
					.map_err(|error| ApiError::internal(error.to_string()));
			}
		},
	};
	gateway.metrics.bytes("out", span.end - span.start);
	response
		.body(Body::from(bytes.slice(span.start as usize..span.end as usize)))
		.map_err(|error| ApiError::internal(error.to_string()))
}

fn read_error(error: ClientError) -> ApiError {
	let text = error.to_string();
	if text.contains("decrypt") || text.contains("encrypted") {
		ApiError::forbidden("encrypted", format!("the object is encrypted for its owner ({text}): read it with ?raw=true and decrypt it with the owner's key"))
	} else {
		client_error(error)
	}
}

/// `GET`/`HEAD /v1/objects/{bucket}/{key}`.
pub async fn get_object(
	State(gateway): State<Arc<Gateway>>,
	Path((bucket, key)): Path<(String, String)>,
	Query(options): Query<ReadOptions>,
	request: Request,
) -> Result<Response, ApiError> {
	let (owner, parts) = authenticate_bodiless(&gateway, request, Scope::ReadShare).await?;
	let fid = object_fid(&gateway, &owner, &bucket, &key).await?;
	let row = gateway
		.state
		.object(&owner, &bucket, &key)
		.map_err(|error| ApiError::internal(error.to_string()))?;
	read(&gateway, fid, &parts.headers, parts.method == Method::HEAD, options.raw, row).await
}

/// Fails with 404 `no_such_bucket` unless `owner` has `bucket`.
pub(crate) async fn require_bucket(
	gateway: &Gateway,
	owner: &AccountId,
	bucket: &str,
) -> Result<(), ApiError> {
	match gateway.chain().bucket(owner, bucket.as_bytes()).await.map_err(chain_error)? {
		Some(_) => Ok(()),
		None => Err(ApiError::not_found(
			"no_such_bucket",
			format!("no bucket {bucket}: create it first"),
		)),
	}
}

/// The FID of `owner`'s `bucket/key`, or 404 `no_such_object`.
pub(crate) async fn object_fid(
	gateway: &Gateway,
	owner: &AccountId,
	bucket: &str,
	key: &str,
) -> Result<[u8; 32], ApiError> {
	match gateway
		.chain()
		.object_fid(owner, bucket.as_bytes(), key.as_bytes())
		.await
		.map_err(chain_error)?
	{
		Some(fid) => Ok(fid.0),
		None => Err(ApiError::not_found(
			"no_such_object",
			format!("no object {key} in bucket {bucket}"),
		)),
	}
}

/// `GET /v1/files/{fid}`.
pub async fn get_file(
	State(gateway): State<Arc<Gateway>>,
	Path(fid): Path<String>,
	Query(options): Query<ReadOptions>,
	request: Request,
) -> Result<Response, ApiError> {
	let (_owner, parts) = authenticate_bodiless(&gateway, request, Scope::ReadShare).await?;
	let fid = deoss_protocol::parse_fid(&fid)
		.ok_or_else(|| ApiError::bad_request("invalid_fid", "a FID is 64 hex digits"))?;
	if gateway.chain().file(&fid).await.map_err(chain_error)?.is_none() {
		return Err(ApiError::not_found("no_such_file", format!("no stored file {fid}")));
	}
	read(&gateway, fid.0, &parts.headers, parts.method == Method::HEAD, options.raw, None).await
}

/// `DELETE /v1/objects/{bucket}/{key}`.
pub async fn delete_object(
	State(gateway): State<Arc<Gateway>>,
	Path((bucket, key)): Path<(String, String)>,
	request: Request,
) -> Result<Response, ApiError> {
	let (owner, _) = authenticate_bodiless(&gateway, request, Scope::Delete).await?;
	object_fid(&gateway, &owner, &bucket, &key).await?;
	gateway
		.client
		.delete(Some(owner), bucket.as_bytes(), key.as_bytes())
		.await
		.map_err(client_error)?;
	gateway
		.state
		.delete_object(&owner, &bucket, &key)
		.map_err(|error| ApiError::internal(error.to_string()))?;
	Ok(StatusCode::NO_CONTENT.into_response())
}

/// Options of a listing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListOptions {
	/// Only keys starting with this.
	prefix: Option<String>,
}

/// `GET /v1/objects/{bucket}`.
pub async fn list_objects(
	State(gateway): State<Arc<Gateway>>,
	Path(bucket): Path<String>,
	Query(options): Query<ListOptions>,
	request: Request,
) -> Result<Response, ApiError> {
	let (owner, _) = authenticate_bodiless(&gateway, request, Scope::ReadShare).await?;
	require_bucket(&gateway, &owner, &bucket).await?;
	let prefix = options.prefix.unwrap_or_default();
	let mut objects = Vec::new();
	for entry in
		gateway.client.list(Some(owner), Some(bucket.as_bytes())).await.map_err(client_error)?
	{
		let key = String::from_utf8_lossy(&entry.name).into_owned();
		if !key.starts_with(&prefix) {
			continue;
		}
		let row = gateway
			.state
			.object(&owner, &bucket, &key)
			.map_err(|error| ApiError::internal(error.to_string()))?
			.filter(|row| row.fid == entry.fid.0);
		objects.push(json!({
			"key": key,
			"fid": format!("0x{}", hex::encode(entry.fid.0)),
			"size": row.as_ref().map(|row| row.size),
			"etag": row.as_ref().map(|row| row.etag.clone()),
			"content_type": row.as_ref().map(|row| row.content_type.clone()),
			"modified_ms": row.as_ref().map(|row| row.modified_ms),
		}));
	}
	objects.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
	Ok(Json(json!({"bucket": bucket, "prefix": prefix, "objects": objects})).into_response())
}

/// `GET /v1/location/{bucket}/{key}`.
pub async fn location(
	State(gateway): State<Arc<Gateway>>,
	Path((bucket, key)): Path<(String, String)>,
	request: Request,
) -> Result<Response, ApiError> {
	let (owner, _) = authenticate_bodiless(&gateway, request, Scope::ReadShare).await?;
	let fid = object_fid(&gateway, &owner, &bucket, &key).await?;
	let chain = gateway.chain();
	let record =
		chain.file(&deoss_primitives::Fid(fid)).await.map_err(chain_error)?.ok_or_else(|| {
			ApiError::not_found("no_such_file", "the object's file is not stored")
		})?;
	let layout = record.layout();
	let columns = usize::from(layout.column_count());
	let mut slots = Vec::with_capacity(record.miners.len());
	for (slot, miner) in record.miners.iter().enumerate() {
		let info = chain.miner(miner).await.map_err(chain_error)?;
		slots.push(json!({
			"slot": slot,
			"column": slot % columns.max(1),
			"replica": slot / columns.max(1),
			"miner": ss58(miner),
			"region": info.as_ref().map(|info| String::from_utf8_lossy(&info.region).into_owned()),
			"endpoint": info.as_ref().map(|info| info.endpoint()),
		}));
	}
	Ok(Json(json!({
		"bucket": bucket,
		"key": key,
		"fid": format!("0x{}", hex::encode(fid)),
		"payload_size": record.size,
		"stored_at": record.stored_at,
		"layout": {"data": layout.data_shards, "parity": layout.parity_shards, "segment_size": layout.segment_size, "chunk_size": layout.chunk_size, "replicas": layout.replicas},
		"regions": record.regions.iter().map(|region| String::from_utf8_lossy(region).into_owned()).collect::<Vec<_>>(),
		"slots": slots,
	}))
	.into_response())
}
