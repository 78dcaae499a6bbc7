//! Weights of `pallet_audit`, measured by `deoss-node benchmark-pallet --pallet pallet_audit --steps 10 --repeat 20`
//! in the wasm runtime on the `dev` genesis state (2 s of benchmarking). Regenerate them with
//! that command (see BENCHMARKS.md) whenever the pallet's calls change; never edit by hand.
//!
//! `ref_time` is in picoseconds; proof size is not measured: this solo chain does not limit it.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions needed by `pallet_audit`.
pub trait WeightInfo {
	fn submit_proof(s: u32) -> Weight;
	fn issue_challenge() -> Weight;
	fn expire_challenge() -> Weight;
	fn hand_over_slot() -> Weight;
	fn expire_claim() -> Weight;
	fn claim_restoral() -> Weight;
	fn complete_restoral() -> Weight;
	fn start_round() -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage items touched: 5.
	fn submit_proof(s: u32) -> Weight {
		Weight::from_parts(18947436, 0)
			.saturating_add(Weight::from_parts(34177361, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((2 as u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 4.
	fn issue_challenge() -> Weight {
		Weight::from_parts(1234734000, 0)
			.saturating_add(T::DbWeight::get().reads(173))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 9.
	fn expire_challenge() -> Weight {
		Weight::from_parts(352363000, 0)
			.saturating_add(T::DbWeight::get().reads(97))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	/// Storage items touched: 8.
	fn hand_over_slot() -> Weight {
		Weight::from_parts(1357686000, 0)
			.saturating_add(T::DbWeight::get().reads(106))
			.saturating_add(T::DbWeight::get().writes(102))
	}
	/// Storage items touched: 6.
	fn expire_claim() -> Weight {
		Weight::from_parts(64486000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage items touched: 7.
	fn claim_restoral() -> Weight {
		Weight::from_parts(513453000, 0)
			.saturating_add(T::DbWeight::get().reads(102))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 9.
	fn complete_restoral() -> Weight {
		Weight::from_parts(398221000, 0)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(11))
	}
	/// Storage items touched: 6.
	fn start_round() -> Weight {
		Weight::from_parts(17977000, 0)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 5.
	fn submit_proof(s: u32) -> Weight {
		Weight::from_parts(18947436, 0)
			.saturating_add(Weight::from_parts(34177361, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().reads((2 as u64).saturating_mul(s.into())))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 4.
	fn issue_challenge() -> Weight {
		Weight::from_parts(1234734000, 0)
			.saturating_add(ParityDbWeight::get().reads(173))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 9.
	fn expire_challenge() -> Weight {
		Weight::from_parts(352363000, 0)
			.saturating_add(ParityDbWeight::get().reads(97))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	/// Storage items touched: 8.
	fn hand_over_slot() -> Weight {
		Weight::from_parts(1357686000, 0)
			.saturating_add(ParityDbWeight::get().reads(106))
			.saturating_add(ParityDbWeight::get().writes(102))
	}
	/// Storage items touched: 6.
	fn expire_claim() -> Weight {
		Weight::from_parts(64486000, 0)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(6))
	}
	/// Storage items touched: 7.
	fn claim_restoral() -> Weight {
		Weight::from_parts(513453000, 0)
			.saturating_add(ParityDbWeight::get().reads(102))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 9.
	fn complete_restoral() -> Weight {
		Weight::from_parts(398221000, 0)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(11))
	}
	/// Storage items touched: 6.
	fn start_round() -> Weight {
		Weight::from_parts(17977000, 0)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
