//! The tagged-field section of flexible versions: a count, then each field
//! as tag, size and value, in ascending tag order. Known tagged fields are
//! read into their struct fields; any other is kept as a [`RawTaggedField`]
//! in the struct's [`UnknownTaggedFields`] and written back at its place,
//! so a proxy passes it through unchanged.

use super::varint::{put_uvarint, uvarint_size};
use super::Reader;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use bytes::{BufMut, Bytes};

/// A tagged field this library does not know (a newer Kafka's, or a private
/// extension). Kept on decode and written back on encode, at its place in
/// ascending tag order, so a proxy passes it through unchanged.
///
/// ```
/// use bytes::Bytes;
/// use kafka_wire_core::RawTaggedField;
/// use kafka_wire_core::messages::MetadataRequest;
/// use kafka_wire_core::{DecodeExt, EncodeExt};
///
/// let mut request = MetadataRequest::default();
/// request.unknown_tagged_fields.push(RawTaggedField { tag: 90, data: Bytes::from_static(b"x") });
/// let bytes = request.to_bytes(12)?;
/// assert_eq!(MetadataRequest::from_bytes(&bytes, 12)?, request);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawTaggedField {
    /// The field's tag.
    pub tag: u32,
    /// The field's value as it was on the wire.
    pub data: Bytes,
}

impl RawTaggedField {
    /// Size on the wire: tag, length and data.
    pub fn encoded_size(&self) -> usize {
        uvarint_size(self.tag) + uvarint_size(self.data.len() as u32) + self.data.len()
    }
}

/// The unknown tagged fields of a struct, in ascending tag order: one word,
/// and nothing to allocate or free while there are none (nearly always).
/// A slice of [`RawTaggedField`] through `Deref`.
///
/// ```
/// use bytes::Bytes;
/// use kafka_wire_core::{RawTaggedField, UnknownTaggedFields};
///
/// let mut fields = UnknownTaggedFields::new();
/// assert!(fields.is_empty());
/// fields.push(RawTaggedField { tag: 90, data: Bytes::from_static(b"x") });
/// assert_eq!(fields.len(), 1);
/// assert_eq!(fields[0].tag, 90);
/// assert_eq!(fields, UnknownTaggedFields::from(vec![RawTaggedField { tag: 90, data: Bytes::from_static(b"x") }]));
/// assert_eq!(std::mem::size_of::<UnknownTaggedFields>(), std::mem::size_of::<usize>());
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct UnknownTaggedFields {
    // Never `Some` of an empty vector, so that equality and hashing can
    // be derived: `push` makes it `Some`, every constructor of an empty
    // one gives `None`. Boxed on purpose: one word in every struct instead
    // of a vector's three, for a list that is nearly always empty.
    #[allow(clippy::box_collection)]
    fields: Option<Box<Vec<RawTaggedField>>>,
}

impl UnknownTaggedFields {
    /// None.
    pub const fn new() -> Self {
        UnknownTaggedFields { fields: None }
    }

    /// Adds a field. The encoder writes the fields in the order they are
    /// here, interleaved with the known ones by tag: push them in
    /// ascending tag order.
    pub fn push(&mut self, field: RawTaggedField) {
        self.fields.get_or_insert_with(Box::default).push(field);
    }

    /// Whether there are none: one test of the pointer, which the encoders
    /// make for every struct.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.fields.is_none()
    }

    /// Removes them all.
    pub fn clear(&mut self) {
        self.fields = None;
    }

    /// The fields, as a slice.
    #[inline]
    pub fn as_slice(&self) -> &[RawTaggedField] {
        self.fields.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl std::ops::Deref for UnknownTaggedFields {
    type Target = [RawTaggedField];

    #[inline]
    fn deref(&self) -> &[RawTaggedField] {
        self.as_slice()
    }
}

impl std::fmt::Debug for UnknownTaggedFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl From<Vec<RawTaggedField>> for UnknownTaggedFields {
    fn from(fields: Vec<RawTaggedField>) -> Self {
        UnknownTaggedFields { fields: (!fields.is_empty()).then(|| Box::new(fields)) }
    }
}

impl FromIterator<RawTaggedField> for UnknownTaggedFields {
    fn from_iter<I: IntoIterator<Item = RawTaggedField>>(fields: I) -> Self {
        Vec::from_iter(fields).into()
    }
}

impl Extend<RawTaggedField> for UnknownTaggedFields {
    fn extend<I: IntoIterator<Item = RawTaggedField>>(&mut self, fields: I) {
        fields.into_iter().for_each(|field| self.push(field));
    }
}

impl<'a> IntoIterator for &'a UnknownTaggedFields {
    type Item = &'a RawTaggedField;
    type IntoIter = std::slice::Iter<'a, RawTaggedField>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

fn raw_fields_size(fields: &[RawTaggedField]) -> usize {
    fields.iter().map(RawTaggedField::encoded_size).sum()
}

fn put_raw<B: BufMut>(buf: &mut B, field: &RawTaggedField) {
    put_uvarint(buf, field.tag);
    put_uvarint(buf, field.data.len() as u32);
    buf.put_slice(&field.data);
}

#[cold]
fn tagged_fields_not_supported(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::TaggedFieldsNotSupported { version })
}

/// Writes the section of a struct with no known tagged fields, where
/// `flexible`; elsewhere unknown fields cannot be written and are an error.
#[inline(always)]
pub(crate) fn put_unknown_section<B: BufMut>(
    buf: &mut B,
    unknown: &UnknownTaggedFields,
    flexible: bool,
    version: i16,
) -> Result<(), EncodeError> {
    match (flexible, unknown.is_empty()) {
        (true, true) => buf.put_u8(0),
        (true, false) => put_unknown_fields(buf, unknown),
        (false, true) => {}
        (false, false) => return Err(tagged_fields_not_supported(version)),
    }
    Ok(())
}

#[inline(never)]
fn put_unknown_fields<B: BufMut>(buf: &mut B, unknown: &[RawTaggedField]) {
    SectionWriter::start(buf, unknown, 0).finish(buf);
}

/// The size of the section [`put_unknown_section`] writes.
#[inline(always)]
pub(crate) fn unknown_section_size(unknown: &UnknownTaggedFields, flexible: bool) -> usize {
    if !flexible {
        0
    } else if unknown.is_empty() {
        1
    } else {
        KnownSize::default().section_size(unknown)
    }
}

/// Writes a section with known fields: the count, then the known fields in
/// tag order, each preceded by the unknown ones with smaller tags (Kafka's
/// `RawTaggedFieldWriter` interleaves them the same way).
pub(crate) struct SectionWriter<'a> {
    unknown: &'a [RawTaggedField],
    next: usize,
}

impl<'a> SectionWriter<'a> {
    /// Writes the count: the unknown fields and `known` known ones.
    #[inline(always)]
    pub(crate) fn start<B: BufMut>(buf: &mut B, unknown: &'a [RawTaggedField], known: usize) -> Self {
        put_uvarint(buf, (unknown.len() + known) as u32);
        SectionWriter { unknown, next: 0 }
    }

    /// Writes the pending unknown fields below `tag`, then the header (tag
    /// and size) of the known field `tag`; the caller writes its value.
    #[inline(always)]
    pub(crate) fn put_header<B: BufMut>(&mut self, buf: &mut B, tag: u32, size: usize) {
        // Nearly always nothing is pending: keep that check inline in every
        // struct's encoder and the loop out of line.
        if self.unknown.get(self.next).is_some_and(|field| field.tag < tag) {
            self.put_pending(buf, tag);
        }
        put_uvarint(buf, tag);
        put_uvarint(buf, size as u32);
    }

    #[inline(never)]
    fn put_pending<B: BufMut>(&mut self, buf: &mut B, tag: u32) {
        while let Some(field) = self.unknown.get(self.next) {
            if field.tag >= tag {
                break;
            }
            put_raw(buf, field);
            self.next += 1;
        }
    }

    /// Writes every remaining unknown field.
    #[inline(always)]
    pub(crate) fn finish<B: BufMut>(self, buf: &mut B) {
        // Including a field tagged u32::MAX (never valid in Kafka, but kept).
        for field in &self.unknown[self.next..] {
            put_raw(buf, field);
        }
    }
}

/// Adds up the known fields of a section, for its size.
#[derive(Default)]
pub(crate) struct KnownSize {
    count: usize,
    bytes: usize,
}

impl KnownSize {
    /// Counts the known field `tag` with a value of `size` bytes.
    #[inline(always)]
    pub(crate) fn add(&mut self, tag: u32, size: usize) {
        self.count += 1;
        self.bytes += uvarint_size(tag) + uvarint_size(size as u32) + size;
    }

    /// The whole section: count, known fields and `unknown` ones.
    #[inline(always)]
    pub(crate) fn section_size(self, unknown: &[RawTaggedField]) -> usize {
        uvarint_size((self.count + unknown.len()) as u32) + self.bytes + raw_fields_size(unknown)
    }
}

/// Reads the section of a struct with no known tagged fields, where
/// `flexible` (elsewhere there is none). The usual empty section (one zero
/// byte) is read inline, without a call, so the struct's other fields stay
/// in registers.
#[inline(always)]
pub(crate) fn read_unknown_section(r: &mut Reader<'_>, flexible: bool) -> Result<UnknownTaggedFields, DecodeError> {
    if !flexible {
        return Ok(UnknownTaggedFields::new());
    }
    match read_count(r)? {
        0 => Ok(UnknownTaggedFields::new()),
        count => read_unknown_fields(r, count),
    }
}

#[inline(never)]
fn read_unknown_fields(r: &mut Reader<'_>, count: u32) -> Result<UnknownTaggedFields, DecodeError> {
    let mut fields = UnknownTaggedFields::new();
    for _ in 0..count {
        let (tag, mut field) = read_field(r)?;
        fields.push(RawTaggedField { tag, data: field.read_rest() });
    }
    Ok(fields)
}

/// Reads the number of fields in a tagged section. Kafka reads it into an
/// int: from 2^31 on it is negative, which Kafka 4.x refuses (3.x read it
/// as no fields).
#[inline]
pub(crate) fn read_count(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    let count = r.read_uvarint()?;
    if count > i32::MAX as u32 {
        return Err(r.error(DecodeErrorKind::Invalid(NEGATIVE_TAGGED_FIELD_COUNT)));
    }
    Ok(count)
}

/// The error text of a tagged-field count Kafka reads as negative.
pub(crate) const NEGATIVE_TAGGED_FIELD_COUNT: &str = "a negative number of tagged fields";

/// Reads a field's header (tag and size) and returns the tag with a reader
/// over the field's value.
#[inline]
pub(crate) fn read_field<'a>(r: &mut Reader<'a>) -> Result<(u32, Reader<'a>), DecodeError> {
    let tag = r.read_uvarint()?;
    let size = r.read_uvarint().map_err(|e| e.in_tag(tag))? as usize;
    Ok((tag, r.sub_reader(size).map_err(|e| e.in_tag(tag))?))
}

/// Reads a known field's value from its reader; the value must use exactly
/// the declared size. (Kafka's Java readers ignore the declared size of a
/// known tag; a section whose sizes disagree with its values is refused
/// here instead of read out of step.)
#[inline(always)]
pub(crate) fn read_known<'a, T>(
    field: &mut Reader<'a>,
    tag: u32,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let (start, declared) = (field.position(), field.remaining());
    // The value runs past the declared size when what ran out was this
    // field's input: the error's offset plus what remained there is the
    // field's end. (Not `field`'s own position: a run of fixed-size fields
    // is checked at once and reports the field that did not fit, before
    // `field` has moved; and an inner tagged field ending first is its
    // own mismatch.)
    let end = start + declared;
    let value = read(field).map_err(|e| match *e.kind() {
        DecodeErrorKind::UnexpectedEof { needed, remaining } if e.offset() + remaining == end => {
            let used = e.offset() - start + needed;
            e.map_kind(|_| DecodeErrorKind::TaggedFieldSizeMismatch { tag, declared, used })
        }
        DecodeErrorKind::LengthExceedsInput { length, remaining } if e.offset() + remaining == end => {
            let used = e.offset() - start + length as usize;
            e.map_kind(|_| DecodeErrorKind::TaggedFieldSizeMismatch { tag, declared, used })
        }
        _ => e,
    })?;
    if field.remaining() != 0 {
        let used = field.position() - start;
        return Err(field.error(DecodeErrorKind::TaggedFieldSizeMismatch { tag, declared, used }));
    }
    Ok(value)
}

/// The error for a known tag in a version where it is not valid.
#[cold]
pub(crate) fn tag_not_valid(field: &Reader<'_>, tag: u32, version: i16) -> DecodeError {
    field.error(DecodeErrorKind::TagNotValidForVersion { tag, version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_equal_however_an_empty_list_was_made() {
        let field = RawTaggedField { tag: 3, data: Bytes::from_static(&[1]) };
        let mut pushed = UnknownTaggedFields::new();
        pushed.push(field.clone());
        assert_eq!(pushed, UnknownTaggedFields::from(vec![field.clone()]));
        assert_eq!(pushed.iter().collect::<Vec<_>>(), [&field]);
        assert_ne!(pushed, UnknownTaggedFields::new());
        pushed.clear();
        let empties =
            [UnknownTaggedFields::from(Vec::new()), UnknownTaggedFields::from_iter([]), UnknownTaggedFields::default()];
        for empty in empties {
            assert_eq!(empty, pushed);
            assert!(empty.is_empty());
        }
        let mut extended = UnknownTaggedFields::new();
        extended.extend([]);
        assert_eq!(extended, UnknownTaggedFields::new());
        extended.extend([field.clone(), field]);
        assert_eq!(extended.len(), 2);
    }

    #[test]
    fn unknown_fields_interleave_in_tag_order() {
        let unknown = vec![
            RawTaggedField { tag: 1, data: Bytes::from_static(&[0xaa]) },
            RawTaggedField { tag: 5, data: Bytes::from_static(&[0xbb, 0xcc]) },
        ];
        let mut out = Vec::new();
        let mut section = SectionWriter::start(&mut out, &unknown, 1);
        section.put_header(&mut out, 3, 1); // writes tag 1 first
        out.push(0x33); // known tag 3's value
        section.finish(&mut out);
        assert_eq!(out, [3, 1, 1, 0xaa, 3, 1, 0x33, 5, 2, 0xbb, 0xcc]);
        let mut known = KnownSize::default();
        known.add(3, 1);
        assert_eq!(known.section_size(&unknown), out.len());
    }

    #[test]
    fn sections_without_known_fields() {
        let unknown = UnknownTaggedFields::from(vec![RawTaggedField { tag: 7, data: Bytes::from_static(&[1, 2]) }]);
        let mut out = Vec::new();
        put_unknown_section(&mut out, &UnknownTaggedFields::new(), true, 9).unwrap();
        put_unknown_section(&mut out, &unknown, true, 9).unwrap();
        assert_eq!(out, [0, 1, 7, 2, 1, 2]);
        assert_eq!(unknown_section_size(&unknown, true), 5);
        let err = put_unknown_section(&mut out, &unknown, false, 8).unwrap_err();
        assert_eq!(err.kind(), &EncodeErrorKind::TaggedFieldsNotSupported { version: 8 });
        let bytes = Bytes::from(out);
        let mut r = Reader::new(&bytes);
        assert!(read_unknown_section(&mut r, true).unwrap().is_empty());
        assert_eq!(read_unknown_section(&mut r, true).unwrap(), unknown);
    }
}
