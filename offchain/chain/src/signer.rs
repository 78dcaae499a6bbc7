//! Account keys: from a secret URI (`//Alice`, `<mnemonic>//hard/soft`), a hex seed,
//! or a file holding one of those, which is how daemons and the CLI read keys.

use std::{fs, path::Path};

pub use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;

use crate::{ChainError, Result};

/// The sr25519 key described by `secret`: a secret URI or mnemonic (with optional
/// `//junctions` and `///password`), or a `0x`-prefixed 32-byte hex seed.
pub fn parse_secret(secret: &str) -> Result<Keypair> {
	let secret = secret.trim();
	if let Some(hex_seed) = secret.strip_prefix("0x") {
		let seed = hex::decode(hex_seed)
			.ok()
			.and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
			.ok_or_else(|| ChainError::Key("a 0x seed must be 32 bytes of hex".into()))?;
		return Keypair::from_secret_key(seed).map_err(|error| ChainError::Key(error.to_string()));
	}
	let uri: SecretUri = secret
		.parse()
		.map_err(|_| ChainError::Key("not a secret URI, mnemonic or 0x seed".into()))?;
	Keypair::from_uri(&uri).map_err(|error| ChainError::Key(error.to_string()))
}

/// The key in file `path` (see [`parse_secret`]). Refuses files others can read,
/// so a key is never left world-readable by accident.
pub fn load_signer(path: &Path) -> Result<Keypair> {
	let text = read_key_file(path)?;
	parse_secret(&text).map_err(|error| ChainError::Key(format!("{}: {error}", path.display())))
}

/// An account's signing key and the secret scalar behind it, which opens data keys
/// wrapped to the account (encrypted objects).
pub struct AccountKey {
	/// The signer of transactions and requests.
	pub keypair: Keypair,
	scalar: zeroize::Zeroizing<[u8; 32]>,
}

impl AccountKey {
	/// The key described by `secret` (see [`parse_secret`]).
	pub fn parse(secret: &str) -> Result<Self> {
		use sp_core::Pair as _;
		let keypair = parse_secret(secret)?;
		let pair = sp_core::sr25519::Pair::from_string(secret.trim(), None)
			.map_err(|error| ChainError::Key(format!("{error:?}")))?;
		let raw = zeroize::Zeroizing::new(pair.to_raw_vec());
		if pair.public().0 != keypair.public_key().0 || raw.len() != 64 {
			return Err(ChainError::Key("the secret derives two different keys".into()));
		}
		let mut scalar = zeroize::Zeroizing::new([0u8; 32]);
		scalar.copy_from_slice(&raw[..32]);
		Ok(Self { keypair, scalar })
	}

	/// The key in file `path`, with the checks of [`load_signer`].
	pub fn load(path: &Path) -> Result<Self> {
		let text = zeroize::Zeroizing::new(read_key_file(path)?);
		Self::parse(&text).map_err(|error| ChainError::Key(format!("{}: {error}", path.display())))
	}

	/// The account id.
	pub fn account(&self) -> [u8; 32] {
		self.keypair.public_key().0
	}

	/// The 32 bytes of the secret scalar (the first half of the expanded sr25519 key).
	pub fn secret_scalar(&self) -> &[u8; 32] {
		&self.scalar
	}
}

impl std::fmt::Debug for AccountKey {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "AccountKey({})", ss58(&self.account()))
	}
}

fn read_key_file(path: &Path) -> Result<String> {
	let text = fs::read_to_string(path)
		.map_err(|error| ChainError::Key(format!("reading {}: {error}", path.display())))?;
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		let mode = fs::metadata(path)
			.map_err(|error| ChainError::Key(format!("{}: {error}", path.display())))?
			.permissions()
			.mode();
		if mode & 0o077 != 0 {
			return Err(ChainError::Key(format!(
				"{} is readable by others (mode {:o}); run `chmod 600 {}`",
				path.display(),
				mode & 0o777,
				path.display()
			)));
		}
	}
	Ok(text)
}

/// Writes `secret` to `path` readable by its owner only (mode 0600).
pub fn write_key_file(path: &Path, secret: &str) -> std::io::Result<()> {
	use std::io::Write;
	let mut options = fs::OpenOptions::new();
	options.write(true).create_new(true);
	#[cfg(unix)]
	{
		use std::os::unix::fs::OpenOptionsExt;
		options.mode(0o600);
	}
	let mut file = options.open(path)?;
	file.write_all(secret.as_bytes())?;
	file.write_all(b"\n")
}

/// The SS58 address (generic substrate prefix 42) of an account.
pub fn ss58(account: &[u8; 32]) -> String {
	subxt::utils::AccountId32(*account).to_string()
}

/// An account from its SS58 address or `0x` hex.
pub fn parse_account(text: &str) -> Result<[u8; 32]> {
	if let Some(hex_id) = text.strip_prefix("0x") {
		return hex::decode(hex_id)
			.ok()
			.and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
			.ok_or_else(|| ChainError::Key(format!("{text}: not 32 bytes of hex")));
	}
	text.parse::<subxt::utils::AccountId32>()
		.map(|account| account.0)
		.map_err(|_| ChainError::Key(format!("{text}: not an SS58 address or 0x account id")))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn uri_seed_and_file_give_keys() {
		let alice = parse_secret("//Alice").unwrap();
		assert_eq!(ss58(&alice.public_key().0), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert!(parse_secret("0x1234").is_err());
		assert!(parse_secret("not a key at all").is_err());
		let seed = format!("0x{}", "11".repeat(32));
		parse_secret(&seed).unwrap();

		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("key");
		write_key_file(&path, "//Bob").unwrap();
		let bob = load_signer(&path).unwrap();
		assert_eq!(bob.public_key().0, parse_secret("//Bob").unwrap().public_key().0);
		assert!(write_key_file(&path, "//Bob").is_err(), "an existing key is never overwritten");

		use std::os::unix::fs::PermissionsExt;
		fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
		let refused = load_signer(&path).err().unwrap().to_string();
		assert!(refused.contains("chmod 600"), "{refused}");
	}

	#[test]
	fn account_keys_match_their_signers() {
		let mnemonic = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
		for secret in
			["//Alice", &format!("0x{}", "42".repeat(32)), &format!("{mnemonic}//deoss/7")]
		{
			let key = AccountKey::parse(secret).unwrap();
			assert_eq!(key.account(), parse_secret(secret).unwrap().public_key().0, "{secret}");
			assert_ne!(key.secret_scalar(), &[0; 32]);
		}
		assert_ne!(
			AccountKey::parse("//Alice").unwrap().secret_scalar(),
			AccountKey::parse("//Bob").unwrap().secret_scalar()
		);
		assert!(AccountKey::parse("nonsense words").is_err());
	}

	#[test]
	fn accounts_parse_from_ss58_and_hex() {
		let alice = parse_secret("//Alice").unwrap().public_key().0;
		assert_eq!(parse_account(&ss58(&alice)).unwrap(), alice);
		assert_eq!(parse_account(&format!("0x{}", hex::encode(alice))).unwrap(), alice);
		assert!(parse_account("5Grw").is_err());
	}
}
