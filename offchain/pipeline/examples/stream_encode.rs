//! Streams a generated object of any size through the encoder with the fragments
//! discarded, to measure throughput and (under `/usr/bin/time -v`) peak memory.
//!
//! `stream_encode [size in MiB, default 2048] [threads, default 2] [--seal]`

use std::{
	io::{self, Read},
	time::Instant,
};

use deoss_pipeline::{
	primitives::Layout, EncodedSegment, Encoder, ObjectCipher, ObjectOptions, PipelineError,
};

/// Pseudo-random bytes made on the fly, so the object never exists as a whole.
struct GeneratedObject {
	remaining: u64,
	state: u64,
}

impl Read for GeneratedObject {
	fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
		let count = (buffer.len() as u64).min(self.remaining) as usize;
		for word in buffer[..count].chunks_mut(8) {
			self.state ^= self.state << 13;
			self.state ^= self.state >> 7;
			self.state ^= self.state << 17;
			word.copy_from_slice(&self.state.to_le_bytes()[..word.len()]);
		}
		self.remaining -= count as u64;
		Ok(count)
	}
}

fn main() -> Result<(), PipelineError> {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let numbers: Vec<u64> = args.iter().filter_map(|arg| arg.parse().ok()).collect();
	let size_mib = numbers.first().copied().unwrap_or(2048);
	let threads = numbers.get(1).copied().unwrap_or(2) as usize;
	let seal = args.iter().any(|arg| arg == "--seal");

	let layout = Layout::default();
	let encoder = Encoder::new(layout)?.threads(threads);
	let object = GeneratedObject { remaining: size_mib << 20, state: 0x9e37_79b9_7f4a_7c15 };
	let options = ObjectOptions { compression: None, cipher: seal.then(ObjectCipher::generate) };
	let mut fragment_bytes = 0u64;
	let start = Instant::now();
	let encoded = deoss_pipeline::encode_object(
		object,
		&options,
		&encoder,
		&mut |segment: &EncodedSegment| {
			fragment_bytes +=
				segment.fragments().map(|fragment| fragment.len() as u64).sum::<u64>();
			Ok(())
		},
	)?;
	let seconds = start.elapsed().as_secs_f64();
	println!(
		"FID {} | {size_mib} MiB in {seconds:.1} s = {:.0} MiB/s | {} segments, {} MiB of fragments, {threads} threads{}",
		encoded.fid,
		size_mib as f64 / seconds,
		encoded.manifest.segments.len(),
		fragment_bytes >> 20,
		if seal { ", sealed" } else { "" },
	);
	Ok(())
}
