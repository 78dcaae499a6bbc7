//! `deoss-gateway`: the DeOSS gateway.
//!
//! ```sh
//! deoss-gateway run --config gateway.toml
//! ```

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use deoss_gateway::{daemon, GatewayConfig};

/// The DeOSS gateway: S3 and REST APIs for the users who authorized it on chain.
#[derive(Parser, Debug)]
#[command(name = "deoss-gateway", version)]
struct Args {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Registers the gateway if needed, then serves REST and S3 until stopped
	/// (SIGINT/SIGTERM).
	Run {
		/// The gateway's configuration file (TOML; the key is read from the file it names).
		#[arg(long)]
		config: PathBuf,
	},
}

#[tokio::main]
async fn main() -> ExitCode {
	deoss_protocol::server::init_tracing();
	let Command::Run { config } = Args::parse().command;
	let result = match GatewayConfig::load(&config) {
		Ok(config) => daemon::run(config).await,
		Err(error) => Err(error),
	};
	deoss_protocol::server::exit_code("deoss-gateway", result)
}
