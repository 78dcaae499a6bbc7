//! A vector with a compile-time maximum length that refuses to decode anything longer,
//! so proofs can go on chain with a `MaxEncodedLen` without pulling in `sp-runtime`.

use alloc::vec::Vec;
use codec::{
	Compact, CompactLen, Decode, DecodeWithMemTracking, Encode, EncodeLike, Input, MaxEncodedLen,
};
use core::ops::Deref;
use scale_info::{build::Fields, Path, Type, TypeInfo, TypeParameter};

/// A `Vec<T>` of at most `MAX` items; SCALE-encoded exactly like a `Vec<T>`.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BoundedList<T, const MAX: u32>(Vec<T>);

/// At most `MAX` bytes.
pub type BoundedBytes<const MAX: u32> = BoundedList<u8, MAX>;

/// Returned when a list would grow past its bound; carries the rejected items back.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TooLong<T>(pub Vec<T>);

impl<T, const MAX: u32> BoundedList<T, MAX> {
	/// The bound.
	pub const MAX: u32 = MAX;

	/// An empty list.
	pub fn new() -> Self {
		Self(Vec::new())
	}

	/// Appends an item, or hands it back if the list is full.
	pub fn try_push(&mut self, item: T) -> Result<(), T> {
		if self.0.len() >= MAX as usize {
			return Err(item);
		}
		self.0.push(item);
		Ok(())
	}

	/// The items.
	pub fn as_slice(&self) -> &[T] {
		&self.0
	}

	/// The items, without the bound.
	pub fn into_inner(self) -> Vec<T> {
		self.0
	}
}

impl<T, const MAX: u32> TryFrom<Vec<T>> for BoundedList<T, MAX> {
	type Error = TooLong<T>;

	fn try_from(items: Vec<T>) -> Result<Self, Self::Error> {
		if items.len() > MAX as usize {
			return Err(TooLong(items));
		}
		Ok(Self(items))
	}
}

impl<T, const MAX: u32> Deref for BoundedList<T, MAX> {
	type Target = [T];

	fn deref(&self) -> &[T] {
		&self.0
	}
}

impl<T: Encode, const MAX: u32> Encode for BoundedList<T, MAX> {
	fn size_hint(&self) -> usize {
		self.0.size_hint()
	}

	fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
		self.0.encode_to(dest)
	}
}

impl<T: Encode, const MAX: u32> EncodeLike for BoundedList<T, MAX> {}
impl<T: Encode, const MAX: u32> EncodeLike<Vec<T>> for BoundedList<T, MAX> {}

impl<T: Decode, const MAX: u32> Decode for BoundedList<T, MAX> {
	fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
		let len = <Compact<u32>>::decode(input)?.0;
		// Checked before anything is allocated: an oversized length prefix costs nothing.
		if len > MAX {
			return Err("BoundedList: length exceeds bound".into());
		}
		codec::decode_vec_with_len(input, len as usize).map(Self)
	}
}

impl<T: DecodeWithMemTracking, const MAX: u32> DecodeWithMemTracking for BoundedList<T, MAX> {}

impl<T: MaxEncodedLen, const MAX: u32> MaxEncodedLen for BoundedList<T, MAX> {
	fn max_encoded_len() -> usize {
		<Compact<u32> as CompactLen<u32>>::compact_len(&MAX)
			.saturating_add((MAX as usize).saturating_mul(T::max_encoded_len()))
	}
}

impl<T: TypeInfo + 'static, const MAX: u32> TypeInfo for BoundedList<T, MAX> {
	type Identity = Self;

	fn type_info() -> Type {
		// Described as a struct around `Vec<T>`, as bounded vectors of FRAME are, so
		// polkadot.js decodes it as a plain sequence.
		Type::builder()
			.path(Path::new("BoundedList", module_path!()))
			.type_params([TypeParameter::new("T", Some(scale_info::meta_type::<T>()))])
			.composite(Fields::unnamed().field(|field| field.ty::<Vec<T>>().type_name("Vec<T>")))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	#[test]
	fn encodes_like_a_vec() {
		let list = BoundedBytes::<4>::try_from(vec![1, 2, 3]).unwrap();
		assert_eq!(list.encode(), vec![1u8, 2, 3].encode());
		assert_eq!(BoundedBytes::<4>::decode(&mut &list.encode()[..]), Ok(list));
	}

	#[test]
	fn refuses_to_grow_or_decode_past_the_bound() {
		assert!(BoundedBytes::<2>::try_from(vec![1, 2, 3]).is_err());
		let mut list = BoundedBytes::<1>::new();
		assert_eq!(list.try_push(1), Ok(()));
		assert_eq!(list.try_push(2), Err(2));
		let too_long = vec![0u8; 5].encode();
		assert!(BoundedBytes::<4>::decode(&mut &too_long[..]).is_err());
		// A huge length prefix with no data behind it is rejected without allocating.
		let lying_prefix = Compact(u32::MAX).encode();
		assert!(BoundedBytes::<4>::decode(&mut &lying_prefix[..]).is_err());
	}

	#[test]
	fn max_encoded_len_covers_a_full_list() {
		let full = BoundedList::<[u8; 32], 64>::try_from(vec![[7u8; 32]; 64]).unwrap();
		assert_eq!(full.encode().len(), BoundedList::<[u8; 32], 64>::max_encoded_len());
		let full_bytes = BoundedBytes::<16384>::try_from(vec![0u8; 16384]).unwrap();
		assert_eq!(full_bytes.encode().len(), BoundedBytes::<16384>::max_encoded_len());
	}
}
