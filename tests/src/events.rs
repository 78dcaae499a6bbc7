//! Every event of every finalized block, collected in the background, for tests that
//! wait for what the chain does on its own (`on_initialize` hooks) rather than for
//! the result of one of their own transactions.

use std::{
	sync::{Arc, Mutex},
	time::Duration,
};

use anyhow::{anyhow, Result};
use subxt::{events::Events, ext::scale_decode::DecodeAsFields, SubstrateConfig};
use tokio::task::JoinHandle;

use crate::{wait_until, Client};

/// How often the collector looks for newly finalized blocks.
const POLL: Duration = Duration::from_millis(200);

/// The events of one block.
struct BlockEvents {
	number: u64,
	events: Events<SubstrateConfig>,
}

#[derive(Default)]
struct Collected {
	blocks: Vec<BlockEvents>,
	error: Option<String>,
}

/// Events of the finalized blocks from the one current at [`EventLog::start`] on.
pub struct EventLog {
	collected: Arc<Mutex<Collected>>,
	task: JoinHandle<()>,
}

impl EventLog {
	/// Starts collecting with the last finalized block.
	pub async fn start(client: &Client) -> Result<Self> {
		let first = client.at_current_block().await?.block_number();
		let collected = Arc::new(Mutex::new(Collected::default()));
		let task = tokio::spawn(collect(client.clone(), first, collected.clone()));
		Ok(Self { collected, task })
	}

	/// Every `pallet.name` event so far, with its block number, decoded as `E`.
	pub fn find<E: DecodeAsFields>(&self, pallet: &str, name: &str) -> Result<Vec<(u64, E)>> {
		let collected = self.collected.lock().map_err(|_| anyhow!("event log poisoned"))?;
		if let Some(error) = &collected.error {
			return Err(anyhow!("event collection stopped: {error}"));
		}
		let mut found = Vec::new();
		for block in &collected.blocks {
			for event in block.events.iter() {
				let event = event?;
				if event.pallet_name() == pallet && event.event_name() == name {
					found.push((block.number, event.decode_fields_unchecked_as::<E>()?));
				}
			}
		}
		Ok(found)
	}

	/// Waits until a `pallet.name` event satisfying `accept` is finalized; returns the
	/// first one with its block number.
	pub async fn wait_for<E, F>(
		&self,
		timeout: Duration,
		pallet: &str,
		name: &str,
		mut accept: F,
	) -> Result<(u64, E)>
	where
		E: DecodeAsFields,
		F: FnMut(&E) -> bool,
	{
		wait_until(timeout, &format!("{pallet}.{name}"), || {
			let found = self
				.find::<E>(pallet, name)
				.map(|events| events.into_iter().find(|(_, event)| accept(event)));
			async move { found }
		})
		.await
	}

	/// Number of the last block collected, if any.
	pub fn last_block(&self) -> Option<u64> {
		let collected = self.collected.lock().ok()?;
		collected.blocks.last().map(|block| block.number)
	}
}

impl Drop for EventLog {
	fn drop(&mut self) {
		self.task.abort();
	}
}

/// Fetches the events of every block from `next` on as it is finalized; records the
/// first error and stops.
async fn collect(client: Client, mut next: u64, collected: Arc<Mutex<Collected>>) {
	let result: Result<()> = async {
		loop {
			let head = client.at_current_block().await?.block_number();
			while next <= head {
				let events = client.at_block(next).await?.events().fetch().await?;
				collected
					.lock()
					.map_err(|_| anyhow!("event log poisoned"))?
					.blocks
					.push(BlockEvents { number: next, events });
				next += 1;
			}
			tokio::time::sleep(POLL).await;
		}
	}
	.await;
	if let (Err(error), Ok(mut collected)) = (result, collected.lock()) {
		collected.error = Some(format!("{error:#}"));
	}
}
