//! Getting an object back from its miners: the manifest from any holder, then k
//! fragments of each segment in parallel, data columns first (no decoding when they
//! are intact); a fragment that fails verification, or a holder that fails, is
//! replaced by the next column. A holder slower than the hedge delay gets company:
//! one more column is asked for, and the slow holder is ranked last afterwards (see
//! [`crate::latency`]). Segments are fetched two ahead of the writer.

use std::{
	collections::HashMap,
	io::{self, Read, Write},
	sync::{mpsc as std_mpsc, Arc, Mutex},
	time::Duration,
};

use codec::{DecodeAll, Encode};
use deoss_chain::{calls, AccountId, FileRecord};
use deoss_pipeline::{
	decode_segment, object_reader, unwrap_with_account, verify_fragment, wrap_to_account, DataKey,
	Manifest, ObjectOptions, WrappedKey,
};
use deoss_primitives::{ColumnIndex, Fid, FileGeometry, SegmentIndex};
use deoss_protocol::routes;
use futures::{stream::FuturesUnordered, StreamExt};

use crate::{
	format::{FormatError, ObjectHeader},
	latency::{column_order, Latencies},
	put::unreachable,
	ClientError, DeossClient, REQUEST_TIMEOUT,
};

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
	/// The payload as stored (header and ciphertext included), not the object.
	pub raw: bool,
}

impl GetRequest {
	/// The whole of `target`, decompressed and decrypted as its header says.
	pub fn new(target: Target) -> Self {
		Self { target, range: None, raw: false }
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
	/// Extra fragment requests sent because the first ones were slow.
	pub hedged: u32,
	/// Fragments that failed verification or could not be had, and from whom.
	pub failures: Vec<String>,
	/// Whether the object was stored compressed.
	pub compressed: bool,
	/// Whether the object was stored encrypted (and was decrypted).
	pub encrypted: bool,
}

/// How a payload holds its object: the options to read the body with, and where the
/// body starts.
struct Reading {
	options: ObjectOptions,
	body_offset: u64,
	plain: bool,
}

/// The holders of each column: `(miner, endpoint)` for every replica.
type Holders = Vec<Vec<(AccountId, String)>>;

impl DeossClient {
	/// Reads `request` into memory.
	pub async fn get_bytes(&self, request: GetRequest) -> Result<Vec<u8>, ClientError> {
		Ok(self.get_bytes_with_report(request).await?.0)
	}

	/// Reads `request` into memory, with what the read ran into.
	pub async fn get_bytes_with_report(
		&self,
		request: GetRequest,
	) -> Result<(Vec<u8>, GetReport), ClientError> {
		let buffer = SharedBuffer::default();
		let report = self.get(request, buffer.clone()).await?;
		Ok((buffer.take(), report))
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
		let report = Arc::new(Mutex::new(GetReport::default()));
		let segment_size = u64::from(layout.segment_size);
		if let Some((start, end)) = request.range {
			if start > end {
				return Err(ClientError::Invalid(format!(
					"range {start}-{end} ends before it starts"
				)));
			}
		}

		// The head of the payload says how to read it. A full read (or a range in the
		// first segment) needs segment 0 anyway; a range further on probes one fragment.
		let mut first_segment = None;
		let header = if request.raw || record.size == 0 {
			None
		} else {
			let head = match request.range {
				Some((start, _)) if start >= segment_size => {
					self.payload_head(&fid, &manifest, &geometry, &holders, &report).await?
				}
				_ => {
					let bytes = self
						.fetch_segment(&fid, &manifest, &geometry, &holders, 0, &report)
						.await?;
					first_segment = Some(bytes.clone());
					bytes
				}
			};
			ObjectHeader::parse(&head).map_err(|error| format_error(&fid, error))?
		};
		let reading = match &header {
			None => Reading { options: ObjectOptions::default(), body_offset: 0, plain: true },
			Some((header, len)) => Reading {
				options: header.options(self.data_key(&fid, header).await?),
				body_offset: *len as u64,
				plain: false,
			},
		};
		if let Ok(mut report) = report.lock() {
			report.compressed = reading.options.compression.is_some();
			report.encrypted = reading.options.cipher.is_some();
		}
		let plain = reading.plain;
		let (start, end) = match request.range {
			Some((start, end)) if plain => (start.min(record.size), end.min(record.size)),
			Some(range) => range,
			None => (0, u64::MAX),
		};
		// Only an object without a header maps object bytes to segments; the others
		// are read from the start (compressed or sealed bytes have no fixed offsets).
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
		if first != 0 {
			first_segment = None;
		}

		let (sender, receiver) = std_mpsc::sync_channel::<Vec<u8>>(PREFETCH);
		let options = reading.options;
		let body_offset = reading.body_offset;
		let object_segment_size = layout.segment_size;
		let writer = tokio::task::spawn_blocking(move || -> io::Result<u64> {
			let mut payload = ChannelReader { receiver, current: Vec::new(), position: 0 };
			io::copy(&mut (&mut payload).take(body_offset), &mut io::sink())?;
			let mut object =
				object_reader(payload, &options, object_segment_size).map_err(io::Error::other)?;
			let skip = start.saturating_sub(payload_base);
			io::copy(&mut (&mut object).take(skip), &mut io::sink())?;
			let mut out = out;
			let written = io::copy(&mut object.take(end.saturating_sub(start)), &mut out)?;
			out.flush()?;
			Ok(written)
		});

		let first_segment = Mutex::new(first_segment);
		let mut segments = futures::stream::iter(first..=last)
			.map(|segment| {
				let manifest = manifest.clone();
				let holders = &holders;
				let report = report.clone();
				let cached = if segment == 0 {
					first_segment.lock().ok().and_then(|mut cached| cached.take())
				} else {
					None
				};
				async move {
					match cached {
						Some(bytes) => Ok(bytes),
						None => {
							self.fetch_segment(
								&fid, &manifest, &geometry, holders, segment, &report,
							)
							.await
						}
					}
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

	/// Lets `grantee` decrypt the encrypted object `target`: its data key (which this
	/// client must be able to open) wrapped to `grantee`'s account, stored on chain.
	/// Only an owner of the file may share it.
	pub async fn share(&self, target: &Target, grantee: &AccountId) -> Result<Fid, ClientError> {
		let (fid, record) = self.stat(target).await?;
		let geometry = FileGeometry::new(record.layout(), record.size)
			.map_err(|error| ClientError::Invalid(format!("the file record's layout: {error}")))?;
		let holders = self.holders(&record).await?;
		let manifest = self.manifest(&fid, &holders).await?;
		let report = Mutex::new(GetReport::default());
		let head = if record.size == 0 {
			Vec::new()
		} else {
			self.payload_head(&fid, &manifest, &geometry, &holders, &report).await?
		};
		let header = ObjectHeader::parse(&head).map_err(|error| format_error(&fid, error))?;
		let key = match header {
			Some((header, _)) => self.data_key(&fid, &header).await?,
			None => None,
		};
		let Some(key) = key else {
			return Err(ClientError::Invalid(format!(
				"{fid} is not encrypted: whoever can fetch it can read it, there is no key to share"
			)));
		};
		let wrapped = wrap_to_account(&key, grantee)
			.map_err(|error| ClientError::Invalid(format!("wrapping for the grantee: {error}")))?;
		self.chain
			.submit(&calls::grant_key(&fid, grantee, &wrapped.encode()), &self.signer)
			.await?;
		Ok(fid)
	}

	/// Removes `grantee`'s key grant of `target` (it cannot unlearn a key it read).
	pub async fn unshare(&self, target: &Target, grantee: &AccountId) -> Result<Fid, ClientError> {
		let (fid, _) = self.stat(target).await?;
		self.chain.submit(&calls::revoke_key(&fid, grantee), &self.signer).await?;
		Ok(fid)
	}

	/// The data key of an encrypted object: from its header if it was wrapped to this
	/// account, else from this account's key grant on chain.
	async fn data_key(
		&self,
		fid: &Fid,
		header: &ObjectHeader,
	) -> Result<Option<DataKey>, ClientError> {
		let Some(encryption) = &header.encryption else { return Ok(None) };
		let secret = self.secret.as_ref().ok_or(ClientError::NoAccountSecret(*fid))?;
		if let Ok(key) = unwrap_with_account(&encryption.owner_key, secret) {
			return Ok(Some(key));
		}
		let me = self.account();
		let not_shared =
			|| ClientError::NotShared { fid: *fid, account: deoss_chain::signer::ss58(&me) };
		let Some(bytes) = self.chain.key_grant(fid, &me).await? else { return Err(not_shared()) };
		let wrapped = WrappedKey::decode_all(&mut &bytes[..]).map_err(|_| not_shared())?;
		unwrap_with_account(&wrapped, secret).map(Some).map_err(|_| not_shared())
	}

	/// The first bytes of the payload, enough for its header: fragment 0 of segment 0
	/// (verified), or the whole first segment when that fragment cannot be had.
	async fn payload_head(
		&self,
		fid: &Fid,
		manifest: &Manifest,
		geometry: &FileGeometry,
		holders: &Holders,
		report: &Mutex<GetReport>,
	) -> Result<Vec<u8>, ClientError> {
		let shard = geometry.shard_len(0).unwrap_or(0) as usize;
		let column_0_fast = holders
			.first()
			.is_some_and(|replicas| replicas.iter().any(|(_, e)| !self.latencies.is_slow(e)));
		if shard >= crate::format::MAX_HEADER_LEN && column_0_fast {
			let one = self.fetch_fragment(fid, manifest, geometry, holders, 0, 0);
			// A slow holder of column 0 costs one hedge delay, then any k columns do.
			if let Ok(Ok(fragment)) = tokio::time::timeout(self.latencies.hedge_delay(), one).await
			{
				return Ok(fragment);
			}
		}
		self.fetch_segment(fid, manifest, geometry, holders, 0, report).await
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

	/// The manifest from the first holder that has it, checked against the FID. Holders
	/// are asked fastest first, one more each hedge delay (at once after a failure),
	/// so a frozen holder costs one hedge delay.
	async fn manifest(&self, fid: &Fid, holders: &Holders) -> Result<Manifest, ClientError> {
		let deadline = tokio::time::Instant::now() + MANIFEST_PATIENCE;
		let mut endpoints: Vec<&str> =
			holders.iter().flatten().map(|(_, endpoint)| endpoint.as_str()).collect();
		endpoints.sort();
		endpoints.dedup();
		endpoints.sort_by_key(|endpoint| self.latencies.sort_key(endpoint));
		loop {
			let mut failures = Vec::new();
			let mut queue = endpoints.iter();
			let mut in_flight = FuturesUnordered::new();
			let hedge = self.latencies.hedge_delay();
			let timer = tokio::time::sleep(hedge);
			tokio::pin!(timer);
			if let Some(endpoint) = queue.next() {
				in_flight.push(self.manifest_from(fid, endpoint));
			}
			while !in_flight.is_empty() {
				tokio::select! {
					Some(answer) = in_flight.next() => match answer {
						Ok(manifest) => return Ok(manifest),
						Err(why) => {
							failures.push(why);
							if let Some(endpoint) = queue.next() {
								in_flight.push(self.manifest_from(fid, endpoint));
							}
						}
					},
					_ = &mut timer => {
						if let Some(endpoint) = queue.next() {
							in_flight.push(self.manifest_from(fid, endpoint));
						}
						timer.as_mut().reset(tokio::time::Instant::now() + hedge);
					}
				}
			}
			if tokio::time::Instant::now() >= deadline {
				return Err(ClientError::NotFound(format!(
					"no holder served the manifest of {fid}: {}",
					failures.join("; ")
				)));
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// The manifest of `fid` from `endpoint`, checked against the FID.
	async fn manifest_from(&self, fid: &Fid, endpoint: &str) -> Result<Manifest, String> {
		let mut timing = Timing::start(&self.latencies, endpoint);
		let answer = self
			.http
			.get(routes::url(endpoint, &routes::file_manifest(fid)))
			.timeout(REQUEST_TIMEOUT)
			.send()
			.await;
		let bytes = match answer {
			Ok(response) if response.status().is_success() => {
				response.bytes().await.map_err(|error| unreachable(endpoint, error).to_string())?
			}
			// Not there yet (a file just stored): no sign of a slow holder.
			Ok(response) => {
				timing.forget();
				return Err(format!("{endpoint}: {}", response.status()));
			}
			Err(error) => {
				timing.failed();
				return Err(unreachable(endpoint, error).to_string());
			}
		};
		match Manifest::decode_all(&mut &bytes[..]) {
			Ok(manifest) if manifest.verify(fid).is_ok() => {
				timing.answered();
				Ok(manifest)
			}
			_ => {
				timing.failed();
				Err(format!("{endpoint}: a manifest that does not match the FID"))
			}
		}
	}

	/// One fragment of `column` from any of its holders (fastest first), verified;
	/// `Err` says why not.
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
		let replicas = self.latencies.rank(&holders[usize::from(column)], |(_, e)| e.as_str());
		for (_, endpoint) in replicas {
			let mut timing = Timing::start(&self.latencies, endpoint);
			let url = routes::url(endpoint, &routes::file_fragment(fid, segment, column));
			match self.http.get(url).timeout(REQUEST_TIMEOUT).send().await {
				Ok(response) if response.status().is_success() => match response.bytes().await {
					Ok(bytes) if verify_fragment(manifest, geometry, segment, column, &bytes) => {
						timing.answered();
						return Ok(bytes.to_vec());
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
			timing.failed();
		}
		if why.is_empty() {
			why.push(format!("column {column} has no reachable holder"));
		}
		Err(why.join("; "))
	}

	/// The payload bytes of one segment from any k verified fragments: data columns
	/// first, then the fastest parity columns; one more column each hedge delay while
	/// fewer than k arrived, and another at once for each that failed.
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
		let mut order = column_order(&self.latencies, wanted, holders).into_iter();
		let mut in_flight = FuturesUnordered::new();
		let mut shards: Vec<Option<Vec<u8>>> = vec![None; usize::from(columns)];
		let mut intact = 0;
		let mut hedged = 0;
		let mut failures = Vec::new();
		let launch = |column: ColumnIndex| async move {
			(column, self.fetch_fragment(fid, manifest, geometry, holders, segment, column).await)
		};
		for column in order.by_ref().take(wanted) {
			in_flight.push(launch(column));
		}
		let hedge = self.latencies.hedge_delay();
		let timer = tokio::time::sleep(hedge);
		tokio::pin!(timer);
		while intact < wanted && !in_flight.is_empty() {
			tokio::select! {
				Some((column, fetched)) = in_flight.next() => match fetched {
					Ok(fragment) => {
						shards[usize::from(column)] = Some(fragment);
						intact += 1;
					}
					Err(why) => {
						failures.push(why);
						if let Some(column) = order.next() {
							in_flight.push(launch(column));
						}
					}
				},
				_ = &mut timer => {
					if let Some(column) = order.next() {
						in_flight.push(launch(column));
						hedged += 1;
					}
					timer.as_mut().reset(tokio::time::Instant::now() + hedge);
				}
			}
		}
		drop(in_flight);
		if let Ok(mut report) = report.lock() {
			report.segments += 1;
			report.fragments += intact as u32;
			report.hedged += hedged;
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

/// Times one request to a holder for its latency estimate. Dropped while pending
/// after the hedge delay (overtaken by other holders), it charges the holder as slow.
struct Timing<'a> {
	latencies: &'a Latencies,
	endpoint: &'a str,
	started: std::time::Instant,
	settled: bool,
}

impl<'a> Timing<'a> {
	fn start(latencies: &'a Latencies, endpoint: &'a str) -> Self {
		Self { latencies, endpoint, started: std::time::Instant::now(), settled: false }
	}

	fn answered(&mut self) {
		self.latencies.observe(self.endpoint, self.started.elapsed());
		self.settled = true;
	}

	fn failed(&mut self) {
		self.latencies.penalize(self.endpoint, self.started.elapsed());
		self.settled = true;
	}

	fn forget(&mut self) {
		self.settled = true;
	}
}

impl Drop for Timing<'_> {
	fn drop(&mut self) {
		let elapsed = self.started.elapsed();
		if !self.settled && elapsed >= self.latencies.hedge_delay() {
			self.latencies.penalize(self.endpoint, elapsed);
		}
	}
}

fn format_error(fid: &Fid, error: FormatError) -> ClientError {
	ClientError::Invalid(format!("{fid}: {error}; `--raw` reads the payload as stored"))
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
