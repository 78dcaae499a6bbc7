//! How a payload is cut into segments, fragments and chunks, and the limits that keep
//! every proof bounded; [`FileGeometry`] derives the exact tree shape from a file record.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

use crate::ids::{ChunkIndex, ColumnIndex, SegmentIndex};

/// Reed-Solomon over GF(2^8) cannot produce more than 256 distinct shards.
pub const MAX_SHARDS: u32 = 256;

/// Smallest chunk: below this the Merkle tree costs more hashing than the data itself.
pub const MIN_CHUNK_SIZE: u32 = 64;

/// Largest chunk, and so the largest chunk a challenge proof may carry.
pub const MAX_CHUNK_SIZE: u32 = 16 * 1024;

/// Largest segment; together with [`MIN_CHUNK_SIZE`] it bounds the fragment tree depth.
pub const MAX_SEGMENT_SIZE: u32 = 256 * 1024 * 1024;

/// Most segments in one file (4 PiB of payload at the largest segment size).
pub const MAX_SEGMENTS: u32 = 1 << 24;

/// Most copies of each column.
pub const MAX_REPLICAS: u8 = 8;

/// Most sibling hashes on a path from a chunk to the FID.
///
/// The limits above allow at most 22 levels in a fragment tree (256 MiB / 64 B chunks),
/// 8 in a segment tree (256 shards) and 24 in the file tree, 54 in all.
pub const MAX_PATH_DEPTH: u32 = 64;

/// Default segment size: 8 MiB of payload (measured in `BENCHMARKS.md`, "Data pipeline").
///
/// Encode throughput is flat from 4 to 32 MiB segments, so the size is set by memory and
/// transfer granularity: two workers keep three segment buffers in flight (72 MiB for
/// 4+8), each miner receives 2 MiB per segment, and the manifest costs 48 bytes per MiB.
/// Objects smaller than a segment are stored unpadded.
pub const DEFAULT_SEGMENT_SIZE: u32 = 8 * 1024 * 1024;

/// Default data shards per segment (k).
pub const DEFAULT_DATA_SHARDS: u16 = 4;

/// Default parity shards per segment (m): with 4+8 any 8 of 12 miners may vanish at the
/// storage cost of triple replication, which survives only 2 losses.
pub const DEFAULT_PARITY_SHARDS: u16 = 8;

/// Default chunk size: 2 KiB.
///
/// A challenge sample carries one chunk and ~22 sibling hashes, so the chunk size sets
/// the block space every challenge costs: 2.7 KiB per sample at 2 KiB, against 4.8 KiB
/// at 4 KiB and 1.7 KiB at 1 KiB. Smaller chunks cost Merkle hashing once per upload:
/// encoding runs at about 0.9 of the raw RS + BLAKE2b bound at 2 KiB and 0.55 at 256 B.
/// 2 KiB is the knee of that curve.
pub const DEFAULT_CHUNK_SIZE: u32 = 2048;

/// How a file's payload is laid out; chosen by the client, recorded on chain per file.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Layout {
	/// Bytes of payload per segment; every segment but the last is exactly this long.
	pub segment_size: u32,
	/// Reed-Solomon data shards per segment (k); any k fragments rebuild a segment.
	pub data_shards: u16,
	/// Reed-Solomon parity shards per segment (m); up to m columns may be lost.
	pub parity_shards: u16,
	/// Bytes per chunk, the unit a challenge samples; the last chunk of a fragment may be shorter.
	pub chunk_size: u32,
	/// Copies of each column, each held by a different miner.
	pub replicas: u8,
}

impl Default for Layout {
	fn default() -> Self {
		Self {
			segment_size: DEFAULT_SEGMENT_SIZE,
			data_shards: DEFAULT_DATA_SHARDS,
			parity_shards: DEFAULT_PARITY_SHARDS,
			chunk_size: DEFAULT_CHUNK_SIZE,
			replicas: 1,
		}
	}
}

/// Why a layout, or a file size under a layout, is not acceptable.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum LayoutError {
	/// k is zero.
	NoDataShards,
	/// m is zero: a column could then never be repaired from the others.
	NoParityShards,
	/// k + m exceeds [`MAX_SHARDS`].
	TooManyShards,
	/// The chunk size is outside [`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`].
	ChunkSizeOutOfRange,
	/// The segment size is zero or above [`MAX_SEGMENT_SIZE`].
	SegmentSizeOutOfRange,
	/// The segment size is not a multiple of k, so full segments would need padding.
	SegmentNotDivisible,
	/// The replica count is zero or above [`MAX_REPLICAS`].
	ReplicasOutOfRange,
	/// The payload needs more than [`MAX_SEGMENTS`] segments.
	TooManySegments,
}

impl fmt::Display for LayoutError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let reason = match self {
			Self::NoDataShards => "at least one data shard is required",
			Self::NoParityShards => "at least one parity shard is required",
			Self::TooManyShards => "data + parity shards exceed the GF(2^8) limit of 256",
			Self::ChunkSizeOutOfRange => "chunk size outside 64 B ..= 16 KiB",
			Self::SegmentSizeOutOfRange => "segment size outside 1 B ..= 256 MiB",
			Self::SegmentNotDivisible => "segment size is not a multiple of the data shard count",
			Self::ReplicasOutOfRange => "replica count outside 1 ..= 8",
			Self::TooManySegments => "payload needs more than 2^24 segments",
		};
		f.write_str(reason)
	}
}

impl core::error::Error for LayoutError {}

impl Layout {
	/// The default layout with another erasure code.
	pub fn with_shards(data_shards: u16, parity_shards: u16) -> Self {
		Self { data_shards, parity_shards, ..Self::default() }
	}

	/// Checks every limit; every other function of the crate assumes a valid layout.
	pub fn validate(&self) -> Result<(), LayoutError> {
		if self.data_shards == 0 {
			return Err(LayoutError::NoDataShards);
		}
		if self.parity_shards == 0 {
			return Err(LayoutError::NoParityShards);
		}
		if u32::from(self.data_shards) + u32::from(self.parity_shards) > MAX_SHARDS {
			return Err(LayoutError::TooManyShards);
		}
		if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) {
			return Err(LayoutError::ChunkSizeOutOfRange);
		}
		if self.segment_size == 0 || self.segment_size > MAX_SEGMENT_SIZE {
			return Err(LayoutError::SegmentSizeOutOfRange);
		}
		if !self.segment_size.is_multiple_of(u32::from(self.data_shards)) {
			return Err(LayoutError::SegmentNotDivisible);
		}
		if self.replicas == 0 || self.replicas > MAX_REPLICAS {
			return Err(LayoutError::ReplicasOutOfRange);
		}
		Ok(())
	}

	/// Fragments per segment (k + m), i.e. the number of columns.
	pub fn column_count(&self) -> u16 {
		self.data_shards.saturating_add(self.parity_shards)
	}

	/// Miners a file needs: one per column and replica.
	pub fn slot_count(&self) -> u32 {
		u32::from(self.column_count()) * u32::from(self.replicas)
	}

	/// Slot number of a (column, replica) pair: replicas of the same column are
	/// `column_count` slots apart.
	pub fn slot(&self, column: ColumnIndex, replica: u8) -> Option<u32> {
		(column < self.column_count() && replica < self.replicas)
			.then(|| u32::from(replica) * u32::from(self.column_count()) + u32::from(column))
	}

	/// The (column, replica) pair a slot stands for.
	pub fn slot_column(&self, slot: u32) -> Option<(ColumnIndex, u8)> {
		let columns = u32::from(self.column_count());
		if columns == 0 || slot >= self.slot_count() {
			return None;
		}
		let column = ColumnIndex::try_from(slot % columns).ok()?;
		let replica = u8::try_from(slot / columns).ok()?;
		Some((column, replica))
	}

	/// Stored bytes per payload byte, replicas included (e.g. 3.0 for 4+8).
	pub fn expansion_per_mille(&self) -> u32 {
		let k = u32::from(self.data_shards.max(1));
		u32::from(self.column_count()) * u32::from(self.replicas) * 1000 / k
	}

	/// Length of every fragment of a segment holding `segment_len` payload bytes.
	///
	/// The segment is cut into k equal shards; only the last segment of a file can need
	/// padding, at most k - 1 zero bytes. An empty payload still has one byte per shard so
	/// that every file has at least one chunk to challenge.
	pub fn shard_len(&self, segment_len: u32) -> u32 {
		let k = u32::from(self.data_shards.max(1));
		segment_len.div_ceil(k).max(1)
	}

	/// Chunks in a fragment of `shard_len` bytes.
	pub fn chunk_count(&self, shard_len: u32) -> u32 {
		shard_len.div_ceil(self.chunk_size.max(1))
	}
}

/// The tree shape of one file, derived from its layout and payload length alone.
///
/// The verifier rebuilds it from the on-chain file record, so a proof cannot choose
/// its own shape.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FileGeometry {
	layout: Layout,
	payload_len: u64,
	segment_count: u32,
}

impl FileGeometry {
	/// Validates the layout and the payload length against the limits.
	pub fn new(layout: Layout, payload_len: u64) -> Result<Self, LayoutError> {
		layout.validate()?;
		let segment_count = payload_len.div_ceil(u64::from(layout.segment_size)).max(1);
		let segment_count =
			u32::try_from(segment_count).map_err(|_| LayoutError::TooManySegments)?;
		if segment_count > MAX_SEGMENTS {
			return Err(LayoutError::TooManySegments);
		}
		Ok(Self { layout, payload_len, segment_count })
	}

	/// The layout this geometry was built from.
	pub fn layout(&self) -> &Layout {
		&self.layout
	}

	/// Bytes of payload (after optional compression and encryption).
	pub fn payload_len(&self) -> u64 {
		self.payload_len
	}

	/// Segments in the file; at least one, even for an empty payload.
	pub fn segment_count(&self) -> u32 {
		self.segment_count
	}

	/// Fragments per segment (k + m).
	pub fn column_count(&self) -> u16 {
		self.layout.column_count()
	}

	/// Payload bytes in segment `segment`.
	pub fn segment_len(&self, segment: SegmentIndex) -> Option<u32> {
		if segment >= self.segment_count {
			return None;
		}
		let start = u64::from(segment) * u64::from(self.layout.segment_size);
		let remaining = self.payload_len.saturating_sub(start);
		Some(remaining.min(u64::from(self.layout.segment_size)) as u32)
	}

	/// Length of each fragment of segment `segment`.
	pub fn shard_len(&self, segment: SegmentIndex) -> Option<u32> {
		self.segment_len(segment).map(|len| self.layout.shard_len(len))
	}

	/// Chunks in each fragment of segment `segment`.
	pub fn chunk_count(&self, segment: SegmentIndex) -> Option<u32> {
		self.shard_len(segment).map(|len| self.layout.chunk_count(len))
	}

	/// Length of chunk `chunk` of any fragment of segment `segment`.
	pub fn chunk_len(&self, segment: SegmentIndex, chunk: ChunkIndex) -> Option<u32> {
		let shard_len = self.shard_len(segment)?;
		let start = u64::from(chunk) * u64::from(self.layout.chunk_size);
		let remaining = u64::from(shard_len).checked_sub(start).filter(|left| *left > 0)?;
		Some(remaining.min(u64::from(self.layout.chunk_size)) as u32)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn small_layout() -> Layout {
		Layout {
			segment_size: 4 * 256,
			data_shards: 4,
			parity_shards: 2,
			chunk_size: 64,
			replicas: 1,
		}
	}

	#[test]
	fn default_layout_is_valid() {
		assert_eq!(Layout::default().validate(), Ok(()));
		assert_eq!(Layout::with_shards(8, 4).validate(), Ok(()));
		assert_eq!(Layout::with_shards(128, 128).validate(), Ok(()));
	}

	#[test]
	fn invalid_layouts_are_rejected() {
		let valid = small_layout();
		let cases = [
			(Layout { data_shards: 0, ..valid }, LayoutError::NoDataShards),
			(Layout { parity_shards: 0, ..valid }, LayoutError::NoParityShards),
			(
				Layout { data_shards: 200, parity_shards: 57, segment_size: 200 * 64, ..valid },
				LayoutError::TooManyShards,
			),
			(Layout { chunk_size: 0, ..valid }, LayoutError::ChunkSizeOutOfRange),
			(Layout { chunk_size: MAX_CHUNK_SIZE + 1, ..valid }, LayoutError::ChunkSizeOutOfRange),
			(Layout { segment_size: 0, ..valid }, LayoutError::SegmentSizeOutOfRange),
			(
				Layout { segment_size: MAX_SEGMENT_SIZE + 4, ..valid },
				LayoutError::SegmentSizeOutOfRange,
			),
			(Layout { segment_size: 1022, ..valid }, LayoutError::SegmentNotDivisible),
			(Layout { replicas: 0, ..valid }, LayoutError::ReplicasOutOfRange),
			(Layout { replicas: MAX_REPLICAS + 1, ..valid }, LayoutError::ReplicasOutOfRange),
		];
		for (layout, error) in cases {
			assert_eq!(layout.validate(), Err(error), "{layout:?}");
			assert_eq!(FileGeometry::new(layout, 10), Err(error));
		}
	}

	#[test]
	fn geometry_of_a_small_file_is_not_padded_to_a_segment() {
		let geometry = FileGeometry::new(small_layout(), 1).unwrap();
		assert_eq!(geometry.segment_count(), 1);
		assert_eq!(geometry.segment_len(0), Some(1));
		assert_eq!(geometry.shard_len(0), Some(1));
		assert_eq!(geometry.chunk_count(0), Some(1));
		assert_eq!(geometry.chunk_len(0, 0), Some(1));
		assert_eq!(geometry.chunk_len(0, 1), None);
		assert_eq!(geometry.segment_len(1), None);
	}

	#[test]
	fn empty_payload_has_one_chunk() {
		let geometry = FileGeometry::new(small_layout(), 0).unwrap();
		assert_eq!(geometry.segment_count(), 1);
		assert_eq!(geometry.segment_len(0), Some(0));
		assert_eq!(geometry.shard_len(0), Some(1));
		assert_eq!(geometry.chunk_len(0, 0), Some(1));
	}

	#[test]
	fn multi_segment_geometry() {
		// 2.5 segments of 1024 bytes; shards of 256 bytes are four 64-byte chunks.
		let geometry = FileGeometry::new(small_layout(), 2 * 1024 + 513).unwrap();
		assert_eq!(geometry.segment_count(), 3);
		assert_eq!(geometry.segment_len(1), Some(1024));
		assert_eq!(geometry.segment_len(2), Some(513));
		assert_eq!(geometry.shard_len(0), Some(256));
		assert_eq!(geometry.shard_len(2), Some(129));
		assert_eq!(geometry.chunk_count(0), Some(4));
		assert_eq!(geometry.chunk_count(2), Some(3));
		assert_eq!(geometry.chunk_len(2, 2), Some(1));
	}

	#[test]
	fn too_many_segments_is_an_error() {
		let layout = small_layout();
		let too_big = u64::from(MAX_SEGMENTS) * u64::from(layout.segment_size) + 1;
		assert_eq!(FileGeometry::new(layout, too_big), Err(LayoutError::TooManySegments));
		assert_eq!(FileGeometry::new(layout, u64::MAX), Err(LayoutError::TooManySegments));
	}

	#[test]
	fn slots_cover_every_column_and_replica_once() {
		let layout = Layout { replicas: 3, ..small_layout() };
		assert_eq!(layout.slot_count(), 18);
		for slot in 0..layout.slot_count() {
			let (column, replica) = layout.slot_column(slot).unwrap();
			assert_eq!(layout.slot(column, replica), Some(slot));
		}
		assert_eq!(layout.slot_column(18), None);
		assert_eq!(layout.slot(6, 0), None);
		assert_eq!(layout.slot(0, 3), None);
		assert_eq!(Layout::default().expansion_per_mille(), 3000);
		assert_eq!(Layout::with_shards(8, 4).expansion_per_mille(), 1500);
	}
}
