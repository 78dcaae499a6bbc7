//! Request signing: the caller signs `(method, path, body digest, timestamp)` with its
//! sr25519 account key; the receiver checks the digest, the clock skew, the signature,
//! and that it never saw the signature before. Who the signer must be (the deal's
//! scheduler, the owner or its operator) is the receiver's question to the chain.

use std::{
	collections::{HashMap, VecDeque},
	sync::Mutex,
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use deoss_primitives::{Blake2bHasher, Hasher};
use http::HeaderMap;
use subxt_signer::sr25519::{self, Keypair};

/// The signer's account, 0x hex.
pub const ACCOUNT_HEADER: &str = "x-deoss-account";
/// Milliseconds since the Unix epoch when the request was signed.
pub const TIMESTAMP_HEADER: &str = "x-deoss-timestamp";
/// BLAKE2b-256 of the body, 0x hex.
pub const DIGEST_HEADER: &str = "x-deoss-digest";
/// sr25519 signature over [`signed_message`], 0x hex.
pub const SIGNATURE_HEADER: &str = "x-deoss-signature";

/// How far a request's timestamp may be from the receiver's clock.
pub const MAX_SKEW: Duration = Duration::from_secs(60);

/// Domain of request signatures, so they are never valid for anything else.
const DOMAIN: &[u8] = b"deoss/request/v1";

/// Why a request's signature is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
	/// A signing header is absent.
	#[error("unsigned request: header {0} is missing")]
	Missing(&'static str),
	/// A signing header does not parse.
	#[error("header {0} is malformed")]
	Malformed(&'static str),
	/// The body is not the one signed.
	#[error("the body does not match its signed digest")]
	DigestMismatch,
	/// The timestamp is too far from the receiver's clock.
	#[error("the request was signed {0} ms away from the receiver's clock (at most 60 s allowed)")]
	Skewed(i128),
	/// The signature does not verify for the account.
	#[error("the signature does not verify for the account")]
	BadSignature,
	/// The same signed request was seen before.
	#[error("the request was already received once (replay)")]
	Replayed,
}

/// What the signature covers.
pub fn signed_message(method: &str, path: &str, digest: &[u8; 32], timestamp_ms: u64) -> Vec<u8> {
	let mut message = Vec::with_capacity(DOMAIN.len() + method.len() + path.len() + 50);
	message.extend_from_slice(DOMAIN);
	message.extend_from_slice(method.as_bytes());
	message.push(b'\n');
	message.extend_from_slice(path.as_bytes());
	message.push(b'\n');
	message.extend_from_slice(digest);
	message.extend_from_slice(&timestamp_ms.to_le_bytes());
	message
}

/// BLAKE2b-256 of a body.
pub fn digest(body: &[u8]) -> [u8; 32] {
	Blake2bHasher::hash(body)
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |now| now.as_millis() as u64)
}

/// The four signing headers of one request.
#[derive(Debug, Clone)]
pub struct SignedRequest {
	/// `(name, value)` pairs to add to the request.
	pub headers: [(&'static str, String); 4],
}

impl SignedRequest {
	/// Signs `method path` with `body` as `signer`, now.
	pub fn sign(signer: &Keypair, method: &str, path: &str, body: &[u8]) -> Self {
		Self::sign_at(signer, method, path, body, now_ms())
	}

	/// Signs as of `timestamp_ms`.
	pub fn sign_at(
		signer: &Keypair,
		method: &str,
		path: &str,
		body: &[u8],
		timestamp_ms: u64,
	) -> Self {
		let digest = digest(body);
		let signature = signer.sign(&signed_message(method, path, &digest, timestamp_ms));
		Self {
			headers: [
				(ACCOUNT_HEADER, format!("0x{}", hex::encode(signer.public_key().0))),
				(TIMESTAMP_HEADER, timestamp_ms.to_string()),
				(DIGEST_HEADER, format!("0x{}", hex::encode(digest))),
				(SIGNATURE_HEADER, format!("0x{}", hex::encode(signature.0))),
			],
		}
	}
}

fn header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, AuthError> {
	headers
		.get(name)
		.ok_or(AuthError::Missing(name))?
		.to_str()
		.map_err(|_| AuthError::Malformed(name))
}

fn hex_header<const N: usize>(
	headers: &HeaderMap,
	name: &'static str,
) -> Result<[u8; N], AuthError> {
	let text = header(headers, name)?;
	let bytes = hex::decode(text.strip_prefix("0x").unwrap_or(text))
		.map_err(|_| AuthError::Malformed(name))?;
	<[u8; N]>::try_from(bytes).map_err(|_| AuthError::Malformed(name))
}

/// Checks the signature headers of a request (digest, clock skew, sr25519 signature)
/// without remembering it: the signer's account and the signature, which a receiver
/// must record to refuse replays ([`ReplayGuard`] does so in memory).
pub fn verify_signature(
	headers: &HeaderMap,
	method: &str,
	path: &str,
	body: &[u8],
	now_ms: u64,
) -> Result<([u8; 32], [u8; 64]), AuthError> {
	verify_signed_digest(headers, method, path, &digest(body), now_ms)
}

/// [`verify_signature`] for a body the receiver streamed rather than held: `body_digest`
/// is what it computed ([`digest`] of the whole body).
pub fn verify_signed_digest(
	headers: &HeaderMap,
	method: &str,
	path: &str,
	body_digest: &[u8; 32],
	now_ms: u64,
) -> Result<([u8; 32], [u8; 64]), AuthError> {
	let account: [u8; 32] = hex_header(headers, ACCOUNT_HEADER)?;
	let signed_digest: [u8; 32] = hex_header(headers, DIGEST_HEADER)?;
	let signature: [u8; 64] = hex_header(headers, SIGNATURE_HEADER)?;
	let timestamp: u64 = header(headers, TIMESTAMP_HEADER)?
		.parse()
		.map_err(|_| AuthError::Malformed(TIMESTAMP_HEADER))?;
	if *body_digest != signed_digest {
		return Err(AuthError::DigestMismatch);
	}
	let skew = i128::from(timestamp) - i128::from(now_ms);
	if skew.unsigned_abs() > MAX_SKEW.as_millis() {
		return Err(AuthError::Skewed(skew));
	}
	let message = signed_message(method, path, &signed_digest, timestamp);
	if !sr25519::verify(&sr25519::Signature(signature), &message, &sr25519::PublicKey(account)) {
		return Err(AuthError::BadSignature);
	}
	Ok((account, signature))
}

/// Remembers the signatures of recent requests, so that none is accepted twice.
/// Entries older than twice [`MAX_SKEW`] are forgotten: their timestamps are refused
/// anyway.
#[derive(Default)]
pub struct ReplayGuard {
	seen: Mutex<(HashMap<[u8; 64], u64>, VecDeque<([u8; 64], u64)>)>,
}

impl ReplayGuard {
	/// A guard that has seen nothing.
	pub fn new() -> Self {
		Self::default()
	}

	/// Checks a request's signature headers against `method`, `path` and its `body`;
	/// returns the signer's account.
	pub fn verify(
		&self,
		headers: &HeaderMap,
		method: &str,
		path: &str,
		body: &[u8],
	) -> Result<[u8; 32], AuthError> {
		self.verify_at(headers, method, path, body, now_ms())
	}

	/// [`ReplayGuard::verify`] with the receiver's clock at `now_ms`.
	pub fn verify_at(
		&self,
		headers: &HeaderMap,
		method: &str,
		path: &str,
		body: &[u8],
		now_ms: u64,
	) -> Result<[u8; 32], AuthError> {
		let (account, signature) = verify_signature(headers, method, path, body, now_ms)?;
		let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let (by_signature, by_age) = &mut *seen;
		let horizon = now_ms.saturating_sub(2 * MAX_SKEW.as_millis() as u64);
		while by_age.front().is_some_and(|(_, at)| *at < horizon) {
			if let Some((old, _)) = by_age.pop_front() {
				by_signature.remove(&old);
			}
		}
		if by_signature.insert(signature, now_ms).is_some() {
			return Err(AuthError::Replayed);
		}
		by_age.push_back((signature, now_ms));
		Ok(account)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt_signer::sr25519::dev;

	fn headers(signed: &SignedRequest) -> HeaderMap {
		let mut map = HeaderMap::new();
		for (name, value) in &signed.headers {
			map.insert(*name, value.parse().unwrap());
		}
		map
	}

	#[test]
	fn a_signed_request_verifies_once() {
		let guard = ReplayGuard::new();
		let alice = dev::alice();
		let signed = SignedRequest::sign(&alice, "PUT", "/v1/deals/3/upload?offset=0", b"payload");
		let map = headers(&signed);
		let account = guard.verify(&map, "PUT", "/v1/deals/3/upload?offset=0", b"payload").unwrap();
		assert_eq!(account, alice.public_key().0);
		assert_eq!(
			guard.verify(&map, "PUT", "/v1/deals/3/upload?offset=0", b"payload"),
			Err(AuthError::Replayed)
		);
	}

	#[test]
	fn forged_changed_and_stale_requests_are_refused() {
		let guard = ReplayGuard::new();
		let alice = dev::alice();
		let path = "/v1/deals/3/upload?offset=0";
		let map = headers(&SignedRequest::sign(&alice, "PUT", path, b"payload"));
		assert_eq!(guard.verify(&map, "PUT", path, b"other"), Err(AuthError::DigestMismatch));
		assert_eq!(
			guard.verify(&map, "PUT", "/v1/deals/4/upload?offset=0", b"payload"),
			Err(AuthError::BadSignature)
		);
		assert_eq!(guard.verify(&map, "POST", path, b"payload"), Err(AuthError::BadSignature));

		// Bob's account with Alice's signature.
		let mut forged = map.clone();
		forged.insert(
			ACCOUNT_HEADER,
			format!("0x{}", hex::encode(dev::bob().public_key().0)).parse().unwrap(),
		);
		assert_eq!(guard.verify(&forged, "PUT", path, b"payload"), Err(AuthError::BadSignature));

		let old = SignedRequest::sign_at(&alice, "PUT", path, b"payload", now_ms() - 120_000);
		assert!(matches!(
			guard.verify(&headers(&old), "PUT", path, b"payload"),
			Err(AuthError::Skewed(_))
		));

		assert_eq!(
			guard.verify(&HeaderMap::new(), "PUT", path, b"payload"),
			Err(AuthError::Missing(ACCOUNT_HEADER))
		);
	}
}
