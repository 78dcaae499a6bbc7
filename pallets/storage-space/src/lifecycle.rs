//! The Active → Frozen → Expired lifecycle: scheduling each lease's two
//! transitions and processing them, a bounded batch per block.

use crate::{
	pallet::*, SpaceLease, SpaceState, WeightInfo, MAX_SCHEDULE_BLOCKS_PER_BLOCK, SCHEDULE_PROBES,
};
use deoss_traits::{queue::BlockQueue, OnSpaceExpired};
use frame_support::{traits::Get, weights::Weight, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{CheckedAdd, One, Saturating},
	DispatchError,
};

/// The lease transitions due at the start of a block.
type TransitionQueue<T> = BlockQueue<
	Transitions<T>,
	BlockNumberFor<T>,
	<T as frame_system::Config>::AccountId,
	<T as Config>::MaxExpiriesPerBlock,
>;

impl<T: Config> Pallet<T> {
	/// Schedules the freeze at `expires_at` and the expiry a grace period
	/// later, each in the first block from there with room. The expiry is
	/// never placed before the freeze, so the freeze is always seen first.
	/// Returns the two blocks used.
	pub(crate) fn schedule_lease(
		who: &T::AccountId,
		expires_at: BlockNumberFor<T>,
	) -> Result<(BlockNumberFor<T>, BlockNumberFor<T>), DispatchError> {
		let freeze_at = Self::schedule(who, expires_at)?;
		let removal_due =
			expires_at.checked_add(&T::GracePeriod::get()).ok_or(Error::<T>::Overflow)?;
		let expiry_at = Self::schedule(who, removal_due.max(freeze_at))?;
		Ok((freeze_at, expiry_at))
	}

	/// Removes the transitions still pending for `lease` from the schedule.
	pub(crate) fn unschedule_lease(who: &T::AccountId, lease: &SpaceLease<BlockNumberFor<T>>) {
		if lease.state == SpaceState::Active {
			Self::unschedule(who, lease.freeze_scheduled_at);
		}
		Self::unschedule(who, lease.expiry_scheduled_at);
	}

	/// Adds `who` to the first block from `due` with room, trying
	/// `SCHEDULE_PROBES` blocks; `ScheduleFull` when none has room, so the
	/// caller learns of it instead of a transition going missing.
	fn schedule(
		who: &T::AccountId,
		due: BlockNumberFor<T>,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		// The probes stay far below the block number's range.
		due.checked_add(&SCHEDULE_PROBES.into()).ok_or(Error::<T>::Overflow)?;
		TransitionQueue::<T>::schedule(due, who, SCHEDULE_PROBES)
			.ok_or_else(|| Error::<T>::ScheduleFull.into())
	}

	/// Removes every entry of `who` at block `at`. A lease has one entry per
	/// pending transition, and both belong to the schedule being replaced.
	fn unschedule(who: &T::AccountId, at: BlockNumberFor<T>) {
		TransitionQueue::<T>::unschedule(at, who);
	}

	/// Processes due transitions from the cursor up to `now`: at most
	/// `MaxTransitionsPerBlock` of them and `MAX_SCHEDULE_BLOCKS_PER_BLOCK`
	/// schedule blocks. What is left waits for the next block.
	pub(crate) fn process_transitions(now: BlockNumberFor<T>) -> Weight {
		let max_transitions = T::MaxTransitionsPerBlock::get();
		let mut at = ScheduleCursor::<T>::get().unwrap_or(now);
		let mut transitions: u32 = 0;
		let mut blocks_visited: u32 = 0;
		let mut callback_weight = Weight::zero();

		while at <= now
			&& transitions < max_transitions
			&& blocks_visited < MAX_SCHEDULE_BLOCKS_PER_BLOCK
		{
			blocks_visited += 1;
			let due = Transitions::<T>::take(at);
			let budget = (max_transitions - transitions) as usize;
			let (batch, rest) = due.split_at(budget.min(due.len()));
			for who in batch {
				callback_weight.saturating_accrue(Self::transition(at, who));
				transitions += 1;
			}
			if !rest.is_empty() {
				Transitions::<T>::insert(at, BoundedVec::truncate_from(rest.to_vec()));
				break;
			}
			at = at.saturating_add(One::one());
		}
		ScheduleCursor::<T>::put(at);

		T::WeightInfo::on_initialize(transitions).saturating_add(callback_weight).saturating_add(
			T::DbWeight::get().reads_writes(blocks_visited.into(), blocks_visited.into()),
		)
	}

	/// Performs the transition of `who` scheduled at `at`: a freeze or an
	/// expiry, as the lease's schedule fields tell. Entries that no longer
	/// match the lease are skipped (renewals remove theirs, so this is only
	/// a safety net). Returns the weight of the `OnExpired` callback.
	fn transition(at: BlockNumberFor<T>, who: &T::AccountId) -> Weight {
		let Some(mut lease) = UserSpace::<T>::get(who) else { return Weight::zero() };
		if lease.state == SpaceState::Active && lease.freeze_scheduled_at == at {
			lease.state = SpaceState::Frozen;
			let (expires_at, removal_at) = (lease.expires_at, lease.expiry_scheduled_at);
			UserSpace::<T>::insert(who, lease);
			Self::deposit_event(Event::SpaceFrozen { who: who.clone(), expires_at, removal_at });
			Weight::zero()
		} else if lease.state != SpaceState::Expired && lease.expiry_scheduled_at == at {
			// The file bank sees the lease, in state Expired, while it
			// releases what the owner's files used.
			lease.state = SpaceState::Expired;
			UserSpace::<T>::insert(who, lease);
			let callback_weight = T::OnExpired::on_space_expired(who);
			let (purchased_bytes, unreleased_bytes) = UserSpace::<T>::take(who)
				.map(|left| {
					(left.purchased_bytes, left.reserved_bytes.saturating_add(left.used_bytes))
				})
				.unwrap_or_default();
			Self::deposit_event(Event::SpaceExpired {
				who: who.clone(),
				purchased_bytes,
				unreleased_bytes,
			});
			callback_weight
		} else {
			Weight::zero()
		}
	}
}
