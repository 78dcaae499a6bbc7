//! `miner.toml`: what a storage miner operator configures. Relative paths are taken
//! from the directory of the configuration file.
//!
//! ```toml
//! chain_url = "ws://127.0.0.1:9944"
//! key_file = "account.key"        # the miner's account (secret URI, mnemonic or 0x seed)
//! auth_key_file = "auth.key"      # the key receipts are signed with
//! data_dir = "data"
//! listen = "127.0.0.1:15001"
//! endpoint = "http://127.0.0.1:15001"   # optional: what others connect to
//! region = "DE"
//! capacity_gib = 4
//! # stake = 5000000000000000     # optional: the stake the capacity requires otherwise
//! # restore = false               # optional: take no restoral orders (default: take them)
//! ```

use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
};

use anyhow::{bail, Result};
use deoss_protocol::{parse_region, server::load_config};
use serde::Deserialize;

/// A storage miner's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinerConfig {
	/// WebSocket RPC address of a DeOSS node.
	#[serde(default = "default_chain_url")]
	pub chain_url: String,
	/// File with the miner account's secret.
	pub key_file: PathBuf,
	/// File with the receipt-signing key's secret.
	pub auth_key_file: PathBuf,
	/// Where fragments are kept.
	pub data_dir: PathBuf,
	/// Address the fragment API listens on.
	pub listen: SocketAddr,
	/// URL others reach the API at; `http://<listen>` when absent.
	#[serde(default)]
	pub endpoint: Option<String>,
	/// ISO 3166-1 alpha-2 code of where the data is kept.
	pub region: String,
	/// Capacity offered, in GiB.
	pub capacity_gib: u64,
	/// Stake to hold, in the smallest unit; what the capacity requires when absent.
	#[serde(default)]
	pub stake: Option<u128>,
	/// Whether the miner claims and rebuilds other miners' lost columns.
	#[serde(default = "default_restore")]
	pub restore: bool,
}

fn default_restore() -> bool {
	true
}

fn default_chain_url() -> String {
	"ws://127.0.0.1:9944".into()
}

impl MinerConfig {
	/// Reads and checks `path`.
	pub fn load(path: &Path) -> Result<Self> {
		let config: Self = load_config(path, |config: &mut Self| {
			[&mut config.key_file, &mut config.auth_key_file, &mut config.data_dir].into()
		})
		.map_err(anyhow::Error::msg)?;
		config.region_code()?;
		if config.capacity_gib == 0 {
			bail!("capacity_gib must be at least 1");
		}
		Ok(config)
	}

	/// The region as two bytes.
	pub fn region_code(&self) -> Result<[u8; 2]> {
		parse_region(&self.region).map_err(anyhow::Error::msg)
	}

	/// The advertised endpoint.
	pub fn endpoint(&self) -> String {
		self.endpoint.clone().unwrap_or_else(|| format!("http://{}", self.listen))
	}
}
