//! The client's view: an object becomes a payload (optionally compressed, then sealed)
//! that is encoded into fragments, and fragments become the object again.

use std::io::{self, Read, Write};

use deoss_primitives::Fid;

use crate::{
	compress,
	crypto::ObjectCipher,
	decode::{DecodeReport, FragmentSource, PayloadReader},
	encode::{EncodedFile, Encoder, FragmentSink},
	error::PipelineError,
	manifest::Manifest,
};

/// How an object is turned into its payload, and back.
#[derive(Clone, Debug, Default)]
pub struct ObjectOptions {
	/// zstd level, or `None` to store the object uncompressed.
	pub compression: Option<i32>,
	/// The object's cipher, or `None` to store it in the clear.
	pub cipher: Option<ObjectCipher>,
}

impl ObjectOptions {
	/// Compressed with the default level, encrypted with a fresh random key.
	pub fn compressed_and_encrypted() -> Self {
		Self { compression: Some(compress::DEFAULT_LEVEL), cipher: Some(ObjectCipher::generate()) }
	}
}

/// The payload stream of `object`: what the client uploads and the encoder consumes.
///
/// Deterministic for a given object and options, so the client can compute the FID in a
/// first pass and stream the same payload to the scheduler in a second.
pub fn payload_reader<'a, R: Read + 'a>(
	object: R,
	options: &ObjectOptions,
	segment_size: u32,
) -> Result<Box<dyn Read + 'a>, PipelineError> {
	let compressed: Box<dyn Read + 'a> = match options.compression {
		Some(level) => Box::new(compress::compressing_reader(object, level)?),
		None => Box::new(object),
	};
	Ok(match &options.cipher {
		Some(cipher) => Box::new(cipher.seal(compressed, segment_size)?),
		None => compressed,
	})
}

/// The object behind a payload stream: opens and decompresses as it is read.
pub fn object_reader<'a, R: Read + 'a>(
	payload: R,
	options: &ObjectOptions,
	segment_size: u32,
) -> Result<Box<dyn Read + 'a>, PipelineError> {
	let opened: Box<dyn Read + 'a> = match &options.cipher {
		Some(cipher) => Box::new(cipher.open(payload, segment_size)?),
		None => Box::new(payload),
	};
	Ok(match options.compression {
		Some(_) => Box::new(compress::decompressing_reader(opened)?),
		None => opened,
	})
}

/// Compresses, seals and encodes `object`, handing segments to `sink`.
pub fn encode_object<R: Read, S: FragmentSink + ?Sized>(
	object: R,
	options: &ObjectOptions,
	encoder: &Encoder,
	sink: &mut S,
) -> Result<EncodedFile, PipelineError> {
	let payload = payload_reader(object, options, encoder.layout().segment_size)?;
	encoder.encode(payload, sink)
}

/// Decodes file `fid` from `source`, then opens and decompresses it into `out`.
pub fn decode_object(
	fid: &Fid,
	manifest: &Manifest,
	source: impl FragmentSource,
	options: &ObjectOptions,
	mut out: impl Write,
) -> Result<DecodeReport, PipelineError> {
	let mut payload = PayloadReader::new(fid, manifest, source)?;
	let mut object = object_reader(&mut payload, options, manifest.layout.segment_size)?;
	io::copy(&mut object, &mut out)?;
	drop(object);
	Ok(payload.report().clone())
}
