//! BLAKE2b-256 behind a small trait, so the runtime can route hashing to its host function
//! while off-chain code uses the `blake2` crate; also the leaf/node domain separation.

use alloc::vec::Vec;
use blake2::{digest::consts::U32, Blake2b, Digest};

/// A 32-byte BLAKE2b-256 digest.
pub type Hash = [u8; 32];

/// First byte hashed in front of a chunk to form a Merkle leaf.
///
/// Leaves and internal nodes never share a preimage, so an internal node cannot be passed
/// off as a chunk (second-preimage attack on the tree shape).
pub const LEAF_PREFIX: u8 = 0x00;

/// First byte hashed in front of two child hashes to form an internal Merkle node.
pub const NODE_PREFIX: u8 = 0x01;

/// BLAKE2b-256 with the Merkle domain separation every tree of the crate uses.
///
/// Implementors only have to provide [`Hasher::hash`]; the runtime implements it with
/// `sp_io::hashing::blake2_256`. Every implementation must compute BLAKE2b with a 32-byte
/// output and no key, or proofs will not verify across the chain/off-chain boundary.
pub trait Hasher {
	/// BLAKE2b-256 of `data`.
	fn hash(data: &[u8]) -> Hash;

	/// Merkle leaf of a chunk: `BLAKE2b-256(0x00 ‖ chunk)`.
	///
	/// The default copies the chunk behind the prefix; streaming implementations override it.
	fn hash_leaf(chunk: &[u8]) -> Hash {
		let mut preimage = Vec::with_capacity(chunk.len() + 1);
		preimage.push(LEAF_PREFIX);
		preimage.extend_from_slice(chunk);
		Self::hash(&preimage)
	}

	/// Internal Merkle node: `BLAKE2b-256(0x01 ‖ left ‖ right)`.
	fn hash_node(left: &Hash, right: &Hash) -> Hash {
		let mut preimage = [0u8; 65];
		preimage[0] = NODE_PREFIX;
		preimage[1..33].copy_from_slice(left);
		preimage[33..].copy_from_slice(right);
		Self::hash(&preimage)
	}
}

/// BLAKE2b-256 from the pure-Rust `blake2` crate; usable on chain and off chain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Blake2bHasher;

type Blake2b256 = Blake2b<U32>;

impl Hasher for Blake2bHasher {
	fn hash(data: &[u8]) -> Hash {
		Blake2b256::digest(data).into()
	}

	fn hash_leaf(chunk: &[u8]) -> Hash {
		// Streaming the prefix avoids copying every chunk on the encode hot path.
		let mut state = Blake2b256::new();
		state.update([LEAF_PREFIX]);
		state.update(chunk);
		state.finalize().into()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A hasher that only implements `hash`, as the runtime's host-function hasher does.
	struct DefaultMethodsOnly;

	impl Hasher for DefaultMethodsOnly {
		fn hash(data: &[u8]) -> Hash {
			Blake2bHasher::hash(data)
		}
	}

	fn hex(hash: &Hash) -> alloc::string::String {
		hash.iter().map(|byte| alloc::format!("{byte:02x}")).collect()
	}

	#[test]
	fn default_hasher_is_blake2b_256() {
		assert_eq!(
			hex(&Blake2bHasher::hash(b"")),
			"0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
		);
		assert_eq!(
			hex(&Blake2bHasher::hash(b"abc")),
			"bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
		);
	}

	#[test]
	fn streaming_leaf_matches_the_default_method() {
		for chunk in [&b""[..], b"x", &[7u8; 300]] {
			assert_eq!(Blake2bHasher::hash_leaf(chunk), DefaultMethodsOnly::hash_leaf(chunk));
		}
		let (left, right) = ([1u8; 32], [2u8; 32]);
		assert_eq!(
			Blake2bHasher::hash_node(&left, &right),
			DefaultMethodsOnly::hash_node(&left, &right)
		);
	}

	#[test]
	fn leaves_and_nodes_are_domain_separated() {
		let (left, right) = ([3u8; 32], [4u8; 32]);
		let mut concatenated = [0u8; 64];
		concatenated[..32].copy_from_slice(&left);
		concatenated[32..].copy_from_slice(&right);
		assert_ne!(
			Blake2bHasher::hash_leaf(&concatenated),
			Blake2bHasher::hash_node(&left, &right)
		);
		assert_ne!(Blake2bHasher::hash_leaf(b"abc"), Blake2bHasher::hash(b"abc"));
	}
}
