//! Strings: an int16 length (compact: varint length + 1) and UTF-8 bytes,
//! at most 0x7fff of them, as in Kafka. Decoded strings share the input.

use super::{length, Reader};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::str_bytes::StrBytes;
use bytes::BufMut;

/// The longest string Kafka reads or writes, in bytes.
pub(crate) const MAX_LEN: usize = 0x7fff;

/// Writes a non-null string; longer than 0x7fff bytes is an error, as in Kafka.
#[inline]
pub(crate) fn put<B: BufMut>(buf: &mut B, s: &str, compact: bool) -> Result<(), EncodeError> {
    if s.len() > MAX_LEN {
        return Err(length::too_long(s.len(), MAX_LEN));
    }
    length::put(buf, s.len(), compact, true);
    buf.put_slice(s.as_bytes());
    Ok(())
}

/// Writes a string that may be null where `nullable` allows.
#[inline]
pub(crate) fn put_nullable<B: BufMut>(
    buf: &mut B,
    s: Option<&str>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match s {
        Some(s) => put(buf, s, compact),
        None if nullable => {
            length::put_null(buf, compact, true);
            Ok(())
        }
        None => Err(length::null_not_allowed(version)),
    }
}

#[inline]
pub(crate) fn size(s: &str, compact: bool) -> usize {
    length::size(s.len(), compact, true) + s.len()
}

#[inline]
pub(crate) fn nullable_size(s: Option<&str>, compact: bool) -> usize {
    match s {
        Some(s) => size(s, compact),
        None => length::null_size(compact, true),
    }
}

/// A string that may not be null.
#[inline]
pub(crate) fn read(r: &mut Reader<'_>, compact: bool, version: i16) -> Result<StrBytes, DecodeError> {
    match r.read_length(compact, true)? {
        None => Err(r.null_not_allowed(version)),
        Some(len) => read_body(r, len),
    }
}

/// A nullable string; `nullable` says whether null is allowed at `version`.
#[inline]
pub(crate) fn read_nullable(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<Option<StrBytes>, DecodeError> {
    match r.read_length(compact, true)? {
        None if nullable => Ok(None),
        None => Err(r.null_not_allowed(version)),
        Some(len) => read_body(r, len).map(Some),
    }
}

fn read_body(r: &mut Reader<'_>, len: usize) -> Result<StrBytes, DecodeError> {
    if len > MAX_LEN {
        return Err(r.error(DecodeErrorKind::StringTooLong(len)));
    }
    let start = r.position();
    let bytes = r.read_slice(len)?;
    StrBytes::from_utf8(bytes).map_err(|_| DecodeError::new(DecodeErrorKind::InvalidUtf8, start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EncodeErrorKind;

    #[test]
    fn string_encodings() {
        let mut out = Vec::new();
        put(&mut out, "ab", false).unwrap();
        put(&mut out, "ab", true).unwrap();
        put_nullable(&mut out, None, false, true, 1).unwrap();
        put_nullable(&mut out, None, true, true, 1).unwrap();
        assert_eq!(out, [0, 2, b'a', b'b', 3, b'a', b'b', 0xff, 0xff, 0]);
        assert_eq!(nullable_size(None, false), 2);
        assert_eq!(nullable_size(None, true), 1);
    }

    #[test]
    fn over_long_strings_are_errors() {
        let long = "x".repeat(0x8000);
        let mut out = Vec::new();
        let err = put(&mut out, &long, true).unwrap_err();
        assert_eq!(err.kind(), &EncodeErrorKind::TooLong { length: 0x8000, max: 0x7fff });
        assert!(out.is_empty());
    }
}
