//! Weights of `pallet_file_bank`, measured by `deoss-node benchmark-pallet --pallet pallet_file_bank --steps 5 --repeat 5`
//! in the wasm runtime on the `dev` genesis state (116 s of benchmarking). Regenerate them with
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
	/// Storage items touched: 11.
	fn declare() -> Weight {
		Weight::from_parts(102723000, 0)
			.saturating_add(T::DbWeight::get().reads(10))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn declare_stored() -> Weight {
		Weight::from_parts(102723000, 0)
			.saturating_add(T::DbWeight::get().reads(108))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	/// Storage items touched: 12.
	fn report(s: u32) -> Weight {
		Weight::from_parts(562160423, 0)
			.saturating_add(Weight::from_parts(93692050, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().reads((3 as u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes(7))
			.saturating_add(T::DbWeight::get().writes((4 as u64).saturating_mul(s.into())))
	}
	/// Storage items touched: 4.
	fn request_reassign() -> Weight {
		Weight::from_parts(72812000, 0)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// Storage items touched: 4.
	fn cancel_deal() -> Weight {
		Weight::from_parts(57483000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// Storage items touched: 12.
	fn delete_object() -> Weight {
		Weight::from_parts(4890760000, 0)
			.saturating_add(T::DbWeight::get().reads(422))
			.saturating_add(T::DbWeight::get().writes(422))
	}
	/// Storage items touched: 5.
	fn transfer_ownership() -> Weight {
		Weight::from_parts(183506000, 0)
			.saturating_add(T::DbWeight::get().reads(8))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// Storage items touched: 3.
	fn grant_key() -> Weight {
		Weight::from_parts(114403000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 3.
	fn revoke_key() -> Weight {
		Weight::from_parts(132888000, 0)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage items touched: 17.
	fn on_initialize(d: u32, r: u32) -> Weight {
		Weight::from_parts(3634490766, 0)
			.saturating_add(Weight::from_parts(4147373127, 0).saturating_mul(r.into()))
			.saturating_add(T::DbWeight::get().reads(15))
			.saturating_add(T::DbWeight::get().reads((1 as u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().reads((298 as u64).saturating_mul(r.into())))
			.saturating_add(T::DbWeight::get().writes(60))
			.saturating_add(T::DbWeight::get().writes((1 as u64).saturating_mul(d.into())))
			.saturating_add(T::DbWeight::get().writes((244 as u64).saturating_mul(r.into())))
	}
	/// Storage items touched: 1.
	fn on_space_expired() -> Weight {
		Weight::from_parts(6835000, 0)
			.saturating_add(T::DbWeight::get().writes(1))
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	/// Storage items touched: 11.
	fn declare() -> Weight {
		Weight::from_parts(102723000, 0)
			.saturating_add(ParityDbWeight::get().reads(10))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn declare_stored() -> Weight {
		Weight::from_parts(102723000, 0)
			.saturating_add(ParityDbWeight::get().reads(108))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	/// Storage items touched: 12.
	fn report(s: u32) -> Weight {
		Weight::from_parts(562160423, 0)
			.saturating_add(Weight::from_parts(93692050, 0).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().reads((3 as u64).saturating_mul(s.into())))
			.saturating_add(ParityDbWeight::get().writes(7))
			.saturating_add(ParityDbWeight::get().writes((4 as u64).saturating_mul(s.into())))
	}
	/// Storage items touched: 4.
	fn request_reassign() -> Weight {
		Weight::from_parts(72812000, 0)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	/// Storage items touched: 4.
	fn cancel_deal() -> Weight {
		Weight::from_parts(57483000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	/// Storage items touched: 12.
	fn delete_object() -> Weight {
		Weight::from_parts(4890760000, 0)
			.saturating_add(ParityDbWeight::get().reads(422))
			.saturating_add(ParityDbWeight::get().writes(422))
	}
	/// Storage items touched: 5.
	fn transfer_ownership() -> Weight {
		Weight::from_parts(183506000, 0)
			.saturating_add(ParityDbWeight::get().reads(8))
			.saturating_add(ParityDbWeight::get().writes(7))
	}
	/// Storage items touched: 3.
	fn grant_key() -> Weight {
		Weight::from_parts(114403000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 3.
	fn revoke_key() -> Weight {
		Weight::from_parts(132888000, 0)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	/// Storage items touched: 17.
	fn on_initialize(d: u32, r: u32) -> Weight {
		Weight::from_parts(3634490766, 0)
			.saturating_add(Weight::from_parts(4147373127, 0).saturating_mul(r.into()))
			.saturating_add(ParityDbWeight::get().reads(15))
			.saturating_add(ParityDbWeight::get().reads((1 as u64).saturating_mul(d.into())))
			.saturating_add(ParityDbWeight::get().reads((298 as u64).saturating_mul(r.into())))
			.saturating_add(ParityDbWeight::get().writes(60))
			.saturating_add(ParityDbWeight::get().writes((1 as u64).saturating_mul(d.into())))
			.saturating_add(ParityDbWeight::get().writes((244 as u64).saturating_mul(r.into())))
	}
	/// Storage items touched: 1.
	fn on_space_expired() -> Weight {
		Weight::from_parts(6835000, 0)
			.saturating_add(ParityDbWeight::get().writes(1))
	}
}
