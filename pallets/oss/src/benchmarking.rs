//! Benchmarks of every call in its worst case, from which `weights.rs` is
//! generated.

use super::*;
use crate::Pallet as Oss;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, InspectHold, Mutate},
	Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{One, Saturating};

const SEED: u32 = 0;

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

/// Every scope, so the stored set is as large as it gets.
fn all_scopes() -> ScopesOf {
	ScopesOf::truncate_from(ALL_SCOPES.to_vec())
}

/// A valid endpoint of exactly `len` bytes (at least 9: `https://` and a
/// one-byte host).
fn endpoint_of_len<T: Config>(len: u32, filler: u8) -> EndpointOf<T> {
	let mut endpoint = b"https://".to_vec();
	endpoint.resize(len as usize, filler);
	EndpointOf::<T>::truncate_from(endpoint)
}

/// Gives `who` enough free balance to hold the gateway deposit.
fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::GatewayDeposit::get()
		.saturating_mul(2u32.into())
		.saturating_add(T::Currency::minimum_balance())
		.saturating_add(1_000u32.into());
	T::Currency::set_balance(who, amount);
}

/// Grants `owner`'s authorization to a fresh operator; returns the operator.
fn grant<T: Config>(
	owner: &T::AccountId,
	index: u32,
	expires_at: Option<BlockNumberFor<T>>,
) -> Result<T::AccountId, BenchmarkError> {
	let operator: T::AccountId = account("operator", index, SEED);
	Oss::<T>::do_authorize(owner.clone(), operator.clone(), &ALL_SCOPES, expires_at)?;
	Ok(operator)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: a new entry (three writes, not a replacement) for an owner
	// one short of `MaxOperatorsPerOwner`.
	#[benchmark]
	fn authorize() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		let existing = T::MaxOperatorsPerOwner::get().saturating_sub(1);
		for index in 0..existing {
			grant::<T>(&owner, index, None)?;
		}
		let operator: T::AccountId = account("operator", existing, SEED);
		let expires_at = frame_system::Pallet::<T>::block_number().saturating_add(100u32.into());

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			T::Lookup::unlookup(operator.clone()),
			all_scopes(),
			Some(expires_at),
		);

		assert_eq!(OperatorCount::<T>::get(&owner), existing.saturating_add(1));
		assert_last_event::<T>(Event::Authorized {
			owner,
			operator,
			scopes: ScopeSet::from_scopes(&ALL_SCOPES).ok_or("no scopes")?,
			expires_at: Some(expires_at),
			replaced: false,
		});
		Ok(())
	}

	#[benchmark]
	fn revoke() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		let operator = grant::<T>(&owner, 0, None)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), T::Lookup::unlookup(operator.clone()));

		assert!(!Authorizations::<T>::contains_key(&owner, &operator));
		assert_last_event::<T>(Event::Revoked { owner, operator });
		Ok(())
	}

	#[benchmark]
	fn renounce() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		let operator = grant::<T>(&owner, 0, None)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(operator.clone()), T::Lookup::unlookup(owner.clone()));

		assert!(!OperatorOf::<T>::contains_key(&operator, &owner));
		assert_last_event::<T>(Event::Renounced { owner, operator });
		Ok(())
	}

	#[benchmark]
	fn prune_expired() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		let expires_at = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		let operator = grant::<T>(&owner, 0, Some(expires_at))?;
		frame_system::Pallet::<T>::set_block_number(expires_at);
		let pruned_by: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(pruned_by.clone()),
			T::Lookup::unlookup(owner.clone()),
			T::Lookup::unlookup(operator.clone()),
		);

		assert_eq!(OperatorCount::<T>::get(&owner), 0);
		assert_last_event::<T>(Event::ExpiredPruned { owner, operator, pruned_by });
		Ok(())
	}

	#[benchmark]
	fn register_gateway(l: Linear<9, { T::MaxEndpointLen::get() }>) -> Result<(), BenchmarkError> {
		let gateway: T::AccountId = whitelisted_caller();
		fund::<T>(&gateway);
		let endpoint = endpoint_of_len::<T>(l, b'a');

		#[extrinsic_call]
		_(RawOrigin::Signed(gateway.clone()), endpoint.clone());

		let deposit = T::GatewayDeposit::get();
		assert_eq!(
			T::Currency::balance_on_hold(&HoldReason::GatewayDeposit.into(), &gateway),
			deposit
		);
		assert_last_event::<T>(Event::GatewayRegistered { gateway, endpoint, deposit });
		Ok(())
	}

	#[benchmark]
	fn update_gateway(l: Linear<9, { T::MaxEndpointLen::get() }>) -> Result<(), BenchmarkError> {
		let gateway: T::AccountId = whitelisted_caller();
		fund::<T>(&gateway);
		let max_len = T::MaxEndpointLen::get();
		Oss::<T>::do_register_gateway(gateway.clone(), endpoint_of_len::<T>(max_len, b'a'))?;
		let endpoint = endpoint_of_len::<T>(l, b'b');

		#[extrinsic_call]
		_(RawOrigin::Signed(gateway.clone()), endpoint.clone());

		let stored: Vec<u8> = Gateways::<T>::get(&gateway).ok_or("not registered")?.endpoint.into();
		assert_eq!(stored, endpoint.clone().into_inner());
		assert_last_event::<T>(Event::GatewayUpdated { gateway, endpoint });
		Ok(())
	}

	#[benchmark]
	fn deregister_gateway() -> Result<(), BenchmarkError> {
		let gateway: T::AccountId = whitelisted_caller();
		fund::<T>(&gateway);
		let max_len = T::MaxEndpointLen::get();
		Oss::<T>::do_register_gateway(gateway.clone(), endpoint_of_len::<T>(max_len, b'a'))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(gateway.clone()));

		assert!(!Gateways::<T>::contains_key(&gateway));
		assert_last_event::<T>(Event::GatewayDeregistered {
			gateway,
			deposit_released: T::GatewayDeposit::get(),
		});
		Ok(())
	}

	impl_benchmark_test_suite!(Oss, crate::mock::new_test_ext(), crate::mock::Test);
}
