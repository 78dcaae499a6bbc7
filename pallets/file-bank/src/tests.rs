//! Deals from declaration to stored file or failure, receipts that must be
//! refused, deduplication, deletion, transfers and expired owners.

use crate::{mock::*, *};
use deoss_primitives::receipt_message;
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
	BoundedVec,
};
use sp_core::Pair;

/// 2+2 columns, one replica, 1 KiB segments: four slots.
fn layout() -> Layout {
	Layout { segment_size: 1024, data_shards: 2, parity_shards: 2, chunk_size: 64, replicas: 1 }
}

/// Three segments: two full (512-byte shards) and one of 952 bytes (476-byte shards).
const SIZE: u64 = 3000;
const COLUMN_BYTES: u64 = 512 * 2 + 476;

fn fid(n: u8) -> Fid {
	Fid([n; 32])
}

fn bucket(name: &[u8]) -> BucketNameOf<Test> {
	BoundedVec::truncate_from(name.to_vec())
}

fn name(text: &[u8]) -> ObjectNameOf<Test> {
	BoundedVec::truncate_from(text.to_vec())
}

fn regions(codes: &[[u8; 2]]) -> RegionsOf<Test> {
	BoundedVec::truncate_from(codes.iter().map(|code| Region(*code)).collect())
}

fn meta() -> ObjectMeta<Test> {
	ObjectMeta {
		content_type: BoundedVec::truncate_from(b"image/png".to_vec()),
		description: BoundedVec::truncate_from(b"a cat".to_vec()),
		keywords: BoundedVec::truncate_from(vec![BoundedVec::truncate_from(b"cat".to_vec())]),
	}
}

fn declare_as(
	caller: AccountId,
	owner: AccountId,
	object: &[u8],
	file: Fid,
	layout: Layout,
) -> DispatchResult {
	FileBank::declare(
		RuntimeOrigin::signed(caller),
		owner,
		bucket(b"photos"),
		name(object),
		SIZE,
		file,
		layout,
		regions(&[*b"DE"]),
		BoundedVec::new(),
		meta(),
	)
}

use sp_runtime::DispatchResult;

/// Alice declares `cat.png` as `fid(1)`; returns the deal id.
/// `owner` gets stored file `file` under `object`: a deal whose scheduler,
/// having verified the upload, reports it without receipts.
fn copy_as(caller: AccountId, owner: AccountId, object: &[u8], file: Fid) -> DispatchResult {
	let deal = NextDealId::<Test>::get();
	declare_as(caller, owner, object, file, layout())?;
	let scheduler = Deals::<Test>::get(deal).expect("deal open").scheduler;
	report(scheduler, deal, Vec::new())
}

fn declare_cat() -> DealId {
	let deal = NextDealId::<Test>::get();
	assert_ok!(declare_as(alice(), alice(), b"cat.png", fid(1), layout()));
	deal
}

fn receipt(
	deal: DealId,
	file: Fid,
	miner_n: u8,
	signer: u8,
	column: u16,
	replica: u8,
) -> SlotReceipt<AccountId> {
	let account = miner(miner_n);
	let message = receipt_message(deal, &file, column, &FileBank::account_bytes(&account).unwrap());
	SlotReceipt { miner: account, column, replica, signature: miner_pair(signer).sign(&message).0 }
}

/// Receipts of miners 1..=4 for columns 0..=3.
fn good_receipts(deal: DealId, file: Fid) -> Vec<SlotReceipt<AccountId>> {
	(0..4u8).map(|c| receipt(deal, file, c + 1, c + 1, c as u16, 0)).collect()
}

fn report(by: AccountId, deal: DealId, receipts: Vec<SlotReceipt<AccountId>>) -> DispatchResult {
	FileBank::report(RuntimeOrigin::signed(by), deal, BoundedVec::truncate_from(receipts))
}

fn store_cat() -> DealId {
	let deal = declare_cat();
	assert_ok!(report(scheduler(1), deal, good_receipts(deal, fid(1))));
	deal
}

fn miners(list: &[u8]) -> SlotMinersOf<Test> {
	BoundedVec::truncate_from(list.iter().map(|n| miner(*n)).collect())
}

mod declare {
	use super::*;

	#[test]
	fn assigns_a_scheduler_and_reserves_the_size() {
		run_test(|| {
			let deal = declare_cat();
			assert_eq!(deal, 0);
			let stored = Deals::<Test>::get(deal).unwrap();
			assert_eq!(stored.scheduler, scheduler(1));
			assert_eq!(stored.deadline, 1 + TIMEOUT);
			assert_eq!(stored.meta, meta());
			assert_eq!(
				DealQueue::<Test>::iter().collect::<Vec<_>>(),
				vec![(0, (deal, 1 + TIMEOUT))]
			);
			// The caller's deposit is held until the deal ends.
			assert_eq!(Balances::total_balance_on_hold(&alice()), DEPOSIT);
			assert_eq!(stored.depositor, alice());
			assert_eq!(OpenDeals::<Test>::get(alice()), 1);
			assert_eq!(
				ObjectDeals::<Test>::get(alice(), (bucket(b"photos"), name(b"cat.png"))),
				Some(deal)
			);
			assert_eq!(
				MockSpace::of(&alice()),
				Space { purchased: PURCHASED, reserved: SIZE, used: 0 }
			);
			System::assert_last_event(
				Event::DealAssigned {
					deal,
					scheduler: scheduler(1),
					replaced: None,
					owner: alice(),
					fid: fid(1),
					size: SIZE,
					layout: layout(),
					deadline: 1 + TIMEOUT,
				}
				.into(),
			);
			assert_eq!(NextDealId::<Test>::get(), 1);
		});
	}

	#[test]
	fn operator_needs_the_upload_scope() {
		run_test(|| {
			assert_noop!(
				declare_as(gateway(), alice(), b"a", fid(1), layout()),
				Error::<Test>::NotAuthorized
			);
			MockAuthority::grant(&gateway(), &alice(), Scope::Delete);
			assert_noop!(
				declare_as(gateway(), alice(), b"a", fid(1), layout()),
				Error::<Test>::NotAuthorized
			);
			MockAuthority::grant(&gateway(), &alice(), Scope::Upload);
			assert_ok!(declare_as(gateway(), alice(), b"a", fid(1), layout()));
			assert_eq!(Deals::<Test>::get(0).unwrap().owner, alice());
			assert_eq!(MockSpace::of(&alice()).reserved, SIZE);
		});
	}

	#[test]
	fn bad_layout_is_refused() {
		run_test(|| {
			let no_data = Layout { data_shards: 0, ..layout() };
			assert_noop!(
				declare_as(alice(), alice(), b"a", fid(1), no_data),
				Error::<Test>::InvalidLayout
			);
			let odd_segment = Layout { segment_size: 1023, ..layout() };
			assert_noop!(
				declare_as(alice(), alice(), b"a", fid(1), odd_segment),
				Error::<Test>::InvalidLayout
			);
			// Valid for the layout rules, but longer than MaxChunkSize (4 KiB).
			let big_chunks = Layout { segment_size: 16 * 1024, chunk_size: 8 * 1024, ..layout() };
			assert_noop!(
				declare_as(alice(), alice(), b"a", fid(1), big_chunks),
				Error::<Test>::ChunkTooLarge
			);
			// 4 columns × 5 replicas = 20 slots > MaxSlots (16).
			let too_wide = Layout { replicas: 5, ..layout() };
			assert_noop!(
				declare_as(alice(), alice(), b"a", fid(1), too_wide),
				Error::<Test>::TooManySlots
			);
		});
	}

	#[test]
	fn size_must_fit_the_layout() {
		run_test(|| {
			// More than 2^24 segments of 1 KiB.
			let huge = (1u64 << 24) * 1024 + 1;
			MockSpace::buy(&alice(), huge);
			assert_noop!(
				FileBank::declare(
					RuntimeOrigin::signed(alice()),
					alice(),
					bucket(b"photos"),
					name(b"a"),
					huge,
					fid(1),
					layout(),
					regions(&[*b"DE"]),
					BoundedVec::new(),
					meta(),
				),
				Error::<Test>::InvalidLayout
			);
		});
	}

	#[test]
	fn regions_must_be_given_and_valid() {
		run_test(|| {
			let call = |allowed: RegionsOf<Test>| {
				FileBank::declare(
					RuntimeOrigin::signed(alice()),
					alice(),
					bucket(b"photos"),
					name(b"a"),
					SIZE,
					fid(1),
					layout(),
					allowed,
					BoundedVec::new(),
					meta(),
				)
			};
			assert_noop!(call(regions(&[])), Error::<Test>::NoRegions);
			assert_noop!(call(regions(&[*b"DE", *b"XX"])), Error::<Test>::InvalidRegion);
			assert_noop!(call(regions(&[*b"de"])), Error::<Test>::InvalidRegion);
		});
	}

	#[test]
	fn name_and_bucket_are_checked() {
		run_test(|| {
			assert_noop!(
				declare_as(alice(), alice(), b"", fid(1), layout()),
				Error::<Test>::EmptyName
			);
			assert_noop!(
				FileBank::declare(
					RuntimeOrigin::signed(alice()),
					alice(),
					bucket(b"videos"),
					name(b"a"),
					SIZE,
					fid(1),
					layout(),
					regions(&[*b"DE"]),
					BoundedVec::new(),
					meta(),
				),
				Error::<Test>::BucketNotFound
			);
		});
	}

	#[test]
	fn without_scheduler_nothing_is_reserved() {
		run_test(|| {
			MockSchedulers::set(vec![]);
			assert_noop!(
				declare_as(alice(), alice(), b"a", fid(1), layout()),
				Error::<Test>::NoSchedulerAvailable
			);
			assert_eq!(MockSpace::of(&alice()).reserved, 0);
		});
	}

	#[test]
	fn not_enough_space_is_refused() {
		run_test(|| {
			let poor = account(9);
			MockSpace::buy(&poor, SIZE - 1);
			MockSpace::create_bucket(&poor, b"photos");
			assert_noop!(declare_as(poor.clone(), poor, b"a", fid(1), layout()), NOT_ENOUGH_SPACE);
		});
	}

	/// Regression: one open deal per FID let anyone who saw a FID (in a
	/// `DealAssigned` event, or the pool) declare it first and keep the real
	/// owner from uploading, for as long as it kept declaring.
	#[test]
	fn nobody_can_block_another_owners_upload_of_the_same_fid() {
		run_test(|| {
			let squatter = declare_cat();
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(bob(), bob(), b"b", fid(1), layout()));
			assert_ok!(report(scheduler(1), deal, good_receipts(deal, fid(1))));
			assert_eq!(Files::<Test>::get(fid(1)).unwrap().owners[0].owner, bob());
			// The first deal's report now only adds its owner: its receipts
			// are not needed.
			assert_ok!(report(scheduler(1), squatter, good_receipts(squatter, fid(1))));
			assert_eq!(Files::<Test>::get(fid(1)).unwrap().owners.len(), 2);
			assert_eq!(MockMiners::used(&miner(1)), COLUMN_BYTES);
		});
	}

	/// Regression: a deal whose FID got stored meanwhile in a way the deal
	/// cannot join stayed open until it timed out, so its scheduler was
	/// punished and its owner's deposit burnt for what another deal did.
	#[test]
	fn a_deal_that_cannot_join_the_stored_file_is_refused_without_blame() {
		run_test(|| {
			let other = Layout { parity_shards: 4, ..layout() };
			let cat = declare_cat();
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(bob(), bob(), b"b", fid(1), other));
			assert_ok!(report(scheduler(1), cat, good_receipts(cat, fid(1))));
			let assigned = Deals::<Test>::get(deal).unwrap().scheduler;
			assert_ok!(report(assigned, deal, Vec::new()));
			System::assert_last_event(
				Event::DealRefused {
					deal,
					owner: bob(),
					fid: fid(1),
					reason: Error::<Test>::FileMismatch.into(),
				}
				.into(),
			);
			assert!(!Deals::<Test>::contains_key(deal));
			assert_eq!(Files::<Test>::get(fid(1)).unwrap().owners.len(), 1);
			assert_eq!(MockSpace::of(&bob()), Space { purchased: PURCHASED, reserved: 0, used: 0 });
			assert_eq!(Balances::total_balance_on_hold(&bob()), 0);
		});
	}

	#[test]
	fn an_object_has_one_open_deal_at_a_time() {
		run_test(|| {
			declare_cat();
			assert_noop!(
				declare_as(alice(), alice(), b"cat.png", fid(2), layout()),
				Error::<Test>::DealOpen
			);
		});
	}

	/// Regression: deadlines went into per-block queues of
	/// `MaxDeadlinesPerBlock`, tried for eight blocks; cheap deals could fill
	/// them so that every honest `declare` failed with `DeadlinesFull`. Now
	/// any number of deals may fall due together: the hook handles
	/// `MaxDeadlinesPerBlock` per block and the rest in the blocks after.
	#[test]
	fn any_number_of_deals_may_fall_due_in_one_block() {
		run_test(|| {
			let owners: Vec<AccountId> = (4..=30).map(account).collect();
			let mut deals = Vec::new();
			for (n, owner) in owners.iter().enumerate() {
				MockSpace::buy(owner, PURCHASED);
				MockSpace::create_bucket(owner, b"photos");
				for copy in 0..2u8 {
					deals.push(NextDealId::<Test>::get());
					let file = Fid([
						n as u8, copy, 0xd1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					]);
					assert_ok!(declare_as(
						owner.clone(),
						owner.clone(),
						&[b'a' + copy],
						file,
						layout()
					));
				}
			}
			assert_eq!(deals.len(), 54);
			assert!(deals
				.iter()
				.all(|deal| Deals::<Test>::get(deal).unwrap().deadline == 1 + TIMEOUT));
			// The hook handles four per block, in the order they were declared.
			run_to_block(1 + TIMEOUT);
			assert_eq!(MockSchedulers::timeouts(&scheduler(1)), 4);
			assert_eq!(Deals::<Test>::get(deals[3]).unwrap().scheduler, scheduler(2));
			assert_eq!(Deals::<Test>::get(deals[4]).unwrap().scheduler, scheduler(1));
			run_to_block(14 + TIMEOUT);
			assert_eq!(MockSchedulers::timeouts(&scheduler(1)), 54);
			assert!(deals.iter().all(|deal| {
				Deals::<Test>::get(deal).unwrap().previous_schedulers.contains(&scheduler(1))
			}));
		});
	}

	/// Regression: entries of deals that ended counted against
	/// `MaxDeadlinesPerBlock`, so declaring and cancelling in bulk (which
	/// costs only fees) held real timeouts back for as many blocks.
	#[test]
	fn cancelled_deals_do_not_hold_real_timeouts_back() {
		run_test(|| {
			let owners: Vec<AccountId> = (4..=20).map(account).collect();
			for (n, owner) in owners.iter().enumerate() {
				MockSpace::buy(owner, PURCHASED);
				MockSpace::create_bucket(owner, b"photos");
				for copy in 0..MAX_OPEN_DEALS as u8 {
					let deal = NextDealId::<Test>::get();
					let mut root = [0xc4; 32];
					root[..2].copy_from_slice(&[n as u8, copy]);
					let file = Fid(root);
					assert_ok!(declare_as(
						owner.clone(),
						owner.clone(),
						&[b'a' + copy],
						file,
						layout()
					));
					assert_ok!(FileBank::cancel_deal(RuntimeOrigin::signed(owner.clone()), deal));
				}
			}
			let stale = owners.len() as u32 * MAX_OPEN_DEALS;
			assert!(
				stale > MaxDeadlinesPerBlock::get(),
				"more stale entries than live timeouts a block"
			);
			let real = declare_cat();
			run_to_block(1 + TIMEOUT);
			// The real deal timed out in the block it fell due, behind all the stale entries.
			assert_eq!(MockSchedulers::timeouts(&scheduler(1)), 1);
			assert_ne!(Deals::<Test>::get(real).unwrap().scheduler, scheduler(1));
		});
	}

	/// Regression: an owner could keep any number of deals open.
	#[test]
	fn an_owner_has_at_most_max_open_deals() {
		run_test(|| {
			for n in 0..MAX_OPEN_DEALS as u8 {
				assert_ok!(declare_as(alice(), alice(), &[b'a' + n], fid(10 + n), layout()));
			}
			assert_noop!(
				declare_as(alice(), alice(), b"one more", fid(99), layout()),
				Error::<Test>::TooManyOpenDeals
			);
			// An operator declaring for alice counts against the same cap.
			MockAuthority::grant(&gateway(), &alice(), Scope::Upload);
			assert_noop!(
				declare_as(gateway(), alice(), b"one more", fid(99), layout()),
				Error::<Test>::TooManyOpenDeals
			);
			assert_ok!(FileBank::cancel_deal(RuntimeOrigin::signed(alice()), 0));
			assert_ok!(declare_as(gateway(), alice(), b"one more", fid(99), layout()));
			// The operator paid that deposit.
			assert_eq!(Balances::total_balance_on_hold(&gateway()), DEPOSIT);
		});
	}

	/// Regression: deals cost nothing to open and abandon.
	#[test]
	fn a_deal_deposit_is_returned_on_success_and_burnt_on_failure() {
		run_test(|| {
			let issuance = Balances::total_issuance();
			store_cat();
			assert_eq!(Balances::total_balance_on_hold(&alice()), 0);
			assert_eq!(Balances::free_balance(alice()), BALANCE);
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(alice(), alice(), b"dog.png", fid(2), layout()));
			assert_eq!(Balances::free_balance(alice()), BALANCE - DEPOSIT);
			run_to_block(1 + 3 * TIMEOUT);
			assert!(Deals::<Test>::get(deal).is_none());
			assert_eq!(Balances::total_balance_on_hold(&alice()), 0);
			assert_eq!(Balances::free_balance(alice()), BALANCE - DEPOSIT);
			assert_eq!(Balances::total_issuance(), issuance - DEPOSIT);
			// Every timeout cost its scheduler.
			assert_eq!(MockSchedulers::timeouts(&scheduler(1)), 1);
			assert_eq!(MockSchedulers::timeouts(&scheduler(2)), 1);
			assert_eq!(MockSchedulers::timeouts(&scheduler(3)), 1);
			assert!(OpenDeals::<Test>::get(alice()) == 0);
			// Without the deposit, no deal.
			let poor = account(31);
			MockSpace::buy(&poor, PURCHASED);
			MockSpace::create_bucket(&poor, b"photos");
			assert_noop!(
				declare_as(poor.clone(), poor, b"x", fid(3), layout()),
				Error::<Test>::CannotHoldDeposit
			);
		});
	}

	#[test]
	fn receipts_in_any_order_and_replicas_fill_their_slots() {
		run_test(|| {
			let two_replicas = Layout { replicas: 2, ..layout() };
			assert_ok!(declare_as(alice(), alice(), b"r", fid(2), two_replicas));
			// Slot r × 4 + c: miners 1..=8, listed in reverse.
			let mut receipts: Vec<_> =
				(0..8u8).map(|s| receipt(0, fid(2), s + 1, s + 1, (s % 4) as u16, s / 4)).collect();
			receipts.reverse();
			let deal = Deals::<Test>::get(0).unwrap();
			// Miner 8 is in France: pinned would be needed; allow FR instead.
			Deals::<Test>::insert(0, Deal { regions: regions(&[*b"DE", *b"FR"]), ..deal });
			assert_ok!(report(scheduler(1), 0, receipts));
			assert_eq!(
				Files::<Test>::get(fid(2)).unwrap().miners,
				miners(&[1, 2, 3, 4, 5, 6, 7, 8])
			);
			assert_eq!(
				MinerSlots::<Test>::get(miner(6), fid(2)).map(|held| (
					held.column,
					held.replica,
					held.index
				)),
				Some((1, 1, 0))
			);
		});
	}

	#[test]
	fn forged_signature_is_refused() {
		run_test(|| {
			let deal = declare_cat();
			let mut receipts = good_receipts(deal, fid(1));
			// Miner 2's receipt signed with miner 5's key.
			receipts[1] = receipt(deal, fid(1), 2, 5, 1, 0);
			assert_noop!(report(scheduler(1), deal, receipts), Error::<Test>::InvalidSignature);
			// A genuine signature for another deal.
			let mut receipts = good_receipts(deal, fid(1));
			receipts[0] = receipt(deal + 1, fid(1), 1, 1, 0, 0);
			assert_noop!(report(scheduler(1), deal, receipts), Error::<Test>::InvalidSignature);
			// A genuine signature for another column.
			let mut receipts = good_receipts(deal, fid(1));
			receipts[0].signature = receipt(deal, fid(1), 1, 1, 3, 0).signature;
			assert_noop!(report(scheduler(1), deal, receipts), Error::<Test>::InvalidSignature);
		});
	}

	#[test]
	fn miner_outside_regions_is_refused_unless_pinned() {
		run_test(|| {
			let deal = declare_cat();
			let mut receipts = good_receipts(deal, fid(1));
			receipts[3] = receipt(deal, fid(1), MINER_COUNT, MINER_COUNT, 3, 0);
			assert_noop!(
				report(scheduler(1), deal, receipts.clone()),
				Error::<Test>::MinerOutsideRegions
			);

			assert_ok!(FileBank::declare(
				RuntimeOrigin::signed(bob()),
				bob(),
				bucket(b"photos"),
				name(b"pinned"),
				SIZE,
				fid(2),
				layout(),
				regions(&[*b"DE"]),
				BoundedVec::truncate_from(vec![miner(MINER_COUNT)]),
				meta(),
			));
			let mut receipts = good_receipts(1, fid(2));
			receipts[3] = receipt(1, fid(2), MINER_COUNT, MINER_COUNT, 3, 0);
			assert_ok!(report(scheduler(1), 1, receipts));
			assert_eq!(Files::<Test>::get(fid(2)).unwrap().miners, miners(&[1, 2, 3, MINER_COUNT]));
		});
	}

	#[test]
	fn duplicate_miner_is_refused() {
		run_test(|| {
			let deal = declare_cat();
			let mut receipts = good_receipts(deal, fid(1));
			receipts[3] = receipt(deal, fid(1), 1, 1, 3, 0);
			assert_noop!(report(scheduler(1), deal, receipts), Error::<Test>::DuplicateMiner);
		});
	}

	#[test]
	fn every_slot_exactly_once() {
		run_test(|| {
			let deal = declare_cat();
			let mut receipts = good_receipts(deal, fid(1));
			receipts.pop();
			assert_noop!(
				report(scheduler(1), deal, receipts.clone()),
				Error::<Test>::WrongReceiptCount
			);
			// Four receipts, but column 0 twice and column 3 missing.
			receipts.push(receipt(deal, fid(1), 5, 5, 0, 0));
			assert_noop!(
				report(scheduler(1), deal, receipts.clone()),
				Error::<Test>::DuplicateSlot
			);
			receipts[3] = receipt(deal, fid(1), 5, 5, 4, 0);
			assert_noop!(report(scheduler(1), deal, receipts.clone()), Error::<Test>::InvalidSlot);
			receipts[3] = receipt(deal, fid(1), 5, 5, 3, 1);
			assert_noop!(report(scheduler(1), deal, receipts), Error::<Test>::InvalidSlot);
		});
	}

	#[test]
	fn only_the_assigned_scheduler_reports() {
		run_test(|| {
			let deal = declare_cat();
			assert_noop!(
				report(scheduler(2), deal, good_receipts(deal, fid(1))),
				Error::<Test>::NotAssignedScheduler
			);
			assert_noop!(
				report(scheduler(1), 7, good_receipts(7, fid(1))),
				Error::<Test>::DealNotFound
			);
		});
	}

	#[test]
	fn miners_must_be_active_and_have_room() {
		run_test(|| {
			let deal = declare_cat();
			let mut info = MockMiners::get(&miner(2)).unwrap();
			info.active = false;
			MockMiners::set(&miner(2), info.clone());
			assert_noop!(
				report(scheduler(1), deal, good_receipts(deal, fid(1))),
				Error::<Test>::MinerNotActive
			);
			info.active = true;
			info.used = MINER_CAPACITY - COLUMN_BYTES + 1;
			MockMiners::set(&miner(2), info);
			assert_noop!(
				report(scheduler(1), deal, good_receipts(deal, fid(1))),
				Error::<Test>::MinerOutOfSpace
			);
			assert_eq!(MockMiners::used(&miner(1)), 0);
		});
	}

	#[test]
	fn unknown_miner_is_refused() {
		run_test(|| {
			let deal = declare_cat();
			let mut receipts = good_receipts(deal, fid(1));
			receipts[0] = receipt(deal, fid(1), 50, 50, 0, 0);
			assert_noop!(report(scheduler(1), deal, receipts), Error::<Test>::MinerNotActive);
		});
	}
}

mod timeouts {
	use super::*;

	#[test]
	fn expired_deal_is_reassigned_then_fails() {
		run_test(|| {
			let deal = declare_cat();
			run_to_block(TIMEOUT);
			assert_eq!(Deals::<Test>::get(deal).unwrap().scheduler, scheduler(1));

			run_to_block(1 + TIMEOUT);
			let moved = Deals::<Test>::get(deal).unwrap();
			assert_eq!(moved.scheduler, scheduler(2));
			assert_eq!(moved.previous_schedulers.into_inner(), vec![scheduler(1)]);
			assert_eq!(moved.deadline, 1 + 2 * TIMEOUT);
			System::assert_last_event(
				Event::DealAssigned {
					deal,
					scheduler: scheduler(2),
					replaced: Some(scheduler(1)),
					owner: alice(),
					fid: fid(1),
					size: SIZE,
					layout: layout(),
					deadline: 1 + 2 * TIMEOUT,
				}
				.into(),
			);
			// The replaced scheduler may no longer report.
			assert_noop!(
				report(scheduler(1), deal, good_receipts(deal, fid(1))),
				Error::<Test>::NotAssignedScheduler
			);

			run_to_block(1 + 2 * TIMEOUT);
			assert_eq!(Deals::<Test>::get(deal).unwrap().scheduler, scheduler(3));
			assert_eq!(MockSpace::of(&alice()).reserved, SIZE);

			// MaxReassign (2) reached: the deal fails.
			run_to_block(1 + 3 * TIMEOUT);
			assert!(Deals::<Test>::get(deal).is_none());
			assert!(ObjectDeals::<Test>::iter().next().is_none());
			assert_eq!(
				MockSpace::of(&alice()),
				Space { purchased: PURCHASED, reserved: 0, used: 0 }
			);
			System::assert_last_event(
				Event::DealFailed {
					deal,
					owner: alice(),
					fid: fid(1),
					reason: Error::<Test>::TooManyReassignments.into(),
					forfeited: DEPOSIT,
				}
				.into(),
			);
		});
	}

	#[test]
	fn deal_fails_when_no_other_scheduler_is_left() {
		run_test(|| {
			MockSchedulers::set(vec![scheduler(1)]);
			let deal = declare_cat();
			run_to_block(1 + TIMEOUT);
			assert!(Deals::<Test>::get(deal).is_none());
			assert_eq!(MockSpace::of(&alice()).reserved, 0);
			System::assert_last_event(
				Event::DealFailed {
					deal,
					owner: alice(),
					fid: fid(1),
					reason: Error::<Test>::NoSchedulerAvailable.into(),
					forfeited: DEPOSIT,
				}
				.into(),
			);
		});
	}

	#[test]
	fn reported_deal_does_not_time_out() {
		run_test(|| {
			let deal = store_cat();
			run_to_block(1 + 4 * TIMEOUT);
			assert!(Deals::<Test>::get(deal).is_none());
			assert!(Files::<Test>::get(fid(1)).is_some());
			assert_eq!(MockSpace::of(&alice()).used, SIZE);
		});
	}

	#[test]
	fn owner_requests_reassignment() {
		run_test(|| {
			let deal = declare_cat();
			assert_noop!(
				FileBank::request_reassign(RuntimeOrigin::signed(bob()), deal),
				Error::<Test>::NotAuthorized
			);
			System::set_block_number(5);
			assert_ok!(FileBank::request_reassign(RuntimeOrigin::signed(alice()), deal));
			let moved = Deals::<Test>::get(deal).unwrap();
			assert_eq!(moved.scheduler, scheduler(2));
			assert_eq!(moved.deadline, 5 + TIMEOUT);
			// The old deadline's entry is skipped when it comes up.
			run_to_block(1 + TIMEOUT);
			assert_eq!(MockSchedulers::timeouts(&scheduler(2)), 0);
			assert_eq!(Deals::<Test>::get(deal).unwrap().scheduler, scheduler(2));
			assert_ok!(FileBank::request_reassign(RuntimeOrigin::signed(alice()), deal));
			assert_noop!(
				FileBank::request_reassign(RuntimeOrigin::signed(alice()), deal),
				Error::<Test>::TooManyReassignments
			);
			assert_ok!(report(scheduler(3), deal, good_receipts(deal, fid(1))));
		});
	}

	#[test]
	fn owner_cancels() {
		run_test(|| {
			let deal = declare_cat();
			assert_noop!(
				FileBank::cancel_deal(RuntimeOrigin::signed(bob()), deal),
				Error::<Test>::NotAuthorized
			);
			assert_ok!(FileBank::cancel_deal(RuntimeOrigin::signed(alice()), deal));
			assert!(Deals::<Test>::get(deal).is_none());
			assert_eq!(MockSpace::of(&alice()).reserved, 0);
			assert_eq!(Balances::total_balance_on_hold(&alice()), 0);
			assert_eq!(Balances::free_balance(alice()), BALANCE);
			System::assert_last_event(
				Event::DealCancelled { deal, owner: alice(), fid: fid(1) }.into(),
			);
			assert_noop!(
				FileBank::cancel_deal(RuntimeOrigin::signed(alice()), deal),
				Error::<Test>::DealNotFound
			);
			// The FID may be declared again.
			assert_ok!(declare_as(alice(), alice(), b"cat.png", fid(1), layout()));
		});
	}
}

mod ownership {
	use super::*;

	/// Regression: declaring a stored FID made the caller an owner at once,
	/// so learning a FID from an event was enough to co-own the data. Now
	/// the payload must reach the deal's scheduler, which verifies it.
	#[test]
	fn knowing_a_stored_fid_is_not_enough_to_own_it() {
		run_test(|| {
			store_cat();
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(bob(), bob(), b"same.png", fid(1), layout()));
			// A deal like any other: nothing owned yet, the size reserved.
			assert!(Deals::<Test>::contains_key(deal));
			assert_eq!(Files::<Test>::get(fid(1)).unwrap().owners.len(), 1);
			assert_eq!(
				MockSpace::of(&bob()),
				Space { purchased: PURCHASED, reserved: SIZE, used: 0 }
			);
			// Without the upload the deal times out and bob owns nothing.
			run_to_block(1 + 3 * TIMEOUT);
			assert!(!Deals::<Test>::contains_key(deal));
			assert!(
				OwnedObjects::<Test>::get(bob(), (bucket(b"photos"), name(b"same.png"))).is_none()
			);
			// With it, the scheduler reports without receipts.
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(bob(), bob(), b"same.png", fid(1), layout()));
			let assigned = Deals::<Test>::get(deal).unwrap().scheduler;
			assert_ne!(assigned, scheduler(3));
			assert_noop!(
				report(scheduler(3), deal, Vec::new()),
				Error::<Test>::NotAssignedScheduler
			);
			assert_ok!(report(assigned, deal, Vec::new()));
			assert_eq!(
				MockSpace::of(&bob()),
				Space { purchased: PURCHASED, reserved: 0, used: SIZE }
			);
			assert_eq!(MockSpace::objects_in(&bob(), b"photos"), Some(1));
			let file = Files::<Test>::get(fid(1)).unwrap();
			assert_eq!(file.owners.len(), 2);
			assert_eq!(MockMiners::used(&miner(1)), COLUMN_BYTES);
			System::assert_last_event(
				Event::OwnerAdded {
					deal,
					fid: fid(1),
					owner: bob(),
					bucket: bucket(b"photos"),
					name: name(b"same.png"),
				}
				.into(),
			);
			assert_noop!(
				declare_as(bob(), bob(), b"same.png", fid(1), layout()),
				Error::<Test>::ObjectExists
			);
			let other = Layout { parity_shards: 4, ..layout() };
			assert_noop!(
				declare_as(bob(), bob(), b"x", fid(1), other),
				Error::<Test>::FileMismatch
			);
		});
	}

	#[test]
	fn owners_are_bounded() {
		run_test(|| {
			store_cat();
			assert_ok!(copy_as(alice(), alice(), b"copy", fid(1)));
			assert_ok!(copy_as(bob(), bob(), b"copy", fid(1)));
			assert_noop!(
				declare_as(bob(), bob(), b"copy2", fid(1), layout()),
				Error::<Test>::TooManyOwners
			);
		});
	}

	#[test]
	fn delete_needs_the_owner_or_the_delete_scope() {
		run_test(|| {
			store_cat();
			let delete = |caller: AccountId| {
				FileBank::delete_object(
					RuntimeOrigin::signed(caller),
					alice(),
					bucket(b"photos"),
					name(b"cat.png"),
				)
			};
			assert_noop!(delete(bob()), Error::<Test>::NotAuthorized);
			MockAuthority::grant(&gateway(), &alice(), Scope::Upload);
			assert_noop!(delete(gateway()), Error::<Test>::NotAuthorized);
			// Bob deleting his own (absent) object of that name.
			assert_noop!(
				FileBank::delete_object(
					RuntimeOrigin::signed(bob()),
					bob(),
					bucket(b"photos"),
					name(b"cat.png")
				),
				Error::<Test>::ObjectNotFound
			);
			MockAuthority::grant(&gateway(), &alice(), Scope::Delete);
			assert_ok!(delete(gateway()));
			assert!(Files::<Test>::get(fid(1)).is_none());
		});
	}

	#[test]
	fn only_the_last_owner_removes_the_file() {
		run_test(|| {
			store_cat();
			assert_ok!(copy_as(bob(), bob(), b"same.png", fid(1)));
			assert_ok!(FileBank::delete_object(
				RuntimeOrigin::signed(alice()),
				alice(),
				bucket(b"photos"),
				name(b"cat.png")
			));
			assert_eq!(MockSpace::of(&alice()).used, 0);
			assert_eq!(MockSpace::objects_in(&alice(), b"photos"), Some(0));
			assert_eq!(Files::<Test>::get(fid(1)).unwrap().owners.len(), 1);
			assert_eq!(MockMiners::used(&miner(1)), COLUMN_BYTES);
			System::assert_last_event(
				Event::ObjectRemoved {
					fid: fid(1),
					owner: alice(),
					bucket: bucket(b"photos"),
					name: name(b"cat.png"),
				}
				.into(),
			);

			assert_ok!(FileBank::delete_object(
				RuntimeOrigin::signed(bob()),
				bob(),
				bucket(b"photos"),
				name(b"same.png")
			));
			assert!(Files::<Test>::get(fid(1)).is_none());
			assert!(MinerSlots::<Test>::get(miner(1), fid(1)).is_none());
			assert_eq!(MockSpace::of(&bob()).used, 0);
			for n in 1..=4 {
				assert_eq!(MockMiners::used(&miner(n)), 0);
			}
			System::assert_last_event(
				Event::FileDeleted { fid: fid(1), miners: miners(&[1, 2, 3, 4]) }.into(),
			);
		});
	}

	#[test]
	fn transfer_moves_the_space_charge() {
		run_test(|| {
			store_cat();
			MockSpace::create_bucket(&bob(), b"inbox");
			let transfer = || {
				FileBank::transfer_ownership(
					RuntimeOrigin::signed(alice()),
					bucket(b"photos"),
					name(b"cat.png"),
					bob(),
					bucket(b"inbox"),
				)
			};
			assert_noop!(transfer(), Error::<Test>::NotAuthorized);
			MockAuthority::grant(&alice(), &bob(), Scope::Upload);
			assert_noop!(
				FileBank::transfer_ownership(
					RuntimeOrigin::signed(alice()),
					bucket(b"photos"),
					name(b"cat.png"),
					bob(),
					bucket(b"none"),
				),
				Error::<Test>::BucketNotFound
			);
			assert_ok!(transfer());
			assert_eq!(MockSpace::of(&alice()).used, 0);
			assert_eq!(MockSpace::of(&bob()).used, SIZE);
			assert_eq!(MockSpace::objects_in(&alice(), b"photos"), Some(0));
			assert_eq!(MockSpace::objects_in(&bob(), b"inbox"), Some(1));
			assert_eq!(
				OwnedObjects::<Test>::get(bob(), (bucket(b"inbox"), name(b"cat.png"))),
				Some(fid(1))
			);
			assert!(
				OwnedObjects::<Test>::get(alice(), (bucket(b"photos"), name(b"cat.png"))).is_none()
			);
			assert_eq!(Files::<Test>::get(fid(1)).unwrap().owners[0].owner, bob());
			System::assert_last_event(
				Event::OwnershipTransferred {
					fid: fid(1),
					from: alice(),
					to: bob(),
					bucket: bucket(b"inbox"),
					name: name(b"cat.png"),
				}
				.into(),
			);
			assert_noop!(transfer(), Error::<Test>::ObjectNotFound);
		});
	}

	#[test]
	fn transfer_needs_room_at_the_recipient() {
		run_test(|| {
			store_cat();
			let poor = account(9);
			MockSpace::buy(&poor, SIZE - 1);
			MockSpace::create_bucket(&poor, b"inbox");
			MockAuthority::grant(&alice(), &poor, Scope::Upload);
			assert_noop!(
				FileBank::transfer_ownership(
					RuntimeOrigin::signed(alice()),
					bucket(b"photos"),
					name(b"cat.png"),
					poor,
					bucket(b"inbox"),
				),
				NOT_ENOUGH_SPACE
			);
		});
	}

	#[test]
	fn expired_owner_objects_are_removed_a_few_per_block() {
		run_test(|| {
			store_cat();
			for n in 0..2u8 {
				let deal = NextDealId::<Test>::get();
				let file = fid(20 + n);
				assert_ok!(declare_as(alice(), alice(), &[b'x', n], file, layout()));
				assert_ok!(report(scheduler(1), deal, good_receipts(deal, file)));
			}
			assert_eq!(MockSpace::of(&alice()).used, 3 * SIZE);
			run_to_block(2);
			<FileBank as OnSpaceExpired<AccountId>>::on_space_expired(&alice());
			MockSpace::expire(&alice());
			run_to_block(3);
			assert_eq!(OwnedObjects::<Test>::iter_prefix(alice()).count(), 1);
			run_to_block(4);
			assert_eq!(OwnedObjects::<Test>::iter_prefix(alice()).count(), 0);
			assert_eq!(MockMiners::used(&miner(1)), 0);
			run_to_block(5);
			assert!(ExpiredOwners::<Test>::get(alice()).is_none());
		});
	}

	/// Regression: the removal after an expiry took every object of the
	/// owner, also those stored in space it bought again meanwhile, and the
	/// old objects' releases lowered the new lease's usage.
	#[test]
	fn objects_stored_in_space_bought_again_survive_the_old_expiry() {
		run_test(|| {
			store_cat();
			run_to_block(2);
			<FileBank as OnSpaceExpired<AccountId>>::on_space_expired(&alice());
			MockSpace::expire(&alice());
			MockSpace::buy(&alice(), 1 << 30);
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(alice(), alice(), b"new", fid(30), layout()));
			assert_ok!(report(scheduler(1), deal, good_receipts(deal, fid(30))));
			run_to_block(6);
			let left: Vec<_> = OwnedObjects::<Test>::iter_prefix(alice()).map(|(_, f)| f).collect();
			assert_eq!(left, vec![fid(30)]);
			assert!(!Files::<Test>::contains_key(fid(1)));
			assert_eq!(MockSpace::of(&alice()).used, SIZE);
			assert!(ExpiredOwners::<Test>::get(alice()).is_none());
			assert_ok!(FileBank::do_try_state());
		});
	}

	/// Expires alice's space at block 2 and buys 1 GiB again.
	fn expire_and_buy_again() {
		run_to_block(2);
		<FileBank as OnSpaceExpired<AccountId>>::on_space_expired(&alice());
		MockSpace::expire(&alice());
		MockSpace::buy(&alice(), 1 << 30);
	}

	/// Regression: a deal declared before the space expired could still be
	/// reported after it was bought again, committing bytes the new lease
	/// had reserved for another deal.
	#[test]
	fn a_deal_from_an_expired_lease_cannot_be_stored_in_the_new_one() {
		run_test(|| {
			let old = declare_cat();
			expire_and_buy_again();
			let new = NextDealId::<Test>::get();
			assert_ok!(declare_as(alice(), alice(), b"new", fid(30), layout()));
			assert_eq!(MockSpace::of(&alice()).reserved, SIZE);
			assert_noop!(
				report(scheduler(1), old, good_receipts(old, fid(1))),
				Error::<Test>::SpaceExpired
			);
			// Cancelling it leaves the new lease's reservation alone.
			assert_ok!(FileBank::cancel_deal(RuntimeOrigin::signed(alice()), old));
			assert_eq!(MockSpace::of(&alice()).reserved, SIZE);
			assert_ok!(report(scheduler(1), new, good_receipts(new, fid(30))));
			let space = MockSpace::of(&alice());
			assert_eq!((space.reserved, space.used), (0, SIZE));
		});
	}

	/// Regression: such a deal timing out punished its scheduler and
	/// unreserved its bytes from the new lease.
	#[test]
	fn a_deal_from_an_expired_lease_fails_at_its_deadline_without_blame() {
		run_test(|| {
			let old = declare_cat();
			expire_and_buy_again();
			assert_ok!(declare_as(alice(), alice(), b"new", fid(30), layout()));
			run_to_block(1 + TIMEOUT);
			assert!(!Deals::<Test>::contains_key(old));
			assert_eq!(MockSchedulers::timeouts(&scheduler(1)), 0);
			assert_eq!(MockSpace::of(&alice()).reserved, SIZE);
			System::assert_has_event(
				Event::DealFailed {
					deal: old,
					owner: alice(),
					fid: fid(1),
					reason: Error::<Test>::SpaceExpired.into(),
					forfeited: DEPOSIT,
				}
				.into(),
			);
		});
	}

	/// Regression: deleting (or transferring) an object of the expired
	/// lease before the removal reached it lowered the new lease's usage.
	#[test]
	fn an_old_object_deleted_after_buying_again_releases_nothing() {
		run_test(|| {
			store_cat();
			expire_and_buy_again();
			let deal = NextDealId::<Test>::get();
			assert_ok!(declare_as(alice(), alice(), b"new", fid(30), layout()));
			assert_ok!(report(scheduler(1), deal, good_receipts(deal, fid(30))));
			assert_ok!(FileBank::delete_object(
				RuntimeOrigin::signed(alice()),
				alice(),
				bucket(b"photos"),
				name(b"cat.png")
			));
			assert_eq!(MockSpace::of(&alice()).used, SIZE);
		});
	}

	/// Regression: owners expiring with no objects left were not counted
	/// against the hook's limit.
	#[test]
	fn owners_expiring_without_objects_count_against_the_limit() {
		run_test(|| {
			for n in 10..20u8 {
				<FileBank as OnSpaceExpired<AccountId>>::on_space_expired(&account(n));
			}
			run_to_block(2);
			assert_eq!(
				ExpiredOwners::<Test>::iter().count(),
				10 - MaxRemovalsPerBlock::get() as usize
			);
		});
	}
}

#[test]
fn column_bytes_sum_every_segment() {
	run_test(|| {
		assert_eq!(FileBank::column_bytes(&layout(), SIZE), Ok(COLUMN_BYTES));
		// An empty payload still has one byte per shard.
		assert_eq!(FileBank::column_bytes(&layout(), 0), Ok(1));
		assert_eq!(FileBank::column_bytes(&layout(), 1024), Ok(512));
	});
}

#[test]
fn try_state_detects_a_broken_index() {
	new_test_ext().execute_with(|| {
		store_cat();
		assert_ok!(FileBank::do_try_state());
		MinerSlots::<Test>::remove(miner(2), fid(1));
		assert!(FileBank::do_try_state().is_err());
	});
	new_test_ext().execute_with(|| {
		let deal = declare_cat();
		DealQueue::<Test>::remove(0);
		assert!(FileBank::do_try_state().is_err());
		let _ = deal;
	});
}

#[test]
fn hook_weight_counts_the_deals_handled() {
	run_test(|| {
		declare_cat();
		let idle = FileBank::on_initialize(2);
		System::set_block_number(1 + TIMEOUT);
		let busy = FileBank::on_initialize(1 + TIMEOUT);
		assert!(busy.ref_time() > idle.ref_time());
	});
}

mod key_grants {
	use super::*;

	fn wrapped(byte: u8) -> WrappedKeyOf<Test> {
		BoundedVec::truncate_from(vec![byte; 80])
	}

	fn grant(by: AccountId, to: AccountId, byte: u8) -> DispatchResult {
		FileBank::grant_key(RuntimeOrigin::signed(by), fid(1), to, wrapped(byte))
	}

	#[test]
	fn an_owner_grants_replaces_and_revokes() {
		run_test(|| {
			store_cat();
			assert_ok!(grant(alice(), bob(), 1));
			System::assert_last_event(
				Event::KeyGranted { fid: fid(1), by: alice(), to: bob() }.into(),
			);
			assert_eq!(KeyGrants::<Test>::get(fid(1), bob()), Some(wrapped(1)));
			// A second grant to the same account replaces the first, uncounted.
			assert_ok!(grant(alice(), bob(), 2));
			assert_eq!(KeyGrants::<Test>::get(fid(1), bob()), Some(wrapped(2)));
			assert_eq!(KeyGrantCount::<Test>::get(fid(1)), 1);
			assert_ok!(FileBank::revoke_key(RuntimeOrigin::signed(alice()), fid(1), bob()));
			System::assert_last_event(
				Event::KeyRevoked { fid: fid(1), by: alice(), to: bob() }.into(),
			);
			assert!(KeyGrants::<Test>::get(fid(1), bob()).is_none());
			assert!(!KeyGrantCount::<Test>::contains_key(fid(1)));
			assert_noop!(
				FileBank::revoke_key(RuntimeOrigin::signed(alice()), fid(1), bob()),
				Error::<Test>::KeyGrantNotFound
			);
		});
	}

	#[test]
	fn only_owners_of_stored_files_grant() {
		run_test(|| {
			assert_noop!(grant(alice(), bob(), 1), Error::<Test>::FileNotFound);
			let deal = declare_cat();
			// Declared, not stored yet.
			assert_noop!(grant(alice(), bob(), 1), Error::<Test>::FileNotFound);
			assert_ok!(report(scheduler(1), deal, good_receipts(deal, fid(1))));
			assert_noop!(grant(bob(), bob(), 1), Error::<Test>::NotOwner);
			// An operator with every scope is still not an owner.
			MockAuthority::grant(&gateway(), &alice(), Scope::Upload);
			assert_noop!(grant(gateway(), bob(), 1), Error::<Test>::NotOwner);
			assert_noop!(
				FileBank::revoke_key(RuntimeOrigin::signed(bob()), fid(1), bob()),
				Error::<Test>::NotOwner
			);
			// A co-owner (deduplicated put) may grant.
			assert_ok!(copy_as(bob(), bob(), b"same.png", fid(1)));
			assert_ok!(grant(bob(), gateway(), 3));
		});
	}

	/// Regression: any owner could replace or revoke any grant of the file,
	/// so a co-owner could cut off, or feed a bad key to, another owner's
	/// grantees.
	#[test]
	fn only_the_granter_changes_its_grant_while_it_owns_the_file() {
		run_test(|| {
			store_cat();
			assert_ok!(grant(alice(), gateway(), 1));
			assert_ok!(copy_as(bob(), bob(), b"same.png", fid(1)));
			assert_noop!(grant(bob(), gateway(), 9), Error::<Test>::NotGranter);
			assert_noop!(
				FileBank::revoke_key(RuntimeOrigin::signed(bob()), fid(1), gateway()),
				Error::<Test>::NotGranter
			);
			assert_eq!(KeyGrants::<Test>::get(fid(1), gateway()), Some(wrapped(1)));
			// Bob's own grants are his to change.
			assert_ok!(grant(bob(), account(77), 2));
			assert_ok!(grant(bob(), account(77), 3));
			// Once Alice no longer owns the file, her grants fall to the owners.
			assert_ok!(FileBank::delete_object(
				RuntimeOrigin::signed(alice()),
				alice(),
				bucket(b"photos"),
				name(b"cat.png")
			));
			assert_ok!(FileBank::revoke_key(RuntimeOrigin::signed(bob()), fid(1), gateway()));
			assert!(!KeyGranters::<Test>::contains_key(fid(1), gateway()));
		});
	}

	#[test]
	fn grants_are_bounded_and_leave_with_the_file() {
		run_test(|| {
			store_cat();
			assert_ok!(grant(alice(), bob(), 1));
			assert_ok!(grant(alice(), gateway(), 1));
			assert_noop!(grant(alice(), account(77), 1), Error::<Test>::TooManyKeyGrants);
			// Replacing an existing grant still works at the bound.
			assert_ok!(grant(alice(), bob(), 5));
			assert_ok!(FileBank::delete_object(
				RuntimeOrigin::signed(alice()),
				alice(),
				bucket(b"photos"),
				name(b"cat.png")
			));
			assert_eq!(KeyGrants::<Test>::iter_prefix(fid(1)).count(), 0);
			assert_eq!(KeyGranters::<Test>::iter_prefix(fid(1)).count(), 0);
			assert!(!KeyGrantCount::<Test>::contains_key(fid(1)));
		});
	}
}

mod billing {
	use super::*;

	fn declare_sized(object: &[u8], file: Fid, size: u64) -> DealId {
		let deal = NextDealId::<Test>::get();
		assert_ok!(FileBank::declare(
			RuntimeOrigin::signed(alice()),
			alice(),
			bucket(b"photos"),
			name(object),
			size,
			file,
			layout(),
			regions(&[*b"DE"]),
			BoundedVec::new(),
			meta(),
		));
		deal
	}

	#[test]
	fn tiny_and_empty_objects_are_charged_the_minimum_billable_size() {
		run_test(|| {
			let empty = declare_sized(b"empty", fid(7), 0);
			let tiny = declare_sized(b"tiny", fid(8), 1);
			assert_eq!(MockSpace::of(&alice()).reserved, 2 * MIN_BILLABLE);

			assert_ok!(report(scheduler(1), empty, good_receipts(empty, fid(7))));
			let space = MockSpace::of(&alice());
			assert_eq!((space.reserved, space.used), (MIN_BILLABLE, MIN_BILLABLE));

			// A deal that fails gives back what it reserved, no more.
			assert_ok!(FileBank::cancel_deal(RuntimeOrigin::signed(alice()), tiny));
			let space = MockSpace::of(&alice());
			assert_eq!((space.reserved, space.used), (0, MIN_BILLABLE));

			assert_ok!(FileBank::delete_object(
				RuntimeOrigin::signed(alice()),
				alice(),
				bucket(b"photos"),
				name(b"empty")
			));
			assert_eq!(MockSpace::of(&alice()).used, 0);
		});
	}

	#[test]
	fn objects_above_the_minimum_are_charged_their_size() {
		run_test(|| {
			store_cat();
			assert!(SIZE > MIN_BILLABLE);
			assert_eq!(MockSpace::of(&alice()).used, SIZE);
		});
	}
}
