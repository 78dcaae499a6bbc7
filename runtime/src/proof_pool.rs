//! The transaction pool's view of audit proofs.
//!
//! Proofs are `Operational`: they may use the block space kept beside
//! normal traffic. The pool admits `Audit::submit_proof` only at the top of
//! a signed transaction, from a miner with an open challenge and with one
//! proof per sample (`pallet_audit::Pallet::validate_proof`), and keeps one
//! proof per challenge. A proof wrapped in a utility call (a batch of
//! proofs inherits their `Operational` class) is refused, so wrapping
//! cannot skip the check.

use crate::RuntimeCall;
use alloc::vec::Vec;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

/// Whether `call` carries an audit proof inside a utility call.
pub fn wraps_proof(call: &RuntimeCall) -> bool {
	use pallet_utility::Call as Utility;
	let is_or_wraps = |inner: &RuntimeCall| {
		matches!(inner, RuntimeCall::Audit(pallet_audit::Call::submit_proof { .. }))
			|| wraps_proof(inner)
	};
	match call {
		RuntimeCall::Utility(Utility::batch { calls })
		| RuntimeCall::Utility(Utility::batch_all { calls })
		| RuntimeCall::Utility(Utility::force_batch { calls }) => calls.iter().any(is_or_wraps),
		RuntimeCall::Utility(Utility::as_derivative { call, .. })
		| RuntimeCall::Utility(Utility::dispatch_as { call, .. })
		| RuntimeCall::Utility(Utility::dispatch_as_fallible { call, .. })
		| RuntimeCall::Utility(Utility::with_weight { call, .. }) => is_or_wraps(call),
		RuntimeCall::Utility(Utility::if_else { main, fallback }) => {
			is_or_wraps(main) || is_or_wraps(fallback)
		}
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call })
		| RuntimeCall::Sudo(pallet_sudo::Call::sudo_as { call, .. })
		| RuntimeCall::Sudo(pallet_sudo::Call::sudo_unchecked_weight { call, .. }) => is_or_wraps(call),
		_ => false,
	}
}

/// The pool's check of a transaction calling `call`, signed by `signer`
/// (`None` if it is not signed by an account id): `Ok(Some(tag))` for a
/// valid proof, `Ok(None)` for any other call, an error for a proof the
/// chain would refuse.
pub fn check(
	signer: Option<&crate::AccountId>,
	call: &RuntimeCall,
) -> Result<Option<Vec<u8>>, TransactionValidityError> {
	match (signer, call) {
		(Some(miner), RuntimeCall::Audit(pallet_audit::Call::submit_proof { proofs })) => {
			Ok(Some(pallet_audit::Pallet::<crate::Runtime>::validate_proof(miner, proofs.len())?))
		}
		(None, RuntimeCall::Audit(pallet_audit::Call::submit_proof { .. })) => {
			Err(InvalidTransaction::BadSigner.into())
		}
		(_, call) if wraps_proof(call) => Err(InvalidTransaction::Call.into()),
		_ => Ok(None),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::BoundedVec;

	fn proof() -> RuntimeCall {
		RuntimeCall::Audit(pallet_audit::Call::submit_proof { proofs: BoundedVec::new() })
	}

	fn remark() -> RuntimeCall {
		RuntimeCall::System(frame_system::Call::remark { remark: alloc::vec![] })
	}

	#[test]
	fn proofs_wrapped_in_utility_calls_are_refused() {
		use pallet_utility::Call as Utility;
		let wrapped = [
			RuntimeCall::Utility(Utility::batch { calls: alloc::vec![remark(), proof()] }),
			RuntimeCall::Utility(Utility::force_batch { calls: alloc::vec![proof()] }),
			RuntimeCall::Utility(Utility::batch_all {
				calls: alloc::vec![RuntimeCall::Utility(Utility::with_weight {
					call: alloc::boxed::Box::new(proof()),
					weight: Default::default(),
				})],
			}),
			RuntimeCall::Utility(Utility::as_derivative {
				index: 0,
				call: alloc::boxed::Box::new(proof()),
			}),
			RuntimeCall::Utility(Utility::if_else {
				main: alloc::boxed::Box::new(remark()),
				fallback: alloc::boxed::Box::new(proof()),
			}),
		];
		let alice = crate::AccountId::new([1; 32]);
		for call in &wrapped {
			assert!(wraps_proof(call), "{call:?}");
			assert_eq!(check(Some(&alice), call), Err(InvalidTransaction::Call.into()));
		}
		let batch = RuntimeCall::Utility(Utility::batch { calls: alloc::vec![remark(), remark()] });
		assert!(!wraps_proof(&batch));
		assert_eq!(check(Some(&alice), &batch), Ok(None));
		assert_eq!(check(None, &proof()), Err(InvalidTransaction::BadSigner.into()));
	}
}
