//! The streaming encoder: payload → segments → Reed-Solomon fragments → chunk trees → FID,
//! segment by segment on a small worker pool, with memory bounded by a few segments.
//!
//! Each segment is read straight into the buffer its fragments live in: the data shards
//! are the segment bytes themselves, and the parity shards follow them. Parity and chunk
//! leaves are computed strip by strip, so the bytes just coded are hashed while they are
//! still in cache.

use std::{
	collections::BTreeMap,
	io::{self, Read},
	num::NonZeroUsize,
	panic::{self, AssertUnwindSafe},
	sync::{mpsc, Mutex},
	thread,
};

use deoss_primitives::{merkle, ColumnIndex, Fid, Hash, Hasher as _, Layout, SegmentIndex};

use crate::{
	erasure::Erasure,
	error::PipelineError,
	manifest::{Manifest, SegmentRoots},
	segment::SegmentReader,
	Hasher,
};

/// Bytes of all k + m shards coded and hashed together: about half an L2 cache.
const STRIP_BYTES: usize = 256 * 1024;

/// Receives every encoded segment, in segment order, on the thread that called
/// [`Encoder::encode`]. A scheduler sends the fragments to miners from here.
pub trait FragmentSink {
	/// Takes one segment; the buffers are reused once this returns.
	fn accept(&mut self, segment: &EncodedSegment) -> io::Result<()>;
}

impl<F: FnMut(&EncodedSegment) -> io::Result<()>> FragmentSink for F {
	fn accept(&mut self, segment: &EncodedSegment) -> io::Result<()> {
		self(segment)
	}
}

/// One segment's k + m fragments and their roots.
#[derive(Debug)]
pub struct EncodedSegment {
	index: SegmentIndex,
	payload_len: usize,
	shard_len: usize,
	buffer: Vec<u8>,
	fragment_roots: Vec<Hash>,
	root: Hash,
}

impl EncodedSegment {
	/// Position of the segment in the file.
	pub fn index(&self) -> SegmentIndex {
		self.index
	}

	/// Payload bytes the segment holds.
	pub fn payload_len(&self) -> usize {
		self.payload_len
	}

	/// Length of each fragment.
	pub fn fragment_len(&self) -> usize {
		self.shard_len
	}

	/// Fragment `column` (data columns first, then parity).
	pub fn fragment(&self, column: ColumnIndex) -> Option<&[u8]> {
		let start = usize::from(column).checked_mul(self.shard_len)?;
		(usize::from(column) < self.fragment_roots.len())
			.then(|| &self.buffer[start..start + self.shard_len])
	}

	/// All fragments in column order.
	pub fn fragments(&self) -> impl Iterator<Item = &[u8]> {
		self.buffer[..self.fragment_roots.len() * self.shard_len].chunks_exact(self.shard_len)
	}

	/// Root of every fragment, in column order.
	pub fn fragment_roots(&self) -> &[Hash] {
		&self.fragment_roots
	}

	/// The segment root.
	pub fn root(&self) -> &Hash {
		&self.root
	}
}

/// The result of encoding: the FID and the manifest that leads to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedFile {
	/// The file identifier.
	pub fid: Fid,
	/// Fragment roots of every segment.
	pub manifest: Manifest,
}

/// Turns a payload stream into fragments; see the module documentation.
#[derive(Clone, Debug)]
pub struct Encoder {
	layout: Layout,
	threads: usize,
	declared_len: Option<u64>,
}

/// A segment read and waiting to be coded.
struct Job {
	index: SegmentIndex,
	payload_len: usize,
	buffer: Vec<u8>,
}

impl Encoder {
	/// An encoder for `layout`, using every available core.
	pub fn new(layout: Layout) -> Result<Self, PipelineError> {
		layout.validate()?;
		let threads = thread::available_parallelism().map(NonZeroUsize::get).unwrap_or(1);
		Ok(Self { layout, threads, declared_len: None })
	}

	/// Codes segments on `threads` workers; 1 codes on the calling thread.
	pub fn threads(mut self, threads: usize) -> Self {
		self.threads = threads.max(1);
		self
	}

	/// Fails with [`PipelineError::Truncated`] or [`PipelineError::TooLong`] unless the
	/// stream is exactly `payload_len` bytes, as a scheduler checks a declared upload.
	pub fn declared_len(mut self, payload_len: u64) -> Self {
		self.declared_len = Some(payload_len);
		self
	}

	/// The layout.
	pub fn layout(&self) -> &Layout {
		&self.layout
	}

	/// Encodes `payload`, handing each segment to `sink` in order.
	pub fn encode<R: Read, S: FragmentSink + ?Sized>(
		&self,
		payload: R,
		sink: &mut S,
	) -> Result<EncodedFile, PipelineError> {
		let erasure = Erasure::new(&self.layout)?;
		let coder = SegmentCoder::new(&self.layout, &erasure);
		let segment_size = self.layout.segment_size as usize;
		let mut segments = SegmentReader::new(payload, segment_size, self.declared_len);
		let mut emitted = Emitted::default();
		if self.threads <= 1 {
			let mut leaves = Vec::new();
			let mut buffer = coder.new_buffer();
			while let Some(payload_len) = segments.next_into(&mut buffer)? {
				let index = emitted.next_index()?;
				let segment = coder.code(Job { index, payload_len, buffer }, &mut leaves)?;
				emitted.accept(&segment, sink)?;
				buffer = segment.buffer;
			}
		} else {
			self.encode_parallel(&coder, &mut segments, &mut emitted, sink)?;
		}
		emitted.finish(self.layout)
	}

	fn encode_parallel<R: Read, S: FragmentSink + ?Sized>(
		&self,
		coder: &SegmentCoder<'_>,
		segments: &mut SegmentReader<R>,
		emitted: &mut Emitted,
		sink: &mut S,
	) -> Result<(), PipelineError> {
		// Buffers out at once: one per worker plus one being read or waiting for the sink.
		let max_outstanding = self.threads + 1;
		let (job_sender, job_receiver) = mpsc::sync_channel::<Job>(max_outstanding);
		let job_receiver = Mutex::new(job_receiver);
		let (done_sender, done_receiver) = mpsc::channel::<Result<EncodedSegment, PipelineError>>();
		thread::scope(|scope| {
			for _ in 0..self.threads {
				let done_sender = done_sender.clone();
				let job_receiver = &job_receiver;
				scope.spawn(move || {
					let mut leaves = Vec::new();
					loop {
						let job = match job_receiver.lock() {
							Ok(receiver) => receiver.recv(),
							Err(_) => return,
						};
						let Ok(job) = job else { return };
						// A panic must not leave the reader waiting for a segment forever.
						let coded =
							panic::catch_unwind(AssertUnwindSafe(|| coder.code(job, &mut leaves)))
								.unwrap_or(Err(PipelineError::WorkerPanicked));
						if done_sender.send(coded).is_err() {
							return;
						}
					}
				});
			}
			drop(done_sender);

			let mut spare_buffers: Vec<Vec<u8>> = Vec::new();
			let mut finished_early: BTreeMap<SegmentIndex, EncodedSegment> = BTreeMap::new();
			let mut outstanding = 0usize;
			loop {
				while outstanding < max_outstanding && !segments.finished() {
					let mut buffer = spare_buffers.pop().unwrap_or_else(|| coder.new_buffer());
					let Some(payload_len) = segments.next_into(&mut buffer)? else { break };
					let index = emitted.next_index()?;
					job_sender
						.send(Job { index, payload_len, buffer })
						.map_err(|_| PipelineError::WorkerPanicked)?;
					outstanding += 1;
				}
				if outstanding == 0 {
					break;
				}
				let segment = done_receiver.recv().map_err(|_| PipelineError::WorkerPanicked)??;
				finished_early.insert(segment.index, segment);
				while let Some(segment) = finished_early.remove(&emitted.count()) {
					emitted.accept(&segment, sink)?;
					spare_buffers.push(segment.buffer);
					outstanding -= 1;
				}
			}
			// Closing the job queue stops the workers; the scope joins them.
			drop(job_sender);
			Ok(())
		})
	}
}

/// Codes one segment; shared by all workers.
struct SegmentCoder<'a> {
	erasure: &'a Erasure,
	segment_size: usize,
	chunk_size: usize,
	strip_len: usize,
	layout: Layout,
}

impl<'a> SegmentCoder<'a> {
	fn new(layout: &Layout, erasure: &'a Erasure) -> Self {
		let chunk_size = layout.chunk_size as usize;
		let chunks_per_strip = (STRIP_BYTES / (erasure.total_shards() * chunk_size)).max(1);
		Self {
			erasure,
			segment_size: layout.segment_size as usize,
			chunk_size,
			strip_len: chunks_per_strip * chunk_size,
			layout: *layout,
		}
	}

	/// A buffer for the fragments of a full segment (which also fits any shorter one).
	fn new_buffer(&self) -> Vec<u8> {
		let shard_len = self.segment_size / self.erasure.data_shards();
		vec![0u8; shard_len * self.erasure.total_shards()]
	}

	fn code(&self, job: Job, leaves: &mut Vec<Vec<Hash>>) -> Result<EncodedSegment, PipelineError> {
		let Job { index, payload_len, mut buffer } = job;
		let data_shards = self.erasure.data_shards();
		let total_shards = self.erasure.total_shards();
		let shard_len = self.layout.shard_len(payload_len as u32) as usize;
		// Only a short last segment has a padded tail; the buffer may hold stale bytes there.
		buffer[payload_len..data_shards * shard_len].fill(0);
		leaves.resize_with(total_shards, Vec::new);
		leaves.iter_mut().for_each(Vec::clear);

		let (data, parity) =
			buffer[..total_shards * shard_len].split_at_mut(data_shards * shard_len);
		let data_shards: Vec<&[u8]> = data.chunks_exact(shard_len).collect();
		let mut parity_shards: Vec<&mut [u8]> = parity.chunks_exact_mut(shard_len).collect();
		let mut start = 0;
		while start < shard_len {
			let end = (start + self.strip_len).min(shard_len);
			let data_strip: Vec<&[u8]> =
				data_shards.iter().map(|shard| &shard[start..end]).collect();
			let mut parity_strip: Vec<&mut [u8]> =
				parity_shards.iter_mut().map(|shard| &mut shard[start..end]).collect();
			self.erasure.encode_strip(&data_strip, &mut parity_strip)?;
			let strips =
				data_strip.iter().copied().chain(parity_strip.iter().map(|strip| &**strip));
			for (column_leaves, strip) in leaves.iter_mut().zip(strips) {
				column_leaves.extend(strip.chunks(self.chunk_size).map(Hasher::hash_leaf));
			}
			start = end;
		}

		let fragment_roots = leaves
			.iter_mut()
			.map(merkle::reduce_to_root::<Hasher>)
			.collect::<Option<Vec<Hash>>>()
			.ok_or(PipelineError::MalformedManifest("fragment without chunks"))?;
		let root = merkle::root::<Hasher>(&fragment_roots)
			.ok_or(PipelineError::MalformedManifest("segment without fragments"))?;
		Ok(EncodedSegment { index, payload_len, shard_len, buffer, fragment_roots, root })
	}
}

/// Segments handed to the sink so far, and what the manifest needs from them.
#[derive(Default)]
struct Emitted {
	next_index: SegmentIndex,
	segments: Vec<SegmentRoots>,
	segment_roots: Vec<Hash>,
	payload_len: u64,
}

impl Emitted {
	/// Index for the next segment read.
	fn next_index(&mut self) -> Result<SegmentIndex, PipelineError> {
		let index = self.next_index;
		self.next_index =
			index.checked_add(1).ok_or(deoss_primitives::LayoutError::TooManySegments)?;
		Ok(index)
	}

	/// Segments already handed to the sink.
	fn count(&self) -> SegmentIndex {
		self.segments.len() as SegmentIndex
	}

	fn accept<S: FragmentSink + ?Sized>(
		&mut self,
		segment: &EncodedSegment,
		sink: &mut S,
	) -> Result<(), PipelineError> {
		sink.accept(segment)?;
		self.payload_len += segment.payload_len as u64;
		self.segment_roots.push(segment.root);
		self.segments.push(SegmentRoots { fragment_roots: segment.fragment_roots.clone() });
		Ok(())
	}

	fn finish(self, layout: Layout) -> Result<EncodedFile, PipelineError> {
		let fid = merkle::root::<Hasher>(&self.segment_roots)
			.map(Fid)
			.ok_or(PipelineError::MalformedManifest("file without segments"))?;
		let manifest = Manifest { layout, payload_len: self.payload_len, segments: self.segments };
		// Also rejects payloads needing more segments than the chain accepts.
		manifest.geometry()?;
		Ok(EncodedFile { fid, manifest })
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use deoss_primitives::merkle::fragment_root;

	fn layout() -> Layout {
		Layout {
			segment_size: 3 * 512,
			data_shards: 3,
			parity_shards: 2,
			chunk_size: 64,
			replicas: 1,
		}
	}

	fn payload(len: usize) -> Vec<u8> {
		(0..len).map(|i| (i * 31 % 251) as u8).collect()
	}

	#[test]
	fn one_and_two_threads_give_the_same_fid_and_fragments() {
		let data = payload(5 * 1536 + 100);
		let mut single = Vec::new();
		let one = Encoder::new(layout())
			.unwrap()
			.threads(1)
			.encode(&data[..], &mut |segment: &EncodedSegment| {
				single.push(segment.fragments().map(<[u8]>::to_vec).collect::<Vec<_>>());
				Ok(())
			})
			.unwrap();
		let mut parallel = Vec::new();
		let two = Encoder::new(layout())
			.unwrap()
			.threads(2)
			.encode(&data[..], &mut |segment: &EncodedSegment| {
				parallel.push(segment.fragments().map(<[u8]>::to_vec).collect::<Vec<_>>());
				Ok(())
			})
			.unwrap();
		assert_eq!(one, two);
		assert_eq!(single, parallel);
		assert_eq!(one.manifest.fid().unwrap(), one.fid);
		assert_eq!(single.len(), 6);
	}

	#[test]
	fn fragments_hold_the_payload_and_match_their_roots() {
		let data = payload(700);
		let mut checked = 0;
		let encoded = Encoder::new(layout())
			.unwrap()
			.threads(1)
			.encode(&data[..], &mut |segment: &EncodedSegment| {
				// 700 bytes over 3 data shards: 234 bytes each, the last with 2 bytes of padding.
				assert_eq!(segment.fragment_len(), 234);
				let data_part: Vec<u8> = segment.fragments().take(3).flatten().copied().collect();
				assert_eq!(&data_part[..700], &data[..]);
				assert_eq!(&data_part[700..], &[0, 0]);
				for (fragment, root) in segment.fragments().zip(segment.fragment_roots()) {
					assert_eq!(fragment_root::<Hasher>(fragment, 64).as_ref(), Some(root));
				}
				assert_eq!(segment.fragment(5), None);
				checked += 1;
				Ok(())
			})
			.unwrap();
		assert_eq!(checked, 1);
		assert_eq!(encoded.manifest.payload_len, 700);
	}

	#[test]
	fn sink_errors_stop_the_encoder() {
		let data = payload(10 * 1536);
		for threads in [1, 2] {
			let result = Encoder::new(layout()).unwrap().threads(threads).encode(
				&data[..],
				&mut |segment: &EncodedSegment| {
					if segment.index() == 3 {
						return Err(io::Error::other("miner went away"));
					}
					Ok(())
				},
			);
			assert!(matches!(result, Err(PipelineError::Io(_))));
		}
	}
}
