// Regenerated from the benchmarks in benchmarking.rs; see BENCHMARKS.md.
//
// The numbers below are provisional: reads and writes are counted from the
// storage each benchmark's call touches, ref_time is a flat base per call
// plus a per-byte slope for endpoint validation, and proof sizes are
// estimated from the items' max encoded lengths.

//! Weights for `pallet_oss`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_oss`.
pub trait WeightInfo {
	fn authorize() -> Weight;
	fn revoke() -> Weight;
	fn renounce() -> Weight;
	fn prune_expired() -> Weight;
	fn register_gateway(l: u32, ) -> Weight;
	fn update_gateway(l: u32, ) -> Weight;
	fn deregister_gateway() -> Weight;
}

/// Weights for `pallet_oss` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn authorize() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn revoke() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn renounce() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn prune_expired() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Gateways` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// The range of component `l` is `[9, 128]`.
	fn register_gateway(l: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 4_800)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Gateways` (r:1 w:1)
	/// The range of component `l` is `[9, 128]`.
	fn update_gateway(l: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_700)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(l.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Oss::Gateways` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn deregister_gateway() -> Weight {
		Weight::from_parts(10_000_000, 4_800)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn authorize() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn revoke() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn renounce() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Authorizations` (r:1 w:1)
	/// Storage: `Oss::OperatorCount` (r:1 w:1)
	/// Storage: `Oss::OperatorOf` (r:0 w:1)
	fn prune_expired() -> Weight {
		Weight::from_parts(10_000_000, 3_600)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Gateways` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// The range of component `l` is `[9, 128]`.
	fn register_gateway(l: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 4_800)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `Oss::Gateways` (r:1 w:1)
	/// The range of component `l` is `[9, 128]`.
	fn update_gateway(l: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_700)
			.saturating_add(Weight::from_parts(2_000, 0).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `Oss::Gateways` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn deregister_gateway() -> Weight {
		Weight::from_parts(10_000_000, 4_800)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
