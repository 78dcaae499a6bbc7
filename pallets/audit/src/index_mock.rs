//! The audit alone, over an in-memory file index and miner registry: what
//! it needs from the file bank is the `FileIndex` trait and nothing else,
//! so its rounds, draws and voiding can be tested without the file bank.

use crate::{self as pallet_audit, Challenges, Event};
use alloc::collections::BTreeMap;
use core::cell::RefCell;
use deoss_primitives::{layout::Layout, Fid};
use deoss_traits::{FileIndex, HeldSlot, IndexedFile, MinerRegistry, Region};
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill};

type Block = frame_system::mocking::MockBlock<Lone>;
type AccountId = u64;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Lone;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Audit = pallet_audit;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Lone {
	type Block = Block;
}

thread_local! {
	static FILES: RefCell<BTreeMap<Fid, IndexedFile<AccountId>>> = RefCell::new(BTreeMap::new());
	static SLOTS: RefCell<BTreeMap<(AccountId, Fid), HeldSlot>> = RefCell::new(BTreeMap::new());
}

/// Files and slots in memory; holders in account order.
pub struct Index;

impl Index {
	fn held_by(miner: &AccountId) -> Vec<(Fid, HeldSlot)> {
		SLOTS.with(|slots| {
			slots
				.borrow()
				.iter()
				.filter(|((holder, _), _)| holder == miner)
				.map(|((_, fid), slot)| (*fid, *slot))
				.collect()
		})
	}
}

impl FileIndex<AccountId> for Index {
	type MaxChunkSize = ConstU32<4096>;

	fn file(fid: &Fid) -> Option<IndexedFile<AccountId>> {
		FILES.with(|files| files.borrow().get(fid).cloned())
	}
	fn files() -> Vec<(Fid, IndexedFile<AccountId>)> {
		FILES.with(|files| files.borrow().iter().map(|(fid, file)| (*fid, file.clone())).collect())
	}
	fn holders_after(after: Option<&AccountId>, limit: u32) -> Vec<AccountId> {
		let mut holders: Vec<AccountId> =
			SLOTS.with(|slots| slots.borrow().keys().map(|(holder, _)| *holder).collect());
		holders.dedup();
		holders.retain(|holder| after.is_none_or(|after| holder > after));
		holders.truncate(limit as usize);
		holders
	}
	fn draw_held(miner: &AccountId, seed: &[u8; 32], samples: u32) -> (Vec<Fid>, u32) {
		let held = Self::held_by(miner);
		if held.is_empty() {
			return (Vec::new(), 1);
		}
		let drawn =
			(0..samples).map(|n| held[usize::from(seed[n as usize % 32]) % held.len()].0).collect();
		(drawn, samples)
	}
	fn held_slot(miner: &AccountId, fid: &Fid) -> Option<HeldSlot> {
		SLOTS.with(|slots| slots.borrow().get(&(*miner, *fid)).copied())
	}
	fn held_slots(miner: &AccountId, after: Option<&Fid>, limit: u32) -> Vec<(Fid, HeldSlot)> {
		let mut held = Self::held_by(miner);
		held.retain(|(fid, _)| after.is_none_or(|after| fid > after));
		held.truncate(limit as usize);
		held
	}
	fn drop_slot(miner: &AccountId, fid: &Fid) {
		SLOTS.with(|slots| slots.borrow_mut().remove(&(*miner, *fid)));
	}
	fn hand_slot(fid: &Fid, slot: u32, miner: &AccountId) -> Result<AccountId, DispatchError> {
		let mut file = Self::file(fid).ok_or(DispatchError::Other("no such file"))?;
		let (column, replica) =
			file.layout.slot_column(slot).ok_or(DispatchError::Other("slot"))?;
		let held = file.miners.get_mut(slot as usize).ok_or(DispatchError::Other("slot"))?;
		let previous = core::mem::replace(held, *miner);
		FILES.with(|files| files.borrow_mut().insert(*fid, file));
		SLOTS.with(|slots| slots.borrow_mut().insert((*miner, *fid), HeldSlot { column, replica }));
		Ok(previous)
	}
}

/// Every miner active in DE, with room for anything; slashing takes nothing.
pub struct Miners;

impl MinerRegistry<AccountId, u64> for Miners {
	fn is_active(_miner: &AccountId) -> bool {
		true
	}
	fn region(_miner: &AccountId) -> Option<Region> {
		Some(Region(*b"DE"))
	}
	fn auth_key(_miner: &AccountId) -> Option<[u8; 32]> {
		None
	}
	fn free_bytes(_miner: &AccountId) -> u64 {
		u64::MAX
	}
	fn usage(_miner: &AccountId) -> Option<(u64, u64)> {
		Some((0, 0))
	}
	fn reserve(_miner: &AccountId, _bytes: u64) -> DispatchResult {
		Ok(())
	}
	fn unreserve(_miner: &AccountId, _bytes: u64) {}
	fn commit(_miner: &AccountId, _bytes: u64) -> DispatchResult {
		Ok(())
	}
	fn charge(_miner: &AccountId, _bytes: u64) -> DispatchResult {
		Ok(())
	}
	fn release(_miner: &AccountId, _bytes: u64) {}
	fn slash(_miner: &AccountId, _fraction: Perbill) -> u64 {
		0
	}
}

frame_support::parameter_types! {
	pub const NoSlash: Perbill = Perbill::zero();
}

impl pallet_audit::Config for Lone {
	type StakeBalance = u64;
	type Miners = Miners;
	type Files = Index;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Unused;
	type Randomness = crate::mock::TestRandomness;
	type ChallengePeriod = ConstU64<{ crate::mock::PERIOD }>;
	type ResponseWindow = ConstU64<{ crate::mock::WINDOW }>;
	type SamplesPerChallenge = ConstU32<{ crate::mock::SAMPLES }>;
	type MaxChallengesPerBlock = ConstU32<3>;
	type FailureWindow = ConstU32<8>;
	type SlashAfter = ConstU32<2>;
	type SlashFraction = NoSlash;
	type LoseAfter = ConstU32<3>;
	type MaxHandOversPerBlock = ConstU32<3>;
	type RestoralTimeout = ConstU64<20>;
	type AbandonFraction = NoSlash;
	type MaxClaimsPerBlock = ConstU32<2>;
	type RestoralSamples = ConstU32<4>;
	type AuditWeightInfo = ();
}

/// The benchmarks run on the full mock; this runtime only needs the type.
#[cfg(feature = "runtime-benchmarks")]
pub struct Unused;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_audit::BenchmarkHelper<AccountId> for Unused {
	fn register_miner(_who: &AccountId, _region: Region, _auth_key: [u8; 32], _bytes: u64) {}
	fn store_file(_fid: Fid, _file: IndexedFile<AccountId>) {}
	fn index_slot(_miner: &AccountId, _fid: Fid, _column: u16, _replica: u8, _bytes: u64) {}
}

fn run_to(target: u64) {
	while System::block_number() < target {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Audit::on_initialize(next);
	}
}

#[test]
fn the_audit_challenges_what_the_index_says_and_voids_what_it_dropped() {
	let storage = RuntimeGenesisConfig::default().build_storage().expect("genesis builds");
	sp_io::TestExternalities::new(storage).execute_with(|| {
		System::set_block_number(1);
		let layout = Layout {
			segment_size: 16 * 1024,
			data_shards: 2,
			parity_shards: 2,
			chunk_size: 512,
			replicas: 1,
		};
		let (small, large) = (Fid([1; 32]), Fid([2; 32]));
		for fid in [small, large] {
			FILES.with(|files| {
				files.borrow_mut().insert(
					fid,
					IndexedFile {
						size: 3 * 16 * 1024,
						layout,
						column_bytes: 24 * 1024,
						regions: vec![Region(*b"DE")],
						miners: vec![7, 8, 9, 10],
					},
				)
			});
		}
		SLOTS.with(|slots| {
			let mut slots = slots.borrow_mut();
			slots.insert((7, small), HeldSlot { column: 0, replica: 0 });
			slots.insert((7, large), HeldSlot { column: 0, replica: 0 });
			slots.insert((8, large), HeldSlot { column: 1, replica: 0 });
		});
		run_to(crate::mock::PERIOD + 1);
		// Both holders the index names are challenged on files they hold, and
		// nobody else.
		let seven = Challenges::<Lone>::get(7).expect("miner 7 is challenged");
		assert_eq!(seven.files.len() as u32, crate::mock::SAMPLES);
		assert!(seven.files.iter().all(|fid| *fid == small || *fid == large));
		let eight = Challenges::<Lone>::get(8).expect("miner 8 is challenged");
		assert!(eight.files.iter().all(|fid| *fid == large));
		assert!(Challenges::<Lone>::get(9).is_none());
		// Miner 8's only slot is dropped from the index: its challenge is void
		// at the deadline, while miner 7's is a failure.
		Index::drop_slot(&8, &large);
		run_to(seven.deadline);
		let events: Vec<_> = System::events().into_iter().map(|record| record.event).collect();
		assert!(
			events.contains(&RuntimeEvent::Audit(Event::ChallengeVoided { miner: 8, round: 1 }))
		);
		assert!(events.iter().any(|event| matches!(
			event,
			RuntimeEvent::Audit(Event::ChallengeFailed { miner: 7, .. })
		)));
	});
}
