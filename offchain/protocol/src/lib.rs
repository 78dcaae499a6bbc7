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

pub use auth::{verify_signature, verify_signed_digest, AuthError, ReplayGuard, SignedRequest};
pub use messages::*;

use deoss_primitives::{Fid, Layout};

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

/// `DE,FR`, `EU`, or a mix, as sorted distinct region codes (`EU` stands for its
/// member states).
pub fn parse_regions(text: &str) -> Result<Vec<[u8; 2]>, String> {
	let mut regions = Vec::new();
	for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
		if part == "EU" {
			regions.extend(deoss_traits::EU_MEMBERS);
		} else {
			regions.push(parse_region(part)?);
		}
	}
	regions.sort();
	regions.dedup();
	if regions.is_empty() {
		return Err("at least one region is needed".into());
	}
	Ok(regions)
}

/// `k+m` (e.g. `4+8`): the default layout with `k` data and `m` parity shards and
/// `replicas` copies of each column, full segments cut to split evenly into `k`.
pub fn parse_layout(text: &str, replicas: u8) -> Result<Layout, String> {
	let (data, parity) = text
		.split_once('+')
		.ok_or_else(|| format!("layout {text:?} is not DATA+PARITY, e.g. 4+8"))?;
	let data: u16 =
		data.trim().parse().map_err(|_| format!("layout {text:?}: bad data shard count"))?;
	let parity: u16 =
		parity.trim().parse().map_err(|_| format!("layout {text:?}: bad parity shard count"))?;
	let mut layout = Layout::with_shards(data, parity);
	layout.segment_size -= layout.segment_size % u32::from(layout.data_shards.max(1));
	layout.replicas = replicas;
	layout.validate().map_err(|error| format!("layout {text}: {error}"))?;
	Ok(layout)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn layouts_and_regions_parse_and_bad_ones_say_why() {
		let layout = parse_layout("2+2", 1).unwrap();
		assert_eq!((layout.data_shards, layout.parity_shards, layout.replicas), (2, 2, 1));
		assert_eq!(layout.segment_size % 2, 0);
		assert!(parse_layout("4", 1).unwrap_err().contains("DATA+PARITY"));
		assert!(parse_layout("x+2", 1).unwrap_err().contains("data shard"));
		assert!(parse_layout("0+2", 1).is_err());
		assert_eq!(parse_regions("FR, DE,FR").unwrap(), vec![*b"DE", *b"FR"]);
		assert!(parse_regions("EU").unwrap().contains(b"DE"));
		assert!(parse_regions("de").is_err());
		assert!(parse_regions(" , ").is_err());
	}
}
