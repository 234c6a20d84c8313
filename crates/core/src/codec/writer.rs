use super::{SharedSlice, VectoredBuf};
use crate::error::{EncodeError, EncodeErrorKind};
use bytes::{BufMut, Bytes};
use uuid::Uuid;

use super::MAX_STRING_LEN;

/// The longest bytes or array length an int32 prefix can carry.
const MAX_I32_LEN: usize = i32::MAX as usize;

#[cold]
fn too_long(length: usize, max: usize) -> EncodeError {
    EncodeError::new(EncodeErrorKind::TooLong { length, max })
}

#[cold]
fn null_not_allowed(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::NullNotAllowed { version })
}

/// Writes an unsigned varint (7 bits a byte, low bits first).
#[inline]
pub fn put_uvarint<B: BufMut>(buf: &mut B, v: u32) {
    put_uvarlong(buf, v as u64)
}

/// Zig-zag encoding of a signed varint (small magnitudes, small values).
#[inline]
pub const fn zigzag32(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

/// Zig-zag encoding of a signed varlong.
#[inline]
pub const fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Writes a zig-zag signed varint.
#[inline]
pub fn put_varint<B: BufMut>(buf: &mut B, v: i32) {
    put_uvarint(buf, zigzag32(v))
}

/// Writes an unsigned varlong.
#[inline]
pub fn put_uvarlong<B: BufMut>(buf: &mut B, v: u64) {
    // Lengths, counts and tags are nearly always one byte.
    if v < 0x80 {
        buf.put_u8(v as u8);
    } else {
        put_uvarlong_multi(buf, v);
    }
}

/// A varlong of two or more bytes, assembled on the stack and written in
/// one call (one capacity check instead of one per byte).
fn put_uvarlong_multi<B: BufMut>(buf: &mut B, v: u64) {
    let mut bytes = StackBytes::<10>::new();
    bytes.uvarlong(v);
    bytes.put_into(buf);
}

/// Small values (bytes, varints) assembled on the stack, then written with
/// one `put_slice`: one capacity check for all of them instead of one per
/// byte. `N` must cover the longest sequence written.
#[doc(hidden)] // used by kafka-wire's record encoder; not a stable API
pub struct StackBytes<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> StackBytes<N> {
    #[inline(always)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        StackBytes { bytes: [0; N], len: 0 }
    }

    #[inline(always)]
    pub fn byte(&mut self, b: u8) {
        self.bytes[self.len] = b;
        self.len += 1;
    }

    #[inline(always)]
    pub fn uvarlong(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.byte((v as u8) | 0x80);
            v >>= 7;
        }
        self.byte(v as u8);
    }

    #[inline(always)]
    pub fn varint(&mut self, v: i32) {
        self.uvarlong(zigzag32(v) as u64)
    }

    #[inline(always)]
    pub fn varlong(&mut self, v: i64) {
        self.uvarlong(zigzag64(v))
    }

    #[inline(always)]
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// How many bytes were assembled.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Writes the assembled bytes to `buf`. When the buffer's next chunk
    /// has room for all `N`, the whole array is copied (a copy of constant
    /// size, done inline, where a variable-length copy calls `memcpy`) and
    /// only the assembled part is committed.
    #[inline(always)]
    pub fn put_into<B: BufMut>(&self, buf: &mut B) {
        let dst = buf.chunk_mut();
        if dst.len() >= N {
            dst[..N].copy_from_slice(&self.bytes);
            // SAFETY: the first `len` (<= N) bytes of the chunk were just written.
            unsafe { buf.advance_mut(self.len) };
        } else {
            buf.put_slice(self.as_slice());
        }
    }
}

/// Writes a zig-zag signed varlong.
#[inline]
pub fn put_varlong<B: BufMut>(buf: &mut B, v: i64) {
    put_uvarlong(buf, zigzag64(v))
}

/// The encoded size of an unsigned varint.
#[inline]
pub const fn uvarint_size(v: u32) -> usize {
    // One byte per started group of 7 significant bits, at least one.
    let bits = 32 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// The encoded size of a zig-zag signed varint.
#[inline]
pub const fn varint_size(v: i32) -> usize {
    uvarint_size(zigzag32(v))
}

/// The encoded size of an unsigned varlong.
#[inline]
pub const fn uvarlong_size(v: u64) -> usize {
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// The encoded size of a zig-zag signed varlong.
#[inline]
pub const fn varlong_size(v: i64) -> usize {
    uvarlong_size(zigzag64(v))
}

#[inline]
pub fn put_bool<B: BufMut>(buf: &mut B, v: bool) {
    buf.put_u8(v as u8)
}

#[inline]
pub fn put_uuid<B: BufMut>(buf: &mut B, v: &Uuid) {
    buf.put_slice(v.as_bytes())
}

/// The size of a length prefix for `len` (compact: varint of len + 1).
#[inline]
pub fn length_size(len: usize, compact: bool, short: bool) -> usize {
    if compact {
        uvarint_size(len as u32 + 1)
    } else if short {
        2
    } else {
        4
    }
}

#[inline]
fn put_length<B: BufMut>(buf: &mut B, len: usize, compact: bool, short: bool) {
    if compact {
        put_uvarint(buf, len as u32 + 1)
    } else if short {
        buf.put_i16(len as i16)
    } else {
        buf.put_i32(len as i32)
    }
}

#[inline]
fn put_null<B: BufMut>(buf: &mut B, compact: bool, short: bool) {
    if compact {
        buf.put_u8(0)
    } else if short {
        buf.put_i16(-1)
    } else {
        buf.put_i32(-1)
    }
}

/// Writes a non-null string; longer than 0x7fff bytes is an error, as in Kafka.
#[inline]
pub fn put_string<B: BufMut>(buf: &mut B, s: &str, compact: bool) -> Result<(), EncodeError> {
    if s.len() > MAX_STRING_LEN {
        return Err(too_long(s.len(), MAX_STRING_LEN));
    }
    put_length(buf, s.len(), compact, true);
    buf.put_slice(s.as_bytes());
    Ok(())
}

/// Writes a string that may be null where `nullable` allows.
#[inline]
pub fn put_nullable_string<B: BufMut>(
    buf: &mut B,
    s: Option<&str>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match s {
        Some(s) => put_string(buf, s, compact),
        None if nullable => {
            put_null(buf, compact, true);
            Ok(())
        }
        None => Err(null_not_allowed(version)),
    }
}

#[inline]
pub fn string_size(s: &str, compact: bool) -> usize {
    length_size(s.len(), compact, true) + s.len()
}

#[inline]
pub fn nullable_string_size(s: Option<&str>, compact: bool) -> usize {
    match s {
        Some(s) => string_size(s, compact),
        None => null_size(compact, true),
    }
}

/// Writes non-null bytes (also `records`). A large payload goes through
/// `BufMut::put`, so a [`VectoredBuf`] can keep it by reference; other
/// buffers copy it as `put_slice` would.
#[inline]
pub fn put_bytes<B: BufMut>(buf: &mut B, b: &Bytes, compact: bool) -> Result<(), EncodeError> {
    if b.len() > MAX_I32_LEN - 1 {
        return Err(too_long(b.len(), MAX_I32_LEN - 1));
    }
    put_length(buf, b.len(), compact, false);
    if b.len() >= VectoredBuf::MIN_SHARED_LEN {
        buf.put(SharedSlice::new(b));
    } else {
        buf.put_slice(b);
    }
    Ok(())
}

/// Writes bytes that may be null where `nullable` allows.
#[inline]
pub fn put_nullable_bytes<B: BufMut>(
    buf: &mut B,
    b: Option<&Bytes>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match b {
        Some(b) => put_bytes(buf, b, compact),
        None if nullable => {
            put_null(buf, compact, false);
            Ok(())
        }
        None => Err(null_not_allowed(version)),
    }
}

#[inline]
pub fn bytes_size(b: &[u8], compact: bool) -> usize {
    length_size(b.len(), compact, false) + b.len()
}

#[inline]
pub fn nullable_bytes_size(b: Option<&[u8]>, compact: bool) -> usize {
    match b {
        Some(b) => bytes_size(b, compact),
        None => null_size(compact, false),
    }
}

/// The size of a null marker: compact 1, else 2 (string) or 4.
#[inline]
pub fn null_size(compact: bool, short: bool) -> usize {
    if compact {
        1
    } else if short {
        2
    } else {
        4
    }
}

/// Writes an array length prefix; the caller writes the elements.
#[inline]
pub fn put_array_len<B: BufMut>(buf: &mut B, len: usize, compact: bool) -> Result<(), EncodeError> {
    if len > MAX_I32_LEN - 1 {
        return Err(too_long(len, MAX_I32_LEN - 1));
    }
    put_length(buf, len, compact, false);
    Ok(())
}

/// Writes a null array marker, if `nullable` allows.
#[inline]
pub fn put_null_array<B: BufMut>(buf: &mut B, compact: bool, nullable: bool, version: i16) -> Result<(), EncodeError> {
    if !nullable {
        return Err(null_not_allowed(version));
    }
    put_null(buf, compact, false);
    Ok(())
}

#[inline]
pub fn array_len_size(len: usize, compact: bool) -> usize {
    length_size(len, compact, false)
}

/// Writes the int8 presence marker of an untagged nullable struct.
#[inline]
pub fn put_struct_presence<B: BufMut>(
    buf: &mut B,
    present: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match (present, nullable) {
        (true, true) => buf.put_i8(1),
        (false, true) => buf.put_i8(-1),
        (true, false) => {}
        (false, false) => return Err(null_not_allowed(version)),
    }
    Ok(())
}

/// The error for writing a value in a version that cannot carry it.
#[cold]
pub fn non_default_value(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::NonDefaultValue { version })
}

/// The error for writing a version outside a message's valid range.
#[cold]
pub fn unsupported_version(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::UnsupportedVersion { version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_sizes_match_encoding() {
        for v in [0u32, 1, 127, 128, 16383, 16384, 2_097_151, 2_097_152, u32::MAX] {
            let mut out = Vec::new();
            put_uvarint(&mut out, v);
            assert_eq!(out.len(), uvarint_size(v), "{v}");
        }
        for v in [0i64, -1, 1, 63, -64, 64, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            put_varlong(&mut out, v);
            assert_eq!(out.len(), varlong_size(v), "{v}");
        }
    }

    #[test]
    fn string_encodings() {
        let mut out = Vec::new();
        put_string(&mut out, "ab", false).unwrap();
        put_string(&mut out, "ab", true).unwrap();
        put_nullable_string(&mut out, None, false, true, 1).unwrap();
        put_nullable_string(&mut out, None, true, true, 1).unwrap();
        assert_eq!(out, [0, 2, b'a', b'b', 3, b'a', b'b', 0xff, 0xff, 0]);
        assert_eq!(nullable_string_size(None, false), 2);
        assert_eq!(nullable_string_size(None, true), 1);
    }

    #[test]
    fn oversized_and_null_values_are_errors() {
        let long = "x".repeat(0x8000);
        let mut out = Vec::new();
        let err = put_string(&mut out, &long, true).unwrap_err();
        assert_eq!(err.kind(), &EncodeErrorKind::TooLong { length: 0x8000, max: 0x7fff });
        let err = put_nullable_bytes(&mut out, None, false, false, 3).unwrap_err();
        assert_eq!(err.kind(), &EncodeErrorKind::NullNotAllowed { version: 3 });
        assert!(out.is_empty());
    }
}
