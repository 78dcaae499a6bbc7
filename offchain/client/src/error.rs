//! What can go wrong, with the step that failed.

use deoss_chain::ChainError;
use deoss_pipeline::PipelineError;

/// Why a client operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
	/// Reading from or writing to the chain failed.
	#[error("chain: {0}")]
	Chain(#[from] ChainError),
	/// Encoding or decoding failed.
	#[error("data: {0}")]
	Pipeline(#[from] PipelineError),
	/// Reading the object or writing the result failed.
	#[error("local I/O: {0}")]
	Io(#[from] std::io::Error),
	/// No such object or file.
	#[error("not found: {0}")]
	NotFound(String),
	/// A scheduler or miner refused a request.
	#[error("{service} refused: {code}: {reason}")]
	Refused {
		/// Which service, by endpoint.
		service: String,
		/// The protocol error code.
		code: String,
		/// Its reason.
		reason: String,
	},
	/// A scheduler or miner could not be reached.
	#[error("{service} unreachable: {reason}")]
	Unreachable {
		/// Which service, by endpoint.
		service: String,
		/// Why.
		reason: String,
	},
	/// The deal ended without storing the object.
	#[error("deal {deal} failed: {reason}")]
	DealFailed {
		/// The deal.
		deal: u64,
		/// Why.
		reason: String,
	},
	/// Not enough intact fragments of a segment could be fetched.
	#[error("segment {segment}: only {intact} intact fragments of {required} needed could be fetched ({details})")]
	Unavailable {
		/// The segment.
		segment: u32,
		/// Intact fragments found.
		intact: usize,
		/// k.
		required: usize,
		/// What each holder answered.
		details: String,
	},
	/// The owner has an object of that name already.
	#[error("{object} exists already (FID {fid}); delete it first or choose another name")]
	ObjectExists {
		/// `bucket/name`.
		object: String,
		/// The stored object's file.
		fid: deoss_primitives::Fid,
	},
	/// The object is encrypted and no key for this account was found.
	#[error("{fid} is encrypted and not shared with {account}; ask an owner to run `deoss share`")]
	NotShared {
		/// The file.
		fid: deoss_primitives::Fid,
		/// The reader's SS58 address.
		account: String,
	},
	/// The object is encrypted and the client has no account secret to open it with.
	#[error("{0} is encrypted: the client needs the account's secret key (a key file or secret URI) to decrypt it")]
	NoAccountSecret(deoss_primitives::Fid),
	/// The request is not valid.
	#[error("invalid request: {0}")]
	Invalid(String),
}
