//! The DeOSS off-chain data pipeline: an object goes in as a stream and comes out as
//! Merkle-committed fragment columns for miners, and comes back from any k columns.
//!
//! ```text
//! object ─▶ [compress] ─▶ [seal] ─▶ payload ─▶ Encoder ─▶ FragmentSink (segment by segment)
//!                                                 └──────▶ EncodedFile { fid, manifest }
//! FragmentSource + Manifest ─▶ PayloadReader ─▶ [open] ─▶ [decompress] ─▶ object
//! ```
//!
//! * [`object`] ties the steps together for clients; [`encode`] is all a scheduler needs,
//!   since it receives the already sealed payload.
//! * [`decode`] rebuilds the payload from any k intact fragments of each segment and
//!   rebuilds a lost column for a restoral order.
//! * [`prover`] answers storage challenges with proofs that
//!   [`deoss_primitives::verify_samples`] accepts on chain.
//! * [`store`] keeps a miner's fragments and manifests on disk, as a source, a sink
//!   and the prover's store.
//! * [`crypto`] seals payloads per segment and wraps data keys to owners; [`sharing`]
//!   hands a data key to another party by proxy re-encryption.
//!
//! Memory stays bounded by a few segments whatever the object size.

pub mod account_key;
pub mod compress;
pub mod crypto;
pub mod decode;
pub mod encode;
mod erasure;
pub mod error;
pub mod manifest;
pub mod object;
pub mod prover;
pub mod replication;
mod segment;
#[cfg(feature = "proxy-reencryption")]
pub mod sharing;
pub mod store;

pub use deoss_primitives as primitives;

pub use account_key::{unwrap_with_account, wrap_to_account, AccountSecret};
pub use crypto::{CryptoError, DataKey, Envelope, ObjectCipher, WrappedKey};
pub use decode::{
	decode_payload, decode_segment, repair_column, verify_fragment, DecodeReport, FragmentSource,
	PayloadReader,
};
pub use encode::{EncodedFile, EncodedSegment, Encoder, FragmentSink};
pub use error::PipelineError;
pub use manifest::Manifest;
pub use object::{decode_object, encode_object, object_reader, payload_reader, ObjectOptions};
pub use prover::{FragmentStore, Prover};
pub use replication::ReplicatingSink;
pub use store::{DiskStore, StoreSink, StoredFragments};

/// The hasher the off-chain code uses: BLAKE2b-256 from the `blake2` crate.
pub type Hasher = deoss_primitives::Blake2bHasher;
