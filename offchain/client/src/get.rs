//! Getting an object back from its miners: the manifest from any holder, then k
//! fragments of each segment in parallel, data columns first (no decoding when they
//! are intact); a fragment that fails verification, or a holder that fails, is
//! replaced by the next column. Segments are fetched two ahead of the writer.

use std::{
	collections::HashMap,
	io::{self, Read, Write},
	sync::{mpsc as std_mpsc, Arc, Mutex},
	time::Duration,
};

use codec::DecodeAll;
use deoss_chain::{AccountId, FileRecord};
use deoss_pipeline::{decode_segment, object_reader, verify_fragment, Manifest, ObjectOptions};
use deoss_primitives::{ColumnIndex, Fid, FileGeometry, SegmentIndex};
use deoss_protocol::routes;
use futures::{stream::FuturesUnordered, StreamExt};

use crate::{put::unreachable, ClientError, DeossClient, REQUEST_TIMEOUT};

/// Segments fetched ahead of the one being written.
const PREFETCH: usize = 2;

/// How long a just-stored file's manifest may take to appear on its miners.
const MANIFEST_PATIENCE: Duration = Duration::from_secs(15);

/// Which object to read.
#[derive(Clone, Debug)]
pub enum Target {
	/// A stored file by FID.
	Fid(Fid),
	/// An owner's object; the client's account when `owner` is `None`.
	Object {
		/// The owner.
		owner: Option<AccountId>,
		/// The bucket.
		bucket: Vec<u8>,
		/// The name.
		name: Vec<u8>,
	},
}

/// A read.
#[derive(Clone, Debug)]
pub struct GetRequest {
	/// What to read.
	pub target: Target,
	/// Object bytes `start..end` only; the whole object when `None`.
	pub range: Option<(u64, u64)>,
	/// How the object was compressed and encrypted when it was put.
	pub options: ObjectOptions,
}

impl GetRequest {
	/// The whole of `target`, stored without compression or encryption.
	pub fn plain(target: Target) -> Self {
		Self { target, range: None, options: ObjectOptions::default() }
	}
}

/// What a read ran into.
#[derive(Clone, Debug, Default)]
pub struct GetReport {
	/// Object bytes written.
	pub bytes: u64,
	/// Segments fetched.
	pub segments: u32,
	/// Fragments fetched and verified.
	pub fragments: u32,
	/// Fragments that failed verification or could not be had, and from whom.
	pub failures: Vec<String>,
}

/// The holders of each column: `(miner, endpoint)` for every replica.
type Holders = Vec<Vec<(AccountId, String)>>;

impl DeossClient {
	/// Reads `request` into memory.
	pub async fn get_bytes(&self, request: GetRequest) -> Result<Vec<u8>, ClientError> {
		let buffer = SharedBuffer::default();
		self.get(request, buffer.clone()).await?;
		Ok(buffer.take())
	}

	/// Writes the object (or the range) to `out`; every fragment is verified against
	/// the FID before it is decoded.
	pub async fn get(
		&self,
		request: GetRequest,
		out: impl Write + Send + 'static,
	) -> Result<GetReport, ClientError> {
		let (fid, record) = self.stat(&request.target).await?;
		let layout = record.layout();
		let geometry = FileGeometry::new(layout, record.size)
			.map_err(|error| ClientError::Invalid(format!("the file record's layout: {error}")))?;
		let holders = self.holders(&record).await?;
		let manifest = Arc::new(self.manifest(&fid, &holders).await?);
		let plain = request.options.compression.is_none() && request.options.cipher.is_none();
		let (start, end) = match request.range {
			Some((start, end)) if start > end => {
				return Err(ClientError::Invalid(format!(
					"range {start}-{end} ends before it starts"
				)));
			}
			Some((start, end)) if plain => (start.min(record.size), end.min(record.size)),
			Some(range) => range,
			None => (0, u64::MAX),
		};
		let segment_size = u64::from(layout.segment_size);
		// Only an unencoded object maps object bytes to segments.
		let (first, last) = if plain && request.range.is_some() {
			if start == end {
				(1, 0)
			} else {
				((start / segment_size) as u32, ((end - 1) / segment_size) as u32)
			}
		} else {
			(0, geometry.segment_count() - 1)
		};
		let payload_base = if plain { u64::from(first) * segment_size } else { 0 };

		let (sender, receiver) = std_mpsc::sync_channel::<Vec<u8>>(PREFETCH);
		let options = request.options.clone();
		let object_segment_size = layout.segment_size;
		let writer = tokio::task::spawn_blocking(move || -> io::Result<u64> {
			let payload = ChannelReader { receiver, current: Vec::new(), position: 0 };
			let mut object =
				object_reader(payload, &options, object_segment_size).map_err(io::Error::other)?;
			let skip = start.saturating_sub(payload_base);
			io::copy(&mut (&mut object).take(skip), &mut io::sink())?;
			let mut out = out;
			let written = io::copy(&mut object.take(end.saturating_sub(start)), &mut out)?;
			out.flush()?;
			Ok(written)
		});

		let report = Arc::new(Mutex::new(GetReport::default()));
		let mut segments = futures::stream::iter(first..=last)
			.map(|segment| {
				let manifest = manifest.clone();
				let holders = &holders;
				let report = report.clone();
				async move {
					self.fetch_segment(&fid, &manifest, &geometry, holders, segment, &report).await
				}
			})
			.buffered(PREFETCH);
		let mut fetched = Ok(());
		while let Some(segment) = segments.next().await {
			match segment {
				Ok(bytes) => {
					if sender.send(bytes).is_err() {
						break;
					}
				}
				Err(error) => {
					fetched = Err(error);
					break;
				}
			}
		}
		drop(sender);
		let written = writer.await.map_err(|error| ClientError::Io(io::Error::other(error)))?;
		fetched?;
		let mut report = report.lock().map(|report| report.clone()).unwrap_or_default();
		report.bytes = written?;
		Ok(report)
	}

	async fn holders(&self, record: &FileRecord) -> Result<Holders, ClientError> {
		let columns = usize::from(record.layout().column_count());
		let mut distinct = record.miners.clone();
		distinct.sort();
		distinct.dedup();
		let infos =
			futures::future::try_join_all(distinct.iter().map(|miner| self.chain.miner(miner)))
				.await?;
		let endpoints: HashMap<AccountId, Option<String>> = distinct
			.into_iter()
			.zip(infos)
			.map(|(miner, info)| (miner, info.map(|info| info.endpoint())))
			.collect();
		let mut holders: Holders = vec![Vec::new(); columns];
		for (slot, miner) in record.miners.iter().enumerate() {
			if let Some(Some(endpoint)) = endpoints.get(miner) {
				holders[slot % columns].push((*miner, endpoint.clone()));
			}
		}
		Ok(holders)
	}

	/// The manifest from the first holder that has it, checked against the FID.
	async fn manifest(&self, fid: &Fid, holders: &Holders) -> Result<Manifest, ClientError> {
		let deadline = tokio::time::Instant::now() + MANIFEST_PATIENCE;
		let mut failures = Vec::new();
		loop {
			for (_, endpoint) in holders.iter().flatten() {
				let answer = self
					.http
					.get(routes::url(endpoint, &routes::file_manifest(fid)))
					.timeout(REQUEST_TIMEOUT)
					.send()
					.await;
				let bytes = match answer {
					Ok(response) if response.status().is_success() => response.bytes().await.ok(),
					Ok(response) => {
						failures.push(format!("{endpoint}: {}", response.status()));
						None
					}
					Err(error) => {
						failures.push(format!("{endpoint}: {error}"));
						None
					}
				};
				let Some(bytes) = bytes else { continue };
				match Manifest::decode_all(&mut &bytes[..]) {
					Ok(manifest) if manifest.verify(fid).is_ok() => return Ok(manifest),
					_ => {
						failures.push(format!("{endpoint}: a manifest that does not match the FID"))
					}
				}
			}
			if tokio::time::Instant::now() >= deadline {
				return Err(ClientError::NotFound(format!(
					"no holder served the manifest of {fid}: {}",
					failures.join("; ")
				)));
			}
			failures.clear();
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// One fragment of `column` from any of its holders, verified; `Err` says why not.
	async fn fetch_fragment(
		&self,
		fid: &Fid,
		manifest: &Manifest,
		geometry: &FileGeometry,
		holders: &Holders,
		segment: SegmentIndex,
		column: ColumnIndex,
	) -> Result<Vec<u8>, String> {
		let mut why = Vec::new();
		for (_, endpoint) in &holders[usize::from(column)] {
			let url = routes::url(endpoint, &routes::file_fragment(fid, segment, column));
			match self.http.get(url).timeout(REQUEST_TIMEOUT).send().await {
				Ok(response) if response.status().is_success() => match response.bytes().await {
					Ok(bytes) if verify_fragment(manifest, geometry, segment, column, &bytes) => {
						return Ok(bytes.to_vec())
					}
					Ok(_) => why.push(format!(
						"{endpoint}: fragment {segment}.{column} fails verification"
					)),
					Err(error) => why.push(unreachable(endpoint, error).to_string()),
				},
				Ok(response) => why.push(format!(
					"{endpoint}: fragment {segment}.{column}: {}",
					response.status()
				)),
				Err(error) => why.push(unreachable(endpoint, error).to_string()),
			}
		}
		if why.is_empty() {
			why.push(format!("column {column} has no reachable holder"));
		}
		Err(why.join("; "))
	}

	/// The payload bytes of one segment from any k verified fragments.
	async fn fetch_segment(
		&self,
		fid: &Fid,
		manifest: &Manifest,
		geometry: &FileGeometry,
		holders: &Holders,
		segment: SegmentIndex,
		report: &Mutex<GetReport>,
	) -> Result<Vec<u8>, ClientError> {
		let columns = geometry.column_count();
		let wanted = usize::from(geometry.layout().data_shards);
		let mut next_column = 0u16;
		let mut in_flight = FuturesUnordered::new();
		let mut shards: Vec<Option<Vec<u8>>> = vec![None; usize::from(columns)];
		let mut intact = 0;
		let mut failures = Vec::new();
		let launch = |column: ColumnIndex| async move {
			(column, self.fetch_fragment(fid, manifest, geometry, holders, segment, column).await)
		};
		while next_column < columns && in_flight.len() < wanted {
			in_flight.push(launch(next_column));
			next_column += 1;
		}
		while let Some((column, fetched)) = in_flight.next().await {
			match fetched {
				Ok(fragment) => {
					shards[usize::from(column)] = Some(fragment);
					intact += 1;
					if intact == wanted {
						break;
					}
				}
				Err(why) => {
					failures.push(why);
					if next_column < columns {
						in_flight.push(launch(next_column));
						next_column += 1;
					}
				}
			}
		}
		drop(in_flight);
		if let Ok(mut report) = report.lock() {
			report.segments += 1;
			report.fragments += intact as u32;
			report.failures.extend(failures.iter().cloned());
		}
		if intact < wanted {
			return Err(ClientError::Unavailable {
				segment,
				intact,
				required: wanted,
				details: failures.join("; "),
			});
		}
		Ok(decode_segment(geometry, segment, shards)?)
	}
}

/// The payload as the fetcher hands it over, segment by segment.
struct ChannelReader {
	receiver: std_mpsc::Receiver<Vec<u8>>,
	current: Vec<u8>,
	position: usize,
}

impl Read for ChannelReader {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		while self.position == self.current.len() {
			match self.receiver.recv() {
				Ok(next) => {
					self.current = next;
					self.position = 0;
				}
				Err(_) => return Ok(0),
			}
		}
		let count = buffer.len().min(self.current.len() - self.position);
		buffer[..count].copy_from_slice(&self.current[self.position..self.position + count]);
		self.position += count;
		Ok(count)
	}
}

/// A `Write` into memory that can be taken back after the writer thread ends.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
	fn take(&self) -> Vec<u8> {
		self.0.lock().map(|mut bytes| std::mem::take(&mut *bytes)).unwrap_or_default()
	}
}

impl Write for SharedBuffer {
	fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
		self.0.lock().map_err(|_| io::Error::other("buffer poisoned"))?.extend_from_slice(bytes);
		Ok(bytes.len())
	}

	fn flush(&mut self) -> io::Result<()> {
		Ok(())
	}
}
