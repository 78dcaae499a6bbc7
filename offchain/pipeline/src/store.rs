//! Fragments on local disk: what a miner keeps of the files it holds, one directory per
//! file.
//!
//! ```text
//! <root>/<fid hex>/manifest.scale           the file's Manifest, SCALE-encoded
//! <root>/<fid hex>/<segment>.<column>.frag  one fragment
//! ```
//!
//! Every write goes to a temporary file in the same directory first and is renamed into
//! place, so a reader never sees half a fragment, even after a crash. The store trusts
//! nothing it reads back: [`crate::Prover`], [`crate::decode_payload`] and
//! [`crate::repair_column`] check every manifest against its FID and every fragment
//! against its root.

use std::{
	fs, io,
	io::Write,
	path::{Path, PathBuf},
	sync::atomic::{AtomicU64, Ordering},
};

use codec::{DecodeAll, Encode};
use deoss_primitives::{ColumnIndex, Fid, SegmentIndex};

use crate::{
	decode::FragmentSource,
	encode::{EncodedSegment, FragmentSink},
	error::PipelineError,
	manifest::Manifest,
	prover::FragmentStore,
};

/// Name of the manifest file in a file's directory.
const MANIFEST_FILE: &str = "manifest.scale";

/// Numbers the temporary files of this process, so concurrent writers never share one.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// Fragments and manifests under one root directory.
#[derive(Clone, Debug)]
pub struct DiskStore {
	root: PathBuf,
}

impl DiskStore {
	/// Opens the store at `root`, creating the directory if needed.
	pub fn open(root: impl Into<PathBuf>) -> io::Result<Self> {
		let root = root.into();
		fs::create_dir_all(&root)?;
		Ok(Self { root })
	}

	/// The root directory.
	pub fn root(&self) -> &Path {
		&self.root
	}

	/// The directory of file `fid`.
	pub fn file_dir(&self, fid: &Fid) -> PathBuf {
		self.root.join(fid.to_string())
	}

	/// Where fragment `column` of segment `segment` of `fid` is kept.
	pub fn fragment_path(&self, fid: &Fid, segment: SegmentIndex, column: ColumnIndex) -> PathBuf {
		self.file_dir(fid).join(format!("{segment}.{column}.frag"))
	}

	/// Where the manifest of `fid` is kept.
	pub fn manifest_path(&self, fid: &Fid) -> PathBuf {
		self.file_dir(fid).join(MANIFEST_FILE)
	}

	/// Stores the manifest of `fid`, replacing any earlier one.
	pub fn put_manifest(&self, fid: &Fid, manifest: &Manifest) -> io::Result<()> {
		write_atomically(&self.manifest_path(fid), &manifest.encode())
	}

	/// The stored manifest of `fid`, not yet checked against `fid`. A missing manifest is
	/// [`PipelineError::Io`] of kind [`io::ErrorKind::NotFound`].
	pub fn manifest(&self, fid: &Fid) -> Result<Manifest, PipelineError> {
		let bytes = fs::read(self.manifest_path(fid))?;
		Manifest::decode_all(&mut &bytes[..])
			.map_err(|_| PipelineError::MalformedManifest("stored manifest does not decode"))
	}

	/// Stores one fragment, replacing any earlier one.
	pub fn put(
		&self,
		fid: &Fid,
		segment: SegmentIndex,
		column: ColumnIndex,
		fragment: &[u8],
	) -> io::Result<()> {
		write_atomically(&self.fragment_path(fid, segment, column), fragment)
	}

	/// One fragment, or `None` if it is not stored.
	pub fn get(
		&self,
		fid: &Fid,
		segment: SegmentIndex,
		column: ColumnIndex,
	) -> io::Result<Option<Vec<u8>>> {
		match fs::read(self.fragment_path(fid, segment, column)) {
			Ok(fragment) => Ok(Some(fragment)),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(error) => Err(error),
		}
	}

	/// Deletes one fragment; returns whether it was stored.
	pub fn remove_fragment(
		&self,
		fid: &Fid,
		segment: SegmentIndex,
		column: ColumnIndex,
	) -> io::Result<bool> {
		match fs::remove_file(self.fragment_path(fid, segment, column)) {
			Ok(()) => Ok(true),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
			Err(error) => Err(error),
		}
	}

	/// Deletes everything stored of `fid`; returns whether anything was.
	pub fn remove_file(&self, fid: &Fid) -> io::Result<bool> {
		match fs::remove_dir_all(self.file_dir(fid)) {
			Ok(()) => Ok(true),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
			Err(error) => Err(error),
		}
	}

	/// The stored fragments of `fid` as a [`FragmentSource`] for decoding and repair.
	pub fn source(&self, fid: &Fid) -> StoredFragments<'_> {
		StoredFragments { store: self, fid: *fid }
	}

	/// A [`FragmentSink`] that stores fragments `columns` of every segment as file `fid`.
	///
	/// The FID is only known once the whole payload is encoded, so `fid` is the one the
	/// caller expects (declared on chain, or from a first pass); if
	/// [`crate::EncodedFile::fid`] turns out different, the caller removes the file again
	/// with [`DiskStore::remove_file`].
	pub fn sink(&self, fid: &Fid, columns: impl IntoIterator<Item = ColumnIndex>) -> StoreSink<'_> {
		StoreSink { store: self, fid: *fid, columns: columns.into_iter().collect() }
	}
}

impl FragmentStore for DiskStore {
	/// Fails with [`io::ErrorKind::NotFound`] for a fragment that is not stored.
	fn load(&self, fid: &Fid, segment: SegmentIndex, column: ColumnIndex) -> io::Result<Vec<u8>> {
		fs::read(self.fragment_path(fid, segment, column))
	}
}

/// The fragments of one file in a [`DiskStore`]; see [`DiskStore::source`].
#[derive(Clone, Copy, Debug)]
pub struct StoredFragments<'s> {
	store: &'s DiskStore,
	fid: Fid,
}

impl FragmentSource for StoredFragments<'_> {
	fn fetch(&mut self, segment: SegmentIndex, column: ColumnIndex) -> io::Result<Option<Vec<u8>>> {
		self.store.get(&self.fid, segment, column)
	}
}

/// Stores some columns of every encoded segment; see [`DiskStore::sink`].
#[derive(Debug)]
pub struct StoreSink<'s> {
	store: &'s DiskStore,
	fid: Fid,
	columns: Vec<ColumnIndex>,
}

impl FragmentSink for StoreSink<'_> {
	fn accept(&mut self, segment: &EncodedSegment) -> io::Result<()> {
		for &column in &self.columns {
			let fragment = segment.fragment(column).ok_or_else(|| {
				io::Error::new(io::ErrorKind::InvalidInput, "column outside the layout")
			})?;
			self.store.put(&self.fid, segment.index(), column, fragment)?;
		}
		Ok(())
	}
}

/// Writes `bytes` to a temporary file next to `path`, flushes it to disk and renames it
/// to `path`, creating the parent directory if needed.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
	let dir = path.parent().ok_or_else(|| io::Error::other("path without a directory"))?;
	fs::create_dir_all(dir)?;
	let name = path.file_name().ok_or_else(|| io::Error::other("path without a file name"))?;
	let mut temp_name = name.to_os_string();
	temp_name.push(format!(
		".tmp-{}-{}",
		std::process::id(),
		NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
	));
	let temp = dir.join(temp_name);
	let written = fs::File::create(&temp).and_then(|mut file| {
		file.write_all(bytes)?;
		file.sync_all()
	});
	match written.and_then(|()| fs::rename(&temp, path)) {
		Ok(()) => Ok(()),
		Err(error) => {
			// Best effort: the write already failed, and that error is the one to report.
			let _ = fs::remove_file(&temp);
			Err(error)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{decode_payload, repair_column, Encoder, Prover};
	use deoss_primitives::{derive_samples, verify_samples, ChallengeSample, Layout};

	fn layout() -> Layout {
		Layout {
			segment_size: 4096,
			data_shards: 2,
			parity_shards: 2,
			chunk_size: 256,
			replicas: 1,
		}
	}

	fn payload(len: usize) -> Vec<u8> {
		(0..len).map(|i| (i * 131 % 251) as u8).collect()
	}

	/// A store in a fresh temporary directory, removed with the returned guard.
	fn temp_store() -> (tempfile::TempDir, DiskStore) {
		let dir = tempfile::tempdir().unwrap();
		let store = DiskStore::open(dir.path().join("store")).unwrap();
		(dir, store)
	}

	/// Encodes `data` into `store`, every column; returns the FID and manifest.
	fn encode_into(store: &DiskStore, data: &[u8]) -> (Fid, Manifest) {
		let encoder = Encoder::new(layout()).unwrap();
		let fid = encoder.encode(data, &mut |_: &EncodedSegment| Ok(())).unwrap().fid;
		let encoded = encoder.encode(data, &mut store.sink(&fid, 0..4)).unwrap();
		assert_eq!(encoded.fid, fid);
		store.put_manifest(&fid, &encoded.manifest).unwrap();
		(fid, encoded.manifest)
	}

	#[test]
	fn fragments_and_manifests_round_trip() {
		let (_dir, store) = temp_store();
		let fid = Fid([3; 32]);
		assert!(store.get(&fid, 0, 1).unwrap().is_none());
		assert_eq!(store.load(&fid, 0, 1).unwrap_err().kind(), io::ErrorKind::NotFound);
		assert!(matches!(
			store.manifest(&fid),
			Err(PipelineError::Io(error)) if error.kind() == io::ErrorKind::NotFound
		));

		store.put(&fid, 0, 1, b"first").unwrap();
		store.put(&fid, 0, 1, b"second").unwrap();
		assert_eq!(store.get(&fid, 0, 1).unwrap().as_deref(), Some(&b"second"[..]));
		assert_eq!(store.load(&fid, 0, 1).unwrap(), b"second");
		assert!(store.fragment_path(&fid, 0, 1).ends_with(format!("{fid}/0.1.frag")));
		// Only the fragment is left: no temporary file survives a write.
		assert_eq!(fs::read_dir(store.file_dir(&fid)).unwrap().count(), 1);

		let manifest = Manifest { layout: layout(), payload_len: 10, segments: Vec::new() };
		store.put_manifest(&fid, &manifest).unwrap();
		assert_eq!(store.manifest(&fid).unwrap(), manifest);
		fs::write(store.manifest_path(&fid), b"\x01").unwrap();
		assert!(matches!(store.manifest(&fid), Err(PipelineError::MalformedManifest(_))));

		assert!(store.remove_fragment(&fid, 0, 1).unwrap());
		assert!(!store.remove_fragment(&fid, 0, 1).unwrap());
		assert!(store.remove_file(&fid).unwrap());
		assert!(!store.file_dir(&fid).exists());
		assert!(!store.remove_file(&fid).unwrap());
	}

	#[test]
	fn stored_columns_prove_decode_and_repair() {
		let (_dir, store) = temp_store();
		let data = payload(3 * 4096 + 1000);
		let (fid, encoded) = encode_into(&store, &data);
		let manifest = store.manifest(&fid).unwrap();
		assert_eq!(manifest, encoded);
		assert_eq!(manifest.segments.len(), 4);

		let prover = Prover::new(&fid, &manifest).unwrap();
		let samples = derive_samples::<crate::Hasher>(&[9; 32], prover.geometry(), 2, 12).unwrap();
		let proofs = prover.answer(&samples, &store).unwrap();
		verify_samples::<crate::Hasher>(&fid, prover.geometry(), &samples, &proofs).unwrap();

		// Columns 0 and 1 gone: the payload still decodes from 2 and 3.
		for segment in 0..4 {
			store.remove_fragment(&fid, segment, 0).unwrap();
			store.remove_fragment(&fid, segment, 1).unwrap();
		}
		let mut decoded = Vec::new();
		let report = decode_payload(&fid, &manifest, store.source(&fid), &mut decoded).unwrap();
		assert_eq!(decoded, data);
		assert_eq!(report.missing.len(), 8);

		// Column 0 rebuilt into the store proves again.
		repair_column(&fid, &manifest, store.source(&fid), 0, |segment, fragment| {
			store.put(&fid, segment, 0, fragment)
		})
		.unwrap();
		let samples = derive_samples::<crate::Hasher>(&[4; 32], prover.geometry(), 0, 12).unwrap();
		let proofs = prover.answer(&samples, &store).unwrap();
		verify_samples::<crate::Hasher>(&fid, prover.geometry(), &samples, &proofs).unwrap();

		// A missing fragment is an I/O error of the prover; a changed one a corrupted one.
		store.remove_fragment(&fid, 1, 0).unwrap();
		let samples: Vec<_> =
			(0..4).map(|segment| ChallengeSample { segment, column: 0, chunk: 0 }).collect();
		assert!(matches!(
			prover.answer(&samples, &store),
			Err(PipelineError::Io(error)) if error.kind() == io::ErrorKind::NotFound
		));
		let mut fragment = store.get(&fid, 2, 0).unwrap().unwrap();
		fragment[0] ^= 1;
		store.put(&fid, 2, 0, &fragment).unwrap();
		assert!(matches!(
			prover.prove(&samples[2], &fragment),
			Err(PipelineError::CorruptedFragment { segment: 2, column: 0 })
		));
	}
}
