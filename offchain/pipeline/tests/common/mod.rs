//! Helpers shared by the integration tests: an in-memory fragment store standing in for
//! miners, small layouts, and a seeded generator for erasure patterns.

#![allow(dead_code)]

use std::{collections::HashMap, io};

use deoss_pipeline::{
	primitives::{ColumnIndex, Fid, Layout, SegmentIndex},
	EncodedFile, EncodedSegment, Encoder, FragmentSource, FragmentStore, ObjectOptions,
};

/// Fragments by (segment, column), as a set of miners would hold them.
#[derive(Clone, Default)]
pub struct MemoryStore {
	pub fragments: HashMap<(SegmentIndex, ColumnIndex), Vec<u8>>,
}

impl MemoryStore {
	pub fn keep(&mut self, segment: &EncodedSegment) -> io::Result<()> {
		for (column, fragment) in segment.fragments().enumerate() {
			self.fragments.insert((segment.index(), column as ColumnIndex), fragment.to_vec());
		}
		Ok(())
	}

	pub fn lose(&mut self, segment: SegmentIndex, column: ColumnIndex) {
		self.fragments.remove(&(segment, column));
	}

	pub fn flip_byte(&mut self, segment: SegmentIndex, column: ColumnIndex, position: usize) {
		if let Some(fragment) = self.fragments.get_mut(&(segment, column)) {
			let position = position % fragment.len();
			fragment[position] ^= 0x5a;
		}
	}

	/// Makes a fragment one byte too long: damaged whatever its content.
	pub fn append_byte(&mut self, segment: SegmentIndex, column: ColumnIndex) {
		if let Some(fragment) = self.fragments.get_mut(&(segment, column)) {
			fragment.push(0);
		}
	}

	/// A source that hands out copies of what the store holds.
	pub fn source(&self) -> impl FragmentSource + '_ {
		move |segment: SegmentIndex, column: ColumnIndex| {
			Ok(self.fragments.get(&(segment, column)).cloned())
		}
	}
}

impl FragmentStore for MemoryStore {
	fn load(&self, _fid: &Fid, segment: SegmentIndex, column: ColumnIndex) -> io::Result<Vec<u8>> {
		self.fragments
			.get(&(segment, column))
			.cloned()
			.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "fragment not stored"))
	}
}

/// Encodes `object` into a fresh store.
pub fn encode_into_store(
	object: &[u8],
	layout: Layout,
	threads: usize,
	options: &ObjectOptions,
) -> (EncodedFile, MemoryStore) {
	let mut store = MemoryStore::default();
	let encoder = Encoder::new(layout).expect("test layouts are valid").threads(threads);
	let encoded = deoss_pipeline::encode_object(
		object,
		options,
		&encoder,
		&mut |segment: &EncodedSegment| store.keep(segment),
	)
	.expect("encoding succeeds");
	(encoded, store)
}

/// Deterministic bytes that do not compress to nothing.
pub fn object_bytes(len: usize, seed: u64) -> Vec<u8> {
	let mut state = SplitMix(seed);
	(0..len).map(|_| state.next() as u8).collect()
}

/// SplitMix64: a tiny seeded generator for test patterns.
pub struct SplitMix(pub u64);

impl SplitMix {
	pub fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	pub fn below(&mut self, bound: u64) -> u64 {
		self.next() % bound.max(1)
	}

	/// `count` distinct values below `bound`.
	pub fn distinct(&mut self, count: usize, bound: u64) -> Vec<u64> {
		let mut all: Vec<u64> = (0..bound).collect();
		for i in 0..all.len() {
			let j = i + self.below((all.len() - i) as u64) as usize;
			all.swap(i, j);
		}
		all.truncate(count);
		all
	}
}
