//! Putting an object: encode locally for the FID, declare, stream to the scheduler,
//! wait for `FileStored`.

use std::{
	io::{self, Read},
	path::PathBuf,
	sync::Arc,
	time::Duration,
};

use deoss_chain::{calls, events::FinalizedEvents, AccountId, ChainEvent};
use deoss_pipeline::{payload_reader, EncodedFile, EncodedSegment, Encoder, ObjectOptions};

use crate::format::{starts_with_magic, ObjectHeader, MAX_HEADER_LEN};
use deoss_primitives::{Fid, Layout};
use deoss_protocol::{routes, ErrorBody, SignedRequest, UploadState, UploadStatus};
use tokio::sync::mpsc;

use crate::{ClientError, DeossClient, Meta, REQUEST_TIMEOUT};

/// Bytes sent per signed upload request.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

/// Times a part is sent again after a broken connection, and times a deal is moved to
/// another scheduler after the current one failed, before the put gives up.
const RETRIES: u32 = 3;

/// Where the object's bytes come from. Both are read twice: once to compute the FID,
/// once to send the payload.
#[derive(Clone, Debug)]
pub enum PutSource {
	/// A file on disk.
	Path(PathBuf),
	/// Bytes in memory.
	Bytes(Arc<Vec<u8>>),
}

impl PutSource {
	fn open(&self) -> io::Result<Box<dyn Read + Send>> {
		Ok(match self {
			PutSource::Path(path) => {
				Box::new(io::BufReader::with_capacity(1 << 20, std::fs::File::open(path)?))
			}
			PutSource::Bytes(bytes) => Box::new(io::Cursor::new(SharedBytes(bytes.clone()))),
		})
	}

	fn len(&self) -> Option<u64> {
		match self {
			PutSource::Path(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
			PutSource::Bytes(bytes) => Some(bytes.len() as u64),
		}
	}
}

struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
	fn as_ref(&self) -> &[u8] {
		&self.0
	}
}

/// An object to put.
#[derive(Clone, Debug)]
pub struct PutRequest {
	/// The owner; the client's account when `None` (otherwise the client must be an
	/// operator the owner authorized with the Upload scope).
	pub owner: Option<AccountId>,
	/// The owner's bucket.
	pub bucket: Vec<u8>,
	/// The object's name in it.
	pub name: Vec<u8>,
	/// The bytes.
	pub source: PutSource,
	/// How to cut and encode the payload.
	pub layout: Layout,
	/// Regions the fragments may go to (at least one).
	pub regions: Vec<[u8; 2]>,
	/// Miners accepted whatever their region.
	pub pinned: Vec<AccountId>,
	/// Content type, description, keywords.
	pub meta: Meta,
	/// Compression and encryption. An encrypted object's data key is wrapped to the
	/// owner's account; pass the same cipher again to resume an interrupted put.
	pub options: ObjectOptions,
}

impl PutRequest {
	/// `bytes` as `bucket/name`, default layout, the given regions, no options.
	pub fn bytes(bucket: &str, name: &str, bytes: Vec<u8>, regions: &[[u8; 2]]) -> Self {
		Self {
			owner: None,
			bucket: bucket.as_bytes().to_vec(),
			name: name.as_bytes().to_vec(),
			source: PutSource::Bytes(Arc::new(bytes)),
			layout: Layout::default(),
			regions: regions.to_vec(),
			pinned: Vec::new(),
			meta: Meta { content_type: "application/octet-stream".into(), ..Meta::default() },
			options: ObjectOptions::default(),
		}
	}

	/// The bytes that precede the pipeline's payload: the object header, if the object
	/// needs one. Deterministic, so both reads of the source give the same payload.
	fn payload_prefix(&self, owner: &AccountId) -> Result<Vec<u8>, ClientError> {
		let header = ObjectHeader::for_options(&self.options, owner)
			.map_err(|error| ClientError::Invalid(format!("encrypting for the owner: {error}")))?;
		Ok(match header {
			Some(header) => header.to_bytes(),
			None if starts_with_magic(self.source.open()?)? => {
				ObjectHeader { compression: None, encryption: None }.to_bytes()
			}
			None => Vec::new(),
		})
	}

	/// The payload stream: prefix, then the pipeline's payload of `object` (the source).
	fn payload<'a>(&self, object: impl Read + 'a, prefix: &[u8]) -> io::Result<Box<dyn Read + 'a>> {
		let body = payload_reader(object, &self.options, self.layout.segment_size)
			.map_err(io::Error::other)?;
		Ok(Box::new(io::Cursor::new(prefix.to_vec()).chain(body)))
	}
}

/// How far a put got, as reported to the progress callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
	/// Object bytes read and encoded to compute the FID (`total` when known).
	Encoding {
		/// Bytes read.
		done: u64,
		/// The object's size, if known.
		total: Option<u64>,
	},
	/// The deal was declared and assigned.
	Declared {
		/// The deal.
		deal: u64,
		/// The scheduler's endpoint.
		scheduler: String,
	},
	/// Payload bytes the scheduler holds.
	Uploading {
		/// Bytes staged on the scheduler.
		sent: u64,
		/// Payload bytes in all.
		total: u64,
	},
	/// The payload is with the scheduler; waiting for the chain to store it.
	Storing,
	/// The file is stored.
	Stored,
}

/// What a successful put produced.
#[derive(Clone, Debug)]
pub struct PutOutcome {
	/// The file.
	pub fid: Fid,
	/// The deal that stored it, or that added the owner to a FID stored already.
	pub deal: u64,
	/// Payload bytes (after compression and encryption).
	pub payload_len: u64,
	/// One miner per slot.
	pub miners: Vec<AccountId>,
	/// The scheduler that verified the payload.
	pub scheduler: AccountId,
	/// For a put that resumed an interrupted one: payload bytes its scheduler held
	/// already, which were not sent again.
	pub resumed_from: Option<u64>,
}

/// Bytes of the object read so far, for the progress callback.
struct Counting<R> {
	inner: R,
	done: u64,
	total: Option<u64>,
	progress: Arc<dyn Fn(Stage) + Send + Sync>,
}

impl<R: Read> Read for Counting<R> {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		let count = self.inner.read(buffer)?;
		let before = self.done >> 22;
		self.done += count as u64;
		if self.done >> 22 != before || count == 0 {
			(self.progress)(Stage::Encoding { done: self.done, total: self.total });
		}
		Ok(count)
	}
}

/// The FID and manifest `request` will have when `owner` puts it, computed offline
/// (what `deoss fid` prints, and how a put that finds its object stored already tells
/// whether it is the same).
pub fn local_fid(request: &PutRequest, owner: &AccountId) -> Result<EncodedFile, ClientError> {
	let prefix = request.payload_prefix(owner)?;
	encode_locally(request, &prefix, Arc::new(|_| ()))
}

/// The FID and manifest of `request`'s payload behind `prefix` (first pass; fragments
/// discarded).
fn encode_locally(
	request: &PutRequest,
	prefix: &[u8],
	progress: Arc<dyn Fn(Stage) + Send + Sync>,
) -> Result<EncodedFile, ClientError> {
	let object =
		Counting { inner: request.source.open()?, done: 0, total: request.source.len(), progress };
	let payload = request.payload(object, prefix)?;
	let mut discard = |_: &EncodedSegment| Ok(());
	Ok(Encoder::new(request.layout)?.encode(payload, &mut discard)?)
}

impl DeossClient {
	/// Puts an object; see the crate documentation. `progress` is told of every stage.
	pub async fn put(
		&self,
		request: PutRequest,
		progress: impl Fn(Stage) + Send + Sync + 'static,
	) -> Result<PutOutcome, ClientError> {
		let progress: Arc<dyn Fn(Stage) + Send + Sync> = Arc::new(progress);
		if request.regions.is_empty() {
			return Err(ClientError::Invalid("at least one region is needed".into()));
		}
		let owner = request.owner.unwrap_or_else(|| self.account());
		if let Some(fid) = self.chain.object_fid(&owner, &request.bucket, &request.name).await? {
			return Err(ClientError::ObjectExists {
				object: format!(
					"{}/{}",
					String::from_utf8_lossy(&request.bucket),
					String::from_utf8_lossy(&request.name)
				),
				fid,
			});
		}
		let prefix = Arc::new(request.payload_prefix(&owner)?);
		if !prefix.is_empty() && (request.layout.segment_size as usize) < MAX_HEADER_LEN {
			return Err(ClientError::Invalid(format!(
				"compressed or encrypted objects need segments of at least {MAX_HEADER_LEN} bytes"
			)));
		}
		let encoded = {
			let request = request.clone();
			let progress = progress.clone();
			let prefix = prefix.clone();
			tokio::task::spawn_blocking(move || encode_locally(&request, &prefix, progress))
				.await
				.map_err(|error| ClientError::Io(io::Error::other(error)))??
		};
		let payload_len = encoded.manifest.payload_len;

		// Subscribe before declaring, so no event of the deal is missed.
		let mut blocks = self.chain.finalized_events().await?;
		let mut resumed_from = None;
		let (deal, mut scheduler) = match self.open_deal_of(&owner, &request, &encoded.fid).await? {
			Some(open) => {
				if let Ok(endpoint) = self.scheduler_endpoint(&open.1).await {
					resumed_from = self.status(&endpoint, open.0).await.ok().map(|s| s.received);
				}
				tracing::info!(
					deal = open.0,
					?resumed_from,
					"resuming the open deal of this object"
				);
				open
			}
			None => {
				let declaration = calls::Declaration {
					owner,
					bucket: request.bucket.clone(),
					name: request.name.clone(),
					size: payload_len,
					fid: encoded.fid,
					layout: request.layout,
					regions: request.regions.clone(),
					pinned: request.pinned.clone(),
					meta: request.meta.clone(),
				};
				let events = self
					.chain
					.submit(&calls::declare(&declaration), &self.signer)
					.await
					.map_err(declare_error)?;
				// A stored FID is declared like any other: its owner is added
				// once the scheduler has verified the payload (`OwnerAdded`).
				let mut assigned = None;
				for event in ChainEvent::of_transaction(&events)? {
					if let ChainEvent::DealAssigned(deal) = event {
						assigned = Some(deal);
					}
				}
				let assigned = assigned.ok_or_else(|| {
					ClientError::Invalid("declare emitted no DealAssigned".into())
				})?;
				(assigned.deal, assigned.scheduler)
			}
		};
		let mut reassignments = 0;
		loop {
			let endpoint = self.scheduler_endpoint(&scheduler).await?;
			progress(Stage::Declared { deal, scheduler: endpoint.clone() });
			let sent =
				self.upload(&request, &prefix, deal, payload_len, &endpoint, &progress).await;
			let failure = match sent {
				Ok(()) => {
					progress(Stage::Storing);
					match self
						.wait_stored(
							&mut blocks,
							deal,
							&encoded.fid,
							(&owner, &request.bucket, &request.name),
							&scheduler,
							&endpoint,
						)
						.await?
					{
						Waited::Stored(miners) => {
							// Reads after the put see the stored file.
							self.chain.refresh_view();
							progress(Stage::Stored);
							return Ok(PutOutcome {
								fid: encoded.fid,
								deal,
								payload_len,
								miners,
								scheduler,
								resumed_from,
							});
						}
						Waited::Reassigned(next) => {
							scheduler = next;
							continue;
						}
						Waited::SchedulerFailed(reason) => reason,
					}
				}
				// The scheduler checked the payload and could not store it (its FID
				// differs, or too few miners may take it): no scheduler would do
				// better, so the deal is cancelled and its space released rather than
				// left to block this content until it times out.
				Err(ClientError::Refused { service, code, reason })
					if code == "payload_refused" =>
				{
					let cancelled =
						match self.chain.submit(&calls::cancel_deal(deal), &self.signer).await {
							Ok(_) => "the deal was cancelled".to_string(),
							Err(error) => format!("cancelling the deal failed: {error}"),
						};
					return Err(ClientError::Refused {
						service,
						code,
						reason: format!("{reason}; {cancelled}"),
					});
				}
				Err(error @ ClientError::Refused { .. }) => return Err(error),
				Err(error) => error.to_string(),
			};
			reassignments += 1;
			if reassignments > RETRIES {
				return Err(ClientError::DealFailed { deal, reason: failure });
			}
			tracing::warn!(deal, %failure, "scheduler failed, asking the chain for another one");
			let events =
				self.chain.submit(&calls::request_reassign(deal), &self.signer).await.map_err(
					|error| ClientError::DealFailed {
						deal,
						reason: format!("{failure}; reassignment refused: {error}"),
					},
				)?;
			scheduler = ChainEvent::of_transaction(&events)?
				.into_iter()
				.find_map(|event| match event {
					ChainEvent::DealAssigned(assigned) if assigned.deal == deal => {
						Some(assigned.scheduler)
					}
					_ => None,
				})
				.ok_or_else(|| ClientError::DealFailed { deal, reason: failure.clone() })?;
		}
	}

	/// The open deal storing this very object (same owner, bucket, name and FID), left
	/// by an interrupted put: resuming it sends only what its scheduler lacks.
	async fn open_deal_of(
		&self,
		owner: &AccountId,
		request: &PutRequest,
		fid: &Fid,
	) -> Result<Option<(u64, AccountId)>, ClientError> {
		let Some(deal) = self.chain.object_deal(owner, &request.bucket, &request.name).await?
		else {
			return Ok(None);
		};
		match self.chain.deal(deal).await? {
			Some(open) if open.fid == fid.0 => Ok(Some((deal, open.scheduler))),
			Some(_) => Err(ClientError::Invalid(format!(
				"another upload of {}/{} (deal {deal}) is still open with other content; wait for it to end, or cancel it",
				String::from_utf8_lossy(&request.bucket),
				String::from_utf8_lossy(&request.name)
			))),
			None => Ok(None),
		}
	}

	async fn scheduler_endpoint(&self, scheduler: &AccountId) -> Result<String, ClientError> {
		Ok(self
			.chain
			.scheduler(scheduler)
			.await?
			.ok_or_else(|| ClientError::NotFound("the deal's scheduler is not registered".into()))?
			.endpoint())
	}

	async fn status(&self, endpoint: &str, deal: u64) -> Result<UploadStatus, ClientError> {
		let response = self
			.http
			.get(routes::url(endpoint, &routes::upload(deal)))
			.timeout(REQUEST_TIMEOUT)
			.send()
			.await
			.map_err(|error| unreachable(endpoint, error))?;
		answer(endpoint, response).await
	}

	/// Sends the payload from where the scheduler's staging ends, resuming after a
	/// broken connection or a refused offset; returns once the scheduler verified it.
	async fn upload(
		&self,
		request: &PutRequest,
		prefix: &Arc<Vec<u8>>,
		deal: u64,
		payload_len: u64,
		endpoint: &str,
		progress: &Arc<dyn Fn(Stage) + Send + Sync>,
	) -> Result<(), ClientError> {
		let mut broken = 0;
		loop {
			let mut status = match self.status(endpoint, deal).await {
				Ok(status) => status,
				// The deal ended meanwhile (stored, or timed out): the chain says which.
				Err(ClientError::Refused { code, .. }) if code == "deal_not_open" => return Ok(()),
				// The scheduler may be restarting: its staging survives, so wait a little
				// before the deal is moved to another one.
				Err(error @ ClientError::Unreachable { .. }) => {
					broken += 1;
					if broken > RETRIES {
						return Err(error);
					}
					tracing::warn!(deal, %error, "the scheduler does not answer, asking again");
					tokio::time::sleep(Duration::from_secs(u64::from(broken))).await;
					continue;
				}
				Err(error) => return Err(error),
			};
			'parts: {
				if status.state != UploadState::Receiving {
					break 'parts;
				}
				progress(Stage::Uploading { sent: status.received, total: payload_len });
				let mut parts = spawn_parts(request.clone(), prefix.clone(), status.received);
				let mut offset = status.received;
				while let Some(part) = parts.recv().await {
					let part = part?;
					let path = routes::upload_at(deal, offset);
					let signed = SignedRequest::sign(&self.signer, "PUT", &path, &part);
					let mut put =
						self.http.put(routes::url(endpoint, &path)).timeout(REQUEST_TIMEOUT);
					for (name, value) in signed.headers {
						put = put.header(name, value);
					}
					let len = part.len() as u64;
					let response = match put.body(part).send().await {
						Ok(response) => response,
						Err(error) => {
							broken += 1;
							if broken > RETRIES {
								return Err(unreachable(endpoint, error));
							}
							tracing::warn!(deal, %error, "upload broke, resuming");
							tokio::time::sleep(Duration::from_secs(u64::from(broken))).await;
							break 'parts;
						}
					};
					match answer::<UploadStatus>(endpoint, response).await {
						Ok(next) => {
							offset += len;
							status = next;
							progress(Stage::Uploading {
								sent: status.received,
								total: payload_len,
							});
							if status.state != UploadState::Receiving {
								break 'parts;
							}
						}
						// Another writer moved the staging on: ask where it stands.
						Err(ClientError::Refused { code, .. }) if code == "wrong_offset" => {
							break 'parts
						}
						Err(ClientError::Refused { code, .. }) if code == "deal_not_open" => {
							return Ok(())
						}
						Err(error) => return Err(error),
					}
				}
			}
			match status.state {
				UploadState::Receiving => {
					broken += 1;
					if broken > RETRIES {
						return Err(ClientError::DealFailed {
							deal,
							reason: format!("the scheduler holds {} of {payload_len} bytes after every part was sent", status.received),
						});
					}
				}
				UploadState::Failed => {
					return Err(ClientError::DealFailed {
						deal,
						reason: status.error.unwrap_or_default(),
					})
				}
				_ => return Ok(()),
			}
		}
	}

	/// Waits until the deal ends or moves. Events give the fast path; the deal's state
	/// on chain is read again at every block and every two seconds, so nothing is
	/// missed if the subscription lagged while the payload was being sent.
	async fn wait_stored(
		&self,
		blocks: &mut FinalizedEvents,
		deal: u64,
		fid: &Fid,
		object: (&AccountId, &[u8], &[u8]),
		scheduler: &AccountId,
		endpoint: &str,
	) -> Result<Waited, ClientError> {
		let mut check = tokio::time::interval(Duration::from_secs(2));
		loop {
			tokio::select! {
				block = blocks.next() => match block {
					Some(Ok(block)) => {
						for event in block.events {
							match event {
								ChainEvent::FileStored(stored) if stored.deal == deal => return Ok(Waited::Stored(stored.miners)),
								// The FID was stored already: the owner was added to it.
								ChainEvent::OwnerAdded(added) if added.deal == deal => {
									let record = self.chain.file(fid).await?;
									return Ok(Waited::Stored(record.map(|record| record.miners).unwrap_or_default()));
								}
								ChainEvent::DealAssigned(assigned) if assigned.deal == deal && assigned.replaced.is_some() =>
									return Ok(Waited::Reassigned(assigned.scheduler)),
								_ => {}
							}
						}
					}
					// A block whose events could not be read: the state check below
					// covers it.
					Some(Err(error)) => tracing::debug!(deal, %error, "reading a finalized block failed"),
					None => *blocks = self.chain.finalized_events().await?,
				},
				_ = check.tick() => {
					if let Ok(status) = self.status(endpoint, deal).await {
						if status.state == UploadState::Failed {
							return Ok(Waited::SchedulerFailed(status.error.unwrap_or_default()));
						}
					}
				}
			}
			match self.chain.deal(deal).await? {
				Some(open) if open.scheduler != *scheduler => {
					return Ok(Waited::Reassigned(open.scheduler))
				}
				Some(_) => {}
				None => {
					let (owner, bucket, name) = object;
					return match self.chain.file(fid).await? {
						Some(record) if record.owners.iter().any(|held| {
							held.owner == *owner && held.bucket == bucket && held.name == name
						}) => Ok(Waited::Stored(record.miners)),
						_ => Err(ClientError::DealFailed {
							deal,
							reason: "the deal ended without storing the object (refused because the same content was stored meanwhile with another layout or in other regions, timed out with no scheduler left, or cancelled); put it again".into(),
						}),
					};
				}
			}
		}
	}
}

/// The chain's refusal of a declaration, with what to do when it is about
/// content stored already.
fn declare_error(error: deoss_chain::ChainError) -> ClientError {
	let text = error.to_string();
	let hint = [
		(
			"HoldersOutsideRegions",
			"the same content is stored already, on miners outside the regions allowed here: allow their regions (`deoss stat` of the stored copy lists them), or store a distinct copy (for example encrypted)",
		),
		(
			"FileImpaired",
			"the same content is stored already and is being restored: try again once it is whole",
		),
		(
			"FileMismatch",
			"the same content is stored already with another layout: put it with that layout",
		),
	]
	.into_iter()
	.find(|(name, _)| text.contains(name));
	match hint {
		Some((name, hint)) => ClientError::Invalid(format!("{hint} (FileBank::{name})")),
		None => error.into(),
	}
}

enum Waited {
	Stored(Vec<AccountId>),
	Reassigned(AccountId),
	SchedulerFailed(String),
}

/// Reads the payload again on a blocking thread from `start` on, in parts; at most
/// two parts wait in memory.
fn spawn_parts(
	request: PutRequest,
	prefix: Arc<Vec<u8>>,
	start: u64,
) -> mpsc::Receiver<io::Result<Vec<u8>>> {
	let (sender, receiver) = mpsc::channel(2);
	tokio::task::spawn_blocking(move || {
		let produce = || -> io::Result<()> {
			let mut payload = request.payload(request.source.open()?, &prefix)?;
			io::copy(&mut (&mut payload).take(start), &mut io::sink())?;
			let mut first = true;
			loop {
				let mut part = Vec::with_capacity(PART_SIZE);
				(&mut payload).take(PART_SIZE as u64).read_to_end(&mut part)?;
				// An empty payload still sends one (empty) part.
				if part.is_empty() && !(first && start == 0) {
					return Ok(());
				}
				let last = part.len() < PART_SIZE;
				first = false;
				if sender.blocking_send(Ok(part)).is_err() || last {
					return Ok(());
				}
			}
		};
		if let Err(error) = produce() {
			let _ = sender.blocking_send(Err(error));
		}
	});
	receiver
}

pub(crate) fn unreachable(endpoint: &str, error: reqwest::Error) -> ClientError {
	ClientError::Unreachable { service: endpoint.to_string(), reason: error.to_string() }
}

/// The JSON of a success answer, or the refusal it carries.
pub(crate) async fn answer<T: serde::de::DeserializeOwned>(
	endpoint: &str,
	response: reqwest::Response,
) -> Result<T, ClientError> {
	let status = response.status();
	let bytes = response.bytes().await.map_err(|error| unreachable(endpoint, error))?;
	if status.is_success() {
		return serde_json::from_slice(&bytes).map_err(|error| ClientError::Refused {
			service: endpoint.to_string(),
			code: "malformed_answer".into(),
			reason: error.to_string(),
		});
	}
	let body: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
	Err(match body {
		Some(body) => ClientError::Refused {
			service: endpoint.to_string(),
			code: body.error,
			reason: body.reason,
		},
		None => ClientError::Refused {
			service: endpoint.to_string(),
			code: status.as_u16().to_string(),
			reason: String::from_utf8_lossy(&bytes).into_owned(),
		},
	})
}
