//! Benchmarks of every call and of the lifecycle hook, each in its worst
//! case: schedule searches that try every probe, the largest amounts.

use crate::{
	pallet::*, BucketName, SpaceLease, SpaceState, GIB, MAX_BUCKET_NAME_LEN, SCHEDULE_PROBES,
};
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Inspect, fungible::Mutate, Get, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{Bounded, One, Saturating};

/// Gives `who` enough to pay `price` twice and stay alive.
fn fund<T: Config>(who: &T::AccountId, price: BalanceOf<T>) {
	let amount = price
		.saturating_mul(2u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(2u32.into()));
	T::Currency::set_balance(who, amount.min(BalanceOf::<T>::max_value() / 2u32.into()));
}

/// Makes the schedule blocks `from..from + blocks` full, so a search
/// starting at `from` probes all of them.
fn fill_schedule<T: Config>(from: BlockNumberFor<T>, blocks: u32) {
	let full: BoundedVec<T::AccountId, T::MaxExpiriesPerBlock> = BoundedVec::truncate_from(
		(0..T::MaxExpiriesPerBlock::get()).map(|index| account("filler", index, 0)).collect(),
	);
	for offset in 0..blocks {
		Transitions::<T>::insert(from.saturating_add(offset.into()), full.clone());
	}
}

/// Fills the blocks a lease ending at `expires_at` would be scheduled in, up
/// to the last probe, which is left with room.
fn fill_schedule_for<T: Config>(expires_at: BlockNumberFor<T>) {
	let probes_before_last = SCHEDULE_PROBES - 1;
	fill_schedule::<T>(expires_at, probes_before_last);
	let removal_due = expires_at.saturating_add(T::GracePeriod::get());
	// When the two ranges overlap the expiry search starts after the freeze
	// anyway; filling its range would leave the freeze no room.
	if removal_due >= expires_at.saturating_add(SCHEDULE_PROBES.into()) {
		fill_schedule::<T>(removal_due, probes_before_last);
	}
}

/// A longest valid bucket name.
fn longest_bucket_name() -> BucketName {
	BucketName::truncate_from(vec![b'a'; MAX_BUCKET_NAME_LEN as usize])
}

/// Gives `who` an active lease of 1 GiB for `days` days.
fn buy<T: Config>(who: &T::AccountId, days: u32) -> Result<(), BenchmarkError> {
	let price = Pallet::<T>::price_of(T::MaxPurchaseGib::get().into(), T::MaxDays::get())?;
	fund::<T>(who, price);
	Pallet::<T>::do_buy_space(who, 1, days)?;
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn buy_space() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let (gib, days) = (T::MaxPurchaseGib::get(), T::MaxDays::get());
		let price = Pallet::<T>::price_of(gib.into(), days)?;
		fund::<T>(&caller, price);
		let now = frame_system::Pallet::<T>::block_number();
		let period = Pallet::<T>::blocks_for_days(days)?;
		fill_schedule_for::<T>(now.saturating_add(period));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), gib, days);

		let lease = UserSpace::<T>::get(&caller).ok_or("no lease")?;
		assert_eq!(lease.purchased_bytes, u64::from(gib) * GIB);
		Ok(())
	}

	#[benchmark]
	fn expand_space() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		buy::<T>(&caller, T::MaxDays::get())?;
		let gib = T::MaxPurchaseGib::get().saturating_sub(1).max(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), gib);

		let lease = UserSpace::<T>::get(&caller).ok_or("no lease")?;
		assert_eq!(lease.purchased_bytes, (u64::from(gib) + 1) * GIB);
		Ok(())
	}

	#[benchmark]
	fn renew_space() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		let days = T::MinDays::get();
		buy::<T>(&caller, days)?;
		let lease = UserSpace::<T>::get(&caller).ok_or("no lease")?;
		// The old entries share full blocks: removing them scans the most.
		for at in [lease.freeze_scheduled_at, lease.expiry_scheduled_at] {
			Transitions::<T>::mutate(at, |due| {
				for index in 0..T::MaxExpiriesPerBlock::get() {
					let _ = due.try_push(account("neighbour", index, 0));
				}
			});
		}
		let period = Pallet::<T>::blocks_for_days(days)?;
		let new_expires_at = lease.expires_at.saturating_add(period);
		fill_schedule_for::<T>(new_expires_at);
		// Still active, as late as possible: the renewal stays within MaxDays.
		frame_system::Pallet::<T>::set_block_number(lease.expires_at.saturating_sub(One::one()));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), days);

		let lease = UserSpace::<T>::get(&caller).ok_or("no lease")?;
		assert_eq!(lease.expires_at, new_expires_at);
		Ok(())
	}

	#[benchmark]
	fn create_bucket() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		buy::<T>(&caller, T::MinDays::get())?;
		let name = longest_bucket_name();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), name.clone());

		assert!(Buckets::<T>::contains_key(&caller, &name));
		Ok(())
	}

	#[benchmark]
	fn delete_bucket() -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		buy::<T>(&caller, T::MinDays::get())?;
		let name = longest_bucket_name();
		Pallet::<T>::do_create_bucket(&caller, name.clone())?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), name.clone());

		assert!(!Buckets::<T>::contains_key(&caller, &name));
		Ok(())
	}

	/// `n` leases expire (the heavier transition: the lease is written,
	/// the file bank told, the lease deleted), spread over consecutive
	/// schedule blocks as they would be.
	#[benchmark]
	fn on_initialize(
		n: Linear<0, { T::MaxTransitionsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		let per_block = T::MaxExpiriesPerBlock::get();
		let first = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		let mut last = first;
		let mut owners = vec![];
		for index in 0..n {
			let who: T::AccountId = account("lessee", index, 0);
			let at = first.saturating_add((index / per_block).into());
			Transitions::<T>::try_mutate(at, |due| due.try_push(who.clone()))
				.map_err(|_| "schedule block full")?;
			UserSpace::<T>::insert(
				&who,
				SpaceLease {
					purchased_bytes: GIB,
					reserved_bytes: 0,
					used_bytes: GIB / 2,
					start: first,
					expires_at: first,
					freeze_scheduled_at: first,
					expiry_scheduled_at: at,
					state: SpaceState::Frozen,
				},
			);
			owners.push(who);
			last = at;
		}
		ScheduleCursor::<T>::put(first);
		frame_system::Pallet::<T>::set_block_number(last);

		#[block]
		{
			Pallet::<T>::on_initialize(last);
		}

		assert!(owners.iter().all(|who| !UserSpace::<T>::contains_key(who)));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
