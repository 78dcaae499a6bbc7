//! `CheckProof`: the transaction pool's check of `submit_proof`.
//!
//! Proofs are `Operational`, so they may use the block space kept beside
//! normal traffic. Without a check at the pool anyone could fill that space
//! with proofs the call would only refuse once included. This extension
//! refuses them before: a proof from an account without an open challenge,
//! or with another number of proofs than the challenge has samples, is an
//! invalid transaction and never reaches a block. A valid one `provides`
//! the tag of its challenge, so the pool keeps one proof per challenge.
//! It adds no bytes to a transaction (explicit and implicit data are `()`).

use crate::*;
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Get, IsSubType, OriginTrait},
	DefaultNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{DispatchInfoOf, TransactionExtension, ValidateResult},
	transaction_validity::{InvalidTransaction, ValidTransaction},
	Weight,
};

/// `InvalidTransaction::Custom` code: the sender has no open challenge.
pub const NO_OPEN_CHALLENGE: u8 = 1;
/// `InvalidTransaction::Custom` code: not one proof per sample.
pub const WRONG_PROOF_COUNT: u8 = 2;

/// Refuses, at the pool, proofs that the audit would refuse for want of a
/// challenge or for their count (module docs).
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckProof<T>(PhantomData<T>);

impl<T> CheckProof<T> {
	/// The extension.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckProof<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckProof")
	}
}

impl<T> TransactionExtension<<T as frame_system::Config>::RuntimeCall> for CheckProof<T>
where
	T: Config + Send + Sync,
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	const IDENTIFIER: &'static str = "CheckProof";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	/// One read of the sender's challenge, for proofs only.
	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		match call.is_sub_type() {
			Some(Call::submit_proof { .. }) => T::DbWeight::get().reads(1),
			_ => Weight::zero(),
		}
	}

	fn validate(
		&self,
		origin: <T as frame_system::Config>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, <T as frame_system::Config>::RuntimeCall> {
		let Some(Call::submit_proof { proofs }) = call.is_sub_type() else {
			return Ok((ValidTransaction::default(), (), origin));
		};
		let Some(miner) = origin.as_signer() else {
			return Err(InvalidTransaction::BadSigner.into());
		};
		let Some(challenge) = Challenges::<T>::get(miner) else {
			return Err(InvalidTransaction::Custom(NO_OPEN_CHALLENGE).into());
		};
		if proofs.len() != challenge.files.len() {
			return Err(InvalidTransaction::Custom(WRONG_PROOF_COUNT).into());
		}
		let tag = (b"deoss/audit/proof", miner, challenge.round).encode();
		let valid = ValidTransaction { provides: alloc::vec![tag], ..Default::default() };
		Ok((valid, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
