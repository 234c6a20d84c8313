use crate::error::{DecodeError, DecodeErrorKind};
use bytes::Bytes;
use uuid::Uuid;

/// A cursor over a [`Bytes`] buffer.
///
/// Fixed-size reads copy a few bytes out; strings, bytes and records are
/// returned as slices that share the buffer (`Bytes::slice`), so decoding a
/// message never copies its payloads. Every read is bounds-checked and
/// returns a [`DecodeError`] carrying the byte offset, never a panic.
pub struct Reader<'a> {
    /// The whole buffer, for zero-copy slices.
    buf: &'a Bytes,
    /// The readable part of `buf` (a tagged field's reader ends early).
    /// Reads index this slice: held directly, its pointer and length stay
    /// in registers instead of being reloaded through `buf`.
    data: &'a [u8],
    pos: usize,
}

macro_rules! read_be {
    ($name:ident, $ty:ty, $n:expr) => {
        #[doc = concat!("A big-endian `", stringify!($ty), "`.")]
        #[inline]
        pub fn $name(&mut self) -> Result<$ty, DecodeError> {
            let bytes = self.take::<$n>()?;
            Ok(<$ty>::from_be_bytes(bytes))
        }
    };
}

impl<'a> Reader<'a> {
    /// A reader over the whole buffer.
    #[inline]
    pub fn new(buf: &'a Bytes) -> Self {
        Reader { buf, data: &buf[..], pos: 0 }
    }

    /// The offset of the next byte, from the start of the buffer.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// How many bytes are left to read.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// An error of `kind` at the current position.
    #[cold]
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(kind, self.pos)
    }

    #[cold]
    fn eof(&self, needed: usize) -> DecodeError {
        self.error(DecodeErrorKind::UnexpectedEof { needed, remaining: self.remaining() })
    }

    #[inline]
    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        match self.read_fixed::<N>() {
            Some(bytes) => Ok(bytes),
            None => Err(self.eof(N)),
        }
    }

    /// The next `N` bytes, or `None` (reading nothing) if fewer are left.
    /// The generated code reads runs of fixed-size fields with it.
    #[inline]
    pub(crate) fn read_fixed<const N: usize>(&mut self) -> Option<[u8; N]> {
        // pos <= data.len(), so pos + N cannot overflow.
        let bytes = self.data.get(self.pos..self.pos + N)?;
        self.pos += N;
        Some(bytes.try_into().expect("N bytes"))
    }

    read_be!(read_i8, i8, 1);
    read_be!(read_i16, i16, 2);
    read_be!(read_u16, u16, 2);
    read_be!(read_i32, i32, 4);
    read_be!(read_u32, u32, 4);
    read_be!(read_i64, i64, 8);
    read_be!(read_f64, f64, 8);

    /// A bool: any non-zero byte is true, as in Kafka.
    #[inline]
    pub fn read_bool(&mut self) -> Result<bool, DecodeError> {
        Ok(self.read_i8()? != 0)
    }

    /// A UUID: 16 bytes, most significant first.
    #[inline]
    pub fn read_uuid(&mut self) -> Result<Uuid, DecodeError> {
        Ok(Uuid::from_bytes(self.take::<16>()?))
    }

    /// An unsigned varint of at most 5 bytes (Kafka's `readUnsignedVarint`).
    #[inline]
    pub fn read_uvarint(&mut self) -> Result<u32, DecodeError> {
        match self.read_short_varint() {
            Some(v) => Ok(v as u32),
            None => self.read_uvarint_slow(),
        }
    }

    /// A varint of one or two bytes, if the next one is: most varints
    /// (lengths, counts, tags) fit in one byte; record and value lengths of
    /// a few hundred bytes, and timestamp deltas of a few seconds, take
    /// two. The one-byte test comes first on its own: a varint that ends
    /// its input (a record's header count) has no second byte to look at.
    /// `None` leaves the position where it was, for the byte-by-byte read.
    #[inline(always)]
    fn read_short_varint(&mut self) -> Option<u16> {
        match self.data.get(self.pos) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                return Some(b as u16);
            }
            _ => {}
        }
        match self.data.get(self.pos..self.pos + 2) {
            Some(&[b0, b1]) if b1 < 0x80 => {
                self.pos += 2;
                Some((b0 & 0x7f) as u16 | (b1 as u16) << 7)
            }
            _ => None,
        }
    }

    #[inline(never)]
    fn read_uvarint_slow(&mut self) -> Result<u32, DecodeError> {
        let mut value: u32 = 0;
        for i in 0..5 {
            let b = self.read_i8()? as u8;
            value |= ((b & 0x7f) as u32) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error(DecodeErrorKind::VarintTooLong))
    }

    /// A zig-zag signed varint of at most 5 bytes.
    #[inline]
    pub fn read_varint(&mut self) -> Result<i32, DecodeError> {
        let raw = self.read_uvarint()?;
        Ok(((raw >> 1) as i32) ^ -((raw & 1) as i32))
    }

    /// An unsigned varlong of at most 10 bytes.
    #[inline]
    pub fn read_uvarlong(&mut self) -> Result<u64, DecodeError> {
        match self.read_short_varint() {
            Some(v) => Ok(v as u64),
            None => self.read_uvarlong_slow(),
        }
    }

    #[inline(never)]
    fn read_uvarlong_slow(&mut self) -> Result<u64, DecodeError> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let b = self.read_i8()? as u8;
            value |= ((b & 0x7f) as u64) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error(DecodeErrorKind::VarintTooLong))
    }

    /// A zig-zag signed varlong of at most 10 bytes.
    #[inline]
    pub fn read_varlong(&mut self) -> Result<i64, DecodeError> {
        let raw = self.read_uvarlong()?;
        Ok(((raw >> 1) as i64) ^ -((raw & 1) as i64))
    }

    /// The next `len` bytes, shared with the buffer (no copy).
    #[inline]
    pub fn read_slice(&mut self, len: usize) -> Result<Bytes, DecodeError> {
        let start = self.pos;
        self.read_borrowed(len)?;
        Ok(self.buf.slice(start..self.pos))
    }

    /// Reads `len` bytes as a slice borrowed from the buffer (no reference
    /// count, no copy; for readers that hand out borrowed views).
    #[inline]
    pub fn read_borrowed(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < len {
            return Err(
                self.error(DecodeErrorKind::LengthExceedsInput { length: len as u64, remaining: self.remaining() })
            );
        }
        let out = &self.data[self.pos..self.pos + len];
        self.pos += len;
        Ok(out)
    }

    /// The whole buffer this reader reads from.
    #[inline]
    pub fn buffer(&self) -> &'a Bytes {
        self.buf
    }

    /// The error of reading `fields` (name, size) one by one from here when
    /// [`Reader::read_fixed`] found too few bytes for all of them: at the
    /// first field that does not fit.
    #[cold]
    pub(crate) fn fixed_run_error(&self, fields: &[(&'static str, usize)]) -> DecodeError {
        let remaining = self.remaining();
        let mut at = 0;
        for &(name, size) in fields {
            if at + size > remaining {
                let kind = DecodeErrorKind::UnexpectedEof { needed: size, remaining: remaining - at };
                return DecodeError::new(kind, self.pos + at).in_field(name);
            }
            at += size;
        }
        unreachable!("fixed_run_error called for fields that fit")
    }

    /// Skips `len` bytes.
    #[inline]
    pub fn skip(&mut self, len: usize) -> Result<(), DecodeError> {
        if self.remaining() < len {
            return Err(self.eof(len));
        }
        self.pos += len;
        Ok(())
    }

    /// Reads a length prefix: `None` for null, `Some(n)` otherwise.
    /// Non-compact prefixes are int16 (`short`) or int32; compact ones are an
    /// unsigned varint holding length + 1. As in Kafka's generated readers,
    /// every negative length is null (-1 is what writers write; a nullable
    /// field given -2 reads as null and is written back as -1).
    #[inline]
    pub(crate) fn read_length(&mut self, compact: bool, short: bool) -> Result<Option<usize>, DecodeError> {
        let len: i64 = if compact {
            // Kafka reads the varint into an int: from 2^31 on it is
            // negative, so the length is negative too, which is a null.
            (self.read_uvarint()? as i32).wrapping_sub(1) as i64
        } else if short {
            self.read_i16()? as i64
        } else {
            self.read_i32()? as i64
        };
        if len < 0 {
            return Ok(None);
        }
        Ok(Some(len as usize))
    }

    #[cold]
    pub(crate) fn null_not_allowed(&self, version: i16) -> DecodeError {
        self.error(DecodeErrorKind::NullNotAllowed { version })
    }

    /// A reader over the next `len` bytes (a tagged field's value, a
    /// length-prefixed record); this reader moves past them. Errors of the
    /// new reader give offsets in the whole input.
    #[inline]
    pub fn sub_reader(&mut self, len: usize) -> Result<Reader<'a>, DecodeError> {
        if self.remaining() < len {
            return Err(
                self.error(DecodeErrorKind::LengthExceedsInput { length: len as u64, remaining: self.remaining() })
            );
        }
        let sub = Reader { buf: self.buf, data: &self.data[..self.pos + len], pos: self.pos };
        self.pos += len;
        Ok(sub)
    }

    /// Fails unless every byte was consumed.
    #[inline]
    pub fn expect_end(&self) -> Result<(), DecodeError> {
        if self.remaining() != 0 {
            return Err(self.error(DecodeErrorKind::TrailingBytes(self.remaining())));
        }
        Ok(())
    }

    /// The rest of the input, shared with the buffer.
    #[inline]
    pub fn read_rest(&mut self) -> Bytes {
        let out = self.buf.slice(self.pos..self.data.len());
        self.pos = self.data.len();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{array, string, wire_array};

    /// The one- and two-byte fast paths against the byte-by-byte reading:
    /// every value around their edges, alone (the varint ends the input)
    /// and followed by more bytes, and every truncation an error.
    #[test]
    fn varint_fast_paths_read_what_the_slow_path_reads() {
        use crate::codec::varint::{put_uvarint, put_uvarlong};
        let values = (0u64..0x4100).chain([0x1f_ffff, 0x20_0000, u32::MAX as u64]);
        for v in values {
            for trailing in [&[][..], &[0x01, 0x80][..]] {
                let mut bytes = Vec::new();
                put_uvarlong(&mut bytes, v);
                let len = bytes.len();
                bytes.extend_from_slice(trailing);
                let buf = Bytes::from(bytes.clone());
                let mut r = Reader::new(&buf);
                assert_eq!(r.read_uvarlong().unwrap(), v, "{v:#x}");
                assert_eq!(r.remaining(), trailing.len());
                if let Ok(v32) = u32::try_from(v) {
                    let mut ours = Vec::new();
                    put_uvarint(&mut ours, v32);
                    assert_eq!(ours, bytes[..len], "{v:#x}");
                    let mut r = Reader::new(&buf);
                    assert_eq!(r.read_uvarint().unwrap(), v32, "{v:#x}");
                    assert_eq!(r.remaining(), trailing.len());
                }
                for cut in 0..len {
                    let short = Bytes::copy_from_slice(&bytes[..cut]);
                    assert!(Reader::new(&short).read_uvarlong().is_err(), "{v:#x} cut at {cut}");
                    assert!(Reader::new(&short).read_uvarint().is_err(), "{v:#x} cut at {cut}");
                }
            }
        }
    }

    #[test]
    fn fixed_run_errors_match_field_by_field_reads() {
        for len in 0..7 {
            let buf = Bytes::from(vec![0u8; len]);
            let mut run = Reader::new(&buf);
            assert!(run.read_fixed::<7>().is_none());
            assert_eq!(run.position(), 0, "a failed run reads nothing");
            let run_error = run.fixed_run_error(&[("A", 2), ("B", 4), ("C", 1)]);

            let mut r = Reader::new(&buf);
            let one_by_one = (|| {
                r.read_i16().map_err(|e| e.in_field("A"))?;
                r.read_i32().map_err(|e| e.in_field("B"))?;
                r.read_i8().map_err(|e| e.in_field("C"))
            })()
            .unwrap_err();
            assert_eq!(run_error, one_by_one, "{len} bytes");
        }
    }

    #[test]
    fn reads_big_endian_ints() {
        let buf = Bytes::from_static(&[0x01, 0x02, 0xff, 0xff, 0xff, 0xfe]);
        let mut r = Reader::new(&buf);
        assert_eq!(r.read_i16().unwrap(), 0x0102);
        assert_eq!(r.read_i32().unwrap(), -2);
        assert!(matches!(r.read_i8().unwrap_err().kind(), DecodeErrorKind::UnexpectedEof { .. }));
    }

    #[test]
    fn varints_match_kafka() {
        // 300 = 0b1_0010_1100 -> 0xac 0x02
        let buf = Bytes::from_static(&[0xac, 0x02, 0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        let mut r = Reader::new(&buf);
        assert_eq!(r.read_uvarint().unwrap(), 300);
        assert_eq!(r.read_varint().unwrap(), -2);
        assert_eq!(r.read_uvarint().unwrap_err().kind(), &DecodeErrorKind::VarintTooLong);
    }

    #[test]
    fn huge_array_length_is_rejected_before_allocating() {
        let buf = Bytes::from_static(&[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]);
        let mut r = Reader::new(&buf);
        let err = array::read_len(&mut r, false, false, 0).unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::LengthExceedsInput { length: 0x7fff_ffff, remaining: 6 });
        assert_eq!(err.offset(), 4);
    }

    #[test]
    fn wire_arrays_are_zero_copy_and_bounded() {
        let buf = Bytes::from_static(&[0, 0, 0, 2, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        let mut r = Reader::new(&buf);
        let a = wire_array::read::<i32>(&mut r, false, 0).unwrap();
        assert_eq!(a, [7, -1]);
        assert_eq!(a.wire_bytes().as_ptr(), buf[4..].as_ptr());
        assert_eq!(wire_array::read_nullable::<i32>(&mut r, false, true, 1).unwrap(), None);
        // Two int64 elements claimed, 8 bytes left.
        let short = Bytes::from_static(&[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert!(matches!(
            wire_array::read::<i64>(&mut Reader::new(&short), false, 0).unwrap_err().kind(),
            DecodeErrorKind::LengthExceedsInput { length: 16, remaining: 8 }
        ));
    }

    #[test]
    fn strings_are_zero_copy_and_bounded() {
        let buf = Bytes::from_static(&[0x00, 0x02, b'h', b'i', 0xff, 0xff]);
        let mut r = Reader::new(&buf);
        let s = string::read(&mut r, false, 0).unwrap();
        assert_eq!(s, "hi");
        assert_eq!(s.as_bytes().as_ptr(), buf[2..].as_ptr());
        assert_eq!(string::read_nullable(&mut r, false, true, 1).unwrap(), None);

        // A negative length is a null, as in Kafka: an error where null is not allowed.
        let long = Bytes::from_static(&[0x80, 0x00]);
        assert!(matches!(
            string::read(&mut Reader::new(&long), false, 0).unwrap_err().kind(),
            DecodeErrorKind::NullNotAllowed { version: 0 }
        ));
        assert_eq!(string::read_nullable(&mut Reader::new(&long), false, true, 1).unwrap(), None);
        // compact length 32769 - 1 = 32768: one byte over Kafka's limit.
        let too_long = Bytes::from_static(&[0x81, 0x80, 0x02]);
        assert_eq!(
            string::read(&mut Reader::new(&too_long), true, 0).unwrap_err().kind(),
            &DecodeErrorKind::StringTooLong(32768)
        );
    }
}
