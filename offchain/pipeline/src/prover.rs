//! The miner's side of a storage challenge: read the challenged fragments from local
//! storage and answer each sample with its chunk and Merkle path up to the FID.

use std::io;

use deoss_primitives::{
	merkle::{self, MerkleTree},
	verify_chunk, BoundedBytes, ChallengeSample, ChunkProof, ColumnIndex, Fid, FileGeometry,
	MerklePath, SegmentIndex,
};

use crate::{error::PipelineError, manifest::Manifest, Hasher};

/// A miner's fragment storage.
pub trait FragmentStore {
	/// Fragment `column` of segment `segment` of file `fid`.
	fn load(&self, fid: &Fid, segment: SegmentIndex, column: ColumnIndex) -> io::Result<Vec<u8>>;
}

/// Answers challenges on one file, from its manifest and the stored fragments.
pub struct Prover<'m> {
	fid: Fid,
	manifest: &'m Manifest,
	geometry: FileGeometry,
	file_tree: MerkleTree,
}

impl<'m> Prover<'m> {
	/// Checks the manifest against `fid` once for all later challenges.
	pub fn new(fid: &Fid, manifest: &'m Manifest) -> Result<Self, PipelineError> {
		let geometry = manifest.verify(fid)?;
		let file_tree = manifest.file_tree()?;
		Ok(Self { fid: *fid, manifest, geometry, file_tree })
	}

	/// The file geometry the chain will verify against.
	pub fn geometry(&self) -> &FileGeometry {
		&self.geometry
	}

	/// Proves one sample from the bytes of the fragment it names. Every proof is checked
	/// with the chain's own verifier before it is returned, so a damaged fragment
	/// surfaces here as [`PipelineError::CorruptedFragment`] rather than as a slash.
	pub fn prove(
		&self,
		sample: &ChallengeSample,
		fragment: &[u8],
	) -> Result<ChunkProof, PipelineError> {
		self.check_range(sample)?;
		self.fragment_tree(sample.segment, sample.column, fragment)?.prove(self, sample, fragment)
	}

	/// Answers a batch of samples, loading and hashing each fragment once however often
	/// it is sampled. Proofs come back in the order of `samples`.
	pub fn answer(
		&self,
		samples: &[ChallengeSample],
		store: &impl FragmentStore,
	) -> Result<Vec<ChunkProof>, PipelineError> {
		// Refuse a bad challenge before touching storage.
		samples.iter().try_for_each(|sample| self.check_range(sample))?;
		let mut order: Vec<usize> = (0..samples.len()).collect();
		order.sort_by_key(|&n| (samples[n].segment, samples[n].column));
		let mut proofs: Vec<Option<ChunkProof>> = vec![None; samples.len()];
		let mut current: Option<((SegmentIndex, ColumnIndex), FragmentTree, Vec<u8>)> = None;
		for n in order {
			let sample = &samples[n];
			let key = (sample.segment, sample.column);
			if current.as_ref().map(|(loaded, _, _)| *loaded) != Some(key) {
				let fragment = store.load(&self.fid, sample.segment, sample.column)?;
				let tree = self.fragment_tree(sample.segment, sample.column, &fragment)?;
				current = Some((key, tree, fragment));
			}
			if let Some((_, tree, fragment)) = &current {
				proofs[n] = Some(tree.prove(self, sample, fragment)?);
			}
		}
		Ok(proofs.into_iter().flatten().collect())
	}

	fn check_range(&self, sample: &ChallengeSample) -> Result<(), PipelineError> {
		let in_range = sample.column < self.geometry.column_count()
			&& self.geometry.chunk_len(sample.segment, sample.chunk).is_some();
		if in_range {
			Ok(())
		} else {
			Err(PipelineError::SampleOutOfRange(*sample))
		}
	}

	/// Hashes a fragment's chunks once, checks them against the manifest, and keeps the
	/// tree and the fragment's path to the FID for all samples of this fragment.
	fn fragment_tree(
		&self,
		segment: SegmentIndex,
		column: ColumnIndex,
		fragment: &[u8],
	) -> Result<FragmentTree, PipelineError> {
		let corrupted = PipelineError::CorruptedFragment { segment, column };
		let shard_len = self.geometry.shard_len(segment).unwrap_or_default() as usize;
		if fragment.len() != shard_len {
			return Err(corrupted);
		}
		let chunk_size = self.geometry.layout().chunk_size as usize;
		let chunks =
			MerkleTree::new::<Hasher>(merkle::chunk_leaves::<Hasher>(fragment, chunk_size))
				.ok_or(PipelineError::CorruptedFragment { segment, column })?;
		if Some(&chunks.root()) != self.manifest.fragment_root(segment, column) {
			return Err(corrupted);
		}
		let to_fid = self.manifest.fragment_path_in(&self.file_tree, segment, column)?;
		Ok(FragmentTree { chunks, to_fid })
	}
}

/// The chunk tree of a checked fragment and the fragment's path to the FID.
struct FragmentTree {
	chunks: MerkleTree,
	to_fid: MerklePath,
}

impl FragmentTree {
	/// Proves `sample` from `fragment`, the bytes this tree was built from.
	fn prove(
		&self,
		prover: &Prover<'_>,
		sample: &ChallengeSample,
		fragment: &[u8],
	) -> Result<ChunkProof, PipelineError> {
		let out_of_range = || PipelineError::SampleOutOfRange(*sample);
		let chunk_len =
			prover.geometry.chunk_len(sample.segment, sample.chunk).ok_or_else(out_of_range)?
				as usize;
		let mut siblings = self.chunks.path(sample.chunk as usize).ok_or_else(out_of_range)?;
		siblings.extend(self.to_fid.iter().copied());
		let start = sample.chunk as usize * prover.geometry.layout().chunk_size as usize;
		let chunk = fragment.get(start..start + chunk_len).ok_or_else(out_of_range)?;
		let proof = ChunkProof {
			chunk: BoundedBytes::try_from(chunk.to_vec()).map_err(|_| out_of_range())?,
			path: MerklePath::try_from(siblings)
				.map_err(|_| PipelineError::MalformedManifest("path deeper than the limit"))?,
		};
		verify_chunk::<Hasher>(&prover.fid, &prover.geometry, sample, &proof).map_err(|_| {
			PipelineError::CorruptedFragment { segment: sample.segment, column: sample.column }
		})?;
		Ok(proof)
	}
}
