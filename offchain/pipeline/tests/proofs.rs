//! Challenge proofs built by the prover from stored fragments verify with the chain's
//! verifier for random files and samples, and every kind of tampering is rejected.

mod common;

use common::{encode_into_store, object_bytes, SplitMix};
use deoss_pipeline::{
	primitives::{
		derive_samples, verify_chunk, verify_fragment, verify_samples, ChallengeSample, ChunkProof,
		ColumnIndex, Layout, ProofError,
	},
	Hasher, ObjectOptions, PipelineError, Prover,
};
use proptest::prelude::*;

fn small_layout() -> impl Strategy<Value = Layout> {
	(1u16..=4, 1u16..=4, prop::sample::select(vec![64u32, 80, 128]), 1u32..=5).prop_map(
		|(data_shards, parity_shards, chunk_size, chunks_per_shard)| Layout {
			segment_size: chunk_size * chunks_per_shard * u32::from(data_shards),
			data_shards,
			parity_shards,
			chunk_size,
			replicas: 1,
		},
	)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(32))]

	#[test]
	fn proofs_for_random_challenges_verify_and_tampered_ones_fail(
		layout in small_layout(),
		size in 0usize..6000,
		seed in any::<u64>(),
	) {
		let object = object_bytes(size, seed);
		let (encoded, mut store) = encode_into_store(&object, layout, 1, &ObjectOptions::default());
		let geometry = encoded.manifest.geometry().unwrap();
		let prover = Prover::new(&encoded.fid, &encoded.manifest).unwrap();
		let mut rng = SplitMix(seed);
		let column = rng.below(u64::from(geometry.column_count())) as ColumnIndex;
		let samples = derive_samples::<Hasher>(&seed_hash(seed), &geometry, column, 8).unwrap();
		let proofs = prover.answer(&samples, &store).unwrap();
		prop_assert_eq!(verify_samples::<Hasher>(&encoded.fid, &geometry, &samples, &proofs), Ok(()));

		// Every fragment the miner holds also checks against the FID through its path.
		for (segment, path) in encoded.manifest.column_paths(column).unwrap().iter().enumerate() {
			let root = encoded.manifest.fragment_root(segment as u32, column).unwrap();
			prop_assert_eq!(
				verify_fragment::<Hasher>(&encoded.fid, &geometry, segment as u32, column, root, path),
				Ok(())
			);
		}

		let victim = rng.below(proofs.len() as u64) as usize;
		let sample = samples[victim];
		let proof = &proofs[victim];
		let verify = |sample: &ChallengeSample, proof: &ChunkProof| {
			verify_chunk::<Hasher>(&encoded.fid, &geometry, sample, proof)
		};

		let mut chunk = proof.chunk.clone().into_inner();
		let position = rng.below(chunk.len() as u64) as usize;
		chunk[position] ^= 1 << rng.below(8);
		let tampered = ChunkProof { chunk: chunk.try_into().unwrap(), path: proof.path.clone() };
		prop_assert_eq!(verify(&sample, &tampered), Err(ProofError::RootMismatch));

		if !proof.path.is_empty() {
			let mut path = proof.path.clone().into_inner();
			let level = rng.below(path.len() as u64) as usize;
			path[level][rng.below(32) as usize] ^= 1;
			let tampered = ChunkProof { chunk: proof.chunk.clone(), path: path.try_into().unwrap() };
			prop_assert_eq!(verify(&sample, &tampered), Err(ProofError::RootMismatch));

			let mut path = proof.path.clone().into_inner();
			path.pop();
			let tampered = ChunkProof { chunk: proof.chunk.clone(), path: path.try_into().unwrap() };
			prop_assert_eq!(verify(&sample, &tampered), Err(ProofError::PathLengthMismatch));
		}

		// The proof of one sample does not answer another (unless both fragments are the
		// same bytes, as with k = 1 or an all-zero segment).
		let moved = ChallengeSample { column: (sample.column + 1) % geometry.column_count(), ..sample };
		let same_bytes = store.fragments.get(&(sample.segment, sample.column))
			== store.fragments.get(&(moved.segment, moved.column));
		if !same_bytes {
			prop_assert!(verify(&moved, proof).is_err());
		}

		// A miner whose fragment rotted finds out before the chain does.
		store.flip_byte(sample.segment, sample.column, rng.next() as usize);
		let answer = prover.answer(&samples, &store);
		prop_assert!(
			matches!(answer, Err(PipelineError::CorruptedFragment { .. })),
			"{:?}", answer
		);
	}
}

fn seed_hash(seed: u64) -> [u8; 32] {
	let mut hash = [0u8; 32];
	hash[..8].copy_from_slice(&seed.to_le_bytes());
	hash
}

#[test]
fn samples_outside_the_file_are_refused() {
	let layout =
		Layout { segment_size: 256, data_shards: 2, parity_shards: 1, chunk_size: 64, replicas: 1 };
	let (encoded, store) =
		encode_into_store(&object_bytes(300, 9), layout, 1, &ObjectOptions::default());
	let prover = Prover::new(&encoded.fid, &encoded.manifest).unwrap();
	for sample in [
		ChallengeSample { segment: 2, column: 0, chunk: 0 },
		ChallengeSample { segment: 0, column: 3, chunk: 0 },
		ChallengeSample { segment: 1, column: 0, chunk: 1 },
	] {
		assert!(
			matches!(prover.answer(&[sample], &store), Err(PipelineError::SampleOutOfRange(s)) if s == sample)
		);
	}
	let wrong = deoss_pipeline::primitives::Fid([2u8; 32]);
	assert!(matches!(
		Prover::new(&wrong, &encoded.manifest),
		Err(PipelineError::FidMismatch { .. })
	));
}
