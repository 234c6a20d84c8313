//! The errors of records: what the record formats (batches, legacy message
//! sets) and the compression codecs find wrong, beside the wire-format
//! errors of the bytes that frame them. They are [`DecodeError`]s and
//! [`EncodeError`]s of this module's kinds, so they carry the byte offset
//! and field path as every other error does, and a wire-format error
//! converts into one with `?`.
//!
//! ```
//! use bytes::Bytes;
//! use kafka_wire::records::{BatchView, Compression, EncodeOptions, Record, RecordBatch, RecordsDecodeErrorKind};
//!
//! let batch = RecordBatch::from_records(Compression::None, [(0, Record::default())]);
//! let mut bytes = batch.to_bytes(&EncodeOptions::default())?.to_vec();
//! *bytes.last_mut().unwrap() ^= 1; // damage the last record
//! let err = BatchView::new(Bytes::from(bytes))?.verify_crc().unwrap_err();
//! assert!(matches!(err.kind(), RecordsDecodeErrorKind::CrcMismatch { .. }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use crate::{WrapsDecodeErrorKind, WrapsEncodeErrorKind};
use std::fmt;

/// A failure to read records: where, and what ([`RecordsDecodeErrorKind`]).
pub type RecordsDecodeError = DecodeError<RecordsDecodeErrorKind>;

/// A failure to write records: where, and what ([`RecordsEncodeErrorKind`]).
pub type RecordsEncodeError = EncodeError<RecordsEncodeErrorKind>;

/// What went wrong while reading records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordsDecodeErrorKind {
    /// The bytes that frame the records are malformed (a length, a varint,
    /// the end of the input, ...).
    Wire(DecodeErrorKind),
    /// A record batch or message whose CRC does not match its content.
    CrcMismatch {
        /// The CRC in the data.
        stored: u32,
        /// The CRC of the content.
        computed: u32,
    },
    /// A record-batch magic byte this library does not read.
    UnsupportedMagic(i8),
    /// A compression codec id that Kafka does not define.
    UnknownCompression(u8),
    /// Compressed data that does not decompress.
    Decompression(String),
    /// Decompressed data would exceed the caller's limit.
    DecompressedTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl From<DecodeErrorKind> for RecordsDecodeErrorKind {
    fn from(kind: DecodeErrorKind) -> Self {
        RecordsDecodeErrorKind::Wire(kind)
    }
}

impl WrapsDecodeErrorKind for RecordsDecodeErrorKind {}

impl fmt::Display for RecordsDecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RecordsDecodeErrorKind::*;
        match self {
            Wire(kind) => kind.fmt(f),
            CrcMismatch { stored, computed } => {
                write!(f, "CRC mismatch: stored {stored:#010x}, computed {computed:#010x}")
            }
            UnsupportedMagic(m) => write!(f, "unsupported record magic {m}"),
            UnknownCompression(c) => write!(f, "unknown compression codec {c}"),
            Decompression(why) => write!(f, "decompression failed: {why}"),
            DecompressedTooLarge { limit } => write!(f, "decompressed data exceeds the limit of {limit} bytes"),
        }
    }
}

impl std::error::Error for RecordsDecodeErrorKind {}

/// What went wrong while writing records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordsEncodeErrorKind {
    /// A value the wire format cannot carry (too long, out of range, ...).
    Wire(EncodeErrorKind),
    /// The compressor failed (or the codec is not compiled in).
    Compression(String),
}

impl From<EncodeErrorKind> for RecordsEncodeErrorKind {
    fn from(kind: EncodeErrorKind) -> Self {
        RecordsEncodeErrorKind::Wire(kind)
    }
}

impl WrapsEncodeErrorKind for RecordsEncodeErrorKind {}

impl fmt::Display for RecordsEncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordsEncodeErrorKind::Wire(kind) => kind.fmt(f),
            RecordsEncodeErrorKind::Compression(why) => write!(f, "compression failed: {why}"),
        }
    }
}

impl std::error::Error for RecordsEncodeErrorKind {}
