//! Test runtime: System, Balances and the space pallet, with a recording
//! file bank standing in for `OnExpired`.

use crate::{self as pallet_storage_space, SpaceState, UserSpace};
use deoss_traits::{OnSpaceExpired, OperatorAuthority, Scope, SpaceLedger};
use frame_support::{derive_impl, parameter_types, weights::Weight, PalletId};
use sp_runtime::BuildStorage;

pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
/// Holds too little to buy anything beyond the cheapest lease.
pub const CHARLIE: u64 = 3;
/// Holds nothing.
pub const DAVE: u64 = 4;

pub const RICH: u64 = 1_000_000;
pub const CHARLIE_BALANCE: u64 = 50;

pub const PRICE_PER_GIB_DAY: u64 = 10;
pub const BLOCKS_PER_DAY: u64 = 10;
pub const MIN_DAYS: u32 = 2;
pub const MAX_DAYS: u32 = 100;
pub const MAX_PURCHASE_GIB: u32 = 100;
pub const GRACE_PERIOD: u64 = 20;
pub const MAX_EXPIRIES_PER_BLOCK: u32 = 3;
pub const MAX_TRANSITIONS_PER_BLOCK: u32 = 2;
pub const MAX_BUCKETS_PER_USER: u32 = 3;

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
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system::Pallet<Test>;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances::Pallet<Test>;

	#[runtime::pallet_index(2)]
	pub type StorageSpace = pallet_storage_space::Pallet<Test>;
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

parameter_types! {
	pub const SpacePalletId: PalletId = PalletId(*b"deo/spac");
	pub const PricePerGibDay: u64 = PRICE_PER_GIB_DAY;
	pub const BlocksPerDay: u64 = BLOCKS_PER_DAY;
	pub const MinDays: u32 = MIN_DAYS;
	pub const MaxDays: u32 = MAX_DAYS;
	pub const MaxPurchaseGib: u32 = MAX_PURCHASE_GIB;
	pub const GracePeriod: u64 = GRACE_PERIOD;
	pub const MaxExpiriesPerBlock: u32 = MAX_EXPIRIES_PER_BLOCK;
	pub const MaxTransitionsPerBlock: u32 = MAX_TRANSITIONS_PER_BLOCK;
	pub const MaxBucketsPerUser: u32 = MAX_BUCKETS_PER_USER;
	/// What the file bank saw of each lease it was told had expired:
	/// (owner, state, used bytes).
	pub static ExpiryCalls: Vec<(u64, SpaceState, u64)> = Vec::new();
	/// Whether the file bank releases the owner's used bytes when told.
	pub static ReleaseOnExpiry: bool = true;
}

/// Weight the recording file bank reports for one expiry.
pub const EXPIRY_CALLBACK_WEIGHT: Weight = Weight::from_parts(1_000, 0);

/// Stands in for the file bank: records each call and, like the real one,
/// releases the owner's used bytes.
pub struct RecordingFileBank;

impl OnSpaceExpired<u64> for RecordingFileBank {
	fn on_space_expired(owner: &u64) -> Weight {
		let lease = UserSpace::<Test>::get(owner);
		let (state, used) =
			lease.map_or((SpaceState::Active, 0), |lease| (lease.state, lease.used_bytes));
		ExpiryCalls::mutate(|calls| calls.push((*owner, state, used)));
		if ReleaseOnExpiry::get() {
			StorageSpace::release(owner, used);
		}
		EXPIRY_CALLBACK_WEIGHT
	}
}

impl pallet_storage_space::Config for Test {
	type Currency = Balances;
	type PalletId = SpacePalletId;
	type PricePerGibDay = PricePerGibDay;
	type BlocksPerDay = BlocksPerDay;
	type MinDays = MinDays;
	type MaxDays = MaxDays;
	type MaxPurchaseGib = MaxPurchaseGib;
	type GracePeriod = GracePeriod;
	type MaxExpiriesPerBlock = MaxExpiriesPerBlock;
	type MaxTransitionsPerBlock = MaxTransitionsPerBlock;
	type MaxBucketsPerUser = MaxBucketsPerUser;
	type OnExpired = RecordingFileBank;
	type Authority = TestAuthority;
	type WeightInfo = ();
}

parameter_types! {
	/// `(operator, owner, scope)` grants the test authority knows of.
	pub static Grants: Vec<(u64, u64, Scope)> = Vec::new();
}

/// Grants kept in [`Grants`]; an owner may always act for itself.
pub struct TestAuthority;

impl OperatorAuthority<u64> for TestAuthority {
	fn may_act_for(operator: &u64, owner: &u64, scope: Scope) -> bool {
		operator == owner || Grants::get().contains(&(*operator, *owner, scope))
	}
}

/// Externalities at block 1 with ALICE and BOB rich, CHARLIE poor and DAVE
/// empty.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, RICH), (BOB, RICH), (CHARLIE, CHARLIE_BALANCE)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		ExpiryCalls::set(Vec::new());
		ReleaseOnExpiry::set(true);
	});
	ext
}

/// Runs `test` and then checks the pallet's invariants.
pub fn new_test_ext_checked(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		StorageSpace::do_try_state().expect("invariants hold after the test");
	});
}

/// Runs the hooks of every block up to `n`.
pub fn run_to_block(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}
