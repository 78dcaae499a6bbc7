//! The `OperatorAuthority` other pallets ask before letting an account act
//! for an owner (declare uploads, delete, receive re-encrypted keys).

use crate::*;

impl<T: Config> OperatorAuthority<T::AccountId> for Pallet<T> {
	fn may_act_for(operator: &T::AccountId, owner: &T::AccountId, scope: Scope) -> bool {
		if operator == owner {
			return true;
		}
		let now = frame_system::Pallet::<T>::block_number();
		Authorizations::<T>::get(owner, operator).is_some_and(|authorization| {
			!authorization.is_expired(&now) && authorization.scopes.contains(scope)
		})
	}
}
