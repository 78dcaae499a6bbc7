//! The chain client's shapes against the metadata of the runtime we build: every call
//! builder encodes, through the metadata, to the bytes of the very `RuntimeCall` it
//! means; every record and event struct decodes a real SCALE-encoded runtime value. A
//! pallet change that breaks the client fails here, not on a live network.

use codec::{Decode, Encode};
use deoss_chain::{
	calls::{self, Declaration, Meta, MinerRegistration, SlotReceipt},
	events::{ColumnLost, DealAssigned, FileStored, RestoralClaimed},
	Challenge, Deal, FileRecord, GatewayInfo, MinerInfo, MinerState, SchedulerInfo, Scope,
};
use deoss_primitives::{ChunkProof, Fid, Layout};
use deoss_runtime::{Runtime, RuntimeCall, RuntimeEvent};
use frame_support::BoundedVec;
use sp_runtime::AccountId32;
use subxt::{
	ext::{scale_decode::DecodeAsType, scale_encode::EncodeAsType, scale_value},
	metadata::Metadata,
};

fn metadata() -> Metadata {
	let opaque = Runtime::metadata_at_version(15).expect("the runtime offers metadata v15");
	Metadata::decode(&mut &opaque[..]).expect("the metadata decodes")
}

/// Encodes `call` through the metadata and decodes the bytes as the runtime's call.
fn runtime_call(metadata: &Metadata, call: calls::Call) -> RuntimeCall {
	let value: scale_value::Value<()> = call.into_value();
	let call_ty = metadata.outer_enums().call_enum_ty();
	let bytes = value.encode_as_type(call_ty, metadata.types()).expect("the call encodes");
	let mut input = &bytes[..];
	let decoded = RuntimeCall::decode(&mut input).expect("the bytes are a runtime call");
	assert!(input.is_empty(), "every byte is part of the call");
	decoded
}

fn account(byte: u8) -> [u8; 32] {
	[byte; 32]
}

fn bounded<T, S: frame_support::traits::Get<u32>>(items: Vec<T>) -> BoundedVec<T, S> {
	BoundedVec::try_from(items).ok().expect("fits")
}

const LAYOUT: Layout = Layout {
	segment_size: 1 << 20,
	data_shards: 4,
	parity_shards: 8,
	chunk_size: 2048,
	replicas: 1,
};

#[test]
fn every_call_builder_encodes_the_runtime_call_it_names() {
	let metadata = metadata();
	let declaration = Declaration {
		owner: account(1),
		bucket: b"photos".to_vec(),
		name: b"cat.png".to_vec(),
		size: 123_456,
		fid: Fid([7; 32]),
		layout: LAYOUT,
		regions: vec![*b"DE", *b"FR"],
		pinned: vec![account(9)],
		meta: Meta {
			content_type: "image/png".into(),
			description: "a cat".into(),
			keywords: vec!["cat".into()],
		},
	};
	match runtime_call(&metadata, calls::declare(&declaration)) {
		RuntimeCall::FileBank(pallet_file_bank::Call::declare {
			owner,
			bucket,
			name,
			size,
			fid,
			layout,
			regions,
			pinned,
			meta,
		}) => {
			assert_eq!(owner, AccountId32::new(account(1)));
			assert_eq!(bucket.to_vec(), b"photos");
			assert_eq!(name.to_vec(), b"cat.png");
			assert_eq!(size, 123_456);
			assert_eq!(fid, Fid([7; 32]));
			assert_eq!(layout, LAYOUT);
			assert_eq!(
				regions.iter().map(|region| region.0).collect::<Vec<_>>(),
				vec![*b"DE", *b"FR"]
			);
			assert_eq!(pinned.to_vec(), vec![AccountId32::new(account(9))]);
			assert_eq!(meta.content_type.to_vec(), b"image/png");
			assert_eq!(meta.keywords.len(), 1);
		}
		other => panic!("declare became {other:?}"),
	}
	let receipt = SlotReceipt { miner: account(3), column: 5, replica: 0, signature: [8; 64] };
	match runtime_call(&metadata, calls::report(42, &[receipt])) {
		RuntimeCall::FileBank(pallet_file_bank::Call::report { deal, receipts }) => {
			assert_eq!(deal, 42);
			assert_eq!(receipts[0].miner, AccountId32::new(account(3)));
			assert_eq!(
				(receipts[0].column, receipts[0].replica, receipts[0].signature),
				(5, 0, [8; 64])
			);
		}
		other => panic!("report became {other:?}"),
	}
	let registration = MinerRegistration {
		stake: 5_000,
		capacity_bytes: 1 << 30,
		region: *b"US",
		endpoint: "http://127.0.0.1:1".into(),
		auth_key: [4; 32],
		key_proof: [5; 64],
	};
	assert!(matches!(
		runtime_call(&metadata, calls::register_miner(&registration)),
		RuntimeCall::StorageProviders(pallet_storage_providers::Call::register_miner {
			stake: 5_000,
			capacity_bytes: 1_073_741_824,
			..
		})
	));
	match runtime_call(
		&metadata,
		calls::authorize(&account(2), &[Scope::Upload, Scope::ReadShare], Some(99)),
	) {
		RuntimeCall::Oss(pallet_oss::Call::authorize { operator, expires_at, .. }) => {
			assert_eq!(operator, sp_runtime::MultiAddress::Id(AccountId32::new(account(2))));
			assert_eq!(expires_at, Some(99));
		}
		other => panic!("authorize became {other:?}"),
	}
	let proof = ChunkProof {
		chunk: vec![1, 2, 3].try_into().expect("short chunk"),
		path: vec![[6; 32]].try_into().expect("short path"),
	};
	assert!(matches!(
		runtime_call(&metadata, calls::submit_proof(std::slice::from_ref(&proof))),
		RuntimeCall::Audit(pallet_audit::Call::submit_proof { .. })
	));
	assert!(matches!(
		runtime_call(&metadata, calls::complete_restoral(&Fid([1; 32]), 3, &[proof])),
		RuntimeCall::Audit(pallet_audit::Call::complete_restoral { slot: 3, .. })
	));
	match runtime_call(&metadata, calls::grant_key(&Fid([7; 32]), &account(3), &[9; 80])) {
		RuntimeCall::FileBank(pallet_file_bank::Call::grant_key { fid, grantee, wrapped_key }) => {
			assert_eq!(fid, Fid([7; 32]));
			assert_eq!(grantee, AccountId32::new(account(3)));
			assert_eq!(wrapped_key.into_inner(), vec![9; 80]);
		}
		other => panic!("grant_key encoded as {other:?}"),
	}
	// The rest only have to encode to their runtime calls.
	for call in [
		calls::transfer(&account(1), 10),
		calls::buy_space(1, 30),
		calls::expand_space(2),
		calls::renew_space(3),
		calls::create_bucket(b"b"),
		calls::delete_bucket(b"b"),
		calls::create_bucket_for(&account(1), b"b"),
		calls::delete_bucket_for(&account(1), b"b"),
		calls::update_miner_endpoint("http://a"),
		calls::register_scheduler(*b"DE", "http://a"),
		calls::update_scheduler_endpoint("http://a"),
		calls::request_exit(),
		calls::revoke(&account(2)),
		calls::register_gateway("http://a"),
		calls::update_gateway("http://a"),
		calls::request_reassign(1),
		calls::cancel_deal(1),
		calls::delete_object(&account(1), b"b", b"n"),
		calls::transfer_ownership(b"b", b"n", &account(2), b"c"),
		calls::claim_restoral(&Fid([1; 32]), 0),
		calls::revoke_key(&Fid([1; 32]), &account(2)),
	] {
		runtime_call(&metadata, call);
	}
}

fn storage_ty(metadata: &Metadata, pallet: &str, entry: &str) -> u32 {
	metadata
		.pallet_by_name(pallet)
		.and_then(|pallet| pallet.storage())
		.and_then(|storage| storage.entry_by_name(entry))
		.unwrap_or_else(|| panic!("{pallet}.{entry} exists"))
		.value_ty()
}

fn decode<T: DecodeAsType>(metadata: &Metadata, ty: u32, bytes: &[u8]) -> T {
	let mut input = bytes;
	let value = T::decode_as_type(&mut input, ty, metadata.types()).expect("the record decodes");
	assert!(input.is_empty(), "every byte is read");
	value
}

fn layout_record() -> Layout {
	LAYOUT
}

#[test]
fn records_decode_real_runtime_values() {
	let metadata = metadata();
	let meta = pallet_file_bank::ObjectMeta::<Runtime> {
		content_type: bounded(b"text/plain".to_vec()),
		description: bounded(b"notes".to_vec()),
		keywords: bounded(vec![bounded(b"a".to_vec())]),
	};
	let deal = pallet_file_bank::Deal::<Runtime> {
		owner: AccountId32::new(account(1)),
		bucket: bounded(b"b".to_vec()),
		name: bounded(b"n".to_vec()),
		size: 99,
		fid: Fid([2; 32]),
		layout: layout_record(),
		regions: bounded(vec![deoss_traits::Region(*b"DE")]),
		pinned: bounded(vec![AccountId32::new(account(5))]),
		meta: meta.clone(),
		scheduler: AccountId32::new(account(3)),
		previous_schedulers: bounded(vec![AccountId32::new(account(4))]),
		deadline: 77,
		declared_at: 60,
		depositor: AccountId32::new(account(1)),
		deposit: 5,
	};
	let decoded: Deal =
		decode(&metadata, storage_ty(&metadata, "FileBank", "Deals"), &deal.encode());
	assert_eq!(
		(decoded.owner, decoded.size, decoded.fid, decoded.deadline),
		(account(1), 99, [2; 32], 77)
	);

	assert_eq!(decoded.layout(), LAYOUT);
	assert_eq!((decoded.scheduler, decoded.previous_schedulers), (account(3), vec![account(4)]));
	assert_eq!((decoded.regions, decoded.pinned), (vec![*b"DE"], vec![account(5)]));

	let file = pallet_file_bank::FileRecord::<Runtime> {
		owners: bounded(vec![pallet_file_bank::Ownership::<Runtime> {
			owner: AccountId32::new(account(1)),
			bucket: bounded(b"b".to_vec()),
			name: bounded(b"n".to_vec()),
			since: 3,
		}]),
		size: 99,
		layout: layout_record(),
		column_bytes: 25,
		regions: bounded(vec![deoss_traits::Region(*b"FR")]),
		miners: bounded((0..12).map(account).map(AccountId32::new).collect()),
		meta,
		stored_at: 12,
	};
	let decoded: FileRecord =
		decode(&metadata, storage_ty(&metadata, "FileBank", "Files"), &file.encode());
	assert_eq!(decoded.owners[0].bucket, b"b");
	assert_eq!((decoded.size, decoded.column_bytes, decoded.stored_at), (99, 25, 12));
	assert_eq!(decoded.miners, (0..12).map(account).collect::<Vec<_>>());
	assert_eq!(decoded.meta.content_type, b"text/plain");

	let miner = pallet_storage_providers::MinerInfoOf::<Runtime> {
		stake: 5,
		capacity_bytes: 6,
		used_bytes: 1,
		reserved_bytes: 2,
		region: deoss_traits::Region(*b"US"),
		endpoint: bounded(b"http://m".to_vec()),
		auth_key: [9; 32],
		state: pallet_storage_providers::MinerState::Exiting { unlock_at: 44 },
		registered_at: 3,
	};
	let decoded: MinerInfo =
		decode(&metadata, storage_ty(&metadata, "StorageProviders", "Miners"), &miner.encode());
	assert_eq!((decoded.stake, decoded.free_bytes(), decoded.region), (5, 3, *b"US"));
	assert_eq!(
		(decoded.endpoint(), decoded.auth_key, decoded.state),
		("http://m".into(), [9; 32], MinerState::Exiting { unlock_at: 44 })
	);

	let scheduler = pallet_storage_providers::SchedulerInfoOf::<Runtime> {
		stake: 8,
		region: deoss_traits::Region(*b"DE"),
		endpoint: bounded(b"http://s".to_vec()),
		state: pallet_storage_providers::SchedulerState::Active,
		registered_at: 1,
	};
	let decoded: SchedulerInfo = decode(
		&metadata,
		storage_ty(&metadata, "StorageProviders", "Schedulers"),
		&scheduler.encode(),
	);
	assert_eq!((decoded.stake, decoded.endpoint()), (8, "http://s".to_string()));

	let gateway = pallet_oss::GatewayInfoOf::<Runtime> {
		endpoint: bounded(b"http://g".to_vec()),
		deposit: 100,
		registered_at: 6,
	};
	let decoded: GatewayInfo =
		decode(&metadata, storage_ty(&metadata, "Oss", "Gateways"), &gateway.encode());
	assert_eq!(
		(decoded.endpoint(), decoded.deposit, decoded.registered_at),
		("http://g".to_string(), 100, 6)
	);

	let challenge = pallet_audit::Challenge::<Runtime> {
		round: 4,
		seed: [3; 32],
		files: bounded(vec![Fid([1; 32]), Fid([2; 32])]),
		deadline: 50,
	};
	let decoded: Challenge =
		decode(&metadata, storage_ty(&metadata, "Audit", "Challenges"), &challenge.encode());
	assert_eq!((decoded.round, decoded.files, decoded.deadline), (4, vec![[1; 32], [2; 32]], 50));
}

#[test]
fn events_decode_real_runtime_events() {
	let metadata = metadata();
	let fields_in = |pallet: &str, name: &str| {
		metadata
			.pallet_by_name(pallet)
			.unwrap_or_else(|| panic!("{pallet} exists"))
			.event_variants()
			.and_then(|variants| variants.iter().find(|variant| variant.name == name))
			.unwrap_or_else(|| panic!("{pallet}.{name} exists"))
			.fields
			.iter()
			.map(|field| subxt::ext::scale_decode::Field::new(field.ty.id, field.name.as_deref()))
			.collect::<Vec<_>>()
	};
	let fields_of = |name: &str| fields_in("FileBank", name);
	fn decode_fields<T: subxt::ext::scale_decode::DecodeAsFields>(
		metadata: &Metadata,
		mut fields: Vec<subxt::ext::scale_decode::Field<'_, u32>>,
		event: RuntimeEvent,
	) -> T {
		// The outer event is the pallet index and the variant index, then the fields.
		let bytes = event.encode();
		let mut input = &bytes[2..];
		let decoded = T::decode_as_fields(
			&mut input,
			&mut fields.iter_mut().map(|f| f.clone()),
			metadata.types(),
		)
		.expect("the event decodes");
		assert!(input.is_empty(), "every byte is read");
		decoded
	}
	let assigned = RuntimeEvent::FileBank(pallet_file_bank::Event::DealAssigned {
		deal: 5,
		scheduler: AccountId32::new(account(3)),
		replaced: Some(AccountId32::new(account(4))),
		owner: AccountId32::new(account(1)),
		fid: Fid([6; 32]),
		size: 10,
		layout: LAYOUT,
		deadline: 100,
	});
	let decoded: DealAssigned = decode_fields(&metadata, fields_of("DealAssigned"), assigned);
	assert_eq!(
		(decoded.deal, decoded.scheduler, decoded.replaced, decoded.deadline),
		(5, account(3), Some(account(4)), 100)
	);
	let stored = RuntimeEvent::FileBank(pallet_file_bank::Event::FileStored {
		deal: 5,
		fid: Fid([6; 32]),
		owner: AccountId32::new(account(1)),
		miners: bounded(vec![AccountId32::new(account(7))]),
	});
	let decoded: FileStored = decode_fields(&metadata, fields_of("FileStored"), stored);
	assert_eq!((decoded.deal, decoded.fid, decoded.miners), (5, [6; 32], vec![account(7)]));
	let claimed = RuntimeEvent::Audit(pallet_audit::Event::RestoralClaimed {
		fid: Fid([6; 32]),
		slot: 3,
		miner: AccountId32::new(account(7)),
		deadline: 90,
		seed: [9; 32],
	});
	let decoded: RestoralClaimed =
		decode_fields(&metadata, fields_in("Audit", "RestoralClaimed"), claimed);
	assert_eq!(
		(decoded.fid, decoded.slot, decoded.miner, decoded.deadline, decoded.seed),
		([6; 32], 3, account(7), 90, [9; 32])
	);
	let lost = RuntimeEvent::Audit(pallet_audit::Event::ColumnLost {
		fid: Fid([6; 32]),
		slot: 3,
		column: 1,
		miner: AccountId32::new(account(8)),
	});
	let decoded: ColumnLost = decode_fields(&metadata, fields_in("Audit", "ColumnLost"), lost);
	assert_eq!((decoded.slot, decoded.column, decoded.miner), (3, 1, account(8)));
}
