//! Challenges: rounds, issuing, proofs, deadlines and punishment.

use crate::*;
use alloc::collections::BTreeMap;
use codec::Encode;
use deoss_primitives::{derive_sample, verify_chunk_parts, ColumnIndex, FileGeometry, ProofError};
use deoss_traits::{queue::BlockQueue, FileIndex, MinerRegistry};
use frame_support::{
	dispatch::DispatchClass, ensure, pallet_prelude::*, traits::Randomness, BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Saturating, Zero};

/// The challenges falling due at the start of a block.
pub(crate) type ChallengeQueue<T> = BlockQueue<
	ChallengeDeadlines<T>,
	BlockNumberFor<T>,
	<T as frame_system::Config>::AccountId,
	<T as Config>::MaxChallengesPerBlock,
>;

/// The restoral claims expiring at the start of a block.
pub(crate) type ClaimQueue<T> =
	BlockQueue<ClaimDeadlines<T>, BlockNumberFor<T>, (Fid, u32), <T as Config>::MaxClaimsPerBlock>;

/// `InvalidTransaction::Custom` code: the sender has no open challenge.
pub const NO_OPEN_CHALLENGE: u8 = 1;
/// `InvalidTransaction::Custom` code: not one proof per sample.
pub const WRONG_PROOF_COUNT: u8 = 2;

impl<T: Config> Pallet<T> {
	/// The transaction pool's check of a `submit_proof` by `miner` with
	/// `proofs` proofs, which the runtime's `TaggedTransactionQueue` makes
	/// before anything else: a proof from an account without an open
	/// challenge, or with another number of proofs than the challenge has
	/// samples, is an invalid transaction and never reaches a block, so the
	/// operational block space cannot be filled with proofs the call would
	/// refuse. A valid one is tagged with its challenge (returned), so the
	/// pool keeps one proof per challenge. One storage read.
	pub fn validate_proof(
		miner: &T::AccountId,
		proofs: usize,
	) -> Result<alloc::vec::Vec<u8>, sp_runtime::transaction_validity::TransactionValidityError> {
		use sp_runtime::transaction_validity::InvalidTransaction;
		let Some(challenge) = Challenges::<T>::get(miner) else {
			return Err(InvalidTransaction::Custom(NO_OPEN_CHALLENGE).into());
		};
		if proofs != challenge.files.len() {
			return Err(InvalidTransaction::Custom(WRONG_PROOF_COUNT).into());
		}
		Ok((b"deoss/audit/proof", miner, challenge.round).encode())
	}

	/// A seed no one could predict before the parent block: the runtime's
	/// randomness for `subject`, bound to the subject and the block.
	pub(crate) fn random_seed(subject: &[u8]) -> [u8; 32] {
		let (random, _) = T::Randomness::random(subject);
		let now = frame_system::Pallet::<T>::block_number();
		sp_io::hashing::blake2_256(&(subject, random, now).encode())
	}

	/// The seed of `miner`'s challenge in a round with seed `round_seed`.
	pub fn miner_seed(round_seed: &[u8; 32], miner: &T::AccountId) -> [u8; 32] {
		sp_io::hashing::blake2_256(&(b"deoss/audit/miner/v1", round_seed, miner).encode())
	}

	/// Starts a round at every period boundary, then challenges the next
	/// miners of the walk, at most `MaxChallengesPerBlock` visited per
	/// block. Returns (challenges issued, miners visited, reads of the
	/// challenges' draws).
	pub(crate) fn issue_challenges(now: BlockNumberFor<T>) -> (u32, u32, u32) {
		let period = T::ChallengePeriod::get();
		let mut round = CurrentRound::<T>::get();
		if !period.is_zero() && (now % period).is_zero() {
			let seed = Self::random_seed(b"deoss/audit/round/v1");
			let number = round.as_ref().map_or(1, |round| round.number.saturating_add(1));
			// An unfinished walk goes on where it stopped, so no miner is
			// skipped for good when there are more than a period can visit.
			let cursor = round.and_then(|round| if round.finished { None } else { round.cursor });
			round = Some(Round { number, seed, cursor, finished: false });
			Self::deposit_event(Event::RoundStarted { round: number, seed });
		}
		let Some(mut round) = round else { return (0, 0, 0) };
		if round.finished {
			return (0, 0, 0);
		}
		let mut walk =
			T::Files::holders_after(round.cursor.as_ref(), T::MaxChallengesPerBlock::get())
				.into_iter();
		let (mut issued, mut visited, mut reads) = (0u32, 0u32, 0u32);
		while visited < T::MaxChallengesPerBlock::get() {
			let Some(miner) = walk.next() else {
				round.finished = true;
				break;
			};
			visited = visited.saturating_add(1);
			// An exiting miner is challenged on the slots it still holds; one
			// whose columns are lost to failures has been punished for them.
			let busy = Challenges::<T>::contains_key(&miner)
				|| HandOvers::<T>::get(&miner)
					.is_some_and(|handing| handing.reason == HandOverReason::Failures);
			if !busy {
				let (challenged, spent) = Self::issue_challenge(&miner, &round, now);
				issued = issued.saturating_add(u32::from(challenged));
				reads = reads.saturating_add(spent);
			}
			round.cursor = Some(miner);
		}
		CurrentRound::<T>::put(round);
		(issued, visited, reads)
	}

	/// Challenges `miner` in `round`: draws the file of every sample, in
	/// proportion to the bytes of the miner's columns, and schedules the
	/// deadline. Returns whether a challenge was issued, and the storage
	/// reads the draws took.
	pub(crate) fn issue_challenge(
		miner: &T::AccountId,
		round: &Round<T>,
		now: BlockNumberFor<T>,
	) -> (bool, u32) {
		let seed = Self::miner_seed(&round.seed, miner);
		let (drawn, reads) = T::Files::draw_held(miner, &seed, T::SamplesPerChallenge::get());
		// One file per sample at most: the bound holds.
		let files = BoundedVec::<Fid, T::SamplesPerChallenge>::truncate_from(drawn);
		if files.is_empty() {
			return (false, reads);
		}
		let deadline = now.saturating_add(T::ResponseWindow::get());
		// At most `MaxChallengesPerBlock` are issued per block, and only this
		// block's challenges fall due at `deadline`, so there is room.
		if ChallengeQueue::<T>::schedule(deadline, miner, 1).is_none() {
			return (false, reads);
		}
		let samples = files.len() as u32;
		Challenges::<T>::insert(miner, Challenge { round: round.number, seed, files, deadline });
		Self::deposit_event(Event::ChallengeIssued {
			miner: miner.clone(),
			round: round.number,
			samples,
			deadline,
		});
		(true, reads)
	}

	pub(crate) fn do_submit_proof(
		miner: T::AccountId,
		proofs: BoundedVec<SampleProof<T>, T::SamplesPerChallenge>,
	) -> DispatchResult {
		let Some(challenge) = Challenges::<T>::get(&miner) else {
			let expired = matches!(Records::<T>::get(&miner).last, Outcome::Failed(_));
			return Err(if expired {
				Error::<T>::ChallengeExpired
			} else {
				Error::<T>::NoChallenge
			}
			.into());
		};
		ensure!(proofs.len() == challenge.files.len(), Error::<T>::WrongProofCount);
		// Files repeat when the miner holds few: look each one up once.
		let mut held = BTreeMap::<Fid, Option<(FileGeometry, ColumnIndex)>>::new();
		for (n, (fid, proof)) in challenge.files.iter().zip(proofs.iter()).enumerate() {
			let entry = match held.get(fid) {
				Some(entry) => *entry,
				None => {
					let entry = Self::held_file(&miner, fid)?;
					held.insert(*fid, entry);
					entry
				}
			};
			// A file deleted or handed over since the challenge needs no answer.
			let Some((geometry, column)) = entry else { continue };
			let sample =
				derive_sample::<RuntimeHasher>(&challenge.seed, &geometry, column, n as u32)
					.map_err(Self::proof_error)?;
			verify_chunk_parts::<RuntimeHasher>(fid, &geometry, &sample, &proof.chunk, &proof.path)
				.map_err(Self::proof_error)?;
		}
		Self::close_challenge(&miner, &challenge);
		Records::<T>::mutate(&miner, |record| {
			record.passed = record.passed.saturating_add(1);
			record.push(false);
			record.last = Outcome::Passed(challenge.round);
		});
		Self::deposit_event(Event::ProofAccepted { miner, round: challenge.round });
		Ok(())
	}

	/// The geometry of `fid` and the column `miner` holds of it, if it still
	/// holds one.
	fn held_file(
		miner: &T::AccountId,
		fid: &Fid,
	) -> Result<Option<(FileGeometry, ColumnIndex)>, DispatchError> {
		let Some(slot) = T::Files::held_slot(miner, fid) else { return Ok(None) };
		let Some(file) = T::Files::file(fid) else { return Ok(None) };
		let geometry =
			FileGeometry::new(file.layout, file.size).map_err(|_| Error::<T>::InvalidLayout)?;
		Ok(Some((geometry, slot.column)))
	}

	pub(crate) fn proof_error(error: ProofError) -> DispatchError {
		match error {
			ProofError::Layout(_) => Error::<T>::InvalidLayout,
			ProofError::SampleOutOfRange => Error::<T>::SampleOutOfRange,
			ProofError::ChunkLengthMismatch => Error::<T>::ChunkLengthMismatch,
			ProofError::PathLengthMismatch => Error::<T>::PathLengthMismatch,
			ProofError::RootMismatch => Error::<T>::RootMismatch,
			ProofError::SampleCountMismatch => Error::<T>::WrongProofCount,
		}
		.into()
	}

	/// Removes an open challenge and its deadline entry.
	pub(crate) fn close_challenge(miner: &T::AccountId, challenge: &Challenge<T>) {
		Challenges::<T>::remove(miner);
		ChallengeQueue::<T>::unschedule(challenge.deadline, miner);
	}

	/// Fails the challenges falling due now; returns how many there were.
	/// A challenge none of whose files the miner still holds (all deleted
	/// meanwhile) is void rather than failed.
	pub(crate) fn expire_challenges(now: BlockNumberFor<T>) -> u32 {
		let mut expired = 0u32;
		for miner in ChallengeDeadlines::<T>::take(now) {
			let Some(challenge) = Challenges::<T>::get(&miner) else { continue };
			if challenge.deadline != now {
				continue;
			}
			Challenges::<T>::remove(&miner);
			expired = expired.saturating_add(1);
			let still_held =
				challenge.files.iter().any(|fid| T::Files::held_slot(&miner, fid).is_some());
			if still_held {
				Self::fail(&miner, challenge.round);
			} else {
				Self::deposit_event(Event::ChallengeVoided { miner, round: challenge.round });
			}
		}
		expired
	}

	/// Counts a failure and punishes repeated ones: from `SlashAfter`
	/// failures among the latest `FailureWindow` challenges on, every
	/// failure is slashed; at `LoseAfter` the miner's columns are lost.
	fn fail(miner: &T::AccountId, round: u32) {
		let record = Records::<T>::mutate(miner, |record| {
			record.failed = record.failed.saturating_add(1);
			record.push(true);
			record.last = Outcome::Failed(round);
			*record
		});
		let recent_failures = record.recent_failures(T::FailureWindow::get());
		Self::deposit_event(Event::ChallengeFailed {
			miner: miner.clone(),
			round,
			recent_failures,
		});
		if recent_failures >= T::SlashAfter::get() {
			let amount = T::Miners::slash(miner, T::SlashFraction::get());
			Self::deposit_event(Event::MinerSlashed {
				miner: miner.clone(),
				amount,
				recent_failures,
			});
		}
		if recent_failures >= T::LoseAfter::get() {
			Self::start_hand_over(miner, HandOverReason::Failures);
		}
	}

	/// Queues `miner`'s columns to become restoral orders. An exiting miner
	/// keeps its slots, and is challenged on them, until each one is
	/// restored elsewhere; failures during the exit are punished as any
	/// other, and losing its columns to failures turns its exit orders into
	/// orders of lost data.
	pub(crate) fn start_hand_over(miner: &T::AccountId, reason: HandOverReason) {
		let current = HandOvers::<T>::get(miner).map(|handing| handing.reason);
		if current == Some(reason) || current == Some(HandOverReason::Failures) {
			return;
		}
		HandOvers::<T>::insert(miner, HandOver { reason, after: None });
		Self::deposit_event(Event::HandOverStarted { miner: miner.clone(), reason });
	}

	/// Turns up to `limit` slots of handed-over miners into restoral
	/// orders; returns how many steps it took (slots, plus miners found
	/// done). A miner whose columns are lost to failures waits for its
	/// open challenge to settle.
	pub(crate) fn hand_over(limit: u32) -> u32 {
		let mut done = 0u32;
		while done < limit {
			let Some((miner, mut handing)) = HandOvers::<T>::iter().next() else { break };
			let exit = handing.reason == HandOverReason::Exit;
			if !exit && Challenges::<T>::contains_key(&miner) {
				break;
			}
			let budget = limit.saturating_sub(done);
			// An exit keeps its slots: walk on after the last one handled. Lost
			// slots leave the miner's index: start over each time.
			let after = handing.after.filter(|_| exit);
			let held = T::Files::held_slots(&miner, after.as_ref(), budget);
			if held.is_empty() {
				done = done.saturating_add(1);
				HandOvers::<T>::remove(&miner);
				if !exit {
					// A clean start: earlier failures were paid for with the columns.
					Records::<T>::mutate(&miner, |record| record.history = 0);
				}
				Self::deposit_event(Event::HandOverFinished { miner });
				continue;
			}
			done = done.saturating_add(held.len() as u32);
			for (fid, slot) in held {
				Self::lose_slot(&miner, fid, slot, handing.reason);
				handing.after = Some(fid);
			}
			HandOvers::<T>::insert(&miner, handing);
		}
		done
	}

	/// Largest encoded proof of one challenge: every sample with the
	/// longest chunk a file may have and the longest path.
	pub fn max_proof_bytes() -> u64 {
		let chunk = u64::from(<T::Files as FileIndex<T::AccountId>>::MaxChunkSize::get());
		let path = u64::from(deoss_primitives::layout::MAX_PATH_DEPTH) * 32;
		// Two compact length prefixes of at most 5 bytes each.
		let sample = chunk.saturating_add(path).saturating_add(10);
		u64::from(T::SamplesPerChallenge::get()).saturating_mul(sample).saturating_add(5)
	}

	/// Checks that the parameters let honest miners answer every challenge
	/// and that no queue can stall.
	pub(crate) fn check_parameters() {
		let window = T::ResponseWindow::get();
		assert!(window >= 2u32.into(), "ResponseWindow must leave a block to answer in");
		assert!(window <= T::ChallengePeriod::get(), "ResponseWindow longer than the period");
		assert!(T::SamplesPerChallenge::get() > 0, "a challenge needs samples");
		assert!(T::RestoralSamples::get() > 0, "a restoral needs samples");
		assert!(T::SlashAfter::get() > 0, "SlashAfter must be at least 1");
		assert!(T::LoseAfter::get() >= T::SlashAfter::get(), "LoseAfter below SlashAfter");
		let window = T::FailureWindow::get();
		assert!(window <= 32, "FailureWindow longer than the 32 outcomes kept");
		assert!(window >= T::LoseAfter::get(), "FailureWindow shorter than LoseAfter");
		assert!(T::MaxChallengesPerBlock::get() > 0, "no challenge could ever be issued");
		assert!(T::MaxHandOversPerBlock::get() > 0, "hand-overs would never progress");
		assert!(T::MaxClaimsPerBlock::get() > 0, "no restoral could ever be claimed");
		assert!(!T::RestoralTimeout::get().is_zero(), "a claim must have time to complete");
		// Challenges may be issued in every block of a walk, so their proofs
		// must fit the operational space of one block each, at their largest.
		let proof_bytes =
			Self::max_proof_bytes().saturating_mul(u64::from(T::MaxChallengesPerBlock::get()));
		let per_block = u64::from(
			*<T as frame_system::Config>::BlockLength::get().max.get(DispatchClass::Operational),
		);
		assert!(
			proof_bytes <= per_block,
			"the largest proofs of one block's challenges do not fit a block"
		);
	}

	/// Checks the pallet's invariants. Compiled in every build, so that
	/// tests of a runtime built on this pallet can check them.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (miner, challenge) in Challenges::<T>::iter() {
			ensure!(
				ChallengeDeadlines::<T>::get(challenge.deadline).contains(&miner),
				"challenge not scheduled"
			);
			ensure!(!challenge.files.is_empty(), "challenge without samples");
		}
		for (block, due) in ChallengeDeadlines::<T>::iter() {
			for miner in due {
				ensure!(
					Challenges::<T>::get(&miner).is_some_and(|c| c.deadline == block),
					"stale challenge deadline"
				);
			}
		}
		for (fid, slot, order) in RestoralOrders::<T>::iter() {
			let file = T::Files::file(&fid).ok_or("order for a missing file")?;
			ensure!(
				file.layout.slot(order.column, order.replica) == Some(slot),
				"order names another slot"
			);
			ensure!(file.miners.get(slot as usize) == Some(&order.lost_by), "lost_by not in file");
			ensure!(
				T::Files::held_slot(&order.lost_by, &fid).is_some()
					== (order.reason == HandOverReason::Exit && !order.released),
				"only an exiting miner keeps a lost slot, until it is released"
			);
			ensure!(
				order.released == DamagedFiles::<T>::contains_key(fid),
				"only a damaged file's miners are released early"
			);
			if let Some(claim) = order.claim {
				ensure!(
					ClaimDeadlines::<T>::get(claim.deadline).contains(&(fid, slot)),
					"claim not scheduled"
				);
				ensure!(!file.miners.contains(&claim.miner), "claimant already holds the file");
			}
		}
		for (fid, _) in DamagedFiles::<T>::iter() {
			ensure!(T::Files::file(&fid).is_some(), "damaged file missing");
			ensure!(RestoralOrders::<T>::iter_prefix(fid).next().is_some(), "damage without loss");
		}
		Self::check_miner_bytes()
	}

	/// Every miner is charged exactly the columns the file records name it
	/// for (but those of slots released to a restoral order), and has set
	/// aside exactly the columns it claimed to restore.
	fn check_miner_bytes() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut expected = alloc::collections::BTreeMap::<T::AccountId, (u64, u64)>::new();
		for (fid, file) in T::Files::files() {
			for (slot, miner) in file.miners.iter().enumerate() {
				let released =
					RestoralOrders::<T>::get(fid, slot as u32).is_some_and(|order| order.released);
				if !released {
					let entry = expected.entry(miner.clone()).or_default();
					entry.0 = entry.0.saturating_add(file.column_bytes);
				}
			}
		}
		for (_, _, order) in RestoralOrders::<T>::iter() {
			if let Some(claim) = order.claim {
				let entry = expected.entry(claim.miner).or_default();
				entry.1 = entry.1.saturating_add(claim.bytes);
			}
		}
		for (miner, (used, reserved)) in expected {
			let (held, set_aside) =
				T::Miners::usage(&miner).ok_or("bytes on a miner not registered")?;
			ensure!(held == used, "a miner's used bytes differ from the columns it is named for");
			ensure!(set_aside == reserved, "a miner's reserved bytes differ from its claims");
		}
		Ok(())
	}
}
