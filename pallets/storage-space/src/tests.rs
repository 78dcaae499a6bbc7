//! Unit tests of the space pallet against the mock runtime.

use crate::{
	mock::*, BucketCount, BucketInfo, BucketName, Buckets as BucketsStorage, Error, Event,
	ScheduleCursor, SpaceLease, SpaceState, Transitions, UserSpace, WeightInfo, GIB,
	MAX_SCHEDULE_BLOCKS_PER_BLOCK, SCHEDULE_PROBES,
};
use codec::{Decode, Encode};
use deoss_traits::{Buckets, SpaceLedger};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::Mutate, Get, Hooks},
	weights::RuntimeDbWeight,
	BoundedVec,
};
use sp_runtime::DispatchError;

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn lease(who: u64) -> SpaceLease<u64> {
	UserSpace::<Test>::get(who).expect("lease exists")
}

fn balance(who: u64) -> u64 {
	Balances::free_balance(who)
}

fn pot_balance() -> u64 {
	balance(StorageSpace::pot_account())
}

fn scheduled(at: u64) -> Vec<u64> {
	Transitions::<Test>::get(at).into_inner()
}

fn bucket(name: &str) -> BucketName {
	BucketName::try_from(name.as_bytes().to_vec()).expect("fits the bound")
}

fn space_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::StorageSpace(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// A rich account that bought 1 GiB for `MIN_DAYS` days.
fn lessee(index: u64) -> u64 {
	let who = 1_000 + index;
	Balances::set_balance(&who, RICH);
	assert_ok!(StorageSpace::buy_space(signed(who), 1, MIN_DAYS));
	who
}

/// Fills the schedule blocks `first..first + blocks` (freezes) and the
/// blocks a grace period later (expiries) with real leases.
fn fill_schedule(first: u64, blocks: u64) {
	let now = System::block_number();
	let lease_blocks = u64::from(MIN_DAYS) * BLOCKS_PER_DAY;
	for offset in 0..blocks {
		System::set_block_number(first + offset - lease_blocks);
		for slot in 0..u64::from(MAX_EXPIRIES_PER_BLOCK) {
			lessee(offset * 10 + slot);
		}
	}
	System::set_block_number(now);
}

// --- buy_space

#[test]
fn buy_space_pays_the_pot_and_schedules_both_transitions() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 5, 3));

		let price = 5 * 3 * PRICE_PER_GIB_DAY;
		assert_eq!(balance(ALICE), RICH - price);
		assert_eq!(pot_balance(), price);
		assert_eq!(
			lease(ALICE),
			SpaceLease {
				purchased_bytes: 5 * GIB,
				reserved_bytes: 0,
				used_bytes: 0,
				start: 1,
				expires_at: 31,
				freeze_scheduled_at: 31,
				expiry_scheduled_at: 51,
				state: SpaceState::Active,
			}
		);
		assert_eq!(scheduled(31), vec![ALICE]);
		assert_eq!(scheduled(51), vec![ALICE]);
		System::assert_last_event(
			Event::SpacePurchased {
				who: ALICE,
				gib: 5,
				purchased_bytes: 5 * GIB,
				days: 3,
				expires_at: 31,
				price_paid: price,
			}
			.into(),
		);
		assert!(StorageSpace::can_upload(&ALICE));
		assert_eq!(StorageSpace::free_bytes(&ALICE), 5 * GIB);
	});
}

#[test]
fn buy_space_requires_a_signed_origin() {
	new_test_ext_checked(|| {
		assert_noop!(
			StorageSpace::buy_space(RuntimeOrigin::root(), 1, 3),
			DispatchError::BadOrigin
		);
		assert_noop!(
			StorageSpace::buy_space(RuntimeOrigin::none(), 1, 3),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn buy_space_twice_is_refused() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		assert_noop!(StorageSpace::buy_space(signed(ALICE), 1, 3), Error::<Test>::AlreadyHasSpace);
	});
}

#[test]
fn buy_space_checks_size_and_period_limits() {
	new_test_ext_checked(|| {
		assert_noop!(StorageSpace::buy_space(signed(ALICE), 0, 3), Error::<Test>::ZeroSpace);
		assert_noop!(
			StorageSpace::buy_space(signed(ALICE), MAX_PURCHASE_GIB + 1, 3),
			Error::<Test>::TooMuchSpace
		);
		assert_noop!(
			StorageSpace::buy_space(signed(ALICE), 1, MIN_DAYS - 1),
			Error::<Test>::PeriodTooShort
		);
		assert_noop!(
			StorageSpace::buy_space(signed(ALICE), 1, MAX_DAYS + 1),
			Error::<Test>::PeriodTooLong
		);
		// The limits themselves are accepted.
		assert_ok!(StorageSpace::buy_space(signed(ALICE), MAX_PURCHASE_GIB, MAX_DAYS));
		assert_ok!(StorageSpace::buy_space(signed(BOB), 1, MIN_DAYS));
	});
}

#[test]
fn buy_space_without_funds_changes_nothing() {
	new_test_ext_checked(|| {
		// 1 GiB × 5 days costs CHARLIE's whole balance, which would kill the
		// account: refused.
		assert_eq!(StorageSpace::price_of(1, 5), Ok(CHARLIE_BALANCE));
		assert_noop!(
			StorageSpace::buy_space(signed(CHARLIE), 1, 5),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			StorageSpace::buy_space(signed(DAVE), 1, MIN_DAYS),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(StorageSpace::buy_space(signed(CHARLIE), 1, 4));
		assert_eq!(balance(CHARLIE), CHARLIE_BALANCE - 40);
	});
}

#[test]
fn price_overflow_is_an_error() {
	new_test_ext_checked(|| {
		assert_eq!(StorageSpace::price_of(u64::MAX, 2), Err(Error::<Test>::Overflow.into()));
		assert_eq!(StorageSpace::price_of(u64::MAX / 10, 1), Ok(u64::MAX / 10 * 10));
	});
}

#[test]
fn buy_space_moves_to_the_next_schedule_block_with_room() {
	new_test_ext_checked(|| {
		fill_schedule(31, 1);
		assert_eq!(scheduled(31).len(), MAX_EXPIRIES_PER_BLOCK as usize);

		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		let lease = lease(ALICE);
		assert_eq!(lease.expires_at, 31);
		assert_eq!(lease.freeze_scheduled_at, 32);
		assert_eq!(lease.expiry_scheduled_at, 52);
		assert_eq!(scheduled(32), vec![ALICE]);
		// The lease still stops taking uploads at its own end.
		System::set_block_number(31);
		assert!(!StorageSpace::can_upload(&ALICE));
	});
}

#[test]
fn buy_space_fails_when_the_schedule_is_full() {
	new_test_ext_checked(|| {
		fill_schedule(31, u64::from(SCHEDULE_PROBES));
		assert_noop!(StorageSpace::buy_space(signed(ALICE), 1, 3), Error::<Test>::ScheduleFull);
		// Another period finds room.
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 10));
		assert_eq!(lease(ALICE).freeze_scheduled_at, 101);
	});
}

// --- expand_space

#[test]
fn expand_space_charges_the_remaining_days_rounded_up() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 2, 3));
		let pot_after_purchase = pot_balance();

		// 25 blocks left: 2.5 days, charged as 3.
		System::set_block_number(6);
		assert_ok!(StorageSpace::expand_space(signed(ALICE), 4));
		let price = 4 * 3 * PRICE_PER_GIB_DAY;
		assert_eq!(pot_balance(), pot_after_purchase + price);
		assert_eq!(lease(ALICE).purchased_bytes, 6 * GIB);
		System::assert_last_event(
			Event::SpaceExpanded {
				who: ALICE,
				gib: 4,
				purchased_bytes: 6 * GIB,
				days_charged: 3,
				price_paid: price,
			}
			.into(),
		);

		// 20 blocks left: exactly 2 days.
		System::set_block_number(11);
		assert_ok!(StorageSpace::expand_space(signed(ALICE), 1));
		System::assert_last_event(
			Event::SpaceExpanded {
				who: ALICE,
				gib: 1,
				purchased_bytes: 7 * GIB,
				days_charged: 2,
				price_paid: 2 * PRICE_PER_GIB_DAY,
			}
			.into(),
		);

		// One block left: a whole day.
		System::set_block_number(30);
		assert_ok!(StorageSpace::expand_space(signed(ALICE), 1));
		System::assert_last_event(
			Event::SpaceExpanded {
				who: ALICE,
				gib: 1,
				purchased_bytes: 8 * GIB,
				days_charged: 1,
				price_paid: PRICE_PER_GIB_DAY,
			}
			.into(),
		);
		// The period is unchanged.
		assert_eq!(lease(ALICE).expires_at, 31);
	});
}

#[test]
fn expand_space_unhappy_paths() {
	new_test_ext_checked(|| {
		assert_noop!(StorageSpace::expand_space(signed(ALICE), 1), Error::<Test>::NoSpace);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 2, 3));
		assert_noop!(
			StorageSpace::expand_space(RuntimeOrigin::root(), 1),
			DispatchError::BadOrigin
		);
		assert_noop!(StorageSpace::expand_space(signed(ALICE), 0), Error::<Test>::ZeroSpace);
		assert_noop!(
			StorageSpace::expand_space(signed(ALICE), MAX_PURCHASE_GIB - 1),
			Error::<Test>::TooMuchSpace
		);
		assert_ok!(StorageSpace::expand_space(signed(ALICE), MAX_PURCHASE_GIB - 2));

		// CHARLIE can pay the lease but not the expansion.
		assert_ok!(StorageSpace::buy_space(signed(CHARLIE), 1, 2));
		assert_noop!(
			StorageSpace::expand_space(signed(CHARLIE), 2),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn expand_space_is_refused_once_the_period_is_over() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		// Past the end, even before the hook has frozen the lease.
		System::set_block_number(31);
		assert_eq!(lease(ALICE).state, SpaceState::Active);
		assert_noop!(StorageSpace::expand_space(signed(ALICE), 1), Error::<Test>::SpaceNotActive);
		System::set_block_number(30);
		run_to_block(31);
		assert_eq!(lease(ALICE).state, SpaceState::Frozen);
		assert_noop!(StorageSpace::expand_space(signed(ALICE), 1), Error::<Test>::SpaceNotActive);
	});
}

// --- renew_space

#[test]
fn renew_space_extends_an_active_lease_and_moves_its_schedule() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 2, 3));
		System::set_block_number(11);
		let pot_before = pot_balance();
		assert_ok!(StorageSpace::renew_space(signed(ALICE), 2));

		let price = 2 * 2 * PRICE_PER_GIB_DAY;
		assert_eq!(pot_balance(), pot_before + price);
		let lease = lease(ALICE);
		assert_eq!(
			(lease.expires_at, lease.freeze_scheduled_at, lease.expiry_scheduled_at),
			(51, 51, 71)
		);
		assert_eq!(lease.state, SpaceState::Active);
		assert!(scheduled(31).is_empty());
		// The old expiry at 51 is gone; the new freeze took its place.
		assert_eq!(scheduled(51), vec![ALICE]);
		assert_eq!(scheduled(71), vec![ALICE]);
		System::assert_last_event(
			Event::SpaceRenewed {
				who: ALICE,
				days: 2,
				expires_at: 51,
				price_paid: price,
				reactivated: false,
			}
			.into(),
		);

		// The old dates pass without a transition.
		run_to_block(50);
		assert_eq!(
			UserSpace::<Test>::get(ALICE).map(|lease| lease.state),
			Some(SpaceState::Active)
		);
		run_to_block(51);
		assert_eq!(
			UserSpace::<Test>::get(ALICE).map(|lease| lease.state),
			Some(SpaceState::Frozen)
		);
	});
}

#[test]
fn renew_space_reactivates_a_frozen_lease() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		run_to_block(35);
		assert_eq!(lease(ALICE).state, SpaceState::Frozen);
		assert!(!StorageSpace::can_upload(&ALICE));

		assert_ok!(StorageSpace::renew_space(signed(ALICE), 3));
		let lease = lease(ALICE);
		// Continues from the old end: the frozen days are paid.
		assert_eq!(
			(lease.expires_at, lease.freeze_scheduled_at, lease.expiry_scheduled_at),
			(61, 61, 81)
		);
		assert_eq!(lease.state, SpaceState::Active);
		assert!(StorageSpace::can_upload(&ALICE));
		assert!(scheduled(51).is_empty());
		assert_eq!(scheduled(61), vec![ALICE]);
		System::assert_last_event(
			Event::SpaceRenewed {
				who: ALICE,
				days: 3,
				expires_at: 61,
				price_paid: 3 * PRICE_PER_GIB_DAY,
				reactivated: true,
			}
			.into(),
		);

		run_to_block(70);
		assert!(ExpiryCalls::get().is_empty());
		assert_eq!(
			UserSpace::<Test>::get(ALICE).map(|lease| lease.state),
			Some(SpaceState::Frozen)
		);
	});
}

#[test]
fn renew_space_unhappy_paths() {
	new_test_ext_checked(|| {
		assert_noop!(StorageSpace::renew_space(signed(ALICE), 3), Error::<Test>::NoSpace);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, MAX_DAYS - 1));
		assert_noop!(StorageSpace::renew_space(RuntimeOrigin::none(), 3), DispatchError::BadOrigin);
		assert_noop!(
			StorageSpace::renew_space(signed(ALICE), MIN_DAYS - 1),
			Error::<Test>::PeriodTooShort
		);
		assert_noop!(
			StorageSpace::renew_space(signed(ALICE), MAX_DAYS + 1),
			Error::<Test>::PeriodTooLong
		);
		// 99 days left + 2 would be paid more than MAX_DAYS ahead.
		assert_noop!(StorageSpace::renew_space(signed(ALICE), 2), Error::<Test>::PeriodTooLong);
		// A day later it fits exactly.
		System::set_block_number(1 + BLOCKS_PER_DAY);
		assert_ok!(StorageSpace::renew_space(signed(ALICE), 2));

		// 1 GiB × 2 days leaves CHARLIE 30; renewing 3 days costs 30.
		assert_ok!(StorageSpace::buy_space(signed(CHARLIE), 1, 2));
		assert_noop!(
			StorageSpace::renew_space(signed(CHARLIE), 3),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn renew_space_must_reach_the_present() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		// The hook ran behind: the lease is still frozen at block 60, and two
		// more days from its end (31) would end in the past.
		run_to_block(35);
		System::set_block_number(60);
		assert_noop!(
			StorageSpace::renew_space(signed(ALICE), MIN_DAYS),
			Error::<Test>::PeriodTooShort
		);
		assert_ok!(StorageSpace::renew_space(signed(ALICE), 3));
		assert_eq!(lease(ALICE).expires_at, 61);
	});
}

#[test]
fn an_expired_lease_cannot_be_renewed_but_can_be_bought_again() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		run_to_block(51);
		assert!(UserSpace::<Test>::get(ALICE).is_none());
		assert_noop!(StorageSpace::renew_space(signed(ALICE), 3), Error::<Test>::NoSpace);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 2, 3));
		assert_eq!(lease(ALICE).start, 51);
	});
}

// --- lifecycle

#[test]
fn a_lease_freezes_then_expires_and_the_file_bank_is_told() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		assert_ok!(StorageSpace::charge(&ALICE, 100));

		run_to_block(20);
		assert_eq!(lease(ALICE).state, SpaceState::Active);
		assert!(StorageSpace::can_upload(&ALICE));

		run_to_block(21);
		assert_eq!(lease(ALICE).state, SpaceState::Frozen);
		System::assert_last_event(
			Event::SpaceFrozen { who: ALICE, expires_at: 21, removal_at: 41 }.into(),
		);
		// Frozen: files kept, nothing new.
		assert!(!StorageSpace::can_upload(&ALICE));
		assert_eq!(lease(ALICE).used_bytes, 100);
		assert_eq!(StorageSpace::free_bytes(&ALICE), GIB - 100);
		assert_noop!(StorageSpace::reserve(&ALICE, 1), Error::<Test>::SpaceNotActive);
		assert_noop!(StorageSpace::charge(&ALICE, 1), Error::<Test>::SpaceNotActive);
		assert!(scheduled(21).is_empty());
		assert_eq!(scheduled(41), vec![ALICE]);

		run_to_block(40);
		assert!(ExpiryCalls::get().is_empty());
		run_to_block(41);
		// The file bank saw the lease in state Expired and released its bytes.
		assert_eq!(ExpiryCalls::get(), vec![(ALICE, SpaceState::Expired, 100)]);
		assert!(UserSpace::<Test>::get(ALICE).is_none());
		System::assert_last_event(
			Event::SpaceExpired { who: ALICE, purchased_bytes: GIB, unreleased_bytes: 0 }.into(),
		);
		assert_eq!(Transitions::<Test>::iter().count(), 0);
		assert_eq!(StorageSpace::free_bytes(&ALICE), 0);
		assert!(!StorageSpace::can_upload(&ALICE));
	});
}

#[test]
fn space_expired_reports_bytes_the_file_bank_left_accounted() {
	new_test_ext_checked(|| {
		ReleaseOnExpiry::set(false);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		assert_ok!(StorageSpace::charge(&ALICE, 100));
		run_to_block(41);
		System::assert_last_event(
			Event::SpaceExpired { who: ALICE, purchased_bytes: GIB, unreleased_bytes: 100 }.into(),
		);
		// Late releases for a deleted lease do nothing.
		StorageSpace::release(&ALICE, 100);
		assert!(UserSpace::<Test>::get(ALICE).is_none());
	});
}

#[test]
fn transitions_are_processed_in_bounded_batches() {
	new_test_ext_checked(|| {
		let owners: Vec<u64> = (0..3).map(lessee).collect();
		assert_eq!(scheduled(21), owners);
		run_to_block(20);

		System::set_block_number(21);
		let weight = StorageSpace::on_initialize(21);
		assert_eq!(
			weight,
			<() as WeightInfo>::on_initialize(MAX_TRANSITIONS_PER_BLOCK)
				+ <<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get()
					.reads_writes(1, 1)
		);
		let states: Vec<_> = owners.iter().map(|who| lease(*who).state).collect();
		assert_eq!(states, vec![SpaceState::Frozen, SpaceState::Frozen, SpaceState::Active]);
		// The third waits, in place, for the next block.
		assert_eq!(scheduled(21), vec![owners[2]]);
		assert_eq!(ScheduleCursor::<Test>::get(), Some(21));

		System::set_block_number(22);
		StorageSpace::on_initialize(22);
		assert_eq!(lease(owners[2]).state, SpaceState::Frozen);
		assert!(scheduled(21).is_empty());
		assert_eq!(ScheduleCursor::<Test>::get(), Some(23));
		System::assert_last_event(
			Event::SpaceFrozen { who: owners[2], expires_at: 21, removal_at: 41 }.into(),
		);
	});
}

#[test]
fn the_expiry_callback_weight_is_counted() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		run_to_block(40);
		System::set_block_number(41);
		let weight = StorageSpace::on_initialize(41);
		assert_eq!(
			weight,
			<() as WeightInfo>::on_initialize(1)
				+ EXPIRY_CALLBACK_WEIGHT
				+ <<Test as frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get()
					.reads_writes(1, 1)
		);
	});
}

#[test]
fn a_lagging_schedule_catches_up_a_bounded_number_of_blocks_at_a_time() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		run_to_block(5);
		assert_eq!(ScheduleCursor::<Test>::get(), Some(6));

		// The hook skips blocks 6..=25, as it would if a backlog of
		// transitions had held the cursor back.
		System::set_block_number(25);
		run_to_block(26);
		// Blocks 6..=21 were visited: the freeze at 21 is done.
		let visited = u64::from(MAX_SCHEDULE_BLOCKS_PER_BLOCK);
		assert_eq!(ScheduleCursor::<Test>::get(), Some(6 + visited));
		assert_eq!(lease(ALICE).state, SpaceState::Frozen);
		run_to_block(27);
		assert_eq!(ScheduleCursor::<Test>::get(), Some(28));
	});
}

#[test]
fn an_expiry_moved_past_a_full_block_still_happens() {
	new_test_ext_checked(|| {
		// Block 41 is full of other leases' freezes, so ALICE's expiry, due
		// at 41, goes to 42.
		fill_schedule(41, 1);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		assert_eq!(lease(ALICE).expiry_scheduled_at, 42);
		run_to_block(42);
		assert!(UserSpace::<Test>::get(ALICE).is_none());
		assert_eq!(ExpiryCalls::get(), vec![(ALICE, SpaceState::Expired, 0)]);
	});
}

// --- SpaceLedger

#[test]
fn ledger_accounting_follows_a_deal() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));

		assert_ok!(StorageSpace::reserve(&ALICE, 1_000));
		assert_eq!(StorageSpace::free_bytes(&ALICE), GIB - 1_000);
		assert_noop!(StorageSpace::reserve(&ALICE, GIB), Error::<Test>::NotEnoughSpace);

		assert_ok!(StorageSpace::commit(&ALICE, 600));
		assert_eq!((lease(ALICE).reserved_bytes, lease(ALICE).used_bytes), (400, 600));
		assert_noop!(StorageSpace::commit(&ALICE, 401), Error::<Test>::NotEnoughReserved);

		StorageSpace::unreserve(&ALICE, 400);
		assert_eq!(lease(ALICE).reserved_bytes, 0);
		assert_eq!(StorageSpace::free_bytes(&ALICE), GIB - 600);

		assert_ok!(StorageSpace::charge(&ALICE, GIB - 600));
		assert_eq!(StorageSpace::free_bytes(&ALICE), 0);
		assert_noop!(StorageSpace::charge(&ALICE, 1), Error::<Test>::NotEnoughSpace);
		assert_noop!(StorageSpace::reserve(&ALICE, 1), Error::<Test>::NotEnoughSpace);

		StorageSpace::release(&ALICE, 100);
		assert_eq!(lease(ALICE).used_bytes, GIB - 100);
		StorageSpace::release(&ALICE, u64::MAX);
		StorageSpace::unreserve(&ALICE, u64::MAX);
		assert_eq!((lease(ALICE).reserved_bytes, lease(ALICE).used_bytes), (0, 0));
	});
}

#[test]
fn a_deal_opened_while_active_can_still_commit_when_frozen() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		assert_ok!(StorageSpace::reserve(&ALICE, 500));
		run_to_block(21);
		assert_eq!(lease(ALICE).state, SpaceState::Frozen);
		assert_ok!(StorageSpace::commit(&ALICE, 500));
		assert_eq!(lease(ALICE).used_bytes, 500);
	});
}

#[test]
fn ledger_without_a_lease() {
	new_test_ext_checked(|| {
		assert!(!StorageSpace::can_upload(&BOB));
		assert_eq!(StorageSpace::free_bytes(&BOB), 0);
		assert_noop!(StorageSpace::reserve(&BOB, 1), Error::<Test>::NoSpace);
		assert_noop!(StorageSpace::charge(&BOB, 1), Error::<Test>::NoSpace);
		assert_noop!(StorageSpace::commit(&BOB, 1), Error::<Test>::NoSpace);
		StorageSpace::unreserve(&BOB, 1);
		StorageSpace::release(&BOB, 1);
		assert!(UserSpace::<Test>::get(BOB).is_none());
	});
}

// --- buckets

#[test]
fn create_bucket_works_and_buckets_are_listed_by_prefix() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("photos")));
		System::assert_last_event(
			Event::BucketCreated { owner: ALICE, name: bucket("photos") }.into(),
		);
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("logs.2024")));
		assert_eq!(
			BucketsStorage::<Test>::get(ALICE, bucket("photos")),
			Some(BucketInfo { object_count: 0, created_at: 1 })
		);
		assert_eq!(BucketCount::<Test>::get(ALICE), 2);

		let mut listed: Vec<BucketName> =
			BucketsStorage::<Test>::iter_prefix(ALICE).map(|(name, _)| name).collect();
		listed.sort();
		assert_eq!(listed, vec![bucket("logs.2024"), bucket("photos")]);
		assert!(StorageSpace::exists(&ALICE, b"photos"));
		assert!(!StorageSpace::exists(&BOB, b"photos"));
	});
}

#[test]
fn create_bucket_needs_a_lease_that_has_not_expired() {
	new_test_ext_checked(|| {
		assert_noop!(
			StorageSpace::create_bucket(RuntimeOrigin::root(), bucket("photos")),
			DispatchError::BadOrigin
		);
		assert_noop!(
			StorageSpace::create_bucket(signed(ALICE), bucket("photos")),
			Error::<Test>::NoSpace
		);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		run_to_block(21);
		// Frozen still works.
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("photos")));
		run_to_block(41);
		assert_noop!(
			StorageSpace::create_bucket(signed(ALICE), bucket("videos")),
			Error::<Test>::NoSpace
		);
		// Buckets outlive the lease and can still be deleted.
		assert_ok!(StorageSpace::delete_bucket(signed(ALICE), bucket("photos")));
	});
}

#[test]
fn create_bucket_checks_the_name() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		for (name, error) in [
			("ab", Error::<Test>::BucketNameTooShort),
			("Photos", Error::<Test>::BucketNameInvalidCharacter),
			("my_bucket", Error::<Test>::BucketNameInvalidCharacter),
			("-photos", Error::<Test>::BucketNameBadEdge),
			("photos.", Error::<Test>::BucketNameBadEdge),
			("my..photos", Error::<Test>::BucketNameAdjacentPeriods),
			("192.168.5.4", Error::<Test>::BucketNameIpAddress),
			("xn--photos", Error::<Test>::BucketNameReservedPrefix),
			("sthree-photos", Error::<Test>::BucketNameReservedPrefix),
			("amzn-s3-demo-photos", Error::<Test>::BucketNameReservedPrefix),
			("photos-s3alias", Error::<Test>::BucketNameReservedSuffix),
			("photos--ol-s3", Error::<Test>::BucketNameReservedSuffix),
			("photos.mrap", Error::<Test>::BucketNameReservedSuffix),
			("photos--x-s3", Error::<Test>::BucketNameReservedSuffix),
			("photos--table-s3", Error::<Test>::BucketNameReservedSuffix),
		] {
			assert_noop!(StorageSpace::create_bucket(signed(ALICE), bucket(name)), error);
		}
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket(&"a".repeat(63))));
	});
}

#[test]
fn a_name_longer_than_63_bytes_does_not_even_decode() {
	new_test_ext_checked(|| {
		assert!(BucketName::try_from(vec![b'a'; 64]).is_err());
		let valid = RuntimeCall::StorageSpace(crate::Call::create_bucket { name: bucket("abc") });
		let mut encoded = valid.encode();
		assert!(RuntimeCall::decode(&mut &encoded[..]).is_ok());
		// Same call with a 64-byte name: the length prefix and the bytes.
		encoded.truncate(2);
		encoded.extend(vec![b'a'; 64].encode());
		assert!(RuntimeCall::decode(&mut &encoded[..]).is_err());
	});
}

#[test]
fn bucket_names_are_unique_per_owner() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		assert_ok!(StorageSpace::buy_space(signed(BOB), 1, 3));
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("photos")));
		assert_noop!(
			StorageSpace::create_bucket(signed(ALICE), bucket("photos")),
			Error::<Test>::BucketExists
		);
		assert_ok!(StorageSpace::create_bucket(signed(BOB), bucket("photos")));
	});
}

#[test]
fn create_bucket_stops_at_the_limit() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		for index in 0..MAX_BUCKETS_PER_USER {
			assert_ok!(StorageSpace::create_bucket(
				signed(ALICE),
				bucket(&format!("bucket-{index}"))
			));
		}
		assert_noop!(
			StorageSpace::create_bucket(signed(ALICE), bucket("one-more")),
			Error::<Test>::TooManyBuckets
		);
		// Deleting one makes room again.
		assert_ok!(StorageSpace::delete_bucket(signed(ALICE), bucket("bucket-0")));
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("one-more")));
	});
}

#[test]
fn delete_bucket_only_when_empty() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("photos")));
		assert_ok!(StorageSpace::add_object(&ALICE, b"photos"));
		assert_ok!(StorageSpace::add_object(&ALICE, b"photos"));
		assert_eq!(BucketsStorage::<Test>::get(ALICE, bucket("photos")).unwrap().object_count, 2);

		assert_noop!(
			StorageSpace::delete_bucket(RuntimeOrigin::root(), bucket("photos")),
			DispatchError::BadOrigin
		);
		assert_noop!(
			StorageSpace::delete_bucket(signed(ALICE), bucket("photos")),
			Error::<Test>::BucketNotEmpty
		);
		assert_noop!(
			StorageSpace::delete_bucket(signed(BOB), bucket("photos")),
			Error::<Test>::BucketNotFound
		);
		StorageSpace::remove_object(&ALICE, b"photos");
		StorageSpace::remove_object(&ALICE, b"photos");
		assert_ok!(StorageSpace::delete_bucket(signed(ALICE), bucket("photos")));
		System::assert_last_event(
			Event::BucketDeleted { owner: ALICE, name: bucket("photos") }.into(),
		);
		assert!(!StorageSpace::exists(&ALICE, b"photos"));
		assert!(!BucketCount::<Test>::contains_key(ALICE));
		assert_noop!(
			StorageSpace::delete_bucket(signed(ALICE), bucket("photos")),
			Error::<Test>::BucketNotFound
		);
	});
}

#[test]
fn bucket_object_counting_for_the_file_bank() {
	new_test_ext_checked(|| {
		assert_noop!(StorageSpace::add_object(&ALICE, b"photos"), Error::<Test>::BucketNotFound);
		assert!(!StorageSpace::exists(&ALICE, &[b'a'; 64]));
		assert_noop!(StorageSpace::add_object(&ALICE, &[b'a'; 64]), Error::<Test>::BucketNotFound);

		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("photos")));
		// Removing from an empty bucket stays at zero.
		StorageSpace::remove_object(&ALICE, b"photos");
		StorageSpace::remove_object(&ALICE, b"nothing");
		assert_eq!(BucketsStorage::<Test>::get(ALICE, bucket("photos")).unwrap().object_count, 0);

		BucketsStorage::<Test>::insert(
			ALICE,
			bucket("photos"),
			BucketInfo { object_count: u32::MAX, created_at: 1 },
		);
		assert_noop!(StorageSpace::add_object(&ALICE, b"photos"), Error::<Test>::TooManyObjects);
	});
}

// --- invariants and configuration

#[test]
fn try_state_detects_broken_invariants() {
	new_test_ext().execute_with(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		assert_ok!(StorageSpace::do_try_state());

		UserSpace::<Test>::mutate_extant(ALICE, |lease| lease.used_bytes = GIB + 1);
		assert!(StorageSpace::do_try_state().is_err());
		UserSpace::<Test>::mutate_extant(ALICE, |lease| lease.used_bytes = 0);

		Transitions::<Test>::insert(99, BoundedVec::truncate_from(vec![BOB]));
		assert!(StorageSpace::do_try_state().is_err());
		Transitions::<Test>::remove(99);

		Transitions::<Test>::remove(51);
		assert!(StorageSpace::do_try_state().is_err());
		Transitions::<Test>::insert(51, BoundedVec::truncate_from(vec![ALICE]));
		assert_ok!(StorageSpace::do_try_state());

		BucketCount::<Test>::insert(ALICE, 1);
		assert!(StorageSpace::do_try_state().is_err());
		assert_ok!(StorageSpace::create_bucket(signed(ALICE), bucket("photos")));
		BucketCount::<Test>::insert(ALICE, 1);
		assert_ok!(StorageSpace::do_try_state());
	});
}

#[test]
fn payments_go_to_the_pallet_pot() {
	new_test_ext_checked(|| {
		assert_eq!(pot_balance(), 0);
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 2));
		assert_ok!(StorageSpace::buy_space(signed(BOB), 2, 2));
		assert_eq!(pot_balance(), 20 + 40);
		assert_eq!(
			space_events().len(),
			2,
			"one SpacePurchased per purchase and nothing else from this pallet"
		);
	});
}

#[test]
fn mock_configuration_passes_the_integrity_test() {
	new_test_ext().execute_with(StorageSpace::integrity_test);
}

#[test]
fn operators_manage_buckets_only_within_their_scopes() {
	new_test_ext_checked(|| {
		assert_ok!(StorageSpace::buy_space(signed(ALICE), 1, 3));
		// BOB holds no grant yet.
		assert_noop!(
			StorageSpace::create_bucket_for(signed(BOB), ALICE, bucket("photos")),
			Error::<Test>::NotAuthorized
		);
		// Delete alone does not let BOB create.
		Grants::mutate(|grants| grants.push((BOB, ALICE, deoss_traits::Scope::Delete)));
		assert_noop!(
			StorageSpace::create_bucket_for(signed(BOB), ALICE, bucket("photos")),
			Error::<Test>::NotAuthorized
		);
		Grants::mutate(|grants| grants.push((BOB, ALICE, deoss_traits::Scope::Upload)));
		assert_ok!(StorageSpace::create_bucket_for(signed(BOB), ALICE, bucket("photos")));
		System::assert_last_event(
			Event::BucketCreated { owner: ALICE, name: bucket("photos") }.into(),
		);
		// The bucket is ALICE's, not BOB's.
		assert!(StorageSpace::exists(&ALICE, b"photos"));
		assert!(!StorageSpace::exists(&BOB, b"photos"));
		// The owner's checks still apply.
		assert_noop!(
			StorageSpace::create_bucket_for(signed(BOB), ALICE, bucket("photos")),
			Error::<Test>::BucketExists
		);
		assert_noop!(
			StorageSpace::create_bucket_for(signed(BOB), ALICE, bucket("Bad_Name")),
			Error::<Test>::BucketNameInvalidCharacter
		);

		// CHARLIE has the Upload scope only: he may not delete.
		Grants::mutate(|grants| grants.push((CHARLIE, ALICE, deoss_traits::Scope::Upload)));
		assert_noop!(
			StorageSpace::delete_bucket_for(signed(CHARLIE), ALICE, bucket("photos")),
			Error::<Test>::NotAuthorized
		);
		assert_ok!(StorageSpace::add_object(&ALICE, b"photos"));
		assert_noop!(
			StorageSpace::delete_bucket_for(signed(BOB), ALICE, bucket("photos")),
			Error::<Test>::BucketNotEmpty
		);
		StorageSpace::remove_object(&ALICE, b"photos");
		assert_ok!(StorageSpace::delete_bucket_for(signed(BOB), ALICE, bucket("photos")));
		System::assert_last_event(
			Event::BucketDeleted { owner: ALICE, name: bucket("photos") }.into(),
		);
		// The owner may act for itself through the same calls.
		assert_ok!(StorageSpace::create_bucket_for(signed(ALICE), ALICE, bucket("logs")));
		assert_ok!(StorageSpace::delete_bucket_for(signed(ALICE), ALICE, bucket("logs")));
	});
}
