//! Buying, expanding and renewing space leases, and what they cost.
//! Payments go to the pot account derived from `PalletId`.

use crate::{pallet::*, SpaceLease, SpaceState, GIB};
use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Preservation},
		Get,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{AccountIdConversion, CheckedAdd, CheckedMul, Saturating, UniqueSaturatedInto, Zero},
	DispatchError, DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// The account every payment for space goes to.
	pub fn pot_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// `gib` × `days` × `PricePerGibDay`, or `Overflow`.
	pub fn price_of(gib: u64, days: u32) -> Result<BalanceOf<T>, DispatchError> {
		let gib: BalanceOf<T> = gib.try_into().map_err(|_| Error::<T>::Overflow)?;
		gib.checked_mul(&days.into())
			.and_then(|gib_days| gib_days.checked_mul(&T::PricePerGibDay::get()))
			.ok_or(Error::<T>::Overflow.into())
	}

	pub(crate) fn do_buy_space(who: &T::AccountId, gib: u32, days: u32) -> DispatchResult {
		ensure!(!UserSpace::<T>::contains_key(who), Error::<T>::AlreadyHasSpace);
		ensure!(gib > 0, Error::<T>::ZeroSpace);
		ensure!(gib <= T::MaxPurchaseGib::get(), Error::<T>::TooMuchSpace);
		ensure!(days >= T::MinDays::get(), Error::<T>::PeriodTooShort);
		ensure!(days <= T::MaxDays::get(), Error::<T>::PeriodTooLong);

		let price = Self::price_of(gib.into(), days)?;
		let now = frame_system::Pallet::<T>::block_number();
		let expires_at =
			now.checked_add(&Self::blocks_for_days(days)?).ok_or(Error::<T>::Overflow)?;
		Self::pay(who, price)?;
		let (freeze_scheduled_at, expiry_scheduled_at) = Self::schedule_lease(who, expires_at)?;

		let purchased_bytes = u64::from(gib) * GIB;
		UserSpace::<T>::insert(
			who,
			SpaceLease {
				purchased_bytes,
				reserved_bytes: 0,
				used_bytes: 0,
				start: now,
				expires_at,
				freeze_scheduled_at,
				expiry_scheduled_at,
				state: SpaceState::Active,
			},
		);
		Self::deposit_event(Event::SpacePurchased {
			who: who.clone(),
			gib,
			purchased_bytes,
			days,
			expires_at,
			price_paid: price,
		});
		Ok(())
	}

	pub(crate) fn do_expand_space(who: &T::AccountId, gib: u32) -> DispatchResult {
		let mut lease = UserSpace::<T>::get(who).ok_or(Error::<T>::NoSpace)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(lease.is_active_at(now), Error::<T>::SpaceNotActive);
		ensure!(gib > 0, Error::<T>::ZeroSpace);
		let total_gib = lease.purchased_gib().saturating_add(gib.into());
		ensure!(total_gib <= u64::from(T::MaxPurchaseGib::get()), Error::<T>::TooMuchSpace);

		// Active means `now < expires_at`, so at least one (partial) day remains.
		let remaining = lease.expires_at.saturating_sub(now);
		let blocks_per_day = T::BlocksPerDay::get();
		let mut remaining_days: u32 = (remaining / blocks_per_day).unique_saturated_into();
		if !(remaining % blocks_per_day).is_zero() {
			remaining_days = remaining_days.saturating_add(1);
		}
		let price = Self::price_of(gib.into(), remaining_days)?;
		Self::pay(who, price)?;

		lease.purchased_bytes = total_gib.saturating_mul(GIB);
		let purchased_bytes = lease.purchased_bytes;
		UserSpace::<T>::insert(who, lease);
		Self::deposit_event(Event::SpaceExpanded {
			who: who.clone(),
			gib,
			purchased_bytes,
			days_charged: remaining_days,
			price_paid: price,
		});
		Ok(())
	}

	pub(crate) fn do_renew_space(who: &T::AccountId, days: u32) -> DispatchResult {
		let mut lease = UserSpace::<T>::get(who).ok_or(Error::<T>::NoSpace)?;
		ensure!(lease.state != SpaceState::Expired, Error::<T>::NoSpace);
		ensure!(days >= T::MinDays::get(), Error::<T>::PeriodTooShort);
		ensure!(days <= T::MaxDays::get(), Error::<T>::PeriodTooLong);

		let now = frame_system::Pallet::<T>::block_number();
		// Renewal continues from the old end, so the frozen days are paid too:
		// the files were kept through them.
		let expires_at = lease
			.expires_at
			.checked_add(&Self::blocks_for_days(days)?)
			.ok_or(Error::<T>::Overflow)?;
		ensure!(expires_at > now, Error::<T>::PeriodTooShort);
		ensure!(
			expires_at.saturating_sub(now) <= Self::blocks_for_days(T::MaxDays::get())?,
			Error::<T>::PeriodTooLong
		);
		let price = Self::price_of(lease.purchased_gib(), days)?;
		Self::pay(who, price)?;

		let was_frozen = lease.state == SpaceState::Frozen;
		Self::unschedule_lease(who, &lease);
		let (freeze_scheduled_at, expiry_scheduled_at) = Self::schedule_lease(who, expires_at)?;
		lease.expires_at = expires_at;
		lease.freeze_scheduled_at = freeze_scheduled_at;
		lease.expiry_scheduled_at = expiry_scheduled_at;
		lease.state = SpaceState::Active;
		UserSpace::<T>::insert(who, lease);
		Self::deposit_event(Event::SpaceRenewed {
			who: who.clone(),
			days,
			expires_at,
			price_paid: price,
			reactivated: was_frozen,
		});
		Ok(())
	}

	/// Moves `amount` from `who` to the pot, keeping `who` alive.
	fn pay(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		let spendable =
			T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
		ensure!(spendable >= amount, Error::<T>::InsufficientBalance);
		T::Currency::transfer(who, &Self::pot_account(), amount, Preservation::Preserve)?;
		Ok(())
	}

	/// `days` × `BlocksPerDay`, or `Overflow`.
	pub(crate) fn blocks_for_days(days: u32) -> Result<BlockNumberFor<T>, DispatchError> {
		BlockNumberFor::<T>::from(days)
			.checked_mul(&T::BlocksPerDay::get())
			.ok_or(Error::<T>::Overflow.into())
	}
}
