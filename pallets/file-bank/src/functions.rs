//! The work behind the calls and the hook: declaring, reporting, reassigning
//! and ending deals, and removing or moving objects.

use crate::*;
use alloc::vec::Vec;
use codec::Encode;
use deoss_primitives::{receipt_message, ColumnIndex, FileGeometry};
use deoss_traits::queue::Fifo;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::{Fortitude, Precision},
	},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

/// The deal deadline queue.
type Deadlines<T> = Fifo<DealQueue<T>, DealQueueEnds<T>, (DealId, BlockNumberFor<T>)>;

/// How a deal ended, for its deposit.
#[derive(PartialEq)]
enum DealEnd {
	/// Stored or cancelled: the deposit goes back.
	Closed,
	/// Failed: the deposit is burnt.
	Failed,
}

/// Stale deadline entries the hook may skip per deal it may handle: a skip
/// is two reads and a write, far cheaper than a timeout, and with 32 the
/// skips of one block outnumber the declare-and-cancel pairs that fit in
/// one (about 1,500 with the runtime's weights).
pub const STALE_DEADLINES_PER_LIVE: u32 = 32;

/// Domain of the hash that draws the columns a challenge samples.
const HELD_DRAW_DOMAIN: &[u8] = b"deoss/audit/held/v1";

/// Most columns of a size class looked at per draw (`Pallet::draw_held`):
/// each one is kept with probability at least one half, so the cap is
/// reached (and the last one kept) in at most one draw in 256.
pub const MAX_DRAW_TRIES: u32 = 8;

impl<T: Config> Pallet<T> {
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_declare(
		caller: T::AccountId,
		owner: T::AccountId,
		bucket: BucketNameOf<T>,
		name: ObjectNameOf<T>,
		size: u64,
		fid: Fid,
		layout: Layout,
		regions: RegionsOf<T>,
		pinned: PinnedOf<T>,
		meta: ObjectMeta<T>,
	) -> DispatchResult {
		ensure!(!name.is_empty(), Error::<T>::EmptyName);
		ensure!(T::Buckets::exists(&owner, &bucket), Error::<T>::BucketNotFound);
		let key = (bucket.clone(), name.clone());
		ensure!(!OwnedObjects::<T>::contains_key(&owner, &key), Error::<T>::ObjectExists);
		FileGeometry::new(layout, size).map_err(|_| Error::<T>::InvalidLayout)?;
		ensure!(layout.slot_count() <= T::MaxSlots::get(), Error::<T>::TooManySlots);
		ensure!(layout.chunk_size <= T::MaxChunkSize::get(), Error::<T>::ChunkTooLarge);
		ensure!(!regions.is_empty(), Error::<T>::NoRegions);
		ensure!(regions.iter().all(Region::is_valid), Error::<T>::InvalidRegion);

		if let Some(file) = Files::<T>::get(fid) {
			Self::check_stored(&file, &fid, size, &layout, &regions, &pinned)?;
		}
		ensure!(!ObjectDeals::<T>::contains_key(&owner, &key), Error::<T>::DealOpen);
		let open = OpenDeals::<T>::get(&owner);
		ensure!(open < T::MaxOpenDeals::get(), Error::<T>::TooManyOpenDeals);

		let deal_id = NextDealId::<T>::get();
		let scheduler = T::Schedulers::draw(&deal_id.encode(), &regions, &[])
			.ok_or(Error::<T>::NoSchedulerAvailable)?;
		T::SpaceLedger::reserve(&owner, Self::billable(size))?;
		let deposit = T::DealDeposit::get();
		T::Currency::hold(&HoldReason::DealDeposit.into(), &caller, deposit)
			.map_err(|_| Error::<T>::CannotHoldDeposit)?;
		let deadline = Self::queue_deadline(deal_id);
		NextDealId::<T>::put(deal_id.saturating_add(1));
		ObjectDeals::<T>::insert(&owner, &key, deal_id);
		OpenDeals::<T>::insert(&owner, open.saturating_add(1));
		let deal = Deal {
			owner,
			bucket,
			name,
			size,
			fid,
			layout,
			regions,
			pinned,
			meta,
			scheduler,
			previous_schedulers: BoundedVec::new(),
			deadline,
			declared_at: frame_system::Pallet::<T>::block_number(),
			depositor: caller,
			deposit,
		};
		Self::deposit_assigned(deal_id, &deal, None);
		Deals::<T>::insert(deal_id, deal);
		Ok(())
	}

	pub(crate) fn do_report(
		scheduler: T::AccountId,
		deal_id: DealId,
		receipts: ReceiptsOf<T>,
	) -> DispatchResult {
		let deal = Deals::<T>::get(deal_id).ok_or(Error::<T>::DealNotFound)?;
		ensure!(deal.scheduler == scheduler, Error::<T>::NotAssignedScheduler);
		ensure!(Self::on_current_lease(&deal.owner, deal.declared_at), Error::<T>::SpaceExpired);
		let key = (deal.bucket.clone(), deal.name.clone());
		ensure!(!OwnedObjects::<T>::contains_key(&deal.owner, &key), Error::<T>::NameTaken);
		if let Some(file) = Files::<T>::get(deal.fid) {
			return Self::add_owner(deal_id, deal, file);
		}
		let layout = deal.layout;
		let slot_count = layout.slot_count();
		ensure!(receipts.len() as u32 == slot_count, Error::<T>::WrongReceiptCount);
		let column_bytes = Self::column_bytes(&layout, deal.size)?;

		let mut by_slot: Vec<Option<T::AccountId>> = Vec::new();
		by_slot.resize(slot_count as usize, None);
		for receipt in receipts.iter() {
			let slot =
				layout.slot(receipt.column, receipt.replica).ok_or(Error::<T>::InvalidSlot)?;
			let entry = by_slot.get_mut(slot as usize).ok_or(Error::<T>::InvalidSlot)?;
			ensure!(entry.is_none(), Error::<T>::DuplicateSlot);
			*entry = Some(receipt.miner.clone());
		}
		for (index, receipt) in receipts.iter().enumerate() {
			let repeated =
				receipts.iter().skip(index + 1).any(|other| other.miner == receipt.miner);
			ensure!(!repeated, Error::<T>::DuplicateMiner);
			Self::check_receipt(&deal, deal_id, receipt, column_bytes)?;
		}
		let miners: SlotMinersOf<T> = by_slot
			.into_iter()
			.collect::<Option<Vec<_>>>()
			.and_then(|miners| BoundedVec::try_from(miners).ok())
			.ok_or(Error::<T>::Inconsistent)?;

		// Calls are transactional: a charge failing here undoes the others.
		for miner in miners.iter() {
			T::Miners::charge(miner, column_bytes)?;
		}
		T::SpaceLedger::commit(&deal.owner, Self::billable(deal.size))?;
		T::Buckets::add_object(&deal.owner, &deal.bucket)?;

		for receipt in receipts.iter() {
			Self::assign_slot(
				&receipt.miner,
				deal.fid,
				receipt.column,
				receipt.replica,
				column_bytes,
			);
		}
		Self::end_deal(deal_id, &deal, DealEnd::Closed);
		let owner = Ownership {
			owner: deal.owner.clone(),
			bucket: deal.bucket,
			name: deal.name,
			since: frame_system::Pallet::<T>::block_number(),
		};
		let owners =
			BoundedVec::try_from(alloc::vec![owner]).map_err(|_| Error::<T>::TooManyOwners)?;
		OwnedObjects::<T>::insert(&deal.owner, &key, deal.fid);
		Files::<T>::insert(
			deal.fid,
			FileRecord {
				owners,
				size: deal.size,
				layout,
				column_bytes,
				regions: deal.regions,
				miners: miners.clone(),
				meta: deal.meta,
				stored_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Self::deposit_event(Event::FileStored {
			deal: deal_id,
			fid: deal.fid,
			owner: deal.owner,
			miners,
		});
		Ok(())
	}

	/// Checks that a stored file may take one more owner declaring it with
	/// this size, layout, regions and pins.
	fn check_stored(
		file: &FileRecord<T>,
		fid: &Fid,
		size: u64,
		layout: &Layout,
		regions: &RegionsOf<T>,
		pinned: &PinnedOf<T>,
	) -> DispatchResult {
		ensure!(file.size == size && file.layout == *layout, Error::<T>::FileMismatch);
		ensure!(!T::Hooks::is_impaired(fid), Error::<T>::FileImpaired);
		let allowed = file.miners.iter().all(|miner| {
			pinned.contains(miner)
				|| T::Miners::region(miner).is_some_and(|region| regions.contains(&region))
		});
		ensure!(allowed, Error::<T>::HoldersOutsideRegions);
		ensure!((file.owners.len() as u32) < T::MaxOwners::get(), Error::<T>::TooManyOwners);
		Ok(())
	}

	/// Ends `deal`, whose FID is stored, by adding its owner to the file:
	/// its scheduler verified the payload, so the owner has the data. If
	/// the file cannot take this owner (stored meanwhile with another size
	/// or layout, holders outside the deal's regions, impaired, or full of
	/// owners), the deal is refused instead: its deposit and space go back
	/// and its scheduler, which did its part, is not blamed.
	fn add_owner(deal_id: DealId, deal: Deal<T>, mut file: FileRecord<T>) -> DispatchResult {
		if let Err(reason) = Self::check_stored(
			&file,
			&deal.fid,
			deal.size,
			&deal.layout,
			&deal.regions,
			&deal.pinned,
		) {
			Self::unreserve_deal(&deal);
			Self::end_deal(deal_id, &deal, DealEnd::Closed);
			Self::deposit_event(Event::DealRefused {
				deal: deal_id,
				owner: deal.owner,
				fid: deal.fid,
				reason,
			});
			return Ok(());
		}
		file.owners
			.try_push(Ownership {
				owner: deal.owner.clone(),
				bucket: deal.bucket.clone(),
				name: deal.name.clone(),
				since: frame_system::Pallet::<T>::block_number(),
			})
			.map_err(|_| Error::<T>::TooManyOwners)?;
		T::SpaceLedger::commit(&deal.owner, Self::billable(deal.size))?;
		T::Buckets::add_object(&deal.owner, &deal.bucket)?;
		Files::<T>::insert(deal.fid, file);
		OwnedObjects::<T>::insert(&deal.owner, (deal.bucket.clone(), deal.name.clone()), deal.fid);
		Self::end_deal(deal_id, &deal, DealEnd::Closed);
		Self::deposit_event(Event::OwnerAdded {
			deal: deal_id,
			fid: deal.fid,
			owner: deal.owner,
			bucket: deal.bucket,
			name: deal.name,
		});
		Ok(())
	}

	/// Checks one receipt's miner (active, allowed, with room) and signature.
	fn check_receipt(
		deal: &Deal<T>,
		deal_id: DealId,
		receipt: &SlotReceipt<T::AccountId>,
		column_bytes: u64,
	) -> DispatchResult {
		let miner = &receipt.miner;
		ensure!(T::Miners::is_active(miner), Error::<T>::MinerNotActive);
		ensure!(!T::Hooks::is_handing_over(miner), Error::<T>::MinerHandingOver);
		let in_region =
			T::Miners::region(miner).is_some_and(|region| deal.regions.contains(&region));
		ensure!(in_region || deal.pinned.contains(miner), Error::<T>::MinerOutsideRegions);
		let key = T::Miners::auth_key(miner).ok_or(Error::<T>::NoAuthKey)?;
		let miner_bytes = Self::account_bytes(miner).ok_or(Error::<T>::AccountNotBytes32)?;
		let message = receipt_message(deal_id, &deal.fid, receipt.column, &miner_bytes);
		let valid = sp_io::crypto::sr25519_verify(
			&sp_core::sr25519::Signature::from_raw(receipt.signature),
			&message,
			&sp_core::sr25519::Public::from_raw(key),
		);
		ensure!(valid, Error::<T>::InvalidSignature);
		ensure!(T::Miners::free_bytes(miner) >= column_bytes, Error::<T>::MinerOutOfSpace);
		Ok(())
	}

	pub(crate) fn do_request_reassign(caller: T::AccountId, deal_id: DealId) -> DispatchResult {
		let deal = Deals::<T>::get(deal_id).ok_or(Error::<T>::DealNotFound)?;
		ensure!(
			T::Authority::may_act_for(&caller, &deal.owner, Scope::Upload),
			Error::<T>::NotAuthorized
		);
		Self::reassign(deal_id, deal)
	}

	pub(crate) fn do_cancel_deal(caller: T::AccountId, deal_id: DealId) -> DispatchResult {
		let deal = Deals::<T>::get(deal_id).ok_or(Error::<T>::DealNotFound)?;
		ensure!(
			T::Authority::may_act_for(&caller, &deal.owner, Scope::Upload),
			Error::<T>::NotAuthorized
		);
		Self::unreserve_deal(&deal);
		Self::end_deal(deal_id, &deal, DealEnd::Closed);
		Self::deposit_event(Event::DealCancelled {
			deal: deal_id,
			owner: deal.owner,
			fid: deal.fid,
		});
		Ok(())
	}

	pub(crate) fn do_delete_object(
		owner: T::AccountId,
		bucket: BucketNameOf<T>,
		name: ObjectNameOf<T>,
	) -> DispatchResult {
		Self::remove_object(owner, bucket, name, None).map(|_| ())
	}

	/// Removes an owner's object, and the file with its last owner. With
	/// `cutoff` (the owner's space expired then), only an object the owner
	/// had by then is removed, and no space is released: the expired lease
	/// is gone, and a lease bought since must not be credited. Returns
	/// whether it was removed and the weight of the audit's hook.
	pub(crate) fn remove_object(
		owner: T::AccountId,
		bucket: BucketNameOf<T>,
		name: ObjectNameOf<T>,
		cutoff: Option<BlockNumberFor<T>>,
	) -> Result<(bool, Weight), DispatchError> {
		let key = (bucket.clone(), name.clone());
		let fid = OwnedObjects::<T>::get(&owner, &key).ok_or(Error::<T>::ObjectNotFound)?;
		let mut file = Files::<T>::get(fid).ok_or(Error::<T>::Inconsistent)?;
		let position = file
			.owners
			.iter()
			.position(|held| held.owner == owner && held.bucket == bucket && held.name == name)
			.ok_or(Error::<T>::Inconsistent)?;
		if let Some(cutoff) = cutoff {
			// The expiry ran in the hook of block `cutoff`, before its
			// extrinsics: what the owner got in that block is new.
			if file.owners.get(position).is_some_and(|held| held.since >= cutoff) {
				return Ok((false, Weight::zero()));
			}
		}
		let held = file.owners.remove(position);
		OwnedObjects::<T>::remove(&owner, &key);
		if cutoff.is_none() {
			Self::release_object(&owner, held.since, file.size);
		}
		T::Buckets::remove_object(&owner, &bucket);
		Self::deposit_event(Event::ObjectRemoved { fid, owner, bucket, name });

		if file.owners.is_empty() {
			for (slot, miner) in file.miners.iter().enumerate() {
				// A lost slot's miner is released by the audit, which may
				// have done so already.
				if !T::Hooks::is_slot_lost(&fid, slot as u32) {
					T::Miners::release(miner, file.column_bytes);
					Self::unassign_slot(miner, &fid);
				}
			}
			Files::<T>::remove(fid);
			Self::clear_key_grants(&fid);
			let hook = T::Hooks::on_file_removed(&fid);
			Self::deposit_event(Event::FileDeleted { fid, miners: file.miners });
			return Ok((true, hook));
		}
		Files::<T>::insert(fid, file);
		Ok((true, Weight::zero()))
	}

	pub(crate) fn do_grant_key(
		owner: T::AccountId,
		fid: Fid,
		grantee: T::AccountId,
		wrapped_key: WrappedKeyOf<T>,
	) -> DispatchResult {
		let file = Files::<T>::get(fid).ok_or(Error::<T>::FileNotFound)?;
		ensure!(file.owners.iter().any(|held| held.owner == owner), Error::<T>::NotOwner);
		Self::ensure_may_change_grant(&file, &fid, &grantee, &owner)?;
		if !KeyGrants::<T>::contains_key(fid, &grantee) {
			let count = KeyGrantCount::<T>::get(fid);
			ensure!(count < T::MaxKeyGrants::get(), Error::<T>::TooManyKeyGrants);
			KeyGrantCount::<T>::insert(fid, count.saturating_add(1));
		}
		KeyGranters::<T>::insert(fid, &grantee, &owner);
		KeyGrants::<T>::insert(fid, &grantee, wrapped_key);
		Self::deposit_event(Event::KeyGranted { fid, by: owner, to: grantee });
		Ok(())
	}

	pub(crate) fn do_revoke_key(
		owner: T::AccountId,
		fid: Fid,
		grantee: T::AccountId,
	) -> DispatchResult {
		let file = Files::<T>::get(fid).ok_or(Error::<T>::FileNotFound)?;
		ensure!(file.owners.iter().any(|held| held.owner == owner), Error::<T>::NotOwner);
		ensure!(KeyGrants::<T>::contains_key(fid, &grantee), Error::<T>::KeyGrantNotFound);
		Self::ensure_may_change_grant(&file, &fid, &grantee, &owner)?;
		KeyGrants::<T>::remove(fid, &grantee);
		KeyGranters::<T>::remove(fid, &grantee);
		KeyGrantCount::<T>::mutate_exists(fid, |count| {
			*count = count.and_then(|count| count.checked_sub(1)).filter(|count| *count > 0);
		});
		Self::deposit_event(Event::KeyRevoked { fid, by: owner, to: grantee });
		Ok(())
	}

	/// Only the owner that made `grantee`'s grant of `fid` may change it,
	/// unless that owner no longer owns the file.
	fn ensure_may_change_grant(
		file: &FileRecord<T>,
		fid: &Fid,
		grantee: &T::AccountId,
		caller: &T::AccountId,
	) -> DispatchResult {
		match KeyGranters::<T>::get(fid, grantee) {
			Some(granter) if granter != *caller => ensure!(
				!file.owners.iter().any(|held| held.owner == granter),
				Error::<T>::NotGranter
			),
			_ => {}
		}
		Ok(())
	}

	/// Removes every key grant of a removed file: at most `MaxKeyGrants`.
	fn clear_key_grants(fid: &Fid) {
		if KeyGrantCount::<T>::take(fid) > 0 {
			let _ = KeyGrants::<T>::clear_prefix(fid, T::MaxKeyGrants::get(), None);
			let _ = KeyGranters::<T>::clear_prefix(fid, T::MaxKeyGrants::get(), None);
		}
	}

	pub(crate) fn do_transfer_ownership(
		owner: T::AccountId,
		bucket: BucketNameOf<T>,
		name: ObjectNameOf<T>,
		new_owner: T::AccountId,
		new_bucket: BucketNameOf<T>,
	) -> DispatchResult {
		let key = (bucket.clone(), name.clone());
		let fid = OwnedObjects::<T>::get(&owner, &key).ok_or(Error::<T>::ObjectNotFound)?;
		ensure!(
			new_owner != owner && T::Authority::may_act_for(&owner, &new_owner, Scope::Upload),
			Error::<T>::NotAuthorized
		);
		ensure!(T::Buckets::exists(&new_owner, &new_bucket), Error::<T>::BucketNotFound);
		let new_key = (new_bucket.clone(), name.clone());
		ensure!(!OwnedObjects::<T>::contains_key(&new_owner, &new_key), Error::<T>::ObjectExists);
		let mut file = Files::<T>::get(fid).ok_or(Error::<T>::Inconsistent)?;
		let held = file
			.owners
			.iter_mut()
			.find(|held| held.owner == owner && held.bucket == bucket && held.name == name)
			.ok_or(Error::<T>::Inconsistent)?;
		let held_since = held.since;
		held.owner = new_owner.clone();
		held.bucket = new_bucket.clone();
		held.since = frame_system::Pallet::<T>::block_number();

		T::SpaceLedger::charge(&new_owner, Self::billable(file.size))?;
		T::Buckets::add_object(&new_owner, &new_bucket)?;
		Self::release_object(&owner, held_since, file.size);
		T::Buckets::remove_object(&owner, &bucket);
		OwnedObjects::<T>::remove(&owner, &key);
		OwnedObjects::<T>::insert(&new_owner, &new_key, fid);
		Files::<T>::insert(fid, file);
		Self::deposit_event(Event::OwnershipTransferred {
			fid,
			from: owner,
			to: new_owner,
			bucket: new_bucket,
			name,
		});
		Ok(())
	}

	/// Times out the deals due by `now`, in the order their deadlines were
	/// set: each one's scheduler is punished, and the deal moves to another
	/// scheduler or fails (its deposit burnt). Handles at most
	/// `MaxDeadlinesPerBlock` queue entries, stale ones (deals ended or
	/// moved on) included; the rest wait for the next block. Returns the
	/// number of entries handled.
	/// Handles up to `MaxDeadlinesPerBlock` deals that fall due by `now`, and
	/// skips up to `STALE_DEADLINES_PER_LIVE` times as many stale entries
	/// (deals that ended or moved since), so that deals declared and
	/// cancelled in bulk cannot hold real timeouts back. Returns the deals
	/// handled and the stale entries skipped.
	pub(crate) fn expire_deals(now: BlockNumberFor<T>) -> (u32, u32) {
		let live_limit = T::MaxDeadlinesPerBlock::get();
		let stale_limit = live_limit.saturating_mul(STALE_DEADLINES_PER_LIVE);
		let (mut handled, mut stale) = (0u32, 0u32);
		while handled < live_limit && stale < stale_limit {
			match Deadlines::<T>::peek() {
				Some((_, due)) if due <= now => {}
				_ => break,
			}
			let Some((deal_id, due)) = Deadlines::<T>::pop() else { break };
			let Some(deal) = Deals::<T>::get(deal_id).filter(|deal| deal.deadline == due) else {
				stale = stale.saturating_add(1);
				continue;
			};
			handled = handled.saturating_add(1);
			// A deal whose space expired can no longer be stored: it fails
			// with no scheduler to blame.
			let outcome = if Self::on_current_lease(&deal.owner, deal.declared_at) {
				T::Schedulers::punish_timeout(&deal.scheduler);
				Self::reassign(deal_id, deal.clone())
			} else {
				Err(Error::<T>::SpaceExpired.into())
			};
			if let Err(reason) = outcome {
				Self::unreserve_deal(&deal);
				Self::end_deal(deal_id, &deal, DealEnd::Failed);
				Self::deposit_event(Event::DealFailed {
					deal: deal_id,
					owner: deal.owner,
					fid: deal.fid,
					reason,
					forfeited: deal.deposit,
				});
			}
		}
		(handled, stale)
	}

	/// Draws a scheduler the deal never had and gives it a new deadline.
	fn reassign(deal_id: DealId, mut deal: Deal<T>) -> DispatchResult {
		let replaced = deal.scheduler.clone();
		deal.previous_schedulers
			.try_push(replaced.clone())
			.map_err(|_| Error::<T>::TooManyReassignments)?;
		let scheduler =
			T::Schedulers::draw(&deal_id.encode(), &deal.regions, &deal.previous_schedulers)
				.ok_or(Error::<T>::NoSchedulerAvailable)?;
		deal.scheduler = scheduler;
		deal.deadline = Self::queue_deadline(deal_id);
		Self::deposit_assigned(deal_id, &deal, Some(replaced));
		Deals::<T>::insert(deal_id, deal);
		Ok(())
	}

	fn deposit_assigned(deal_id: DealId, deal: &Deal<T>, replaced: Option<T::AccountId>) {
		Self::deposit_event(Event::DealAssigned {
			deal: deal_id,
			scheduler: deal.scheduler.clone(),
			replaced,
			owner: deal.owner.clone(),
			fid: deal.fid,
			size: deal.size,
			layout: deal.layout,
			deadline: deal.deadline,
		});
	}

	/// Removes an ended deal and its indexes, and returns its deposit (or
	/// burns it, for a failed deal). Its deadline entry stays in the queue,
	/// to be skipped when it comes up.
	fn end_deal(deal_id: DealId, deal: &Deal<T>, end: DealEnd) {
		Deals::<T>::remove(deal_id);
		ObjectDeals::<T>::remove(&deal.owner, (deal.bucket.clone(), deal.name.clone()));
		OpenDeals::<T>::mutate_exists(&deal.owner, |open| {
			*open = open.and_then(|open| open.checked_sub(1)).filter(|open| *open > 0);
		});
		let reason = HoldReason::DealDeposit.into();
		if end == DealEnd::Failed {
			let _ = T::Currency::burn_held(
				&reason,
				&deal.depositor,
				deal.deposit,
				Precision::BestEffort,
				Fortitude::Force,
			);
		} else {
			let _ =
				T::Currency::release(&reason, &deal.depositor, deal.deposit, Precision::BestEffort);
		}
	}

	/// Queues `deal_id` to time out `DealTimeout` blocks from now; returns
	/// that block. The queue never fills up.
	fn queue_deadline(deal_id: DealId) -> BlockNumberFor<T> {
		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::DealTimeout::get());
		Deadlines::<T>::push((deal_id, deadline));
		deadline
	}

	/// Looks at up to `MaxRemovalsPerBlock` objects (or owners found done)
	/// of owners whose space expired, and removes those the owner had when
	/// it expired. Returns the steps taken and the weight of the audit's
	/// hooks for the files removed.
	pub(crate) fn remove_expired_objects() -> (u32, Weight) {
		let limit = T::MaxRemovalsPerBlock::get();
		let mut steps = 0u32;
		let mut hooks = Weight::zero();
		while steps < limit {
			let Some((owner, mut expired)) = ExpiredOwners::<T>::iter().next() else { break };
			let budget = limit.saturating_sub(steps) as usize;
			let keys: Vec<ObjectKeyOf<T>> = match &expired.after {
				Some(after) => OwnedObjects::<T>::iter_key_prefix_from(
					&owner,
					OwnedObjects::<T>::hashed_key_for(&owner, after),
				)
				.take(budget)
				.collect(),
				None => OwnedObjects::<T>::iter_key_prefix(&owner).take(budget).collect(),
			};
			if keys.is_empty() {
				// An owner without (more) objects is a step too, so owners
				// expiring empty cannot make the hook unbounded.
				steps = steps.saturating_add(1);
				ExpiredOwners::<T>::remove(&owner);
				continue;
			}
			for (bucket, name) in keys {
				steps = steps.saturating_add(1);
				expired.after = Some((bucket.clone(), name.clone()));
				// The object exists, so this cannot fail; a failure only skips it.
				if let Ok((_, hook)) =
					Self::remove_object(owner.clone(), bucket, name, Some(expired.cutoff))
				{
					hooks.saturating_accrue(hook);
				}
			}
			ExpiredOwners::<T>::insert(&owner, expired);
		}
		(steps, hooks)
	}

	/// Whether bytes `owner` reserved or was charged at block `since` are on
	/// its current lease (not on one that expired since).
	pub(crate) fn on_current_lease(owner: &T::AccountId, since: BlockNumberFor<T>) -> bool {
		T::SpaceLedger::lease(owner).is_some_and(|lease| lease.start <= since)
	}

	/// Gives back what an ending deal reserved, if its lease is still there.
	fn unreserve_deal(deal: &Deal<T>) {
		if Self::on_current_lease(&deal.owner, deal.declared_at) {
			T::SpaceLedger::unreserve(&deal.owner, Self::billable(deal.size));
		}
	}

	/// Frees what an object held since block `since` used, if it was
	/// charged to the owner's current lease.
	fn release_object(owner: &T::AccountId, since: BlockNumberFor<T>, size: u64) {
		if Self::on_current_lease(owner, since) {
			T::SpaceLedger::release(owner, Self::billable(size));
		}
	}

	/// Bytes an owner is charged for an object of `size` payload bytes: at
	/// least `MinBillableSize`, so that tiny (or empty) objects are not free
	/// to create in bulk.
	pub fn billable(size: u64) -> u64 {
		size.max(T::MinBillableSize::get())
	}

	/// Bytes one miner holds of a file: its column's fragment of every segment.
	pub(crate) fn column_bytes(layout: &Layout, size: u64) -> Result<u64, DispatchError> {
		let geometry = FileGeometry::new(*layout, size).map_err(|_| Error::<T>::InvalidLayout)?;
		let segments = geometry.segment_count();
		let last = segments.saturating_sub(1);
		let full_shard = geometry.shard_len(0).ok_or(Error::<T>::InvalidLayout)?;
		let last_shard = geometry.shard_len(last).ok_or(Error::<T>::InvalidLayout)?;
		Ok(u64::from(full_shard)
			.saturating_mul(u64::from(last))
			.saturating_add(u64::from(last_shard)))
	}

	/// Records that `miner` holds (`column`, `replica`) of `fid`, a column of
	/// `bytes` bytes, and appends it to the miner's list of its size class.
	pub fn assign_slot(
		miner: &T::AccountId,
		fid: Fid,
		column: ColumnIndex,
		replica: u8,
		bytes: u64,
	) {
		let class = size_class(bytes);
		let mut holdings = MinerHoldings::<T>::get(miner).unwrap_or_default();
		let c = usize::from(class);
		let index = holdings.counts[c];
		holdings.counts[c] = index.saturating_add(1);
		holdings.class_bytes[c] = holdings.class_bytes[c].saturating_add(bytes);
		holdings.files = holdings.files.saturating_add(1);
		holdings.bytes = holdings.bytes.saturating_add(bytes);
		MinerHoldings::<T>::insert(miner, holdings);
		MinerFileAt::<T>::insert(miner, (class, index), HeldColumn { fid, bytes });
		MinerSlots::<T>::insert(miner, fid, SlotRef { column, replica, class, index });
	}

	/// Forgets that `miner` holds a slot of `fid`: the last column of its
	/// class's list takes the freed position. Returns the slot it held, if any.
	pub fn unassign_slot(miner: &T::AccountId, fid: &Fid) -> Option<SlotRef> {
		let slot = MinerSlots::<T>::take(miner, fid)?;
		let mut holdings = MinerHoldings::<T>::get(miner).unwrap_or_default();
		let c = usize::from(slot.class);
		let last = holdings.counts[c].saturating_sub(1);
		let bytes = MinerFileAt::<T>::get(miner, (slot.class, slot.index)).map_or(0, |at| at.bytes);
		if slot.index != last {
			if let Some(moved) = MinerFileAt::<T>::get(miner, (slot.class, last)) {
				MinerFileAt::<T>::insert(miner, (slot.class, slot.index), moved);
				MinerSlots::<T>::mutate(miner, moved.fid, |held| {
					if let Some(held) = held {
						held.index = slot.index;
					}
				});
			}
		}
		MinerFileAt::<T>::remove(miner, (slot.class, last));
		holdings.counts[c] = last;
		holdings.class_bytes[c] = holdings.class_bytes[c].saturating_sub(bytes);
		holdings.files = holdings.files.saturating_sub(1);
		holdings.bytes = holdings.bytes.saturating_sub(bytes);
		if holdings.files == 0 {
			MinerHoldings::<T>::remove(miner);
		} else {
			MinerHoldings::<T>::insert(miner, holdings);
		}
		Some(slot)
	}

	/// Draws one of `miner`'s columns in proportion to its bytes, from
	/// `seed` and the sample number `n`: a size class in proportion to the
	/// class's bytes, then columns of that class uniformly, each kept with
	/// probability `bytes / 2^(class+1)` (at least one half), at most
	/// `MAX_DRAW_TRIES` times (the last one is kept). Returns the column's
	/// file, if the miner holds any, and the storage reads it took.
	pub fn draw_held(
		miner: &T::AccountId,
		holdings: &crate::types::Holdings,
		seed: &[u8; 32],
		n: u32,
	) -> (Option<Fid>, u32) {
		if holdings.bytes == 0 {
			return (None, 0);
		}
		let word = |attempt: u32| {
			let draw = sp_io::hashing::blake2_256(&(HELD_DRAW_DOMAIN, seed, n, attempt).encode());
			let mut low = [0u8; 16];
			low.copy_from_slice(&draw[..16]);
			u128::from_le_bytes(low)
		};
		let mut point = word(0) % u128::from(holdings.bytes);
		let mut class = None;
		for (c, bytes) in holdings.class_bytes.iter().enumerate() {
			if point < u128::from(*bytes) {
				class = Some(c);
				break;
			}
			point -= u128::from(*bytes);
		}
		let Some(c) = class else { return (None, 0) };
		let count = holdings.counts[c];
		if count == 0 {
			return (None, 0);
		}
		let bound = 1u128 << (c + 1);
		let mut reads = 0u32;
		let mut drawn = None;
		for attempt in 1..=MAX_DRAW_TRIES {
			let draw = word(attempt);
			let index = (draw % u128::from(count)) as u32;
			let Some(held) = MinerFileAt::<T>::get(miner, (c as u8, index)) else { break };
			reads = reads.saturating_add(1);
			drawn = Some(held.fid);
			if (draw >> 64) % bound < u128::from(held.bytes) {
				break;
			}
		}
		(drawn, reads)
	}

	/// The 32 bytes a receipt names an account by: its SCALE encoding.
	pub fn account_bytes(who: &T::AccountId) -> Option<[u8; 32]> {
		who.using_encoded(|bytes| <[u8; 32]>::try_from(bytes).ok())
	}

	/// Checks the pallet's invariants: deals indexed and scheduled, files
	/// owned and complete, the miner index matching the files. Compiled in
	/// every build so that the pallets built on this one check it in tests.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let (head, tail) = DealQueueEnds::<T>::get();
		ensure!(head <= tail, "deal queue ends crossed");
		let queued: alloc::collections::BTreeSet<(DealId, BlockNumberFor<T>)> =
			(head..tail).filter_map(DealQueue::<T>::get).collect();
		ensure!(DealQueue::<T>::iter().count() as u64 == tail - head, "deal queue has gaps");
		let dues: Vec<_> =
			(head..tail).filter_map(DealQueue::<T>::get).map(|(_, due)| due).collect();
		ensure!(dues.windows(2).all(|pair| pair[0] <= pair[1]), "deal queue out of order");
		let mut open = alloc::collections::BTreeMap::<T::AccountId, u32>::new();
		for (deal_id, deal) in Deals::<T>::iter() {
			ensure!(
				ObjectDeals::<T>::get(&deal.owner, (deal.bucket.clone(), deal.name.clone()))
					== Some(deal_id),
				"deal not in ObjectDeals"
			);
			ensure!(queued.contains(&(deal_id, deal.deadline)), "deal not scheduled");
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::DealDeposit.into(), &deal.depositor)
					>= deal.deposit,
				"deal deposit not held"
			);
			*open.entry(deal.owner.clone()).or_default() += 1;
			ensure!(!deal.previous_schedulers.contains(&deal.scheduler), "scheduler drawn twice");
			ensure!(deal_id < NextDealId::<T>::get(), "deal id not yet issued");
		}
		for (owner, (bucket, name), deal_id) in ObjectDeals::<T>::iter() {
			ensure!(
				Deals::<T>::get(deal_id)
					.is_some_and(|d| d.owner == owner && d.bucket == bucket && d.name == name),
				"stale ObjectDeals"
			);
		}
		ensure!(
			OpenDeals::<T>::iter().collect::<alloc::collections::BTreeMap<_, _>>() == open,
			"open deals miscounted"
		);
		ensure!(open.values().all(|count| *count <= T::MaxOpenDeals::get()), "too many open deals");
		let mut slots = 0usize;
		for (fid, file) in Files::<T>::iter() {
			ensure!(!file.owners.is_empty(), "file without owner");
			ensure!(file.miners.len() as u32 == file.layout.slot_count(), "incomplete slots");
			for held in file.owners.iter() {
				let key = (held.bucket.clone(), held.name.clone());
				ensure!(OwnedObjects::<T>::get(&held.owner, key) == Some(fid), "owner not indexed");
			}
			for (slot, miner) in file.miners.iter().enumerate() {
				let (column, replica) =
					file.layout.slot_column(slot as u32).ok_or("slot outside layout")?;
				// A lost slot's miner may keep it while it exits (the audit
				// checks when).
				let Some(held) = MinerSlots::<T>::get(miner, fid) else {
					ensure!(T::Hooks::is_slot_lost(&fid, slot as u32), "miner slot not indexed");
					continue;
				};
				ensure!((held.column, held.replica) == (column, replica), "miner slot mismatch");
				ensure!(
					MinerFileAt::<T>::get(miner, (held.class, held.index))
						== Some(HeldColumn { fid, bytes: file.column_bytes }),
					"file list broken"
				);
				slots = slots.saturating_add(1);
			}
		}
		ensure!(MinerSlots::<T>::iter().count() == slots, "stale MinerSlots");
		ensure!(MinerFileAt::<T>::iter().count() == slots, "stale MinerFileAt");
		for (miner, holdings) in MinerHoldings::<T>::iter() {
			ensure!(holdings.files > 0, "empty holdings kept");
			let mut files = 0u32;
			let mut bytes = 0u64;
			for c in 0..SIZE_CLASSES {
				let listed: alloc::vec::Vec<_> = (0..holdings.counts[c])
					.map(|index| MinerFileAt::<T>::get(&miner, (c as u8, index)))
					.collect::<Option<_>>()
					.ok_or("class list has a gap")?;
				let class_bytes = listed.iter().map(|held| held.bytes).sum::<u64>();
				ensure!(class_bytes == holdings.class_bytes[c], "class bytes off");
				ensure!(
					listed.iter().all(|held| size_class(held.bytes) as usize == c),
					"column in the wrong class"
				);
				files = files.saturating_add(holdings.counts[c]);
				bytes = bytes.saturating_add(class_bytes);
			}
			ensure!(files == holdings.files && bytes == holdings.bytes, "holdings totals off");
			ensure!(MinerSlots::<T>::iter_prefix(&miner).count() == files as usize, "count off");
		}
		for (owner, _, fid) in OwnedObjects::<T>::iter() {
			let file = Files::<T>::get(fid).ok_or("object of a missing file")?;
			ensure!(file.owners.iter().any(|held| held.owner == owner), "object owner not in file");
		}
		for (fid, count) in KeyGrantCount::<T>::iter() {
			ensure!(Files::<T>::contains_key(fid), "key grants of a missing file");
			ensure!(count > 0 && count <= T::MaxKeyGrants::get(), "key grant count off");
			ensure!(
				KeyGrants::<T>::iter_prefix(fid).count() == count as usize,
				"grants miscounted"
			);
		}
		for (fid, grantee, _) in KeyGrants::<T>::iter() {
			ensure!(KeyGrantCount::<T>::get(fid) > 0, "uncounted key grant");
			ensure!(KeyGranters::<T>::contains_key(fid, &grantee), "key grant without granter");
		}
		for (fid, grantee, _) in KeyGranters::<T>::iter() {
			ensure!(KeyGrants::<T>::contains_key(fid, &grantee), "granter without key grant");
		}
		Self::check_leases()
	}

	/// Every owner's current lease uses exactly its objects charged to it
	/// and reserves exactly its open deals declared on it.
	fn check_leases() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut expected = alloc::collections::BTreeMap::<T::AccountId, (u64, u64)>::new();
		for (_, file) in Files::<T>::iter() {
			for held in file.owners.iter() {
				if Self::on_current_lease(&held.owner, held.since) {
					let entry = expected.entry(held.owner.clone()).or_default();
					entry.0 = entry.0.saturating_add(Self::billable(file.size));
				}
			}
		}
		for (_, deal) in Deals::<T>::iter() {
			if Self::on_current_lease(&deal.owner, deal.declared_at) {
				let entry = expected.entry(deal.owner.clone()).or_default();
				entry.1 = entry.1.saturating_add(Self::billable(deal.size));
			}
		}
		for owner in expected.keys() {
			ensure!(T::SpaceLedger::lease(owner).is_some(), "charged without a lease");
		}
		// Every lease, including those with nothing behind them any more.
		for (owner, lease) in T::SpaceLedger::leases() {
			let (used, reserved) = expected.get(&owner).copied().unwrap_or_default();
			ensure!(lease.used_bytes == used, "lease used bytes differ from its objects");
			ensure!(
				lease.reserved_bytes == reserved,
				"lease reserved bytes differ from its open deals"
			);
		}
		Ok(())
	}
}
