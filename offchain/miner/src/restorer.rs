//! Automatic restoral: the miner watches for restoral orders (a column declared lost
//! after failed audits or a hand-over), claims one it is eligible for, fetches k other
//! columns of the file from their holders over the network, every fragment checked
//! against the manifest and the manifest against the FID, rebuilds the lost column
//! into its store and completes the order with proofs drawn from the claim's seed.
//!
//! One order at a time (the chain allows one claim per miner). Orders are looked for
//! when a column is lost or a claim expires, and every [`SCAN_PERIOD`] blocks. A
//! rebuild that fails is retried within the claim's deadline; what it wrote is removed
//! when it gives up. The chain has no call to hand a claim back, so a claim that
//! cannot be finished expires (and costs the claimant its abandon fraction).

use std::{
	collections::{HashMap, HashSet},
	time::Duration,
};

use anyhow::{anyhow, bail, Context, Result};
use codec::DecodeAll;
use deoss_chain::{
	calls, events::RestoralClaimed, AccountId, Chain, ChainEvent, FileRecord, Keypair, MinerState,
	RestoralOrder,
};
use deoss_pipeline::{repair_column, verify_fragment, DiskStore, Manifest};
use deoss_primitives::{ColumnIndex, Fid, FileGeometry, SegmentIndex};
use deoss_protocol::routes;

use crate::prove_samples;

/// Blocks between scans for open orders when no event announced one.
pub const SCAN_PERIOD: u64 = 10;

/// How long one fragment request to another holder may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Rebuild attempts per claim.
const ATTEMPTS: u32 = 3;

/// Follows finalized blocks and restores what it can, until the task is dropped.
pub async fn restore(chain: Chain, signer: Keypair, store: DiskStore) {
	let http = reqwest::Client::new();
	let me = signer.public_key().0;
	let mut scan_next = true;
	loop {
		let mut blocks = match chain.finalized_events().await {
			Ok(blocks) => blocks,
			Err(error) => {
				tracing::warn!(%error, "restorer: subscribing to finalized blocks failed");
				tokio::time::sleep(Duration::from_secs(1)).await;
				continue;
			}
		};
		while let Some(block) = blocks.next().await {
			let Ok(block) = block else { continue };
			scan_next |= block.number % SCAN_PERIOD == 0
				|| block.events.iter().any(|event| {
					matches!(event, ChainEvent::ColumnLost(_) | ChainEvent::RestoralClaimExpired(_))
				});
			if !scan_next {
				continue;
			}
			scan_next = false;
			match restore_one(&chain, &http, &signer, &me, &store).await {
				// One restored: look for the next at once.
				Ok(true) => scan_next = true,
				Ok(false) => {}
				Err(error) => tracing::warn!("restoral failed: {error:#}"),
			}
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// Claims and restores one open order this miner is eligible for; `Ok(false)` when
/// there was none (or others claimed them first).
async fn restore_one(
	chain: &Chain,
	http: &reqwest::Client,
	signer: &Keypair,
	me: &AccountId,
	store: &DiskStore,
) -> Result<bool> {
	let Some(info) = chain.miner(me).await? else { return Ok(false) };
	if !matches!(info.state, MinerState::Active) {
		return Ok(false);
	}
	let mut orders = chain.restoral_orders().await?;
	// Spread miners over the orders: each starts at a different one.
	orders.sort_by_key(|(fid, slot, _)| {
		let mut key = fid.0;
		key.iter_mut().zip(me.iter()).for_each(|(byte, mine)| *byte ^= mine);
		(key, *slot)
	});
	for (fid, slot, order) in orders {
		if order.claim.is_some() {
			continue;
		}
		let Some(record) = chain.file(&fid).await? else { continue };
		if !record.regions.contains(&info.region)
			|| record.miners.contains(me)
			|| info.free_bytes() < record.column_bytes
		{
			continue;
		}
		let claimed = match chain.submit(&calls::claim_restoral(&fid, slot), signer).await {
			Ok(events) => {
				ChainEvent::of_transaction(&events)?.into_iter().find_map(|event| match event {
					ChainEvent::RestoralClaimed(claimed) => Some(claimed),
					_ => None,
				})
			}
			Err(error) => {
				// Another miner was quicker, or the file changed meanwhile.
				tracing::debug!(%fid, slot, %error, "claim refused");
				continue;
			}
		};
		let claimed = claimed.ok_or_else(|| anyhow!("the claim emitted no RestoralClaimed"))?;
		tracing::info!(%fid, slot, column = order.column, deadline = claimed.deadline, "restoral claimed");
		complete(chain, http, signer, store, &fid, slot, &order, &claimed).await?;
		return Ok(true);
	}
	Ok(false)
}

/// Rebuilds the claimed column and completes the order, retrying within the claim.
#[allow(clippy::too_many_arguments)]
async fn complete(
	chain: &Chain,
	http: &reqwest::Client,
	signer: &Keypair,
	store: &DiskStore,
	fid: &Fid,
	slot: u32,
	order: &RestoralOrder,
	claimed: &RestoralClaimed,
) -> Result<()> {
	let samples = chain.constant_u32("Audit", "RestoralSamples").await?;
	let mut failures = Vec::new();
	for attempt in 1..=ATTEMPTS {
		let outcome = async {
			let record = chain.file(fid).await?.context("the file is no longer stored")?;
			let manifest =
				rebuild(chain, http, store, fid, &record, order.column, &order.lost_by).await?;
			let numbers: Vec<u32> = (0..samples).collect();
			let proofs =
				prove_samples(fid, &manifest, store, order.column, &claimed.seed, &numbers)?;
			chain.submit(&calls::complete_restoral(fid, slot, &proofs), signer).await?;
			anyhow::Ok(())
		}
		.await;
		match outcome {
			Ok(()) => {
				tracing::info!(%fid, slot, column = order.column, "restoral completed");
				return Ok(());
			}
			Err(error) => {
				tracing::warn!(%fid, slot, attempt, "rebuilding the column failed: {error:#}");
				failures.push(format!("attempt {attempt}: {error:#}"));
				if chain.finalized_number().await? >= u64::from(claimed.deadline) {
					break;
				}
				tokio::time::sleep(Duration::from_secs(2)).await;
			}
		}
	}
	if let Err(error) = store.remove_file(fid) {
		tracing::warn!(%fid, %error, "removing the unfinished column failed");
	}
	bail!("restoring slot {slot} of {fid} failed: {}", failures.join("; "))
}

/// Rebuilds `column` of `fid` into `store` from the other columns' holders and returns
/// the manifest (stored too).
async fn rebuild(
	chain: &Chain,
	http: &reqwest::Client,
	store: &DiskStore,
	fid: &Fid,
	record: &FileRecord,
	column: ColumnIndex,
	lost_by: &AccountId,
) -> Result<Manifest> {
	let columns = usize::from(record.layout().column_count());
	let mut endpoints: HashMap<AccountId, String> = HashMap::new();
	let mut holders: Vec<Vec<String>> = vec![Vec::new(); columns];
	for (slot, miner) in record.miners.iter().enumerate() {
		let held = slot % columns;
		if held == usize::from(column) || miner == lost_by {
			continue;
		}
		if !endpoints.contains_key(miner) {
			if let Some(info) = chain.miner(miner).await? {
				endpoints.insert(*miner, info.endpoint());
			}
		}
		if let Some(endpoint) = endpoints.get(miner) {
			holders[held].push(endpoint.clone());
		}
	}
	let manifest = fetch_manifest(http, fid, &holders).await?;
	let geometry = manifest.verify(fid).map_err(|error| anyhow!("{error}"))?;
	let handle = tokio::runtime::Handle::current();
	let source_manifest = manifest.clone();
	let (fid_copy, store_copy, http) = (*fid, store.clone(), http.clone());
	let report = tokio::task::spawn_blocking(move || {
		// A holder that failed once is not asked again for this rebuild: a dead or
		// frozen one would otherwise cost a timeout per segment.
		let mut failed: HashSet<String> = HashSet::new();
		let source = |segment: SegmentIndex, wanted: ColumnIndex| {
			let replicas: Vec<String> = holders
				.get(usize::from(wanted))
				.into_iter()
				.flatten()
				.filter(|endpoint| !failed.contains(*endpoint))
				.cloned()
				.collect();
			let (fragment, bad) = handle.block_on(fetch_fragment(
				&http,
				&fid_copy,
				&source_manifest,
				&geometry,
				&replicas,
				segment,
				wanted,
			));
			failed.extend(bad);
			Ok::<_, std::io::Error>(fragment)
		};
		repair_column(&fid_copy, &source_manifest, source, column, |segment, fragment| {
			store_copy.put(&fid_copy, segment, column, fragment)
		})
	})
	.await
	.map_err(|error| anyhow!("the rebuild task: {error}"))?
	.map_err(|error| anyhow!("rebuilding column {column}: {error}"))?;
	if !report.corrupted.is_empty() || !report.missing.is_empty() {
		tracing::info!(%fid, column, corrupted = ?report.corrupted, missing = report.missing.len(), "rebuilt around bad or missing fragments");
	}
	store.put_manifest(fid, &manifest)?;
	Ok(manifest)
}

/// The manifest of `fid` from the first holder whose copy matches the FID.
async fn fetch_manifest(
	http: &reqwest::Client,
	fid: &Fid,
	holders: &[Vec<String>],
) -> Result<Manifest> {
	let mut why = Vec::new();
	for endpoint in holders.iter().flatten() {
		let answer = http
			.get(routes::url(endpoint, &routes::file_manifest(fid)))
			.timeout(FETCH_TIMEOUT)
			.send()
			.await;
		let bytes = match answer {
			Ok(response) if response.status().is_success() => response.bytes().await,
			Ok(response) => {
				why.push(format!("{endpoint}: {}", response.status()));
				continue;
			}
			Err(error) => {
				why.push(format!("{endpoint}: {error}"));
				continue;
			}
		};
		match bytes.ok().and_then(|bytes| Manifest::decode_all(&mut &bytes[..]).ok()) {
			Some(manifest) if manifest.verify(fid).is_ok() => return Ok(manifest),
			_ => why.push(format!("{endpoint}: a manifest that does not match the FID")),
		}
	}
	bail!("no holder served the manifest of {fid}: {}", why.join("; "))
}

/// Fragment `column` of `segment` from the first of `replicas` whose copy verifies
/// (`None` lets the rebuild use another column), and the replicas that failed.
async fn fetch_fragment(
	http: &reqwest::Client,
	fid: &Fid,
	manifest: &Manifest,
	geometry: &FileGeometry,
	replicas: &[String],
	segment: SegmentIndex,
	column: ColumnIndex,
) -> (Option<Vec<u8>>, Vec<String>) {
	let mut failed = Vec::new();
	for endpoint in replicas {
		let url = routes::url(endpoint, &routes::file_fragment(fid, segment, column));
		let fetched = match http.get(url).timeout(FETCH_TIMEOUT).send().await {
			Ok(response) if response.status().is_success() => response.bytes().await.ok(),
			_ => None,
		};
		match fetched {
			Some(bytes) if verify_fragment(manifest, geometry, segment, column, &bytes) => {
				return (Some(bytes.to_vec()), failed)
			}
			Some(_) => {
				tracing::warn!(%fid, segment, column, %endpoint, "a holder served a fragment that fails verification");
			}
			None => {
				tracing::debug!(%fid, segment, column, %endpoint, "a holder did not serve a fragment")
			}
		}
		failed.push(endpoint.clone());
	}
	(None, failed)
}
