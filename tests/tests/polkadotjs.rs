//! polkadot.js (`@polkadot/api`, no custom types) against a dev node.

use std::{path::Path, process::Command};

use anyhow::{ensure, Result};
use deoss_e2e::{Node, NodeConfig};

#[tokio::test]
async fn polkadotjs_reads_metadata_and_submits_a_transfer() -> Result<()> {
	let script_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("polkadotjs");
	ensure!(
		script_dir.join("node_modules/@polkadot/api").exists(),
		"@polkadot/api is not installed: run `npm ci` in {}",
		script_dir.display()
	);
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let url = node.ws_url();
	let output = tokio::task::spawn_blocking(move || {
		Command::new("node").arg("smoke.mjs").arg(url).current_dir(script_dir).output()
	})
	.await??;
	let stdout = String::from_utf8_lossy(&output.stdout);
	let stderr = String::from_utf8_lossy(&output.stderr);
	println!("{stdout}");
	ensure!(
		output.status.success(),
		"polkadot.js script failed ({}):\n{stdout}\n{stderr}\nnode log:\n{}",
		output.status,
		node.log_tail(30)
	);
	Ok(())
}
