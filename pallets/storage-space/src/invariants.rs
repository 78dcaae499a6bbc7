//! The pallet's storage invariants, checked by `try_state` and after every
//! unit test.

use crate::{bucket_name, pallet::*, SpaceState, GIB};
use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::Get};
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks every invariant; the first one broken is returned as an error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_leases()?;
		Self::check_buckets()
	}

	/// Each lease: reserved + used ≤ purchased, whole GiB, a consistent
	/// period; the schedule holds exactly the transitions still pending.
	fn check_leases() -> Result<(), TryRuntimeError> {
		let mut expected = BTreeMap::new();
		for (who, lease) in UserSpace::<T>::iter() {
			let accounted = lease
				.reserved_bytes
				.checked_add(lease.used_bytes)
				.ok_or("reserved + used overflows")?;
			ensure!(accounted <= lease.purchased_bytes, "reserved + used exceeds purchased");
			ensure!(lease.purchased_bytes % GIB == 0, "purchase is not whole GiB");
			ensure!(lease.start < lease.expires_at, "lease ends before it starts");
			ensure!(lease.expires_at <= lease.freeze_scheduled_at, "freeze scheduled too early");
			ensure!(
				lease.expires_at.saturating_add(T::GracePeriod::get()) <= lease.expiry_scheduled_at,
				"expiry scheduled before the grace period ends"
			);
			ensure!(
				lease.freeze_scheduled_at <= lease.expiry_scheduled_at,
				"expiry scheduled before the freeze"
			);
			match lease.state {
				SpaceState::Active => {
					*expected.entry((lease.freeze_scheduled_at, who.clone())).or_insert(0u32) += 1;
					*expected.entry((lease.expiry_scheduled_at, who)).or_insert(0u32) += 1;
				}
				SpaceState::Frozen => {
					*expected.entry((lease.expiry_scheduled_at, who)).or_insert(0u32) += 1;
				}
				SpaceState::Expired => return Err("an expired lease outlived its expiry".into()),
			}
		}

		let cursor = ScheduleCursor::<T>::get();
		let mut scheduled = BTreeMap::new();
		for (at, entries) in Transitions::<T>::iter() {
			ensure!(!entries.is_empty(), "empty schedule entry stored");
			ensure!(cursor.is_none_or(|cursor| cursor <= at), "schedule entry behind the cursor");
			for who in entries {
				*scheduled.entry((at, who)).or_insert(0u32) += 1;
			}
		}
		ensure!(expected == scheduled, "schedule does not match the pending transitions");
		Ok(())
	}

	/// Bucket counters match the buckets; names are valid; limits hold.
	fn check_buckets() -> Result<(), TryRuntimeError> {
		let mut counted = BTreeMap::new();
		for (owner, name, _) in Buckets::<T>::iter() {
			ensure!(bucket_name::validate(&name).is_ok(), "invalid bucket name stored");
			*counted.entry(owner).or_insert(0u32) += 1;
		}
		let mut stored = BTreeMap::new();
		for (owner, count) in BucketCount::<T>::iter() {
			ensure!(count > 0, "zero bucket count stored");
			ensure!(count <= T::MaxBucketsPerUser::get(), "bucket count exceeds MaxBucketsPerUser");
			stored.insert(owner, count);
		}
		ensure!(counted == stored, "bucket counts do not match the buckets");
		Ok(())
	}
}
