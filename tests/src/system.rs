//! The whole DeOSS system on loopback, as `./scripts/dev.sh` runs it and the
//! end-to-end tests use it: a dev node, schedulers and miners as separate processes,
//! each with its own key files, configuration and data directory under one directory,
//! all funded and registered. Every process is stopped (SIGTERM, then SIGKILL) on drop.

use std::{
	fs::{self, File},
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use deoss_chain::{calls, signer::parse_secret, signer::write_key_file, Chain, Keypair};
use futures::future::try_join_all;

use crate::{gateway_binary, miner_binary, scheduler_binary, BasePath, Node, NodeConfig, UNIT};

/// Balance every service account receives from Alice.
pub const SERVICE_FUNDS: u128 = 1_000_000 * UNIT;

/// How long the services may take to register and answer.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// What to start.
#[derive(Clone, Debug)]
pub struct SystemConfig {
	/// Storage miners.
	pub miners: usize,
	/// Schedulers.
	pub schedulers: usize,
	/// Regions miners are spread over, in turn.
	pub regions: Vec<String>,
	/// Capacity of every miner, in GiB.
	pub miner_capacity_gib: u64,
	/// Milliseconds between blocks.
	pub block_time_ms: u64,
	/// Where everything lives; a temporary directory when `None`.
	pub dir: Option<PathBuf>,
	/// The node's RPC port; a free one when `None`.
	pub rpc_port: Option<u16>,
	/// Instant sealing (a block per transaction) instead of a block every
	/// `block_time_ms`.
	pub instant: bool,
	/// A gateway too.
	pub gateway: Option<GatewaySetup>,
}

/// How the gateway is started.
#[derive(Clone, Debug, Default)]
pub struct GatewaySetup {
	/// REST port; a free one when `None`.
	pub rest_port: Option<u16>,
	/// S3 port; a free one when `None`.
	pub s3_port: Option<u16>,
	/// `k+m` of the objects it stores; the pipeline's default when `None`.
	pub layout: Option<String>,
}

impl Default for SystemConfig {
	fn default() -> Self {
		Self {
			miners: 14,
			schedulers: 2,
			regions: vec!["DE".into(), "FR".into(), "US".into()],
			miner_capacity_gib: 4,
			block_time_ms: 500,
			// Set DEOSS_SYSTEM_DIR to keep every log, key and data directory after a run.
			dir: std::env::var_os("DEOSS_SYSTEM_DIR").map(PathBuf::from),
			rpc_port: None,
			instant: false,
			gateway: None,
		}
	}
}

/// One daemon process.
pub struct Service {
	/// `miner-3`, `scheduler-0`.
	pub name: String,
	/// Its account key.
	pub account: Keypair,
	/// Its HTTP endpoint.
	pub endpoint: String,
	/// Its region.
	pub region: String,
	/// Its configuration file.
	pub config: PathBuf,
	/// Its data directory.
	pub data_dir: PathBuf,
	binary: PathBuf,
	log_path: PathBuf,
	child: Option<Child>,
}

impl Service {
	/// A service not started yet: `binary run --config <config>`, logging to `log_path`.
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		name: &str,
		account: Keypair,
		endpoint: String,
		region: String,
		config: PathBuf,
		data_dir: PathBuf,
		binary: PathBuf,
		log_path: PathBuf,
	) -> Self {
		Self {
			name: name.into(),
			account,
			endpoint,
			region,
			config,
			data_dir,
			binary,
			log_path,
			child: None,
		}
	}

	/// The account id.
	pub fn id(&self) -> [u8; 32] {
		self.account.public_key().0
	}

	/// Everything it logged so far.
	pub fn log(&self) -> String {
		fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// Starts the process (again).
	pub fn start(&mut self) -> Result<()> {
		if self.is_running() {
			return Ok(());
		}
		let log = File::options().create(true).append(true).open(&self.log_path)?;
		let child = Command::new(&self.binary)
			.args(["run", "--config"])
			.arg(&self.config)
			.env("RUST_LOG", std::env::var("DEOSS_LOG").unwrap_or_else(|_| "info".into()))
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log)
			.spawn()
			.with_context(|| format!("spawning {}", self.name))?;
		self.child = Some(child);
		Ok(())
	}

	/// The process id, while it runs.
	pub fn pid(&self) -> Option<u32> {
		self.child.as_ref().map(Child::id)
	}

	/// Peak resident memory of the process so far (`VmHWM`), in bytes.
	pub fn peak_rss(&self) -> Option<u64> {
		let status = fs::read_to_string(format!("/proc/{}/status", self.pid()?)).ok()?;
		let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
		let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
		Some(kib * 1024)
	}

	/// Whether the process runs.
	pub fn is_running(&mut self) -> bool {
		self.child.as_mut().is_some_and(|child| matches!(child.try_wait(), Ok(None)))
	}

	/// Sends `signal` to the process.
	pub fn signal(&self, signal: libc::c_int) {
		if let Some(child) = &self.child {
			crate::send_signal(child, signal);
		}
	}

	/// Stops the process with SIGTERM, as an operator would; kills it after 10 s.
	/// Returns whether it stopped on its own.
	pub fn stop(&mut self) -> bool {
		let Some(mut child) = self.child.take() else { return true };
		if matches!(child.try_wait(), Ok(Some(_))) {
			return true;
		}
		crate::send_signal(&child, libc::SIGTERM);
		let deadline = Instant::now() + Duration::from_secs(10);
		while Instant::now() < deadline {
			if matches!(child.try_wait(), Ok(Some(_))) {
				return true;
			}
			std::thread::sleep(Duration::from_millis(50));
		}
		let _ = child.kill();
		let _ = child.wait();
		false
	}

	/// Kills the process at once (a crash).
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

impl Drop for Service {
	fn drop(&mut self) {
		self.signal(libc::SIGCONT);
		self.stop();
	}
}

/// The running system.
pub struct System {
	/// Schedulers.
	pub schedulers: Vec<Service>,
	/// Miners.
	pub miners: Vec<Service>,
	/// The gateway (its endpoint is the REST URL), if one was asked for.
	pub gateway: Option<Service>,
	/// The gateway's S3 URL.
	pub gateway_s3: Option<String>,
	/// A chain client.
	pub chain: Chain,
	/// The node; dropped last.
	pub node: Node,
	/// Where everything lives.
	pub dir: PathBuf,
	_temp: Option<tempfile::TempDir>,
}

/// Ports for the services: free now, distinct, and below the kernel's ephemeral range
/// (32768 and up), so no outgoing connection of another service takes one before its
/// service binds it.
struct Ports {
	taken: std::collections::HashSet<u16>,
}

impl Ports {
	fn next(&mut self) -> Result<u16> {
		for _ in 0..1000 {
			let port = 20_000 + rand::random::<u16>() % 12_000;
			if self.taken.contains(&port) {
				continue;
			}
			if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
				self.taken.insert(port);
				return Ok(port);
			}
		}
		bail!("no free port found in 20000..32000")
	}
}

fn write_key(path: &Path, secret: &str) -> Result<Keypair> {
	if !path.exists() {
		write_key_file(path, secret).with_context(|| format!("writing {}", path.display()))?;
	}
	Ok(parse_secret(secret)?)
}

impl System {
	/// Starts everything `config` asks for and waits until every service is
	/// registered and answers.
	pub async fn start(config: SystemConfig) -> Result<Self> {
		let (dir, temp) = match &config.dir {
			Some(dir) => (dir.clone(), None),
			None => {
				let temp = tempfile::tempdir()?;
				(temp.path().to_path_buf(), Some(temp))
			}
		};
		fs::create_dir_all(&dir)?;
		let block_time = config.block_time_ms.to_string();
		let mut node_config = if config.instant {
			NodeConfig::dev(&["--sealing", "instant"])
		} else {
			NodeConfig::dev(&["--sealing", "interval", "--block-time", &block_time])
		};
		node_config.base_path = BasePath::Kept(dir.join("node"));
		node_config.rpc_port = config.rpc_port;
		let node = Node::start(node_config).await?;
		let url = node.ws_url();
		let chain = Chain::connect(&url).await?;
		let mut ports = Ports { taken: Default::default() };

		let mut schedulers = Vec::new();
		for index in 0..config.schedulers {
			let name = format!("scheduler-{index}");
			let home = dir.join(&name);
			fs::create_dir_all(&home)?;
			let account =
				write_key(&home.join("account.key"), &format!("//deoss-dev//scheduler//{index}"))?;
			let port = ports.next()?;
			let region = config.regions[index % config.regions.len()].clone();
			let config_path = home.join("scheduler.toml");
			fs::write(
				&config_path,
				format!(
					"chain_url = \"{url}\"\nkey_file = \"account.key\"\ndata_dir = \"staging\"\n\
					 listen = \"127.0.0.1:{port}\"\nregion = \"{region}\"\n"
				),
			)?;
			schedulers.push(Service {
				name,
				account,
				endpoint: format!("http://127.0.0.1:{port}"),
				region,
				config: config_path,
				data_dir: home.join("staging"),
				binary: scheduler_binary()?,
				log_path: home.join("scheduler.log"),
				child: None,
			});
		}
		let mut miners = Vec::new();
		for index in 0..config.miners {
			let name = format!("miner-{index}");
			let home = dir.join(&name);
			fs::create_dir_all(&home)?;
			let account =
				write_key(&home.join("account.key"), &format!("//deoss-dev//miner//{index}"))?;
			write_key(&home.join("auth.key"), &format!("//deoss-dev//miner//{index}//auth"))?;
			let port = ports.next()?;
			let region = config.regions[index % config.regions.len()].clone();
			let config_path = home.join("miner.toml");
			fs::write(
				&config_path,
				format!(
					"chain_url = \"{url}\"\nkey_file = \"account.key\"\nauth_key_file = \"auth.key\"\n\
					 data_dir = \"data\"\nlisten = \"127.0.0.1:{port}\"\nregion = \"{region}\"\n\
					 capacity_gib = {}\n",
					config.miner_capacity_gib
				),
			)?;
			miners.push(Service {
				name,
				account,
				endpoint: format!("http://127.0.0.1:{port}"),
				region,
				config: config_path,
				data_dir: home.join("data"),
				binary: miner_binary()?,
				log_path: home.join("miner.log"),
				child: None,
			});
		}

		let mut gateway = None;
		let mut gateway_s3 = None;
		if let Some(setup) = &config.gateway {
			let home = dir.join("gateway");
			fs::create_dir_all(&home)?;
			let account = write_key(&home.join("account.key"), "//deoss-dev//gateway//0")?;
			let rest = match setup.rest_port {
				Some(port) => port,
				None => ports.next()?,
			};
			let s3 = match setup.s3_port {
				Some(port) => port,
				None => ports.next()?,
			};
			let regions: Vec<String> =
				config.regions.iter().map(|region| format!("\"{region}\"")).collect();
			let layout = setup
				.layout
				.as_ref()
				.map(|layout| format!("layout = \"{layout}\"\n"))
				.unwrap_or_default();
			let config_path = home.join("gateway.toml");
			fs::write(
				&config_path,
				format!(
					"chain_url = \"{url}\"\nkey_file = \"account.key\"\ndata_dir = \"data\"\n\
					 rest_listen = \"127.0.0.1:{rest}\"\ns3_listen = \"127.0.0.1:{s3}\"\n\
					 regions = [{}]\n{layout}",
					regions.join(", ")
				),
			)?;
			gateway_s3 = Some(format!("http://127.0.0.1:{s3}"));
			gateway = Some(Service {
				name: "gateway".into(),
				account,
				endpoint: format!("http://127.0.0.1:{rest}"),
				region: String::new(),
				config: config_path,
				data_dir: home.join("data"),
				binary: gateway_binary()?,
				log_path: home.join("gateway.log"),
				child: None,
			});
		}

		// Fund every service account from Alice, concurrently.
		let alice = parse_secret("//Alice")?;
		let needy: Vec<[u8; 32]> = {
			let mut needy = Vec::new();
			for service in schedulers.iter().chain(&miners).chain(&gateway) {
				if chain.account(&service.id()).await?.data.free < SERVICE_FUNDS / 2 {
					needy.push(service.id());
				}
			}
			needy
		};
		try_join_all(needy.iter().map(|id| {
			let chain = chain.clone();
			let alice = alice.clone();
			async move { chain.submit(&calls::transfer(id, SERVICE_FUNDS), &alice).await }
		}))
		.await
		.context("funding the service accounts")?;

		let mut system =
			Self { schedulers, miners, gateway, gateway_s3, chain, node, dir, _temp: temp };
		for service in system
			.schedulers
			.iter_mut()
			.chain(system.miners.iter_mut())
			.chain(system.gateway.iter_mut())
		{
			service.start()?;
		}
		system.wait_ready().await?;
		Ok(system)
	}

	/// Waits until every running service is registered on chain and answers.
	pub async fn wait_ready(&mut self) -> Result<()> {
		let deadline = Instant::now() + READY_TIMEOUT;
		let http = reqwest::Client::new();
		for service in
			self.schedulers.iter_mut().chain(self.miners.iter_mut()).chain(self.gateway.iter_mut())
		{
			loop {
				if !service.is_running() {
					bail!("{} exited during start-up:\n{}", service.name, tail(&service.log(), 30));
				}
				let registered = if service.name == "gateway" {
					self.chain
						.gateway(&service.id())
						.await?
						.is_some_and(|info| info.endpoint() == service.endpoint)
				} else if service.name.starts_with("miner") {
					self.chain
						.miner(&service.id())
						.await?
						.is_some_and(|info| info.endpoint() == service.endpoint)
				} else {
					self.chain
						.scheduler(&service.id())
						.await?
						.is_some_and(|info| info.endpoint() == service.endpoint)
				};
				let health = if service.name == "gateway" { "/health" } else { "/v1/health" };
				let answers = http
					.get(format!("{}{health}", service.endpoint))
					.timeout(Duration::from_secs(2))
					.send()
					.await
					.is_ok_and(|response| response.status().is_success());
				if registered && answers {
					break;
				}
				if Instant::now() > deadline {
					bail!(
						"{} not ready after {READY_TIMEOUT:?}:\n{}",
						service.name,
						tail(&service.log(), 30)
					);
				}
				tokio::time::sleep(Duration::from_millis(200)).await;
			}
		}
		Ok(())
	}

	/// Lets the gateway act for `user` in every scope (until `expires_at`, if given).
	pub async fn authorize_gateway(&self, user: &Keypair, expires_at: Option<u32>) -> Result<()> {
		let gateway = self.gateway.as_ref().context("the system runs no gateway")?;
		self.chain
			.submit(
				&calls::authorize(
					&gateway.id(),
					&[
						deoss_chain::Scope::Upload,
						deoss_chain::Scope::Delete,
						deoss_chain::Scope::ReadShare,
					],
					expires_at,
				),
				user,
			)
			.await?;
		Ok(())
	}

	/// `ws://` URL of the node.
	pub fn url(&self) -> String {
		self.node.ws_url()
	}

	/// Prints the last `lines` lines of every service's log and of the node's, for a
	/// failed test.
	pub fn print_logs(&self, lines: usize) {
		for service in self.schedulers.iter().chain(&self.miners).chain(&self.gateway) {
			eprintln!("---- {} ----\n{}", service.name, tail(&service.log(), lines));
		}
		eprintln!("---- node ----\n{}", self.node.log_tail(lines.max(20)));
	}

	/// The miner service of account `id`.
	pub fn miner(&self, id: &[u8; 32]) -> Option<&Service> {
		self.miners.iter().find(|miner| miner.id() == *id)
	}

	/// The miner service of account `id`, mutably.
	pub fn miner_mut(&mut self, id: &[u8; 32]) -> Option<&mut Service> {
		self.miners.iter_mut().find(|miner| miner.id() == *id)
	}
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
	let all: Vec<&str> = text.lines().collect();
	all[all.len().saturating_sub(lines)..].join("\n")
}
