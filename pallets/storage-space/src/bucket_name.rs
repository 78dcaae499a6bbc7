//! The S3 bucket-name rules, checked on chain so that every stored bucket
//! can be served unchanged through the gateway's S3-compatible endpoints.

/// Shortest bucket name.
pub const MIN_LEN: usize = 3;
/// Longest bucket name.
pub const MAX_LEN: usize = crate::types::MAX_BUCKET_NAME_LEN as usize;

/// Prefixes S3 reserves for its own use.
const RESERVED_PREFIXES: [&[u8]; 3] = [b"xn--", b"sthree-", b"amzn-s3-demo-"];
/// Suffixes S3 reserves for access points, aliases and table buckets.
const RESERVED_SUFFIXES: [&[u8]; 5] = [b"-s3alias", b"--ol-s3", b".mrap", b"--x-s3", b"--table-s3"];

/// The first rule a name breaks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BucketNameError {
	/// Fewer than 3 bytes.
	TooShort,
	/// More than 63 bytes.
	TooLong,
	/// A byte other than a lowercase letter, a digit, '.' or '-'.
	InvalidCharacter,
	/// Begins or ends with '.' or '-'.
	BadEdge,
	/// Two periods next to each other.
	AdjacentPeriods,
	/// Formatted as an IPv4 address.
	IpAddress,
	/// Begins with a prefix S3 reserves.
	ReservedPrefix,
	/// Ends with a suffix S3 reserves.
	ReservedSuffix,
}

/// Checks `name` against the S3 bucket-name rules, in the order the variants
/// of [`BucketNameError`] are listed.
pub fn validate(name: &[u8]) -> Result<(), BucketNameError> {
	if name.len() < MIN_LEN {
		return Err(BucketNameError::TooShort);
	}
	if name.len() > MAX_LEN {
		return Err(BucketNameError::TooLong);
	}
	if !name.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
	{
		return Err(BucketNameError::InvalidCharacter);
	}
	let is_letter_or_digit = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
	if !is_letter_or_digit(name.first()) || !is_letter_or_digit(name.last()) {
		return Err(BucketNameError::BadEdge);
	}
	if name.windows(2).any(|pair| pair == b"..") {
		return Err(BucketNameError::AdjacentPeriods);
	}
	if looks_like_ipv4(name) {
		return Err(BucketNameError::IpAddress);
	}
	if RESERVED_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
		return Err(BucketNameError::ReservedPrefix);
	}
	if RESERVED_SUFFIXES.iter().any(|suffix| name.ends_with(suffix)) {
		return Err(BucketNameError::ReservedSuffix);
	}
	Ok(())
}

/// Four dot-separated groups of one to three digits. Values above 255 are
/// rejected too: S3 refuses anything shaped like an address, and so do we,
/// so the same names work on both.
fn looks_like_ipv4(name: &[u8]) -> bool {
	let mut groups = 0;
	for group in name.split(|&b| b == b'.') {
		groups += 1;
		if group.is_empty() || group.len() > 3 || !group.iter().all(u8::is_ascii_digit) {
			return false;
		}
	}
	groups == 4
}

#[cfg(test)]
mod tests {
	use super::{validate, BucketNameError::*};

	#[test]
	fn accepts_ordinary_names() {
		for name in [
			&b"abc"[..],
			b"my-bucket",
			b"my.bucket.2024",
			b"a1b",
			b"000",
			b"logs-eu-west",
			b"example.com",
			b"a-b.c-d",
		] {
			assert_eq!(validate(name), Ok(()), "{}", String::from_utf8_lossy(name));
		}
	}

	#[test]
	fn length_boundaries() {
		assert_eq!(validate(b""), Err(TooShort));
		assert_eq!(validate(b"ab"), Err(TooShort));
		assert_eq!(validate(b"abc"), Ok(()));
		assert_eq!(validate(&[b'a'; 63]), Ok(()));
		assert_eq!(validate(&[b'a'; 64]), Err(TooLong));
	}

	#[test]
	fn only_lowercase_letters_digits_periods_and_hyphens() {
		for name in [
			&b"MyBucket"[..],
			b"my_bucket",
			b"my bucket",
			b"bucket!",
			b"caf\xc3\xa9",
			b"a/b",
			b"ABC",
		] {
			assert_eq!(validate(name), Err(InvalidCharacter), "{}", String::from_utf8_lossy(name));
		}
	}

	#[test]
	fn begins_and_ends_with_a_letter_or_digit() {
		assert_eq!(validate(b"-abc"), Err(BadEdge));
		assert_eq!(validate(b".abc"), Err(BadEdge));
		assert_eq!(validate(b"abc-"), Err(BadEdge));
		assert_eq!(validate(b"abc."), Err(BadEdge));
		assert_eq!(validate(b"9bc8"), Ok(()));
	}

	#[test]
	fn no_adjacent_periods() {
		assert_eq!(validate(b"my..bucket"), Err(AdjacentPeriods));
		assert_eq!(validate(b"a...b"), Err(AdjacentPeriods));
		assert_eq!(validate(b"my.-bucket"), Ok(()));
	}

	#[test]
	fn not_an_ip_address() {
		assert_eq!(validate(b"192.168.5.4"), Err(IpAddress));
		assert_eq!(validate(b"1.1.1.1"), Err(IpAddress));
		assert_eq!(validate(b"999.999.999.999"), Err(IpAddress));
		// Other shapes of digits and periods are ordinary names.
		assert_eq!(validate(b"192.168.5"), Ok(()));
		assert_eq!(validate(b"192.168.5.4.1"), Ok(()));
		assert_eq!(validate(b"1921.168.5.4"), Ok(()));
		assert_eq!(validate(b"192.168.5.a4"), Ok(()));
	}

	#[test]
	fn reserved_prefixes() {
		assert_eq!(validate(b"xn--bucket"), Err(ReservedPrefix));
		assert_eq!(validate(b"sthree-bucket"), Err(ReservedPrefix));
		assert_eq!(validate(b"sthree-configurator"), Err(ReservedPrefix));
		assert_eq!(validate(b"amzn-s3-demo-bucket"), Err(ReservedPrefix));
		assert_eq!(validate(b"xn-bucket"), Ok(()));
		assert_eq!(validate(b"amzn-s3-bucket"), Ok(()));
	}

	#[test]
	fn reserved_suffixes() {
		assert_eq!(validate(b"bucket-s3alias"), Err(ReservedSuffix));
		assert_eq!(validate(b"bucket--ol-s3"), Err(ReservedSuffix));
		assert_eq!(validate(b"bucket.mrap"), Err(ReservedSuffix));
		assert_eq!(validate(b"bucket--x-s3"), Err(ReservedSuffix));
		assert_eq!(validate(b"bucket--table-s3"), Err(ReservedSuffix));
		assert_eq!(validate(b"bucket-s3"), Ok(()));
		assert_eq!(validate(b"bucket.mrap2"), Ok(()));
	}

	#[test]
	fn rules_are_checked_in_order() {
		// Too long wins over bad characters; characters over edges.
		assert_eq!(validate(&[b'A'; 64]), Err(TooLong));
		assert_eq!(validate(b"-Abc"), Err(InvalidCharacter));
		assert_eq!(validate(b"xn--a..b"), Err(AdjacentPeriods));
	}
}
