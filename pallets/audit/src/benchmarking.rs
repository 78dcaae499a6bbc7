//! Benchmarks of the audit's calls and of each part of its hook, in their
//! worst cases, from which `weights.rs` is generated.
//!
//! Proofs are real: a challenge proof of `s` samples spans `s` distinct
//! files (one file read each) whose FIDs are built by folding each
//! sample's path, with the longest chunks a file may have (`MaxChunkSize`,
//! 4 KiB in the runtime) and the deepest paths: 2^24 segments of 256 MiB,
//! 4 + 8 columns, 16,384 chunks per fragment (42 siblings).

use super::*;
use crate::Pallet as Audit;
use alloc::{vec, vec::Vec};
use deoss_primitives::{
	derive_sample,
	layout::{MAX_SEGMENTS, MAX_SEGMENT_SIZE},
	merkle::{fold_path, MerkleTree},
	proof_path_len, ChallengeSample, FileGeometry, Hash, Hasher, Layout,
};
use deoss_traits::{FileIndex, IndexedFile, MinerRegistry, Region};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{Get, Hooks},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::crypto::KeyTypeId;
use sp_runtime::traits::Saturating;

/// Key type of benchmark miners' receipt keys: the one the file bank's
/// benchmark helper signs key proofs with.
pub const BENCH_KEYS: KeyTypeId = KeyTypeId(*b"fbnk");
const HOME: Region = Region(*b"DE");
/// Capacity of every benchmark miner.
const CAPACITY: u64 = 1 << 40;

type Helper<T> = <T as Config>::BenchmarkHelper;

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(<T as frame_system::Config>::RuntimeEvent::from(
		event,
	));
}

/// A registered, active miner in the home region.
fn new_miner<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let key = sp_io::crypto::sr25519_generate(BENCH_KEYS, None);
	Helper::<T>::register_miner(&who, HOME, key.0, CAPACITY);
	who
}

/// The layout with the longest chunks a file may have and the deepest paths.
fn deep_layout<T: Config>() -> Layout {
	Layout {
		segment_size: MAX_SEGMENT_SIZE,
		data_shards: 4,
		parity_shards: 8,
		chunk_size: <T::Files as FileIndex<T::AccountId>>::MaxChunkSize::get(),
		replicas: 1,
	}
}

/// A file of `segments` full segments of `layout`.
fn geometry(layout: Layout, segments: u32) -> FileGeometry {
	FileGeometry::new(layout, u64::from(layout.segment_size) * u64::from(segments))
		.expect("a valid benchmark layout")
}

fn fid_from(index: u32) -> Fid {
	let mut root = [0xa5; 32];
	root[..4].copy_from_slice(&index.to_le_bytes());
	Fid(root)
}

/// Stores a file record naming `holder` in every slot, and indexes
/// `holder`'s `column` of it.
fn insert_file<T: Config>(fid: Fid, geometry: &FileGeometry, holder: &T::AccountId, column: u16) {
	let layout = *geometry.layout();
	let column_bytes = u64::from(geometry.shard_len(0).unwrap_or_default())
		.saturating_mul(u64::from(geometry.segment_count()));
	Helper::<T>::store_file(
		fid,
		IndexedFile {
			size: geometry.payload_len(),
			layout,
			column_bytes,
			regions: vec![HOME],
			miners: vec![holder.clone(); layout.slot_count() as usize],
		},
	);
	Helper::<T>::index_slot(holder, fid, column, 0, column_bytes);
}

/// A proof of `sample` with arbitrary chunk bytes and siblings, and the
/// FID that makes it valid.
fn folded_proof(geometry: &FileGeometry, sample: &ChallengeSample, fill: u8) -> (Fid, ChunkProof) {
	let chunk_len = geometry.chunk_len(sample.segment, sample.chunk).unwrap_or_default();
	let chunk = vec![fill; chunk_len as usize];
	let siblings: Vec<Hash> = (0..proof_path_len(geometry, sample).unwrap_or_default())
		.map(|level| [fill ^ level as u8; 32])
		.collect();
	let mut path = siblings.iter();
	let widths = [
		(u64::from(sample.chunk), u64::from(geometry.chunk_count(sample.segment).unwrap_or(1))),
		(u64::from(sample.column), u64::from(geometry.column_count())),
		(u64::from(sample.segment), u64::from(geometry.segment_count())),
	];
	let root = widths.iter().fold(RuntimeHasher::hash_leaf(&chunk), |node, &(index, width)| {
		fold_path::<RuntimeHasher>(node, index, width, &mut path).unwrap_or(node)
	});
	let proof = ChunkProof {
		chunk: chunk.try_into().unwrap_or_default(),
		path: siblings.try_into().unwrap_or_default(),
	};
	(Fid(root), proof)
}

/// A file whose fragments are all alike, so that its trees are cheap to
/// build, and that can prove any sample.
struct UniformFile {
	geometry: FileGeometry,
	chunk: Vec<u8>,
	chunks: MerkleTree,
	columns: MerkleTree,
	segments: MerkleTree,
}

impl UniformFile {
	fn new(layout: Layout, segments: u32) -> Self {
		let geometry = geometry(layout, segments);
		let chunk = vec![0x5a; layout.chunk_size as usize];
		let tree = |leaf: Hash, width: u32| {
			MerkleTree::new::<RuntimeHasher>(vec![leaf; width as usize]).expect("not empty")
		};
		let chunks = tree(RuntimeHasher::hash_leaf(&chunk), geometry.chunk_count(0).unwrap_or(1));
		let columns = tree(chunks.root(), u32::from(geometry.column_count()));
		let segments = tree(columns.root(), geometry.segment_count());
		Self { geometry, chunk, chunks, columns, segments }
	}

	fn fid(&self) -> Fid {
		Fid(self.segments.root())
	}

	fn prove(&self, sample: &ChallengeSample) -> ChunkProof {
		let mut path = self.chunks.path(sample.chunk as usize).unwrap_or_default();
		path.extend(self.columns.path(usize::from(sample.column)).unwrap_or_default());
		path.extend(self.segments.path(sample.segment as usize).unwrap_or_default());
		ChunkProof {
			chunk: self.chunk.clone().try_into().unwrap_or_default(),
			path: path.try_into().unwrap_or_default(),
		}
	}
}

/// A file of the deep layout on `holders[slot]` (slot 0 lost), with every
/// other slot already waiting for restoral but slot `open`: the longest
/// scans of a file's orders.
fn file_with_orders<T: Config>(fid: Fid, holder: &T::AccountId, open: u32) -> FileGeometry {
	let layout = Layout { replicas: 8, ..deep_layout::<T>() };
	let geometry = geometry(layout, 1);
	insert_file::<T>(fid, &geometry, holder, 0);
	for slot in 1..layout.slot_count() {
		if slot == open {
			continue;
		}
		let (column, replica) = layout.slot_column(slot).expect("slot in layout");
		RestoralOrders::<T>::insert(
			fid,
			slot,
			RestoralOrder {
				column,
				replica,
				lost_by: holder.clone(),
				reason: HandOverReason::Failures,
				released: false,
				bytes: 0,
				created: 0u32.into(),
				claim: None,
			},
		);
	}
	geometry
}

fn now<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `s` samples in `s` distinct files, the longest chunks and paths.
	#[benchmark]
	fn submit_proof(s: Linear<1, { T::SamplesPerChallenge::get() }>) -> Result<(), BenchmarkError> {
		let miner = new_miner::<T>("miner", 0);
		let geometry = geometry(deep_layout::<T>(), MAX_SEGMENTS);
		let seed = [7u8; 32];
		let column = 5;
		let mut files = BoundedVec::<Fid, T::SamplesPerChallenge>::new();
		let mut proofs = BoundedVec::<SampleProof<T>, T::SamplesPerChallenge>::new();
		for n in 0..s {
			let sample = derive_sample::<RuntimeHasher>(&seed, &geometry, column, n)
				.map_err(|_| BenchmarkError::Stop("sample"))?;
			let (fid, proof) = folded_proof(&geometry, &sample, n as u8);
			insert_file::<T>(fid, &geometry, &miner, column);
			files.try_push(fid).map_err(|_| BenchmarkError::Stop("files"))?;
			let proof = SampleProof::try_from(proof).map_err(|_| BenchmarkError::Stop("chunk"))?;
			proofs.try_push(proof).map_err(|_| BenchmarkError::Stop("proofs"))?;
		}
		let deadline = now::<T>().saturating_add(T::ResponseWindow::get());
		ChallengeDeadlines::<T>::try_mutate(deadline, |due| due.try_push(miner.clone()))
			.map_err(|_| BenchmarkError::Stop("deadline"))?;
		Challenges::<T>::insert(&miner, Challenge { round: 1, seed, files, deadline });

		#[extrinsic_call]
		_(RawOrigin::Signed(miner.clone()), proofs);

		assert_last_event::<T>(Event::ProofAccepted { miner, round: 1 });
		Ok(())
	}

	/// A miner holding 20 times more columns than samples, all of one byte:
	/// every column is kept with probability one half, so a draw reads two
	/// entries on average (the reads beyond are charged as counted).
	#[benchmark]
	fn issue_challenge() -> Result<(), BenchmarkError> {
		let miner: T::AccountId = account("miner", 0, 0);
		for index in 0..T::SamplesPerChallenge::get().saturating_mul(20) {
			Helper::<T>::index_slot(&miner, fid_from(index), 0, 0, 1);
		}
		let round = Round { number: 1, seed: [3; 32], cursor: None, finished: false };
		let issued;

		#[block]
		{
			issued = Audit::<T>::issue_challenge(&miner, &round, now::<T>());
		}

		assert!(issued.0);
		Ok(())
	}

	/// A failure that slashes the miner and starts handing its columns
	/// over, found after checking every sample's file (only the last one is
	/// still held).
	#[benchmark]
	fn expire_challenge() -> Result<(), BenchmarkError> {
		let miner = new_miner::<T>("miner", 0);
		let samples = T::SamplesPerChallenge::get();
		Helper::<T>::index_slot(&miner, fid_from(samples - 1), 0, 0, 1);
		Records::<T>::insert(
			&miner,
			AuditRecord {
				history: (1u32 << T::LoseAfter::get().saturating_sub(1)) - 1,
				..Default::default()
			},
		);
		let deadline = now::<T>();
		let files = BoundedVec::truncate_from((0..samples).map(fid_from).collect::<Vec<_>>());
		ChallengeDeadlines::<T>::try_mutate(deadline, |due| due.try_push(miner.clone()))
			.map_err(|_| BenchmarkError::Stop("deadline"))?;
		Challenges::<T>::insert(&miner, Challenge { round: 1, seed: [0; 32], files, deadline });
		let failed;

		#[block]
		{
			failed = Audit::<T>::expire_challenges(deadline);
		}

		assert_eq!(failed, 1);
		assert!(HandOvers::<T>::contains_key(&miner));
		Ok(())
	}

	/// One slot of a handed-over miner becomes an order, in a file whose
	/// other slots are all lost (the longest damage check).
	#[benchmark]
	fn hand_over_slot() -> Result<(), BenchmarkError> {
		let miner: T::AccountId = account("miner", 0, 0);
		let fid = fid_from(1);
		file_with_orders::<T>(fid, &miner, u32::MAX);
		HandOvers::<T>::insert(&miner, HandOver { reason: HandOverReason::Exit, after: None });
		let handed;

		#[block]
		{
			handed = Audit::<T>::hand_over(1);
		}

		assert_eq!(handed, 1);
		assert!(RestoralOrders::<T>::contains_key(fid, 0));
		Ok(())
	}

	/// An expired claim: the claimant's reservation is returned and it is
	/// slashed.
	#[benchmark]
	fn expire_claim() -> Result<(), BenchmarkError> {
		let holder: T::AccountId = account("holder", 0, 0);
		let claimant = new_miner::<T>("claimant", 0);
		let fid = fid_from(2);
		let geometry = file_with_orders::<T>(fid, &holder, u32::MAX);
		T::Files::drop_slot(&holder, &fid);
		let bytes = u64::from(geometry.shard_len(0).unwrap_or_default());
		T::Miners::reserve(&claimant, bytes).map_err(|_| BenchmarkError::Stop("reserve"))?;
		let deadline = now::<T>();
		let mut order = RestoralOrders::<T>::get(fid, 1).ok_or(BenchmarkError::Stop("order"))?;
		order.claim = Some(RestoralClaim { miner: claimant, deadline, seed: [0; 32], bytes });
		RestoralOrders::<T>::insert(fid, 1, order);
		ClaimDeadlines::<T>::try_mutate(deadline, |due| due.try_push((fid, 1)))
			.map_err(|_| BenchmarkError::Stop("deadline"))?;
		let expired;

		#[block]
		{
			expired = Audit::<T>::expire_claims(deadline);
		}

		assert_eq!(expired, 1);
		Ok(())
	}

	/// A claim on a file whose other slots are all waiting for restoral.
	#[benchmark]
	fn claim_restoral() -> Result<(), BenchmarkError> {
		let holder: T::AccountId = account("holder", 0, 0);
		let claimant = new_miner::<T>("claimant", 0);
		let fid = fid_from(3);
		file_with_orders::<T>(fid, &holder, u32::MAX);
		T::Files::drop_slot(&holder, &fid);

		#[extrinsic_call]
		_(RawOrigin::Signed(claimant.clone()), fid, 1);

		let order = RestoralOrders::<T>::get(fid, 1).ok_or(BenchmarkError::Stop("order"))?;
		assert!(order.claim.is_some_and(|claim| claim.miner == claimant));
		Ok(())
	}

	/// A completion proving `RestoralSamples` samples of a deep file.
	#[benchmark]
	fn complete_restoral() -> Result<(), BenchmarkError> {
		let holder = new_miner::<T>("holder", 0);
		let claimant = new_miner::<T>("claimant", 0);
		let file = UniformFile::new(deep_layout::<T>(), 1 << 10);
		let fid = file.fid();
		insert_file::<T>(fid, &file.geometry, &holder, 0);
		let column_bytes = T::Files::file(&fid).map(|f| f.column_bytes).unwrap_or_default();
		T::Miners::charge(&holder, column_bytes).map_err(|_| BenchmarkError::Stop("charge"))?;
		Audit::<T>::start_hand_over(&holder, HandOverReason::Exit);
		Audit::<T>::hand_over(1);
		Audit::<T>::do_claim_restoral(claimant.clone(), fid, 0)
			.map_err(|_| BenchmarkError::Stop("claim"))?;
		let seed = RestoralOrders::<T>::get(fid, 0)
			.and_then(|order| order.claim)
			.ok_or(BenchmarkError::Stop("claimed"))?
			.seed;
		let mut proofs = BoundedVec::<SampleProof<T>, T::RestoralSamples>::new();
		for n in 0..T::RestoralSamples::get() {
			let sample = derive_sample::<RuntimeHasher>(&seed, &file.geometry, 0, n)
				.map_err(|_| BenchmarkError::Stop("sample"))?;
			let proof = SampleProof::try_from(file.prove(&sample))
				.map_err(|_| BenchmarkError::Stop("chunk"))?;
			proofs.try_push(proof).map_err(|_| BenchmarkError::Stop("proofs"))?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(claimant.clone()), fid, 0, proofs);

		assert_last_event::<T>(Event::FileRestored { fid });
		Ok(())
	}

	/// The hook in a block that starts a round over an empty network.
	#[benchmark]
	fn start_round() -> Result<(), BenchmarkError> {
		let period = T::ChallengePeriod::get();
		frame_system::Pallet::<T>::set_block_number(period);

		#[block]
		{
			Audit::<T>::on_initialize(period);
		}

		assert!(CurrentRound::<T>::get().is_some());
		Ok(())
	}

	impl_benchmark_test_suite!(Audit, crate::mock::new_test_ext(0), crate::mock::Test);
}
