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
		Weight::from_parts(124405000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_endpoint() -> Weight {
		Weight::from_parts(20270000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 1.
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(71166000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn update_capacity() -> Weight {
		Weight::from_parts(26580000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn increase_stake() -> Weight {
		Weight::from_parts(79949000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn request_exit() -> Weight {
		Weight::from_parts(37355000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 2.
	fn cancel_exit() -> Weight {
		Weight::from_parts(25858000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw() -> Weight {
		Weight::from_parts(69042000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 5.
	fn register_scheduler() -> Weight {
		Weight::from_parts(109823000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(24296000, 0)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(55783000, 0)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(64917000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn slash_miner() -> Weight {
		Weight::from_parts(49683000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(7381630, 0)
			.saturating_add(Weight::from_parts(80702, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(2))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 5.
	fn register_miner() -> Weight {
		Weight::from_parts(124405000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_endpoint() -> Weight {
		Weight::from_parts(20270000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 1.
	fn rotate_auth_key() -> Weight {
		Weight::from_parts(71166000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn update_capacity() -> Weight {
		Weight::from_parts(26580000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn increase_stake() -> Weight {
		Weight::from_parts(79949000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn request_exit() -> Weight {
		Weight::from_parts(37355000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 2.
	fn cancel_exit() -> Weight {
		Weight::from_parts(25858000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw() -> Weight {
		Weight::from_parts(69042000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 5.
	fn register_scheduler() -> Weight {
		Weight::from_parts(109823000, 0)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 1.
	fn update_scheduler_endpoint() -> Weight {
		Weight::from_parts(24296000, 0)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	/// Storage items touched: 2.
	fn request_scheduler_exit() -> Weight {
		Weight::from_parts(55783000, 0)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 4.
	fn withdraw_scheduler() -> Weight {
		Weight::from_parts(64917000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 4.
	fn slash_miner() -> Weight {
		Weight::from_parts(49683000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 2.
	fn draw_scheduler(s: u32) -> Weight {
		Weight::from_parts(7381630, 0)
			.saturating_add(Weight::from_parts(80702, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
	}
}
