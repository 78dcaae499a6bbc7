//! DeOSS authorization ("oss"): owners let operators — gateways and apps —
//! act for them within scopes until an expiry, and gateways register endpoints.
//!
//! ## Authorizations
//!
//! An owner grants an operator a set of [`Scope`]s (`Upload`, `Delete`,
//! `ReadShare`) with an optional expiry block. Other pallets ask
//! [`OperatorAuthority::may_act_for`]: an account may always act for
//! itself; anyone else needs an authorization that holds the scope and has
//! not expired. Expiry is exclusive: an authorization with
//! `expires_at = Some(n)` holds up to block `n - 1` and not in block `n`.
//!
//! Each owner holds at most `MaxOperatorsPerOwner` authorizations, counted
//! in [`OperatorCount`]. Expired ones still count (and stay in storage)
//! until someone removes them: the owner with `revoke`, the operator with
//! `renounce`, or anyone with `prune_expired`, which is free when it
//! succeeds so that cleaning state is never a loss. Expired entries are not
//! swept by a hook: that would need a per-block expiry queue with its own
//! limit, which an owner could hit and be refused an authorization for.
//!
//! [`OperatorOf`] mirrors [`Authorizations`] keyed by operator first, so a
//! gateway finds the owners it acts for with one prefix query instead of a
//! scan. It is bounded on the owner side only: one operator may serve any
//! number of owners, which is what a public gateway is for.
//!
//! ## Gateways
//!
//! A gateway registers the HTTP(S) endpoint where web users reach it and
//! puts down `GatewayDeposit` (held, not spent) so the registry cannot be
//! filled for free. Registration is about discoverability only: for
//! authorization a gateway is an operator like any other, and users may
//! equally authorize an app that never registers. Deregistering does not
//! touch the authorizations users gave the gateway.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod functions;
mod impls;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use deoss_traits::{OperatorAuthority, Scope};

use frame_support::traits::fungible;
use sp_runtime::traits::StaticLookup;

/// Balance of the currency gateway deposits are held in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Account reference a call takes (an address, index or raw id).
pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

/// A gateway's endpoint, bounded by `MaxEndpointLen`.
pub type EndpointOf<T> = frame_support::BoundedVec<u8, <T as Config>::MaxEndpointLen>;

/// What the pallet stores per registered gateway.
pub type GatewayInfoOf<T> =
	GatewayInfo<EndpointOf<T>, BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// What the pallet stores per (owner, operator) pair.
pub type AuthorizationOf<T> = Authorization<frame_system::pallet_prelude::BlockNumberFor<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency gateway deposits are held in.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, which include this pallet's.
		type RuntimeHoldReason: From<HoldReason>;

		/// Deposit held from a gateway while it is registered, so that the
		/// gateway registry cannot be filled for free.
		#[pallet::constant]
		type GatewayDeposit: Get<BalanceOf<Self>>;

		/// Most operators one owner may authorize at a time (expired but not
		/// yet removed authorizations count).
		#[pallet::constant]
		type MaxOperatorsPerOwner: Get<u32>;

		/// Longest gateway endpoint URL, in bytes.
		#[pallet::constant]
		type MaxEndpointLen: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a registered gateway.
		#[codec(index = 0)]
		GatewayDeposit,
	}

	/// Authorizations by owner, then operator: what `operator` may do for
	/// `owner` and until when. Expired entries stay until revoked, renounced
	/// or pruned, and grant nothing meanwhile.
	#[pallet::storage]
	pub type Authorizations<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		AuthorizationOf<T>,
		OptionQuery,
	>;

	/// Reverse index of `Authorizations`, by operator, then owner: lets an
	/// operator list the owners it may act for with one prefix query. An
	/// entry exists exactly when the matching authorization does.
	#[pallet::storage]
	pub type OperatorOf<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		(),
		OptionQuery,
	>;

	/// Number of authorizations each owner has granted (at most
	/// `MaxOperatorsPerOwner`); absent for owners with none.
	#[pallet::storage]
	pub type OperatorCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Registered gateways: endpoint, deposit held and registration block.
	#[pallet::storage]
	pub type Gateways<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, GatewayInfoOf<T>, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An owner authorized an operator.
		Authorized {
			/// The account the operator may act for.
			owner: T::AccountId,
			/// The account that may act.
			operator: T::AccountId,
			/// What the operator may do.
			scopes: ScopeSet,
			/// First block at which the authorization no longer holds, if any.
			expires_at: Option<BlockNumberFor<T>>,
			/// Whether this replaced an earlier authorization of the same
			/// operator by the same owner.
			replaced: bool,
		},
		/// An owner revoked an operator's authorization.
		Revoked {
			/// The owner who revoked.
			owner: T::AccountId,
			/// The operator that may no longer act for the owner.
			operator: T::AccountId,
		},
		/// An operator gave up its authorization to act for an owner.
		Renounced {
			/// The owner the operator no longer acts for.
			owner: T::AccountId,
			/// The operator that renounced.
			operator: T::AccountId,
		},
		/// An expired authorization was removed from storage.
		ExpiredPruned {
			/// The owner who had granted it.
			owner: T::AccountId,
			/// The operator it was granted to.
			operator: T::AccountId,
			/// The account that removed it.
			pruned_by: T::AccountId,
		},
		/// A gateway registered.
		GatewayRegistered {
			/// The gateway's account.
			gateway: T::AccountId,
			/// Its public endpoint.
			endpoint: EndpointOf<T>,
			/// Deposit held from its account.
			deposit: BalanceOf<T>,
		},
		/// A gateway changed its endpoint.
		GatewayUpdated {
			/// The gateway's account.
			gateway: T::AccountId,
			/// Its new public endpoint.
			endpoint: EndpointOf<T>,
		},
		/// A gateway deregistered and got its deposit back.
		GatewayDeregistered {
			/// The gateway's account.
			gateway: T::AccountId,
			/// Deposit released to its account.
			deposit_released: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// An account cannot authorize itself: it may always act for itself.
		CannotAuthorizeSelf,
		/// The authorization names no scope.
		NoScopes,
		/// The expiry block is not after the current block.
		ExpiryNotInFuture,
		/// The owner already has `MaxOperatorsPerOwner` authorizations;
		/// revoke or prune one first.
		TooManyOperators,
		/// There is no authorization for this owner and operator.
		NotAuthorized,
		/// The authorization has not expired; only its owner (`revoke`) or
		/// its operator (`renounce`) may remove it.
		NotExpired,
		/// The endpoint is not an `http://` or `https://` URL (scheme in lower
		/// case, then a host) of printable ASCII without whitespace.
		InvalidEndpoint,
		/// The account is already a registered gateway.
		AlreadyRegistered,
		/// The account is not a registered gateway.
		NotRegistered,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Authorizes `operator` to act for the caller within `scopes`,
		/// replacing any authorization the caller gave it before.
		///
		/// The origin must be Signed and is the owner; it must not be
		/// `operator`, and must have fewer than `MaxOperatorsPerOwner`
		/// authorizations unless this replaces one.
		///
		/// - `operator`: the gateway or app that may act.
		/// - `scopes`: what it may do (`Upload`, `Delete`, `ReadShare`); at
		///   least one; order and duplicates do not matter.
		/// - `expires_at`: first block in which the authorization no longer
		///   holds (must be after the current block), or `None` for one that
		///   lasts until revoked.
		///
		/// Emits `Authorized`.
		///
		/// O(1).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::authorize())]
		pub fn authorize(
			origin: OriginFor<T>,
			operator: AccountIdLookupOf<T>,
			scopes: ScopesOf,
			expires_at: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let operator = T::Lookup::lookup(operator)?;
			Self::do_authorize(owner, operator, &scopes, expires_at)
		}

		/// Revokes the caller's authorization of `operator`, expired or not.
		///
		/// The origin must be Signed and is the owner that granted it.
		///
		/// - `operator`: the operator to revoke.
		///
		/// Emits `Revoked`.
		///
		/// O(1).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::revoke())]
		pub fn revoke(origin: OriginFor<T>, operator: AccountIdLookupOf<T>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let operator = T::Lookup::lookup(operator)?;
			Self::do_revoke(owner, operator)
		}

		/// Gives up the caller's authorization to act for `owner`.
		///
		/// The origin must be Signed and is the operator the authorization
		/// was granted to.
		///
		/// - `owner`: the owner the caller no longer wants to act for.
		///
		/// Emits `Renounced`.
		///
		/// O(1).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::renounce())]
		pub fn renounce(origin: OriginFor<T>, owner: AccountIdLookupOf<T>) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let owner = T::Lookup::lookup(owner)?;
			Self::do_renounce(owner, operator)
		}

		/// Removes an expired authorization, freeing the owner's slot and the
		/// storage it took. Free of fees when it succeeds.
		///
		/// The origin must be Signed; any account may call it.
		///
		/// - `owner`: the owner that granted the authorization.
		/// - `operator`: the operator it was granted to.
		///
		/// Emits `ExpiredPruned`.
		///
		/// O(1).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::prune_expired())]
		pub fn prune_expired(
			origin: OriginFor<T>,
			owner: AccountIdLookupOf<T>,
			operator: AccountIdLookupOf<T>,
		) -> DispatchResultWithPostInfo {
			let pruned_by = ensure_signed(origin)?;
			let owner = T::Lookup::lookup(owner)?;
			let operator = T::Lookup::lookup(operator)?;
			Self::do_prune_expired(owner, operator, pruned_by)?;
			Ok(Pays::No.into())
		}

		/// Registers the caller as a gateway reachable at `endpoint`, holding
		/// `GatewayDeposit` from its free balance.
		///
		/// The origin must be Signed, not yet a gateway, and able to hold
		/// `GatewayDeposit`.
		///
		/// - `endpoint`: the gateway's public base URL: `http://` or
		///   `https://` (lower case) followed by a host, printable ASCII
		///   without whitespace, at most `MaxEndpointLen` bytes.
		///
		/// Emits `GatewayRegistered`.
		///
		/// O(n) in the length of `endpoint` (validation), bounded by
		/// `MaxEndpointLen`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::register_gateway(endpoint.len() as u32))]
		pub fn register_gateway(origin: OriginFor<T>, endpoint: EndpointOf<T>) -> DispatchResult {
			let gateway = ensure_signed(origin)?;
			Self::do_register_gateway(gateway, endpoint)
		}

		/// Changes the caller's gateway endpoint; the deposit stays as it is.
		///
		/// The origin must be Signed and a registered gateway.
		///
		/// - `endpoint`: the new public base URL, with the same rules as in
		///   `register_gateway`.
		///
		/// Emits `GatewayUpdated`.
		///
		/// O(n) in the length of `endpoint` (validation), bounded by
		/// `MaxEndpointLen`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::update_gateway(endpoint.len() as u32))]
		pub fn update_gateway(origin: OriginFor<T>, endpoint: EndpointOf<T>) -> DispatchResult {
			let gateway = ensure_signed(origin)?;
			Self::do_update_gateway(gateway, endpoint)
		}

		/// Removes the caller from the gateway registry and releases its
		/// deposit. Authorizations users gave it are left as they are.
		///
		/// The origin must be Signed and a registered gateway.
		///
		/// Emits `GatewayDeregistered`.
		///
		/// O(1).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::deregister_gateway())]
		pub fn deregister_gateway(origin: OriginFor<T>) -> DispatchResult {
			let gateway = ensure_signed(origin)?;
			Self::do_deregister_gateway(gateway)
		}
	}
}
