//! A node restarted on the same base path keeps its chain and state.

use anyhow::{ensure, Result};
use deoss_e2e::{account, best_block_number, BasePath, Node, NodeConfig};
use subxt::dynamic;
use subxt_signer::sr25519::dev;

async fn alice_nonce(node: &Node) -> Result<u32> {
	Ok(account(&node.client().await?, dev::alice().public_key().0).await?.nonce)
}

#[tokio::test]
async fn restart_with_kept_base_path_keeps_state() -> Result<()> {
	let base = tempfile::tempdir()?;
	let config = || NodeConfig {
		args: vec!["--dev".into(), "--sealing".into(), "instant".into()],
		base_path: BasePath::Kept(base.path().to_path_buf()),
		p2p_port: None,
		rpc_port: None,
	};

	let node = Node::start(config()).await?;
	let client = node.client().await?;
	let remark = dynamic::transaction("System", "remark", (b"kept across restarts".to_vec(),));
	for _ in 0..3 {
		client
			.at_current_block()
			.await?
			.transactions()
			.sign_and_submit_then_watch_default(&remark, &dev::alice())
			.await?
			.wait_for_finalized_success()
			.await?;
	}
	let nonce_before = alice_nonce(&node).await?;
	let best_before = best_block_number(&node.rpc().await?).await?;
	ensure!(nonce_before == 3, "three transactions from Alice, nonce {nonce_before}");
	node.stop()?;

	let node = Node::start(config()).await?;
	let best_after = best_block_number(&node.rpc().await?).await?;
	ensure!(best_after >= best_before, "chain kept: best {best_before} -> {best_after}");
	let nonce_after = alice_nonce(&node).await?;
	ensure!(nonce_after == nonce_before, "state kept: nonce {nonce_before} -> {nonce_after}");
	Ok(())
}
