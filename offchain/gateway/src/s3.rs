//! The S3-compatible API, on `s3s` (which parses requests, checks SigV4 header and
//! presigned signatures and aws-chunked bodies, and writes the XML).
//!
//! Buckets and keys are the caller's own: an access key stands for one account, and
//! `/<bucket>/<key>` names that account's object. What S3 needs beyond the chain's file
//! index (ETag, object size, content type, `x-amz-meta-*`, time) is kept in the
//! gateway's database, keyed by FID so a record of a replaced object is never used.
//!
//! Bodies are staged on disk while their MD5 and any declared `Content-MD5` or
//! `x-amz-checksum-*` (header or aws-chunked trailer) are computed; a mismatch is
//! `BadDigest` and nothing is declared. A PUT answers only once the chain stored the
//! file (`FileStored`), with an `x-deoss-fid` header.

use std::{
	io::Write as _,
	path::{Path, PathBuf},
	sync::Arc,
	time::{Duration, UNIX_EPOCH},
};

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use bytes::Bytes;
use deoss_chain::{AccountId, Scope};
use deoss_client::{ClientError, GetRequest, Target};
use futures::StreamExt;
use md5::{Digest, Md5};
use s3s::{
	auth::{S3Auth, SecretKey},
	checksum::ChecksumHasher,
	crypto::Checksum as _,
	dto::*,
	s3_error, S3Error, S3ErrorCode, S3Request, S3Response, S3Result, S3,
};
use tokio::io::AsyncWriteExt;

use crate::{
	state::{now_ms, Part as PartRow},
	Denied, Gateway, StoreError,
};

/// Header naming the FID an object was stored as.
pub const FID_HEADER: &str = "x-deoss-fid";
/// Header with the regions an object (PUT) or a bucket (CreateBucket) may be stored in.
pub const REGIONS_HEADER: &str = "x-deoss-regions";
/// Smallest part of a multipart upload but the last, as S3 requires.
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// Most parts of one multipart upload.
pub const MAX_PARTS: i32 = 10_000;
/// Counter of digests that matched, by where they were declared.
const CHECKSUMS_VERIFIED: &str = "deoss_gateway_checksums_verified_total";
/// Keys answered by one list request at most.
const MAX_KEYS: i32 = 1000;

/// Looks up the secret of an access key in the gateway's database.
pub struct Credentials(pub crate::state::State);

#[async_trait::async_trait]
impl S3Auth for Credentials {
	async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
		match self.0.credential(access_key) {
			Ok(Some(credential)) => Ok(SecretKey::from(credential.secret_key)),
			Ok(None) => Err(s3_error!(
				InvalidAccessKeyId,
				"unknown access key: get credentials with `deoss gateway credentials --gateway URL`"
			)),
			Err(error) => Err(internal(error)),
		}
	}
}

/// The S3 service.
#[derive(Clone)]
pub struct S3Gateway(pub Arc<Gateway>);

fn internal(error: impl std::fmt::Display) -> S3Error {
	tracing::warn!(%error, "S3 request failed");
	S3Error::with_message(S3ErrorCode::InternalError, error.to_string())
}

fn denied(denied: Denied) -> S3Error {
	S3Error::with_message(S3ErrorCode::AccessDenied, denied.to_string())
}

fn chain_error(error: deoss_chain::ChainError) -> S3Error {
	match &error {
		deoss_chain::ChainError::Rpc(_) => {
			S3Error::with_message(S3ErrorCode::ServiceUnavailable, format!("the chain: {error}"))
		}
		_ => internal(error),
	}
}

fn client_error(error: ClientError) -> S3Error {
	match error {
		ClientError::NotFound(reason) => S3Error::with_message(S3ErrorCode::NoSuchKey, reason),
		ClientError::Invalid(reason) => S3Error::with_message(S3ErrorCode::InvalidRequest, reason),
		ClientError::Chain(error) => chain_error(error),
		other => {
			let text = other.to_string();
			if text.contains("NotEnoughSpace")
				|| text.contains("SpaceNotActive")
				|| text.contains("NoSpace")
			{
				S3Error::with_message(
					S3ErrorCode::AccessDenied,
					format!("the owner's storage space does not allow this upload ({text}): buy, expand or renew space with `deoss space`"),
				)
			} else {
				internal(text)
			}
		}
	}
}

fn quoted(etag: &str) -> ETag {
	ETag::Strong(etag.to_string())
}

fn timestamp(ms: i64) -> Timestamp {
	Timestamp::from(UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64))
}

fn metadata_pairs(metadata: Option<Metadata>) -> Vec<(String, String)> {
	let mut pairs: Vec<(String, String)> = metadata.unwrap_or_default().into_iter().collect();
	pairs.sort();
	pairs
}

fn metadata_map(pairs: &[(String, String)]) -> Option<Metadata> {
	(!pairs.is_empty()).then(|| pairs.iter().cloned().collect())
}

/// What a staged body was.
struct Staged {
	size: u64,
	md5: [u8; 16],
}

/// Checksums a request declared (headers) or announced as trailers.
#[derive(Default)]
struct Declared {
	content_md5: Option<String>,
	crc32: Option<String>,
	crc32c: Option<String>,
	crc64nvme: Option<String>,
	sha1: Option<String>,
	sha256: Option<String>,
	trailer: Vec<String>,
}

impl Declared {
	fn from_request<T>(
		req: &S3Request<T>,
		content_md5: Option<String>,
		values: [Option<String>; 5],
	) -> Self {
		let [crc32, crc32c, crc64nvme, sha1, sha256] = values;
		let trailer = req
			.headers
			.get("x-amz-trailer")
			.and_then(|value| value.to_str().ok())
			.map(|text| text.split(',').map(|name| name.trim().to_ascii_lowercase()).collect())
			.unwrap_or_default();
		Self { content_md5, crc32, crc32c, crc64nvme, sha1, sha256, trailer }
	}

	fn wants(&self, name: &str, header: &Option<String>) -> bool {
		header.is_some() || self.trailer.iter().any(|trailer| trailer == name)
	}

	fn hasher(&self) -> ChecksumHasher {
		use s3s::crypto::{Crc32, Crc32c, Crc64Nvme, Sha1, Sha256};
		ChecksumHasher {
			crc32: self.wants("x-amz-checksum-crc32", &self.crc32).then(Crc32::new),
			crc32c: self.wants("x-amz-checksum-crc32c", &self.crc32c).then(Crc32c::new),
			sha1: self.wants("x-amz-checksum-sha1", &self.sha1).then(Sha1::new),
			sha256: self.wants("x-amz-checksum-sha256", &self.sha256).then(Sha256::new),
			crc64nvme: self.wants("x-amz-checksum-crc64nvme", &self.crc64nvme).then(Crc64Nvme::new),
		}
	}

	/// Compares what was computed with what was declared, in headers or trailers; how
	/// many digests matched, from headers and from trailers.
	fn verify(
		&self,
		md5: &[u8; 16],
		computed: &Checksum,
		trailers: Option<&http::HeaderMap>,
	) -> S3Result<(u64, u64)> {
		let mut verified = (0, 0);
		if let Some(declared) = &self.content_md5 {
			if BASE64.decode(declared.trim()).ok().as_deref() != Some(&md5[..]) {
				return Err(s3_error!(
					BadDigest,
					"the Content-MD5 you specified did not match what we received"
				));
			}
			verified.0 += 1;
		}
		let trailer = |name: &str| {
			trailers
				.and_then(|headers| headers.get(name))
				.and_then(|value| value.to_str().ok())
				.map(str::to_string)
		};
		for (name, declared, computed) in [
			("x-amz-checksum-crc32", &self.crc32, &computed.checksum_crc32),
			("x-amz-checksum-crc32c", &self.crc32c, &computed.checksum_crc32c),
			("x-amz-checksum-crc64nvme", &self.crc64nvme, &computed.checksum_crc64nvme),
			("x-amz-checksum-sha1", &self.sha1, &computed.checksum_sha1),
			("x-amz-checksum-sha256", &self.sha256, &computed.checksum_sha256),
		] {
			let from_trailer = declared.is_none();
			let expected = declared.clone().or_else(|| trailer(name));
			let announced = self.trailer.iter().any(|trailer| trailer == name);
			match expected {
				Some(expected) if Some(expected.trim()) != computed.as_deref() => {
					return Err(s3_error!(
						BadDigest,
						"the {name} you specified did not match what we received"
					));
				}
				Some(_) if from_trailer => verified.1 += 1,
				Some(_) => verified.0 += 1,
				None if announced => {
					return Err(s3_error!(
						InvalidRequest,
						"the trailer {name} was announced but not sent"
					));
				}
				None => {}
			}
		}
		Ok(verified)
	}
}

/// Streams `body` into `path`, hashing it; verifies the declared digests.
async fn stage(
	body: Option<StreamingBlob>,
	path: &Path,
	declared: &Declared,
	trailers: Option<s3s::TrailingHeaders>,
	metrics: &crate::metrics::Metrics,
) -> S3Result<Staged> {
	let mut file = tokio::fs::File::create(path).await.map_err(internal)?;
	let mut md5 = Md5::new();
	let mut hasher = declared.hasher();
	let mut size = 0u64;
	if let Some(mut body) = body {
		while let Some(chunk) = body.next().await {
			let chunk = chunk.map_err(|error| {
				S3Error::with_message(
					S3ErrorCode::IncompleteBody,
					format!("reading the body: {error}"),
				)
			})?;
			md5.update(&chunk);
			hasher.update(&chunk);
			size += chunk.len() as u64;
			file.write_all(&chunk).await.map_err(internal)?;
		}
	}
	file.flush().await.map_err(internal)?;
	file.sync_data().await.map_err(internal)?;
	let md5: [u8; 16] = md5.finalize().into();
	let trailers = trailers.and_then(|handle| handle.take());
	let (headers, trailed) = declared.verify(&md5, &hasher.finalize(), trailers.as_ref())?;
	metrics.add(CHECKSUMS_VERIFIED, "source=\"header\"".into(), headers);
	metrics.add(CHECKSUMS_VERIFIED, "source=\"trailer\"".into(), trailed);
	Ok(Staged { size, md5 })
}

/// Removes a staged file when dropped.
struct StagedFile(PathBuf);

impl Drop for StagedFile {
	fn drop(&mut self) {
		let _ = std::fs::remove_file(&self.0);
	}
}

/// A writer filled from a blocking thread (the SDK's download, an archive); the bytes
/// go to a response body.
pub(crate) struct ChannelWriter(
	pub(crate) tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
);

impl std::io::Write for ChannelWriter {
	fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
		self.0.blocking_send(Ok(Bytes::copy_from_slice(buffer))).map_err(|_| {
			std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
		})?;
		Ok(buffer.len())
	}

	fn flush(&mut self) -> std::io::Result<()> {
		Ok(())
	}
}

/// An object as S3 sees it.
struct Found {
	fid: [u8; 32],
	size: u64,
	etag: String,
	content_type: String,
	metadata: Vec<(String, String)>,
	modified_ms: i64,
}

impl S3Gateway {
	fn gateway(&self) -> &Gateway {
		&self.0
	}

	/// The account behind the request's access key, if the gateway may act for it in
	/// `scope`.
	async fn owner<T>(&self, req: &S3Request<T>, scope: Scope) -> S3Result<AccountId> {
		let credentials = req
			.credentials
			.as_ref()
			.ok_or_else(|| s3_error!(AccessDenied, "anonymous requests are not served: sign with the credentials of `deoss gateway credentials`"))?;
		let credential = self
			.gateway()
			.state
			.credential(&credentials.access_key)
			.map_err(internal)?
			.ok_or_else(|| s3_error!(InvalidAccessKeyId, "unknown access key"))?;
		self.gateway()
			.authorized(&credential.account, scope)
			.await
			.map_err(chain_error)?
			.map_err(denied)?;
		Ok(credential.account)
	}

	async fn require_bucket(&self, owner: &AccountId, bucket: &str) -> S3Result<()> {
		match self.gateway().chain().bucket(owner, bucket.as_bytes()).await.map_err(chain_error)? {
			Some(_) => Ok(()),
			None => Err(s3_error!(NoSuchBucket, "no bucket {bucket}")),
		}
	}

	/// The object `bucket/key` of `owner`, with what S3 needs of it.
	async fn find(&self, owner: &AccountId, bucket: &str, key: &str) -> S3Result<Found> {
		let chain = self.gateway().chain();
		let Some(fid) = chain
			.object_fid(owner, bucket.as_bytes(), key.as_bytes())
			.await
			.map_err(chain_error)?
		else {
			self.require_bucket(owner, bucket).await?;
			return Err(s3_error!(NoSuchKey, "no object {key} in {bucket}"));
		};
		let row = self.gateway().state.object(owner, bucket, key).map_err(internal)?;
		if let Some(row) = row.filter(|row| row.fid == fid.0) {
			return Ok(Found {
				fid: fid.0,
				size: row.size,
				etag: row.etag,
				content_type: row.content_type,
				metadata: row.metadata,
				modified_ms: row.modified_ms,
			});
		}
		// Stored by another client: its size and MD5 need a read (it may have a header).
		let record = chain
			.file(&fid)
			.await
			.map_err(chain_error)?
			.ok_or_else(|| s3_error!(NoSuchKey, "no stored file for {key}"))?;
		let bytes = match self.gateway().cached(&fid.0, record.size).await.map_err(client_error)? {
			Some(bytes) => bytes.to_vec(),
			None => self
				.gateway()
				.client
				.get_bytes(GetRequest::new(Target::Fid(fid)))
				.await
				.map_err(client_error)?,
		};
		Ok(Found {
			fid: fid.0,
			size: bytes.len() as u64,
			etag: hex::encode(Md5::digest(&bytes)),
			content_type: String::from_utf8_lossy(&record.meta.content_type).into_owned(),
			metadata: Vec::new(),
			modified_ms: 0,
		})
	}

	/// The regions a new object of `bucket` goes to: the request's header, the bucket's
	/// constraint, or the gateway's default.
	fn regions(
		&self,
		headers: &http::HeaderMap,
		owner: &AccountId,
		bucket: &str,
	) -> S3Result<Vec<[u8; 2]>> {
		if let Some(value) = headers.get(REGIONS_HEADER) {
			let text = value
				.to_str()
				.map_err(|_| s3_error!(InvalidArgument, "{REGIONS_HEADER} is not text"))?;
			return deoss_protocol::parse_regions(text).map_err(|error| {
				S3Error::with_message(
					S3ErrorCode::InvalidArgument,
					format!("{REGIONS_HEADER}: {error}"),
				)
			});
		}
		match self.gateway().state.bucket_regions(owner, bucket).map_err(internal)? {
			Some(text) => deoss_protocol::parse_regions(&text).map_err(internal),
			None => Ok(self.gateway().regions.clone()),
		}
	}

	/// Stores the staged file as `owner`'s `bucket/key` ([`Gateway::store`]).
	#[allow(clippy::too_many_arguments)]
	async fn store(
		&self,
		owner: AccountId,
		bucket: &str,
		key: &str,
		path: &Path,
		size: u64,
		etag: String,
		content_type: String,
		metadata: Vec<(String, String)>,
		regions: Vec<[u8; 2]>,
	) -> S3Result<(deoss_primitives::Fid, i64)> {
		let gateway = self.gateway();
		let staged = crate::Staged {
			owner,
			bucket,
			key,
			path,
			size,
			etag,
			content_type,
			metadata,
			regions,
			layout: gateway.layout,
			options: Default::default(),
		};
		match gateway.store(staged).await {
			Ok((outcome, modified_ms)) => Ok((outcome.fid, modified_ms)),
			Err(StoreError::BadKey) => Err(s3_error!(KeyTooLongError, "keys are 1 to 1024 bytes")),
			Err(StoreError::NoSuchBucket(bucket)) => {
				Err(s3_error!(NoSuchBucket, "no bucket {bucket}"))
			}
			Err(error @ StoreError::CannotReplace(_)) => {
				Err(S3Error::with_message(S3ErrorCode::AccessDenied, error.to_string()))
			}
			Err(StoreError::Client(error)) => Err(client_error(error)),
			Err(StoreError::State(error)) => Err(internal(error)),
		}
	}

	/// The object's bytes `range` as a body, streamed from the miners as they are
	/// verified.
	fn body(&self, fid: [u8; 32], range: std::ops::Range<u64>, whole: bool) -> StreamingBlob {
		let (sender, receiver) = tokio::sync::mpsc::channel(16);
		let client = self.gateway().client.clone();
		let metrics = self.gateway().metrics.clone();
		let length = range.end - range.start;
		tokio::spawn(async move {
			let mut request = GetRequest::new(Target::Fid(deoss_primitives::Fid(fid)));
			if !whole {
				request.range = Some((range.start, range.end));
			}
			let errors = sender.clone();
			match client.get(request, ChannelWriter(sender)).await {
				Ok(report) => {
					metrics.bytes("out", length);
					metrics.add(
						crate::FRAGMENTS_FETCHED,
						String::new(),
						u64::from(report.fragments),
					);
				}
				Err(error) => {
					tracing::warn!(%error, "GET failed while streaming");
					let _ = errors.send(Err(std::io::Error::other(error.to_string()))).await;
				}
			}
		});
		StreamingBlob::wrap(tokio_stream(receiver))
	}

	fn object_entry(key: String, found: &Found) -> Object {
		Object {
			key: Some(key),
			size: Some(found.size as i64),
			e_tag: Some(quoted(&found.etag)),
			last_modified: Some(timestamp(found.modified_ms)),
			storage_class: Some(ObjectStorageClass::from_static(ObjectStorageClass::STANDARD)),
			..Default::default()
		}
	}

	/// The keys of `owner`'s `bucket` in order, with what S3 lists of each.
	async fn listing(&self, owner: &AccountId, bucket: &str) -> S3Result<Vec<(String, Found)>> {
		self.require_bucket(owner, bucket).await?;
		let entries = self
			.gateway()
			.client
			.list(Some(*owner), Some(bucket.as_bytes()))
			.await
			.map_err(client_error)?;
		let mut listed = Vec::with_capacity(entries.len());
		for entry in entries {
			let key = String::from_utf8_lossy(&entry.name).into_owned();
			let row = self.gateway().state.object(owner, bucket, &key).map_err(internal)?;
			let found = match row.filter(|row| row.fid == entry.fid.0) {
				Some(row) => Found {
					fid: row.fid,
					size: row.size,
					etag: row.etag,
					content_type: row.content_type,
					metadata: row.metadata,
					modified_ms: row.modified_ms,
				},
				// Stored by another client: listed with the stored size and its FID as ETag.
				None => {
					let record =
						self.gateway().chain().file(&entry.fid).await.map_err(chain_error)?;
					Found {
						fid: entry.fid.0,
						size: record.map_or(0, |record| record.size),
						etag: hex::encode(&entry.fid.0[..16]),
						content_type: String::new(),
						metadata: Vec::new(),
						modified_ms: 0,
					}
				}
			};
			listed.push((key, found));
		}
		listed.sort_by(|a, b| a.0.cmp(&b.0));
		Ok(listed)
	}
}

fn tokio_stream(
	mut receiver: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static {
	futures::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

/// Keys after `after` under `prefix`, folded at `delimiter`, at most `max` entries
/// (keys and common prefixes together); and whether more remain, with the last entry.
struct Page {
	objects: Vec<(String, usize)>,
	prefixes: Vec<String>,
	truncated: bool,
	last: Option<String>,
}

impl Page {
	/// The page as S3 lists it: the objects, then the common prefixes.
	fn entries(&self, listing: &[(String, Found)]) -> (Vec<Object>, Vec<CommonPrefix>) {
		let objects = self
			.objects
			.iter()
			.map(|(key, index)| S3Gateway::object_entry(key.clone(), &listing[*index].1))
			.collect();
		let prefixes = self
			.prefixes
			.iter()
			.map(|prefix| CommonPrefix { prefix: Some(prefix.clone()) })
			.collect();
		(objects, prefixes)
	}
}

fn page(
	keys: &[(String, Found)],
	prefix: &str,
	delimiter: Option<&str>,
	after: Option<&str>,
	max: usize,
) -> Page {
	let mut page = Page { objects: Vec::new(), prefixes: Vec::new(), truncated: false, last: None };
	for (index, (key, _)) in keys.iter().enumerate() {
		if !key.starts_with(prefix) || after.is_some_and(|after| key.as_str() <= after) {
			continue;
		}
		let folded = delimiter.filter(|delimiter| !delimiter.is_empty()).and_then(|delimiter| {
			key[prefix.len()..]
				.find(delimiter)
				.map(|at| key[..prefix.len() + at + delimiter.len()].to_string())
		});
		if let Some(common) = &folded {
			if page.prefixes.last() == Some(common) {
				continue;
			}
			if after
				.is_some_and(|after| common.as_str() <= after && after.starts_with(common.as_str()))
			{
				continue;
			}
		}
		if page.objects.len() + page.prefixes.len() == max {
			page.truncated = true;
			break;
		}
		match folded {
			Some(common) => {
				page.last = Some(common.clone());
				page.prefixes.push(common);
			}
			None => {
				page.last = Some(key.clone());
				page.objects.push((key.clone(), index));
			}
		}
	}
	page
}

fn max_keys(value: Option<i32>) -> S3Result<usize> {
	match value {
		None => Ok(MAX_KEYS as usize),
		Some(keys) if keys < 0 => Err(s3_error!(InvalidArgument, "max-keys must not be negative")),
		Some(keys) => Ok(keys.min(MAX_KEYS) as usize),
	}
}

fn checksum_values(values: [&Option<String>; 5]) -> [Option<String>; 5] {
	values.map(Clone::clone)
}

fn multipart_etag(md5s: &[[u8; 16]]) -> String {
	let mut hasher = Md5::new();
	for md5 in md5s {
		hasher.update(md5);
	}
	format!("{}-{}", hex::encode(hasher.finalize()), md5s.len())
}

fn fid_headers(fid: &deoss_primitives::Fid) -> http::HeaderMap {
	let mut headers = http::HeaderMap::new();
	if let Ok(value) = http::HeaderValue::from_str(&format!("0x{}", hex::encode(fid.0))) {
		headers.insert(FID_HEADER, value);
	}
	headers
}

fn parse_etag(etag: &Option<ETag>) -> Option<String> {
	etag.as_ref().map(|etag| etag.value().trim_matches('"').to_string())
}

fn bucket_error(error: deoss_chain::ChainError, bucket: &str) -> S3Error {
	let text = error.to_string();
	if text.contains("BucketName") {
		S3Error::with_message(
			S3ErrorCode::InvalidBucketName,
			format!("{bucket:?} breaks the S3 bucket name rules ({text})"),
		)
	} else if text.contains("BucketExists") {
		S3Error::with_message(
			S3ErrorCode::BucketAlreadyOwnedByYou,
			format!("you own {bucket} already"),
		)
	} else if text.contains("BucketNotEmpty") {
		S3Error::with_message(S3ErrorCode::BucketNotEmpty, format!("{bucket} still holds objects"))
	} else if text.contains("BucketNotFound") {
		S3Error::with_message(S3ErrorCode::NoSuchBucket, format!("no bucket {bucket}"))
	} else if text.contains("TooManyBuckets") {
		S3Error::with_message(S3ErrorCode::TooManyBuckets, text)
	} else if text.contains("NoSpace") || text.contains("SpaceNotActive") {
		S3Error::with_message(
			S3ErrorCode::AccessDenied,
			format!("buckets need storage space: buy it with `deoss space buy` ({text})"),
		)
	} else {
		chain_error(error)
	}
}

#[async_trait::async_trait]
impl S3 for S3Gateway {
	async fn list_buckets(
		&self,
		req: S3Request<ListBucketsInput>,
	) -> S3Result<S3Response<ListBucketsOutput>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		let chain = self.gateway().chain();
		let mut buckets = Vec::new();
		for name in chain.buckets(&owner).await.map_err(chain_error)? {
			buckets.push(Bucket {
				name: Some(String::from_utf8_lossy(&name).into_owned()),
				creation_date: Some(timestamp(0)),
				..Default::default()
			});
		}
		Ok(S3Response::new(ListBucketsOutput {
			buckets: Some(buckets),
			owner: Some(Owner { id: Some(deoss_chain::signer::ss58(&owner)), display_name: None }),
			..Default::default()
		}))
	}

	async fn create_bucket(
		&self,
		req: S3Request<CreateBucketInput>,
	) -> S3Result<S3Response<CreateBucketOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let bucket = req.input.bucket.clone();
		let constraint = req
			.input
			.create_bucket_configuration
			.as_ref()
			.and_then(|configuration| configuration.location_constraint.as_ref())
			.map(|constraint| constraint.as_str().to_string());
		let regions = match (req.headers.get(REGIONS_HEADER), constraint) {
			(Some(value), _) => Some(value.to_str().unwrap_or_default().to_string()),
			(None, Some(constraint)) if constraint != "us-east-1" && !constraint.is_empty() => {
				Some(constraint)
			}
			_ => None,
		};
		let regions = regions
			.map(|text| {
				deoss_protocol::parse_regions(&text).map_err(|error| {
					S3Error::with_message(S3ErrorCode::InvalidLocationConstraint, format!("the location is a list of ISO 3166-1 region codes or EU, such as DE,FR: {error}"))
				})
			})
			.transpose()?;
		let gateway = self.gateway();
		gateway
			.chain()
			.submit(
				&deoss_chain::calls::create_bucket_for(&owner, bucket.as_bytes()),
				gateway.client.signer(),
			)
			.await
			.map_err(|error| bucket_error(error, &bucket))?;
		if let Some(regions) = regions {
			gateway.state.set_bucket_regions(&owner, &bucket, &regions).map_err(internal)?;
		}
		Ok(S3Response::new(CreateBucketOutput {
			location: Some(format!("/{bucket}")),
			..Default::default()
		}))
	}

	async fn delete_bucket(
		&self,
		req: S3Request<DeleteBucketInput>,
	) -> S3Result<S3Response<DeleteBucketOutput>> {
		let owner = self.owner(&req, Scope::Delete).await?;
		let bucket = req.input.bucket.clone();
		self.require_bucket(&owner, &bucket).await?;
		let gateway = self.gateway();
		gateway
			.chain()
			.submit(
				&deoss_chain::calls::delete_bucket_for(&owner, bucket.as_bytes()),
				gateway.client.signer(),
			)
			.await
			.map_err(|error| bucket_error(error, &bucket))?;
		gateway.state.delete_bucket(&owner, &bucket).map_err(internal)?;
		Ok(S3Response::new(DeleteBucketOutput {}))
	}

	async fn head_bucket(
		&self,
		req: S3Request<HeadBucketInput>,
	) -> S3Result<S3Response<HeadBucketOutput>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		self.require_bucket(&owner, &req.input.bucket).await?;
		Ok(S3Response::new(HeadBucketOutput::default()))
	}

	async fn get_bucket_location(
		&self,
		req: S3Request<GetBucketLocationInput>,
	) -> S3Result<S3Response<GetBucketLocationOutput>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		let bucket = &req.input.bucket;
		self.require_bucket(&owner, bucket).await?;
		let regions = self.regions(&http::HeaderMap::new(), &owner, bucket)?;
		let text: Vec<String> =
			regions.iter().map(|region| String::from_utf8_lossy(region).into_owned()).collect();
		Ok(S3Response::new(GetBucketLocationOutput {
			location_constraint: Some(BucketLocationConstraint::from(text.join(","))),
		}))
	}

	async fn put_object(
		&self,
		req: S3Request<PutObjectInput>,
	) -> S3Result<S3Response<PutObjectOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let bucket = req.input.bucket.clone();
		let key = req.input.key.clone();
		self.require_bucket(&owner, &bucket).await?;
		let regions = self.regions(&req.headers, &owner, &bucket)?;
		let input = &req.input;
		let declared = Declared::from_request(
			&req,
			input.content_md5.clone(),
			checksum_values([
				&input.checksum_crc32,
				&input.checksum_crc32c,
				&input.checksum_crc64nvme,
				&input.checksum_sha1,
				&input.checksum_sha256,
			]),
		);
		let content_type =
			input.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into());
		let metadata = metadata_pairs(input.metadata.clone());
		let trailers = req.trailing_headers.clone();
		let path = StagedFile(self.gateway().state.staging_file("put"));
		let mut req = req;
		let staged =
			stage(req.input.body.take(), &path.0, &declared, trailers, &self.gateway().metrics)
				.await?;
		let etag = hex::encode(staged.md5);
		let (fid, _) = self
			.store(
				owner,
				&bucket,
				&key,
				&path.0,
				staged.size,
				etag.clone(),
				content_type,
				metadata,
				regions,
			)
			.await?;
		let mut response = S3Response::new(PutObjectOutput {
			e_tag: Some(quoted(&etag)),
			size: Some(staged.size as i64),
			..Default::default()
		});
		response.headers = fid_headers(&fid);
		Ok(response)
	}

	async fn get_object(
		&self,
		req: S3Request<GetObjectInput>,
	) -> S3Result<S3Response<GetObjectOutput>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		let found = self.find(&owner, &req.input.bucket, &req.input.key).await?;
		let (range, content_range) = match &req.input.range {
			None => (0..found.size, None),
			Some(range) => {
				let checked = range.check(found.size).map_err(|_| {
					s3_error!(
						InvalidRange,
						"the range is not satisfiable for an object of {} bytes",
						found.size
					)
				})?;
				let text = format!(
					"bytes {}-{}/{}",
					checked.start,
					checked.end.saturating_sub(1),
					found.size
				);
				(checked, Some(text))
			}
		};
		let whole = content_range.is_none();
		let length = range.end - range.start;
		let body = if length == 0 {
			StreamingBlob::from(s3s::Body::empty())
		} else {
			match self.gateway().cached(&found.fid, found.size).await.map_err(client_error)? {
				Some(bytes) => {
					self.gateway().metrics.bytes("out", length);
					StreamingBlob::from(s3s::Body::from(
						bytes.slice(range.start as usize..range.end as usize),
					))
				}
				None => self.body(found.fid, range, whole),
			}
		};
		let mut response = S3Response::new(GetObjectOutput {
			body: Some(body),
			content_length: Some(length as i64),
			content_range,
			accept_ranges: Some("bytes".into()),
			content_type: Some(found.content_type.clone()),
			e_tag: Some(quoted(&found.etag)),
			last_modified: Some(timestamp(found.modified_ms)),
			metadata: metadata_map(&found.metadata),
			..Default::default()
		});
		response.headers = fid_headers(&deoss_primitives::Fid(found.fid));
		Ok(response)
	}

	async fn head_object(
		&self,
		req: S3Request<HeadObjectInput>,
	) -> S3Result<S3Response<HeadObjectOutput>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		let found = self.find(&owner, &req.input.bucket, &req.input.key).await?;
		let mut response = S3Response::new(HeadObjectOutput {
			content_length: Some(found.size as i64),
			accept_ranges: Some("bytes".into()),
			content_type: Some(found.content_type.clone()),
			e_tag: Some(quoted(&found.etag)),
			last_modified: Some(timestamp(found.modified_ms)),
			metadata: metadata_map(&found.metadata),
			..Default::default()
		});
		response.headers = fid_headers(&deoss_primitives::Fid(found.fid));
		Ok(response)
	}

	async fn delete_object(
		&self,
		req: S3Request<DeleteObjectInput>,
	) -> S3Result<S3Response<DeleteObjectOutput>> {
		let owner = self.owner(&req, Scope::Delete).await?;
		let (bucket, key) = (&req.input.bucket, &req.input.key);
		self.require_bucket(&owner, bucket).await?;
		let gateway = self.gateway();
		// S3 answers a delete of a missing key with success.
		if gateway
			.chain()
			.object_fid(&owner, bucket.as_bytes(), key.as_bytes())
			.await
			.map_err(chain_error)?
			.is_some()
		{
			gateway
				.client
				.delete(Some(owner), bucket.as_bytes(), key.as_bytes())
				.await
				.map_err(client_error)?;
		}
		gateway.state.delete_object(&owner, bucket, key).map_err(internal)?;
		Ok(S3Response::new(DeleteObjectOutput::default()))
	}

	async fn delete_objects(
		&self,
		req: S3Request<DeleteObjectsInput>,
	) -> S3Result<S3Response<DeleteObjectsOutput>> {
		let owner = self.owner(&req, Scope::Delete).await?;
		let bucket = req.input.bucket.clone();
		self.require_bucket(&owner, &bucket).await?;
		if req.input.delete.objects.len() > 1000 {
			return Err(s3_error!(MalformedXML, "at most 1000 keys per DeleteObjects"));
		}
		let quiet = req.input.delete.quiet.unwrap_or(false);
		let gateway = self.gateway();
		let (mut deleted, mut errors) = (Vec::new(), Vec::new());
		for object in &req.input.delete.objects {
			let key = &object.key;
			let result = async {
				if gateway
					.chain()
					.object_fid(&owner, bucket.as_bytes(), key.as_bytes())
					.await
					.map_err(chain_error)?
					.is_some()
				{
					gateway
						.client
						.delete(Some(owner), bucket.as_bytes(), key.as_bytes())
						.await
						.map_err(client_error)?;
				}
				gateway.state.delete_object(&owner, &bucket, key).map_err(internal)
			}
			.await;
			match result {
				Ok(()) if !quiet => {
					deleted.push(DeletedObject { key: Some(key.clone()), ..Default::default() })
				}
				Ok(()) => {}
				Err(error) => errors.push(Error {
					code: Some(error.code().as_str().to_string()),
					key: Some(key.clone()),
					message: error.message().map(str::to_string),
					version_id: None,
				}),
			}
		}
		Ok(S3Response::new(DeleteObjectsOutput {
			deleted: Some(deleted),
			errors: Some(errors),
			..Default::default()
		}))
	}

	async fn copy_object(
		&self,
		req: S3Request<CopyObjectInput>,
	) -> S3Result<S3Response<CopyObjectOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let CopySource::Bucket { bucket: source_bucket, key: source_key, .. } =
			&req.input.copy_source
		else {
			return Err(s3_error!(NotImplemented, "copies from access points are not supported"));
		};
		self.gateway()
			.authorized(&owner, Scope::ReadShare)
			.await
			.map_err(chain_error)?
			.map_err(denied)?;
		let source = self.find(&owner, source_bucket, source_key).await?;
		let (bucket, key) = (req.input.bucket.clone(), req.input.key.clone());
		self.require_bucket(&owner, &bucket).await?;
		let replace = req
			.input
			.metadata_directive
			.as_ref()
			.is_some_and(|directive| directive.as_str() == MetadataDirective::REPLACE);
		if !replace && **source_bucket == *bucket && **source_key == *key {
			return Err(s3_error!(
				InvalidRequest,
				"copying an object onto itself needs the REPLACE metadata directive"
			));
		}
		let (content_type, metadata) = if replace {
			(
				req.input.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into()),
				metadata_pairs(req.input.metadata.clone()),
			)
		} else {
			(source.content_type.clone(), source.metadata.clone())
		};
		// The source's bytes, verified against its FID, staged for the new object.
		let bytes = self
			.gateway()
			.client
			.get_bytes(GetRequest::new(Target::Fid(deoss_primitives::Fid(source.fid))))
			.await
			.map_err(client_error)?;
		let path = StagedFile(self.gateway().state.staging_file("copy"));
		std::fs::File::create(&path.0)
			.and_then(|mut file| file.write_all(&bytes))
			.map_err(internal)?;
		let etag = hex::encode(Md5::digest(&bytes));
		let regions = self.regions(&req.headers, &owner, &bucket)?;
		let (fid, modified_ms) = self
			.store(
				owner,
				&bucket,
				&key,
				&path.0,
				bytes.len() as u64,
				etag.clone(),
				content_type,
				metadata,
				regions,
			)
			.await?;
		let mut response = S3Response::new(CopyObjectOutput {
			copy_object_result: Some(CopyObjectResult {
				e_tag: Some(quoted(&etag)),
				last_modified: Some(timestamp(modified_ms)),
				..Default::default()
			}),
			..Default::default()
		});
		response.headers = fid_headers(&fid);
		Ok(response)
	}

	async fn list_objects_v2(
		&self,
		req: S3Request<ListObjectsV2Input>,
	) -> S3Result<S3Response<ListObjectsV2Output>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		let input = &req.input;
		let max = max_keys(input.max_keys)?;
		let after = match &input.continuation_token {
			Some(token) => Some(
				BASE64
					.decode(token)
					.ok()
					.and_then(|bytes| String::from_utf8(bytes).ok())
					.ok_or_else(|| {
						s3_error!(
							InvalidArgument,
							"the continuation token is not one this gateway gave"
						)
					})?,
			),
			None => input.start_after.clone(),
		};
		let listing = self.listing(&owner, &input.bucket).await?;
		let prefix = input.prefix.clone().unwrap_or_default();
		let page = page(&listing, &prefix, input.delimiter.as_deref(), after.as_deref(), max);
		let (contents, prefixes) = page.entries(&listing);
		Ok(S3Response::new(ListObjectsV2Output {
			name: Some(input.bucket.clone()),
			prefix: Some(prefix),
			delimiter: input.delimiter.clone(),
			max_keys: Some(max as i32),
			key_count: Some((contents.len() + prefixes.len()) as i32),
			continuation_token: input.continuation_token.clone(),
			start_after: input.start_after.clone(),
			is_truncated: Some(page.truncated),
			next_continuation_token: page
				.truncated
				.then(|| page.last.as_ref().map(|last| BASE64.encode(last)))
				.flatten(),
			contents: Some(contents),
			common_prefixes: Some(prefixes),
			encoding_type: input.encoding_type.clone(),
			..Default::default()
		}))
	}

	async fn list_objects(
		&self,
		req: S3Request<ListObjectsInput>,
	) -> S3Result<S3Response<ListObjectsOutput>> {
		let owner = self.owner(&req, Scope::ReadShare).await?;
		let input = &req.input;
		let max = max_keys(input.max_keys)?;
		let listing = self.listing(&owner, &input.bucket).await?;
		let prefix = input.prefix.clone().unwrap_or_default();
		let page =
			page(&listing, &prefix, input.delimiter.as_deref(), input.marker.as_deref(), max);
		let (contents, prefixes) = page.entries(&listing);
		Ok(S3Response::new(ListObjectsOutput {
			name: Some(input.bucket.clone()),
			prefix: Some(prefix),
			marker: input.marker.clone(),
			delimiter: input.delimiter.clone(),
			max_keys: Some(max as i32),
			is_truncated: Some(page.truncated),
			next_marker: if page.truncated && input.delimiter.is_some() {
				page.last.clone()
			} else {
				None
			},
			contents: Some(contents),
			common_prefixes: Some(prefixes),
			encoding_type: input.encoding_type.clone(),
			..Default::default()
		}))
	}

	async fn create_multipart_upload(
		&self,
		req: S3Request<CreateMultipartUploadInput>,
	) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let input = &req.input;
		self.require_bucket(&owner, &input.bucket).await?;
		let content_type =
			input.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into());
		let upload = self
			.gateway()
			.state
			.create_upload(
				&owner,
				&input.bucket,
				&input.key,
				&content_type,
				&metadata_pairs(input.metadata.clone()),
			)
			.map_err(internal)?;
		Ok(S3Response::new(CreateMultipartUploadOutput {
			bucket: Some(input.bucket.clone()),
			key: Some(input.key.clone()),
			upload_id: Some(upload.upload_id),
			..Default::default()
		}))
	}

	async fn upload_part(
		&self,
		req: S3Request<UploadPartInput>,
	) -> S3Result<S3Response<UploadPartOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let input = &req.input;
		let upload = self.upload_of(&owner, &input.bucket, &input.key, &input.upload_id)?;
		if !(1..=MAX_PARTS).contains(&input.part_number) {
			return Err(s3_error!(InvalidArgument, "part numbers are 1 to {MAX_PARTS}"));
		}
		let number = input.part_number as u32;
		let declared = Declared::from_request(
			&req,
			input.content_md5.clone(),
			checksum_values([
				&input.checksum_crc32,
				&input.checksum_crc32c,
				&input.checksum_crc64nvme,
				&input.checksum_sha1,
				&input.checksum_sha256,
			]),
		);
		let state = self.gateway().state.clone();
		let trailers = req.trailing_headers.clone();
		// Staged beside the part, renamed into place once verified.
		let incoming = StagedFile(
			state.upload_dir(&upload.upload_id).join(format!("incoming-{number}-{}", now_ms())),
		);
		let mut req = req;
		let staged =
			stage(req.input.body.take(), &incoming.0, &declared, trailers, &self.gateway().metrics)
				.await?;
		std::fs::rename(&incoming.0, state.part_path(&upload.upload_id, number))
			.map_err(internal)?;
		state
			.put_part(
				&upload.upload_id,
				&PartRow { number, size: staged.size, md5: staged.md5, modified_ms: now_ms() },
			)
			.map_err(internal)?;
		Ok(S3Response::new(UploadPartOutput {
			e_tag: Some(quoted(&hex::encode(staged.md5))),
			..Default::default()
		}))
	}

	async fn complete_multipart_upload(
		&self,
		req: S3Request<CompleteMultipartUploadInput>,
	) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let input = &req.input;
		let upload = self.upload_of(&owner, &input.bucket, &input.key, &input.upload_id)?;
		let state = self.gateway().state.clone();
		let staged = state.parts(&upload.upload_id).map_err(internal)?;
		let requested = input
			.multipart_upload
			.as_ref()
			.and_then(|upload| upload.parts.clone())
			.unwrap_or_default();
		if requested.is_empty() {
			return Err(s3_error!(MalformedXML, "the request names no parts"));
		}
		let mut chosen = Vec::with_capacity(requested.len());
		let mut previous = 0;
		for part in &requested {
			let number = part.part_number.unwrap_or(0);
			if number <= previous {
				return Err(s3_error!(
					InvalidPartOrder,
					"parts must be listed in ascending order of part number"
				));
			}
			previous = number;
			let Some(row) = staged.iter().find(|row| row.number as i32 == number) else {
				return Err(s3_error!(InvalidPart, "part {number} was not uploaded"));
			};
			if parse_etag(&part.e_tag).is_some_and(|etag| etag != hex::encode(row.md5)) {
				return Err(s3_error!(
					InvalidPart,
					"part {number}'s ETag does not match the uploaded part"
				));
			}
			chosen.push(row.clone());
		}
		if let Some(small) =
			chosen[..chosen.len() - 1].iter().find(|part| part.size < MIN_PART_SIZE)
		{
			return Err(s3_error!(
				EntityTooSmall,
				"part {} has {} bytes; every part but the last needs at least 5 MiB",
				small.number,
				small.size
			));
		}
		// The parts, in order, as one staged object.
		let path = StagedFile(state.staging_file("multipart"));
		let (paths, size) = (
			chosen
				.iter()
				.map(|part| state.part_path(&upload.upload_id, part.number))
				.collect::<Vec<_>>(),
			chosen.iter().map(|part| part.size).sum::<u64>(),
		);
		let target = path.0.clone();
		tokio::task::spawn_blocking(move || -> std::io::Result<()> {
			let mut out = std::io::BufWriter::new(std::fs::File::create(&target)?);
			for part in paths {
				std::io::copy(&mut std::fs::File::open(part)?, &mut out)?;
			}
			out.into_inner().map_err(|error| error.into_error())?.sync_data()
		})
		.await
		.map_err(internal)?
		.map_err(internal)?;
		let etag = multipart_etag(&chosen.iter().map(|part| part.md5).collect::<Vec<_>>());
		let regions = self.regions(&req.headers, &owner, &upload.bucket)?;
		let (fid, _) = self
			.store(
				owner,
				&upload.bucket,
				&upload.key,
				&path.0,
				size,
				etag.clone(),
				upload.content_type.clone(),
				upload.metadata.clone(),
				regions,
			)
			.await?;
		state.delete_upload(&upload.upload_id).map_err(internal)?;
		let mut response = S3Response::new(CompleteMultipartUploadOutput {
			bucket: Some(upload.bucket.clone()),
			key: Some(upload.key.clone()),
			e_tag: Some(quoted(&etag)),
			location: Some(format!("/{}/{}", upload.bucket, upload.key)),
			..Default::default()
		});
		response.headers = fid_headers(&fid);
		Ok(response)
	}

	async fn abort_multipart_upload(
		&self,
		req: S3Request<AbortMultipartUploadInput>,
	) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let input = &req.input;
		let upload = self.upload_of(&owner, &input.bucket, &input.key, &input.upload_id)?;
		self.gateway().state.delete_upload(&upload.upload_id).map_err(internal)?;
		Ok(S3Response::new(AbortMultipartUploadOutput::default()))
	}

	async fn list_parts(
		&self,
		req: S3Request<ListPartsInput>,
	) -> S3Result<S3Response<ListPartsOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let input = &req.input;
		let upload = self.upload_of(&owner, &input.bucket, &input.key, &input.upload_id)?;
		let max = input.max_parts.unwrap_or(1000).clamp(0, 1000) as usize;
		let marker = input.part_number_marker.unwrap_or(0);
		let all = self.gateway().state.parts(&upload.upload_id).map_err(internal)?;
		let remaining: Vec<_> =
			all.into_iter().filter(|part| part.number as i32 > marker).collect();
		let truncated = remaining.len() > max;
		let parts: Vec<Part> = remaining
			.iter()
			.take(max)
			.map(|part| Part {
				part_number: Some(part.number as i32),
				size: Some(part.size as i64),
				e_tag: Some(quoted(&hex::encode(part.md5))),
				last_modified: Some(timestamp(part.modified_ms)),
				..Default::default()
			})
			.collect();
		Ok(S3Response::new(ListPartsOutput {
			bucket: Some(upload.bucket.clone()),
			key: Some(upload.key.clone()),
			upload_id: Some(upload.upload_id.clone()),
			max_parts: Some(max as i32),
			part_number_marker: input.part_number_marker,
			next_part_number_marker: parts.last().and_then(|part| part.part_number),
			is_truncated: Some(truncated),
			parts: Some(parts),
			..Default::default()
		}))
	}

	async fn list_multipart_uploads(
		&self,
		req: S3Request<ListMultipartUploadsInput>,
	) -> S3Result<S3Response<ListMultipartUploadsOutput>> {
		let owner = self.owner(&req, Scope::Upload).await?;
		let input = &req.input;
		self.require_bucket(&owner, &input.bucket).await?;
		let prefix = input.prefix.clone().unwrap_or_default();
		let max = input.max_uploads.unwrap_or(1000).clamp(0, 1000) as usize;
		let all = self.gateway().state.uploads(&owner, &input.bucket).map_err(internal)?;
		let matching: Vec<_> = all
			.into_iter()
			.filter(|upload| upload.key.starts_with(&prefix))
			.filter(|upload| {
				input.key_marker.as_ref().is_none_or(|marker| upload.key.as_str() > marker.as_str())
			})
			.collect();
		let truncated = matching.len() > max;
		let uploads: Vec<MultipartUpload> = matching
			.iter()
			.take(max)
			.map(|upload| MultipartUpload {
				key: Some(upload.key.clone()),
				upload_id: Some(upload.upload_id.clone()),
				initiated: Some(timestamp(upload.created_ms)),
				..Default::default()
			})
			.collect();
		Ok(S3Response::new(ListMultipartUploadsOutput {
			bucket: Some(input.bucket.clone()),
			prefix: Some(prefix),
			max_uploads: Some(max as i32),
			is_truncated: Some(truncated),
			next_key_marker: if truncated {
				uploads.last().and_then(|upload| upload.key.clone())
			} else {
				None
			},
			next_upload_id_marker: if truncated {
				uploads.last().and_then(|upload| upload.upload_id.clone())
			} else {
				None
			},
			uploads: Some(uploads),
			..Default::default()
		}))
	}
}

impl S3Gateway {
	/// The upload `upload_id` of `owner`'s `bucket/key`.
	fn upload_of(
		&self,
		owner: &AccountId,
		bucket: &str,
		key: &str,
		upload_id: &str,
	) -> S3Result<crate::state::Upload> {
		match self.gateway().state.upload(upload_id).map_err(internal)? {
			Some(upload)
				if upload.owner == *owner && upload.bucket == bucket && upload.key == key =>
			{
				Ok(upload)
			}
			_ => Err(s3_error!(NoSuchUpload, "no multipart upload {upload_id} of {bucket}/{key}")),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn found() -> Found {
		Found {
			fid: [0; 32],
			size: 1,
			etag: String::new(),
			content_type: String::new(),
			metadata: Vec::new(),
			modified_ms: 0,
		}
	}

	fn keys(names: &[&str]) -> Vec<(String, Found)> {
		names.iter().map(|name| (name.to_string(), found())).collect()
	}

	fn names(page: &Page) -> (Vec<&str>, Vec<&str>) {
		(
			page.objects.iter().map(|(key, _)| key.as_str()).collect(),
			page.prefixes.iter().map(String::as_str).collect(),
		)
	}

	#[test]
	fn listing_pages_fold_at_the_delimiter_and_continue_after_the_last_entry() {
		let listing = keys(&[
			"a",
			"dir/x",
			"dir/y",
			"dir2/z",
			"photos/2024/a.jpg",
			"photos/2024/b.jpg",
			"photos/c.jpg",
			"z",
		]);
		let all = page(&listing, "", Some("/"), None, 1000);
		assert_eq!(names(&all), (vec!["a", "z"], vec!["dir/", "dir2/", "photos/"]));
		assert!(!all.truncated);

		let first = page(&listing, "", Some("/"), None, 2);
		assert_eq!(names(&first), (vec!["a"], vec!["dir/"]));
		assert!(first.truncated);
		let second = page(&listing, "", Some("/"), first.last.as_deref(), 2);
		assert_eq!(names(&second), (vec![], vec!["dir2/", "photos/"]));
		let third = page(&listing, "", Some("/"), second.last.as_deref(), 2);
		assert_eq!(names(&third), (vec!["z"], vec![]));
		assert!(!third.truncated);

		let photos = page(&listing, "photos/", Some("/"), None, 1000);
		assert_eq!(names(&photos), (vec!["photos/c.jpg"], vec!["photos/2024/"]));
		let flat = page(&listing, "photos/", None, Some("photos/2024/a.jpg"), 1000);
		assert_eq!(names(&flat), (vec!["photos/2024/b.jpg", "photos/c.jpg"], vec![]));
		assert_eq!(names(&page(&listing, "", None, None, 0)).0.len(), 0);
	}

	#[test]
	fn multipart_etags_are_the_md5_of_the_part_md5s_with_the_count() {
		let parts: [[u8; 16]; 2] = [Md5::digest(b"one").into(), Md5::digest(b"two").into()];
		let mut joined = Vec::new();
		joined.extend_from_slice(&parts[0]);
		joined.extend_from_slice(&parts[1]);
		assert_eq!(multipart_etag(&parts), format!("{}-2", hex::encode(Md5::digest(&joined))));
	}

	#[test]
	fn declared_digests_are_checked() {
		let md5: [u8; 16] = Md5::digest(b"hello").into();
		let good = Declared { content_md5: Some(BASE64.encode(md5)), ..Default::default() };
		assert_eq!(good.verify(&md5, &Checksum::default(), None).unwrap(), (1, 0));
		let bad = Declared { content_md5: Some(BASE64.encode([0u8; 16])), ..Default::default() };
		assert_eq!(
			*bad.verify(&md5, &Checksum::default(), None).unwrap_err().code(),
			S3ErrorCode::BadDigest
		);

		let mut hasher = Declared { crc32: Some("x".into()), ..Default::default() }.hasher();
		hasher.update(b"hello");
		let computed = hasher.finalize();
		let right = Declared { crc32: computed.checksum_crc32.clone(), ..Default::default() };
		assert_eq!(right.verify(&md5, &computed, None).unwrap(), (1, 0));
		let wrong = Declared { crc32: Some("AAAAAA==".into()), ..Default::default() };
		assert_eq!(
			*wrong.verify(&md5, &computed, None).unwrap_err().code(),
			S3ErrorCode::BadDigest
		);

		// A trailer announced and sent is compared; one announced and missing is refused.
		let announced =
			Declared { trailer: vec!["x-amz-checksum-crc32".into()], ..Default::default() };
		let mut trailers = http::HeaderMap::new();
		trailers.insert(
			"x-amz-checksum-crc32",
			computed.checksum_crc32.clone().unwrap().parse().unwrap(),
		);
		assert_eq!(announced.verify(&md5, &computed, Some(&trailers)).unwrap(), (0, 1));
		trailers.insert("x-amz-checksum-crc32", "AAAAAA==".parse().unwrap());
		assert_eq!(
			*announced.verify(&md5, &computed, Some(&trailers)).unwrap_err().code(),
			S3ErrorCode::BadDigest
		);
		assert!(announced.verify(&md5, &computed, None).is_err());
	}
}
