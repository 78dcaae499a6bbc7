//! Queues the pallets' hooks work through, a bounded amount per block.
//!
//! - [`BlockQueue`]: entries due at a block, in a map from block number to
//!   a bounded list. Scheduling tries the due block and a few after it;
//!   the audit's challenge and claim deadlines and the space pallet's lease
//!   transitions use it.
//! - [`Fifo`]: entries in the order they were pushed, in a map from a
//!   sequence number plus the numbers of its two ends. It never fills up,
//!   so it suits deadlines a fixed delay after the block they are set in
//!   (pushed in deadline order): the file bank's deal deadlines.

use codec::FullCodec;
use core::marker::PhantomData;
use frame_support::{
	storage::{StorageMap, StorageValue},
	traits::Get,
	BoundedVec,
};
use sp_runtime::traits::{One, Saturating};

/// A block-keyed queue stored in `M`: block `B` to at most `S` entries `E`.
pub struct BlockQueue<M, B, E, S>(PhantomData<(M, B, E, S)>);

impl<M, B, E, S> BlockQueue<M, B, E, S>
where
	M: StorageMap<B, BoundedVec<E, S>, Query = BoundedVec<E, S>>,
	B: FullCodec + Copy + Saturating + One,
	E: FullCodec + Clone + PartialEq,
	S: Get<u32>,
{
	/// Adds `entry` to the first of `probes` blocks from `due` with room;
	/// returns that block, or `None` when all of them are full.
	pub fn schedule(due: B, entry: &E, probes: u32) -> Option<B> {
		let mut at = due;
		for _ in 0..probes {
			if M::try_mutate(at, |queue| queue.try_push(entry.clone())).is_ok() {
				return Some(at);
			}
			at = at.saturating_add(One::one());
		}
		None
	}

	/// Removes every copy of `entry` from block `at`, and the block's list
	/// once it is empty.
	pub fn unschedule(at: B, entry: &E) {
		M::mutate_exists(at, |queue| {
			if let Some(list) = queue {
				list.retain(|other| other != entry);
				if list.is_empty() {
					*queue = None;
				}
			}
		});
	}

	/// Whether `entry` is scheduled at block `at`.
	pub fn contains(at: B, entry: &E) -> bool {
		M::get(at).contains(entry)
	}
}

/// A first-in first-out queue of `V` stored in `Items` (sequence number to
/// entry) and `Ends` (the numbers of the first entry and of the next one
/// to push).
pub struct Fifo<Items, Ends, V>(PhantomData<(Items, Ends, V)>);

impl<Items, Ends, V> Fifo<Items, Ends, V>
where
	Items: StorageMap<u64, V, Query = Option<V>>,
	Ends: StorageValue<(u64, u64), Query = (u64, u64)>,
	V: FullCodec,
{
	/// Appends `value`.
	pub fn push(value: V) {
		let (head, tail) = Ends::get();
		Items::insert(tail, value);
		Ends::put((head, tail.saturating_add(1)));
	}

	/// The first entry, if any.
	pub fn peek() -> Option<V> {
		let (head, tail) = Ends::get();
		if head == tail {
			return None;
		}
		Items::get(head)
	}

	/// Removes and returns the first entry, if any.
	pub fn pop() -> Option<V> {
		let (head, tail) = Ends::get();
		if head == tail {
			return None;
		}
		Ends::put((head.saturating_add(1), tail));
		Items::take(head)
	}

	/// Entries in the queue.
	pub fn len() -> u64 {
		let (head, tail) = Ends::get();
		tail.saturating_sub(head)
	}
}
