//! Reed-Solomon over GF(2^8) for one layout: parity for a strip of a segment, data
//! recovery from any k fragments, and rebuilding a single column with k passes.

use deoss_primitives::Layout;
use reed_solomon_erasure::galois_8::{self, ReedSolomon};

use crate::error::PipelineError;

fn erasure_error(error: reed_solomon_erasure::Error) -> PipelineError {
	PipelineError::Erasure(error)
}

/// The Reed-Solomon codec of a layout.
pub(crate) struct Erasure {
	codec: ReedSolomon,
	data_shards: usize,
	total_shards: usize,
}

impl Erasure {
	pub(crate) fn new(layout: &Layout) -> Result<Self, PipelineError> {
		layout.validate()?;
		let data_shards = usize::from(layout.data_shards);
		let parity_shards = usize::from(layout.parity_shards);
		let codec = ReedSolomon::new(data_shards, parity_shards).map_err(erasure_error)?;
		Ok(Self { codec, data_shards, total_shards: data_shards + parity_shards })
	}

	pub(crate) fn data_shards(&self) -> usize {
		self.data_shards
	}

	pub(crate) fn total_shards(&self) -> usize {
		self.total_shards
	}

	/// Computes parity for equal-length slices of the data shards. Reed-Solomon works
	/// byte-column by byte-column, so strips of a segment can be coded independently.
	pub(crate) fn encode_strip(
		&self,
		data: &[&[u8]],
		parity: &mut [&mut [u8]],
	) -> Result<(), PipelineError> {
		self.codec.encode_sep(data, parity).map_err(erasure_error)
	}

	/// Fills in every missing data shard from any k present shards.
	pub(crate) fn recover_data(&self, shards: &mut [Option<Vec<u8>>]) -> Result<(), PipelineError> {
		self.codec.reconstruct_data(shards).map_err(erasure_error)
	}

	/// Coefficients `c` with `shard[target] = Σ c[n] · shard[sources[n]]` over GF(2^8).
	///
	/// Decoding is linear in the shards used, so each coefficient is the target byte the
	/// library reconstructs from one-byte shards that are 1 at one source and 0 elsewhere.
	/// This rebuilds one column with exactly k passes over the sources instead of
	/// reconstructing every missing shard.
	pub(crate) fn combination(
		&self,
		sources: &[usize],
		target: usize,
	) -> Result<Vec<u8>, PipelineError> {
		if sources.len() != self.data_shards || target >= self.total_shards {
			return Err(erasure_error(reed_solomon_erasure::Error::TooFewShardsPresent));
		}
		let mut coefficients = Vec::with_capacity(sources.len());
		for unit in 0..sources.len() {
			let mut probe: Vec<Option<Vec<u8>>> = vec![None; self.total_shards];
			for (position, &column) in sources.iter().enumerate() {
				probe[column] = Some(vec![u8::from(position == unit)]);
			}
			self.codec.reconstruct(&mut probe).map_err(erasure_error)?;
			let coefficient = probe[target].as_ref().and_then(|shard| shard.first().copied());
			coefficients.push(
				coefficient
					.ok_or(erasure_error(reed_solomon_erasure::Error::TooFewShardsPresent))?,
			);
		}
		Ok(coefficients)
	}
}

/// Writes `Σ coefficients[n] · sources[n]` into `target`.
pub(crate) fn combine(coefficients: &[u8], sources: &[&[u8]], target: &mut [u8]) {
	target.fill(0);
	for (&coefficient, source) in coefficients.iter().zip(sources) {
		galois_8::mul_slice_xor(coefficient, source, target);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn one_column_is_rebuilt_from_any_k_others() {
		let layout = Layout {
			segment_size: 4 * 256,
			data_shards: 4,
			parity_shards: 3,
			chunk_size: 64,
			replicas: 1,
		};
		let erasure = Erasure::new(&layout).unwrap();
		let data: Vec<Vec<u8>> =
			(0..4).map(|n| (0..100).map(|i| (i * 7 + n * 13) as u8).collect()).collect();
		let mut parity = vec![vec![0u8; 100]; 3];
		{
			let data_slices: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
			let mut parity_slices: Vec<&mut [u8]> =
				parity.iter_mut().map(Vec::as_mut_slice).collect();
			erasure.encode_strip(&data_slices, &mut parity_slices).unwrap();
		}
		let all: Vec<Vec<u8>> = data.into_iter().chain(parity).collect();
		for target in 0..7 {
			let sources: Vec<usize> = (0..7).filter(|&c| c != target).rev().take(4).collect();
			let coefficients = erasure.combination(&sources, target).unwrap();
			let source_slices: Vec<&[u8]> = sources.iter().map(|&c| all[c].as_slice()).collect();
			let mut rebuilt = vec![0xffu8; 100];
			combine(&coefficients, &source_slices, &mut rebuilt);
			assert_eq!(rebuilt, all[target], "column {target}");
		}
		assert!(erasure.combination(&[0, 1, 2], 3).is_err());
		assert!(erasure.combination(&[0, 1, 2, 3], 7).is_err());
	}
}
