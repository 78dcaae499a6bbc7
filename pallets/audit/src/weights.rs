//! Weights of `pallet_audit`, not yet measured: regenerate with `deoss-node benchmark-pallet
//! --pallet pallet_audit --output pallets/audit/src/weights.rs` (see BENCHMARKS.md).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs, clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// Weight functions needed by `pallet_audit`.
pub trait WeightInfo {
	fn submit_proof(s: u32) -> Weight;
	fn claim_restoral() -> Weight;
	fn complete_restoral() -> Weight;
	fn issue_challenge() -> Weight;
	fn expire_challenge() -> Weight;
	fn expire_claim() -> Weight;
	fn hand_over_slot() -> Weight;
	fn start_round() -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_proof(_s: u32) -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn claim_restoral() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn complete_restoral() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn issue_challenge() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn expire_challenge() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn expire_claim() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn hand_over_slot() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn start_round() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
}

/// The same weights with ParityDb database weights, for tests.
impl WeightInfo for () {
	fn submit_proof(_s: u32) -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn claim_restoral() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn complete_restoral() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn issue_challenge() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn expire_challenge() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn expire_claim() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn hand_over_slot() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
	fn start_round() -> Weight {
		Weight::from_parts(1_000_000_000, 0)
	}
}
