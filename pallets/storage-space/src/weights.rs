//! Weights of the storage space pallet's calls and hook.
//!
//! Regenerated from the benchmarks in benchmarking.rs; see BENCHMARKS.md.
//! Until then the numbers are provisional: a 10_000_000 ref_time base per
//! call plus the storage reads and writes each benchmark's worst case does.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_storage_space`.
pub trait WeightInfo {
	fn buy_space() -> Weight;
	fn expand_space() -> Weight;
	fn renew_space() -> Weight;
	fn create_bucket() -> Weight;
	fn delete_bucket() -> Weight;
	fn on_initialize(n: u32, ) -> Weight;
}

/// Weights for `pallet_storage_space` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `StorageSpace::UserSpace` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `StorageSpace::Transitions` (r:32 w:2)
	fn buy_space() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(35_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageSpace::UserSpace` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	fn expand_space() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `StorageSpace::UserSpace` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `StorageSpace::Transitions` (r:34 w:4)
	fn renew_space() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(37_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	/// Storage: `StorageSpace::UserSpace` (r:1 w:0)
	/// Storage: `StorageSpace::Buckets` (r:1 w:1)
	/// Storage: `StorageSpace::BucketCount` (r:1 w:1)
	fn create_bucket() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageSpace::Buckets` (r:1 w:1)
	/// Storage: `StorageSpace::BucketCount` (r:1 w:1)
	fn delete_bucket() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageSpace::ScheduleCursor` (r:1 w:1)
	/// Storage: `StorageSpace::UserSpace` (r:n w:2n)
	/// The `n` parameter is the number of transitions processed.
	/// Each schedule block visited is charged by the hook itself (r:1 w:1).
	fn on_initialize(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `StorageSpace::UserSpace` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `StorageSpace::Transitions` (r:32 w:2)
	fn buy_space() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(35_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `StorageSpace::UserSpace` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	fn expand_space() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `StorageSpace::UserSpace` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	/// Storage: `StorageSpace::Transitions` (r:34 w:4)
	fn renew_space() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(37_u64))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
	/// Storage: `StorageSpace::UserSpace` (r:1 w:0)
	/// Storage: `StorageSpace::Buckets` (r:1 w:1)
	/// Storage: `StorageSpace::BucketCount` (r:1 w:1)
	fn create_bucket() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageSpace::Buckets` (r:1 w:1)
	/// Storage: `StorageSpace::BucketCount` (r:1 w:1)
	fn delete_bucket() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `StorageSpace::ScheduleCursor` (r:1 w:1)
	/// Storage: `StorageSpace::UserSpace` (r:n w:2n)
	/// The `n` parameter is the number of transitions processed.
	/// Each schedule block visited is charged by the hook itself (r:1 w:1).
	fn on_initialize(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(5_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(n.into())))
	}
}
