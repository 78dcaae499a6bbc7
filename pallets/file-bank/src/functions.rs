//! The work behind the calls and the hook: declaring, reporting, reassigning
//! and ending deals, and removing or moving objects.

use crate::*;
use alloc::vec::Vec;
use codec::Encode;
use deoss_primitives::{receipt_message, ColumnIndex, FileGeometry};
use frame_support::{ensure, pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};

/// Blocks after the wanted deadline tried when its queue is full.
const DEADLINE_PROBES: u32 = 8;

impl<T: Config> Pallet<T> {
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn do_declare(
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

		if let Some(mut file) = Files::<T>::get(fid) {
			ensure!(file.size == size && file.layout == layout, Error::<T>::FileMismatch);
			file.owners
				.try_push(Ownership {
					owner: owner.clone(),
					bucket: bucket.clone(),
					name: name.clone(),
				})
				.map_err(|_| Error::<T>::TooManyOwners)?;
			T::SpaceLedger::charge(&owner, size)?;
			T::Buckets::add_object(&owner, &bucket)?;
			Files::<T>::insert(fid, file);
			OwnedObjects::<T>::insert(&owner, &key, fid);
			Self::deposit_event(Event::OwnerAdded { fid, owner, bucket, name });
			return Ok(());
		}
		ensure!(!PendingFids::<T>::contains_key(fid), Error::<T>::FileBeingStored);

		let deal_id = NextDealId::<T>::get();
		let scheduler = T::Schedulers::draw(&deal_id.encode(), &regions, &[])
			.ok_or(Error::<T>::NoSchedulerAvailable)?;
		T::SpaceLedger::reserve(&owner, size)?;
		let deadline = Self::schedule_deadline(deal_id)?;
		NextDealId::<T>::put(deal_id.saturating_add(1));
		PendingFids::<T>::insert(fid, deal_id);
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
		let key = (deal.bucket.clone(), deal.name.clone());
		ensure!(!OwnedObjects::<T>::contains_key(&deal.owner, &key), Error::<T>::NameTaken);
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
		T::SpaceLedger::commit(&deal.owner, deal.size)?;
		T::Buckets::add_object(&deal.owner, &deal.bucket)?;

		for receipt in receipts.iter() {
			Self::assign_slot(&receipt.miner, deal.fid, receipt.column, receipt.replica);
		}
		let owner = Ownership { owner: deal.owner.clone(), bucket: deal.bucket, name: deal.name };
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
		Self::end_deal(deal_id, deal.fid, deal.deadline);
		Self::deposit_event(Event::FileStored {
			deal: deal_id,
			fid: deal.fid,
			owner: deal.owner,
			miners,
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
		T::SpaceLedger::unreserve(&deal.owner, deal.size);
		Self::end_deal(deal_id, deal.fid, deal.deadline);
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
		let key = (bucket.clone(), name.clone());
		let fid = OwnedObjects::<T>::get(&owner, &key).ok_or(Error::<T>::ObjectNotFound)?;
		let mut file = Files::<T>::get(fid).ok_or(Error::<T>::Inconsistent)?;
		let position = file
			.owners
			.iter()
			.position(|held| held.owner == owner && held.bucket == bucket && held.name == name)
			.ok_or(Error::<T>::Inconsistent)?;
		file.owners.remove(position);
		OwnedObjects::<T>::remove(&owner, &key);
		T::SpaceLedger::release(&owner, file.size);
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
			T::Hooks::on_file_removed(&fid);
			Self::deposit_event(Event::FileDeleted { fid, miners: file.miners });
		} else {
			Files::<T>::insert(fid, file);
		}
		Ok(())
	}

	pub(crate) fn do_grant_key(
		owner: T::AccountId,
		fid: Fid,
		grantee: T::AccountId,
		wrapped_key: WrappedKeyOf<T>,
	) -> DispatchResult {
		let file = Files::<T>::get(fid).ok_or(Error::<T>::FileNotFound)?;
		ensure!(file.owners.iter().any(|held| held.owner == owner), Error::<T>::NotOwner);
		if !KeyGrants::<T>::contains_key(fid, &grantee) {
			let count = KeyGrantCount::<T>::get(fid);
			ensure!(count < T::MaxKeyGrants::get(), Error::<T>::TooManyKeyGrants);
			KeyGrantCount::<T>::insert(fid, count.saturating_add(1));
		}
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
		KeyGrants::<T>::remove(fid, &grantee);
		KeyGrantCount::<T>::mutate_exists(fid, |count| {
			*count = count.and_then(|count| count.checked_sub(1)).filter(|count| *count > 0);
		});
		Self::deposit_event(Event::KeyRevoked { fid, by: owner, to: grantee });
		Ok(())
	}

	/// Removes every key grant of a removed file: at most `MaxKeyGrants`.
	fn clear_key_grants(fid: &Fid) {
		if KeyGrantCount::<T>::take(fid) > 0 {
			let _ = KeyGrants::<T>::clear_prefix(fid, T::MaxKeyGrants::get(), None);
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
		held.owner = new_owner.clone();
		held.bucket = new_bucket.clone();

		T::SpaceLedger::charge(&new_owner, file.size)?;
		T::Buckets::add_object(&new_owner, &new_bucket)?;
		T::SpaceLedger::release(&owner, file.size);
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

	/// Times out the deals due at `now`: each moves to another scheduler or
	/// fails. Returns the number handled (at most `MaxDeadlinesPerBlock`).
	pub(crate) fn expire_deals(now: BlockNumberFor<T>) -> u32 {
		let due = Deadlines::<T>::take(now);
		for deal_id in due.iter() {
			let Some(deal) = Deals::<T>::get(deal_id) else { continue };
			// The deadline entry is gone already; `reassign` must not look for it.
			if let Err(reason) = Self::reassign_from(*deal_id, deal.clone(), false) {
				T::SpaceLedger::unreserve(&deal.owner, deal.size);
				Deals::<T>::remove(deal_id);
				PendingFids::<T>::remove(deal.fid);
				Self::deposit_event(Event::DealFailed {
					deal: *deal_id,
					owner: deal.owner,
					fid: deal.fid,
					reason,
				});
			}
		}
		due.len() as u32
	}

	fn reassign(deal_id: DealId, deal: Deal<T>) -> DispatchResult {
		Self::reassign_from(deal_id, deal, true)
	}

	/// Draws a scheduler the deal never had and gives it a new deadline.
	fn reassign_from(deal_id: DealId, mut deal: Deal<T>, unschedule: bool) -> DispatchResult {
		let replaced = deal.scheduler.clone();
		deal.previous_schedulers
			.try_push(replaced.clone())
			.map_err(|_| Error::<T>::TooManyReassignments)?;
		let scheduler =
			T::Schedulers::draw(&deal_id.encode(), &deal.regions, &deal.previous_schedulers)
				.ok_or(Error::<T>::NoSchedulerAvailable)?;
		if unschedule {
			Self::unschedule_deadline(deal_id, deal.deadline);
		}
		deal.scheduler = scheduler;
		deal.deadline = Self::schedule_deadline(deal_id)?;
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

	/// Removes an ended deal and its indexes.
	fn end_deal(deal_id: DealId, fid: Fid, deadline: BlockNumberFor<T>) {
		Deals::<T>::remove(deal_id);
		PendingFids::<T>::remove(fid);
		Self::unschedule_deadline(deal_id, deadline);
	}

	/// Queues `deal_id` to time out `DealTimeout` blocks from now, or in one
	/// of the few blocks after if that block's queue is full.
	fn schedule_deadline(deal_id: DealId) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut block =
			frame_system::Pallet::<T>::block_number().saturating_add(T::DealTimeout::get());
		for _ in 0..DEADLINE_PROBES {
			if Deadlines::<T>::try_mutate(block, |queue| queue.try_push(deal_id)).is_ok() {
				return Ok(block);
			}
			block = block.saturating_add(One::one());
		}
		Err(Error::<T>::DeadlinesFull.into())
	}

	fn unschedule_deadline(deal_id: DealId, deadline: BlockNumberFor<T>) {
		Deadlines::<T>::mutate_exists(deadline, |queue| {
			if let Some(ids) = queue {
				ids.retain(|id| *id != deal_id);
				if ids.is_empty() {
					*queue = None;
				}
			}
		});
	}

	/// Removes up to `MaxRemovalsPerBlock` objects of owners whose space
	/// expired; returns the number removed.
	pub(crate) fn remove_expired_objects() -> u32 {
		let limit = T::MaxRemovalsPerBlock::get();
		let mut removed = 0u32;
		while removed < limit {
			let Some(owner) = ExpiredOwners::<T>::iter_keys().next() else { break };
			let objects: Vec<_> = OwnedObjects::<T>::iter_key_prefix(&owner)
				.take(limit.saturating_sub(removed) as usize)
				.collect();
			if objects.is_empty() {
				ExpiredOwners::<T>::remove(&owner);
				continue;
			}
			for (bucket, name) in objects {
				// The object exists, so this cannot fail; a failure only skips it.
				let _ = Self::do_delete_object(owner.clone(), bucket, name);
				removed = removed.saturating_add(1);
			}
		}
		removed
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

	/// Records that `miner` holds (`column`, `replica`) of `fid` and appends
	/// the file to the miner's list.
	pub fn assign_slot(miner: &T::AccountId, fid: Fid, column: ColumnIndex, replica: u8) {
		let index = MinerFileCount::<T>::get(miner);
		MinerFileAt::<T>::insert(miner, index, fid);
		MinerFileCount::<T>::insert(miner, index.saturating_add(1));
		MinerSlots::<T>::insert(miner, fid, SlotRef { column, replica, index });
	}

	/// Forgets that `miner` holds a slot of `fid`: the last file of its list
	/// takes the freed position. Returns the slot it held, if any.
	pub fn unassign_slot(miner: &T::AccountId, fid: &Fid) -> Option<SlotRef> {
		let slot = MinerSlots::<T>::take(miner, fid)?;
		let last = MinerFileCount::<T>::get(miner).saturating_sub(1);
		if slot.index != last {
			if let Some(moved) = MinerFileAt::<T>::get(miner, last) {
				MinerFileAt::<T>::insert(miner, slot.index, moved);
				MinerSlots::<T>::mutate(miner, moved, |held| {
					if let Some(held) = held {
						held.index = slot.index;
					}
				});
			}
		}
		MinerFileAt::<T>::remove(miner, last);
		if last == 0 {
			MinerFileCount::<T>::remove(miner);
		} else {
			MinerFileCount::<T>::insert(miner, last);
		}
		Some(slot)
	}

	/// The 32 bytes a receipt names an account by: its SCALE encoding.
	pub fn account_bytes(who: &T::AccountId) -> Option<[u8; 32]> {
		who.using_encoded(|bytes| <[u8; 32]>::try_from(bytes).ok())
	}

	/// Checks the pallet's invariants: deals indexed and scheduled, files
	/// owned and complete, the miner index matching the files. Compiled in
	/// every build so that the pallets built on this one check it in tests.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (deal_id, deal) in Deals::<T>::iter() {
			ensure!(PendingFids::<T>::get(deal.fid) == Some(deal_id), "deal not in PendingFids");
			ensure!(Deadlines::<T>::get(deal.deadline).contains(&deal_id), "deal not scheduled");
			ensure!(!deal.previous_schedulers.contains(&deal.scheduler), "scheduler drawn twice");
			ensure!(deal_id < NextDealId::<T>::get(), "deal id not yet issued");
		}
		for (fid, deal_id) in PendingFids::<T>::iter() {
			ensure!(Deals::<T>::get(deal_id).is_some_and(|d| d.fid == fid), "stale PendingFids");
		}
		for (block, ids) in Deadlines::<T>::iter() {
			for id in ids {
				ensure!(Deals::<T>::get(id).is_some_and(|d| d.deadline == block), "stale deadline");
			}
		}
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
				if T::Hooks::is_slot_lost(&fid, slot as u32) {
					ensure!(MinerSlots::<T>::get(miner, fid).is_none(), "lost slot still indexed");
					continue;
				}
				let held = MinerSlots::<T>::get(miner, fid).ok_or("miner slot not indexed")?;
				ensure!((held.column, held.replica) == (column, replica), "miner slot mismatch");
				ensure!(MinerFileAt::<T>::get(miner, held.index) == Some(fid), "file list broken");
				slots = slots.saturating_add(1);
			}
		}
		ensure!(MinerSlots::<T>::iter().count() == slots, "stale MinerSlots");
		ensure!(MinerFileAt::<T>::iter().count() == slots, "stale MinerFileAt");
		for (miner, count) in MinerFileCount::<T>::iter() {
			ensure!(count > 0, "empty file list kept");
			ensure!(MinerSlots::<T>::iter_prefix(&miner).count() == count as usize, "count off");
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
		for (fid, _, _) in KeyGrants::<T>::iter() {
			ensure!(KeyGrantCount::<T>::get(fid) > 0, "uncounted key grant");
		}
		Ok(())
	}
}
