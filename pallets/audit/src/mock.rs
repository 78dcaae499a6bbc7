//! A test runtime with the real market pallets (balances, space, providers,
//! authorizations, file bank) and the audit, plus a small off-chain side:
//! files encoded by the pipeline, their fragments kept in memory, miners
//! that answer challenges from them.

use crate::{self as pallet_audit, Challenges, RestoralOrders};
use alloc::collections::BTreeMap;
use codec::Encode;
use deoss_pipeline::{EncodedSegment, Encoder, FragmentStore, Manifest, Prover};
use deoss_primitives::{
	derive_sample, receipt_message, Blake2bHasher, ChunkProof, ColumnIndex, Fid, Layout,
	SegmentIndex,
};
use deoss_traits::Region;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, OnInitialize, Randomness},
	BoundedVec, PalletId,
};
use pallet_file_bank::{ObjectMeta, SlotReceipt};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{AccountId32, BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub type Balance = u64;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type StorageSpace = pallet_storage_space;
	#[runtime::pallet_index(3)]
	pub type StorageProviders = pallet_storage_providers;
	#[runtime::pallet_index(4)]
	pub type Oss = pallet_oss;
	#[runtime::pallet_index(5)]
	pub type FileBank = pallet_file_bank;
	#[runtime::pallet_index(6)]
	pub type Audit = pallet_audit;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// One gibibyte.
pub const GIB: u64 = 1 << 30;
/// Blocks between challenge rounds.
pub const PERIOD: u64 = 10;
/// Blocks to answer a challenge.
pub const WINDOW: u64 = 5;
/// Samples per challenge.
pub const SAMPLES: u32 = 12;
/// Blocks to complete a claimed restoral.
pub const RESTORAL_TIMEOUT: u64 = 20;
/// Samples proved on completion of a restoral.
pub const RESTORAL_SAMPLES: u32 = 4;
/// Every miner's stake.
pub const STAKE: Balance = 10_000;

parameter_types! {
	pub const SpacePalletId: PalletId = PalletId(*b"deo/spac");
	pub const SlashFraction: Perbill = Perbill::from_percent(10);
	pub const AbandonFraction: Perbill = Perbill::from_percent(1);
}

/// Deterministic randomness that differs per subject and block.
pub struct TestRandomness;
impl Randomness<H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let block = System::block_number();
		(H256(sp_io::hashing::blake2_256(&(subject, block).encode())), block)
	}
}

impl pallet_storage_space::Config for Test {
	type Currency = Balances;
	type PalletId = SpacePalletId;
	type PricePerGibDay = ConstU64<1>;
	type BlocksPerDay = ConstU64<1_000>;
	type MinDays = ConstU32<1>;
	type MaxDays = ConstU32<365>;
	type MaxPurchaseGib = ConstU32<1_024>;
	type GracePeriod = ConstU64<1_000>;
	type MaxExpiriesPerBlock = ConstU32<8>;
	type MaxTransitionsPerBlock = ConstU32<8>;
	type MaxBucketsPerUser = ConstU32<8>;
	type OnExpired = FileBank;
	type Authority = Oss;
	type WeightInfo = ();
}

impl pallet_storage_providers::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type OnSlash = ();
	type Randomness = TestRandomness;
	type MinerBaseStake = ConstU64<1_000>;
	type StakePerTib = ConstU64<1_000>;
	type SchedulerStake = ConstU64<500>;
	type SchedulerTimeoutPenalty = ConstU64<5>;
	type UnbondingPeriod = ConstU64<10>;
	type MinCapacity = ConstU64<GIB>;
	type MaxCapacity = ConstU64<{ 1 << 50 }>;
	type MaxEndpointLen = ConstU32<64>;
	type MaxMiners = ConstU32<16>;
	type MaxSchedulers = ConstU32<4>;
	type OnExit = Audit;
	type WeightInfo = ();
}

impl pallet_oss::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GatewayDeposit = ConstU64<10>;
	type MaxOperatorsPerOwner = ConstU32<4>;
	type MaxEndpointLen = ConstU32<64>;
	type WeightInfo = ();
}

impl pallet_file_bank::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DealDeposit = ConstU64<10>;
	type MaxOpenDeals = ConstU32<8>;
	type MinBillableSize = ConstU64<1024>;
	type SpaceLedger = StorageSpace;
	type Buckets = StorageSpace;
	type StakeBalance = Balance;
	type Miners = StorageProviders;
	type Schedulers = StorageProviders;
	type Authority = Oss;
	type DealTimeout = ConstU64<20>;
	type MaxReassign = ConstU32<2>;
	type MaxDeadlinesPerBlock = ConstU32<4>;
	type MaxRemovalsPerBlock = ConstU32<4>;
	type MaxSlots = ConstU32<16>;
	type MaxOwners = ConstU32<4>;
	type MaxNameLen = ConstU32<32>;
	type MaxBucketNameLen = ConstU32<32>;
	type MaxRegions = ConstU32<4>;
	type MaxPinned = ConstU32<4>;
	type MaxMetaLen = ConstU32<16>;
	type MaxDescriptionLen = ConstU32<16>;
	type MaxKeywords = ConstU32<2>;
	type MaxKeyGrants = ConstU32<2>;
	type MaxWrappedKeyLen = ConstU32<96>;
	type MaxChunkSize = frame_support::traits::ConstU32<4096>;
	type Hooks = Audit;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchSetup;
}

impl pallet_audit::Config for Test {
	type StakeBalance = Balance;
	type Miners = StorageProviders;
	type Files = FileBank;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchSetup;
	type Randomness = TestRandomness;
	type ChallengePeriod = ConstU64<PERIOD>;
	type ResponseWindow = ConstU64<WINDOW>;
	type SamplesPerChallenge = ConstU32<SAMPLES>;
	/// Fewer than the miners of a file, so a round spans several blocks.
	type MaxChallengesPerBlock = ConstU32<3>;
	type FailureWindow = ConstU32<8>;
	type SlashAfter = ConstU32<2>;
	type SlashFraction = SlashFraction;
	type LoseAfter = ConstU32<3>;
	type MaxHandOversPerBlock = ConstU32<3>;
	type RestoralTimeout = ConstU64<RESTORAL_TIMEOUT>;
	type AbandonFraction = AbandonFraction;
	type MaxClaimsPerBlock = ConstU32<2>;
	type RestoralSamples = ConstU32<RESTORAL_SAMPLES>;
	type AuditWeightInfo = ();
}

/// Real registrations for the file bank's benchmark helper (used by the
/// audit's benchmarks in this mock).
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchSetup;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_file_bank::BenchmarkHelper<AccountId> for BenchSetup {
	fn prepare_owner(owner: &AccountId, bucket: &[u8], _bytes: u64) {
		fund(owner);
		buy_space_and_bucket(owner, bucket);
	}
	fn register_scheduler(who: &AccountId, region: Region) {
		fund(who);
		StorageProviders::register_scheduler(
			RuntimeOrigin::signed(who.clone()),
			region,
			endpoint(),
		)
		.expect("scheduler registers");
	}
	fn register_miner(who: &AccountId, region: Region, auth_key: [u8; 32], bytes: u64) {
		fund(who);
		let proof = sp_io::crypto::sr25519_sign(
			crate::benchmarking::BENCH_KEYS,
			&sr25519::Public::from_raw(auth_key),
			&pallet_storage_providers::key_proof_message(who),
		)
		.expect("the benchmark generated this key");
		let capacity = bytes.max(GIB);
		StorageProviders::register_miner(
			RuntimeOrigin::signed(who.clone()),
			STAKE,
			capacity,
			region,
			endpoint(),
			auth_key,
			proof.0,
		)
		.expect("miner registers");
	}
	fn authorize(_operator: &AccountId, _owner: &AccountId, _scope: deoss_traits::Scope) {}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_audit::BenchmarkHelper<AccountId> for BenchSetup {
	fn register_miner(who: &AccountId, region: Region, auth_key: [u8; 32], bytes: u64) {
		<Self as pallet_file_bank::BenchmarkHelper<AccountId>>::register_miner(
			who, region, auth_key, bytes,
		);
	}
	fn store_file(fid: Fid, file: pallet_audit::IndexedFile<AccountId>) {
		FileBank::store_for_benchmark(fid, file);
	}
	fn index_slot(miner: &AccountId, fid: Fid, column: u16, replica: u8, bytes: u64) {
		FileBank::assign_slot(miner, fid, column, replica, bytes);
	}
}

/// Test account `n`.
pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

/// The owner of the test files.
pub fn owner() -> AccountId {
	account(1)
}

/// The scheduler of every deal.
pub fn scheduler() -> AccountId {
	account(2)
}

/// Miner `n` (0-based): accounts 10, 11, ...
pub fn miner(n: u8) -> AccountId {
	account(10 + n)
}

/// The receipt key of miner `n`.
pub fn miner_key(n: u8) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[100 + n; 32])
}

/// Germany.
pub fn de() -> Region {
	Region(*b"DE")
}

/// Bucket of the test files.
pub const BUCKET: &[u8] = b"audit";

fn endpoint() -> BoundedVec<u8, ConstU32<64>> {
	b"http://127.0.0.1:1".to_vec().try_into().expect("short endpoint")
}

fn fund(who: &AccountId) {
	use frame_support::traits::fungible::Mutate;
	Balances::set_balance(who, 1_000_000_000);
}

fn buy_space_and_bucket(owner: &AccountId, bucket: &[u8]) {
	StorageSpace::buy_space(RuntimeOrigin::signed(owner.clone()), 4, 30).expect("space bought");
	StorageSpace::create_bucket(
		RuntimeOrigin::signed(owner.clone()),
		bucket.to_vec().try_into().expect("bucket name fits"),
	)
	.expect("bucket created");
}

/// Registers miner `n` in `region` with its receipt key and [`STAKE`].
pub fn register_miner(n: u8, region: Region) {
	let who = miner(n);
	fund(&who);
	let key = miner_key(n);
	let proof = key.sign(&pallet_storage_providers::key_proof_message(&who));
	StorageProviders::register_miner(
		RuntimeOrigin::signed(who),
		STAKE,
		GIB,
		region,
		endpoint(),
		key.public().0,
		proof.0,
	)
	.expect("miner registers");
}

/// Test externalities at block 1: an owner with space and a bucket, a
/// scheduler, and `miners` miners in DE.
pub fn new_test_ext(miners: u8) -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig::default().build_storage().expect("mock genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		System::set_block_number(1);
		fund(&owner());
		buy_space_and_bucket(&owner(), BUCKET);
		fund(&scheduler());
		StorageProviders::register_scheduler(RuntimeOrigin::signed(scheduler()), de(), endpoint())
			.expect("scheduler registers");
		for n in 0..miners {
			register_miner(n, de());
		}
	});
	ext
}

/// Runs `test` with `miners` miners, then checks every pallet's invariants.
pub fn run_test(miners: u8, test: impl FnOnce()) {
	new_test_ext(miners).execute_with(|| {
		test();
		Audit::do_try_state().expect("the audit's invariants hold");
		FileBank::do_try_state().expect("the file bank's invariants hold");
	});
}

/// Runs the hooks of every block up to and including `target`.
pub fn run_to(target: u64) {
	while System::block_number() < target {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		<AllPalletsWithSystem as OnInitialize<u64>>::on_initialize(next);
	}
}

/// A file as the off-chain side knows it: manifest and fragments.
#[derive(Clone)]
pub struct StoredFile {
	pub fid: Fid,
	pub manifest: Manifest,
	pub fragments: BTreeMap<(SegmentIndex, ColumnIndex), Vec<u8>>,
}

impl FragmentStore for StoredFile {
	fn load(
		&self,
		_fid: &Fid,
		segment: SegmentIndex,
		column: ColumnIndex,
	) -> std::io::Result<Vec<u8>> {
		self.fragments
			.get(&(segment, column))
			.cloned()
			.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "fragment gone"))
	}
}

/// Pseudo-random payload bytes, different per `seed`.
pub fn payload(len: usize, seed: u64) -> Vec<u8> {
	let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
	(0..len)
		.map(|_| {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			state as u8
		})
		.collect()
}

/// The test layout: 2 data + 2 parity columns, 16 KiB segments, 512-byte
/// chunks, `replicas` copies.
pub fn layout(replicas: u8) -> Layout {
	Layout { segment_size: 16 * 1024, data_shards: 2, parity_shards: 2, chunk_size: 512, replicas }
}

/// Encodes `data` with `layout`.
pub fn encode(data: &[u8], layout: Layout) -> StoredFile {
	let mut fragments = BTreeMap::new();
	let mut sink = |segment: &EncodedSegment| {
		for (column, fragment) in segment.fragments().enumerate() {
			fragments.insert((segment.index(), column as ColumnIndex), fragment.to_vec());
		}
		Ok(())
	};
	let encoded =
		Encoder::new(layout).expect("valid layout").encode(data, &mut sink).expect("encodes");
	StoredFile { fid: encoded.fid, manifest: encoded.manifest, fragments }
}

/// Stores `data` under `name` with slot `s` held by `miners[s]`: declared
/// by the owner, reported by the scheduler with the miners' receipts.
pub fn store(name: &[u8], data: &[u8], layout: Layout, miners: &[u8]) -> StoredFile {
	try_store(name, data, layout, miners).expect("stored")
}

/// The owner declares `fid` (`size` bytes of `layout`) as its object
/// `name`, allowed in `region` and on the `pinned` miners.
pub fn declare_in(
	name: &[u8],
	size: u64,
	fid: Fid,
	layout: Layout,
	region: Region,
	pinned: Vec<AccountId>,
) -> sp_runtime::DispatchResult {
	FileBank::declare(
		RuntimeOrigin::signed(owner()),
		owner(),
		BUCKET.to_vec().try_into().expect("bucket fits"),
		name.to_vec().try_into().expect("name fits"),
		size,
		fid,
		layout,
		vec![region].try_into().expect("one region"),
		pinned.try_into().expect("pins fit"),
		ObjectMeta::default(),
	)
}

/// [`store`], returning the error of the declaration or the report.
pub fn try_store(
	name: &[u8],
	data: &[u8],
	layout: Layout,
	miners: &[u8],
) -> Result<StoredFile, sp_runtime::DispatchError> {
	let file = encode(data, layout);
	let deal = pallet_file_bank::NextDealId::<Test>::get();
	declare_in(name, data.len() as u64, file.fid, layout, de(), Vec::new())?;
	let receipts: Vec<_> = miners
		.iter()
		.enumerate()
		.map(|(slot, &n)| {
			let (column, replica) = layout.slot_column(slot as u32).expect("slot in layout");
			let message = receipt_message(deal, &file.fid, column, &<[u8; 32]>::from(miner(n)));
			SlotReceipt {
				miner: miner(n),
				column,
				replica,
				signature: miner_key(n).sign(&message).0,
			}
		})
		.collect();
	FileBank::report(
		RuntimeOrigin::signed(scheduler()),
		deal,
		receipts.try_into().expect("receipts fit"),
	)?;
	Ok(file)
}

/// Proofs of `count` samples of `column` of `file` drawn from `seed`.
pub fn prove(
	file: &StoredFile,
	seed: &[u8; 32],
	column: ColumnIndex,
	count: u32,
) -> Vec<ChunkProof> {
	let prover = Prover::new(&file.fid, &file.manifest).expect("manifest matches");
	let samples: Vec<_> = (0..count)
		.map(|n| {
			derive_sample::<Blake2bHasher>(seed, prover.geometry(), column, n).expect("in range")
		})
		.collect();
	prover.answer(&samples, file).expect("fragments intact")
}

/// Miner `n`'s answer to its open challenge, from `files` (by FID).
pub fn answer(n: u8, files: &[&StoredFile]) -> Vec<ChunkProof> {
	let who = miner(n);
	let challenge = Challenges::<Test>::get(&who).expect("miner is challenged");
	challenge
		.files
		.iter()
		.enumerate()
		.map(|(index, fid)| {
			let file = files.iter().find(|file| file.fid == *fid).expect("a known file");
			let column = pallet_file_bank::MinerSlots::<Test>::get(&who, fid)
				.expect("miner holds it")
				.column;
			let prover = Prover::new(fid, &file.manifest).expect("manifest matches");
			let sample = derive_sample::<Blake2bHasher>(
				&challenge.seed,
				prover.geometry(),
				column,
				index as u32,
			)
			.expect("in range");
			let fragment = file.load(fid, sample.segment, sample.column).expect("fragment kept");
			prover.prove(&sample, &fragment).expect("fragment intact")
		})
		.collect()
}

/// The events of this pallet so far.
pub fn audit_events() -> Vec<pallet_audit::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Audit(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The restoral orders of `fid`, by slot.
pub fn orders(fid: &Fid) -> Vec<u32> {
	let mut slots: Vec<u32> = RestoralOrders::<Test>::iter_key_prefix(fid).collect();
	slots.sort();
	slots
}
