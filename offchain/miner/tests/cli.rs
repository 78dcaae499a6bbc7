//! The `deoss-miner` binary refuses bad configurations with a message and a failure
//! exit code, before it ever needs a node.

use std::{fs, process::Command};

fn miner(args: &[&str]) -> (bool, String) {
	let output = Command::new(env!("CARGO_BIN_EXE_deoss-miner"))
		.args(args)
		.output()
		.expect("deoss-miner runs");
	(output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn config(dir: &std::path::Path, extra: &str) -> String {
	let path = dir.join("miner.toml");
	let text = format!(
		"key_file = \"account.key\"\nauth_key_file = \"auth.key\"\ndata_dir = \"data\"\n\
		 listen = \"127.0.0.1:0\"\ncapacity_gib = 1\n{extra}"
	);
	fs::write(&path, text).unwrap();
	path.to_str().unwrap().to_string()
}

fn key(dir: &std::path::Path, name: &str, secret: &str) {
	use std::os::unix::fs::PermissionsExt;
	let path = dir.join(name);
	fs::write(&path, secret).unwrap();
	fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn a_bad_region_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	let path = config(dir.path(), "region = \"Germany\"\n");
	let (ok, stderr) = miner(&["run", "--config", &path]);
	assert!(!ok);
	assert!(stderr.contains("region must be an upper-case ISO 3166-1 alpha-2 code"), "{stderr}");
}

#[test]
fn a_bad_key_file_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	key(dir.path(), "account.key", "not a uri");
	key(dir.path(), "auth.key", "//Bob//auth");
	let path = config(dir.path(), "region = \"DE\"\n");
	let (ok, stderr) = miner(&["run", "--config", &path]);
	assert!(!ok);
	assert!(stderr.contains("the miner account key (key_file)"), "{stderr}");
}

#[test]
fn an_unreachable_node_is_reported() {
	let dir = tempfile::tempdir().unwrap();
	key(dir.path(), "account.key", "//Bob");
	key(dir.path(), "auth.key", "//Bob//auth");
	// Port 9 (discard) has no WebSocket server on loopback.
	let path = config(dir.path(), "region = \"DE\"\nchain_url = \"ws://127.0.0.1:9\"\n");
	let (ok, stderr) = miner(&["run", "--config", &path]);
	assert!(!ok);
	assert!(stderr.contains("connecting to the node at ws://127.0.0.1:9"), "{stderr}");
}

#[test]
fn the_config_must_exist() {
	let (ok, stderr) = miner(&["run", "--config", "/nonexistent/miner.toml"]);
	assert!(!ok);
	assert!(stderr.contains("reading the configuration /nonexistent/miner.toml"), "{stderr}");
}
