//! The storage market against a dev node: space and buckets, a storage
//! miner and a scheduler, and a gateway authorized by a user.

use anyhow::{ensure, Context, Result};
use deoss_e2e::{account, event_names, submit, Node, NodeConfig, UNIT};
use subxt::{
	dynamic::{self, Value},
	ext::scale_decode::{self, DecodeAsType},
};
use subxt_signer::{sr25519::dev, sr25519::Keypair, SecretUri};

const GIB: u64 = 1 << 30;

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Lease {
	purchased_bytes: u64,
	reserved_bytes: u64,
	used_bytes: u64,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Miner {
	stake: u128,
	capacity_bytes: u64,
	auth_key: [u8; 32],
}

fn miner_key() -> Result<Keypair> {
	let uri: SecretUri = "//Charlie//miner-auth".parse()?;
	Ok(Keypair::from_uri(&uri)?)
}

/// What a miner signs to prove it holds its authentication key:
/// the domain tag followed by the SCALE-encoded account id.
fn key_proof(key: &Keypair, miner: &[u8; 32]) -> [u8; 64] {
	let mut message = b"deoss/miner-key/v1".to_vec();
	message.extend_from_slice(miner);
	key.sign(&message).0
}

fn region(code: &str) -> Value {
	Value::from_bytes(code.as_bytes())
}

#[tokio::test]
async fn space_bucket_miner_scheduler_and_gateway() -> Result<()> {
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let client = node.client().await?;
	let (alice, charlie, dave, eve, ferdie) =
		(dev::alice(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie());
	let alice_id = alice.public_key().0;

	// Space: 10 GiB for 30 days.
	let events =
		submit(&client, &dynamic::transaction("StorageSpace", "buy_space", (10u32, 30u32)), &alice)
			.await
			.with_context(|| node.log_tail(20))?;
	ensure!(event_names(&events)?.contains(&"StorageSpace.SpacePurchased".into()));
	let at = client.at_current_block().await?;
	let lease = at
		.storage()
		.fetch(dynamic::storage::<([u8; 32],), Lease>("StorageSpace", "UserSpace"), (alice_id,))
		.await?
		.decode()?;
	ensure!(lease.purchased_bytes == 10 * GIB, "lease {lease:?}");
	ensure!(lease.reserved_bytes == 0 && lease.used_bytes == 0, "lease {lease:?}");

	// Buckets: S3 names are checked on chain.
	submit(
		&client,
		&dynamic::transaction("StorageSpace", "create_bucket", (b"photos-2026".to_vec(),)),
		&alice,
	)
	.await?;
	let at = client.at_current_block().await?;
	let bucket = at
		.storage()
		.try_fetch(
			dynamic::storage::<([u8; 32], Vec<u8>), Value>("StorageSpace", "Buckets"),
			(alice_id, b"photos-2026".to_vec()),
		)
		.await?;
	ensure!(bucket.is_some(), "bucket stored");
	let refused = submit(
		&client,
		&dynamic::transaction("StorageSpace", "create_bucket", (b"192.168.5.4".to_vec(),)),
		&alice,
	)
	.await
	.expect_err("an IPv4-shaped bucket name is refused");
	ensure!(refused.to_string().contains("StorageSpace"), "refused by the pallet: {refused}");

	// A storage miner proves it holds its receipt-signing key.
	let key = miner_key()?;
	let charlie_id = charlie.public_key().0;
	let register = |proof: [u8; 64]| {
		dynamic::transaction(
			"StorageProviders",
			"register_miner",
			(
				5_000 * UNIT,
				1u64 << 40,
				region("DE"),
				b"http://127.0.0.1:15001".to_vec(),
				key.public_key().0,
				proof,
			),
		)
	};
	let forged = submit(&client, &register(key_proof(&key, &charlie_id)), &dave)
		.await
		.expect_err("Dave cannot register Charlie's key proof");
	ensure!(forged.to_string().contains("InvalidKeyProof"), "{forged}");
	let events = submit(&client, &register(key_proof(&key, &charlie_id)), &charlie).await?;
	ensure!(event_names(&events)?.contains(&"StorageProviders.MinerRegistered".into()));
	let at = client.at_current_block().await?;
	let miner = at
		.storage()
		.fetch(dynamic::storage::<([u8; 32],), Miner>("StorageProviders", "Miners"), (charlie_id,))
		.await?
		.decode()?;
	ensure!(miner.stake == 5_000 * UNIT && miner.capacity_bytes == 1 << 40, "{miner:?}");
	ensure!(miner.auth_key == key.public_key().0, "auth key stored");
	let charlie_account = account(&client, charlie_id).await?;
	ensure!(charlie_account.data.reserved >= 5_000 * UNIT, "stake held: {charlie_account:?}");
	let indexed = at
		.storage()
		.try_fetch(
			dynamic::storage::<(Value, [u8; 32]), Value>(
				"StorageProviders",
				"ActiveMinersByRegion",
			),
			(region("DE"), charlie_id),
		)
		.await?;
	ensure!(indexed.is_some(), "miner listed under its region");

	// A scheduler.
	let events = submit(
		&client,
		&dynamic::transaction(
			"StorageProviders",
			"register_scheduler",
			(region("FR"), b"http://127.0.0.1:15100".to_vec()),
		),
		&eve,
	)
	.await?;
	ensure!(event_names(&events)?.contains(&"StorageProviders.SchedulerRegistered".into()));

	// Alice authorizes Ferdie's gateway to upload for her; Ferdie registers it.
	let upload = Value::unnamed_variant("Upload", []);
	let events = submit(
		&client,
		&dynamic::transaction(
			"Oss",
			"authorize",
			(ferdie.public_key().to_address::<()>(), vec![upload], None::<u32>),
		),
		&alice,
	)
	.await?;
	ensure!(event_names(&events)?.contains(&"Oss.Authorized".into()));
	submit(
		&client,
		&dynamic::transaction(
			"Oss",
			"register_gateway",
			(b"https://gateway.deoss.local:8443".to_vec(),),
		),
		&ferdie,
	)
	.await?;
	let at = client.at_current_block().await?;
	let grant = at
		.storage()
		.try_fetch(
			dynamic::storage::<([u8; 32], [u8; 32]), Value>("Oss", "Authorizations"),
			(alice_id, ferdie.public_key().0),
		)
		.await?;
	ensure!(grant.is_some(), "authorization stored");
	let gateway = at
		.storage()
		.try_fetch(
			dynamic::storage::<([u8; 32],), Value>("Oss", "Gateways"),
			(ferdie.public_key().0,),
		)
		.await?;
	ensure!(gateway.is_some(), "gateway registered");
	Ok(())
}
