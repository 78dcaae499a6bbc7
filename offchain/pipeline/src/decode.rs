//! Getting data back: the payload from any k intact fragments of each segment, and one
//! lost column rebuilt from k others for a restoral order; every fragment is checked
//! against the manifest, and the manifest against the FID, before it is used.

use std::io::{self, Read, Write};

use deoss_primitives::{merkle, ColumnIndex, Fid, FileGeometry, SegmentIndex};

use crate::{
	erasure::{combine, Erasure},
	error::PipelineError,
	manifest::Manifest,
	Hasher,
};

/// Where fragments come from: miners, a cache, a local store.
pub trait FragmentSource {
	/// Fragment `column` of segment `segment`, or `None` if it cannot be had.
	/// An error aborts the whole operation; return `None` to let it try other columns.
	fn fetch(&mut self, segment: SegmentIndex, column: ColumnIndex) -> io::Result<Option<Vec<u8>>>;
}

impl<F: FnMut(SegmentIndex, ColumnIndex) -> io::Result<Option<Vec<u8>>>> FragmentSource for F {
	fn fetch(&mut self, segment: SegmentIndex, column: ColumnIndex) -> io::Result<Option<Vec<u8>>> {
		self(segment, column)
	}
}

/// What decoding ran into: fragments a restoral order should replace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodeReport {
	/// Fragments that were fetched but did not match their root.
	pub corrupted: Vec<(SegmentIndex, ColumnIndex)>,
	/// Fragments the source could not provide.
	pub missing: Vec<(SegmentIndex, ColumnIndex)>,
}

/// Fetches and checks fragments of one segment until `wanted` are intact, skipping
/// `skip_column`; returns `shards[column]` with the intact ones present.
fn gather(
	manifest: &Manifest,
	geometry: &FileGeometry,
	source: &mut impl FragmentSource,
	segment: SegmentIndex,
	skip_column: Option<ColumnIndex>,
	report: &mut DecodeReport,
) -> Result<Vec<Option<Vec<u8>>>, PipelineError> {
	let columns = geometry.column_count();
	let wanted = usize::from(geometry.layout().data_shards);
	let shard_len = geometry
		.shard_len(segment)
		.ok_or(PipelineError::MalformedManifest("segment outside the file"))?;
	let chunk_size = geometry.layout().chunk_size as usize;
	let mut shards: Vec<Option<Vec<u8>>> = vec![None; usize::from(columns)];
	let mut intact = 0;
	// Data columns come first, so an undamaged file decodes without Reed-Solomon.
	for column in (0..columns).filter(|column| Some(*column) != skip_column) {
		if intact == wanted {
			break;
		}
		let Some(fragment) = source.fetch(segment, column)? else {
			report.missing.push((segment, column));
			continue;
		};
		if fragment_matches(manifest, shard_len, chunk_size, segment, column, &fragment) {
			shards[usize::from(column)] = Some(fragment);
			intact += 1;
		} else {
			report.corrupted.push((segment, column));
		}
	}
	if intact < wanted {
		return Err(PipelineError::TooFewFragments { segment, intact, required: wanted });
	}
	Ok(shards)
}

fn fragment_matches(
	manifest: &Manifest,
	shard_len: u32,
	chunk_size: usize,
	segment: SegmentIndex,
	column: ColumnIndex,
	fragment: &[u8],
) -> bool {
	fragment.len() == shard_len as usize
		&& merkle::fragment_root::<Hasher>(fragment, chunk_size).as_ref()
			== manifest.fragment_root(segment, column)
}

/// Whether `fragment` is fragment `column` of segment `segment` of the file `manifest`
/// describes (right length, right Merkle root). The manifest must have been checked
/// against the FID ([`Manifest::verify`]).
pub fn verify_fragment(
	manifest: &Manifest,
	geometry: &FileGeometry,
	segment: SegmentIndex,
	column: ColumnIndex,
	fragment: &[u8],
) -> bool {
	let Some(shard_len) = geometry.shard_len(segment) else { return false };
	let chunk_size = geometry.layout().chunk_size as usize;
	fragment_matches(manifest, shard_len, chunk_size, segment, column, fragment)
}

/// Rebuilds the payload bytes of segment `segment` from `shards[column]`, of which at
/// least k are present and each was checked with [`verify_fragment`]. Only decodes
/// when a data shard is missing.
pub fn decode_segment(
	geometry: &FileGeometry,
	segment: SegmentIndex,
	mut shards: Vec<Option<Vec<u8>>>,
) -> Result<Vec<u8>, PipelineError> {
	let segment_len = geometry
		.segment_len(segment)
		.ok_or(PipelineError::MalformedManifest("segment outside the file"))?
		as usize;
	let erasure = Erasure::new(geometry.layout())?;
	let data_shards = erasure.data_shards();
	let present = shards.iter().filter(|shard| shard.is_some()).count();
	if shards.len() != erasure.total_shards() || present < data_shards {
		return Err(PipelineError::TooFewFragments {
			segment,
			intact: present,
			required: data_shards,
		});
	}
	if shards[..data_shards].iter().any(Option::is_none) {
		erasure.recover_data(&mut shards)?;
	}
	let mut payload = Vec::with_capacity(segment_len);
	for shard in shards.into_iter().take(data_shards) {
		let shard = shard.ok_or(PipelineError::TooFewFragments {
			segment,
			intact: present,
			required: data_shards,
		})?;
		let take = (segment_len - payload.len()).min(shard.len());
		payload.extend_from_slice(&shard[..take]);
	}
	Ok(payload)
}

/// The k data shards of one decoded segment, without the padding of a short last one.
struct DecodedSegment {
	data_shards: Vec<Vec<u8>>,
	shard_len: usize,
	len: usize,
}

impl DecodedSegment {
	/// The payload bytes of the segment, shard by shard (no copy).
	fn pieces(&self) -> impl Iterator<Item = &[u8]> {
		let mut left = self.len;
		self.data_shards.iter().map(move |shard| {
			let piece = &shard[..left.min(shard.len())];
			left -= piece.len();
			piece
		})
	}

	/// Bytes from `position` (below `len`) to the end of the shard holding it.
	fn piece_at(&self, position: usize) -> &[u8] {
		let shard = position / self.shard_len;
		let offset = position % self.shard_len;
		let end = (self.len - shard * self.shard_len).min(self.shard_len);
		&self.data_shards[shard][offset..end]
	}
}

/// Reads a file's payload segment by segment, fetching fragments as it goes.
pub struct PayloadReader<'m, S> {
	manifest: &'m Manifest,
	geometry: FileGeometry,
	erasure: Erasure,
	source: S,
	next_segment: SegmentIndex,
	segment: Option<DecodedSegment>,
	position: usize,
	report: DecodeReport,
}

impl<'m, S: FragmentSource> PayloadReader<'m, S> {
	/// Checks `manifest` against `fid`; fragments are fetched lazily while reading.
	pub fn new(fid: &Fid, manifest: &'m Manifest, source: S) -> Result<Self, PipelineError> {
		let geometry = manifest.verify(fid)?;
		let erasure = Erasure::new(geometry.layout())?;
		Ok(Self {
			manifest,
			geometry,
			erasure,
			source,
			next_segment: 0,
			segment: None,
			position: 0,
			report: DecodeReport::default(),
		})
	}

	/// Fragments found corrupted or missing so far.
	pub fn report(&self) -> &DecodeReport {
		&self.report
	}

	/// Decodes the next segment; `None` after the last one.
	fn decode_next(&mut self) -> Result<Option<DecodedSegment>, PipelineError> {
		let segment = self.next_segment;
		let Some(segment_len) = self.geometry.segment_len(segment) else { return Ok(None) };
		let shard_len = self.geometry.layout().shard_len(segment_len) as usize;
		let mut shards = gather(
			self.manifest,
			&self.geometry,
			&mut self.source,
			segment,
			None,
			&mut self.report,
		)?;
		let data_shards = self.erasure.data_shards();
		if shards[..data_shards].iter().any(Option::is_none) {
			self.erasure.recover_data(&mut shards)?;
		}
		shards.truncate(data_shards);
		let data_shards = shards
			.into_iter()
			.map(|shard| shard.filter(|bytes| bytes.len() == shard_len))
			.collect::<Option<Vec<Vec<u8>>>>()
			.ok_or(PipelineError::TooFewFragments { segment, intact: 0, required: data_shards })?;
		self.next_segment += 1;
		Ok(Some(DecodedSegment { data_shards, shard_len, len: segment_len as usize }))
	}

	/// Writes the rest of the payload to `out` straight from the decoded shards.
	fn write_rest(&mut self, out: &mut impl Write) -> Result<(), PipelineError> {
		if let Some(segment) = self.segment.take() {
			let mut position = self.position;
			while position < segment.len {
				let piece = segment.piece_at(position);
				out.write_all(piece)?;
				position += piece.len();
			}
		}
		while let Some(segment) = self.decode_next()? {
			for piece in segment.pieces() {
				out.write_all(piece)?;
			}
		}
		Ok(())
	}
}

impl<S: FragmentSource> Read for PayloadReader<'_, S> {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		loop {
			if let Some(segment) = &self.segment {
				if self.position < segment.len {
					let piece = segment.piece_at(self.position);
					let count = piece.len().min(buffer.len());
					buffer[..count].copy_from_slice(&piece[..count]);
					self.position += count;
					return Ok(count);
				}
			}
			match self.decode_next()? {
				Some(segment) => {
					self.segment = Some(segment);
					self.position = 0;
				}
				None => {
					self.segment = None;
					return Ok(0);
				}
			}
		}
	}
}

/// Writes the payload of file `fid` to `out`; returns what it had to work around.
pub fn decode_payload(
	fid: &Fid,
	manifest: &Manifest,
	source: impl FragmentSource,
	mut out: impl Write,
) -> Result<DecodeReport, PipelineError> {
	let mut reader = PayloadReader::new(fid, manifest, source)?;
	reader.write_rest(&mut out)?;
	Ok(reader.report)
}

/// Rebuilds column `column` of file `fid` from k other intact columns, segment by segment,
/// checking every rebuilt fragment against its root, and hands each to `out`.
pub fn repair_column(
	fid: &Fid,
	manifest: &Manifest,
	mut source: impl FragmentSource,
	column: ColumnIndex,
	mut out: impl FnMut(SegmentIndex, &[u8]) -> io::Result<()>,
) -> Result<DecodeReport, PipelineError> {
	let geometry = manifest.verify(fid)?;
	if column >= geometry.column_count() {
		return Err(PipelineError::MalformedManifest("column outside the layout"));
	}
	let erasure = Erasure::new(geometry.layout())?;
	let chunk_size = geometry.layout().chunk_size as usize;
	let mut report = DecodeReport::default();
	let mut rebuilt = Vec::new();
	let mut last_combination: Option<(Vec<usize>, Vec<u8>)> = None;
	for segment in 0..geometry.segment_count() {
		let shards = gather(manifest, &geometry, &mut source, segment, Some(column), &mut report)?;
		let sources: Vec<usize> =
			(0..shards.len()).filter(|&index| shards[index].is_some()).collect();
		// Segments usually come from the same columns; reuse their coefficients.
		let coefficients = match &last_combination {
			Some((columns, coefficients)) if *columns == sources => coefficients.clone(),
			_ => {
				let coefficients = erasure.combination(&sources, usize::from(column))?;
				last_combination = Some((sources.clone(), coefficients.clone()));
				coefficients
			}
		};
		let source_shards: Vec<&[u8]> = shards.iter().flatten().map(Vec::as_slice).collect();
		let shard_len = source_shards.first().map_or(0, |shard| shard.len());
		rebuilt.resize(shard_len, 0);
		combine(&coefficients, &source_shards, &mut rebuilt);
		let root = merkle::fragment_root::<Hasher>(&rebuilt, chunk_size);
		if root.as_ref() != manifest.fragment_root(segment, column) {
			return Err(PipelineError::CorruptedFragment { segment, column });
		}
		out(segment, &rebuilt)?;
	}
	Ok(report)
}
