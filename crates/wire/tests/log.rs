//! Log files on disk: a segment of every record format and codec read back
//! through a file, a last batch cut at every byte, streaming (one batch in
//! memory), the errors for damaged files, and the decoding of internal
//! topics' records (feature `stored`).

use bytes::{Bytes, BytesMut};
use kafka_wire::log::*;
use kafka_wire::messages::stored::{GroupCoordinatorKey, GroupCoordinatorValue, MetadataRecord};
use kafka_wire::messages::{OffsetCommitKey, OffsetCommitValue, SnapshotHeaderRecord, TopicRecord};
use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
use kafka_wire::records::*;
use kafka_wire::DecodeErrorKind;
use proptest::prelude::*;
use std::io::Read;
use std::path::PathBuf;

mod common;

const CODECS: [Compression; 5] =
    [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd];

fn value(text: String) -> Option<Bytes> {
    Some(Bytes::from(text))
}

/// A segment as a log upgraded from format v0 to v1 to v2 holds it: legacy
/// messages (plain and compressed wrappers), then a v2 batch of each codec.
/// Returns its bytes and every record's (offset, value).
fn mixed_segment() -> (Vec<u8>, Vec<(i64, Option<Bytes>)>) {
    let mut bytes = Vec::new();
    let mut expected = Vec::new();
    let mut offset = 0i64;
    for magic in [0i8, 1] {
        let plain =
            LegacyMessage::new(magic, offset, (magic == 1).then_some(1000), None, value(format!("plain{offset}")));
        expected.push((offset, plain.value.clone()));
        offset += 1;
        let inner: Vec<LegacyMessage> = (0..3)
            .map(|i| LegacyMessage::new(magic, offset + i, (magic == 1).then_some(1000), None, value(format!("in{i}"))))
            .collect();
        expected.extend(inner.iter().map(|m| (m.offset, m.value.clone())));
        offset += 3;
        let wrapper = LegacyMessage::compressed_wrapper(magic, Compression::Gzip, None, &inner).unwrap();
        bytes.extend_from_slice(&encode_message_set(&[plain, wrapper]).unwrap());
    }
    for codec in CODECS {
        let records: Vec<(i64, Record)> = (0..4)
            .map(|i| {
                (
                    2000 + i,
                    Record { offset_delta: i as i32, value: value(format!("{codec:?}{i}")), ..Default::default() },
                )
            })
            .collect();
        let mut batch = RecordBatch::from_records(codec, records.clone());
        batch.base_offset = offset;
        expected.extend(records.iter().map(|(_, r)| (offset + r.offset_delta as i64, r.value.clone())));
        offset += 4;
        bytes.extend_from_slice(&batch.to_bytes(&EncodeOptions::default()).unwrap());
    }
    (bytes, expected)
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kafka-wire-log-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("00000000000000000000.log");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn all_records(
    reader: impl Iterator<Item = Result<LogBatch, LogError>>,
) -> Result<Vec<(i64, Option<Bytes>)>, LogError> {
    let mut out = Vec::new();
    for batch in reader {
        out.extend(batch?.records()?.into_iter().map(|r| (r.offset, r.value)));
    }
    Ok(out)
}

#[test]
fn a_segment_of_every_format_and_codec_reads_from_its_file() {
    let (bytes, expected) = mixed_segment();
    let path = temp_file("mixed", &bytes);
    let mut reader = LogReader::open(&path).unwrap();
    let batches: Vec<LogBatch> = (&mut reader).collect::<Result<_, _>>().unwrap();
    assert_eq!(reader.truncated_tail(), None);
    assert_eq!(reader.position(), bytes.len() as u64);
    // Positions and sizes tile the file.
    let mut position = 0;
    for (i, batch) in batches.iter().enumerate() {
        assert_eq!((batch.index, batch.position), (i, position));
        position += batch.size();
    }
    assert_eq!(position, bytes.len() as u64);
    let magics: Vec<i8> = batches.iter().map(|b| b.entry.magic()).collect();
    assert_eq!(magics, [0, 0, 1, 1, 2, 2, 2, 2, 2]);
    assert_eq!(all_records(LogReader::open(&path).unwrap()).unwrap(), expected);
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn a_last_batch_cut_at_any_byte_is_reported_not_fatal() {
    let (bytes, expected) = mixed_segment();
    let last = LogReader::new(&bytes[..]).last().unwrap().unwrap();
    let last_records = last.records().unwrap().len();
    for cut in 1..last.size() {
        let data = &bytes[..bytes.len() - cut as usize];
        let mut reader = LogReader::new(data);
        let read = all_records(reader.by_ref()).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
        assert_eq!(read, expected[..expected.len() - last_records], "cut {cut}");
        let tail = reader.truncated_tail().expect("the cut batch is reported");
        assert_eq!(tail.position, last.position, "cut {cut}");
        assert_eq!(tail.bytes, last.size() - cut, "cut {cut}");
        let header_whole = tail.bytes >= 12;
        assert_eq!(tail.declared, header_whole.then_some(last.size()), "cut {cut}");
    }
}

/// An input that counts what was read from it.
struct Counting<'a> {
    data: &'a [u8],
    read: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (&self.data[self.read..]).read(buf)?;
        self.read += n;
        Ok(n)
    }
}

#[test]
fn the_reader_holds_one_batch_at_a_time() {
    let (bytes, _) = mixed_segment();
    let mut input = Counting { data: &bytes, read: 0 };
    let mut reader = LogReader::new(&mut input);
    let first = reader.next().unwrap().unwrap();
    drop(reader);
    assert_eq!(input.read as u64, first.size(), "nothing is read ahead of the batch");
}

#[test]
fn a_declared_size_beyond_the_file_is_a_truncated_tail_without_a_large_allocation() {
    let mut bytes = vec![0u8; 12];
    bytes[8..12].copy_from_slice(&i32::MAX.to_be_bytes());
    bytes.extend_from_slice(&[0; 100]);
    let mut reader = LogReader::new(&bytes[..]);
    assert!(reader.next().is_none());
    let tail = reader.truncated_tail().unwrap();
    assert_eq!((tail.position, tail.bytes, tail.declared), (0, 112, Some(12 + i32::MAX as u64)));
}

fn one_batch(codec: Compression) -> Vec<u8> {
    let records =
        (0..3).map(|i| (i, Record { offset_delta: i as i32, value: value(format!("v{i}")), ..Default::default() }));
    let mut batch = RecordBatch::from_records(codec, records);
    batch.base_offset = 40;
    batch.to_bytes(&EncodeOptions::default()).unwrap().to_vec()
}

#[test]
fn errors_name_the_file_position_batch_and_record() {
    let good = one_batch(Compression::None);
    let name = "orders-0/00000000000000000000.log";

    // A negative size in the second batch's header.
    let mut data = [good.clone(), good.clone()].concat();
    data[good.len() + 8..good.len() + 12].copy_from_slice(&(-5i32).to_be_bytes());
    let mut reader = LogReader::new(&data[..]).with_file_name(name);
    assert!(reader.next().unwrap().is_ok());
    let err = reader.next().unwrap().unwrap_err();
    assert_eq!((err.position(), err.batch(), err.file()), (good.len() as u64 + 8, Some(1), Some(name.as_ref())));
    assert!(
        matches!(err.kind(), LogErrorKind::Records(e) if *e.kind() == RecordsDecodeErrorKind::Wire(DecodeErrorKind::NegativeLength(-5)))
    );
    assert!(reader.next().is_none(), "an error ends the iteration");

    // An unknown magic byte.
    let mut data = good.clone();
    data[16] = 7;
    let err = LogReader::new(&data[..]).next().unwrap().unwrap_err();
    assert_eq!(err.position(), 16);
    assert!(matches!(err.kind(), LogErrorKind::Records(e) if *e.kind() == RecordsDecodeErrorKind::UnsupportedMagic(7)));

    // A damaged record: the CRC finds it, and with the CRC check off, the
    // record decoder names the record and its exact position.
    let mut data = [good.clone(), good.clone()].concat();
    let record_2_length = data.len() - 9; // the last record: length, attributes, 2 deltas, key, value "v2", headers
    data[record_2_length] = 0x7f; // a length beyond the batch
    let batch = LogReader::new(&data[..]).with_file_name(name).nth(1).unwrap().unwrap();
    let err = batch.records().unwrap_err();
    assert!(
        matches!(err.kind(), LogErrorKind::Records(e) if matches!(e.kind(), RecordsDecodeErrorKind::CrcMismatch { .. }))
    );
    assert_eq!((err.batch(), err.base_offset(), err.record()), (Some(1), Some(40), None));
    let unchecked = DecodeOptions { verify_crc: false, ..Default::default() };
    let err = batch.records_with(&unchecked).unwrap_err();
    assert_eq!((err.batch(), err.record()), (Some(1), Some(2)));
    assert!(err.position() > record_2_length as u64 && err.position() < data.len() as u64 + 1, "{err}");
    assert!(
        err.to_string().starts_with(&format!("{name}: byte {}, batch 1 (offset 40), record 2: ", err.position())),
        "{err}"
    );

    // In a compressed batch, a record's bytes are not in the file: the
    // error gives the batch's position and the record. The same damage,
    // compressed with zstd behind the uncompressed batch's header:
    let mut plain = good[BATCH_HEADER_SIZE..].to_vec();
    let at = plain.len() - 9;
    plain[at] = 0x7f;
    let mut zstd = good[..BATCH_HEADER_SIZE].to_vec();
    compress(Compression::Zstd, None, &plain, &mut zstd, false).unwrap();
    let length = (zstd.len() - 12) as i32;
    zstd[8..12].copy_from_slice(&length.to_be_bytes());
    zstd[22] |= Compression::Zstd.id(); // the codec bits of the attributes' low byte
    let data = [good.clone(), zstd].concat();
    let batch = LogReader::new(&data[..]).nth(1).unwrap().unwrap();
    let err = batch.records_with(&unchecked).unwrap_err();
    assert_eq!((err.position(), err.batch(), err.record()), (good.len() as u64, Some(1), Some(2)), "{err}");
}

fn framed_metadata(record: MetadataRecord) -> Bytes {
    let mut buf = BytesMut::new();
    record.write_framed(&mut buf, 0).unwrap();
    buf.freeze()
}

/// A snapshot as a controller writes it: a control batch with the header,
/// a batch of metadata records, a control batch with the footer.
fn snapshot() -> Vec<u8> {
    let header =
        ControlRecord::SnapshotHeader(SnapshotHeaderRecord { last_contained_log_timestamp: 7, ..Default::default() });
    let footer = ControlRecord::SnapshotFooter(Default::default());
    let control = |record: ControlRecord, offset: i64| {
        let mut batch = RecordBatch::from_records(Compression::None, [(7, record.to_record(0, 0).unwrap())]);
        batch.base_offset = offset;
        batch.with_control(true)
    };
    let topics = (0..3).map(|i| {
        let topic =
            TopicRecord { name: format!("t{i}").into(), topic_id: uuid::Uuid::from_u128(i + 1), ..Default::default() };
        (7, Record { offset_delta: i as i32, value: Some(framed_metadata(topic.into())), ..Default::default() })
    });
    let mut records = RecordBatch::from_records(Compression::Lz4, topics);
    records.base_offset = 1;
    encode_batches(&[control(header, 0), records, control(footer, 4)], &EncodeOptions::default()).unwrap().to_vec()
}

#[test]
fn a_snapshot_decodes_into_control_and_metadata_records() {
    let data = snapshot();
    let dir = std::env::temp_dir().join(format!("kafka-wire-log-{}-snapshot/__cluster_metadata-0", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("00000000000000000005-0000000001.checkpoint");
    std::fs::write(&path, &data).unwrap();
    assert_eq!(SnapshotId::from_path(&path), Some(SnapshotId { end_offset: 5, epoch: 1 }));
    let topic = InternalTopic::from_path(&path).unwrap();
    assert_eq!(topic, InternalTopic::ClusterMetadata);

    let mut entries = Vec::new();
    for batch in LogReader::open(&path).unwrap() {
        entries.extend(batch.unwrap().stored_records(topic).unwrap());
    }
    let offsets: Vec<i64> = entries.iter().map(|(r, _)| r.offset).collect();
    assert_eq!(offsets, [0, 1, 2, 3, 4]);
    assert!(
        matches!(&entries[0].1, StoredEntry::Control(ControlRecord::SnapshotHeader(h)) if h.last_contained_log_timestamp == 7)
    );
    let names: Vec<String> = entries[1..4]
        .iter()
        .map(|(_, e)| match e {
            StoredEntry::Record(StoredRecord::Metadata { record: MetadataRecord::Topic(t), version: 0 }) => {
                t.name.to_string()
            }
            other => panic!("a topic record, not {other:?}"),
        })
        .collect();
    assert_eq!(names, ["t0", "t1", "t2"]);
    assert!(matches!(&entries[4].1, StoredEntry::Control(ControlRecord::SnapshotFooter(_))));
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

#[test]
fn consumer_offsets_records_and_tombstones_decode_and_bad_ones_name_the_record() {
    let key =
        GroupCoordinatorKey::OffsetCommit(OffsetCommitKey { group: "g".into(), topic: "orders".into(), partition: 2 });
    let mut key_bytes = BytesMut::new();
    key.write_record_key(&mut key_bytes).unwrap();
    let key_bytes = key_bytes.freeze();
    let value = GroupCoordinatorValue::OffsetCommit(OffsetCommitValue { offset: 42, ..Default::default() });
    let mut value_bytes = BytesMut::new();
    value.write_record_value(&mut value_bytes, 3).unwrap();
    let record = |value: Option<Bytes>, delta: i32| Record {
        offset_delta: delta,
        key: Some(key_bytes.clone()),
        value,
        ..Default::default()
    };
    let good = [(0, record(Some(value_bytes.freeze()), 0)), (0, record(None, 1))];
    let data =
        RecordBatch::from_records(Compression::Snappy, good.clone()).to_bytes(&EncodeOptions::default()).unwrap();
    let batch = LogReader::new(&data[..]).next().unwrap().unwrap();
    let entries: Vec<StoredEntry> =
        batch.stored_records(InternalTopic::ConsumerOffsets).unwrap().into_iter().map(|(_, e)| e).collect();
    assert_eq!(
        entries,
        [
            StoredEntry::Record(StoredRecord::GroupCoordinator { key: key.clone(), value: Some((value, 3)) }),
            StoredEntry::Record(StoredRecord::GroupCoordinator { key, value: None }),
        ]
    );

    // A key of an unknown record type, in the second record.
    let mut bad = good.clone();
    bad[1].1.key = Some(Bytes::from_static(&[0x7f, 0x00]));
    let data = RecordBatch::from_records(Compression::None, bad).to_bytes(&EncodeOptions::default()).unwrap();
    let batch = LogReader::new(&data[..]).with_file_name("__consumer_offsets-3/0.log").next().unwrap().unwrap();
    let err = batch.stored_records(InternalTopic::ConsumerOffsets).unwrap_err();
    assert_eq!(err.record(), Some(1));
    assert!(matches!(err.kind(), LogErrorKind::Stored(e) if *e.kind() == DecodeErrorKind::UnknownRecordType(0x7f00)));
    assert!(err.to_string().contains("record 1: unknown record type 32512"), "{err}");
}

fn cases() -> u32 {
    common::proptest_cases(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the bytes, reading ends with batches, an error or a tail,
    /// and never panics; a damaged copy of a real segment is read up to
    /// its damage.
    #[test]
    fn damaged_files_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let (mut data, _) = mixed_segment();
        data.extend_from_slice(&snapshot());
        for (at, byte) in flips {
            let i = at.index(data.len());
            data[i] ^= byte;
        }
        data.truncate(cut.index(data.len() + 1));
        let mut reader = LogReader::new(&data[..]);
        let mut position = 0;
        for batch in &mut reader {
            let Ok(batch) = batch else { break };
            prop_assert_eq!(batch.position, position);
            position += batch.size();
            let _ = batch.records();
            for &topic in InternalTopic::ALL {
                let _ = batch.stored_records(topic);
            }
        }
        prop_assert!(reader.position() <= data.len() as u64);
    }
}
