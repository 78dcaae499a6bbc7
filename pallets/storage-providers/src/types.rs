//! The records the registry stores for miners and schedulers, and the rules for
//! what a valid endpoint and a sufficient stake are.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deoss_traits::Region;
use frame_support::BoundedVec;
use scale_info::TypeInfo;

/// One tebibyte: stake is required per started TiB of declared capacity.
pub const TIB: u64 = 1 << 40;

/// Prefix of the message a miner signs with its authentication key to prove it
/// holds the key; see [`key_proof_message`].
pub const KEY_PROOF_DOMAIN: &[u8; 18] = b"deoss/miner-key/v1";

/// The message a miner's authentication key signs at registration and at key
/// rotation: [`KEY_PROOF_DOMAIN`] followed by the SCALE encoding of the miner's
/// account id (the 32 raw bytes of an `AccountId32`).
///
/// Binding the key to the account stops anyone from registering a key they do
/// not hold, such as another miner's, which would let receipts be attributed to
/// the wrong operator.
pub fn key_proof_message<AccountId: Encode>(miner: &AccountId) -> alloc::vec::Vec<u8> {
	let mut message = KEY_PROOF_DOMAIN.to_vec();
	miner.encode_to(&mut message);
	message
}

/// Where a miner or scheduler is reached: an HTTP(S) URL or a multiaddr.
pub type Endpoint<T> = BoundedVec<u8, <T as crate::Config>::MaxEndpointLen>;

/// Whether `endpoint` is an `http(s)://` URL or a `/ip4|ip6|dns|dns4|dns6/`
/// multiaddr (the shared rule of `deoss_traits::endpoint`).
pub fn is_valid_endpoint(endpoint: &[u8]) -> bool {
	deoss_traits::is_valid_endpoint(endpoint, deoss_traits::endpoint::NODE_PREFIXES)
}

/// Whether `key` can be an sr25519 public key we accept. The all-zero encoding
/// is the identity point, for which signatures can be forged.
pub fn is_acceptable_auth_key(key: &[u8; 32]) -> bool {
	key != &[0u8; 32]
}

/// The stake a miner declaring `capacity_bytes` must hold: `base` plus
/// `per_tib` for every started TiB. Saturates rather than overflowing, so an
/// absurd capacity simply needs an unreachable stake.
pub fn required_stake<Balance>(base: Balance, per_tib: Balance, capacity_bytes: u64) -> Balance
where
	Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	use sp_runtime::SaturatedConversion;
	let started_tibs: Balance = capacity_bytes.div_ceil(TIB).saturated_into();
	base.saturating_add(per_tib.saturating_mul(started_tibs))
}

/// Where a miner is in its life cycle.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum MinerState<BlockNumber> {
	/// Staked enough for its capacity: takes new data.
	Active,
	/// Its stake fell below what its capacity requires (after a slash): keeps
	/// serving and proving the data it holds, takes no new data until it adds
	/// stake or lowers its capacity.
	Frozen,
	/// Leaving: takes no new data; its stake can be withdrawn from `unlock_at`
	/// once all its data has been handed over.
	Exiting {
		/// The first block at which `withdraw` may succeed.
		unlock_at: BlockNumber,
	},
}

/// A registered storage miner.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct MinerInfo<Balance, BlockNumber, Endpoint> {
	/// Stake held from the miner's account under `HoldReason::MinerStake`.
	pub stake: Balance,
	/// Declared capacity in bytes.
	pub capacity_bytes: u64,
	/// Bytes of stored fragments (deals that succeeded, restored columns).
	pub used_bytes: u64,
	/// Bytes set aside for fragments of open deals.
	pub reserved_bytes: u64,
	/// Country the miner declared it stores data in.
	pub region: Region,
	/// Where schedulers, clients and gateways reach the miner.
	pub endpoint: Endpoint,
	/// sr25519 public key the miner signs receipts with.
	pub auth_key: [u8; 32],
	/// Life-cycle state.
	pub state: MinerState<BlockNumber>,
	/// Block the miner registered in.
	pub registered_at: BlockNumber,
}

impl<Balance, BlockNumber, Endpoint> MinerInfo<Balance, BlockNumber, Endpoint> {
	/// Bytes neither used nor reserved. Saturates at zero should capacity ever
	/// be below usage (the invariant forbids it).
	pub fn free_bytes(&self) -> u64 {
		self.capacity_bytes.saturating_sub(self.used_bytes).saturating_sub(self.reserved_bytes)
	}

	/// Bytes of data the miner is responsible for, stored or incoming.
	pub fn occupied_bytes(&self) -> u64 {
		self.used_bytes.saturating_add(self.reserved_bytes)
	}
}

/// Where a scheduler is in its life cycle.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum SchedulerState<BlockNumber> {
	/// Can be drawn for new deals.
	Active,
	/// Leaving: no longer drawn; deals it already holds can still finish or
	/// time out before its stake is withdrawn from `unlock_at`.
	Exiting {
		/// The first block at which `withdraw_scheduler` may succeed.
		unlock_at: BlockNumber,
	},
}

/// A registered scheduler.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct SchedulerInfo<Balance, BlockNumber, Endpoint> {
	/// Stake held from the scheduler's account under `HoldReason::SchedulerStake`.
	pub stake: Balance,
	/// Country the scheduler runs in; deals prefer schedulers in their regions.
	pub region: Region,
	/// Where clients stream objects to the scheduler.
	pub endpoint: Endpoint,
	/// Life-cycle state.
	pub state: SchedulerState<BlockNumber>,
	/// Block the scheduler registered in.
	pub registered_at: BlockNumber,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn endpoints_need_a_known_prefix_and_a_rest() {
		for good in [
			&b"http://10.0.0.1:8080"[..],
			b"https://miner.example.org/api",
			b"/ip4/127.0.0.1/tcp/4001",
			b"/ip6/::1/tcp/4001",
			b"/dns/miner.example.org/tcp/443/https",
			b"/dns4/a/tcp/1",
			b"/dns6/a/tcp/1",
		] {
			assert!(is_valid_endpoint(good), "{:?}", core::str::from_utf8(good));
		}
		for bad in [
			&b""[..],
			b"http://",
			b"ftp://host",
			b"miner.example.org",
			b"http://host name",
			b"http://host\n",
			b"https://h\xc3\xa9",
			b"/ip5/1.2.3.4",
			b"HTTP://host",
		] {
			assert!(!is_valid_endpoint(bad), "{:?}", bad);
		}
	}

	#[test]
	fn stake_is_charged_per_started_tib() {
		assert_eq!(required_stake(10u64, 3, 0), 10);
		assert_eq!(required_stake(10u64, 3, 1), 13);
		assert_eq!(required_stake(10u64, 3, TIB), 13);
		assert_eq!(required_stake(10u64, 3, TIB + 1), 16);
		assert_eq!(required_stake(10u64, 3, u64::MAX), 10 + 3 * (1 << 24));
		assert_eq!(required_stake(10u32, u32::MAX, u64::MAX), u32::MAX);
	}

	#[test]
	fn key_proof_message_is_domain_then_account() {
		assert_eq!(
			key_proof_message(&7u64),
			[&b"deoss/miner-key/v1"[..], &[7, 0, 0, 0, 0, 0, 0, 0]].concat()
		);
	}
}
