//! Weights of `pallet_storage_providers`, measured by `deoss-node benchmark-pallet --pallet pallet_storage_providers --steps 10 --repeat 20`
//! in the wasm runtime on the `dev` genesis state (2 s of benchmarking). Regenerate them with
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
		Weight::from_parts(135421000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_endpoint() -> Weight {
		Weight::from_parts(23825000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 1.
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(71727000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn update_capacity() -> Weight {
		Weight::from_parts(26159000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn increase_stake() -> Weight {
		Weight::from_parts(79808000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 3.
	fn request_exit() -> Weight {
		Weight::from_parts(33129000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 2.
	fn cancel_exit() -> Weight {
		Weight::from_parts(24416000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 5.
	fn withdraw() -> Weight {
		Weight::from_parts(68792000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 5.
	fn register_scheduler() -> Weight {
		Weight::from_parts(101661000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(13070000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 4.
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(64836000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(61231000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn slash_miner() -> Weight {
		Weight::from_parts(54631000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(7268195, 0)
			.saturating_add(Weight::from_parts(79384, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(2))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 5.
	fn register_miner() -> Weight {
		Weight::from_parts(135421000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_endpoint() -> Weight {
		Weight::from_parts(23825000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 1.
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(71727000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn update_capacity() -> Weight {
		Weight::from_parts(26159000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn increase_stake() -> Weight {
		Weight::from_parts(79808000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 3.
	fn request_exit() -> Weight {
		Weight::from_parts(33129000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 2.
	fn cancel_exit() -> Weight {
		Weight::from_parts(24416000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 5.
	fn withdraw() -> Weight {
		Weight::from_parts(68792000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 5.
	fn register_scheduler() -> Weight {
		Weight::from_parts(101661000, 0)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(13070000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 4.
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(64836000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(61231000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn slash_miner() -> Weight {
		Weight::from_parts(54631000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(7268195, 0)
			.saturating_add(Weight::from_parts(79384, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
	}
}
