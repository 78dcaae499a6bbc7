//! Types and pure functions that the DeOSS runtime and the off-chain software share:
//! the data layout, BLAKE2b-256 Merkle trees, challenge proofs and receipt messages.
//!
//! The crate is `no_std` so the audit and storage pallets verify proofs with the very
//! code the off-chain prover uses to build them. How an object becomes fragments:
//!
//! ```text
//! payload ─▶ segments (≤ segment_size bytes, the last one may be shorter)
//!         ─▶ k data + m parity fragments per segment (Reed-Solomon over GF(2^8))
//!         ─▶ chunks of chunk_size bytes per fragment
//!
//! fragment root = Merkle root over the fragment's chunk leaves
//! segment root  = Merkle root over the segment's k+m fragment roots
//! FID           = Merkle root over the segment roots
//! ```
//!
//! Column `i` of a file is fragment `i` of every segment; one miner (per replica) holds it.
//! A challenge sample names (segment, column, chunk) and is answered with the chunk bytes
//! and the sibling hashes from the chunk up to the FID ([`proof`]).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod bounded;
pub mod hash;
pub mod ids;
pub mod layout;
pub mod merkle;
pub mod proof;
pub mod receipt;

pub use bounded::{BoundedBytes, BoundedList};
pub use hash::{Blake2bHasher, Hash, Hasher};
pub use ids::{ChunkId, ChunkIndex, ColumnIndex, Fid, FragmentId, SegmentIndex};
pub use layout::{FileGeometry, Layout, LayoutError};
pub use proof::{
	derive_sample, derive_samples, proof_path_len, samples_for_detection, verify_chunk,
	verify_chunk_parts, verify_fragment, verify_samples, ChallengeSample, ChunkProof, FragmentPath,
	MerklePath, ProofError,
};
pub use receipt::{receipt_message, Receipt, RECEIPT_DOMAIN};
