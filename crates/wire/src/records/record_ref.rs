//! Records read in place: [`RecordRef`] borrows its key, value and headers
//! from the batch's bytes, so iterating a batch allocates nothing and
//! touches no reference count. [`Record`](super::Record) is the owned form.

use crate::codec::Reader;
use crate::{DecodeError, DecodeErrorKind};
use bytes::Bytes;

/// A record of a v2 batch, borrowed from the batch's (decompressed) bytes.
/// Offsets and timestamps are deltas from the batch's base offset and base
/// timestamp. Its structure, header keys' UTF-8 included, is checked when
/// it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The record's attribute byte (unused by Kafka today).
    pub attributes: i8,
    /// The timestamp, relative to the batch's base timestamp.
    pub timestamp_delta: i64,
    /// The offset, relative to the batch's base offset.
    pub offset_delta: i32,
    /// The key; `None` is null.
    pub key: Option<&'a [u8]>,
    /// The value; `None` is null (a tombstone).
    pub value: Option<&'a [u8]>,
    /// The batch's records and where this record's headers start in them
    /// (after their count), to read the headers again on demand.
    data: &'a Bytes,
    headers_at: usize,
    header_count: usize,
}

/// A record header, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRef<'a> {
    /// The header key.
    pub key: &'a str,
    /// The header value; `None` is null.
    pub value: Option<&'a [u8]>,
}

impl<'a> RecordRef<'a> {
    /// How many headers the record has.
    #[inline]
    pub fn header_count(&self) -> usize {
        self.header_count
    }

    /// The headers, in order (duplicate keys kept).
    #[inline]
    pub fn headers(&self) -> impl Iterator<Item = HeaderRef<'a>> + 'a {
        let mut r = Reader::new(self.data);
        r.skip(self.headers_at).expect("the headers are inside the records");
        (0..self.header_count).map(move |_| read_header(&mut r).expect("headers are checked when the record is read"))
    }
}

/// The records of one batch, decompressed (if it was compressed) and ready
/// to be read in place: [`BatchView::borrowed_records`](super::BatchView::borrowed_records).
#[derive(Debug, Clone)]
pub struct BorrowedRecords {
    data: Bytes,
    count: usize,
}

impl BorrowedRecords {
    pub(crate) fn new(data: Bytes, count: usize) -> Self {
        BorrowedRecords { data, count }
    }

    /// The record count the batch header declares.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the batch holds no records.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Reads the records one by one. A malformed record, or bytes left after
    /// the declared count, ends the iteration with an error.
    pub fn iter(&self) -> RecordRefs<'_> {
        RecordRefs { reader: Reader::new(&self.data), index: 0, count: self.count, done: false }
    }
}

impl<'a> IntoIterator for &'a BorrowedRecords {
    type Item = Result<RecordRef<'a>, DecodeError>;
    type IntoIter = RecordRefs<'a>;

    fn into_iter(self) -> RecordRefs<'a> {
        self.iter()
    }
}

/// Iterator over a batch's records, read in place.
pub struct RecordRefs<'a> {
    reader: Reader<'a>,
    index: usize,
    count: usize,
    done: bool,
}

impl<'a> Iterator for RecordRefs<'a> {
    type Item = Result<RecordRef<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.index == self.count {
            self.done = true;
            return match self.reader.remaining() {
                0 => None,
                _ => {
                    Some(Err(self.reader.error(DecodeErrorKind::Invalid("bytes left after the declared record count"))))
                }
            };
        }
        let record = read_record(&mut self.reader).map_err(|e| e.in_index(self.index).in_field("records"));
        self.index += 1;
        self.done = record.is_err();
        Some(record)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = if self.done { 0 } else { self.count - self.index };
        (left, Some(left + 1))
    }
}

#[inline]
fn read_record<'a>(r: &mut Reader<'a>) -> Result<RecordRef<'a>, DecodeError> {
    let len = r.read_varint()?;
    if len < 0 {
        return Err(r.error(DecodeErrorKind::NegativeLength(len as i64)));
    }
    let mut body = r.sub_reader(len as usize)?;
    let attributes = body.read_i8()?;
    let timestamp_delta = body.read_varlong()?;
    let offset_delta = body.read_varint()?;
    let key = read_nullable(&mut body).map_err(|e| e.in_field("key"))?;
    let value = read_nullable(&mut body).map_err(|e| e.in_field("value"))?;
    let count = body.read_varint()?;
    if count < 0 {
        return Err(body.error(DecodeErrorKind::Invalid("negative record header count")));
    }
    // The headers are checked now (so that `headers()` cannot fail) and read again on demand.
    let headers_start = body.position();
    for i in 0..count {
        read_header(&mut body).map_err(|e| e.in_index(i as usize).in_field("headers"))?;
    }
    if body.remaining() != 0 {
        return Err(body.error(DecodeErrorKind::Invalid("record length does not match its content")));
    }
    Ok(RecordRef {
        attributes,
        timestamp_delta,
        offset_delta,
        key,
        value,
        data: r.buffer(),
        headers_at: headers_start,
        header_count: count as usize,
    })
}

#[inline(always)]
fn read_nullable<'a>(r: &mut Reader<'a>) -> Result<Option<&'a [u8]>, DecodeError> {
    match r.read_varint()? {
        -1 => Ok(None),
        n if n < 0 => Err(r.error(DecodeErrorKind::NegativeLength(n as i64))),
        n => r.read_borrowed(n as usize).map(Some),
    }
}

#[inline]
fn read_header<'a>(r: &mut Reader<'a>) -> Result<HeaderRef<'a>, DecodeError> {
    let key_len = r.read_varint()?;
    if key_len < 0 {
        return Err(r.error(DecodeErrorKind::NegativeLength(key_len as i64)).in_field("key"));
    }
    let start = r.position();
    let key = std::str::from_utf8(r.read_borrowed(key_len as usize)?)
        .map_err(|_| DecodeError::new(DecodeErrorKind::InvalidUtf8, start).in_field("key"))?;
    let value = read_nullable(r).map_err(|e| e.in_field("value"))?;
    Ok(HeaderRef { key, value })
}
