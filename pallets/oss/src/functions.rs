//! What the calls do once their origin is checked: granting and removing
//! authorizations, the gateway registry, and the pallet's invariants.

use crate::*;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_authorize(
		owner: T::AccountId,
		operator: T::AccountId,
		scopes: &[Scope],
		expires_at: Option<BlockNumberFor<T>>,
	) -> DispatchResult {
		ensure!(owner != operator, Error::<T>::CannotAuthorizeSelf);
		let scopes = ScopeSet::from_scopes(scopes).ok_or(Error::<T>::NoScopes)?;
		let now = frame_system::Pallet::<T>::block_number();
		if let Some(expires_at) = expires_at {
			ensure!(expires_at > now, Error::<T>::ExpiryNotInFuture);
		}

		let replaced = Authorizations::<T>::contains_key(&owner, &operator);
		if !replaced {
			let count = OperatorCount::<T>::get(&owner);
			ensure!(count < T::MaxOperatorsPerOwner::get(), Error::<T>::TooManyOperators);
			OperatorCount::<T>::insert(&owner, count.saturating_add(1));
			OperatorOf::<T>::insert(&operator, &owner, ());
		}
		let authorization = Authorization { scopes: scopes.clone(), expires_at, granted_at: now };
		Authorizations::<T>::insert(&owner, &operator, authorization);

		Self::deposit_event(Event::Authorized { owner, operator, scopes, expires_at, replaced });
		Ok(())
	}

	pub(crate) fn do_revoke(owner: T::AccountId, operator: T::AccountId) -> DispatchResult {
		Self::remove_authorization(&owner, &operator)?;
		Self::deposit_event(Event::Revoked { owner, operator });
		Ok(())
	}

	pub(crate) fn do_renounce(owner: T::AccountId, operator: T::AccountId) -> DispatchResult {
		Self::remove_authorization(&owner, &operator)?;
		Self::deposit_event(Event::Renounced { owner, operator });
		Ok(())
	}

	pub(crate) fn do_prune_expired(
		owner: T::AccountId,
		operator: T::AccountId,
		pruned_by: T::AccountId,
	) -> DispatchResult {
		let authorization =
			Authorizations::<T>::get(&owner, &operator).ok_or(Error::<T>::NotAuthorized)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(authorization.is_expired(&now), Error::<T>::NotExpired);
		Self::remove_authorization(&owner, &operator)?;
		Self::deposit_event(Event::ExpiredPruned { owner, operator, pruned_by });
		Ok(())
	}

	/// Removes the authorization of `operator` by `owner` with its reverse
	/// entry, and frees the owner's slot.
	fn remove_authorization(owner: &T::AccountId, operator: &T::AccountId) -> DispatchResult {
		ensure!(Authorizations::<T>::take(owner, operator).is_some(), Error::<T>::NotAuthorized);
		OperatorOf::<T>::remove(operator, owner);
		OperatorCount::<T>::mutate_exists(owner, |count| {
			// Owners without authorizations keep no counter entry.
			*count = count.map(|count| count.saturating_sub(1)).filter(|count| *count > 0);
		});
		Ok(())
	}

	pub(crate) fn do_register_gateway(
		gateway: T::AccountId,
		endpoint: EndpointOf<T>,
	) -> DispatchResult {
		ensure!(!Gateways::<T>::contains_key(&gateway), Error::<T>::AlreadyRegistered);
		ensure!(is_valid_endpoint(&endpoint), Error::<T>::InvalidEndpoint);

		let deposit = T::GatewayDeposit::get();
		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::GatewayDeposit.into(), &gateway, deposit)?;
		}
		let registered_at = frame_system::Pallet::<T>::block_number();
		let info = GatewayInfo { endpoint: endpoint.clone(), deposit, registered_at };
		Gateways::<T>::insert(&gateway, info);

		Self::deposit_event(Event::GatewayRegistered { gateway, endpoint, deposit });
		Ok(())
	}

	pub(crate) fn do_update_gateway(
		gateway: T::AccountId,
		endpoint: EndpointOf<T>,
	) -> DispatchResult {
		ensure!(is_valid_endpoint(&endpoint), Error::<T>::InvalidEndpoint);
		Gateways::<T>::try_mutate(&gateway, |info| {
			let info = info.as_mut().ok_or(Error::<T>::NotRegistered)?;
			info.endpoint = endpoint.clone();
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::GatewayUpdated { gateway, endpoint });
		Ok(())
	}

	pub(crate) fn do_deregister_gateway(gateway: T::AccountId) -> DispatchResult {
		let info = Gateways::<T>::take(&gateway).ok_or(Error::<T>::NotRegistered)?;
		// Best effort: nothing else touches this hold, so the full recorded
		// deposit is there; if it were not, deregistering must still work.
		let deposit_released = T::Currency::release(
			&HoldReason::GatewayDeposit.into(),
			&gateway,
			info.deposit,
			Precision::BestEffort,
		)?;
		Self::deposit_event(Event::GatewayDeregistered { gateway, deposit_released });
		Ok(())
	}

	/// Checks that the forward and reverse authorization maps match, that
	/// the per-owner counters count them, that stored records are well
	/// formed, and that each gateway's held deposit is the one it recorded.
	///
	/// Counters are not checked against `MaxOperatorsPerOwner`: a runtime
	/// upgrade that lowers it leaves existing owners above it, legitimately.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

		let mut counted: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (owner, operator, authorization) in Authorizations::<T>::iter() {
			ensure!(owner != operator, "an account is authorized for itself");
			ensure!(authorization.scopes.is_well_formed(), "a scope set is empty or unsorted");
			ensure!(
				authorization
					.expires_at
					.is_none_or(|expires_at| expires_at > authorization.granted_at),
				"an authorization expired before it was granted"
			);
			ensure!(
				OperatorOf::<T>::contains_key(&operator, &owner),
				"an authorization has no reverse index entry"
			);
			let count = counted.entry(owner).or_default();
			*count = count.saturating_add(1);
		}
		for (operator, owner, ()) in OperatorOf::<T>::iter() {
			ensure!(
				Authorizations::<T>::contains_key(&owner, &operator),
				"a reverse index entry has no authorization"
			);
		}
		for (owner, count) in OperatorCount::<T>::iter() {
			ensure!(
				counted.remove(&owner) == Some(count),
				"an operator count differs from the owner's authorizations"
			);
		}
		ensure!(counted.is_empty(), "an owner with authorizations has no operator count");

		for (gateway, info) in Gateways::<T>::iter() {
			ensure!(is_valid_endpoint(&info.endpoint), "a gateway endpoint is invalid");
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::GatewayDeposit.into(), &gateway)
					== info.deposit,
				"a gateway's held deposit differs from its recorded deposit"
			);
		}
		Ok(())
	}
}
