//! What the scheduler calls do: registration, endpoint changes and the way out.
//! [`ActiveSchedulers`] always lists exactly the schedulers in state `Active`.

use crate::{pallet::*, types::*, WeightInfo};
use deoss_traits::{queue::Fifo, Region};
use frame_support::{
	ensure,
	traits::{fungible::MutateHold, tokens::Precision, Get},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::Saturating, DispatchResult};

/// Most scheduler exits the block hook completes in one block; more wait a block.
pub const MAX_EXITS_PER_BLOCK: u32 = 8;

type ExitQueue<T> = Fifo<
	SchedulerExits<T>,
	SchedulerExitEnds<T>,
	(BlockNumberFor<T>, <T as frame_system::Config>::AccountId),
>;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_scheduler(
		who: T::AccountId,
		region: Region,
		endpoint: Endpoint<T>,
	) -> DispatchResult {
		ensure!(!Schedulers::<T>::contains_key(&who), Error::<T>::SchedulerAlreadyRegistered);
		let active = ActiveSchedulers::<T>::decode_len().unwrap_or(0);
		ensure!(
			u32::try_from(active).unwrap_or(u32::MAX) < T::MaxSchedulers::get(),
			Error::<T>::TooManySchedulers
		);
		ensure!(region.is_valid(), Error::<T>::InvalidRegion);
		ensure!(is_valid_endpoint(&endpoint), Error::<T>::InvalidEndpoint);

		let stake = T::SchedulerStake::get();
		T::Currency::hold(&HoldReason::SchedulerStake.into(), &who, stake)?;
		ActiveSchedulers::<T>::try_mutate(|active| active.try_push((who.clone(), region)))
			.map_err(|_| Error::<T>::TooManySchedulers)?;
		let info = SchedulerInfo {
			stake,
			region,
			endpoint: endpoint.clone(),
			state: SchedulerState::Active,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		Schedulers::<T>::insert(&who, info);

		Self::deposit_event(Event::SchedulerRegistered { scheduler: who, stake, region, endpoint });
		Ok(())
	}

	pub(crate) fn do_update_scheduler_endpoint(
		who: T::AccountId,
		endpoint: Endpoint<T>,
	) -> DispatchResult {
		ensure!(is_valid_endpoint(&endpoint), Error::<T>::InvalidEndpoint);
		Schedulers::<T>::try_mutate(&who, |maybe_info| -> DispatchResult {
			let info = maybe_info.as_mut().ok_or(Error::<T>::SchedulerNotFound)?;
			info.endpoint = endpoint.clone();
			Ok(())
		})?;
		Self::deposit_event(Event::SchedulerEndpointUpdated { scheduler: who, endpoint });
		Ok(())
	}

	pub(crate) fn do_request_scheduler_exit(who: T::AccountId) -> DispatchResult {
		let mut info = Schedulers::<T>::get(&who).ok_or(Error::<T>::SchedulerNotFound)?;
		ensure!(info.state == SchedulerState::Active, Error::<T>::AlreadyExiting);
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		info.state = SchedulerState::Exiting { unlock_at };
		Schedulers::<T>::insert(&who, info);
		ActiveSchedulers::<T>::mutate(|active| active.retain(|(account, _)| account != &who));
		// Every exit unlocks `UnbondingPeriod` after its request, so the queue is in
		// unlock order.
		ExitQueue::<T>::push((unlock_at, who.clone()));
		Self::deposit_event(Event::SchedulerExitRequested { scheduler: who, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_scheduler(who: T::AccountId) -> DispatchResult {
		let info = Schedulers::<T>::get(&who).ok_or(Error::<T>::SchedulerNotFound)?;
		let SchedulerState::Exiting { unlock_at } = info.state else {
			return Err(Error::<T>::NotExiting.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillUnbonding);
		Self::release_scheduler(who)
	}

	/// Completes up to [`MAX_EXITS_PER_BLOCK`] exits that unlocked by `now`; returns the
	/// weight used.
	pub(crate) fn complete_due_scheduler_exits(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		// The queue's ends.
		let mut weight = db.reads(1);
		for _ in 0..MAX_EXITS_PER_BLOCK {
			let Some((unlock_at, who)) = ExitQueue::<T>::peek() else { break };
			// The entry read.
			weight.saturating_accrue(db.reads(1));
			if unlock_at > now {
				break;
			}
			ExitQueue::<T>::pop();
			weight.saturating_accrue(db.writes(2));
			let still_leaving = Schedulers::<T>::get(&who)
				.is_some_and(|info| info.state == SchedulerState::Exiting { unlock_at });
			weight.saturating_accrue(db.reads(1));
			if still_leaving {
				// Cannot fail: the scheduler is leaving and its period is over.
				let _ = Self::release_scheduler(who);
				weight.saturating_accrue(T::WeightInfo::withdraw_scheduler());
			}
		}
		weight
	}

	/// Releases a leaving scheduler's stake and removes its record.
	fn release_scheduler(who: T::AccountId) -> DispatchResult {
		let stake = T::Currency::release_all(
			&HoldReason::SchedulerStake.into(),
			&who,
			Precision::BestEffort,
		)?;
		Schedulers::<T>::remove(&who);
		Self::deposit_event(Event::SchedulerWithdrawn { scheduler: who, stake });
		Ok(())
	}
}
