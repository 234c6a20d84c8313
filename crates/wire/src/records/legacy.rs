//! Legacy message sets (magic v0 and v1), as the older Produce and Fetch
//! versions carry them.
//!
//! ```text
//! offset int64 | messageSize int32 | crc uint32 (CRC-32 of the rest) | magic int8 | attributes int8
//! [timestamp int64, v1 only] | key bytes (int32 length, -1 null) | value bytes
//! ```
//!
//! A compressed message is a wrapper whose value is the compressed message
//! set of its inner messages. In v1 the inner offsets are relative (0, 1, …)
//! and the wrapper carries the absolute offset of the last inner message; in
//! v0 the inner offsets are absolute.

use super::batch::{DecodeOptions, TimestampType};
use super::compression::{compress, decompress, Compression};
use super::error::{RecordsDecodeError, RecordsDecodeErrorKind, RecordsEncodeError};
use crate::codec::Reader;
use crate::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use bytes::{BufMut, Bytes, BytesMut};

const LOG_OVERHEAD: usize = 12;
const TIMESTAMP_TYPE_BIT: i8 = 0x08;

/// One v0 or v1 message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LegacyMessage {
    /// The message's offset (relative to its wrapper's in a v1 compressed set).
    pub offset: i64,
    /// 0 or 1.
    pub magic: i8,
    /// Codec in bits 0-2; in v1, bit 3 is the timestamp type.
    pub attributes: i8,
    /// v1 only (`None` in v0).
    pub timestamp: Option<i64>,
    /// The key.
    pub key: Option<Bytes>,
    /// The value (a compressed wrapper's is the compressed inner set).
    pub value: Option<Bytes>,
}

impl LegacyMessage {
    /// An uncompressed message.
    pub fn new(magic: i8, offset: i64, timestamp: Option<i64>, key: Option<Bytes>, value: Option<Bytes>) -> Self {
        let timestamp = if magic >= 1 { Some(timestamp.unwrap_or(-1)) } else { None };
        LegacyMessage { offset, magic, attributes: 0, timestamp, key, value }
    }

    /// The codec of a compressed wrapper, or an error for an id Kafka does not define.
    pub fn compression(&self) -> Result<Compression, RecordsDecodeErrorKind> {
        let id = (self.attributes & 0x07) as u8;
        match Compression::from_id(id) {
            // zstd needs message format v2.
            Some(Compression::Zstd) | None => Err(RecordsDecodeErrorKind::UnknownCompression(id)),
            Some(c) => Ok(c),
        }
    }

    /// Whether the timestamp was set by the producer or by the broker (v1).
    pub fn timestamp_type(&self) -> TimestampType {
        if self.magic >= 1 && self.attributes & TIMESTAMP_TYPE_BIT != 0 {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        }
    }

    fn body_size(&self) -> usize {
        let bytes = |b: &Option<Bytes>| 4 + b.as_ref().map_or(0, |b| b.len());
        4 + 1 + 1 + if self.magic >= 1 { 8 } else { 0 } + bytes(&self.key) + bytes(&self.value)
    }

    /// Encoded size, offset and size prefix included.
    pub fn encoded_size(&self) -> usize {
        LOG_OVERHEAD + self.body_size()
    }

    /// Appends the message (offset, size, CRC and content) to `buf`.
    pub fn encode(&self, buf: &mut BytesMut) -> Result<(), EncodeError> {
        if !(0..=1).contains(&self.magic) {
            return Err(EncodeError::new(EncodeErrorKind::Invalid("legacy messages have magic 0 or 1")));
        }
        if self.magic == 1 && self.timestamp.is_none() {
            return Err(EncodeError::new(EncodeErrorKind::Invalid("a v1 message needs a timestamp")));
        }
        let size = self.body_size();
        let size = i32::try_from(size)
            .map_err(|_| EncodeError::new(EncodeErrorKind::TooLong { length: size, max: i32::MAX as usize }))?;
        buf.put_i64(self.offset);
        buf.put_i32(size);
        let crc_at = buf.len();
        buf.put_u32(0);
        buf.put_i8(self.magic);
        buf.put_i8(self.attributes);
        if self.magic >= 1 {
            buf.put_i64(self.timestamp.unwrap_or(-1));
        }
        for b in [&self.key, &self.value] {
            match b {
                Some(b) => {
                    buf.put_i32(b.len() as i32);
                    buf.put_slice(b);
                }
                None => buf.put_i32(-1),
            }
        }
        let crc = crc32fast::hash(&buf[crc_at + 4..]);
        buf[crc_at..crc_at + 4].copy_from_slice(&crc.to_be_bytes());
        Ok(())
    }

    /// Builds a compressed wrapper around `inner`, Kafka-style: in v1 the
    /// inner offsets become relative and the wrapper takes the last absolute
    /// offset and the newest timestamp; in v0 offsets stay absolute.
    pub fn compressed_wrapper(
        magic: i8,
        compression: Compression,
        level: Option<i32>,
        inner: &[LegacyMessage],
    ) -> Result<LegacyMessage, RecordsEncodeError> {
        if compression == Compression::None || compression == Compression::Zstd {
            return Err(EncodeError::new(EncodeErrorKind::Invalid("legacy wrappers use gzip, snappy or lz4")).into());
        }
        let mut plain = BytesMut::new();
        let last_offset = inner.last().map_or(0, |m| m.offset);
        let first_offset = inner.first().map_or(0, |m| m.offset);
        for (i, message) in inner.iter().enumerate() {
            let mut m = message.clone();
            if magic == 1 {
                m.offset -= first_offset;
            }
            m.encode(&mut plain).map_err(|e| e.in_index(i))?;
        }
        let mut compressed = Vec::new();
        compress(compression, level, &plain, &mut compressed, magic == 0)?;
        let timestamp = (magic >= 1).then(|| inner.iter().filter_map(|m| m.timestamp).max().unwrap_or(-1));
        Ok(LegacyMessage {
            offset: last_offset,
            magic,
            attributes: compression.id() as i8,
            timestamp,
            key: None,
            value: Some(Bytes::from(compressed)),
        })
    }

    /// The inner messages of a compressed wrapper, with absolute offsets.
    pub fn inner_messages(&self, options: &DecodeOptions) -> Result<Vec<LegacyMessage>, RecordsDecodeError> {
        let compression = self.compression().map_err(|k| RecordsDecodeError::new(k, 0))?;
        if compression == Compression::None {
            return Ok(vec![self.clone()]);
        }
        let value = self.value.clone().unwrap_or_default();
        let plain = decompress(compression, &value, options.max_decompressed_size, self.magic == 0)
            .map_err(|k| RecordsDecodeError::new(k, 0).in_field("value"))?;
        let (mut inner, partial) = decode_messages(Bytes::from(plain), options)?;
        if partial != 0 {
            return Err(DecodeError::new(DecodeErrorKind::Invalid("truncated inner message set"), 0).into());
        }
        if self.magic == 1 {
            // Relative offsets: the wrapper holds the last inner message's absolute offset.
            if let Some(last) = inner.last().map(|m| m.offset) {
                let base = self.offset - last;
                for m in &mut inner {
                    m.offset += base;
                }
            }
        }
        Ok(inner)
    }
}

fn read_bytes(r: &mut Reader<'_>) -> Result<Option<Bytes>, DecodeError> {
    let len = r.read_i32()?;
    match len {
        -1 => Ok(None),
        n if n < 0 => Err(r.error(DecodeErrorKind::NegativeLength(n as i64))),
        n => r.read_slice(n as usize).map(Some),
    }
}

fn decode_one(r: &mut Reader<'_>, options: &DecodeOptions) -> Result<LegacyMessage, RecordsDecodeError> {
    let offset = r.read_i64()?;
    let size = r.read_i32()?;
    if size < 14 {
        return Err(r.error(DecodeErrorKind::Invalid("message size is below the minimum")).into());
    }
    let mut m = r.sub_reader(size as usize)?;
    let crc = m.read_u32()?;
    let content_start = m.position();
    let magic = m.read_i8()?;
    if !(0..=1).contains(&magic) {
        return Err(RecordsDecodeError::new(RecordsDecodeErrorKind::UnsupportedMagic(magic), m.position()));
    }
    let attributes = m.read_i8()?;
    let timestamp = if magic >= 1 { Some(m.read_i64()?) } else { None };
    let key = read_bytes(&mut m).map_err(|e| e.in_field("key"))?;
    let value = read_bytes(&mut m).map_err(|e| e.in_field("value"))?;
    if m.remaining() != 0 {
        return Err(m.error(DecodeErrorKind::Invalid("message size does not match its content")).into());
    }
    let content = m.position() - content_start;
    let message = LegacyMessage { offset, magic, attributes, timestamp, key, value };
    if options.verify_crc {
        // Re-encode the content to check the CRC over exactly the bytes read.
        let mut buf = BytesMut::with_capacity(message.encoded_size());
        message.encode(&mut buf).map_err(|_| DecodeError::new(DecodeErrorKind::Invalid("unencodable message"), 0))?;
        let computed = crc32fast::hash(&buf[LOG_OVERHEAD + 4..LOG_OVERHEAD + 4 + content]);
        if computed != crc {
            let kind = RecordsDecodeErrorKind::CrcMismatch { stored: crc, computed };
            return Err(RecordsDecodeError::new(kind, content_start - 4));
        }
    }
    Ok(message)
}

/// Decodes a message set, returning its messages (wrappers as they are)
/// and the size of a partial message at the end (0 if none).
pub fn decode_messages(
    data: Bytes,
    options: &DecodeOptions,
) -> Result<(Vec<LegacyMessage>, usize), RecordsDecodeError> {
    let mut r = Reader::new(&data);
    let mut messages = Vec::new();
    while r.remaining() > 0 {
        if r.remaining() < LOG_OVERHEAD {
            return Ok((messages, r.remaining()));
        }
        let start = r.position();
        let size = i32::from_be_bytes(data[start + 8..start + 12].try_into().unwrap());
        if size >= 0 && r.remaining() < LOG_OVERHEAD + size as usize {
            return Ok((messages, r.remaining()));
        }
        messages.push(decode_one(&mut r, options).map_err(|e| e.in_index(messages.len()))?);
    }
    Ok((messages, 0))
}

/// Decodes a message set and flattens compressed wrappers into their inner
/// messages, with absolute offsets.
pub fn decode_message_set(data: Bytes, options: &DecodeOptions) -> Result<Vec<LegacyMessage>, RecordsDecodeError> {
    let (messages, _partial) = decode_messages(data, options)?;
    let mut out = Vec::with_capacity(messages.len());
    for m in messages {
        if m.attributes & 0x07 == 0 {
            out.push(m);
        } else {
            out.extend(m.inner_messages(options)?);
        }
    }
    Ok(out)
}

/// Encodes messages (wrappers included, as they are) into a message set.
pub fn encode_message_set(messages: &[LegacyMessage]) -> Result<Bytes, EncodeError> {
    let mut buf = BytesMut::with_capacity(messages.iter().map(LegacyMessage::encoded_size).sum());
    for (i, m) in messages.iter().enumerate() {
        m.encode(&mut buf).map_err(|e| e.in_index(i))?;
    }
    Ok(buf.freeze())
}
