//! Two validators of the `local` chain find each other on loopback, author
//! with Aura and finalize with GRANDPA.

use std::{process::Command, time::Duration};

use anyhow::{ensure, Context, Result};
use deoss_e2e::{
	finalized_block_number, free_port, node_binary, wait_until, BasePath, Node, NodeConfig,
};
use subxt::rpcs::rpc_params;

/// The libp2p peer id of a node key, as the node itself derives it.
fn peer_id(node_key_hex: &str) -> Result<String> {
	let dir = tempfile::tempdir()?;
	let key_file = dir.path().join("node-key");
	std::fs::write(&key_file, node_key_hex)?;
	let output = Command::new(node_binary()?)
		.args(["key", "inspect-node-key", "--file"])
		.arg(&key_file)
		.output()?;
	ensure!(
		output.status.success(),
		"inspect-node-key: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	Ok(String::from_utf8(output.stdout)?.trim().to_string())
}

fn validator(name: &str, node_key: &str, p2p_port: u16, bootnode: Option<String>) -> NodeConfig {
	let mut args = vec![
		"--chain".to_string(),
		"local".to_string(),
		format!("--{name}"),
		"--node-key".to_string(),
		node_key.to_string(),
	];
	if let Some(bootnode) = bootnode {
		args.push("--bootnodes".into());
		args.push(bootnode);
	}
	NodeConfig { args, base_path: BasePath::Tmp, p2p_port: Some(p2p_port), rpc_port: None }
}

#[tokio::test]
async fn two_validators_produce_and_finalize_blocks() -> Result<()> {
	let alice_key = "0000000000000000000000000000000000000000000000000000000000000001";
	let bob_key = "0000000000000000000000000000000000000000000000000000000000000002";
	let alice_port = free_port()?;
	let alice_addr = format!("/ip4/127.0.0.1/tcp/{alice_port}/p2p/{}", peer_id(alice_key)?);

	let alice = Node::start(validator("alice", alice_key, alice_port, None)).await?;
	let bob = Node::start(validator("bob", bob_key, free_port()?, Some(alice_addr))).await?;
	let (alice_rpc, bob_rpc) = (alice.rpc().await?, bob.rpc().await?);

	// GRANDPA with two voters needs both: finality proves they talk.
	for (name, rpc) in [("alice", &alice_rpc), ("bob", &bob_rpc)] {
		wait_until(Duration::from_secs(120), &format!("{name} to finalize block 3"), || async {
			Ok((finalized_block_number(rpc).await? >= 3).then_some(()))
		})
		.await
		.with_context(|| format!("alice:\n{}\nbob:\n{}", alice.log_tail(20), bob.log_tail(20)))?;
		let health: serde_json::Value = rpc.request("system_health", rpc_params![]).await?;
		ensure!(health["peers"].as_u64() >= Some(1), "{name} has a peer: {health}");
	}

	// Both authored: Aura alternates slots between the two authorities.
	ensure!(alice.log().contains("Prepared block for proposing"), "alice authored");
	ensure!(bob.log().contains("Prepared block for proposing"), "bob authored");
	Ok(())
}
