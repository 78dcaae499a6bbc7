//! Put an object, get it back: the whole system as separate processes on loopback
//! (a dev node, two schedulers, fourteen miners in DE, FR and US), driven through the
//! SDK as a user would, and refused bad input sent straight at the daemons.
//!
//! One system serves every scenario, in order; each scenario says what it checks.

use std::{
	collections::{BTreeSet, HashSet},
	path::Path,
	time::Duration,
};

use anyhow::{anyhow, bail, ensure, Context, Result};
use codec::Encode;
use deoss_chain::{
	calls,
	events::{ChallengeFailed, ProofAccepted},
	signer::parse_secret,
	Chain, ChainEvent, Keypair,
};
use deoss_client::{DeossClient, GetRequest, PutOutcome, PutRequest, Target};
use deoss_e2e::{
	events::EventLog,
	market::object_bytes,
	system::{System, SystemConfig},
	wait_until,
};
use deoss_pipeline::{EncodedSegment, Encoder};
use deoss_primitives::{Fid, Layout};
use deoss_protocol::{routes, ErrorBody, SignedRequest};

const MIB: usize = 1024 * 1024;

/// Deals this test saw assigned, by scheduler.
#[derive(Default)]
struct Seen {
	schedulers: BTreeSet<[u8; 32]>,
}

#[tokio::test]
async fn put_get_and_refusals_against_the_whole_system() -> Result<()> {
	let mut system = System::start(SystemConfig::default()).await?;
	let result = scenarios(&mut system).await;
	if result.is_err() {
		system.print_logs(15);
	}
	result
}

async fn scenarios(system: &mut System) -> Result<()> {
	let chain = system.chain.clone();
	let events = EventLog::start(&system.node.client().await?).await?;
	let alice = parse_secret("//Alice")?;
	let bob = parse_secret("//Bob")?;
	for user in [&alice, &bob] {
		chain.submit(&calls::buy_space(8, 30), user).await?;
		chain.submit(&calls::create_bucket(b"e2e"), user).await?;
	}
	let alice_client = DeossClient::new(chain.clone(), alice.clone());
	let bob_client = DeossClient::new(chain.clone(), bob.clone());
	let mut seen = Seen::default();
	let all_regions = [*b"DE", *b"FR", *b"US"];

	// 1. A 64 MiB object with the default layout, a range of it, and small objects
	//    around the segment size.
	let big = object_bytes(64 * MIB);
	let stored = put(
		&alice_client,
		PutRequest::bytes("e2e", "big.bin", big.clone(), &all_regions),
		&mut seen,
	)
	.await?;
	let record = chain.file(&stored.fid).await?.context("the big file is recorded")?;
	ensure!(
		record.miners.len() == 12 && distinct(&record.miners) == 12,
		"12 distinct miners: {record:?}"
	);
	let back = alice_client.get_bytes(GetRequest::new(object(b"big.bin"))).await?;
	ensure!(back == big, "the 64 MiB object came back bit-exact ({} bytes)", back.len());
	let (start, end) = (10_000_000u64, 20_000_123u64);
	let mut ranged = GetRequest::new(object(b"big.bin"));
	ranged.range = Some((start, end));
	let part = alice_client.get_bytes(ranged).await?;
	ensure!(part == big[start as usize..end as usize], "the range came back bit-exact");
	let segment = Layout::default().segment_size as usize;
	for size in [0, 1, segment - 1, segment + 1] {
		let name = format!("small-{size}");
		let bytes = object_bytes(size);
		put(&alice_client, PutRequest::bytes("e2e", &name, bytes.clone(), &all_regions), &mut seen)
			.await?;
		let back = alice_client.get_bytes(GetRequest::new(object(name.as_bytes()))).await?;
		ensure!(back == bytes, "{size} bytes came back bit-exact");
	}

	// 2. Ten objects put at once by two users, through both schedulers.
	let puts = (0..10).map(|n| {
		let client = if n % 2 == 0 { alice_client.clone() } else { bob_client.clone() };
		let bytes = object_bytes(MIB + n * 4099);
		let name = format!("parallel-{n}");
		async move {
			let outcome = client
				.put(PutRequest::bytes("e2e", &name, bytes.clone(), &all_regions), |_| ())
				.await?;
			let back = client.get_bytes(GetRequest::new(object(name.as_bytes()))).await?;
			ensure!(back == bytes, "{name} came back bit-exact");
			anyhow::Ok(outcome)
		}
	});
	for outcome in futures::future::try_join_all(puts).await? {
		seen.schedulers.insert(outcome.scheduler);
	}

	// 3. Location: a deal allowed in FR only lands on FR miners; a pinned DE miner is
	//    used for a US deal.
	let small_layout = Layout { data_shards: 2, parity_shards: 2, ..Layout::default() };
	let mut in_france = PutRequest::bytes("e2e", "france.bin", object_bytes(300_000), &[*b"FR"]);
	in_france.layout = small_layout;
	let french = put(&alice_client, in_france, &mut seen).await?;
	for miner in &french.miners {
		let region = chain.miner(miner).await?.context("a registered holder")?.region;
		ensure!(&region == b"FR", "a FR-only deal landed in {}", String::from_utf8_lossy(&region));
	}
	// The same content put by another owner is not stored twice: Bob uploads it
	// to his deal's scheduler, which verifies it and has Bob added to the file.
	let mut copy = PutRequest::bytes("e2e", "france-copy.bin", object_bytes(300_000), &[*b"FR"]);
	copy.layout = small_layout;
	let shared = put(&bob_client, copy, &mut seen).await?;
	ensure!(
		shared.fid == french.fid && shared.miners == french.miners,
		"the copy is the same file on the same miners"
	);
	let owners = chain.file(&shared.fid).await?.context("the shared file")?.owners.len();
	ensure!(owners == 2, "Alice and Bob own the file: {owners} owners");
	let back = bob_client.get_bytes(GetRequest::new(object(b"france-copy.bin"))).await?;
	ensure!(back == object_bytes(300_000), "Bob reads his copy bit-exact");
	// A copy whose regions exclude the holders is refused when declared.
	let mut elsewhere = PutRequest::bytes("e2e", "france-us.bin", object_bytes(300_000), &[*b"US"]);
	elsewhere.layout = small_layout;
	match bob_client.put(elsewhere, |_| ()).await {
		Err(error) if error.to_string().contains("HoldersOutsideRegions") => {}
		other => anyhow::bail!("a copy outside the holders' regions was not refused: {other:?}"),
	}
	let pinned =
		system.miners.iter().find(|miner| miner.region == "DE").context("a DE miner")?.id();
	let mut with_pin = PutRequest::bytes("e2e", "pinned.bin", object_bytes(300_001), &[*b"US"]);
	with_pin.layout = small_layout;
	with_pin.pinned = vec![pinned];
	let outcome = put(&alice_client, with_pin, &mut seen).await?;
	ensure!(
		outcome.miners.contains(&pinned),
		"the pinned miner holds a column: {:?}",
		outcome.miners
	);

	// 4. Bad input, straight at the daemons: each refused with its reason, nothing
	//    stored or signed, no daemon down.
	refusals(system, &chain, &alice).await?;
	ensure!(
		seen.schedulers.len() == 2,
		"deals went through both schedulers: {:?}",
		seen.schedulers
	);

	// 5. The miners pass audit rounds for the columns they received over the network.
	let holders: BTreeSet<[u8; 32]> = record.miners.iter().copied().collect();
	let first_round = events
		.find::<ProofAccepted>("Audit", "ProofAccepted")?
		.iter()
		.map(|(_, proof)| proof.round)
		.max()
		.unwrap_or(0);
	wait_until(Duration::from_secs(90), "a round every holder of the big file passes", || async {
		let accepted = events.find::<ProofAccepted>("Audit", "ProofAccepted")?;
		let passed: BTreeSet<[u8; 32]> = accepted
			.iter()
			.filter(|(_, proof)| proof.round > first_round)
			.map(|(_, proof)| proof.miner)
			.collect();
		Ok(holders.is_subset(&passed).then_some(()))
	})
	.await?;
	let failed: Vec<String> = events
		.find::<ChallengeFailed>("Audit", "ChallengeFailed")?
		.into_iter()
		.map(|(_, failure)| format!("0x{} in round {}", hex::encode(failure.miner), failure.round))
		.collect();
	ensure!(failed.is_empty(), "no miner failed a challenge: {failed:?}");

	// 6. Deleting the object frees the miners' disk.
	let holder_dirs: Vec<_> = record
		.miners
		.iter()
		.map(|miner| {
			system
				.miner(miner)
				.map(|service| service.data_dir.join("store").join(stored.fid.to_string()))
		})
		.collect::<Option<_>>()
		.context("every holder is one of ours")?;
	ensure!(holder_dirs.iter().all(|dir| dir.exists()), "every holder keeps the column on disk");
	let before: u64 = holder_dirs.iter().map(|dir| dir_bytes(dir)).sum();
	ensure!(before >= 3 * 64 * MIB as u64, "the holders keep 3x the object: {before}");
	alice_client.delete(None, b"e2e", b"big.bin").await?;
	ensure!(chain.file(&stored.fid).await?.is_none(), "the file is gone from chain");
	wait_until(Duration::from_secs(30), "every holder drops the deleted file", || async {
		Ok(holder_dirs.iter().all(|dir| !dir.exists()).then_some(()))
	})
	.await?;

	for service in system.schedulers.iter_mut().chain(system.miners.iter_mut()) {
		ensure!(service.is_running(), "{} is still running", service.name);
	}
	Ok(())
}

fn object(name: &[u8]) -> Target {
	Target::Object { owner: None, bucket: b"e2e".to_vec(), name: name.to_vec() }
}

fn distinct(miners: &[[u8; 32]]) -> usize {
	miners.iter().collect::<HashSet<_>>().len()
}

fn dir_bytes(dir: &Path) -> u64 {
	std::fs::read_dir(dir)
		.map(|entries| {
			entries
				.filter_map(Result::ok)
				.filter_map(|entry| entry.metadata().ok())
				.map(|meta| meta.len())
				.sum()
		})
		.unwrap_or(0)
}

async fn put(client: &DeossClient, request: PutRequest, seen: &mut Seen) -> Result<PutOutcome> {
	let name = String::from_utf8_lossy(&request.name).into_owned();
	let outcome = client.put(request, |_| ()).await.with_context(|| format!("putting {name}"))?;
	let record =
		client.chain().file(&outcome.fid).await?.with_context(|| format!("{name} recorded"))?;
	ensure!(record.miners == outcome.miners, "the record names the miners FileStored named");
	seen.schedulers.insert(outcome.scheduler);
	Ok(outcome)
}

/// Sends `body` to `url` with `headers`; returns the status and the error body.
async fn send(
	http: &reqwest::Client,
	method: reqwest::Method,
	url: String,
	headers: &[(&'static str, String)],
	body: Vec<u8>,
) -> Result<(u16, Option<ErrorBody>)> {
	let mut request = http.request(method, url).body(body);
	for (name, value) in headers {
		request = request.header(*name, value);
	}
	let response = request.send().await?;
	let status = response.status().as_u16();
	let bytes = response.bytes().await?;
	Ok((status, serde_json::from_slice(&bytes).ok()))
}

/// A signed request of `signer`.
async fn signed(
	http: &reqwest::Client,
	signer: &Keypair,
	method: &str,
	endpoint: &str,
	path: &str,
	body: Vec<u8>,
) -> Result<(u16, Option<ErrorBody>)> {
	let headers = SignedRequest::sign(signer, method, path, &body).headers;
	send(
		http,
		reqwest::Method::from_bytes(method.as_bytes())?,
		routes::url(endpoint, path),
		&headers,
		body,
	)
	.await
}

fn expect(answer: (u16, Option<ErrorBody>), status: u16, code: &str) -> Result<()> {
	match answer {
		(got, Some(body)) if got == status && body.error == code => Ok(()),
		other => Err(anyhow!("expected {status} {code}, got {other:?}")),
	}
}

async fn refusals(system: &System, chain: &Chain, alice: &Keypair) -> Result<()> {
	let http = reqwest::Client::new();
	let charlie = parse_secret("//Charlie")?;

	// A deal whose payload the tests send by hand.
	let layout = Layout { data_shards: 2, parity_shards: 2, ..Layout::default() };
	let payload = object_bytes(100_000);
	let mut discard = |_: &EncodedSegment| Ok(());
	let encoded = Encoder::new(layout)?.encode(&payload[..], &mut discard)?;
	let declaration = calls::Declaration {
		owner: alice.public_key().0,
		bucket: b"e2e".to_vec(),
		name: b"refused.bin".to_vec(),
		size: payload.len() as u64,
		fid: encoded.fid,
		layout,
		regions: vec![*b"DE", *b"FR", *b"US"],
		pinned: Vec::new(),
		meta: Default::default(),
	};
	let tx = chain.submit(&calls::declare(&declaration), alice).await?;
	let assigned = ChainEvent::of_transaction(&tx)?
		.into_iter()
		.find_map(|event| match event {
			ChainEvent::DealAssigned(assigned) => Some(assigned),
			_ => None,
		})
		.context("the deal is assigned")?;
	let deal = assigned.deal;
	let scheduler = system
		.schedulers
		.iter()
		.find(|service| service.id() == assigned.scheduler)
		.context("one of ours")?;
	let other = system
		.schedulers
		.iter()
		.find(|service| service.id() != assigned.scheduler)
		.context("two schedulers")?;
	let endpoint = scheduler.endpoint.as_str();
	let at0 = routes::upload_at(deal, 0);
	let half = payload[..50_000].to_vec();

	// Scheduler: unknown deal, wrong scheduler, unsigned, forged, not the owner.
	expect(
		signed(&http, alice, "PUT", endpoint, &routes::upload_at(999_999, 0), half.clone()).await?,
		404,
		"deal_not_open",
	)?;
	expect(
		signed(&http, alice, "PUT", &other.endpoint, &at0, half.clone()).await?,
		409,
		"not_assigned_here",
	)?;
	expect(
		send(&http, reqwest::Method::PUT, routes::url(endpoint, &at0), &[], half.clone()).await?,
		401,
		"unsigned",
	)?;
	let mut forged = SignedRequest::sign(&charlie, "PUT", &at0, &half).headers;
	forged[0].1 = format!("0x{}", hex::encode(alice.public_key().0));
	expect(
		send(&http, reqwest::Method::PUT, routes::url(endpoint, &at0), &forged, half.clone())
			.await?,
		401,
		"bad_signature",
	)?;
	let mut tampered = SignedRequest::sign(alice, "PUT", &at0, &half).headers;
	tampered[2].1 = format!("0x{}", hex::encode([7u8; 32]));
	expect(
		send(&http, reqwest::Method::PUT, routes::url(endpoint, &at0), &tampered, half.clone())
			.await?,
		401,
		"digest_mismatch",
	)?;
	expect(
		signed(&http, &charlie, "PUT", endpoint, &at0, half.clone()).await?,
		403,
		"not_authorized",
	)?;
	ensure!(staged(&http, endpoint, deal).await? == 0, "nothing staged after refusals");

	// A part accepted once; its replay, a wrong offset and too many bytes refused.
	let first = SignedRequest::sign(alice, "PUT", &at0, &half).headers;
	let (status, _) =
		send(&http, reqwest::Method::PUT, routes::url(endpoint, &at0), &first, half.clone())
			.await?;
	ensure!(status == 200, "the first half is accepted: {status}");
	expect(
		send(&http, reqwest::Method::PUT, routes::url(endpoint, &at0), &first, half.clone())
			.await?,
		401,
		"replayed",
	)?;
	expect(
		signed(&http, alice, "PUT", endpoint, &routes::upload_at(deal, 10), half.clone()).await?,
		409,
		"wrong_offset",
	)?;
	let too_long = vec![0u8; 50_001];
	expect(
		signed(&http, alice, "PUT", endpoint, &routes::upload_at(deal, 50_000), too_long).await?,
		413,
		"too_many_bytes",
	)?;
	ensure!(staged(&http, endpoint, deal).await? == 50_000, "only the accepted half is staged");

	// The rest with one byte changed: the FID does not match, the payload is dropped
	// and nothing reaches a miner.
	let mut wrong = payload[50_000..].to_vec();
	wrong[123] ^= 1;
	expect(
		signed(&http, alice, "PUT", endpoint, &routes::upload_at(deal, 50_000), wrong).await?,
		400,
		"payload_refused",
	)?;
	ensure!(staged(&http, endpoint, deal).await? == 0, "the refused payload is dropped");
	for miner in &system.miners {
		let incoming = miner.data_dir.join("incoming");
		let entries = std::fs::read_dir(&incoming).map(|dir| dir.count()).unwrap_or(0);
		ensure!(
			entries == 0,
			"{} received nothing of a refused payload ({entries} entries)",
			miner.name
		);
	}

	// Miner: only the deal's scheduler may push, only what verifies is kept, no receipt
	// for an incomplete column.
	let scheduler_key = deoss_chain::load_signer(&scheduler.config.with_file_name("account.key"))?;
	let miner = &system.miners[0];
	let manifest = encoded.manifest.encode();
	let manifest_path = routes::column_manifest(deal, 0);
	expect(
		signed(&http, alice, "PUT", &miner.endpoint, &manifest_path, manifest.clone()).await?,
		403,
		"not_deal_scheduler",
	)?;
	expect(
		signed(
			&http,
			&scheduler_key,
			"PUT",
			&miner.endpoint,
			&routes::column_manifest(999_999, 0),
			manifest.clone(),
		)
		.await?,
		404,
		"deal_not_open",
	)?;
	let other_file = Encoder::new(layout)?.encode(&object_bytes(100_001)[..], &mut discard)?;
	expect(
		signed(
			&http,
			&scheduler_key,
			"PUT",
			&miner.endpoint,
			&manifest_path,
			other_file.manifest.encode(),
		)
		.await?,
		400,
		"fid_mismatch",
	)?;
	expect(
		signed(&http, &scheduler_key, "PUT", &miner.endpoint, &manifest_path, b"garbage".to_vec())
			.await?,
		400,
		"malformed_manifest",
	)?;
	expect(
		signed(
			&http,
			&scheduler_key,
			"PUT",
			&miner.endpoint,
			&routes::column_fragment(deal, 0, 0),
			vec![1; 25_000],
		)
		.await?,
		409,
		"manifest_first",
	)?;
	let (status, _) =
		signed(&http, &scheduler_key, "PUT", &miner.endpoint, &manifest_path, manifest.clone())
			.await?;
	ensure!(status == 201, "the deal's own manifest is kept: {status}");
	expect(
		signed(
			&http,
			&scheduler_key,
			"PUT",
			&miner.endpoint,
			&routes::column_fragment(deal, 0, 0),
			vec![1; 25_000],
		)
		.await?,
		400,
		"fragment_mismatch",
	)?;
	expect(
		signed(
			&http,
			&scheduler_key,
			"PUT",
			&miner.endpoint,
			&routes::column_fragment(deal, 0, 7),
			vec![1; 25_000],
		)
		.await?,
		400,
		"invalid_segment",
	)?;
	expect(
		signed(
			&http,
			&scheduler_key,
			"PUT",
			&miner.endpoint,
			&routes::column_manifest(deal, 9),
			manifest.clone(),
		)
		.await?,
		400,
		"invalid_column",
	)?;
	expect(
		signed(
			&http,
			&scheduler_key,
			"POST",
			&miner.endpoint,
			&routes::column_receipt(deal, 0),
			Vec::new(),
		)
		.await?,
		409,
		"column_incomplete",
	)?;
	let status: deoss_protocol::ColumnStatus = http
		.get(routes::url(&miner.endpoint, &routes::column_status(deal, 0)))
		.send()
		.await?
		.json()
		.await?;
	ensure!(status.manifest && status.held.is_empty(), "the miner holds no fragment: {status:?}");
	let (code, _) = send(
		&http,
		reqwest::Method::GET,
		routes::url(&miner.endpoint, &routes::file_fragment(&Fid([9; 32]), 0, 0)),
		&[],
		Vec::new(),
	)
	.await?;
	ensure!(code == 404, "an unknown fragment is 404: {code}");

	// The deal is cancelled; the miner drops what it had.
	chain.submit(&calls::cancel_deal(deal), alice).await?;
	let incoming = miner.data_dir.join("incoming").join(format!("{deal}.0"));
	wait_until(Duration::from_secs(20), "the miner drops the cancelled deal's column", || async {
		Ok((!incoming.exists()).then_some(()))
	})
	.await?;
	for service in system.schedulers.iter().chain(&system.miners) {
		let health = http.get(routes::url(&service.endpoint, routes::HEALTH)).send().await;
		if !health.is_ok_and(|answer| answer.status().is_success()) {
			bail!("{} stopped answering after the refusals", service.name);
		}
	}
	Ok(())
}

async fn staged(http: &reqwest::Client, endpoint: &str, deal: u64) -> Result<u64> {
	let status: deoss_protocol::UploadStatus =
		http.get(routes::url(endpoint, &routes::upload(deal))).send().await?.json().await?;
	Ok(status.received)
}
