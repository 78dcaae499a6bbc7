//! The storage market as the tests drive it: owners that buy space, miners and
//! schedulers that register in DE, objects declared and reported with real miner
//! receipts, and the file bank's and providers' records read back.

use anyhow::{anyhow, Result};
use deoss_pipeline::{EncodedFile, EncodedSegment, Encoder};
use deoss_primitives::{receipt_message, Fid, Layout};
use subxt::{
	dynamic::{self, Value},
	ext::scale_decode::DecodeAsFields,
	extrinsics::ExtrinsicEvents,
	SubstrateConfig,
};
use subxt_signer::{sr25519::Keypair, SecretUri};

use crate::{event_names, submit, Client, UNIT};

/// Stake every test miner registers with: exactly what 1 GiB of capacity requires.
pub const MINER_STAKE: u128 = 5_000 * UNIT;

/// Capacity every test miner declares.
pub const MINER_CAPACITY: u64 = 1 << 30;

/// A storage miner: its account and the key it signs receipts with.
pub struct Miner {
	/// The account that registers, holds the stake and answers challenges.
	pub account: Keypair,
	/// The key receipts are signed with.
	pub auth_key: Keypair,
}

impl Miner {
	/// The dev account `//<name>` with auth key `//<name>//miner-auth`; `name` may carry
	/// further junctions, such as `Bob//stash`.
	pub fn dev(name: &str) -> Result<Self> {
		let account: SecretUri = format!("//{name}").parse()?;
		let auth_key: SecretUri = format!("//{name}//miner-auth").parse()?;
		Ok(Self { account: Keypair::from_uri(&account)?, auth_key: Keypair::from_uri(&auth_key)? })
	}

	/// The account id.
	pub fn id(&self) -> [u8; 32] {
		self.account.public_key().0
	}
}

/// Deterministic pseudo-random bytes (xorshift), so the payload has no
/// structure the erasure code could make trivial.
pub fn object_bytes(len: usize) -> Vec<u8> {
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

/// The FID and manifest the pipeline computes for `payload`, fragments discarded.
pub fn encode(payload: &[u8], layout: Layout) -> Result<EncodedFile> {
	let mut discard = |_: &EncodedSegment| Ok(());
	Ok(Encoder::new(layout)?.encode(payload, &mut discard)?)
}

/// A region code as a call argument.
pub fn region(code: &str) -> Value {
	Value::from_bytes(code.as_bytes())
}

pub use deoss_chain::calls::layout_value;

/// Object metadata with a content type and nothing else.
pub fn empty_meta() -> Value {
	Value::named_composite([
		("content_type", Value::from_bytes(b"application/octet-stream")),
		("description", Value::from_bytes(b"")),
		("keywords", Value::unnamed_composite([])),
	])
}

/// 1 GiB of space for 30 days and a bucket `bucket` for `owner`.
pub async fn prepare_owner(client: &Client, owner: &Keypair, bucket: &[u8]) -> Result<()> {
	submit(client, &dynamic::transaction("StorageSpace", "buy_space", (1u32, 30u32)), owner)
		.await?;
	submit(
		client,
		&dynamic::transaction("StorageSpace", "create_bucket", (bucket.to_vec(),)),
		owner,
	)
	.await?;
	Ok(())
}

/// Registers `miner` in DE with [`MINER_STAKE`] for [`MINER_CAPACITY`]; the key proof is
/// the domain tag followed by the account, signed with the auth key.
pub async fn register_miner(client: &Client, miner: &Miner) -> Result<()> {
	let mut message = b"deoss/miner-key/v1".to_vec();
	message.extend_from_slice(&miner.id());
	let call = dynamic::transaction(
		"StorageProviders",
		"register_miner",
		(
			MINER_STAKE,
			MINER_CAPACITY,
			region("DE"),
			b"http://127.0.0.1:15001".to_vec(),
			miner.auth_key.public_key().0,
			miner.auth_key.sign(&message).0,
		),
	);
	submit(client, &call, &miner.account).await?;
	Ok(())
}

/// Registers `scheduler` in DE.
pub async fn register_scheduler(client: &Client, scheduler: &Keypair) -> Result<()> {
	let call = dynamic::transaction(
		"StorageProviders",
		"register_scheduler",
		(region("DE"), b"http://127.0.0.1:15100".to_vec()),
	);
	submit(client, &call, scheduler).await?;
	Ok(())
}

/// An object to declare.
pub struct Declaration<'a> {
	/// The owner's bucket.
	pub bucket: &'a [u8],
	/// The object's name in the bucket.
	pub name: &'a [u8],
	/// Payload bytes.
	pub size: u64,
	/// The payload's FID.
	pub fid: Fid,
	/// The layout it was encoded with.
	pub layout: Layout,
}

pub use deoss_chain::events::DealAssigned;

/// Declares `object` for `owner`, regions DE, nothing pinned.
pub async fn declare(
	client: &Client,
	owner: &Keypair,
	object: &Declaration<'_>,
) -> Result<DealAssigned> {
	let call = dynamic::transaction(
		"FileBank",
		"declare",
		(
			owner.public_key().0,
			object.bucket.to_vec(),
			object.name.to_vec(),
			object.size,
			Value::from_bytes(object.fid.0),
			layout_value(&object.layout),
			vec![region("DE")],
			Vec::<[u8; 32]>::new(),
			empty_meta(),
		),
	);
	let events = submit(client, &call, owner).await?;
	find_event(&events, "FileBank", "DealAssigned")
}

/// The first `pallet.name` event a transaction emitted, decoded as `E`.
pub fn find_event<E: DecodeAsFields>(
	events: &ExtrinsicEvents<SubstrateConfig>,
	pallet: &str,
	name: &str,
) -> Result<E> {
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() == pallet && event.event_name() == name {
			return Ok(event.decode_fields_unchecked_as::<E>()?);
		}
	}
	Err(anyhow!("no {pallet}.{name} in {:?}", event_names(events)?))
}

/// One receipt per column, from `miners[column]`, signed by `signers[column]`.
pub fn receipts(deal: u64, fid: &Fid, miners: &[Miner], signers: &[&Keypair]) -> Vec<Value> {
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

pub use deoss_chain::{FileRecord, MinerInfo, Ownership};

/// `FileBank.Files(fid)` at the last finalized block.
pub async fn file(client: &Client, fid: &Fid) -> Result<Option<FileRecord>> {
	let address = dynamic::storage::<([u8; 32],), FileRecord>("FileBank", "Files");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (fid.0,)).await?.map(|v| v.decode()).transpose()?)
}

/// `StorageProviders.Miners(miner)` at the last finalized block.
pub async fn miner_info(client: &Client, miner: [u8; 32]) -> Result<Option<MinerInfo>> {
	let address = dynamic::storage::<([u8; 32],), MinerInfo>("StorageProviders", "Miners");
	let at = client.at_current_block().await?;
	Ok(at.storage().try_fetch(address, (miner,)).await?.map(|v| v.decode()).transpose()?)
}
