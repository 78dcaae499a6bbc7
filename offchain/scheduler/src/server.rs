//! The scheduler's upload API (routes in [`deoss_protocol::routes`]).
//!
//! `PUT /v1/deals/{deal}/upload?offset=N` is signed by the deal's owner or an operator
//! the owner authorized with the Upload scope, for a deal the chain assigned to this
//! scheduler. Parts must follow each other (`offset` = bytes staged so far) and may
//! not pass the declared size. The answer to the last part comes once the payload's
//! FID was checked: a payload that does not match its declaration is refused and
//! dropped before anything is distributed.

use std::{
	collections::HashMap,
	path::PathBuf,
	sync::{Arc, Mutex},
	time::Duration,
};

use axum::{
	body::Bytes,
	extract::{DefaultBodyLimit, Path, Query, State},
	http::{HeaderMap, Method, StatusCode, Uri},
	routing::get,
	Json, Router,
};
use deoss_chain::{calls, AccountId, Chain, Keypair, Scope};
use deoss_protocol::{routes, server::ApiError, Health, ReplayGuard, UploadState, UploadStatus};
use serde::Deserialize;

use crate::{distribute, staging::Upload};

/// How long the answer to the last part may wait for the FID check.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(600);

/// Times a report is submitted before the distribution counts as failed.
const REPORT_ATTEMPTS: u32 = 3;

/// What the handlers and workers share.
pub struct SchedulerService {
	/// The chain.
	pub chain: Chain,
	/// The scheduler's account key: it signs pushes to miners and reports.
	pub signer: Keypair,
	/// Its account id.
	pub account: AccountId,
	/// Where uploads are staged.
	pub data_dir: PathBuf,
	/// Columns of one deal sent at once.
	pub parallel_columns: usize,
	/// Uploads in progress.
	pub uploads: Mutex<HashMap<u64, Arc<Upload>>>,
	http: reqwest::Client,
	guard: ReplayGuard,
}

impl SchedulerService {
	/// The service of `signer`, staging under `data_dir`.
	pub fn new(chain: Chain, signer: Keypair, data_dir: PathBuf, parallel_columns: usize) -> Self {
		let account = signer.public_key().0;
		let http = reqwest::Client::builder()
			.pool_max_idle_per_host(parallel_columns)
			.build()
			.expect("an HTTP client without TLS always builds");
		Self {
			chain,
			signer,
			account,
			data_dir,
			parallel_columns,
			uploads: Default::default(),
			http,
			guard: ReplayGuard::new(),
		}
	}

	/// The upload of `deal_id` if the deal is open and assigned here, starting its
	/// staging (or resuming it from disk) on first use.
	async fn upload(self: &Arc<Self>, deal_id: u64) -> Result<Arc<Upload>, ApiError> {
		let deal = self
			.chain
			.deal(deal_id)
			.await
			.map_err(|error| ApiError::unavailable("chain_unavailable", error.to_string()))?
			.ok_or_else(|| {
				ApiError::not_found("deal_not_open", format!("deal {deal_id} is not open on chain"))
			})?;
		if deal.scheduler != self.account {
			return Err(ApiError::conflict(
				"not_assigned_here",
				format!(
					"deal {deal_id} is assigned to another scheduler; read its endpoint from chain"
				),
			));
		}
		let existing = self.uploads.lock().ok().and_then(|uploads| uploads.get(&deal_id).cloned());
		if let Some(upload) = existing {
			return Ok(upload);
		}
		let upload = Upload::open(&self.data_dir, deal_id, deal)
			.map_err(|error| ApiError::internal(format!("staging: {error}")))?;
		let upload = {
			let mut uploads =
				self.uploads.lock().map_err(|_| ApiError::internal("upload table poisoned"))?;
			uploads.entry(deal_id).or_insert(upload).clone()
		};
		self.clone().start_encoder(upload.clone());
		Ok(upload)
	}

	/// Encodes the payload as it arrives; distributes once the FID matched.
	fn start_encoder(self: Arc<Self>, upload: Arc<Upload>) {
		let encoding = upload.clone();
		tokio::spawn(async move {
			let result = tokio::task::spawn_blocking(move || encoding.encode())
				.await
				.unwrap_or_else(|error| Err(format!("encoder crashed: {error}")));
			match result {
				Ok(encoded) => {
					let encoded = Arc::new(encoded);
					upload.update(|progress| {
						progress.state = UploadState::Distributing;
						progress.encoded = Some(encoded.clone());
					});
					tracing::info!(deal = upload.deal_id, fid = %encoded.fid, "payload verified, distributing");
					self.distribute(upload, encoded).await;
				}
				Err(reason) if upload.progress().abandoned => {
					tracing::debug!(deal = upload.deal_id, %reason, "encoder stopped");
				}
				Err(reason) => {
					tracing::warn!(deal = upload.deal_id, %reason, "payload refused");
					if let Err(error) = upload.reset(reason) {
						tracing::warn!(deal = upload.deal_id, %error, "dropping the refused payload failed");
					}
					// A later upload of the right payload starts over.
					if let Ok(mut uploads) = self.uploads.lock() {
						uploads.remove(&upload.deal_id);
					}
				}
			}
		});
	}

	/// The receipts to report for `upload`: none when its FID is stored
	/// already (by another owner, or another deal), since the verified
	/// payload proves the owner has the data and the report adds it to the
	/// file; otherwise the miners' receipts for a fresh distribution.
	async fn receipts(
		&self,
		upload: &Arc<Upload>,
		encoded: &deoss_pipeline::EncodedFile,
	) -> anyhow::Result<Vec<deoss_chain::calls::SlotReceipt>> {
		if self.chain.file(&encoded.fid).await?.is_some() {
			tracing::info!(deal = upload.deal_id, fid = %encoded.fid, "file stored already, reporting the owner");
			return Ok(Vec::new());
		}
		distribute::distribute(
			&self.chain,
			&self.http,
			&self.signer,
			upload,
			encoded,
			self.parallel_columns,
		)
		.await
	}

	async fn distribute(&self, upload: Arc<Upload>, encoded: Arc<deoss_pipeline::EncodedFile>) {
		let outcome = async {
			let mut receipts = self.receipts(&upload, &encoded).await?;
			let mut attempt = 0;
			loop {
				attempt += 1;
				match self
					.chain
					.submit(&calls::report(upload.deal_id, &receipts), &self.signer)
					.await
				{
					Ok(_) => return anyhow::Ok(()),
					Err(error) if attempt < REPORT_ATTEMPTS => {
						tracing::warn!(deal = upload.deal_id, %error, "report failed, retrying");
						tokio::time::sleep(Duration::from_secs(1)).await;
						// The stored file this report relied on may have been
						// deleted meanwhile: then it is distributed after all.
						if receipts.is_empty() {
							receipts = self.receipts(&upload, &encoded).await?;
						}
					}
					Err(error) => {
						return Err(anyhow::Error::new(error).context("reporting the receipts"))
					}
				}
			}
		}
		.await;
		match outcome {
			Ok(()) => {
				tracing::info!(deal = upload.deal_id, "receipts reported");
				upload.update(|progress| progress.state = UploadState::Reported);
			}
			Err(error) => {
				tracing::warn!(deal = upload.deal_id, "distribution failed: {error:#}");
				upload.update(|progress| {
					progress.state = UploadState::Failed;
					progress.error = Some(format!("distribution failed: {error:#}"));
				});
			}
		}
	}

	/// Stops and removes the staging of `deal_id`.
	pub fn drop_upload(&self, deal_id: u64) {
		let upload = self.uploads.lock().ok().and_then(|mut uploads| uploads.remove(&deal_id));
		if let Some(upload) = &upload {
			upload.update(|progress| progress.abandoned = true);
		}
		let dir = crate::staging::staging_dir(&self.data_dir, deal_id);
		if let Err(error) = crate::staging::remove_dir(&dir) {
			tracing::warn!(deal = deal_id, %error, "removing the staging failed");
		}
	}
}

/// The router of the upload API.
pub fn router(service: Arc<SchedulerService>) -> Router {
	Router::new()
		.route(routes::HEALTH, get(health))
		.route(routes::UPLOAD, get(status).put(put_part))
		.layer(DefaultBodyLimit::max(routes::MAX_UPLOAD_PART))
		.with_state(service)
}

type Shared = State<Arc<SchedulerService>>;

async fn health(State(service): Shared) -> Json<Health> {
	Json(Health {
		role: "scheduler".into(),
		account: format!("0x{}", hex::encode(service.account)),
	})
}

async fn status(
	State(service): Shared,
	Path(deal_id): Path<u64>,
) -> Result<Json<UploadStatus>, ApiError> {
	Ok(Json(service.upload(deal_id).await?.status()))
}

#[derive(Deserialize)]
struct PartQuery {
	offset: u64,
}

async fn put_part(
	State(service): Shared,
	Path(deal_id): Path<u64>,
	Query(query): Query<PartQuery>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Bytes,
) -> Result<(StatusCode, Json<UploadStatus>), ApiError> {
	let path = uri.path_and_query().map_or(uri.path(), |path| path.as_str());
	let signer = service.guard.verify(&headers, method.as_str(), path, &body)?;
	let upload = service.upload(deal_id).await?;
	let allowed = service
		.chain
		.may_act_for(&signer, &upload.deal.owner, Scope::Upload)
		.await
		.map_err(|error| ApiError::unavailable("chain_unavailable", error.to_string()))?;
	if !allowed {
		return Err(ApiError::forbidden(
			"not_authorized",
			"only the deal's owner, or an operator it authorized with the Upload scope, may upload",
		));
	}
	let size = upload.deal.size;
	{
		let _appending = upload.append_lock.lock().await;
		let progress = upload.progress();
		if progress.state != UploadState::Receiving {
			return Ok((StatusCode::OK, Json(upload.status())));
		}
		if query.offset != progress.received {
			return Err(ApiError::conflict(
				"wrong_offset",
				format!("{} bytes are staged; send the part starting there", progress.received),
			));
		}
		if query.offset.saturating_add(body.len() as u64) > size {
			return Err(ApiError::new(
				StatusCode::PAYLOAD_TOO_LARGE,
				"too_many_bytes",
				format!(
					"the deal declares {size} bytes; this part would end at {}",
					query.offset + body.len() as u64
				),
			));
		}
		let received = upload
			.append(&body)
			.map_err(|error| ApiError::internal(format!("staging: {error}")))?;
		if received < size {
			return Ok((StatusCode::OK, Json(upload.status())));
		}
	}
	// The last part: answer once the FID was checked.
	let deadline = tokio::time::Instant::now() + VERIFY_TIMEOUT;
	loop {
		let progress = upload.progress();
		match progress.state {
			UploadState::Verifying if tokio::time::Instant::now() < deadline => {
				tokio::time::sleep(Duration::from_millis(20)).await;
			}
			UploadState::Failed => {
				return Err(ApiError::bad_request(
					"payload_refused",
					progress.error.unwrap_or_else(|| "the payload was refused".into()),
				));
			}
			_ => return Ok((StatusCode::OK, Json(upload.status()))),
		}
	}
}
