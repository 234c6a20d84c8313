//! Length prefixes and null markers, shared by strings, bytes and arrays.
//! Non-compact prefixes are int16 (strings, `short`) or int32 (bytes,
//! records, arrays); compact ones (flexible versions) are an unsigned
//! varint of length + 1. A prefix of -1 (compact: 0) marks null.

use super::varint::{put_uvarint, uvarint_size};
use crate::error::{EncodeError, EncodeErrorKind};
use bytes::BufMut;

/// The longest bytes or array length an int32 prefix can carry.
pub(crate) const MAX_I32_LEN: usize = i32::MAX as usize;

#[cold]
pub(crate) fn too_long(length: usize, max: usize) -> EncodeError {
    EncodeError::new(EncodeErrorKind::TooLong { length, max })
}

#[cold]
pub(crate) fn null_not_allowed(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::NullNotAllowed { version })
}

/// The size of a length prefix for `len`.
#[inline]
pub(crate) fn size(len: usize, compact: bool, short: bool) -> usize {
    if compact {
        uvarint_size(len as u32 + 1)
    } else if short {
        2
    } else {
        4
    }
}

#[inline]
pub(crate) fn put<B: BufMut>(buf: &mut B, len: usize, compact: bool, short: bool) {
    if compact {
        put_uvarint(buf, len as u32 + 1)
    } else if short {
        buf.put_i16(len as i16)
    } else {
        buf.put_i32(len as i32)
    }
}

/// Writes a null marker.
#[inline]
pub(crate) fn put_null<B: BufMut>(buf: &mut B, compact: bool, short: bool) {
    if compact {
        buf.put_u8(0)
    } else if short {
        buf.put_i16(-1)
    } else {
        buf.put_i32(-1)
    }
}

/// The size of a null marker: compact 1, else 2 (string) or 4.
#[inline]
pub(crate) fn null_size(compact: bool, short: bool) -> usize {
    if compact {
        1
    } else if short {
        2
    } else {
        4
    }
}
