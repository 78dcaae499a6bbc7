//! The per-segment metadata of an encoded file: every fragment root. It is small
//! (32 bytes per fragment), is checked against the FID in one pass, and then lets
//! anyone check single fragments and hand miners their fragment paths.

use codec::{Decode, Encode};
use deoss_primitives::{
	merkle::{self, MerkleTree},
	ColumnIndex, Fid, FileGeometry, FragmentPath, Hash, Layout, SegmentIndex,
};

use crate::{error::PipelineError, Hasher};

/// The fragment roots of one segment, column by column.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct SegmentRoots {
	/// Root of each of the k + m fragments.
	pub fragment_roots: Vec<Hash>,
}

impl SegmentRoots {
	/// The segment root: the Merkle root over the fragment roots.
	pub fn root(&self) -> Result<Hash, PipelineError> {
		merkle::root::<Hasher>(&self.fragment_roots)
			.ok_or(PipelineError::MalformedManifest("segment without fragments"))
	}
}

/// Everything needed, besides the fragments themselves, to decode and check a file.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct Manifest {
	/// The layout the file was encoded with.
	pub layout: Layout,
	/// Payload bytes (after optional compression and encryption).
	pub payload_len: u64,
	/// Fragment roots of every segment, in order.
	pub segments: Vec<SegmentRoots>,
}

impl Manifest {
	/// The geometry, after checking the manifest has exactly the shape it implies.
	pub fn geometry(&self) -> Result<FileGeometry, PipelineError> {
		let geometry = FileGeometry::new(self.layout, self.payload_len)?;
		if self.segments.len() != geometry.segment_count() as usize {
			return Err(PipelineError::MalformedManifest(
				"segment count does not match the payload length",
			));
		}
		let columns = usize::from(geometry.column_count());
		if self.segments.iter().any(|segment| segment.fragment_roots.len() != columns) {
			return Err(PipelineError::MalformedManifest(
				"fragment count does not match the layout",
			));
		}
		Ok(geometry)
	}

	/// Root of every segment, in order.
	pub fn segment_roots(&self) -> Result<Vec<Hash>, PipelineError> {
		self.segments.iter().map(SegmentRoots::root).collect()
	}

	/// The FID these roots commit to.
	pub fn fid(&self) -> Result<Fid, PipelineError> {
		self.geometry()?;
		let segment_roots = self.segment_roots()?;
		merkle::root::<Hasher>(&segment_roots)
			.map(Fid)
			.ok_or(PipelineError::MalformedManifest("file without segments"))
	}

	/// Checks that the manifest belongs to `fid` and returns the file geometry.
	pub fn verify(&self, fid: &Fid) -> Result<FileGeometry, PipelineError> {
		let geometry = self.geometry()?;
		let computed = self.fid()?;
		if computed != *fid {
			return Err(PipelineError::FidMismatch { expected: *fid, computed });
		}
		Ok(geometry)
	}

	/// Root of one fragment.
	pub fn fragment_root(&self, segment: SegmentIndex, column: ColumnIndex) -> Option<&Hash> {
		self.segments.get(segment as usize)?.fragment_roots.get(usize::from(column))
	}

	/// Siblings from fragment (segment, column) up to the FID, for
	/// [`deoss_primitives::verify_fragment`].
	pub fn fragment_path(
		&self,
		segment: SegmentIndex,
		column: ColumnIndex,
	) -> Result<FragmentPath, PipelineError> {
		let file_tree = self.file_tree()?;
		self.fragment_path_in(&file_tree, segment, column)
	}

	/// Fragment paths of every segment of one column: what a miner keeps with its column.
	pub fn column_paths(&self, column: ColumnIndex) -> Result<Vec<FragmentPath>, PipelineError> {
		let file_tree = self.file_tree()?;
		(0..self.segments.len() as SegmentIndex)
			.map(|segment| self.fragment_path_in(&file_tree, segment, column))
			.collect()
	}

	pub(crate) fn file_tree(&self) -> Result<MerkleTree, PipelineError> {
		self.geometry()?;
		MerkleTree::new::<Hasher>(self.segment_roots()?)
			.ok_or(PipelineError::MalformedManifest("file without segments"))
	}

	pub(crate) fn fragment_path_in(
		&self,
		file_tree: &MerkleTree,
		segment: SegmentIndex,
		column: ColumnIndex,
	) -> Result<FragmentPath, PipelineError> {
		let out_of_range = PipelineError::MalformedManifest("fragment outside the file");
		let roots = &self.segments.get(segment as usize).ok_or(out_of_range)?.fragment_roots;
		let mut siblings = merkle::path::<Hasher>(roots, usize::from(column))
			.ok_or(PipelineError::MalformedManifest("fragment outside the file"))?;
		siblings.extend(
			file_tree
				.path(segment as usize)
				.ok_or(PipelineError::MalformedManifest("fragment outside the file"))?,
		);
		FragmentPath::try_from(siblings)
			.map_err(|_| PipelineError::MalformedManifest("path deeper than the limit"))
	}
}
