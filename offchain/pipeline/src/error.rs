//! The one error type of the pipeline, with a variant per kind of bad input, so a caller
//! can tell a wrong FID from a lost fragment, a corrupted chunk or a wrong key.

use std::io;

use deoss_primitives::{ChallengeSample, ColumnIndex, Fid, LayoutError, ProofError, SegmentIndex};

use crate::crypto::CryptoError;

/// Everything that can go wrong in the pipeline. Bad input never panics: it ends here.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
	/// The layout, or the payload size under it, is out of range.
	#[error("invalid layout: {0}")]
	Layout(#[from] LayoutError),
	/// The manifest's roots do not lead to the FID the caller expects.
	#[error("manifest belongs to FID {computed}, not {expected}")]
	FidMismatch {
		/// The FID asked for.
		expected: Fid,
		/// The FID the manifest commits to.
		computed: Fid,
	},
	/// The manifest's shape does not match its own layout and payload length.
	#[error("malformed manifest: {0}")]
	MalformedManifest(&'static str),
	/// Fewer than k fragments of a segment could be fetched intact.
	#[error("segment {segment}: {intact} intact fragments, {required} needed")]
	TooFewFragments {
		/// The segment that cannot be rebuilt.
		segment: SegmentIndex,
		/// Intact fragments found.
		intact: usize,
		/// Fragments needed (k).
		required: usize,
	},
	/// A fragment does not match its root in the manifest.
	#[error("fragment {column} of segment {segment} is corrupted")]
	CorruptedFragment {
		/// The segment.
		segment: SegmentIndex,
		/// The column.
		column: ColumnIndex,
	},
	/// The stream ended before the declared length.
	#[error("stream ended after {received} bytes, {declared} were declared")]
	Truncated {
		/// Bytes received.
		received: u64,
		/// Bytes declared.
		declared: u64,
	},
	/// The stream went on past the declared length.
	#[error("stream is longer than the {declared} bytes declared")]
	TooLong {
		/// Bytes declared.
		declared: u64,
	},
	/// Reed-Solomon refused the shards (only unequal or missing shards get here).
	#[error("erasure coding failed: {0}")]
	Erasure(#[from] reed_solomon_erasure::Error),
	/// A challenge sample names a chunk the file does not have.
	#[error("challenge sample {0:?} is outside the file")]
	SampleOutOfRange(ChallengeSample),
	/// Encryption, decryption or key unwrapping failed.
	#[error(transparent)]
	Crypto(#[from] CryptoError),
	/// A proof built here did not verify (a bug, or storage changed under us).
	#[error("proof rejected: {0}")]
	Proof(#[from] ProofError),
	/// Reading, writing, a sink or a source failed.
	#[error("I/O error: {0}")]
	Io(#[source] io::Error),
	/// A worker thread died.
	#[error("an encoding worker thread panicked")]
	WorkerPanicked,
}

impl From<io::Error> for PipelineError {
	/// Unwraps pipeline errors that travelled through `Read`/`Write` adapters as I/O errors.
	fn from(error: io::Error) -> Self {
		let carries_pipeline_error =
			error.get_ref().is_some_and(|inner| inner.is::<PipelineError>());
		if !carries_pipeline_error {
			return Self::Io(error);
		}
		match error.into_inner().map(|inner| inner.downcast::<PipelineError>()) {
			Some(Ok(inner)) => *inner,
			// Unreachable after the check above; keep the message rather than panic.
			Some(Err(other)) => Self::Io(io::Error::other(other)),
			None => Self::Io(io::Error::other("I/O error without details")),
		}
	}
}

impl From<PipelineError> for io::Error {
	/// Lets `Read`/`Write` adapters carry a typed error that [`PipelineError::from`] restores.
	fn from(error: PipelineError) -> Self {
		match error {
			PipelineError::Io(inner) => inner,
			other => {
				let kind = match other {
					PipelineError::Truncated { .. } => io::ErrorKind::UnexpectedEof,
					_ => io::ErrorKind::InvalidData,
				};
				io::Error::new(kind, other)
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn typed_errors_survive_a_trip_through_io_error() {
		let original = PipelineError::Truncated { received: 1, declared: 2 };
		let as_io: io::Error = original.into();
		assert_eq!(as_io.kind(), io::ErrorKind::UnexpectedEof);
		assert!(matches!(
			PipelineError::from(as_io),
			PipelineError::Truncated { received: 1, declared: 2 }
		));
		let plain = io::Error::new(io::ErrorKind::BrokenPipe, "pipe");
		assert!(
			matches!(PipelineError::from(plain), PipelineError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe)
		);
	}
}
