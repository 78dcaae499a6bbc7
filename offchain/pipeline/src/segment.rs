//! Cutting a byte stream into segments (and sealed records) without reading ahead more
//! than one byte, and checking it against the length the client declared on chain.

use std::io::{self, Read};

use crate::error::PipelineError;

/// Reads until `buffer` is full or the stream ends; returns the bytes read.
pub(crate) fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
	let mut filled = 0;
	while filled < buffer.len() {
		match reader.read(&mut buffer[filled..]) {
			Ok(0) => break,
			Ok(read) => filled += read,
			Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
			Err(error) => return Err(error),
		}
	}
	Ok(filled)
}

/// A reader that can tell whether the stream has ended before the caller needs the
/// next byte: sealing has to mark the last record before it knows there is no more.
pub(crate) struct Lookahead<R> {
	inner: R,
	peeked: Option<u8>,
}

impl<R: Read> Lookahead<R> {
	pub(crate) fn new(inner: R) -> Self {
		Self { inner, peeked: None }
	}

	/// True when no byte follows.
	pub(crate) fn at_end(&mut self) -> io::Result<bool> {
		if self.peeked.is_some() {
			return Ok(false);
		}
		let mut byte = [0u8; 1];
		let read = read_full(&mut self.inner, &mut byte)?;
		if read == 1 {
			self.peeked = Some(byte[0]);
		}
		Ok(read == 0)
	}
}

impl<R: Read> Read for Lookahead<R> {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		if buffer.is_empty() {
			return Ok(0);
		}
		match self.peeked.take() {
			Some(byte) => {
				buffer[0] = byte;
				Ok(1)
			}
			None => self.inner.read(buffer),
		}
	}
}

/// Hands out a payload stream one segment at a time.
pub(crate) struct SegmentReader<R> {
	reader: R,
	segment_size: usize,
	declared_len: Option<u64>,
	received: u64,
	segments_read: u32,
	finished: bool,
}

impl<R: Read> SegmentReader<R> {
	pub(crate) fn new(reader: R, segment_size: usize, declared_len: Option<u64>) -> Self {
		Self { reader, segment_size, declared_len, received: 0, segments_read: 0, finished: false }
	}

	/// True once the last segment has been handed out.
	pub(crate) fn finished(&self) -> bool {
		self.finished
	}

	/// Reads the next segment into the front of `buffer` (at least `segment_size` long) and
	/// returns its length, or `None` after the last one. An empty stream yields one empty
	/// segment, as the file geometry expects.
	pub(crate) fn next_into(&mut self, buffer: &mut [u8]) -> Result<Option<usize>, PipelineError> {
		if self.finished {
			return Ok(None);
		}
		let want = match self.declared_len {
			// One byte past the declaration is enough to notice an overlong stream.
			Some(declared) => {
				let left = declared.saturating_sub(self.received).saturating_add(1);
				left.min(self.segment_size as u64) as usize
			}
			None => self.segment_size,
		};
		let read = read_full(&mut self.reader, &mut buffer[..want])?;
		self.received += read as u64;
		if let Some(declared) = self.declared_len {
			if self.received > declared {
				return Err(PipelineError::TooLong { declared });
			}
		}
		if read < self.segment_size {
			self.finished = true;
			if let Some(declared) = self.declared_len {
				if self.received < declared {
					return Err(PipelineError::Truncated { received: self.received, declared });
				}
			}
		}
		if read == 0 && self.segments_read > 0 {
			return Ok(None);
		}
		self.segments_read += 1;
		Ok(Some(read))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn lengths(
		data: &[u8],
		segment_size: usize,
		declared: Option<u64>,
	) -> Result<Vec<usize>, PipelineError> {
		let mut reader = SegmentReader::new(data, segment_size, declared);
		let mut buffer = vec![0u8; segment_size];
		let mut lengths = Vec::new();
		while let Some(len) = reader.next_into(&mut buffer)? {
			lengths.push(len);
		}
		Ok(lengths)
	}

	#[test]
	fn cuts_at_segment_boundaries() {
		assert_eq!(lengths(&[], 4, None).unwrap(), vec![0]);
		assert_eq!(lengths(&[1], 4, None).unwrap(), vec![1]);
		assert_eq!(lengths(&[1; 4], 4, None).unwrap(), vec![4]);
		assert_eq!(lengths(&[1; 5], 4, None).unwrap(), vec![4, 1]);
		assert_eq!(lengths(&[1; 8], 4, Some(8)).unwrap(), vec![4, 4]);
	}

	#[test]
	fn checks_the_declared_length() {
		assert!(matches!(
			lengths(&[1; 7], 4, Some(8)),
			Err(PipelineError::Truncated { received: 7, declared: 8 })
		));
		assert!(matches!(
			lengths(&[1; 9], 4, Some(8)),
			Err(PipelineError::TooLong { declared: 8 })
		));
		assert!(matches!(
			lengths(&[1; 1], 4, Some(0)),
			Err(PipelineError::TooLong { declared: 0 })
		));
	}

	#[test]
	fn lookahead_sees_the_end_without_losing_a_byte() {
		let mut reader = Lookahead::new(&[1u8, 2][..]);
		assert!(!reader.at_end().unwrap());
		let mut buffer = [0u8; 4];
		assert_eq!(read_full(&mut reader, &mut buffer).unwrap(), 2);
		assert_eq!(&buffer[..2], &[1, 2]);
		assert!(reader.at_end().unwrap());
	}
}
