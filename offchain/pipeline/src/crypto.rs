//! Hybrid encryption of objects: a random data key per object seals the payload segment
//! by segment (XChaCha20-Poly1305), and the key is wrapped to the owner's X25519 key.
//!
//! Sealed record `n` fills payload segment `n` exactly: `segment_size - 16` plaintext
//! bytes plus a 16-byte tag (the last record may be shorter). Its nonce is the object's
//! random 19-byte prefix, `n` and a last-record flag; the associated data binds `n`, the
//! plaintext length and the flag, so records cannot be reordered, dropped from the end,
//! or cut short without failing authentication. Miners and schedulers only ever see
//! sealed segments.

use std::io::{self, Read};

use blake2::{digest::consts::U32, Blake2b, Digest};
use chacha20poly1305::{
	aead::{rand_core::RngCore, AeadInPlace, KeyInit, OsRng},
	ChaCha20Poly1305, XChaCha20Poly1305, XNonce,
};
use codec::{Decode, Encode};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::{Zeroize, Zeroizing};

use crate::{
	error::PipelineError,
	segment::{read_full, Lookahead},
};

/// The owner's X25519 key pair, re-exported so callers need no direct dependency.
pub use x25519_dalek::{PublicKey as OwnerPublicKey, StaticSecret as OwnerSecretKey};

/// A fresh random X25519 secret key for an owner.
pub fn generate_owner_key() -> OwnerSecretKey {
	StaticSecret::random_from_rng(OsRng)
}

/// Authentication tag appended to every sealed record.
pub const TAG_LEN: usize = 16;

/// Random part of every nonce of an object.
pub const NONCE_PREFIX_LEN: usize = 19;

const SEGMENT_AAD_DOMAIN: &[u8] = b"deoss/segment/v1";
const KEY_WRAP_DOMAIN: &[u8] = b"deoss/key-wrap/v1";

/// Why encryption or decryption failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
	/// The wrapped key does not open with this secret key.
	#[error("the data key cannot be unwrapped with this secret key")]
	WrongKey,
	/// A sealed record failed authentication.
	#[error(
		"segment {segment} failed authentication: wrong data key, or the payload was modified, reordered or truncated"
	)]
	SegmentAuthentication {
		/// The record (= payload segment) that failed.
		segment: u32,
	},
	/// The sealed payload is shorter than one tag.
	#[error("sealed payload is truncated")]
	Truncated,
	/// Segments too small to hold a tag and some data.
	#[error("segment size {0} leaves no room for data next to the 16-byte tag")]
	SegmentTooSmall(u32),
	/// The object has more sealed records than nonces.
	#[error("object too large for one data key")]
	TooManySegments,
	/// The public key would give an all-zero shared secret.
	#[error("public key has low order")]
	WeakPublicKey,
	/// Bytes that are not an sr25519 account key (a Ristretto255 point or scalar).
	#[error("not an sr25519 account key")]
	InvalidAccountKey,
	/// Proxy re-encryption failed.
	#[error("proxy re-encryption: {0}")]
	Sharing(String),
}

/// A symmetric data key, zeroed when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey([u8; 32]);

impl DataKey {
	/// A fresh key from the operating system's random generator.
	pub fn generate() -> Self {
		let mut key = [0u8; 32];
		OsRng.fill_bytes(&mut key);
		Self(key)
	}

	/// Wraps existing key bytes.
	pub fn from_bytes(bytes: [u8; 32]) -> Self {
		Self(bytes)
	}

	/// The key bytes.
	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}
}

impl Drop for DataKey {
	fn drop(&mut self) {
		self.0.zeroize();
	}
}

impl std::fmt::Debug for DataKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("DataKey(..)")
	}
}

/// A data key sealed to one X25519 public key (ephemeral-static Diffie-Hellman).
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct WrappedKey {
	/// Public half of the one-time key pair.
	pub ephemeral_public: [u8; 32],
	/// The data key under ChaCha20-Poly1305 with the derived key-encryption key.
	pub sealed_key: [u8; 48],
}

/// What an encrypted object stores next to its FID: the nonce prefix and the wrapped key.
/// Nothing in it is secret.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct Envelope {
	/// Random per-object prefix of every segment nonce.
	pub nonce_prefix: [u8; NONCE_PREFIX_LEN],
	/// The data key, wrapped to the owner.
	pub wrapped_key: WrappedKey,
}

/// Key-encryption key for one wrap: BLAKE2b-256 over the domain, the shared secret and
/// both public keys (all fixed length, so the concatenation is unambiguous).
fn key_encryption_key(
	shared: &[u8; 32],
	ephemeral: &PublicKey,
	recipient: &PublicKey,
) -> Zeroizing<[u8; 32]> {
	let mut hasher = Blake2b::<U32>::new();
	hasher.update(KEY_WRAP_DOMAIN);
	hasher.update(shared);
	hasher.update(ephemeral.as_bytes());
	hasher.update(recipient.as_bytes());
	Zeroizing::new(hasher.finalize().into())
}

fn wrap_associated_data(ephemeral: &PublicKey, recipient: &PublicKey) -> [u8; 64] {
	let mut associated = [0u8; 64];
	associated[..32].copy_from_slice(ephemeral.as_bytes());
	associated[32..].copy_from_slice(recipient.as_bytes());
	associated
}

/// Seals `key` so that only the holder of `recipient`'s secret key can open it.
pub fn wrap_key(key: &DataKey, recipient: &PublicKey) -> Result<WrappedKey, CryptoError> {
	let ephemeral_secret = StaticSecret::random_from_rng(OsRng);
	let ephemeral_public = PublicKey::from(&ephemeral_secret);
	let shared = ephemeral_secret.diffie_hellman(recipient);
	if !shared.was_contributory() {
		return Err(CryptoError::WeakPublicKey);
	}
	let kek = key_encryption_key(shared.as_bytes(), &ephemeral_public, recipient);
	let cipher = ChaCha20Poly1305::new((&*kek).into());
	let mut sealed = Zeroizing::new(*key.as_bytes());
	// Each key-encryption key is used once, so a zero nonce is safe.
	let tag = cipher
		.encrypt_in_place_detached(
			&Default::default(),
			&wrap_associated_data(&ephemeral_public, recipient),
			&mut sealed[..],
		)
		.map_err(|_| CryptoError::WrongKey)?;
	let mut sealed_key = [0u8; 48];
	sealed_key[..32].copy_from_slice(&sealed[..]);
	sealed_key[32..].copy_from_slice(&tag);
	Ok(WrappedKey { ephemeral_public: *ephemeral_public.as_bytes(), sealed_key })
}

/// Opens a wrapped key with the recipient's secret key.
pub fn unwrap_key(wrapped: &WrappedKey, secret: &StaticSecret) -> Result<DataKey, CryptoError> {
	let ephemeral_public = PublicKey::from(wrapped.ephemeral_public);
	let recipient = PublicKey::from(secret);
	let shared = secret.diffie_hellman(&ephemeral_public);
	if !shared.was_contributory() {
		return Err(CryptoError::WeakPublicKey);
	}
	let kek = key_encryption_key(shared.as_bytes(), &ephemeral_public, &recipient);
	let cipher = ChaCha20Poly1305::new((&*kek).into());
	let mut key = Zeroizing::new([0u8; 32]);
	key.copy_from_slice(&wrapped.sealed_key[..32]);
	cipher
		.decrypt_in_place_detached(
			&Default::default(),
			&wrap_associated_data(&ephemeral_public, &recipient),
			&mut key[..],
			wrapped.sealed_key[32..].into(),
		)
		.map_err(|_| CryptoError::WrongKey)?;
	Ok(DataKey::from_bytes(*key))
}

/// The secret side of an encrypted object: its data key and nonce prefix.
#[derive(Clone)]
pub struct ObjectCipher {
	key: DataKey,
	nonce_prefix: [u8; NONCE_PREFIX_LEN],
}

impl ObjectCipher {
	/// A fresh random data key and nonce prefix.
	pub fn generate() -> Self {
		let mut nonce_prefix = [0u8; NONCE_PREFIX_LEN];
		OsRng.fill_bytes(&mut nonce_prefix);
		Self { key: DataKey::generate(), nonce_prefix }
	}

	/// A cipher from known parts (e.g. after unwrapping or re-encryption).
	pub fn from_parts(key: DataKey, nonce_prefix: [u8; NONCE_PREFIX_LEN]) -> Self {
		Self { key, nonce_prefix }
	}

	/// The data key.
	pub fn key(&self) -> &DataKey {
		&self.key
	}

	/// The nonce prefix.
	pub fn nonce_prefix(&self) -> &[u8; NONCE_PREFIX_LEN] {
		&self.nonce_prefix
	}

	/// The envelope for `owner`: this cipher's nonce prefix and its key wrapped to them.
	pub fn envelope_for(&self, owner: &PublicKey) -> Result<Envelope, CryptoError> {
		Ok(Envelope { nonce_prefix: self.nonce_prefix, wrapped_key: wrap_key(&self.key, owner)? })
	}

	/// Recovers the cipher from an envelope with the owner's secret key.
	pub fn open_envelope(envelope: &Envelope, owner: &StaticSecret) -> Result<Self, CryptoError> {
		Ok(Self {
			key: unwrap_key(&envelope.wrapped_key, owner)?,
			nonce_prefix: envelope.nonce_prefix,
		})
	}

	/// Seals a plaintext stream into a payload stream of `segment_size` records.
	pub fn seal<R: Read>(
		&self,
		plaintext: R,
		segment_size: u32,
	) -> Result<SealingReader<R>, CryptoError> {
		let record_len = record_len(segment_size)?;
		Ok(SealingReader {
			source: Lookahead::new(plaintext),
			cipher: self.segment_cipher(),
			nonce_prefix: self.nonce_prefix,
			plaintext_len: record_len - TAG_LEN,
			next_record: 0,
			record: Vec::with_capacity(record_len),
			position: 0,
			finished: false,
		})
	}

	/// Opens a payload stream sealed with [`ObjectCipher::seal`].
	pub fn open<R: Read>(
		&self,
		payload: R,
		segment_size: u32,
	) -> Result<OpeningReader<R>, CryptoError> {
		let record_len = record_len(segment_size)?;
		Ok(OpeningReader {
			source: Lookahead::new(payload),
			cipher: self.segment_cipher(),
			nonce_prefix: self.nonce_prefix,
			record_len,
			next_record: 0,
			record: Vec::with_capacity(record_len),
			position: 0,
			finished: false,
		})
	}

	/// Payload length of `plaintext_len` bytes sealed into `segment_size` records.
	pub fn sealed_len(plaintext_len: u64, segment_size: u32) -> Result<u64, CryptoError> {
		let per_record = (record_len(segment_size)? - TAG_LEN) as u64;
		let records = plaintext_len.div_ceil(per_record).max(1);
		Ok(plaintext_len + records * TAG_LEN as u64)
	}

	fn segment_cipher(&self) -> XChaCha20Poly1305 {
		XChaCha20Poly1305::new(self.key.as_bytes().into())
	}
}

impl std::fmt::Debug for ObjectCipher {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("ObjectCipher(..)")
	}
}

fn record_len(segment_size: u32) -> Result<usize, CryptoError> {
	if (segment_size as usize) <= TAG_LEN {
		return Err(CryptoError::SegmentTooSmall(segment_size));
	}
	Ok(segment_size as usize)
}

fn record_nonce(prefix: &[u8; NONCE_PREFIX_LEN], record: u32, last: bool) -> XNonce {
	let mut nonce = XNonce::default();
	nonce[..NONCE_PREFIX_LEN].copy_from_slice(prefix);
	nonce[NONCE_PREFIX_LEN..NONCE_PREFIX_LEN + 4].copy_from_slice(&record.to_le_bytes());
	nonce[NONCE_PREFIX_LEN + 4] = u8::from(last);
	nonce
}

fn record_associated_data(record: u32, plaintext_len: usize, last: bool) -> [u8; 25] {
	let mut associated = [0u8; 25];
	associated[..16].copy_from_slice(SEGMENT_AAD_DOMAIN);
	associated[16..20].copy_from_slice(&record.to_le_bytes());
	associated[20..24].copy_from_slice(&(plaintext_len as u32).to_le_bytes());
	associated[24] = u8::from(last);
	associated
}

/// A `Read` adapter producing the sealed payload of a plaintext stream.
pub struct SealingReader<R> {
	source: Lookahead<R>,
	cipher: XChaCha20Poly1305,
	nonce_prefix: [u8; NONCE_PREFIX_LEN],
	plaintext_len: usize,
	next_record: u32,
	record: Vec<u8>,
	position: usize,
	finished: bool,
}

impl<R: Read> SealingReader<R> {
	fn seal_next(&mut self) -> Result<(), PipelineError> {
		self.record.clear();
		self.record.resize(self.plaintext_len, 0);
		let read = read_full(&mut self.source, &mut self.record)?;
		self.record.truncate(read);
		let last = read < self.plaintext_len || self.source.at_end()?;
		let index = self.next_record;
		let tag = self
			.cipher
			.encrypt_in_place_detached(
				&record_nonce(&self.nonce_prefix, index, last),
				&record_associated_data(index, read, last),
				&mut self.record,
			)
			.map_err(|_| CryptoError::SegmentAuthentication { segment: index })?;
		self.record.extend_from_slice(&tag);
		self.position = 0;
		self.finished = last;
		if !last {
			self.next_record = index.checked_add(1).ok_or(CryptoError::TooManySegments)?;
		}
		Ok(())
	}
}

impl<R: Read> Read for SealingReader<R> {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		if self.position == self.record.len() {
			if self.finished {
				return Ok(0);
			}
			self.seal_next()?;
		}
		let available = &self.record[self.position..];
		let count = available.len().min(buffer.len());
		buffer[..count].copy_from_slice(&available[..count]);
		self.position += count;
		Ok(count)
	}
}

/// A `Read` adapter producing the plaintext of a sealed payload stream; fails on the
/// first record that does not authenticate.
pub struct OpeningReader<R> {
	source: Lookahead<R>,
	cipher: XChaCha20Poly1305,
	nonce_prefix: [u8; NONCE_PREFIX_LEN],
	record_len: usize,
	next_record: u32,
	record: Vec<u8>,
	position: usize,
	finished: bool,
}

impl<R: Read> OpeningReader<R> {
	fn open_next(&mut self) -> Result<(), PipelineError> {
		self.record.clear();
		self.record.resize(self.record_len, 0);
		let read = read_full(&mut self.source, &mut self.record)?;
		if read < TAG_LEN {
			return Err(CryptoError::Truncated.into());
		}
		let last = read < self.record_len || self.source.at_end()?;
		let index = self.next_record;
		let plaintext_len = read - TAG_LEN;
		let mut tag = [0u8; TAG_LEN];
		tag.copy_from_slice(&self.record[plaintext_len..read]);
		self.record.truncate(plaintext_len);
		self.cipher
			.decrypt_in_place_detached(
				&record_nonce(&self.nonce_prefix, index, last),
				&record_associated_data(index, plaintext_len, last),
				&mut self.record,
				(&tag).into(),
			)
			.map_err(|_| CryptoError::SegmentAuthentication { segment: index })?;
		self.position = 0;
		self.finished = last;
		if !last {
			self.next_record = index.checked_add(1).ok_or(CryptoError::TooManySegments)?;
		}
		Ok(())
	}
}

impl<R: Read> Read for OpeningReader<R> {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		while self.position == self.record.len() {
			if self.finished {
				return Ok(0);
			}
			self.open_next()?;
		}
		let available = &self.record[self.position..];
		let count = available.len().min(buffer.len());
		buffer[..count].copy_from_slice(&available[..count]);
		self.position += count;
		Ok(count)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn seal(cipher: &ObjectCipher, plaintext: &[u8], segment_size: u32) -> Vec<u8> {
		let mut sealed = Vec::new();
		cipher.seal(plaintext, segment_size).unwrap().read_to_end(&mut sealed).unwrap();
		sealed
	}

	fn open(
		cipher: &ObjectCipher,
		sealed: &[u8],
		segment_size: u32,
	) -> Result<Vec<u8>, PipelineError> {
		let mut plaintext = Vec::new();
		cipher.open(sealed, segment_size)?.read_to_end(&mut plaintext)?;
		Ok(plaintext)
	}

	#[test]
	fn records_fill_segments_exactly() {
		let cipher = ObjectCipher::generate();
		for len in [0usize, 1, 47, 48, 49, 96, 97, 500] {
			let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
			let sealed = seal(&cipher, &plaintext, 64);
			assert_eq!(
				sealed.len() as u64,
				ObjectCipher::sealed_len(len as u64, 64).unwrap(),
				"len {len}"
			);
			assert_eq!(open(&cipher, &sealed, 64).unwrap(), plaintext);
		}
	}

	#[test]
	fn tampering_reordering_and_truncation_are_detected() {
		let cipher = ObjectCipher::generate();
		let plaintext = vec![7u8; 48 * 3];
		let sealed = seal(&cipher, &plaintext, 64);
		// Three full records; the third carries the last-record flag, no empty record follows.
		assert_eq!(sealed.len(), 64 * 3);

		let mut flipped = sealed.clone();
		flipped[70] ^= 1;
		assert!(matches!(
			open(&cipher, &flipped, 64),
			Err(PipelineError::Crypto(CryptoError::SegmentAuthentication { segment: 1 }))
		));

		let mut swapped = sealed.clone();
		swapped[..64].copy_from_slice(&sealed[64..128]);
		swapped[64..128].copy_from_slice(&sealed[..64]);
		assert!(matches!(
			open(&cipher, &swapped, 64),
			Err(PipelineError::Crypto(CryptoError::SegmentAuthentication { segment: 0 }))
		));

		// Dropping whole records at a segment boundary is caught by the last-record flag.
		assert!(matches!(
			open(&cipher, &sealed[..128], 64),
			Err(PipelineError::Crypto(CryptoError::SegmentAuthentication { segment: 1 }))
		));
		assert!(open(&cipher, &sealed[..100], 64).is_err());
		assert!(matches!(
			open(&cipher, &[], 64),
			Err(PipelineError::Crypto(CryptoError::Truncated))
		));

		let other = ObjectCipher::generate();
		assert!(open(&other, &sealed, 64).is_err());
		assert!(matches!(cipher.seal(&[][..], 16), Err(CryptoError::SegmentTooSmall(16))));
	}

	#[test]
	fn wrapped_keys_open_only_with_the_owner_secret() {
		let owner = StaticSecret::random_from_rng(OsRng);
		let stranger = StaticSecret::random_from_rng(OsRng);
		let cipher = ObjectCipher::generate();
		let envelope = cipher.envelope_for(&PublicKey::from(&owner)).unwrap();
		let reopened = ObjectCipher::open_envelope(&envelope, &owner).unwrap();
		assert_eq!(reopened.key(), cipher.key());
		assert_eq!(reopened.nonce_prefix(), cipher.nonce_prefix());
		assert_eq!(
			ObjectCipher::open_envelope(&envelope, &stranger).err(),
			Some(CryptoError::WrongKey)
		);

		let mut tampered = envelope.clone();
		tampered.wrapped_key.sealed_key[3] ^= 1;
		assert_eq!(
			ObjectCipher::open_envelope(&tampered, &owner).err(),
			Some(CryptoError::WrongKey)
		);
		let mut tampered = envelope.clone();
		tampered.wrapped_key.ephemeral_public[3] ^= 1;
		assert!(ObjectCipher::open_envelope(&tampered, &owner).is_err());
		assert_eq!(Envelope::decode(&mut &envelope.encode()[..]), Ok(envelope));

		// The all-zero point has low order and would yield a known shared secret.
		assert_eq!(
			wrap_key(cipher.key(), &PublicKey::from([0u8; 32])).err(),
			Some(CryptoError::WeakPublicKey)
		);
	}
}
