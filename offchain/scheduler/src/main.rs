//! `deoss-scheduler`: a DeOSS scheduler.
//!
//! ```sh
//! deoss-scheduler run --config scheduler.toml
//! ```

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use deoss_scheduler::{daemon, SchedulerConfig};

/// A DeOSS scheduler.
#[derive(Parser, Debug)]
#[command(name = "deoss-scheduler", version)]
struct Args {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Registers the scheduler if needed, then takes uploads of the deals assigned to
	/// it until stopped (SIGINT/SIGTERM).
	Run {
		/// The scheduler's configuration file (TOML; the key is read from the file it names).
		#[arg(long)]
		config: PathBuf,
	},
}

#[tokio::main]
async fn main() -> ExitCode {
	deoss_protocol::server::init_tracing();
	let Command::Run { config } = Args::parse().command;
	let result = match SchedulerConfig::load(&config) {
		Ok(config) => daemon::run(config).await,
		Err(error) => Err(error),
	};
	deoss_protocol::server::exit_code("deoss-scheduler", result)
}
