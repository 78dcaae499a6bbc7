//! The invariants of the registry, checked by `try_state` and after every unit test:
//! space fits capacity, held funds equal recorded stakes, and the indexes match records.

use crate::{pallet::*, types::*};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the pallet's storage.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_miners()?;
		Self::check_schedulers()
	}

	fn check_miners() -> Result<(), TryRuntimeError> {
		let mut miner_count: u32 = 0;
		for (miner, info) in Miners::<T>::iter() {
			miner_count = miner_count.saturating_add(1);
			let occupied = info.used_bytes.checked_add(info.reserved_bytes);
			ensure!(
				occupied.is_some_and(|bytes| bytes <= info.capacity_bytes),
				"a miner uses and reserves more than its capacity"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::MinerStake.into(), &miner) == info.stake,
				"a miner's held stake differs from its recorded stake"
			);
			ensure!(
				(info.state == MinerState::Active)
					== ActiveMinersByRegion::<T>::contains_key(info.region, &miner),
				"the region index disagrees with a miner's state"
			);
		}
		ensure!(miner_count == Miners::<T>::count(), "the miner counter is wrong");
		ensure!(miner_count <= T::MaxMiners::get(), "more miners than MaxMiners");

		for (region, miner, ()) in ActiveMinersByRegion::<T>::iter() {
			ensure!(
				Miners::<T>::get(&miner)
					.is_some_and(|info| info.region == region && info.state == MinerState::Active),
				"the region index lists a miner that is not active there"
			);
		}
		Ok(())
	}

	fn check_schedulers() -> Result<(), TryRuntimeError> {
		let active = ActiveSchedulers::<T>::get();
		let mut scheduler_count: u32 = 0;
		let mut active_count: usize = 0;
		for (scheduler, info) in Schedulers::<T>::iter() {
			scheduler_count = scheduler_count.saturating_add(1);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::SchedulerStake.into(), &scheduler)
					== info.stake,
				"a scheduler's held stake differs from its recorded stake"
			);
			let listed = active.iter().filter(|(account, _)| account == &scheduler).count();
			if info.state == SchedulerState::Active {
				active_count = active_count.saturating_add(1);
				ensure!(
					listed == 1 && active.contains(&(scheduler, info.region)),
					"an active scheduler is not listed once, with its region, in ActiveSchedulers"
				);
			} else {
				ensure!(listed == 0, "a leaving scheduler is listed in ActiveSchedulers");
			}
		}
		ensure!(active_count == active.len(), "ActiveSchedulers lists unknown schedulers");
		ensure!(scheduler_count == Schedulers::<T>::count(), "the scheduler counter is wrong");
		ensure!(
			u32::try_from(active.len()).unwrap_or(u32::MAX) <= T::MaxSchedulers::get(),
			"more active schedulers than MaxSchedulers"
		);
		// Every leaving scheduler is queued to be released.
		let (head, tail) = SchedulerExitEnds::<T>::get();
		let queued =
			(head..tail).filter_map(SchedulerExits::<T>::get).collect::<alloc::vec::Vec<_>>();
		ensure!(
			queued.len() as u64 == tail.saturating_sub(head),
			"a scheduler exit is missing from its queue"
		);
		for (scheduler, info) in Schedulers::<T>::iter() {
			if let SchedulerState::Exiting { unlock_at } = info.state {
				ensure!(
					queued.contains(&(unlock_at, scheduler)),
					"a leaving scheduler is not queued to be released"
				);
			}
		}
		Ok(())
	}
}
