//! Resumable uploads with the tus 1.0 protocol (core, `creation` and `termination`)
//! under `/v1/uploads`, so browsers and tus clients resume after a reload or a broken
//! connection, and across a restart of the gateway.
//!
//! The creation request (`POST /v1/uploads`, `Upload-Length`, `Upload-Metadata` with
//! `bucket`, `key` and optionally `filetype`/`content-type`, `regions`) is signed with
//! the owner's key like every REST request; the upload URL it answers holds a random
//! 32-character id that stands for that grant: `HEAD` tells the offset, `PATCH` appends
//! at it, `DELETE` drops the upload. The bytes are staged on disk and the offset is the
//! staged file's length, recorded in the database; the `PATCH` that completes the
//! upload answers once the chain stored the object.

use std::{collections::HashMap, sync::Arc};

use axum::{
	body::Body,
	extract::{Path, Request, State},
	http::{header, HeaderMap, HeaderValue, Method, StatusCode},
	response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use deoss_chain::Scope;
use deoss_protocol::server::ApiError;
use futures::StreamExt;
use md5::Digest as _;
use tokio::io::AsyncWriteExt;

use crate::{
	objects::authenticate,
	state::{now_ms, TusUpload},
	Gateway,
};

/// The protocol version spoken.
pub const TUS_VERSION: &str = "1.0.0";
/// Largest upload accepted.
pub const MAX_UPLOAD: u64 = 64 << 30;
/// Where uploads are created.
pub const UPLOADS_PATH: &str = "/v1/uploads";

fn tus_headers(response: &mut Response) {
	let headers = response.headers_mut();
	headers.insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
	headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn answer(status: StatusCode, pairs: &[(&'static str, String)]) -> Response {
	let mut response = status.into_response();
	tus_headers(&mut response);
	for (name, value) in pairs {
		if let Ok(value) = HeaderValue::from_str(value) {
			response.headers_mut().insert(*name, value);
		}
	}
	response
}

fn refused(error: ApiError) -> Response {
	let mut response = error.into_response();
	tus_headers(&mut response);
	response
}

fn header_u64(headers: &HeaderMap, name: &str) -> Result<Option<u64>, ApiError> {
	match headers.get(name) {
		None => Ok(None),
		Some(value) => {
			value.to_str().ok().and_then(|text| text.trim().parse().ok()).map(Some).ok_or_else(
				|| ApiError::bad_request("invalid_header", format!("{name} is not a number")),
			)
		}
	}
}

fn check_version(headers: &HeaderMap) -> Result<(), ApiError> {
	match headers.get("tus-resumable").and_then(|value| value.to_str().ok()) {
		Some(TUS_VERSION) => Ok(()),
		_ => Err(ApiError::new(
			StatusCode::PRECONDITION_FAILED,
			"tus_version",
			format!("send Tus-Resumable: {TUS_VERSION}"),
		)),
	}
}

/// `Upload-Metadata`: comma-separated `key base64(value)` pairs.
fn metadata(headers: &HeaderMap) -> Result<HashMap<String, String>, ApiError> {
	let Some(value) = headers.get("upload-metadata") else { return Ok(HashMap::new()) };
	let text = value
		.to_str()
		.map_err(|_| ApiError::bad_request("invalid_metadata", "Upload-Metadata is not text"))?;
	let mut pairs = HashMap::new();
	for pair in text.split(',').map(str::trim).filter(|pair| !pair.is_empty()) {
		let (name, encoded) = pair.split_once(' ').unwrap_or((pair, ""));
		let decoded = BASE64
			.decode(encoded.trim())
			.ok()
			.and_then(|bytes| String::from_utf8(bytes).ok())
			.ok_or_else(|| {
				ApiError::bad_request(
					"invalid_metadata",
					format!("Upload-Metadata {name}: not base64 of UTF-8"),
				)
			})?;
		pairs.insert(name.to_string(), decoded);
	}
	Ok(pairs)
}

/// `OPTIONS /v1/uploads`: what this server speaks.
pub async fn options() -> Response {
	answer(
		StatusCode::NO_CONTENT,
		&[
			("tus-version", TUS_VERSION.into()),
			("tus-extension", "creation,termination".into()),
			("tus-max-size", MAX_UPLOAD.to_string()),
		],
	)
}

/// `POST /v1/uploads`: a new upload.
pub async fn create(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
	match create_inner(&gateway, request).await {
		Ok(response) => response,
		Err(error) => refused(error),
	}
}

async fn create_inner(gateway: &Gateway, request: Request) -> Result<Response, ApiError> {
	let started = now_ms();
	let (parts, _) = request.into_parts();
	check_version(&parts.headers)?;
	let owner = authenticate(
		gateway,
		&parts.headers,
		&Method::POST,
		UPLOADS_PATH,
		&deoss_protocol::auth::digest(b""),
		Scope::Upload,
		started,
	)
	.await?;
	let length = header_u64(&parts.headers, "upload-length")?.ok_or_else(|| {
		ApiError::bad_request(
			"no_length",
			"Upload-Length is needed (deferred lengths are not supported)",
		)
	})?;
	if length > MAX_UPLOAD {
		return Err(ApiError::new(
			StatusCode::PAYLOAD_TOO_LARGE,
			"too_large",
			format!("uploads are at most {MAX_UPLOAD} bytes"),
		));
	}
	let meta = metadata(&parts.headers)?;
	let bucket = meta
		.get("bucket")
		.cloned()
		.ok_or_else(|| ApiError::bad_request("no_bucket", "Upload-Metadata needs bucket"))?;
	let key = meta.get("key").or_else(|| meta.get("filename")).cloned().ok_or_else(|| {
		ApiError::bad_request("no_key", "Upload-Metadata needs key (or filename)")
	})?;
	if let Some(regions) = meta.get("regions") {
		deoss_protocol::parse_regions(regions)
			.map_err(|error| ApiError::bad_request("invalid_regions", error))?;
	}
	crate::objects::require_bucket(&gateway, &owner, &bucket).await?;
	let content_type = meta
		.get("content-type")
		.or_else(|| meta.get("filetype"))
		.cloned()
		.unwrap_or_else(|| "application/octet-stream".into());
	let upload = gateway
		.state
		.create_tus(
			&owner,
			&bucket,
			&key,
			length,
			&content_type,
			meta.get("regions").map(String::as_str),
		)
		.map_err(|error| ApiError::internal(error.to_string()))?;
	tokio::fs::File::create(gateway.state.tus_path(&upload.id))
		.await
		.map_err(|error| ApiError::internal(error.to_string()))?;
	tracing::info!(id = %upload.id, %bucket, %key, length, "tus upload created");
	Ok(answer(
		StatusCode::CREATED,
		&[("location", format!("{UPLOADS_PATH}/{}", upload.id)), ("upload-offset", "0".into())],
	))
}

fn find(gateway: &Gateway, id: &str) -> Result<TusUpload, ApiError> {
	gateway.state.tus(id).map_err(|error| ApiError::internal(error.to_string()))?.ok_or_else(|| {
		ApiError::not_found(
			"no_such_upload",
			format!("no upload {id} (finished, terminated or never created)"),
		)
	})
}

/// `HEAD /v1/uploads/{id}`: how far it got.
pub async fn head(State(gateway): State<Arc<Gateway>>, Path(id): Path<String>) -> Response {
	match find(&gateway, &id) {
		Ok(upload) => {
			let offset = staged_len(&gateway, &upload.id).await;
			answer(
				StatusCode::OK,
				&[
					("upload-offset", offset.to_string()),
					("upload-length", upload.length.to_string()),
				],
			)
		}
		Err(error) => {
			// HEAD answers carry no body.
			answer(error.status, &[])
		}
	}
}

async fn staged_len(gateway: &Gateway, id: &str) -> u64 {
	tokio::fs::metadata(gateway.state.tus_path(id)).await.map_or(0, |meta| meta.len())
}

/// `PATCH /v1/uploads/{id}`: bytes at `Upload-Offset`.
pub async fn patch(
	State(gateway): State<Arc<Gateway>>,
	Path(id): Path<String>,
	request: Request,
) -> Response {
	match patch_inner(&gateway, &id, request).await {
		Ok(response) => response,
		Err(error) => refused(error),
	}
}

async fn patch_inner(gateway: &Gateway, id: &str, request: Request) -> Result<Response, ApiError> {
	let (parts, body) = request.into_parts();
	check_version(&parts.headers)?;
	if parts.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok())
		!= Some("application/offset+octet-stream")
	{
		return Err(ApiError::new(
			StatusCode::UNSUPPORTED_MEDIA_TYPE,
			"content_type",
			"PATCH bodies are application/offset+octet-stream",
		));
	}
	let upload = find(gateway, id)?;
	let offset = header_u64(&parts.headers, "upload-offset")?
		.ok_or_else(|| ApiError::bad_request("no_offset", "Upload-Offset is needed"))?;
	let staged = staged_len(gateway, id).await;
	if offset != staged {
		return Err(ApiError::conflict(
			"offset_mismatch",
			format!("the upload is at offset {staged}, not {offset}: ask with HEAD"),
		));
	}
	let received = append(gateway, &upload, body, staged).await?;
	let offset = staged + received;
	if offset < upload.length {
		return Ok(answer(StatusCode::NO_CONTENT, &[("upload-offset", offset.to_string())]));
	}
	finish(gateway, &upload).await?;
	Ok(answer(StatusCode::NO_CONTENT, &[("upload-offset", offset.to_string())]))
}

/// Appends `body` to the staged bytes, never beyond the declared length; bytes that
/// arrived before a broken connection are kept.
async fn append(
	gateway: &Gateway,
	upload: &TusUpload,
	body: Body,
	staged: u64,
) -> Result<u64, ApiError> {
	let io = |error: std::io::Error| ApiError::internal(format!("staging: {error}"));
	let mut file = tokio::fs::OpenOptions::new()
		.append(true)
		.open(gateway.state.tus_path(&upload.id))
		.await
		.map_err(io)?;
	let mut received = 0u64;
	let mut stream = body.into_data_stream();
	let mut broken = None;
	while let Some(chunk) = stream.next().await {
		let chunk = match chunk {
			Ok(chunk) => chunk,
			Err(error) => {
				broken = Some(error.to_string());
				break;
			}
		};
		if staged + received + chunk.len() as u64 > upload.length {
			file.flush().await.map_err(io)?;
			return Err(ApiError::bad_request(
				"too_long",
				format!("more bytes than the declared Upload-Length {}", upload.length),
			));
		}
		file.write_all(&chunk).await.map_err(io)?;
		received += chunk.len() as u64;
	}
	file.flush().await.map_err(io)?;
	file.sync_data().await.map_err(io)?;
	gateway.metrics.bytes("in", received);
	if let Some(reason) = broken {
		tracing::info!(id = %upload.id, received, %reason, "tus PATCH broke off; the bytes received are kept");
		return Err(ApiError::bad_request("incomplete_body", reason));
	}
	Ok(received)
}

/// Stores a complete upload as its object and forgets the upload.
async fn finish(gateway: &Gateway, upload: &TusUpload) -> Result<(), ApiError> {
	let path = gateway.state.tus_path(&upload.id);
	let regions = match &upload.regions {
		Some(text) => deoss_protocol::parse_regions(text).map_err(ApiError::internal)?,
		None => gateway.regions.clone(),
	};
	let md5 = {
		let path = path.clone();
		tokio::task::spawn_blocking(move || -> std::io::Result<[u8; 16]> {
			use std::io::Read as _;
			let mut hasher = md5::Md5::new();
			let mut file = std::fs::File::open(path)?;
			let mut buffer = vec![0; 1 << 20];
			loop {
				let read = file.read(&mut buffer)?;
				if read == 0 {
					break;
				}
				hasher.update(&buffer[..read]);
			}
			Ok(hasher.finalize().into())
		})
		.await
		.map_err(|error| ApiError::internal(error.to_string()))?
		.map_err(|error| ApiError::internal(error.to_string()))?
	};
	let staged = crate::Staged {
		owner: upload.owner,
		bucket: &upload.bucket,
		key: &upload.key,
		path: &path,
		size: upload.length,
		etag: hex::encode(md5),
		content_type: upload.content_type.clone(),
		metadata: Vec::new(),
		regions,
		layout: gateway.layout,
		options: Default::default(),
	};
	let (outcome, _) = gateway.store(staged).await.map_err(crate::objects::store_error)?;
	gateway.state.delete_tus(&upload.id).map_err(|error| ApiError::internal(error.to_string()))?;
	tracing::info!(id = %upload.id, fid = %outcome.fid, "tus upload stored");
	Ok(())
}

/// `DELETE /v1/uploads/{id}`: drops the upload and its bytes.
pub async fn terminate(
	State(gateway): State<Arc<Gateway>>,
	Path(id): Path<String>,
	headers: HeaderMap,
) -> Response {
	if let Err(error) = check_version(&headers) {
		return refused(error);
	}
	match find(&gateway, &id) {
		Ok(upload) => match gateway.state.delete_tus(&upload.id) {
			Ok(()) => answer(StatusCode::NO_CONTENT, &[]),
			Err(error) => refused(ApiError::internal(error.to_string())),
		},
		Err(error) => refused(error),
	}
}
