//! Weights of `pallet_file_bank`, measured by `deoss-node benchmark-pallet --pallet pallet_file_bank --steps 5 --repeat 5`
//! in the wasm runtime on the `dev` genesis state (63 s of benchmarking). Regenerate them with
//! that command (see BENCHMARKS.md) whenever the pallet's calls change; never edit by hand.
//!
//! `ref_time` is in picoseconds; proof size is not measured: this solo chain does not limit it.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions needed by `pallet_file_bank`.
pub trait WeightInfo {
	fn declare() -> Weight;
	fn declare_stored() -> Weight;
	fn report(s: u32) -> Weight;
	fn request_reassign() -> Weight;
	fn cancel_deal() -> Weight;
	fn delete_object() -> Weight;
	fn transfer_ownership() -> Weight;
	fn grant_key() -> Weight;
	fn revoke_key() -> Weight;
	fn on_initialize(d: u32, r: u32) -> Weight;
	fn on_space_expired() -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage items touched: 15.
	fn declare() -> Weight {
		Weight::from_parts(117114000, 0)
			.saturating_add(T::DbWeight::get().reads(13))
			.saturating_add(T::DbWeight::get().writes(9))
	}
	/// Storage items touched: 17.
	fn declare_stored() -> Weight {
		Weight::from_parts(651267000, 0)
			.saturating_add(T::DbWeight::get().reads(110))
			.saturating_add(T::DbWeight::get().writes(9))
	}
	/// Storage items touched: 14.
	fn report(s: u32) -> Weight {
		Weight::from_parts(140581375, 0)
			.saturating_add(Weight::from_parts(70018503, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().reads((3 as u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes(9))
			.saturating_add(T::DbWeight::get().writes((4 as u64).saturating_mul(s.into())))
	}
	/// Storage items touched: 5.
	fn request_reassign() -> Weight {
		Weight::from_parts(30876000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 6.
	fn cancel_deal() -> Weight {
		Weight::from_parts(72668000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	/// Storage items touched: 13.
	fn delete_object() -> Weight {
		Weight::from_parts(3130097000, 0)
			.saturating_add(T::DbWeight::get().reads(550))
			.saturating_add(T::DbWeight::get().writes(454))
	}
	/// Storage items touched: 5.
	fn transfer_ownership() -> Weight {
		Weight::from_parts(87881000, 0)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// Storage items touched: 4.
	fn grant_key() -> Weight {
		Weight::from_parts(65307000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 4.
	fn revoke_key() -> Weight {
		Weight::from_parts(76794000, 0)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 22.
	fn on_initialize(d: u32, r: u32) -> Weight {
		Weight::from_parts(1224912033, 0)
			.saturating_add(Weight::from_parts(31991108, 0).saturating_mul(d.into()))
			.saturating_add(Weight::from_parts(3174393466, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(63))
			.saturating_add(T::DbWeight::get().reads((3 as u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().reads((372 as u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(60))
			.saturating_add(T::DbWeight::get().writes((3 as u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes((276 as u64).saturating_mul(r.into())))
	}
	/// Storage items touched: 1.
	fn on_space_expired() -> Weight {
		Weight::from_parts(2965000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 15.
	fn declare() -> Weight {
		Weight::from_parts(117114000, 0)
			.saturating_add(ParityDbWeight::get().reads(13))
			.saturating_add(ParityDbWeight::get().writes(9))
	}
	/// Storage items touched: 17.
	fn declare_stored() -> Weight {
		Weight::from_parts(651267000, 0)
			.saturating_add(ParityDbWeight::get().reads(110))
			.saturating_add(ParityDbWeight::get().writes(9))
	}
	/// Storage items touched: 14.
	fn report(s: u32) -> Weight {
		Weight::from_parts(140581375, 0)
			.saturating_add(Weight::from_parts(70018503, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(8))
			.saturating_add(ParityDbWeight::get().reads((3 as u64).saturating_mul(s.into())))
			.saturating_add(ParityDbWeight::get().writes(9))
			.saturating_add(ParityDbWeight::get().writes((4 as u64).saturating_mul(s.into())))
	}
	/// Storage items touched: 5.
	fn request_reassign() -> Weight {
		Weight::from_parts(30876000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 6.
	fn cancel_deal() -> Weight {
		Weight::from_parts(72668000, 0)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(6))
	}
	/// Storage items touched: 13.
	fn delete_object() -> Weight {
		Weight::from_parts(3130097000, 0)
			.saturating_add(ParityDbWeight::get().reads(550))
			.saturating_add(ParityDbWeight::get().writes(454))
	}
	/// Storage items touched: 5.
	fn transfer_ownership() -> Weight {
		Weight::from_parts(87881000, 0)
			.saturating_add(ParityDbWeight::get().reads(8))
			.saturating_add(ParityDbWeight::get().writes(7))
	}
	/// Storage items touched: 4.
	fn grant_key() -> Weight {
		Weight::from_parts(65307000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 4.
	fn revoke_key() -> Weight {
		Weight::from_parts(76794000, 0)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 22.
	fn on_initialize(d: u32, r: u32) -> Weight {
		Weight::from_parts(1224912033, 0)
			.saturating_add(Weight::from_parts(31991108, 0).saturating_mul(d.into()))
			.saturating_add(Weight::from_parts(3174393466, 0).saturating_mul(r.into()))
			.saturating_add(ParityDbWeight::get().reads(63))
			.saturating_add(ParityDbWeight::get().reads((3 as u64).saturating_mul(d.into())))
			.saturating_add(ParityDbWeight::get().reads((372 as u64).saturating_mul(r.into())))
			.saturating_add(ParityDbWeight::get().writes(60))
			.saturating_add(ParityDbWeight::get().writes((3 as u64).saturating_mul(d.into())))
			.saturating_add(ParityDbWeight::get().writes((276 as u64).saturating_mul(r.into())))
	}
	/// Storage items touched: 1.
	fn on_space_expired() -> Weight {
		Weight::from_parts(2965000, 0)
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
