//! How an object sits in its payload. A plain object is its own payload (so its FID is
//! the Merkle root of its bytes and equal objects deduplicate). A compressed or
//! encrypted object starts with a header that says how to read the rest:
//!
//! ```text
//! MAGIC (8 bytes) · version (1) · SCALE(ObjectHeader) · body
//! ```
//!
//! The body is the pipeline's payload: zstd, then XChaCha20-Poly1305 records. The
//! header of an encrypted object carries the data key wrapped to the owner's account
//! key, so the owner decrypts with nothing but the account key; other accounts find
//! their wrapped key on chain (`FileBank.KeyGrants`) once an owner shared it. A plain
//! object that happens to start with `MAGIC` gets an empty header, so reading is never
//! ambiguous. Nothing in the header is secret.

use std::io::{self, Read};

use codec::{Decode, Encode};
use deoss_pipeline::{
	crypto::NONCE_PREFIX_LEN, wrap_to_account, CryptoError, ObjectCipher, ObjectOptions, WrappedKey,
};

/// The first bytes of every payload with a header.
pub const MAGIC: [u8; 8] = *b"\xd3DEOSS\r\n";

/// The header format this client writes and reads.
pub const VERSION: u8 = 1;

/// The longest header: magic, version and the largest [`ObjectHeader`].
pub const MAX_HEADER_LEN: usize = 256;

/// How the body after the header was made.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct ObjectHeader {
	/// zstd compression level, if the object was compressed.
	pub compression: Option<i32>,
	/// How it was encrypted, if it was.
	pub encryption: Option<Encryption>,
}

/// An encrypted object's public parameters.
#[derive(Encode, Decode, Clone, Debug, PartialEq, Eq)]
pub struct Encryption {
	/// The random prefix of every record nonce.
	pub nonce_prefix: [u8; NONCE_PREFIX_LEN],
	/// The account the key below is wrapped to (the owner at upload).
	pub owner: [u8; 32],
	/// The data key, wrapped to `owner`.
	pub owner_key: WrappedKey,
}

impl ObjectHeader {
	/// The header for `options` with the key wrapped to `owner`; `None` for a plain
	/// object (which needs one only if it starts with [`MAGIC`]).
	pub fn for_options(
		options: &ObjectOptions,
		owner: &[u8; 32],
	) -> Result<Option<Self>, CryptoError> {
		if options.compression.is_none() && options.cipher.is_none() {
			return Ok(None);
		}
		let encryption = match &options.cipher {
			Some(cipher) => Some(Encryption {
				nonce_prefix: *cipher.nonce_prefix(),
				owner: *owner,
				owner_key: wrap_to_account(cipher.key(), owner)?,
			}),
			None => None,
		};
		Ok(Some(Self { compression: options.compression, encryption }))
	}

	/// The header's bytes, magic and version included.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut bytes = MAGIC.to_vec();
		bytes.push(VERSION);
		self.encode_to(&mut bytes);
		bytes
	}

	/// The header at the start of `payload` and its length, `None` when the payload
	/// does not start with [`MAGIC`] (a plain object).
	pub fn parse(payload: &[u8]) -> Result<Option<(Self, usize)>, FormatError> {
		if payload.len() < MAGIC.len() || payload[..MAGIC.len()] != MAGIC {
			return Ok(None);
		}
		let rest = &payload[MAGIC.len()..];
		match rest.first() {
			Some(&VERSION) => {}
			Some(other) => return Err(FormatError::Version(*other)),
			None => return Err(FormatError::Truncated),
		}
		let mut input = &rest[1..];
		let before = input.len();
		let header = Self::decode(&mut input).map_err(|_| FormatError::Truncated)?;
		Ok(Some((header, MAGIC.len() + 1 + before - input.len())))
	}

	/// How to read the body, once the data key is known.
	pub fn options(&self, key: Option<deoss_pipeline::DataKey>) -> ObjectOptions {
		ObjectOptions {
			compression: self.compression,
			cipher: match (&self.encryption, key) {
				(Some(encryption), Some(key)) => {
					Some(ObjectCipher::from_parts(key, encryption.nonce_prefix))
				}
				_ => None,
			},
		}
	}
}

/// Why a payload's header cannot be read.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum FormatError {
	/// A header version this client does not know.
	#[error("object header version {0} is newer than this client; upgrade deoss")]
	Version(u8),
	/// The header is cut short or malformed.
	#[error("the object header is malformed or cut short")]
	Truncated,
}

/// Whether the first bytes of `source` are [`MAGIC`] (so a plain object needs an empty
/// header to be read back unchanged).
pub fn starts_with_magic(mut source: impl Read) -> io::Result<bool> {
	let mut head = [0u8; MAGIC.len()];
	let mut filled = 0;
	while filled < head.len() {
		match source.read(&mut head[filled..])? {
			0 => return Ok(false),
			count => filled += count,
		}
	}
	Ok(head == MAGIC)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn headers_round_trip_and_plain_payloads_have_none() {
		let owner = [7u8; 32];
		assert_eq!(ObjectHeader::for_options(&ObjectOptions::default(), &owner), Ok(None));
		let compressed = ObjectOptions { compression: Some(3), cipher: None };
		let header = ObjectHeader::for_options(&compressed, &owner).unwrap().unwrap();
		let mut payload = header.to_bytes();
		let len = payload.len();
		payload.extend_from_slice(b"body");
		assert_eq!(ObjectHeader::parse(&payload), Ok(Some((header, len))));
		assert_eq!(ObjectHeader::parse(b"just some object"), Ok(None));
		assert_eq!(ObjectHeader::parse(&MAGIC[..5]), Ok(None));
	}

	#[test]
	fn bad_headers_are_refused() {
		let mut payload = MAGIC.to_vec();
		assert_eq!(ObjectHeader::parse(&payload), Err(FormatError::Truncated));
		payload.push(9);
		assert_eq!(ObjectHeader::parse(&payload), Err(FormatError::Version(9)));
		payload[MAGIC.len()] = VERSION;
		payload.extend_from_slice(&[1, 2]);
		assert_eq!(ObjectHeader::parse(&payload), Err(FormatError::Truncated));
	}

	#[test]
	fn magic_is_detected_in_sources() {
		assert!(starts_with_magic(&MAGIC[..]).unwrap());
		assert!(!starts_with_magic(&b"short"[..]).unwrap());
		assert!(!starts_with_magic(&b"\xd3DEOSS\r\rmore"[..]).unwrap());
	}
}
