//! Batch transfers, signed like every REST request:
//!
//! * `POST /v1/batch/{bucket}`: several files in one `multipart/form-data` body (each
//!   part's file name, or field name, is its key), all declared together; the answer
//!   lists each object's FID or why it failed. The raw body is staged on disk while its
//!   digest is taken, so the signature covers every byte before anything is parsed.
//! * `POST /v1/batch/{bucket}/download` with `{"keys": [...]}`: the objects streamed as
//!   one tar archive, each verified against its FID before it is written.

use std::{path::PathBuf, sync::Arc};

use axum::{
	body::Body,
	extract::{Path, Request, State},
	http::{header, StatusCode},
	response::{IntoResponse, Response},
	Json,
};
use blake2::{digest::consts::U32, Blake2b, Digest as _};
use bytes::Bytes;
use deoss_chain::{AccountId, Scope};
use deoss_protocol::server::ApiError;
use futures::{stream, StreamExt};
use md5::Digest as _;
use serde::Deserialize;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::{s3::ChannelWriter, state::now_ms, Gateway};

/// Files of one batch at most.
pub const MAX_FILES: usize = 100;
/// Puts of one batch in flight at once.
const PARALLEL_PUTS: usize = 4;

struct Staged(PathBuf);

impl Drop for Staged {
	fn drop(&mut self) {
		let _ = std::fs::remove_file(&self.0);
	}
}

fn internal(error: impl std::fmt::Display) -> ApiError {
	ApiError::internal(error.to_string())
}

/// `POST /v1/batch/{bucket}`.
pub async fn upload(
	State(gateway): State<Arc<Gateway>>,
	Path(bucket): Path<String>,
	request: Request,
) -> Result<Response, ApiError> {
	let started = now_ms();
	let (parts, body) = request.into_parts();
	let path = parts
		.uri
		.path_and_query()
		.map_or_else(|| parts.uri.path().to_string(), |pq| pq.as_str().to_string());
	let boundary = parts
		.headers
		.get(header::CONTENT_TYPE)
		.and_then(|value| value.to_str().ok())
		.and_then(|text| multer::parse_boundary(text).ok())
		.ok_or_else(|| {
			ApiError::bad_request(
				"not_multipart",
				"the body must be multipart/form-data with a boundary",
			)
		})?;

	// Signature, clock, replay and authorization before the body is read; then the raw
	// body to disk, hashed, and held to the digest signed before a byte of it is parsed.
	let (owner, claimed) =
		crate::objects::authenticate_before_body(&gateway, &parts, &path, Scope::Upload, started)
			.await?;
	let raw = Staged(gateway.state.staging_file("batch"));
	let mut file = tokio::fs::File::create(&raw.0).await.map_err(internal)?;
	let mut hasher = Blake2b::<U32>::new();
	let mut incoming = body.into_data_stream();
	while let Some(chunk) = incoming.next().await {
		let chunk =
			chunk.map_err(|error| ApiError::bad_request("incomplete_body", error.to_string()))?;
		hasher.update(&chunk);
		file.write_all(&chunk).await.map_err(internal)?;
	}
	file.flush().await.map_err(internal)?;
	drop(file);
	let digest: [u8; 32] = hasher.finalize().into();
	if digest != claimed {
		return Err(ApiError::from(deoss_protocol::AuthError::DigestMismatch));
	}
	crate::objects::require_bucket(&gateway, &owner, &bucket).await?;

	// Each part to a file of its own.
	let reader = tokio::fs::File::open(&raw.0).await.map_err(internal)?;
	let mut multipart = multer::Multipart::new(tokio_util::io::ReaderStream::new(reader), boundary);
	let mut files: Vec<(String, String, Staged, u64, [u8; 16])> = Vec::new();
	while let Some(mut field) = multipart
		.next_field()
		.await
		.map_err(|error| ApiError::bad_request("malformed_multipart", error.to_string()))?
	{
		let key = field
			.file_name()
			.or(field.name())
			.map(str::to_string)
			.filter(|key| !key.is_empty())
			.ok_or_else(|| {
				ApiError::bad_request(
					"no_key",
					"every part needs a file name (or a field name): its key",
				)
			})?;
		if files.iter().any(|(known, ..)| *known == key) {
			return Err(ApiError::bad_request("duplicate_key", format!("{key} appears twice")));
		}
		if files.len() == MAX_FILES {
			return Err(ApiError::bad_request(
				"too_many_files",
				format!("at most {MAX_FILES} files per batch"),
			));
		}
		let content_type = field
			.content_type()
			.map_or_else(|| "application/octet-stream".to_string(), |mime| mime.to_string());
		let staged = Staged(gateway.state.staging_file("batch-part"));
		let mut out = tokio::fs::File::create(&staged.0).await.map_err(internal)?;
		let (mut size, mut md5) = (0u64, md5::Md5::new());
		while let Some(chunk) = field
			.chunk()
			.await
			.map_err(|error| ApiError::bad_request("malformed_multipart", error.to_string()))?
		{
			size += chunk.len() as u64;
			md5::Digest::update(&mut md5, &chunk);
			out.write_all(&chunk).await.map_err(internal)?;
		}
		out.flush().await.map_err(internal)?;
		files.push((key, content_type, staged, size, md5::Digest::finalize(md5).into()));
	}
	if files.is_empty() {
		return Err(ApiError::bad_request("no_files", "the batch holds no file"));
	}

	// All declared together, a few in flight at once.
	let jobs: Vec<_> = files
		.iter()
		.map(|(key, content_type, staged, size, md5)| {
			(key.clone(), content_type.clone(), staged.0.clone(), *size, *md5)
		})
		.collect();
	let results: Vec<serde_json::Value> = stream::iter(jobs)
		.map(|(key, content_type, path, size, md5)| {
			let gateway = gateway.clone();
			let bucket = bucket.clone();
			async move {
				match put_one(&gateway, owner, &bucket, &key, &content_type, &path, size, md5).await
				{
					Ok(fid) => {
						json!({"key": key, "fid": fid, "size": size, "etag": hex::encode(md5)})
					}
					Err(error) => {
						json!({"key": key, "error": error.body.error, "reason": error.body.reason})
					}
				}
			}
		})
		.buffered(PARALLEL_PUTS)
		.collect()
		.await;
	let failed = results.iter().filter(|result| result.get("error").is_some()).count();
	let status = if failed == 0 { StatusCode::CREATED } else { StatusCode::MULTI_STATUS };
	gateway.metrics.request("rest", "batch", status.as_u16());
	Ok((status, Json(json!({"bucket": bucket, "stored": results.len() - failed, "failed": failed, "objects": results}))).into_response())
}

#[allow(clippy::too_many_arguments)]
async fn put_one(
	gateway: &Gateway,
	owner: AccountId,
	bucket: &str,
	key: &str,
	content_type: &str,
	path: &std::path::Path,
	size: u64,
	md5: [u8; 16],
) -> Result<String, ApiError> {
	let staged = crate::Staged {
		owner,
		bucket,
		key,
		path,
		size,
		etag: hex::encode(md5),
		content_type: content_type.into(),
		metadata: Vec::new(),
		regions: gateway.regions.clone(),
		layout: gateway.layout,
		options: Default::default(),
	};
	let (outcome, _) = gateway.store(staged).await.map_err(crate::objects::store_error)?;
	Ok(format!("0x{}", hex::encode(outcome.fid.0)))
}

/// What to download.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wanted {
	/// Keys in the bucket.
	keys: Vec<String>,
}

/// `POST /v1/batch/{bucket}/download`.
pub async fn download(
	State(gateway): State<Arc<Gateway>>,
	Path(bucket): Path<String>,
	request: Request,
) -> Result<Response, ApiError> {
	let (owner, _, body) =
		crate::objects::authenticate_small(&gateway, request, Scope::ReadShare, 1 << 20).await?;
	let wanted: Wanted = serde_json::from_slice(&body).map_err(|error| {
		ApiError::bad_request("invalid_json", format!("expected {{\"keys\": [...]}}: {error}"))
	})?;
	if wanted.keys.is_empty() || wanted.keys.len() > MAX_FILES {
		return Err(ApiError::bad_request("keys", format!("name 1 to {MAX_FILES} keys")));
	}
	// Every key is resolved before the archive starts, so a missing one is a clean 404.
	let mut objects = Vec::with_capacity(wanted.keys.len());
	for key in &wanted.keys {
		let fid = deoss_primitives::Fid(
			crate::objects::object_fid(&gateway, &owner, &bucket, key).await?,
		);
		objects.push((key.clone(), fid));
	}

	let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
	let gateway = gateway.clone();
	tokio::spawn(async move {
		let errors = sender.clone();
		let (entries, entry_receiver) = std::sync::mpsc::sync_channel::<(String, Bytes)>(1);
		let writer = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
			let mut archive = tar::Builder::new(ChannelWriter(sender));
			for (key, bytes) in entry_receiver {
				let mut header = tar::Header::new_gnu();
				header.set_size(bytes.len() as u64);
				header.set_mode(0o644);
				header.set_mtime((now_ms() / 1000) as u64);
				archive.append_data(&mut header, &key, &bytes[..])?;
			}
			archive.finish()
		});
		for (key, fid) in objects {
			// Small enough objects come from (and go to) the cache.
			let size = match gateway.chain().file(&fid).await {
				Ok(Some(record)) => record.size,
				_ => u64::MAX,
			};
			let bytes = match gateway.cached(&fid.0, size).await {
				Ok(Some(bytes)) => Ok(bytes),
				Ok(None) | Err(_) => gateway
					.client
					.get_bytes(deoss_client::GetRequest::new(deoss_client::Target::Fid(fid)))
					.await
					.map(Bytes::from),
			};
			match bytes {
				Ok(bytes) => {
					gateway.metrics.bytes("out", bytes.len() as u64);
					if entries.send((key, bytes)).is_err() {
						break;
					}
				}
				Err(error) => {
					tracing::warn!(%key, %error, "batch download failed");
					drop(entries);
					let _ =
						errors.send(Err(std::io::Error::other(format!("{key}: {error}")))).await;
					return;
				}
			}
		}
		drop(entries);
		if let Ok(Err(error)) = writer.await {
			let _ = errors.send(Err(error)).await;
		}
	});
	let stream = futures::stream::poll_fn({
		let mut receiver = receiver;
		move |cx| receiver.poll_recv(cx)
	});
	Response::builder()
		.header(header::CONTENT_TYPE, "application/x-tar")
		.header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{bucket}.tar\""))
		.body(Body::from_stream(stream))
		.map_err(internal)
}
