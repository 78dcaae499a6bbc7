//! What the miner calls do: registration, updates, stake, and the way out.
//! State changes of a miner go through `set_state`, which keeps the region index in step.

use crate::{pallet::*, types::*};
use deoss_traits::Region;
use frame_support::{
	ensure,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_core::sr25519;
use sp_runtime::{
	traits::{CheckedAdd, Saturating, Zero},
	ArithmeticError, DispatchError, DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// The stake a miner declaring `capacity_bytes` has to hold under the current
	/// constants.
	pub fn required_miner_stake(capacity_bytes: u64) -> BalanceOf<T> {
		required_stake(T::MinerBaseStake::get(), T::StakePerTib::get(), capacity_bytes)
	}

	pub(crate) fn do_register_miner(
		who: T::AccountId,
		stake: BalanceOf<T>,
		capacity_bytes: u64,
		region: Region,
		endpoint: Endpoint<T>,
		auth_key: [u8; 32],
		key_proof: [u8; 64],
	) -> DispatchResult {
		ensure!(!Miners::<T>::contains_key(&who), Error::<T>::MinerAlreadyRegistered);
		ensure!(Miners::<T>::count() < T::MaxMiners::get(), Error::<T>::TooManyMiners);
		Self::ensure_capacity_in_range(capacity_bytes)?;
		ensure!(region.is_valid(), Error::<T>::InvalidRegion);
		ensure!(is_valid_endpoint(&endpoint), Error::<T>::InvalidEndpoint);
		Self::ensure_key_proof(&who, &auth_key, &key_proof)?;
		ensure!(stake >= Self::required_miner_stake(capacity_bytes), Error::<T>::InsufficientStake);

		T::Currency::hold(&HoldReason::MinerStake.into(), &who, stake)?;
		let info = MinerInfo {
			stake,
			capacity_bytes,
			used_bytes: 0,
			reserved_bytes: 0,
			region,
			endpoint: endpoint.clone(),
			auth_key,
			state: MinerState::Active,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		Miners::<T>::insert(&who, info);
		ActiveMinersByRegion::<T>::insert(region, &who, ());

		Self::deposit_event(Event::MinerRegistered {
			miner: who,
			stake,
			capacity_bytes,
			region,
			endpoint,
			auth_key,
		});
		Ok(())
	}

	pub(crate) fn do_update_endpoint(who: T::AccountId, endpoint: Endpoint<T>) -> DispatchResult {
		ensure!(is_valid_endpoint(&endpoint), Error::<T>::InvalidEndpoint);
		Miners::<T>::try_mutate(&who, |maybe_info| -> DispatchResult {
			let info = maybe_info.as_mut().ok_or(Error::<T>::MinerNotFound)?;
			info.endpoint = endpoint.clone();
			Ok(())
		})?;
		Self::deposit_event(Event::MinerEndpointUpdated { miner: who, endpoint });
		Ok(())
	}

	pub(crate) fn do_rotate_auth_key(
		who: T::AccountId,
		new_key: [u8; 32],
		key_proof: [u8; 64],
	) -> DispatchResult {
		let mut info = Miners::<T>::get(&who).ok_or(Error::<T>::MinerNotFound)?;
		Self::ensure_key_proof(&who, &new_key, &key_proof)?;
		info.auth_key = new_key;
		Miners::<T>::insert(&who, info);
		Self::deposit_event(Event::MinerAuthKeyRotated { miner: who, auth_key: new_key });
		Ok(())
	}

	pub(crate) fn do_update_capacity(who: T::AccountId, capacity_bytes: u64) -> DispatchResult {
		let mut info = Miners::<T>::get(&who).ok_or(Error::<T>::MinerNotFound)?;
		ensure!(!matches!(info.state, MinerState::Exiting { .. }), Error::<T>::MinerExiting);
		Self::ensure_capacity_in_range(capacity_bytes)?;
		ensure!(capacity_bytes >= info.occupied_bytes(), Error::<T>::CapacityBelowUsage);
		let required = Self::required_miner_stake(capacity_bytes);
		// Growing needs the stake first; shrinking is always allowed, as it only lowers
		// what the miner promises.
		ensure!(
			capacity_bytes <= info.capacity_bytes || info.stake >= required,
			Error::<T>::InsufficientStake
		);

		info.capacity_bytes = capacity_bytes;
		let unfreezes = info.state == MinerState::Frozen && info.stake >= required;
		if unfreezes {
			Self::set_state(&who, &mut info, MinerState::Active);
		}
		Miners::<T>::insert(&who, info);

		Self::deposit_event(Event::MinerCapacityUpdated { miner: who.clone(), capacity_bytes });
		if unfreezes {
			Self::deposit_event(Event::MinerUnfrozen { miner: who });
		}
		Ok(())
	}

	pub(crate) fn do_increase_stake(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut info = Miners::<T>::get(&who).ok_or(Error::<T>::MinerNotFound)?;
		info.stake = info.stake.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		T::Currency::hold(&HoldReason::MinerStake.into(), &who, amount)?;

		let unfreezes = info.state == MinerState::Frozen
			&& info.stake >= Self::required_miner_stake(info.capacity_bytes);
		if unfreezes {
			Self::set_state(&who, &mut info, MinerState::Active);
		}
		let stake = info.stake;
		Miners::<T>::insert(&who, info);

		Self::deposit_event(Event::MinerStakeIncreased { miner: who.clone(), amount, stake });
		if unfreezes {
			Self::deposit_event(Event::MinerUnfrozen { miner: who });
		}
		Ok(())
	}

	pub(crate) fn do_request_exit(who: T::AccountId) -> DispatchResult {
		let mut info = Miners::<T>::get(&who).ok_or(Error::<T>::MinerNotFound)?;
		ensure!(!matches!(info.state, MinerState::Exiting { .. }), Error::<T>::AlreadyExiting);
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Self::set_state(&who, &mut info, MinerState::Exiting { unlock_at });
		Miners::<T>::insert(&who, info);
		<T::OnExit as deoss_traits::OnMinerExit<_>>::on_miner_exit(&who);
		Self::deposit_event(Event::MinerExitRequested { miner: who, unlock_at });
		Ok(())
	}

	pub(crate) fn do_cancel_exit(who: T::AccountId) -> DispatchResult {
		let mut info = Miners::<T>::get(&who).ok_or(Error::<T>::MinerNotFound)?;
		ensure!(matches!(info.state, MinerState::Exiting { .. }), Error::<T>::NotExiting);
		// A slash during the unbonding period may have left the stake short.
		let active = info.stake >= Self::required_miner_stake(info.capacity_bytes);
		let state = if active { MinerState::Active } else { MinerState::Frozen };
		Self::set_state(&who, &mut info, state);
		Miners::<T>::insert(&who, info);
		Self::deposit_event(Event::MinerExitCancelled { miner: who, active });
		Ok(())
	}

	pub(crate) fn do_withdraw(who: T::AccountId) -> DispatchResult {
		let info = Miners::<T>::get(&who).ok_or(Error::<T>::MinerNotFound)?;
		let MinerState::Exiting { unlock_at } = info.state else {
			return Err(Error::<T>::NotExiting.into());
		};
		ensure!(frame_system::Pallet::<T>::block_number() >= unlock_at, Error::<T>::StillUnbonding);
		ensure!(info.occupied_bytes() == 0, Error::<T>::DataNotHandedOver);

		let stake =
			T::Currency::release_all(&HoldReason::MinerStake.into(), &who, Precision::BestEffort)?;
		Miners::<T>::remove(&who);
		<T::OnExit as deoss_traits::OnMinerExit<_>>::on_miner_withdrawn(&who);
		Self::deposit_event(Event::MinerWithdrawn { miner: who, stake });
		Ok(())
	}

	/// Moves `info` (the record of `who`) to `state`, adding it to or removing it from
	/// the region index as it starts or stops taking data. The caller stores `info`.
	pub(crate) fn set_state(
		who: &T::AccountId,
		info: &mut MinerInfoOf<T>,
		state: MinerState<frame_system::pallet_prelude::BlockNumberFor<T>>,
	) {
		let was_active = info.state == MinerState::Active;
		let is_active = state == MinerState::Active;
		if was_active && !is_active {
			ActiveMinersByRegion::<T>::remove(info.region, who);
		} else if !was_active && is_active {
			ActiveMinersByRegion::<T>::insert(info.region, who, ());
		}
		info.state = state;
	}

	fn ensure_capacity_in_range(capacity_bytes: u64) -> DispatchResult {
		ensure!(
			(T::MinCapacity::get()..=T::MaxCapacity::get()).contains(&capacity_bytes),
			Error::<T>::CapacityOutOfRange
		);
		Ok(())
	}

	/// Checks that `proof` is a signature by `key` binding it to `who`.
	fn ensure_key_proof(
		who: &T::AccountId,
		key: &[u8; 32],
		proof: &[u8; 64],
	) -> Result<(), DispatchError> {
		ensure!(is_acceptable_auth_key(key), Error::<T>::InvalidAuthKey);
		let signed = sp_io::crypto::sr25519_verify(
			&sr25519::Signature::from_raw(*proof),
			&key_proof_message(who),
			&sr25519::Public::from_raw(*key),
		);
		ensure!(signed, Error::<T>::InvalidKeyProof);
		Ok(())
	}
}
