//! Records: what the `records` fields of Produce, Fetch, ShareFetch and
//! FetchSnapshot carry.
//!
//! - [`RecordBatch`] (message format v2) with its [`Record`]s and
//!   [`Header`]s, CRC-32C checked on decode and computed on encode;
//!   [`BatchView`] and [`BatchIter`] read batch headers (offsets, counts,
//!   producer, timestamps) without decompressing, and iterate a fetch
//!   response's batches lazily, stopping cleanly at a truncated last batch.
//! - [`ControlRecord`] and [`ControlRecordType`]: typed transaction
//!   markers and KRaft control records.
//! - [`legacy`]: message sets of format v0 and v1, compressed wrappers
//!   included, as Produce v0-2 and Fetch v0-3 carry them; [`RecordSetIter`]
//!   reads a records field of either format (or both, as an upgraded log
//!   returns them).
//! - [`Compression`], [`compress`] and [`decompress`]: gzip, snappy (raw
//!   and xerial-framed), lz4 (Kafka's framing) and zstd, each behind a
//!   cargo feature of the same name.
//! - Errors: [`RecordsDecodeError`] and [`RecordsEncodeError`], with the
//!   records' own kinds (CRC, magic, codec) beside the wire format's.
//!
//! To read records, use:
//!
//! | to read ... | use |
//! | --- | --- |
//! | a records field of a message (Fetch, Produce, ShareFetch, FetchSnapshot), lazily | `partition.batches()` ([`ReadBatches`]): a [`BatchView`] per batch, header only, then [`BatchView::records`] |
//! | the same without allocating per record | [`BatchView::borrowed_records`]: [`RecordRef`]s borrowing the batch (decompressed once) |
//! | a whole batch as an owned value | [`BatchView::decode`] or [`RecordBatch::decode`] |
//! | a field that may hold format v0/v1 message sets (Produce v0-2, Fetch v0-3, an upgraded log) | `partition.entries()` or [`RecordSetIter`]: a [`RecordSetEntry`] per batch or message |
//! | only the legacy messages | `partition.legacy_messages(..)`, or [`legacy::decode_message_set`] on bytes |
//! | bytes you hold (not in a message) | [`BatchIter::new`] / [`RecordSetIter::new`], or [`decode_batches`] for all at once |
//! | a log segment or snapshot file | [`crate::log::LogReader`] |
//! | a transaction marker or KRaft control record | [`ControlRecord::parse`] on a record of a control batch |
//!
//! And to write them: [`RecordBatch::from_records`], then
//! `partition.set_batches(..)` ([`WriteBatches`]) or [`encode_batches`];
//! [`legacy::encode_message_set`] for the old formats.
//!
//! Building a produce request:
//!
//! ```
//! use bytes::Bytes;
//! use kafka_wire::messages::produce_request::{PartitionProduceData, TopicProduceData};
//! use kafka_wire::messages::ProduceRequest;
//! use kafka_wire::records::{Compression, EncodeOptions, Header, Record, RecordBatch, WriteBatches};
//!
//! let record = Record {
//!     key: Some(Bytes::from_static(b"k")),
//!     value: Some(Bytes::from_static(b"v")),
//!     headers: vec![Header::new("trace", Some(Bytes::from_static(b"1")))],
//!     ..Default::default()
//! };
//! let batch = RecordBatch::from_records(Compression::Lz4, [(1_700_000_000_000, record)]);
//! let mut partition = PartitionProduceData { index: 0, ..Default::default() };
//! partition.set_batches(&[batch], &EncodeOptions::default())?;
//! let request = ProduceRequest {
//!     acks: -1,
//!     timeout_ms: 30_000,
//!     topic_data: vec![TopicProduceData { name: "events".into(), partition_data: vec![partition], ..Default::default() }],
//!     ..Default::default()
//! };
//! # let _ = request;
//! # Ok::<(), kafka_wire::records::RecordsEncodeError>(())
//! ```
//!
//! Reading a fetch response, lazily, batch by batch:
//!
//! ```
//! # use kafka_wire::messages::{fetch_response, FetchResponse};
//! # use kafka_wire::records::*;
//! # let batch = RecordBatch::from_records(Compression::Gzip, [(0, Record::default())]);
//! # let partition = fetch_response::PartitionData { records: Some(encode_batches(&[batch], &EncodeOptions::default())?), ..Default::default() };
//! # let fetch_response = FetchResponse { responses: vec![fetch_response::FetchableTopicResponse { partitions: vec![partition], ..Default::default() }], ..Default::default() };
//! let mut seen = 0;
//! for topic in &fetch_response.responses {
//!     for partition in &topic.partitions {
//!         for batch in partition.batches() {
//!             let batch = batch?; // header only: nothing decompressed yet
//!             for record in batch.records(&DecodeOptions::default())? {
//!                 if batch.header.is_control() {
//!                     let _marker = ControlRecord::parse(&record)?;
//!                 }
//!                 seen += 1;
//!             }
//!         }
//!     }
//! }
//! assert_eq!(seen, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
mod compression;
mod control;
mod error;
pub mod legacy;
mod record;
mod record_ref;
mod record_set;

pub use batch::{
    attributes, decode_batches, encode_batches, BatchHeader, BatchIter, BatchView, DecodeOptions, EncodeOptions,
    RecordBatch, TimestampType, BATCH_HEADER_SIZE,
};
pub use compression::{compress, decompress, Compression};
pub use control::{ControlRecord, ControlRecordType};
pub use error::{RecordsDecodeError, RecordsDecodeErrorKind, RecordsEncodeError, RecordsEncodeErrorKind};
pub use record::{Header, Record};
pub use record_ref::{BorrowedRecords, HeaderRef, RecordRef, RecordRefs};
pub(crate) use record_set::parse_entry;
pub use record_set::{RecordSetEntry, RecordSetIter};

use crate::messages::{fetch_response, fetch_snapshot_response, produce_request, share_fetch_response};
use bytes::Bytes;
use legacy::LegacyMessage;

/// Reading a partition's `records` field.
pub trait ReadBatches {
    /// The field's bytes (empty when null).
    fn raw_records(&self) -> Bytes;

    /// The v2 batches in the field, read lazily. A legacy (v0/v1) message
    /// is an [`RecordsDecodeErrorKind::UnsupportedMagic`] error here: read
    /// old versions' fields with [`ReadBatches::entries`] or
    /// [`ReadBatches::legacy_messages`].
    fn batches(&self) -> BatchIter {
        BatchIter::new(self.raw_records())
    }

    /// Every entry, v2 batch or legacy message, read lazily.
    fn entries(&self) -> RecordSetIter {
        RecordSetIter::new(self.raw_records())
    }

    /// The legacy messages of a v0/v1 message set (what Produce v0-2 and
    /// Fetch v0-3 carry), compressed wrappers opened, offsets absolute. A
    /// partial message at the end is left out, as a fetch may cut one.
    fn legacy_messages(&self, options: &DecodeOptions) -> Result<Vec<LegacyMessage>, RecordsDecodeError> {
        legacy::decode_message_set(self.raw_records(), options)
    }
}

/// Filling a produce partition's `records` field.
pub trait WriteBatches {
    /// Encodes `batches` (message format v2, Produce v3 and later) into
    /// this partition's records.
    fn set_batches(&mut self, batches: &[RecordBatch], options: &EncodeOptions) -> Result<(), RecordsEncodeError>;

    /// Encodes legacy `messages` (format v0 or v1, for Produce v0-2;
    /// compressed wrappers from [`LegacyMessage::compressed_wrapper`]) into
    /// this partition's records.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use kafka_wire::messages::produce_request::PartitionProduceData;
    /// use kafka_wire::records::legacy::LegacyMessage;
    /// use kafka_wire::records::{Compression, DecodeOptions, ReadBatches, WriteBatches};
    ///
    /// let inner: Vec<LegacyMessage> = (0..3)
    ///     .map(|i| LegacyMessage::new(1, i, Some(1_700_000_000_000), None, Some(Bytes::from(format!("m{i}")))))
    ///     .collect();
    /// let wrapper = LegacyMessage::compressed_wrapper(1, Compression::Gzip, None, &inner)?;
    /// let mut partition = PartitionProduceData::default();
    /// partition.set_legacy_messages(&[wrapper])?;
    /// assert_eq!(partition.legacy_messages(&DecodeOptions::default())?, inner);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn set_legacy_messages(&mut self, messages: &[LegacyMessage]) -> Result<(), RecordsEncodeError>;
}

impl WriteBatches for produce_request::PartitionProduceData {
    fn set_batches(&mut self, batches: &[RecordBatch], options: &EncodeOptions) -> Result<(), RecordsEncodeError> {
        self.records = Some(encode_batches(batches, options)?);
        Ok(())
    }

    fn set_legacy_messages(&mut self, messages: &[LegacyMessage]) -> Result<(), RecordsEncodeError> {
        self.records = Some(legacy::encode_message_set(messages)?);
        Ok(())
    }
}

impl ReadBatches for produce_request::PartitionProduceData {
    fn raw_records(&self) -> Bytes {
        self.records.clone().unwrap_or_default()
    }
}

impl ReadBatches for fetch_response::PartitionData {
    fn raw_records(&self) -> Bytes {
        self.records.clone().unwrap_or_default()
    }
}

impl ReadBatches for share_fetch_response::PartitionData {
    fn raw_records(&self) -> Bytes {
        self.records.clone().unwrap_or_default()
    }
}

/// A snapshot chunk can end inside a batch: that tail is reported by
/// [`BatchIter::partial_bytes`].
impl ReadBatches for fetch_snapshot_response::PartitionSnapshot {
    fn raw_records(&self) -> Bytes {
        self.unaligned_records.clone()
    }
}
