//! The put journal: the data key of every encrypted upload that has not reached
//! `FileStored` yet, so running the same `deoss put` again rebuilds the same payload
//! (same FID), finds the open deal and sends only what its scheduler lacks. Plain and
//! compressed uploads need no entry: their payload is a function of the file.
//!
//! Entries live in `$DEOSS_STATE_DIR` (default `$XDG_STATE_HOME/deoss`, or
//! `~/.local/state/deoss`), under `puts/`, one file per (account, bucket, key, file
//! path, size, modification time), readable by the user only; an entry is removed once
//! its object is stored. They hold secret keys: treat the directory like a key file.

use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
	time::UNIX_EPOCH,
};

use anyhow::{anyhow, Context, Result};
use deoss_pipeline::{crypto::NONCE_PREFIX_LEN, DataKey, ObjectCipher};
use deoss_primitives::{Blake2bHasher, Hasher};

/// Where entries are kept.
pub struct Journal {
	dir: PathBuf,
}

/// One upload's data key, and where it is kept (nowhere for a stdin upload).
pub struct Entry {
	cipher: ObjectCipher,
	path: Option<PathBuf>,
}

impl Entry {
	/// A key kept nowhere (the source cannot be read again by a later run anyway).
	pub fn fresh() -> Self {
		Self { cipher: ObjectCipher::generate(), path: None }
	}

	/// The cipher to encrypt with.
	pub fn cipher(&self) -> ObjectCipher {
		self.cipher.clone()
	}
}

fn state_dir() -> Result<PathBuf> {
	if let Some(dir) = std::env::var_os("DEOSS_STATE_DIR") {
		return Ok(PathBuf::from(dir));
	}
	if let Some(dir) = std::env::var_os("XDG_STATE_HOME") {
		return Ok(PathBuf::from(dir).join("deoss"));
	}
	let home = std::env::var_os("HOME")
		.ok_or_else(|| anyhow!("no HOME: set DEOSS_STATE_DIR for the put journal"))?;
	Ok(PathBuf::from(home).join(".local/state/deoss"))
}

impl Journal {
	/// The journal of this user; the directory is made on first use.
	pub fn open() -> Result<Self> {
		Ok(Self { dir: state_dir()?.join("puts") })
	}

	/// The entry of `source` put as `bucket/name` by `account`: the one an interrupted
	/// run left (if the file did not change since), or a new one, written before the
	/// upload starts.
	pub fn entry(
		&self,
		account: &[u8; 32],
		bucket: &str,
		name: &str,
		source: &Path,
	) -> Result<Entry> {
		let meta = fs::metadata(source).with_context(|| format!("{}", source.display()))?;
		let modified = meta
			.modified()
			.ok()
			.and_then(|time| time.duration_since(UNIX_EPOCH).ok())
			.map_or(0, |since| since.as_nanos());
		let absolute = fs::canonicalize(source).unwrap_or_else(|_| source.to_path_buf());
		let mut identity = account.to_vec();
		for part in [bucket.as_bytes(), name.as_bytes(), absolute.as_os_str().as_encoded_bytes()] {
			identity.extend_from_slice(&(part.len() as u64).to_le_bytes());
			identity.extend_from_slice(part);
		}
		identity.extend_from_slice(&meta.len().to_le_bytes());
		identity.extend_from_slice(&modified.to_le_bytes());
		let path = self.dir.join(hex::encode(Blake2bHasher::hash(&identity)));
		if let Ok(text) = fs::read_to_string(&path) {
			if let Some(cipher) = parse(&text) {
				return Ok(Entry { cipher, path: Some(path) });
			}
		}
		let entry = Entry { cipher: ObjectCipher::generate(), path: Some(path.clone()) };
		self.write(&path, &entry.cipher)?;
		Ok(entry)
	}

	/// Forgets an entry whose object is stored.
	pub fn remove(&self, entry: &Entry) {
		if let Some(path) = &entry.path {
			let _ = fs::remove_file(path);
		}
	}

	fn write(&self, path: &Path, cipher: &ObjectCipher) -> Result<()> {
		let mut builder = fs::DirBuilder::new();
		builder.recursive(true);
		#[cfg(unix)]
		std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
		builder
			.create(&self.dir)
			.with_context(|| format!("creating the put journal {}", self.dir.display()))?;
		let mut options = fs::OpenOptions::new();
		options.write(true).create(true).truncate(true);
		#[cfg(unix)]
		std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
		let mut file = options.open(path).with_context(|| format!("writing {}", path.display()))?;
		let mut secret = zeroize::Zeroizing::new(cipher.key().as_bytes().to_vec());
		secret.extend_from_slice(cipher.nonce_prefix());
		writeln!(file, "{}", hex::encode(&*secret))?;
		file.sync_all()?;
		Ok(())
	}
}

fn parse(text: &str) -> Option<ObjectCipher> {
	let bytes = zeroize::Zeroizing::new(hex::decode(text.trim()).ok()?);
	if bytes.len() != 32 + NONCE_PREFIX_LEN {
		return None;
	}
	let key: [u8; 32] = bytes[..32].try_into().ok()?;
	let prefix: [u8; NONCE_PREFIX_LEN] = bytes[32..].try_into().ok()?;
	Some(ObjectCipher::from_parts(DataKey::from_bytes(key), prefix))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn an_entry_survives_until_removed_and_follows_the_file() {
		let dir = tempfile::tempdir().unwrap();
		let journal = Journal { dir: dir.path().join("puts") };
		let source = dir.path().join("object");
		fs::write(&source, b"first").unwrap();
		let account = [1u8; 32];
		let first = journal.entry(&account, "b", "k", &source).unwrap();
		let again = journal.entry(&account, "b", "k", &source).unwrap();
		assert_eq!(first.cipher().key(), again.cipher().key());
		assert_eq!(first.cipher().nonce_prefix(), again.cipher().nonce_prefix());
		// Another key name is another upload.
		let other = journal.entry(&account, "b", "other", &source).unwrap();
		assert_ne!(first.cipher().key(), other.cipher().key());
		use std::os::unix::fs::PermissionsExt;
		let mode = fs::metadata(first.path.as_ref().unwrap()).unwrap().permissions().mode();
		assert_eq!(mode & 0o777, 0o600);
		journal.remove(&first);
		let after = journal.entry(&account, "b", "k", &source).unwrap();
		assert_ne!(first.cipher().key(), after.cipher().key());
	}
}
