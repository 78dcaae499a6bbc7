//! Pipeline benchmarks, each against a baseline measured in the same run, printed as
//! Markdown tables for `BENCHMARKS.md`.
//!
//! `cargo bench -p deoss-pipeline --bench pipeline` (set `DEOSS_BENCH_MIB` for the
//! object size, default 64; `DEOSS_BENCH_RUNS` for best-of-N, default 3;
//! `DEOSS_BENCH_TABLES` to pick tables, default `encode,decode,chunk,segment,proof,detection`).

use std::{
	hint::black_box,
	io,
	time::{Duration, Instant},
};

use blake2::{digest::consts::U32, Blake2b, Digest};
use deoss_pipeline::{
	decode_payload,
	primitives::{
		derive_samples, merkle, proof::PPM, samples_for_detection, verify_samples, ChunkProof,
		FileGeometry, Hasher as _, Layout,
	},
	repair_column, EncodedFile, EncodedSegment, Encoder, FragmentStore, Hasher, Prover,
};
use reed_solomon_erasure::galois_8::ReedSolomon;

const MIB: usize = 1024 * 1024;

fn env_usize(name: &str, default: usize) -> usize {
	std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// Best wall time of `runs` runs: the machine is shared, the minimum is the least disturbed.
fn best_of(runs: usize, mut run: impl FnMut()) -> Duration {
	(0..runs)
		.map(|_| {
			let start = Instant::now();
			run();
			start.elapsed()
		})
		.min()
		.unwrap_or_default()
}

/// CPU time of the calling thread (user + system) from `/proc/thread-self/stat`, in
/// 10 ms ticks: unlike wall time it does not grow while another process has the core.
fn thread_cpu_time() -> Duration {
	let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
	let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
	// After the name come state, ppid, ... ; utime and stime are fields 14 and 15 of the line.
	let fields: Vec<&str> = after_name.split_whitespace().collect();
	let field =
		|index: usize| fields.get(index).and_then(|value| value.parse::<u64>().ok()).unwrap_or(0);
	Duration::from_millis((field(11) + field(12)) * 10)
}

/// Wall and CPU time of one single-threaded run.
fn timed(run: impl FnOnce()) -> (Duration, Duration) {
	let (wall, cpu) = (Instant::now(), thread_cpu_time());
	run();
	(wall.elapsed(), thread_cpu_time().saturating_sub(cpu))
}

/// Keeps the smallest of each measurement over interleaved rounds.
#[derive(Default, Clone, Copy)]
struct Best {
	wall: Option<Duration>,
	cpu: Option<Duration>,
}

impl Best {
	fn add(&mut self, (wall, cpu): (Duration, Duration)) {
		self.wall = Some(self.wall.map_or(wall, |best| best.min(wall)));
		self.cpu = Some(self.cpu.map_or(cpu, |best| best.min(cpu)));
	}

	fn wall(&self) -> Duration {
		self.wall.unwrap_or_default()
	}

	fn cpu(&self) -> Duration {
		self.cpu.unwrap_or_default()
	}
}

fn mib_per_s(bytes: usize, time: Duration) -> f64 {
	bytes as f64 / MIB as f64 / time.as_secs_f64()
}

/// Incompressible test data.
fn object(len: usize) -> Vec<u8> {
	let mut state = 0x2545_f491_4f6c_dd1du64;
	let mut data = vec![0u8; len];
	for word in data.chunks_mut(8) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
	}
	data
}

/// Every segment of `data` laid out as the encoder lays it out: k data shards followed
/// by room for m parity shards.
fn segment_buffers(layout: &Layout, data: &[u8]) -> Vec<Vec<u8>> {
	let n = usize::from(layout.column_count());
	data.chunks(layout.segment_size as usize)
		.map(|segment| {
			let shard = layout.shard_len(segment.len() as u32) as usize;
			let mut buffer = vec![0u8; n * shard];
			buffer[..segment.len()].copy_from_slice(segment);
			buffer
		})
		.collect()
}

fn raw_rs_encode(layout: &Layout, buffers: &mut [Vec<u8>]) {
	let k = usize::from(layout.data_shards);
	let n = usize::from(layout.column_count());
	let codec = ReedSolomon::new(k, usize::from(layout.parity_shards)).expect("valid layout");
	for buffer in buffers {
		let shard = buffer.len() / n;
		let mut shards: Vec<&mut [u8]> = buffer.chunks_exact_mut(shard).collect();
		codec.encode(&mut shards).expect("equal shards");
	}
}

fn raw_blake2b(buffers: &[Vec<u8>], n: usize) {
	for buffer in buffers {
		for fragment in buffer.chunks_exact(buffer.len() / n) {
			black_box(Blake2b::<U32>::digest(fragment));
		}
	}
}

fn encode(layout: Layout, threads: usize, data: &[u8]) -> EncodedFile {
	Encoder::new(layout)
		.expect("valid layout")
		.threads(threads)
		.encode(data, &mut |segment: &EncodedSegment| {
			black_box(segment.root());
			Ok(())
		})
		.expect("encode")
}

struct Encoded {
	file: EncodedFile,
	fragments: Vec<Vec<Vec<u8>>>,
}

impl FragmentStore for Encoded {
	fn load(
		&self,
		_fid: &deoss_pipeline::primitives::Fid,
		segment: u32,
		column: u16,
	) -> io::Result<Vec<u8>> {
		Ok(self.fragments[segment as usize][usize::from(column)].clone())
	}
}

fn encode_and_keep(layout: Layout, data: &[u8]) -> Encoded {
	let mut fragments = Vec::new();
	let file = Encoder::new(layout)
		.expect("valid layout")
		.threads(2)
		.encode(data, &mut |segment: &EncodedSegment| {
			fragments.push(segment.fragments().map(<[u8]>::to_vec).collect());
			Ok(())
		})
		.expect("encode");
	Encoded { file, fragments }
}

fn main() {
	let size = env_usize("DEOSS_BENCH_MIB", 64) * MIB;
	let runs = env_usize("DEOSS_BENCH_RUNS", 3);
	let data = object(size);
	println!("object: {} MiB, best of {runs} runs\n", size / MIB);

	let tables = std::env::var("DEOSS_BENCH_TABLES")
		.unwrap_or_else(|_| "encode,decode,chunk,segment,proof,detection".into());
	let wanted = |table: &str| tables.split(',').any(|name| name == table);
	if wanted("encode") {
		encode_table(&data, runs);
	}
	if wanted("decode") {
		decode_table(&data, runs);
	}
	if wanted("chunk") {
		chunk_size_table(&data, runs);
	}
	if wanted("segment") {
		segment_size_table(&data, runs);
	}
	if wanted("proof") {
		proof_table(&data);
	}
	if wanted("detection") {
		detection_table();
	}
}

fn layouts() -> [(&'static str, Layout); 2] {
	[("4+8 (3x)", Layout::with_shards(4, 8)), ("8+4 (1.5x)", Layout::with_shards(8, 4))]
}

fn encode_table(data: &[u8], runs: usize) {
	println!("| layout | raw RS | raw BLAKE2b | bound | encode 1 core | ratio | encode 2 cores | speedup |");
	println!("|---|---|---|---|---|---|---|---|");
	for (name, layout) in layouts() {
		let n = usize::from(layout.column_count());
		let mut buffers = segment_buffers(&layout, data);
		let (mut rs, mut b2, mut one, mut two) =
			(Best::default(), Best::default(), Best::default(), Best::default());
		// Rounds interleave the four so that a burst of load on the machine hits all alike.
		for _ in 0..runs {
			rs.add(timed(|| raw_rs_encode(&layout, &mut buffers)));
			b2.add(timed(|| raw_blake2b(&buffers, n)));
			one.add(timed(|| {
				black_box(encode(layout, 1, data));
			}));
			two.add(timed(|| {
				black_box(encode(layout, 2, data));
			}));
		}
		// Single-threaded work is compared on CPU time, robust to other processes;
		// the two-core speedup can only be wall time.
		let bound = rs.cpu() + b2.cpu();
		println!(
			"| {name} | {:.0} MiB/s | {:.0} MiB/s | {:.0} MiB/s | {:.0} MiB/s | {:.2} | {:.0} MiB/s | {:.2}x |",
			mib_per_s(data.len(), rs.cpu()),
			mib_per_s(data.len(), b2.cpu()),
			mib_per_s(data.len(), bound),
			mib_per_s(data.len(), one.cpu()),
			bound.as_secs_f64() / one.cpu().as_secs_f64(),
			mib_per_s(data.len(), two.wall()),
			one.wall().as_secs_f64() / two.wall().as_secs_f64(),
		);
	}
	println!(
		"\nMiB/s of user data. 1-core figures on thread CPU time; 2 cores on wall time, speedup = \
		 1-core wall / 2-core wall. Raw BLAKE2b hashes all k+m fragments; bound = 1/(1/RS + 1/BLAKE2b).\n"
	);
}

fn decode_table(data: &[u8], runs: usize) {
	println!("| layout | operation | pipeline | baseline (raw RS + raw BLAKE2b) | ratio |");
	println!("|---|---|---|---|---|");
	for (name, layout) in layouts() {
		let encoded = encode_and_keep(layout, data);
		let k = usize::from(layout.data_shards);
		let n = usize::from(layout.column_count());
		let parity_only = |segment: u32, column: u16| {
			Ok((usize::from(column) >= n - k)
				.then(|| encoded.fragments[segment as usize][usize::from(column)].clone()))
		};
		let all = |segment: u32, column: u16| {
			Ok(Some(encoded.fragments[segment as usize][usize::from(column)].clone()))
		};
		let codec = ReedSolomon::new(k, n - k).expect("valid layout");
		let parity_columns: Vec<usize> = (n - k..n).collect();
		let repair_sources: Vec<usize> = (1..=k).collect();
		// Baselines: the library's own reconstruction of exactly the shards needed, and
		// one BLAKE2b pass over every fragment read (and rebuilt) to check it.
		let reconstruct = |sources: &[usize]| {
			for segment in &encoded.fragments {
				let mut shards: Vec<Option<Vec<u8>>> = vec![None; n];
				for &column in sources {
					shards[column] = Some(segment[column].clone());
				}
				codec.reconstruct_data(&mut shards).expect("reconstruct");
				black_box(&shards[0]);
			}
		};
		let hash_columns = |columns: usize| {
			for segment in &encoded.fragments {
				for fragment in segment.iter().take(columns) {
					black_box(Blake2b::<U32>::digest(fragment));
				}
			}
		};
		let copy_columns = || {
			for segment in &encoded.fragments {
				for fragment in segment.iter().take(k) {
					black_box(fragment.clone());
				}
			}
		};
		let mut best = [Best::default(); 6];
		for _ in 0..runs {
			best[0].add(timed(|| {
				decode_payload(&encoded.file.fid, &encoded.file.manifest, all, io::sink())
					.expect("decode");
			}));
			best[1].add(timed(|| {
				copy_columns();
				hash_columns(k);
			}));
			best[2].add(timed(|| {
				decode_payload(&encoded.file.fid, &encoded.file.manifest, parity_only, io::sink())
					.expect("decode");
			}));
			best[3].add(timed(|| {
				reconstruct(&parity_columns);
				hash_columns(k);
			}));
			best[4].add(timed(|| {
				repair_column(&encoded.file.fid, &encoded.file.manifest, all, 0, |_, fragment| {
					black_box(fragment);
					Ok(())
				})
				.expect("repair");
			}));
			best[5].add(timed(|| {
				reconstruct(&repair_sources);
				hash_columns(k + 1);
			}));
		}
		let rows = [
			("decode, all data columns", best[0].cpu(), best[1].cpu()),
			("decode, parity columns only", best[2].cpu(), best[3].cpu()),
			("repair column 0 from k others", best[4].cpu(), best[5].cpu()),
		];
		for (operation, pipeline, baseline) in rows {
			println!(
				"| {name} | {operation} | {:.0} MiB/s | {:.0} MiB/s | {:.2} |",
				mib_per_s(data.len(), pipeline),
				mib_per_s(data.len(), baseline),
				baseline.as_secs_f64() / pipeline.as_secs_f64(),
			);
		}
	}
	println!(
		"\nMiB/s of user data on thread CPU time (repair: per byte of the object whose column is \
		 rebuilt). The sources hand out copies, as a network would.\n"
	);
}

/// Chunk size trades proof size (on chain, every challenge) against Merkle hashing
/// (off chain, once per upload): measured here against the same RS + BLAKE2b bound.
fn chunk_size_table(data: &[u8], runs: usize) {
	let file_len = 2u64 << 30;
	let samples = samples_for_detection(99 * PPM / 100, PPM / 20).unwrap_or(0);
	let chunk_sizes = [256u32, 1024, 2048, 4096, 16 * 1024];
	let mut bounds = Vec::new();
	let mut encodes = vec![[Best::default(); 2]; chunk_sizes.len()];
	let mut layout_bounds = [(Best::default(), Best::default()); 2];
	let mut layout_buffers: Vec<Vec<Vec<u8>>> =
		layouts().iter().map(|(_, layout)| segment_buffers(layout, data)).collect();
	for _ in 0..runs {
		for (slot, (_, layout)) in layouts().into_iter().enumerate() {
			let buffers = &mut layout_buffers[slot];
			layout_bounds[slot].0.add(timed(|| raw_rs_encode(&layout, buffers)));
			layout_bounds[slot]
				.1
				.add(timed(|| raw_blake2b(buffers, usize::from(layout.column_count()))));
			for (row, &chunk_size) in chunk_sizes.iter().enumerate() {
				let layout = Layout { chunk_size, ..layout };
				encodes[row][slot].add(timed(|| {
					black_box(encode(layout, 1, data));
				}));
			}
		}
	}
	for (rs, b2) in layout_bounds {
		bounds.push(rs.cpu() + b2.cpu());
	}
	println!(
		"| chunk | 4+8: 1 core, ratio to bound | 8+4: 1 core, ratio to bound | path hashes (2 GiB file) | proof per sample | {samples} samples (99% at 5% lost) |"
	);
	println!("|---|---|---|---|---|---|");
	for (row, &chunk_size) in chunk_sizes.iter().enumerate() {
		let layout = Layout { chunk_size, ..Layout::with_shards(4, 8) };
		let geometry = FileGeometry::new(layout, file_len).expect("valid geometry");
		let depth = merkle::path_len(0, u64::from(geometry.chunk_count(0).unwrap_or(1)))
			+ merkle::path_len(0, u64::from(geometry.column_count()))
			+ merkle::path_len(0, u64::from(geometry.segment_count()));
		let proof = ChunkProof {
			chunk: vec![0u8; chunk_size as usize].try_into().expect("within bound"),
			path: vec![[0u8; 32]; depth as usize].try_into().expect("within bound"),
		};
		let proof_len = codec::Encode::encoded_size(&proof);
		let cell = |slot: usize| {
			let time = encodes[row][slot].cpu();
			format!(
				"{:.0} MiB/s, {:.2}",
				mib_per_s(data.len(), time),
				bounds[slot].as_secs_f64() / time.as_secs_f64()
			)
		};
		println!(
			"| {chunk_size} B | {} | {} | {depth} | {proof_len} B | {:.1} KiB |",
			cell(0),
			cell(1),
			proof_len as f64 * f64::from(samples) / 1024.0,
		);
	}
	println!();
}

/// Segment size sets memory (buffers in flight) and the granularity the two workers
/// share; the default layout's chunk size throughout.
fn segment_size_table(data: &[u8], runs: usize) {
	let segment_sizes = [4u32, 8, 16, 32];
	let mut results = vec![(Best::default(), Best::default()); segment_sizes.len()];
	for _ in 0..runs {
		for (row, &segment_mib) in segment_sizes.iter().enumerate() {
			let layout = Layout { segment_size: segment_mib << 20, ..Layout::with_shards(4, 8) };
			results[row].0.add(timed(|| {
				black_box(encode(layout, 1, data));
			}));
			results[row].1.add(timed(|| {
				black_box(encode(layout, 2, data));
			}));
		}
	}
	println!("| segment (4+8) | encode 1 core | encode 2 cores | speedup | segment buffers (2 workers) |");
	println!("|---|---|---|---|---|");
	for (&segment_mib, (one, two)) in segment_sizes.iter().zip(&results) {
		// Two workers keep three buffers, each holding the k + m fragments of a segment.
		println!(
			"| {segment_mib} MiB | {:.0} MiB/s | {:.0} MiB/s | {:.2}x | {} MiB |",
			mib_per_s(data.len(), one.cpu()),
			mib_per_s(data.len(), two.wall()),
			one.wall().as_secs_f64() / two.wall().as_secs_f64(),
			3 * segment_mib * 12 / 4,
		);
	}
	println!();
}

fn proof_table(data: &[u8]) {
	let layout = Layout::default();
	let encoded = encode_and_keep(layout, data);
	let geometry = encoded.file.manifest.geometry().expect("geometry");
	let prover = Prover::new(&encoded.file.fid, &encoded.file.manifest).expect("prover");
	let samples = derive_samples::<Hasher>(&[9u8; 32], &geometry, 3, 10_000).expect("samples");
	let prove_time = best_of(1, || {
		black_box(prover.answer(&samples, &encoded).expect("prove"));
	});
	let proofs = prover.answer(&samples, &encoded).expect("prove");
	// Microseconds per sample: too short for CPU-time ticks, so best-of-10 wall time.
	let verify = best_of(10, || {
		verify_samples::<Hasher>(&encoded.file.fid, &geometry, &samples, &proofs).expect("verify");
	});
	let leaves_only = best_of(10, || {
		for proof in &proofs {
			black_box(Hasher::hash_leaf(&proof.chunk));
		}
	});
	let size: usize = proofs.iter().map(codec::Encode::encoded_size).sum::<usize>() / proofs.len();
	let per_sample = |time: Duration| time.as_secs_f64() * 1e6 / samples.len() as f64;
	println!("| default layout, {} MiB file | value | baseline | ratio |", data.len() / MIB);
	println!("|---|---|---|---|");
	println!(
		"| proof size per sample | {size} B | {} B chunk | {:.2} |",
		layout.chunk_size,
		size as f64 / f64::from(layout.chunk_size)
	);
	println!(
		"| verify time per sample | {:.2} µs | {:.2} µs (leaf hash only) | {:.2} |",
		per_sample(verify),
		per_sample(leaves_only),
		verify.as_secs_f64() / leaves_only.as_secs_f64()
	);
	println!(
		"| prove time per sample ({} samples over {} fragments) | {:.1} µs | | |",
		samples.len(),
		encoded.fragments.len(),
		per_sample(prove_time)
	);
	println!();
}

/// How often a challenge of the chain's sample count catches a miner that lost a share
/// of its data, simulated with the chain's own sample derivation, against the formula
/// `1 − (1 − f)^n`. Two kinds of loss: chunks scattered over a 2 GiB column, and whole
/// files out of 1,000 (each sample draws its file, as the audit does).
fn detection_table() {
	const TRIALS: u32 = 20_000;
	let samples = samples_for_detection(990_000, 50_000).expect("reachable");
	let geometry = FileGeometry::new(Layout::default(), 2 << 30).expect("geometry");
	let unit = |parts: &[&[u8]]| {
		let mut preimage = Vec::new();
		parts.iter().for_each(|part| preimage.extend_from_slice(part));
		let hash = Hasher::hash(&preimage);
		f64::from(u32::from_le_bytes([hash[0], hash[1], hash[2], hash[3]])) / 4_294_967_296.0
	};
	println!("| missing | kind | detected per period ({TRIALS} challenges of {samples} samples) | 1 − (1 − f)^{samples} | ratio | caught within 3 periods |");
	println!("|---|---|---|---|---|---|");
	for missing_ppm in [10_000u32, 50_000, 100_000] {
		let share = f64::from(missing_ppm) / f64::from(PPM);
		let formula = 1.0 - (1.0 - share).powi(samples as i32);
		let chunk_lost = |segment: u32, chunk: u32| {
			unit(&[b"lost", &segment.to_le_bytes(), &chunk.to_le_bytes()]) < share
		};
		// Draws are uniform over the files, so which ones are lost does not matter.
		let file_lost = |file: u32| file < missing_ppm / 1_000;
		let mut caught = [0u32; 2];
		for trial in 0..TRIALS {
			let mut seed = [0u8; 32];
			seed[..4].copy_from_slice(&trial.to_le_bytes());
			let drawn = derive_samples::<Hasher>(&seed, &geometry, 3, samples).expect("samples");
			if drawn.iter().any(|sample| chunk_lost(sample.segment, sample.chunk)) {
				caught[0] += 1;
			}
			let files = (0..samples).map(|n| unit(&[b"draw", &seed, &n.to_le_bytes()]));
			if files.map(|draw| (draw * 1000.0) as u32).any(file_lost) {
				caught[1] += 1;
			}
		}
		for (kind, count) in ["scattered chunks", "whole files"].iter().zip(caught) {
			let rate = f64::from(count) / f64::from(TRIALS);
			println!(
				"| {:.0} % | {kind} | {:.2} % | {:.2} % | {:.3} | {:.4} % |",
				share * 100.0,
				rate * 100.0,
				formula * 100.0,
				rate / formula,
				(1.0 - (1.0 - rate).powi(3)) * 100.0
			);
		}
	}
	println!();
}
