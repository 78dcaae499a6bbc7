//! What the client learned about each holder's speed: a smoothed latency per
//! endpoint, from which reads rank replicas and columns and decide when to hedge.
//!
//! A holder that failed, or whose request was overtaken by a hedge and abandoned, is
//! charged the time it had taken (at least [`SLOW_FLOOR`]), so a frozen or dead miner
//! sinks to the end of the ranking after its first miss and the next segments do not
//! wait for it again.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
	time::Duration,
};

/// Hedge delay before anything was measured.
pub const DEFAULT_HEDGE: Duration = Duration::from_millis(400);
/// The hedge delay never drops below this (scheduling noise on a busy machine).
pub const MIN_HEDGE: Duration = Duration::from_millis(150);
/// ... nor exceeds this.
pub const MAX_HEDGE: Duration = Duration::from_secs(2);
/// What a failed or abandoned request costs a holder's estimate, at least.
pub const SLOW_FLOOR: Duration = Duration::from_secs(5);

/// Weight of a new observation in the moving average.
const ALPHA: f64 = 0.3;

/// Smoothed latencies by endpoint, shared by every clone of a client.
#[derive(Clone, Default)]
pub struct Latencies(Arc<Mutex<HashMap<String, Duration>>>);

impl Latencies {
	/// A request to `endpoint` answered (and verified) after `elapsed`.
	pub fn observe(&self, endpoint: &str, elapsed: Duration) {
		if let Ok(mut map) = self.0.lock() {
			let next = match map.get(endpoint) {
				Some(old) => old.mul_f64(1.0 - ALPHA) + elapsed.mul_f64(ALPHA),
				None => elapsed,
			};
			map.insert(endpoint.to_string(), next);
		}
	}

	/// A request to `endpoint` failed, or was abandoned still pending after `elapsed`.
	pub fn penalize(&self, endpoint: &str, elapsed: Duration) {
		if let Ok(mut map) = self.0.lock() {
			let charged = elapsed.max(SLOW_FLOOR);
			let entry = map.entry(endpoint.to_string()).or_default();
			*entry = (*entry).max(charged);
		}
	}

	/// The estimate for `endpoint`, if it was ever measured.
	pub fn estimate(&self, endpoint: &str) -> Option<Duration> {
		self.0.lock().ok().and_then(|map| map.get(endpoint).copied())
	}

	/// Whether `endpoint` was charged as slow (failed or frozen) more recently than
	/// fast answers could wash out.
	pub fn is_slow(&self, endpoint: &str) -> bool {
		self.estimate(endpoint).is_some_and(|estimate| estimate >= self.hedge_delay())
	}

	/// How long to wait for a fragment before asking one more holder: three times
	/// the median estimate of the holders measured so far, within bounds.
	pub fn hedge_delay(&self) -> Duration {
		let Ok(map) = self.0.lock() else { return DEFAULT_HEDGE };
		let mut known: Vec<Duration> =
			map.values().copied().filter(|estimate| *estimate < SLOW_FLOOR).collect();
		if known.is_empty() {
			return DEFAULT_HEDGE;
		}
		known.sort();
		(known[known.len() / 2] * 3).clamp(MIN_HEDGE, MAX_HEDGE)
	}

	/// `endpoints` fastest first; unmeasured ones keep their order, ahead of any
	/// measured as slow.
	pub fn rank<'a, T>(&self, items: &'a [T], endpoint: impl Fn(&T) -> &str) -> Vec<&'a T> {
		let mut ranked: Vec<&T> = items.iter().collect();
		ranked.sort_by_key(|item| self.sort_key(endpoint(item)));
		ranked
	}

	/// Sorting key of an endpoint: unmeasured ones count as fast as the hedge delay
	/// allows, so they are tried before known-slow ones and after known-fast ones.
	pub fn sort_key(&self, endpoint: &str) -> Duration {
		self.estimate(endpoint).unwrap_or(MIN_HEDGE / 2)
	}
}

/// The order in which to ask for the columns of a segment: data columns first (no
/// decoding when they are intact), then parity columns, by their best holder's
/// estimate; a column whose every holder is slow goes to the very end.
pub fn column_order(
	latencies: &Latencies,
	data_columns: usize,
	holders: &[Vec<(crate::AccountId, String)>],
) -> Vec<u16> {
	let mut order: Vec<(bool, bool, Duration, u16)> = holders
		.iter()
		.enumerate()
		.map(|(column, replicas)| {
			let best = replicas
				.iter()
				.map(|(_, endpoint)| latencies.sort_key(endpoint))
				.min()
				.unwrap_or(Duration::MAX);
			let slow = replicas.iter().all(|(_, endpoint)| latencies.is_slow(endpoint));
			let parity = column >= data_columns;
			(slow, parity, if parity { best } else { Duration::ZERO }, column as u16)
		})
		.collect();
	order.sort();
	order.into_iter().map(|(.., column)| column).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn holders(endpoints: &[&str]) -> Vec<Vec<(crate::AccountId, String)>> {
		endpoints.iter().map(|endpoint| vec![([0; 32], endpoint.to_string())]).collect()
	}

	#[test]
	fn estimates_are_smoothed_and_penalties_stick() {
		let latencies = Latencies::default();
		latencies.observe("a", Duration::from_millis(100));
		latencies.observe("a", Duration::from_millis(200));
		let estimate = latencies.estimate("a").unwrap();
		assert!(
			estimate.abs_diff(Duration::from_millis(130)) < Duration::from_micros(1),
			"{estimate:?}"
		);
		latencies.penalize("a", Duration::from_millis(10));
		assert_eq!(latencies.estimate("a"), Some(SLOW_FLOOR));
		assert!(latencies.is_slow("a"));
		assert_eq!(latencies.estimate("b"), None);
	}

	#[test]
	fn hedge_delay_follows_the_median_within_bounds() {
		let latencies = Latencies::default();
		assert_eq!(latencies.hedge_delay(), DEFAULT_HEDGE);
		for (endpoint, ms) in [("a", 100), ("b", 200), ("c", 300)] {
			latencies.observe(endpoint, Duration::from_millis(ms));
		}
		let delay = latencies.hedge_delay();
		assert!(delay.abs_diff(Duration::from_millis(600)) < Duration::from_micros(1), "{delay:?}");
		// A frozen holder does not drag the delay up.
		latencies.penalize("d", Duration::from_secs(60));
		assert!(latencies.hedge_delay().abs_diff(delay) < Duration::from_micros(1));
		latencies.observe("e", Duration::from_millis(1));
		latencies.observe("f", Duration::from_millis(1));
		latencies.observe("g", Duration::from_millis(1));
		latencies.observe("h", Duration::from_millis(1));
		assert_eq!(latencies.hedge_delay(), MIN_HEDGE);
	}

	#[test]
	fn data_columns_first_slow_columns_last() {
		let latencies = Latencies::default();
		let holders = holders(&["d0", "d1", "p0", "p1"]);
		assert_eq!(column_order(&latencies, 2, &holders), [0, 1, 2, 3]);
		latencies.observe("p0", Duration::from_millis(90));
		latencies.observe("p1", Duration::from_millis(10));
		assert_eq!(column_order(&latencies, 2, &holders), [0, 1, 3, 2]);
		latencies.penalize("d0", Duration::from_secs(1));
		assert_eq!(column_order(&latencies, 2, &holders), [1, 3, 2, 0]);
	}
}
