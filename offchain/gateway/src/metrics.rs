//! Counters served at `/metrics` in the Prometheus text format.

use std::{
	collections::BTreeMap,
	fmt::Write,
	sync::{Arc, Mutex},
};

/// Named counters with labels, e.g. `deoss_gateway_requests_total{api="s3",op="PutObject"}`.
#[derive(Clone, Default)]
pub struct Metrics(Arc<Mutex<BTreeMap<(&'static str, String), u64>>>);

impl Metrics {
	/// Adds `value` to counter `name` with `labels` (`key="value"` pairs, comma-separated).
	pub fn add(&self, name: &'static str, labels: String, value: u64) {
		let mut counters = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		*counters.entry((name, labels)).or_default() += value;
	}

	/// One request of `api` for `op`, answered with `status`.
	pub fn request(&self, api: &str, op: &str, status: u16) {
		self.add(
			"deoss_gateway_requests_total",
			format!("api=\"{api}\",op=\"{op}\",status=\"{status}\""),
			1,
		);
	}

	/// `bytes` object bytes received (`direction = "in"`) or sent (`"out"`).
	pub fn bytes(&self, direction: &str, bytes: u64) {
		self.add("deoss_gateway_object_bytes_total", format!("direction=\"{direction}\""), bytes);
	}

	/// The current value of a counter (for tests).
	pub fn get(&self, name: &'static str, labels: &str) -> u64 {
		let counters = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		counters.get(&(name, labels.to_string())).copied().unwrap_or(0)
	}

	/// Every counter, in the Prometheus text exposition format.
	pub fn render(&self) -> String {
		let counters = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let mut out = String::new();
		let mut last = "";
		for ((name, labels), value) in counters.iter() {
			if *name != last {
				let _ = writeln!(out, "# TYPE {name} counter");
				last = name;
			}
			if labels.is_empty() {
				let _ = writeln!(out, "{name} {value}");
			} else {
				let _ = writeln!(out, "{name}{{{labels}}} {value}");
			}
		}
		out
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn counters_add_up_and_render_as_prometheus_text() {
		let metrics = Metrics::default();
		metrics.request("s3", "PutObject", 200);
		metrics.request("s3", "PutObject", 200);
		metrics.bytes("in", 10);
		metrics.add("deoss_gateway_cache_hits_total", String::new(), 3);
		let text = metrics.render();
		assert!(text.contains("\ndeoss_gateway_cache_hits_total 3\n"));
		assert!(text.contains("# TYPE deoss_gateway_requests_total counter\n"));
		assert!(text.contains(
			"deoss_gateway_requests_total{api=\"s3\",op=\"PutObject\",status=\"200\"} 2\n"
		));
		assert!(text.contains("deoss_gateway_object_bytes_total{direction=\"in\"} 10\n"));
	}
}
