//! Endpoints where gateways, miners and schedulers are reached, checked by
//! one rule in every pallet that stores one.

/// Prefixes of an HTTP service's base URL (lower case, as clients print them).
pub const HTTP_PREFIXES: &[&[u8]] = &[b"http://", b"https://"];

/// Prefixes of a storage node's address: an HTTP URL or a libp2p multiaddr.
pub const NODE_PREFIXES: &[&[u8]] =
	&[b"http://", b"https://", b"/ip4/", b"/ip6/", b"/dns/", b"/dns4/", b"/dns6/"];

/// Whether `endpoint` starts with one of `prefixes`, continues with a host
/// (something that does not start with `/`), and is printable ASCII without
/// whitespace. Deliberately not a full parser: it keeps garbage and other
/// schemes out of on-chain registries; clients still validate what they
/// connect to.
pub fn is_valid_endpoint(endpoint: &[u8], prefixes: &[&[u8]]) -> bool {
	let printable = endpoint.iter().all(|byte| byte.is_ascii_graphic());
	printable
		&& prefixes.iter().any(|prefix| {
			endpoint
				.strip_prefix(*prefix)
				.and_then(|rest| rest.first())
				.is_some_and(|first| *first != b'/')
		})
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn accepts_urls_and_multiaddrs_by_prefix_set() {
		for good in [&b"https://gw.example:8443/base"[..], b"http://127.0.0.1:8080"] {
			assert!(is_valid_endpoint(good, HTTP_PREFIXES));
			assert!(is_valid_endpoint(good, NODE_PREFIXES));
		}
		let multiaddr = b"/ip4/10.0.0.1/tcp/30333";
		assert!(is_valid_endpoint(multiaddr, NODE_PREFIXES));
		assert!(!is_valid_endpoint(multiaddr, HTTP_PREFIXES));
	}

	#[test]
	fn rejects_garbage() {
		for bad in [
			&b""[..],
			b"http://",
			b"http:///path",
			b"ftp://host",
			b"HTTPS://host",
			b"https://host name",
			b"https://host\n",
			b"https://h\xc3\xa9",
			b"/ip4/",
		] {
			assert!(!is_valid_endpoint(bad, NODE_PREFIXES), "{bad:?}");
		}
	}
}
