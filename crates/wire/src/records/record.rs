//! One record of a v2 record batch: varint length, attributes, varlong
//! timestamp delta, varint offset delta, key, value and headers.

use crate::codec::varint::{put_varint, varint_size, varlong_size, StackBytes};
use crate::codec::Reader;
use crate::StrBytes;
use crate::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use bytes::{BufMut, Bytes};

/// A record header. Headers are a list: duplicate keys and their order are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// The header key.
    pub key: StrBytes,
    /// The header value; `None` is null.
    pub value: Option<Bytes>,
}

impl Header {
    /// A header with `key` and `value`.
    pub fn new(key: impl Into<StrBytes>, value: Option<Bytes>) -> Self {
        Header { key: key.into(), value }
    }
}

/// A record as stored in a v2 batch. Offsets and timestamps are deltas from
/// the batch's base offset and base timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Record {
    /// Unused by Kafka so far; kept as read.
    pub attributes: i8,
    /// The timestamp, relative to the batch's base timestamp.
    pub timestamp_delta: i64,
    /// The offset, relative to the batch's base offset.
    pub offset_delta: i32,
    /// The key; `None` is null.
    pub key: Option<Bytes>,
    /// The value; `None` is null (a tombstone).
    pub value: Option<Bytes>,
    /// The headers, in order.
    pub headers: Vec<Header>,
}

#[inline]
fn nullable_size(b: Option<&Bytes>) -> usize {
    match b {
        Some(b) => varint_size(b.len() as i32) + b.len(),
        None => varint_size(-1),
    }
}

#[inline]
fn put_nullable<B: BufMut>(buf: &mut B, b: Option<&Bytes>) {
    match b {
        Some(b) => {
            put_varint(buf, b.len() as i32);
            buf.put_slice(b);
        }
        None => put_varint(buf, -1),
    }
}

/// The most bytes a record's fixed part takes: length (5), attributes (1),
/// timestamp delta (10), offset delta (5), key length (5).
const FIXED_PART_MAX: usize = 26;

impl Record {
    /// Size of everything after the length prefix. Inline, with the
    /// headers out of line: most records have none.
    #[inline]
    fn body_size(&self) -> usize {
        1 + varlong_size(self.timestamp_delta)
            + varint_size(self.offset_delta)
            + nullable_size(self.key.as_ref())
            + nullable_size(self.value.as_ref())
            + if self.headers.is_empty() { 1 } else { self.headers_size() }
    }

    /// The header count and the headers.
    #[inline(never)]
    fn headers_size(&self) -> usize {
        varint_size(self.headers.len() as i32)
            + self
                .headers
                .iter()
                .map(|h| varint_size(h.key.len() as i32) + h.key.len() + nullable_size(h.value.as_ref()))
                .sum::<usize>()
    }

    /// An upper bound on the encoded size, cheaper than the exact one (no
    /// varint sizes): what a batch reserves before writing its records.
    pub(crate) fn max_encoded_size(&self) -> usize {
        let nullable = |b: Option<&Bytes>| 5 + b.map_or(0, Bytes::len);
        FIXED_PART_MAX
            + self.key.as_ref().map_or(0, Bytes::len)
            + nullable(self.value.as_ref())
            + 5
            + self.headers.iter().map(|h| 5 + h.key.len() + nullable(h.value.as_ref())).sum::<usize>()
    }

    /// The encoded size, length prefix included.
    pub fn encoded_size(&self) -> usize {
        let body = self.body_size();
        varint_size(body as i32) + body
    }

    /// Appends the record (its length, then its fields) to `buf`.
    pub fn encode<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        let body = self.body_size();
        if body > i32::MAX as usize {
            return Err(EncodeError::new(EncodeErrorKind::TooLong { length: body, max: i32::MAX as usize }));
        }
        // Length prefix and fixed fields in one constant-size copy.
        let mut head = StackBytes::<FIXED_PART_MAX>::new();
        head.varint(body as i32);
        head.byte(self.attributes as u8);
        head.varlong(self.timestamp_delta);
        head.varint(self.offset_delta);
        head.varint(self.key.as_ref().map_or(-1, |k| k.len() as i32));
        head.put_into(buf);
        if let Some(key) = &self.key {
            buf.put_slice(key);
        }
        put_nullable(buf, self.value.as_ref());
        put_varint(buf, self.headers.len() as i32);
        for h in &self.headers {
            put_varint(buf, h.key.len() as i32);
            buf.put_slice(h.key.as_bytes());
            put_nullable(buf, h.value.as_ref());
        }
        Ok(())
    }

    /// Reads one record; key, value and header values share the reader's buffer.
    pub fn decode(r: &mut Reader<'_>) -> Result<Record, DecodeError> {
        let len = r.read_varint()?;
        if len < 0 {
            return Err(r.error(DecodeErrorKind::NegativeLength(len as i64)));
        }
        let mut body = r.sub_reader(len as usize)?;
        let record = Self::decode_body(&mut body)?;
        if body.remaining() != 0 {
            return Err(body.error(DecodeErrorKind::Invalid("record length does not match its content")));
        }
        Ok(record)
    }

    fn decode_body(r: &mut Reader<'_>) -> Result<Record, DecodeError> {
        let attributes = r.read_i8()?;
        let timestamp_delta = r.read_varlong()?;
        let offset_delta = r.read_varint()?;
        let key = read_nullable(r).map_err(|e| e.in_field("key"))?;
        let value = read_nullable(r).map_err(|e| e.in_field("value"))?;
        let count = r.read_varint()?;
        if count < 0 {
            return Err(r.error(DecodeErrorKind::Invalid("negative record header count")));
        }
        // Each header takes at least two bytes: no larger reservation than the input allows.
        let count = count as usize;
        if count > r.remaining() / 2 {
            return Err(r.error(DecodeErrorKind::LengthExceedsInput { length: count as u64, remaining: r.remaining() }));
        }
        let mut headers = Vec::with_capacity(count);
        for i in 0..count {
            headers.push(read_header(r).map_err(|e| e.in_index(i).in_field("headers"))?);
        }
        Ok(Record { attributes, timestamp_delta, offset_delta, key, value, headers })
    }
}

fn read_nullable(r: &mut Reader<'_>) -> Result<Option<Bytes>, DecodeError> {
    let len = r.read_varint()?;
    match len {
        -1 => Ok(None),
        n if n < 0 => Err(r.error(DecodeErrorKind::NegativeLength(n as i64))),
        n => r.read_slice(n as usize).map(Some),
    }
}

fn read_header(r: &mut Reader<'_>) -> Result<Header, DecodeError> {
    let key_len = r.read_varint()?;
    if key_len < 0 {
        return Err(r.error(DecodeErrorKind::NegativeLength(key_len as i64)).in_field("key"));
    }
    let start = r.position();
    let key = StrBytes::from_utf8(r.read_slice(key_len as usize)?)
        .map_err(|_| DecodeError::new(DecodeErrorKind::InvalidUtf8, start).in_field("key"))?;
    let value = read_nullable(r).map_err(|e| e.in_field("value"))?;
    Ok(Header { key, value })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    #[test]
    fn record_layout() {
        let record = Record {
            attributes: 0,
            timestamp_delta: -1,
            offset_delta: 2,
            key: None,
            value: Some(Bytes::from_static(b"v")),
            headers: vec![Header::new("h", None), Header::new("h", Some(Bytes::from_static(b"x")))],
        };
        let mut buf = BytesMut::new();
        record.encode(&mut buf).unwrap();
        #[rustfmt::skip]
        let expected = [
            28,         // body length 14, zig-zag
            0,          // attributes
            1,          // timestamp delta -1 (varlong)
            4,          // offset delta 2
            1,          // key: null (-1)
            2, b'v',    // value
            4,          // two headers (duplicate keys kept, in order)
            2, b'h', 1, //   "h": null
            2, b'h', 2, b'x', // "h": "x"
        ];
        assert_eq!(buf.as_ref(), expected);
        assert_eq!(record.encoded_size(), expected.len());
        let bytes = buf.freeze();
        assert_eq!(Record::decode(&mut Reader::new(&bytes)).unwrap(), record);
    }

    #[test]
    fn timestamp_delta_is_a_varlong() {
        let record = Record { timestamp_delta: 1 << 40, ..Default::default() };
        let mut buf = BytesMut::new();
        record.encode(&mut buf).unwrap();
        let bytes = buf.freeze();
        assert_eq!(Record::decode(&mut Reader::new(&bytes)).unwrap().timestamp_delta, 1 << 40);
    }

    #[test]
    fn hostile_header_count_is_rejected() {
        // length 10: attributes, ts 0, offset 0, key null, value null, header count 2^31-1 (varint 5 bytes)
        let bytes = Bytes::from_static(&[20, 0, 0, 0, 1, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f]);
        let err = Record::decode(&mut Reader::new(&bytes)).unwrap_err();
        assert!(matches!(err.kind(), DecodeErrorKind::LengthExceedsInput { .. }), "{err}");
    }
}
