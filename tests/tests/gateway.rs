//! The gateway against a real dev system: its S3 API driven by boto3, aws-cli and
//! rclone (`tests/gateway/test_s3.py`, run with pytest), credentials obtained with
//! `deoss gateway credentials`, refused for unsigned and replayed requests, denied for
//! revoked and expired authorizations, and a multipart upload that survives a gateway
//! restart.

use std::{
	path::Path,
	process::{Command, Output, Stdio},
	time::Duration,
};

use anyhow::{ensure, Context, Result};
use deoss_chain::{calls, signer::parse_secret, Keypair};
use deoss_e2e::{
	cli_binary,
	system::{GatewaySetup, System, SystemConfig},
};

fn deoss(system: &System, suri: &str, args: &[&str]) -> Result<Output> {
	Ok(Command::new(cli_binary()?)
		.args(["--url", &system.url(), "--suri", suri])
		.args(args)
		.env("DEOSS_STATE_DIR", system.dir.join("cli-state"))
		.stdin(Stdio::null())
		.output()?)
}

/// `(access key, secret)` from `deoss gateway credentials` as `suri`, with its stderr.
fn credentials(system: &System, suri: &str) -> Result<((String, String), String)> {
	let rest = &system.gateway.as_ref().context("a gateway")?.endpoint;
	let output = deoss(system, suri, &["gateway", "credentials", "--gateway", rest])?;
	let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
	ensure!(output.status.success(), "deoss gateway credentials failed: {stderr}");
	let stdout = String::from_utf8(output.stdout)?;
	let value = |name: &str| -> Result<String> {
		stdout
			.lines()
			.find_map(|line| line.strip_prefix(&format!("export {name}=")))
			.map(str::to_string)
			.with_context(|| format!("no {name} in {stdout}"))
	};
	ensure!(
		value("AWS_ENDPOINT_URL")? == *system.gateway_s3.as_ref().context("an S3 URL")?,
		"the endpoint printed is the gateway's S3 URL"
	);
	Ok(((value("AWS_ACCESS_KEY_ID")?, value("AWS_SECRET_ACCESS_KEY")?), stderr))
}

async fn buy_space(system: &System, user: &Keypair) -> Result<()> {
	system.chain.submit(&calls::buy_space(4, 30), user).await?;
	Ok(())
}

fn python(system: &System, args: &[&str], env: &[(&str, &str)]) -> Result<Output> {
	let mut command = Command::new("python3");
	command
		.args(args)
		.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("gateway"))
		.env("AWS_ENDPOINT_URL", system.gateway_s3.as_ref().context("an S3 URL")?)
		.env("GATEWAY_REST", &system.gateway.as_ref().context("a gateway")?.endpoint)
		.env("AWS_REGION", "us-east-1")
		.env("AWS_CONFIG_FILE", system.dir.join("aws-config"))
		.env("RCLONE_CONFIG", system.dir.join("rclone.conf"))
		.stdin(Stdio::null());
	for (name, value) in env {
		command.env(name, value);
	}
	Ok(command.output()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn gateway_serves_s3_clients_for_the_users_who_authorized_it() -> Result<()> {
	let config = SystemConfig {
		miners: 5,
		schedulers: 1,
		gateway: Some(GatewaySetup { layout: Some("2+2".into()), ..Default::default() }),
		..SystemConfig::default()
	};
	let mut system = System::start(config).await?;
	let result = run(&mut system).await;
	if result.is_err() {
		system.print_logs(40);
	}
	result
}

async fn run(system: &mut System) -> Result<()> {
	let gateway = system.gateway.as_ref().context("a gateway")?;
	let rest = gateway.endpoint.clone();
	let http = reqwest::Client::new();

	// Unsigned and replayed credential requests are refused.
	let unsigned = http.post(format!("{rest}/v1/credentials")).send().await?;
	ensure!(unsigned.status() == 401, "unsigned: {}", unsigned.status());
	let alice = parse_secret("//Alice")?;
	let signed = deoss_protocol::SignedRequest::sign(&alice, "POST", "/v1/credentials", b"");
	let send = || {
		let mut request = http.post(format!("{rest}/v1/credentials"));
		for (name, value) in &signed.headers {
			request = request.header(*name, value);
		}
		request.send()
	};
	// Alice has not authorized the gateway yet: 403 with the reason.
	let first = send().await?;
	ensure!(first.status() == 403, "before authorizing: {}", first.status());
	ensure!(first.text().await?.contains("has not authorized this gateway"));
	let replay = send().await?;
	ensure!(replay.status() == 401, "replayed: {}", replay.status());
	ensure!(replay.text().await?.contains("replay"));

	// The CLI grants the scopes, then prints the keys.
	buy_space(system, &alice).await?;
	let ((key, secret), stderr) = credentials(system, "//Alice")?;
	ensure!(stderr.contains("granted the gateway"), "the CLI says it authorized: {stderr}");
	let (_, again) = credentials(system, "//Alice")?;
	ensure!(!again.contains("granted"), "a second run grants nothing: {again}");

	// Bob revokes the gateway after getting keys; Charlie's authorization expires.
	let (revoked, _) = credentials(system, "//Bob")?;
	let gateway_account = deoss_chain::signer::ss58(&system.gateway.as_ref().unwrap().id());
	let output = deoss(system, "//Bob", &["revoke", &gateway_account])?;
	ensure!(output.status.success(), "revoke: {}", String::from_utf8_lossy(&output.stderr));
	let charlie = parse_secret("//Charlie")?;
	let expires_at = system.chain.finalized_number().await? as u32 + 6;
	system.authorize_gateway(&charlie, Some(expires_at)).await?;
	let (expired, _) = credentials(system, "//Charlie")?;
	while system.chain.finalized_number().await? < u64::from(expires_at) {
		tokio::time::sleep(Duration::from_millis(300)).await;
	}

	let output = python(
		system,
		&["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_s3.py"],
		&[
			("AWS_ACCESS_KEY_ID", &key),
			("AWS_SECRET_ACCESS_KEY", &secret),
			("REVOKED_KEY_ID", &revoked.0),
			("REVOKED_SECRET", &revoked.1),
			("EXPIRED_KEY_ID", &expired.0),
			("EXPIRED_SECRET", &expired.1),
		],
	)?;
	let report = format!(
		"{}\n{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
	println!("{report}");
	ensure!(output.status.success(), "the S3 client tests failed:\n{report}");

	// A multipart upload survives a restart of the gateway.
	let bucket = "restart-bucket";
	let state = system.dir.join("multipart.json");
	let state = state.to_str().context("a UTF-8 path")?;
	let env = [
		("AWS_ACCESS_KEY_ID", key.as_str()),
		("AWS_SECRET_ACCESS_KEY", secret.as_str()),
		("RESTART_BUCKET", bucket),
	];
	system.chain.submit(&calls::create_bucket(bucket.as_bytes()), &alice).await?;
	let begin = python(system, &["multipart_restart.py", "begin", state], &env)?;
	ensure!(begin.status.success(), "begin: {}", String::from_utf8_lossy(&begin.stderr));
	let gateway = system.gateway.as_mut().context("a gateway")?;
	ensure!(gateway.stop(), "the gateway stops on SIGTERM");
	gateway.start()?;
	system.wait_ready().await?;
	let finish = python(system, &["multipart_restart.py", "finish", state], &env)?;
	ensure!(finish.status.success(), "finish: {}", String::from_utf8_lossy(&finish.stderr));

	// A tus upload interrupted by a restart resumes where the gateway says it stopped.
	let file = system.dir.join("tus-source.bin");
	std::fs::write(&file, (0..(5 << 20) + 123u32).map(|n| (n % 253) as u8).collect::<Vec<_>>())?;
	let file = file.to_str().context("a UTF-8 path")?;
	let tus_state = system.dir.join("tus.json");
	let tus_state = tus_state.to_str().context("a UTF-8 path")?;
	let creation = deoss_protocol::SignedRequest::sign(&alice, "POST", "/v1/uploads", b"");
	let signed_headers = serde_json::to_string(
		&creation.headers.iter().cloned().collect::<std::collections::HashMap<_, _>>(),
	)?;
	let tus_env = [
		("AWS_ACCESS_KEY_ID", key.as_str()),
		("AWS_SECRET_ACCESS_KEY", secret.as_str()),
		("TUS_BUCKET", bucket),
		("TUS_SIGNED_HEADERS", signed_headers.as_str()),
	];
	let begin = python(system, &["tus_resume.py", "begin", file, tus_state], &tus_env)?;
	ensure!(begin.status.success(), "tus begin: {}", String::from_utf8_lossy(&begin.stderr));
	let gateway = system.gateway.as_mut().context("a gateway")?;
	ensure!(gateway.stop(), "the gateway stops on SIGTERM");
	gateway.start()?;
	system.wait_ready().await?;
	let finish = python(system, &["tus_resume.py", "finish", file, tus_state], &tus_env)?;
	ensure!(finish.status.success(), "tus finish: {}", String::from_utf8_lossy(&finish.stderr));

	rest_api(system, &alice, &charlie).await?;

	// A second gateway on the same database serves the same users: the keys the first
	// issued, the objects and metadata it recorded.
	let (mut second, s3) = second_gateway(system)?;
	second.start()?;
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	while !http
		.get(format!("{}/health", second.endpoint))
		.send()
		.await
		.is_ok_and(|r| r.status().is_success())
	{
		ensure!(
			std::time::Instant::now() < deadline,
			"the second gateway did not start:\n{}",
			second.log()
		);
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	let check = python(
		system,
		&["-c", "import boto3, os; s3 = boto3.client('s3', endpoint_url=os.environ['SECOND'], region_name='us-east-1'); got = s3.get_object(Bucket='restart-bucket', Key='tus/resumed.bin'); assert got['ContentType'] == 'application/x-resumed'; assert len(got['Body'].read()) == 5 * 1024 * 1024 + 123; print('served by the second gateway')"],
		&[("AWS_ACCESS_KEY_ID", &key), ("AWS_SECRET_ACCESS_KEY", &secret), ("SECOND", &s3)],
	)?;
	ensure!(
		check.status.success(),
		"second gateway: {}\n{}",
		String::from_utf8_lossy(&check.stderr),
		second.log()
	);
	ensure!(second.stop(), "the second gateway stops on SIGTERM");

	// Health and metrics.
	let health: serde_json::Value = http.get(format!("{rest}/health")).send().await?.json().await?;
	ensure!(health["status"] == "ok", "health: {health}");
	let metrics = http.get(format!("{rest}/metrics")).send().await?.text().await?;
	ensure!(
		metrics.contains("deoss_gateway_requests_total{api=\"s3\",op=\"GET\",status=\"200\"}"),
		"metrics count S3 requests: {metrics}"
	);
	Ok(())
}

/// A request to the gateway's REST API signed by `signer` over `body`.
async fn signed(
	rest: &str,
	signer: &Keypair,
	method: &str,
	path: &str,
	body: Vec<u8>,
	headers: &[(&str, &str)],
) -> Result<reqwest::Response> {
	let signature = deoss_protocol::SignedRequest::sign(signer, method, path, &body);
	let mut request =
		reqwest::Client::new().request(method.parse()?, format!("{rest}{path}")).body(body);
	for (name, value) in &signature.headers {
		request = request.header(*name, value);
	}
	for (name, value) in headers {
		request = request.header(*name, *value);
	}
	Ok(request.send().await?)
}

async fn rest_api(system: &System, alice: &Keypair, charlie: &Keypair) -> Result<()> {
	let rest = system.gateway.as_ref().context("a gateway")?.endpoint.clone();
	system.chain.submit(&calls::create_bucket(b"rest-bucket"), alice).await?;
	let body: Vec<u8> = (0..300_000u32).map(|n| (n % 251) as u8).collect();

	let put = signed(
		&rest,
		alice,
		"PUT",
		"/v1/objects/rest-bucket/docs/a.bin?compress=true&regions=DE,FR,US",
		body.clone(),
		&[("content-type", "application/x-test")],
	)
	.await?;
	ensure!(put.status() == 201, "REST put: {} {}", put.status(), put.text().await?);
	let stored: serde_json::Value = put.json().await?;
	ensure!(stored["compressed"] == true && stored["size"] == body.len());
	let fid = stored["fid"].as_str().context("a FID")?.to_string();

	let got =
		signed(&rest, alice, "GET", "/v1/objects/rest-bucket/docs/a.bin", Vec::new(), &[]).await?;
	ensure!(got.status() == 200, "REST get: {}", got.status());
	ensure!(got.headers()["content-type"] == "application/x-test");
	ensure!(got.bytes().await?.as_ref() == body.as_slice(), "REST get returns the object");
	let ranged = signed(
		&rest,
		alice,
		"GET",
		"/v1/objects/rest-bucket/docs/a.bin",
		Vec::new(),
		&[("range", "bytes=100-199")],
	)
	.await?;
	ensure!(ranged.status() == 206, "REST range: {}", ranged.status());
	ensure!(ranged.headers()["content-range"] == "bytes 100-199/300000");
	ensure!(ranged.bytes().await?.as_ref() == &body[100..200]);
	let outside = signed(
		&rest,
		alice,
		"GET",
		"/v1/objects/rest-bucket/docs/a.bin",
		Vec::new(),
		&[("range", "bytes=400000-")],
	)
	.await?;
	ensure!(outside.status() == 416, "REST range outside: {}", outside.status());
	let head =
		signed(&rest, alice, "HEAD", "/v1/objects/rest-bucket/docs/a.bin", Vec::new(), &[]).await?;
	ensure!(head.status() == 200 && head.headers()["content-length"] == "300000");
	let by_fid = signed(&rest, alice, "GET", &format!("/v1/files/{fid}"), Vec::new(), &[]).await?;
	ensure!(by_fid.bytes().await?.as_ref() == body.as_slice(), "get by FID");

	let location: serde_json::Value =
		signed(&rest, alice, "GET", "/v1/location/rest-bucket/docs/a.bin", Vec::new(), &[])
			.await?
			.json()
			.await?;
	let slots = location["slots"].as_array().context("slots")?;
	ensure!(slots.len() == 4, "2+2 has four slots: {location}");
	for slot in slots {
		let region = slot["region"].as_str().context("a region")?;
		ensure!(["DE", "FR", "US"].contains(&region), "slot region {region}");
		ensure!(slot["endpoint"]
			.as_str()
			.is_some_and(|endpoint| endpoint.starts_with("http://127.0.0.1:")));
	}
	let listed: serde_json::Value =
		signed(&rest, alice, "GET", "/v1/objects/rest-bucket?prefix=docs/", Vec::new(), &[])
			.await?
			.json()
			.await?;
	ensure!(
		listed["objects"][0]["key"] == "docs/a.bin" && listed["objects"][0]["size"] == 300000,
		"list: {listed}"
	);

	// A body other than the one signed, an account that never authorized the gateway,
	// and an expired authorization are refused.
	let signature = deoss_protocol::SignedRequest::sign(
		alice,
		"PUT",
		"/v1/objects/rest-bucket/x",
		b"signed body",
	);
	let mut forged =
		reqwest::Client::new().put(format!("{rest}/v1/objects/rest-bucket/x")).body("another body");
	for (name, value) in &signature.headers {
		forged = forged.header(*name, value);
	}
	let forged = forged.send().await?;
	ensure!(forged.status() == 401, "a changed body: {}", forged.status());
	ensure!(forged.text().await?.contains("digest_mismatch"));
	// An unsigned upload is refused (before its body is staged).
	let unsigned = reqwest::Client::new()
		.put(format!("{rest}/v1/objects/rest-bucket/unsigned"))
		.body(vec![0u8; 1024])
		.send()
		.await?;
	ensure!(unsigned.status() == 401, "an unsigned put: {}", unsigned.status());
	let dave = parse_secret("//Dave")?;
	let stranger =
		signed(&rest, &dave, "GET", "/v1/objects/rest-bucket/docs/a.bin", Vec::new(), &[]).await?;
	ensure!(stranger.status() == 403, "never authorized: {}", stranger.status());
	ensure!(stranger.text().await?.contains("has not authorized this gateway"));
	let expired = signed(&rest, charlie, "GET", "/v1/objects/any/key", Vec::new(), &[]).await?;
	ensure!(expired.status() == 403, "expired: {}", expired.status());
	ensure!(expired.text().await?.contains("expired"));

	// Encrypted for the owner: the gateway cannot read it back, the raw payload it can.
	let put = signed(
		&rest,
		alice,
		"PUT",
		"/v1/objects/rest-bucket/secret.txt?encrypt=true",
		b"for alice only".to_vec(),
		&[],
	)
	.await?;
	ensure!(put.status() == 201, "encrypted put: {}", put.status());
	let sealed =
		signed(&rest, alice, "GET", "/v1/objects/rest-bucket/secret.txt", Vec::new(), &[]).await?;
	ensure!(sealed.status() == 403, "encrypted get: {}", sealed.status());
	let raw =
		signed(&rest, alice, "GET", "/v1/objects/rest-bucket/secret.txt?raw=true", Vec::new(), &[])
			.await?;
	ensure!(raw.status() == 200, "raw get: {}", raw.status());
	let raw = raw.bytes().await?;
	ensure!(!raw.windows(8).any(|window| window == b"for alic"), "the raw payload is ciphertext");

	share_by_proxy_reencryption(system, &rest, alice).await?;

	let deleted =
		signed(&rest, alice, "DELETE", "/v1/objects/rest-bucket/docs/a.bin", Vec::new(), &[])
			.await?;
	ensure!(deleted.status() == 204, "delete: {}", deleted.status());
	let gone =
		signed(&rest, alice, "GET", "/v1/objects/rest-bucket/docs/a.bin", Vec::new(), &[]).await?;
	ensure!(gone.status() == 404, "after delete: {}", gone.status());

	// A batch: three files in one multipart body, declared together; then one archive.
	let files: [(&str, Vec<u8>); 3] = [
		("batch/one.txt", b"first file".to_vec()),
		("batch/two.bin", (0..70_000u32).map(|n| (n % 7) as u8).collect()),
		("batch/three.json", b"{\"n\": 3}".to_vec()),
	];
	let boundary = "deoss-batch-boundary-7d1f";
	let mut form = Vec::new();
	for (key, bytes) in &files {
		form.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{key}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
		form.extend_from_slice(bytes);
		form.extend_from_slice(b"\r\n");
	}
	form.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
	let content_type = format!("multipart/form-data; boundary={boundary}");
	let batch = signed(
		&rest,
		alice,
		"POST",
		"/v1/batch/rest-bucket",
		form,
		&[("content-type", &content_type)],
	)
	.await?;
	ensure!(batch.status() == 201, "batch upload: {} {}", batch.status(), batch.text().await?);
	let stored: serde_json::Value = batch.json().await?;
	ensure!(stored["stored"] == 3 && stored["failed"] == 0, "batch: {stored}");
	let keys: Vec<&str> = files.iter().map(|(key, _)| *key).collect();
	let wanted = serde_json::to_vec(&serde_json::json!({"keys": keys}))?;
	let archive = signed(
		&rest,
		alice,
		"POST",
		"/v1/batch/rest-bucket/download",
		wanted,
		&[("content-type", "application/json")],
	)
	.await?;
	ensure!(archive.status() == 200, "batch download: {}", archive.status());
	let archive = archive.bytes().await?;
	let mut entries = tar::Archive::new(&archive[..]);
	let mut unpacked = Vec::new();
	for entry in entries.entries()? {
		let mut entry = entry?;
		let path = entry.path()?.to_string_lossy().into_owned();
		let mut bytes = Vec::new();
		std::io::Read::read_to_end(&mut entry, &mut bytes)?;
		unpacked.push((path, bytes));
	}
	ensure!(
		unpacked.iter().map(|(key, bytes)| (key.as_str(), bytes.clone())).collect::<Vec<_>>()
			== files.iter().map(|(key, bytes)| (*key, bytes.clone())).collect::<Vec<_>>(),
		"the archive holds the three objects byte-exact"
	);
	let missing = signed(
		&rest,
		alice,
		"POST",
		"/v1/batch/rest-bucket/download",
		br#"{"keys": ["batch/none"]}"#.to_vec(),
		&[],
	)
	.await?;
	ensure!(missing.status() == 404, "a missing key: {}", missing.status());

	let openapi: serde_json::Value =
		reqwest::get(format!("{rest}/v1/openapi.json")).await?.json().await?;
	ensure!(
		openapi["openapi"] == "3.0.3"
			&& openapi["paths"]["/v1/objects/{bucket}/{key}"]["put"].is_object()
	);
	Ok(())
}

/// A second gateway process with the first one's key and data directory, on other
/// ports; and its S3 URL.
fn second_gateway(system: &System) -> Result<(deoss_e2e::system::Service, String)> {
	let first = system.gateway.as_ref().context("a gateway")?;
	let home = system.dir.join("gateway-2");
	std::fs::create_dir_all(&home)?;
	let free =
		|| -> Result<u16> { Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port()) };
	let (rest, s3) = (free()?, free()?);
	let first_home = first.config.parent().context("the first gateway's directory")?;
	let config = home.join("gateway.toml");
	std::fs::write(
		&config,
		format!(
			"chain_url = \"{}\"\nkey_file = \"{}\"\ndata_dir = \"{}\"\nrest_listen = \"127.0.0.1:{rest}\"\ns3_listen = \"127.0.0.1:{s3}\"\nregions = [\"DE\", \"FR\", \"US\"]\nlayout = \"2+2\"\n",
			system.url(),
			first_home.join("account.key").display(),
			first.data_dir.display(),
		),
	)?;
	let service = deoss_e2e::system::Service::new(
		"gateway-2",
		first.account.clone(),
		format!("http://127.0.0.1:{rest}"),
		String::new(),
		config,
		first.data_dir.clone(),
		deoss_e2e::gateway_binary()?,
		home.join("gateway.log"),
	);
	Ok((service, format!("http://127.0.0.1:{s3}")))
}

/// Alice lets Ferdie read her encrypted `rest-bucket/secret.txt` through the gateway:
/// she seals the object's cipher to her Umbral key and hands the gateway a key fragment
/// for Ferdie; the gateway re-encrypts the capsule for him, and only he can open it.
async fn share_by_proxy_reencryption(system: &System, rest: &str, alice: &Keypair) -> Result<()> {
	use codec::{Decode, Encode};
	use deoss_client::{format::ObjectHeader, DeossClient, GetRequest, Target};
	use deoss_pipeline::{
		sharing::{self, SecretKey, SharedKey, Signer},
		AccountSecret, ObjectCipher,
	};

	let raw_request = |who: &Keypair| {
		let client = DeossClient::new(system.chain.clone(), who.clone());
		let mut request = GetRequest::new(Target::Object {
			owner: Some(alice.public_key().0),
			bucket: b"rest-bucket".to_vec(),
			name: b"secret.txt".to_vec(),
		});
		request.raw = true;
		async move { client.get_bytes(request).await }
	};
	let ferdie = parse_secret("//Ferdie")?;
	let hexed = |bytes: &[u8]| format!("0x{}", hex::encode(bytes));

	// Alice, with her own key: the object's cipher from its header.
	let payload = raw_request(alice).await?;
	let (header, body_offset) =
		ObjectHeader::parse(&payload)?.context("an encrypted object has a header")?;
	let encryption = header.encryption.clone().context("encrypted")?;
	let alice_secret =
		AccountSecret::from_bytes(*deoss_chain::AccountKey::parse("//Alice")?.secret_scalar())?;
	let data_key = deoss_pipeline::unwrap_with_account(&encryption.owner_key, &alice_secret)?;
	let cipher = ObjectCipher::from_parts(data_key, encryption.nonce_prefix);
	let alice_umbral = SecretKey::random();
	let signer = Signer::new(SecretKey::random());
	let ferdie_umbral = SecretKey::random();
	let shared = SharedKey::seal(&cipher, &alice_umbral.public_key())?;
	let grant = sharing::grant(&alice_umbral, &signer, &ferdie_umbral.public_key(), 1, 1)?;
	let body = serde_json::to_vec(&serde_json::json!({
		"grantee": hexed(&ferdie.public_key().0),
		"shared_key": hexed(&shared.encode()),
		"key_fragment": hexed(&grant.key_fragments[0]),
		"owner_key": hexed(&alice_umbral.public_key().to_compressed_bytes()),
		"verifying_key": hexed(&signer.verifying_key().to_compressed_bytes()),
		"grantee_key": hexed(&ferdie_umbral.public_key().to_compressed_bytes()),
	}))?;
	let granted =
		signed(rest, alice, "POST", "/v1/shares/rest-bucket/secret.txt", body.clone(), &[]).await?;
	ensure!(granted.status() == 201, "share: {} {}", granted.status(), granted.text().await?);
	// A fragment checked against another grantee key is refused.
	let mut wrong: serde_json::Value = serde_json::from_slice(&body)?;
	wrong["grantee_key"] = hexed(&SecretKey::random().public_key().to_compressed_bytes()).into();
	let refused = signed(
		rest,
		alice,
		"POST",
		"/v1/shares/rest-bucket/secret.txt",
		serde_json::to_vec(&wrong)?,
		&[],
	)
	.await?;
	ensure!(refused.status() == 400, "a fragment for another key: {}", refused.status());

	// Ferdie: the capsule fragment from the gateway, the ciphertext from the miners.
	let path = format!("/v1/shared/{}/rest-bucket/secret.txt", hexed(&alice.public_key().0));
	let answer = signed(rest, &ferdie, "GET", &path, Vec::new(), &[]).await?;
	ensure!(answer.status() == 200, "shared: {}", answer.status());
	let answer: serde_json::Value = answer.json().await?;
	let unhex = |name: &str| -> Result<Vec<u8>> {
		Ok(hex::decode(answer[name].as_str().context("a field")?.trim_start_matches("0x"))?)
	};
	let shared = SharedKey::decode(&mut &unhex("shared_key")?[..])?;
	let owner_key = sharing::PublicKey::try_from_compressed_bytes(&unhex("owner_key")?)
		.map_err(anyhow::Error::msg)?;
	let verifying = sharing::PublicKey::try_from_compressed_bytes(&unhex("verifying_key")?)
		.map_err(anyhow::Error::msg)?;
	let fragment = unhex("capsule_fragment")?;
	let opened =
		shared.open_as_grantee(&ferdie_umbral, &owner_key, &verifying, &[fragment.clone()])?;
	let payload = raw_request(&ferdie).await?;
	let fid = <[u8; 32]>::try_from(unhex("fid")?).map_err(|_| anyhow::anyhow!("a FID"))?;
	let layout = system.chain.file(&deoss_primitives::Fid(fid)).await?.context("stored")?.layout();
	let options = header.options(Some(opened.key().clone()));
	let mut plain = Vec::new();
	std::io::Read::read_to_end(
		&mut deoss_pipeline::object_reader(&payload[body_offset..], &options, layout.segment_size)?,
		&mut plain,
	)?;
	ensure!(plain == b"for alice only", "Ferdie reads the shared object");
	// Nobody else opens the answer, and nobody else gets one.
	ensure!(shared
		.open_as_grantee(&SecretKey::random(), &owner_key, &verifying, &[fragment])
		.is_err());
	let dave = parse_secret("//Dave")?;
	let stranger = signed(rest, &dave, "GET", &path, Vec::new(), &[]).await?;
	ensure!(stranger.status() == 404, "not shared with Dave: {}", stranger.status());
	Ok(())
}
