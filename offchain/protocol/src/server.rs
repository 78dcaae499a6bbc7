//! What every DeOSS daemon needs to serve the protocol: [`ApiError`] answers with the
//! right status and an [`ErrorBody`], logging set-up, and a future that completes on
//! SIGINT or SIGTERM.

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};

use crate::{AuthError, ErrorBody};

/// An error answer: status, stable code, reason, and whether a retry may succeed.
#[derive(Debug, Clone)]
pub struct ApiError {
	/// HTTP status.
	pub status: StatusCode,
	/// The JSON body.
	pub body: ErrorBody,
}

impl ApiError {
	/// An answer with `status`, `code` and `reason`; not retryable.
	pub fn new(status: StatusCode, code: &str, reason: impl Into<String>) -> Self {
		Self { status, body: ErrorBody { error: code.into(), reason: reason.into(), retry: false } }
	}

	/// 400: the request itself is wrong.
	pub fn bad_request(code: &str, reason: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, code, reason)
	}

	/// 403: the caller may not do this.
	pub fn forbidden(code: &str, reason: impl Into<String>) -> Self {
		Self::new(StatusCode::FORBIDDEN, code, reason)
	}

	/// 404: no such thing.
	pub fn not_found(code: &str, reason: impl Into<String>) -> Self {
		Self::new(StatusCode::NOT_FOUND, code, reason)
	}

	/// 409: the request conflicts with the current state.
	pub fn conflict(code: &str, reason: impl Into<String>) -> Self {
		Self::new(StatusCode::CONFLICT, code, reason)
	}

	/// 503: the service cannot answer now; retry later.
	pub fn unavailable(code: &str, reason: impl Into<String>) -> Self {
		let mut error = Self::new(StatusCode::SERVICE_UNAVAILABLE, code, reason);
		error.body.retry = true;
		error
	}

	/// 500: something broke on the service's side; retry later.
	pub fn internal(reason: impl Into<String>) -> Self {
		let mut error = Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", reason);
		error.body.retry = true;
		error
	}
}

impl From<AuthError> for ApiError {
	fn from(error: AuthError) -> Self {
		let code = match error {
			AuthError::Missing(_) => "unsigned",
			AuthError::Malformed(_) => "malformed_signature",
			AuthError::DigestMismatch => "digest_mismatch",
			AuthError::Skewed(_) => "clock_skew",
			AuthError::BadSignature => "bad_signature",
			AuthError::Replayed => "replayed",
		};
		Self::new(StatusCode::UNAUTHORIZED, code, error.to_string())
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		if self.status.is_server_error() {
			tracing::warn!(code = %self.body.error, reason = %self.body.reason, "request failed");
		} else {
			tracing::info!(status = %self.status, code = %self.body.error, reason = %self.body.reason, "request refused");
		}
		(self.status, Json(self.body)).into_response()
	}
}

/// Logs to stderr with `RUST_LOG` filtering (default `info`).
pub fn init_tracing() {
	let filter = tracing_subscriber::EnvFilter::try_from_default_env()
		.unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
	let _ =
		tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Completes on the first SIGINT or SIGTERM.
pub async fn shutdown_signal() {
	let interrupt = tokio::signal::ctrl_c();
	#[cfg(unix)]
	{
		let mut terminate =
			tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
				.expect("installing the SIGTERM handler");
		tokio::select! {
			_ = interrupt => {}
			_ = terminate.recv() => {}
		}
	}
	#[cfg(not(unix))]
	let _ = interrupt.await;
	tracing::info!("stopping on signal");
}

/// Reads the TOML configuration at `path`; `relative` lists the path fields that are
/// taken from the configuration file's directory when relative.
pub fn load_config<T: serde::de::DeserializeOwned>(
	path: &std::path::Path,
	relative: impl FnOnce(&mut T) -> Vec<&mut std::path::PathBuf>,
) -> Result<T, String> {
	let text = std::fs::read_to_string(path)
		.map_err(|error| format!("reading the configuration {}: {error}", path.display()))?;
	let mut config: T =
		toml::from_str(&text).map_err(|error| format!("parsing {}: {error}", path.display()))?;
	let base = path.parent().unwrap_or(std::path::Path::new("."));
	for file in relative(&mut config) {
		if file.is_relative() {
			*file = base.join(&*file);
		}
	}
	Ok(config)
}

/// The exit of a daemon's `main`: success, or the error with its causes on stderr
/// (`name: what failed: why`) and a failure code.
pub fn exit_code<E: std::fmt::Display>(
	name: &str,
	result: Result<(), E>,
) -> std::process::ExitCode {
	match result {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("{name}: {error:#}");
			std::process::ExitCode::FAILURE
		}
	}
}
