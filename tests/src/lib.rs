//! End-to-end harness: starts a real `deoss-node` on free loopback ports,
//! waits until its JSON-RPC answers, and stops it when dropped.
//!
//! The binary is `$DEOSS_NODE_BIN` if set, else `deoss-node` in the cargo
//! target directory of the profile the tests were built with.
//!
//! [`market`] drives the storage market (owners, miners, schedulers, deals),
//! [`events`] collects the events of every finalized block, and [`MinerProcess`]
//! runs the `deoss-miner` binary; `deoss_miner` answers audit challenges.

use std::{
	fs::File,
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context, Result};
use subxt::{
	dynamic,
	extrinsics::ExtrinsicEvents,
	rpcs::{rpc_params, RpcClient},
	SubstrateConfig,
};
use tempfile::TempDir;

pub mod events;
pub mod market;
pub mod system;

pub use deoss_chain::Client;

/// Signs `call` with `signer`, submits it and waits until it is finalized and
/// succeeded; a dispatch error comes back as the error.
pub async fn submit(
	client: &Client,
	call: &impl subxt::transactions::Payload,
	signer: &subxt_signer::sr25519::Keypair,
) -> Result<ExtrinsicEvents<SubstrateConfig>> {
	Ok(client
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(call, signer)
		.await?
		.wait_for_finalized_success()
		.await?)
}

/// How long a node may take from spawn to answering RPC. The first start
/// compiles the runtime to native code, which takes a while on 2 cores.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16> {
	let listener = TcpListener::bind("127.0.0.1:0").context("binding a free loopback port")?;
	Ok(listener.local_addr()?.port())
}

/// Path of the `deoss-node` binary under test.
pub fn node_binary() -> Result<PathBuf> {
	binary("deoss-node", "DEOSS_NODE_BIN")
}

/// Path of the `deoss` command line under test.
pub fn cli_binary() -> Result<PathBuf> {
	binary("deoss", "DEOSS_CLI_BIN")
}

/// Path of the `deoss-scheduler` binary under test.
pub fn scheduler_binary() -> Result<PathBuf> {
	binary("deoss-scheduler", "DEOSS_SCHEDULER_BIN")
}

/// Path of the `deoss-gateway` binary under test.
pub fn gateway_binary() -> Result<PathBuf> {
	binary("deoss-gateway", "DEOSS_GATEWAY_BIN")
}

/// Path of the `deoss-miner` binary under test.
pub fn miner_binary() -> Result<PathBuf> {
	binary("deoss-miner", "DEOSS_MINER_BIN")
}

/// `$<env>` if set, else the binary `name` built with the tests' profile.
fn binary(name: &str, env: &str) -> Result<PathBuf> {
	if let Ok(path) = std::env::var(env) {
		return Ok(PathBuf::from(path));
	}
	// Test binaries live in `<target>/<profile>/deps/`, other binaries in
	// `<target>/<profile>/`.
	let exe = std::env::current_exe()?;
	let candidates: Vec<PathBuf> =
		exe.ancestors().skip(1).take(2).map(|dir| dir.join(name)).collect();
	candidates.iter().find(|path| path.exists()).cloned().ok_or_else(|| {
		anyhow!(
			"{name} not found at {candidates:?}: build it first with \
			 `cargo build -p {name}` (same profile), or set {env}"
		)
	})
}

/// A `deoss-miner` process answering one miner's challenges; killed on drop.
pub struct MinerProcess {
	child: Child,
	log_path: PathBuf,
	_log_dir: TempDir,
}

impl MinerProcess {
	/// Starts `deoss-miner run` for the account `suri` signing receipts with
	/// `auth_suri`, keeping its data in `data_dir` (its permanent store is
	/// `data_dir/store`), in region DE. It takes no restoral orders on its own: the
	/// audit test claims and completes them step by step.
	pub fn start(
		url: &str,
		suri: &str,
		auth_suri: &str,
		data_dir: &std::path::Path,
	) -> Result<Self> {
		let log_dir = tempfile::tempdir()?;
		let log_path = log_dir.path().join("miner.log");
		let log = File::create(&log_path)?;
		deoss_chain::signer::write_key_file(&log_dir.path().join("account.key"), suri)?;
		deoss_chain::signer::write_key_file(&log_dir.path().join("auth.key"), auth_suri)?;
		let config = log_dir.path().join("miner.toml");
		std::fs::write(
			&config,
			format!(
				"chain_url = \"{url}\"\nkey_file = \"account.key\"\nauth_key_file = \"auth.key\"\n\
				 data_dir = \"{}\"\nlisten = \"127.0.0.1:{}\"\nregion = \"DE\"\ncapacity_gib = 1\nrestore = false\n",
				data_dir.display(),
				free_port()?
			),
		)?;
		let child = Command::new(miner_binary()?)
			.args(["run", "--config"])
			.arg(&config)
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log)
			.spawn()
			.context("spawning deoss-miner")?;
		Ok(Self { child, log_path, _log_dir: log_dir })
	}

	/// Everything the miner printed so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// Whether the process is still running.
	pub fn is_running(&mut self) -> bool {
		matches!(self.child.try_wait(), Ok(None))
	}
}

impl Drop for MinerProcess {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Where a node keeps its database.
pub enum BasePath {
	/// A fresh temporary directory the node deletes on exit (`--tmp`).
	Tmp,
	/// A directory that outlives the node, for restart tests.
	Kept(PathBuf),
}

/// How to start a node.
pub struct NodeConfig {
	/// Arguments after the ports and base path, e.g. `--dev`.
	pub args: Vec<String>,
	/// Database location.
	pub base_path: BasePath,
	/// P2P port; a free one when `None`.
	pub p2p_port: Option<u16>,
	/// JSON-RPC port; a free one when `None`.
	pub rpc_port: Option<u16>,
}

impl NodeConfig {
	/// A `--dev` node with the given sealing arguments.
	pub fn dev(sealing: &[&str]) -> Self {
		let mut args = vec!["--dev".to_string()];
		args.extend(sealing.iter().map(|s| s.to_string()));
		Self { args, base_path: BasePath::Tmp, p2p_port: None, rpc_port: None }
	}
}

/// A running `deoss-node` process, killed on drop.
pub struct Node {
	child: Child,
	/// JSON-RPC port on 127.0.0.1.
	pub rpc_port: u16,
	/// P2P port on 127.0.0.1.
	pub p2p_port: u16,
	log_path: PathBuf,
	_log_dir: TempDir,
}

impl Node {
	/// Spawns the node and waits until its RPC answers.
	pub async fn start(config: NodeConfig) -> Result<Self> {
		let rpc_port = match config.rpc_port {
			Some(port) => port,
			None => free_port()?,
		};
		let p2p_port = match config.p2p_port {
			Some(port) => port,
			None => free_port()?,
		};
		let log_dir = tempfile::tempdir()?;
		let log_path = log_dir.path().join("node.log");
		let log = File::create(&log_path)?;

		let mut command = Command::new(node_binary()?);
		command
			.args(&config.args)
			.arg("--rpc-port")
			.arg(rpc_port.to_string())
			.arg("--listen-addr")
			.arg(format!("/ip4/127.0.0.1/tcp/{p2p_port}"))
			.args(["--no-prometheus", "--no-telemetry", "--no-mdns", "--rpc-cors", "all"])
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log);
		match &config.base_path {
			BasePath::Tmp => {
				command.arg("--tmp");
			}
			BasePath::Kept(path) => {
				command.arg("--base-path").arg(path);
			}
		}
		let child = command.spawn().context("spawning deoss-node")?;
		let mut node = Node { child, rpc_port, p2p_port, log_path, _log_dir: log_dir };
		node.wait_for_rpc().await?;
		Ok(node)
	}

	/// `ws://127.0.0.1:<rpc port>`.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// Everything the node has logged so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// The last `lines` lines of the node's log, for failure messages.
	pub fn log_tail(&self, lines: usize) -> String {
		let log = self.log();
		let all: Vec<&str> = log.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	async fn wait_for_rpc(&mut self) -> Result<()> {
		let deadline = Instant::now() + STARTUP_TIMEOUT;
		loop {
			if let Some(status) = self.child.try_wait()? {
				bail!("deoss-node exited during start-up with {status}:\n{}", self.log_tail(40));
			}
			if let Ok(rpc) = RpcClient::from_insecure_url(self.ws_url()).await {
				if rpc.request::<serde_json::Value>("system_health", rpc_params![]).await.is_ok() {
					return Ok(());
				}
			}
			if Instant::now() > deadline {
				bail!(
					"deoss-node RPC did not answer within {STARTUP_TIMEOUT:?}:\n{}",
					self.log_tail(40)
				);
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
	}

	/// A raw JSON-RPC client.
	pub async fn rpc(&self) -> Result<RpcClient> {
		Ok(RpcClient::from_insecure_url(self.ws_url()).await?)
	}

	/// A subxt client on the node's stable RPC methods, as the daemons use (see
	/// `deoss_chain::Chain::connect`).
	pub async fn client(&self) -> Result<Client> {
		let backend = subxt::backend::LegacyBackend::builder().build(self.rpc().await?);
		Ok(Client::from_backend(std::sync::Arc::new(backend)).await?)
	}

	/// Stops the node with SIGINT, as an operator's Ctrl-C would, so it
	/// flushes its database; kills it if it has not exited after 30 s.
	pub fn stop(mut self) -> Result<()> {
		self.stop_gracefully()
	}

	fn stop_gracefully(&mut self) -> Result<()> {
		if self.child.try_wait()?.is_some() {
			return Ok(());
		}
		send_signal(&self.child, libc::SIGINT);
		let deadline = Instant::now() + Duration::from_secs(30);
		while Instant::now() < deadline {
			if self.child.try_wait()?.is_some() {
				return Ok(());
			}
			std::thread::sleep(Duration::from_millis(100));
		}
		self.child.kill()?;
		self.child.wait()?;
		bail!("deoss-node ignored SIGINT for 30 s and was killed")
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		if let Ok(None) = self.child.try_wait() {
			let _ = self.child.kill();
			let _ = self.child.wait();
		}
	}
}

/// Number of the best block, read from the node.
pub async fn best_block_number(rpc: &RpcClient) -> Result<u64> {
	let header: serde_json::Value = rpc.request("chain_getHeader", rpc_params![]).await?;
	header_number(&header)
}

/// Number of the last finalized block, read from the node.
pub async fn finalized_block_number(rpc: &RpcClient) -> Result<u64> {
	let hash: serde_json::Value = rpc.request("chain_getFinalizedHead", rpc_params![]).await?;
	let header: serde_json::Value = rpc.request("chain_getHeader", rpc_params![hash]).await?;
	header_number(&header)
}

fn header_number(header: &serde_json::Value) -> Result<u64> {
	let hex =
		header["number"].as_str().ok_or_else(|| anyhow!("header without a number: {header}"))?;
	Ok(u64::from_str_radix(hex.trim_start_matches("0x"), 16)?)
}

/// Polls `probe` every 200 ms until it returns `Some`, or fails after `timeout`.
pub async fn wait_until<T, F, Fut>(timeout: Duration, what: &str, mut probe: F) -> Result<T>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = Result<Option<T>>>,
{
	let deadline = Instant::now() + timeout;
	loop {
		if let Some(value) = probe().await? {
			return Ok(value);
		}
		if Instant::now() > deadline {
			bail!("timed out after {timeout:?} waiting for {what}");
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
}

/// Names (`Pallet.Event`) of the events a transaction emitted.
pub fn event_names(events: &ExtrinsicEvents<SubstrateConfig>) -> Result<Vec<String>> {
	events
		.iter()
		.map(|event| {
			let event = event?;
			Ok(format!("{}.{}", event.pallet_name(), event.event_name()))
		})
		.collect()
}

/// One DOSS, the native token, in its smallest unit (12 decimals).
pub const UNIT: u128 = 1_000_000_000_000;

pub use deoss_chain::{AccountData, AccountInfo};

/// `System.Account` of `who` at the best block.
pub async fn account(client: &Client, who: [u8; 32]) -> Result<AccountInfo> {
	let address = dynamic::storage::<([u8; 32],), AccountInfo>("System", "Account");
	let at = client.at_current_block().await?;
	Ok(at.storage().fetch(address, (who,)).await?.decode()?)
}

/// Sends `signal` to `child`, as an operator's `kill` would.
#[allow(unsafe_code)]
pub fn send_signal(child: &std::process::Child, signal: libc::c_int) {
	// SAFETY: `child` is a process we spawned and have not reaped (we hold
	// its handle), so its pid names that process and no other.
	unsafe { libc::kill(child.id() as libc::pid_t, signal) };
}
