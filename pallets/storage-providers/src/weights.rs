//! Weights of `pallet_storage_providers`, measured by `deoss-node benchmark-pallet --pallet pallet_storage_providers --steps 10 --repeat 20`
//! in the wasm runtime on the `dev` genesis state (24 s of benchmarking). Regenerate them with
//! that command (see BENCHMARKS.md) whenever the pallet's calls change; never edit by hand.
//!
//! `ref_time` is in picoseconds; proof size is not measured: this solo chain does not limit it.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions needed by `pallet_storage_providers`.
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
	fn slash_miner() -> Weight;
	fn draw_scheduler(s: u32) -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage items touched: 5.
	fn register_miner() -> Weight {
		Weight::from_parts(1081326000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_endpoint() -> Weight {
		Weight::from_parts(243552000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 1.
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(619991000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn update_capacity() -> Weight {
		Weight::from_parts(394536000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn increase_stake() -> Weight {
		Weight::from_parts(1025222000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn request_exit() -> Weight {
		Weight::from_parts(339674000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 2.
	fn cancel_exit() -> Weight {
		Weight::from_parts(285223000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw() -> Weight {
		Weight::from_parts(936160000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 5.
	fn register_scheduler() -> Weight {
		Weight::from_parts(1029289000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(242420000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(556237000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(714521000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn slash_miner() -> Weight {
		Weight::from_parts(508285000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(102272885, 0)
			.saturating_add(Weight::from_parts(88417, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(2))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 5.
	fn register_miner() -> Weight {
		Weight::from_parts(1081326000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_endpoint() -> Weight {
		Weight::from_parts(243552000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 1.
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(619991000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn update_capacity() -> Weight {
		Weight::from_parts(394536000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn increase_stake() -> Weight {
		Weight::from_parts(1025222000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn request_exit() -> Weight {
		Weight::from_parts(339674000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 2.
	fn cancel_exit() -> Weight {
		Weight::from_parts(285223000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw() -> Weight {
		Weight::from_parts(936160000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 5.
	fn register_scheduler() -> Weight {
		Weight::from_parts(1029289000, 0)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(242420000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(556237000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(714521000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn slash_miner() -> Weight {
		Weight::from_parts(508285000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(102272885, 0)
			.saturating_add(Weight::from_parts(88417, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
	}
}
