//! `deoss-gateway run`: registers the gateway on chain (or updates its endpoint), then
//! serves the REST and S3 APIs until SIGINT or SIGTERM.

use std::sync::Arc;

use anyhow::{Context, Result};
use deoss_chain::{calls, load_signer, signer::ss58, Chain};
use deoss_client::DeossClient;
use deoss_protocol::server::shutdown_signal;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use s3s::service::S3ServiceBuilder;

use crate::{
	cache::Cache,
	config::GatewayConfig,
	metrics::Metrics,
	rest,
	s3::{Credentials, S3Gateway},
	state::State,
	Gateway,
};

/// Runs the gateway described by `config` until a signal stops it.
pub async fn run(config: GatewayConfig) -> Result<()> {
	let signer = load_signer(&config.key_file).context("the gateway account key (key_file)")?;
	let state = State::open(&config.data_dir)?;
	let rest_listener = tokio::net::TcpListener::bind(config.rest_listen)
		.await
		.with_context(|| format!("listening on {} (rest_listen)", config.rest_listen))?;
	let s3_listener = tokio::net::TcpListener::bind(config.s3_listen)
		.await
		.with_context(|| format!("listening on {} (s3_listen)", config.s3_listen))?;
	let chain = Chain::connect(&config.chain_url)
		.await
		.with_context(|| format!("connecting to the node at {}", config.chain_url))?;
	let account = signer.public_key().0;
	let endpoint = config.endpoint();
	match chain.gateway(&account).await? {
		Some(info) if info.endpoint() != endpoint => {
			chain.submit(&calls::update_gateway(&endpoint), &signer).await?;
			tracing::info!(%endpoint, "endpoint updated on chain");
		}
		Some(_) => {}
		None => {
			chain
				.submit(&calls::register_gateway(&endpoint), &signer)
				.await
				.context("registering the gateway (is the account funded for the deposit?)")?;
			tracing::info!(%endpoint, "registered on chain");
		}
	}
	let gateway = Arc::new(Gateway {
		client: DeossClient::new(chain, signer),
		state: state.clone(),
		regions: config.region_codes()?,
		layout: config.layout()?,
		s3_endpoint: config.s3_endpoint(),
		metrics: Metrics::default(),
		cache: Cache::open(&config.data_dir.join("cache"), config.cache_limits())
			.context("opening the cache")?,
	});
	tracing::info!(
		account = %ss58(&account),
		rest = %config.rest_listen,
		s3 = %config.s3_listen,
		"gateway serving"
	);

	let mut builder = S3ServiceBuilder::new(S3Gateway(gateway.clone()));
	builder.set_auth(Credentials(state));
	let s3 = builder.build();
	let s3_server = tokio::spawn(serve_s3(s3_listener, s3, gateway.metrics.clone()));

	axum::serve(rest_listener, rest::router(gateway))
		.with_graceful_shutdown(shutdown_signal())
		.await
		.context("serving the REST API")?;
	s3_server.abort();
	tracing::info!("gateway stopped");
	Ok(())
}

/// Serves S3 on `listener`, one task per connection; counts answers by method and status.
async fn serve_s3(
	listener: tokio::net::TcpListener,
	s3: s3s::service::S3Service,
	metrics: Metrics,
) {
	loop {
		let (stream, peer) = match listener.accept().await {
			Ok(accepted) => accepted,
			Err(error) => {
				tracing::warn!(%error, "accepting an S3 connection failed");
				tokio::time::sleep(std::time::Duration::from_millis(100)).await;
				continue;
			}
		};
		let (s3, metrics) = (s3.clone(), metrics.clone());
		tokio::spawn(async move {
			let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
				let (s3, metrics) = (s3.clone(), metrics.clone());
				let method = request.method().to_string();
				async move {
					let response = hyper::service::Service::call(&s3, request).await;
					let status =
						response.as_ref().map_or(500, |response| response.status().as_u16());
					metrics.request("s3", &method, status);
					response
				}
			});
			if let Err(error) = hyper::server::conn::http1::Builder::new()
				.serve_connection(TokioIo::new(stream), service)
				.await
			{
				tracing::debug!(%peer, %error, "S3 connection ended with an error");
			}
		});
	}
}
