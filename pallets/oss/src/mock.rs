//! A test runtime with balances and this pallet, small limits so tests can
//! reach them, and externalities that check the invariants after each test.

use crate as pallet_oss;
use frame_support::{derive_impl, parameter_types};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

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
	pub type Balances = pallet_balances::Pallet<Test>;

	#[runtime::pallet_index(2)]
	pub type Oss = pallet_oss::Pallet<Test>;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// Gateway deposit in the mock.
pub const DEPOSIT: u64 = 100;
/// Per-owner operator limit in the mock.
pub const MAX_OPERATORS: u32 = 4;
/// Endpoint length limit in the mock.
pub const MAX_ENDPOINT_LEN: u32 = 40;

parameter_types! {
	pub const GatewayDeposit: u64 = DEPOSIT;
	pub const MaxOperatorsPerOwner: u32 = MAX_OPERATORS;
	pub const MaxEndpointLen: u32 = MAX_ENDPOINT_LEN;
}

impl pallet_oss::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GatewayDeposit = GatewayDeposit;
	type MaxOperatorsPerOwner = MaxOperatorsPerOwner;
	type MaxEndpointLen = MaxEndpointLen;
	type WeightInfo = ();
}

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const DAVE: u64 = 4;
/// An account with less free balance than the gateway deposit.
pub const POOR: u64 = 9;
/// Free balance of every endowed account but `POOR`.
pub const ENDOWMENT: u64 = 10_000;

/// Externalities at block 1 (so events are recorded) with endowed accounts.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, ENDOWMENT),
			(BOB, ENDOWMENT),
			(CHARLIE, ENDOWMENT),
			(DAVE, ENDOWMENT),
			(POOR, DEPOSIT / 2),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in fresh externalities, then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Oss::do_try_state().expect("invariants hold after the test");
	});
}

/// Moves the chain to block `n`; the pallet has no per-block hooks to run.
pub fn run_to_block(n: u64) {
	System::set_block_number(n);
}
