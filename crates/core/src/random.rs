//! Random, version-valid instances of every message (feature `random`).
//!
//! The property tests use these to roundtrip every message at every version;
//! they are public so users can do the same in their own tests. A field
//! absent at the requested version keeps its default. Most values are small,
//! so nested messages stay cheap, but now and then a value is large enough
//! to reach the wire format's longer forms: strings and arrays of more than
//! 127 elements (two-byte varint lengths), bytes of 16 KiB and more, tags of
//! 128 and more.
//!
//! ```
//! use kafka_wire_core::messages::MetadataRequest;
//! use kafka_wire_core::random::{Random, Rng};
//! use kafka_wire_core::{DecodeExt, EncodeExt};
//!
//! let mut rng = Rng::with_seed(7);
//! let request = MetadataRequest::random(&mut rng, 12);
//! let bytes = request.to_bytes(12)?;
//! assert_eq!(MetadataRequest::from_bytes(&bytes, 12)?, request);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::codec::{RawTaggedField, UnknownTaggedFields};
use crate::str_bytes::StrBytes;
use bytes::Bytes;
use std::ops::{Deref, DerefMut};
use uuid::Uuid;

/// A random instance valid for encoding at `version`.
pub trait Random: Sized {
    /// A random instance that encodes at `version`.
    fn random(rng: &mut Rng, version: i16) -> Self;
}

/// The random source of [`Random`]: a seeded [`fastrand::Rng`] (it derefs
/// to one) and the choices of what to generate.
#[derive(Debug, Clone)]
pub struct Rng {
    inner: fastrand::Rng,
    unknown_tagged_fields: bool,
}

impl Rng {
    /// A generator with a fixed seed: the same seed gives the same values.
    pub fn with_seed(seed: u64) -> Rng {
        Rng { inner: fastrand::Rng::with_seed(seed), unknown_tagged_fields: true }
    }

    /// Generates no unknown tagged fields (they have no JSON form, so a
    /// value meant to be compared through JSON should have none).
    pub fn without_unknown_tagged_fields(mut self) -> Rng {
        self.unknown_tagged_fields = false;
        self
    }
}

impl Deref for Rng {
    type Target = fastrand::Rng;

    fn deref(&self) -> &fastrand::Rng {
        &self.inner
    }
}

impl DerefMut for Rng {
    fn deref_mut(&mut self) -> &mut fastrand::Rng {
        &mut self.inner
    }
}

/// True one time in `n`.
fn one_in(rng: &mut Rng, n: u32) -> bool {
    rng.u32(..n) == 0
}

/// A string, sometimes with multi-byte characters; one in 32 is 128 to
/// 400 characters long.
pub fn string(rng: &mut Rng) -> StrBytes {
    const ALPHABET: &[char] = &['a', 'b', 'z', '0', '9', '-', '_', '.', 'é', 'ß', '日', '🦀'];
    let len = if one_in(rng, 32) { rng.usize(128..400) } else { rng.usize(0..8) };
    let s: String = (0..len).map(|_| ALPHABET[rng.usize(0..ALPHABET.len())]).collect();
    StrBytes::from(s)
}

/// Short bytes; one in 16 is a payload of 0.5-2 KiB, long enough for
/// [`crate::VectoredBuf`] to share it instead of copying, and one in 128
/// is 16-20 KiB.
pub fn bytes(rng: &mut Rng) -> Bytes {
    let len = match rng.u8(..128) {
        0 => rng.usize(16 << 10..20 << 10),
        1..=8 => rng.usize(512..2048),
        _ => rng.usize(0..12),
    };
    Bytes::from((0..len).map(|_| rng.u8(..)).collect::<Vec<u8>>())
}

/// A random UUID, the nil one now and then.
pub fn uuid(rng: &mut Rng) -> Uuid {
    if rng.u8(..) < 32 {
        Uuid::nil()
    } else {
        Uuid::from_u128(rng.u128(..))
    }
}

/// A finite float (NaN would not compare equal after a roundtrip).
pub fn float64(rng: &mut Rng) -> f64 {
    (rng.f64() - 0.5) * 1e6
}

/// Small integers are more interesting to Kafka than uniform ones (0, -1,
/// defaults), so half the time pick from a small range.
pub fn i32(rng: &mut Rng) -> i32 {
    if rng.bool() {
        rng.i32(-2..5)
    } else {
        rng.i32(..)
    }
}

/// Like [`i32()`], for int64 fields.
pub fn i64(rng: &mut Rng) -> i64 {
    if rng.bool() {
        rng.i64(-2..5)
    } else {
        rng.i64(..)
    }
}

/// A vector of 0 to 3 elements; one in 64 has 128 to 140.
pub fn vec<T>(rng: &mut Rng, mut element: impl FnMut(&mut Rng) -> T) -> Vec<T> {
    let len = if one_in(rng, 64) { rng.usize(128..140) } else { rng.usize(0..4) };
    (0..len).map(|_| element(rng)).collect()
}

/// Whether to make a nullable value null (one time in four).
pub fn null(rng: &mut Rng) -> bool {
    rng.u8(..) < 64
}

/// Unknown tagged fields with tags none of `known` uses, ascending (the
/// order a decoder reads them back in); tags from 128 (two-byte varints)
/// up to `i32::MAX` (Kafka's largest, as Java holds tags in an `int`) now
/// and then. None if the generator was made
/// [`Rng::without_unknown_tagged_fields`].
pub fn unknown_tagged_fields(rng: &mut Rng, known: &[u32]) -> UnknownTaggedFields {
    if !rng.unknown_tagged_fields || rng.u8(..) >= 64 {
        return UnknownTaggedFields::new();
    }
    let mut tags: Vec<u32> = (0..rng.usize(1..4))
        .map(|_| match rng.u8(..8) {
            0 => rng.u32(128..=i32::MAX as u32),
            1 => rng.u32(20..128),
            _ => rng.u32(0..20),
        })
        .filter(|t| !known.contains(t))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter().map(|tag| RawTaggedField { tag, data: bytes(rng) }).collect()
}
