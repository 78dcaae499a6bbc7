//! The REST API: `/health`, `/metrics`, and under `/v1/` what the gateway is
//! (`GET /v1/gateway`) and S3 credentials (`POST /v1/credentials`, signed with the
//! user's chain key over method, path, body digest and a timestamp; replays refused
//! through the database, so two gateways on one database refuse the same replays).

use std::{sync::Arc, time::Duration};

use axum::{
	body::Bytes,
	extract::State,
	http::{HeaderMap, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use deoss_chain::{signer::ss58, Scope};
use deoss_protocol::{auth::MAX_SKEW, server::ApiError, verify_signature, AuthError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{batch, objects, share, state::now_ms, tus, Gateway};

/// Route of the credentials request.
pub const CREDENTIALS_PATH: &str = "/v1/credentials";
/// Route describing the gateway.
pub const GATEWAY_PATH: &str = "/v1/gateway";

/// What `GET /v1/gateway` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GatewayDescription {
	/// The gateway's account (SS58), the operator users authorize.
	pub account: String,
	/// The same, as 0x hex.
	pub account_hex: String,
	/// The S3 endpoint.
	pub s3_endpoint: String,
	/// Default regions of new objects.
	pub regions: Vec<String>,
}

/// What `POST /v1/credentials` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuedCredentials {
	/// `AWS_ACCESS_KEY_ID`.
	pub access_key_id: String,
	/// `AWS_SECRET_ACCESS_KEY`.
	pub secret_access_key: String,
	/// `AWS_ENDPOINT_URL`.
	pub endpoint: String,
	/// The account the keys act as (SS58).
	pub account: String,
}

/// The REST router.
pub fn router(gateway: Arc<Gateway>) -> Router {
	Router::new()
		.route("/health", get(health))
		.route("/metrics", get(metrics))
		.route(GATEWAY_PATH, get(describe))
		.route(CREDENTIALS_PATH, post(credentials))
		.route("/v1/openapi.json", get(openapi))
		.route(tus::UPLOADS_PATH, post(tus::create).options(tus::options))
		.route(
			"/v1/uploads/{id}",
			axum::routing::head(tus::head).patch(tus::patch).delete(tus::terminate),
		)
		.route(
			"/v1/objects/{bucket}/{*key}",
			get(objects::get_object).put(objects::put_object).delete(objects::delete_object),
		)
		.route("/v1/objects/{bucket}", get(objects::list_objects))
		.route("/v1/shares/{bucket}/{*key}", post(share::grant))
		.route("/v1/shared/{owner}/{bucket}/{*key}", get(share::open))
		.route("/v1/batch/{bucket}", post(batch::upload))
		.route("/v1/batch/{bucket}/download", post(batch::download))
		.route("/v1/files/{fid}", get(objects::get_file))
		.route("/v1/location/{bucket}/{*key}", get(objects::location))
		.with_state(gateway)
}

/// The OpenAPI 3 document of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

async fn openapi() -> Response {
	([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn health(State(gateway): State<Arc<Gateway>>) -> Response {
	match tokio::time::timeout(Duration::from_secs(5), gateway.chain().finalized_number()).await {
		Ok(Ok(block)) => Json(json!({"status": "ok", "finalized_block": block})).into_response(),
		Ok(Err(error)) => (
			StatusCode::SERVICE_UNAVAILABLE,
			Json(json!({"status": "unavailable", "reason": format!("the chain: {error}")})),
		)
			.into_response(),
		Err(_) => (
			StatusCode::SERVICE_UNAVAILABLE,
			Json(json!({"status": "unavailable", "reason": "the chain did not answer within 5 s"})),
		)
			.into_response(),
	}
}

async fn metrics(State(gateway): State<Arc<Gateway>>) -> Response {
	([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], gateway.metrics.render())
		.into_response()
}

async fn describe(State(gateway): State<Arc<Gateway>>) -> Json<GatewayDescription> {
	let account = gateway.account();
	Json(GatewayDescription {
		account: ss58(&account),
		account_hex: format!("0x{}", hex::encode(account)),
		s3_endpoint: gateway.s3_endpoint.clone(),
		regions: gateway
			.regions
			.iter()
			.map(|region| String::from_utf8_lossy(region).into_owned())
			.collect(),
	})
}

/// Checks a signed request and records its signature; the signer's account.
pub fn verify(
	gateway: &Gateway,
	headers: &HeaderMap,
	method: &str,
	path: &str,
	body: &[u8],
) -> Result<[u8; 32], ApiError> {
	let (account, signature) =
		verify_signature(headers, method, path, body, now_ms() as u64).map_err(ApiError::from)?;
	let horizon = now_ms() + 2 * MAX_SKEW.as_millis() as i64;
	match gateway.state.first_seen(&signature, horizon) {
		Ok(true) => Ok(account),
		Ok(false) => Err(ApiError::from(AuthError::Replayed)),
		Err(error) => Err(ApiError::internal(format!("the gateway's database: {error}"))),
	}
}

async fn credentials(
	State(gateway): State<Arc<Gateway>>,
	headers: HeaderMap,
	body: Bytes,
) -> Result<Json<IssuedCredentials>, ApiError> {
	let account = verify(&gateway, &headers, "POST", CREDENTIALS_PATH, &body)?;
	// Keys are useless without an authorization: say so now rather than at first use.
	for scope in [Scope::Upload, Scope::ReadShare] {
		match gateway.authorized(&account, scope).await {
			Ok(Ok(())) => {}
			Ok(Err(denied)) => {
				return Err(ApiError::forbidden("not_authorized", denied.to_string()))
			}
			Err(error) => {
				return Err(ApiError::unavailable("chain", format!("the chain: {error}")))
			}
		}
	}
	let credential = gateway
		.state
		.create_credential(&account)
		.map_err(|error| ApiError::internal(format!("the gateway's database: {error}")))?;
	gateway.metrics.request("rest", "credentials", 200);
	tracing::info!(account = %ss58(&account), access_key = %credential.access_key, "issued S3 credentials");
	Ok(Json(IssuedCredentials {
		access_key_id: credential.access_key,
		secret_access_key: credential.secret_key,
		endpoint: gateway.s3_endpoint.clone(),
		account: ss58(&account),
	}))
}
