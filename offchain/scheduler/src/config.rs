//! `scheduler.toml`. Relative paths are taken from the configuration file's directory.
//!
//! ```toml
//! chain_url = "ws://127.0.0.1:9944"
//! key_file = "account.key"
//! data_dir = "staging"
//! listen = "127.0.0.1:15100"
//! endpoint = "http://127.0.0.1:15100"   # optional
//! region = "DE"
//! parallel_columns = 12                 # columns sent to miners at once, per deal
//! ```

use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
};

use anyhow::{bail, Result};
use deoss_protocol::{parse_region, server::load_config};
use serde::Deserialize;

/// A scheduler's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchedulerConfig {
	/// WebSocket RPC address of a DeOSS node.
	#[serde(default = "default_chain_url")]
	pub chain_url: String,
	/// File with the scheduler account's secret.
	pub key_file: PathBuf,
	/// Where payloads and columns are staged.
	pub data_dir: PathBuf,
	/// Address the upload API listens on.
	pub listen: SocketAddr,
	/// URL clients reach the API at; `http://<listen>` when absent.
	#[serde(default)]
	pub endpoint: Option<String>,
	/// ISO 3166-1 alpha-2 code of where the scheduler runs.
	pub region: String,
	/// Columns of one deal sent to miners at once.
	#[serde(default = "default_parallel_columns")]
	pub parallel_columns: usize,
}

fn default_chain_url() -> String {
	"ws://127.0.0.1:9944".into()
}

fn default_parallel_columns() -> usize {
	12
}

impl SchedulerConfig {
	/// Reads and checks `path`.
	pub fn load(path: &Path) -> Result<Self> {
		let config: Self = load_config(path, |config: &mut Self| {
			[&mut config.key_file, &mut config.data_dir].into()
		})
		.map_err(anyhow::Error::msg)?;
		config.region_code()?;
		if config.parallel_columns == 0 {
			bail!("parallel_columns must be at least 1");
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
