//! Weights of `pallet_file_bank`.
//!
//! Regenerated from the benchmarks in benchmarking.rs; see BENCHMARKS.md.
//! PROVISIONAL: until then the numbers below are a 10 ms-per-call base (plus
//! a per-signature cost for `report`) and the storage reads and writes each
//! call performs, counted by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

/// Weight functions needed by `pallet_file_bank`.
pub trait WeightInfo {
	fn declare() -> Weight;
	fn report(s: u32) -> Weight;
	fn request_reassign() -> Weight;
	fn cancel_deal() -> Weight;
	fn delete_object() -> Weight;
	fn transfer_ownership() -> Weight;
	fn on_initialize(d: u32, r: u32) -> Weight;
	fn on_space_expired() -> Weight;
}

/// Provisional weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn declare() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	fn report(s: u32) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(s as u64))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().reads((5 as u64).saturating_mul(s as u64)))
			.saturating_add(T::DbWeight::get().writes(7))
			.saturating_add(T::DbWeight::get().writes((2 as u64).saturating_mul(s as u64)))
	}
	fn request_reassign() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn cancel_deal() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Worst case: the last owner, with `MaxSlots` (256) miners to release.
	fn delete_object() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(4 + 256))
			.saturating_add(T::DbWeight::get().writes(4 + 2 * 256))
	}
	fn transfer_ownership() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	fn on_initialize(d: u32, r: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(d as u64))
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(r as u64))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((5 as u64).saturating_mul(d as u64)))
			.saturating_add(T::DbWeight::get().writes((4 as u64).saturating_mul(d as u64)))
			.saturating_add(T::DbWeight::get().reads((4 + 256 as u64).saturating_mul(r as u64)))
			.saturating_add(T::DbWeight::get().writes((4 + 512 as u64).saturating_mul(r as u64)))
	}
	fn on_space_expired() -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: the same numbers with RocksDB weights.
impl WeightInfo for () {
	fn declare() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(6))
	}
	fn report(s: u32) -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(s as u64))
			.saturating_add(RocksDbWeight::get().reads(6 + 5 * s as u64))
			.saturating_add(RocksDbWeight::get().writes(7 + 2 * s as u64))
	}
	fn request_reassign() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn cancel_deal() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
	fn delete_object() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(4 + 256))
			.saturating_add(RocksDbWeight::get().writes(4 + 2 * 256))
	}
	fn transfer_ownership() -> Weight {
		Weight::from_parts(10_000_000, 0)
			.saturating_add(RocksDbWeight::get().reads(8))
			.saturating_add(RocksDbWeight::get().writes(7))
	}
	fn on_initialize(d: u32, r: u32) -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul((d + r) as u64))
			.saturating_add(RocksDbWeight::get().reads(2 + 5 * d as u64 + 260 * r as u64))
			.saturating_add(RocksDbWeight::get().writes(4 * d as u64 + 516 * r as u64))
	}
	fn on_space_expired() -> Weight {
		Weight::from_parts(5_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1))
	}
}
