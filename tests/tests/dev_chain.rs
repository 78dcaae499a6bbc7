//! The dev chain: transfers, RPC surface and the three sealing modes.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use deoss_e2e::{
	account, best_block_number, finalized_block_number, wait_until, Node, NodeConfig, UNIT,
};
use subxt::{
	dynamic,
	ext::scale_decode::{self, DecodeAsType},
	rpcs::rpc_params,
	utils::AccountId32,
};
use subxt_signer::sr25519::dev;

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Transfer {
	from: AccountId32,
	to: AccountId32,
	amount: u128,
}

async fn free_balance(node: &Node, who: [u8; 32]) -> Result<u128> {
	Ok(account(&node.client().await?, who).await?.data.free)
}

#[tokio::test]
async fn transfer_is_seen_in_events_and_storage() -> Result<()> {
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let client = node.client().await?;
	let (alice, bob) = (dev::alice(), dev::bob());
	let bob_id = bob.public_key().0;

	let bob_before = free_balance(&node, bob_id).await?;
	ensure!(bob_before > 0, "Bob is endowed at genesis on the dev chain");

	let amount = 7 * UNIT;
	let transfer = dynamic::transaction(
		"Balances",
		"transfer_keep_alive",
		(bob.public_key().to_address::<()>(), amount),
	);
	let events = client
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(&transfer, &alice)
		.await?
		.wait_for_finalized_success()
		.await
		.with_context(|| node.log_tail(30))?;

	let mut transfers = Vec::new();
	for event in events.iter() {
		let event = event?;
		if event.pallet_name() == "Balances" && event.event_name() == "Transfer" {
			transfers.push(event.decode_fields_unchecked_as::<Transfer>()?);
		}
	}
	ensure!(transfers.len() == 1, "one Transfer event, got {transfers:?}");
	let transfer = &transfers[0];
	ensure!(transfer.from == AccountId32(alice.public_key().0), "from Alice: {transfer:?}");
	ensure!(transfer.to == AccountId32(bob_id), "to Bob: {transfer:?}");
	ensure!(transfer.amount == amount, "amount: {transfer:?}");

	let bob_after = free_balance(&node, bob_id).await?;
	ensure!(bob_after == bob_before + amount, "Bob's balance {bob_before} -> {bob_after}");
	Ok(())
}

#[tokio::test]
async fn rpc_serves_standard_payment_and_sealing_methods() -> Result<()> {
	let node = Node::start(NodeConfig::dev(&["--sealing", "instant"])).await?;
	let rpc = node.rpc().await?;
	let methods: serde_json::Value = rpc.request("rpc_methods", rpc_params![]).await?;
	let methods: Vec<&str> = methods["methods"]
		.as_array()
		.context("rpc_methods lists methods")?
		.iter()
		.filter_map(|m| m.as_str())
		.collect();
	for expected in [
		"system_health",
		"system_accountNextIndex",
		"chain_getBlock",
		"chain_getFinalizedHead",
		"state_getStorage",
		"state_getMetadata",
		"author_submitExtrinsic",
		"author_submitAndWatchExtrinsic",
		"payment_queryInfo",
		"payment_queryFeeDetails",
		"engine_createBlock",
	] {
		ensure!(methods.contains(&expected), "RPC method {expected} missing from {methods:?}");
	}

	let properties: serde_json::Value = rpc.request("system_properties", rpc_params![]).await?;
	ensure!(properties["tokenSymbol"] == "DOSS", "token symbol in {properties}");
	ensure!(properties["tokenDecimals"] == 12, "token decimals in {properties}");
	let chain: String = rpc.request("system_chain", rpc_params![]).await?;
	ensure!(chain == "DeOSS Development", "chain name {chain}");
	Ok(())
}

#[tokio::test]
async fn interval_sealing_produces_finalized_empty_blocks() -> Result<()> {
	let node =
		Node::start(NodeConfig::dev(&["--sealing", "interval", "--block-time", "250"])).await?;
	let rpc = node.rpc().await?;
	let finalized = wait_until(Duration::from_secs(60), "5 finalized blocks", || async {
		let finalized = finalized_block_number(&rpc).await?;
		Ok((finalized >= 5).then_some(finalized))
	})
	.await
	.with_context(|| node.log_tail(30))?;
	let best = best_block_number(&rpc).await?;
	ensure!(best >= finalized, "best {best} behind finalized {finalized}");
	Ok(())
}

#[tokio::test]
async fn manual_sealing_waits_for_engine_create_block() -> Result<()> {
	let node = Node::start(NodeConfig::dev(&["--sealing", "manual"])).await?;
	let rpc = node.rpc().await?;
	// The node seals one block at start so the transaction pool has a view.
	let start = wait_until(Duration::from_secs(30), "the initial block", || async {
		let best = best_block_number(&rpc).await?;
		Ok((best >= 1).then_some(best))
	})
	.await?;
	tokio::time::sleep(Duration::from_millis(1500)).await;
	ensure!(best_block_number(&rpc).await? == start, "no block without engine_createBlock");

	let created: serde_json::Value =
		rpc.request("engine_createBlock", rpc_params![true, true, None::<String>]).await?;
	ensure!(created["hash"].is_string(), "engine_createBlock answers a hash: {created}");
	ensure!(best_block_number(&rpc).await? == start + 1, "one more block");
	ensure!(finalized_block_number(&rpc).await? == start + 1, "and it is final");
	Ok(())
}
