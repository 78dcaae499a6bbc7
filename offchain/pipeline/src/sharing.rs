//! Sharing an object's key with another party by proxy re-encryption (Umbral): the owner
//! grants key fragments, a proxy such as the gateway re-encrypts without ever seeing the
//! data key, and only the grantee can open the result.
//!
//! Umbral keys live on secp256k1, separate from the X25519 key of [`crate::crypto`].

use codec::{Decode, Encode};
use umbral_pre::{
	decrypt_original, decrypt_reencrypted, encrypt, generate_kfrags, reencrypt, Capsule,
	CapsuleFrag, DefaultDeserialize, DefaultSerialize, KeyFrag,
};

pub use umbral_pre::{PublicKey, SecretKey, Signer};

use crate::crypto::{CryptoError, DataKey, ObjectCipher, NONCE_PREFIX_LEN};

fn sharing_error(what: &str, error: impl std::fmt::Display) -> CryptoError {
	CryptoError::Sharing(format!("{what}: {error}"))
}

/// An object's cipher encrypted to its owner's Umbral key, re-encryptable by proxies.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct SharedKey {
	/// The serialized Umbral capsule.
	pub capsule: Vec<u8>,
	/// The data key and nonce prefix under the capsule's key.
	pub ciphertext: Vec<u8>,
}

/// What the owner hands a proxy to let one grantee open a [`SharedKey`].
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug)]
pub struct Grant {
	/// One serialized Umbral key fragment per proxy.
	pub key_fragments: Vec<Vec<u8>>,
}

impl SharedKey {
	/// Encrypts `cipher` to the owner's Umbral public key.
	pub fn seal(cipher: &ObjectCipher, owner: &PublicKey) -> Result<Self, CryptoError> {
		let mut secret = zeroize::Zeroizing::new(Vec::with_capacity(32 + NONCE_PREFIX_LEN));
		secret.extend_from_slice(cipher.key().as_bytes());
		secret.extend_from_slice(cipher.nonce_prefix());
		let (capsule, ciphertext) =
			encrypt(owner, &secret).map_err(|e| sharing_error("encrypt", e))?;
		let capsule = capsule.to_bytes().map_err(|e| sharing_error("capsule", e))?;
		Ok(Self { capsule: capsule.into_vec(), ciphertext: ciphertext.into_vec() })
	}

	/// The owner opens their own shared key.
	pub fn open_as_owner(&self, owner: &SecretKey) -> Result<ObjectCipher, CryptoError> {
		let capsule = self.capsule()?;
		let secret = decrypt_original(owner, &capsule, &self.ciphertext)
			.map_err(|_| CryptoError::WrongKey)?;
		cipher_from_secret(&secret)
	}

	/// The grantee opens the key from at least `threshold` re-encrypted fragments; every
	/// fragment is checked against the owner's keys and the grantee's public key first.
	pub fn open_as_grantee(
		&self,
		grantee: &SecretKey,
		owner: &PublicKey,
		owner_verifying_key: &PublicKey,
		capsule_fragments: &[Vec<u8>],
	) -> Result<ObjectCipher, CryptoError> {
		let capsule = self.capsule()?;
		let grantee_public = grantee.public_key();
		let verified = capsule_fragments
			.iter()
			.map(|bytes| {
				let fragment = CapsuleFrag::from_bytes(bytes)
					.map_err(|e| sharing_error("capsule fragment", e))?;
				fragment
					.verify(&capsule, owner_verifying_key, owner, &grantee_public)
					.map_err(|(e, _)| sharing_error("capsule fragment", e))
			})
			.collect::<Result<Vec<_>, _>>()?;
		let secret = decrypt_reencrypted(grantee, owner, &capsule, verified, &self.ciphertext)
			.map_err(|_| CryptoError::WrongKey)?;
		cipher_from_secret(&secret)
	}

	fn capsule(&self) -> Result<Capsule, CryptoError> {
		Capsule::from_bytes(&self.capsule).map_err(|e| sharing_error("capsule", e))
	}
}

fn cipher_from_secret(secret: &[u8]) -> Result<ObjectCipher, CryptoError> {
	if secret.len() != 32 + NONCE_PREFIX_LEN {
		return Err(CryptoError::WrongKey);
	}
	let mut key = [0u8; 32];
	key.copy_from_slice(&secret[..32]);
	let mut nonce_prefix = [0u8; NONCE_PREFIX_LEN];
	nonce_prefix.copy_from_slice(&secret[32..]);
	let cipher = ObjectCipher::from_parts(DataKey::from_bytes(key), nonce_prefix);
	zeroize::Zeroize::zeroize(&mut key);
	Ok(cipher)
}

/// The owner lets `grantee` open their shared keys through `shares` proxies, any
/// `threshold` of which must cooperate. Fragments are signed by `signer`.
pub fn grant(
	owner: &SecretKey,
	signer: &Signer,
	grantee: &PublicKey,
	threshold: usize,
	shares: usize,
) -> Result<Grant, CryptoError> {
	if threshold == 0 || threshold > shares {
		return Err(CryptoError::Sharing(
			"threshold must be between 1 and the number of shares".into(),
		));
	}
	let key_fragments = generate_kfrags(owner, grantee, signer, threshold, shares, true, true)
		.iter()
		.map(|fragment| {
			fragment.to_bytes().map(<[u8]>::into_vec).map_err(|e| sharing_error("key fragment", e))
		})
		.collect::<Result<Vec<_>, _>>()?;
	Ok(Grant { key_fragments })
}

/// The proxy's step: checks one key fragment against the owner's and grantee's keys and
/// re-encrypts the shared key's capsule with it. The proxy learns nothing about the key.
pub fn reencrypt_for_grantee(
	shared: &SharedKey,
	key_fragment: &[u8],
	owner: &PublicKey,
	owner_verifying_key: &PublicKey,
	grantee: &PublicKey,
) -> Result<Vec<u8>, CryptoError> {
	let capsule = shared.capsule()?;
	let fragment =
		KeyFrag::from_bytes(key_fragment).map_err(|e| sharing_error("key fragment", e))?;
	let verified = fragment
		.verify(owner_verifying_key, Some(owner), Some(grantee))
		.map_err(|(e, _)| sharing_error("key fragment", e))?;
	let capsule_fragment = reencrypt(&capsule, verified);
	capsule_fragment
		.to_bytes()
		.map(<[u8]>::into_vec)
		.map_err(|e| sharing_error("capsule fragment", e))
}
