//! `deoss-miner run`: registers the miner if needed, then serves the fragment API,
//! follows finalized events, answers challenges and restores lost columns until
//! SIGINT or SIGTERM.

use std::sync::Arc;

use anyhow::{bail, Context, Result};
use deoss_chain::{calls, load_signer, signer::ss58, Chain, Keypair};
use deoss_protocol::server::shutdown_signal;

use crate::{columns::Columns, config::MinerConfig, follower, restorer, server, MinerAgent};

/// Registers the miner on chain unless it is, and keeps its endpoint current.
pub async fn ensure_registered(
	chain: &Chain,
	config: &MinerConfig,
	account: &Keypair,
	auth_key: &Keypair,
) -> Result<()> {
	let id = account.public_key().0;
	let endpoint = config.endpoint();
	match chain.miner(&id).await? {
		Some(info) => {
			if info.auth_key != auth_key.public_key().0 {
				bail!(
					"the miner is registered with another receipt key than {}",
					config.auth_key_file.display()
				);
			}
			if info.endpoint() != endpoint {
				chain.submit(&calls::update_miner_endpoint(&endpoint), account).await?;
				tracing::info!(%endpoint, "endpoint updated on chain");
			}
		}
		None => {
			let capacity_bytes = config.capacity_gib << 30;
			let stake = match config.stake {
				Some(stake) => stake,
				None => chain.required_miner_stake(capacity_bytes).await?,
			};
			let registration = calls::MinerRegistration {
				stake,
				capacity_bytes,
				region: config.region_code()?,
				endpoint: endpoint.clone(),
				auth_key: auth_key.public_key().0,
				key_proof: auth_key.sign(&calls::miner_key_proof_message(&id)).0,
			};
			chain
				.submit(&calls::register_miner(&registration), account)
				.await
				.context("registering the miner (is the account funded for the stake?)")?;
			tracing::info!(%endpoint, region = %config.region, capacity_gib = config.capacity_gib, "registered on chain");
		}
	}
	Ok(())
}

/// Runs the miner described by `config` until a signal stops it.
pub async fn run(config: MinerConfig) -> Result<()> {
	let account = load_signer(&config.key_file).context("the miner account key (key_file)")?;
	let auth_key = load_signer(&config.auth_key_file).context("the receipt key (auth_key_file)")?;
	let columns = Columns::open(&config.data_dir)
		.with_context(|| format!("opening the data directory {}", config.data_dir.display()))?;
	let listener = tokio::net::TcpListener::bind(config.listen)
		.await
		.with_context(|| format!("listening on {}", config.listen))?;
	let chain = Chain::connect(&config.chain_url)
		.await
		.with_context(|| format!("connecting to the node at {}", config.chain_url))?;
	let id = account.public_key().0;
	ensure_registered(&chain, &config, &account, &auth_key).await?;
	tracing::info!(account = %ss58(&id), listen = %config.listen, data = %config.data_dir.display(), "miner serving");

	let service = Arc::new(server::MinerService::new(chain.clone(), id, auth_key, columns.clone()));
	let follower = tokio::spawn(follower::follow(chain.clone(), id, columns.clone()));
	let restorer = config.restore.then(|| {
		tokio::spawn(restorer::restore(chain.clone(), account.clone(), columns.store().clone()))
	});
	let agent = MinerAgent::spawn_with(
		chain.clone(),
		account,
		columns.store().clone(),
		Box::new(|line| tracing::info!(target: "deoss_miner::audit", "{line}")),
	);
	axum::serve(listener, server::router(service))
		.with_graceful_shutdown(shutdown_signal())
		.await
		.context("serving the fragment API")?;
	follower.abort();
	if let Some(restorer) = restorer {
		restorer.abort();
	}
	drop(agent);
	tracing::info!("miner stopped");
	Ok(())
}
