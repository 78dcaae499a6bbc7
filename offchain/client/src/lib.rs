//! The DeOSS SDK, used by the CLI, the gateway, the end-to-end tests and Rust dApps.
//!
//! * [`DeossClient::put`]: encodes the object locally to learn its FID, declares it,
//!   streams the payload to the scheduler the chain drew (resuming from what the
//!   scheduler already holds) and waits for `FileStored`.
//! * [`DeossClient::get`]: reads the file record, fetches the manifest from any holder
//!   (checked against the FID), then k fragments of each segment in parallel, every
//!   fragment checked before it is decoded; a byte range fetches only the segments it
//!   covers. A holder slower than the hedge delay gets one more column asked for
//!   alongside, and is ranked last afterwards ([`latency`]).
//! * [`DeossClient::stat`], [`DeossClient::list`], [`DeossClient::delete`].
//!
//! * [`DeossClient::share`] / [`DeossClient::unshare`]: let another account decrypt an
//!   encrypted object (its data key wrapped to that account, on chain).
//!
//! Compression and encryption are the pipeline's [`ObjectOptions`]; how they are
//! recorded in the payload is in [`format`].

mod error;
pub mod format;
mod get;
pub mod latency;
mod put;

use std::time::Duration;

pub use deoss_chain::{calls::Meta, AccountId, Chain, FileRecord, Keypair, ObjectEntry};
pub use deoss_pipeline::ObjectOptions;
use deoss_primitives::Fid;
pub use error::ClientError;
pub use get::{GetReport, GetRequest, Target};
pub use put::{local_fid, PutOutcome, PutRequest, PutSource, Stage};

use std::sync::Arc;

use deoss_chain::AccountKey;
use deoss_pipeline::AccountSecret;

/// How long one HTTP request to a scheduler or miner may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A user's (or an operator's) connection to the network.
#[derive(Clone)]
pub struct DeossClient {
	chain: Chain,
	http: reqwest::Client,
	signer: Keypair,
	secret: Option<Arc<AccountSecret>>,
	latencies: latency::Latencies,
}

impl DeossClient {
	/// A client acting as `signer` on `chain`.
	pub fn new(chain: Chain, signer: Keypair) -> Self {
		let http = reqwest::Client::builder()
			.pool_max_idle_per_host(16)
			.build()
			.expect("an HTTP client without TLS always builds");
		Self { chain, http, signer, secret: None, latencies: Default::default() }
	}

	/// A client acting as `key`, which can also decrypt objects shared with it.
	pub fn with_account_key(chain: Chain, key: &AccountKey) -> Result<Self, ClientError> {
		let secret = AccountSecret::from_bytes(*key.secret_scalar())
			.map_err(|error| ClientError::Invalid(format!("the account key: {error}")))?;
		if secret.account() != key.account() {
			return Err(ClientError::Invalid(
				"the account key's secret does not match its address".into(),
			));
		}
		let mut client = Self::new(chain, key.keypair.clone());
		client.secret = Some(Arc::new(secret));
		Ok(client)
	}

	/// Connects to the node at `url`.
	pub async fn connect(url: &str, signer: Keypair) -> Result<Self, ClientError> {
		Ok(Self::new(Chain::connect(url).await?, signer))
	}

	/// The chain.
	pub fn chain(&self) -> &Chain {
		&self.chain
	}

	/// The key the client signs with.
	pub fn signer(&self) -> &Keypair {
		&self.signer
	}

	/// The account the client acts as.
	pub fn account(&self) -> AccountId {
		self.signer.public_key().0
	}

	/// The file record and FID of `target`.
	pub async fn stat(&self, target: &Target) -> Result<(Fid, FileRecord), ClientError> {
		let fid = self.resolve(target).await?;
		let record = self
			.chain
			.file(&fid)
			.await?
			.ok_or_else(|| ClientError::NotFound(format!("no stored file {fid}")))?;
		Ok((fid, record))
	}

	/// The objects of `owner` (the client's account when `None`) in `bucket` (every
	/// bucket when `None`).
	pub async fn list(
		&self,
		owner: Option<AccountId>,
		bucket: Option<&[u8]>,
	) -> Result<Vec<ObjectEntry>, ClientError> {
		Ok(self.chain.objects(&owner.unwrap_or_else(|| self.account()), bucket).await?)
	}

	/// Deletes `owner`'s object `bucket/name` (as the owner, or an operator with the
	/// Delete scope). Miners drop the fragments once the file has no owner left.
	pub async fn delete(
		&self,
		owner: Option<AccountId>,
		bucket: &[u8],
		name: &[u8],
	) -> Result<(), ClientError> {
		let owner = owner.unwrap_or_else(|| self.account());
		self.chain
			.submit(&deoss_chain::calls::delete_object(&owner, bucket, name), &self.signer)
			.await?;
		Ok(())
	}

	async fn resolve(&self, target: &Target) -> Result<Fid, ClientError> {
		match target {
			Target::Fid(fid) => Ok(*fid),
			Target::Object { owner, bucket, name } => {
				let owner = owner.unwrap_or_else(|| self.account());
				self.chain.object_fid(&owner, bucket, name).await?.ok_or_else(|| {
					ClientError::NotFound(format!(
						"no object {}/{}",
						String::from_utf8_lossy(bucket),
						String::from_utf8_lossy(name)
					))
				})
			}
		}
	}
}
