//! Record batches (magic v2): the owned [`RecordBatch`], and [`BatchView`]
//! for reading a batch's header without decompressing it.
//!
//! Layout (61-byte header, then the records, compressed as a whole):
//!
//! ```text
//! baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
//! crc uint32 (CRC-32C of everything after it)
//! attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64
//! producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records...
//! ```

use super::compression::{compress, decompress, Compression};
use super::error::{RecordsDecodeError, RecordsDecodeErrorKind, RecordsEncodeError};
use super::record::Record;
use super::record_ref::BorrowedRecords;
use crate::codec::Reader;
use crate::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use bytes::{BufMut, Bytes, BytesMut};

/// Size of the v2 batch header, records count included.
pub const BATCH_HEADER_SIZE: usize = 61;
/// Bytes before `batchLength` counts: base offset and the length itself.
pub(super) const LOG_OVERHEAD: usize = 12;
const CRC_OFFSET: usize = 17;
const ATTRIBUTES_OFFSET: usize = 21;
const MAGIC_OFFSET: usize = 16;

/// CRC-32C (Castagnoli), the checksum of v2 batches.
#[inline]
fn crc32c(bytes: &[u8]) -> u32 {
    crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32Iscsi, bytes) as u32
}

/// How a record's timestamp was assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampType {
    /// Set by the producer.
    CreateTime,
    /// Set by the broker when it appended the batch.
    LogAppendTime,
}

/// Batch attribute bits.
pub mod attributes {
    /// The low three bits: the codec id.
    pub const COMPRESSION_MASK: i16 = 0x07;
    /// Timestamps were set by the broker (log append time).
    pub const TIMESTAMP_TYPE: i16 = 0x08;
    /// The batch is part of a transaction.
    pub const TRANSACTIONAL: i16 = 0x10;
    /// The batch holds control records.
    pub const CONTROL: i16 = 0x20;
    /// The batch's delete horizon is set (compacted topics).
    pub const DELETE_HORIZON: i16 = 0x40;
}

/// Options for decoding batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The most bytes one batch may decompress to; more is an error
    /// ([`RecordsDecodeErrorKind::DecompressedTooLarge`]), not an allocation.
    pub max_decompressed_size: usize,
    /// Check the CRC of every batch (on by default).
    pub verify_crc: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { max_decompressed_size: 64 << 20, verify_crc: true }
    }
}

/// Options for encoding batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EncodeOptions {
    /// Compression level for the batch's codec; `None` means the Java
    /// client's default ([`Compression::default_level`]). The levels are
    /// Kafka's `compression.<codec>.level`: gzip 1-9, lz4 1-17 (9 is lz4's
    /// fast mode, the others its high-compression mode, as in Kafka), zstd
    /// as zstd defines them. A level outside those ranges is an encode error.
    ///
    /// ```
    /// use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch};
    ///
    /// let batch = RecordBatch::from_records(
    ///     Compression::Lz4,
    ///     (0..100).map(|i| (1_700_000_000_000 + i, Record { value: Some(vec![b'x'; 100].into()), ..Default::default() })),
    /// );
    /// let fast = batch.to_bytes(&EncodeOptions::default())?;
    /// let smaller = batch.to_bytes(&EncodeOptions { compression_level: Some(17) })?;
    /// assert!(smaller.len() <= fast.len());
    /// assert!(batch.to_bytes(&EncodeOptions { compression_level: Some(18) }).is_err());
    /// # Ok::<(), kafka_wire::records::RecordsEncodeError>(())
    /// ```
    pub compression_level: Option<i32>,
}

/// Reads the attribute bits of `self.attributes`: shared by the batch
/// header and the owned batch, which both carry the raw bits.
macro_rules! attribute_accessors {
    () => {
        /// The codec, or an error for an id Kafka does not define.
        pub fn compression(&self) -> Result<Compression, RecordsDecodeErrorKind> {
            let id = (self.attributes & attributes::COMPRESSION_MASK) as u8;
            Compression::from_id(id).ok_or(RecordsDecodeErrorKind::UnknownCompression(id))
        }

        /// Whether timestamps were set by the producer or by the broker.
        pub fn timestamp_type(&self) -> TimestampType {
            if self.attributes & attributes::TIMESTAMP_TYPE != 0 {
                TimestampType::LogAppendTime
            } else {
                TimestampType::CreateTime
            }
        }

        /// Whether the batch is part of a transaction.
        pub fn is_transactional(&self) -> bool {
            self.attributes & attributes::TRANSACTIONAL != 0
        }

        /// Whether the batch holds control records (transaction markers, KRaft records).
        pub fn is_control(&self) -> bool {
            self.attributes & attributes::CONTROL != 0
        }
    };
}

/// The fixed header of a v2 batch, readable without touching the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BatchHeader {
    /// The offset of the batch's first record.
    pub base_offset: i64,
    /// Bytes after this field: the rest of the header and the records.
    pub batch_length: i32,
    /// The leader epoch of the partition when the batch was appended.
    pub partition_leader_epoch: i32,
    /// The message format: 2.
    pub magic: i8,
    /// CRC-32C of everything after this field.
    pub crc: u32,
    /// Attribute bits: codec, timestamp type, transactional, control, delete horizon ([`attributes`]).
    pub attributes: i16,
    /// The last record's offset, relative to `base_offset`.
    pub last_offset_delta: i32,
    /// The first record's timestamp; the others are relative to it.
    pub base_timestamp: i64,
    /// The newest timestamp in the batch.
    pub max_timestamp: i64,
    /// The producer id (-1 without an idempotent producer).
    pub producer_id: i64,
    /// The producer epoch (-1 without an idempotent producer).
    pub producer_epoch: i16,
    /// The first record's sequence number (-1 without an idempotent producer).
    pub base_sequence: i32,
    /// How many records the batch holds.
    pub records_count: i32,
}

impl BatchHeader {
    fn read(r: &mut Reader<'_>) -> Result<BatchHeader, DecodeError> {
        Ok(BatchHeader {
            base_offset: r.read_i64()?,
            batch_length: r.read_i32()?,
            partition_leader_epoch: r.read_i32()?,
            magic: r.read_i8()?,
            crc: r.read_u32()?,
            attributes: r.read_i16()?,
            last_offset_delta: r.read_i32()?,
            base_timestamp: r.read_i64()?,
            max_timestamp: r.read_i64()?,
            producer_id: r.read_i64()?,
            producer_epoch: r.read_i16()?,
            base_sequence: r.read_i32()?,
            records_count: r.read_i32()?,
        })
    }

    attribute_accessors!();

    /// The offset of the last record (base offset + last offset delta).
    pub fn last_offset(&self) -> i64 {
        self.base_offset + self.last_offset_delta as i64
    }

    /// The offset after this batch.
    pub fn next_offset(&self) -> i64 {
        self.last_offset() + 1
    }

    /// Bytes the whole batch takes, length prefix and base offset included.
    pub fn size_in_bytes(&self) -> usize {
        LOG_OVERHEAD + self.batch_length.max(0) as usize
    }
}

/// A v2 batch, header parsed, records still in their (possibly compressed)
/// encoded form. Cheap to make: no decompression, no copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchView {
    /// The batch header, read without decompressing.
    pub header: BatchHeader,
    /// The whole batch as it was on the wire.
    pub bytes: Bytes,
}

impl BatchView {
    /// Parses the header of the batch that `bytes` holds exactly.
    pub fn new(bytes: Bytes) -> Result<BatchView, RecordsDecodeError> {
        let mut r = Reader::new(&bytes);
        let header = BatchHeader::read(&mut r)?;
        if header.magic != 2 {
            return Err(RecordsDecodeError::new(RecordsDecodeErrorKind::UnsupportedMagic(header.magic), MAGIC_OFFSET));
        }
        if header.batch_length < (BATCH_HEADER_SIZE - LOG_OVERHEAD) as i32 || header.size_in_bytes() != bytes.len() {
            return Err(DecodeError::new(DecodeErrorKind::Invalid("batch length does not match the batch"), 8).into());
        }
        Ok(BatchView { header, bytes })
    }

    /// The CRC-32C the batch's content actually has.
    pub fn computed_crc(&self) -> u32 {
        crc32c(&self.bytes[ATTRIBUTES_OFFSET..])
    }

    /// Checks the CRC-32C of the batch's content against its header.
    pub fn verify_crc(&self) -> Result<(), RecordsDecodeError> {
        let computed = self.computed_crc();
        if computed != self.header.crc {
            return Err(RecordsDecodeError::new(
                RecordsDecodeErrorKind::CrcMismatch { stored: self.header.crc, computed },
                CRC_OFFSET,
            ));
        }
        Ok(())
    }

    /// The records section, decompressed if needed. Uncompressed batches
    /// return a slice of the input (no copy).
    pub fn records_bytes(&self, options: &DecodeOptions) -> Result<Bytes, RecordsDecodeError> {
        let payload = self.bytes.slice(BATCH_HEADER_SIZE..);
        let compression = self
            .header
            .compression()
            .map_err(|k| RecordsDecodeError::new(k, ATTRIBUTES_OFFSET).in_field("attributes"))?;
        if compression == Compression::None {
            return Ok(payload);
        }
        decompress(compression, &payload, options.max_decompressed_size, false)
            .map(Bytes::from)
            .map_err(|k| RecordsDecodeError::new(k, BATCH_HEADER_SIZE).in_field("records"))
    }

    /// Decodes the records (checking the CRC first, unless turned off).
    pub fn records(&self, options: &DecodeOptions) -> Result<Vec<Record>, RecordsDecodeError> {
        let (data, count) = self.checked_records(options)?;
        let mut r = Reader::new(&data);
        let mut records = Vec::with_capacity(count);
        for i in 0..count {
            records.push(Record::decode(&mut r).map_err(|e| e.in_index(i).in_field("records"))?);
        }
        if r.remaining() != 0 {
            return Err(r.error(DecodeErrorKind::Invalid("bytes left after the declared record count")).into());
        }
        Ok(records)
    }

    /// The records, to be read in place ([`RecordRef`](super::RecordRef): borrowed keys,
    /// values and headers, nothing allocated per record). The CRC is
    /// checked (unless turned off) and the batch decompressed here; each
    /// record is checked as the iteration reads it.
    ///
    /// ```
    /// # use kafka_wire::records::*;
    /// # let record = Record { value: Some(bytes::Bytes::from_static(b"v")), ..Default::default() };
    /// # let bytes = RecordBatch::from_records(Compression::None, [(0, record)]).to_bytes(&EncodeOptions::default())?;
    /// let view = BatchView::new(bytes)?;
    /// let records = view.borrowed_records(&DecodeOptions::default())?;
    /// for record in &records {
    ///     let record = record?;
    ///     assert_eq!(record.value, Some(&b"v"[..]));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn borrowed_records(&self, options: &DecodeOptions) -> Result<BorrowedRecords, RecordsDecodeError> {
        let (data, count) = self.checked_records(options)?;
        Ok(BorrowedRecords::new(data, count))
    }

    /// The CRC check, the records section (decompressed) and the record
    /// count, checked against what the section can hold.
    pub(crate) fn checked_records(&self, options: &DecodeOptions) -> Result<(Bytes, usize), RecordsDecodeError> {
        if options.verify_crc {
            self.verify_crc()?;
        }
        let data = self.records_bytes(options)?;
        let count = self.header.records_count;
        if count < 0 {
            return Err(DecodeError::new(DecodeErrorKind::Invalid("negative record count"), 57).into());
        }
        // Every record takes at least 7 bytes: reserve no more than the data can hold.
        let count = count as usize;
        if count > data.len() / 7 + 1 {
            return Err(DecodeError::new(
                DecodeErrorKind::LengthExceedsInput { length: count as u64, remaining: data.len() },
                57,
            )
            .into());
        }
        Ok((data, count))
    }

    /// Decodes the whole batch into an owned [`RecordBatch`].
    pub fn decode(&self, options: &DecodeOptions) -> Result<RecordBatch, RecordsDecodeError> {
        let h = &self.header;
        Ok(RecordBatch {
            base_offset: h.base_offset,
            partition_leader_epoch: h.partition_leader_epoch,
            attributes: h.attributes,
            last_offset_delta: h.last_offset_delta,
            base_timestamp: h.base_timestamp,
            max_timestamp: h.max_timestamp,
            producer_id: h.producer_id,
            producer_epoch: h.producer_epoch,
            base_sequence: h.base_sequence,
            records: self.records(options)?,
        })
    }
}

/// A v2 record batch with its records decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBatch {
    /// The offset of the first record.
    pub base_offset: i64,
    /// The leader epoch of the partition when the batch was appended.
    pub partition_leader_epoch: i32,
    /// Raw attribute bits: codec, timestamp type, transactional, control, delete horizon.
    pub attributes: i16,
    /// The last record's offset, relative to `base_offset`.
    pub last_offset_delta: i32,
    /// The first record's timestamp; the others are relative to it.
    pub base_timestamp: i64,
    /// The newest timestamp in the batch.
    pub max_timestamp: i64,
    /// The producer id (-1 without an idempotent producer).
    pub producer_id: i64,
    /// The producer epoch (-1 without an idempotent producer).
    pub producer_epoch: i16,
    /// The first record's sequence number (-1 without an idempotent producer).
    pub base_sequence: i32,
    /// The records, their offsets and timestamps relative to the batch's.
    pub records: Vec<Record>,
}

impl Default for RecordBatch {
    fn default() -> Self {
        RecordBatch {
            base_offset: 0,
            partition_leader_epoch: -1,
            attributes: 0,
            last_offset_delta: -1,
            base_timestamp: -1,
            max_timestamp: -1,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            records: Vec::new(),
        }
    }
}

impl RecordBatch {
    /// A batch of `(timestamp, record)` pairs compressed with `compression`,
    /// deltas filled in: record `i` gets offset delta `i` and a timestamp
    /// delta from the first record's timestamp (milliseconds); the batch gets
    /// base and max timestamp and last offset delta. Base offset 0 and no
    /// producer: set those with the fields or [`RecordBatch::with_producer`].
    pub fn from_records(compression: Compression, records: impl IntoIterator<Item = (i64, Record)>) -> RecordBatch {
        let mut batch = RecordBatch::default().with_compression(compression);
        let mut first_timestamp = None;
        for (i, (timestamp, mut record)) in records.into_iter().enumerate() {
            let base = *first_timestamp.get_or_insert(timestamp);
            record.offset_delta = i as i32;
            record.timestamp_delta = timestamp - base;
            batch.max_timestamp = batch.max_timestamp.max(timestamp);
            batch.records.push(record);
        }
        batch.base_timestamp = first_timestamp.unwrap_or(-1);
        batch.last_offset_delta = batch.records.len() as i32 - 1;
        batch
    }

    attribute_accessors!();

    /// Sets the codec the records are compressed with.
    pub fn with_compression(mut self, compression: Compression) -> Self {
        self.attributes = (self.attributes & !attributes::COMPRESSION_MASK) | compression.id() as i16;
        self
    }

    fn with_flag(mut self, flag: i16, on: bool) -> Self {
        if on {
            self.attributes |= flag;
        } else {
            self.attributes &= !flag;
        }
        self
    }

    /// Marks the batch transactional, or not.
    pub fn with_transactional(self, on: bool) -> Self {
        self.with_flag(attributes::TRANSACTIONAL, on)
    }

    /// Marks the batch as holding control records, or not.
    pub fn with_control(self, on: bool) -> Self {
        self.with_flag(attributes::CONTROL, on)
    }

    /// Sets who assigned the timestamps.
    pub fn with_timestamp_type(self, t: TimestampType) -> Self {
        self.with_flag(attributes::TIMESTAMP_TYPE, t == TimestampType::LogAppendTime)
    }

    /// Sets producer id, epoch and base sequence (idempotent and transactional producers).
    pub fn with_producer(mut self, producer_id: i64, producer_epoch: i16, base_sequence: i32) -> Self {
        self.producer_id = producer_id;
        self.producer_epoch = producer_epoch;
        self.base_sequence = base_sequence;
        self
    }

    /// Encodes the batch (compressing its records, computing length and CRC)
    /// and appends it to `buf`.
    pub fn encode(&self, buf: &mut BytesMut, options: &EncodeOptions) -> Result<(), RecordsEncodeError> {
        let compression = self
            .compression()
            .map_err(|_| EncodeError::new(EncodeErrorKind::Invalid("unknown compression codec in attributes")))?;
        let start = buf.len();
        buf.reserve(BATCH_HEADER_SIZE + self.records.iter().map(Record::max_encoded_size).sum::<usize>());
        buf.put_i64(self.base_offset);
        buf.put_i32(0); // batch length, patched below
        buf.put_i32(self.partition_leader_epoch);
        buf.put_i8(2);
        buf.put_u32(0); // crc, patched below
        buf.put_i16(self.attributes);
        buf.put_i32(self.last_offset_delta);
        buf.put_i64(self.base_timestamp);
        buf.put_i64(self.max_timestamp);
        buf.put_i64(self.producer_id);
        buf.put_i16(self.producer_epoch);
        buf.put_i32(self.base_sequence);
        buf.put_i32(self.records.len() as i32);
        if compression == Compression::None {
            for (i, record) in self.records.iter().enumerate() {
                record.encode(buf).map_err(|e| e.in_index(i).in_field("records"))?;
            }
        } else {
            let mut plain = Vec::with_capacity(self.records.iter().map(Record::max_encoded_size).sum());
            for (i, record) in self.records.iter().enumerate() {
                record.encode(&mut plain).map_err(|e| e.in_index(i).in_field("records"))?;
            }
            let mut compressed = Vec::with_capacity(plain.len() / 2 + 64);
            compress(compression, options.compression_level, &plain, &mut compressed, false)?;
            buf.put_slice(&compressed);
        }
        let batch_length = buf.len() - start - LOG_OVERHEAD;
        let batch_length = i32::try_from(batch_length)
            .map_err(|_| EncodeError::new(EncodeErrorKind::TooLong { length: batch_length, max: i32::MAX as usize }))?;
        buf[start + 8..start + 12].copy_from_slice(&batch_length.to_be_bytes());
        let crc = crc32c(&buf[start + ATTRIBUTES_OFFSET..]);
        buf[start + CRC_OFFSET..start + CRC_OFFSET + 4].copy_from_slice(&crc.to_be_bytes());
        Ok(())
    }

    /// The encoded batch in a new buffer.
    pub fn to_bytes(&self, options: &EncodeOptions) -> Result<Bytes, RecordsEncodeError> {
        let mut buf = BytesMut::new();
        self.encode(&mut buf, options)?;
        Ok(buf.freeze())
    }

    /// Decodes one batch that `bytes` holds exactly.
    pub fn decode(bytes: Bytes, options: &DecodeOptions) -> Result<RecordBatch, RecordsDecodeError> {
        BatchView::new(bytes)?.decode(options)
    }
}

/// Iterates the v2 batches in a records field (for example a FetchResponse
/// partition's `records`) lazily, without decompressing or copying them.
///
/// A broker truncates the last batch when it reaches the fetch size limit;
/// that partial batch ends the iteration without an error, and
/// [`BatchIter::partial_bytes`] tells how many bytes it had.
pub struct BatchIter {
    entries: EntrySplitter,
}

impl BatchIter {
    /// Iterates the batches in `records`.
    pub fn new(records: Bytes) -> BatchIter {
        BatchIter { entries: EntrySplitter::new(records) }
    }

    /// Bytes of an incomplete batch at the end (0 when the data ended cleanly).
    pub fn partial_bytes(&self) -> usize {
        self.entries.partial_bytes()
    }
}

impl Iterator for BatchIter {
    type Item = Result<BatchView, RecordsDecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let size = match self.entries.peek()? {
            Ok(size) => size,
            Err(e) => return Some(Err(e)),
        };
        let rest = self.entries.rest();
        if rest.len() > MAGIC_OFFSET && rest[MAGIC_OFFSET] as i8 != 2 {
            let kind = RecordsDecodeErrorKind::UnsupportedMagic(rest[MAGIC_OFFSET] as i8);
            let at = self.entries.offset() + MAGIC_OFFSET;
            return Some(Err(self.entries.fail(RecordsDecodeError::new(kind, at))));
        }
        let (start, batch) = self.entries.take(size);
        Some(
            BatchView::new(batch)
                .map_err(|e| self.entries.fail(RecordsDecodeError::new(e.kind().clone(), start + e.offset()))),
        )
    }
}

/// Splits a records field into its entries, v2 batches or legacy messages,
/// which both begin with an int64 offset and an int32 length: the framing
/// that [`BatchIter`] and [`super::RecordSetIter`] share. An entry cut off at
/// the end ends the splitting cleanly (see [`EntrySplitter::partial_bytes`]);
/// an error ends it too.
pub(super) struct EntrySplitter {
    rest: Bytes,
    offset: usize,
    partial: usize,
    failed: bool,
}

impl EntrySplitter {
    pub(super) fn new(records: Bytes) -> EntrySplitter {
        EntrySplitter { rest: records, offset: 0, partial: 0, failed: false }
    }

    /// Bytes of an incomplete entry at the end (0 when the data ended cleanly).
    pub(super) fn partial_bytes(&self) -> usize {
        self.partial
    }

    /// The bytes not split off yet.
    pub(super) fn rest(&self) -> &Bytes {
        &self.rest
    }

    /// The position of [`EntrySplitter::rest`] in the records field.
    pub(super) fn offset(&self) -> usize {
        self.offset
    }

    /// The size of the next entry, without taking it: `None` at the end
    /// (or after an error); a negative length is an error.
    pub(super) fn peek(&mut self) -> Option<Result<usize, RecordsDecodeError>> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        if self.rest.len() < LOG_OVERHEAD {
            self.partial = std::mem::take(&mut self.rest).len();
            return None;
        }
        let length = i32::from_be_bytes([self.rest[8], self.rest[9], self.rest[10], self.rest[11]]);
        if length < 0 {
            let error = DecodeError::new(DecodeErrorKind::NegativeLength(length as i64), self.offset + 8);
            return Some(Err(self.fail(error.into())));
        }
        let size = LOG_OVERHEAD + length as usize;
        if self.rest.len() < size {
            self.partial = std::mem::take(&mut self.rest).len();
            return None;
        }
        Some(Ok(size))
    }

    /// Takes the next entry, of the size [`EntrySplitter::peek`] gave:
    /// returns its position and bytes.
    pub(super) fn take(&mut self, size: usize) -> (usize, Bytes) {
        let start = self.offset;
        self.offset += size;
        (start, self.rest.split_to(size))
    }

    /// Ends the splitting with `error`, and returns it.
    pub(super) fn fail(&mut self, error: RecordsDecodeError) -> RecordsDecodeError {
        self.failed = true;
        error
    }
}

/// Encodes several batches back to back, as a records field carries them.
pub fn encode_batches(batches: &[RecordBatch], options: &EncodeOptions) -> Result<Bytes, RecordsEncodeError> {
    let mut buf = BytesMut::new();
    for (i, batch) in batches.iter().enumerate() {
        batch.encode(&mut buf, options).map_err(|e| e.in_index(i))?;
    }
    Ok(buf.freeze())
}

/// Decodes every complete batch in a records field; a partial batch at the
/// end is skipped (see [`BatchIter`]).
pub fn decode_batches(records: Bytes, options: &DecodeOptions) -> Result<Vec<RecordBatch>, RecordsDecodeError> {
    BatchIter::new(records).map(|view| view?.decode(options)).collect()
}
