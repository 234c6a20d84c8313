//! Arrays of fixed-size numbers ([`WireArray`]): the array length, then the
//! numbers big-endian, kept as they are on the wire. Decoding takes one
//! slice of the input for the whole array; encoding writes it back as is.

use super::{array, Reader};
use crate::error::{DecodeError, EncodeError};
use crate::wire_array::{WireArray, WireScalar};
use bytes::BufMut;

/// Writes an array of fixed-size numbers: its length, then its bytes as
/// they are.
#[inline]
pub(crate) fn put<B: BufMut, T: WireScalar>(
    buf: &mut B,
    items: &WireArray<T>,
    compact: bool,
) -> Result<(), EncodeError> {
    array::put_len(buf, items.len(), compact)?;
    buf.put_slice(items.wire_bytes());
    Ok(())
}

/// Writes an array of fixed-size numbers that may be null.
#[inline]
pub(crate) fn put_nullable<B: BufMut, T: WireScalar>(
    buf: &mut B,
    items: Option<&WireArray<T>>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match items {
        Some(items) => put(buf, items, compact),
        None => array::put_null(buf, compact, nullable, version),
    }
}

/// The encoded size of an array of fixed-size numbers.
#[inline]
pub(crate) fn size<T: WireScalar>(items: &WireArray<T>, compact: bool) -> usize {
    array::len_size(items.len(), compact) + items.wire_bytes().len()
}

/// The encoded size of an array of fixed-size numbers that may be null.
#[inline]
pub(crate) fn nullable_size<T: WireScalar>(items: Option<&WireArray<T>>, compact: bool) -> usize {
    match items {
        Some(items) => size(items, compact),
        None => array::null_size(compact),
    }
}

/// An array of fixed-size numbers that may not be null.
#[inline]
pub(crate) fn read<T: WireScalar>(
    r: &mut Reader<'_>,
    compact: bool,
    version: i16,
) -> Result<WireArray<T>, DecodeError> {
    match read_nullable(r, compact, false, version)? {
        Some(items) => Ok(items),
        None => unreachable!("read_len returns None only when nullable"),
    }
}

/// An array of fixed-size numbers, shared with the buffer (no copy, no
/// allocation); `None` for a null array.
#[inline]
pub(crate) fn read_nullable<T: WireScalar>(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<Option<WireArray<T>>, DecodeError> {
    let Some(len) = array::read_len(r, compact, nullable, version)? else {
        return Ok(None);
    };
    // len <= remaining (checked by read_len), so this cannot overflow.
    let bytes = r.read_slice(len * T::SIZE)?;
    Ok(Some(WireArray::from_wire_bytes(bytes).expect("a whole number of elements")))
}
