//! Structs that may be null. Untagged, a presence marker precedes the
//! struct: an int8 (-1 null, 1 present); tagged, an unsigned varint (0
//! null). In versions where the struct is not nullable there is no marker.

use super::varint::put_uvarint;
use super::{length, Reader};
use crate::error::{DecodeError, EncodeError};
use bytes::BufMut;

/// Writes a struct that may be null.
#[inline]
pub(crate) fn put<B: BufMut, T>(
    buf: &mut B,
    value: Option<&T>,
    nullable: bool,
    tagged: bool,
    version: i16,
    write: impl FnOnce(&mut B, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    if nullable {
        match (value.is_some(), tagged) {
            (true, true) => put_uvarint(buf, 1),
            (false, true) => put_uvarint(buf, 0),
            (true, false) => buf.put_i8(1),
            (false, false) => buf.put_i8(-1),
        }
    }
    match value {
        Some(v) => write(buf, v),
        None if nullable => Ok(()),
        None => Err(length::null_not_allowed(version)),
    }
}

/// The encoded size of a struct that may be null.
#[inline]
pub(crate) fn size<T>(value: Option<&T>, nullable: bool, size: impl FnOnce(&T) -> usize) -> usize {
    usize::from(nullable) + value.map_or(0, size)
}

/// Reads a struct that may be null.
#[inline]
pub(crate) fn read<T>(
    r: &mut Reader<'_>,
    nullable: bool,
    tagged: bool,
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    if nullable {
        let present = if tagged { r.read_uvarint()? > 0 } else { r.read_i8()? >= 0 };
        if !present {
            return Ok(None);
        }
    }
    read(r).map(Some)
}
