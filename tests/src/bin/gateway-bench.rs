//! Benchmarks of the gateway on the dev system (real processes on loopback, default
//! 4+8 layout, 14 miners): GETs of a 1 MiB object, cached and cold, against a plain
//! static HTTP server serving the same bytes from disk; and aws-cli `s3 cp` of 256 MiB
//! up and down against `deoss put`/`get` straight to the network. Prints Markdown
//! tables for BENCHMARKS.md.
//!
//! ```sh
//! cargo build --workspace --all-targets && cargo run -p deoss-e2e --bin gateway-bench
//! ```

use std::{
	process::Command,
	time::{Duration, Instant},
};

use anyhow::{ensure, Context, Result};
use deoss_chain::{calls, signer::parse_secret, Keypair};
use deoss_e2e::{
	cli_binary,
	market::object_bytes,
	system::{GatewaySetup, System, SystemConfig},
};

const MIB: usize = 1024 * 1024;
/// Requests per latency series.
const REQUESTS: usize = 200;
/// Distinct objects read once each for the cold series.
const COLD: usize = 20;

async fn signed_get(
	http: &reqwest::Client,
	rest: &str,
	signer: &Keypair,
	path: &str,
) -> Result<Vec<u8>> {
	let signature = deoss_protocol::SignedRequest::sign(signer, "GET", path, b"");
	let mut request = http.get(format!("{rest}{path}"));
	for (name, value) in &signature.headers {
		request = request.header(*name, value);
	}
	let response = request.send().await?;
	ensure!(response.status().is_success(), "GET {path}: {}", response.status());
	Ok(response.bytes().await?.to_vec())
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
	times.sort();
	let at =
		|q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
	(at(0.50), at(0.99))
}

/// A static file server: every request reads the file from disk and sends it.
async fn static_server(path: std::path::PathBuf) -> Result<String> {
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
	let address = listener.local_addr()?;
	let app = axum::Router::new().route(
		"/object",
		axum::routing::get(move || {
			let path = path.clone();
			async move { tokio::fs::read(&path).await.map_err(|_| axum::http::StatusCode::NOT_FOUND) }
		}),
	);
	tokio::spawn(async move { axum::serve(listener, app).await });
	Ok(format!("http://{address}/object"))
}

fn timed(command: &mut Command) -> Result<f64> {
	let started = Instant::now();
	let output = command.output()?;
	ensure!(
		output.status.success(),
		"{command:?} failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	Ok(started.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> Result<()> {
	let config = SystemConfig { gateway: Some(GatewaySetup::default()), ..SystemConfig::default() };
	let system = System::start(config).await?;
	let alice = parse_secret("//Alice")?;
	system.chain.submit(&calls::buy_space(8, 30), &alice).await?;
	system.chain.submit(&calls::create_bucket(b"bench"), &alice).await?;
	system.authorize_gateway(&alice, None).await?;
	let rest = system.gateway.as_ref().context("a gateway")?.endpoint.clone();
	let http = reqwest::Client::new();

	// 1 MiB objects through the REST API.
	let bytes = object_bytes(MIB);
	let put = |name: String, body: Vec<u8>| {
		let http = http.clone();
		let rest = rest.clone();
		let alice = alice.clone();
		async move {
			let path = format!("/v1/objects/bench/{name}");
			let signature = deoss_protocol::SignedRequest::sign(&alice, "PUT", &path, &body);
			let mut request = http.put(format!("{rest}{path}")).body(body);
			for (header, value) in &signature.headers {
				request = request.header(*header, value);
			}
			let response = request.send().await?;
			ensure!(response.status() == 201, "PUT {path}: {}", response.status());
			anyhow::Ok(())
		}
	};
	put("hot".into(), bytes.clone()).await?;
	for n in 0..COLD {
		let mut distinct = bytes.clone();
		distinct[0] = n as u8;
		distinct[1] = 0xA5;
		put(format!("cold-{n}"), distinct).await?;
	}
	let file = system.dir.join("static-object");
	std::fs::write(&file, &bytes)?;
	let static_url = static_server(file).await?;

	let mut cold = Vec::new();
	for n in 0..COLD {
		let started = Instant::now();
		let got = signed_get(&http, &rest, &alice, &format!("/v1/objects/bench/cold-{n}")).await?;
		cold.push(started.elapsed());
		ensure!(got.len() == MIB);
	}
	ensure!(
		signed_get(&http, &rest, &alice, "/v1/objects/bench/hot").await? == bytes,
		"the object comes back"
	);
	let mut cached = Vec::new();
	let mut plain = Vec::new();
	for _ in 0..REQUESTS {
		let started = Instant::now();
		let got = signed_get(&http, &rest, &alice, "/v1/objects/bench/hot").await?;
		cached.push(started.elapsed());
		ensure!(got.len() == MIB);
		let started = Instant::now();
		let got = http.get(&static_url).send().await?.bytes().await?;
		plain.push(started.elapsed());
		ensure!(got.len() == MIB);
	}
	let (static_p50, static_p99) = percentiles(plain);
	let (cached_p50, cached_p99) = percentiles(cached);
	let (cold_p50, cold_p99) = percentiles(cold);
	println!(
		"| GET of a 1 MiB object on loopback | p50 ms | p99 ms | p50 vs static | p99 vs static |"
	);
	println!("|---|---|---|---|---|");
	println!("| static HTTP server, file read from disk each time ({REQUESTS}) | {static_p50:.2} | {static_p99:.2} | 1.00 | 1.00 |");
	println!("| gateway, cached, signed request ({REQUESTS}) | {cached_p50:.2} | {cached_p99:.2} | {:.2} | {:.2} |", cached_p50 / static_p50, cached_p99 / static_p99);
	println!("| gateway, cold: read from 4 of 12 miners ({COLD} objects) | {cold_p50:.2} | {cold_p99:.2} | {:.2} | {:.2} |", cold_p50 / static_p50, cold_p99 / static_p99);

	// 256 MiB: aws-cli through the gateway against the CLI straight to the network.
	let big = system.dir.join("big.bin");
	std::fs::write(&big, object_bytes(256 * MIB))?;
	let back = system.dir.join("big.back");
	let (key, secret) = {
		let signature = deoss_protocol::SignedRequest::sign(&alice, "POST", "/v1/credentials", b"");
		let mut request = http.post(format!("{rest}/v1/credentials"));
		for (name, value) in &signature.headers {
			request = request.header(*name, value);
		}
		let answer: serde_json::Value = request.send().await?.json().await?;
		(
			answer["access_key_id"].as_str().context("a key")?.to_string(),
			answer["secret_access_key"].as_str().context("a secret")?.to_string(),
		)
	};
	let aws = |args: &[&str]| {
		let mut command = Command::new("aws");
		command
			.args(args)
			.arg("--only-show-errors")
			.env("AWS_ACCESS_KEY_ID", &key)
			.env("AWS_SECRET_ACCESS_KEY", &secret)
			.env("AWS_ENDPOINT_URL", system.gateway_s3.as_deref().unwrap_or_default())
			.env("AWS_REGION", "us-east-1")
			.env("AWS_CONFIG_FILE", system.dir.join("aws-config"));
		command
	};
	let deoss = |args: &[&str]| -> Result<Command> {
		let mut command = Command::new(cli_binary()?);
		command
			.args(["--url", &system.url(), "--suri", "//Alice", "--quiet"])
			.args(args)
			.env("DEOSS_STATE_DIR", system.dir.join("cli-state"));
		Ok(command)
	};
	let big_path = big.to_str().context("UTF-8")?;
	let back_path = back.to_str().context("UTF-8")?;
	let cli_up =
		timed(deoss(&["put", big_path, "bench/direct.bin"])?.arg("--regions").arg("DE,FR,US"))?;
	let cli_down = timed(&mut deoss(&["get", "bench/direct.bin", back_path])?)?;
	ensure!(std::fs::read(&back)? == std::fs::read(&big)?, "deoss get is byte-exact");
	std::fs::remove_file(&back)?;
	// Other bytes, so the chain does not deduplicate the second upload.
	let mut other = std::fs::read(&big)?;
	for byte in other.iter_mut().step_by(4096) {
		*byte ^= 0x5A;
	}
	std::fs::write(&big, &other)?;
	drop(other);
	let aws_up = timed(&mut aws(&["s3", "cp", big_path, "s3://bench/through-gateway.bin"]))?;
	let aws_down = timed(&mut aws(&["s3", "cp", "s3://bench/through-gateway.bin", back_path]))?;
	ensure!(std::fs::read(&back)? == std::fs::read(&big)?, "aws s3 cp is byte-exact");
	println!();
	println!("| 256 MiB (4+8) | aws-cli `s3 cp` through the gateway, s | `deoss` straight to the network, s | ratio |");
	println!("|---|---|---|---|");
	println!("| up | {aws_up:.1} | {cli_up:.1} | {:.2} |", aws_up / cli_up);
	println!("| down | {aws_down:.1} | {cli_down:.1} | {:.2} |", aws_down / cli_down);
	Ok(())
}
