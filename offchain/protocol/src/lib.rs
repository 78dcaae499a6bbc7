//! The DeOSS wire protocol, shared by the client, the scheduler and the miner:
//! [`routes`] names every HTTP route, [`messages`] the JSON bodies, and [`auth`] the
//! sr25519 signature every state-changing request carries (over method, path, body
//! digest and a timestamp; replays refused).
//!
//! Control messages are JSON, payloads and fragments raw bytes. Every error answer is
//! an [`messages::ErrorBody`] with a 4xx/5xx status that says what went wrong and
//! whether to retry.

pub mod auth;
pub mod messages;
pub mod routes;
#[cfg(feature = "server")]
pub mod server;

pub use auth::{AuthError, ReplayGuard, SignedRequest};
pub use messages::*;

use deoss_primitives::Fid;

/// A FID from its 64 hex digits (an optional `0x` prefix is allowed).
pub fn parse_fid(text: &str) -> Option<Fid> {
	let text = text.strip_prefix("0x").unwrap_or(text);
	let bytes = hex::decode(text).ok()?;
	Some(Fid(<[u8; 32]>::try_from(bytes).ok()?))
}

/// An account id from its 64 hex digits (an optional `0x` prefix is allowed).
pub fn parse_account_hex(text: &str) -> Option<[u8; 32]> {
	let text = text.strip_prefix("0x").unwrap_or(text);
	<[u8; 32]>::try_from(hex::decode(text).ok()?).ok()
}

/// An ISO 3166-1 alpha-2 region code as two bytes (upper case, e.g. `DE`); the chain
/// checks that the code is assigned.
pub fn parse_region(text: &str) -> Result<[u8; 2], String> {
	match text.as_bytes() {
		[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok([*a, *b]),
		_ => Err(format!(
			"region must be an upper-case ISO 3166-1 alpha-2 code such as DE, got {text:?}"
		)),
	}
}
