//! The DeOSS gateway: the storage network as a service for web apps and existing tools.
//!
//! * [`s3`]: an S3-compatible API (path-style, SigV4 with header or presigned
//!   signatures, on the `s3s` crate) with access keys a user obtains by a request
//!   signed with the chain key.
//! * [`rest`]: the REST API under `/v1/` (credentials, health, metrics).
//! * [`state`]: everything the gateway keeps, in one SQLite database.
//!
//! The gateway acts only for users who authorized it on chain (`Oss.authorize`), within
//! the scopes and expiry they gave: reads need `ReadShare`, writes `Upload`, deletions
//! `Delete`. It never holds a user's key; it declares uploads as the user's operator.

pub mod batch;
pub mod cache;
pub mod config;
pub mod daemon;
pub mod metrics;
pub mod objects;
pub mod rest;
pub mod s3;
pub mod share;
pub mod state;
pub mod tus;

use bytes::Bytes;
use deoss_chain::{signer::ss58, AccountId, Chain, Scope};
use deoss_client::{
	ClientError, DeossClient, GetRequest, Meta, ObjectOptions, PutOutcome, PutRequest, PutSource,
	Target,
};
use deoss_primitives::Layout;

pub use config::GatewayConfig;

/// Counter of fragments the gateway fetched from miners.
pub const FRAGMENTS_FETCHED: &str = "deoss_gateway_fragments_fetched_total";

/// Why the gateway may not act for a user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
	/// No authorization on chain (never given, or revoked).
	#[error("account {owner} has not authorized this gateway ({gateway}) on chain: run `deoss gateway credentials --gateway URL` or `deoss authorize {gateway} --scopes upload,delete,read`")]
	NotAuthorized {
		/// The user.
		owner: String,
		/// The gateway.
		gateway: String,
	},
	/// The authorization expired.
	#[error("account {owner}'s authorization of this gateway expired at block {expired_at} (the chain is at block {now}): authorize it again")]
	Expired {
		/// The user.
		owner: String,
		/// First block it no longer held in.
		expired_at: u32,
		/// The last finalized block.
		now: u64,
	},
	/// The authorization lacks the scope.
	#[error("account {owner}'s authorization of this gateway lacks the {scope} scope: authorize it again with {scope}")]
	MissingScope {
		/// The user.
		owner: String,
		/// What is missing.
		scope: &'static str,
	},
}

/// An object staged on disk, to be stored for its owner.
pub struct Staged<'a> {
	/// The owner.
	pub owner: AccountId,
	/// Its bucket.
	pub bucket: &'a str,
	/// Its key.
	pub key: &'a str,
	/// The staged bytes.
	pub path: &'a std::path::Path,
	/// Object bytes.
	pub size: u64,
	/// The S3 ETag, without quotes.
	pub etag: String,
	/// Content type.
	pub content_type: String,
	/// `x-amz-meta-*` pairs.
	pub metadata: Vec<(String, String)>,
	/// Regions it may be stored in.
	pub regions: Vec<[u8; 2]>,
	/// How it is encoded.
	pub layout: Layout,
	/// Compression and encryption.
	pub options: ObjectOptions,
}

/// Why storing an object failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// The key is empty or longer than S3 allows.
	#[error("keys are 1 to 1024 bytes")]
	BadKey,
	/// An object of that key exists and the gateway may not delete it.
	#[error("replacing the object needs the Delete scope: {0}")]
	CannotReplace(Denied),
	/// The owner has no such bucket.
	#[error("no bucket {0}: create it first")]
	NoSuchBucket(String),
	/// The network or the chain refused or failed.
	#[error(transparent)]
	Client(#[from] ClientError),
	/// The gateway's database.
	#[error("the gateway's database: {0}")]
	State(anyhow::Error),
}

/// What every API of the gateway shares.
#[derive(Clone)]
pub struct Gateway {
	/// The network, as the gateway's account.
	pub client: DeossClient,
	/// The gateway's own database and staging.
	pub state: state::State,
	/// Regions objects go to when neither the bucket nor the request says.
	pub regions: Vec<[u8; 2]>,
	/// Layout of new objects.
	pub layout: Layout,
	/// The S3 URL users are told of.
	pub s3_endpoint: String,
	/// Counters for `/metrics`.
	pub metrics: metrics::Metrics,
	/// Verified objects kept to answer without the miners.
	pub cache: cache::Cache,
}

impl Gateway {
	/// The chain.
	pub fn chain(&self) -> &Chain {
		self.client.chain()
	}

	/// The gateway's account.
	pub fn account(&self) -> AccountId {
		self.client.account()
	}

	/// The whole object `fid` (of `size` bytes): from the cache, or read from the miners
	/// (verified against the FID) and cached; `None` when it is too large to cache.
	pub async fn cached(&self, fid: &[u8; 32], size: u64) -> Result<Option<Bytes>, ClientError> {
		if let Some(bytes) = self.cache.get(fid).await {
			self.metrics.add("deoss_gateway_cache_hits_total", String::new(), 1);
			return Ok(Some(bytes));
		}
		if !self.cache.admits(size) {
			return Ok(None);
		}
		self.metrics.add("deoss_gateway_cache_misses_total", String::new(), 1);
		let (bytes, report) = self
			.client
			.get_bytes_with_report(GetRequest::new(Target::Fid(deoss_primitives::Fid(*fid))))
			.await?;
		self.metrics.add(FRAGMENTS_FETCHED, String::new(), u64::from(report.fragments));
		let bytes = Bytes::from(bytes);
		self.cache.put(fid, bytes.clone()).await;
		Ok(Some(bytes))
	}

	/// Stores `staged` as its owner's object (the chain names one file per key, so an
	/// object already there is deleted first, which needs the Delete scope), answering
	/// once the chain stored it, and records what S3 needs of it. The outcome, and when.
	pub async fn store(&self, staged: Staged<'_>) -> Result<(PutOutcome, i64), StoreError> {
		let (owner, bucket, key) = (staged.owner, staged.bucket, staged.key);
		if key.is_empty() || key.len() > 1024 {
			return Err(StoreError::BadKey);
		}
		let chain = self.chain();
		if chain
			.object_fid(&owner, bucket.as_bytes(), key.as_bytes())
			.await
			.map_err(ClientError::from)?
			.is_some()
		{
			self.authorized(&owner, Scope::Delete)
				.await
				.map_err(ClientError::from)?
				.map_err(StoreError::CannotReplace)?;
			self.client.delete(Some(owner), bucket.as_bytes(), key.as_bytes()).await?;
			self.state.delete_object(&owner, bucket, key).map_err(StoreError::State)?;
		}
		let request = PutRequest {
			owner: Some(owner),
			bucket: bucket.as_bytes().to_vec(),
			name: key.as_bytes().to_vec(),
			source: PutSource::Path(staged.path.to_path_buf()),
			layout: staged.layout,
			regions: staged.regions,
			pinned: Vec::new(),
			meta: Meta { content_type: staged.content_type.clone(), ..Meta::default() },
			options: staged.options,
		};
		let outcome = self.client.put(request, |_| ()).await.map_err(|error| match error {
			ClientError::Chain(deoss_chain::ChainError::Dispatch(text))
				if text.contains("BucketNotFound") =>
			{
				StoreError::NoSuchBucket(bucket.to_string())
			}
			other => StoreError::Client(other),
		})?;
		let modified_ms = state::now_ms();
		let row = state::ObjectRow {
			fid: outcome.fid.0,
			size: staged.size,
			etag: staged.etag,
			content_type: staged.content_type,
			metadata: staged.metadata,
			modified_ms,
		};
		self.state.put_object(&owner, bucket, key, &row).map_err(StoreError::State)?;
		self.metrics.bytes("in", staged.size);
		Ok((outcome, modified_ms))
	}

	/// Whether the gateway may act for `owner` within `scope`, with the reason when not.
	pub async fn authorized(
		&self,
		owner: &AccountId,
		scope: Scope,
	) -> Result<Result<(), Denied>, deoss_chain::ChainError> {
		let gateway = self.account();
		if *owner == gateway {
			return Ok(Ok(()));
		}
		let Some(authorization) = self.chain().authorization(owner, &gateway).await? else {
			return Ok(Err(Denied::NotAuthorized { owner: ss58(owner), gateway: ss58(&gateway) }));
		};
		let now = self.chain().finalized_number().await?;
		if let Some(expired_at) = authorization.expires_at {
			if now >= u64::from(expired_at) {
				return Ok(Err(Denied::Expired { owner: ss58(owner), expired_at, now }));
			}
		}
		if !authorization.scopes.contains(&scope) {
			return Ok(Err(Denied::MissingScope { owner: ss58(owner), scope: scope.name() }));
		}
		Ok(Ok(()))
	}
}
