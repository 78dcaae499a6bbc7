//! Every call's happy and unhappy paths, expiry at its boundary block, the
//! `OperatorAuthority` other pallets use, and the invariant check itself.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{Pays, PostDispatchInfo},
	traits::fungible::{Inspect, InspectHold, MutateHold},
};
use sp_runtime::{DispatchError, TokenError};
use Scope::{Delete, ReadShare, Upload};

fn scopes(list: &[Scope]) -> ScopesOf {
	ScopesOf::truncate_from(list.to_vec())
}

fn scope_set(list: &[Scope]) -> ScopeSet {
	ScopeSet::from_scopes(list).expect("non-empty")
}

fn endpoint(url: &str) -> EndpointOf<Test> {
	EndpointOf::<Test>::try_from(url.as_bytes().to_vec()).expect("fits MaxEndpointLen")
}

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::GatewayDeposit.into(), &who)
}

fn free(who: u64) -> u64 {
	Balances::balance(&who)
}

fn may(operator: u64, owner: u64, scope: Scope) -> bool {
	<Oss as OperatorAuthority<u64>>::may_act_for(&operator, &owner, scope)
}

fn authorize(owner: u64, operator: u64, list: &[Scope], expires_at: Option<u64>) {
	assert_ok!(Oss::authorize(RuntimeOrigin::signed(owner), operator, scopes(list), expires_at));
}

mod scope_set {
	use super::*;

	#[test]
	fn sorts_and_deduplicates() {
		let set = scope_set(&[ReadShare, Upload, ReadShare, Upload]);
		assert_eq!(set.as_slice(), &[Upload, ReadShare]);
		assert!(set.is_well_formed());
		assert!(set.contains(Upload));
		assert!(!set.contains(Delete));
	}

	#[test]
	fn empty_is_none() {
		assert_eq!(ScopeSet::from_scopes(&[]), None);
	}

	#[test]
	fn call_list_is_bounded_by_the_number_of_scopes() {
		assert!(ScopesOf::try_from(vec![Upload, Delete, ReadShare]).is_ok());
		assert!(ScopesOf::try_from(vec![Upload, Delete, ReadShare, Upload]).is_err());
	}
}

mod authorize {
	use super::*;

	#[test]
	fn records_authorization_reverse_entry_and_count() {
		run_test(|| {
			run_to_block(5);
			assert_ok!(Oss::authorize(
				RuntimeOrigin::signed(ALICE),
				BOB,
				scopes(&[ReadShare, Upload, Upload]),
				Some(50)
			));

			assert_eq!(
				Authorizations::<Test>::get(ALICE, BOB),
				Some(Authorization {
					scopes: scope_set(&[Upload, ReadShare]),
					expires_at: Some(50),
					granted_at: 5,
				})
			);
			assert!(OperatorOf::<Test>::contains_key(BOB, ALICE));
			assert_eq!(OperatorCount::<Test>::get(ALICE), 1);
			System::assert_last_event(
				Event::Authorized {
					owner: ALICE,
					operator: BOB,
					scopes: scope_set(&[Upload, ReadShare]),
					expires_at: Some(50),
					replaced: false,
				}
				.into(),
			);
		});
	}

	#[test]
	fn without_expiry_lasts() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			run_to_block(1_000_000);
			assert!(may(BOB, ALICE, Upload));
		});
	}

	#[test]
	fn replaces_an_earlier_authorization_of_the_same_operator() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload, Delete], Some(50));
			run_to_block(7);
			assert_ok!(Oss::authorize(
				RuntimeOrigin::signed(ALICE),
				BOB,
				scopes(&[ReadShare]),
				None
			));

			assert_eq!(
				Authorizations::<Test>::get(ALICE, BOB),
				Some(Authorization {
					scopes: scope_set(&[ReadShare]),
					expires_at: None,
					granted_at: 7
				})
			);
			assert_eq!(OperatorCount::<Test>::get(ALICE), 1);
			assert!(!may(BOB, ALICE, Upload));
			assert!(may(BOB, ALICE, ReadShare));
			System::assert_last_event(
				Event::Authorized {
					owner: ALICE,
					operator: BOB,
					scopes: scope_set(&[ReadShare]),
					expires_at: None,
					replaced: true,
				}
				.into(),
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			assert_noop!(
				Oss::authorize(RuntimeOrigin::none(), BOB, scopes(&[Upload]), None),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Oss::authorize(RuntimeOrigin::root(), BOB, scopes(&[Upload]), None),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn rejects_authorizing_oneself() {
		run_test(|| {
			assert_noop!(
				Oss::authorize(RuntimeOrigin::signed(ALICE), ALICE, scopes(&[Upload]), None),
				Error::<Test>::CannotAuthorizeSelf
			);
		});
	}

	#[test]
	fn rejects_empty_scopes() {
		run_test(|| {
			assert_noop!(
				Oss::authorize(RuntimeOrigin::signed(ALICE), BOB, scopes(&[]), None),
				Error::<Test>::NoScopes
			);
		});
	}

	#[test]
	fn rejects_expiry_not_in_the_future() {
		run_test(|| {
			run_to_block(10);
			for expires_at in [0, 9, 10] {
				assert_noop!(
					Oss::authorize(
						RuntimeOrigin::signed(ALICE),
						BOB,
						scopes(&[Upload]),
						Some(expires_at)
					),
					Error::<Test>::ExpiryNotInFuture
				);
			}
			authorize(ALICE, BOB, &[Upload], Some(11));
		});
	}

	#[test]
	fn is_limited_per_owner() {
		run_test(|| {
			let operators: Vec<u64> = (100..100 + u64::from(MAX_OPERATORS)).collect();
			for operator in &operators {
				authorize(ALICE, *operator, &[Upload], None);
			}
			assert_eq!(OperatorCount::<Test>::get(ALICE), MAX_OPERATORS);
			assert_noop!(
				Oss::authorize(RuntimeOrigin::signed(ALICE), 999, scopes(&[Upload]), None),
				Error::<Test>::TooManyOperators
			);

			// Replacing an existing one needs no new slot.
			authorize(ALICE, operators[0], &[Delete], None);
			// Another owner has its own slots.
			authorize(BOB, 999, &[Upload], None);
			// Revoking frees a slot.
			assert_ok!(Oss::revoke(RuntimeOrigin::signed(ALICE), operators[1]));
			authorize(ALICE, 999, &[Upload], None);
			assert_eq!(OperatorCount::<Test>::get(ALICE), MAX_OPERATORS);
		});
	}

	#[test]
	fn expired_authorizations_hold_their_slot_until_pruned() {
		run_test(|| {
			for operator in 100..100 + u64::from(MAX_OPERATORS) {
				authorize(ALICE, operator, &[Upload], Some(10));
			}
			run_to_block(10);
			assert_noop!(
				Oss::authorize(RuntimeOrigin::signed(ALICE), 999, scopes(&[Upload]), None),
				Error::<Test>::TooManyOperators
			);
			// Re-granting an expired operator replaces its entry in place.
			authorize(ALICE, 100, &[Upload], Some(20));
			assert!(may(100, ALICE, Upload));

			assert_ok!(Oss::prune_expired(RuntimeOrigin::signed(CHARLIE), ALICE, 101));
			authorize(ALICE, 999, &[Upload], None);
		});
	}

	#[test]
	fn many_owners_may_authorize_one_operator() {
		run_test(|| {
			for owner in [ALICE, BOB, CHARLIE, DAVE, 50, 51] {
				authorize(owner, 77, &[Upload], None);
			}
			let mut owners: Vec<u64> = OperatorOf::<Test>::iter_key_prefix(77).collect();
			owners.sort();
			assert_eq!(owners, vec![ALICE, BOB, CHARLIE, DAVE, 50, 51]);
		});
	}
}

mod may_act_for {
	use super::*;

	#[test]
	fn an_owner_may_always_act_for_itself() {
		run_test(|| {
			for scope in ALL_SCOPES {
				assert!(may(ALICE, ALICE, scope));
			}
		});
	}

	#[test]
	fn needs_an_authorization_with_the_scope() {
		run_test(|| {
			assert!(!may(BOB, ALICE, Upload));
			authorize(ALICE, BOB, &[Upload, ReadShare], None);
			assert!(may(BOB, ALICE, Upload));
			assert!(may(BOB, ALICE, ReadShare));
			assert!(!may(BOB, ALICE, Delete));
			// Authorization is directed: the owner gains nothing over the operator.
			assert!(!may(ALICE, BOB, Upload));
			// And it is personal: nobody else gains anything.
			assert!(!may(CHARLIE, ALICE, Upload));
		});
	}

	#[test]
	fn expiry_is_exclusive_at_the_boundary_block() {
		run_test(|| {
			authorize(ALICE, BOB, &[Delete], Some(10));
			run_to_block(9);
			assert!(may(BOB, ALICE, Delete));
			run_to_block(10);
			assert!(!may(BOB, ALICE, Delete));
			// Expired, but still stored until removed.
			assert!(Authorizations::<Test>::contains_key(ALICE, BOB));
		});
	}

	#[test]
	fn ends_with_revocation_and_renunciation() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			authorize(CHARLIE, BOB, &[Upload], None);
			assert_ok!(Oss::revoke(RuntimeOrigin::signed(ALICE), BOB));
			assert_ok!(Oss::renounce(RuntimeOrigin::signed(BOB), CHARLIE));
			assert!(!may(BOB, ALICE, Upload));
			assert!(!may(BOB, CHARLIE, Upload));
		});
	}

	#[test]
	fn gateways_and_unregistered_apps_are_operators_alike() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://gw.example")
			));
			authorize(ALICE, BOB, &[Upload], None);
			authorize(ALICE, CHARLIE, &[Upload], None);
			assert!(may(BOB, ALICE, Upload));
			assert!(may(CHARLIE, ALICE, Upload));
			// Registration alone grants nothing.
			assert!(!may(BOB, DAVE, Upload));
		});
	}
}

mod revoke {
	use super::*;

	#[test]
	fn removes_the_authorization_everywhere() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			assert_ok!(Oss::revoke(RuntimeOrigin::signed(ALICE), BOB));

			assert!(!Authorizations::<Test>::contains_key(ALICE, BOB));
			assert!(!OperatorOf::<Test>::contains_key(BOB, ALICE));
			assert!(!OperatorCount::<Test>::contains_key(ALICE));
			System::assert_last_event(Event::Revoked { owner: ALICE, operator: BOB }.into());
		});
	}

	#[test]
	fn works_on_an_expired_authorization() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], Some(3));
			run_to_block(4);
			assert_ok!(Oss::revoke(RuntimeOrigin::signed(ALICE), BOB));
			assert!(!Authorizations::<Test>::contains_key(ALICE, BOB));
		});
	}

	#[test]
	fn keeps_the_owners_other_authorizations() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			authorize(ALICE, CHARLIE, &[Upload], None);
			assert_ok!(Oss::revoke(RuntimeOrigin::signed(ALICE), BOB));
			assert_eq!(OperatorCount::<Test>::get(ALICE), 1);
			assert!(may(CHARLIE, ALICE, Upload));
		});
	}

	#[test]
	fn fails_for_what_does_not_exist() {
		run_test(|| {
			assert_noop!(
				Oss::revoke(RuntimeOrigin::signed(ALICE), BOB),
				Error::<Test>::NotAuthorized
			);
			authorize(ALICE, BOB, &[Upload], None);
			// The operator cannot revoke: from its side there is nothing to revoke.
			assert_noop!(
				Oss::revoke(RuntimeOrigin::signed(BOB), ALICE),
				Error::<Test>::NotAuthorized
			);
			assert_ok!(Oss::revoke(RuntimeOrigin::signed(ALICE), BOB));
			assert_noop!(
				Oss::revoke(RuntimeOrigin::signed(ALICE), BOB),
				Error::<Test>::NotAuthorized
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			assert_noop!(Oss::revoke(RuntimeOrigin::none(), BOB), DispatchError::BadOrigin);
			assert_noop!(Oss::revoke(RuntimeOrigin::root(), BOB), DispatchError::BadOrigin);
		});
	}
}

mod renounce {
	use super::*;

	#[test]
	fn removes_the_authorization_everywhere() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			assert_ok!(Oss::renounce(RuntimeOrigin::signed(BOB), ALICE));

			assert!(!Authorizations::<Test>::contains_key(ALICE, BOB));
			assert!(!OperatorOf::<Test>::contains_key(BOB, ALICE));
			assert!(!OperatorCount::<Test>::contains_key(ALICE));
			System::assert_last_event(Event::Renounced { owner: ALICE, operator: BOB }.into());
		});
	}

	#[test]
	fn fails_for_what_does_not_exist() {
		run_test(|| {
			assert_noop!(
				Oss::renounce(RuntimeOrigin::signed(BOB), ALICE),
				Error::<Test>::NotAuthorized
			);
			authorize(ALICE, BOB, &[Upload], None);
			// The owner cannot renounce on the operator's behalf.
			assert_noop!(
				Oss::renounce(RuntimeOrigin::signed(ALICE), BOB),
				Error::<Test>::NotAuthorized
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			assert_noop!(Oss::renounce(RuntimeOrigin::none(), ALICE), DispatchError::BadOrigin);
		});
	}
}

mod prune_expired {
	use super::*;

	#[test]
	fn anyone_removes_an_expired_authorization_for_free() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], Some(10));
			run_to_block(10);
			assert_eq!(
				Oss::prune_expired(RuntimeOrigin::signed(CHARLIE), ALICE, BOB),
				Ok(PostDispatchInfo { actual_weight: None, pays_fee: Pays::No })
			);

			assert!(!Authorizations::<Test>::contains_key(ALICE, BOB));
			assert!(!OperatorOf::<Test>::contains_key(BOB, ALICE));
			assert!(!OperatorCount::<Test>::contains_key(ALICE));
			System::assert_last_event(
				Event::ExpiredPruned { owner: ALICE, operator: BOB, pruned_by: CHARLIE }.into(),
			);
		});
	}

	#[test]
	fn refuses_before_the_expiry_block() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], Some(10));
			run_to_block(9);
			assert_noop!(
				Oss::prune_expired(RuntimeOrigin::signed(CHARLIE), ALICE, BOB),
				Error::<Test>::NotExpired
			);
		});
	}

	#[test]
	fn refuses_an_authorization_without_expiry() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], None);
			run_to_block(1_000);
			assert_noop!(
				Oss::prune_expired(RuntimeOrigin::signed(CHARLIE), ALICE, BOB),
				Error::<Test>::NotExpired
			);
		});
	}

	#[test]
	fn fails_for_what_does_not_exist() {
		run_test(|| {
			assert_noop!(
				Oss::prune_expired(RuntimeOrigin::signed(CHARLIE), ALICE, BOB),
				Error::<Test>::NotAuthorized
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			authorize(ALICE, BOB, &[Upload], Some(2));
			run_to_block(3);
			assert_noop!(
				Oss::prune_expired(RuntimeOrigin::none(), ALICE, BOB),
				DispatchError::BadOrigin
			);
		});
	}
}

mod register_gateway {
	use super::*;

	#[test]
	fn records_the_gateway_and_holds_the_deposit() {
		run_test(|| {
			run_to_block(3);
			let url = endpoint("https://gw.example.com:8443/deoss");
			assert_ok!(Oss::register_gateway(RuntimeOrigin::signed(BOB), url.clone()));

			assert_eq!(
				Gateways::<Test>::get(BOB),
				Some(GatewayInfo { endpoint: url.clone(), deposit: DEPOSIT, registered_at: 3 })
			);
			assert_eq!(held(BOB), DEPOSIT);
			assert_eq!(free(BOB), ENDOWMENT - DEPOSIT);
			System::assert_last_event(
				Event::GatewayRegistered { gateway: BOB, endpoint: url, deposit: DEPOSIT }.into(),
			);
		});
	}

	#[test]
	fn accepts_plain_http_and_addresses() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("http://127.0.0.1:8080")
			));
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(CHARLIE),
				endpoint("http://[::1]:80")
			));
		});
	}

	#[test]
	fn rejects_double_registration() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://a.example")
			));
			assert_noop!(
				Oss::register_gateway(RuntimeOrigin::signed(BOB), endpoint("https://b.example")),
				Error::<Test>::AlreadyRegistered
			);
			assert_eq!(held(BOB), DEPOSIT);
		});
	}

	#[test]
	fn rejects_invalid_endpoints() {
		run_test(|| {
			for bad in [
				"",
				"gw.example.com",
				"ftp://gw.example.com",
				"ws://gw.example.com",
				"HTTPS://gw.example.com",
				"https://",
				"http://",
				"https:///path",
				"https://gw example.com",
				"https://gw.example.com/\tx",
				"https://gw.example.com\n",
				" https://gw.example.com",
			] {
				assert_noop!(
					Oss::register_gateway(RuntimeOrigin::signed(BOB), endpoint(bad)),
					Error::<Test>::InvalidEndpoint
				);
			}
			let non_ascii =
				EndpointOf::<Test>::truncate_from("https://gäteway.example".as_bytes().to_vec());
			assert_noop!(
				Oss::register_gateway(RuntimeOrigin::signed(BOB), non_ascii),
				Error::<Test>::InvalidEndpoint
			);
			let control = EndpointOf::<Test>::truncate_from(b"https://gw\x7f.example".to_vec());
			assert_noop!(
				Oss::register_gateway(RuntimeOrigin::signed(BOB), control),
				Error::<Test>::InvalidEndpoint
			);
		});
	}

	#[test]
	fn endpoint_longer_than_the_limit_does_not_decode() {
		let longest = vec![b'a'; MAX_ENDPOINT_LEN as usize].encode();
		let too_long = vec![b'a'; MAX_ENDPOINT_LEN as usize + 1].encode();
		assert!(EndpointOf::<Test>::decode(&mut &longest[..]).is_ok());
		assert!(EndpointOf::<Test>::decode(&mut &too_long[..]).is_err());

		// The same holds for the whole call as a transaction carries it.
		let call = RuntimeCall::Oss(Call::register_gateway {
			endpoint: EndpointOf::<Test>::truncate_from(vec![b'a'; MAX_ENDPOINT_LEN as usize]),
		});
		let mut encoded = call.encode();
		// Grow the endpoint by one byte: compact length prefix, then the byte.
		let prefix_at = encoded.len() - MAX_ENDPOINT_LEN as usize - 1;
		encoded[prefix_at] = codec::Compact(MAX_ENDPOINT_LEN + 1).encode()[0];
		encoded.push(b'a');
		assert!(RuntimeCall::decode(&mut &encoded[..]).is_err());
	}

	#[test]
	fn needs_funds_for_the_deposit() {
		run_test(|| {
			assert_noop!(
				Oss::register_gateway(RuntimeOrigin::signed(POOR), endpoint("https://gw.example")),
				TokenError::FundsUnavailable
			);
			assert!(!Gateways::<Test>::contains_key(POOR));
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			assert_noop!(
				Oss::register_gateway(RuntimeOrigin::none(), endpoint("https://gw.example")),
				DispatchError::BadOrigin
			);
		});
	}
}

mod update_gateway {
	use super::*;

	#[test]
	fn changes_the_endpoint_only() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://old.example")
			));
			run_to_block(8);
			let url = endpoint("https://new.example/v2");
			assert_ok!(Oss::update_gateway(RuntimeOrigin::signed(BOB), url.clone()));

			assert_eq!(
				Gateways::<Test>::get(BOB),
				Some(GatewayInfo { endpoint: url.clone(), deposit: DEPOSIT, registered_at: 1 })
			);
			assert_eq!(held(BOB), DEPOSIT);
			System::assert_last_event(Event::GatewayUpdated { gateway: BOB, endpoint: url }.into());
		});
	}

	#[test]
	fn rejects_an_invalid_endpoint() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://old.example")
			));
			assert_noop!(
				Oss::update_gateway(RuntimeOrigin::signed(BOB), endpoint("mailto:gw@example.com")),
				Error::<Test>::InvalidEndpoint
			);
		});
	}

	#[test]
	fn needs_a_registered_gateway() {
		run_test(|| {
			assert_noop!(
				Oss::update_gateway(RuntimeOrigin::signed(BOB), endpoint("https://new.example")),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			assert_noop!(
				Oss::update_gateway(RuntimeOrigin::root(), endpoint("https://new.example")),
				DispatchError::BadOrigin
			);
		});
	}
}

mod deregister_gateway {
	use super::*;

	#[test]
	fn removes_the_gateway_and_releases_the_deposit() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://gw.example")
			));
			assert_ok!(Oss::deregister_gateway(RuntimeOrigin::signed(BOB)));

			assert!(!Gateways::<Test>::contains_key(BOB));
			assert_eq!(held(BOB), 0);
			assert_eq!(free(BOB), ENDOWMENT);
			System::assert_last_event(
				Event::GatewayDeregistered { gateway: BOB, deposit_released: DEPOSIT }.into(),
			);
			// And the account may register again.
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://gw.example")
			));
		});
	}

	#[test]
	fn leaves_authorizations_given_to_the_gateway() {
		run_test(|| {
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://gw.example")
			));
			authorize(ALICE, BOB, &[Upload], None);
			assert_ok!(Oss::deregister_gateway(RuntimeOrigin::signed(BOB)));
			assert!(may(BOB, ALICE, Upload));
		});
	}

	#[test]
	fn releases_the_recorded_deposit_not_the_current_constant() {
		run_test(|| {
			// A gateway registered when the deposit was lower, as after a
			// runtime upgrade that raised `GatewayDeposit`.
			assert_ok!(Balances::hold(&HoldReason::GatewayDeposit.into(), &BOB, 30));
			Gateways::<Test>::insert(
				BOB,
				GatewayInfo {
					endpoint: endpoint("https://gw.example"),
					deposit: 30,
					registered_at: 1,
				},
			);
			assert_ok!(Oss::deregister_gateway(RuntimeOrigin::signed(BOB)));
			assert_eq!(free(BOB), ENDOWMENT);
			System::assert_last_event(
				Event::GatewayDeregistered { gateway: BOB, deposit_released: 30 }.into(),
			);
		});
	}

	#[test]
	fn needs_a_registered_gateway() {
		run_test(|| {
			assert_noop!(
				Oss::deregister_gateway(RuntimeOrigin::signed(BOB)),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn requires_a_signed_origin() {
		run_test(|| {
			assert_noop!(Oss::deregister_gateway(RuntimeOrigin::none()), DispatchError::BadOrigin);
		});
	}
}

mod try_state {
	use super::*;

	fn with_some_state(corrupt: impl FnOnce()) -> Result<(), sp_runtime::TryRuntimeError> {
		new_test_ext().execute_with(|| {
			authorize(ALICE, BOB, &[Upload], None);
			authorize(ALICE, CHARLIE, &[Delete], Some(9));
			assert_ok!(Oss::register_gateway(
				RuntimeOrigin::signed(BOB),
				endpoint("https://gw.example")
			));
			assert_ok!(Oss::do_try_state());
			corrupt();
			Oss::do_try_state()
		})
	}

	#[test]
	fn accepts_consistent_state() {
		assert_ok!(with_some_state(|| {}));
	}

	#[test]
	fn catches_a_reverse_entry_without_authorization() {
		assert!(with_some_state(|| OperatorOf::<Test>::insert(DAVE, ALICE, ())).is_err());
	}

	#[test]
	fn catches_an_authorization_without_reverse_entry() {
		assert!(with_some_state(|| OperatorOf::<Test>::remove(BOB, ALICE)).is_err());
	}

	#[test]
	fn catches_a_wrong_count() {
		assert!(with_some_state(|| OperatorCount::<Test>::insert(ALICE, 3)).is_err());
		assert!(with_some_state(|| OperatorCount::<Test>::remove(ALICE)).is_err());
		assert!(with_some_state(|| OperatorCount::<Test>::insert(DAVE, 1)).is_err());
	}

	#[test]
	fn catches_a_deposit_that_is_not_held() {
		assert!(with_some_state(|| {
			assert_ok!(Balances::release(
				&HoldReason::GatewayDeposit.into(),
				&BOB,
				1,
				frame_support::traits::tokens::Precision::Exact
			));
		})
		.is_err());
	}
}
