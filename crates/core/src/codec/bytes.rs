//! Bytes (and `records` fields): an int32 length (compact: varint length
//! plus one) and the bytes. Decoded bytes share the input; large ones are shared,
//! not copied, when encoding into a [`VectoredBuf`].

use super::length::{self, MAX_I32_LEN};
use super::{Reader, SharedSlice, VectoredBuf};
use crate::error::{DecodeError, EncodeError};
use bytes::{BufMut, Bytes};

/// Writes non-null bytes. A large payload goes through `BufMut::put`, so a
/// [`VectoredBuf`] can keep it by reference; other buffers copy it as
/// `put_slice` would.
#[inline]
pub(crate) fn put<B: BufMut>(buf: &mut B, b: &Bytes, compact: bool) -> Result<(), EncodeError> {
    if b.len() > MAX_I32_LEN - 1 {
        return Err(length::too_long(b.len(), MAX_I32_LEN - 1));
    }
    length::put(buf, b.len(), compact, false);
    if b.len() >= VectoredBuf::MIN_SHARED_LEN {
        buf.put(SharedSlice::new(b));
    } else {
        buf.put_slice(b);
    }
    Ok(())
}

/// Writes bytes that may be null where `nullable` allows.
#[inline]
pub(crate) fn put_nullable<B: BufMut>(
    buf: &mut B,
    b: Option<&Bytes>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match b {
        Some(b) => put(buf, b, compact),
        None if nullable => {
            length::put_null(buf, compact, false);
            Ok(())
        }
        None => Err(length::null_not_allowed(version)),
    }
}

#[inline]
pub(crate) fn size(b: &[u8], compact: bool) -> usize {
    length::size(b.len(), compact, false) + b.len()
}

#[inline]
pub(crate) fn nullable_size(b: Option<&Bytes>, compact: bool) -> usize {
    match b {
        Some(b) => size(b, compact),
        None => length::null_size(compact, false),
    }
}

/// Bytes that may not be null, shared with the buffer.
#[inline]
pub(crate) fn read(r: &mut Reader<'_>, compact: bool, version: i16) -> Result<Bytes, DecodeError> {
    match r.read_length(compact, false)? {
        None => Err(r.null_not_allowed(version)),
        Some(len) => r.read_slice(len),
    }
}

/// Nullable bytes, shared with the buffer.
#[inline]
pub(crate) fn read_nullable(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<Option<Bytes>, DecodeError> {
    match r.read_length(compact, false)? {
        None if nullable => Ok(None),
        None => Err(r.null_not_allowed(version)),
        Some(len) => r.read_slice(len).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EncodeErrorKind;

    #[test]
    fn null_where_the_version_forbids_it_is_an_error() {
        let mut out = Vec::new();
        let err = put_nullable(&mut out, None, false, false, 3).unwrap_err();
        assert_eq!(err.kind(), &EncodeErrorKind::NullNotAllowed { version: 3 });
        assert!(out.is_empty());
    }
}
