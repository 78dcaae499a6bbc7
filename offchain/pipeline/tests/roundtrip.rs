//! Objects of every awkward size survive encode → lose up to m columns → decode, with
//! and without compression and encryption; damaged input is reported, never accepted.

mod common;

use common::{encode_into_store, object_bytes, SplitMix};
use deoss_pipeline::{
	decode_object, decode_payload,
	primitives::{ColumnIndex, Fid, Layout, LayoutError},
	repair_column, EncodedSegment, Encoder, ObjectCipher, ObjectOptions, PipelineError,
	ReplicatingSink,
};
use proptest::prelude::*;

/// Small layouts: 1..=5 data shards, 1..=4 parity shards, chunks of 64..=256 bytes and
/// segments of a few chunks per shard.
fn small_layout() -> impl Strategy<Value = Layout> {
	(1u16..=5, 1u16..=4, prop::sample::select(vec![64u32, 100, 128, 256]), 1u32..=4, 0u32..3)
		.prop_map(|(data_shards, parity_shards, chunk_size, chunks_per_shard, extra)| {
			let shard = chunk_size * chunks_per_shard + extra * 17;
			Layout {
				segment_size: shard * u32::from(data_shards),
				data_shards,
				parity_shards,
				chunk_size,
				replicas: 1,
			}
		})
}

/// Sizes at and around every boundary of the layout, plus arbitrary multi-segment ones.
fn awkward_size(layout: &Layout, pick: u64, random: u64) -> usize {
	let chunk = layout.chunk_size as i64;
	let k = i64::from(layout.data_shards);
	let segment = layout.segment_size as i64;
	let anchors = [0, 1, chunk, k * chunk, segment, 2 * segment, 3 * segment];
	let anchor = anchors[(pick % anchors.len() as u64) as usize];
	let offset = (pick / 7 % 3) as i64 - 1;
	match pick % 10 {
		9 => (random % (5 * segment as u64 + 1)) as usize,
		_ => (anchor + offset).max(0) as usize,
	}
}

fn options(mode: u8) -> ObjectOptions {
	match mode % 4 {
		0 => ObjectOptions::default(),
		1 => ObjectOptions { compression: Some(1), cipher: None },
		2 => ObjectOptions { compression: None, cipher: Some(ObjectCipher::generate()) },
		_ => ObjectOptions::compressed_and_encrypted(),
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(48))]

	#[test]
	fn any_size_round_trips_with_up_to_m_columns_lost(
		layout in small_layout(),
		pick in any::<u64>(),
		seed in any::<u64>(),
		threads in 1usize..=2,
		mode in any::<u8>(),
	) {
		// Encryption needs room for a tag in each segment.
		prop_assume!(mode % 4 < 2 || layout.segment_size > 16);
		let size = awkward_size(&layout, pick, seed);
		let object = object_bytes(size, seed);
		let options = options(mode);
		let (encoded, mut store) = encode_into_store(&object, layout, threads, &options);
		prop_assert_eq!(encoded.manifest.fid().unwrap(), encoded.fid);

		let mut rng = SplitMix(seed);
		let columns = layout.data_shards + layout.parity_shards;
		for segment in 0..encoded.manifest.segments.len() as u32 {
			let lost = rng.below(u64::from(layout.parity_shards) + 1) as usize;
			for column in rng.distinct(lost, u64::from(columns)) {
				store.lose(segment, column as ColumnIndex);
			}
		}
		let mut restored = Vec::new();
		decode_object(&encoded.fid, &encoded.manifest, store.source(), &options, &mut restored).unwrap();
		prop_assert_eq!(restored, object);
	}

	#[test]
	fn corrupted_fragments_are_skipped_and_reported(
		layout in small_layout(),
		pick in any::<u64>(),
		seed in any::<u64>(),
	) {
		let object = object_bytes(awkward_size(&layout, pick, seed), seed);
		let (encoded, mut store) = encode_into_store(&object, layout, 1, &ObjectOptions::default());
		let mut rng = SplitMix(seed);
		let segment = rng.below(encoded.manifest.segments.len() as u64) as u32;
		// A data column is always fetched first, so its damage is always seen.
		let column = rng.below(u64::from(layout.data_shards)) as ColumnIndex;
		store.flip_byte(segment, column, rng.next() as usize);

		let mut payload = Vec::new();
		let report = decode_payload(&encoded.fid, &encoded.manifest, store.source(), &mut payload).unwrap();
		prop_assert_eq!(&payload, &object);
		prop_assert_eq!(report.corrupted, vec![(segment, column)]);

		// Damage m + 1 columns of that segment and it cannot be rebuilt.
		for column in 0..=layout.parity_shards {
			store.append_byte(segment, column);
		}
		let result = decode_payload(&encoded.fid, &encoded.manifest, store.source(), &mut Vec::new());
		prop_assert!(
			matches!(result, Err(PipelineError::TooFewFragments { segment: s, .. }) if s == segment),
			"{:?}", result
		);
	}

	#[test]
	fn a_lost_column_is_rebuilt_from_the_others(
		layout in small_layout(),
		pick in any::<u64>(),
		seed in any::<u64>(),
	) {
		let object = object_bytes(awkward_size(&layout, pick, seed), seed);
		let (encoded, store) = encode_into_store(&object, layout, 2, &ObjectOptions::default());
		let mut rng = SplitMix(seed);
		let columns = layout.data_shards + layout.parity_shards;
		let target = rng.below(u64::from(columns)) as ColumnIndex;
		// The target and up to m - 1 other columns are gone.
		let mut damaged = store.clone();
		let others = rng
			.distinct(usize::from(layout.parity_shards), u64::from(columns))
			.into_iter()
			.filter(|column| *column != u64::from(target))
			.take(usize::from(layout.parity_shards) - 1);
		for column in others {
			for segment in 0..encoded.manifest.segments.len() as u32 {
				damaged.lose(segment, column as ColumnIndex);
			}
		}
		for segment in 0..encoded.manifest.segments.len() as u32 {
			damaged.lose(segment, target);
		}
		let mut rebuilt = Vec::new();
		repair_column(&encoded.fid, &encoded.manifest, damaged.source(), target, |segment, fragment| {
			rebuilt.push((segment, fragment.to_vec()));
			Ok(())
		})
		.unwrap();
		prop_assert_eq!(rebuilt.len(), encoded.manifest.segments.len());
		for (segment, fragment) in rebuilt {
			prop_assert_eq!(Some(&fragment), store.fragments.get(&(segment, target)));
		}
	}
}

#[test]
fn every_boundary_size_round_trips() {
	let layouts = [
		Layout {
			segment_size: 3 * 200,
			data_shards: 3,
			parity_shards: 2,
			chunk_size: 64,
			replicas: 1,
		},
		Layout {
			segment_size: 4 * 128,
			data_shards: 4,
			parity_shards: 8,
			chunk_size: 128,
			replicas: 1,
		},
	];
	for layout in layouts {
		let chunk = layout.chunk_size as usize;
		let k = usize::from(layout.data_shards);
		let segment = layout.segment_size as usize;
		let anchors = [0, 1, chunk, k * chunk, segment, 2 * segment, 3 * segment];
		for size in
			anchors.iter().flat_map(|anchor| [anchor.saturating_sub(1), *anchor, anchor + 1])
		{
			for threads in [1, 2] {
				let object = object_bytes(size, size as u64);
				let (encoded, mut store) =
					encode_into_store(&object, layout, threads, &ObjectOptions::default());
				// Lose the first m columns everywhere, so data has to be rebuilt from parity.
				for segment in 0..encoded.manifest.segments.len() as u32 {
					for column in 0..layout.parity_shards {
						store.lose(segment, column);
					}
				}
				let mut restored = Vec::new();
				decode_payload(&encoded.fid, &encoded.manifest, store.source(), &mut restored)
					.unwrap();
				assert_eq!(restored, object, "size {size}, {threads} threads, {layout:?}");
			}
		}
	}
}

#[test]
fn wrong_fid_is_refused() {
	let layout =
		Layout { segment_size: 512, data_shards: 2, parity_shards: 2, chunk_size: 64, replicas: 1 };
	let object = object_bytes(1000, 1);
	let (encoded, store) = encode_into_store(&object, layout, 1, &ObjectOptions::default());
	let wrong = Fid([1u8; 32]);
	let result = decode_payload(&wrong, &encoded.manifest, store.source(), &mut Vec::new());
	assert!(
		matches!(result, Err(PipelineError::FidMismatch { expected, computed }) if expected == wrong && computed == encoded.fid)
	);

	// A manifest with a root swapped for another no longer leads to the FID.
	let mut forged = encoded.manifest.clone();
	forged.segments[0].fragment_roots.swap(0, 1);
	assert!(matches!(
		decode_payload(&encoded.fid, &forged, store.source(), &mut Vec::new()),
		Err(PipelineError::FidMismatch { .. })
	));
	// A manifest whose shape does not fit its own length is malformed.
	let mut truncated = encoded.manifest.clone();
	truncated.segments.pop();
	assert!(matches!(
		decode_payload(&encoded.fid, &truncated, store.source(), &mut Vec::new()),
		Err(PipelineError::MalformedManifest(_))
	));
}

#[test]
fn wrong_key_is_refused() {
	let layout =
		Layout { segment_size: 512, data_shards: 2, parity_shards: 1, chunk_size: 64, replicas: 1 };
	let object = object_bytes(2000, 2);
	let options = ObjectOptions::compressed_and_encrypted();
	let (encoded, store) = encode_into_store(&object, layout, 1, &options);
	let wrong = ObjectOptions { cipher: Some(ObjectCipher::generate()), ..options };
	let result =
		decode_object(&encoded.fid, &encoded.manifest, store.source(), &wrong, &mut Vec::new());
	assert!(matches!(result, Err(PipelineError::Crypto(_))), "{result:?}");
}

#[test]
fn streams_that_do_not_match_the_declaration_are_refused() {
	let layout =
		Layout { segment_size: 512, data_shards: 2, parity_shards: 1, chunk_size: 64, replicas: 1 };
	let object = object_bytes(1500, 3);
	let encoder = Encoder::new(layout).unwrap().threads(2);
	let mut discard = |_: &EncodedSegment| Ok(());
	let truncated = encoder.clone().declared_len(1501).encode(&object[..], &mut discard);
	assert!(matches!(truncated, Err(PipelineError::Truncated { received: 1500, declared: 1501 })));
	let too_long = encoder.clone().declared_len(1024).encode(&object[..], &mut discard);
	assert!(matches!(too_long, Err(PipelineError::TooLong { declared: 1024 })));
	assert!(encoder.declared_len(1500).encode(&object[..], &mut discard).is_ok());
}

#[test]
fn layouts_out_of_range_are_refused() {
	let valid =
		Layout { segment_size: 512, data_shards: 2, parity_shards: 1, chunk_size: 64, replicas: 1 };
	let cases = [
		(Layout { data_shards: 0, ..valid }, LayoutError::NoDataShards),
		(Layout { parity_shards: 0, ..valid }, LayoutError::NoParityShards),
		(Layout { data_shards: 200, parity_shards: 100, ..valid }, LayoutError::TooManyShards),
		(Layout { chunk_size: 0, ..valid }, LayoutError::ChunkSizeOutOfRange),
		(Layout { segment_size: 513, ..valid }, LayoutError::SegmentNotDivisible),
	];
	for (layout, expected) in cases {
		assert!(
			matches!(Encoder::new(layout), Err(PipelineError::Layout(error)) if error == expected)
		);
	}
}

#[test]
fn replicas_carry_identical_columns() {
	let layout =
		Layout { segment_size: 512, data_shards: 2, parity_shards: 2, chunk_size: 64, replicas: 3 };
	let object = object_bytes(3000, 4);
	let mut slots: Vec<std::collections::HashMap<(u32, u16), Vec<u8>>> =
		vec![Default::default(); 12];
	let mut sink =
		ReplicatingSink::new(layout, |slot, segment: &EncodedSegment, column, fragment: &[u8]| {
			slots[slot as usize].insert((segment.index(), column), fragment.to_vec());
			Ok(())
		});
	let encoded = Encoder::new(layout).unwrap().threads(1).encode(&object[..], &mut sink).unwrap();
	for slot in 0..12u32 {
		let (column, replica) = layout.slot_column(slot).unwrap();
		assert_eq!(slots[slot as usize].len(), encoded.manifest.segments.len());
		assert!(slots[slot as usize].keys().all(|(_, c)| *c == column));
		assert_eq!(
			slots[slot as usize],
			slots[layout.slot(column, 0).unwrap() as usize],
			"replica {replica}"
		);
	}
	// Columns 0 and 1 lose every replica but the last; columns 2 and 3 lose all of them.
	let source = |segment: u32, column: u16| {
		let survivor = match column {
			0 | 1 => layout.slot(column, 2),
			_ => None,
		};
		Ok(survivor.and_then(|slot| slots[slot as usize].get(&(segment, column)).cloned()))
	};
	let mut restored = Vec::new();
	decode_payload(&encoded.fid, &encoded.manifest, source, &mut restored).unwrap();
	assert_eq!(restored, object);
}
