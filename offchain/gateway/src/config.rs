//! `gateway.toml`. Relative paths are taken from the configuration file's directory.
//!
//! ```toml
//! chain_url = "ws://127.0.0.1:9944"
//! key_file = "account.key"
//! data_dir = "gateway"                 # the database and staged uploads
//! rest_listen = "127.0.0.1:8080"
//! s3_listen = "127.0.0.1:9000"
//! endpoint = "http://127.0.0.1:8080"   # optional: the REST URL registered on chain
//! s3_endpoint = "http://127.0.0.1:9000" # optional: the S3 URL handed to users
//! regions = ["DE", "FR", "US"]         # where objects go unless a request says otherwise
//! layout = "4+8"                       # data+parity columns of new objects (optional)
//! cache_memory_mib = 256               # hottest verified objects, in memory
//! cache_disk_mib = 2048                # the rest, under data_dir/cache
//! cache_object_max_mib = 64            # larger objects are streamed, not cached
//! ```

use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
};

use anyhow::{bail, Result};
use deoss_primitives::Layout;
use deoss_protocol::{parse_region, server::load_config};
use serde::Deserialize;

/// A gateway's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
	/// WebSocket RPC address of a DeOSS node.
	#[serde(default = "default_chain_url")]
	pub chain_url: String,
	/// File with the gateway account's secret.
	pub key_file: PathBuf,
	/// The database (`gateway.sqlite`) and the staging area of uploads.
	pub data_dir: PathBuf,
	/// Address the REST API listens on.
	pub rest_listen: SocketAddr,
	/// Address the S3 API listens on.
	pub s3_listen: SocketAddr,
	/// The REST URL registered on chain; `http://<rest_listen>` when absent.
	#[serde(default)]
	pub endpoint: Option<String>,
	/// The S3 URL handed to users with their credentials; `http://<s3_listen>` when
	/// absent.
	#[serde(default)]
	pub s3_endpoint: Option<String>,
	/// Regions objects may be stored in unless a bucket or request says otherwise.
	pub regions: Vec<String>,
	/// `k+m` columns of new objects; the pipeline's default when absent.
	#[serde(default)]
	pub layout: Option<String>,
	/// Memory for cached objects, in MiB.
	#[serde(default = "default_cache_memory")]
	pub cache_memory_mib: u64,
	/// Disk for cached objects, in MiB.
	#[serde(default = "default_cache_disk")]
	pub cache_disk_mib: u64,
	/// Largest object cached, in MiB.
	#[serde(default = "default_cache_object")]
	pub cache_object_max_mib: u64,
}

fn default_cache_memory() -> u64 {
	256
}

fn default_cache_disk() -> u64 {
	2048
}

fn default_cache_object() -> u64 {
	64
}

fn default_chain_url() -> String {
	"ws://127.0.0.1:9944".into()
}

impl GatewayConfig {
	/// Reads and checks `path`.
	pub fn load(path: &Path) -> Result<Self> {
		let config: Self = load_config(path, |config: &mut Self| {
			[&mut config.key_file, &mut config.data_dir].into()
		})
		.map_err(anyhow::Error::msg)?;
		if config.regions.is_empty() {
			bail!("regions must name at least one region");
		}
		config.region_codes()?;
		config.layout()?;
		Ok(config)
	}

	/// The default regions as two-byte codes.
	pub fn region_codes(&self) -> Result<Vec<[u8; 2]>> {
		self.regions.iter().map(|region| parse_region(region).map_err(anyhow::Error::msg)).collect()
	}

	/// The layout of new objects.
	pub fn layout(&self) -> Result<Layout> {
		match &self.layout {
			None => Ok(Layout::default()),
			Some(text) => deoss_protocol::parse_layout(text, 1).map_err(anyhow::Error::msg),
		}
	}

	/// The cache's limits.
	pub fn cache_limits(&self) -> crate::cache::CacheLimits {
		crate::cache::CacheLimits {
			memory: self.cache_memory_mib << 20,
			disk: self.cache_disk_mib << 20,
			object: self.cache_object_max_mib << 20,
		}
	}

	/// The REST endpoint registered on chain.
	pub fn endpoint(&self) -> String {
		self.endpoint.clone().unwrap_or_else(|| format!("http://{}", self.rest_listen))
	}

	/// The S3 endpoint users are told of.
	pub fn s3_endpoint(&self) -> String {
		self.s3_endpoint.clone().unwrap_or_else(|| format!("http://{}", self.s3_listen))
	}
}
