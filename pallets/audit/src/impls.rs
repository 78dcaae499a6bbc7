//! The traits this pallet implements for others: the file bank's hooks and
//! the providers pallet's exit notice.

use crate::*;
use deoss_traits::{FileHooks, OnMinerExit};
use frame_support::{traits::Get, weights::Weight};

impl<T: Config> FileHooks<T::AccountId> for Pallet<T> {
	/// Ends the file's restoral orders and releases their miners.
	fn on_file_removed(fid: &Fid) -> Weight {
		let dropped = u64::from(Self::drop_orders(fid));
		T::DbWeight::get().reads_writes(dropped.saturating_add(1), dropped.saturating_mul(2) + 1)
	}

	fn is_slot_lost(fid: &Fid, slot: u32) -> bool {
		RestoralOrders::<T>::contains_key(fid, slot)
	}

	fn is_handing_over(miner: &T::AccountId) -> bool {
		HandOvers::<T>::contains_key(miner)
	}

	/// Orders of an exiting miner that still holds its slot do not count:
	/// the file is whole, and a miner could otherwise impair any file it
	/// holds (and so refuse its deduplication) by asking to exit.
	fn is_impaired(fid: &Fid) -> bool {
		DamagedFiles::<T>::contains_key(fid)
			|| RestoralOrders::<T>::iter_prefix_values(fid)
				.any(|order| order.reason != HandOverReason::Exit || order.released)
	}
}

impl<T: Config> OnMinerExit<T::AccountId> for Pallet<T> {
	/// Hands the miner's columns over, a few per block.
	fn on_miner_exit(miner: &T::AccountId) -> Weight {
		Self::start_hand_over(miner, HandOverReason::Exit);
		T::DbWeight::get().reads_writes(3, 4)
	}

	/// Forgets the miner's audit record: a miner that withdrew holds
	/// nothing (the providers pallet checks it).
	fn on_miner_withdrawn(miner: &T::AccountId) {
		Records::<T>::remove(miner);
	}
}
