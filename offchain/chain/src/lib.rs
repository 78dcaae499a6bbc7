//! The one typed DeOSS chain client, on subxt: a [`Chain`] connection, signers from
//! secret URIs, mnemonics or key files ([`signer`]), every read of the DeOSS pallets
//! as a typed record ([`records`]), every call the services make ([`calls`]), the
//! finalized events they react to ([`events`]), and submission that keeps nonces in
//! order for many concurrent transactions from one account.
//!
//! No pallet type is decoded anywhere else; `tests/metadata.rs` checks every record,
//! call and event against the metadata of the runtime we build.

pub mod calls;
pub mod events;
pub mod records;
pub mod signer;

use std::{collections::HashMap, sync::Arc, time::Duration};

use deoss_primitives::Fid;
use subxt::{
	config::DefaultExtrinsicParamsBuilder,
	dynamic,
	ext::{
		frame_decode::storage::{IntoDecodableValues, IntoEncodableValues},
		scale_decode::DecodeAsType,
	},
	extrinsics::ExtrinsicEvents,
	rpcs::{rpc_params, RpcClient},
	transactions::Payload,
	utils::AccountId32,
	SubstrateConfig,
};
use tokio::sync::Mutex;

pub use events::{BlockEvents, ChainEvent};
pub use records::*;
pub use signer::{load_signer, AccountKey, Keypair};
pub use subxt;

/// A 32-byte account id, as every DeOSS account is.
pub type AccountId = [u8; 32];

/// The subxt client: every runtime type comes from the node's metadata.
pub type Client = subxt::OnlineClient<SubstrateConfig>;

/// Events of a transaction that was finalized and succeeded.
pub type TxEvents = ExtrinsicEvents<SubstrateConfig>;

/// Why a chain operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
	/// The node could not be reached or answered with an error.
	#[error("node RPC: {0}")]
	Rpc(String),
	/// The transaction was refused or failed; the text names the pallet error.
	#[error("transaction failed: {0}")]
	Dispatch(String),
	/// A value read from the chain does not have the shape this client expects.
	#[error("decoding {what}: {reason}")]
	Decode {
		/// What was decoded.
		what: &'static str,
		/// Why it failed.
		reason: String,
	},
	/// A key or secret could not be read.
	#[error("key: {0}")]
	Key(String),
}

/// Result of chain operations.
pub type Result<T, E = ChainError> = std::result::Result<T, E>;

fn rpc_error(error: impl std::fmt::Display) -> ChainError {
	ChainError::Rpc(format!("{error}"))
}

fn decode_error(what: &'static str) -> impl FnOnce(subxt::error::StorageValueError) -> ChainError {
	move |error| ChainError::Decode { what, reason: error.to_string() }
}

/// Attempts for a transaction that failed for a reason retrying may fix (a stale
/// nonce, a dropped connection before the pool accepted it).
const SUBMIT_ATTEMPTS: u32 = 5;

/// A view of the chain at one finalized block.
type AtBlock = subxt::client::ClientAtBlock<
	SubstrateConfig,
	subxt::client::OnlineClientAtBlockImpl<SubstrateConfig>,
>;

/// How long a view of the last finalized block is reused: reads within one operation
/// (a download's record and miners, a push's deal checks) then cost one round trip
/// each instead of four.
const VIEW_REUSE: Duration = Duration::from_millis(250);

/// A connection to a DeOSS node.
#[derive(Clone)]
pub struct Chain {
	client: Client,
	rpc: RpcClient,
	latest: Arc<std::sync::Mutex<Option<(std::time::Instant, AtBlock)>>>,
	/// Per account, held while a transaction of that account is signed and handed to
	/// the pool, so concurrent submissions take consecutive nonces; it holds the next
	/// nonce this client would use (the pool may not list the last one yet).
	nonce_locks: Arc<std::sync::Mutex<HashMap<AccountId, Arc<Mutex<Option<u64>>>>>>,
}

impl Chain {
	/// Connects to the node's WebSocket RPC at `url` (`ws://` is allowed: nodes
	/// usually listen on loopback).
	///
	/// The client speaks the node's stable RPC methods (`chain_*`, `state_*`,
	/// `author_*`). The `chainHead` subscription pins blocks on the node's side and
	/// drops a follower that falls behind, after which the blocks it announced can no
	/// longer be read: a daemon busy moving data would see transient "cannot find the
	/// block header" errors. Headers and finalized state within the pruning window are
	/// always readable with the stable methods.
	pub async fn connect(url: &str) -> Result<Self> {
		let rpc = RpcClient::from_insecure_url(url).await.map_err(rpc_error)?;
		let backend = subxt::backend::LegacyBackend::builder().build(rpc.clone());
		let client = Client::from_backend(Arc::new(backend)).await.map_err(rpc_error)?;
		Ok(Self { client, rpc, latest: Default::default(), nonce_locks: Default::default() })
	}

	/// [`Chain::connect`], retrying for up to `patience` while the node starts.
	pub async fn connect_patiently(url: &str, patience: Duration) -> Result<Self> {
		let deadline = tokio::time::Instant::now() + patience;
		loop {
			match Self::connect(url).await {
				Ok(chain) => return Ok(chain),
				Err(error) if tokio::time::Instant::now() >= deadline => return Err(error),
				Err(error) => {
					tracing::debug!(%error, "node not reachable yet");
					tokio::time::sleep(Duration::from_millis(500)).await;
				}
			}
		}
	}

	/// The subxt client, for what this crate does not cover.
	pub fn client(&self) -> &Client {
		&self.client
	}

	/// Makes the next read take a fresh view of the last finalized block: for a caller
	/// that saw a finalized event (a file stored by someone else's transaction) and
	/// must read what it changed.
	pub fn refresh_view(&self) {
		if let Ok(mut latest) = self.latest.lock() {
			*latest = None;
		}
	}

	/// The last finalized block, as seen at most [`VIEW_REUSE`] ago.
	async fn at_finalized(&self) -> Result<AtBlock> {
		Ok(self.view(false).await?.0)
	}

	/// The last finalized block; a view up to [`VIEW_REUSE`] old unless `fresh`. Says
	/// whether the view was reused.
	async fn view(&self, fresh: bool) -> Result<(AtBlock, bool)> {
		if !fresh {
			if let Some((read, at)) = self.latest.lock().ok().and_then(|latest| latest.clone()) {
				if read.elapsed() < VIEW_REUSE {
					return Ok((at, true));
				}
			}
		}
		let at = self.client.at_current_block().await.map_err(rpc_error)?;
		if let Ok(mut latest) = self.latest.lock() {
			*latest = Some((std::time::Instant::now(), at.clone()));
		}
		Ok((at, false))
	}

	/// Number of the last finalized block.
	pub async fn finalized_number(&self) -> Result<u64> {
		Ok(self.at_finalized().await?.block_number())
	}

	/// Signs `call` with `signer`, submits it and waits until it is finalized; a
	/// dispatch error comes back as [`ChainError::Dispatch`] naming the pallet error.
	pub async fn submit(&self, call: &impl Payload, signer: &Keypair) -> Result<TxEvents> {
		let account = signer.public_key().0;
		let lock = {
			let mut locks = self.nonce_locks.lock().expect("nonce lock map is never poisoned");
			locks.entry(account).or_default().clone()
		};
		let mut attempt = 0;
		loop {
			attempt += 1;
			let progress = {
				let mut next_nonce = lock.lock().await;
				let submitted = async {
					// The pool-aware nonce, so transactions in flight are counted, or
					// past the last one this client handed to the pool.
					let pool_nonce: u64 = self
						.rpc
						.request(
							"system_accountNextIndex",
							rpc_params![AccountId32(account).to_string()],
						)
						.await
						.map_err(rpc_error)?;
					let nonce = next_nonce.map_or(pool_nonce, |next| next.max(pool_nonce));
					let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
						.nonce(nonce)
						.build();
					let mut transactions = self.client.transactions().await.map_err(rpc_error)?;
					let progress = transactions
						.sign_and_submit_then_watch(call, signer, params)
						.await
						.map_err(|error| ChainError::Rpc(error.to_string()))?;
					Ok((progress, nonce))
				}
				.await;
				match submitted {
					Ok((progress, nonce)) => {
						*next_nonce = Some(nonce + 1);
						Ok(progress)
					}
					Err(error) => {
						// Start again from what the pool says.
						*next_nonce = None;
						Err(error)
					}
				}
			};
			let outcome = match progress {
				Ok(progress) => progress.wait_for_finalized_success().await.map_err(|error| {
					if let Ok(mut next) = lock.try_lock() {
						*next = None;
					}
					let text = error.to_string();
					if text.contains("dispatch") || text.contains("Dispatch") {
						ChainError::Dispatch(text)
					} else {
						ChainError::Rpc(text)
					}
				}),
				Err(error) => Err(error),
			};
			match outcome {
				Err(ChainError::Rpc(reason)) if attempt < SUBMIT_ATTEMPTS && retryable(&reason) => {
					tracing::debug!(attempt, %reason, "resubmitting transaction");
					tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
				}
				Ok(events) => {
					// Reads after a write see it: the next one takes a fresh view.
					self.refresh_view();
					return Ok(events);
				}
				other => return other,
			}
		}
	}

	async fn fetch<K, V>(
		&self,
		pallet: &'static str,
		entry: &'static str,
		key: K,
	) -> Result<Option<V>>
	where
		K: IntoEncodableValues + IntoDecodableValues + Clone,
		V: DecodeAsType,
	{
		let (at, reused) = self.view(false).await?;
		let address = dynamic::storage::<K, V>(pallet, entry);
		let value =
			at.storage().try_fetch(address.clone(), key.clone()).await.map_err(rpc_error)?;
		if let Some(value) = value {
			return value.decode().map(Some).map_err(decode_error(entry));
		}
		if !reused {
			return Ok(None);
		}
		// Something that was just created (a deal, a file) may be missing from a reused
		// view: absence is always confirmed at the latest finalized block.
		let (at, _) = self.view(true).await?;
		let value = at.storage().try_fetch(address, key).await.map_err(rpc_error)?;
		value.map(|value| value.decode().map_err(decode_error(entry))).transpose()
	}

	/// Every entry of `pallet.entry` under the key prefix `prefix`, with its whole key.
	async fn entries<K, V, P>(
		&self,
		pallet: &'static str,
		entry: &'static str,
		prefix: P,
	) -> Result<Vec<(K, V)>>
	where
		K: IntoEncodableValues + IntoDecodableValues,
		V: DecodeAsType,
		P: subxt::storage::PrefixOf<K>,
	{
		let at = self.at_finalized().await?;
		let address = dynamic::storage::<K, V>(pallet, entry);
		let mut entries = at.storage().iter(address, prefix).await.map_err(rpc_error)?;
		let mut found = Vec::new();
		while let Some(item) = entries.next().await {
			let item = item.map_err(rpc_error)?;
			let key = item
				.key()
				.and_then(|key| key.decode())
				.map_err(|error| ChainError::Decode { what: entry, reason: error.to_string() })?;
			found.push((key, item.value().decode().map_err(decode_error(entry))?));
		}
		Ok(found)
	}

	/// `FileBank.Deals(deal)`: an open deal.
	pub async fn deal(&self, deal: u64) -> Result<Option<Deal>> {
		self.fetch("FileBank", "Deals", (deal,)).await
	}

	/// `FileBank.Files(fid)`: a stored file.
	pub async fn file(&self, fid: &Fid) -> Result<Option<FileRecord>> {
		self.fetch("FileBank", "Files", (fid.0,)).await
	}

	/// `FileBank.ObjectDeals(owner, (bucket, name))`: the open deal of an
	/// owner's object.
	pub async fn object_deal(
		&self,
		owner: &AccountId,
		bucket: &[u8],
		name: &[u8],
	) -> Result<Option<u64>> {
		self.fetch("FileBank", "ObjectDeals", (*owner, (bucket.to_vec(), name.to_vec()))).await
	}

	/// `FileBank.KeyGrants(fid, account)`: the file's data key wrapped to `account`.
	pub async fn key_grant(&self, fid: &Fid, account: &AccountId) -> Result<Option<Vec<u8>>> {
		self.fetch("FileBank", "KeyGrants", (fid.0, *account)).await
	}

	/// `FileBank.OwnedObjects(owner, (bucket, name))`: the FID of an owner's object.
	pub async fn object_fid(
		&self,
		owner: &AccountId,
		bucket: &[u8],
		name: &[u8],
	) -> Result<Option<Fid>> {
		let key = (bucket.to_vec(), name.to_vec());
		let fid: Option<[u8; 32]> = self.fetch("FileBank", "OwnedObjects", (*owner, key)).await?;
		Ok(fid.map(Fid))
	}

	/// Every object of `owner` in `bucket` (all buckets when `None`): bucket, name, FID.
	pub async fn objects(
		&self,
		owner: &AccountId,
		bucket: Option<&[u8]>,
	) -> Result<Vec<ObjectEntry>> {
		let entries: Vec<((AccountId, (Vec<u8>, Vec<u8>)), [u8; 32])> =
			self.entries("FileBank", "OwnedObjects", (*owner,)).await?;
		let mut objects: Vec<ObjectEntry> = entries
			.into_iter()
			.filter(|((_, (entry_bucket, _)), _)| {
				bucket.is_none_or(|bucket| bucket == entry_bucket.as_slice())
			})
			.map(|((_, (bucket, name)), fid)| ObjectEntry { bucket, name, fid: Fid(fid) })
			.collect();
		objects.sort_by(|a, b| (&a.bucket, &a.name).cmp(&(&b.bucket, &b.name)));
		Ok(objects)
	}

	/// `FileBank.MinerSlots(miner, fid)`: which slot of a file a miner holds.
	pub async fn miner_slot(&self, miner: &AccountId, fid: &Fid) -> Result<Option<SlotRef>> {
		self.fetch("FileBank", "MinerSlots", (*miner, fid.0)).await
	}

	/// `StorageProviders.Miners(miner)`.
	pub async fn miner(&self, miner: &AccountId) -> Result<Option<MinerInfo>> {
		self.fetch("StorageProviders", "Miners", (*miner,)).await
	}

	/// `StorageProviders.Schedulers(scheduler)`.
	pub async fn scheduler(&self, scheduler: &AccountId) -> Result<Option<SchedulerInfo>> {
		self.fetch("StorageProviders", "Schedulers", (*scheduler,)).await
	}

	/// Every registered miner with its record.
	pub async fn miners(&self) -> Result<Vec<(AccountId, MinerInfo)>> {
		let entries: Vec<((AccountId,), MinerInfo)> =
			self.entries("StorageProviders", "Miners", ()).await?;
		Ok(entries.into_iter().map(|((account,), info)| (account, info)).collect())
	}

	/// Every registered scheduler with its record.
	pub async fn schedulers(&self) -> Result<Vec<(AccountId, SchedulerInfo)>> {
		let entries: Vec<((AccountId,), SchedulerInfo)> =
			self.entries("StorageProviders", "Schedulers", ()).await?;
		Ok(entries.into_iter().map(|((account,), info)| (account, info)).collect())
	}

	/// The active miners of `region` (`StorageProviders.ActiveMinersByRegion`).
	pub async fn active_miners_in(&self, region: [u8; 2]) -> Result<Vec<AccountId>> {
		let entries: Vec<(([u8; 2], AccountId), ())> =
			self.entries("StorageProviders", "ActiveMinersByRegion", (region,)).await?;
		Ok(entries.into_iter().map(|((_, account), ())| account).collect())
	}

	/// `Oss.Gateways(gateway)`.
	pub async fn gateway(&self, gateway: &AccountId) -> Result<Option<GatewayInfo>> {
		self.fetch("Oss", "Gateways", (*gateway,)).await
	}

	/// `Oss.Authorizations(owner, operator)`.
	pub async fn authorization(
		&self,
		owner: &AccountId,
		operator: &AccountId,
	) -> Result<Option<Authorization>> {
		self.fetch("Oss", "Authorizations", (*owner, *operator)).await
	}

	/// Whether `operator` may act for `owner` within `scope` at the last finalized
	/// block, as the chain decides it (`operator == owner` always may).
	pub async fn may_act_for(
		&self,
		operator: &AccountId,
		owner: &AccountId,
		scope: Scope,
	) -> Result<bool> {
		if operator == owner {
			return Ok(true);
		}
		let now = self.finalized_number().await?;
		Ok(self.authorization(owner, operator).await?.is_some_and(|authorization| {
			authorization.expires_at.is_none_or(|expires_at| now < u64::from(expires_at))
				&& authorization.scopes.contains(&scope)
		}))
	}

	/// The names of `owner`'s buckets, sorted (`StorageSpace.Buckets`).
	pub async fn buckets(&self, owner: &AccountId) -> Result<Vec<Vec<u8>>> {
		let entries: Vec<((AccountId, Vec<u8>), BucketInfo)> =
			self.entries("StorageSpace", "Buckets", (*owner,)).await?;
		let mut names: Vec<Vec<u8>> = entries.into_iter().map(|((_, name), _)| name).collect();
		names.sort();
		Ok(names)
	}

	/// `StorageSpace.Buckets(owner, name)`.
	pub async fn bucket(&self, owner: &AccountId, name: &[u8]) -> Result<Option<BucketInfo>> {
		self.fetch("StorageSpace", "Buckets", (*owner, name.to_vec())).await
	}

	/// Every operator `owner` authorized, with its authorization.
	pub async fn authorizations(
		&self,
		owner: &AccountId,
	) -> Result<Vec<(AccountId, Authorization)>> {
		let entries: Vec<((AccountId, AccountId), Authorization)> =
			self.entries("Oss", "Authorizations", (*owner,)).await?;
		Ok(entries
			.into_iter()
			.map(|((_, operator), authorization)| (operator, authorization))
			.collect())
	}

	/// `StorageSpace.UserSpace(owner)`: the owner's space lease.
	pub async fn space(&self, owner: &AccountId) -> Result<Option<SpaceLease>> {
		self.fetch("StorageSpace", "UserSpace", (*owner,)).await
	}

	/// `Audit.Challenges(miner)`: the miner's open challenge.
	pub async fn challenge(&self, miner: &AccountId) -> Result<Option<Challenge>> {
		self.fetch("Audit", "Challenges", (*miner,)).await
	}

	/// `Audit.RestoralOrders(fid, slot)`.
	pub async fn restoral_order(&self, fid: &Fid, slot: u32) -> Result<Option<RestoralOrder>> {
		self.fetch("Audit", "RestoralOrders", (fid.0, slot)).await
	}

	/// Every open restoral order, by FID and slot.
	pub async fn restoral_orders(&self) -> Result<Vec<(Fid, u32, RestoralOrder)>> {
		let entries: Vec<(([u8; 32], u32), RestoralOrder)> =
			self.entries("Audit", "RestoralOrders", ()).await?;
		Ok(entries.into_iter().map(|((fid, slot), order)| (Fid(fid), slot, order)).collect())
	}

	/// `Audit.Records(miner)`: the miner's audit record.
	pub async fn audit_record(&self, miner: &AccountId) -> Result<Option<AuditRecord>> {
		self.fetch("Audit", "Records", (*miner,)).await
	}

	/// `System.Account(who)`: nonce and balances.
	pub async fn account(&self, who: &AccountId) -> Result<AccountInfo> {
		Ok(self.fetch("System", "Account", (*who,)).await?.unwrap_or_default())
	}

	/// A `u32` constant of a pallet (periods in blocks, sample counts).
	pub async fn constant_u32(&self, pallet: &str, name: &str) -> Result<u32> {
		self.constant(pallet, name).await
	}

	/// A `u64` constant of a pallet (durations in ms).
	pub async fn constant_u64(&self, pallet: &str, name: &str) -> Result<u64> {
		self.constant(pallet, name).await
	}

	/// A `u128` constant of a pallet (stakes, prices).
	pub async fn constant_u128(&self, pallet: &str, name: &str) -> Result<u128> {
		self.constant(pallet, name).await
	}

	/// A constant of a pallet, decoded as `T`.
	pub async fn constant<T: DecodeAsType>(&self, pallet: &str, name: &str) -> Result<T> {
		let at = self.at_finalized().await?;
		at.constants().entry(dynamic::constant::<T>(pallet, name)).map_err(rpc_error)
	}

	/// The stake a miner declaring `capacity_bytes` must hold.
	pub async fn required_miner_stake(&self, capacity_bytes: u64) -> Result<u128> {
		let base = self.constant_u128("StorageProviders", "MinerBaseStake").await?;
		let per_tib = self.constant_u128("StorageProviders", "StakePerTib").await?;
		let tibs = u128::from(capacity_bytes.div_ceil(1 << 40));
		Ok(base.saturating_add(per_tib.saturating_mul(tibs)))
	}

	/// A stream of the DeOSS events of every finalized block from now on.
	pub async fn finalized_events(&self) -> Result<events::FinalizedEvents> {
		events::FinalizedEvents::start(self.client.clone()).await
	}
}

/// Whether a submission error is worth another attempt.
fn retryable(reason: &str) -> bool {
	let reason = reason.to_ascii_lowercase();
	[
		"too low",
		"stale",
		"future",
		"outdated",
		"connection",
		"restart",
		"dropped",
		"usurped",
		"invalid transaction",
	]
	.iter()
	.any(|needle| reason.contains(needle))
}
