//! `deoss-dev`: the whole DeOSS system on loopback for development — a dev node on
//! 127.0.0.1:9944, schedulers and miners (in several regions), every one funded,
//! registered and serving, each with its own data directory under `--dir`. Prints
//! where each service listens, then `system ready`; Ctrl-C stops every process.

use std::path::PathBuf;

use anyhow::Result;
use deoss_chain::signer::ss58;
use deoss_chain::{calls, signer::parse_secret};
use deoss_e2e::system::{GatewaySetup, System, SystemConfig};

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
	args.iter()
		.position(|arg| arg == name)
		.and_then(|at| args.get(at + 1))
		.and_then(|value| value.parse().ok())
}

#[tokio::main]
async fn main() -> Result<()> {
	let args: Vec<String> = std::env::args().collect();
	if args.iter().any(|arg| arg == "--help" || arg == "-h") {
		println!(
			"deoss-dev [--dir DIR] [--miners N] [--schedulers N] [--regions DE,FR,US] [--block-time MS] [--rpc-port PORT] [--gateway-port PORT] [--s3-port PORT]"
		);
		return Ok(());
	}
	let defaults = SystemConfig::default();
	let config = SystemConfig {
		miners: arg(&args, "--miners").unwrap_or(defaults.miners),
		schedulers: arg(&args, "--schedulers").unwrap_or(defaults.schedulers),
		regions: arg::<String>(&args, "--regions")
			.map(|list| list.split(',').map(str::to_string).collect())
			.unwrap_or(defaults.regions),
		miner_capacity_gib: arg(&args, "--capacity-gib").unwrap_or(defaults.miner_capacity_gib),
		block_time_ms: arg(&args, "--block-time").unwrap_or(1000),
		dir: Some(
			arg::<PathBuf>(&args, "--dir").unwrap_or_else(|| PathBuf::from("target/dev-system")),
		),
		rpc_port: Some(arg(&args, "--rpc-port").unwrap_or(9944)),
		instant: false,
		gateway: Some(GatewaySetup {
			rest_port: Some(arg(&args, "--gateway-port").unwrap_or(8080)),
			s3_port: Some(arg(&args, "--s3-port").unwrap_or(9000)),
			layout: None,
		}),
	};
	println!(
		"deoss-dev: starting a node, {} schedulers and {} miners under {}",
		config.schedulers,
		config.miners,
		config.dir.as_ref().map(|dir| dir.display().to_string()).unwrap_or_default()
	);
	let system = System::start(config).await?;
	println!("node       {}  (polkadot.js: Development → Custom)", system.url());
	for service in system.schedulers.iter().chain(&system.miners) {
		println!(
			"{:<10} {}  region {}  account {}  log {}",
			service.name,
			service.endpoint,
			service.region,
			ss58(&service.id()),
			service
				.config
				.with_file_name(if service.name.starts_with("miner") {
					"miner.log"
				} else {
					"scheduler.log"
				})
				.display()
		);
	}
	// Alice can use the gateway at once: she holds space and authorized it.
	let alice = parse_secret("//Alice")?;
	if system.chain.space(&alice.public_key().0).await?.is_none() {
		system.chain.submit(&calls::buy_space(16, 30), &alice).await?;
	}
	system.authorize_gateway(&alice, None).await?;
	if let (Some(gateway), Some(s3)) = (&system.gateway, &system.gateway_s3) {
		println!(
			"gateway    REST {}  S3 {}  account {}  log {}",
			gateway.endpoint,
			s3,
			ss58(&gateway.id()),
			gateway.config.with_file_name("gateway.log").display()
		);
		println!(
			"           Alice holds 16 GiB of space and authorized it: `deoss --suri //Alice gateway credentials --gateway {}` prints her S3 keys",
			gateway.endpoint
		);
	}
	println!(
		"dev accounts //Alice … //Ferdie are endowed; `deoss --suri //Alice` uploads straight away"
	);
	println!("system ready");
	tokio::signal::ctrl_c().await?;
	println!("deoss-dev: stopping every process");
	drop(system);
	Ok(())
}
