//! The file index as other pallets see it ([`FileIndex`]): files, and the
//! columns each miner holds of them. The audit reads and changes holders
//! only through it.

use crate::{pallet::*, types::FileRecord, FileIndex};
use alloc::vec::Vec;
use deoss_primitives::Fid;
use deoss_traits::{HeldSlot, IndexedFile};
use sp_runtime::DispatchError;

fn indexed<T: Config>(file: FileRecord<T>) -> IndexedFile<T::AccountId> {
	IndexedFile {
		size: file.size,
		layout: file.layout,
		column_bytes: file.column_bytes,
		regions: file.regions.into_inner(),
		miners: file.miners.into_inner(),
	}
}

impl<T: Config> FileIndex<T::AccountId> for Pallet<T> {
	type MaxChunkSize = T::MaxChunkSize;

	fn file(fid: &Fid) -> Option<IndexedFile<T::AccountId>> {
		Files::<T>::get(fid).map(indexed::<T>)
	}

	fn files() -> Vec<(Fid, IndexedFile<T::AccountId>)> {
		Files::<T>::iter().map(|(fid, file)| (fid, indexed::<T>(file))).collect()
	}

	fn holders_after(after: Option<&T::AccountId>, limit: u32) -> Vec<T::AccountId> {
		let walk = match after {
			Some(last) => {
				MinerHoldings::<T>::iter_keys_from(MinerHoldings::<T>::hashed_key_for(last))
			}
			None => MinerHoldings::<T>::iter_keys(),
		};
		walk.take(limit as usize).collect()
	}

	fn draw_held(miner: &T::AccountId, seed: &[u8; 32], samples: u32) -> (Vec<Fid>, u32) {
		let Some(holdings) = MinerHoldings::<T>::get(miner) else { return (Vec::new(), 1) };
		let mut reads = 1u32;
		let mut files = Vec::new();
		for n in 0..samples {
			let (fid, spent) = Self::draw_held(miner, &holdings, seed, n);
			reads = reads.saturating_add(spent);
			files.extend(fid);
		}
		(files, reads)
	}

	fn held_slot(miner: &T::AccountId, fid: &Fid) -> Option<HeldSlot> {
		MinerSlots::<T>::get(miner, fid)
			.map(|slot| HeldSlot { column: slot.column, replica: slot.replica })
	}

	fn held_slots(miner: &T::AccountId, after: Option<&Fid>, limit: u32) -> Vec<(Fid, HeldSlot)> {
		let walk = match after {
			Some(after) => MinerSlots::<T>::iter_prefix_from(
				miner,
				MinerSlots::<T>::hashed_key_for(miner, after),
			),
			None => MinerSlots::<T>::iter_prefix(miner),
		};
		walk.take(limit as usize)
			.map(|(fid, slot)| (fid, HeldSlot { column: slot.column, replica: slot.replica }))
			.collect()
	}

	fn drop_slot(miner: &T::AccountId, fid: &Fid) {
		Self::unassign_slot(miner, fid);
	}

	fn hand_slot(
		fid: &Fid,
		slot: u32,
		miner: &T::AccountId,
	) -> Result<T::AccountId, DispatchError> {
		let mut file = Files::<T>::get(fid).ok_or(Error::<T>::FileNotFound)?;
		let (column, replica) = file.layout.slot_column(slot).ok_or(Error::<T>::Inconsistent)?;
		let held = file.miners.get_mut(slot as usize).ok_or(Error::<T>::Inconsistent)?;
		let previous = core::mem::replace(held, miner.clone());
		let column_bytes = file.column_bytes;
		Files::<T>::insert(fid, file);
		Self::assign_slot(miner, *fid, column, replica, column_bytes);
		Ok(previous)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl<T: Config> Pallet<T> {
	/// Stores `file` under `fid` for another pallet's benchmarks, owned by
	/// its first miner; indexes no slot (`assign_slot` does).
	pub fn store_for_benchmark(fid: Fid, file: IndexedFile<T::AccountId>) {
		use crate::types::Ownership;
		use frame_support::BoundedVec;
		let owners = file
			.miners
			.first()
			.map(|owner| Ownership {
				owner: owner.clone(),
				bucket: BoundedVec::truncate_from(b"bench".to_vec()),
				name: BoundedVec::truncate_from(fid.0.to_vec()),
				since: 0u32.into(),
			})
			.into_iter()
			.collect::<Vec<_>>();
		Files::<T>::insert(
			fid,
			FileRecord {
				owners: BoundedVec::truncate_from(owners),
				size: file.size,
				layout: file.layout,
				column_bytes: file.column_bytes,
				regions: BoundedVec::truncate_from(file.regions),
				miners: BoundedVec::truncate_from(file.miners),
				meta: Default::default(),
				stored_at: 0u32.into(),
			},
		);
	}
}
