//! The binary Merkle tree every DeOSS root is built with: roots, sibling paths and the
//! path fold the verifier runs; generic over [`Hasher`] so the chain can use its host hash.
//!
//! Shape: leaves are paired left to right; on a level with an odd number of nodes the
//! last node has no partner and is **promoted** unchanged to the next level (it is not
//! hashed with itself, which would give `[a, b, c]` and `[a, b, c, c]` the same root).
//! A path therefore only lists the siblings that exist; the verifier knows the leaf
//! count from the file record and knows where they are missing.

use alloc::vec::Vec;

use crate::hash::{Hash, Hasher};

/// Leaf hashes of the chunks of `data`: `H(0x00 ‖ chunk)` for each `chunk_size` piece.
pub fn chunk_leaves<H: Hasher>(data: &[u8], chunk_size: usize) -> Vec<Hash> {
	if data.is_empty() || chunk_size == 0 {
		return Vec::new();
	}
	data.chunks(chunk_size).map(H::hash_leaf).collect()
}

/// Merkle root of a fragment: the tree over its chunk leaves. `None` for an empty fragment.
pub fn fragment_root<H: Hasher>(fragment: &[u8], chunk_size: usize) -> Option<Hash> {
	let mut leaves = chunk_leaves::<H>(fragment, chunk_size);
	reduce_to_root::<H>(&mut leaves)
}

/// Merkle root over already-hashed level-0 nodes. `None` when there are none.
pub fn root<H: Hasher>(nodes: &[Hash]) -> Option<Hash> {
	let mut level = nodes.to_vec();
	reduce_to_root::<H>(&mut level)
}

/// Merkle root over `nodes`, reusing the vector as scratch space (no allocation).
pub fn reduce_to_root<H: Hasher>(nodes: &mut Vec<Hash>) -> Option<Hash> {
	while nodes.len() > 1 {
		let width = nodes.len();
		let pairs = width / 2;
		for pair in 0..pairs {
			nodes[pair] = H::hash_node(&nodes[2 * pair], &nodes[2 * pair + 1]);
		}
		if width % 2 == 1 {
			// The lone last node moves up unchanged.
			nodes[pairs] = nodes[width - 1];
		}
		nodes.truncate(width.div_ceil(2));
	}
	nodes.first().copied()
}

/// Siblings from node `index` up to the root of the tree over `nodes`, lowest first.
/// `None` if `index` is out of range.
pub fn path<H: Hasher>(nodes: &[Hash], index: usize) -> Option<Vec<Hash>> {
	if index >= nodes.len() {
		return None;
	}
	let mut siblings = Vec::new();
	let mut level = nodes.to_vec();
	let mut position = index;
	while level.len() > 1 {
		let sibling = position ^ 1;
		if sibling < level.len() {
			siblings.push(level[sibling]);
		}
		position /= 2;
		let width = level.len();
		for pair in 0..width / 2 {
			level[pair] = H::hash_node(&level[2 * pair], &level[2 * pair + 1]);
		}
		if width % 2 == 1 {
			level[width / 2] = level[width - 1];
		}
		level.truncate(width.div_ceil(2));
	}
	Some(siblings)
}

/// Number of siblings on the path of leaf `index` in a tree of `width` leaves.
pub fn path_len(mut index: u64, mut width: u64) -> u32 {
	let mut siblings = 0;
	while width > 1 {
		if index ^ 1 < width {
			siblings += 1;
		}
		index /= 2;
		width = width.div_ceil(2);
	}
	siblings
}

/// Why a path did not lead anywhere.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathError {
	/// The index is not below the tree width.
	IndexOutOfRange,
	/// The path ran out of siblings before reaching the root.
	TooShort,
}

/// Climbs from `node` at `index` in a tree of `width` leaves to its root, taking siblings
/// from `siblings` where the shape says one exists; returns the root reached.
pub fn fold_path<'a, H: Hasher>(
	mut node: Hash,
	mut index: u64,
	mut width: u64,
	siblings: &mut impl Iterator<Item = &'a Hash>,
) -> Result<Hash, PathError> {
	if index >= width {
		return Err(PathError::IndexOutOfRange);
	}
	while width > 1 {
		if index ^ 1 < width {
			let sibling = siblings.next().ok_or(PathError::TooShort)?;
			node = if index.is_multiple_of(2) {
				H::hash_node(&node, sibling)
			} else {
				H::hash_node(sibling, &node)
			};
		}
		index /= 2;
		width = width.div_ceil(2);
	}
	Ok(node)
}

/// True when `siblings` lead from `node` at `index` of a `width`-leaf tree exactly to `root`
/// (every sibling used, none missing).
pub fn verify<H: Hasher>(
	node: Hash,
	index: u64,
	width: u64,
	siblings: &[Hash],
	root: &Hash,
) -> bool {
	let mut remaining = siblings.iter();
	matches!(fold_path::<H>(node, index, width, &mut remaining), Ok(reached) if reached == *root)
		&& remaining.next().is_none()
}

/// All levels of a tree kept in memory, for handing out many paths of the same tree.
#[derive(Clone, Debug)]
pub struct MerkleTree {
	levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
	/// Builds every level above `nodes`. `None` when there are no nodes.
	pub fn new<H: Hasher>(nodes: Vec<Hash>) -> Option<Self> {
		if nodes.is_empty() {
			return None;
		}
		let mut levels = Vec::new();
		let mut level = nodes;
		while level.len() > 1 {
			let mut next = Vec::with_capacity(level.len().div_ceil(2));
			let pairs = level.chunks_exact(2);
			let lone = pairs.remainder().first().copied();
			next.extend(pairs.map(|pair| H::hash_node(&pair[0], &pair[1])));
			next.extend(lone);
			levels.push(level);
			level = next;
		}
		levels.push(level);
		Some(Self { levels })
	}

	/// The root.
	pub fn root(&self) -> Hash {
		// `new` never builds a tree without a top level holding one node.
		self.levels.last().and_then(|top| top.first()).copied().unwrap_or_default()
	}

	/// The level-0 nodes.
	pub fn leaves(&self) -> &[Hash] {
		self.levels.first().map(Vec::as_slice).unwrap_or_default()
	}

	/// Siblings from leaf `index` to the root, lowest first.
	pub fn path(&self, index: usize) -> Option<Vec<Hash>> {
		if index >= self.leaves().len() {
			return None;
		}
		let mut position = index;
		let mut siblings = Vec::new();
		for level in &self.levels[..self.levels.len() - 1] {
			if let Some(sibling) = level.get(position ^ 1) {
				siblings.push(*sibling);
			}
			position /= 2;
		}
		Some(siblings)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::hash::Blake2bHasher as H;
	use alloc::vec;

	fn leaves(count: usize) -> Vec<Hash> {
		(0..count).map(|i| H::hash_leaf(&(i as u32).to_le_bytes())).collect()
	}

	#[test]
	fn small_trees_have_the_documented_shape() {
		let l = leaves(3);
		assert_eq!(root::<H>(&[]), None);
		assert_eq!(root::<H>(&l[..1]), Some(l[0]));
		assert_eq!(root::<H>(&l[..2]), Some(H::hash_node(&l[0], &l[1])));
		// The third leaf is promoted, not paired with itself.
		assert_eq!(root::<H>(&l), Some(H::hash_node(&H::hash_node(&l[0], &l[1]), &l[2])));
		let four = vec![l[0], l[1], l[2], l[2]];
		assert_ne!(root::<H>(&l), root::<H>(&four));
	}

	#[test]
	fn every_path_of_every_width_folds_back_to_the_root() {
		for width in 1..=33usize {
			let nodes = leaves(width);
			let expected = root::<H>(&nodes).unwrap();
			let tree = MerkleTree::new::<H>(nodes.clone()).unwrap();
			assert_eq!(tree.root(), expected);
			for index in 0..width {
				let siblings = path::<H>(&nodes, index).unwrap();
				assert_eq!(tree.path(index).as_ref(), Some(&siblings));
				assert_eq!(siblings.len() as u32, path_len(index as u64, width as u64));
				let mut iter = siblings.iter();
				let reached =
					fold_path::<H>(nodes[index], index as u64, width as u64, &mut iter).unwrap();
				assert_eq!(reached, expected, "width {width} index {index}");
				assert!(iter.next().is_none());
				assert!(verify::<H>(
					nodes[index],
					index as u64,
					width as u64,
					&siblings,
					&expected
				));
				let mut longer = siblings.clone();
				longer.push(expected);
				assert!(!verify::<H>(nodes[index], index as u64, width as u64, &longer, &expected));
			}
			assert!(path::<H>(&nodes, width).is_none());
			assert!(tree.path(width).is_none());
		}
	}

	#[test]
	fn wrong_paths_do_not_reach_the_root() {
		let nodes = leaves(7);
		let expected = root::<H>(&nodes).unwrap();
		let siblings = path::<H>(&nodes, 5).unwrap();
		// Wrong position.
		let reached = fold_path::<H>(nodes[5], 4, 7, &mut siblings.iter()).unwrap();
		assert_ne!(reached, expected);
		// Missing sibling.
		assert_eq!(
			fold_path::<H>(nodes[5], 5, 7, &mut siblings[..1].iter()),
			Err(PathError::TooShort)
		);
		assert_eq!(
			fold_path::<H>(nodes[5], 7, 7, &mut siblings.iter()),
			Err(PathError::IndexOutOfRange)
		);
	}

	#[test]
	fn fragment_root_hashes_chunks_as_leaves() {
		let data = [9u8; 130];
		let chunks: Vec<Hash> = data.chunks(64).map(H::hash_leaf).collect();
		assert_eq!(chunks.len(), 3);
		assert_eq!(fragment_root::<H>(&data, 64), root::<H>(&chunks));
		assert_eq!(fragment_root::<H>(&[], 64), None);
	}
}
