//! Weights of `pallet_storage_space`, measured by `deoss-node benchmark-pallet --pallet pallet_storage_space --steps 10 --repeat 20`
//! in the wasm runtime on the `dev` genesis state (0 s of benchmarking). Regenerate them with
//! that command (see BENCHMARKS.md) whenever the pallet's calls change; never edit by hand.
//!
//! `ref_time` is in picoseconds; proof size is not measured: this solo chain does not limit it.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions needed by `pallet_storage_space`.
pub trait WeightInfo {
	fn buy_space() -> Weight;
	fn expand_space() -> Weight;
	fn renew_space() -> Weight;
	fn create_bucket() -> Weight;
	fn delete_bucket() -> Weight;
	fn on_initialize(n: u32) -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage items touched: 3.
	fn buy_space() -> Weight {
		Weight::from_parts(166468000, 0)
			.saturating_add(T::DbWeight::get().reads(32))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn expand_space() -> Weight {
		Weight::from_parts(60220000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 3.
	fn renew_space() -> Weight {
		Weight::from_parts(181129000, 0)
			.saturating_add(T::DbWeight::get().reads(36))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage items touched: 3.
	fn create_bucket() -> Weight {
		Weight::from_parts(21913000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 2.
	fn delete_bucket() -> Weight {
		Weight::from_parts(19509000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 3.
	fn on_initialize(n: u32) -> Weight {
		Weight::from_parts(4517000, 0)
			.saturating_add(Weight::from_parts(9820506, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((1 as u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(2))
			.saturating_add(T::DbWeight::get().writes((1 as u64).saturating_mul(n.into())))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 3.
	fn buy_space() -> Weight {
		Weight::from_parts(166468000, 0)
			.saturating_add(ParityDbWeight::get().reads(32))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn expand_space() -> Weight {
		Weight::from_parts(60220000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 3.
	fn renew_space() -> Weight {
		Weight::from_parts(181129000, 0)
			.saturating_add(ParityDbWeight::get().reads(36))
			.saturating_add(ParityDbWeight::get().writes(6))
	}
	/// Storage items touched: 3.
	fn create_bucket() -> Weight {
		Weight::from_parts(21913000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 2.
	fn delete_bucket() -> Weight {
		Weight::from_parts(19509000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 3.
	fn on_initialize(n: u32) -> Weight {
		Weight::from_parts(4517000, 0)
			.saturating_add(Weight::from_parts(9820506, 0).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().reads((1 as u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(2))
			.saturating_add(ParityDbWeight::get().writes((1 as u64).saturating_mul(n.into())))
	}
}
