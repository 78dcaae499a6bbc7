//! Random call sequences against the mock runtime of every market pallet:
//! many accounts, arguments drawn from small pools (so calls often meet the
//! state earlier calls left) with some outright garbage, and every pallet's
//! invariants checked after every block. No call may panic and no invariant
//! may break.
//!
//! The test suite runs a bounded number of calls; `DEOSS_FUZZ_CALLS` sets
//! another (per seed) and `DEOSS_FUZZ_SEEDS` the number of seeds, and the
//! run prints the calls tried, the distinct errors reached and the panics.

use crate::{mock::*, Challenges, RestoralOrders, SampleProof};
use alloc::collections::BTreeMap;
use deoss_primitives::{receipt_message, ChunkProof, Fid, Layout};
use deoss_traits::{MinerRegistry, Region, Scope};
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, GetDispatchInfo},
	traits::{fungible::Mutate, OnFinalize},
	BoundedVec,
};
use pallet_file_bank::{Deals, ObjectMeta, SlotReceipt};
use sp_core::Pair;
use sp_runtime::{traits::Dispatchable, DispatchError};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A xorshift generator: deterministic per seed, no dependencies.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 << 13;
		self.0 ^= self.0 >> 7;
		self.0 ^= self.0 << 17;
		self.0
	}
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n.max(1)
	}
	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}
	fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
		&items[self.below(items.len() as u64) as usize]
	}
}

/// Users 1..=5 (1 starts with space and a bucket; 2 is the registered
/// scheduler), scheduler candidates 2..=5, miners 0..8.
const USERS: [u8; 5] = [1, 2, 3, 4, 5];
const MINERS: u8 = 8;
const BUCKETS: [&[u8]; 3] = [BUCKET, b"other", b"Not A Bucket"];
const NAMES: [&[u8]; 4] = [b"a", b"b", b"c", b""];

/// What a run saw.
#[derive(Default)]
struct Report {
	calls: u64,
	succeeded: u64,
	blocks: u64,
	/// Each distinct error and how often it came back.
	errors: BTreeMap<String, u64>,
	panics: Vec<String>,
	/// How often the events that mark deep paths were emitted.
	events: BTreeMap<&'static str, u64>,
}

struct Fuzzer {
	rng: Rng,
	files: Vec<StoredFile>,
	report: Report,
}

fn error_name(error: &DispatchError) -> String {
	match error {
		DispatchError::Module(module) => {
			let pallet = match module.index {
				1 => "Balances",
				2 => "StorageSpace",
				3 => "StorageProviders",
				4 => "Oss",
				5 => "FileBank",
				6 => "Audit",
				_ => "?",
			};
			format!("{pallet}.{}", module.message.unwrap_or("?"))
		}
		other => format!("{other:?}"),
	}
}

impl Fuzzer {
	fn new(seed: u64) -> Self {
		// Small files of every shape the pool draws: empty, tiny, one and
		// several segments, one and two replicas.
		let files = [(0usize, 1u8), (1, 1), (700, 2), (20_000, 1), (40_000, 2)]
			.iter()
			.enumerate()
			.map(|(n, &(len, replicas))| encode(&payload(len, n as u64 + 7), layout(replicas)))
			.collect();
		Self {
			rng: Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1),
			files,
			report: Report::default(),
		}
	}

	fn user(&mut self) -> AccountId {
		account(*self.rng.pick(&USERS))
	}

	fn any_miner(&mut self) -> u8 {
		self.rng.below(u64::from(MINERS)) as u8
	}

	fn bucket(&mut self) -> BoundedVec<u8, frame_support::traits::ConstU32<32>> {
		BoundedVec::truncate_from(self.rng.pick(&BUCKETS).to_vec())
	}

	fn name(&mut self) -> BoundedVec<u8, frame_support::traits::ConstU32<32>> {
		BoundedVec::truncate_from(self.rng.pick(&NAMES).to_vec())
	}

	fn region(&mut self) -> Region {
		*self.rng.pick(&[Region(*b"DE"), Region(*b"DE"), Region(*b"FR"), Region(*b"zz")])
	}

	fn fid(&mut self) -> Fid {
		if self.rng.chance(90) {
			let index = self.rng.below(self.files.len() as u64) as usize;
			self.files[index].fid
		} else {
			Fid([self.rng.below(4) as u8; 32])
		}
	}

	fn open_deal(&mut self) -> u64 {
		let open: Vec<u64> = Deals::<Test>::iter_keys().collect();
		if open.is_empty() || self.rng.chance(5) {
			self.rng.below(64)
		} else {
			*self.rng.pick(&open)
		}
	}

	fn garbage_proofs(&mut self, count: u64) -> Vec<ChunkProof> {
		(0..count)
			.map(|_| ChunkProof {
				chunk: vec![self.rng.below(256) as u8; self.rng.below(600) as usize]
					.try_into()
					.expect("under the chunk bound"),
				path: vec![[self.rng.below(256) as u8; 32]; self.rng.below(6) as usize]
					.try_into()
					.expect("under the path bound"),
			})
			.collect()
	}

	/// Miner `n`'s proofs for its open challenge from the files it was
	/// given, garbage for a file not in the pool (whose data never existed).
	fn answer(&mut self, n: u8) -> Vec<ChunkProof> {
		let Some(challenge) = Challenges::<Test>::get(miner(n)) else {
			let count = self.rng.below(3);
			return self.garbage_proofs(count);
		};
		let mut proofs = Vec::new();
		for (index, fid) in challenge.files.iter().enumerate() {
			let file = self.files.iter().find(|file| file.fid == *fid);
			let column = pallet_file_bank::MinerSlots::<Test>::get(miner(n), fid);
			match (file, column) {
				(Some(file), Some(held)) => {
					let mut all = prove(file, &challenge.seed, held.column, index as u32 + 1);
					proofs.push(all.pop().expect("one proof per sample"));
				}
				_ => proofs.extend(self.garbage_proofs(1)),
			}
		}
		proofs
	}

	fn dispatch(&mut self, who: AccountId, call: RuntimeCall) {
		self.report.calls += 1;
		let outcome: Result<DispatchResultWithPostInfo, _> = catch_unwind(AssertUnwindSafe(|| {
			let _ = call.get_dispatch_info();
			call.clone().dispatch(RuntimeOrigin::signed(who.clone()))
		}));
		match outcome {
			Ok(Ok(_)) => self.report.succeeded += 1,
			Ok(Err(error)) => {
				*self.report.errors.entry(error_name(&error.error)).or_default() += 1;
			}
			Err(panic) => {
				let text = panic
					.downcast_ref::<String>()
					.cloned()
					.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
					.unwrap_or_default();
				self.report.panics.push(format!("{call:?} by {who:?}: {text}"));
			}
		}
	}

	/// Ends the block, starts the next one and checks every invariant.
	fn next_block(&mut self) {
		let now = System::block_number();
		<AllPalletsWithSystem as OnFinalize<u64>>::on_finalize(now);
		run_to(now + 1);
		self.report.blocks += 1;
		let checks = [
			("StorageSpace", StorageSpace::do_try_state()),
			("StorageProviders", StorageProviders::do_try_state()),
			("Oss", Oss::do_try_state()),
			("FileBank", FileBank::do_try_state()),
			("Audit", crate::Pallet::<Test>::do_try_state()),
		];
		for (pallet, check) in checks {
			if let Err(broken) = check {
				self.report
					.panics
					.push(format!("block {}: {pallet} invariant: {broken:?}", now + 1));
			}
		}
	}

	fn step(&mut self) {
		use pallet_file_bank::Call as Bank;
		use pallet_storage_providers::Call as Providers;
		use pallet_storage_space::Call as Space;
		let action = self.rng.below(100);
		match action {
			0..=3 => {
				let (who, gib, days) =
					(self.user(), self.rng.below(6) as u32, self.rng.below(40) as u32);
				self.dispatch(who, RuntimeCall::StorageSpace(Space::buy_space { gib, days }));
			}
			4..=5 => {
				let (who, gib) = (self.user(), self.rng.below(4) as u32);
				self.dispatch(who, RuntimeCall::StorageSpace(Space::expand_space { gib }));
			}
			6..=7 => {
				let (who, days) = (self.user(), self.rng.below(40) as u32);
				self.dispatch(who, RuntimeCall::StorageSpace(Space::renew_space { days }));
			}
			8..=10 => {
				let (who, name) = (self.user(), self.bucket());
				let name = BoundedVec::truncate_from(name.into_inner());
				let call = if self.rng.chance(75) {
					Space::create_bucket { name }
				} else {
					Space::delete_bucket { name }
				};
				self.dispatch(who, RuntimeCall::StorageSpace(call));
			}
			11..=12 => {
				let (owner, operator) = (self.user(), self.user());
				let call = if self.rng.chance(70) {
					let scope = *self.rng.pick(&[Scope::Upload, Scope::Delete, Scope::ReadShare]);
					let expires_at =
						self.rng.chance(30).then(|| System::block_number() + self.rng.below(20));
					pallet_oss::Call::authorize {
						operator,
						scopes: BoundedVec::truncate_from(vec![scope]),
						expires_at,
					}
				} else {
					pallet_oss::Call::revoke { operator }
				};
				self.dispatch(owner, RuntimeCall::Oss(call));
			}
			13..=16 => {
				let n = self.any_miner();
				let who = miner(n);
				let key = miner_key(n);
				let proof = if self.rng.chance(90) {
					key.sign(&pallet_storage_providers::key_proof_message(&who)).0
				} else {
					[7; 64]
				};
				let call = Providers::register_miner {
					stake: *self.rng.pick(&[0, 500, STAKE, STAKE]),
					capacity_bytes: *self.rng.pick(&[0, GIB, GIB, 1 << 50]),
					region: self.region(),
					endpoint: BoundedVec::truncate_from(b"http://127.0.0.1:1".to_vec()),
					auth_key: key.public().0,
					key_proof: proof,
				};
				self.dispatch(who, RuntimeCall::StorageProviders(call));
			}
			17..=20 => {
				let who = miner(self.any_miner());
				let call = match self.rng.below(4) {
					0 => Providers::request_exit {},
					1 => Providers::cancel_exit {},
					2 => Providers::withdraw {},
					_ => Providers::update_capacity {
						capacity_bytes: *self.rng.pick(&[0, 1 << 20, GIB, 2 * GIB]),
					},
				};
				self.dispatch(who, RuntimeCall::StorageProviders(call));
			}
			21..=23 => {
				let who = account(2 + self.rng.below(4) as u8);
				let call = match self.rng.below(3) {
					0 => Providers::register_scheduler {
						region: self.region(),
						endpoint: BoundedVec::truncate_from(b"http://127.0.0.1:2".to_vec()),
					},
					1 => Providers::request_scheduler_exit {},
					_ => Providers::withdraw_scheduler {},
				};
				self.dispatch(who, RuntimeCall::StorageProviders(call));
			}
			24..=38 => {
				let (caller, owner) = if self.rng.chance(80) {
					let u = self.user();
					(u.clone(), u)
				} else {
					(self.user(), self.user())
				};
				let index = self.rng.below(self.files.len() as u64) as usize;
				let (mut fid, mut size, mut layout) = {
					let file = &self.files[index];
					(file.fid, file.manifest.payload_len, file.manifest.layout)
				};
				if self.rng.chance(10) {
					size = self.rng.below(100_000);
				}
				if self.rng.chance(5) {
					fid = self.fid();
				}
				if self.rng.chance(5) {
					layout = Layout { data_shards: self.rng.below(4) as u16, ..layout };
				}
				let regions = match self.rng.below(10) {
					0 => vec![],
					1 => vec![Region(*b"FR")],
					2 => vec![Region(*b"DE"), Region(*b"FR")],
					_ => vec![Region(*b"DE")],
				};
				let pinned =
					if self.rng.chance(10) { vec![miner(self.any_miner())] } else { vec![] };
				let call = Bank::declare {
					owner,
					bucket: self.bucket(),
					name: self.name(),
					size,
					fid,
					layout,
					regions: BoundedVec::truncate_from(regions),
					pinned: BoundedVec::truncate_from(pinned),
					meta: ObjectMeta::default(),
				};
				self.dispatch(caller, RuntimeCall::FileBank(call));
			}
			39..=53 => {
				let deal = self.open_deal();
				let open = Deals::<Test>::get(deal);
				let by = match &open {
					Some(open) if self.rng.chance(90) => open.scheduler.clone(),
					_ => self.user(),
				};
				let (fid, layout) = open
					.as_ref()
					.map(|open| (open.fid, open.layout))
					.unwrap_or_else(|| (self.fid(), layout(1)));
				let mut miners: Vec<u8> = (0..MINERS).collect();
				for i in (1..miners.len()).rev() {
					miners.swap(i, self.rng.below(i as u64 + 1) as usize);
				}
				// A scheduler mostly sends to miners that can take the column
				// (active, in the deal's regions), as an honest one would;
				// the rest of the time to whoever.
				if self.rng.chance(85) {
					let regions =
						open.as_ref().map(|open| open.regions.clone()).unwrap_or_default();
					miners.sort_by_key(|&n| {
						let who = miner(n);
						let fits = <StorageProviders as MinerRegistry<_, _>>::is_active(&who)
							&& <StorageProviders as MinerRegistry<_, _>>::region(&who)
								.is_some_and(|region| regions.contains(&region));
						!fits
					});
				}
				let mut slots = layout.slot_count().min(u32::from(MINERS)) as usize;
				if self.rng.chance(5) {
					slots = self.rng.below(u64::from(MINERS)) as usize;
				}
				let forge = self.rng.chance(5);
				let receipts: Vec<_> = miners
					.iter()
					.take(slots)
					.enumerate()
					.filter_map(|(slot, &n)| {
						let (column, replica) = layout.slot_column(slot as u32)?;
						let message =
							receipt_message(deal, &fid, column, &<[u8; 32]>::from(miner(n)));
						let signer =
							if forge { miner_key(n.wrapping_add(1)) } else { miner_key(n) };
						Some(SlotReceipt {
							miner: miner(n),
							column,
							replica,
							signature: signer.sign(&message).0,
						})
					})
					.collect();
				let call = Bank::report { deal, receipts: BoundedVec::truncate_from(receipts) };
				self.dispatch(by, RuntimeCall::FileBank(call));
			}
			54..=58 => {
				let deal = self.open_deal();
				let who = Deals::<Test>::get(deal)
					.filter(|_| self.rng.chance(80))
					.map(|open| open.owner)
					.unwrap_or_else(|| self.user());
				let call = if self.rng.chance(50) {
					Bank::request_reassign { deal }
				} else {
					Bank::cancel_deal { deal }
				};
				self.dispatch(who, RuntimeCall::FileBank(call));
			}
			59..=64 => {
				let (owner, bucket, name) = (self.user(), self.bucket(), self.name());
				let call = if self.rng.chance(60) {
					Bank::delete_object { owner: owner.clone(), bucket, name }
				} else {
					Bank::transfer_ownership {
						bucket,
						name,
						new_owner: self.user(),
						new_bucket: self.bucket(),
					}
				};
				self.dispatch(owner, RuntimeCall::FileBank(call));
			}
			65..=77 => {
				// Miners 0..=4 answer honestly from what they were given, 5
				// never answers, 6 and 7 send junk.
				let n = self.any_miner();
				let proofs = match n {
					0..=4 => self.answer(n),
					5 => return,
					_ => {
						let count = self.rng.below(4);
						self.garbage_proofs(count)
					}
				};
				let proofs: Vec<SampleProof<Test>> =
					proofs.into_iter().filter_map(|proof| proof.try_into().ok()).collect();
				let call = crate::Call::submit_proof { proofs: BoundedVec::truncate_from(proofs) };
				self.dispatch(miner(n), RuntimeCall::Audit(call));
			}
			78..=83 => {
				let orders: Vec<_> = RestoralOrders::<Test>::iter().collect();
				let n = self.any_miner();
				let (fid, slot, order) = match orders.is_empty() {
					true => (self.fid(), self.rng.below(4) as u32, None),
					false => {
						let (fid, slot, order) = self.rng.pick(&orders).clone();
						(fid, slot, Some(order))
					}
				};
				let claimed = order.as_ref().and_then(|order| order.claim.clone());
				let call = match claimed {
					Some(claim) if self.rng.chance(70) => {
						let proofs = match self.files.iter().find(|file| file.fid == fid) {
							Some(file) if self.rng.chance(85) => prove(
								file,
								&claim.seed,
								order.as_ref().map_or(0, |order| order.column),
								RESTORAL_SAMPLES,
							),
							_ => self.garbage_proofs(u64::from(RESTORAL_SAMPLES)),
						};
						let proofs = proofs.into_iter().filter_map(|p| p.try_into().ok()).collect();
						let who = if self.rng.chance(85) { claim.miner } else { miner(n) };
						self.dispatch(
							who,
							RuntimeCall::Audit(crate::Call::complete_restoral {
								fid,
								slot,
								proofs: BoundedVec::truncate_from(proofs),
							}),
						);
						return;
					}
					_ => crate::Call::claim_restoral { fid, slot },
				};
				self.dispatch(miner(n), RuntimeCall::Audit(call));
			}
			_ => {
				for _ in 0..=self.rng.below(3) {
					self.next_block();
				}
			}
		}
	}
}

/// Runs `calls` random calls from `seed`; returns what it saw.
fn run(seed: u64, calls: u64) -> Report {
	let mut report = Report::default();
	new_test_ext(6).execute_with(|| {
		for n in USERS.iter().copied().chain((0..MINERS).map(|n| 10 + n)) {
			Balances::set_balance(&account(n), 1_000_000_000);
		}
		let mut fuzzer = Fuzzer::new(seed);
		while fuzzer.report.calls < calls && fuzzer.report.panics.is_empty() {
			fuzzer.step();
		}
		fuzzer.next_block();
		report = fuzzer.report;
		for record in System::events() {
			let reached = match record.event {
				RuntimeEvent::FileBank(pallet_file_bank::Event::FileStored { .. }) => "FileStored",
				RuntimeEvent::FileBank(pallet_file_bank::Event::OwnerAdded { .. }) => "OwnerAdded",
				RuntimeEvent::FileBank(pallet_file_bank::Event::DealFailed { .. }) => "DealFailed",
				RuntimeEvent::Audit(crate::Event::ProofAccepted { .. }) => "ProofAccepted",
				RuntimeEvent::Audit(crate::Event::ChallengeFailed { .. }) => "ChallengeFailed",
				RuntimeEvent::Audit(crate::Event::MinerSlashed { .. }) => "MinerSlashed",
				RuntimeEvent::Audit(crate::Event::RestoralCompleted { .. }) => "RestoralCompleted",
				_ => continue,
			};
			*report.events.entry(reached).or_default() += 1;
		}
	});
	report
}

fn env_number(name: &str, default: u64) -> u64 {
	std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[test]
fn fuzz_random_call_sequences_keep_every_invariant() {
	let calls = env_number("DEOSS_FUZZ_CALLS", 1_500);
	let seeds = env_number("DEOSS_FUZZ_SEEDS", 3);
	let mut total = Report::default();
	for seed in 1..=seeds {
		let report = run(seed, calls);
		total.calls += report.calls;
		total.succeeded += report.succeeded;
		total.blocks += report.blocks;
		for (error, count) in report.errors {
			*total.errors.entry(error).or_default() += count;
		}
		for (event, count) in report.events {
			*total.events.entry(event).or_default() += count;
		}
		total.panics.extend(report.panics.into_iter().map(|p| format!("seed {seed}: {p}")));
	}
	let mut by_pallet = BTreeMap::<&str, usize>::new();
	for error in total.errors.keys() {
		*by_pallet.entry(error.split('.').next().unwrap_or("?")).or_default() += 1;
	}
	println!(
		"fuzz: {} seeds, {} calls ({} succeeded), {} blocks, {} distinct errors {:?}, {} panics or broken invariants",
		seeds,
		total.calls,
		total.succeeded,
		total.blocks,
		total.errors.len(),
		by_pallet,
		total.panics.len()
	);
	println!("errors reached: {:?}", total.errors);
	println!("events: {:?}", total.events);
	assert!(total.panics.is_empty(), "{:#?}", total.panics);
	// The run must reach deep paths, or it proves little.
	for event in ["FileStored", "OwnerAdded", "ProofAccepted", "ChallengeFailed", "DealFailed"] {
		assert!(total.events.contains_key(event), "the run never reached {event}");
	}
}
