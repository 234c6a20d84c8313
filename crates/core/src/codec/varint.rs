//! Varints: Kafka's unsigned varints (lengths, counts and tags of flexible
//! versions) and zig-zag signed varints and varlongs (record fields).
//! Used by the generated code and by kafka-wire's record encoder; not a
//! stable API.

use bytes::BufMut;

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
    // Lengths, counts and tags are nearly always one byte; record fields
    // (a record's length, its value's, its deltas) often two.
    if v < 0x80 {
        buf.put_u8(v as u8);
    } else if v < 0x4000 {
        buf.put_slice(&[(v as u8) | 0x80, (v >> 7) as u8]);
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
}
