//! A miner's data on disk: columns being received for open deals (the temporary
//! area) and the columns it holds for stored files (the permanent [`DiskStore`]).
//!
//! ```text
//! <data>/incoming/<deal>.<column>/<fid hex>/manifest.scale, <segment>.<column>.frag
//! <data>/store/<fid hex>/manifest.scale, <segment>.<column>.frag
//! ```
//!
//! Both areas use the [`DiskStore`] layout, so a column moves from one to the other
//! with one directory rename when its deal succeeds.

use std::{
	fs, io,
	path::{Path, PathBuf},
};

use deoss_pipeline::{DiskStore, Manifest, PipelineError};
use deoss_primitives::{ColumnIndex, Fid, SegmentIndex};

/// The miner's two storage areas.
#[derive(Clone, Debug)]
pub struct Columns {
	incoming: PathBuf,
	store: DiskStore,
}

/// One column of an open deal in the temporary area.
#[derive(Clone, Debug)]
pub struct Incoming {
	/// The deal.
	pub deal: u64,
	/// The column.
	pub column: ColumnIndex,
	root: PathBuf,
}

impl Columns {
	/// Opens (creating) both areas under `data_dir`.
	pub fn open(data_dir: &Path) -> io::Result<Self> {
		let incoming = data_dir.join("incoming");
		fs::create_dir_all(&incoming)?;
		Ok(Self { incoming, store: DiskStore::open(data_dir.join("store"))? })
	}

	/// The permanent store: what the miner serves and proves.
	pub fn store(&self) -> &DiskStore {
		&self.store
	}

	/// The temporary area of column `column` of deal `deal`.
	pub fn incoming(&self, deal: u64, column: ColumnIndex) -> Incoming {
		Incoming { deal, column, root: self.incoming.join(format!("{deal}.{column}")) }
	}

	/// Every column in the temporary area.
	pub fn all_incoming(&self) -> io::Result<Vec<Incoming>> {
		let mut found = Vec::new();
		for entry in fs::read_dir(&self.incoming)? {
			let entry = entry?;
			let name = entry.file_name();
			let Some((deal, column)) = name.to_str().and_then(|name| name.split_once('.')) else {
				continue;
			};
			if let (Ok(deal), Ok(column)) = (deal.parse(), column.parse()) {
				found.push(self.incoming(deal, column));
			}
		}
		Ok(found)
	}

	/// Columns of deal `deal` in the temporary area.
	pub fn incoming_of(&self, deal: u64) -> io::Result<Vec<Incoming>> {
		Ok(self.all_incoming()?.into_iter().filter(|incoming| incoming.deal == deal).collect())
	}

	/// Moves a received column to the permanent store, replacing what was there.
	pub fn promote(&self, incoming: &Incoming, fid: &Fid) -> io::Result<()> {
		let source = incoming.root.join(fid.to_string());
		let target = self.store.file_dir(fid);
		if target.exists() {
			fs::remove_dir_all(&target)?;
		}
		fs::rename(&source, &target)?;
		incoming.drop_all()
	}

	/// Where the column of `fid` this miner has is kept: the permanent store, or the
	/// temporary area while its deal's `FileStored` is being processed (downloads may
	/// start the moment the chain says the file is stored).
	pub fn holding(&self, fid: &Fid) -> Option<DiskStore> {
		if self.store.manifest_path(fid).exists() {
			return Some(self.store.clone());
		}
		self.all_incoming()
			.ok()?
			.into_iter()
			.find(|incoming| incoming.fid().as_ref() == Some(fid))
			.and_then(|incoming| incoming.disk().ok())
	}

	/// Bytes of fragments in the permanent store.
	pub fn stored_bytes(&self) -> io::Result<u64> {
		dir_bytes(self.store.root())
	}

	/// Bytes of fragments in the temporary area.
	pub fn incoming_bytes(&self) -> io::Result<u64> {
		dir_bytes(&self.incoming)
	}
}

fn dir_bytes(dir: &Path) -> io::Result<u64> {
	let mut total = 0;
	for entry in fs::read_dir(dir)? {
		let entry = entry?;
		let kind = entry.file_type()?;
		if kind.is_dir() {
			total += dir_bytes(&entry.path())?;
		} else if kind.is_file() {
			total += entry.metadata()?.len();
		}
	}
	Ok(total)
}

impl Incoming {
	fn disk(&self) -> io::Result<DiskStore> {
		DiskStore::open(&self.root)
	}

	/// The FID whose manifest arrived, if one did.
	pub fn fid(&self) -> Option<Fid> {
		let entries = fs::read_dir(&self.root).ok()?;
		entries
			.filter_map(Result::ok)
			.filter_map(|entry| deoss_protocol::parse_fid(entry.file_name().to_str()?))
			.find(|fid| self.root.join(fid.to_string()).join("manifest.scale").exists())
	}

	/// Keeps the verified manifest of `fid`.
	pub fn put_manifest(&self, fid: &Fid, manifest: &Manifest) -> io::Result<()> {
		self.disk()?.put_manifest(fid, manifest)
	}

	/// The manifest, if it arrived (it was verified before it was kept).
	pub fn manifest(&self, fid: &Fid) -> Result<Option<Manifest>, PipelineError> {
		if !self.root.join(fid.to_string()).join("manifest.scale").exists() {
			return Ok(None);
		}
		Ok(Some(self.disk()?.manifest(fid)?))
	}

	/// Keeps a verified fragment.
	pub fn put_fragment(
		&self,
		fid: &Fid,
		segment: SegmentIndex,
		fragment: &[u8],
	) -> io::Result<()> {
		self.disk()?.put(fid, segment, self.column, fragment)
	}

	/// Segments whose fragment is held, ascending.
	pub fn held(&self, fid: &Fid, segments: u32) -> Vec<u32> {
		let store = match self.disk() {
			Ok(store) => store,
			Err(_) => return Vec::new(),
		};
		(0..segments)
			.filter(|&segment| store.fragment_path(fid, segment, self.column).exists())
			.collect()
	}

	/// Deletes everything received for this column.
	pub fn drop_all(&self) -> io::Result<()> {
		match fs::remove_dir_all(&self.root) {
			Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
			_ => Ok(()),
		}
	}
}
