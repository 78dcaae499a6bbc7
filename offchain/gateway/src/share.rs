//! Sharing an encrypted object with an app by proxy re-encryption (Umbral), the gateway
//! as the proxy: it re-encrypts the data key's capsule for the app and never learns
//! the key.
//!
//! * `POST /v1/shares/{bucket}/{key}`, signed by the owner (who authorized the gateway
//!   with `ReadShare`): `{grantee, shared_key, key_fragment, owner_key, verifying_key,
//!   grantee_key}`, all 0x hex. `shared_key` is the SCALE-encoded
//!   `deoss_pipeline::sharing::SharedKey` the owner sealed from the object's cipher;
//!   the fragment is checked against the keys before it is kept.
//! * `GET /v1/shared/{owner}/{bucket}/{key}`, signed by the grantee: the shared key and
//!   a capsule fragment re-encrypted for it, while the owner's authorization holds and
//!   the object is the one that was shared. The grantee reads the ciphertext from the
//!   miners (or `?raw=true`) and opens it with `SharedKey::open_as_grantee`.

use std::sync::Arc;

use axum::{
	body::Bytes,
	extract::{Path, Request, State},
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use codec::Decode;
use deoss_chain::{signer::ss58, AccountId, Scope};
use deoss_pipeline::sharing::{reencrypt_for_grantee, PublicKey, SharedKey};
use deoss_protocol::{auth::MAX_SKEW, server::ApiError, verify_signature, AuthError};
use serde::{Deserialize, Serialize};

use crate::{objects::signed_path, state::now_ms, Gateway};

/// What an owner hands the gateway to let one grantee read one object.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ShareGrant {
	/// The grantee's account (0x hex).
	pub grantee: String,
	/// SCALE-encoded `SharedKey` (0x hex).
	pub shared_key: String,
	/// The Umbral key fragment for the grantee (0x hex).
	pub key_fragment: String,
	/// The owner's Umbral public key (0x hex, compressed).
	pub owner_key: String,
	/// The owner's Umbral verifying key (0x hex, compressed).
	pub verifying_key: String,
	/// The grantee's Umbral public key (0x hex, compressed).
	pub grantee_key: String,
}

/// What the grantee gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedForGrantee {
	/// The object's file.
	pub fid: String,
	/// SCALE-encoded `SharedKey` (0x hex).
	pub shared_key: String,
	/// The capsule fragment re-encrypted for the grantee (0x hex).
	pub capsule_fragment: String,
	/// The owner's Umbral public key (0x hex).
	pub owner_key: String,
	/// The owner's Umbral verifying key (0x hex).
	pub verifying_key: String,
}

fn unhex(name: &str, text: &str) -> Result<Vec<u8>, ApiError> {
	hex::decode(text.strip_prefix("0x").unwrap_or(text))
		.map_err(|_| ApiError::bad_request("invalid_share", format!("{name} is not hex")))
}

fn public_key(name: &str, text: &str) -> Result<PublicKey, ApiError> {
	PublicKey::try_from_compressed_bytes(&unhex(name, text)?)
		.map_err(|error| ApiError::bad_request("invalid_share", format!("{name}: {error}")))
}

/// The capsule fragment for `grant`, checking every key on the way.
fn reencrypt(grant: &ShareGrant) -> Result<Vec<u8>, ApiError> {
	let shared =
		SharedKey::decode(&mut &unhex("shared_key", &grant.shared_key)?[..]).map_err(|_| {
			ApiError::bad_request("invalid_share", "shared_key is not a SCALE SharedKey")
		})?;
	reencrypt_for_grantee(
		&shared,
		&unhex("key_fragment", &grant.key_fragment)?,
		&public_key("owner_key", &grant.owner_key)?,
		&public_key("verifying_key", &grant.verifying_key)?,
		&public_key("grantee_key", &grant.grantee_key)?,
	)
	.map_err(|error| {
		ApiError::bad_request("invalid_share", format!("the key fragment does not verify: {error}"))
	})
}

fn internal(error: impl std::fmt::Display) -> ApiError {
	ApiError::internal(error.to_string())
}

/// `POST /v1/shares/{bucket}/{key}`.
pub async fn grant(
	State(gateway): State<Arc<Gateway>>,
	Path((bucket, key)): Path<(String, String)>,
	request: Request,
) -> Result<Response, ApiError> {
	let (owner, _, body) =
		crate::objects::authenticate_small(&gateway, request, Scope::ReadShare, 64 << 10).await?;
	let grant: ShareGrant = serde_json::from_slice(&body)
		.map_err(|error| ApiError::bad_request("invalid_json", error.to_string()))?;
	let grantee = deoss_protocol::parse_account_hex(&grant.grantee)
		.ok_or_else(|| ApiError::bad_request("invalid_share", "grantee is not a 0x hex account"))?;
	let fid =
		deoss_primitives::Fid(crate::objects::object_fid(&gateway, &owner, &bucket, &key).await?);
	reencrypt(&grant)?;
	let text = serde_json::to_string(&grant).map_err(internal)?;
	gateway.state.put_share(&owner, &bucket, &key, &grantee, &fid.0, &text).map_err(internal)?;
	tracing::info!(owner = %ss58(&owner), grantee = %ss58(&grantee), %bucket, %key, "share granted");
	Ok((
		StatusCode::CREATED,
		Json(
			serde_json::json!({"fid": format!("0x{}", hex::encode(fid.0)), "grantee": ss58(&grantee)}),
		),
	)
		.into_response())
}

/// `GET /v1/shared/{owner}/{bucket}/{key}`.
pub async fn open(
	State(gateway): State<Arc<Gateway>>,
	Path((owner, bucket, key)): Path<(String, String, String)>,
	request: Request,
) -> Result<Response, ApiError> {
	let (parts, _) = request.into_parts();
	let path = signed_path(&parts.uri);
	// The grantee only signs: it need not have authorized the gateway.
	let (grantee, signature) =
		verify_signature(&parts.headers, "GET", &path, &Bytes::new(), now_ms() as u64)
			.map_err(ApiError::from)?;
	match gateway.state.first_seen(&signature, now_ms() + 2 * MAX_SKEW.as_millis() as i64) {
		Ok(true) => {}
		Ok(false) => return Err(ApiError::from(AuthError::Replayed)),
		Err(error) => return Err(internal(error)),
	}
	let owner: AccountId = deoss_protocol::parse_account_hex(&owner)
		.ok_or_else(|| ApiError::bad_request("invalid_owner", "the owner is a 0x hex account"))?;
	let Some((fid, text)) =
		gateway.state.share(&owner, &bucket, &key, &grantee).map_err(internal)?
	else {
		return Err(ApiError::not_found(
			"no_share",
			format!("{} has not shared {bucket}/{key} with {}", ss58(&owner), ss58(&grantee)),
		));
	};
	// The owner's authorization of the gateway must still hold.
	match gateway.authorized(&owner, Scope::ReadShare).await {
		Ok(Ok(())) => {}
		Ok(Err(denied)) => return Err(ApiError::forbidden("not_authorized", denied.to_string())),
		Err(error) => return Err(ApiError::unavailable("chain", error.to_string())),
	}
	let current = gateway
		.chain()
		.object_fid(&owner, bucket.as_bytes(), key.as_bytes())
		.await
		.map_err(|error| ApiError::unavailable("chain", error.to_string()))?;
	if current.map(|fid| fid.0) != Some(fid) {
		return Err(ApiError::not_found(
			"share_outdated",
			format!("{bucket}/{key} was replaced or deleted since it was shared"),
		));
	}
	let grant: ShareGrant = serde_json::from_str(&text).map_err(internal)?;
	let capsule_fragment = reencrypt(&grant)?;
	Ok(Json(SharedForGrantee {
		fid: format!("0x{}", hex::encode(fid)),
		shared_key: grant.shared_key,
		capsule_fragment: format!("0x{}", hex::encode(capsule_fragment)),
		owner_key: grant.owner_key,
		verifying_key: grant.verifying_key,
	})
	.into_response())
}

#[cfg(test)]
mod tests {
	use codec::Encode;
	use deoss_pipeline::{
		sharing::{grant, SecretKey, Signer},
		ObjectCipher,
	};

	use super::*;

	fn hexed(bytes: &[u8]) -> String {
		format!("0x{}", hex::encode(bytes))
	}

	#[test]
	fn a_grant_reencrypts_for_its_grantee_only() {
		let cipher = ObjectCipher::generate();
		let (owner, grantee) = (SecretKey::random(), SecretKey::random());
		let signer = Signer::new(SecretKey::random());
		let shared = SharedKey::seal(&cipher, &owner.public_key()).unwrap();
		let fragments = grant(&owner, &signer, &grantee.public_key(), 1, 1).unwrap();
		let mut share = ShareGrant {
			grantee: hexed(&[2; 32]),
			shared_key: hexed(&shared.encode()),
			key_fragment: hexed(&fragments.key_fragments[0]),
			owner_key: hexed(&owner.public_key().to_compressed_bytes()),
			verifying_key: hexed(&signer.verifying_key().to_compressed_bytes()),
			grantee_key: hexed(&grantee.public_key().to_compressed_bytes()),
		};
		let capsule_fragment = reencrypt(&share).unwrap();
		let opened = shared
			.open_as_grantee(
				&grantee,
				&owner.public_key(),
				&signer.verifying_key(),
				&[capsule_fragment],
			)
			.unwrap();
		assert_eq!(opened.key().as_bytes(), cipher.key().as_bytes());

		share.grantee_key = hexed(&SecretKey::random().public_key().to_compressed_bytes());
		assert!(reencrypt(&share).unwrap_err().body.reason.contains("does not verify"));
		share.grantee_key = "0xzz".into();
		assert!(reencrypt(&share).unwrap_err().body.reason.contains("not hex"));
		share.shared_key = "0x00".into();
		assert!(reencrypt(&share).is_err());
	}
}
