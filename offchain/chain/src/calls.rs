//! Every call the DeOSS services make, as dynamic payloads checked against the node's
//! metadata when they are signed (and by `tests/metadata.rs` against the runtime we
//! build). Arguments are plain Rust types; the builders give them the runtime's shape.

use deoss_primitives::{ChunkProof, Fid, Layout};
use subxt::{
	dynamic::{self, Value},
	ext::scale_value::Composite,
	transactions::DynamicPayload,
};

use crate::{AccountId, Scope};

/// A call, ready to be signed with [`crate::Chain::submit`].
pub type Call = DynamicPayload<Composite<()>>;

fn call(pallet: &str, name: &str, args: Vec<Value>) -> Call {
	dynamic::transaction(pallet, name, Composite::unnamed(args))
}

fn account(id: &AccountId) -> Value {
	Value::from_bytes(id)
}

/// `MultiAddress::Id`, how calls that take a lookup name an account.
fn lookup(id: &AccountId) -> Value {
	Value::unnamed_variant("Id", [account(id)])
}

fn bytes(data: &[u8]) -> Value {
	Value::from_bytes(data)
}

fn option(value: Option<Value>) -> Value {
	match value {
		Some(value) => Value::unnamed_variant("Some", [value]),
		None => Value::unnamed_variant("None", []),
	}
}

/// `layout` as a call argument.
pub fn layout_value(layout: &Layout) -> Value {
	Value::named_composite([
		("segment_size", Value::u128(layout.segment_size.into())),
		("data_shards", Value::u128(layout.data_shards.into())),
		("parity_shards", Value::u128(layout.parity_shards.into())),
		("chunk_size", Value::u128(layout.chunk_size.into())),
		("replicas", Value::u128(layout.replicas.into())),
	])
}

/// `Balances.transfer_keep_alive(dest, value)`.
pub fn transfer(dest: &AccountId, amount: u128) -> Call {
	call("Balances", "transfer_keep_alive", vec![lookup(dest), Value::u128(amount)])
}

/// `StorageSpace.buy_space(gib, days)`.
pub fn buy_space(gib: u32, days: u32) -> Call {
	call("StorageSpace", "buy_space", vec![Value::u128(gib.into()), Value::u128(days.into())])
}

/// `StorageSpace.expand_space(gib)`.
pub fn expand_space(gib: u32) -> Call {
	call("StorageSpace", "expand_space", vec![Value::u128(gib.into())])
}

/// `StorageSpace.renew_space(days)`.
pub fn renew_space(days: u32) -> Call {
	call("StorageSpace", "renew_space", vec![Value::u128(days.into())])
}

/// `StorageSpace.create_bucket(name)`.
pub fn create_bucket(name: &[u8]) -> Call {
	call("StorageSpace", "create_bucket", vec![bytes(name)])
}

/// `StorageSpace.delete_bucket(name)`.
pub fn delete_bucket(name: &[u8]) -> Call {
	call("StorageSpace", "delete_bucket", vec![bytes(name)])
}

/// `StorageSpace.create_bucket_for(owner, name)`: a bucket for `owner`, created by the
/// owner or an operator with the Upload scope.
pub fn create_bucket_for(owner: &AccountId, name: &[u8]) -> Call {
	call("StorageSpace", "create_bucket_for", vec![account(owner), bytes(name)])
}

/// `StorageSpace.delete_bucket_for(owner, name)`: by the owner or an operator with
/// the Delete scope.
pub fn delete_bucket_for(owner: &AccountId, name: &[u8]) -> Call {
	call("StorageSpace", "delete_bucket_for", vec![account(owner), bytes(name)])
}

/// What a miner declares when it registers.
#[derive(Debug, Clone)]
pub struct MinerRegistration {
	/// Stake to hold.
	pub stake: u128,
	/// Capacity in bytes.
	pub capacity_bytes: u64,
	/// ISO 3166-1 alpha-2 region.
	pub region: [u8; 2],
	/// Where it is reached.
	pub endpoint: String,
	/// sr25519 key it signs receipts with.
	pub auth_key: [u8; 32],
	/// Signature by the auth key over [`miner_key_proof_message`].
	pub key_proof: [u8; 64],
}

/// What a miner's auth key signs to prove it belongs to `miner`.
pub fn miner_key_proof_message(miner: &AccountId) -> Vec<u8> {
	let mut message = b"deoss/miner-key/v1".to_vec();
	message.extend_from_slice(miner);
	message
}

/// `StorageProviders.register_miner(..)`.
pub fn register_miner(registration: &MinerRegistration) -> Call {
	call(
		"StorageProviders",
		"register_miner",
		vec![
			Value::u128(registration.stake),
			Value::u128(registration.capacity_bytes.into()),
			bytes(&registration.region),
			bytes(registration.endpoint.as_bytes()),
			bytes(&registration.auth_key),
			bytes(&registration.key_proof),
		],
	)
}

/// `StorageProviders.update_endpoint(endpoint)`.
pub fn update_miner_endpoint(endpoint: &str) -> Call {
	call("StorageProviders", "update_endpoint", vec![bytes(endpoint.as_bytes())])
}

/// `StorageProviders.register_scheduler(region, endpoint)`.
pub fn register_scheduler(region: [u8; 2], endpoint: &str) -> Call {
	call("StorageProviders", "register_scheduler", vec![bytes(&region), bytes(endpoint.as_bytes())])
}

/// `StorageProviders.update_scheduler_endpoint(endpoint)`.
pub fn update_scheduler_endpoint(endpoint: &str) -> Call {
	call("StorageProviders", "update_scheduler_endpoint", vec![bytes(endpoint.as_bytes())])
}

/// `StorageProviders.request_exit()`.
pub fn request_exit() -> Call {
	call("StorageProviders", "request_exit", vec![])
}

/// `Oss.authorize(operator, scopes, expires_at)`.
pub fn authorize(operator: &AccountId, scopes: &[Scope], expires_at: Option<u32>) -> Call {
	let scopes = Value::unnamed_composite(
		scopes.iter().map(|scope| Value::unnamed_variant(scope.name(), [])),
	);
	call(
		"Oss",
		"authorize",
		vec![lookup(operator), scopes, option(expires_at.map(|at| Value::u128(at.into())))],
	)
}

/// `Oss.revoke(operator)`.
pub fn revoke(operator: &AccountId) -> Call {
	call("Oss", "revoke", vec![lookup(operator)])
}

/// `Oss.register_gateway(endpoint)`.
pub fn register_gateway(endpoint: &str) -> Call {
	call("Oss", "register_gateway", vec![bytes(endpoint.as_bytes())])
}

/// `Oss.update_gateway(endpoint)`.
pub fn update_gateway(endpoint: &str) -> Call {
	call("Oss", "update_gateway", vec![bytes(endpoint.as_bytes())])
}

/// The descriptive information of an object.
#[derive(Debug, Clone, Default)]
pub struct Meta {
	/// MIME type.
	pub content_type: String,
	/// A short description.
	pub description: String,
	/// Search keywords.
	pub keywords: Vec<String>,
}

/// An object to declare.
#[derive(Debug, Clone)]
pub struct Declaration {
	/// The account the object belongs to.
	pub owner: AccountId,
	/// Its bucket.
	pub bucket: Vec<u8>,
	/// Its name in the bucket.
	pub name: Vec<u8>,
	/// Payload bytes.
	pub size: u64,
	/// The payload's Merkle root.
	pub fid: Fid,
	/// How the payload was encoded.
	pub layout: Layout,
	/// Regions the fragments may go to.
	pub regions: Vec<[u8; 2]>,
	/// Miners allowed whatever their region.
	pub pinned: Vec<AccountId>,
	/// Content type, description, keywords.
	pub meta: Meta,
}

/// `FileBank.declare(..)`.
pub fn declare(declaration: &Declaration) -> Call {
	let meta = Value::named_composite([
		("content_type", bytes(declaration.meta.content_type.as_bytes())),
		("description", bytes(declaration.meta.description.as_bytes())),
		(
			"keywords",
			Value::unnamed_composite(
				declaration.meta.keywords.iter().map(|keyword| bytes(keyword.as_bytes())),
			),
		),
	]);
	call(
		"FileBank",
		"declare",
		vec![
			account(&declaration.owner),
			bytes(&declaration.bucket),
			bytes(&declaration.name),
			Value::u128(declaration.size.into()),
			bytes(&declaration.fid.0),
			layout_value(&declaration.layout),
			Value::unnamed_composite(declaration.regions.iter().map(|region| bytes(region))),
			Value::unnamed_composite(declaration.pinned.iter().map(account)),
			meta,
		],
	)
}

/// A miner's signed receipt for one slot of a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotReceipt {
	/// The miner.
	pub miner: AccountId,
	/// The column it holds.
	pub column: u16,
	/// Which replica of the column.
	pub replica: u8,
	/// sr25519 signature by the miner's auth key over `receipt_message`.
	pub signature: [u8; 64],
}

/// `FileBank.report(deal, receipts)`.
pub fn report(deal: u64, receipts: &[SlotReceipt]) -> Call {
	let receipts = Value::unnamed_composite(receipts.iter().map(|receipt| {
		Value::named_composite([
			("miner", account(&receipt.miner)),
			("column", Value::u128(receipt.column.into())),
			("replica", Value::u128(receipt.replica.into())),
			("signature", bytes(&receipt.signature)),
		])
	}));
	call("FileBank", "report", vec![Value::u128(deal.into()), receipts])
}

/// `FileBank.request_reassign(deal)`.
pub fn request_reassign(deal: u64) -> Call {
	call("FileBank", "request_reassign", vec![Value::u128(deal.into())])
}

/// `FileBank.cancel_deal(deal)`.
pub fn cancel_deal(deal: u64) -> Call {
	call("FileBank", "cancel_deal", vec![Value::u128(deal.into())])
}

/// `FileBank.delete_object(owner, bucket, name)`.
pub fn delete_object(owner: &AccountId, bucket: &[u8], name: &[u8]) -> Call {
	call("FileBank", "delete_object", vec![account(owner), bytes(bucket), bytes(name)])
}

/// `FileBank.transfer_ownership(bucket, name, new_owner, new_bucket)`.
pub fn transfer_ownership(
	bucket: &[u8],
	name: &[u8],
	new_owner: &AccountId,
	new_bucket: &[u8],
) -> Call {
	call(
		"FileBank",
		"transfer_ownership",
		vec![bytes(bucket), bytes(name), account(new_owner), bytes(new_bucket)],
	)
}

/// `FileBank.grant_key(fid, grantee, wrapped_key)`.
pub fn grant_key(fid: &Fid, grantee: &AccountId, wrapped_key: &[u8]) -> Call {
	call("FileBank", "grant_key", vec![bytes(&fid.0), account(grantee), bytes(wrapped_key)])
}

/// `FileBank.revoke_key(fid, grantee)`.
pub fn revoke_key(fid: &Fid, grantee: &AccountId) -> Call {
	call("FileBank", "revoke_key", vec![bytes(&fid.0), account(grantee)])
}

fn proofs_value(proofs: &[ChunkProof]) -> Value {
	Value::unnamed_composite(proofs.iter().map(|proof| {
		Value::named_composite([
			("chunk", bytes(&proof.chunk.to_vec())),
			("path", Value::unnamed_composite(proof.path.to_vec().iter().map(|hash| bytes(hash)))),
		])
	}))
}

/// `Audit.submit_proof(proofs)`.
pub fn submit_proof(proofs: &[ChunkProof]) -> Call {
	call("Audit", "submit_proof", vec![proofs_value(proofs)])
}

/// `Audit.claim_restoral(fid, slot)`.
pub fn claim_restoral(fid: &Fid, slot: u32) -> Call {
	call("Audit", "claim_restoral", vec![bytes(&fid.0), Value::u128(slot.into())])
}

/// `Audit.complete_restoral(fid, slot, proofs)`.
pub fn complete_restoral(fid: &Fid, slot: u32, proofs: &[ChunkProof]) -> Call {
	call(
		"Audit",
		"complete_restoral",
		vec![bytes(&fid.0), Value::u128(slot.into()), proofs_value(proofs)],
	)
}
