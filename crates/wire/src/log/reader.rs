//! Streaming a log file batch by batch, with its positions.

use super::error::{LogError, LogErrorKind};
use crate::codec::Reader;
use crate::records::legacy::LegacyMessage;
use crate::records::{
    BatchView, Compression, ControlRecord, DecodeOptions, Header, Record, RecordSetEntry, RecordsDecodeError,
    TimestampType, BATCH_HEADER_SIZE,
};
use crate::{DecodeError, DecodeErrorKind};
use bytes::Bytes;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// Every entry of a log starts with its offset (int64) and size (int32).
const ENTRY_HEADER_SIZE: usize = 12;

/// The reads of a file go through a buffer of this size.
const READ_BUFFER_SIZE: usize = 1 << 16;

/// An entry's bytes are read in steps of at most this much, so that a
/// damaged size field costs no more memory than the file holds.
const FIRST_ALLOCATION_LIMIT: usize = 1 << 20;

/// Reads a log segment (`*.log`) or a KRaft snapshot (`*.checkpoint`) as a
/// sequence of batches, one at a time: a file of any size is read through a
/// small buffer, holding one batch at a time.
///
/// Both files are what a records field carries, written back to back: v2
/// batches, and in a segment written before message format v2, legacy (v0,
/// v1) messages, every codec included. The iteration yields each
/// [`LogBatch`] with its byte position; its records decode on demand
/// ([`LogBatch::records`]). A file whose last batch is cut short (a segment
/// being written, a copy taken mid-write) ends the iteration cleanly, and
/// [`LogReader::truncated_tail`] reports it; anything else damaged is a
/// [`LogError`] naming the file, the byte position and the batch, which ends
/// the iteration.
///
/// ```
/// use kafka_wire::log::LogReader;
/// use kafka_wire::records::{encode_batches, Compression, EncodeOptions, Record, RecordBatch};
///
/// let batch = RecordBatch::from_records(Compression::Zstd, [(1_700_000_000_000, Record::default())]);
/// let mut segment = encode_batches(&[batch.clone(), batch], &EncodeOptions::default())?.to_vec();
/// segment.truncate(segment.len() - 5); // the second batch is still being written
///
/// let mut reader = LogReader::new(&segment[..]);
/// for batch in &mut reader {
///     let batch = batch?;
///     assert_eq!(batch.position, 0);
///     assert_eq!(batch.records()?.len(), 1);
/// }
/// let tail = reader.truncated_tail().expect("the cut batch is reported");
/// assert_eq!(tail.bytes, tail.declared.unwrap() - 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LogReader<R> {
    input: R,
    file: Option<Arc<Path>>,
    position: u64,
    index: usize,
    options: DecodeOptions,
    truncated: Option<TruncatedTail>,
    done: bool,
}

/// A batch cut short at the end of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TruncatedTail {
    /// Where the cut batch starts.
    pub position: u64,
    /// How many of its bytes the file holds.
    pub bytes: u64,
    /// Its size as its header declares it, when the header is whole.
    pub declared: Option<u64>,
}

impl LogReader<BufReader<File>> {
    /// Opens a log segment or snapshot file; errors name the file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, LogError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| LogError::new(LogErrorKind::Io(e), 0).in_file(Some(path.into())))?;
        Ok(LogReader::new(BufReader::with_capacity(READ_BUFFER_SIZE, file)).with_file_name(path))
    }
}

impl<R: Read> LogReader<R> {
    /// Reads the batches of `input` (give a [`BufReader`] for a file, or use
    /// [`LogReader::open`]).
    pub fn new(input: R) -> Self {
        LogReader {
            input,
            file: None,
            position: 0,
            index: 0,
            options: DecodeOptions::default(),
            truncated: None,
            done: false,
        }
    }

    /// The name that errors give for the input.
    pub fn with_file_name(mut self, path: impl AsRef<Path>) -> Self {
        self.file = Some(path.as_ref().into());
        self
    }

    /// The options for the legacy messages, which are checked as they are
    /// read, and the default for [`LogBatch::records`].
    pub fn with_options(mut self, options: DecodeOptions) -> Self {
        self.options = options;
        self
    }

    /// Where the next batch starts: after the iteration, the size of what
    /// was read whole.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The batch that the end of the file cut short, if any (known once the
    /// iteration has ended).
    pub fn truncated_tail(&self) -> Option<&TruncatedTail> {
        self.truncated.as_ref()
    }

    /// Reads the next entry whole: `None` at the end of the input, clean or
    /// cut short.
    fn read_entry(&mut self) -> Result<Option<Bytes>, LogError> {
        let mut head = [0u8; ENTRY_HEADER_SIZE];
        let got = crate::read_up_to(&mut self.input, &mut head).map_err(|e| self.io_error(e))?;
        if got == 0 {
            return Ok(None);
        }
        if got < ENTRY_HEADER_SIZE {
            self.truncated = Some(TruncatedTail { position: self.position, bytes: got as u64, declared: None });
            return Ok(None);
        }
        let length = i32::from_be_bytes([head[8], head[9], head[10], head[11]]);
        if length < 0 {
            let kind =
                LogErrorKind::Records(DecodeError::new(DecodeErrorKind::NegativeLength(length as i64), 8).into());
            return Err(self.error(kind, 8));
        }
        let size = ENTRY_HEADER_SIZE + length as usize;
        let mut entry = Vec::with_capacity(size.min(FIRST_ALLOCATION_LIMIT));
        entry.extend_from_slice(&head);
        (&mut self.input).take(length as u64).read_to_end(&mut entry).map_err(|e| self.io_error(e))?;
        if entry.len() < size {
            let bytes = entry.len() as u64;
            self.truncated = Some(TruncatedTail { position: self.position, bytes, declared: Some(size as u64) });
            return Ok(None);
        }
        Ok(Some(Bytes::from(entry)))
    }

    fn next_batch(&mut self) -> Result<Option<LogBatch>, LogError> {
        let Some(bytes) = self.read_entry()? else { return Ok(None) };
        let size = bytes.len() as u64;
        let entry = crate::records::parse_entry(bytes, &self.options)
            .map_err(|e| self.error(LogErrorKind::Records(e.clone()), e.offset() as u64))?;
        let batch = LogBatch {
            position: self.position,
            index: self.index,
            entry,
            file: self.file.clone(),
            options: self.options,
        };
        self.position += size;
        self.index += 1;
        Ok(Some(batch))
    }

    /// An error `within` bytes into the entry at the current position.
    fn error(&self, kind: LogErrorKind, within: u64) -> LogError {
        LogError::new(kind, self.position + within).in_file(self.file.clone()).in_batch(self.index, None)
    }

    fn io_error(&self, error: io::Error) -> LogError {
        LogError::new(LogErrorKind::Io(error), self.position).in_file(self.file.clone())
    }
}

impl<R: Read> Iterator for LogReader<R> {
    type Item = Result<LogBatch, LogError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_batch().transpose();
        self.done = !matches!(next, Some(Ok(_)));
        next
    }
}

/// One batch of a log file: a v2 batch (header read, records not yet
/// decoded) or a legacy message, with where it was found.
#[derive(Debug, Clone)]
pub struct LogBatch {
    /// The batch's first byte in the file.
    pub position: u64,
    /// Its place in the file: 0 for the first batch.
    pub index: usize,
    /// The batch itself.
    pub entry: RecordSetEntry,
    file: Option<Arc<Path>>,
    options: DecodeOptions,
}

impl LogBatch {
    /// The batch's size in the file, in bytes.
    pub fn size(&self) -> u64 {
        match &self.entry {
            RecordSetEntry::Batch(view) => view.header.size_in_bytes() as u64,
            RecordSetEntry::Legacy(message) => message.encoded_size() as u64,
        }
    }

    /// The offset of the batch's last record (for a legacy message, its
    /// offset, which a compressed wrapper sets to its last inner message's).
    pub fn last_offset(&self) -> i64 {
        match &self.entry {
            RecordSetEntry::Batch(view) => view.header.last_offset(),
            RecordSetEntry::Legacy(message) => message.offset,
        }
    }

    /// Whether this is a control batch (transaction markers, KRaft control records).
    pub fn is_control(&self) -> bool {
        matches!(&self.entry, RecordSetEntry::Batch(view) if view.header.is_control())
    }

    /// The batch's records, with absolute offsets and timestamps, decoded
    /// with the reader's options (CRC checked, compressed data
    /// decompressed). An error names the file, the position, the batch and,
    /// when one record is at fault, the record.
    pub fn records(&self) -> Result<Vec<LogRecord>, LogError> {
        self.records_with(&self.options)
    }

    /// As [`LogBatch::records`], with other `options`.
    pub fn records_with(&self, options: &DecodeOptions) -> Result<Vec<LogRecord>, LogError> {
        match &self.entry {
            RecordSetEntry::Batch(view) => self.batch_records(view, options),
            RecordSetEntry::Legacy(message) => self.legacy_records(message, options),
        }
    }

    fn batch_records(&self, view: &BatchView, options: &DecodeOptions) -> Result<Vec<LogRecord>, LogError> {
        let (data, count) = view.checked_records(options).map_err(|e| {
            let within = e.offset() as u64;
            self.error(e, Some(within), None)
        })?;
        // Without compression, a record's bytes are where the file has them;
        // in decompressed data, an error's place is its batch and record.
        let data_start = match view.header.compression() {
            Ok(Compression::None) => Some(BATCH_HEADER_SIZE as u64),
            _ => None,
        };
        let in_file = |e: &DecodeError| data_start.map(|start| start + e.offset() as u64);
        let header = &view.header;
        let log_append_time = header.timestamp_type() == TimestampType::LogAppendTime;
        let mut r = Reader::new(&data);
        let mut records = Vec::with_capacity(count);
        for i in 0..count {
            let record = Record::decode(&mut r).map_err(|e| self.error(e.clone().into(), in_file(&e), Some(i)))?;
            let timestamp = match log_append_time {
                true => header.max_timestamp,
                false => header.base_timestamp.wrapping_add(record.timestamp_delta),
            };
            records.push(LogRecord {
                offset: header.base_offset.wrapping_add(i64::from(record.offset_delta)),
                timestamp: Some(timestamp),
                key: record.key,
                value: record.value,
                headers: record.headers,
            });
        }
        if r.remaining() != 0 {
            let e = r.error(DecodeErrorKind::Invalid("bytes left after the declared record count"));
            return Err(self.error(e.clone().into(), in_file(&e), None));
        }
        Ok(records)
    }

    fn legacy_records(&self, message: &LegacyMessage, options: &DecodeOptions) -> Result<Vec<LogRecord>, LogError> {
        // Only a compressed wrapper can fail here, in its decompressed data.
        let inner = message.inner_messages(options).map_err(|e| self.error(e, None, None))?;
        let wrapper_time = match message.timestamp_type() {
            TimestampType::LogAppendTime => message.timestamp,
            TimestampType::CreateTime => None,
        };
        Ok(inner
            .into_iter()
            .map(|m| LogRecord {
                offset: m.offset,
                timestamp: wrapper_time.or(m.timestamp),
                key: m.key,
                value: m.value,
                headers: Vec::new(),
            })
            .collect())
    }

    /// An error in this batch, `within` bytes from its start when that is
    /// known (else at its start), in `record` when one is at fault.
    pub(crate) fn error(&self, error: RecordsDecodeError, within: Option<u64>, record: Option<usize>) -> LogError {
        self.error_of(LogErrorKind::Records(error), within, record)
    }

    pub(crate) fn error_of(&self, kind: LogErrorKind, within: Option<u64>, record: Option<usize>) -> LogError {
        let base = match &self.entry {
            RecordSetEntry::Batch(view) => view.header.base_offset,
            RecordSetEntry::Legacy(message) => message.offset,
        };
        let error = LogError::new(kind, self.position + within.unwrap_or(0))
            .in_file(self.file.clone())
            .in_batch(self.index, Some(base));
        match record {
            Some(record) => error.in_record(record),
            None => error,
        }
    }
}

/// A record of a log file, v2 or legacy, with its absolute offset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogRecord {
    /// The record's offset in its partition.
    pub offset: i64,
    /// Its timestamp (the batch's, for log-append time); `None` in message
    /// format v0, which has none.
    pub timestamp: Option<i64>,
    /// Its key; `None` for a null key.
    pub key: Option<Bytes>,
    /// Its value; `None` for a null value (a tombstone).
    pub value: Option<Bytes>,
    /// Its headers (message format v2 only).
    pub headers: Vec<Header>,
}

impl LogRecord {
    /// The record as a control record, for a record of a control batch
    /// ([`LogBatch::is_control`]): a transaction marker or a KRaft control
    /// record, parsed from its key and value.
    pub fn control_record(&self) -> Result<ControlRecord, DecodeError> {
        let record = Record { key: self.key.clone(), value: self.value.clone(), ..Default::default() };
        ControlRecord::parse(&record)
    }
}
