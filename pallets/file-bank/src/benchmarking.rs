//! Benchmarks of every call and the hook in their worst cases, from which
//! `weights.rs` is generated.

use super::*;
use crate::Pallet as FileBank;
use alloc::vec::Vec;
use deoss_primitives::receipt_message;
use deoss_traits::EU_MEMBERS;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Hooks,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{crypto::KeyTypeId, sr25519};
use sp_runtime::traits::{Get, Saturating};

const SEED: u32 = 0;
/// Keystore key type the benchmark miners sign receipts with.
const KEY_TYPE: KeyTypeId = KeyTypeId(*b"fbnk");
/// Payload of every benchmark object.
const SIZE: u64 = 4096;
const HOME: Region = Region(*b"DE");

type Helper<T> = <T as Config>::BenchmarkHelper;

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

fn bucket<T: Config>() -> BucketNameOf<T> {
	BoundedVec::truncate_from(b"bench".to_vec())
}

fn name<T: Config>(index: u32) -> ObjectNameOf<T> {
	BoundedVec::truncate_from(index.to_le_bytes().to_vec())
}

fn fid(index: u32) -> Fid {
	let mut root = [0xf1; 32];
	root[..4].copy_from_slice(&index.to_le_bytes());
	Fid(root)
}

/// A layout of `slots` columns (one data shard, the rest parity), one replica.
fn layout(slots: u32) -> Layout {
	Layout {
		segment_size: 1024,
		data_shards: 1,
		parity_shards: slots.saturating_sub(1).max(1) as u16,
		chunk_size: 64,
		replicas: 1,
	}
}

/// Every field at its longest.
fn full_meta<T: Config>() -> ObjectMeta<T> {
	let text = |len: u32| alloc::vec![b'm'; len as usize];
	let keyword = BoundedVec::truncate_from(text(T::MaxMetaLen::get()));
	ObjectMeta {
		content_type: BoundedVec::truncate_from(text(T::MaxMetaLen::get())),
		description: BoundedVec::truncate_from(text(T::MaxDescriptionLen::get())),
		keywords: BoundedVec::truncate_from(alloc::vec![keyword; T::MaxKeywords::get() as usize]),
	}
}

fn home_regions<T: Config>() -> RegionsOf<T> {
	BoundedVec::truncate_from(alloc::vec![HOME])
}

/// Gives `who` enough to pay a hundred deal deposits.
fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::Currency::minimum_balance()
		.saturating_add(T::DealDeposit::get().saturating_mul(100u32.into()));
	let _ = T::Currency::mint_into(who, amount);
}

/// An owner with plenty of space, funds and the benchmark bucket.
fn new_owner<T: Config>(index: u32) -> T::AccountId {
	let owner: T::AccountId = account("owner", index, SEED);
	Helper::<T>::prepare_owner(&owner, &bucket::<T>(), u64::MAX / 4);
	fund::<T>(&owner);
	owner
}

/// `count` schedulers in the home region.
fn schedulers<T: Config>(count: u32) {
	for index in 0..count {
		Helper::<T>::register_scheduler(&account("scheduler", index, SEED), HOME);
	}
}

/// `count` active miners in the home region with keystore keys.
fn miners<T: Config>(count: u32) -> Vec<(T::AccountId, sr25519::Public)> {
	(0..count)
		.map(|index| {
			let miner: T::AccountId = account("miner", index, SEED);
			let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			Helper::<T>::register_miner(&miner, HOME, key.0, u64::MAX / 4);
			(miner, key)
		})
		.collect()
}

/// Receipts of `miners` for every column of `deal`.
fn receipts<T: Config>(
	deal: DealId,
	fid: Fid,
	miners: &[(T::AccountId, sr25519::Public)],
) -> Result<ReceiptsOf<T>, BenchmarkError> {
	let mut receipts = Vec::new();
	for (column, (miner, key)) in miners.iter().enumerate() {
		let column = column as u16;
		let bytes = FileBank::<T>::account_bytes(miner)
			.ok_or(BenchmarkError::Stop("AccountId must encode to 32 bytes"))?;
		let message = receipt_message(deal, &fid, column, &bytes);
		let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, key, &message)
			.ok_or(BenchmarkError::Stop("no keystore"))?;
		receipts.push(SlotReceipt {
			miner: miner.clone(),
			column,
			replica: 0,
			signature: signature.0,
		});
	}
	BoundedVec::try_from(receipts).map_err(|_| BenchmarkError::Stop("too many receipts"))
}

/// Declares object `index` of `owner` over `miners.len()` slots; returns the deal.
fn open_deal<T: Config>(
	owner: &T::AccountId,
	index: u32,
	slots: u32,
) -> Result<DealId, BenchmarkError> {
	let deal = NextDealId::<T>::get();
	FileBank::<T>::do_declare(
		owner.clone(),
		owner.clone(),
		bucket::<T>(),
		name::<T>(index),
		SIZE,
		fid(index),
		layout(slots),
		home_regions::<T>(),
		BoundedVec::new(),
		ObjectMeta::default(),
	)?;
	Ok(deal)
}

/// Stores object `index` of `owner` on `miners`.
fn store<T: Config>(
	owner: &T::AccountId,
	index: u32,
	miners: &[(T::AccountId, sr25519::Public)],
) -> Result<(), BenchmarkError> {
	let deal = open_deal::<T>(owner, index, miners.len() as u32)?;
	let scheduler = Deals::<T>::get(deal).ok_or(BenchmarkError::Stop("no deal"))?.scheduler;
	FileBank::<T>::do_report(scheduler, deal, receipts::<T>(deal, fid(index), miners)?)?;
	Ok(())
}

/// A wrapped key at its longest.
fn wrapped_key<T: Config>() -> WrappedKeyOf<T> {
	BoundedVec::truncate_from(alloc::vec![0x4b; T::MaxWrappedKeyLen::get() as usize])
}

/// `MaxKeyGrants` grants of file `index`, as many as removing it clears.
fn full_grants<T: Config>(owner: &T::AccountId, index: u32) -> Result<(), BenchmarkError> {
	for grantee in 0..T::MaxKeyGrants::get() {
		FileBank::<T>::do_grant_key(
			owner.clone(),
			fid(index),
			account("grantee", grantee, SEED),
			wrapped_key::<T>(),
		)?;
	}
	Ok(())
}

/// The file's owner list at `MaxOwners`, `owner` last, so the ownership
/// check walks all of it.
fn fill_owners<T: Config>(index: u32) -> Result<T::AccountId, BenchmarkError> {
	let mut file = Files::<T>::get(fid(index)).ok_or(BenchmarkError::Stop("no file"))?;
	let first = file.owners.first().cloned().ok_or(BenchmarkError::Stop("no owner"))?;
	let mut last = first.owner.clone();
	for other in file.owners.len() as u32..T::MaxOwners::get() {
		let mut held = first.clone();
		held.owner = account("co-owner", other, SEED);
		last = held.owner.clone();
		file.owners.try_push(held).map_err(|_| BenchmarkError::Stop("owners full"))?;
	}
	Files::<T>::insert(fid(index), file);
	Ok(last)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	// Worst case: a new deal (not a dedup) declared by an operator, with
	// every region, pinned miner and metadata field at its bound.
	#[benchmark]
	fn declare() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		let operator: T::AccountId = account("operator", 0, SEED);
		fund::<T>(&operator);
		Helper::<T>::authorize(&operator, &owner, Scope::Upload);
		schedulers::<T>(1);
		let regions: Vec<Region> = EU_MEMBERS
			.iter()
			.cycle()
			.take(T::MaxRegions::get() as usize)
			.map(|code| Region(*code))
			.collect();
		let pinned: Vec<T::AccountId> =
			(0..T::MaxPinned::get()).map(|index| account("pinned", index, SEED)).collect();
		let deal = NextDealId::<T>::get();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(operator),
			owner,
			bucket::<T>(),
			name::<T>(0),
			SIZE,
			fid(0),
			layout(T::MaxSlots::get()),
			BoundedVec::truncate_from(regions),
			BoundedVec::truncate_from(pinned),
			full_meta::<T>(),
		);

		assert!(Deals::<T>::contains_key(deal));
		Ok(())
	}

	/// Declaring a stored FID: every one of `MaxSlots` holders is checked
	/// against the regions (the last region of `MaxRegions`) before the
	/// deal opens; its report, which adds the owner, checks them again.
	#[benchmark]
	fn declare_stored() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		let copier = new_owner::<T>(1);
		schedulers::<T>(2);
		let miners = miners::<T>(T::MaxSlots::get());
		store::<T>(&owner, 0, &miners)?;
		let mut regions: Vec<Region> = EU_MEMBERS
			.iter()
			.filter(|code| **code != HOME.0)
			.cycle()
			.take(T::MaxRegions::get().saturating_sub(1) as usize)
			.map(|code| Region(*code))
			.collect();
		regions.push(HOME);
		let size = Files::<T>::get(fid(0)).ok_or(BenchmarkError::Stop("not stored"))?.size;

		#[extrinsic_call]
		declare(
			RawOrigin::Signed(copier.clone()),
			copier.clone(),
			bucket::<T>(),
			name::<T>(1),
			size,
			fid(0),
			layout(T::MaxSlots::get()),
			BoundedVec::truncate_from(regions),
			BoundedVec::new(),
			full_meta::<T>(),
		);

		assert!(ObjectDeals::<T>::contains_key(&copier, (bucket::<T>(), name::<T>(1))));
		Ok(())
	}

	// `s` slots, each with a signature to verify and a miner to charge.
	#[benchmark]
	fn report(s: Linear<2, { T::MaxSlots::get() }>) -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		schedulers::<T>(1);
		let miners = miners::<T>(s);
		let deal = open_deal::<T>(&owner, 0, s)?;
		let scheduler = Deals::<T>::get(deal).ok_or(BenchmarkError::Stop("no deal"))?.scheduler;
		let receipts = receipts::<T>(deal, fid(0), &miners)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(scheduler), deal, receipts);

		assert!(Files::<T>::contains_key(fid(0)));
		Ok(())
	}

	#[benchmark]
	fn request_reassign() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		schedulers::<T>(2);
		let deal = open_deal::<T>(&owner, 0, 2)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), deal);

		let moved = Deals::<T>::get(deal).ok_or(BenchmarkError::Stop("no deal"))?;
		assert_eq!(moved.previous_schedulers.len(), 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_deal() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		schedulers::<T>(1);
		let deal = open_deal::<T>(&owner, 0, 2)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), deal);

		assert_last_event::<T>(Event::DealCancelled { deal, owner, fid: fid(0) });
		Ok(())
	}

	// Worst case: the last owner deletes a file of `MaxSlots` miners.
	#[benchmark]
	fn delete_object() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		schedulers::<T>(1);
		let miners = miners::<T>(T::MaxSlots::get());
		store::<T>(&owner, 0, &miners)?;
		full_grants::<T>(&owner, 0)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), owner.clone(), bucket::<T>(), name::<T>(0));

		assert!(!Files::<T>::contains_key(fid(0)));
		Ok(())
	}

	#[benchmark]
	fn transfer_ownership() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		let recipient = new_owner::<T>(1);
		Helper::<T>::authorize(&owner, &recipient, Scope::Upload);
		schedulers::<T>(1);
		let miners = miners::<T>(2);
		store::<T>(&owner, 0, &miners)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), bucket::<T>(), name::<T>(0), recipient.clone(), bucket::<T>());

		assert_eq!(OwnedObjects::<T>::get(&recipient, (bucket::<T>(), name::<T>(0))), Some(fid(0)));
		Ok(())
	}

	// Worst case: a new grant (counted) by the last of `MaxOwners` owners,
	// with the longest key.
	#[benchmark]
	fn grant_key() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		schedulers::<T>(1);
		let miners = miners::<T>(2);
		store::<T>(&owner, 0, &miners)?;
		let last = fill_owners::<T>(0)?;
		let grantee: T::AccountId = account("grantee", 0, SEED);

		#[extrinsic_call]
		_(RawOrigin::Signed(last), fid(0), grantee.clone(), wrapped_key::<T>());

		assert_eq!(KeyGrants::<T>::get(fid(0), &grantee), Some(wrapped_key::<T>()));
		Ok(())
	}

	#[benchmark]
	fn revoke_key() -> Result<(), BenchmarkError> {
		let owner = new_owner::<T>(0);
		schedulers::<T>(1);
		let miners = miners::<T>(2);
		store::<T>(&owner, 0, &miners)?;
		let last = fill_owners::<T>(0)?;
		// Grants made by the last owner, who revokes one of its own.
		full_grants::<T>(&last, 0)?;
		let grantee: T::AccountId = account("grantee", 0, SEED);

		#[extrinsic_call]
		_(RawOrigin::Signed(last), fid(0), grantee.clone());

		assert!(!KeyGrants::<T>::contains_key(fid(0), &grantee));
		Ok(())
	}

	// `d` deals time out (their schedulers punished) and are reassigned;
	// `r` objects of an expired owner, each the last copy of a file of
	// `MaxSlots` miners, are removed.
	#[benchmark]
	fn on_initialize(
		d: Linear<0, { T::MaxDeadlinesPerBlock::get() }>,
		r: Linear<0, { T::MaxRemovalsPerBlock::get() }>,
	) -> Result<(), BenchmarkError> {
		schedulers::<T>(2);
		let expired = new_owner::<T>(0);
		let miners = miners::<T>(T::MaxSlots::get());
		for index in 0..r {
			store::<T>(&expired, index, &miners)?;
			full_grants::<T>(&expired, index)?;
		}
		// The stored deals' deadline entries come up (and are skipped) first.
		let drained =
			frame_system::Pallet::<T>::block_number().saturating_add(T::DealTimeout::get());
		frame_system::Pallet::<T>::set_block_number(drained);
		FileBank::<T>::on_initialize(drained);
		// The space expires in a later block than the objects were stored in.
		let later = drained.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(later);
		<FileBank<T> as OnSpaceExpired<T::AccountId>>::on_space_expired(&expired);
		for index in 0..d {
			open_deal::<T>(&new_owner::<T>(1 + index), 1_000 + index, 2)?;
		}
		let due = frame_system::Pallet::<T>::block_number().saturating_add(T::DealTimeout::get());
		frame_system::Pallet::<T>::set_block_number(due);
		ensure_deadlines_due::<T>(due, d)?;

		#[block]
		{
			FileBank::<T>::on_initialize(due);
		}

		assert_eq!(OwnedObjects::<T>::iter_prefix(&expired).count() as u32, 0);
		assert!(DealQueue::<T>::iter().all(|(_, (_, deadline))| deadline > due));
		Ok(())
	}

	#[benchmark]
	fn on_space_expired() {
		let owner: T::AccountId = account("owner", 0, SEED);

		#[block]
		{
			<FileBank<T> as OnSpaceExpired<T::AccountId>>::on_space_expired(&owner);
		}

		assert!(ExpiredOwners::<T>::contains_key(&owner));
	}

	impl_benchmark_test_suite!(FileBank, crate::mock::new_test_ext(), crate::mock::Test);
}

/// Checks the setup queued all `count` deals to fall due at `due`.
fn ensure_deadlines_due<T: Config>(
	due: BlockNumberFor<T>,
	count: u32,
) -> Result<(), BenchmarkError> {
	let queued = DealQueue::<T>::iter().filter(|(_, (_, deadline))| *deadline == due).count();
	if queued as u32 == count {
		Ok(())
	} else {
		Err(BenchmarkError::Stop("deadlines spilled into the next block"))
	}
}
