//! Random, version-valid instances of every message (feature `random`).
//!
//! The property tests use these to roundtrip every message at every version;
//! they are public so users can do the same in their own tests. Values are
//! small (short strings, arrays of at most three elements) so nested messages
//! stay cheap, and a field absent at the requested version keeps its default.

use crate::codec::RawTaggedField;
use crate::str_bytes::StrBytes;
use bytes::Bytes;
use uuid::Uuid;

pub use fastrand::Rng;

/// A random instance valid for encoding at `version`.
pub trait Random: Sized {
    /// A random instance that encodes at `version`.
    fn random(rng: &mut Rng, version: i16) -> Self;
}

/// A short string, sometimes with multi-byte characters.
pub fn string(rng: &mut Rng) -> StrBytes {
    const ALPHABET: &[char] = &['a', 'b', 'z', '0', '9', '-', '_', '.', 'é', 'ß', '日', '🦀'];
    let len = rng.usize(0..8);
    let s: String = (0..len).map(|_| ALPHABET[rng.usize(0..ALPHABET.len())]).collect();
    StrBytes::from(s)
}

/// Short bytes, now and then (1 in 16) a payload of 0.5-2 KiB, long
/// enough for [`crate::VectoredBuf`] to share it instead of copying.
pub fn bytes(rng: &mut Rng) -> Bytes {
    let len = if rng.u8(..16) == 0 { rng.usize(512..2048) } else { rng.usize(0..12) };
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

/// A vector of 0 to 3 elements.
pub fn vec<T>(rng: &mut Rng, mut element: impl FnMut(&mut Rng) -> T) -> Vec<T> {
    let len = rng.usize(0..4);
    (0..len).map(|_| element(rng)).collect()
}

/// Whether to make a nullable value null (one time in four).
pub fn null(rng: &mut Rng) -> bool {
    rng.u8(..) < 64
}

/// Unknown tagged fields with tags none of `known` uses, ascending (the
/// order a decoder reads them back in).
pub fn unknown_tagged_fields(rng: &mut Rng, known: &[u32]) -> Vec<RawTaggedField> {
    if rng.u8(..) >= 64 {
        return Vec::new();
    }
    let mut tags: Vec<u32> = (0..rng.usize(1..3)).map(|_| rng.u32(0..20)).filter(|t| !known.contains(t)).collect();
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter().map(|tag| RawTaggedField { tag, data: bytes(rng) }).collect()
}
