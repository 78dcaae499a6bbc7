//! A test runtime with this pallet and in-memory stand-ins for the space,
//! provider and authorization pallets, kept in storage so that a failed
//! call's changes to them roll back like the pallet's own.

use crate as pallet_file_bank;
use alloc::collections::{BTreeMap, BTreeSet};
use codec::{Decode, Encode};
use deoss_traits::{
	Buckets, LeaseUsage, MinerRegistry, OperatorAuthority, Region, SchedulerRegistry, Scope,
	SpaceLedger,
};
use frame_support::{derive_impl, parameter_types, storage::unhashed, traits::Hooks};
use sp_core::{sr25519, Pair};
use sp_runtime::{AccountId32, BuildStorage, DispatchError, DispatchResult, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;

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
	pub type System = frame_system::Pallet<Test>;

	#[runtime::pallet_index(1)]
	pub type FileBank = pallet_file_bank::Pallet<Test>;

	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances::Pallet<Test>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// Deal deposit in the mock.
pub const DEPOSIT: u64 = 10;
/// Balance every user, operator and scheduler starts with.
pub const BALANCE: u64 = 1_000;
/// Least bytes an object is charged in the mock.
pub const MIN_BILLABLE: u64 = 100;
/// Open deals an owner may have in the mock.
pub const MAX_OPEN_DEALS: u32 = 6;

/// Deal timeout in the mock.
pub const TIMEOUT: u64 = 10;
/// Reassignments before a deal fails in the mock.
pub const MAX_REASSIGN: u32 = 2;

parameter_types! {
	pub const DealTimeout: u64 = TIMEOUT;
	pub const MaxReassign: u32 = MAX_REASSIGN;
	pub const MaxDeadlinesPerBlock: u32 = 4;
	pub const MaxRemovalsPerBlock: u32 = 2;
	pub const MaxSlots: u32 = 16;
	pub const MaxOwners: u32 = 3;
	pub const MaxNameLen: u32 = 32;
	pub const MaxBucketNameLen: u32 = 16;
	pub const MaxRegions: u32 = 4;
	pub const MaxPinned: u32 = 4;
	pub const MaxMetaLen: u32 = 16;
	pub const MaxDescriptionLen: u32 = 64;
	pub const MaxKeywords: u32 = 4;
	pub const MaxKeyGrants: u32 = 2;
	pub const MaxWrappedKeyLen: u32 = 96;
}

impl pallet_file_bank::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DealDeposit = frame_support::traits::ConstU64<DEPOSIT>;
	type MaxOpenDeals = frame_support::traits::ConstU32<MAX_OPEN_DEALS>;
	type MinBillableSize = frame_support::traits::ConstU64<MIN_BILLABLE>;
	type SpaceLedger = MockSpace;
	type Buckets = MockSpace;
	type StakeBalance = u64;
	type Miners = MockMiners;
	type Schedulers = MockSchedulers;
	type Authority = MockAuthority;
	type DealTimeout = DealTimeout;
	type MaxReassign = MaxReassign;
	type MaxDeadlinesPerBlock = MaxDeadlinesPerBlock;
	type MaxRemovalsPerBlock = MaxRemovalsPerBlock;
	type MaxSlots = MaxSlots;
	type MaxOwners = MaxOwners;
	type MaxNameLen = MaxNameLen;
	type MaxBucketNameLen = MaxBucketNameLen;
	type MaxRegions = MaxRegions;
	type MaxPinned = MaxPinned;
	type MaxMetaLen = MaxMetaLen;
	type MaxDescriptionLen = MaxDescriptionLen;
	type MaxKeywords = MaxKeywords;
	type MaxKeyGrants = MaxKeyGrants;
	type MaxWrappedKeyLen = MaxWrappedKeyLen;
	type MaxChunkSize = frame_support::traits::ConstU32<4096>;
	type Hooks = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockHelper;
}

/// Sets the mocks up for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_file_bank::BenchmarkHelper<AccountId> for MockHelper {
	fn prepare_owner(owner: &AccountId, bucket: &[u8], bytes: u64) {
		MockSpace::buy(owner, bytes);
		MockSpace::create_bucket(owner, bucket);
	}
	fn register_scheduler(who: &AccountId, _region: Region) {
		let mut list: Vec<AccountId> = load(SCHEDULERS);
		list.push(who.clone());
		MockSchedulers::set(list);
	}
	fn register_miner(who: &AccountId, region: Region, key: [u8; 32], bytes: u64) {
		MockMiners::set(who, MinerInfo { active: true, region, key, capacity: bytes, used: 0 });
	}
	fn authorize(operator: &AccountId, owner: &AccountId, scope: Scope) {
		MockAuthority::grant(operator, owner, scope);
	}
}

fn load<V: Decode + Default>(key: &[u8]) -> V {
	unhashed::get(key).unwrap_or_default()
}

fn store<V: Encode>(key: &[u8], value: &V) {
	unhashed::put(key, value)
}

/// A user's space in the mock ledger.
#[derive(Encode, Decode, Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Space {
	pub purchased: u64,
	pub reserved: u64,
	pub used: u64,
}

const SPACE: &[u8] = b"mock:space";
const BUCKETS: &[u8] = b"mock:buckets";
/// The block each user's lease was bought in.
const STARTS: &[u8] = b"mock:starts";

/// Space ledger and bucket registry.
pub struct MockSpace;

impl MockSpace {
	pub fn of(who: &AccountId) -> Space {
		load::<BTreeMap<AccountId, Space>>(SPACE).get(who).copied().unwrap_or_default()
	}
	fn update(who: &AccountId, f: impl FnOnce(&mut Space) -> DispatchResult) -> DispatchResult {
		let mut all: BTreeMap<AccountId, Space> = load(SPACE);
		let entry = all.entry(who.clone()).or_default();
		f(entry)?;
		store(SPACE, &all);
		Ok(())
	}
	pub fn buy(who: &AccountId, bytes: u64) {
		let mut starts: BTreeMap<AccountId, u64> = load(STARTS);
		starts.entry(who.clone()).or_insert_with(System::block_number);
		store(STARTS, &starts);
		Self::update(who, |space| {
			space.purchased += bytes;
			Ok(())
		})
		.unwrap();
	}
	/// The lease ends, as the space pallet drops it when it expires.
	pub fn expire(who: &AccountId) {
		let mut all: BTreeMap<AccountId, Space> = load(SPACE);
		all.remove(who);
		store(SPACE, &all);
		let mut starts: BTreeMap<AccountId, u64> = load(STARTS);
		starts.remove(who);
		store(STARTS, &starts);
	}
	pub fn create_bucket(who: &AccountId, name: &[u8]) {
		let mut all: BTreeMap<(AccountId, Vec<u8>), u32> = load(BUCKETS);
		all.insert((who.clone(), name.to_vec()), 0);
		store(BUCKETS, &all);
	}
	pub fn objects_in(who: &AccountId, name: &[u8]) -> Option<u32> {
		load::<BTreeMap<(AccountId, Vec<u8>), u32>>(BUCKETS)
			.get(&(who.clone(), name.to_vec()))
			.copied()
	}
}

pub const NOT_ENOUGH_SPACE: DispatchError = DispatchError::Other("not enough space");

impl SpaceLedger<AccountId, u64> for MockSpace {
	fn lease(owner: &AccountId) -> Option<LeaseUsage<u64>> {
		let start = *load::<BTreeMap<AccountId, u64>>(STARTS).get(owner)?;
		let space = Self::of(owner);
		Some(LeaseUsage { start, reserved_bytes: space.reserved, used_bytes: space.used })
	}
	fn leases() -> Vec<(AccountId, LeaseUsage<u64>)> {
		let starts: BTreeMap<AccountId, u64> = load(STARTS);
		starts.keys().filter_map(|owner| Some((owner.clone(), Self::lease(owner)?))).collect()
	}
	fn can_upload(owner: &AccountId) -> bool {
		Self::of(owner).purchased > 0
	}
	fn free_bytes(owner: &AccountId) -> u64 {
		let space = Self::of(owner);
		space.purchased - space.reserved - space.used
	}
	fn reserve(owner: &AccountId, bytes: u64) -> DispatchResult {
		let free = Self::free_bytes(owner);
		Self::update(owner, |space| {
			if free < bytes {
				return Err(NOT_ENOUGH_SPACE);
			}
			space.reserved += bytes;
			Ok(())
		})
	}
	fn unreserve(owner: &AccountId, bytes: u64) {
		Self::update(owner, |space| {
			space.reserved =
				space.reserved.checked_sub(bytes).expect("unreserve of reserved bytes");
			Ok(())
		})
		.unwrap();
	}
	fn commit(owner: &AccountId, bytes: u64) -> DispatchResult {
		Self::update(owner, |space| {
			space.reserved = space.reserved.checked_sub(bytes).ok_or(NOT_ENOUGH_SPACE)?;
			space.used += bytes;
			Ok(())
		})
	}
	fn charge(owner: &AccountId, bytes: u64) -> DispatchResult {
		let free = Self::free_bytes(owner);
		Self::update(owner, |space| {
			if free < bytes {
				return Err(NOT_ENOUGH_SPACE);
			}
			space.used += bytes;
			Ok(())
		})
	}
	fn release(owner: &AccountId, bytes: u64) {
		if !load::<BTreeMap<AccountId, Space>>(SPACE).contains_key(owner) {
			return;
		}
		Self::update(owner, |space| {
			space.used = space.used.checked_sub(bytes).expect("release of used bytes");
			Ok(())
		})
		.unwrap();
	}
}

impl Buckets<AccountId> for MockSpace {
	fn exists(owner: &AccountId, name: &[u8]) -> bool {
		Self::objects_in(owner, name).is_some()
	}
	fn add_object(owner: &AccountId, name: &[u8]) -> DispatchResult {
		let mut all: BTreeMap<(AccountId, Vec<u8>), u32> = load(BUCKETS);
		let count = all
			.get_mut(&(owner.clone(), name.to_vec()))
			.ok_or(DispatchError::Other("no bucket"))?;
		*count += 1;
		store(BUCKETS, &all);
		Ok(())
	}
	fn remove_object(owner: &AccountId, name: &[u8]) {
		let mut all: BTreeMap<(AccountId, Vec<u8>), u32> = load(BUCKETS);
		let count = all.get_mut(&(owner.clone(), name.to_vec())).expect("bucket exists");
		*count = count.checked_sub(1).expect("object counted");
		store(BUCKETS, &all);
	}
}

/// A miner in the mock registry.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct MinerInfo {
	pub active: bool,
	pub region: Region,
	pub key: [u8; 32],
	pub capacity: u64,
	pub used: u64,
}

const MINERS: &[u8] = b"mock:miners";

/// Miner registry with sr25519 keys from fixed seeds.
pub struct MockMiners;

impl MockMiners {
	pub fn get(miner: &AccountId) -> Option<MinerInfo> {
		load::<BTreeMap<AccountId, MinerInfo>>(MINERS).get(miner).cloned()
	}
	pub fn set(miner: &AccountId, info: MinerInfo) {
		let mut all: BTreeMap<AccountId, MinerInfo> = load(MINERS);
		all.insert(miner.clone(), info);
		store(MINERS, &all);
	}
	pub fn used(miner: &AccountId) -> u64 {
		Self::get(miner).map(|info| info.used).unwrap_or_default()
	}
	fn update(
		miner: &AccountId,
		f: impl FnOnce(&mut MinerInfo) -> DispatchResult,
	) -> DispatchResult {
		let mut info = Self::get(miner).ok_or(DispatchError::Other("no miner"))?;
		f(&mut info)?;
		Self::set(miner, info);
		Ok(())
	}
}

/// The key pair a mock miner signs receipts with.
pub fn miner_pair(seed: u8) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[seed; 32])
}

impl MinerRegistry<AccountId, u64> for MockMiners {
	fn usage(miner: &AccountId) -> Option<(u64, u64)> {
		Self::get(miner).map(|info| (info.used, 0))
	}
	fn is_active(miner: &AccountId) -> bool {
		Self::get(miner).is_some_and(|info| info.active)
	}
	fn region(miner: &AccountId) -> Option<Region> {
		Self::get(miner).map(|info| info.region)
	}
	fn auth_key(miner: &AccountId) -> Option<[u8; 32]> {
		Self::get(miner).map(|info| info.key)
	}
	fn free_bytes(miner: &AccountId) -> u64 {
		Self::get(miner).map(|info| info.capacity - info.used).unwrap_or_default()
	}
	fn reserve(_miner: &AccountId, _bytes: u64) -> DispatchResult {
		Ok(())
	}
	fn unreserve(_miner: &AccountId, _bytes: u64) {}
	fn commit(_miner: &AccountId, _bytes: u64) -> DispatchResult {
		Ok(())
	}
	fn charge(miner: &AccountId, bytes: u64) -> DispatchResult {
		Self::update(miner, |info| {
			if info.capacity - info.used < bytes {
				return Err(DispatchError::Other("miner full"));
			}
			info.used += bytes;
			Ok(())
		})
	}
	fn release(miner: &AccountId, bytes: u64) {
		Self::update(miner, |info| {
			info.used = info.used.checked_sub(bytes).expect("release of used bytes");
			Ok(())
		})
		.unwrap();
	}
	fn slash(_miner: &AccountId, _fraction: Perbill) -> u64 {
		0
	}
}

const SCHEDULERS: &[u8] = b"mock:schedulers";

/// Schedulers drawn deterministically: the first listed one not excluded.
pub struct MockSchedulers;

impl MockSchedulers {
	pub fn set(list: Vec<AccountId>) {
		store(SCHEDULERS, &list);
	}
}

impl SchedulerRegistry<AccountId> for MockSchedulers {
	fn is_active(who: &AccountId) -> bool {
		load::<Vec<AccountId>>(SCHEDULERS).contains(who)
	}
	fn draw(_subject: &[u8], _preferred: &[Region], exclude: &[AccountId]) -> Option<AccountId> {
		load::<Vec<AccountId>>(SCHEDULERS).into_iter().find(|who| !exclude.contains(who))
	}
	fn punish_timeout(who: &AccountId) {
		let mut all: BTreeMap<AccountId, u32> = load(PUNISHED);
		*all.entry(who.clone()).or_default() += 1;
		store(PUNISHED, &all);
	}
}

const PUNISHED: &[u8] = b"mock:punished";

impl MockSchedulers {
	/// Deals `who` let time out.
	pub fn timeouts(who: &AccountId) -> u32 {
		load::<BTreeMap<AccountId, u32>>(PUNISHED).get(who).copied().unwrap_or_default()
	}
}

const GRANTS: &[u8] = b"mock:grants";

/// Operator authorizations: (operator, owner) → scopes.
pub struct MockAuthority;

impl MockAuthority {
	pub fn grant(operator: &AccountId, owner: &AccountId, scope: Scope) {
		let mut all: BTreeSet<(AccountId, AccountId, Scope)> = load(GRANTS);
		all.insert((operator.clone(), owner.clone(), scope));
		store(GRANTS, &all);
	}
}

impl OperatorAuthority<AccountId> for MockAuthority {
	fn may_act_for(operator: &AccountId, owner: &AccountId, scope: Scope) -> bool {
		operator == owner
			|| load::<BTreeSet<(AccountId, AccountId, Scope)>>(GRANTS).contains(&(
				operator.clone(),
				owner.clone(),
				scope,
			))
	}
}

pub fn account(n: u8) -> AccountId {
	AccountId32::new([n; 32])
}

pub fn alice() -> AccountId {
	account(1)
}
pub fn bob() -> AccountId {
	account(2)
}
pub fn gateway() -> AccountId {
	account(3)
}
pub fn scheduler(n: u8) -> AccountId {
	account(100 + n)
}
/// Miner `n`'s account; its auth key comes from seed `n`.
pub fn miner(n: u8) -> AccountId {
	account(200 + n)
}

/// Space each user buys at genesis.
pub const PURCHASED: u64 = 1_000_000;
/// Capacity of each miner.
pub const MINER_CAPACITY: u64 = 1_000_000;
/// Miners registered: 1..=MINER_COUNT, all in Germany, the last in France.
pub const MINER_COUNT: u8 = 8;

/// Externalities at block 1 with users (space, a bucket "photos"), three
/// schedulers and `MINER_COUNT` miners.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let funded: Vec<AccountId> = [alice(), bob(), gateway()]
		.into_iter()
		.chain((1..=3).map(scheduler))
		.chain((4..=30).map(account))
		.collect();
	pallet_balances::GenesisConfig::<Test> {
		balances: funded.into_iter().map(|who| (who, BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		System::set_block_number(1);
		for user in [alice(), bob()] {
			MockSpace::buy(&user, PURCHASED);
			MockSpace::create_bucket(&user, b"photos");
		}
		MockSchedulers::set(vec![scheduler(1), scheduler(2), scheduler(3)]);
		for n in 1..=MINER_COUNT {
			let region = if n == MINER_COUNT { Region(*b"FR") } else { Region(*b"DE") };
			MockMiners::set(
				&miner(n),
				MinerInfo {
					active: true,
					region,
					key: miner_pair(n).public().0,
					capacity: MINER_CAPACITY,
					used: 0,
				},
			);
		}
	});
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		FileBank::do_try_state().expect("invariants hold after the test");
	});
}

/// Runs the hook of every block up to and including `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		FileBank::on_initialize(next);
	}
}
