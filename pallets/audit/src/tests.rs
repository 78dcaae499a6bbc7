use crate::{mock::*, *};
use deoss_pipeline::{repair_column, FragmentStore};
use deoss_traits::Region;
use frame_support::{assert_noop, assert_ok, dispatch::Pays, BoundedVec};
use pallet_file_bank::{Files, MinerHoldings, MinerSlots};
use pallet_storage_providers::Miners as ProviderMiners;
use sp_runtime::DispatchError;

/// Three full segments: every segment has the same shape.
const SIZE: usize = 3 * 16 * 1024;

type Proofs = BoundedVec<SampleProof<Test>, <Test as Config>::SamplesPerChallenge>;

/// The proofs as the calls take them.
fn bounded<S: frame_support::traits::Get<u32>>(
	proofs: Vec<ChunkProof>,
) -> BoundedVec<SampleProof<Test>, S> {
	proofs
		.into_iter()
		.map(|proof| SampleProof::try_from(proof).expect("chunks fit MaxChunkSize"))
		.collect::<Vec<_>>()
		.try_into()
		.expect("no more proofs than samples")
}

fn submit(n: u8, proofs: Vec<ChunkProof>) -> frame_support::dispatch::DispatchResultWithPostInfo {
	let proofs: Proofs = bounded(proofs);
	Audit::submit_proof(RuntimeOrigin::signed(miner(n)), proofs)
}

fn error(error: Error<Test>) -> DispatchError {
	error.into()
}

fn assert_refused(n: u8, proofs: Vec<ChunkProof>, expected: Error<Test>) {
	let result = submit(n, proofs);
	assert_eq!(result.map_err(|e| e.error), Err(error(expected)));
}

/// A file on miners 0..4, challenged: the first round covers every miner.
fn stored_and_challenged() -> StoredFile {
	let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
	run_to(PERIOD + 1);
	file
}

/// Answers every open challenge except those of `silent` miners.
fn answer_all(files: &[&StoredFile], silent: &[u8]) {
	for n in 0..8u8 {
		if !silent.contains(&n) && Challenges::<Test>::contains_key(miner(n)) {
			assert_ok!(submit(n, answer(n, files)));
		}
	}
}

/// Miner `n` completes the restoral of `slot` of `fid` with `proofs`.
fn complete(n: u8, fid: Fid, slot: u32, proofs: Vec<ChunkProof>) -> sp_runtime::DispatchResult {
	Audit::complete_restoral(RuntimeOrigin::signed(miner(n)), fid, slot, bounded(proofs))
}

/// The owner deletes its object `name`.
fn delete(name: &[u8]) {
	assert_ok!(FileBank::delete_object(
		RuntimeOrigin::signed(owner()),
		owner(),
		BUCKET.to_vec().try_into().expect("bucket fits"),
		name.to_vec().try_into().expect("name fits"),
	));
}

fn stake(n: u8) -> Balance {
	ProviderMiners::<Test>::get(miner(n)).expect("registered").stake
}

fn used_and_reserved(who: &AccountId) -> (u64, u64) {
	let info = ProviderMiners::<Test>::get(who).expect("registered");
	(info.used_bytes, info.reserved_bytes)
}

/// Miner 0 exits: its slot of `file` becomes a restoral order.
fn lose_miner_zero(file: &StoredFile) -> u32 {
	assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
	run_to(System::block_number() + 1);
	assert_eq!(orders(&file.fid), vec![0]);
	0
}

#[test]
fn a_round_challenges_every_miner_within_the_per_block_limit() {
	run_test(5, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		run_to(PERIOD);
		let round = CurrentRound::<Test>::get().expect("round started");
		assert_eq!((round.number, round.finished), (1, false));
		assert_eq!(Challenges::<Test>::iter().count(), 3);
		run_to(PERIOD + 1);
		assert!(CurrentRound::<Test>::get().expect("round").finished);
		// Miner 4 holds nothing and is not challenged.
		assert_eq!(Challenges::<Test>::iter().count(), 4);
		assert!(!Challenges::<Test>::contains_key(miner(4)));
		for (who, challenge) in Challenges::<Test>::iter() {
			assert_eq!(challenge.files.len() as u32, SAMPLES);
			assert!(challenge.files.iter().all(|fid| *fid == file.fid));
			assert!(ChallengeDeadlines::<Test>::get(challenge.deadline).contains(&who));
		}
		let issued = audit_events()
			.into_iter()
			.filter(|event| matches!(event, Event::ChallengeIssued { samples: SAMPLES, .. }))
			.count();
		assert_eq!(issued, 4);
	});
}

#[test]
fn honest_proofs_pass_free_of_charge() {
	run_test(4, || {
		let file = stored_and_challenged();
		for n in 0..4 {
			let info = submit(n, answer(n, &[&file])).expect("honest proof accepted");
			assert_eq!(info.pays_fee, Pays::No);
			let record = Records::<Test>::get(miner(n));
			assert_eq!((record.passed, record.failed, record.last), (1, 0, Outcome::Passed(1)));
		}
		assert_eq!(Challenges::<Test>::iter().count(), 0);
		assert_eq!(ChallengeDeadlines::<Test>::iter().count(), 0);
		// Nothing is failed at the deadlines.
		run_to(PERIOD + WINDOW + 2);
		assert!(!audit_events().iter().any(|e| matches!(e, Event::ChallengeFailed { .. })));
	});
}

#[test]
fn a_tampered_chunk_is_refused() {
	run_test(4, || {
		let file = stored_and_challenged();
		let honest = answer(0, &[&file]);
		let mut flipped = honest.clone();
		let mut chunk = flipped[3].chunk.to_vec();
		chunk[7] ^= 0x01;
		flipped[3].chunk = chunk.try_into().expect("same length");
		assert_refused(0, flipped, Error::RootMismatch);
		let mut short = honest.clone();
		let mut chunk = short[0].chunk.to_vec();
		chunk.pop();
		short[0].chunk = chunk.try_into().expect("shorter fits");
		assert_refused(0, short, Error::ChunkLengthMismatch);
		// Refusals change nothing: the honest proof still passes.
		assert_ok!(submit(0, honest));
	});
}

#[test]
fn a_tampered_path_is_refused() {
	run_test(4, || {
		let file = stored_and_challenged();
		let honest = answer(1, &[&file]);
		let mut short = honest.clone();
		let mut path = short[2].path.to_vec();
		path.pop();
		short[2].path = path.try_into().expect("shorter fits");
		assert_refused(1, short, Error::PathLengthMismatch);
		let mut long = honest.clone();
		let mut path = long[2].path.to_vec();
		path.push([7; 32]);
		long[2].path = path.try_into().expect("one more fits");
		assert_refused(1, long, Error::PathLengthMismatch);
		let mut wrong = honest.clone();
		let mut path = wrong[5].path.to_vec();
		path[0][0] ^= 0x80;
		wrong[5].path = path.try_into().expect("same length");
		assert_refused(1, wrong, Error::RootMismatch);
		let mut missing = honest;
		missing.pop();
		assert_refused(1, missing, Error::WrongProofCount);
	});
}

#[test]
fn a_proof_from_another_file_is_refused() {
	run_test(4, || {
		let first = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let second = store(b"b", &payload(SIZE, 2), layout(1), &[0, 1, 2, 3]);
		run_to(PERIOD + 1);
		let challenge = Challenges::<Test>::get(miner(2)).expect("challenged");
		let mut proofs = answer(2, &[&first, &second]);
		// Answer sample 0 with the same spot of the other file.
		let other = if challenge.files[0] == first.fid { &second } else { &first };
		let column = MinerSlots::<Test>::get(miner(2), challenge.files[0]).expect("held").column;
		proofs[0] = prove(other, &challenge.seed, column, 1).remove(0);
		assert_refused(2, proofs, Error::RootMismatch);
	});
}

#[test]
fn an_old_proof_cannot_be_replayed() {
	run_test(4, || {
		let file = stored_and_challenged();
		let old = answer(3, &[&file]);
		assert_ok!(submit(3, old.clone()));
		assert_refused(3, old.clone(), Error::NoChallenge);
		answer_all(&[&file], &[]);
		run_to(2 * PERIOD + 1);
		assert_eq!(Challenges::<Test>::get(miner(3)).expect("round 2").round, 2);
		assert_refused(3, old, Error::RootMismatch);
	});
}

#[test]
fn a_proof_for_another_miners_challenge_is_refused() {
	run_test(5, || {
		let file = stored_and_challenged();
		assert_refused(1, answer(0, &[&file]), Error::RootMismatch);
		// Miner 4 holds nothing and has no challenge to answer.
		assert_refused(4, answer(0, &[&file]), Error::NoChallenge);
		assert_ok!(submit(0, answer(0, &[&file])));
	});
}

#[test]
fn a_late_proof_is_refused_and_the_failure_counted() {
	run_test(4, || {
		let file = stored_and_challenged();
		let proofs = answer(0, &[&file]);
		answer_all(&[&file], &[0]);
		let deadline = Challenges::<Test>::get(miner(0)).expect("open").deadline;
		run_to(deadline - 1);
		assert!(Challenges::<Test>::contains_key(miner(0)));
		run_to(deadline);
		assert_refused(0, proofs, Error::ChallengeExpired);
		let record = Records::<Test>::get(miner(0));
		assert_eq!((record.failed, record.recent_failures(8)), (1, 1));
		assert_eq!(record.last, Outcome::Failed(1));
		// One failure is never slashed.
		assert_eq!(stake(0), STAKE);
		assert!(audit_events().contains(&Event::ChallengeFailed {
			miner: miner(0),
			round: 1,
			recent_failures: 1
		}));
	});
}

#[test]
fn repeated_failures_slash_then_hand_the_columns_over() {
	run_test(4, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let column_bytes = Files::<Test>::get(file.fid).expect("stored").column_bytes;
		for round in 1..=3u64 {
			run_to(round * PERIOD + 1);
			answer_all(&[&file], &[0]);
			run_to(round * PERIOD + 1 + WINDOW);
		}
		let slashes: Vec<_> = audit_events()
			.into_iter()
			.filter_map(|event| match event {
				Event::MinerSlashed { miner: who, amount, recent_failures } => {
					Some((who, amount, recent_failures))
				}
				_ => None,
			})
			.collect();
		assert_eq!(slashes, vec![(miner(0), 1_000, 2), (miner(0), 900, 3)]);
		assert_eq!(stake(0), 8_100);
		assert!(audit_events().contains(&Event::HandOverStarted {
			miner: miner(0),
			reason: HandOverReason::Failures
		}));
		// Honest miners are untouched.
		assert_eq!(Records::<Test>::get(miner(1)).passed, 3);
		assert_eq!(stake(1), STAKE);

		run_to(System::block_number() + 1);
		assert_eq!(orders(&file.fid), vec![0]);
		let order = RestoralOrders::<Test>::get(file.fid, 0).expect("order");
		assert_eq!((order.column, order.replica, order.lost_by.clone()), (0, 0, miner(0)));
		assert!(MinerSlots::<Test>::get(miner(0), file.fid).is_none());
		assert!(MinerHoldings::<Test>::get(miner(0)).is_none());
		assert!(!HandOvers::<Test>::contains_key(miner(0)));
		assert!(audit_events().contains(&Event::HandOverFinished { miner: miner(0) }));
		// The record names (and charges) miner 0 until the slot is restored.
		assert_eq!(Files::<Test>::get(file.fid).expect("stored").miners[0], miner(0));
		assert_eq!(used_and_reserved(&miner(0)), (column_bytes, 0));
		assert_eq!(Records::<Test>::get(miner(0)).history, 0);

		// Miner 0 holds nothing now, so the next round leaves it alone.
		run_to(4 * PERIOD + 1);
		assert!(!Challenges::<Test>::contains_key(miner(0)));
		assert!(Challenges::<Test>::contains_key(miner(1)));
	});
}

#[test]
fn hand_over_is_spread_over_blocks() {
	run_test(4, || {
		let files: Vec<_> = (0..5u8)
			.map(|n| store(&[b'f', n], &payload(SIZE, u64::from(n) + 10), layout(1), &[0, 1, 2, 3]))
			.collect();
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
		run_to(2);
		let lost = RestoralOrders::<Test>::iter().count();
		assert_eq!(lost, 3);
		run_to(3);
		assert_eq!(RestoralOrders::<Test>::iter().count(), 5);
		assert!(files.iter().all(|file| orders(&file.fid) == vec![0]));
		// An exiting miner keeps its columns until they are restored.
		assert_eq!(MinerHoldings::<Test>::get(miner(0)).map(|held| held.files), Some(5));
	});
}

#[test]
fn an_exiting_miner_answers_its_open_challenge() {
	run_test(4, || {
		let file = stored_and_challenged();
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
		run_to(PERIOD + 2);
		// The slot is up for restoral, but miner 0 keeps it and must answer.
		assert_eq!(orders(&file.fid), vec![0]);
		assert!(Challenges::<Test>::contains_key(miner(0)));
		assert!(MinerSlots::<Test>::get(miner(0), file.fid).is_some());
		assert_ok!(submit(0, answer(0, &[&file])));
		assert_eq!(Records::<Test>::get(miner(0)).failed, 0);
	});
}

/// Regression: an exit used to hand the columns over at once, so the miner
/// was never challenged (nor slashed) on them again and they counted as held.
#[test]
fn an_exiting_miner_is_challenged_and_punished_until_its_columns_are_restored() {
	run_test(4, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
		run_to(2);
		assert_eq!(orders(&file.fid), vec![0]);
		for round in 1..=2u64 {
			run_to(round * PERIOD + 1);
			assert!(Challenges::<Test>::contains_key(miner(0)), "round {round}");
			answer_all(&[&file], &[0]);
			run_to(round * PERIOD + 1 + WINDOW);
		}
		assert_eq!(Records::<Test>::get(miner(0)).failed, 2);
		assert_eq!(stake(0), STAKE - 1_000);
		// Still the exit's order: the data is kept, so the file counts it.
		let order = RestoralOrders::<Test>::get(file.fid, 0).expect("order");
		assert_eq!(order.reason, HandOverReason::Exit);
		run_to(3 * PERIOD + 1);
		answer_all(&[&file], &[0]);
		run_to(3 * PERIOD + 1 + WINDOW + 1);
		// The third failure: the data is gone, and the order says so.
		let order = RestoralOrders::<Test>::get(file.fid, 0).expect("order");
		assert_eq!(order.reason, HandOverReason::Failures);
		assert!(MinerSlots::<Test>::get(miner(0), file.fid).is_none());
		assert_eq!(stake(0), STAKE - 1_000 - 900);
		assert_ok!(Audit::do_try_state());
		assert_ok!(FileBank::do_try_state());
	});
}

/// Regression: one accepted proof used to reset the failure count, so a
/// miner passing every other challenge was never slashed.
#[test]
fn a_pass_does_not_wipe_earlier_failures() {
	run_test(4, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		for round in 1..=3u64 {
			run_to(round * PERIOD + 1);
			let silent: &[u8] = if round == 2 { &[] } else { &[0] };
			answer_all(&[&file], silent);
			run_to(round * PERIOD + 1 + WINDOW);
		}
		let record = Records::<Test>::get(miner(0));
		assert_eq!((record.passed, record.failed, record.recent_failures(8)), (1, 2, 2));
		assert!(audit_events().contains(&Event::MinerSlashed {
			miner: miner(0),
			amount: 1_000,
			recent_failures: 2
		}));
		assert_eq!(stake(0), STAKE - 1_000);
	});
}

/// Regression: files were drawn uniformly, so a miner holding one real
/// file among many tiny ones was almost never sampled on the real one.
#[test]
fn samples_fall_on_a_miners_data_in_proportion_to_bytes() {
	run_test(4, || {
		let big = store(b"big", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		for n in 0..30u8 {
			store(&[b't', n], &[n], layout(1), &[0, 1, 2, 3]);
		}
		let held = MinerHoldings::<Test>::get(miner(0)).expect("holds");
		assert_eq!(held.files, 31);
		run_to(PERIOD + 1);
		let challenge = Challenges::<Test>::get(miner(0)).expect("challenged");
		let on_big = challenge.files.iter().filter(|fid| **fid == big.fid).count();
		// 30 one-byte columns beside one of 24 KiB: a uniform draw over files
		// would put about 0.4 of the 12 samples on the big file.
		assert!(on_big >= 11, "{on_big} of {} samples on the big file", challenge.files.len());
	});
}

/// Byte-proportional draws over many seeds: a class-mixed holding is
/// sampled within a few percent of each column's share of the bytes.
#[test]
fn held_columns_are_drawn_in_proportion_to_their_bytes() {
	new_test_ext(1).execute_with(|| {
		let sizes: Vec<u64> = vec![1, 3, 700, 1_000, 1_500, 4_000, 9_000];
		for (index, bytes) in sizes.iter().enumerate() {
			let mut fid = [0u8; 32];
			fid[0] = index as u8;
			pallet_file_bank::Pallet::<Test>::assign_slot(&miner(0), Fid(fid), 0, 0, *bytes);
		}
		let holdings = MinerHoldings::<Test>::get(miner(0)).expect("holds");
		let total: u64 = sizes.iter().sum();
		let draws = 20_000u32;
		let mut counts = vec![0u32; sizes.len()];
		for n in 0..draws {
			let (fid, _) =
				pallet_file_bank::Pallet::<Test>::draw_held(&miner(0), &holdings, &[7; 32], n);
			counts[usize::from(fid.expect("drawn").0[0])] += 1;
		}
		for (index, bytes) in sizes.iter().enumerate() {
			let expected = f64::from(draws) * *bytes as f64 / total as f64;
			let seen = f64::from(counts[index]);
			assert!(
				(seen - expected).abs() <= 4.0 * expected.sqrt() + 2.0,
				"column of {bytes} bytes drawn {seen} times, expected {expected:.0}"
			);
		}
	});
}

/// Regression: a claimant was slashed for abandoning a claim it could no
/// longer complete because the file became damaged after it claimed.
#[test]
fn a_claim_on_a_file_damaged_later_ends_unpunished() {
	run_test(6, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		fail_three_rounds(&file, &[0]);
		assert_eq!(orders(&file.fid), vec![0]);
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, 0));
		// Miners 1 and 2 are one failure short of losing their columns.
		for n in [1, 2] {
			Records::<Test>::mutate(miner(n), |record| record.history = 0b11);
		}
		let next = 4 * PERIOD + 1;
		run_to(next);
		answer_all(&[&file], &[1, 2]);
		run_to(next + WINDOW + 1);
		assert!(DamagedFiles::<Test>::get(file.fid).is_some());
		run_to(next + WINDOW + RESTORAL_TIMEOUT + 2);
		assert_eq!(stake(4), STAKE);
		assert_eq!(used_and_reserved(&miner(4)), (0, 0));
		assert!(!audit_events().iter().any(|e| matches!(e, Event::RestoralClaimExpired { .. })));
		assert_ok!(Audit::do_try_state());
	});
}

/// Regression: a withdrawn miner's audit record stayed in storage forever.
#[test]
fn a_withdrawn_miners_record_is_removed() {
	run_test(4, || {
		Records::<Test>::insert(miner(3), AuditRecord { passed: 1, ..Default::default() });
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(3))));
		run_to(20);
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(miner(3))));
		assert!(!Records::<Test>::contains_key(miner(3)));
	});
}

/// Regression: declaring a stored FID added the caller as an owner whatever
/// its regions, and even while the file was being restored.
#[test]
fn a_stored_fid_is_shared_only_within_the_declared_regions_and_when_intact() {
	run_test(6, || {
		let data = payload(SIZE, 1);
		let file = store(b"a", &data, layout(1), &[0, 1, 2, 3]);
		let declare = |name: &[u8], region: Region, pinned: Vec<AccountId>| {
			declare_in(name, data.len() as u64, file.fid, layout(1), region, pinned)
		};
		let fr = Region(*b"FR");
		assert_noop!(
			declare(b"b", fr, vec![]),
			pallet_file_bank::Error::<Test>::HoldersOutsideRegions
		);
		assert_noop!(
			declare(b"b", fr, vec![miner(0), miner(1), miner(2)]),
			pallet_file_bank::Error::<Test>::HoldersOutsideRegions
		);
		assert_ok!(declare(b"b", fr, vec![miner(0), miner(1), miner(2), miner(3)]));
		// A slot lost to failures: nobody new may rely on the file until it
		// is whole again.
		fail_three_rounds(&file, &[0]);
		assert_eq!(orders(&file.fid), vec![0]);
		assert_noop!(declare(b"c", de(), vec![]), pallet_file_bank::Error::<Test>::FileImpaired);
	});
}
/// Regression: any restoral order made a file impaired, so a miner could
/// refuse every new owner of the files it holds just by asking to exit.
#[test]
fn an_exiting_holder_does_not_impair_its_files() {
	run_test(6, || {
		let data = payload(SIZE, 1);
		let file = store(b"a", &data, layout(1), &[0, 1, 2, 3]);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
		run_to(System::block_number() + 1);
		assert!(!orders(&file.fid).is_empty(), "the exit opened an order");
		assert_ok!(declare_in(b"b", data.len() as u64, file.fid, layout(1), de(), Vec::new()));
	});
}

#[test]
fn exiting_is_no_escape_from_a_challenge() {
	run_test(4, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		run_to(PERIOD + 1);
		answer_all(&[&file], &[0]);
		run_to(2 * PERIOD + 1);
		// Miner 0 failed round 1 and cannot answer round 2: it tries to leave.
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
		assert_ok!(StorageProviders::cancel_exit(RuntimeOrigin::signed(miner(0))));
		answer_all(&[&file], &[0]);
		run_to(2 * PERIOD + 1 + WINDOW);
		assert_eq!(Records::<Test>::get(miner(0)).recent_failures(8), 2);
		assert_eq!(Records::<Test>::get(miner(0)).failed, 2);
		assert_eq!(stake(0), STAKE - 1_000);
		// Its columns were then handed over as it asked.
		assert_eq!(orders(&file.fid), vec![0]);
	});
}

#[test]
fn a_miner_handing_over_takes_no_new_columns() {
	run_test(4, || {
		store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(0))));
		assert_ok!(StorageProviders::cancel_exit(RuntimeOrigin::signed(miner(0))));
		let refused = try_store(b"b", &payload(SIZE, 2), layout(1), &[0, 1, 2, 3]);
		assert_eq!(refused.err(), Some(pallet_file_bank::Error::<Test>::MinerHandingOver.into()));
		run_to(2);
		assert!(!HandOvers::<Test>::contains_key(miner(0)));
		// (The refused deal stays open with its scheduler; another object.)
		assert!(try_store(b"c", &payload(SIZE, 3), layout(1), &[0, 1, 2, 3]).is_ok());
	});
}

#[test]
fn hand_over_of_miners_without_data_counts_against_the_limit() {
	run_test(4, || {
		for n in 0..4 {
			assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(n))));
		}
		run_to(2);
		assert_eq!(HandOvers::<Test>::iter().count(), 1);
		run_to(3);
		assert_eq!(HandOvers::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_challenge_on_deleted_files_only_is_void() {
	run_test(4, || {
		let file = stored_and_challenged();
		delete(b"a");
		run_to(PERIOD + 1 + WINDOW);
		assert_eq!(Records::<Test>::get(miner(0)).failed, 0);
		assert!(audit_events().contains(&Event::ChallengeVoided { miner: miner(0), round: 1 }));
		let _ = file;
	});
}

#[test]
fn restoral_claims_are_limited_to_eligible_miners() {
	run_test(7, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		register_miner(7, deoss_traits::Region(*b"FR"));
		let slot = lose_miner_zero(&file);
		let claim = |n: u8| Audit::claim_restoral(RuntimeOrigin::signed(miner(n)), file.fid, slot);
		assert_noop!(claim(1), Error::<Test>::AlreadyHoldsFile);
		assert_noop!(claim(0), Error::<Test>::MinerNotActive);
		assert_noop!(claim(7), Error::<Test>::MinerOutsideRegions);
		assert_noop!(claim(9), Error::<Test>::MinerNotActive);
		assert_noop!(
			Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, 1),
			Error::<Test>::OrderNotFound
		);
		assert_ok!(claim(4));
		assert_noop!(claim(5), Error::<Test>::AlreadyClaimed);
		let order = RestoralOrders::<Test>::get(file.fid, slot).expect("order");
		let claimed = order.claim.expect("claimed");
		assert_eq!(claimed.miner, miner(4));
		assert_eq!(claimed.deadline, System::block_number() + RESTORAL_TIMEOUT);
		let column_bytes = Files::<Test>::get(file.fid).expect("stored").column_bytes;
		assert_eq!(used_and_reserved(&miner(4)), (0, column_bytes));
	});
}

#[test]
fn a_completed_restoral_moves_the_slot_to_the_new_miner() {
	run_test(6, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let column_bytes = Files::<Test>::get(file.fid).expect("stored").column_bytes;
		let slot = lose_miner_zero(&file);
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, slot));
		let seed = RestoralOrders::<Test>::get(file.fid, slot).unwrap().claim.unwrap().seed;

		// Miner 4 rebuilds column 0 from the other columns only.
		let mut rebuilt = file.clone();
		rebuilt.fragments.retain(|(_, column), _| *column != 0);
		let mut column = Vec::new();
		let source = |segment, column| Ok(rebuilt.load(&file.fid, segment, column).ok());
		repair_column(&file.fid, &file.manifest, source, 0, |segment, bytes| {
			column.push((segment, bytes.to_vec()));
			Ok(())
		})
		.expect("three columns rebuild the fourth");
		for (segment, bytes) in column {
			assert_eq!(Some(&bytes), file.fragments.get(&(segment, 0)));
			rebuilt.fragments.insert((segment, 0), bytes);
		}
		let proofs = prove(&rebuilt, &seed, 0, RESTORAL_SAMPLES);
		let complete = |n: u8, proofs: Vec<ChunkProof>| complete(n, file.fid, slot, proofs);
		assert_noop!(complete(5, proofs.clone()), Error::<Test>::NotClaimant);
		assert_noop!(complete(4, proofs[1..].to_vec()), Error::<Test>::WrongProofCount);
		let mut tampered = proofs.clone();
		tampered[1] = prove(&rebuilt, &seed, 1, 2).remove(1);
		assert_noop!(complete(4, tampered), Error::<Test>::RootMismatch);
		// Exiting miner 0 cannot leave before its data is handed over.
		run_to(12);
		assert_noop!(
			StorageProviders::withdraw(RuntimeOrigin::signed(miner(0))),
			pallet_storage_providers::Error::<Test>::DataNotHandedOver
		);
		assert_ok!(complete(4, proofs));

		let record = Files::<Test>::get(file.fid).expect("stored");
		assert_eq!(record.miners[slot as usize], miner(4));
		assert_eq!(MinerSlots::<Test>::get(miner(4), file.fid).map(|held| held.column), Some(0));
		assert!(orders(&file.fid).is_empty());
		assert_eq!(used_and_reserved(&miner(4)), (column_bytes, 0));
		assert_eq!(used_and_reserved(&miner(0)), (0, 0));
		let events = audit_events();
		assert!(events.contains(&Event::RestoralCompleted {
			fid: file.fid,
			slot,
			miner: miner(4),
			previous: miner(0)
		}));
		assert_eq!(events.last(), Some(&Event::FileRestored { fid: file.fid }));
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(miner(0))));
		// The new holder is challenged like the others.
		run_to(3 * PERIOD + 1);
		assert!(Challenges::<Test>::get(miner(4)).is_some_and(|c| c.files[0] == file.fid));
		assert_ok!(submit(4, answer(4, &[&rebuilt])));
	});
}

#[test]
fn an_expired_claim_returns_the_order_to_the_pool() {
	run_test(6, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let slot = lose_miner_zero(&file);
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, slot));
		let deadline = System::block_number() + RESTORAL_TIMEOUT;
		run_to(deadline);
		assert!(RestoralOrders::<Test>::get(file.fid, slot).expect("order").claim.is_none());
		assert_eq!(used_and_reserved(&miner(4)), (0, 0));
		assert!(audit_events().contains(&Event::RestoralClaimExpired {
			fid: file.fid,
			slot,
			miner: miner(4),
			slashed: STAKE / 100,
		}));
		assert_eq!(stake(4), STAKE - STAKE / 100);
		let proofs = prove(&file, &[0; 32], 0, RESTORAL_SAMPLES);
		assert_noop!(complete(4, file.fid, slot, proofs), Error::<Test>::NotClaimant);
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(5)), file.fid, slot));
	});
}

/// Runs three rounds in which the `silent` miners never answer.
fn fail_three_rounds(file: &StoredFile, silent: &[u8]) {
	for round in 1..=3u64 {
		run_to(round * PERIOD + 1);
		answer_all(&[file], silent);
		run_to(round * PERIOD + 1 + WINDOW);
	}
}

#[test]
fn a_file_with_fewer_than_k_columns_is_damaged() {
	run_test(6, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		fail_three_rounds(&file, &[0, 1, 2]);
		assert_eq!(orders(&file.fid), vec![0, 1, 2]);
		assert!(DamagedFiles::<Test>::get(file.fid).is_some());
		assert!(audit_events().contains(&Event::FileDamaged { fid: file.fid, columns_left: 1 }));
		assert_noop!(
			Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, 0),
			Error::<Test>::FileDamaged
		);
		// Nobody can rebuild the lost slots, so their miners go free...
		for n in 0..3 {
			assert_eq!(used_and_reserved(&miner(n)), (0, 0));
		}
		// ...and so does the last holder when it leaves.
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(3))));
		run_to(System::block_number() + 1);
		assert_eq!(used_and_reserved(&miner(3)), (0, 0));
		run_to(System::block_number() + 11);
		assert_ok!(StorageProviders::withdraw(RuntimeOrigin::signed(miner(3))));
		// The owners can still delete it, which ends everything about it.
		delete(b"a");
		assert!(DamagedFiles::<Test>::get(file.fid).is_none());
		assert!(orders(&file.fid).is_empty());
		for n in 0..3 {
			assert_eq!(used_and_reserved(&miner(n)), (0, 0));
		}
	});
}

#[test]
fn exits_do_not_damage_a_file() {
	run_test(6, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let column_bytes = Files::<Test>::get(file.fid).expect("stored").column_bytes;
		for n in 0..3 {
			assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(n))));
		}
		run_to(3);
		// The exiting miners still keep their columns until restored.
		assert_eq!(orders(&file.fid), vec![0, 1, 2]);
		assert!(DamagedFiles::<Test>::get(file.fid).is_none());
		assert_eq!(used_and_reserved(&miner(0)), (column_bytes, 0));
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, 0));
	});
}

#[test]
fn a_claimant_that_starts_to_exit_cannot_complete() {
	run_test(5, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let slot = lose_miner_zero(&file);
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, slot));
		let seed = RestoralOrders::<Test>::get(file.fid, slot).unwrap().claim.unwrap().seed;
		assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(4))));
		let proofs = prove(&file, &seed, 0, RESTORAL_SAMPLES);
		assert_noop!(complete(4, file.fid, slot, proofs), Error::<Test>::MinerNotActive);
	});
}

#[test]
fn a_lost_replica_leaves_the_column_alive() {
	run_test(8, || {
		let file = store(b"a", &payload(SIZE, 1), layout(2), &[0, 1, 2, 3, 4, 5, 6, 7]);
		for n in 0..4 {
			assert_ok!(StorageProviders::request_exit(RuntimeOrigin::signed(miner(n))));
		}
		run_to(4);
		assert_eq!(orders(&file.fid), vec![0, 1, 2, 3]);
		assert!(DamagedFiles::<Test>::get(file.fid).is_none());
	});
}

#[test]
fn deleting_a_file_ends_its_orders_and_claims() {
	run_test(5, || {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let slot = lose_miner_zero(&file);
		assert_ok!(Audit::claim_restoral(RuntimeOrigin::signed(miner(4)), file.fid, slot));
		delete(b"a");
		assert!(orders(&file.fid).is_empty());
		assert_eq!(used_and_reserved(&miner(4)), (0, 0));
		assert_eq!(used_and_reserved(&miner(0)), (0, 0));
		// The claim's deadline finds nothing to expire.
		run_to(System::block_number() + RESTORAL_TIMEOUT + 1);
		assert!(!audit_events().iter().any(|e| matches!(e, Event::RestoralClaimExpired { .. })));
	});
}

#[test]
fn samples_of_a_deleted_file_need_no_answer() {
	run_test(4, || {
		let first = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		let second = store(b"b", &payload(SIZE, 2), layout(1), &[3, 2, 1, 0]);
		run_to(PERIOD + 1);
		let challenge = Challenges::<Test>::get(miner(1)).expect("challenged");
		assert!(challenge.files.contains(&first.fid) && challenge.files.contains(&second.fid));
		let mut proofs = answer(1, &[&first, &second]);
		// The first file (first in every miner's list) is deleted meanwhile.
		delete(b"a");
		for (proof, fid) in proofs.iter_mut().zip(challenge.files.iter()) {
			if *fid == first.fid {
				*proof = ChunkProof { chunk: Default::default(), path: Default::default() };
			}
		}
		assert_ok!(submit(1, proofs));
	});
}

#[test]
fn the_parameters_fit_the_block_limits() {
	new_test_ext(0).execute_with(Audit::check_parameters);
}

#[test]
fn try_state_catches_a_broken_index() {
	new_test_ext(4).execute_with(|| {
		let file = stored_and_challenged();
		assert_ok!(Audit::do_try_state());
		let deadline = Challenges::<Test>::get(miner(0)).expect("open").deadline;
		ChallengeDeadlines::<Test>::remove(deadline);
		assert!(Audit::do_try_state().is_err());
		let _ = file;
	});
	new_test_ext(5).execute_with(|| {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		lose_miner_zero(&file);
		assert_ok!(Audit::do_try_state());
		assert_ok!(FileBank::do_try_state());
		// An exit's order whose slot its miner no longer holds is caught.
		pallet_file_bank::Pallet::<Test>::unassign_slot(&miner(0), &file.fid);
		assert!(Audit::do_try_state().is_err());
	});
	new_test_ext(5).execute_with(|| {
		let file = store(b"a", &payload(SIZE, 1), layout(1), &[0, 1, 2, 3]);
		fail_three_rounds(&file, &[0]);
		assert_eq!(orders(&file.fid), vec![0]);
		// A lost slot the audit forgot about breaks the file bank's index.
		RestoralOrders::<Test>::remove(file.fid, 0);
		assert!(FileBank::do_try_state().is_err());
	});
}

#[test]
fn the_samples_constant_meets_its_detection_target() {
	// The runtime's choice: 99 % detection per period at a 5 % loss.
	let samples = deoss_primitives::samples_for_detection(990_000, 50_000).expect("reachable");
	assert_eq!(samples, 90);
}

/// Regression: any account could fill the block space reserved for proofs
/// with `submit_proof` calls the chain refused only once included. The pool
/// check now refuses them, and tags the rest with their challenge.
#[test]
fn the_pool_refuses_proofs_without_a_challenge_or_with_the_wrong_count() {
	use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};
	run_test(4, || {
		let file = stored_and_challenged();
		let custom = |code| TransactionValidityError::from(InvalidTransaction::Custom(code));
		// Miner 4 holds nothing, so it has no challenge.
		assert_eq!(
			Audit::validate_proof(&miner(4), SAMPLES as usize),
			Err(custom(NO_OPEN_CHALLENGE))
		);
		let samples = Challenges::<Test>::get(miner(0)).expect("challenged").files.len();
		assert_eq!(Audit::validate_proof(&miner(0), samples - 1), Err(custom(WRONG_PROOF_COUNT)));
		let tag = Audit::validate_proof(&miner(0), samples).expect("an open challenge");
		// Another miner's challenge has another tag.
		let other = Audit::validate_proof(&miner(1), samples).expect("miner 1 is challenged too");
		assert_ne!(tag, other);
		// Answered, the challenge is closed: further proofs are refused.
		assert_ok!(submit(0, answer(0, &[&file])));
		assert_eq!(Audit::validate_proof(&miner(0), samples), Err(custom(NO_OPEN_CHALLENGE)));
	});
}

/// Regression: a proof's chunk was bounded by the 16 KiB of any layout, not
/// by the runtime's `MaxChunkSize`, so a call could carry four times more
/// bytes per sample than any file has.
#[test]
fn a_proof_with_a_chunk_longer_than_max_chunk_size_does_not_decode() {
	use codec::{Decode, Encode};
	let max = <<Test as pallet_file_bank::Config>::MaxChunkSize as frame_support::traits::Get<
		u32,
	>>::get();
	let too_long = ChunkProof {
		chunk: vec![7u8; max as usize + 1].try_into().expect("within the primitives' bound"),
		path: Default::default(),
	};
	assert!(SampleProof::<Test>::try_from(too_long.clone()).is_err());
	let call = (6u8, 0u8, vec![too_long]).encode();
	assert!(RuntimeCall::decode(&mut &call[..]).is_err());
	let fits = ChunkProof {
		chunk: vec![7u8; max as usize].try_into().expect("fits"),
		path: Default::default(),
	};
	assert!(SampleProof::<Test>::try_from(fits).is_ok());
}
