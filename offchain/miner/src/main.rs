//! `deoss-miner`: answers a storage miner's audit challenges from its fragments on
//! disk until stopped.
//!
//! ```sh
//! deoss-miner --url ws://127.0.0.1:9944 --suri //Bob --store ./fragments
//! ```

use std::{path::PathBuf, process::ExitCode};

use anyhow::{Context, Result};
use clap::Parser;
use deoss_miner::{Client, MinerAgent};
use deoss_pipeline::DiskStore;
use subxt_signer::{sr25519::Keypair, SecretUri};

/// Answers the chain's storage challenges for one miner account.
#[derive(Parser, Debug)]
#[command(name = "deoss-miner", version)]
struct Args {
	/// WebSocket RPC address of a DeOSS node.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Secret URI of the miner's account (e.g. `//Bob`, or a mnemonic).
	#[arg(long)]
	suri: String,
	/// Directory with the miner's fragments and manifests, one folder per file.
	#[arg(long)]
	store: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
	match run(Args::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("deoss-miner: {error:#}");
			ExitCode::FAILURE
		}
	}
}

async fn run(args: Args) -> Result<()> {
	let uri: SecretUri = args.suri.parse().context("--suri is not a secret URI")?;
	let account = Keypair::from_uri(&uri).context("--suri does not give an sr25519 key")?;
	let store = DiskStore::open(&args.store)
		.with_context(|| format!("opening the fragment store {}", args.store.display()))?;
	let client = Client::from_insecure_url(&args.url)
		.await
		.with_context(|| format!("connecting to the node at {}", args.url))?;
	let miner = account.public_key().0;
	let hex: String = miner.iter().map(|byte| format!("{byte:02x}")).collect();
	println!("deoss-miner: answering challenges of 0x{hex} from {}", args.store.display());
	let agent = MinerAgent::spawn_with(
		client,
		account,
		store,
		Box::new(|line| println!("deoss-miner: {line}")),
	);
	agent.join().await;
	Ok(())
}
