//! `deoss`: the DeOSS command line. It acts with the user's own key, uploads straight
//! to the scheduler the chain draws and downloads straight from the miners, through
//! `deoss-client`; no gateway is involved. `--json` prints one JSON document per
//! result (documented in the README); exit code 1 is a failure, 2 a usage error.

mod journal;
mod progress;

use std::{
	io::Write,
	path::{Path, PathBuf},
	process::ExitCode,
};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};
use deoss_chain::{
	calls,
	signer::{parse_account, parse_secret, ss58, write_key_file},
	AccountId, AccountKey, Chain, Keypair, Scope,
};
use deoss_client::{
	local_fid, ClientError, DeossClient, GetRequest, Meta, ObjectOptions, PutRequest, PutSource,
	Target,
};
use deoss_primitives::{Fid, Layout};
use futures::StreamExt;
use progress::Progress;
use serde_json::{json, Value};

/// The DeOSS command line.
#[derive(Parser, Debug)]
#[command(name = "deoss", version, about)]
struct Cli {
	/// WebSocket RPC address of a DeOSS node.
	#[arg(long, env = "DEOSS_URL", default_value = "ws://127.0.0.1:9944", global = true)]
	url: String,
	/// The account as a secret URI (e.g. `//Alice`).
	#[arg(long, env = "DEOSS_SURI", global = true, hide_env_values = true)]
	suri: Option<String>,
	/// The account's key file (see `deoss key generate`).
	#[arg(long, env = "DEOSS_KEY_FILE", global = true)]
	key_file: Option<PathBuf>,
	/// Machine-readable output: one JSON document per result on stdout.
	#[arg(long, global = true)]
	json: bool,
	/// No progress output.
	#[arg(short, long, global = true)]
	quiet: bool,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Account keys.
	#[command(subcommand)]
	Key(KeyCommand),
	/// The account: address, balance, space lease.
	Account,
	/// Storage space.
	#[command(subcommand)]
	Space(SpaceCommand),
	/// Buckets.
	#[command(subcommand)]
	Bucket(BucketCommand),
	/// Uploads files (or `-` for stdin) into BUCKET[/KEY]; the last argument is the destination.
	Put {
		/// Files or directories (with -r), then BUCKET[/KEY].
		#[arg(required = true, num_args = 2..)]
		paths: Vec<String>,
		/// Allowed regions: ISO codes and groups, e.g. `DE,FR` or `EU` (default: every region with active miners).
		#[arg(long)]
		regions: Option<String>,
		/// A miner that may hold a column whatever its region (repeatable).
		#[arg(long = "pin")]
		pins: Vec<String>,
		/// Erasure code, data+parity shards.
		#[arg(long, default_value = "4+8")]
		layout: String,
		/// Copies of each column.
		#[arg(long, default_value_t = 1)]
		replicas: u8,
		/// MIME type of the objects.
		#[arg(long, default_value = "application/octet-stream")]
		content_type: String,
		/// A short description.
		#[arg(long, default_value = "")]
		description: String,
		/// Search keywords (repeatable).
		#[arg(long = "keyword")]
		keywords: Vec<String>,
		/// Upload directories with everything in them.
		#[arg(short, long)]
		recursive: bool,
		/// Uploads at once.
		#[arg(long, default_value_t = 4)]
		parallel: usize,
		/// Compress with zstd before upload.
		#[arg(long)]
		compress: bool,
		/// Encrypt with a fresh data key, wrapped to your account: only you (and the
		/// accounts you `share` it with) can read it; miners and schedulers never can.
		#[arg(long)]
		encrypt: bool,
	},
	/// Downloads BUCKET/KEY or a FID into OUT (`-` for stdout; default: the key's file name).
	Get {
		/// BUCKET/KEY, BUCKET/PREFIX with -r, or a FID.
		target: String,
		/// Where to write.
		out: Option<String>,
		/// Only bytes START-END (inclusive), e.g. `0-1023`.
		#[arg(long)]
		range: Option<String>,
		/// Every object under BUCKET/PREFIX, into the directory OUT.
		#[arg(short, long)]
		recursive: bool,
		/// The payload as stored (header, compressed or encrypted bytes), not the object.
		#[arg(long)]
		raw: bool,
	},
	/// Lists buckets, or the objects of BUCKET[/PREFIX].
	Ls {
		/// BUCKET[/PREFIX].
		path: Option<String>,
	},
	/// Size, FID, layout, regions, owners and the miner of every column.
	Stat {
		/// BUCKET/KEY or a FID.
		target: String,
	},
	/// Deletes objects.
	Rm {
		/// BUCKET/KEY ...
		#[arg(required = true)]
		targets: Vec<String>,
	},
	/// The FID of a file, computed offline.
	Fid {
		/// The file.
		file: PathBuf,
		/// Erasure code, data+parity shards.
		#[arg(long, default_value = "4+8")]
		layout: String,
		/// As `put --compress` stores it.
		#[arg(long)]
		compress: bool,
	},
	/// Lets ACCOUNT decrypt the encrypted object BUCKET/KEY (its data key, wrapped to
	/// ACCOUNT, goes on chain).
	Share {
		/// BUCKET/KEY or a FID you own.
		target: String,
		/// The account to share with (SS58 or 0x hex).
		account: String,
	},
	/// Withdraws a `share` (ACCOUNT keeps whatever it already read).
	Unshare {
		/// BUCKET/KEY or a FID you own.
		target: String,
		/// The account shared with.
		account: String,
	},
	/// Lets ACCOUNT act for this account within SCOPES.
	Authorize {
		/// The operator (SS58 or 0x hex).
		account: String,
		/// Comma-separated: upload, delete, read.
		#[arg(long, required = true)]
		scopes: String,
		/// Expiry, e.g. `30d`, `12h`, `90m` (default: until revoked).
		#[arg(long)]
		expires: Option<String>,
	},
	/// Withdraws an operator's authorization.
	Revoke {
		/// The operator.
		account: String,
	},
	/// The operators this account authorized.
	Authorizations,
	/// Gives BUCKET/KEY to ACCOUNT (which must have authorized this account to upload for it).
	Transfer {
		/// BUCKET/KEY.
		target: String,
		/// The new owner.
		account: String,
		/// The new owner's bucket (default: the same name).
		#[arg(long)]
		bucket: Option<String>,
	},
	/// Registered storage miners.
	Miners {
		/// Only this region.
		#[arg(long)]
		region: Option<String>,
	},
	/// Registered schedulers.
	Schedulers,
	/// Gateways: S3 credentials.
	#[command(subcommand)]
	Gateway(GatewayCommand),
}

#[derive(Subcommand, Debug)]
enum GatewayCommand {
	/// Prints `export AWS_…` lines for aws-cli, boto3 and rclone against GATEWAY; first
	/// grants the gateway the upload, delete and read scopes on chain if needed.
	Credentials {
		/// The gateway's REST URL, e.g. http://127.0.0.1:8080.
		#[arg(long)]
		gateway: String,
	},
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
	/// A new random account key in a file readable only by you; prints its address.
	Generate {
		/// The key file.
		#[arg(long, default_value = "deoss.key")]
		out: PathBuf,
	},
}

#[derive(Subcommand, Debug)]
enum SpaceCommand {
	/// Buys GIB of space for DAYS.
	Buy { gib: u32, days: u32 },
	/// Adds GIB to the lease.
	Expand { gib: u32 },
	/// Extends the lease by DAYS.
	Renew { days: u32 },
}

#[derive(Subcommand, Debug)]
enum BucketCommand {
	/// Creates a bucket.
	Create { name: String },
	/// Lists the buckets.
	Ls,
	/// Deletes an empty bucket.
	Rm { name: String },
}

#[tokio::main]
async fn main() -> ExitCode {
	let cli = Cli::parse();
	match run(cli).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("deoss: {error:#}");
			ExitCode::FAILURE
		}
	}
}

/// What a command prints: JSON with `--json`, else a human line.
struct Out {
	json: bool,
}

impl Out {
	fn print(&self, value: Value, human: impl FnOnce() -> String) {
		let text = if self.json { value.to_string() } else { human() };
		let mut stdout = std::io::stdout().lock();
		let _ = writeln!(stdout, "{text}");
	}
}

impl Cli {
	fn account_key(&self) -> Result<AccountKey> {
		if let Some(path) = &self.key_file {
			return Ok(AccountKey::load(path)?);
		}
		if let Some(suri) = &self.suri {
			return AccountKey::parse(suri).map_err(|error| anyhow!("--suri: {error}"));
		}
		bail!("no account: pass --key-file FILE (create one with `deoss key generate`) or --suri")
	}

	fn signer(&self) -> Result<Keypair> {
		Ok(self.account_key()?.keypair)
	}

	async fn client(&self, chain: Chain) -> Result<DeossClient> {
		Ok(DeossClient::with_account_key(chain, &self.account_key()?)?)
	}

	async fn chain(&self) -> Result<Chain> {
		Chain::connect(&self.url).await.map_err(|error| {
			anyhow!(
				"cannot reach a DeOSS node at {} ({error}); is it running? Set --url or DEOSS_URL",
				self.url
			)
		})
	}
}

async fn run(cli: Cli) -> Result<()> {
	let out = Out { json: cli.json };
	let progress = Progress::new(cli.quiet || cli.json);
	match &cli.command {
		Command::Key(KeyCommand::Generate { out: path }) => {
			let seed: [u8; 32] = rand::random();
			let secret = format!("0x{}", hex::encode(seed));
			write_key_file(path, &secret).with_context(|| {
				format!("writing {} (an existing key file is never overwritten)", path.display())
			})?;
			let address = ss58(&parse_secret(&secret)?.public_key().0);
			out.print(json!({"address": address, "key_file": path}), || {
				format!("{address}  (key in {})", path.display())
			});
		}
		Command::Fid { file, layout, compress } => {
			let layout = parse_layout(layout, 1)?;
			std::fs::metadata(file).with_context(|| format!("opening {}", file.display()))?;
			let request = PutRequest {
				layout,
				source: PutSource::Path(file.clone()),
				options: ObjectOptions {
					compression: compress.then_some(ZSTD_LEVEL),
					cipher: None,
				},
				..PutRequest::bytes("", "", Vec::new(), &[])
			};
			let encoded = local_fid(&request, &[0; 32])?;
			out.print(
				json!({"fid": encoded.fid.to_string(), "size": encoded.manifest.payload_len}),
				|| encoded.fid.to_string(),
			);
		}
		Command::Miners { region } => {
			let chain = cli.chain().await?;
			let filter = region.as_deref().map(parse_region).transpose()?;
			let mut miners = chain.miners().await?;
			miners.sort_by_key(|(account, info)| (info.region, *account));
			for (account, info) in miners
				.into_iter()
				.filter(|(_, info)| filter.is_none_or(|region| info.region == region))
			{
				let region = String::from_utf8_lossy(&info.region).into_owned();
				let state = format!("{:?}", info.state);
				out.print(
					json!({"account": ss58(&account), "region": region, "endpoint": info.endpoint(), "capacity": info.capacity_bytes, "used": info.used_bytes, "reserved": info.reserved_bytes, "free": info.free_bytes(), "state": state}),
					|| format!("{}  {region}  {}  free {}  {state}", ss58(&account), info.endpoint(), bytes(info.free_bytes())),
				);
			}
		}
		Command::Schedulers => {
			let chain = cli.chain().await?;
			for (account, info) in chain.schedulers().await? {
				let region = String::from_utf8_lossy(&info.region).into_owned();
				out.print(
					json!({"account": ss58(&account), "region": region, "endpoint": info.endpoint(), "state": format!("{:?}", info.state)}),
					|| format!("{}  {region}  {}  {:?}", ss58(&account), info.endpoint(), info.state),
				);
			}
		}
		Command::Account => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let id = signer.public_key().0;
			let account = chain.account(&id).await?;
			let lease = chain.space(&id).await?;
			let lease_json = lease.as_ref().map(|lease| {
				json!({"purchased": lease.purchased_bytes, "used": lease.used_bytes, "reserved": lease.reserved_bytes, "expires_at": lease.expires_at, "state": format!("{:?}", lease.state)})
			});
			out.print(json!({"address": ss58(&id), "free": account.data.free.to_string(), "reserved": account.data.reserved.to_string(), "space": lease_json}), || {
				let space = match &lease {
					Some(lease) => format!(
						"space {} used, {} reserved of {} ({:?}, paid until block {})",
						bytes(lease.used_bytes),
						bytes(lease.reserved_bytes),
						bytes(lease.purchased_bytes),
						lease.state,
						lease.expires_at
					),
					None => "no space lease: run `deoss space buy <GIB> <DAYS>`".into(),
				};
				format!("{}\nbalance {} DOSS free, {} held\n{space}", ss58(&id), doss(account.data.free), doss(account.data.reserved))
			});
		}
		Command::Gateway(GatewayCommand::Credentials { gateway }) => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let base = gateway.trim_end_matches('/');
			let http = reqwest::Client::new();
			let described: Value = http
				.get(format!("{base}/v1/gateway"))
				.send()
				.await
				.and_then(|response| response.error_for_status())
				.with_context(|| {
					format!("cannot reach the gateway at {base}; is --gateway its REST URL?")
				})?
				.json()
				.await
				.context("the gateway's description")?;
			let operator = described["account_hex"]
				.as_str()
				.and_then(deoss_protocol::parse_account_hex)
				.context("the gateway did not say which account it acts as")?;
			let me = signer.public_key().0;
			let wanted = [Scope::Upload, Scope::Delete, Scope::ReadShare];
			let mut missing = false;
			for scope in wanted {
				missing |= !chain.may_act_for(&operator, &me, scope).await?;
			}
			if missing {
				chain.submit(&calls::authorize(&operator, &wanted, None), &signer).await.context(
					"authorizing the gateway on chain (does the account hold funds for the fee?)",
				)?;
				eprintln!(
					"deoss: granted the gateway {} the upload, delete and read scopes on chain (until revoked: `deoss revoke {}`)",
					ss58(&operator),
					ss58(&operator)
				);
			}
			let path = "/v1/credentials";
			let mut request = http.post(format!("{base}{path}"));
			for (name, value) in
				deoss_protocol::SignedRequest::sign(&signer, "POST", path, b"").headers
			{
				request = request.header(name, value);
			}
			let response = request.send().await.context("asking the gateway for credentials")?;
			let status = response.status();
			let answer: Value = response.json().await.unwrap_or_default();
			if !status.is_success() {
				bail!(
					"the gateway refused credentials ({status}): {}",
					answer["reason"].as_str().unwrap_or("no reason given")
				);
			}
			let field = |name: &str| -> Result<String> {
				Ok(answer[name]
					.as_str()
					.with_context(|| format!("the gateway's answer lacks {name}"))?
					.to_string())
			};
			let (key, secret, endpoint) =
				(field("access_key_id")?, field("secret_access_key")?, field("endpoint")?);
			out.print(
				json!({"access_key_id": key, "secret_access_key": secret, "endpoint": endpoint, "gateway": ss58(&operator)}),
				|| {
					format!(
						"export AWS_ACCESS_KEY_ID={key}\nexport AWS_SECRET_ACCESS_KEY={secret}\nexport AWS_ENDPOINT_URL={endpoint}\nexport AWS_REGION=us-east-1"
					)
				},
			);
		}
		Command::Space(command) => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let call = match command {
				SpaceCommand::Buy { gib, days } => calls::buy_space(*gib, *days),
				SpaceCommand::Expand { gib } => calls::expand_space(*gib),
				SpaceCommand::Renew { days } => calls::renew_space(*days),
			};
			chain.submit(&call, &signer).await?;
			let lease =
				chain.space(&signer.public_key().0).await?.context("the lease is recorded")?;
			out.print(
				json!({"purchased": lease.purchased_bytes, "expires_at": lease.expires_at}),
				|| {
					format!(
						"space: {} until block {}",
						bytes(lease.purchased_bytes),
						lease.expires_at
					)
				},
			);
		}
		Command::Bucket(command) => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let id = signer.public_key().0;
			match command {
				BucketCommand::Create { name } => {
					if chain.space(&id).await?.is_none() {
						bail!(
							"no space lease for {}: run `deoss space buy <GIB> <DAYS>` first",
							ss58(&id)
						);
					}
					chain.submit(&calls::create_bucket(name.as_bytes()), &signer).await?;
					out.print(json!({"bucket": name, "created": true}), || {
						format!("bucket {name} created")
					});
				}
				BucketCommand::Rm { name } => {
					chain.submit(&calls::delete_bucket(name.as_bytes()), &signer).await?;
					out.print(json!({"bucket": name, "deleted": true}), || {
						format!("bucket {name} deleted")
					});
				}
				BucketCommand::Ls => {
					for name in chain.buckets(&id).await? {
						let info = chain.bucket(&id, &name).await?;
						let name = String::from_utf8_lossy(&name).into_owned();
						let objects = info.map_or(0, |info| info.object_count);
						out.print(json!({"bucket": name, "objects": objects}), || {
							format!("{name}  {objects} objects")
						});
					}
				}
			}
		}
		Command::Ls { path } => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let id = signer.public_key().0;
			let Some(path) = path else {
				for name in chain.buckets(&id).await? {
					let name = String::from_utf8_lossy(&name).into_owned();
					out.print(json!({"bucket": name}), || format!("{name}/"));
				}
				return Ok(());
			};
			let (bucket, prefix) = split_path(path);
			for object in chain.objects(&id, Some(bucket.as_bytes())).await? {
				let name = String::from_utf8_lossy(&object.name).into_owned();
				if !name.starts_with(prefix) {
					continue;
				}
				let size = chain.file(&object.fid).await?.map_or(0, |record| record.size);
				out.print(
					json!({"bucket": bucket, "key": name, "size": size, "fid": object.fid.to_string()}),
					|| format!("{:>12}  {}  {bucket}/{name}", size, object.fid),
				);
			}
		}
		Command::Stat { target } => {
			let chain = cli.chain().await?;
			let fid = resolve(&cli, &chain, target).await?;
			let record = chain.file(&fid).await?.ok_or_else(|| anyhow!("no stored file {fid}"))?;
			let layout = record.layout();
			let columns = usize::from(layout.column_count());
			let mut holders = Vec::new();
			for (slot, miner) in record.miners.iter().enumerate() {
				let info = chain.miner(miner).await?;
				let region = info
					.as_ref()
					.map(|info| String::from_utf8_lossy(&info.region).into_owned())
					.unwrap_or_default();
				holders.push(json!({"slot": slot, "column": slot % columns, "replica": slot / columns, "miner": ss58(miner), "region": region}));
			}
			let regions: Vec<String> = record
				.regions
				.iter()
				.map(|region| String::from_utf8_lossy(region).into_owned())
				.collect();
			let owners: Vec<Value> = record
				.owners
				.iter()
				.map(|owner| json!({"owner": ss58(&owner.owner), "bucket": String::from_utf8_lossy(&owner.bucket), "key": String::from_utf8_lossy(&owner.name)}))
				.collect();
			let document = json!({
				"fid": fid.to_string(), "size": record.size, "state": "stored",
				"layout": {"data": layout.data_shards, "parity": layout.parity_shards, "segment_size": layout.segment_size, "chunk_size": layout.chunk_size, "replicas": layout.replicas},
				"regions": regions, "owners": owners, "columns": holders,
				"content_type": String::from_utf8_lossy(&record.meta.content_type), "stored_at": record.stored_at,
			});
			out.print(document.clone(), || {
				let mut text = format!(
					"fid      {fid}\nsize     {}\nlayout   {}+{}, segments of {}, chunks of {}, {} replica(s)\nregions  {}\nstored   block {}\n",
					record.size, layout.data_shards, layout.parity_shards, bytes(layout.segment_size.into()), layout.chunk_size, layout.replicas, regions.join(","), record.stored_at
				);
				for owner in &record.owners {
					text += &format!("owner    {}  {}/{}\n", ss58(&owner.owner), String::from_utf8_lossy(&owner.bucket), String::from_utf8_lossy(&owner.name));
				}
				for holder in document["columns"].as_array().into_iter().flatten() {
					text += &format!("column {:>2}  {}  {}\n", holder["column"], holder["region"].as_str().unwrap_or(""), holder["miner"].as_str().unwrap_or(""));
				}
				text.trim_end().to_string()
			});
		}
		Command::Share { target, account } | Command::Unshare { target, account } => {
			let chain = cli.chain().await?;
			let fid = resolve(&cli, &chain, target).await?;
			let grantee = parse_account(account)?;
			let client = cli.client(chain).await?;
			let sharing = matches!(cli.command, Command::Share { .. });
			let result = if sharing {
				client.share(&Target::Fid(fid), &grantee).await
			} else {
				client.unshare(&Target::Fid(fid), &grantee).await
			};
			result.with_context(|| {
				format!(
					"{} {target} (only an owner can)",
					if sharing { "sharing" } else { "unsharing" }
				)
			})?;
			out.print(
				json!({"fid": fid.to_string(), "account": ss58(&grantee), "shared": sharing}),
				|| {
					if sharing {
						format!("{} can now decrypt {target}", ss58(&grantee))
					} else {
						format!("{target} is no longer shared with {}", ss58(&grantee))
					}
				},
			);
		}
		Command::Rm { targets } => {
			let chain = cli.chain().await?;
			let client = cli.client(chain).await?;
			for target in targets {
				let (bucket, key) = object_path(target)?;
				client
					.delete(None, bucket.as_bytes(), key.as_bytes())
					.await
					.with_context(|| format!("removing {target}"))?;
				out.print(json!({"bucket": bucket, "key": key, "deleted": true}), || {
					format!("removed {target}")
				});
			}
		}
		Command::Authorize { account, scopes, expires } => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let operator = parse_account(account)?;
			let scopes = scopes
				.split(',')
				.map(|scope| match scope.trim() {
					"upload" => Ok(Scope::Upload),
					"delete" => Ok(Scope::Delete),
					"read" | "read-share" => Ok(Scope::ReadShare),
					other => Err(anyhow!("unknown scope {other:?}: use upload, delete, read")),
				})
				.collect::<Result<Vec<_>>>()?;
			let expires_at = match expires {
				Some(text) => {
					let seconds = parse_duration(text)?;
					let slot_ms =
						chain.constant_u64("Aura", "SlotDuration").await.unwrap_or(3000).max(1);
					let now = chain.finalized_number().await?;
					Some(
						u32::try_from(now + seconds * 1000 / slot_ms)
							.context("the expiry is too far away")?,
					)
				}
				None => None,
			};
			chain.submit(&calls::authorize(&operator, &scopes, expires_at), &signer).await?;
			out.print(json!({"operator": ss58(&operator), "scopes": scopes.iter().map(|s| s.name()).collect::<Vec<_>>(), "expires_at": expires_at}), || {
				format!("{} may now act for you ({scopes:?}){}", ss58(&operator), expires_at.map(|at| format!(" until block {at}")).unwrap_or_default())
			});
		}
		Command::Revoke { account } => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let operator = parse_account(account)?;
			chain.submit(&calls::revoke(&operator), &signer).await?;
			out.print(json!({"operator": ss58(&operator), "revoked": true}), || {
				format!("{} revoked", ss58(&operator))
			});
		}
		Command::Authorizations => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			for (operator, authorization) in chain.authorizations(&signer.public_key().0).await? {
				let scopes: Vec<&str> =
					authorization.scopes.iter().map(|scope| scope.name()).collect();
				out.print(
					json!({"operator": ss58(&operator), "scopes": scopes, "expires_at": authorization.expires_at}),
					|| {
						format!(
							"{}  {}{}",
							ss58(&operator),
							scopes.join(","),
							authorization
								.expires_at
								.map(|at| format!("  until block {at}"))
								.unwrap_or_default()
						)
					},
				);
			}
		}
		Command::Transfer { target, account, bucket: new_bucket } => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let (bucket, key) = object_path(target)?;
			let new_owner = parse_account(account)?;
			let new_bucket = new_bucket.clone().unwrap_or_else(|| bucket.to_string());
			// An encrypted object stays readable for its new owner.
			let client = cli.client(chain.clone()).await?;
			let object = Target::Object {
				owner: None,
				bucket: bucket.as_bytes().to_vec(),
				name: key.as_bytes().to_vec(),
			};
			match client.share(&object, &new_owner).await {
				Ok(_) | Err(ClientError::Invalid(_)) => {}
				Err(error) => bail!("{target} is encrypted and its key could not be shared with the new owner: {error}"),
			}
			chain
				.submit(&calls::transfer_ownership(bucket.as_bytes(), key.as_bytes(), &new_owner, new_bucket.as_bytes()), &signer)
				.await
				.with_context(|| format!("transferring {target} (the new owner must have run `deoss authorize <YOU> --scopes upload`)"))?;
			out.print(json!({"bucket": new_bucket, "key": key, "owner": ss58(&new_owner)}), || {
				format!("{target} now belongs to {}", ss58(&new_owner))
			});
		}
		Command::Put {
			paths,
			regions,
			pins,
			layout,
			replicas,
			content_type,
			description,
			keywords,
			recursive,
			parallel,
			compress,
			encrypt,
		} => {
			let signer = cli.signer()?;
			let chain = cli.chain().await?;
			let id = signer.public_key().0;
			let (sources, destination) = paths.split_at(paths.len() - 1);
			let (bucket, key) = split_path(&destination[0]);
			if chain.space(&id).await?.is_none() {
				bail!("no space lease for {}: run `deoss space buy <GIB> <DAYS>` first", ss58(&id));
			}
			if chain.bucket(&id, bucket.as_bytes()).await?.is_none() {
				bail!("no bucket {bucket}: run `deoss bucket create {bucket}` first");
			}
			let regions = match regions {
				Some(list) => parse_regions(list)?,
				None => {
					let mut all: Vec<[u8; 2]> =
						chain.miners().await?.into_iter().map(|(_, info)| info.region).collect();
					all.sort();
					all.dedup();
					all
				}
			};
			let pinned = pins
				.iter()
				.map(|pin| parse_account(pin).map_err(anyhow::Error::from))
				.collect::<Result<Vec<_>>>()?;
			let layout = parse_layout(layout, *replicas)?;
			let _spool = tempfile_dir()?;
			let jobs = put_jobs(sources, key, *recursive, _spool.path())?;
			let client = cli.client(chain).await?;
			let journal = journal::Journal::open()?;
			let meta = Meta {
				content_type: content_type.clone(),
				description: description.clone(),
				keywords: keywords.clone(),
			};
			let results = futures::stream::iter(jobs)
				.map(|(source, name, spooled)| {
					let mut request = PutRequest {
						owner: None,
						bucket: bucket.as_bytes().to_vec(),
						name: name.as_bytes().to_vec(),
						source: PutSource::Path(source.clone()),
						layout,
						regions: regions.clone(),
						pinned: pinned.clone(),
						meta: meta.clone(),
						options: ObjectOptions {
							compression: compress.then_some(ZSTD_LEVEL),
							cipher: None,
						},
					};
					let client = client.clone();
					let journal = &journal;
					let bar = progress
						.object(&name, std::fs::metadata(&source).ok().map(|meta| meta.len()));
					async move {
						// An encrypted put keeps its data key in the journal until it is
						// stored, so running the command again resumes the same deal.
						let entry = if *encrypt {
							let entry = if spooled {
								journal::Entry::fresh()
							} else {
								match journal.entry(&id, bucket, &name, &source) {
									Ok(entry) => entry,
									Err(error) => return (name, Err(error)),
								}
							};
							request.options.cipher = Some(entry.cipher());
							Some(entry)
						} else {
							None
						};
						let result = match client.put(request.clone(), Progress::put_stages(bar.clone())).await {
							Ok(outcome) => Ok(Done::Stored(outcome)),
							Err(ClientError::ObjectExists { object, fid }) => {
								// Stored by an earlier run of this command?
								let same = tokio::task::spawn_blocking(move || local_fid(&request, &id))
									.await
									.ok()
									.and_then(|encoded| encoded.ok())
									.is_some_and(|encoded| encoded.fid == fid);
								if same {
									Ok(Done::AlreadyStored(fid))
								} else {
									Err(anyhow!("{object} exists already with other content (FID {fid}); `deoss rm {object}` first or choose another key"))
								}
							}
							Err(error) => Err(anyhow::Error::from(error)),
						};
						if let (Ok(_), Some(entry)) = (&result, &entry) {
							journal.remove(entry);
						}
						bar.finish_and_clear();
						(name, result)
					}
				})
				.buffer_unordered((*parallel).max(1))
				.collect::<Vec<_>>()
				.await;
			let mut failures = 0;
			for (name, result) in results {
				match result {
					Ok(Done::Stored(outcome)) => out.print(
						json!({"bucket": bucket, "key": name, "fid": outcome.fid.to_string(), "size": outcome.payload_len, "deal": outcome.deal, "miners": outcome.miners.iter().map(ss58).collect::<Vec<_>>(), "encrypted": *encrypt, "compressed": *compress, "resumed_from": outcome.resumed_from}),
						|| format!("stored {bucket}/{name}  {}  {} bytes", outcome.fid, outcome.payload_len),
					),
					Ok(Done::AlreadyStored(fid)) => out.print(
						json!({"bucket": bucket, "key": name, "fid": fid.to_string(), "already_stored": true}),
						|| format!("stored {bucket}/{name}  {fid}  (already, unchanged)"),
					),
					Err(error) => {
						failures += 1;
						out.print(json!({"bucket": bucket, "key": name, "error": format!("{error:#}")}), || format!("failed {bucket}/{name}: {error:#}"));
						eprintln!("deoss: {bucket}/{name}: {error:#}");
					}
				}
			}
			if failures > 0 {
				bail!("{failures} of the uploads failed (reasons above); run the same command again once they are dealt with: stored objects are skipped");
			}
		}
		Command::Get { target, out: destination, range, recursive, raw } => {
			let chain = cli.chain().await?;
			let key = match cli.account_key() {
				Ok(key) => key,
				// Reading a plain object by FID needs no account of one's own.
				Err(_) if parse_fid(target).is_some() => AccountKey::parse("//deoss-reader")?,
				Err(error) => return Err(error),
			};
			let signer = key.keypair.clone();
			let client = DeossClient::with_account_key(chain.clone(), &key)?;
			let request_for = |fid| GetRequest { target: Target::Fid(fid), range: None, raw: *raw };
			if *recursive {
				let (bucket, prefix) = split_path(target);
				let dir = PathBuf::from(destination.as_deref().unwrap_or("."));
				let objects =
					chain.objects(&signer.public_key().0, Some(bucket.as_bytes())).await?;
				for object in objects {
					let name = String::from_utf8_lossy(&object.name).into_owned();
					let Some(relative) = name.strip_prefix(prefix) else { continue };
					let relative = relative.trim_start_matches('/');
					if relative.split('/').any(|part| part == ".." || part.is_empty()) {
						bail!("refusing to write {name}: its key is not a plain relative path");
					}
					let path = dir.join(relative);
					let size =
						fetch_to_file(&client, &progress, request_for(object.fid), &path, &name)
							.await?;
					out.print(
						json!({"bucket": bucket, "key": name, "path": path, "size": size}),
						|| format!("{bucket}/{name} -> {}", path.display()),
					);
				}
				return Ok(());
			}
			let fid = resolve(&cli, &chain, target).await?;
			let mut request = request_for(fid);
			if let Some(range) = range {
				let (start, end) = range
					.split_once('-')
					.ok_or_else(|| anyhow!("--range is START-END, e.g. 0-1023"))?;
				let start: u64 = start.parse().context("--range start")?;
				let end: u64 = end.parse().context("--range end")?;
				if end < start {
					bail!("--range {range} ends before it starts");
				}
				request.range = Some((start, end + 1));
			}
			match destination.as_deref() {
				Some("-") => {
					client.get(request, std::io::stdout()).await?;
				}
				other => {
					let path = PathBuf::from(match other {
						Some(path) => path.to_string(),
						None => split_path(target)
							.1
							.rsplit('/')
							.next()
							.filter(|name| !name.is_empty())
							.unwrap_or(target)
							.to_string(),
					});
					let size = fetch_to_file(&client, &progress, request, &path, target).await?;
					out.print(json!({"fid": fid.to_string(), "path": path, "size": size}), || {
						format!("{target} -> {} ({size} bytes)", path.display())
					});
				}
			}
		}
	}
	Ok(())
}

/// zstd level of `--compress`.
const ZSTD_LEVEL: i32 = deoss_pipeline::compress::DEFAULT_LEVEL;

/// How one upload of a `put` ended well.
enum Done {
	Stored(deoss_client::PutOutcome),
	/// An earlier run stored the same bytes under this key.
	AlreadyStored(Fid),
}

/// Writes a download to a temporary file next to `path` and renames it into place
/// only once every byte was fetched and verified.
async fn fetch_to_file(
	client: &DeossClient,
	progress: &Progress,
	request: GetRequest,
	path: &Path,
	label: &str,
) -> Result<u64> {
	if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
		std::fs::create_dir_all(parent)?;
	}
	let partial = path.with_extension(format!(
		"{}deoss-partial",
		path.extension().map(|ext| format!("{}.", ext.to_string_lossy())).unwrap_or_default()
	));
	let bar = progress.object(label, None);
	bar.set_message("downloading");
	let file = std::fs::File::create(&partial)
		.with_context(|| format!("creating {}", partial.display()))?;
	let result = client.get(request, std::io::BufWriter::new(bar.wrap_write(file))).await;
	bar.finish_and_clear();
	match result {
		Ok(report) => {
			std::fs::rename(&partial, path)?;
			Ok(report.bytes)
		}
		Err(error) => {
			let _ = std::fs::remove_file(&partial);
			Err(error.into())
		}
	}
}

fn tempfile_dir() -> Result<tempfile::TempDir> {
	Ok(tempfile::tempdir()?)
}

/// `(file, object name, spooled from stdin)` for every upload of a `put`.
fn put_jobs(
	sources: &[String],
	key: &str,
	recursive: bool,
	spool: &Path,
) -> Result<Vec<(PathBuf, String, bool)>> {
	let many = sources.len() > 1 || recursive;
	let mut jobs = Vec::new();
	for source in sources {
		if source == "-" {
			if key.is_empty() || key.ends_with('/') {
				bail!("uploading stdin needs a key: BUCKET/KEY");
			}
			let path = spool.join("stdin");
			let mut file = std::fs::File::create(&path)?;
			std::io::copy(&mut std::io::stdin().lock(), &mut file)?;
			jobs.push((path, key.to_string(), true));
			continue;
		}
		let path = PathBuf::from(source);
		let meta = std::fs::metadata(&path).with_context(|| format!("{source}: no such file"))?;
		if meta.is_dir() {
			if !recursive {
				bail!("{source} is a directory: add -r to upload everything in it");
			}
			let mut files = Vec::new();
			walk(&path, &mut files)?;
			for file in files {
				let relative = file
					.strip_prefix(&path)?
					.to_string_lossy()
					.replace(std::path::MAIN_SEPARATOR, "/");
				jobs.push((file, join_key(key, &relative), false));
			}
		} else {
			let file_name = path
				.file_name()
				.map(|name| name.to_string_lossy().into_owned())
				.unwrap_or_default();
			let name = if !many && !key.is_empty() && !key.ends_with('/') {
				key.to_string()
			} else {
				join_key(key, &file_name)
			};
			jobs.push((path, name, false));
		}
	}
	Ok(jobs)
}

fn join_key(prefix: &str, name: &str) -> String {
	if prefix.is_empty() {
		name.to_string()
	} else {
		format!("{}/{name}", prefix.trim_end_matches('/'))
	}
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
	let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
	entries.sort_by_key(|entry| entry.path());
	for entry in entries {
		let kind = entry.file_type()?;
		if kind.is_dir() {
			walk(&entry.path(), files)?;
		} else if kind.is_file() {
			files.push(entry.path());
		}
	}
	Ok(())
}

/// `BUCKET[/KEY]` split at the first slash.
fn split_path(path: &str) -> (&str, &str) {
	path.split_once('/').unwrap_or((path, ""))
}

fn object_path(path: &str) -> Result<(&str, &str)> {
	match split_path(path) {
		(bucket, key) if !bucket.is_empty() && !key.is_empty() => Ok((bucket, key)),
		_ => bail!("{path:?} is not BUCKET/KEY"),
	}
}

fn parse_fid(text: &str) -> Option<Fid> {
	(text.len() >= 64 && !text.contains('/')).then(|| deoss_protocol::parse_fid(text)).flatten()
}

/// The FID of `target`: a FID itself, or the account's BUCKET/KEY.
async fn resolve(cli: &Cli, chain: &Chain, target: &str) -> Result<Fid> {
	if let Some(fid) = parse_fid(target) {
		return Ok(fid);
	}
	let (bucket, key) = object_path(target)?;
	let owner: AccountId = cli.signer()?.public_key().0;
	chain
		.object_fid(&owner, bucket.as_bytes(), key.as_bytes())
		.await?
		.ok_or_else(|| anyhow!("no object {target}; `deoss ls {bucket}` lists what there is"))
}

fn parse_layout(text: &str, replicas: u8) -> Result<Layout> {
	deoss_protocol::parse_layout(text, replicas).map_err(|error| anyhow!("--layout: {error}"))
}

fn parse_region(text: &str) -> Result<[u8; 2]> {
	deoss_protocol::parse_region(text).map_err(anyhow::Error::msg)
}

/// `DE,FR`, `EU`, or a mix.
fn parse_regions(text: &str) -> Result<Vec<[u8; 2]>> {
	deoss_protocol::parse_regions(text).map_err(|error| anyhow!("--regions: {error}"))
}

fn parse_duration(text: &str) -> Result<u64> {
	let (number, unit) = text.split_at(text.len().saturating_sub(1));
	let number: u64 = number
		.parse()
		.map_err(|_| anyhow!("--expires is a number and a unit: 30d, 12h, 90m, 45s"))?;
	let scale = match unit {
		"d" => 86_400,
		"h" => 3_600,
		"m" => 60,
		"s" => 1,
		_ => bail!("--expires is a number and a unit: 30d, 12h, 90m, 45s"),
	};
	Ok(number * scale)
}

fn bytes(count: u64) -> String {
	let units = ["B", "KiB", "MiB", "GiB", "TiB"];
	let mut value = count as f64;
	let mut unit = 0;
	while value >= 1024.0 && unit + 1 < units.len() {
		value /= 1024.0;
		unit += 1;
	}
	if unit == 0 {
		format!("{count} B")
	} else {
		format!("{value:.1} {}", units[unit])
	}
}

fn doss(amount: u128) -> String {
	format!("{}.{:03}", amount / 1_000_000_000_000, amount % 1_000_000_000_000 / 1_000_000_000)
}
