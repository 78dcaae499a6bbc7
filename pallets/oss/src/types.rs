//! The records this pallet stores (authorizations, gateways) and the scope
//! set they carry, with the rules that keep them well formed.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use deoss_traits::Scope;
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Every scope there is. Built by an exhaustive match so that a new
/// `Scope` variant fails to compile here until it is listed (and the bound
/// below grows with it).
pub const ALL_SCOPES: [Scope; 3] = {
	const fn listed(scope: Scope) -> Scope {
		match scope {
			Scope::Upload | Scope::Delete | Scope::ReadShare => scope,
		}
	}
	[listed(Scope::Upload), listed(Scope::Delete), listed(Scope::ReadShare)]
};

/// Most scopes a call may name: one of each. Duplicates beyond this do not
/// even decode, so a call cannot carry an oversized list.
pub type MaxScopes = ConstU32<{ ALL_SCOPES.len() as u32 }>;

/// Scopes as a call names them: a list of `Scope` variants, in any order,
/// duplicates allowed (polkadot.js: `['Upload', 'Delete']`).
pub type ScopesOf = BoundedVec<Scope, MaxScopes>;

/// A non-empty set of scopes, kept sorted and free of duplicates.
///
/// Stored as a short list rather than a bit mask so that polkadot.js shows
/// storage and events as `[Upload, ReadShare]` without custom types; the
/// cost is at most three bytes more per authorization. The only way to
/// build one is [`ScopeSet::from_scopes`], which establishes the invariant.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct ScopeSet(BoundedVec<Scope, MaxScopes>);

impl ScopeSet {
	/// The set of the scopes in `scopes`; `None` when `scopes` is empty.
	pub fn from_scopes(scopes: &[Scope]) -> Option<Self> {
		let mut members: BoundedVec<Scope, MaxScopes> = BoundedVec::new();
		for scope in ALL_SCOPES {
			if scopes.contains(&scope) {
				// Cannot fail: `ALL_SCOPES` has exactly `MaxScopes` entries.
				members.try_push(scope).ok()?;
			}
		}
		(!members.is_empty()).then_some(Self(members))
	}

	/// Whether `scope` is in the set.
	pub fn contains(&self, scope: Scope) -> bool {
		self.0.contains(&scope)
	}

	/// The scopes in the set, sorted.
	pub fn as_slice(&self) -> &[Scope] {
		&self.0
	}

	/// Whether the set holds its invariant: non-empty, sorted, no duplicates.
	/// Only a hand-crafted storage write could break it.
	pub fn is_well_formed(&self) -> bool {
		!self.0.is_empty() && self.0.windows(2).all(|pair| pair[0] < pair[1])
	}
}

/// What an owner allowed one operator to do.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct Authorization<BlockNumber> {
	/// What the operator may do for the owner.
	pub scopes: ScopeSet,
	/// First block at which the authorization no longer holds; `None` for
	/// one that lasts until revoked.
	pub expires_at: Option<BlockNumber>,
	/// Block in which the owner granted (or last replaced) it.
	pub granted_at: BlockNumber,
}

impl<BlockNumber: PartialOrd> Authorization<BlockNumber> {
	/// Whether the authorization has lapsed at block `now`. Expiry is
	/// exclusive: it holds in every block before `expires_at`, not in it.
	pub fn is_expired(&self, now: &BlockNumber) -> bool {
		self.expires_at.as_ref().is_some_and(|expires_at| now >= expires_at)
	}
}

/// A registered gateway: where users reach it and what it put down.
#[derive(
	Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug,
)]
pub struct GatewayInfo<Endpoint, Balance, BlockNumber> {
	/// The gateway's public HTTP(S) base URL.
	pub endpoint: Endpoint,
	/// Deposit held from the gateway account while it is registered; the
	/// amount in force at registration, returned in full on deregistration.
	pub deposit: Balance,
	/// Block in which the gateway registered.
	pub registered_at: BlockNumber,
}

/// Whether `endpoint` can be a gateway's public base URL: `http://` or
/// `https://` followed by a host (the shared rule of `deoss_traits::endpoint`).
pub fn is_valid_endpoint(endpoint: &[u8]) -> bool {
	deoss_traits::is_valid_endpoint(endpoint, deoss_traits::endpoint::HTTP_PREFIXES)
}
