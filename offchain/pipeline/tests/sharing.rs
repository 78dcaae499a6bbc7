//! End to end: an owner stores an encrypted object, opens it with its X25519 key, and
//! shares it with a grantee through proxies that re-encrypt without seeing the key.

#![cfg(feature = "proxy-reencryption")]

mod common;

use common::{encode_into_store, object_bytes};
use deoss_pipeline::{
	crypto::{generate_owner_key, OwnerPublicKey},
	decode_object,
	primitives::Layout,
	sharing::{grant, reencrypt_for_grantee, SecretKey, SharedKey, Signer},
	CryptoError, ObjectCipher, ObjectOptions,
};

#[test]
fn owner_and_grantee_open_the_object_and_nobody_else_does() {
	let layout = Layout {
		segment_size: 1024,
		data_shards: 2,
		parity_shards: 2,
		chunk_size: 128,
		replicas: 1,
	};
	let object = object_bytes(5000, 11);
	let options = ObjectOptions::compressed_and_encrypted();
	let cipher = options.cipher.clone().unwrap();
	let (encoded, store) = encode_into_store(&object, layout, 2, &options);

	// The owner keeps an X25519-wrapped envelope and an Umbral-sealed copy of the key.
	let owner_x25519 = generate_owner_key();
	let envelope = cipher.envelope_for(&OwnerPublicKey::from(&owner_x25519)).unwrap();
	let owner = SecretKey::random();
	let owner_signer = Signer::new(SecretKey::random());
	let shared = SharedKey::seal(&cipher, &owner.public_key()).unwrap();

	let restore = |cipher: ObjectCipher| {
		let options = ObjectOptions { cipher: Some(cipher), ..options.clone() };
		let mut restored = Vec::new();
		decode_object(&encoded.fid, &encoded.manifest, store.source(), &options, &mut restored)
			.map(|_| restored)
	};
	assert_eq!(
		restore(ObjectCipher::open_envelope(&envelope, &owner_x25519).unwrap()).unwrap(),
		object
	);
	assert_eq!(restore(shared.open_as_owner(&owner).unwrap()).unwrap(), object);

	// Two of three proxies are enough for the grantee.
	let grantee = SecretKey::random();
	let access = grant(&owner, &owner_signer, &grantee.public_key(), 2, 3).unwrap();
	let capsule_fragments: Vec<Vec<u8>> = access.key_fragments[1..]
		.iter()
		.map(|key_fragment| {
			reencrypt_for_grantee(
				&shared,
				key_fragment,
				&owner.public_key(),
				&owner_signer.verifying_key(),
				&grantee.public_key(),
			)
			.unwrap()
		})
		.collect();
	let opened = shared
		.open_as_grantee(
			&grantee,
			&owner.public_key(),
			&owner_signer.verifying_key(),
			&capsule_fragments,
		)
		.unwrap();
	assert_eq!(opened.key(), cipher.key());
	assert_eq!(restore(opened).unwrap(), object);

	// One fragment is below the threshold.
	assert!(shared
		.open_as_grantee(
			&grantee,
			&owner.public_key(),
			&owner_signer.verifying_key(),
			&capsule_fragments[..1]
		)
		.is_err());
	// Someone else cannot use the grantee's fragments.
	let stranger = SecretKey::random();
	assert!(shared
		.open_as_grantee(
			&stranger,
			&owner.public_key(),
			&owner_signer.verifying_key(),
			&capsule_fragments
		)
		.is_err());
	assert_eq!(shared.open_as_owner(&stranger).err(), Some(CryptoError::WrongKey));
	// A proxy refuses a key fragment presented for another grantee.
	assert!(reencrypt_for_grantee(
		&shared,
		&access.key_fragments[0],
		&owner.public_key(),
		&owner_signer.verifying_key(),
		&stranger.public_key(),
	)
	.is_err());
	// The wrapped X25519 envelope does not open for the grantee's proxies either.
	let other_x25519 = generate_owner_key();
	assert_eq!(
		ObjectCipher::open_envelope(&envelope, &other_x25519).err(),
		Some(CryptoError::WrongKey)
	);
	assert!(grant(&owner, &owner_signer, &grantee.public_key(), 4, 3).is_err());
}
