//! The exact bytes a miner signs to acknowledge a fragment column of a storage deal;
//! the miner builds them to sign and the chain builds them to verify the signature.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::ids::{ColumnIndex, Fid};

/// Prefix of every receipt message, so a receipt signature is never valid for anything else.
pub const RECEIPT_DOMAIN: &[u8; 16] = b"deoss/receipt/v1";

/// What a miner attests: it holds column `column` of file `fid` for deal `deal_id`.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct Receipt {
	/// The storage deal.
	pub deal_id: u64,
	/// The file.
	pub fid: Fid,
	/// The column the miner received.
	pub column: ColumnIndex,
	/// The miner's account id.
	pub miner: [u8; 32],
}

impl Receipt {
	/// Length of the signed message: the domain and the SCALE fields.
	pub const MESSAGE_LEN: usize = 16 + 8 + 32 + 2 + 32;

	/// The signed message: [`RECEIPT_DOMAIN`] followed by the SCALE encoding of
	/// `(deal_id: u64, fid: [u8; 32], column: u16, miner: [u8; 32])`.
	pub fn message(&self) -> Vec<u8> {
		let mut message = Vec::with_capacity(Self::MESSAGE_LEN);
		message.extend_from_slice(RECEIPT_DOMAIN);
		self.encode_to(&mut message);
		message
	}
}

/// The message a miner signs for a receipt; see [`Receipt::message`].
pub fn receipt_message(deal_id: u64, fid: &Fid, column: ColumnIndex, miner: &[u8; 32]) -> Vec<u8> {
	Receipt { deal_id, fid: *fid, column, miner: *miner }.message()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn message_is_domain_then_scale_fields() {
		let message = receipt_message(0x0102, &Fid([0xaa; 32]), 0x0304, &[0xbb; 32]);
		assert_eq!(message.len(), Receipt::MESSAGE_LEN);
		assert_eq!(&message[..16], b"deoss/receipt/v1");
		assert_eq!(&message[16..24], &[0x02, 0x01, 0, 0, 0, 0, 0, 0]);
		assert_eq!(&message[24..56], &[0xaa; 32]);
		assert_eq!(&message[56..58], &[0x04, 0x03]);
		assert_eq!(&message[58..], &[0xbb; 32]);
		assert_eq!(&message[16..], (0x0102u64, [0xaau8; 32], 0x0304u16, [0xbbu8; 32]).encode());
	}
}
