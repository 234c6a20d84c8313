//! One partition's log: record batches (message format v2) with the
//! offsets the broker assigned, as Kafka's log segments hold them.
//!
//! Produced batches are validated as Kafka's `LogValidator` does (magic,
//! CRC, record count and offset deltas), then stored with their base
//! offset and leader epoch rewritten (neither is covered by the CRC), so a
//! fetch returns the producer's bytes. Legacy messages (Produce v0-2) are
//! converted to v2 batches, and converted back for Fetch v0-3, as a Kafka
//! broker of 3.0 or later stores them.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
use kafka_wire::records::{
    BatchView, Compression, ControlRecord, DecodeOptions, EncodeOptions, Record, RecordBatch, RecordSetEntry,
    RecordSetIter, TimestampType,
};
use kafka_wire::ErrorCode;

/// A batch in the log.
#[derive(Debug, Clone)]
pub(crate) struct StoredBatch {
    pub(crate) base_offset: i64,
    pub(crate) last_offset: i64,
    pub(crate) max_timestamp: i64,
    /// The whole batch, with its final base offset.
    pub(crate) bytes: Bytes,
}

/// Why a produced records field was refused, as Kafka's error codes say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl Refused {
    fn new(code: ErrorCode, message: impl Into<String>) -> Refused {
        Refused { code, message: message.into() }
    }
}

/// A batch checked and ready to append: its header fields and bytes.
#[derive(Debug, Clone)]
pub(crate) struct ValidBatch {
    pub(crate) view: BatchView,
    pub(crate) records: i32,
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Appended {
    pub(crate) base_offset: i64,
    /// The broker's time, when the topic uses log-append time; -1 otherwise.
    pub(crate) log_append_time: i64,
}

/// What a read returned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Read {
    pub(crate) records: Bytes,
    /// The offset after the last batch returned (whole or cut), or the
    /// offset read from when nothing was.
    pub(crate) end: i64,
}

/// An aborted transaction in a partition: its producer, its first offset
/// and the offset of its abort marker, as Kafka's aborted-transaction
/// index holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AbortedTxn {
    pub(crate) producer_id: i64,
    pub(crate) first_offset: i64,
    pub(crate) last_offset: i64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PartitionLog {
    batches: Vec<StoredBatch>,
    log_start_offset: i64,
    next_offset: i64,
    /// The open transactions' producers and first offsets.
    open_txns: std::collections::BTreeMap<i64, i64>,
    aborted: Vec<AbortedTxn>,
}

const LEADER_EPOCH_AT: usize = 12;

impl PartitionLog {
    pub(crate) fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }

    /// The log end offset, which is also the high watermark: every
    /// partition has one replica, so a write is committed when appended.
    pub(crate) fn end_offset(&self) -> i64 {
        self.next_offset
    }

    pub(crate) fn batches(&self) -> impl Iterator<Item = &StoredBatch> {
        self.batches.iter().filter(move |b| b.last_offset >= self.log_start_offset)
    }

    /// Checks a produced records field. `magic` is the format the Produce
    /// version carries (0, 1 or 2); entries of another format are refused,
    /// as Kafka refuses them.
    pub(crate) fn validate(records: &Bytes, magic: i8) -> Result<Vec<ValidBatch>, Refused> {
        if magic < 2 {
            return convert_legacy(records, magic);
        }
        let mut out = Vec::new();
        let mut entries = RecordSetIter::new(records.clone());
        for entry in &mut entries {
            let entry = entry.map_err(|e| Refused::new(ErrorCode::CorruptMessage, e.to_string()))?;
            let RecordSetEntry::Batch(view) = entry else {
                return Err(Refused::new(
                    ErrorCode::InvalidRecord,
                    "Produce v3 and later carry record batches of magic 2 only",
                ));
            };
            out.push(validate_batch(view)?);
        }
        if entries.partial_bytes() != 0 {
            return Err(Refused::new(ErrorCode::CorruptMessage, "the records end inside a batch"));
        }
        if out.is_empty() {
            return Err(Refused::new(ErrorCode::InvalidRecord, "a produce request must hold at least one batch"));
        }
        Ok(out)
    }

    /// Appends validated batches; the first gets the next offset.
    pub(crate) fn append(
        &mut self,
        batches: Vec<ValidBatch>,
        leader_epoch: i32,
        log_append_time: Option<i64>,
    ) -> Appended {
        let base_offset = self.next_offset;
        for batch in batches {
            let header = batch.view.header;
            let stored = self.assign(batch, leader_epoch, log_append_time);
            if header.is_transactional() {
                self.open_txns.entry(header.producer_id).or_insert(stored.base_offset);
            }
            self.next_offset = stored.last_offset + 1;
            self.batches.push(stored);
        }
        Appended { base_offset, log_append_time: log_append_time.unwrap_or(-1) }
    }

    fn assign(&self, batch: ValidBatch, leader_epoch: i32, log_append_time: Option<i64>) -> StoredBatch {
        let base_offset = self.next_offset;
        let mut bytes = BytesMut::from(&batch.view.bytes[..]);
        bytes[0..8].copy_from_slice(&base_offset.to_be_bytes());
        bytes[LEADER_EPOCH_AT..LEADER_EPOCH_AT + 4].copy_from_slice(&leader_epoch.to_be_bytes());
        let mut max_timestamp = batch.view.header.max_timestamp;
        if let Some(now) = log_append_time {
            set_log_append_time(&mut bytes, now);
            max_timestamp = now;
        }
        StoredBatch {
            base_offset,
            last_offset: base_offset + batch.records as i64 - 1,
            max_timestamp,
            bytes: bytes.freeze(),
        }
    }

    /// The last stable offset: the first offset of the earliest open
    /// transaction, or the log end when none is open.
    pub(crate) fn last_stable_offset(&self) -> i64 {
        self.open_txns.values().copied().min().unwrap_or(self.next_offset).max(self.log_start_offset)
    }

    /// Whether producer `id` has an open transaction here.
    pub(crate) fn has_open_txn(&self, id: i64) -> bool {
        self.open_txns.contains_key(&id)
    }

    /// The open transactions' first offsets, by producer.
    pub(crate) fn open_txns(&self) -> &std::collections::BTreeMap<i64, i64> {
        &self.open_txns
    }

    /// Writes a transaction marker (a control batch holding one COMMIT or
    /// ABORT control record) for producer `id` at `epoch`, closing its
    /// transaction in this partition.
    pub(crate) fn append_marker(&mut self, id: i64, epoch: i16, commit: bool, leader_epoch: i32, now: i64) {
        let marker = if commit {
            ControlRecord::Commit { coordinator_epoch: 0 }
        } else {
            ControlRecord::Abort { coordinator_epoch: 0 }
        };
        let record = marker.to_record(0, 0).expect("a marker encodes");
        let mut batch = RecordBatch::from_records(Compression::None, [(now, record)])
            .with_control(true)
            .with_transactional(true)
            .with_producer(id, epoch, -1);
        batch.base_offset = self.next_offset;
        batch.partition_leader_epoch = leader_epoch;
        let bytes = batch.to_bytes(&EncodeOptions::default()).expect("a marker batch encodes");
        let offset = self.next_offset;
        self.batches.push(StoredBatch { base_offset: offset, last_offset: offset, max_timestamp: now, bytes });
        self.next_offset = offset + 1;
        if let Some(first) = self.open_txns.remove(&id) {
            if !commit {
                self.aborted.push(AbortedTxn { producer_id: id, first_offset: first, last_offset: offset });
            }
        }
    }

    /// The aborted transactions a read of `[from, to)` overlaps, as Kafka
    /// lists them for a read_committed fetch.
    pub(crate) fn aborted_between(&self, from: i64, to: i64) -> Vec<AbortedTxn> {
        self.aborted.iter().filter(|a| a.last_offset >= from && a.first_offset < to).copied().collect()
    }

    /// The batches from the one holding `offset`, at most `max_bytes` of
    /// them: the last may be cut off inside, as Kafka's segment reads cut
    /// it. With `min_one`, a first batch larger than `max_bytes` is
    /// returned whole (KIP-74), so a consumer always makes progress.
    pub(crate) fn read(&self, offset: i64, max_bytes: usize, min_one: bool) -> Read {
        self.read_below(offset, max_bytes, min_one, i64::MAX)
    }

    /// As [`PartitionLog::read`], stopping before the batch holding
    /// `upper` (the last stable offset, for a read_committed fetch; always
    /// a batch boundary).
    pub(crate) fn read_below(&self, offset: i64, max_bytes: usize, min_one: bool, upper: i64) -> Read {
        let first = self.batches.partition_point(|b| b.last_offset < offset);
        let mut out = BytesMut::new();
        let mut end = offset;
        for batch in self.batches[first..].iter().take_while(|b| b.base_offset < upper) {
            let room = max_bytes.saturating_sub(out.len());
            end = batch.last_offset + 1;
            if batch.bytes.len() <= room {
                out.put_slice(&batch.bytes);
            } else {
                if out.is_empty() && min_one {
                    out.put_slice(&batch.bytes);
                } else {
                    out.put_slice(&batch.bytes[..room]);
                }
                break;
            }
        }
        Read { records: out.freeze(), end }
    }

    /// As [`PartitionLog::read`], in a legacy message format for Fetch
    /// v0-3 (magic 0 before v2, magic 1 from it), uncompressed. Control
    /// batches have no legacy form and are left out, as Kafka's
    /// down-conversion leaves them out.
    pub(crate) fn read_legacy(&self, offset: i64, max_bytes: usize, min_one: bool, magic: i8) -> Read {
        let first = self.batches.partition_point(|b| b.last_offset < offset);
        let mut out = BytesMut::new();
        let mut end = offset;
        for batch in &self.batches[first..] {
            let converted = down_convert(batch, magic);
            let room = max_bytes.saturating_sub(out.len());
            end = batch.last_offset + 1;
            if converted.len() <= room {
                out.put_slice(&converted);
            } else {
                let take = if out.is_empty() && min_one { converted.len() } else { room };
                out.put_slice(&converted[..take]);
                break;
            }
        }
        Read { records: out.freeze(), end }
    }

    /// The first offset whose record's timestamp is at least `timestamp`,
    /// with that timestamp; `None` when every record is older.
    pub(crate) fn offset_for_timestamp(&self, timestamp: i64) -> Option<(i64, i64)> {
        for batch in self.batches().filter(|b| b.max_timestamp >= timestamp) {
            for (offset, ts) in record_timestamps(batch) {
                if ts >= timestamp && offset >= self.log_start_offset {
                    return Some((offset, ts));
                }
            }
        }
        None
    }

    /// The offset and timestamp of the record with the largest timestamp
    /// (the first of them), as ListOffsets' MAX_TIMESTAMP asks.
    pub(crate) fn max_timestamp(&self) -> Option<(i64, i64)> {
        let mut best: Option<(i64, i64)> = None;
        for batch in self.batches() {
            if best.is_some_and(|(_, ts)| batch.max_timestamp <= ts) {
                continue;
            }
            for (offset, ts) in record_timestamps(batch) {
                if offset >= self.log_start_offset && best.is_none_or(|(_, best_ts)| ts > best_ts) {
                    best = Some((offset, ts));
                }
            }
        }
        best
    }

    /// Moves the log start offset to `offset` (DeleteRecords); the
    /// batches wholly before it are dropped.
    pub(crate) fn delete_before(&mut self, offset: i64) {
        if offset > self.log_start_offset {
            self.log_start_offset = offset;
            self.batches.retain(|b| b.last_offset >= offset);
            self.aborted.retain(|a| a.last_offset >= offset);
        }
    }

    /// The base offset of the log's one segment: its first batch's (which
    /// may hold records before the log start offset), as Kafka names it.
    pub(crate) fn segment_base_offset(&self) -> i64 {
        self.batches.first().map_or(self.log_start_offset, |b| b.base_offset)
    }

    /// The log as Kafka's segment file holds it: the batches, back to back.
    pub(crate) fn segment_bytes(&self) -> Vec<u8> {
        self.batches.iter().flat_map(|b| b.bytes.iter().copied()).collect()
    }
}

fn validate_batch(view: BatchView) -> Result<ValidBatch, Refused> {
    let header = view.header;
    if header.magic != 2 {
        return Err(Refused::new(ErrorCode::InvalidRecord, format!("unsupported magic {}", header.magic)));
    }
    view.verify_crc().map_err(|e| Refused::new(ErrorCode::CorruptMessage, e.to_string()))?;
    if header.compression().is_err() {
        return Err(Refused::new(ErrorCode::InvalidRecord, "unknown compression codec"));
    }
    if header.is_control() {
        return Err(Refused::new(ErrorCode::InvalidRecord, "clients may not produce control batches"));
    }
    let records = view
        .borrowed_records(&DecodeOptions::default())
        .map_err(|e| Refused::new(ErrorCode::CorruptMessage, e.to_string()))?;
    let count = records.len();
    if count == 0 || count as i32 != header.records_count {
        return Err(Refused::new(ErrorCode::InvalidRecord, "the record count does not match the records"));
    }
    for (i, record) in records.iter().enumerate() {
        let record = record.map_err(|e| Refused::new(ErrorCode::CorruptMessage, e.to_string()))?;
        if record.offset_delta != i as i32 {
            return Err(Refused::new(ErrorCode::InvalidRecord, "offset deltas must count up from 0"));
        }
    }
    if header.last_offset_delta != count as i32 - 1 {
        return Err(Refused::new(ErrorCode::InvalidRecord, "the last offset delta does not match the records"));
    }
    Ok(ValidBatch { records: count as i32, view })
}

/// Legacy messages (magic 0 or 1) become one v2 batch per produced entry,
/// keeping the producer's codec, as a broker on message format v2 stores them.
fn convert_legacy(records: &Bytes, magic: i8) -> Result<Vec<ValidBatch>, Refused> {
    let corrupt = |e: kafka_wire::records::RecordsDecodeError| Refused::new(ErrorCode::CorruptMessage, e.to_string());
    let mut out = Vec::new();
    let mut entries = RecordSetIter::new(records.clone());
    for entry in &mut entries {
        let RecordSetEntry::Legacy(message) = entry.map_err(corrupt)? else {
            return Err(Refused::new(ErrorCode::InvalidRecord, "Produce v0-2 carry legacy messages only"));
        };
        if message.magic != magic {
            return Err(Refused::new(
                ErrorCode::InvalidRecord,
                format!("Produce of this version carries magic {magic}"),
            ));
        }
        let compression = message.compression().map_err(|_| Refused::new(ErrorCode::InvalidRecord, "unknown codec"))?;
        let inner = message.inner_messages(&DecodeOptions::default()).map_err(corrupt)?;
        let batch = RecordBatch::from_records(
            compression,
            inner
                .into_iter()
                .map(|m| (m.timestamp.unwrap_or(-1), Record { key: m.key, value: m.value, ..Default::default() })),
        );
        let bytes = batch
            .to_bytes(&EncodeOptions::default())
            .map_err(|e| Refused::new(ErrorCode::InvalidRecord, e.to_string()))?;
        let view = BatchView::new(bytes).map_err(corrupt)?;
        out.push(ValidBatch { records: view.header.records_count, view });
    }
    if entries.partial_bytes() != 0 || out.is_empty() {
        return Err(Refused::new(ErrorCode::CorruptMessage, "the message set is empty or cut short"));
    }
    Ok(out)
}

/// Rewrites a batch's timestamps as the broker's (the topic's
/// `message.timestamp.type` is LogAppendTime): the attribute bit and the
/// max timestamp change, so the CRC is computed again.
fn set_log_append_time(bytes: &mut BytesMut, now: i64) {
    const ATTRIBUTES_AT: usize = 21;
    const MAX_TIMESTAMP_AT: usize = 35;
    let attributes = i16::from_be_bytes([bytes[ATTRIBUTES_AT], bytes[ATTRIBUTES_AT + 1]]) | 0x08;
    bytes[ATTRIBUTES_AT..ATTRIBUTES_AT + 2].copy_from_slice(&attributes.to_be_bytes());
    bytes[MAX_TIMESTAMP_AT..MAX_TIMESTAMP_AT + 8].copy_from_slice(&now.to_be_bytes());
    let view = BatchView::new(Bytes::copy_from_slice(bytes)).expect("a batch validated on the way in");
    bytes[17..21].copy_from_slice(&view.computed_crc().to_be_bytes());
}

fn decoded(batch: &StoredBatch) -> Option<RecordBatch> {
    BatchView::new(batch.bytes.clone()).ok()?.decode(&DecodeOptions::default()).ok()
}

fn record_timestamps(batch: &StoredBatch) -> Vec<(i64, i64)> {
    let Some(decoded) = decoded(batch) else { return Vec::new() };
    decoded.records.iter().map(|r| (batch.base_offset + r.offset_delta as i64, timestamp(&decoded, r))).collect()
}

/// A record's timestamp: its own, or with LogAppendTime the broker's, which
/// the batch keeps as its max timestamp.
fn timestamp(batch: &RecordBatch, record: &Record) -> i64 {
    match batch.timestamp_type() {
        TimestampType::LogAppendTime => batch.max_timestamp,
        TimestampType::CreateTime => batch.base_timestamp + record.timestamp_delta,
    }
}

/// A v1 message's attribute bit for timestamps the broker set.
const LEGACY_LOG_APPEND_TIME: i8 = 0x08;

fn down_convert(batch: &StoredBatch, magic: i8) -> Vec<u8> {
    let Some(decoded) = decoded(batch) else { return Vec::new() };
    if decoded.is_control() {
        return Vec::new();
    }
    let messages: Vec<LegacyMessage> = decoded
        .records
        .iter()
        .map(|r| {
            let mut message = LegacyMessage::new(
                magic,
                batch.base_offset + r.offset_delta as i64,
                Some(timestamp(&decoded, r)),
                r.key.clone(),
                r.value.clone(),
            );
            if magic >= 1 && decoded.timestamp_type() == TimestampType::LogAppendTime {
                message.attributes |= LEGACY_LOG_APPEND_TIME;
            }
            message
        })
        .collect();
    encode_message_set(&messages).map(|b| b.to_vec()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(values: &[&str], compression: Compression) -> Bytes {
        let records = values.iter().enumerate().map(|(i, v)| {
            (1_000 + i as i64, Record { value: Some(Bytes::copy_from_slice(v.as_bytes())), ..Default::default() })
        });
        RecordBatch::from_records(compression, records).to_bytes(&EncodeOptions::default()).unwrap()
    }

    #[test]
    fn offsets_are_assigned_and_a_read_starts_at_the_batch_holding_the_offset() {
        let mut log = PartitionLog::default();
        let first = log.append(PartitionLog::validate(&batch(&["a", "b"], Compression::None), 2).unwrap(), 0, None);
        let second = log.append(PartitionLog::validate(&batch(&["c"], Compression::None), 2).unwrap(), 0, None);
        assert_eq!((first.base_offset, second.base_offset, log.end_offset()), (0, 2, 3));
        let read = log.read(1, 1 << 20, true);
        let offsets: Vec<i64> = RecordSetIter::new(read.records)
            .map(|e| match e.unwrap() {
                RecordSetEntry::Batch(b) => b.header.base_offset,
                RecordSetEntry::Legacy(_) => unreachable!(),
            })
            .collect();
        assert_eq!(offsets, [0, 2]);
    }

    #[test]
    fn a_read_cuts_the_last_batch_at_the_limit_and_keeps_one_whole_batch() {
        let mut log = PartitionLog::default();
        let one = batch(&["aaaaaaaaaa"], Compression::None);
        for _ in 0..3 {
            log.append(PartitionLog::validate(&one, 2).unwrap(), 0, None);
        }
        let size = one.len();
        assert_eq!(log.read(0, size + 5, true).records.len(), size + 5);
        assert_eq!(log.read(0, 5, true).records.len(), size);
        assert_eq!(log.read(0, 5, false).records.len(), 5);
    }

    #[test]
    fn a_bad_crc_is_corrupt_message() {
        let mut bytes = batch(&["x"], Compression::None).to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let refused = PartitionLog::validate(&Bytes::from(bytes), 2).unwrap_err();
        assert_eq!(refused.code, ErrorCode::CorruptMessage);
    }

    #[test]
    fn legacy_reads_of_a_log_append_time_topic_carry_the_brokers_time() {
        let mut log = PartitionLog::default();
        log.append(PartitionLog::validate(&batch(&["a", "b"], Compression::None), 2).unwrap(), 0, Some(9_000));
        let read = log.read_legacy(0, 1 << 20, true, 1);
        let entries: Vec<_> = RecordSetIter::new(read.records).collect::<Result<_, _>>().unwrap();
        for entry in entries {
            let RecordSetEntry::Legacy(m) = entry else { panic!("{entry:?}") };
            assert_eq!((m.timestamp, m.timestamp_type()), (Some(9_000), TimestampType::LogAppendTime));
        }
    }

    #[test]
    fn legacy_messages_are_stored_as_v2_and_read_back_as_legacy() {
        let message = LegacyMessage::new(1, 0, Some(5), None, Some(Bytes::from_static(b"old")));
        let set = encode_message_set(&[message]).unwrap();
        let mut log = PartitionLog::default();
        log.append(PartitionLog::validate(&set, 1).unwrap(), 0, None);
        assert_eq!(log.end_offset(), 1);
        let read = log.read_legacy(0, 1 << 20, true, 1);
        let entries: Vec<_> = RecordSetIter::new(read.records).collect::<Result<_, _>>().unwrap();
        let [RecordSetEntry::Legacy(m)] = &entries[..] else { panic!("{entries:?}") };
        assert_eq!((m.magic, m.value.as_deref(), m.timestamp), (1, Some(&b"old"[..]), Some(5)));
        assert!(PartitionLog::validate(&set, 2).is_err(), "magic 1 in a v3+ produce");
    }

    #[test]
    fn timestamps_are_searched_and_log_append_time_rewrites_the_crc() {
        let mut log = PartitionLog::default();
        log.append(PartitionLog::validate(&batch(&["a", "b", "c"], Compression::None), 2).unwrap(), 0, None);
        assert_eq!(log.offset_for_timestamp(1_001), Some((1, 1_001)));
        assert_eq!(log.offset_for_timestamp(5_000), None);
        assert_eq!(log.max_timestamp(), Some((2, 1_002)));
        log.append(PartitionLog::validate(&batch(&["d"], Compression::None), 2).unwrap(), 0, Some(9_000));
        let stored = log.batches().last().unwrap();
        let view = BatchView::new(stored.bytes.clone()).unwrap();
        view.verify_crc().unwrap();
        assert_eq!(view.header.timestamp_type(), TimestampType::LogAppendTime);
        assert_eq!(log.max_timestamp(), Some((3, 9_000)));
        log.delete_before(2);
        assert_eq!(log.log_start_offset(), 2);
        assert_eq!(log.offset_for_timestamp(0), Some((2, 1_002)));
    }
}
