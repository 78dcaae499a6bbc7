//! How other pallets see miners and schedulers: space accounting and slashing for the
//! file bank and the audit pallet, and the random draw of a scheduler for a deal.

use crate::{pallet::*, types::*};
use codec::{Decode, Encode};
use deoss_traits::{MinerRegistry, Region, SchedulerRegistry};
use frame_support::{
	ensure,
	traits::{fungible::BalancedHold, Imbalance, OnUnbalanced, Randomness},
};
use sp_runtime::{
	traits::{Saturating, TrailingZeroInput, Zero},
	DispatchResult, Perbill,
};

/// Domain of the randomness subject for scheduler draws, so they never reuse the
/// randomness other pallets draw for the same subject bytes.
pub const SCHEDULER_DRAW_DOMAIN: &[u8; 15] = b"deoss/scheduler";

impl<T: Config> MinerRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn is_active(miner: &T::AccountId) -> bool {
		Miners::<T>::get(miner).is_some_and(|info| info.state == MinerState::Active)
	}

	fn region(miner: &T::AccountId) -> Option<Region> {
		Miners::<T>::get(miner).map(|info| info.region)
	}

	fn auth_key(miner: &T::AccountId) -> Option<[u8; 32]> {
		Miners::<T>::get(miner).map(|info| info.auth_key)
	}

	/// Zero for a miner that is not active: it takes no new data however empty it is.
	fn usage(miner: &T::AccountId) -> Option<(u64, u64)> {
		Miners::<T>::get(miner).map(|info| (info.used_bytes, info.reserved_bytes))
	}

	fn free_bytes(miner: &T::AccountId) -> u64 {
		Miners::<T>::get(miner)
			.filter(|info| info.state == MinerState::Active)
			.map_or(0, |info| info.free_bytes())
	}

	fn reserve(miner: &T::AccountId, bytes: u64) -> DispatchResult {
		Miners::<T>::try_mutate(miner, |maybe_info| {
			let info = maybe_info.as_mut().ok_or(Error::<T>::MinerNotFound)?;
			ensure!(info.state == MinerState::Active, Error::<T>::MinerNotActive);
			ensure!(info.free_bytes() >= bytes, Error::<T>::InsufficientSpace);
			info.reserved_bytes = info.reserved_bytes.saturating_add(bytes);
			Ok(())
		})
	}

	/// Saturates at zero: returning more than was reserved is the caller's bug and must
	/// not leave the record inconsistent.
	fn unreserve(miner: &T::AccountId, bytes: u64) {
		Miners::<T>::mutate_exists(miner, |maybe_info| {
			if let Some(info) = maybe_info {
				info.reserved_bytes = info.reserved_bytes.saturating_sub(bytes);
			}
		});
	}

	/// Works in every state: the fragments already arrived while the miner was active.
	fn commit(miner: &T::AccountId, bytes: u64) -> DispatchResult {
		Miners::<T>::try_mutate(miner, |maybe_info| {
			let info = maybe_info.as_mut().ok_or(Error::<T>::MinerNotFound)?;
			ensure!(info.reserved_bytes >= bytes, Error::<T>::NotEnoughReserved);
			info.reserved_bytes = info.reserved_bytes.saturating_sub(bytes);
			info.used_bytes = info.used_bytes.saturating_add(bytes);
			Ok(())
		})
	}

	fn charge(miner: &T::AccountId, bytes: u64) -> DispatchResult {
		Miners::<T>::try_mutate(miner, |maybe_info| {
			let info = maybe_info.as_mut().ok_or(Error::<T>::MinerNotFound)?;
			ensure!(info.state == MinerState::Active, Error::<T>::MinerNotActive);
			ensure!(info.free_bytes() >= bytes, Error::<T>::InsufficientSpace);
			info.used_bytes = info.used_bytes.saturating_add(bytes);
			Ok(())
		})
	}

	/// Saturates at zero, like `unreserve`.
	fn release(miner: &T::AccountId, bytes: u64) {
		Miners::<T>::mutate_exists(miner, |maybe_info| {
			if let Some(info) = maybe_info {
				info.used_bytes = info.used_bytes.saturating_sub(bytes);
			}
		});
	}

	/// Takes `fraction` of the recorded stake, rounded up so that any non-zero fraction
	/// of a non-zero stake costs something, and hands it to `OnSlash`. An active miner
	/// left below the stake its capacity requires is frozen; a leaving one stays leaving.
	fn slash(miner: &T::AccountId, fraction: Perbill) -> BalanceOf<T> {
		let Some(mut info) = Miners::<T>::get(miner) else { return Zero::zero() };
		let amount = fraction.mul_ceil(info.stake);
		if amount.is_zero() {
			return Zero::zero();
		}

		let (credit, _missing) = <T::Currency as BalancedHold<T::AccountId>>::slash(
			&HoldReason::MinerStake.into(),
			miner,
			amount,
		);
		let slashed = credit.peek();
		T::OnSlash::on_unbalanced(credit);
		info.stake = info.stake.saturating_sub(slashed);

		let required = Self::required_miner_stake(info.capacity_bytes);
		let freezes = info.state == MinerState::Active && info.stake < required;
		if freezes {
			Self::set_state(miner, &mut info, MinerState::Frozen);
		}
		let stake = info.stake;
		Miners::<T>::insert(miner, info);

		Self::deposit_event(Event::MinerSlashed { miner: miner.clone(), amount: slashed, stake });
		if freezes {
			Self::deposit_event(Event::MinerFrozen { miner: miner.clone(), stake, required });
		}
		slashed
	}
}

impl<T: Config> SchedulerRegistry<T::AccountId> for Pallet<T> {
	fn is_active(who: &T::AccountId) -> bool {
		Schedulers::<T>::get(who).is_some_and(|info| info.state == SchedulerState::Active)
	}

	/// Picks uniformly among the active schedulers in `preferred` regions that are not
	/// in `exclude`, or among all active ones not in `exclude` if no preferred one is
	/// left. The randomness subject is the SCALE encoding of
	/// `(b"deoss/scheduler", subject)`. One storage read; O(n·(p + e)) in memory for n
	/// active schedulers (at most `MaxSchedulers`), p preferred regions, e exclusions.
	fn draw(
		subject: &[u8],
		preferred: &[Region],
		exclude: &[T::AccountId],
	) -> Option<T::AccountId> {
		let active = ActiveSchedulers::<T>::get();
		let eligible = |(account, _): &&(T::AccountId, Region)| !exclude.contains(account);
		let in_preferred = |(_, region): &&(T::AccountId, Region)| preferred.contains(region);

		let preferred_count = active.iter().filter(eligible).filter(in_preferred).count();
		let (candidate_count, only_preferred) = if preferred_count > 0 {
			(preferred_count, true)
		} else {
			(active.iter().filter(eligible).count(), false)
		};
		if candidate_count == 0 {
			return None;
		}

		let (random, _) = T::Randomness::random(&(SCHEDULER_DRAW_DOMAIN, subject).encode());
		let seed = u64::decode(&mut TrailingZeroInput::new(random.as_ref())).unwrap_or_default();
		// Counts are at most `MaxSchedulers` (a u32), so both conversions are lossless and
		// the bias of the modulo is below 2^-32.
		let pick = (seed % candidate_count as u64) as usize;

		active
			.iter()
			.filter(eligible)
			.filter(|entry| !only_preferred || in_preferred(entry))
			.nth(pick)
			.map(|(account, _)| account.clone())
	}

	/// Slashes `SchedulerTimeoutPenalty` of the scheduler's stake (what is
	/// left of it, at most), to `OnSlash`. A scheduler left with less than
	/// half of `SchedulerStake` is made to exit: it is no longer drawn, so it
	/// cannot keep taking deals once it has nothing left to lose.
	fn punish_timeout(who: &T::AccountId) {
		let Some(mut info) = Schedulers::<T>::get(who) else { return };
		let amount =
			<T::SchedulerTimeoutPenalty as frame_support::traits::Get<_>>::get().min(info.stake);
		if amount.is_zero() {
			return;
		}
		let (credit, _missing) = <T::Currency as BalancedHold<T::AccountId>>::slash(
			&HoldReason::SchedulerStake.into(),
			who,
			amount,
		);
		let slashed = credit.peek();
		T::OnSlash::on_unbalanced(credit);
		info.stake = info.stake.saturating_sub(slashed);
		let stake = info.stake;
		let active = info.state == SchedulerState::Active;
		Schedulers::<T>::insert(who, info);
		Self::deposit_event(Event::SchedulerPenalized {
			scheduler: who.clone(),
			amount: slashed,
			stake,
		});
		let floor =
			<T::SchedulerStake as frame_support::traits::Get<BalanceOf<T>>>::get() / 2u32.into();
		if active && stake < floor {
			// Cannot fail: the scheduler is registered and active.
			let _ = Self::do_request_scheduler_exit(who.clone());
		}
	}
}
