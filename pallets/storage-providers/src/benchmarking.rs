//! Benchmarks of every call in its worst case, and of the slash and draw functions other
//! pallets call. Miner keys come from the keystore the benchmark runner provides.

use super::*;
use alloc::vec::Vec;
use deoss_traits::{MinerRegistry, Region, SchedulerRegistry};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::crypto::KeyTypeId;
use sp_runtime::{traits::Saturating, Perbill};

/// Key type of the miner keys benchmarks generate in the keystore.
const MINER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"dmnr");

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

fn benchmark_region() -> Region {
	Region(*b"DE")
}

/// The longest endpoint the runtime accepts, distinct per `fill` byte.
fn longest_endpoint<T: Config>(fill: u8) -> Endpoint<T> {
	let mut endpoint = b"https://".to_vec();
	endpoint.resize(T::MaxEndpointLen::get() as usize, fill);
	endpoint.try_into().unwrap_or_default()
}

/// An account with enough free funds for the largest miner stake, twice over, and a
/// scheduler stake.
fn funded_account<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let funds = Pallet::<T>::required_miner_stake(T::MaxCapacity::get())
		.saturating_mul(4u32.into())
		.saturating_add(T::SchedulerStake::get().saturating_mul(2u32.into()))
		.saturating_add(T::Currency::minimum_balance().saturating_mul(10u32.into()));
	T::Currency::set_balance(&who, funds);
	who
}

/// A fresh sr25519 key and its proof of possession for `who`.
fn auth_key_with_proof<T: Config>(
	who: &T::AccountId,
) -> Result<([u8; 32], [u8; 64]), BenchmarkError> {
	let public = sp_io::crypto::sr25519_generate(MINER_KEY_TYPE, None);
	let proof = sp_io::crypto::sr25519_sign(MINER_KEY_TYPE, &public, &key_proof_message(who))
		.ok_or(BenchmarkError::Stop("the keystore cannot sign"))?;
	Ok((public.0, proof.0))
}

/// Registers `who` as a miner with the largest capacity and exactly the stake it needs.
fn registered_miner<T: Config>(who: &T::AccountId) -> Result<(), BenchmarkError> {
	let capacity = T::MaxCapacity::get();
	let (auth_key, proof) = auth_key_with_proof::<T>(who)?;
	Pallet::<T>::do_register_miner(
		who.clone(),
		Pallet::<T>::required_miner_stake(capacity),
		capacity,
		benchmark_region(),
		longest_endpoint::<T>(b'a'),
		auth_key,
		proof,
	)?;
	Ok(())
}

/// Puts `who`'s miner record in `state`, keeping the region index consistent.
fn set_miner_state<T: Config>(
	who: &T::AccountId,
	state: MinerState<BlockNumberFor<T>>,
) -> Result<(), BenchmarkError> {
	let mut info = Miners::<T>::get(who).ok_or(BenchmarkError::Stop("no miner record"))?;
	Pallet::<T>::set_state(who, &mut info, state);
	Miners::<T>::insert(who, info);
	Ok(())
}

/// Registers `count` schedulers in the benchmark region.
fn registered_schedulers<T: Config>(count: u32) -> Result<Vec<T::AccountId>, BenchmarkError> {
	(0..count)
		.map(|index| {
			let who = funded_account::<T>("scheduler", index);
			Pallet::<T>::do_register_scheduler(
				who.clone(),
				benchmark_region(),
				longest_endpoint::<T>(b's'),
			)?;
			Ok(who)
		})
		.collect()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_miner() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		let capacity = T::MaxCapacity::get();
		let stake = Pallet::<T>::required_miner_stake(capacity);
		let endpoint = longest_endpoint::<T>(b'a');
		let (auth_key, proof) = auth_key_with_proof::<T>(&caller)?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(caller.clone()),
			stake,
			capacity,
			benchmark_region(),
			endpoint.clone(),
			auth_key,
			proof,
		);

		assert_last_event::<T>(Event::MinerRegistered {
			miner: caller,
			stake,
			capacity_bytes: capacity,
			region: benchmark_region(),
			endpoint,
			auth_key,
		});
		Ok(())
	}

	#[benchmark]
	fn update_endpoint() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;
		let endpoint = longest_endpoint::<T>(b'b');

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), endpoint.clone());

		assert_last_event::<T>(Event::MinerEndpointUpdated { miner: caller, endpoint });
		Ok(())
	}

	#[benchmark]
	fn rotate_auth_key() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;
		let (new_key, proof) = auth_key_with_proof::<T>(&caller)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), new_key, proof);

		assert_last_event::<T>(Event::MinerAuthKeyRotated { miner: caller, auth_key: new_key });
		Ok(())
	}

	// Worst case: a frozen miner shrinks its capacity and is unfrozen.
	#[benchmark]
	fn update_capacity() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;
		set_miner_state::<T>(&caller, MinerState::Frozen)?;
		let capacity = T::MinCapacity::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), capacity);

		assert_last_event::<T>(Event::MinerUnfrozen { miner: caller.clone() });
		assert!(ActiveMinersByRegion::<T>::contains_key(benchmark_region(), &caller));
		Ok(())
	}

	// Worst case: a frozen miner adds stake and is unfrozen.
	#[benchmark]
	fn increase_stake() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;
		set_miner_state::<T>(&caller, MinerState::Frozen)?;
		let amount = T::Currency::minimum_balance().max(1u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), amount);

		assert_last_event::<T>(Event::MinerUnfrozen { miner: caller.clone() });
		assert!(ActiveMinersByRegion::<T>::contains_key(benchmark_region(), &caller));
		Ok(())
	}

	#[benchmark]
	fn request_exit() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		assert_last_event::<T>(Event::MinerExitRequested { miner: caller, unlock_at });
		Ok(())
	}

	#[benchmark]
	fn cancel_exit() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;
		Pallet::<T>::do_request_exit(caller.clone())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::MinerExitCancelled { miner: caller, active: true });
		Ok(())
	}

	#[benchmark]
	fn withdraw() -> Result<(), BenchmarkError> {
		let caller = funded_account::<T>("miner", 0);
		registered_miner::<T>(&caller)?;
		Pallet::<T>::do_request_exit(caller.clone())?;
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(unlock_at);
		let stake = Pallet::<T>::required_miner_stake(T::MaxCapacity::get());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::MinerWithdrawn { miner: caller, stake });
		Ok(())
	}

	// Worst case: the list of active schedulers is one short of full.
	#[benchmark]
	fn register_scheduler() -> Result<(), BenchmarkError> {
		registered_schedulers::<T>(T::MaxSchedulers::get().saturating_sub(1))?;
		let caller = funded_account::<T>("caller", 0);
		let endpoint = longest_endpoint::<T>(b'c');

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), benchmark_region(), endpoint.clone());

		assert_last_event::<T>(Event::SchedulerRegistered {
			scheduler: caller,
			stake: T::SchedulerStake::get(),
			region: benchmark_region(),
			endpoint,
		});
		Ok(())
	}

	#[benchmark]
	fn update_scheduler_endpoint() -> Result<(), BenchmarkError> {
		let caller =
			registered_schedulers::<T>(1)?.pop().ok_or(BenchmarkError::Stop("no scheduler"))?;
		let endpoint = longest_endpoint::<T>(b'd');

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), endpoint.clone());

		assert_last_event::<T>(Event::SchedulerEndpointUpdated { scheduler: caller, endpoint });
		Ok(())
	}

	// Worst case: the list of active schedulers is full.
	#[benchmark]
	fn request_scheduler_exit() -> Result<(), BenchmarkError> {
		let caller = registered_schedulers::<T>(T::MaxSchedulers::get())?
			.pop()
			.ok_or(BenchmarkError::Stop("no scheduler"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		assert_last_event::<T>(Event::SchedulerExitRequested { scheduler: caller, unlock_at });
		Ok(())
	}

	#[benchmark]
	fn withdraw_scheduler() -> Result<(), BenchmarkError> {
		let caller =
			registered_schedulers::<T>(1)?.pop().ok_or(BenchmarkError::Stop("no scheduler"))?;
		Pallet::<T>::do_request_scheduler_exit(caller.clone())?;
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(unlock_at);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_last_event::<T>(Event::SchedulerWithdrawn {
			scheduler: caller,
			stake: T::SchedulerStake::get(),
		});
		Ok(())
	}

	// Worst case: the slash freezes the miner.
	#[benchmark]
	fn slash_miner() -> Result<(), BenchmarkError> {
		let miner = funded_account::<T>("miner", 0);
		registered_miner::<T>(&miner)?;
		let slashed;

		#[block]
		{
			slashed = <Pallet<T> as MinerRegistry<_, _>>::slash(&miner, Perbill::from_percent(50));
		}

		assert!(slashed > 0u32.into());
		let info = Miners::<T>::get(&miner).ok_or(BenchmarkError::Stop("no miner record"))?;
		assert_eq!(info.state, MinerState::Frozen);
		Ok(())
	}

	// Worst case: no scheduler is in a preferred region, so the draw falls back to all.
	#[benchmark]
	fn draw_scheduler(s: Linear<1, { T::MaxSchedulers::get() }>) -> Result<(), BenchmarkError> {
		registered_schedulers::<T>(s)?;
		let preferred = [Region(*b"FR")];
		let drawn;

		#[block]
		{
			drawn = <Pallet<T> as SchedulerRegistry<_>>::draw(b"deal", &preferred, &[]);
		}

		assert!(drawn.is_some());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
