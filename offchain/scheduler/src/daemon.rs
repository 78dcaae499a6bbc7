//! `deoss-scheduler run`: registers the scheduler if needed, serves the upload API,
//! and cleans up staging as deals end, until SIGINT or SIGTERM.

use std::{sync::Arc, time::Duration};

use anyhow::{Context, Result};
use deoss_chain::{calls, load_signer, signer::ss58, Chain, ChainEvent};
use deoss_protocol::server::shutdown_signal;

use crate::{
	config::SchedulerConfig,
	server::{self, SchedulerService},
	staging,
};

/// Blocks between sweeps of the staging area.
const SWEEP_PERIOD: u64 = 20;

/// Runs the scheduler described by `config` until a signal stops it.
pub async fn run(config: SchedulerConfig) -> Result<()> {
	let signer = load_signer(&config.key_file).context("the scheduler account key (key_file)")?;
	std::fs::create_dir_all(&config.data_dir)
		.with_context(|| format!("creating the staging directory {}", config.data_dir.display()))?;
	let listener = tokio::net::TcpListener::bind(config.listen)
		.await
		.with_context(|| format!("listening on {}", config.listen))?;
	let chain = Chain::connect(&config.chain_url)
		.await
		.with_context(|| format!("connecting to the node at {}", config.chain_url))?;
	let account = signer.public_key().0;
	let endpoint = config.endpoint();
	match chain.scheduler(&account).await? {
		Some(info) if info.endpoint() != endpoint => {
			chain.submit(&calls::update_scheduler_endpoint(&endpoint), &signer).await?;
			tracing::info!(%endpoint, "endpoint updated on chain");
		}
		Some(_) => {}
		None => {
			chain
				.submit(&calls::register_scheduler(config.region_code()?, &endpoint), &signer)
				.await
				.context("registering the scheduler (is the account funded for the stake?)")?;
			tracing::info!(%endpoint, region = %config.region, "registered on chain");
		}
	}
	tracing::info!(account = %ss58(&account), listen = %config.listen, "scheduler serving");
	let service = Arc::new(SchedulerService::new(
		chain.clone(),
		signer,
		config.data_dir.clone(),
		config.parallel_columns,
	));
	let follower = tokio::spawn(follow(service.clone()));
	axum::serve(listener, server::router(service))
		.with_graceful_shutdown(shutdown_signal())
		.await
		.context("serving the upload API")?;
	follower.abort();
	tracing::info!("scheduler stopped");
	Ok(())
}

/// Drops staging when a deal ends here or moves away; sweeps what events were missed.
async fn follow(service: Arc<SchedulerService>) {
	loop {
		if let Err(error) = sweep(&service).await {
			tracing::warn!(%error, "sweeping the staging area failed");
		}
		match service.chain.finalized_events().await {
			Ok(mut blocks) => {
				while let Some(block) = blocks.next().await {
					let block = match block {
						Ok(block) => block,
						Err(error) => {
							tracing::warn!(%error, "finalized block stream broke");
							break;
						}
					};
					for event in &block.events {
						match event {
							ChainEvent::FileStored(stored) => {
								if staging::staging_dir(&service.data_dir, stored.deal).exists() {
									tracing::info!(
										deal = stored.deal,
										"file stored, staging removed"
									);
									service.drop_upload(stored.deal);
								}
							}
							ChainEvent::DealFailed(ended) | ChainEvent::DealCancelled(ended) => {
								service.drop_upload(ended.deal);
							}
							ChainEvent::DealAssigned(assigned)
								if assigned.replaced == Some(service.account) =>
							{
								tracing::info!(
									deal = assigned.deal,
									"deal moved to another scheduler, staging removed"
								);
								service.drop_upload(assigned.deal);
							}
							_ => {}
						}
					}
					if block.number % SWEEP_PERIOD == 0 {
						if let Err(error) = sweep(&service).await {
							tracing::warn!(%error, "sweeping the staging area failed");
						}
					}
				}
			}
			Err(error) => tracing::warn!(%error, "subscribing to finalized blocks failed"),
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// Removes the staging of deals that are no longer open here.
async fn sweep(service: &SchedulerService) -> Result<()> {
	for deal in staging::staged_deals(&service.data_dir)? {
		let open_here =
			service.chain.deal(deal).await?.is_some_and(|open| open.scheduler == service.account);
		if !open_here {
			service.drop_upload(deal);
		}
	}
	Ok(())
}
