//! Arrays of structs, strings, bytes, uuids and bools: an int32 length
//! (compact: varint length + 1), then the elements. The generated code
//! passes a closure for the element, so each message file stays short while
//! the element code is still inlined per type. (Arrays of numbers are
//! [`super::wire_array`]s.)

use super::length::{self, MAX_I32_LEN};
use super::slot::{self, Filled, Slot};
use super::Reader;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use bytes::BufMut;

/// Writes an array length prefix; the caller writes the elements.
#[inline]
pub(crate) fn put_len<B: BufMut>(buf: &mut B, len: usize, compact: bool) -> Result<(), EncodeError> {
    if len > MAX_I32_LEN - 1 {
        return Err(length::too_long(len, MAX_I32_LEN - 1));
    }
    length::put(buf, len, compact, false);
    Ok(())
}

/// Writes a null array marker, if `nullable` allows.
#[inline]
pub(crate) fn put_null<B: BufMut>(buf: &mut B, compact: bool, nullable: bool, version: i16) -> Result<(), EncodeError> {
    if !nullable {
        return Err(length::null_not_allowed(version));
    }
    length::put_null(buf, compact, false);
    Ok(())
}

/// The size of an array's length prefix.
#[inline]
pub(crate) fn len_size(len: usize, compact: bool) -> usize {
    length::size(len, compact, false)
}

/// The size of a null array marker.
#[inline]
pub(crate) fn null_size(compact: bool) -> usize {
    length::null_size(compact, false)
}

/// Writes a non-nullable array.
#[inline]
pub(crate) fn put<B: BufMut, T>(
    buf: &mut B,
    items: &[T],
    compact: bool,
    mut write: impl FnMut(&mut B, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    put_len(buf, items.len(), compact)?;
    for (i, item) in items.iter().enumerate() {
        write(buf, item).map_err(|e| e.in_index(i))?;
    }
    Ok(())
}

/// Writes an array that may be null where `nullable` allows.
#[inline]
pub(crate) fn put_nullable<B: BufMut, T>(
    buf: &mut B,
    items: Option<&[T]>,
    compact: bool,
    nullable: bool,
    version: i16,
    write: impl FnMut(&mut B, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    match items {
        Some(items) => put(buf, items, compact, write),
        None => put_null(buf, compact, nullable, version),
    }
}

/// The encoded size of an array whose elements have a variable size.
#[inline]
pub(crate) fn size<T>(items: &[T], compact: bool, size: impl Fn(&T) -> usize) -> usize {
    len_size(items.len(), compact) + items.iter().map(size).sum::<usize>()
}

/// The encoded size of an array that may be null.
#[inline]
pub(crate) fn nullable_size<T>(items: Option<&[T]>, compact: bool, element_size: impl Fn(&T) -> usize) -> usize {
    match items {
        Some(items) => size(items, compact, element_size),
        None => null_size(compact),
    }
}

/// The encoded size of an array whose elements all take `element_size` bytes.
#[inline]
pub(crate) fn fixed_size<T>(items: &[T], compact: bool, element_size: usize) -> usize {
    len_size(items.len(), compact) + items.len() * element_size
}

/// The encoded size of an array of fixed-size elements that may be null.
#[inline]
pub(crate) fn nullable_fixed_size<T>(items: Option<&[T]>, compact: bool, element_size: usize) -> usize {
    match items {
        Some(items) => fixed_size(items, compact, element_size),
        None => null_size(compact),
    }
}

/// Reads an array length; `None` for a null array. A length larger than the
/// remaining input is rejected here, before anything is allocated (every
/// element takes at least one byte on the wire... or zero for an empty
/// struct, which Kafka rejects the same way).
#[inline]
pub(crate) fn read_len(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<Option<usize>, DecodeError> {
    match r.read_length(compact, false)? {
        None if nullable => Ok(None),
        None => Err(r.null_not_allowed(version)),
        Some(len) if len > r.remaining() => {
            Err(r.error(DecodeErrorKind::LengthExceedsInput { length: len as u64, remaining: r.remaining() }))
        }
        Some(len) => Ok(Some(len)),
    }
}

/// Reads a non-nullable array of values.
#[inline]
pub(crate) fn read<T>(
    r: &mut Reader<'_>,
    compact: bool,
    version: i16,
    mut element: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    read_in_place(r, compact, version, |r, slot| Ok(slot.fill(element(r)?)))
}

/// Reads an array of values that may be null where `nullable` allows.
#[inline]
pub(crate) fn read_nullable<T>(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
    mut element: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Option<Vec<T>>, DecodeError> {
    read_nullable_in_place(r, compact, nullable, version, |r, slot| Ok(slot.fill(element(r)?)))
}

/// Reads a non-nullable array of structs, each decoded into its place in
/// the vector (see [`super::slot`]).
#[inline]
pub(crate) fn read_in_place<T>(
    r: &mut Reader<'_>,
    compact: bool,
    version: i16,
    element: impl for<'s> FnMut(&mut Reader<'_>, Slot<'s, T>) -> Result<Filled<'s>, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    match read_len(r, compact, false, version)? {
        Some(len) => read_elements(r, len, element),
        None => unreachable!("read_len returns None only when nullable"),
    }
}

/// Reads an array of structs that may be null where `nullable` allows,
/// each decoded into its place.
#[inline]
pub(crate) fn read_nullable_in_place<T>(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
    element: impl for<'s> FnMut(&mut Reader<'_>, Slot<'s, T>) -> Result<Filled<'s>, DecodeError>,
) -> Result<Option<Vec<T>>, DecodeError> {
    match read_len(r, compact, nullable, version)? {
        Some(len) => read_elements(r, len, element).map(Some),
        None => Ok(None),
    }
}

/// Upper bound on what an array pre-allocates before its elements are read:
/// a hostile length prefix cannot make us reserve more than this; longer
/// arrays grow as their elements actually arrive.
const MAX_PREALLOC_BYTES: usize = 64 * 1024;

#[inline]
fn capacity_for<T>(len: usize) -> usize {
    len.min(MAX_PREALLOC_BYTES / std::mem::size_of::<T>().max(1))
}

#[inline]
fn read_elements<T>(
    r: &mut Reader<'_>,
    len: usize,
    mut element: impl for<'s> FnMut(&mut Reader<'_>, Slot<'s, T>) -> Result<Filled<'s>, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut items = Vec::with_capacity(capacity_for::<T>(len));
    for i in 0..len {
        // Room for the element first, so that nothing (no growth call) comes
        // between decoding it and storing it.
        if items.len() == items.capacity() {
            items.reserve(1);
        }
        slot::decode_into(&mut items.spare_capacity_mut()[0], |slot| element(r, slot)).map_err(|e| e.in_index(i))?;
        // SAFETY: the slot at `len` is within capacity (reserved above) and
        // its decoder filled it.
        unsafe { items.set_len(items.len() + 1) };
    }
    Ok(items)
}
