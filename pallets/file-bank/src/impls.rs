//! The trait this pallet implements for others: removing the objects of an
//! owner whose space expired.

use crate::{pallet::*, weights::WeightInfo, ExpiredOwner, OnSpaceExpired};
use frame_support::weights::Weight;

impl<T: Config> OnSpaceExpired<T::AccountId> for Pallet<T> {
	/// Queues the owner; `on_initialize` removes the objects it has now,
	/// `MaxRemovalsPerBlock` per block. Objects it gets later, in space
	/// bought again, are kept.
	fn on_space_expired(owner: &T::AccountId) -> Weight {
		let cutoff = frame_system::Pallet::<T>::block_number();
		ExpiredOwners::<T>::insert(owner, ExpiredOwner { cutoff, after: None });
		T::WeightInfo::on_space_expired()
	}
}
