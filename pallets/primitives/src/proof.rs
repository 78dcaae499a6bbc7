//! Storage challenges: what the chain asks (samples), what a miner answers (chunk proofs),
//! how the chain checks the answer with BLAKE2b alone, and how many samples to ask for.
//!
//! A sample (segment s, column i, chunk j) is answered with chunk j of fragment i of
//! segment s and the siblings on its path chunk → fragment root → segment root → FID.
//! The tree shape comes from the file record ([`FileGeometry`]), never from the proof.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

use crate::{
	bounded::{BoundedBytes, BoundedList},
	hash::{Hash, Hasher},
	ids::{ChunkIndex, ColumnIndex, Fid, SegmentIndex},
	layout::{FileGeometry, LayoutError, MAX_CHUNK_SIZE, MAX_PATH_DEPTH},
	merkle::{self, fold_path, PathError},
};

/// Sibling hashes on a path towards the FID, lowest level first.
pub type MerklePath = BoundedList<Hash, MAX_PATH_DEPTH>;

/// Siblings from a fragment root up to the FID: what a miner needs, next to the fragment,
/// to check on receipt that the fragment belongs to the file.
pub type FragmentPath = MerklePath;

/// Domain of the hash that turns challenge randomness into samples.
pub const CHALLENGE_DOMAIN: &[u8] = b"deoss/challenge/v1";

/// One spot of a file the chain asks a miner to prove it still holds.
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
pub struct ChallengeSample {
	/// The segment.
	pub segment: SegmentIndex,
	/// The fragment within the segment, i.e. the miner's column.
	pub column: ColumnIndex,
	/// The chunk within the fragment.
	pub chunk: ChunkIndex,
}

/// A miner's answer to one [`ChallengeSample`].
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct ChunkProof {
	/// The chunk bytes, exactly as long as the file geometry says this chunk is.
	pub chunk: BoundedBytes<MAX_CHUNK_SIZE>,
	/// Siblings from the chunk leaf up to the FID, lowest first.
	pub path: MerklePath,
}

/// Why a proof was rejected.
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
pub enum ProofError {
	/// The file record's layout or size is invalid.
	Layout(LayoutError),
	/// The sample names a segment, column or chunk the file does not have.
	SampleOutOfRange,
	/// The chunk is not as long as the geometry says.
	ChunkLengthMismatch,
	/// The path has too few or too many siblings for the tree shape.
	PathLengthMismatch,
	/// The path does not lead to the FID.
	RootMismatch,
	/// A different number of proofs than samples.
	SampleCountMismatch,
}

impl fmt::Display for ProofError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Layout(error) => write!(f, "invalid file layout: {error}"),
			Self::SampleOutOfRange => f.write_str("sample outside the file"),
			Self::ChunkLengthMismatch => f.write_str("chunk has the wrong length"),
			Self::PathLengthMismatch => f.write_str("Merkle path has the wrong length"),
			Self::RootMismatch => f.write_str("Merkle path does not lead to the FID"),
			Self::SampleCountMismatch => f.write_str("number of proofs differs from samples"),
		}
	}
}

impl core::error::Error for ProofError {}

impl From<LayoutError> for ProofError {
	fn from(error: LayoutError) -> Self {
		Self::Layout(error)
	}
}

fn path_error(error: PathError) -> ProofError {
	match error {
		PathError::IndexOutOfRange => ProofError::SampleOutOfRange,
		PathError::TooShort => ProofError::PathLengthMismatch,
	}
}

/// Climbs from a fragment root at (segment, column) to the file root.
fn fold_fragment_to_fid<'a, H: Hasher>(
	geometry: &FileGeometry,
	segment: SegmentIndex,
	column: ColumnIndex,
	fragment_root: Hash,
	siblings: &mut impl Iterator<Item = &'a Hash>,
) -> Result<Hash, ProofError> {
	let segment_root = fold_path::<H>(
		fragment_root,
		u64::from(column),
		u64::from(geometry.column_count()),
		siblings,
	)
	.map_err(path_error)?;
	fold_path::<H>(segment_root, u64::from(segment), u64::from(geometry.segment_count()), siblings)
		.map_err(path_error)
}

/// Checks one chunk proof against the FID and the file's geometry.
pub fn verify_chunk<H: Hasher>(
	fid: &Fid,
	geometry: &FileGeometry,
	sample: &ChallengeSample,
	proof: &ChunkProof,
) -> Result<(), ProofError> {
	verify_chunk_parts::<H>(fid, geometry, sample, &proof.chunk, &proof.path)
}

/// [`verify_chunk`] for a proof held as its parts: the chunk bytes and the
/// siblings from the chunk leaf up to the FID, lowest first.
pub fn verify_chunk_parts<H: Hasher>(
	fid: &Fid,
	geometry: &FileGeometry,
	sample: &ChallengeSample,
	chunk: &[u8],
	path: &[Hash],
) -> Result<(), ProofError> {
	if sample.column >= geometry.column_count() {
		return Err(ProofError::SampleOutOfRange);
	}
	let chunk_count = geometry.chunk_count(sample.segment).ok_or(ProofError::SampleOutOfRange)?;
	let chunk_len =
		geometry.chunk_len(sample.segment, sample.chunk).ok_or(ProofError::SampleOutOfRange)?;
	if chunk.len() != chunk_len as usize {
		return Err(ProofError::ChunkLengthMismatch);
	}
	let mut siblings = path.iter();
	let fragment_root = fold_path::<H>(
		H::hash_leaf(chunk),
		u64::from(sample.chunk),
		u64::from(chunk_count),
		&mut siblings,
	)
	.map_err(path_error)?;
	let root = fold_fragment_to_fid::<H>(
		geometry,
		sample.segment,
		sample.column,
		fragment_root,
		&mut siblings,
	)?;
	if siblings.next().is_some() {
		return Err(ProofError::PathLengthMismatch);
	}
	if root != fid.0 {
		return Err(ProofError::RootMismatch);
	}
	Ok(())
}

/// Checks a batch: `proofs[n]` must answer `samples[n]`.
pub fn verify_samples<H: Hasher>(
	fid: &Fid,
	geometry: &FileGeometry,
	samples: &[ChallengeSample],
	proofs: &[ChunkProof],
) -> Result<(), ProofError> {
	if samples.len() != proofs.len() {
		return Err(ProofError::SampleCountMismatch);
	}
	samples
		.iter()
		.zip(proofs)
		.try_for_each(|(sample, proof)| verify_chunk::<H>(fid, geometry, sample, proof))
}

/// Checks that a fragment with root `fragment_root` is fragment `column` of segment
/// `segment` of the file, given the siblings from the fragment root to the FID.
pub fn verify_fragment<H: Hasher>(
	fid: &Fid,
	geometry: &FileGeometry,
	segment: SegmentIndex,
	column: ColumnIndex,
	fragment_root: &Hash,
	path: &[Hash],
) -> Result<(), ProofError> {
	if segment >= geometry.segment_count() || column >= geometry.column_count() {
		return Err(ProofError::SampleOutOfRange);
	}
	let mut siblings = path.iter();
	let root = fold_fragment_to_fid::<H>(geometry, segment, column, *fragment_root, &mut siblings)?;
	if siblings.next().is_some() {
		return Err(ProofError::PathLengthMismatch);
	}
	if root != fid.0 {
		return Err(ProofError::RootMismatch);
	}
	Ok(())
}

/// Draws `count` samples of column `column` from challenge randomness `seed`: samples
/// `0..count` of [`derive_sample`].
pub fn derive_samples<H: Hasher>(
	seed: &Hash,
	geometry: &FileGeometry,
	column: ColumnIndex,
	count: u32,
) -> Result<Vec<ChallengeSample>, ProofError> {
	(0..count).map(|n| derive_sample::<H>(seed, geometry, column, n)).collect()
}

/// Draws sample number `n` of column `column` from challenge randomness `seed`.
///
/// The sample is read from `H(CHALLENGE_DOMAIN ‖ seed ‖ column ‖ n)`: the segment from its
/// first 8 bytes and the chunk from the next 8, each reduced modulo the range (the bias of
/// a 64-bit value reduced modulo at most 2^24 is below 2^-40). Chain and miner draw the
/// same samples from the same seed.
pub fn derive_sample<H: Hasher>(
	seed: &Hash,
	geometry: &FileGeometry,
	column: ColumnIndex,
	n: u32,
) -> Result<ChallengeSample, ProofError> {
	if column >= geometry.column_count() {
		return Err(ProofError::SampleOutOfRange);
	}
	let mut preimage = [0u8; CHALLENGE_DOMAIN.len() + 32 + 2 + 4];
	let (domain, rest) = preimage.split_at_mut(CHALLENGE_DOMAIN.len());
	domain.copy_from_slice(CHALLENGE_DOMAIN);
	rest[..32].copy_from_slice(seed);
	rest[32..34].copy_from_slice(&column.to_le_bytes());
	rest[34..].copy_from_slice(&n.to_le_bytes());
	let draw = H::hash(&preimage);
	let segment = (word(&draw, 0) % u64::from(geometry.segment_count())) as SegmentIndex;
	let chunk_count = geometry.chunk_count(segment).ok_or(ProofError::SampleOutOfRange)?;
	let chunk = (word(&draw, 8) % u64::from(chunk_count)) as ChunkIndex;
	Ok(ChallengeSample { segment, column, chunk })
}

/// Number of sibling hashes a proof of `sample` carries: the depth of its chunk in its
/// fragment, of the fragment in its segment and of the segment in the file.
pub fn proof_path_len(geometry: &FileGeometry, sample: &ChallengeSample) -> Option<u32> {
	let chunk_count = geometry.chunk_count(sample.segment)?;
	Some(
		merkle::path_len(u64::from(sample.chunk), u64::from(chunk_count))
			+ merkle::path_len(u64::from(sample.column), u64::from(geometry.column_count()))
			+ merkle::path_len(u64::from(sample.segment), u64::from(geometry.segment_count())),
	)
}

fn word(hash: &Hash, offset: usize) -> u64 {
	let mut bytes = [0u8; 8];
	bytes.copy_from_slice(&hash[offset..offset + 8]);
	u64::from_le_bytes(bytes)
}

/// Parts per million, the unit of the probabilities below.
pub const PPM: u32 = 1_000_000;

/// Samples needed so that a miner missing a fraction `missing_ppm` of its chunks fails at
/// least one sample with probability `target_ppm` (both in parts per million):
/// the smallest `n` with `1 - (1 - f)^n ≥ p`, i.e. `n = ⌈ln(1 - p) / ln(1 - f)⌉`.
///
/// Integer-only (64.64 fixed point, rounding toward more samples) so the runtime computes
/// it deterministically without floats. `None` when no number of samples reaches the
/// target (nothing missing, or certainty asked for while something survives).
pub fn samples_for_detection(target_ppm: u32, missing_ppm: u32) -> Option<u32> {
	let target_ppm = target_ppm.min(PPM);
	let missing_ppm = missing_ppm.min(PPM);
	if target_ppm == 0 {
		return Some(0);
	}
	if missing_ppm == PPM {
		return Some(1);
	}
	if missing_ppm == 0 || target_ppm == PPM {
		return None;
	}
	const ONE: u128 = 1 << 64;
	// Survival probability of one sample, rounded up; the miss chance we accept, rounded down.
	let survive = (u128::from(PPM - missing_ppm) * ONE).div_ceil(u128::from(PPM));
	let accepted = u128::from(PPM - target_ppm) * ONE / u128::from(PPM);
	let survive_all = |samples: u32| -> u128 {
		let (mut result, mut base, mut exponent) = (ONE, survive, samples);
		while exponent > 0 {
			if exponent & 1 == 1 {
				result = (result * base).div_ceil(ONE);
			}
			base = (base * base).div_ceil(ONE);
			exponent >>= 1;
		}
		result
	};
	if survive_all(u32::MAX) > accepted {
		return None;
	}
	let (mut low, mut high) = (1u32, u32::MAX);
	while low < high {
		let middle = low + (high - low) / 2;
		if survive_all(middle) <= accepted {
			high = middle;
		} else {
			low = middle + 1;
		}
	}
	Some(low)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{hash::Blake2bHasher as H, layout::Layout, merkle};
	use alloc::vec;

	fn geometry(payload_len: u64) -> FileGeometry {
		let layout = Layout {
			segment_size: 512,
			data_shards: 2,
			parity_shards: 1,
			chunk_size: 64,
			replicas: 1,
		};
		FileGeometry::new(layout, payload_len).unwrap()
	}

	/// A file of made-up fragments (the proof does not care about parity relations):
	/// returns the FID and every fragment as `fragments[segment][column]`.
	fn build(geometry: &FileGeometry) -> (Fid, Vec<Vec<Vec<u8>>>) {
		let chunk_size = geometry.layout().chunk_size as usize;
		let mut fragments = Vec::new();
		let mut segment_roots = Vec::new();
		for segment in 0..geometry.segment_count() {
			let shard_len = geometry.shard_len(segment).unwrap() as usize;
			let columns: Vec<Vec<u8>> = (0..geometry.column_count())
				.map(|column| {
					(0..shard_len).map(|i| (i as u8) ^ (column as u8) ^ (segment as u8)).collect()
				})
				.collect();
			let roots: Vec<Hash> = columns
				.iter()
				.map(|f| merkle::fragment_root::<H>(f, chunk_size).unwrap())
				.collect();
			segment_roots.push(merkle::root::<H>(&roots).unwrap());
			fragments.push(columns);
		}
		(Fid(merkle::root::<H>(&segment_roots).unwrap()), fragments)
	}

	fn prove(
		geometry: &FileGeometry,
		fragments: &[Vec<Vec<u8>>],
		sample: &ChallengeSample,
	) -> ChunkProof {
		let chunk_size = geometry.layout().chunk_size as usize;
		let fragment = &fragments[sample.segment as usize][sample.column as usize];
		let leaves = merkle::chunk_leaves::<H>(fragment, chunk_size);
		let mut path = merkle::path::<H>(&leaves, sample.chunk as usize).unwrap();
		let fragment_roots: Vec<Hash> = fragments[sample.segment as usize]
			.iter()
			.map(|f| merkle::fragment_root::<H>(f, chunk_size).unwrap())
			.collect();
		path.extend(merkle::path::<H>(&fragment_roots, sample.column as usize).unwrap());
		let segment_roots: Vec<Hash> = fragments
			.iter()
			.map(|columns| {
				let roots: Vec<Hash> = columns
					.iter()
					.map(|f| merkle::fragment_root::<H>(f, chunk_size).unwrap())
					.collect();
				merkle::root::<H>(&roots).unwrap()
			})
			.collect();
		path.extend(merkle::path::<H>(&segment_roots, sample.segment as usize).unwrap());
		let start = sample.chunk as usize * chunk_size;
		let end = (start + chunk_size).min(fragment.len());
		ChunkProof {
			chunk: fragment[start..end].to_vec().try_into().unwrap(),
			path: path.try_into().unwrap(),
		}
	}

	#[test]
	fn every_sample_of_a_multi_segment_file_verifies() {
		let geometry = geometry(3 * 512 + 70);
		let (fid, fragments) = build(&geometry);
		for segment in 0..geometry.segment_count() {
			for column in 0..geometry.column_count() {
				for chunk in 0..geometry.chunk_count(segment).unwrap() {
					let sample = ChallengeSample { segment, column, chunk };
					let proof = prove(&geometry, &fragments, &sample);
					assert_eq!(verify_chunk::<H>(&fid, &geometry, &sample, &proof), Ok(()));
				}
			}
		}
	}

	#[test]
	fn tampered_proofs_are_rejected() {
		let geometry = geometry(3 * 512 + 70);
		let (fid, fragments) = build(&geometry);
		let sample = ChallengeSample { segment: 1, column: 2, chunk: 3 };
		let proof = prove(&geometry, &fragments, &sample);

		let mut flipped = proof.clone();
		let mut chunk = flipped.chunk.clone().into_inner();
		chunk[5] ^= 1;
		flipped.chunk = chunk.try_into().unwrap();
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &sample, &flipped),
			Err(ProofError::RootMismatch)
		);

		let mut short_chunk = proof.clone();
		short_chunk.chunk = proof.chunk[..63].to_vec().try_into().unwrap();
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &sample, &short_chunk),
			Err(ProofError::ChunkLengthMismatch)
		);

		let mut bad_sibling = proof.clone();
		let mut path = bad_sibling.path.clone().into_inner();
		path[2][0] ^= 1;
		bad_sibling.path = path.try_into().unwrap();
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &sample, &bad_sibling),
			Err(ProofError::RootMismatch)
		);

		let mut truncated = proof.clone();
		let mut path = truncated.path.clone().into_inner();
		path.pop();
		truncated.path = path.try_into().unwrap();
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &sample, &truncated),
			Err(ProofError::PathLengthMismatch)
		);

		let mut extended = proof.clone();
		extended.path.try_push([0u8; 32]).unwrap();
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &sample, &extended),
			Err(ProofError::PathLengthMismatch)
		);

		let other_chunk = ChallengeSample { chunk: 2, ..sample };
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &other_chunk, &proof),
			Err(ProofError::RootMismatch)
		);
		let wrong_fid = Fid([0u8; 32]);
		assert_eq!(
			verify_chunk::<H>(&wrong_fid, &geometry, &sample, &proof),
			Err(ProofError::RootMismatch)
		);
		let outside = ChallengeSample { column: 3, ..sample };
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &outside, &proof),
			Err(ProofError::SampleOutOfRange)
		);
		let outside = ChallengeSample { segment: 4, ..sample };
		assert_eq!(
			verify_chunk::<H>(&fid, &geometry, &outside, &proof),
			Err(ProofError::SampleOutOfRange)
		);
	}

	#[test]
	fn batches_and_fragment_paths_verify() {
		let geometry = geometry(1000);
		let (fid, fragments) = build(&geometry);
		let samples = derive_samples::<H>(&[7u8; 32], &geometry, 1, 20).unwrap();
		assert_eq!(samples.len(), 20);
		assert_eq!(samples, derive_samples::<H>(&[7u8; 32], &geometry, 1, 20).unwrap());
		let proofs: Vec<ChunkProof> =
			samples.iter().map(|s| prove(&geometry, &fragments, s)).collect();
		assert_eq!(verify_samples::<H>(&fid, &geometry, &samples, &proofs), Ok(()));
		assert_eq!(
			verify_samples::<H>(&fid, &geometry, &samples, &proofs[1..]),
			Err(ProofError::SampleCountMismatch)
		);

		// The fragment path is the chunk path without its chunk-level siblings.
		let chunk_size = 64;
		let fragment = &fragments[1][2];
		let root = merkle::fragment_root::<H>(fragment, chunk_size).unwrap();
		let sample = ChallengeSample { segment: 1, column: 2, chunk: 0 };
		let chunk_levels = merkle::path_len(0, geometry.chunk_count(1).unwrap().into()) as usize;
		let proof = prove(&geometry, &fragments, &sample);
		let fragment_path = &proof.path[chunk_levels..];
		assert_eq!(verify_fragment::<H>(&fid, &geometry, 1, 2, &root, fragment_path), Ok(()));
		// Column 2 of 3 is promoted at the bottom level, column 1 is not: the shape differs.
		assert_eq!(
			verify_fragment::<H>(&fid, &geometry, 1, 1, &root, fragment_path),
			Err(ProofError::PathLengthMismatch)
		);
		assert_eq!(
			verify_fragment::<H>(&fid, &geometry, 0, 2, &root, fragment_path),
			Err(ProofError::RootMismatch)
		);
		assert_eq!(
			verify_fragment::<H>(&fid, &geometry, 2, 2, &root, fragment_path),
			Err(ProofError::SampleOutOfRange)
		);
	}

	#[test]
	fn sample_count_follows_the_detection_formula() {
		for (target, missing) in [
			(990_000, 50_000),
			(999_000, 10_000),
			(900_000, 100_000),
			(999_999, 1),
			(500_000, 500_000),
		] {
			let p = f64::from(target) / 1e6;
			let f = f64::from(missing) / 1e6;
			let expected = ((1.0 - p).ln() / (1.0 - f).ln()).ceil() as u32;
			assert_eq!(samples_for_detection(target, missing), Some(expected), "p={p} f={f}");
		}
		assert_eq!(samples_for_detection(990_000, 50_000), Some(90));
		assert_eq!(samples_for_detection(0, 10), Some(0));
		assert_eq!(samples_for_detection(10, PPM), Some(1));
		assert_eq!(samples_for_detection(10, 0), None);
		assert_eq!(samples_for_detection(PPM, 10), None);
	}

	#[test]
	fn proof_bounds_are_what_the_chain_stores() {
		let max = ChunkProof::max_encoded_len();
		// Compact length prefixes: 4 bytes for 16384, 2 bytes for 64.
		assert_eq!(max, 4 + MAX_CHUNK_SIZE as usize + 2 + 32 * MAX_PATH_DEPTH as usize);
		let sample = ChallengeSample { segment: 1, column: 2, chunk: 3 };
		assert_eq!(sample.encode().len(), ChallengeSample::max_encoded_len());
		let proof =
			ChunkProof { chunk: vec![1u8; 10].try_into().unwrap(), path: MerklePath::new() };
		assert_eq!(ChunkProof::decode(&mut &proof.encode()[..]), Ok(proof));
	}
}
