//! The file bank against a dev node: a deal declared, reported with real
//! miner receipts and stored, then deleted; and a deal nobody reports,
//! moved to the other scheduler at its deadline and failed at the next.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use deoss_e2e::{
	event_names,
	market::{
		declare, encode, file, object_bytes, prepare_owner, receipts, register_miner,
		register_scheduler, Declaration, Miner,
	},
	submit, wait_until, Client, Node, NodeConfig,
};
use deoss_primitives::{Fid, Layout};
use subxt::{
	dynamic,
	ext::scale_decode::{self, DecodeAsType},
};
use subxt_signer::{sr25519::dev, sr25519::Keypair};

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
struct Deal {
	scheduler: [u8; 32],
	previous_schedulers: Vec<[u8; 32]>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Lease {
	reserved_bytes: u64,
	used_bytes: u64,
}

/// `NAME` in `BUCKET`, `size` bytes with FID `fid`.
fn object(size: u64, fid: Fid) -> Declaration<'static> {
	Declaration { bucket: BUCKET, name: NAME, size, fid, layout: LAYOUT }
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

#[tokio::test]
async fn declare_report_store_and_delete() -> Result<()> {
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let client = node.client().await?;
	let (alice, ferdie) = (dev::alice(), dev::ferdie());
	let alice_id = alice.public_key().0;

	let payload = object_bytes(200 * 1024);
	let fid = encode(&payload, LAYOUT)?.fid;
	let size = payload.len() as u64;

	prepare_owner(&client, &alice, BUCKET).await.with_context(|| node.log_tail(20))?;
	let miners = ["Bob", "Charlie", "Dave", "Eve"].map(Miner::dev);
	let miners: Vec<Miner> = miners.into_iter().collect::<Result<_>>()?;
	for miner in &miners {
		register_miner(&client, miner).await?;
	}
	register_scheduler(&client, &ferdie).await?;

	let assigned = declare(&client, &alice, &object(size, fid)).await?;
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

	prepare_owner(&client, &alice, BUCKET).await.with_context(|| node.log_tail(20))?;
	register_scheduler(&client, &dev::bob()).await?;
	register_scheduler(&client, &dev::charlie()).await?;

	let size = 4096;
	let assigned = declare(&client, &alice, &object(size, Fid([7; 32]))).await?;
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
