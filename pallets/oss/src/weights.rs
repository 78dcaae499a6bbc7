//! Weights of `pallet_oss`, measured by `deoss-node benchmark-pallet --pallet pallet_oss --steps 10 --repeat 20`
//! in the wasm runtime on the `dev` genesis state (0 s of benchmarking). Regenerate them with
//! that command (see BENCHMARKS.md) whenever the pallet's calls change; never edit by hand.
//!
//! `ref_time` is in picoseconds; proof size is not measured: this solo chain does not limit it.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions needed by `pallet_oss`.
pub trait WeightInfo {
	fn authorize() -> Weight;
	fn revoke() -> Weight;
	fn renounce() -> Weight;
	fn prune_expired() -> Weight;
	fn register_gateway(l: u32) -> Weight;
	fn update_gateway(l: u32) -> Weight;
	fn deregister_gateway() -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage items touched: 3.
	fn authorize() -> Weight {
		Weight::from_parts(44526000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 3.
	fn revoke() -> Weight {
		Weight::from_parts(30565000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 3.
	fn renounce() -> Weight {
		Weight::from_parts(32499000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 3.
	fn prune_expired() -> Weight {
		Weight::from_parts(37105000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 2.
	fn register_gateway(_l: u32) -> Weight {
		Weight::from_parts(97682900, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 1.
	fn update_gateway(_l: u32) -> Weight {
		Weight::from_parts(25284303, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn deregister_gateway() -> Weight {
		Weight::from_parts(81852000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 3.
	fn authorize() -> Weight {
		Weight::from_parts(44526000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 3.
	fn revoke() -> Weight {
		Weight::from_parts(30565000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 3.
	fn renounce() -> Weight {
		Weight::from_parts(32499000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 3.
	fn prune_expired() -> Weight {
		Weight::from_parts(37105000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 2.
	fn register_gateway(_l: u32) -> Weight {
		Weight::from_parts(97682900, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 1.
	fn update_gateway(_l: u32) -> Weight {
		Weight::from_parts(25284303, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn deregister_gateway() -> Weight {
		Weight::from_parts(81852000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
}
