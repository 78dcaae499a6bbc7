//! The events the DeOSS services react to, decoded from every finalized block as it
//! arrives (a subscription: no polling).

use subxt::{
	events::Events,
	ext::scale_decode::{self, DecodeAsFields, DecodeAsType},
	SubstrateConfig,
};

use crate::{rpc_error, AccountId, ChainError, Client, LayoutRecord, Result};

/// `FileBank.DealAssigned`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct DealAssigned {
	/// The deal.
	pub deal: u64,
	/// The scheduler now in charge.
	pub scheduler: AccountId,
	/// The scheduler it replaces, on a reassignment.
	pub replaced: Option<AccountId>,
	/// The owner.
	pub owner: AccountId,
	/// The file.
	pub fid: [u8; 32],
	/// Payload bytes.
	pub size: u64,
	/// The layout.
	pub layout: LayoutRecord,
	/// Block at whose start the deal times out.
	pub deadline: u32,
}

/// `FileBank.FileStored`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct FileStored {
	/// The deal that ended.
	pub deal: u64,
	/// The file.
	pub fid: [u8; 32],
	/// Its first owner.
	pub owner: AccountId,
	/// One miner per slot.
	pub miners: Vec<AccountId>,
}

/// `FileBank.DealFailed` and `FileBank.DealCancelled`: a deal ended without a file.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct DealEnded {
	/// The deal.
	pub deal: u64,
	/// The owner.
	pub owner: AccountId,
	/// The file that was not stored.
	pub fid: [u8; 32],
}

/// `FileBank.FileDeleted`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct FileDeleted {
	/// The file.
	pub fid: [u8; 32],
	/// One miner per slot.
	pub miners: Vec<AccountId>,
}

/// `FileBank.OwnerAdded`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct OwnerAdded {
	/// The deal that ended.
	pub deal: u64,
	/// The file.
	pub fid: [u8; 32],
	/// The new owner.
	pub owner: AccountId,
}

/// `Audit.ChallengeIssued`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ChallengeIssued {
	/// The miner.
	pub miner: AccountId,
	/// The round.
	pub round: u32,
	/// Samples to answer.
	pub samples: u32,
	/// Block at whose start the challenge fails unless answered.
	pub deadline: u32,
}

/// `Audit.ProofAccepted`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ProofAccepted {
	/// The miner.
	pub miner: AccountId,
	/// The round.
	pub round: u32,
}

/// `Audit.ChallengeFailed`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ChallengeFailed {
	/// The miner.
	pub miner: AccountId,
	/// The round.
	pub round: u32,
	/// Failures among the miner's latest challenges, this one included.
	pub recent_failures: u32,
}

/// `Audit.RestoralCompleted`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralCompleted {
	/// The file.
	pub fid: [u8; 32],
	/// The slot.
	pub slot: u32,
	/// The miner now holding it.
	pub miner: AccountId,
	/// The miner that lost it.
	pub previous: AccountId,
}

/// `Audit.ColumnLost`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ColumnLost {
	/// The file.
	pub fid: [u8; 32],
	/// The slot.
	pub slot: u32,
	/// The column.
	pub column: u16,
	/// The miner that held it.
	pub miner: AccountId,
}

/// `Audit.RestoralClaimed`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralClaimed {
	/// The file.
	pub fid: [u8; 32],
	/// The slot.
	pub slot: u32,
	/// The restoring miner.
	pub miner: AccountId,
	/// Block at whose start the claim expires.
	pub deadline: u32,
	/// Seed of the samples proved on completion.
	pub seed: [u8; 32],
}

/// `Audit.RestoralClaimExpired`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct RestoralClaimExpired {
	/// The file.
	pub fid: [u8; 32],
	/// The slot.
	pub slot: u32,
	/// The miner that did not complete it.
	pub miner: AccountId,
}

/// A DeOSS event the services act on.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ChainEvent {
	/// A deal was assigned (or reassigned) to a scheduler.
	DealAssigned(DealAssigned),
	/// A deal succeeded.
	FileStored(FileStored),
	/// A deal timed out for good.
	DealFailed(DealEnded),
	/// The owner cancelled a deal.
	DealCancelled(DealEnded),
	/// A file lost its last owner.
	FileDeleted(FileDeleted),
	/// An owner was added to a stored file (deduplication).
	OwnerAdded(OwnerAdded),
	/// A miner was challenged.
	ChallengeIssued(ChallengeIssued),
	/// A miner's proofs were accepted.
	ProofAccepted(ProofAccepted),
	/// A miner's challenge went unanswered.
	ChallengeFailed(ChallengeFailed),
	/// A lost slot was rebuilt on another miner.
	RestoralCompleted(RestoralCompleted),
	/// A slot's column was declared lost: a restoral order is open.
	ColumnLost(ColumnLost),
	/// A miner claimed a restoral order.
	RestoralClaimed(RestoralClaimed),
	/// A claim expired; its order is open again.
	RestoralClaimExpired(RestoralClaimExpired),
}

impl ChainEvent {
	/// The DeOSS events of a block, in order.
	pub fn decode_all(events: &Events<SubstrateConfig>) -> Result<Vec<ChainEvent>> {
		Self::decode_iter(events.iter())
	}

	/// The DeOSS events one transaction emitted, in order.
	pub fn of_transaction(events: &crate::TxEvents) -> Result<Vec<ChainEvent>> {
		Self::decode_iter(events.iter())
	}

	fn decode_iter<'e>(
		events: impl Iterator<
			Item = std::result::Result<
				subxt::events::Event<'e, SubstrateConfig>,
				subxt::error::EventsError,
			>,
		>,
	) -> Result<Vec<ChainEvent>> {
		let mut decoded = Vec::new();
		for event in events {
			let event = event.map_err(rpc_error)?;
			let name = (event.pallet_name(), event.event_name());
			fn fields<E: DecodeAsFields>(
				event: &subxt::events::Event<'_, SubstrateConfig>,
				what: &'static str,
			) -> Result<E> {
				event
					.decode_fields_unchecked_as::<E>()
					.map_err(|error| ChainError::Decode { what, reason: error.to_string() })
			}
			let chain_event = match name {
				("FileBank", "DealAssigned") => Self::DealAssigned(fields(&event, "DealAssigned")?),
				("FileBank", "FileStored") => Self::FileStored(fields(&event, "FileStored")?),
				("FileBank", "DealFailed") => Self::DealFailed(fields(&event, "DealFailed")?),
				("FileBank", "DealCancelled") => {
					Self::DealCancelled(fields(&event, "DealCancelled")?)
				}
				("FileBank", "FileDeleted") => Self::FileDeleted(fields(&event, "FileDeleted")?),
				("FileBank", "OwnerAdded") => Self::OwnerAdded(fields(&event, "OwnerAdded")?),
				("Audit", "ChallengeIssued") => {
					Self::ChallengeIssued(fields(&event, "ChallengeIssued")?)
				}
				("Audit", "ProofAccepted") => Self::ProofAccepted(fields(&event, "ProofAccepted")?),
				("Audit", "ChallengeFailed") => {
					Self::ChallengeFailed(fields(&event, "ChallengeFailed")?)
				}
				("Audit", "RestoralCompleted") => {
					Self::RestoralCompleted(fields(&event, "RestoralCompleted")?)
				}
				("Audit", "ColumnLost") => Self::ColumnLost(fields(&event, "ColumnLost")?),
				("Audit", "RestoralClaimed") => {
					Self::RestoralClaimed(fields(&event, "RestoralClaimed")?)
				}
				("Audit", "RestoralClaimExpired") => {
					Self::RestoralClaimExpired(fields(&event, "RestoralClaimExpired")?)
				}
				_ => continue,
			};
			decoded.push(chain_event);
		}
		Ok(decoded)
	}
}

/// The DeOSS events of one finalized block.
#[derive(Debug, Clone)]
pub struct BlockEvents {
	/// The block number.
	pub number: u64,
	/// Its DeOSS events, in order.
	pub events: Vec<ChainEvent>,
}

/// The finalized blocks from the subscription's start on, with their DeOSS events.
pub struct FinalizedEvents {
	blocks: subxt::client::Blocks<SubstrateConfig>,
}

impl FinalizedEvents {
	pub(crate) async fn start(client: Client) -> Result<Self> {
		Ok(Self { blocks: client.stream_blocks().await.map_err(rpc_error)? })
	}

	/// The next finalized block; `None` when the subscription ended (the node went
	/// away), after which the caller reconnects.
	pub async fn next(&mut self) -> Option<Result<BlockEvents>> {
		let block = match self.blocks.next().await? {
			Ok(block) => block,
			Err(error) => return Some(Err(rpc_error(error))),
		};
		let number = block.number();
		let result = async {
			let at = block.at().await.map_err(rpc_error)?;
			let events = at.events().fetch().await.map_err(rpc_error)?;
			Ok(BlockEvents { number, events: ChainEvent::decode_all(&events)? })
		}
		.await;
		Some(result)
	}
}
