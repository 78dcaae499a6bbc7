//! Weights of the storage-providers pallet's calls and of the registry functions other
//! pallets call, from the benchmarks in `benchmarking.rs`.

// Regenerated from the benchmarks in benchmarking.rs; see BENCHMARKS.md.
// The numbers below are provisional: derived from the storage each benchmark reads and
// writes, until `frame-omni-bencher`/`deoss-node benchmark pallet` output replaces them.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_storage_providers`.
pub trait WeightInfo {
	fn register_miner() -> Weight;
	fn update_endpoint() -> Weight;
	fn rotate_auth_key() -> Weight;
	fn update_capacity() -> Weight;
	fn increase_stake() -> Weight;
	fn request_exit() -> Weight;
	fn cancel_exit() -> Weight;
	fn withdraw() -> Weight;
	fn register_scheduler() -> Weight;
	fn update_scheduler_endpoint() -> Weight;
	fn request_scheduler_exit() -> Weight;
	fn withdraw_scheduler() -> Weight;
	/// Not a call: `MinerRegistry::slash`, for the audit pallet's weights.
	fn slash_miner() -> Weight;
	/// Not a call: `SchedulerRegistry::draw` over `s` active schedulers, for the file bank's weights.
	fn draw_scheduler(s: u32) -> Weight;
}

/// Weights for `pallet_storage_providers` using the node's database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForMiners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn register_miner() -> Weight {
		Weight::from_parts(60_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	fn update_endpoint() -> Weight {
		Weight::from_parts(12_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(55_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn update_capacity() -> Weight {
		Weight::from_parts(14_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn increase_stake() -> Weight {
		Weight::from_parts(30_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn request_exit() -> Weight {
		Weight::from_parts(14_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn cancel_exit() -> Weight {
		Weight::from_parts(14_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForMiners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn withdraw() -> Weight {
		Weight::from_parts(32_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForSchedulers` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveSchedulers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn register_scheduler() -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(12_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveSchedulers` (r:1 w:1)
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(20_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForSchedulers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(32_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::TotalIssuance` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn slash_miner() -> Weight {
		Weight::from_parts(35_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageProviders::ActiveSchedulers` (r:1 w:0)
	/// Storage: `RandomnessCollectiveFlip::RandomMaterial` (r:1 w:0)
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(10_000_000, 8_000)
			.saturating_add(Weight::from_parts(150_000, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForMiners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn register_miner() -> Weight {
		Weight::from_parts(60_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	fn update_endpoint() -> Weight {
		Weight::from_parts(12_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(55_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn update_capacity() -> Weight {
		Weight::from_parts(14_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn increase_stake() -> Weight {
		Weight::from_parts(30_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn request_exit() -> Weight {
		Weight::from_parts(14_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn cancel_exit() -> Weight {
		Weight::from_parts(14_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForMiners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn withdraw() -> Weight {
		Weight::from_parts(32_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForSchedulers` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveSchedulers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn register_scheduler() -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(12_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveSchedulers` (r:1 w:1)
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(20_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageProviders::Schedulers` (r:1 w:1)
	/// Storage: `StorageProviders::CounterForSchedulers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(32_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `StorageProviders::Miners` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::TotalIssuance` (r:1 w:1)
	/// Storage: `StorageProviders::ActiveMinersByRegion` (r:0 w:1)
	fn slash_miner() -> Weight {
		Weight::from_parts(35_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageProviders::ActiveSchedulers` (r:1 w:0)
	/// Storage: `RandomnessCollectiveFlip::RandomMaterial` (r:1 w:0)
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(10_000_000, 8_000)
			.saturating_add(Weight::from_parts(150_000, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
	}
}
