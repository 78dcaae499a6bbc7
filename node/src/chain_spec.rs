//! Chain specifications, each built from a runtime genesis preset.

use sc_service::{ChainType, Properties};

/// The node's chain specification type.
pub type ChainSpec = sc_service::GenericChainSpec;

fn wasm_binary() -> Result<&'static [u8], String> {
	deoss_runtime::WASM_BINARY.ok_or_else(|| {
		"this deoss-node was built without the wasm runtime (SKIP_WASM_BUILD was set)".to_string()
	})
}

/// Token symbol, decimals and address format, as wallets show them.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), "DOSS".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// Single-authority development chain: Alice seals, every dev account is endowed.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("DeOSS Development")
		.with_id("dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name("development")
		.with_properties(properties())
		.build())
}

/// Local testnet: Alice and Bob run Aura + GRANDPA.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("DeOSS Local Testnet")
		.with_id("deoss_local_testnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name("local_testnet")
		.with_properties(properties())
		.build())
}
