//! An upload as the scheduler holds it: the payload staged on disk as it arrives, and
//! an encoder that re-encodes it while it arrives, writing each column to its own file
//! and checking the result against the declaration once the last byte is in.
//!
//! ```text
//! <data>/deals/<deal>/payload     the bytes received so far (the resume point is its length)
//! <data>/deals/<deal>/column.<c>  fragment c of every segment, in segment order
//! ```
//!
//! Memory stays at the encoder's few segment buffers whatever the object size.

use std::{
	fs::{self, File, OpenOptions},
	io::{self, Read, Seek, SeekFrom, Write},
	path::{Path, PathBuf},
	sync::{Arc, Condvar, Mutex},
};

use deoss_chain::Deal;
use deoss_pipeline::{EncodedFile, EncodedSegment, Encoder, Manifest};
use deoss_primitives::{ColumnIndex, FileGeometry, Layout, SegmentIndex};
use deoss_protocol::{UploadState, UploadStatus};

/// Where an upload stands, shared by the HTTP handlers, the encoder thread and the
/// distribution task.
#[derive(Debug, Clone)]
pub struct Progress {
	/// Payload bytes staged.
	pub received: u64,
	/// Where the upload stands.
	pub state: UploadState,
	/// Why it failed.
	pub error: Option<String>,
	/// The verified encoding, once the FID matched.
	pub encoded: Option<Arc<EncodedFile>>,
	/// Set when the deal ended or moved: the encoder stops waiting for bytes.
	pub abandoned: bool,
}

/// One deal's upload.
pub struct Upload {
	/// The deal id.
	pub deal_id: u64,
	/// The deal as read when the upload started.
	pub deal: Deal,
	dir: PathBuf,
	progress: Mutex<Progress>,
	changed: Condvar,
	/// Held while a part is appended, so parts never interleave.
	pub append_lock: tokio::sync::Mutex<()>,
}

impl Upload {
	/// Opens (or resumes, after a restart) the staging of `deal` under `data_dir`.
	pub fn open(data_dir: &Path, deal_id: u64, deal: Deal) -> io::Result<Arc<Self>> {
		let dir = staging_dir(data_dir, deal_id);
		fs::create_dir_all(&dir)?;
		let payload = OpenOptions::new().create(true).append(true).open(dir.join("payload"))?;
		let received = payload.metadata()?.len().min(deal.size);
		payload.set_len(received)?;
		let progress = Progress {
			received,
			state: UploadState::Receiving,
			error: None,
			encoded: None,
			abandoned: false,
		};
		Ok(Arc::new(Self {
			deal_id,
			deal,
			dir,
			progress: Mutex::new(progress),
			changed: Condvar::new(),
			append_lock: tokio::sync::Mutex::new(()),
		}))
	}

	/// A snapshot of the progress.
	pub fn progress(&self) -> Progress {
		self.progress.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
	}

	/// Changes the progress and wakes whoever waits on it.
	pub fn update(&self, change: impl FnOnce(&mut Progress)) {
		let mut progress = self.progress.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		change(&mut progress);
		self.changed.notify_all();
	}

	/// The status answer for the client.
	pub fn status(&self) -> UploadStatus {
		let progress = self.progress();
		UploadStatus {
			deal: self.deal_id,
			size: self.deal.size,
			received: progress.received,
			state: progress.state,
			error: progress.error,
		}
	}

	/// Appends a part that starts at the current end of the staged payload.
	pub fn append(&self, part: &[u8]) -> io::Result<u64> {
		let mut file = OpenOptions::new().append(true).open(self.dir.join("payload"))?;
		file.write_all(part)?;
		file.flush()?;
		let mut received = 0;
		let size = self.deal.size;
		self.update(|progress| {
			progress.received += part.len() as u64;
			received = progress.received;
			if received == size {
				progress.state = UploadState::Verifying;
			}
		});
		Ok(received)
	}

	/// Discards the staged payload after a refusal, so a correct one can be sent again.
	pub fn reset(&self, reason: String) -> io::Result<()> {
		let file = OpenOptions::new().write(true).open(self.dir.join("payload"))?;
		file.set_len(0)?;
		self.update(|progress| {
			progress.received = 0;
			progress.state = UploadState::Failed;
			progress.error = Some(reason);
		});
		Ok(())
	}

	/// Path of the file holding column `column`.
	pub fn column_path(&self, column: ColumnIndex) -> PathBuf {
		self.dir.join(format!("column.{column}"))
	}

	/// Encodes the payload as it is staged (blocking; run it on its own thread) and
	/// checks the result against the declaration.
	pub fn encode(&self) -> Result<EncodedFile, String> {
		let layout = self.deal.layout();
		let columns = layout.column_count();
		let mut files = (0..columns)
			.map(|column| File::create(self.column_path(column)))
			.collect::<io::Result<Vec<_>>>()
			.map_err(|error| format!("staging columns: {error}"))?;
		let mut sink = |segment: &EncodedSegment| -> io::Result<()> {
			for (file, fragment) in files.iter_mut().zip(segment.fragments()) {
				file.write_all(fragment)?;
			}
			Ok(())
		};
		let reader = GrowingPayload { upload: self, file: None, position: 0 };
		// Two workers pay off only when there are segments to overlap; each holds a
		// full segment's buffers.
		let threads = if self.deal.size > 2 * u64::from(layout.segment_size) { 2 } else { 1 };
		let encoder = Encoder::new(layout)
			.map_err(|error| format!("the declared layout is invalid: {error}"))?
			.threads(threads)
			.declared_len(self.deal.size);
		let encoded = encoder.encode(reader, &mut sink).map_err(|error| error.to_string())?;
		let declared = self.deal.fid();
		if encoded.fid != declared {
			return Err(format!(
				"fid_mismatch: the payload's FID is {}, the deal declares {declared}",
				encoded.fid
			));
		}
		Ok(encoded)
	}

	/// Deletes everything staged.
	pub fn remove(&self) -> io::Result<()> {
		remove_dir(&self.dir)
	}
}

/// Where deal `deal` is staged.
pub fn staging_dir(data_dir: &Path, deal: u64) -> PathBuf {
	data_dir.join("deals").join(deal.to_string())
}

/// Deals with something staged under `data_dir`.
pub fn staged_deals(data_dir: &Path) -> io::Result<Vec<u64>> {
	let dir = data_dir.join("deals");
	fs::create_dir_all(&dir)?;
	Ok(fs::read_dir(dir)?
		.filter_map(Result::ok)
		.filter_map(|entry| entry.file_name().to_str()?.parse().ok())
		.collect())
}

/// Deletes a directory tree, if it exists.
pub fn remove_dir(dir: &Path) -> io::Result<()> {
	match fs::remove_dir_all(dir) {
		Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
		_ => Ok(()),
	}
}

/// The staged payload as a stream that waits for bytes not yet received and ends at
/// the declared size.
struct GrowingPayload<'u> {
	upload: &'u Upload,
	file: Option<File>,
	position: u64,
}

impl Read for GrowingPayload<'_> {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		let size = self.upload.deal.size;
		if self.position >= size {
			return Ok(0);
		}
		let available = {
			let mut progress = self.upload.progress.lock().unwrap_or_else(|p| p.into_inner());
			while progress.received <= self.position && !progress.abandoned {
				progress = self.upload.changed.wait(progress).unwrap_or_else(|p| p.into_inner());
			}
			if progress.abandoned {
				return Err(io::Error::other("the upload was abandoned"));
			}
			progress.received
		};
		let file = match &mut self.file {
			Some(file) => file,
			None => self.file.insert(File::open(self.upload.dir.join("payload"))?),
		};
		file.seek(SeekFrom::Start(self.position))?;
		let wanted = buffer.len().min((available - self.position) as usize);
		let count = file.read(&mut buffer[..wanted])?;
		self.position += count as u64;
		Ok(count)
	}
}

/// Reads the fragments of one staged column, segment by segment.
pub struct ColumnReader {
	file: File,
	geometry: FileGeometry,
	offsets: Vec<u64>,
}

impl ColumnReader {
	/// Opens column `column` of an upload encoded as `manifest`.
	pub fn open(upload: &Upload, column: ColumnIndex, manifest: &Manifest) -> io::Result<Self> {
		let geometry = manifest.geometry().map_err(io::Error::other)?;
		let mut offsets = Vec::with_capacity(geometry.segment_count() as usize);
		let mut offset = 0u64;
		for segment in 0..geometry.segment_count() {
			offsets.push(offset);
			offset += u64::from(geometry.shard_len(segment).unwrap_or(0));
		}
		Ok(Self { file: File::open(upload.column_path(column))?, geometry, offsets })
	}

	/// The fragment of `segment`.
	pub fn fragment(&mut self, segment: SegmentIndex) -> io::Result<Vec<u8>> {
		let len = self
			.geometry
			.shard_len(segment)
			.ok_or_else(|| io::Error::other("segment outside the file"))?;
		let mut fragment = vec![0u8; len as usize];
		self.file.seek(SeekFrom::Start(self.offsets[segment as usize]))?;
		self.file.read_exact(&mut fragment)?;
		Ok(fragment)
	}

	/// Segments of the file.
	pub fn segments(&self) -> u32 {
		self.geometry.segment_count()
	}
}

/// Bytes each miner holds of a file: its column.
pub fn column_bytes(layout: Layout, size: u64) -> u64 {
	FileGeometry::new(layout, size)
		.map(|geometry| {
			(0..geometry.segment_count())
				.map(|s| u64::from(geometry.shard_len(s).unwrap_or(0)))
				.sum()
		})
		.unwrap_or(u64::MAX)
}
