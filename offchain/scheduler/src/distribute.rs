//! Sending a verified upload's columns to miners: each slot (column × replica) goes to
//! a distinct miner drawn at random among the active miners of the deal's regions (and
//! its pinned miners) with room for a column. Columns go out in parallel; a miner that
//! refuses, fails or times out is replaced by a spare, and every receipt is checked
//! against the miner's registered key before it is reported.

use std::{
	collections::{BTreeSet, VecDeque},
	sync::{Arc, Mutex},
	time::Duration,
};

use anyhow::{anyhow, bail, Context, Result};
use codec::Encode;
use deoss_chain::{calls::SlotReceipt, AccountId, Chain, Keypair, MinerInfo, MinerState};
use deoss_pipeline::EncodedFile;
use deoss_primitives::receipt_message;
use deoss_protocol::{routes, ColumnStatus, ReceiptBody, SignedRequest};
use futures::{stream, StreamExt};
use rand::seq::SliceRandom;
use subxt_signer::sr25519;

use crate::staging::{column_bytes, ColumnReader, Upload};

/// Miners tried for one slot before the distribution gives up.
pub const ATTEMPTS_PER_SLOT: usize = 4;

/// A miner that went away mid-column (restarting, a network blip) is asked again
/// this many times, after these pauses, before a spare replaces it; it keeps the
/// fragments it verified, so only the rest is sent.
pub const RECONNECT_BACKOFF: [Duration; 4] = [
	Duration::from_millis(500),
	Duration::from_secs(1),
	Duration::from_secs(2),
	Duration::from_secs(4),
];

/// How long one request to a miner may take.
pub const MINER_TIMEOUT: Duration = Duration::from_secs(30);

/// A miner that may take a column.
#[derive(Debug, Clone)]
pub struct Candidate {
	/// Its account.
	pub account: AccountId,
	/// Its record.
	pub info: MinerInfo,
}

/// The miners that may hold a column of `upload`, in random order.
pub async fn candidates(chain: &Chain, upload: &Upload) -> Result<Vec<Candidate>> {
	let deal = &upload.deal;
	let needed = column_bytes(deal.layout(), deal.size);
	let mut accounts = BTreeSet::new();
	for region in &deal.regions {
		accounts.extend(chain.active_miners_in(*region).await?);
	}
	accounts.extend(deal.pinned.iter().copied());
	let mut found = Vec::new();
	for account in accounts {
		let Some(info) = chain.miner(&account).await? else { continue };
		if info.state == MinerState::Active
			&& info.free_bytes() >= needed
			&& deal.admits(&account, info.region)
		{
			found.push(Candidate { account, info });
		}
	}
	let mut rng = rand::thread_rng();
	found.shuffle(&mut rng);
	// Pinned miners first: the owner asked for them.
	found.sort_by_key(|candidate| !deal.pinned.contains(&candidate.account));
	Ok(found)
}

/// Sends every slot of `upload` to a miner and returns one verified receipt per slot.
pub async fn distribute(
	chain: &Chain,
	http: &reqwest::Client,
	signer: &Keypair,
	upload: &Arc<Upload>,
	encoded: &EncodedFile,
	parallel: usize,
) -> Result<Vec<SlotReceipt>> {
	let layout = upload.deal.layout();
	let slots = layout.slot_count() as usize;
	let found = candidates(chain, upload).await?;
	if found.len() < slots {
		bail!(
			"only {} eligible miners with room in regions {:?} (and pinned), {slots} needed: allow more regions or choose a layout with fewer columns",
			found.len(),
			upload
				.deal
				.regions
				.iter()
				.map(|r| String::from_utf8_lossy(r).into_owned())
				.collect::<Vec<_>>()
		);
	}
	let pool: Arc<Mutex<VecDeque<Candidate>>> = Arc::new(Mutex::new(found.into()));
	let manifest_bytes = Arc::new(encoded.manifest.encode());
	let results = stream::iter(0..slots)
		.map(|slot| {
			let pool = pool.clone();
			let manifest_bytes = manifest_bytes.clone();
			async move {
				let (column, replica) = layout.slot_column(slot as u32).ok_or_else(|| anyhow!("slot {slot} outside the layout"))?;
				let mut failures = Vec::new();
				for _ in 0..ATTEMPTS_PER_SLOT {
					let Some(candidate) = pool.lock().ok().and_then(|mut pool| pool.pop_front()) else { break };
					let mut pushed = push_column(http, signer, upload, encoded, &manifest_bytes, column, &candidate).await;
					for pause in RECONNECT_BACKOFF {
						match &pushed {
							Err(error) if is_unreachable(error) => {
								tracing::info!(deal = upload.deal_id, column, miner = %candidate.info.endpoint(), "miner unreachable, asking again in {pause:?}");
								tokio::time::sleep(pause).await;
								pushed = push_column(http, signer, upload, encoded, &manifest_bytes, column, &candidate).await;
							}
							_ => break,
						}
					}
					match pushed {
						Ok(signature) => {
							return Ok(SlotReceipt { miner: candidate.account, column, replica, signature });
						}
						Err(error) => {
							tracing::warn!(deal = upload.deal_id, column, miner = %candidate.info.endpoint(), "miner failed, trying another: {error:#}");
							failures.push(format!("{}: {error:#}", candidate.info.endpoint()));
						}
					}
				}
				Err(anyhow!("no miner took column {column} (replica {replica}): {}", failures.join("; ")))
			}
		})
		.buffer_unordered(parallel)
		.collect::<Vec<Result<SlotReceipt>>>()
		.await;
	results.into_iter().collect()
}

/// Whether `error` is the miner not answering at all (no connection, or the connection
/// dropped), rather than a refusal or a bad receipt.
fn is_unreachable(error: &anyhow::Error) -> bool {
	error.chain().any(|cause| {
		cause
			.downcast_ref::<reqwest::Error>()
			.is_some_and(|error| error.is_connect() || error.is_request() || error.is_body())
	})
}

/// Pushes one column (manifest, missing fragments, receipt request) to a miner and
/// returns the receipt signature, checked against the miner's key.
async fn push_column(
	http: &reqwest::Client,
	signer: &Keypair,
	upload: &Upload,
	encoded: &EncodedFile,
	manifest_bytes: &[u8],
	column: u16,
	miner: &Candidate,
) -> Result<[u8; 64]> {
	let deal = upload.deal_id;
	let endpoint = miner.info.endpoint();
	send(
		http,
		signer,
		&endpoint,
		"PUT",
		&routes::column_manifest(deal, column),
		manifest_bytes.to_vec(),
	)
	.await?;
	let status: ColumnStatus = http
		.get(routes::url(&endpoint, &routes::column_status(deal, column)))
		.timeout(MINER_TIMEOUT)
		.send()
		.await?
		.error_for_status()?
		.json()
		.await?;
	let held: BTreeSet<u32> = status.held.into_iter().collect();
	if !held.is_empty() {
		tracing::info!(deal, column, held = held.len(), %endpoint, "the miner holds part of the column already, sending the rest");
	}
	let mut reader = ColumnReader::open(upload, column, &encoded.manifest)?;
	for segment in 0..reader.segments() {
		if held.contains(&segment) {
			continue;
		}
		let fragment = reader.fragment(segment)?;
		send(
			http,
			signer,
			&endpoint,
			"PUT",
			&routes::column_fragment(deal, column, segment),
			fragment,
		)
		.await?;
	}
	let answer =
		send(http, signer, &endpoint, "POST", &routes::column_receipt(deal, column), Vec::new())
			.await?;
	let receipt: ReceiptBody =
		serde_json::from_slice(&answer).context("the miner's receipt does not parse")?;
	let signature = receipt
		.signature
		.strip_prefix("0x")
		.and_then(|text| hex::decode(text).ok())
		.and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
		.ok_or_else(|| anyhow!("the receipt signature is malformed"))?;
	let message = receipt_message(deal, &encoded.fid, column, &miner.account);
	if !sr25519::verify(
		&sr25519::Signature(signature),
		&message,
		&sr25519::PublicKey(miner.info.auth_key),
	) {
		bail!("the receipt is not signed by the miner's registered key");
	}
	Ok(signature)
}

/// Sends one signed request and returns the body of a success answer.
async fn send(
	http: &reqwest::Client,
	signer: &Keypair,
	endpoint: &str,
	method: &str,
	path: &str,
	body: Vec<u8>,
) -> Result<Vec<u8>> {
	let signed = SignedRequest::sign(signer, method, path, &body);
	let method = reqwest::Method::from_bytes(method.as_bytes())?;
	let mut request =
		http.request(method, routes::url(endpoint, path)).timeout(MINER_TIMEOUT).body(body);
	for (name, value) in signed.headers {
		request = request.header(name, value);
	}
	let response = request.send().await.with_context(|| format!("{endpoint} did not answer"))?;
	let status = response.status();
	let bytes = response.bytes().await?;
	if !status.is_success() {
		let reason = serde_json::from_slice::<deoss_protocol::ErrorBody>(&bytes)
			.map(|error| format!("{}: {}", error.error, error.reason))
			.unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
		bail!("{path} answered {status}: {reason}");
	}
	Ok(bytes.to_vec())
}
