//! Regions: ISO 3166-1 alpha-2 country codes, checked against the list of
//! officially assigned codes.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A country or territory, as its ISO 3166-1 alpha-2 code in upper case
/// (`*b"DE"`). Only officially assigned codes are valid regions.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Debug,
)]
pub struct Region(pub [u8; 2]);

impl Region {
	/// The region with this code, if the code is an assigned ISO 3166-1
	/// alpha-2 code (upper case).
	pub fn new(code: [u8; 2]) -> Option<Self> {
		ASSIGNED_CODES.binary_search(&code).ok().map(|_| Self(code))
	}

	/// Whether this is an assigned code. Values decoded from a call are not
	/// checked by decoding: pallets call this before storing one.
	pub fn is_valid(&self) -> bool {
		ASSIGNED_CODES.binary_search(&self.0).is_ok()
	}

	/// The two-letter code.
	pub fn code(&self) -> [u8; 2] {
		self.0
	}
}

/// The member states of the European Union, for clients that offer "EU" as
/// a group of allowed regions.
pub const EU_MEMBERS: [[u8; 2]; 27] = [
	*b"AT", *b"BE", *b"BG", *b"CY", *b"CZ", *b"DE", *b"DK", *b"EE", *b"ES", *b"FI", *b"FR", *b"GR",
	*b"HR", *b"HU", *b"IE", *b"IT", *b"LT", *b"LU", *b"LV", *b"MT", *b"NL", *b"PL", *b"PT", *b"RO",
	*b"SE", *b"SI", *b"SK",
];

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted.
const ASSIGNED_CODES: [[u8; 2]; 249] = [
	*b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT",
	*b"AU", *b"AW", *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI",
	*b"BJ", *b"BL", *b"BM", *b"BN", *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY",
	*b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG", *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN",
	*b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ", *b"DE", *b"DJ", *b"DK", *b"DM",
	*b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI", *b"FJ", *b"FK",
	*b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
	*b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM",
	*b"HN", *b"HR", *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR",
	*b"IS", *b"IT", *b"JE", *b"JM", *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN",
	*b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA", *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS",
	*b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME", *b"MF", *b"MG", *b"MH", *b"MK",
	*b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU", *b"MV", *b"MW",
	*b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
	*b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM",
	*b"PN", *b"PR", *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW",
	*b"SA", *b"SB", *b"SC", *b"SD", *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM",
	*b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV", *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF",
	*b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO", *b"TR", *b"TT", *b"TV", *b"TW",
	*b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE", *b"VG", *b"VI",
	*b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn assigned_codes_are_sorted_and_unique() {
		assert!(ASSIGNED_CODES.windows(2).all(|pair| pair[0] < pair[1]));
	}

	#[test]
	fn accepts_assigned_codes_only() {
		assert_eq!(Region::new(*b"DE"), Some(Region(*b"DE")));
		assert!(Region::new(*b"US").is_some());
		assert!(Region::new(*b"ZW").is_some());
		// Unassigned, lower case, and user-assigned codes are not regions.
		assert!(Region::new(*b"XX").is_none());
		assert!(Region::new(*b"de").is_none());
		assert!(Region::new(*b"AA").is_none());
		assert!(!Region(*b"EU").is_valid());
	}

	#[test]
	fn eu_members_are_regions() {
		assert!(EU_MEMBERS.iter().all(|code| Region::new(*code).is_some()));
	}
}
