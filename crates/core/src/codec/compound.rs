//! Arrays and nullable structs: generic helpers the generated code calls with
//! a closure for the element, so each message file stays short while the
//! element code is still inlined per type.

use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::wire_array::{WireArray, WireScalar};
use bytes::BufMut;

use super::reader::Reader;
use super::tagged::RawTaggedField;
use super::writer::{array_len_size, null_size, put_array_len, put_null_array, put_uvarint};

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
    mut read: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut items = Vec::with_capacity(capacity_for::<T>(len));
    for i in 0..len {
        // Room for the element first, so that nothing (no growth call) comes
        // between decoding it and storing it: its fields go from registers
        // straight into the vector. With `push`, they were spilled to the
        // stack around the possible growth and copied from there with wide
        // loads that stalled on store forwarding (most of a small element's
        // decode time).
        if items.len() == items.capacity() {
            items.reserve(1);
        }
        let item = read(r).map_err(|e| e.in_index(i))?;
        items.spare_capacity_mut()[0].write(item);
        // SAFETY: the slot at `len` is within capacity (reserved above) and
        // was just initialized.
        unsafe { items.set_len(items.len() + 1) };
    }
    Ok(items)
}

/// Reads a non-nullable array.
#[inline]
pub fn read_array<T>(
    r: &mut Reader<'_>,
    compact: bool,
    version: i16,
    read: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    match r.read_array_len(compact, false, version)? {
        Some(len) => read_elements(r, len, read),
        None => unreachable!("read_array_len returns None only when nullable"),
    }
}

/// Reads an array that may be null where `nullable` allows.
#[inline]
pub fn read_nullable_array<T>(
    r: &mut Reader<'_>,
    compact: bool,
    nullable: bool,
    version: i16,
    read: impl FnMut(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<Option<Vec<T>>, DecodeError> {
    match r.read_array_len(compact, nullable, version)? {
        Some(len) => read_elements(r, len, read).map(Some),
        None => Ok(None),
    }
}

/// Writes a non-nullable array.
#[inline]
pub fn put_array<B: BufMut, T>(
    buf: &mut B,
    items: &[T],
    compact: bool,
    mut write: impl FnMut(&mut B, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    put_array_len(buf, items.len(), compact)?;
    for (i, item) in items.iter().enumerate() {
        write(buf, item).map_err(|e| e.in_index(i))?;
    }
    Ok(())
}

/// Writes an array that may be null where `nullable` allows.
#[inline]
pub fn put_nullable_array<B: BufMut, T>(
    buf: &mut B,
    items: Option<&[T]>,
    compact: bool,
    nullable: bool,
    version: i16,
    write: impl FnMut(&mut B, &T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    match items {
        Some(items) => put_array(buf, items, compact, write),
        None => put_null_array(buf, compact, nullable, version),
    }
}

/// Writes an array of fixed-size numbers: its length, then its bytes as
/// they are.
#[inline]
pub fn put_wire_array<B: BufMut, T: WireScalar>(
    buf: &mut B,
    items: &WireArray<T>,
    compact: bool,
) -> Result<(), EncodeError> {
    put_array_len(buf, items.len(), compact)?;
    buf.put_slice(items.wire_bytes());
    Ok(())
}

/// Writes an array of fixed-size numbers that may be null.
#[inline]
pub fn put_nullable_wire_array<B: BufMut, T: WireScalar>(
    buf: &mut B,
    items: Option<&WireArray<T>>,
    compact: bool,
    nullable: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match items {
        Some(items) => put_wire_array(buf, items, compact),
        None => put_null_array(buf, compact, nullable, version),
    }
}

/// The encoded size of an array of fixed-size numbers.
#[inline]
pub fn wire_array_size<T: WireScalar>(items: &WireArray<T>, compact: bool) -> usize {
    array_len_size(items.len(), compact) + items.wire_bytes().len()
}

/// The encoded size of an array of fixed-size numbers that may be null.
#[inline]
pub fn nullable_wire_array_size<T: WireScalar>(items: Option<&WireArray<T>>, compact: bool) -> usize {
    match items {
        Some(items) => wire_array_size(items, compact),
        None => null_size(compact, false),
    }
}

/// The encoded size of an array whose elements have a variable size.
#[inline]
pub fn array_size<T>(items: &[T], compact: bool, size: impl Fn(&T) -> usize) -> usize {
    array_len_size(items.len(), compact) + items.iter().map(size).sum::<usize>()
}

/// The encoded size of an array that may be null.
#[inline]
pub fn nullable_array_size<T>(items: Option<&[T]>, compact: bool, size: impl Fn(&T) -> usize) -> usize {
    match items {
        Some(items) => array_size(items, compact, size),
        None => null_size(compact, false),
    }
}

/// Reads a struct that may be null. Untagged, the presence marker is an
/// int8 (-1 null, 1 present); tagged, it is an unsigned varint (0 null).
/// In versions where the struct is not nullable there is no marker.
#[inline]
pub fn read_nullable_struct<T>(
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

/// Writes a struct that may be null; see [`read_nullable_struct`].
#[inline]
pub fn put_nullable_struct<B: BufMut, T>(
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
        None => Err(EncodeError::new(crate::error::EncodeErrorKind::NullNotAllowed { version })),
    }
}

/// The encoded size of a struct that may be null.
#[inline]
pub fn nullable_struct_size<T>(value: Option<&T>, nullable: bool, size: impl FnOnce(&T) -> usize) -> usize {
    (nullable as usize) + value.map_or(0, size)
}

/// The tagged section of a struct that has no known tagged fields: every
/// field in it is kept as unknown. The usual empty section (one zero byte)
/// is read inline, without a call, so the struct's other fields stay in
/// registers.
#[inline(always)]
pub fn read_unknown_tagged_fields(r: &mut Reader<'_>) -> Result<Vec<RawTaggedField>, DecodeError> {
    match r.read_uvarint()? {
        0 => Ok(Vec::new()),
        count => read_unknown_tagged_fields_slow(r, count),
    }
}

#[inline(never)]
fn read_unknown_tagged_fields_slow(r: &mut Reader<'_>, count: u32) -> Result<Vec<RawTaggedField>, DecodeError> {
    let mut fields = Vec::new();
    for _ in 0..count {
        let (tag, mut sub) = read_tagged_field(r)?;
        fields.push(RawTaggedField { tag, data: sub.read_rest() });
    }
    Ok(fields)
}

/// Reads the tagged-field header (tag and size) and returns the tag with a
/// reader over the field's value.
#[inline]
pub fn read_tagged_field<'a>(r: &mut Reader<'a>) -> Result<(u32, Reader<'a>), DecodeError> {
    let tag = r.read_uvarint()?;
    let size = r.read_uvarint()? as usize;
    Ok((tag, r.sub_reader(size)?))
}

/// Checks that a known tagged field's value used exactly its declared size.
#[inline]
pub fn finish_tagged_field(sub: &Reader<'_>, tag: u32, start: usize, declared: usize) -> Result<(), DecodeError> {
    if sub.remaining() != 0 {
        return Err(sub.error(DecodeErrorKind::TaggedFieldSizeMismatch {
            tag,
            declared,
            used: sub.position() - start,
        }));
    }
    Ok(())
}

/// The error for a known tag in a version where it is not valid.
#[cold]
pub fn tag_not_valid(r: &Reader<'_>, tag: u32, version: i16) -> DecodeError {
    r.error(DecodeErrorKind::TagNotValidForVersion { tag, version })
}

/// The error for unknown tagged fields on a non-flexible version.
#[cold]
pub fn tagged_fields_not_supported(version: i16) -> EncodeError {
    EncodeError::new(crate::error::EncodeErrorKind::TaggedFieldsNotSupported { version })
}
