//! Restoral: lost slots become orders, miners claim and complete them, and
//! files with too few columns left are marked damaged.

use crate::{functions::ClaimQueue, *};
use codec::Encode;
use deoss_primitives::{derive_sample, verify_chunk_parts, FileGeometry};
use deoss_traits::{FileIndex, HeldSlot, MinerRegistry};
use frame_support::{ensure, pallet_prelude::*, BoundedVec};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// `miner`'s slot `held` of `fid` is to be rebuilt elsewhere: opens a
	/// restoral order and checks whether the file can still be rebuilt. The
	/// file record keeps naming `miner` (and charging it) until another
	/// miner takes over, or until the file is found damaged. An exiting
	/// miner keeps the slot, and is challenged on it, until then; a slot
	/// lost to failures leaves the miner's index at once, and turns an exit
	/// order for it into one of lost data.
	pub(crate) fn lose_slot(
		miner: &T::AccountId,
		fid: Fid,
		held: HeldSlot,
		reason: HandOverReason,
	) {
		let damaged = DamagedFiles::<T>::contains_key(fid);
		let keeps = reason == HandOverReason::Exit && !damaged;
		if !keeps {
			T::Files::drop_slot(miner, &fid);
		}
		let Some(file) = T::Files::file(&fid) else { return };
		let Some(slot) = file.layout.slot(held.column, held.replica) else { return };
		if let Some(mut order) = RestoralOrders::<T>::get(fid, slot) {
			if order.reason == HandOverReason::Exit && !keeps {
				order.reason = HandOverReason::Failures;
				RestoralOrders::<T>::insert(fid, slot, order);
				if !damaged {
					Self::check_damage(fid, &file.layout);
				}
			}
			return;
		}
		// Nobody can rebuild a slot of a damaged file: its miner goes free.
		if damaged {
			T::Miners::release(miner, file.column_bytes);
		}
		RestoralOrders::<T>::insert(
			fid,
			slot,
			RestoralOrder {
				column: held.column,
				replica: held.replica,
				lost_by: miner.clone(),
				reason,
				released: damaged,
				bytes: file.column_bytes,
				created: frame_system::Pallet::<T>::block_number(),
				claim: None,
			},
		);
		Self::deposit_event(Event::ColumnLost {
			fid,
			slot,
			column: held.column,
			miner: miner.clone(),
		});
		if !damaged {
			Self::check_damage(fid, &file.layout);
		}
	}

	/// Marks `fid` damaged when fewer than `k` of its columns still exist:
	/// a column exists while one of its replicas is held, or was handed over
	/// by an exiting miner that still keeps it. A damaged file's lost slots
	/// release their miners, who could otherwise never leave.
	fn check_damage(fid: Fid, layout: &deoss_primitives::Layout) {
		let columns = usize::from(layout.column_count());
		let mut gone_replicas = alloc::vec![0u8; columns];
		for order in RestoralOrders::<T>::iter_prefix_values(fid) {
			let kept = order.reason == HandOverReason::Exit && !order.released;
			if let Some(count) = gone_replicas.get_mut(usize::from(order.column)).filter(|_| !kept)
			{
				*count = count.saturating_add(1);
			}
		}
		let columns_left =
			gone_replicas.iter().filter(|&&gone| gone < layout.replicas).count() as u32;
		if columns_left >= u32::from(layout.data_shards) {
			return;
		}
		DamagedFiles::<T>::insert(fid, frame_system::Pallet::<T>::block_number());
		for (slot, mut order) in RestoralOrders::<T>::iter_prefix(fid) {
			// A claimant cannot complete an order of a damaged file: its claim
			// ends here, unpunished.
			if let Some(claim) = order.claim.take() {
				T::Miners::unreserve(&claim.miner, claim.bytes);
				ClaimQueue::<T>::unschedule(claim.deadline, &(fid, slot));
			}
			if !order.released {
				T::Miners::release(&order.lost_by, order.bytes);
				T::Files::drop_slot(&order.lost_by, &fid);
				order.released = true;
			}
			RestoralOrders::<T>::insert(fid, slot, order);
		}
		Self::deposit_event(Event::FileDamaged { fid, columns_left });
	}

	pub(crate) fn do_claim_restoral(miner: T::AccountId, fid: Fid, slot: u32) -> DispatchResult {
		let mut order = RestoralOrders::<T>::get(fid, slot).ok_or(Error::<T>::OrderNotFound)?;
		ensure!(order.claim.is_none(), Error::<T>::AlreadyClaimed);
		ensure!(!DamagedFiles::<T>::contains_key(fid), Error::<T>::FileDamaged);
		let file = T::Files::file(&fid).ok_or(Error::<T>::FileNotFound)?;
		ensure!(T::Miners::is_active(&miner), Error::<T>::MinerNotActive);
		ensure!(!HandOvers::<T>::contains_key(&miner), Error::<T>::HandingOver);
		ensure!(
			T::Miners::region(&miner).is_some_and(|region| file.regions.contains(&region)),
			Error::<T>::MinerOutsideRegions
		);
		let restoring = RestoralOrders::<T>::iter_prefix_values(fid)
			.any(|other| other.claim.is_some_and(|claim| claim.miner == miner));
		ensure!(!restoring && !file.miners.contains(&miner), Error::<T>::AlreadyHoldsFile);

		let deadline =
			frame_system::Pallet::<T>::block_number().saturating_add(T::RestoralTimeout::get());
		ClaimQueue::<T>::schedule(deadline, &(fid, slot), 1).ok_or(Error::<T>::ClaimsFull)?;
		T::Miners::reserve(&miner, file.column_bytes)?;
		let seed = Self::random_seed(&(b"deoss/audit/restoral/v1", fid, slot).encode());
		order.claim =
			Some(RestoralClaim { miner: miner.clone(), deadline, seed, bytes: file.column_bytes });
		RestoralOrders::<T>::insert(fid, slot, order);
		Self::deposit_event(Event::RestoralClaimed { fid, slot, miner, deadline, seed });
		Ok(())
	}

	pub(crate) fn do_complete_restoral(
		miner: T::AccountId,
		fid: Fid,
		slot: u32,
		proofs: BoundedVec<SampleProof<T>, T::RestoralSamples>,
	) -> DispatchResult {
		let order = RestoralOrders::<T>::get(fid, slot).ok_or(Error::<T>::OrderNotFound)?;
		let claim = order
			.claim
			.clone()
			.filter(|claim| claim.miner == miner)
			.ok_or(Error::<T>::NotClaimant)?;
		ensure!(!DamagedFiles::<T>::contains_key(fid), Error::<T>::FileDamaged);
		// A claimant that started to exit meanwhile lets its claim expire.
		ensure!(T::Miners::is_active(&miner), Error::<T>::MinerNotActive);
		ensure!(!HandOvers::<T>::contains_key(&miner), Error::<T>::HandingOver);
		let file = T::Files::file(&fid).ok_or(Error::<T>::FileNotFound)?;
		let geometry =
			FileGeometry::new(file.layout, file.size).map_err(|_| Error::<T>::InvalidLayout)?;
		ensure!(proofs.len() as u32 == T::RestoralSamples::get(), Error::<T>::WrongProofCount);
		for (n, proof) in proofs.iter().enumerate() {
			let sample =
				derive_sample::<RuntimeHasher>(&claim.seed, &geometry, order.column, n as u32)
					.map_err(Self::proof_error)?;
			verify_chunk_parts::<RuntimeHasher>(
				&fid,
				&geometry,
				&sample,
				&proof.chunk,
				&proof.path,
			)
			.map_err(Self::proof_error)?;
		}

		T::Miners::commit(&miner, claim.bytes)?;
		if !order.released {
			// An exiting miner kept the slot until now.
			T::Files::drop_slot(&order.lost_by, &fid);
		}
		let previous = T::Files::hand_slot(&fid, slot, &miner)?;
		if !order.released {
			T::Miners::release(&previous, order.bytes);
		}
		RestoralOrders::<T>::remove(fid, slot);
		ClaimQueue::<T>::unschedule(claim.deadline, &(fid, slot));
		Self::deposit_event(Event::RestoralCompleted { fid, slot, miner, previous });
		if RestoralOrders::<T>::iter_prefix(fid).next().is_none() {
			Self::deposit_event(Event::FileRestored { fid });
		}
		Ok(())
	}

	/// Returns the orders whose claims expire now to the pool; returns how
	/// many.
	pub(crate) fn expire_claims(now: frame_system::pallet_prelude::BlockNumberFor<T>) -> u32 {
		let mut expired = 0u32;
		for (fid, slot) in ClaimDeadlines::<T>::take(now) {
			RestoralOrders::<T>::mutate(fid, slot, |order| {
				let Some(order) = order else { return };
				let Some(claim) = order.claim.take_if(|claim| claim.deadline == now) else {
					return;
				};
				T::Miners::unreserve(&claim.miner, claim.bytes);
				// Claiming and abandoning would hold orders back for free.
				let slashed = T::Miners::slash(&claim.miner, T::AbandonFraction::get());
				Self::deposit_event(Event::RestoralClaimExpired {
					fid,
					slot,
					miner: claim.miner,
					slashed,
				});
				expired = expired.saturating_add(1);
			});
		}
		expired
	}

	/// Ends every order of a removed file, releases the miners that lost
	/// its slots and returns the claimants' reservations; returns how many
	/// orders there were.
	pub(crate) fn drop_orders(fid: &Fid) -> u32 {
		let mut dropped = 0u32;
		for (_, order) in RestoralOrders::<T>::drain_prefix(fid) {
			if !order.released {
				T::Miners::release(&order.lost_by, order.bytes);
				T::Files::drop_slot(&order.lost_by, fid);
			}
			if let Some(claim) = order.claim {
				T::Miners::unreserve(&claim.miner, claim.bytes);
			}
			dropped = dropped.saturating_add(1);
		}
		DamagedFiles::<T>::remove(fid);
		dropped
	}
}
