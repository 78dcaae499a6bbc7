//! Replication as a layout option: each column goes to `replicas` miners, one slot per
//! (column, replica) pair as numbered by [`deoss_primitives::Layout::slot`].

use std::io;

use deoss_primitives::{ColumnIndex, Layout};

use crate::encode::{EncodedSegment, FragmentSink};

/// A [`FragmentSink`] that delivers every fragment once per replica.
///
/// The replicas of a column are identical, so they share the column's fragment roots
/// and FID; the chain tells them apart by the miner holding each slot.
pub struct ReplicatingSink<F> {
	layout: Layout,
	deliver: F,
}

impl<F> ReplicatingSink<F>
where
	F: FnMut(u32, &EncodedSegment, ColumnIndex, &[u8]) -> io::Result<()>,
{
	/// `deliver(slot, segment, column, fragment)` is called for every slot of every segment.
	pub fn new(layout: Layout, deliver: F) -> Self {
		Self { layout, deliver }
	}
}

impl<F> FragmentSink for ReplicatingSink<F>
where
	F: FnMut(u32, &EncodedSegment, ColumnIndex, &[u8]) -> io::Result<()>,
{
	fn accept(&mut self, segment: &EncodedSegment) -> io::Result<()> {
		for slot in 0..self.layout.slot_count() {
			let Some((column, _replica)) = self.layout.slot_column(slot) else { continue };
			let Some(fragment) = segment.fragment(column) else {
				return Err(io::Error::other("segment has fewer columns than the layout"));
			};
			(self.deliver)(slot, segment, column, fragment)?;
		}
		Ok(())
	}
}
