//! A test runtime with balances, a controllable randomness source and small limits,
//! plus helpers to build miner keys and registration arguments.

use crate::{self as pallet_storage_providers, TIB};
use codec::Encode;
use deoss_traits::Region;
use frame_support::{
	derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, Randomness},
};
use sp_core::{sr25519, Pair, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
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
	pub type StorageProviders = pallet_storage_providers;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// One gibibyte.
pub const GIB: u64 = 1 << 30;
/// Balance of every endowed account.
pub const ENDOWMENT: Balance = 1_000_000;
/// An account with too little to stake.
pub const POOR: AccountId = 50;
/// Where slashed funds go.
pub const SLASH_POT: AccountId = 99;

parameter_types! {
	/// Mixed into every random output; tests change it to get another draw.
	pub static RandomSeed: u64 = 0;
	pub const SlashPot: AccountId = SLASH_POT;
}

/// Randomness that is a hash of the subject and [`RandomSeed`]: deterministic, and
/// different for different subjects, like the runtime's.
pub struct TestRandomness;
impl Randomness<H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let input = (subject, RandomSeed::get()).encode();
		(H256(sp_io::hashing::blake2_256(&input)), System::block_number())
	}
}

impl pallet_storage_providers::Config for Test {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type OnSlash = ResolveTo<SlashPot, Balances>;
	type Randomness = TestRandomness;
	type MinerBaseStake = frame_support::traits::ConstU64<100>;
	type StakePerTib = frame_support::traits::ConstU64<1_000>;
	type SchedulerStake = frame_support::traits::ConstU64<500>;
	type SchedulerTimeoutPenalty = frame_support::traits::ConstU64<5>;
	type UnbondingPeriod = frame_support::traits::ConstU64<10>;
	type MinCapacity = frame_support::traits::ConstU64<GIB>;
	type MaxCapacity = frame_support::traits::ConstU64<{ 8 * TIB }>;
	type MaxEndpointLen = frame_support::traits::ConstU32<64>;
	type MaxMiners = frame_support::traits::ConstU32<4>;
	type MaxSchedulers = frame_support::traits::ConstU32<3>;
	type OnExit = ();
	type WeightInfo = ();
}

/// Test externalities: accounts 1 to 10 hold [`ENDOWMENT`], [`POOR`] holds 150, a
/// keystore is present (benchmarks sign with it), and the chain is at block 1 so
/// events are recorded.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut balances: Vec<(AccountId, Balance)> = (1..=10).map(|who| (who, ENDOWMENT)).collect();
	balances.push((POOR, 150));
	let storage = RuntimeGenesisConfig {
		balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
		..Default::default()
	}
	.build_storage()
	.expect("the mock genesis is valid");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		StorageProviders::do_try_state().expect("the pallet's invariants hold after the test");
	});
}

/// The sr25519 key pair of `who`'s miner (different seeds give different keys).
pub fn key_pair(seed: u8) -> sr25519::Pair {
	sr25519::Pair::from_seed(&[seed; 32])
}

/// The public key of `pair` as the pallet takes it.
pub fn public(pair: &sr25519::Pair) -> [u8; 32] {
	pair.public().0
}

/// A signature by `pair` binding it to `who`, as `register_miner` and `rotate_auth_key`
/// require.
pub fn key_proof(who: AccountId, pair: &sr25519::Pair) -> [u8; 64] {
	pair.sign(&pallet_storage_providers::key_proof_message(&who)).0
}

/// The region with `code`, which must be assigned.
pub fn region(code: &[u8; 2]) -> Region {
	Region::new(*code).expect("tests use assigned codes")
}

/// An endpoint from `text`, which must fit `MaxEndpointLen`.
pub fn endpoint(text: &str) -> crate::Endpoint<Test> {
	text.as_bytes().to_vec().try_into().expect("tests use short endpoints")
}
