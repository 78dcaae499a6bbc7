//! Data keys wrapped to accounts. An sr25519 account id is a Ristretto255 point, so a
//! data key can be sealed to any account from its address alone (ephemeral-static
//! Diffie-Hellman on Ristretto255) and opened only with that account's secret key:
//! the owner decrypts on any machine that has the account key, and sharing needs no
//! separate key registry.
//!
//! The ephemeral scalar is derived from the data key and the recipient, so wrapping the
//! same key to the same account always gives the same bytes (an object's header, which
//! the FID commits to, can be rebuilt when an upload is resumed). It stays secret and
//! unique per (key, recipient), which is all Diffie-Hellman needs.

use blake2::{
	digest::consts::{U32, U64},
	Blake2b, Digest,
};
use chacha20poly1305::{aead::AeadInPlace, ChaCha20Poly1305, KeyInit};
use curve25519_dalek::{
	constants::RISTRETTO_BASEPOINT_TABLE, ristretto::CompressedRistretto, RistrettoPoint, Scalar,
};
use zeroize::Zeroizing;

use crate::crypto::{CryptoError, DataKey, WrappedKey};

const EPHEMERAL_DOMAIN: &[u8] = b"deoss/account-wrap/ephemeral/v1";
const KEK_DOMAIN: &[u8] = b"deoss/account-wrap/v1";

/// An account's secret scalar (the first half of an expanded sr25519 secret key).
#[derive(Clone)]
pub struct AccountSecret(Scalar);

impl AccountSecret {
	/// The secret from the 32 canonical bytes of the scalar.
	pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, CryptoError> {
		let scalar = Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes))
			.ok_or(CryptoError::InvalidAccountKey)?;
		if scalar == Scalar::ZERO {
			return Err(CryptoError::InvalidAccountKey);
		}
		Ok(Self(scalar))
	}

	/// The account id (compressed Ristretto255 point) of this secret.
	pub fn account(&self) -> [u8; 32] {
		(&self.0 * RISTRETTO_BASEPOINT_TABLE).compress().to_bytes()
	}
}

impl Drop for AccountSecret {
	fn drop(&mut self) {
		zeroize::Zeroize::zeroize(&mut self.0);
	}
}

impl std::fmt::Debug for AccountSecret {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("AccountSecret(..)")
	}
}

fn point(bytes: &[u8; 32]) -> Result<RistrettoPoint, CryptoError> {
	let point = CompressedRistretto(*bytes).decompress().ok_or(CryptoError::InvalidAccountKey)?;
	if point == RistrettoPoint::default() {
		return Err(CryptoError::WeakPublicKey);
	}
	Ok(point)
}

fn key_encryption_key(
	shared: &RistrettoPoint,
	ephemeral: &[u8; 32],
	recipient: &[u8; 32],
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
	if *shared == RistrettoPoint::default() {
		return Err(CryptoError::WeakPublicKey);
	}
	let mut hasher = Blake2b::<U32>::new();
	hasher.update(KEK_DOMAIN);
	hasher.update(shared.compress().as_bytes());
	hasher.update(ephemeral);
	hasher.update(recipient);
	Ok(Zeroizing::new(hasher.finalize().into()))
}

fn associated_data(ephemeral: &[u8; 32], recipient: &[u8; 32]) -> [u8; 64] {
	let mut associated = [0u8; 64];
	associated[..32].copy_from_slice(ephemeral);
	associated[32..].copy_from_slice(recipient);
	associated
}

/// Seals `key` to the account `recipient` (its 32-byte id).
pub fn wrap_to_account(key: &DataKey, recipient: &[u8; 32]) -> Result<WrappedKey, CryptoError> {
	let recipient_point = point(recipient)?;
	let mut wide = Zeroizing::new([0u8; 64]);
	let mut hasher = Blake2b::<U64>::new();
	hasher.update(EPHEMERAL_DOMAIN);
	hasher.update(key.as_bytes());
	hasher.update(recipient);
	wide.copy_from_slice(&hasher.finalize());
	let mut ephemeral = Scalar::from_bytes_mod_order_wide(&wide);
	let ephemeral_public = (&ephemeral * RISTRETTO_BASEPOINT_TABLE).compress().to_bytes();
	let shared = ephemeral * recipient_point;
	zeroize::Zeroize::zeroize(&mut ephemeral);
	let kek = key_encryption_key(&shared, &ephemeral_public, recipient)?;
	let mut sealed = Zeroizing::new(*key.as_bytes());
	// Each key-encryption key seals one data key for one recipient: a zero nonce is safe.
	let tag = ChaCha20Poly1305::new((&*kek).into())
		.encrypt_in_place_detached(
			&Default::default(),
			&associated_data(&ephemeral_public, recipient),
			&mut sealed[..],
		)
		.map_err(|_| CryptoError::WrongKey)?;
	let mut sealed_key = [0u8; 48];
	sealed_key[..32].copy_from_slice(&sealed[..]);
	sealed_key[32..].copy_from_slice(&tag);
	Ok(WrappedKey { ephemeral_public, sealed_key })
}

/// Opens a key wrapped with [`wrap_to_account`] with the recipient's secret.
pub fn unwrap_with_account(
	wrapped: &WrappedKey,
	secret: &AccountSecret,
) -> Result<DataKey, CryptoError> {
	let recipient = secret.account();
	let shared = secret.0 * point(&wrapped.ephemeral_public)?;
	let kek = key_encryption_key(&shared, &wrapped.ephemeral_public, &recipient)?;
	let mut key = Zeroizing::new([0u8; 32]);
	key.copy_from_slice(&wrapped.sealed_key[..32]);
	ChaCha20Poly1305::new((&*kek).into())
		.decrypt_in_place_detached(
			&Default::default(),
			&associated_data(&wrapped.ephemeral_public, &recipient),
			&mut key[..],
			wrapped.sealed_key[32..].into(),
		)
		.map_err(|_| CryptoError::WrongKey)?;
	Ok(DataKey::from_bytes(*key))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn secret(seed: u8) -> AccountSecret {
		let mut wide = [seed; 64];
		wide[0] = 1;
		AccountSecret::from_bytes(Scalar::from_bytes_mod_order_wide(&wide).to_bytes()).unwrap()
	}

	#[test]
	fn the_recipient_and_only_the_recipient_opens_it() {
		let key = DataKey::generate();
		let alice = secret(1);
		let bob = secret(2);
		let wrapped = wrap_to_account(&key, &alice.account()).unwrap();
		assert_eq!(unwrap_with_account(&wrapped, &alice).unwrap(), key);
		assert_eq!(unwrap_with_account(&wrapped, &bob), Err(CryptoError::WrongKey));
	}

	#[test]
	fn wrapping_is_deterministic_per_key_and_recipient() {
		let key = DataKey::generate();
		let alice = secret(1).account();
		let bob = secret(2).account();
		assert_eq!(wrap_to_account(&key, &alice).unwrap(), wrap_to_account(&key, &alice).unwrap());
		assert_ne!(
			wrap_to_account(&key, &alice).unwrap().ephemeral_public,
			wrap_to_account(&key, &bob).unwrap().ephemeral_public
		);
		assert_ne!(
			wrap_to_account(&key, &alice).unwrap(),
			wrap_to_account(&DataKey::generate(), &alice).unwrap()
		);
	}

	#[test]
	fn tampering_and_bad_points_are_refused() {
		let key = DataKey::generate();
		let alice = secret(1);
		let mut wrapped = wrap_to_account(&key, &alice.account()).unwrap();
		wrapped.sealed_key[3] ^= 1;
		assert_eq!(unwrap_with_account(&wrapped, &alice), Err(CryptoError::WrongKey));
		// Not a canonical Ristretto encoding.
		assert_eq!(wrap_to_account(&key, &[0xff; 32]), Err(CryptoError::InvalidAccountKey));
		// The identity.
		assert_eq!(wrap_to_account(&key, &[0; 32]), Err(CryptoError::WeakPublicKey));
		assert!(AccountSecret::from_bytes([0; 32]).is_err());
		assert!(AccountSecret::from_bytes([0xff; 32]).is_err());
	}
}
