//! A bounded cache of whole objects the SDK read and verified against their FID, so a
//! hot object is answered without asking a miner: the hottest in memory, the rest on
//! disk (`<data_dir>/cache/<fid hex>.<blake2b hex>`), both least-recently-used.
//!
//! Bytes on disk are checked against the BLAKE2b-256 digest taken when they were
//! verified before they are served; a file that does not match is dropped and the
//! object is read from the miners again.

use std::{
	collections::HashMap,
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
};

use bytes::Bytes;
use deoss_primitives::{Blake2bHasher, Hasher};

/// Limits of the cache, in bytes.
#[derive(Clone, Copy, Debug)]
pub struct CacheLimits {
	/// Memory for the hottest objects.
	pub memory: u64,
	/// Disk for the rest.
	pub disk: u64,
	/// Largest object kept.
	pub object: u64,
}

#[derive(Default)]
struct Inner {
	tick: u64,
	memory: HashMap<[u8; 32], (Bytes, u64)>,
	memory_bytes: u64,
	/// FID → (size, digest, last use).
	disk: HashMap<[u8; 32], (u64, [u8; 32], u64)>,
	disk_bytes: u64,
}

/// The cache; clones share it.
#[derive(Clone)]
pub struct Cache {
	inner: Arc<Mutex<Inner>>,
	dir: PathBuf,
	limits: CacheLimits,
}

fn file_name(fid: &[u8; 32], digest: &[u8; 32]) -> String {
	format!("{}.{}", hex::encode(fid), hex::encode(digest))
}

fn parse_name(name: &str) -> Option<([u8; 32], [u8; 32])> {
	let (fid, digest) = name.split_once('.')?;
	Some((hex::decode(fid).ok()?.try_into().ok()?, hex::decode(digest).ok()?.try_into().ok()?))
}

impl Cache {
	/// A cache in `dir`, taking in what an earlier run left there (within the limits).
	pub fn open(dir: &Path, limits: CacheLimits) -> std::io::Result<Self> {
		std::fs::create_dir_all(dir)?;
		let cache = Self { inner: Default::default(), dir: dir.to_path_buf(), limits };
		let mut found = Vec::new();
		for entry in std::fs::read_dir(dir)? {
			let entry = entry?;
			let name = entry.file_name().to_string_lossy().into_owned();
			match (parse_name(&name), entry.metadata()) {
				(Some((fid, digest)), Ok(meta)) if meta.is_file() => {
					found.push((meta.modified().ok(), fid, digest, meta.len()))
				}
				_ => {
					let _ = std::fs::remove_file(entry.path());
				}
			}
		}
		found.sort_by_key(|(modified, ..)| *modified);
		{
			let mut inner = cache.lock();
			for (_, fid, digest, size) in found {
				inner.tick += 1;
				let tick = inner.tick;
				inner.disk.insert(fid, (size, digest, tick));
				inner.disk_bytes += size;
			}
		}
		cache.evict_disk();
		Ok(cache)
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
		self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Whether an object of `size` bytes is kept.
	pub fn admits(&self, size: u64) -> bool {
		size <= self.limits.object && size <= self.limits.disk.max(self.limits.memory)
	}

	/// The object `fid`, if cached (memory first, then disk, checked against its digest).
	pub async fn get(&self, fid: &[u8; 32]) -> Option<Bytes> {
		let on_disk = {
			let mut inner = self.lock();
			inner.tick += 1;
			let tick = inner.tick;
			if let Some((bytes, used)) = inner.memory.get_mut(fid) {
				*used = tick;
				return Some(bytes.clone());
			}
			let (size, digest, used) = inner.disk.get_mut(fid)?;
			*used = tick;
			(*size, *digest)
		};
		let path = self.dir.join(file_name(fid, &on_disk.1));
		match tokio::fs::read(&path).await {
			Ok(bytes)
				if bytes.len() as u64 == on_disk.0 && Blake2bHasher::hash(&bytes) == on_disk.1 =>
			{
				let bytes = Bytes::from(bytes);
				self.remember(fid, bytes.clone());
				Some(bytes)
			}
			_ => {
				tracing::warn!(fid = %hex::encode(fid), "a cached object failed its check; dropped");
				self.forget_disk(fid);
				None
			}
		}
	}

	/// Keeps `bytes`, verified to be the object `fid`.
	pub async fn put(&self, fid: &[u8; 32], bytes: Bytes) {
		if !self.admits(bytes.len() as u64) {
			return;
		}
		let digest = Blake2bHasher::hash(&bytes);
		let known = self.lock().disk.contains_key(fid);
		if !known && self.limits.disk >= bytes.len() as u64 {
			let path = self.dir.join(file_name(fid, &digest));
			let staging = self.dir.join(format!(".{}", file_name(fid, &digest)));
			let written = async {
				tokio::fs::write(&staging, &bytes).await?;
				tokio::fs::rename(&staging, &path).await
			}
			.await;
			match written {
				Ok(()) => {
					let mut inner = self.lock();
					inner.tick += 1;
					let tick = inner.tick;
					if inner.disk.insert(*fid, (bytes.len() as u64, digest, tick)).is_none() {
						inner.disk_bytes += bytes.len() as u64;
					}
				}
				Err(error) => tracing::warn!(%error, "writing to the cache failed"),
			}
			self.evict_disk();
		}
		self.remember(fid, bytes);
	}

	/// Keeps `bytes` in memory, evicting the least recently used beyond the limit.
	fn remember(&self, fid: &[u8; 32], bytes: Bytes) {
		if bytes.len() as u64 > self.limits.memory {
			return;
		}
		let mut inner = self.lock();
		inner.tick += 1;
		let tick = inner.tick;
		let size = bytes.len() as u64;
		if let Some((old, _)) = inner.memory.insert(*fid, (bytes, tick)) {
			inner.memory_bytes -= old.len() as u64;
		}
		inner.memory_bytes += size;
		while inner.memory_bytes > self.limits.memory {
			let Some(oldest) =
				inner.memory.iter().min_by_key(|(_, (_, used))| *used).map(|(fid, _)| *fid)
			else {
				break;
			};
			if let Some((bytes, _)) = inner.memory.remove(&oldest) {
				inner.memory_bytes -= bytes.len() as u64;
			}
		}
	}

	fn evict_disk(&self) {
		let mut removed = Vec::new();
		{
			let mut inner = self.lock();
			while inner.disk_bytes > self.limits.disk {
				let Some((oldest, (size, digest, _))) = inner
					.disk
					.iter()
					.min_by_key(|(_, (_, _, used))| *used)
					.map(|(fid, entry)| (*fid, *entry))
				else {
					break;
				};
				inner.disk.remove(&oldest);
				inner.disk_bytes -= size;
				removed.push(self.dir.join(file_name(&oldest, &digest)));
			}
		}
		for path in removed {
			let _ = std::fs::remove_file(path);
		}
	}

	fn forget_disk(&self, fid: &[u8; 32]) {
		let removed = {
			let mut inner = self.lock();
			inner.disk.remove(fid).map(|(size, digest, _)| {
				inner.disk_bytes -= size;
				digest
			})
		};
		if let Some(digest) = removed {
			let _ = std::fs::remove_file(self.dir.join(file_name(fid, &digest)));
		}
	}

	/// Bytes held in memory and on disk.
	pub fn usage(&self) -> (u64, u64) {
		let inner = self.lock();
		(inner.memory_bytes, inner.disk_bytes)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn limits(memory: u64, disk: u64) -> CacheLimits {
		CacheLimits { memory, disk, object: 1000 }
	}

	#[tokio::test]
	async fn objects_come_back_from_memory_then_disk_and_limits_hold() {
		let dir = tempfile::tempdir().unwrap();
		let cache = Cache::open(dir.path(), limits(250, 500)).unwrap();
		for n in 0..6u8 {
			cache.put(&[n; 32], Bytes::from(vec![n; 100])).await;
		}
		let (memory, disk) = cache.usage();
		assert!(memory <= 250 && disk <= 500, "{memory} {disk}");
		// The oldest fell off disk; the newest are in memory.
		assert_eq!(cache.get(&[0; 32]).await, None);
		assert_eq!(cache.get(&[5; 32]).await, Some(Bytes::from(vec![5; 100])));
		// One only on disk comes back from there and is checked.
		assert_eq!(cache.get(&[2; 32]).await, Some(Bytes::from(vec![2; 100])));
		assert!(!cache.admits(1001));
		cache.put(&[9; 32], Bytes::from(vec![9; 1001])).await;
		assert_eq!(cache.get(&[9; 32]).await, None);

		// A restarted gateway finds the disk cache again.
		drop(cache);
		let cache = Cache::open(dir.path(), limits(250, 500)).unwrap();
		assert_eq!(cache.get(&[5; 32]).await, Some(Bytes::from(vec![5; 100])));
	}

	#[tokio::test]
	async fn a_tampered_file_is_dropped_not_served() {
		let dir = tempfile::tempdir().unwrap();
		let cache = Cache::open(dir.path(), limits(0, 500)).unwrap();
		cache.put(&[1; 32], Bytes::from(vec![1; 100])).await;
		let file = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
		std::fs::write(&file, vec![2; 100]).unwrap();
		assert_eq!(cache.get(&[1; 32]).await, None);
		assert!(!file.exists());
	}
}
