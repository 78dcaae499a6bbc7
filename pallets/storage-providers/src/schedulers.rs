//! What the scheduler calls do: registration, endpoint changes and the way out.
//! [`ActiveSchedulers`] always lists exactly the schedulers in state `Active`.

use crate::{pallet::*, types::*};
use deoss_traits::Region;
use frame_support::{
	ensure,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::{traits::Saturating, DispatchResult};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_scheduler(
		who: T::AccountId,
		region: Region,
		endpoint: Endpoint<T>,
	) -> DispatchResult {
		ensure!(!Schedulers::<T>::contains_key(&who), Error::<T>::SchedulerAlreadyRegistered);
		ensure!(Schedulers::<T>::count() < T::MaxSchedulers::get(), Error::<T>::TooManySchedulers);
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
		Self::deposit_event(Event::SchedulerExitRequested { scheduler: who, unlock_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_scheduler(who: T::AccountId) -> DispatchResult {
		let info = Schedulers::<T>::get(&who).ok_or(Error::<T>::SchedulerNotFound)?;
		let SchedulerState::Exiting { unlock_at } = info.state else {
			return Err(Error::<T>::NotExiting.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillUnbonding);
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
