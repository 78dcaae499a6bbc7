//! The file bank against a dev node: a deal declared, reported with real
//! miner receipts and stored, then deleted; and a deal nobody reports,
//! moved to the other scheduler at its deadline and failed at the next.

use std::time::Duration;

use anyhow::{anyhow, ensure, Context, Result};
use deoss_e2e::{event_names, submit, wait_until, Client, Node, NodeConfig, UNIT};
use deoss_pipeline::{EncodedSegment, Encoder};
use deoss_primitives::{receipt_message, Fid, Layout};
use subxt::{
	dynamic::{self, Value},
	ext::scale_decode::{self, DecodeAsFields, DecodeAsType},
	extrinsics::ExtrinsicEvents,
	SubstrateConfig,
};
use subxt_signer::{sr25519::dev, sr25519::Keypair, SecretUri};

const BUCKET: &[u8] = b"archive";
const NAME: &[u8] = b"reports/2026.bin";

/// Small enough that the test object spans several segments and every
/// column is held by a different one of four miners.
const LAYOUT: Layout = Layout {
	segment_size: 64 * 1024,
	data_shards: 2,
	parity_shards: 2,
	chunk_size: 1024,
	replicas: 1,
};

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct DealAssigned {
	deal: u64,
	scheduler: [u8; 32],
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Deal {
	scheduler: [u8; 32],
	previous_schedulers: Vec<[u8; 32]>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Ownership {
	owner: [u8; 32],
	bucket: Vec<u8>,
	name: Vec<u8>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct FileRecord {
	owners: Vec<Ownership>,
	size: u64,
	column_bytes: u64,
	miners: Vec<[u8; 32]>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Lease {
	reserved_bytes: u64,
	used_bytes: u64,
}

/// A storage miner: its account and the key it signs receipts with.
struct Miner {
	account: Keypair,
	auth_key: Keypair,
}

impl Miner {
	fn id(&self) -> [u8; 32] {
		self.account.public_key().0
	}
}

/// Deterministic pseudo-random bytes (xorshift), so the payload has no
/// structure the erasure code could make trivial.
fn object_bytes(len: usize) -> Vec<u8> {
	let mut state = 0x9e37_79b9_7f4a_7c15u64;
	(0..len)
		.map(|_| {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state as u8
		})
		.collect()
}

/// The FID the pipeline computes for `payload`; the fragments themselves
/// are not needed, since the chain only sees the miners' receipts.
fn encode(payload: &[u8]) -> Result<Fid> {
	let mut discard = |_: &EncodedSegment| Ok(());
	Ok(Encoder::new(LAYOUT)?.encode(payload, &mut discard)?.fid)
}

fn region(code: &str) -> Value {
	Value::from_bytes(code.as_bytes())
}

fn layout_value() -> Value {
	Value::named_composite([
		("segment_size", Value::u128(LAYOUT.segment_size.into())),
		("data_shards", Value::u128(LAYOUT.data_shards.into())),
		("parity_shards", Value::u128(LAYOUT.parity_shards.into())),
		("chunk_size", Value::u128(LAYOUT.chunk_size.into())),
		("replicas", Value::u128(LAYOUT.replicas.into())),
	])
}

fn empty_meta() -> Value {
	Value::named_composite([
		("content_type", Value::from_bytes(b"application/octet-stream")),
		("description", Value::from_bytes(b"")),
		("keywords", Value::unnamed_composite([])),
	])
}

/// Space and a bucket for `owner`.
async fn prepare_owner(client: &Client, owner: &Keypair) -> Result<()> {
	submit(client, &dynamic::transaction("StorageSpace", "buy_space", (1u32, 30u32)), owner)
		.await?;
	submit(
		client,
		&dynamic::transaction("StorageSpace", "create_bucket", (BUCKET.to_vec(),)),
		owner,
	)
	.await?;
	Ok(())
}

/// Registers `miner` in DE; the key proof is the domain tag followed by
/// the account, signed with the auth key.
async fn register_miner(client: &Client, miner: &Miner) -> Result<()> {
	let mut message = b"deoss/miner-key/v1".to_vec();
	message.extend_from_slice(&miner.id());
	let call = dynamic::transaction(
		"StorageProviders",
		"register_miner",
		(
			5_000 * UNIT,
			1u64 << 30,
			region("DE"),
			b"http://127.0.0.1:15001".to_vec(),
			miner.auth_key.public_key().0,
			miner.auth_key.sign(&message).0,
		),
	);
	submit(client, &call, &miner.account).await?;
	Ok(())
}

async fn register_scheduler(client: &Client, scheduler: &Keypair) -> Result<()> {
	let call = dynamic::transaction(
		"StorageProviders",
		"register_scheduler",
		(region("DE"), b"http://127.0.0.1:15100".to_vec()),
	);
	submit(client, &call, scheduler).await?;
	Ok(())
}

/// Declares `NAME` in `BUCKET` for `owner`, regions DE, nothing pinned.
async fn declare(client: &Client, owner: &Keypair, size: u64, fid: &Fid) -> Result<DealAssigned> {
	let call = dynamic::transaction(
		"FileBank",
		"declare",
		(
			owner.public_key().0,
			BUCKET.to_vec(),
			NAME.to_vec(),
			size,
			Value::from_bytes(fid.0),
			layout_value(),
			vec![region("DE")],
			Vec::<[u8; 32]>::new(),
			empty_meta(),
		),
	);
	let events = submit(client, &call, owner).await?;
	find_event(&events, "DealAssigned")
}

fn find_event<E: DecodeAsFields>(
	events: &ExtrinsicEvents<SubstrateConfig>,
	name: &str,
) -> Result<E> {
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() == "FileBank" && event.event_name() == name {
			return Ok(event.decode_fields_unchecked_as::<E>()?);
		}
	}
	Err(anyhow!("no FileBank.{name} in {:?}", event_names(events)?))
}

/// One receipt per column, from `miners[column]`, signed by `signers[column]`.
fn receipts(deal: u64, fid: &Fid, miners: &[Miner], signers: &[&Keypair]) -> Vec<Value> {
	miners
		.iter()
		.zip(signers)
		.enumerate()
		.map(|(column, (miner, signer))| {
			let message = receipt_message(deal, fid, column as u16, &miner.id());
			Value::named_composite([
				("miner", Value::from_bytes(miner.id())),
				("column", Value::u128(column as u128)),
				("replica", Value::u128(0)),
				("signature", Value::from_bytes(signer.sign(&message).0)),
			])
		})
		.collect()
}

async fn file(client: &Client, fid: &Fid) -> Result<Option<FileRecord>> {
	let address = dynamic::storage::<([u8; 32],), FileRecord>("FileBank", "Files");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (fid.0,)).await?.map(|v| v.decode()).transpose()?)
}

async fn owned_object(client: &Client, owner: [u8; 32]) -> Result<Option<[u8; 32]>> {
	let address =
		dynamic::storage::<([u8; 32], (Vec<u8>, Vec<u8>)), [u8; 32]>("FileBank", "OwnedObjects");
	let at = client.at_current_block().await?;
	let key = (owner, (BUCKET.to_vec(), NAME.to_vec()));
	Ok(at.storage().try_fetch(address, key).await?.map(|v| v.decode()).transpose()?)
}

async fn deal(client: &Client, id: u64) -> Result<Option<Deal>> {
	let address = dynamic::storage::<(u64,), Deal>("FileBank", "Deals");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (id,)).await?.map(|v| v.decode()).transpose()?)
}

async fn lease(client: &Client, owner: [u8; 32]) -> Result<Lease> {
	let address = dynamic::storage::<([u8; 32],), Lease>("StorageSpace", "UserSpace");
	let at = client.at_current_block().await?;
	Ok(at.storage().fetch(address, (owner,)).await?.decode()?)
}

fn miner(name: &str) -> Result<Miner> {
	let account: SecretUri = format!("//{name}").parse()?;
	let auth_key: SecretUri = format!("//{name}//miner-auth").parse()?;
	Ok(Miner { account: Keypair::from_uri(&account)?, auth_key: Keypair::from_uri(&auth_key)? })
}

#[tokio::test]
async fn declare_report_store_and_delete() -> Result<()> {
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let client = node.client().await?;
	let (alice, ferdie) = (dev::alice(), dev::ferdie());
	let alice_id = alice.public_key().0;

	let payload = object_bytes(200 * 1024);
	let fid = encode(&payload)?;
	let size = payload.len() as u64;

	prepare_owner(&client, &alice).await.with_context(|| node.log_tail(20))?;
	let miners = ["Bob", "Charlie", "Dave", "Eve"].map(miner);
	let miners: Vec<Miner> = miners.into_iter().collect::<Result<_>>()?;
	for miner in &miners {
		register_miner(&client, miner).await?;
	}
	register_scheduler(&client, &ferdie).await?;

	let assigned = declare(&client, &alice, size, &fid).await?;
	ensure!(assigned.scheduler == ferdie.public_key().0, "the only scheduler: {assigned:?}");
	ensure!(lease(&client, alice_id).await?.reserved_bytes == size, "size reserved");

	// Bob's receipt signed with Charlie's key: the whole report is refused.
	let mut signers: Vec<&Keypair> = miners.iter().map(|miner| &miner.auth_key).collect();
	signers[0] = &miners[1].auth_key;
	let forged = receipts(assigned.deal, &fid, &miners, &signers);
	let refused = submit(
		&client,
		&dynamic::transaction("FileBank", "report", (assigned.deal, forged)),
		&ferdie,
	)
	.await
	.expect_err("a receipt signed with another miner's key is refused");
	ensure!(refused.to_string().contains("InvalidSignature"), "{refused}");

	let signers: Vec<&Keypair> = miners.iter().map(|miner| &miner.auth_key).collect();
	let good = receipts(assigned.deal, &fid, &miners, &signers);
	let events = submit(
		&client,
		&dynamic::transaction("FileBank", "report", (assigned.deal, good)),
		&ferdie,
	)
	.await?;
	ensure!(event_names(&events)?.contains(&"FileBank.FileStored".into()));

	let stored = file(&client, &fid).await?.context("file stored")?;
	ensure!(stored.size == size && stored.column_bytes > 0, "{stored:?}");
	ensure!(stored.owners.len() == 1 && stored.owners[0].owner == alice_id, "{stored:?}");
	ensure!(stored.owners[0].bucket == BUCKET && stored.owners[0].name == NAME, "{stored:?}");
	let ids: Vec<[u8; 32]> = miners.iter().map(Miner::id).collect();
	ensure!(stored.miners == ids, "slot c holds column c's miner: {stored:?}");
	ensure!(owned_object(&client, alice_id).await? == Some(fid.0), "object indexed");
	let space = lease(&client, alice_id).await?;
	ensure!(space.reserved_bytes == 0 && space.used_bytes == size, "{space:?}");

	let call = dynamic::transaction(
		"FileBank",
		"delete_object",
		(alice_id, BUCKET.to_vec(), NAME.to_vec()),
	);
	let events = submit(&client, &call, &alice).await?;
	ensure!(event_names(&events)?.contains(&"FileBank.FileDeleted".into()));
	ensure!(file(&client, &fid).await?.is_none(), "file removed");
	ensure!(owned_object(&client, alice_id).await?.is_none(), "object unindexed");
	ensure!(lease(&client, alice_id).await?.used_bytes == 0, "space released");
	Ok(())
}

/// `DealTimeout` is 100 blocks. At the first deadline the deal moves to
/// the other scheduler; at the second both are excluded, the draw finds
/// none and the deal fails (before `MaxReassign` = 3 would matter).
#[tokio::test]
async fn unreported_deal_times_out_and_fails() -> Result<()> {
	let node =
		Node::start(NodeConfig::dev(&["--sealing", "interval", "--block-time", "100"])).await?;
	let client = node.client().await?;
	let alice = dev::alice();
	let alice_id = alice.public_key().0;
	let schedulers = [dev::bob().public_key().0, dev::charlie().public_key().0];

	prepare_owner(&client, &alice).await.with_context(|| node.log_tail(20))?;
	register_scheduler(&client, &dev::bob()).await?;
	register_scheduler(&client, &dev::charlie()).await?;

	let size = 4096;
	let assigned = declare(&client, &alice, size, &Fid([7; 32])).await?;
	ensure!(schedulers.contains(&assigned.scheduler), "{assigned:?}");
	ensure!(lease(&client, alice_id).await?.reserved_bytes == size, "size reserved");

	// 100 blocks of 100 ms each per deadline, with room for a slow machine.
	let timeout = Duration::from_secs(90);
	let moved = wait_until(timeout, "the deal to move to the other scheduler", || async {
		Ok(deal(&client, assigned.deal).await?.filter(|deal| !deal.previous_schedulers.is_empty()))
	})
	.await?;
	ensure!(moved.previous_schedulers == [assigned.scheduler], "{moved:?}");
	ensure!(moved.scheduler != assigned.scheduler && schedulers.contains(&moved.scheduler));

	wait_until(timeout, "the deal to fail", || async {
		Ok(deal(&client, assigned.deal).await?.is_none().then_some(()))
	})
	.await?;
	let space = lease(&client, alice_id).await?;
	ensure!(space.reserved_bytes == 0 && space.used_bytes == 0, "reservation returned: {space:?}");
	ensure!(owned_object(&client, alice_id).await?.is_none(), "nothing stored");
	Ok(())
}
