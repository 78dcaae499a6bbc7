//! The trait this pallet implements for others: removing the objects of an
//! owner whose space expired.

use crate::{pallet::*, weights::WeightInfo, OnSpaceExpired};
use frame_support::weights::Weight;

impl<T: Config> OnSpaceExpired<T::AccountId> for Pallet<T> {
	/// Queues the owner; `on_initialize` removes its objects,
	/// `MaxRemovalsPerBlock` per block.
	fn on_space_expired(owner: &T::AccountId) -> Weight {
		ExpiredOwners::<T>::insert(owner, ());
		T::WeightInfo::on_space_expired()
	}
}
