//! Unit tests of the calls and of the registry functions other pallets call, happy and
//! unhappy paths; every test ends with the pallet's invariant check.

use crate::{mock::*, pallet::*, types::*, Error, Event};
use deoss_traits::{MinerRegistry, SchedulerRegistry};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		Hooks,
	},
};
use sp_runtime::{DispatchError, DispatchResult, Perbill, TokenError};

const MINER_STAKE: HoldReason = HoldReason::MinerStake;
const SCHEDULER_STAKE: HoldReason = HoldReason::SchedulerStake;

fn held(reason: HoldReason, who: AccountId) -> Balance {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

/// Stake a miner of `capacity` bytes needs in the mock: 100 plus 1_000 per started TiB.
fn required(capacity: u64) -> Balance {
	StorageProviders::required_miner_stake(capacity)
}

/// Registers `who` with `stake`, `capacity`, region DE and its own key.
fn register_with_stake(who: AccountId, stake: Balance, capacity: u64) -> DispatchResult {
	let pair = key_pair(who as u8);
	StorageProviders::register_miner(
		RuntimeOrigin::signed(who),
		stake,
		capacity,
		region(b"DE"),
		endpoint("https://miner.example.org"),
		public(&pair),
		key_proof(who, &pair),
	)
}

/// Registers `who` with exactly the stake `capacity` needs.
fn register(who: AccountId, capacity: u64) -> DispatchResult {
	register_with_stake(who, required(capacity), capacity)
}

fn miner(who: AccountId) -> MinerInfoOf<Test> {
	Miners::<Test>::get(who).expect("the miner is registered")
}

fn is_indexed(who: AccountId, code: &[u8; 2]) -> bool {
	ActiveMinersByRegion::<Test>::contains_key(region(code), who)
}

fn register_scheduler_in(who: AccountId, code: &[u8; 2]) -> DispatchResult {
	StorageProviders::register_scheduler(
		RuntimeOrigin::signed(who),
		region(code),
		endpoint("/dns4/scheduler.example.org/tcp/443/https"),
	)
}

fn active_scheduler_accounts() -> Vec<AccountId> {
	ActiveSchedulers::<Test>::get().into_iter().map(|(who, _)| who).collect()
}

fn advance_to(block: u64) {
	System::set_block_number(block);
}

#[test]
fn constants_pass_the_integrity_test() {
	run_test(StorageProviders::integrity_test);
}

#[test]
fn stake_is_required_per_started_tib() {
	run_test(|| {
		assert_eq!(required(GIB), 1_100);
		assert_eq!(required(TIB), 1_100);
		assert_eq!(required(TIB + 1), 2_100);
		assert_eq!(required(8 * TIB), 8_100);
	});
}

// ---- register_miner

#[test]
fn register_miner_holds_the_stake_and_indexes_the_miner() {
	run_test(|| {
		let pair = key_pair(1);
		assert_ok!(StorageProviders::register_miner(
			RuntimeOrigin::signed(1),
			2_500,
			2 * TIB,
			region(b"FR"),
			endpoint("/ip4/10.0.0.1/tcp/15001"),
			public(&pair),
			key_proof(1, &pair),
		));

		assert_eq!(
			miner(1),
			MinerInfo {
				stake: 2_500,
				capacity_bytes: 2 * TIB,
				used_bytes: 0,
				reserved_bytes: 0,
				region: region(b"FR"),
				endpoint: endpoint("/ip4/10.0.0.1/tcp/15001"),
				auth_key: public(&pair),
				state: MinerState::Active,
				registered_at: 1,
			}
		);
		assert_eq!(held(MINER_STAKE, 1), 2_500);
		assert_eq!(free(1), ENDOWMENT - 2_500);
		assert!(is_indexed(1, b"FR"));
		assert_eq!(Miners::<Test>::count(), 1);
		System::assert_last_event(
			Event::MinerRegistered {
				miner: 1,
				stake: 2_500,
				capacity_bytes: 2 * TIB,
				region: region(b"FR"),
				endpoint: endpoint("/ip4/10.0.0.1/tcp/15001"),
				auth_key: public(&pair),
			}
			.into(),
		);
	});
}

#[test]
fn register_miner_requires_a_signed_origin() {
	run_test(|| {
		let pair = key_pair(1);
		for origin in [RuntimeOrigin::none(), RuntimeOrigin::root()] {
			assert_noop!(
				StorageProviders::register_miner(
					origin,
					1_100,
					TIB,
					region(b"DE"),
					endpoint("https://a.example"),
					public(&pair),
					key_proof(1, &pair),
				),
				DispatchError::BadOrigin
			);
		}
	});
}

#[test]
fn register_miner_rejects_a_second_registration() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_noop!(register(1, TIB), Error::<Test>::MinerAlreadyRegistered);
		assert_eq!(held(MINER_STAKE, 1), 1_100);
	});
}

#[test]
fn register_miner_needs_the_stake_its_capacity_requires() {
	run_test(|| {
		assert_noop!(register_with_stake(1, 1_099, TIB), Error::<Test>::InsufficientStake);
		assert_noop!(register_with_stake(1, 1_100, TIB + 1), Error::<Test>::InsufficientStake);
		assert_ok!(register_with_stake(1, 2_100, TIB + 1));
	});
}

#[test]
fn register_miner_fails_without_the_funds() {
	run_test(|| {
		assert_noop!(register(POOR, GIB), TokenError::FundsUnavailable);
		// The existential deposit stays free: all of the balance cannot be staked.
		assert_noop!(register_with_stake(2, ENDOWMENT, 8 * TIB), TokenError::FundsUnavailable);
	});
}

#[test]
fn register_miner_checks_the_capacity_range() {
	run_test(|| {
		assert_noop!(register(1, GIB - 1), Error::<Test>::CapacityOutOfRange);
		assert_noop!(register(1, 8 * TIB + 1), Error::<Test>::CapacityOutOfRange);
		assert_noop!(register(1, 0), Error::<Test>::CapacityOutOfRange);
		assert_ok!(register(1, GIB));
		assert_ok!(register(2, 8 * TIB));
	});
}

#[test]
fn register_miner_rejects_unassigned_regions() {
	run_test(|| {
		let pair = key_pair(1);
		for code in [*b"XX", *b"de", *b"EU", [0, 0]] {
			assert_noop!(
				StorageProviders::register_miner(
					RuntimeOrigin::signed(1),
					1_100,
					TIB,
					deoss_traits::Region(code),
					endpoint("https://a.example"),
					public(&pair),
					key_proof(1, &pair),
				),
				Error::<Test>::InvalidRegion
			);
		}
	});
}

#[test]
fn register_miner_rejects_malformed_endpoints() {
	run_test(|| {
		let pair = key_pair(1);
		for bad in ["", "https://", "ftp://a.example", "a.example:80", "https://a b", "/tcp/80"] {
			assert_noop!(
				StorageProviders::register_miner(
					RuntimeOrigin::signed(1),
					1_100,
					TIB,
					region(b"DE"),
					endpoint(bad),
					public(&pair),
					key_proof(1, &pair),
				),
				Error::<Test>::InvalidEndpoint
			);
		}
	});
}

#[test]
fn register_miner_rejects_the_zero_key() {
	run_test(|| {
		assert_noop!(
			StorageProviders::register_miner(
				RuntimeOrigin::signed(1),
				1_100,
				TIB,
				region(b"DE"),
				endpoint("https://a.example"),
				[0; 32],
				[0; 64],
			),
			Error::<Test>::InvalidAuthKey
		);
	});
}

#[test]
fn register_miner_requires_proof_of_the_key() {
	run_test(|| {
		let own = key_pair(1);
		let other = key_pair(2);
		let attempt = |key: [u8; 32], proof: [u8; 64]| {
			StorageProviders::register_miner(
				RuntimeOrigin::signed(1),
				1_100,
				TIB,
				region(b"DE"),
				endpoint("https://a.example"),
				key,
				proof,
			)
		};
		// Signed by another key.
		assert_noop!(attempt(public(&own), key_proof(1, &other)), Error::<Test>::InvalidKeyProof);
		// Bound to another account: miner 2's key and proof cannot be taken over.
		assert_noop!(attempt(public(&other), key_proof(2, &other)), Error::<Test>::InvalidKeyProof);
		// Not a signature at all.
		assert_noop!(attempt(public(&own), [7; 64]), Error::<Test>::InvalidKeyProof);
		assert_ok!(attempt(public(&own), key_proof(1, &own)));
	});
}

#[test]
fn register_miner_stops_at_max_miners() {
	run_test(|| {
		for who in 1..=4 {
			assert_ok!(register(who, GIB));
		}
		assert_noop!(register(5, GIB), Error::<Test>::TooManyMiners);
		assert_eq!(Miners::<Test>::count(), 4);
	});
}

// ---- update_endpoint and rotate_auth_key

#[test]
fn update_endpoint_replaces_the_endpoint() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(StorageProviders::update_endpoint(
			RuntimeOrigin::signed(1),
			endpoint("/dns/new.example.org/tcp/443")
		));
		assert_eq!(miner(1).endpoint, endpoint("/dns/new.example.org/tcp/443"));
		System::assert_last_event(
			Event::MinerEndpointUpdated {
				miner: 1,
				endpoint: endpoint("/dns/new.example.org/tcp/443"),
			}
			.into(),
		);
	});
}

#[test]
fn update_endpoint_rejects_bad_input_and_strangers() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_noop!(
			StorageProviders::update_endpoint(RuntimeOrigin::signed(1), endpoint("nowhere")),
			Error::<Test>::InvalidEndpoint
		);
		assert_noop!(
			StorageProviders::update_endpoint(
				RuntimeOrigin::signed(2),
				endpoint("https://b.example")
			),
			Error::<Test>::MinerNotFound
		);
		assert_noop!(
			StorageProviders::update_endpoint(RuntimeOrigin::root(), endpoint("https://b.example")),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn rotate_auth_key_needs_a_proof_by_the_new_key() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		let new_pair = key_pair(42);
		assert_noop!(
			StorageProviders::rotate_auth_key(
				RuntimeOrigin::signed(1),
				public(&new_pair),
				key_proof(1, &key_pair(1))
			),
			Error::<Test>::InvalidKeyProof
		);
		assert_noop!(
			StorageProviders::rotate_auth_key(RuntimeOrigin::signed(1), [0; 32], [0; 64]),
			Error::<Test>::InvalidAuthKey
		);
		assert_noop!(
			StorageProviders::rotate_auth_key(
				RuntimeOrigin::signed(2),
				public(&new_pair),
				key_proof(2, &new_pair)
			),
			Error::<Test>::MinerNotFound
		);

		assert_ok!(StorageProviders::rotate_auth_key(
			RuntimeOrigin::signed(1),
			public(&new_pair),
			key_proof(1, &new_pair)
		));
		assert_eq!(
			<StorageProviders as MinerRegistry<_, _>>::auth_key(&1),
			Some(public(&new_pair))
		);
		System::assert_last_event(
			Event::MinerAuthKeyRotated { miner: 1, auth_key: public(&new_pair) }.into(),
		);
	});
}

// ---- update_capacity

#[test]
fn update_capacity_grows_only_with_enough_stake() {
	run_test(|| {
		assert_ok!(register_with_stake(1, 2_100, TIB));
		assert_noop!(
			StorageProviders::update_capacity(RuntimeOrigin::signed(1), 3 * TIB),
			Error::<Test>::InsufficientStake
		);
		assert_ok!(StorageProviders::update_capacity(RuntimeOrigin::signed(1), 2 * TIB));
		assert_eq!(miner(1).capacity_bytes, 2 * TIB);
		System::assert_last_event(
			Event::MinerCapacityUpdated { miner: 1, capacity_bytes: 2 * TIB }.into(),
		);
	});
}

#[test]
fn update_capacity_cannot_go_below_usage_or_out_of_range() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(<StorageProviders as MinerRegistry<_, _>>::charge(&1, 2 * GIB));
		assert_ok!(<StorageProviders as MinerRegistry<_, _>>::reserve(&1, GIB));
		assert_noop!(
			StorageProviders::update_capacity(RuntimeOrigin::signed(1), 3 * GIB - 1),
			Error::<Test>::CapacityBelowUsage
		);
		assert_noop!(
			StorageProviders::update_capacity(RuntimeOrigin::signed(1), 9 * TIB),
			Error::<Test>::CapacityOutOfRange
		);
		assert_ok!(StorageProviders::update_capacity(RuntimeOrigin::signed(1), 3 * GIB));
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::free_bytes(&1), 0);
		assert_noop!(
			StorageProviders::update_capacity(RuntimeOrigin::signed(2), 3 * GIB),
			Error::<Test>::MinerNotFound
		);
	});
}

#[test]
fn update_capacity_is_refused_while_exiting() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		assert_noop!(
			StorageProviders::update_capacity(RuntimeOrigin::signed(1), GIB),
			Error::<Test>::MinerExiting
		);
	});
}

#[test]
fn shrinking_capacity_unfreezes_a_miner_whose_stake_covers_it() {
	run_test(|| {
		assert_ok!(register(1, 2 * TIB));
		// 2_100 - 10% = 1_890: short of 2 TiB's 2_100, enough for 1 TiB's 1_100.
		assert_eq!(
			<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(10)),
			210
		);
		assert_eq!(miner(1).state, MinerState::Frozen);

		assert_ok!(StorageProviders::update_capacity(RuntimeOrigin::signed(1), TIB));
		assert_eq!(miner(1).state, MinerState::Active);
		assert!(is_indexed(1, b"DE"));
		System::assert_has_event(
			Event::MinerCapacityUpdated { miner: 1, capacity_bytes: TIB }.into(),
		);
		System::assert_last_event(Event::MinerUnfrozen { miner: 1 }.into());
	});
}

// ---- increase_stake

#[test]
fn increase_stake_holds_more() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(StorageProviders::increase_stake(RuntimeOrigin::signed(1), 400));
		assert_eq!(miner(1).stake, 1_500);
		assert_eq!(held(MINER_STAKE, 1), 1_500);
		assert_eq!(free(1), ENDOWMENT - 1_500);
		System::assert_last_event(
			Event::MinerStakeIncreased { miner: 1, amount: 400, stake: 1_500 }.into(),
		);
	});
}

#[test]
fn increase_stake_rejects_zero_strangers_and_missing_funds() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_noop!(
			StorageProviders::increase_stake(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			StorageProviders::increase_stake(RuntimeOrigin::signed(2), 10),
			Error::<Test>::MinerNotFound
		);
		assert_noop!(
			StorageProviders::increase_stake(RuntimeOrigin::signed(1), ENDOWMENT),
			TokenError::FundsUnavailable
		);
		assert_noop!(
			StorageProviders::increase_stake(RuntimeOrigin::none(), 10),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn increase_stake_unfreezes_only_once_the_stake_suffices() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_eq!(
			<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(10)),
			110
		);
		assert_eq!(miner(1).state, MinerState::Frozen);

		assert_ok!(StorageProviders::increase_stake(RuntimeOrigin::signed(1), 109));
		assert_eq!(miner(1).state, MinerState::Frozen);
		assert!(!is_indexed(1, b"DE"));

		assert_ok!(StorageProviders::increase_stake(RuntimeOrigin::signed(1), 1));
		assert_eq!(miner(1).state, MinerState::Active);
		assert!(is_indexed(1, b"DE"));
		assert_eq!(held(MINER_STAKE, 1), 1_100);
		System::assert_has_event(
			Event::MinerStakeIncreased { miner: 1, amount: 1, stake: 1_100 }.into(),
		);
		System::assert_last_event(Event::MinerUnfrozen { miner: 1 }.into());
	});
}

// ---- exit: request_exit, cancel_exit, withdraw

#[test]
fn request_exit_stops_new_data_and_starts_unbonding() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		advance_to(5);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));

		assert_eq!(miner(1).state, MinerState::Exiting { unlock_at: 15 });
		assert!(!is_indexed(1, b"DE"));
		assert!(!<StorageProviders as MinerRegistry<_, _>>::is_active(&1));
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::free_bytes(&1), 0);
		assert_noop!(
			<StorageProviders as MinerRegistry<_, _>>::reserve(&1, 1),
			Error::<Test>::MinerNotActive
		);
		System::assert_last_event(Event::MinerExitRequested { miner: 1, unlock_at: 15 }.into());

		assert_noop!(
			StorageProviders::request_exit(RuntimeOrigin::signed(1)),
			Error::<Test>::AlreadyExiting
		);
		assert_noop!(
			StorageProviders::request_exit(RuntimeOrigin::signed(2)),
			Error::<Test>::MinerNotFound
		);
	});
}

#[test]
fn a_frozen_miner_can_exit() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(50));
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		assert_eq!(miner(1).state, MinerState::Exiting { unlock_at: 11 });
	});
}

#[test]
fn cancel_exit_returns_to_active_or_frozen() {
	run_test(|| {
		assert_noop!(
			StorageProviders::cancel_exit(RuntimeOrigin::signed(1)),
			Error::<Test>::MinerNotFound
		);
		assert_ok!(register(1, TIB));
		assert_noop!(
			StorageProviders::cancel_exit(RuntimeOrigin::signed(1)),
			Error::<Test>::NotExiting
		);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		assert_ok!(StorageProviders::cancel_exit(RuntimeOrigin::signed(1)));
		assert_eq!(miner(1).state, MinerState::Active);
		assert!(is_indexed(1, b"DE"));
		System::assert_last_event(Event::MinerExitCancelled { miner: 1, active: true }.into());

		// Slashed while leaving: it stays leaving, and comes back frozen.
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(10));
		assert_eq!(miner(1).state, MinerState::Exiting { unlock_at: 11 });
		assert_ok!(StorageProviders::cancel_exit(RuntimeOrigin::signed(1)));
		assert_eq!(miner(1).state, MinerState::Frozen);
		assert!(!is_indexed(1, b"DE"));
		System::assert_last_event(Event::MinerExitCancelled { miner: 1, active: false }.into());
	});
}

#[test]
fn withdraw_waits_for_the_unbonding_period() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_noop!(
			StorageProviders::withdraw(RuntimeOrigin::signed(1)),
			Error::<Test>::NotExiting
		);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));

		advance_to(10);
		assert_noop!(
			StorageProviders::withdraw(RuntimeOrigin::signed(1)),
			Error::<Test>::StillUnbonding
		);
		advance_to(11);
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(1)));

		assert!(Miners::<Test>::get(1).is_none());
		assert_eq!(Miners::<Test>::count(), 0);
		assert_eq!(held(MINER_STAKE, 1), 0);
		assert_eq!(free(1), ENDOWMENT);
		System::assert_last_event(Event::MinerWithdrawn { miner: 1, stake: 1_100 }.into());
		assert_noop!(
			StorageProviders::withdraw(RuntimeOrigin::signed(1)),
			Error::<Test>::MinerNotFound
		);
		// The account may come back.
		assert_ok!(register(1, GIB));
	});
}

#[test]
fn withdraw_waits_until_the_data_is_handed_over() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		let registry = |bytes| <StorageProviders as MinerRegistry<_, _>>::reserve(&1, bytes);
		assert_ok!(registry(3 * GIB));
		assert_ok!(<StorageProviders as MinerRegistry<_, _>>::commit(&1, 2 * GIB));
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		advance_to(20);

		assert_noop!(
			StorageProviders::withdraw(RuntimeOrigin::signed(1)),
			Error::<Test>::DataNotHandedOver
		);
		// Commits of fragments received before the exit still land.
		assert_ok!(<StorageProviders as MinerRegistry<_, _>>::commit(&1, GIB));
		<StorageProviders as MinerRegistry<_, _>>::release(&1, 2 * GIB);
		assert_noop!(
			StorageProviders::withdraw(RuntimeOrigin::signed(1)),
			Error::<Test>::DataNotHandedOver
		);
		<StorageProviders as MinerRegistry<_, _>>::release(&1, GIB);
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), ENDOWMENT);
	});
}

#[test]
fn a_slashed_miner_withdraws_what_is_left() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_eq!(
			<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(50)),
			550
		);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		advance_to(11);
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), ENDOWMENT - 550);
		System::assert_last_event(Event::MinerWithdrawn { miner: 1, stake: 550 }.into());
	});
}

#[test]
fn a_miner_slashed_to_nothing_can_still_leave() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(1)));
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::one()), 1_100);
		// Leaving miners keep serving downloads, so they may still move their endpoint.
		assert_ok!(StorageProviders::update_endpoint(
			RuntimeOrigin::signed(1),
			endpoint("https://moved.example")
		));
		advance_to(11);
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), ENDOWMENT - 1_100);
		assert_eq!(free(SLASH_POT), 1_100);
		System::assert_last_event(Event::MinerWithdrawn { miner: 1, stake: 0 }.into());
	});
}

// ---- MinerRegistry: queries and space accounting

#[test]
fn registry_answers_queries() {
	run_test(|| {
		let registry_region = <StorageProviders as MinerRegistry<_, _>>::region;
		assert_eq!(registry_region(&1), None);
		assert!(!<StorageProviders as MinerRegistry<_, _>>::is_active(&1));
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::auth_key(&1), None);
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::free_bytes(&1), 0);

		assert_ok!(register(1, TIB));
		assert_eq!(registry_region(&1), Some(region(b"DE")));
		assert!(<StorageProviders as MinerRegistry<_, _>>::is_active(&1));
		assert_eq!(
			<StorageProviders as MinerRegistry<_, _>>::auth_key(&1),
			Some(public(&key_pair(1)))
		);
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::free_bytes(&1), TIB);
	});
}

#[test]
fn space_moves_between_free_reserved_and_used() {
	run_test(|| {
		type Registry = StorageProviders;
		assert_ok!(register(1, TIB));
		assert_ok!(<Registry as MinerRegistry<_, _>>::reserve(&1, 10 * GIB));
		assert_ok!(<Registry as MinerRegistry<_, _>>::commit(&1, 4 * GIB));
		assert_ok!(<Registry as MinerRegistry<_, _>>::charge(&1, GIB));
		<Registry as MinerRegistry<_, _>>::unreserve(&1, 2 * GIB);
		<Registry as MinerRegistry<_, _>>::release(&1, 3 * GIB);

		let info = miner(1);
		assert_eq!((info.used_bytes, info.reserved_bytes), (2 * GIB, 4 * GIB));
		assert_eq!(<Registry as MinerRegistry<_, _>>::free_bytes(&1), TIB - 6 * GIB);

		// Returning more than there is saturates instead of corrupting the record.
		<Registry as MinerRegistry<_, _>>::unreserve(&1, TIB);
		<Registry as MinerRegistry<_, _>>::release(&1, TIB);
		assert_eq!((miner(1).used_bytes, miner(1).reserved_bytes), (0, 0));
		// Unknown miners are ignored.
		<Registry as MinerRegistry<_, _>>::unreserve(&7, 1);
		<Registry as MinerRegistry<_, _>>::release(&7, 1);
		assert!(Miners::<Test>::get(7).is_none());
	});
}

#[test]
fn space_accounting_refuses_what_does_not_fit() {
	run_test(|| {
		type Registry = StorageProviders;
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::reserve(&1, 1),
			Error::<Test>::MinerNotFound
		);
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::commit(&1, 1),
			Error::<Test>::MinerNotFound
		);
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::charge(&1, 1),
			Error::<Test>::MinerNotFound
		);

		assert_ok!(register(1, GIB));
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::reserve(&1, GIB + 1),
			Error::<Test>::InsufficientSpace
		);
		assert_ok!(<Registry as MinerRegistry<_, _>>::reserve(&1, GIB / 2));
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::charge(&1, GIB / 2 + 1),
			Error::<Test>::InsufficientSpace
		);
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::commit(&1, GIB / 2 + 1),
			Error::<Test>::NotEnoughReserved
		);
		assert_ok!(<Registry as MinerRegistry<_, _>>::charge(&1, GIB / 2));
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::reserve(&1, 1),
			Error::<Test>::InsufficientSpace
		);
	});
}

#[test]
fn a_frozen_miner_takes_no_new_data_but_keeps_its_own() {
	run_test(|| {
		type Registry = StorageProviders;
		assert_ok!(register(1, TIB));
		assert_ok!(<Registry as MinerRegistry<_, _>>::reserve(&1, GIB));
		<Registry as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(1));
		assert_eq!(miner(1).state, MinerState::Frozen);

		assert!(!<Registry as MinerRegistry<_, _>>::is_active(&1));
		assert_eq!(<Registry as MinerRegistry<_, _>>::free_bytes(&1), 0);
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::reserve(&1, 1),
			Error::<Test>::MinerNotActive
		);
		assert_noop!(
			<Registry as MinerRegistry<_, _>>::charge(&1, 1),
			Error::<Test>::MinerNotActive
		);
		assert_ok!(<Registry as MinerRegistry<_, _>>::commit(&1, GIB));
		assert_eq!(miner(1).used_bytes, GIB);
	});
}

// ---- MinerRegistry: slash

#[test]
fn slash_pays_the_pot_and_freezes_below_the_minimum() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		let issuance = Balances::total_issuance();

		let slashed =
			<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(10));

		assert_eq!(slashed, 110);
		assert_eq!(miner(1).stake, 990);
		assert_eq!(held(MINER_STAKE, 1), 990);
		assert_eq!(free(SLASH_POT), 110);
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(miner(1).state, MinerState::Frozen);
		assert!(!is_indexed(1, b"DE"));
		System::assert_has_event(Event::MinerSlashed { miner: 1, amount: 110, stake: 990 }.into());
		System::assert_last_event(
			Event::MinerFrozen { miner: 1, stake: 990, required: 1_100 }.into(),
		);
	});
}

#[test]
fn slash_keeps_a_well_staked_miner_active() {
	run_test(|| {
		assert_ok!(register_with_stake(1, 2_000, TIB));
		assert_eq!(
			<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_percent(40)),
			800
		);
		assert_eq!(miner(1).state, MinerState::Active);
		System::assert_last_event(
			Event::MinerSlashed { miner: 1, amount: 800, stake: 1_200 }.into(),
		);
	});
}

#[test]
fn slash_rounds_up_and_ignores_nothing_to_take() {
	run_test(|| {
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::one()), 0);
		assert_ok!(register(1, TIB));
		let events = System::events().len();
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::zero()), 0);
		assert_eq!(System::events().len(), events);

		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::from_parts(1)), 1);
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::one()), 1_099);
		assert_eq!(miner(1).stake, 0);
		assert_eq!(<StorageProviders as MinerRegistry<_, _>>::slash(&1, Perbill::one()), 0);
	});
}

// ---- schedulers

/// Regression: a scheduler that let deals time out lost nothing.
#[test]
fn a_scheduler_that_lets_a_deal_time_out_loses_the_penalty() {
	run_test(|| {
		assert_ok!(register_scheduler_in(1, b"SG"));
		<StorageProviders as SchedulerRegistry<_>>::punish_timeout(&1);
		assert_eq!(held(SCHEDULER_STAKE, 1), 495);
		assert_eq!(Schedulers::<Test>::get(1).map(|info| info.stake), Some(495));
		System::assert_last_event(
			Event::SchedulerPenalized { scheduler: 1, amount: 5, stake: 495 }.into(),
		);
		// Nothing happens to an account that is no scheduler.
		<StorageProviders as SchedulerRegistry<_>>::punish_timeout(&2);
		assert_eq!(held(SCHEDULER_STAKE, 2), 0);
	});
}

/// Regression: a scheduler whose stake was slashed away stayed drawable and
/// could keep sitting on deals for free.
#[test]
fn a_scheduler_below_half_its_stake_is_made_to_exit() {
	run_test(|| {
		assert_ok!(register_scheduler_in(1, b"SG"));
		// 500 staked, 5 per timeout: the 51st leaves 245, below half.
		for _ in 0..50 {
			<StorageProviders as SchedulerRegistry<_>>::punish_timeout(&1);
		}
		assert_eq!(active_scheduler_accounts(), vec![1]);
		<StorageProviders as SchedulerRegistry<_>>::punish_timeout(&1);
		assert!(active_scheduler_accounts().is_empty());
		assert!(matches!(
			Schedulers::<Test>::get(1).map(|info| info.state),
			Some(SchedulerState::Exiting { .. })
		));
	});
}

#[test]
fn register_scheduler_holds_the_stake_and_makes_it_drawable() {
	run_test(|| {
		assert_ok!(register_scheduler_in(1, b"SG"));
		assert_eq!(
			Schedulers::<Test>::get(1),
			Some(SchedulerInfo {
				stake: 500,
				region: region(b"SG"),
				endpoint: endpoint("/dns4/scheduler.example.org/tcp/443/https"),
				state: SchedulerState::Active,
				registered_at: 1,
			})
		);
		assert_eq!(held(SCHEDULER_STAKE, 1), 500);
		assert_eq!(free(1), ENDOWMENT - 500);
		assert_eq!(ActiveSchedulers::<Test>::get().into_inner(), vec![(1, region(b"SG"))]);
		assert!(<StorageProviders as SchedulerRegistry<_>>::is_active(&1));
		System::assert_last_event(
			Event::SchedulerRegistered {
				scheduler: 1,
				stake: 500,
				region: region(b"SG"),
				endpoint: endpoint("/dns4/scheduler.example.org/tcp/443/https"),
			}
			.into(),
		);
	});
}

#[test]
fn one_account_may_be_miner_and_scheduler() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(register_scheduler_in(1, b"DE"));
		assert_eq!(held(MINER_STAKE, 1), 1_100);
		assert_eq!(held(SCHEDULER_STAKE, 1), 500);
	});
}

#[test]
fn register_scheduler_rejects_bad_input() {
	run_test(|| {
		assert_noop!(
			StorageProviders::register_scheduler(
				RuntimeOrigin::root(),
				region(b"DE"),
				endpoint("https://s.example")
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			StorageProviders::register_scheduler(
				RuntimeOrigin::signed(1),
				deoss_traits::Region(*b"ZZ"),
				endpoint("https://s.example")
			),
			Error::<Test>::InvalidRegion
		);
		assert_noop!(
			StorageProviders::register_scheduler(
				RuntimeOrigin::signed(1),
				region(b"DE"),
				endpoint("s.example")
			),
			Error::<Test>::InvalidEndpoint
		);
		assert_noop!(register_scheduler_in(POOR, b"DE"), TokenError::FundsUnavailable);
		assert_ok!(register_scheduler_in(1, b"DE"));
		assert_noop!(register_scheduler_in(1, b"DE"), Error::<Test>::SchedulerAlreadyRegistered);
	});
}

#[test]
fn max_schedulers_counts_active_ones_and_leaving_ones_free_their_place() {
	run_test(|| {
		for who in 1..=3 {
			assert_ok!(register_scheduler_in(who, b"DE"));
		}
		assert_noop!(register_scheduler_in(4, b"DE"), Error::<Test>::TooManySchedulers);
		// A leaving scheduler no longer holds a place: nobody can lock newcomers out
		// by registering and never finishing an exit.
		assert_ok!(StorageProviders::request_scheduler_exit(RuntimeOrigin::signed(3)));
		assert_ok!(register_scheduler_in(4, b"DE"));
		assert_eq!(active_scheduler_accounts(), vec![1, 2, 4]);
		assert_noop!(register_scheduler_in(5, b"DE"), Error::<Test>::TooManySchedulers);
	});
}

#[test]
fn the_block_hook_completes_exits_when_they_unlock() {
	run_test(|| {
		for who in 1..=3 {
			assert_ok!(register_scheduler_in(who, b"DE"));
		}
		assert_ok!(StorageProviders::request_scheduler_exit(RuntimeOrigin::signed(2)));
		advance_to(3);
		assert_ok!(StorageProviders::request_scheduler_exit(RuntimeOrigin::signed(3)));
		let stake = <<Test as Config>::SchedulerStake as frame_support::traits::Get<u64>>::get();

		advance_to(10);
		StorageProviders::on_initialize(10);
		assert!(Schedulers::<Test>::contains_key(2), "not unlocked before its period ends");

		advance_to(11);
		let used = StorageProviders::on_initialize(11);
		assert!(!Schedulers::<Test>::contains_key(2));
		assert_eq!(Balances::total_balance_on_hold(&2), 0);
		System::assert_has_event(Event::SchedulerWithdrawn { scheduler: 2, stake }.into());
		assert!(used.ref_time() >= <() as crate::WeightInfo>::withdraw_scheduler().ref_time());
		assert!(Schedulers::<Test>::contains_key(3));

		// A manual withdraw at unlock leaves a stale entry the hook skips.
		advance_to(13);
		assert_ok!(StorageProviders::withdraw_scheduler(RuntimeOrigin::signed(3)));
		StorageProviders::on_initialize(13);
		assert_eq!(SchedulerExitEnds::<Test>::get(), (2, 2));
		assert_eq!(Schedulers::<Test>::count(), 1);
	});
}

#[test]
fn update_scheduler_endpoint_works_and_checks() {
	run_test(|| {
		assert_noop!(
			StorageProviders::update_scheduler_endpoint(
				RuntimeOrigin::signed(1),
				endpoint("https://new.example")
			),
			Error::<Test>::SchedulerNotFound
		);
		assert_ok!(register_scheduler_in(1, b"DE"));
		assert_noop!(
			StorageProviders::update_scheduler_endpoint(RuntimeOrigin::signed(1), endpoint("new")),
			Error::<Test>::InvalidEndpoint
		);
		assert_ok!(StorageProviders::update_scheduler_endpoint(
			RuntimeOrigin::signed(1),
			endpoint("https://new.example")
		));
		assert_eq!(
			Schedulers::<Test>::get(1).map(|info| info.endpoint),
			Some(endpoint("https://new.example"))
		);
		System::assert_last_event(
			Event::SchedulerEndpointUpdated {
				scheduler: 1,
				endpoint: endpoint("https://new.example"),
			}
			.into(),
		);
	});
}

#[test]
fn scheduler_exit_stops_draws_then_releases_the_stake() {
	run_test(|| {
		assert_noop!(
			StorageProviders::request_scheduler_exit(RuntimeOrigin::signed(1)),
			Error::<Test>::SchedulerNotFound
		);
		assert_ok!(register_scheduler_in(1, b"DE"));
		assert_ok!(register_scheduler_in(2, b"DE"));
		assert_noop!(
			StorageProviders::withdraw_scheduler(RuntimeOrigin::signed(1)),
			Error::<Test>::NotExiting
		);

		advance_to(3);
		assert_ok!(StorageProviders::request_scheduler_exit(RuntimeOrigin::signed(1)));
		System::assert_last_event(
			Event::SchedulerExitRequested { scheduler: 1, unlock_at: 13 }.into(),
		);
		assert_eq!(active_scheduler_accounts(), vec![2]);
		assert!(!<StorageProviders as SchedulerRegistry<_>>::is_active(&1));
		for deal in 0u32..20 {
			assert_eq!(
				<StorageProviders as SchedulerRegistry<_>>::draw(&deal.to_le_bytes(), &[], &[]),
				Some(2)
			);
		}
		assert_noop!(
			StorageProviders::request_scheduler_exit(RuntimeOrigin::signed(1)),
			Error::<Test>::AlreadyExiting
		);

		advance_to(12);
		assert_noop!(
			StorageProviders::withdraw_scheduler(RuntimeOrigin::signed(1)),
			Error::<Test>::StillUnbonding
		);
		advance_to(13);
		assert_ok!(StorageProviders::withdraw_scheduler(RuntimeOrigin::signed(1)));
		assert!(Schedulers::<Test>::get(1).is_none());
		assert_eq!(held(SCHEDULER_STAKE, 1), 0);
		assert_eq!(free(1), ENDOWMENT);
		System::assert_last_event(Event::SchedulerWithdrawn { scheduler: 1, stake: 500 }.into());
	});
}

// ---- SchedulerRegistry::draw

fn draw(subject: &[u8], preferred: &[&[u8; 2]], exclude: &[AccountId]) -> Option<AccountId> {
	let preferred: Vec<_> = preferred.iter().map(|code| region(code)).collect();
	<StorageProviders as SchedulerRegistry<_>>::draw(subject, &preferred, exclude)
}

#[test]
fn draw_finds_nobody_without_active_schedulers() {
	run_test(|| {
		assert_eq!(draw(b"deal-1", &[], &[]), None);
		assert_ok!(register_scheduler_in(1, b"DE"));
		assert_eq!(draw(b"deal-1", &[b"DE"], &[1]), None);
	});
}

#[test]
fn draw_prefers_the_deal_regions_and_falls_back_to_any() {
	run_test(|| {
		assert_ok!(register_scheduler_in(1, b"DE"));
		assert_ok!(register_scheduler_in(2, b"FR"));
		assert_ok!(register_scheduler_in(3, b"US"));
		for deal in 0u32..50 {
			let subject = deal.to_le_bytes();
			assert_eq!(draw(&subject, &[b"FR"], &[]), Some(2));
			assert!(matches!(draw(&subject, &[b"DE", b"US"], &[]), Some(1 | 3)));
			// The only French scheduler failed this deal: any other one is drawn.
			assert!(matches!(draw(&subject, &[b"FR"], &[2]), Some(1 | 3)));
			assert!(matches!(draw(&subject, &[b"JP"], &[1]), Some(2 | 3)));
			assert_eq!(draw(&subject, &[b"JP"], &[1, 3]), Some(2));
		}
	});
}

#[test]
fn draw_is_spread_over_all_candidates_and_repeatable() {
	run_test(|| {
		for who in 1..=3 {
			assert_ok!(register_scheduler_in(who, b"DE"));
		}
		let mut drawn = [0u32; 3];
		for deal in 0u32..300 {
			let pick = draw(&deal.to_le_bytes(), &[b"DE"], &[]).expect("three candidates");
			drawn[(pick - 1) as usize] += 1;
			assert_eq!(draw(&deal.to_le_bytes(), &[b"DE"], &[]), Some(pick));
		}
		assert!(drawn.iter().all(|count| *count >= 60), "{drawn:?}");

		// Other randomness, other draws.
		let before: Vec<_> = (0u32..20).map(|deal| draw(&deal.to_le_bytes(), &[], &[])).collect();
		RandomSeed::set(7);
		let after: Vec<_> = (0u32..20).map(|deal| draw(&deal.to_le_bytes(), &[], &[])).collect();
		assert_ne!(before, after);
	});
}

// ---- invariants

#[test]
fn the_invariant_check_catches_inconsistent_records() {
	run_test(|| {
		assert_ok!(register(1, TIB));
		assert_ok!(register_scheduler_in(2, b"DE"));
		assert_ok!(StorageProviders::do_try_state());

		let original = miner(1);
		let corruptions: [fn(&mut MinerInfoOf<Test>); 3] = [
			|info| info.stake += 1,
			|info| info.used_bytes = info.capacity_bytes + 1,
			|info| info.state = MinerState::Frozen,
		];
		for corrupt in corruptions {
			let mut info = original.clone();
			corrupt(&mut info);
			Miners::<Test>::insert(1, info);
			assert!(StorageProviders::do_try_state().is_err());
		}
		Miners::<Test>::insert(1, original);

		ActiveSchedulers::<Test>::kill();
		assert!(StorageProviders::do_try_state().is_err());
		assert_ok!(ActiveSchedulers::<Test>::try_append((2, region(b"DE"))));
		assert_ok!(StorageProviders::do_try_state());
	});
}
