//! What the miner does on finalized events: a column of a deal that succeeded with it
//! moves to permanent storage; columns of deals that failed, were cancelled or
//! succeeded without it are dropped; files deleted, or restored away from it, are
//! removed. Every `GC_PERIOD` blocks, columns of deals no longer open are dropped
//! too, so nothing is left behind by events missed while the miner was down.

use std::time::Duration;

use anyhow::Result;
use deoss_chain::{AccountId, BlockEvents, Chain, ChainEvent};
use deoss_primitives::Fid;

use crate::columns::Columns;

/// Blocks between sweeps of the temporary area.
pub const GC_PERIOD: u64 = 20;

/// Follows finalized blocks for ever, reconnecting the subscription when it ends.
pub async fn follow(chain: Chain, account: AccountId, columns: Columns) {
	loop {
		if let Err(error) = sweep(&chain, &account, &columns).await {
			tracing::warn!(%error, "sweeping the temporary area failed");
		}
		match chain.finalized_events().await {
			Ok(mut blocks) => {
				while let Some(block) = blocks.next().await {
					match block {
						Ok(block) => {
							if let Err(error) = on_block(&chain, &account, &columns, &block).await {
								tracing::warn!(block = block.number, %error, "handling events failed");
							}
						}
						Err(error) => {
							tracing::warn!(%error, "finalized block stream broke");
							break;
						}
					}
				}
			}
			Err(error) => tracing::warn!(%error, "subscribing to finalized blocks failed"),
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

async fn on_block(
	chain: &Chain,
	account: &AccountId,
	columns: &Columns,
	block: &BlockEvents,
) -> Result<()> {
	for event in &block.events {
		match event {
			ChainEvent::FileStored(stored) => {
				let fid = Fid(stored.fid);
				let mine = stored.miners.iter().any(|miner| miner == account);
				for incoming in columns.incoming_of(stored.deal)? {
					let record = chain.file(&fid).await?;
					let column_count = record.map(|record| record.layout().column_count());
					let my_column =
						stored.miners.iter().position(|miner| miner == account).and_then(|slot| {
							column_count.map(|count| (slot % usize::from(count)) as u16)
						});
					if mine && my_column == Some(incoming.column) {
						columns.promote(&incoming, &fid)?;
						tracing::info!(deal = stored.deal, column = incoming.column, %fid, "column stored");
					} else {
						incoming.drop_all()?;
					}
				}
			}
			ChainEvent::DealFailed(ended) | ChainEvent::DealCancelled(ended) => {
				for incoming in columns.incoming_of(ended.deal)? {
					incoming.drop_all()?;
					tracing::info!(
						deal = ended.deal,
						column = incoming.column,
						"deal ended, column dropped"
					);
				}
			}
			ChainEvent::FileDeleted(deleted) if deleted.miners.contains(account) => {
				let fid = Fid(deleted.fid);
				if columns.store().remove_file(&fid)? {
					tracing::info!(%fid, "file deleted, column removed");
				}
			}
			ChainEvent::RestoralCompleted(restored) if restored.previous == *account => {
				let fid = Fid(restored.fid);
				if chain.miner_slot(account, &fid).await?.is_none()
					&& columns.store().remove_file(&fid)?
				{
					tracing::info!(%fid, "column restored elsewhere, removed");
				}
			}
			_ => {}
		}
	}
	if block.number % GC_PERIOD == 0 {
		sweep(chain, account, columns).await?;
	}
	Ok(())
}

/// Drops temporary columns of deals that are no longer open, unless the file is
/// stored with this miner (then the column moves to permanent storage).
async fn sweep(chain: &Chain, account: &AccountId, columns: &Columns) -> Result<()> {
	for incoming in columns.all_incoming()? {
		if chain.deal(incoming.deal).await?.is_some() {
			continue;
		}
		match incoming.fid() {
			Some(fid)
				if chain
					.miner_slot(account, &fid)
					.await?
					.is_some_and(|slot| slot.column == incoming.column) =>
			{
				columns.promote(&incoming, &fid)?;
				tracing::info!(deal = incoming.deal, column = incoming.column, %fid, "column stored (found on sweep)");
			}
			_ => {
				incoming.drop_all()?;
				tracing::info!(
					deal = incoming.deal,
					column = incoming.column,
					"deal no longer open, column dropped"
				);
			}
		}
	}
	Ok(())
}
