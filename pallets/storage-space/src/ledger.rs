//! The space accounting other pallets drive: the file bank reserves space
//! for open deals, commits it when they succeed and releases it on deletion.

use crate::{pallet::*, SpaceLease};
use deoss_traits::{LeaseUsage, SpaceLedger};
use frame_support::ensure;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{DispatchError, DispatchResult};

impl<T: Config> Pallet<T> {
	/// The lease of `owner`, if it may take new data now.
	fn active_lease(owner: &T::AccountId) -> Result<SpaceLease<BlockNumberFor<T>>, DispatchError> {
		let lease = UserSpace::<T>::get(owner).ok_or(Error::<T>::NoSpace)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(lease.is_active_at(now), Error::<T>::SpaceNotActive);
		Ok(lease)
	}
}

fn usage<B>(lease: SpaceLease<B>) -> LeaseUsage<B> {
	LeaseUsage {
		start: lease.start,
		reserved_bytes: lease.reserved_bytes,
		used_bytes: lease.used_bytes,
	}
}

impl<T: Config> SpaceLedger<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn lease(owner: &T::AccountId) -> Option<LeaseUsage<BlockNumberFor<T>>> {
		UserSpace::<T>::get(owner).map(usage)
	}

	fn leases() -> alloc::vec::Vec<(T::AccountId, LeaseUsage<BlockNumberFor<T>>)> {
		UserSpace::<T>::iter().map(|(owner, lease)| (owner, usage(lease))).collect()
	}

	fn can_upload(owner: &T::AccountId) -> bool {
		Self::active_lease(owner).is_ok()
	}

	fn free_bytes(owner: &T::AccountId) -> u64 {
		UserSpace::<T>::get(owner).map_or(0, |lease| lease.free_bytes())
	}

	fn reserve(owner: &T::AccountId, bytes: u64) -> DispatchResult {
		let mut lease = Self::active_lease(owner)?;
		ensure!(bytes <= lease.free_bytes(), Error::<T>::NotEnoughSpace);
		lease.reserved_bytes = lease.reserved_bytes.saturating_add(bytes);
		UserSpace::<T>::insert(owner, lease);
		Ok(())
	}

	fn unreserve(owner: &T::AccountId, bytes: u64) {
		UserSpace::<T>::mutate_extant(owner, |lease| {
			lease.reserved_bytes = lease.reserved_bytes.saturating_sub(bytes);
		});
	}

	/// Allowed in any state: the deal was opened while the lease was active.
	fn commit(owner: &T::AccountId, bytes: u64) -> DispatchResult {
		UserSpace::<T>::try_mutate(owner, |maybe_lease| {
			let lease = maybe_lease.as_mut().ok_or(Error::<T>::NoSpace)?;
			ensure!(bytes <= lease.reserved_bytes, Error::<T>::NotEnoughReserved);
			lease.reserved_bytes -= bytes;
			lease.used_bytes = lease.used_bytes.saturating_add(bytes);
			Ok(())
		})
	}

	fn charge(owner: &T::AccountId, bytes: u64) -> DispatchResult {
		let mut lease = Self::active_lease(owner)?;
		ensure!(bytes <= lease.free_bytes(), Error::<T>::NotEnoughSpace);
		lease.used_bytes = lease.used_bytes.saturating_add(bytes);
		UserSpace::<T>::insert(owner, lease);
		Ok(())
	}

	fn release(owner: &T::AccountId, bytes: u64) {
		UserSpace::<T>::mutate_extant(owner, |lease| {
			lease.used_bytes = lease.used_bytes.saturating_sub(bytes);
		});
	}
}
