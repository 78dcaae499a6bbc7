//! One `impl Config` per pallet of the runtime, with the parameters they take.

use frame_support::PalletId;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Audit, Aura, Balance, Balances, Block, BlockNumber, FileBank, Hash, Nonce,
	OriginCaller, Oss, PalletInfo, RandomnessCollectiveFlip, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin, RuntimeTask, StorageProviders,
	StorageSpace, System, DAYS, EXISTENTIAL_DEPOSIT, MILLI_UNIT, MINUTES, SLOT_DURATION, UNIT,
	VERSION,
};

/// Share of a block that normal (non-operational) extrinsics may fill.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// Half of each 3-second block for compute: the rest is for import and
	/// propagation on a multi-validator network.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND * 3 / 2, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Object data never goes on chain (only its declaration and proofs), so
	/// 5 MiB blocks are ample.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	/// The generic Substrate SS58 prefix, so dev accounts show as in every tool.
	pub const SS58Prefix: u16 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDb (no RocksDB), so its costs apply.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

/// The chain's randomness source: a mix of the hashes of the last 81 blocks.
///
/// Why this one: the chain is authored by Aura, which has no VRF, so BABE's
/// epoch randomness is not available. Our pallets draw schedulers for deals
/// and miners/segments for challenges; an author could bias a draw only by
/// withholding its own block, which costs it the block and is visible. The
/// `Randomness` trait keeps the source swappable (e.g. for a VRF or a
/// commit-reveal beacon) without touching the pallets.
impl pallet_insecure_randomness_collective_flip::Config for Runtime {}

parameter_types! {
	/// Account that collects space payments: the pool miners are paid from.
	pub const StorageSpacePalletId: PalletId = PalletId(*b"deo/spac");
	/// 0.01 DOSS per GiB and day (0.3 DOSS per GiB-month). At least the
	/// existential deposit, so the first payment can create the pool account.
	pub const PricePerGibDay: Balance = 10 * MILLI_UNIT;
	pub const SpaceBlocksPerDay: BlockNumber = DAYS;
	/// A week between expiry (space frozen, files kept) and removal.
	pub const SpaceGracePeriod: BlockNumber = 7 * DAYS;
}

impl pallet_storage_space::Config for Runtime {
	type Currency = Balances;
	type PalletId = StorageSpacePalletId;
	type PricePerGibDay = PricePerGibDay;
	type BlocksPerDay = SpaceBlocksPerDay;
	type MinDays = ConstU32<1>;
	/// At most a year paid ahead.
	type MaxDays = ConstU32<365>;
	/// 1 PiB per user.
	type MaxPurchaseGib = ConstU32<1_048_576>;
	type GracePeriod = SpaceGracePeriod;
	type MaxExpiriesPerBlock = ConstU32<50>;
	/// Equal to the schedule's capacity per block, so the hook keeps up.
	type MaxTransitionsPerBlock = ConstU32<50>;
	type MaxBucketsPerUser = ConstU32<1_000>;
	/// The file bank removes an expired user's objects, a few per block.
	type OnExpired = FileBank;
	/// Gateways create and delete buckets for the users who authorized them.
	type Authority = Oss;
	type WeightInfo = pallet_storage_space::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held while a gateway is registered, so the registry cannot be spammed.
	pub const GatewayDeposit: Balance = 100 * UNIT;
}

impl pallet_oss::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GatewayDeposit = GatewayDeposit;
	/// A few gateways plus apps per user; keeps a user's grants quick to list.
	type MaxOperatorsPerOwner = ConstU32<16>;
	type MaxEndpointLen = ConstU32<128>;
	type WeightInfo = pallet_oss::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A floor on every miner's stake, so fake miner identities cost money.
	pub const MinerBaseStake: Balance = 1_000 * UNIT;
	/// Stake per started TiB of declared capacity: a 1 TiB miner holds 5,000 DOSS.
	pub const StakePerTib: Balance = 4_000 * UNIT;
	/// Schedulers handle users' data before miners do: stake like a 1 TiB miner.
	pub const SchedulerStake: Balance = 5_000 * UNIT;
	/// A tenth of a DOSS per deal a scheduler lets time out.
	pub const SchedulerTimeoutPenalty: Balance = UNIT / 10;
	/// Dev value: 10 minutes. A production network wants it longer than the
	/// audit window and the deal timeout times the reassignment limit.
	pub const ProvidersUnbondingPeriod: BlockNumber = 10 * MINUTES;
}

impl pallet_storage_providers::Config for Runtime {
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	/// Slashed stake is burnt until miners are paid from a reward pool.
	type OnSlash = ();
	type Randomness = RandomnessCollectiveFlip;
	type MinerBaseStake = MinerBaseStake;
	type StakePerTib = StakePerTib;
	type SchedulerStake = SchedulerStake;
	type SchedulerTimeoutPenalty = SchedulerTimeoutPenalty;
	type UnbondingPeriod = ProvidersUnbondingPeriod;
	/// 1 GiB: small enough for test miners on loopback.
	type MinCapacity = ConstU64<{ 1 << 30 }>;
	/// 1 PiB per miner account.
	type MaxCapacity = ConstU64<{ 1 << 50 }>;
	type MaxEndpointLen = ConstU32<128>;
	type MaxMiners = ConstU32<10_000>;
	/// A draw reads the whole active list: at most about 3.4 KB.
	type MaxSchedulers = ConstU32<100>;
	/// An exiting miner's columns are handed over by the audit.
	type OnExit = Audit;
	type WeightInfo = pallet_storage_providers::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held from whoever declares a deal, forfeited if the deal fails: at
	/// least what the deal's timeouts (one plus `MaxReassign`) cost its
	/// schedulers (`SchedulerTimeoutPenalty`), so that declaring without
	/// uploading costs more than it harms.
	pub const DealDeposit: Balance = UNIT;
}

impl pallet_file_bank::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DealDeposit = DealDeposit;
	/// Room for a gateway's parallel uploads for one user.
	type MaxOpenDeals = ConstU32<1_024>;
	/// 4 KiB, a page: a million empty objects cost 4 GiB of space.
	type MinBillableSize = ConstU64<4096>;
	type SpaceLedger = StorageSpace;
	type Buckets = StorageSpace;
	type StakeBalance = Balance;
	type Miners = StorageProviders;
	type Schedulers = StorageProviders;
	type Authority = Oss;
	/// 5 minutes for a scheduler to distribute an upload and report receipts.
	type DealTimeout = ConstU32<{ 5 * MINUTES }>;
	type MaxReassign = ConstU32<3>;
	/// Deal deadlines handled per block; later ones wait for the next.
	type MaxDeadlinesPerBlock = ConstU32<64>;
	type MaxRemovalsPerBlock = ConstU32<8>;
	/// 4 + 8 columns (the default layout) times 8 replicas.
	type MaxSlots = ConstU32<96>;
	type MaxOwners = ConstU32<64>;
	/// S3's object key limit.
	type MaxNameLen = ConstU32<1024>;
	/// S3's bucket name limit, as the space pallet checks it.
	type MaxBucketNameLen = ConstU32<63>;
	/// Room for the 27 EU member states.
	type MaxRegions = ConstU32<32>;
	type MaxPinned = ConstU32<16>;
	type MaxMetaLen = ConstU32<64>;
	type MaxDescriptionLen = ConstU32<256>;
	type MaxKeywords = ConstU32<8>;
	/// Owners and the accounts they shared an encrypted file with.
	type MaxKeyGrants = ConstU32<32>;
	/// An account-wrapped data key is 80 bytes; room for other schemes.
	type MaxWrappedKeyLen = ConstU32<128>;
	/// 4 KiB: a 90-sample challenge proof stays under 554 KB, so eight
	/// challenges falling due together fit one block's operational space.
	type MaxChunkSize = ConstU32<4096>;
	type Hooks = Audit;
	type WeightInfo = pallet_file_bank::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_setup::FileBankSetup;
}

parameter_types! {
	/// Samples per challenge: 99 % detection per period of a miner missing
	/// 5 % of its chunks, i.e. 90 (`pallet_audit` docs).
	pub AuditSamples: u32 = deoss_primitives::samples_for_detection(990_000, 50_000)
		.expect("a 5 % loss is detectable");
}

impl pallet_audit::Config for Runtime {
	type StakeBalance = Balance;
	type Miners = StorageProviders;
	type Files = FileBank;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_setup::AuditSetup;
	type Randomness = RandomnessCollectiveFlip;
	/// Dev value: a round a minute, so challenges are seen quickly; a
	/// production network would audit every few hours.
	type ChallengePeriod = ConstU32<20>;
	/// 45 seconds to answer.
	type ResponseWindow = ConstU32<15>;
	type SamplesPerChallenge = AuditSamples;
	/// The largest proofs of 8 challenges (4 KiB chunks, 90 samples):
	/// 4.4 MB, within one block's 5 MiB of operational space, so proofs keep
	/// up even when every block of a walk issues challenges (checked by
	/// `integrity_test`).
	type MaxChallengesPerBlock = ConstU32<8>;
	/// Failures are counted among a miner's latest 8 challenges, so passing
	/// every other one does not wipe them.
	type FailureWindow = ConstU32<8>;
	/// One failure is never slashed.
	type SlashAfter = ConstU32<2>;
	type SlashFraction = AuditSlashFraction;
	/// The third failure within the window hands the miner's columns over.
	type LoseAfter = ConstU32<3>;
	type MaxHandOversPerBlock = ConstU32<32>;
	/// 5 minutes to rebuild a column and prove it.
	type RestoralTimeout = ConstU32<{ 5 * MINUTES }>;
	/// A claim left to expire costs 1 % of the stake, so orders cannot be
	/// held back for free.
	type AbandonFraction = AuditAbandonFraction;
	type MaxClaimsPerBlock = ConstU32<32>;
	type RestoralSamples = ConstU32<16>;
	type AuditWeightInfo = pallet_audit::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A tenth of the stake per slashed failure.
	pub const AuditSlashFraction: Perbill = Perbill::from_percent(10);
	/// A hundredth of the stake per abandoned restoral claim.
	pub const AuditAbandonFraction: Perbill = Perbill::from_percent(1);
}

/// Real registrations in the market pallets for the file bank's benchmarks,
/// made through their calls so the benchmarks start from valid state.
#[cfg(feature = "runtime-benchmarks")]
mod benchmark_setup {
	use super::*;
	use deoss_traits::{Region, Scope};
	use frame_support::traits::{fungible::Mutate, Get};
	use sp_core::{crypto::KeyTypeId, sr25519};

	/// The key type the file bank's benchmarks generate miner keys under.
	const FILE_BANK_BENCH_KEYS: KeyTypeId = KeyTypeId(*b"fbnk");

	fn fund(who: &AccountId) -> RuntimeOrigin {
		Balances::set_balance(who, 1_000_000_000 * UNIT);
		RuntimeOrigin::signed(who.clone())
	}

	fn endpoint() -> pallet_storage_providers::Endpoint<Runtime> {
		b"http://127.0.0.1:1".to_vec().try_into().expect("short endpoint fits")
	}

	/// Runs the file bank's benchmark setup.
	pub struct FileBankSetup;

	impl pallet_file_bank::BenchmarkHelper<AccountId> for FileBankSetup {
		fn prepare_owner(owner: &AccountId, bucket: &[u8], bytes: u64) {
			let origin = fund(owner);
			// As much as asked for, within what one user may buy.
			let max_gib = <Runtime as pallet_storage_space::Config>::MaxPurchaseGib::get();
			let gib = u32::try_from(bytes.div_ceil(1 << 30)).unwrap_or(max_gib).clamp(1, max_gib);
			StorageSpace::buy_space(origin.clone(), gib, 30).expect("benchmark owner buys space");
			let bucket = bucket.to_vec().try_into().expect("benchmark bucket name fits");
			StorageSpace::create_bucket(origin, bucket).expect("benchmark bucket is created");
		}

		fn register_scheduler(who: &AccountId, region: Region) {
			StorageProviders::register_scheduler(fund(who), region, endpoint())
				.expect("benchmark scheduler registers");
		}

		fn register_miner(who: &AccountId, region: Region, auth_key: [u8; 32], bytes: u64) {
			let capacity = bytes.clamp(
				<Runtime as pallet_storage_providers::Config>::MinCapacity::get(),
				<Runtime as pallet_storage_providers::Config>::MaxCapacity::get(),
			);
			let stake = pallet_storage_providers::required_stake(
				MinerBaseStake::get(),
				StakePerTib::get(),
				capacity,
			);
			let proof = sp_io::crypto::sr25519_sign(
				FILE_BANK_BENCH_KEYS,
				&sr25519::Public::from_raw(auth_key),
				&pallet_storage_providers::key_proof_message(who),
			)
			.expect("the benchmark generated this key in the keystore");
			StorageProviders::register_miner(
				fund(who),
				stake,
				capacity,
				region,
				endpoint(),
				auth_key,
				proof.0,
			)
			.expect("benchmark miner registers");
		}

		fn authorize(operator: &AccountId, owner: &AccountId, scope: Scope) {
			let scopes = alloc::vec![scope].try_into().expect("one scope fits");
			Oss::authorize(fund(owner), operator.clone().into(), scopes, None)
				.expect("benchmark owner authorizes its operator");
		}
	}

	/// Runs the audit's benchmark setup: miners registered as for the file
	/// bank, files and slots written into the file bank's index.
	pub struct AuditSetup;

	impl pallet_audit::BenchmarkHelper<AccountId> for AuditSetup {
		fn register_miner(who: &AccountId, region: Region, auth_key: [u8; 32], bytes: u64) {
			<FileBankSetup as pallet_file_bank::BenchmarkHelper<AccountId>>::register_miner(
				who, region, auth_key, bytes,
			);
		}

		fn store_file(fid: pallet_audit::Fid, file: pallet_audit::IndexedFile<AccountId>) {
			FileBank::store_for_benchmark(fid, file);
		}

		fn index_slot(
			miner: &AccountId,
			fid: pallet_audit::Fid,
			column: u16,
			replica: u8,
			bytes: u64,
		) {
			FileBank::assign_slot(miner, fid, column, replica, bytes);
		}
	}
}
