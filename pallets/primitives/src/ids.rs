//! Identifiers of a file and of its pieces: the FID (the file's Merkle root) and
//! the segment, column (fragment) and chunk indices under it.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

use crate::hash::Hash;

/// Index of a segment within a file.
pub type SegmentIndex = u32;

/// Index of a fragment within a segment; also names the column a miner holds.
pub type ColumnIndex = u16;

/// Index of a chunk within a fragment.
pub type ChunkIndex = u32;

/// File identifier: the Merkle root over the file's segment roots.
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
	PartialOrd,
	Ord,
	Hash,
	Default,
)]
pub struct Fid(pub Hash);

impl Fid {
	/// The 32 root bytes.
	pub fn as_bytes(&self) -> &Hash {
		&self.0
	}
}

impl From<Hash> for Fid {
	fn from(root: Hash) -> Self {
		Self(root)
	}
}

impl fmt::Display for Fid {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		for byte in self.0 {
			write!(f, "{byte:02x}")?;
		}
		Ok(())
	}
}

impl fmt::Debug for Fid {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "Fid({self})")
	}
}

/// One fragment: fragment `column` of segment `segment` of file `fid`.
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
pub struct FragmentId {
	/// The file.
	pub fid: Fid,
	/// The segment within the file.
	pub segment: SegmentIndex,
	/// The fragment within the segment.
	pub column: ColumnIndex,
}

/// One chunk of one fragment.
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
pub struct ChunkId {
	/// The fragment holding the chunk.
	pub fragment: FragmentId,
	/// The chunk within the fragment.
	pub chunk: ChunkIndex,
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::format;

	#[test]
	fn fid_displays_as_hex() {
		let mut root = [0u8; 32];
		root[0] = 0xab;
		root[31] = 0x01;
		let shown = format!("{}", Fid(root));
		assert_eq!(shown.len(), 64);
		assert!(shown.starts_with("ab00"));
		assert!(shown.ends_with("01"));
		assert_eq!(Fid(root).encode(), root.to_vec());
	}
}
