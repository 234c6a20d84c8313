//! A records field of any message format: v2 batches and legacy (v0, v1)
//! messages, in the order they come.
//!
//! Produce v0-2 and Fetch v0-3 carry legacy message sets, and a fetch at
//! any version returns what the log holds, which after a format upgrade can
//! be legacy messages followed by v2 batches. Kafka's Java client iterates
//! both kinds as batches; [`RecordSetIter`] does the same.

use super::batch::{BatchView, DecodeOptions, EntrySplitter};
use super::error::{RecordsDecodeError, RecordsDecodeErrorKind};
use super::legacy::{decode_messages, LegacyMessage};
use crate::{DecodeError, DecodeErrorKind};
use bytes::Bytes;

/// Where the magic byte is in both formats: after offset (8), size (4) and,
/// in v2, the partition leader epoch (4); in v0/v1, the CRC (4).
const MAGIC_OFFSET: usize = 16;

/// One entry of a records field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordSetEntry {
    /// A v2 batch, header parsed, records not yet decoded.
    Batch(BatchView),
    /// A v0 or v1 message: one record, or a compressed wrapper whose
    /// [`LegacyMessage::inner_messages`] are the records.
    Legacy(LegacyMessage),
}

impl RecordSetEntry {
    /// The entry's message format: 0, 1 or 2.
    pub fn magic(&self) -> i8 {
        match self {
            RecordSetEntry::Batch(b) => b.header.magic,
            RecordSetEntry::Legacy(m) => m.magic,
        }
    }
}

/// Iterates the entries of a records field lazily; an entry cut off at the
/// end (a fetch response may end inside one) ends the iteration cleanly and
/// is reported by [`RecordSetIter::partial_bytes`]. The first damaged entry
/// is returned as an error, which ends the iteration.
///
/// ```
/// use bytes::Bytes;
/// use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
/// use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch, RecordSetEntry, RecordSetIter};
///
/// // A log upgraded from format v1 to v2: a legacy message, then a v2 batch.
/// let old = LegacyMessage::new(1, 0, Some(1_700_000_000_000), None, Some(Bytes::from_static(b"old")));
/// let mut records = encode_message_set(&[old])?.to_vec();
/// let batch = RecordBatch::from_records(Compression::None, [(1_700_000_000_001, Record::default())]);
/// records.extend_from_slice(&batch.to_bytes(&EncodeOptions::default())?);
///
/// let magics: Vec<i8> = RecordSetIter::new(Bytes::from(records)).map(|e| e.map(|e| e.magic())).collect::<Result<_, _>>()?;
/// assert_eq!(magics, [1, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RecordSetIter {
    entries: EntrySplitter,
    options: DecodeOptions,
}

impl RecordSetIter {
    /// Iterates the entries in `records`, checking legacy CRCs (the v2
    /// batches' CRCs are checked when their records are decoded).
    pub fn new(records: Bytes) -> RecordSetIter {
        Self::with_options(records, DecodeOptions::default())
    }

    /// As [`RecordSetIter::new`], with `options` for the legacy messages.
    pub fn with_options(records: Bytes, options: DecodeOptions) -> RecordSetIter {
        RecordSetIter { entries: EntrySplitter::new(records), options }
    }

    /// Bytes of an incomplete entry at the end (0 when the data ended cleanly).
    pub fn partial_bytes(&self) -> usize {
        self.entries.partial_bytes()
    }
}

impl Iterator for RecordSetIter {
    type Item = Result<RecordSetEntry, RecordsDecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let size = match self.entries.peek()? {
            Ok(size) => size,
            Err(e) => return Some(Err(e)),
        };
        let (start, entry) = self.entries.take(size);
        let at_start = |e: RecordsDecodeError| RecordsDecodeError::new(e.kind().clone(), start + e.offset());
        let decoded = parse_entry(entry, &self.options);
        Some(decoded.map_err(|e| self.entries.fail(at_start(e))))
    }
}

/// Parses one entry (offset, size and the rest, as the splitting took it):
/// a v2 batch by its header, a legacy message whole. Error offsets count
/// from the entry's first byte.
pub(crate) fn parse_entry(entry: Bytes, options: &DecodeOptions) -> Result<RecordSetEntry, RecordsDecodeError> {
    match entry.get(MAGIC_OFFSET).map(|&m| m as i8) {
        Some(2) => BatchView::new(entry).map(RecordSetEntry::Batch),
        Some(0 | 1) => match decode_messages(entry, options) {
            Ok((mut messages, 0)) if messages.len() == 1 => Ok(RecordSetEntry::Legacy(messages.remove(0))),
            Ok(_) => {
                Err(DecodeError::new(DecodeErrorKind::Invalid("message size does not match its content"), 8).into())
            }
            Err(e) => Err(e),
        },
        Some(magic) => Err(RecordsDecodeError::new(RecordsDecodeErrorKind::UnsupportedMagic(magic), MAGIC_OFFSET)),
        None => Err(DecodeError::new(DecodeErrorKind::Invalid("entry too short for its magic byte"), 8).into()),
    }
}
