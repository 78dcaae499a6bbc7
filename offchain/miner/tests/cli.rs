//! The `deoss-miner` binary refuses bad arguments with a message and a failure exit code,
//! before it ever needs a node.

use std::process::Command;

fn miner(args: &[&str]) -> (bool, String) {
	let output = Command::new(env!("CARGO_BIN_EXE_deoss-miner"))
		.args(args)
		.output()
		.expect("deoss-miner runs");
	(output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_bad_secret_uri_is_refused() {
	let store = tempfile::tempdir().expect("temp dir");
	let store = store.path().to_str().expect("utf-8 path");
	let (ok, stderr) = miner(&["--suri", "not a uri", "--store", store]);
	assert!(!ok);
	assert!(stderr.contains("deoss-miner: --suri does not give an sr25519 key"), "{stderr}");
}

#[test]
fn an_unreachable_node_is_reported() {
	let store = tempfile::tempdir().expect("temp dir");
	let store = store.path().to_str().expect("utf-8 path");
	// Port 9 (discard) has no WebSocket server on loopback.
	let (ok, stderr) = miner(&["--url", "ws://127.0.0.1:9", "--suri", "//Bob", "--store", store]);
	assert!(!ok);
	assert!(stderr.contains("connecting to the node at ws://127.0.0.1:9"), "{stderr}");
}

#[test]
fn the_store_must_be_given() {
	let (ok, stderr) = miner(&["--suri", "//Bob"]);
	assert!(!ok);
	assert!(stderr.contains("--store"), "{stderr}");
}
