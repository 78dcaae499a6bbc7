//! `deoss-miner`: a DeOSS storage miner.
//!
//! ```sh
//! deoss-miner run --config miner.toml
//! ```

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use deoss_miner::{daemon, MinerConfig};

/// A DeOSS storage miner.
#[derive(Parser, Debug)]
#[command(name = "deoss-miner", version)]
struct Args {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Registers the miner if needed, then stores, serves and proves fragments until
	/// stopped (SIGINT/SIGTERM).
	Run {
		/// The miner's configuration file (TOML; keys are read from the files it names).
		#[arg(long)]
		config: PathBuf,
	},
}

#[tokio::main]
async fn main() -> ExitCode {
	deoss_protocol::server::init_tracing();
	let Command::Run { config } = Args::parse().command;
	let result = match MinerConfig::load(&config) {
		Ok(config) => daemon::run(config).await,
		Err(error) => Err(error),
	};
	deoss_protocol::server::exit_code("deoss-miner", result)
}
