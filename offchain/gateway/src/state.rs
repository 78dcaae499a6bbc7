//! The gateway's own state, in one SQLite database (`<data_dir>/gateway.sqlite`, WAL
//! mode): S3 credentials, what S3 records of an object beyond the chain (ETag, object
//! size, content type, user metadata, time), bucket regions, multipart uploads and
//! their parts (bytes staged on disk), and the signatures of REST requests already
//! seen (replays). Nothing lives only in memory: a second gateway on the same
//! database serves the same users.

use std::{
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::{Context, Result};
use deoss_chain::AccountId;
use rand::{distributions::Alphanumeric, Rng};
use rusqlite::{params, Connection, OptionalExtension};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS credentials (
	access_key TEXT PRIMARY KEY,
	secret_key TEXT NOT NULL,
	account BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS credentials_by_account ON credentials(account);
CREATE TABLE IF NOT EXISTS objects (
	owner BLOB NOT NULL,
	bucket TEXT NOT NULL,
	key TEXT NOT NULL,
	fid BLOB NOT NULL,
	size INTEGER NOT NULL,
	etag TEXT NOT NULL,
	content_type TEXT NOT NULL,
	metadata TEXT NOT NULL,
	modified_ms INTEGER NOT NULL,
	PRIMARY KEY (owner, bucket, key)
);
CREATE TABLE IF NOT EXISTS buckets (
	owner BLOB NOT NULL,
	bucket TEXT NOT NULL,
	regions TEXT NOT NULL,
	PRIMARY KEY (owner, bucket)
);
CREATE TABLE IF NOT EXISTS uploads (
	upload_id TEXT PRIMARY KEY,
	owner BLOB NOT NULL,
	bucket TEXT NOT NULL,
	key TEXT NOT NULL,
	content_type TEXT NOT NULL,
	metadata TEXT NOT NULL,
	created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
	upload_id TEXT NOT NULL,
	part_number INTEGER NOT NULL,
	size INTEGER NOT NULL,
	md5 BLOB NOT NULL,
	modified_ms INTEGER NOT NULL,
	PRIMARY KEY (upload_id, part_number)
);
CREATE TABLE IF NOT EXISTS tus_uploads (
	id TEXT PRIMARY KEY,
	owner BLOB NOT NULL,
	bucket TEXT NOT NULL,
	key TEXT NOT NULL,
	length INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	regions TEXT,
	created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shares (
	owner BLOB NOT NULL,
	bucket TEXT NOT NULL,
	key TEXT NOT NULL,
	grantee BLOB NOT NULL,
	fid BLOB NOT NULL,
	grant_json TEXT NOT NULL,
	PRIMARY KEY (owner, bucket, key, grantee)
);
CREATE TABLE IF NOT EXISTS seen_requests (
	signature BLOB PRIMARY KEY,
	expires_ms INTEGER NOT NULL
);
";

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |now| now.as_millis() as i64)
}

/// S3 credentials of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
	/// The access key id (20 upper-case letters and digits, starting `DO`).
	pub access_key: String,
	/// The secret access key (40 characters).
	pub secret_key: String,
	/// The account it acts as.
	pub account: AccountId,
}

/// What the gateway records of an object it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRow {
	/// The file it was stored as; a row whose FID no longer matches the chain's is stale.
	pub fid: [u8; 32],
	/// Object bytes.
	pub size: u64,
	/// The S3 ETag, without quotes.
	pub etag: String,
	/// Content type.
	pub content_type: String,
	/// `x-amz-meta-*` pairs (names without the prefix).
	pub metadata: Vec<(String, String)>,
	/// When it was stored.
	pub modified_ms: i64,
}

/// A multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
	/// Its id.
	pub upload_id: String,
	/// The owner.
	pub owner: AccountId,
	/// The bucket.
	pub bucket: String,
	/// The key.
	pub key: String,
	/// Content type of the object to be.
	pub content_type: String,
	/// User metadata of the object to be.
	pub metadata: Vec<(String, String)>,
	/// When it was created.
	pub created_ms: i64,
}

/// A staged part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
	/// 1 to 10,000.
	pub number: u32,
	/// Bytes.
	pub size: u64,
	/// MD5 of the part (its ETag in hex).
	pub md5: [u8; 16],
	/// When it was uploaded.
	pub modified_ms: i64,
}

/// A tus upload in progress; its offset is the length of its staged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TusUpload {
	/// Its id, in its URL.
	pub id: String,
	/// The owner.
	pub owner: AccountId,
	/// The bucket.
	pub bucket: String,
	/// The key.
	pub key: String,
	/// Bytes in all.
	pub length: u64,
	/// Content type.
	pub content_type: String,
	/// Regions, if the upload named some.
	pub regions: Option<String>,
}

/// The database and the staging directory.
#[derive(Clone)]
pub struct State {
	db: Arc<Mutex<Connection>>,
	dir: PathBuf,
}

fn random_string(len: usize, alphabet: &[u8]) -> String {
	let mut rng = rand::thread_rng();
	(0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char).collect()
}

impl State {
	/// Opens (creating when needed) the database in `dir`.
	pub fn open(dir: &Path) -> Result<Self> {
		std::fs::create_dir_all(dir.join("staging"))
			.with_context(|| format!("creating {}", dir.join("staging").display()))?;
		let path = dir.join("gateway.sqlite");
		let db = Connection::open(&path).with_context(|| format!("opening {}", path.display()))?;
		db.busy_timeout(Duration::from_secs(10))?;
		db.pragma_update(None, "journal_mode", "WAL")?;
		db.pragma_update(None, "synchronous", "NORMAL")?;
		db.execute_batch(SCHEMA).context("creating the gateway's tables")?;
		Ok(Self { db: Arc::new(Mutex::new(db)), dir: dir.to_path_buf() })
	}

	fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
		self.db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// A fresh file in the staging area (removed by the caller when done).
	pub fn staging_file(&self, what: &str) -> PathBuf {
		self.dir
			.join("staging")
			.join(format!("{what}-{}", random_string(16, b"abcdefghijklmnopqrstuvwxyz0123456789")))
	}

	/// The directory the parts of `upload_id` are staged in.
	pub fn upload_dir(&self, upload_id: &str) -> PathBuf {
		self.dir.join("uploads").join(upload_id)
	}

	/// Where part `number` of `upload_id` is staged.
	pub fn part_path(&self, upload_id: &str, number: u32) -> PathBuf {
		self.upload_dir(upload_id).join(format!("{number:05}"))
	}

	// --- credentials

	/// New credentials for `account` (an account may hold several).
	pub fn create_credential(&self, account: &AccountId) -> Result<Credential> {
		let credential = Credential {
			access_key: format!("DO{}", random_string(18, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
			secret_key: rand::thread_rng()
				.sample_iter(&Alphanumeric)
				.take(40)
				.map(char::from)
				.collect(),
			account: *account,
		};
		self.db().execute(
			"INSERT INTO credentials (access_key, secret_key, account, created_at) VALUES (?1, ?2, ?3, ?4)",
			params![credential.access_key, credential.secret_key, &account[..], now_ms()],
		)?;
		Ok(credential)
	}

	/// The credentials with `access_key`.
	pub fn credential(&self, access_key: &str) -> Result<Option<Credential>> {
		Ok(self
			.db()
			.query_row(
				"SELECT secret_key, account FROM credentials WHERE access_key = ?1",
				params![access_key],
				|row| Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?)),
			)
			.optional()?
			.and_then(|(secret_key, account)| {
				Some(Credential {
					access_key: access_key.to_string(),
					secret_key,
					account: account.try_into().ok()?,
				})
			}))
	}

	// --- objects

	/// Records what S3 needs of `owner`'s object `bucket/key`.
	pub fn put_object(
		&self,
		owner: &AccountId,
		bucket: &str,
		key: &str,
		row: &ObjectRow,
	) -> Result<()> {
		self.db().execute(
			"INSERT OR REPLACE INTO objects (owner, bucket, key, fid, size, etag, content_type, metadata, modified_ms)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			params![
				&owner[..],
				bucket,
				key,
				&row.fid[..],
				row.size as i64,
				row.etag,
				row.content_type,
				serde_json::to_string(&row.metadata)?,
				row.modified_ms
			],
		)?;
		Ok(())
	}

	/// What was recorded of `owner`'s object `bucket/key`.
	pub fn object(&self, owner: &AccountId, bucket: &str, key: &str) -> Result<Option<ObjectRow>> {
		let row = self
			.db()
			.query_row(
				"SELECT fid, size, etag, content_type, metadata, modified_ms FROM objects
				 WHERE owner = ?1 AND bucket = ?2 AND key = ?3",
				params![&owner[..], bucket, key],
				|row| {
					Ok((
						row.get::<_, Vec<u8>>(0)?,
						row.get::<_, i64>(1)?,
						row.get::<_, String>(2)?,
						row.get::<_, String>(3)?,
						row.get::<_, String>(4)?,
						row.get::<_, i64>(5)?,
					))
				},
			)
			.optional()?;
		let Some((fid, size, etag, content_type, metadata, modified_ms)) = row else {
			return Ok(None);
		};
		Ok(Some(ObjectRow {
			fid: fid.try_into().map_err(|_| anyhow::anyhow!("a stored FID is not 32 bytes"))?,
			size: size as u64,
			etag,
			content_type,
			metadata: serde_json::from_str(&metadata)?,
			modified_ms,
		}))
	}

	/// Forgets `owner`'s object `bucket/key`.
	pub fn delete_object(&self, owner: &AccountId, bucket: &str, key: &str) -> Result<()> {
		self.db().execute(
			"DELETE FROM objects WHERE owner = ?1 AND bucket = ?2 AND key = ?3",
			params![&owner[..], bucket, key],
		)?;
		Ok(())
	}

	// --- buckets

	/// Regions new objects of `owner`'s `bucket` go to (its `LocationConstraint`).
	pub fn set_bucket_regions(
		&self,
		owner: &AccountId,
		bucket: &str,
		regions: &[[u8; 2]],
	) -> Result<()> {
		let text: Vec<String> =
			regions.iter().map(|region| String::from_utf8_lossy(region).into_owned()).collect();
		self.db().execute(
			"INSERT OR REPLACE INTO buckets (owner, bucket, regions) VALUES (?1, ?2, ?3)",
			params![&owner[..], bucket, text.join(",")],
		)?;
		Ok(())
	}

	/// The regions of `owner`'s `bucket`, if it was given some.
	pub fn bucket_regions(&self, owner: &AccountId, bucket: &str) -> Result<Option<String>> {
		Ok(self
			.db()
			.query_row(
				"SELECT regions FROM buckets WHERE owner = ?1 AND bucket = ?2",
				params![&owner[..], bucket],
				|row| row.get(0),
			)
			.optional()?)
	}

	/// Forgets what was kept of `owner`'s `bucket`.
	pub fn delete_bucket(&self, owner: &AccountId, bucket: &str) -> Result<()> {
		self.db().execute(
			"DELETE FROM buckets WHERE owner = ?1 AND bucket = ?2",
			params![&owner[..], bucket],
		)?;
		Ok(())
	}

	// --- multipart uploads

	/// Starts a multipart upload.
	pub fn create_upload(
		&self,
		owner: &AccountId,
		bucket: &str,
		key: &str,
		content_type: &str,
		metadata: &[(String, String)],
	) -> Result<Upload> {
		let upload = Upload {
			upload_id: random_string(32, b"abcdefghijklmnopqrstuvwxyz0123456789"),
			owner: *owner,
			bucket: bucket.into(),
			key: key.into(),
			content_type: content_type.into(),
			metadata: metadata.to_vec(),
			created_ms: now_ms(),
		};
		std::fs::create_dir_all(self.upload_dir(&upload.upload_id))?;
		self.db().execute(
			"INSERT INTO uploads (upload_id, owner, bucket, key, content_type, metadata, created_ms)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			params![
				upload.upload_id,
				&owner[..],
				bucket,
				key,
				content_type,
				serde_json::to_string(metadata)?,
				upload.created_ms
			],
		)?;
		Ok(upload)
	}

	fn upload_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Upload, String)> {
		let owner: Vec<u8> = row.get(1)?;
		Ok((
			Upload {
				upload_id: row.get(0)?,
				owner: owner.try_into().unwrap_or([0; 32]),
				bucket: row.get(2)?,
				key: row.get(3)?,
				content_type: row.get(4)?,
				metadata: Vec::new(),
				created_ms: row.get(6)?,
			},
			row.get(5)?,
		))
	}

	/// The upload `upload_id`.
	pub fn upload(&self, upload_id: &str) -> Result<Option<Upload>> {
		let found = self
			.db()
			.query_row(
				"SELECT upload_id, owner, bucket, key, content_type, metadata, created_ms FROM uploads WHERE upload_id = ?1",
				params![upload_id],
				Self::upload_from_row,
			)
			.optional()?;
		Ok(match found {
			Some((mut upload, metadata)) => {
				upload.metadata = serde_json::from_str(&metadata)?;
				Some(upload)
			}
			None => None,
		})
	}

	/// The uploads in progress of `owner`'s `bucket`, by key then creation.
	pub fn uploads(&self, owner: &AccountId, bucket: &str) -> Result<Vec<Upload>> {
		let db = self.db();
		let mut statement = db.prepare(
			"SELECT upload_id, owner, bucket, key, content_type, metadata, created_ms FROM uploads
			 WHERE owner = ?1 AND bucket = ?2 ORDER BY key, created_ms, upload_id",
		)?;
		let rows = statement.query_map(params![&owner[..], bucket], Self::upload_from_row)?;
		let mut uploads = Vec::new();
		for row in rows {
			let (mut upload, metadata) = row?;
			upload.metadata = serde_json::from_str(&metadata)?;
			uploads.push(upload);
		}
		Ok(uploads)
	}

	/// Records part `part` of `upload_id` (replacing an earlier upload of the same number).
	pub fn put_part(&self, upload_id: &str, part: &Part) -> Result<()> {
		self.db().execute(
			"INSERT OR REPLACE INTO parts (upload_id, part_number, size, md5, modified_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
			params![upload_id, part.number, part.size as i64, &part.md5[..], part.modified_ms],
		)?;
		Ok(())
	}

	/// The parts of `upload_id`, by number.
	pub fn parts(&self, upload_id: &str) -> Result<Vec<Part>> {
		let db = self.db();
		let mut statement = db.prepare(
			"SELECT part_number, size, md5, modified_ms FROM parts WHERE upload_id = ?1 ORDER BY part_number",
		)?;
		let rows = statement.query_map(params![upload_id], |row| {
			let md5: Vec<u8> = row.get(2)?;
			Ok(Part {
				number: row.get(0)?,
				size: row.get::<_, i64>(1)? as u64,
				md5: md5.try_into().unwrap_or([0; 16]),
				modified_ms: row.get(3)?,
			})
		})?;
		Ok(rows.collect::<rusqlite::Result<_>>()?)
	}

	/// Ends `upload_id` (completed or aborted): its rows and staged parts are removed.
	pub fn delete_upload(&self, upload_id: &str) -> Result<()> {
		{
			let db = self.db();
			db.execute("DELETE FROM parts WHERE upload_id = ?1", params![upload_id])?;
			db.execute("DELETE FROM uploads WHERE upload_id = ?1", params![upload_id])?;
		}
		match std::fs::remove_dir_all(self.upload_dir(upload_id)) {
			Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
			_ => Ok(()),
		}
	}

	// --- tus uploads

	/// Where the bytes of tus upload `id` are staged.
	pub fn tus_path(&self, id: &str) -> PathBuf {
		self.dir.join("tus").join(id)
	}

	/// Records a new tus upload.
	pub fn create_tus(
		&self,
		owner: &AccountId,
		bucket: &str,
		key: &str,
		length: u64,
		content_type: &str,
		regions: Option<&str>,
	) -> Result<TusUpload> {
		std::fs::create_dir_all(self.dir.join("tus"))?;
		let upload = TusUpload {
			id: random_string(32, b"abcdefghijklmnopqrstuvwxyz0123456789"),
			owner: *owner,
			bucket: bucket.into(),
			key: key.into(),
			length,
			content_type: content_type.into(),
			regions: regions.map(str::to_string),
		};
		self.db().execute(
			"INSERT INTO tus_uploads (id, owner, bucket, key, length, content_type, regions, created_ms)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			params![upload.id, &owner[..], bucket, key, length as i64, content_type, regions, now_ms()],
		)?;
		Ok(upload)
	}

	/// The tus upload `id`.
	pub fn tus(&self, id: &str) -> Result<Option<TusUpload>> {
		Ok(self
			.db()
			.query_row(
				"SELECT owner, bucket, key, length, content_type, regions FROM tus_uploads WHERE id = ?1",
				params![id],
				|row| {
					let owner: Vec<u8> = row.get(0)?;
					Ok(TusUpload {
						id: id.to_string(),
						owner: owner.try_into().unwrap_or([0; 32]),
						bucket: row.get(1)?,
						key: row.get(2)?,
						length: row.get::<_, i64>(3)? as u64,
						content_type: row.get(4)?,
						regions: row.get(5)?,
					})
				},
			)
			.optional()?)
	}

	/// Forgets tus upload `id` and its bytes.
	pub fn delete_tus(&self, id: &str) -> Result<()> {
		self.db().execute("DELETE FROM tus_uploads WHERE id = ?1", params![id])?;
		match std::fs::remove_file(self.tus_path(id)) {
			Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error.into()),
			_ => Ok(()),
		}
	}

	// --- shares by proxy re-encryption

	/// Keeps what lets `grantee` read `owner`'s `bucket/key` (file `fid`).
	pub fn put_share(
		&self,
		owner: &AccountId,
		bucket: &str,
		key: &str,
		grantee: &AccountId,
		fid: &[u8; 32],
		grant_json: &str,
	) -> Result<()> {
		self.db().execute(
			"INSERT OR REPLACE INTO shares (owner, bucket, key, grantee, fid, grant_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			params![&owner[..], bucket, key, &grantee[..], &fid[..], grant_json],
		)?;
		Ok(())
	}

	/// The share of `owner`'s `bucket/key` with `grantee`: the FID shared and the grant.
	pub fn share(
		&self,
		owner: &AccountId,
		bucket: &str,
		key: &str,
		grantee: &AccountId,
	) -> Result<Option<([u8; 32], String)>> {
		let found = self
			.db()
			.query_row(
				"SELECT fid, grant_json FROM shares WHERE owner = ?1 AND bucket = ?2 AND key = ?3 AND grantee = ?4",
				params![&owner[..], bucket, key, &grantee[..]],
				|row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, String>(1)?)),
			)
			.optional()?;
		Ok(found.and_then(|(fid, grant)| Some((fid.try_into().ok()?, grant))))
	}

	// --- replays of signed REST requests

	/// Records `signature` until `expires_ms`; false when it was seen already.
	pub fn first_seen(&self, signature: &[u8; 64], expires_ms: i64) -> Result<bool> {
		let db = self.db();
		db.execute("DELETE FROM seen_requests WHERE expires_ms < ?1", params![now_ms()])?;
		let inserted = db.execute(
			"INSERT OR IGNORE INTO seen_requests (signature, expires_ms) VALUES (?1, ?2)",
			params![&signature[..], expires_ms],
		)?;
		Ok(inserted == 1)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn everything_survives_a_reopen_and_is_shared_by_two_handles() {
		let dir = tempfile::tempdir().unwrap();
		let state = State::open(dir.path()).unwrap();
		let other = State::open(dir.path()).unwrap();
		let owner = [7; 32];

		let credential = state.create_credential(&owner).unwrap();
		assert_eq!(credential.access_key.len(), 20);
		assert_eq!(credential.secret_key.len(), 40);
		assert_eq!(other.credential(&credential.access_key).unwrap(), Some(credential.clone()));
		assert_eq!(other.credential("DONOTEXIST").unwrap(), None);

		let row = ObjectRow {
			fid: [1; 32],
			size: 5,
			etag: "abc".into(),
			content_type: "text/plain".into(),
			metadata: vec![("mtime".into(), "12".into())],
			modified_ms: 3,
		};
		state.put_object(&owner, "b", "k", &row).unwrap();
		assert_eq!(other.object(&owner, "b", "k").unwrap(), Some(row));
		other.delete_object(&owner, "b", "k").unwrap();
		assert_eq!(state.object(&owner, "b", "k").unwrap(), None);

		let upload = state.create_upload(&owner, "b", "big", "x/y", &[]).unwrap();
		let part = Part { number: 2, size: 10, md5: [3; 16], modified_ms: 1 };
		state.put_part(&upload.upload_id, &part).unwrap();
		drop((state, other));

		let state = State::open(dir.path()).unwrap();
		assert_eq!(state.upload(&upload.upload_id).unwrap(), Some(upload.clone()));
		assert_eq!(state.uploads(&owner, "b").unwrap(), vec![upload.clone()]);
		assert_eq!(state.parts(&upload.upload_id).unwrap(), vec![part]);
		assert!(state.upload_dir(&upload.upload_id).is_dir());
		state.delete_upload(&upload.upload_id).unwrap();
		assert_eq!(state.upload(&upload.upload_id).unwrap(), None);
		assert!(state.parts(&upload.upload_id).unwrap().is_empty());
		assert!(!state.upload_dir(&upload.upload_id).exists());

		let tus = state.create_tus(&owner, "b", "t", 10, "text/plain", Some("DE")).unwrap();
		assert_eq!(State::open(dir.path()).unwrap().tus(&tus.id).unwrap(), Some(tus.clone()));
		state.delete_tus(&tus.id).unwrap();
		assert_eq!(state.tus(&tus.id).unwrap(), None);

		let signature = [9; 64];
		assert!(state.first_seen(&signature, now_ms() + 60_000).unwrap());
		assert!(!state.first_seen(&signature, now_ms() + 60_000).unwrap());
	}
}
