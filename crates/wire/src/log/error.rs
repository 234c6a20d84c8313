//! The error of reading a log file: what, and where in which file.

use crate::records::RecordsDecodeError;
use crate::DecodeError;
use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// A failure to read a log file: what went wrong ([`LogErrorKind`]), the
/// file, the byte position in it, the batch and, when one record is at
/// fault, the record.
///
/// ```
/// use kafka_wire::log::{LogErrorKind, LogReader};
/// use kafka_wire::records::{encode_batches, Compression, EncodeOptions, Record, RecordBatch};
///
/// let batch = RecordBatch::from_records(Compression::None, [(0, Record::default())]);
/// let mut segment = encode_batches(&[batch.clone(), batch], &EncodeOptions::default())?.to_vec();
/// let last = segment.len() - 1;
/// segment[last] ^= 0xff; // damage the second batch's record
///
/// let mut reader = LogReader::new(&segment[..]).with_file_name("orders-0/00000000000000000000.log");
/// let second = reader.nth(1).unwrap()?;
/// let err = second.records().unwrap_err();
/// assert_eq!(err.batch(), Some(1));
/// assert!(matches!(err.kind(), LogErrorKind::Records(_)));
/// assert!(err.to_string().starts_with("orders-0/00000000000000000000.log: byte 85, batch 1 (offset 0): CRC mismatch"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LogError {
    kind: LogErrorKind,
    file: Option<Arc<Path>>,
    position: u64,
    batch: Option<(usize, Option<i64>)>,
    record: Option<usize>,
}

/// What went wrong while reading a log file.
#[derive(Debug)]
#[non_exhaustive]
pub enum LogErrorKind {
    /// The file could not be read.
    Io(io::Error),
    /// A batch or record is malformed: the records error, with its own
    /// offset (in the batch, or in its decompressed records) and field path.
    Records(RecordsDecodeError),
    /// A record's key or value is not what its topic stores (see
    /// [`InternalTopic`](super::InternalTopic)).
    Stored(DecodeError),
}

impl LogError {
    pub(crate) fn new(kind: LogErrorKind, position: u64) -> LogError {
        LogError { kind, file: None, position, batch: None, record: None }
    }

    pub(crate) fn in_file(mut self, file: Option<Arc<Path>>) -> LogError {
        self.file = file;
        self
    }

    pub(crate) fn in_batch(mut self, index: usize, base_offset: Option<i64>) -> LogError {
        self.batch = Some((index, base_offset));
        self
    }

    pub(crate) fn in_record(mut self, index: usize) -> LogError {
        self.record = Some(index);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &LogErrorKind {
        &self.kind
    }

    /// The file, when the reader was given its name.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The byte position in the file: of the failing bytes when known, else
    /// of the failing batch (the bytes of a compressed batch's records are
    /// not in the file as such).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The failing batch's place in the file (0 for the first), when the
    /// failure is in a batch.
    pub fn batch(&self) -> Option<usize> {
        self.batch.map(|(index, _)| index)
    }

    /// The failing batch's base offset, when its header could be read.
    pub fn base_offset(&self) -> Option<i64> {
        self.batch.and_then(|(_, offset)| offset)
    }

    /// The failing record's place in its batch (0 for the first), when one
    /// record is at fault.
    pub fn record(&self) -> Option<usize> {
        self.record
    }
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        write!(f, "byte {}", self.position)?;
        match self.batch {
            Some((index, Some(offset))) => write!(f, ", batch {index} (offset {offset})")?,
            Some((index, None)) => write!(f, ", batch {index}")?,
            None => {}
        }
        if let Some(record) = self.record {
            write!(f, ", record {record}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl fmt::Display for LogErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogErrorKind::Io(e) => write!(f, "read failed: {e}"),
            LogErrorKind::Records(e) => write_without_offset(f, &e.path(), e.kind()),
            LogErrorKind::Stored(e) => write_without_offset(f, &e.path(), e.kind()),
        }
    }
}

/// A decode error's path and kind: its offset is in the position that
/// [`LogError`] gives.
fn write_without_offset(f: &mut fmt::Formatter<'_>, path: &str, kind: &dyn fmt::Display) -> fmt::Result {
    match path.is_empty() {
        true => write!(f, "{kind}"),
        false => write!(f, "in {path}: {kind}"),
    }
}

impl std::error::Error for LogError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            LogErrorKind::Io(e) => Some(e),
            LogErrorKind::Records(e) => Some(e),
            LogErrorKind::Stored(e) => Some(e),
        }
    }
}
