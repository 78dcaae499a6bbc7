//! Optional zstd compression of objects before sealing, as streaming `Read` adapters so
//! that neither side holds a whole object.

use std::io::{self, Read};

/// zstd level used when the caller does not choose one: fast, and close to the ratio
/// of much slower levels on typical documents.
pub const DEFAULT_LEVEL: i32 = 3;

/// Compresses `object` as it is read. The output is deterministic for a given input
/// and level, so a client can produce the same payload twice (to compute the FID, then
/// to upload it).
pub fn compressing_reader<R: Read>(object: R, level: i32) -> io::Result<impl Read> {
	zstd::stream::read::Encoder::new(object, level)
}

/// Decompresses a zstd stream as it is read; fails on a damaged or truncated frame.
pub fn decompressing_reader<R: Read>(compressed: R) -> io::Result<impl Read> {
	zstd::stream::read::Decoder::new(compressed)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn round_trip_and_truncation() {
		let object = b"deoss ".repeat(10_000);
		let mut compressed = Vec::new();
		compressing_reader(&object[..], DEFAULT_LEVEL)
			.unwrap()
			.read_to_end(&mut compressed)
			.unwrap();
		assert!(compressed.len() < object.len() / 10);
		let mut restored = Vec::new();
		decompressing_reader(&compressed[..]).unwrap().read_to_end(&mut restored).unwrap();
		assert_eq!(restored, object);
		let mut partial = Vec::new();
		let cut = &compressed[..compressed.len() - 3];
		assert!(decompressing_reader(cut).unwrap().read_to_end(&mut partial).is_err());
	}
}
