//! Buckets: creating and deleting them, and the object counts the file bank
//! keeps in them.

use crate::{
	bucket_name::{self, BucketNameError},
	pallet::*,
	BucketInfo, BucketName, SpaceState,
};
use frame_support::{ensure, traits::Get};
use sp_runtime::{DispatchError, DispatchResult};

impl<T> From<BucketNameError> for Error<T> {
	fn from(error: BucketNameError) -> Self {
		match error {
			BucketNameError::TooShort => Error::<T>::BucketNameTooShort,
			BucketNameError::TooLong => Error::<T>::BucketNameTooLong,
			BucketNameError::InvalidCharacter => Error::<T>::BucketNameInvalidCharacter,
			BucketNameError::BadEdge => Error::<T>::BucketNameBadEdge,
			BucketNameError::AdjacentPeriods => Error::<T>::BucketNameAdjacentPeriods,
			BucketNameError::IpAddress => Error::<T>::BucketNameIpAddress,
			BucketNameError::ReservedPrefix => Error::<T>::BucketNameReservedPrefix,
			BucketNameError::ReservedSuffix => Error::<T>::BucketNameReservedSuffix,
		}
	}
}

impl<T: Config> Pallet<T> {
	pub(crate) fn do_create_bucket(owner: &T::AccountId, name: BucketName) -> DispatchResult {
		bucket_name::validate(&name).map_err(Error::<T>::from)?;
		let lease = UserSpace::<T>::get(owner).ok_or(Error::<T>::NoSpace)?;
		ensure!(lease.state != SpaceState::Expired, Error::<T>::NoSpace);
		ensure!(!Buckets::<T>::contains_key(owner, &name), Error::<T>::BucketExists);
		let count = BucketCount::<T>::get(owner);
		ensure!(count < T::MaxBucketsPerUser::get(), Error::<T>::TooManyBuckets);

		let created_at = frame_system::Pallet::<T>::block_number();
		Buckets::<T>::insert(owner, &name, BucketInfo { object_count: 0, created_at });
		BucketCount::<T>::insert(owner, count + 1);
		Self::deposit_event(Event::BucketCreated { owner: owner.clone(), name });
		Ok(())
	}

	pub(crate) fn do_delete_bucket(owner: &T::AccountId, name: BucketName) -> DispatchResult {
		let bucket = Buckets::<T>::get(owner, &name).ok_or(Error::<T>::BucketNotFound)?;
		ensure!(bucket.object_count == 0, Error::<T>::BucketNotEmpty);

		Buckets::<T>::remove(owner, &name);
		BucketCount::<T>::mutate_exists(owner, |count| {
			*count = count.map(|count| count.saturating_sub(1)).filter(|&count| count > 0);
		});
		Self::deposit_event(Event::BucketDeleted { owner: owner.clone(), name });
		Ok(())
	}
}

/// A name too long for [`BucketName`] names no bucket.
fn stored_name(name: &[u8]) -> Option<BucketName> {
	BucketName::try_from(name.to_vec()).ok()
}

impl<T: Config> deoss_traits::Buckets<T::AccountId> for Pallet<T> {
	fn exists(owner: &T::AccountId, name: &[u8]) -> bool {
		stored_name(name).is_some_and(|name| Buckets::<T>::contains_key(owner, name))
	}

	fn add_object(owner: &T::AccountId, name: &[u8]) -> DispatchResult {
		let name = stored_name(name).ok_or(Error::<T>::BucketNotFound)?;
		Buckets::<T>::try_mutate(owner, name, |bucket| {
			let bucket = bucket.as_mut().ok_or(Error::<T>::BucketNotFound)?;
			bucket.object_count =
				bucket.object_count.checked_add(1).ok_or(Error::<T>::TooManyObjects)?;
			Ok::<(), DispatchError>(())
		})
	}

	fn remove_object(owner: &T::AccountId, name: &[u8]) {
		let Some(name) = stored_name(name) else { return };
		if let Some(mut bucket) = Buckets::<T>::get(owner, &name) {
			bucket.object_count = bucket.object_count.saturating_sub(1);
			Buckets::<T>::insert(owner, name, bucket);
		}
	}
}
