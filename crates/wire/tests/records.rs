//! Record batches, legacy message sets and compression: golden bytes worked
//! out by hand (CRCs computed with an independent bitwise implementation),
//! property roundtrips over every codec and attribute combination, and every
//! error path.

use bytes::{Bytes, BytesMut};
use kafka_wire::messages::{fetch_response, produce_request, FetchResponse, ProduceRequest};
use kafka_wire::records::legacy::{decode_message_set, decode_messages, encode_message_set, LegacyMessage};
use kafka_wire::records::*;
use kafka_wire::{DecodeErrorKind, DecodeExt, EncodeExt};
use proptest::prelude::*;

fn kv(key: &'static [u8], value: &'static [u8]) -> Record {
    Record { key: Some(Bytes::from_static(key)), value: Some(Bytes::from_static(value)), ..Default::default() }
}

#[rustfmt::skip]
const GOLDEN_RECORD: [u8; 9] = [
    0x10,           // length 8 (zig-zag varint)
    0,              // attributes
    0,              // timestamp delta 0
    0,              // offset delta 0
    2, b'k',        // key "k"
    2, b'v',        // value "v"
    0,              // no headers
];

fn golden_batch() -> RecordBatch {
    RecordBatch {
        base_offset: 5,
        partition_leader_epoch: 0,
        last_offset_delta: 0,
        base_timestamp: 1000,
        max_timestamp: 1000,
        records: vec![kv(b"k", b"v")],
        ..Default::default()
    }
}

#[test]
fn golden_uncompressed_batch() {
    let bytes = golden_batch().to_bytes(&EncodeOptions::default()).unwrap();
    #[rustfmt::skip]
    let mut expected = vec![
        0, 0, 0, 0, 0, 0, 0, 5,         // base offset
        0, 0, 0, 58,                    // batch length: 49 + 9
        0, 0, 0, 0,                     // partition leader epoch
        2,                              // magic
        0x71, 0x6a, 0x61, 0x89,         // CRC-32C of what follows
        0, 0,                           // attributes
        0, 0, 0, 0,                     // last offset delta
        0, 0, 0, 0, 0, 0, 0x03, 0xe8,   // base timestamp 1000
        0, 0, 0, 0, 0, 0, 0x03, 0xe8,   // max timestamp
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // producer id -1
        0xff, 0xff,                     // producer epoch -1
        0xff, 0xff, 0xff, 0xff,         // base sequence -1
        0, 0, 0, 1,                     // one record
    ];
    expected.extend_from_slice(&GOLDEN_RECORD);
    assert_eq!(bytes.as_ref(), expected.as_slice());
    let view = BatchView::new(bytes.clone()).unwrap();
    assert_eq!(view.header.crc, 0x716a6189);
    assert_eq!(view.header.last_offset(), 5);
    assert_eq!(view.decode(&DecodeOptions::default()).unwrap(), golden_batch());
    // Uncompressed records are not copied: the value points into the batch.
    let records = view.records(&DecodeOptions::default()).unwrap();
    assert_eq!(records[0].value.as_ref().unwrap().as_ptr(), bytes[bytes.len() - 2..].as_ptr());
}

/// Per codec: the header is the golden one but for attributes, length and
/// CRC; the payload starts with the codec's framing and decompresses to the
/// golden record.
#[test]
fn golden_compressed_batches() {
    let cases: [(Compression, &[u8]); 4] = [
        (Compression::Gzip, &[0x1f, 0x8b, 0x08]), // gzip magic, deflate
        (Compression::Snappy, &[0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1]), // xerial
        (Compression::Lz4, &[0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]), // Kafka lz4 frame header
        (Compression::Zstd, &[0x28, 0xb5, 0x2f, 0xfd]), // zstd frame magic
    ];
    for (codec, framing) in cases {
        let batch = golden_batch().with_compression(codec);
        let bytes = batch.to_bytes(&EncodeOptions::default()).unwrap();
        assert_eq!(&bytes[21..23], &[0, codec.id()], "{codec:?} attributes");
        assert_eq!(&bytes[..8], &[0, 0, 0, 0, 0, 0, 0, 5]);
        assert_eq!(&bytes[57..61], &[0, 0, 0, 1], "{codec:?} record count");
        assert_eq!(&bytes[61..61 + framing.len()], framing, "{codec:?} framing");
        let view = BatchView::new(bytes.clone()).unwrap();
        view.verify_crc().unwrap();
        assert_eq!(view.records_bytes(&DecodeOptions::default()).unwrap().as_ref(), GOLDEN_RECORD, "{codec:?}");
        assert_eq!(view.decode(&DecodeOptions::default()).unwrap(), batch, "{codec:?}");
    }
}

#[test]
fn golden_legacy_v0_and_v1_messages() {
    let v0 = LegacyMessage::new(0, 3, None, Some(Bytes::from_static(b"k")), Some(Bytes::from_static(b"v")));
    #[rustfmt::skip]
    let v0_bytes = [
        0, 0, 0, 0, 0, 0, 0, 3,     // offset
        0, 0, 0, 16,                // message size
        0x1f, 0xec, 0xd7, 0x0a,     // CRC-32 of magic..value
        0, 0,                       // magic 0, attributes
        0, 0, 0, 1, b'k',           // key
        0, 0, 0, 1, b'v',           // value
    ];
    let v1 = LegacyMessage::new(1, 4, Some(1000), None, Some(Bytes::from_static(b"v")));
    #[rustfmt::skip]
    let v1_bytes = [
        0, 0, 0, 0, 0, 0, 0, 4,
        0, 0, 0, 23,
        0x09, 0xb6, 0x6c, 0xaa,
        1, 0,                               // magic 1, attributes
        0, 0, 0, 0, 0, 0, 0x03, 0xe8,       // timestamp 1000
        0xff, 0xff, 0xff, 0xff,             // key: null
        0, 0, 0, 1, b'v',
    ];
    let set = encode_message_set(&[v0.clone(), v1.clone()]).unwrap();
    assert_eq!(&set[..v0_bytes.len()], v0_bytes);
    assert_eq!(&set[v0_bytes.len()..], v1_bytes);
    assert_eq!(decode_message_set(set, &DecodeOptions::default()).unwrap(), vec![v0, v1]);
}

#[test]
fn legacy_compressed_wrappers_every_codec() {
    for magic in [0i8, 1] {
        for codec in [Compression::Gzip, Compression::Snappy, Compression::Lz4] {
            let inner: Vec<LegacyMessage> = (0..3)
                .map(|i| LegacyMessage::new(magic, 10 + i, Some(1000 + i), None, Some(Bytes::from(format!("v{i}")))))
                .collect();
            let wrapper = LegacyMessage::compressed_wrapper(magic, codec, None, &inner).unwrap();
            assert_eq!(wrapper.offset, 12, "the wrapper carries the last offset");
            let set = encode_message_set(std::slice::from_ref(&wrapper)).unwrap();
            let (shallow, partial) = decode_messages(set.clone(), &DecodeOptions::default()).unwrap();
            assert_eq!((shallow, partial), (vec![wrapper], 0));
            assert_eq!(decode_message_set(set, &DecodeOptions::default()).unwrap(), inner, "v{magic} {codec:?}");
        }
    }
    assert!(LegacyMessage::compressed_wrapper(1, Compression::Zstd, None, &[]).is_err());
}

#[test]
fn control_batch_with_commit_marker() {
    let marker = ControlRecord::Commit { coordinator_epoch: 3 }.to_record(0, 0).unwrap();
    let batch = RecordBatch { records: vec![marker], last_offset_delta: 0, ..Default::default() }
        .with_control(true)
        .with_transactional(true)
        .with_producer(42, 1, -1);
    let view = BatchView::new(batch.to_bytes(&EncodeOptions::default()).unwrap()).unwrap();
    assert!(view.header.is_control() && view.header.is_transactional());
    assert_eq!(view.header.producer_id, 42);
    let records = view.records(&DecodeOptions::default()).unwrap();
    assert_eq!(ControlRecord::parse(&records[0]).unwrap(), ControlRecord::Commit { coordinator_epoch: 3 });
}

#[test]
fn produce_request_and_fetch_response_carry_batches() {
    let batches = vec![
        RecordBatch::from_records(Compression::Zstd, (0..10).map(|i| (1000 + i, kv(b"k", b"value")))),
        RecordBatch { base_offset: 10, ..RecordBatch::from_records(Compression::None, [(5, kv(b"a", b"b"))]) },
    ];
    let mut partition = produce_request::PartitionProduceData { index: 0, ..Default::default() };
    partition.set_batches(&batches, &EncodeOptions::default()).unwrap();
    let request = ProduceRequest {
        topic_data: vec![produce_request::TopicProduceData {
            name: "t".into(),
            partition_data: vec![partition],
            ..Default::default()
        }],
        ..Default::default()
    };
    let wire = request.to_bytes(11).unwrap();
    let back = ProduceRequest::from_bytes(&wire, 11).unwrap();
    let got: Vec<RecordBatch> = back.topic_data[0].partition_data[0]
        .batches()
        .map(|b| b.unwrap().decode(&DecodeOptions::default()).unwrap())
        .collect();
    assert_eq!(got, batches);

    // The broker stops a fetch at max bytes, mid-batch: the partial batch is not an error.
    let records = encode_batches(&batches, &EncodeOptions::default()).unwrap();
    let truncated = records.slice(..records.len() - 7);
    let response = FetchResponse {
        responses: vec![fetch_response::FetchableTopicResponse {
            topic: "t".into(),
            partitions: vec![fetch_response::PartitionData { records: Some(truncated), ..Default::default() }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let response = FetchResponse::from_bytes(&response.to_bytes(12).unwrap(), 12).unwrap();
    let mut iter = response.responses[0].partitions[0].batches();
    let first = iter.next().unwrap().unwrap();
    assert_eq!((first.header.base_offset, first.header.records_count), (0, 10));
    assert_eq!(first.header.compression(), Ok(Compression::Zstd));
    assert!(iter.next().is_none());
    assert_eq!(iter.partial_bytes(), records.len() - 7 - first.bytes.len());
}

#[test]
fn bad_batches_give_typed_errors() {
    let good = golden_batch().to_bytes(&EncodeOptions::default()).unwrap();
    let options = DecodeOptions::default();

    let mut bad_crc = good.to_vec();
    let value_at = bad_crc.len() - 2; // the value "v"
    bad_crc[value_at] ^= 1;
    let err = RecordBatch::decode(Bytes::from(bad_crc.clone()), &options).unwrap_err();
    assert!(matches!(err.kind(), RecordsDecodeErrorKind::CrcMismatch { stored: 0x716a6189, .. }), "{err}");
    assert_eq!(err.offset(), 17);
    // With CRC checks off the corrupted value goes through as it is.
    let lenient = DecodeOptions { verify_crc: false, ..options };
    let decoded = RecordBatch::decode(Bytes::from(bad_crc), &lenient).unwrap();
    assert_eq!(decoded.records[0].value.as_deref(), Some(&b"w"[..]));

    let mut bad_length = good.to_vec();
    bad_length[11] += 1;
    assert!(RecordBatch::decode(Bytes::from(bad_length), &options).is_err());

    let mut negative_count = good.to_vec();
    negative_count[57..61].copy_from_slice(&(-1i32).to_be_bytes());
    assert!(RecordBatch::decode(Bytes::from(negative_count), &lenient).is_err());

    let mut huge_count = good.to_vec();
    huge_count[57..61].copy_from_slice(&i32::MAX.to_be_bytes());
    let err = RecordBatch::decode(Bytes::from(huge_count), &lenient).unwrap_err();
    assert!(matches!(err.kind(), RecordsDecodeErrorKind::Wire(DecodeErrorKind::LengthExceedsInput { .. })), "{err}");

    let unknown_codec = RecordBatch { attributes: 5, ..golden_batch() };
    assert!(unknown_codec.to_bytes(&EncodeOptions::default()).is_err());
    let mut codec_5 = good.to_vec();
    codec_5[22] = 5;
    let err = RecordBatch::decode(Bytes::from(codec_5), &lenient).unwrap_err();
    assert_eq!(err.kind(), &RecordsDecodeErrorKind::UnknownCompression(5));

    let mut magic_1 = good.to_vec();
    magic_1[16] = 1;
    assert_eq!(
        BatchView::new(Bytes::from(magic_1.clone())).unwrap_err().kind(),
        &RecordsDecodeErrorKind::UnsupportedMagic(1)
    );
    let mut iter = BatchIter::new(Bytes::from(magic_1));
    assert!(iter.next().unwrap().is_err());
    assert!(iter.next().is_none());

    let garbage = RecordBatch::decode(
        Bytes::from(
            golden_batch().with_compression(Compression::Gzip).to_bytes(&EncodeOptions::default()).unwrap()[..70]
                .to_vec(),
        ),
        &options,
    );
    assert!(garbage.is_err());
}

#[test]
fn decompression_limit_is_enforced() {
    let big = RecordBatch::from_records(
        Compression::Gzip,
        [(0, Record { value: Some(Bytes::from(vec![0u8; 4 << 20])), ..Default::default() })],
    );
    let bytes = big.to_bytes(&EncodeOptions { compression_level: Some(9) }).unwrap();
    assert!(bytes.len() < 16 * 1024);
    let small_limit = DecodeOptions { max_decompressed_size: 1 << 20, ..Default::default() };
    let err = RecordBatch::decode(bytes.clone(), &small_limit).unwrap_err();
    assert_eq!(err.kind(), &RecordsDecodeErrorKind::DecompressedTooLarge { limit: 1 << 20 });
    assert!(RecordBatch::decode(bytes, &DecodeOptions::default()).is_ok());
}

#[test]
fn compression_levels_are_configurable() {
    // Values that compress, but differently well at different levels.
    let value = |i: u64| {
        format!(
            "{{\"user\": {}, \"event\": \"page view {}\", \"path\": \"/a/b/{}\"}}",
            i * 7919 % 1000,
            i % 13,
            i % 101
        )
    };
    for (codec, fast, best) in [(Compression::Zstd, 1, 19), (Compression::Gzip, 1, 9)] {
        let batch = RecordBatch::from_records(
            codec,
            (0..2000).map(|i| {
                let record = Record { value: Some(Bytes::from(value(i))), ..kv(b"key", b"") };
                (i as i64, record)
            }),
        );
        let size = |level| {
            let bytes = batch.to_bytes(&EncodeOptions { compression_level: Some(level) }).unwrap();
            assert_eq!(RecordBatch::decode(bytes.clone(), &DecodeOptions::default()).unwrap(), batch);
            bytes.len()
        };
        let (fast_size, best_size) = (size(fast), size(best));
        // A level that were ignored would give the same bytes at both.
        assert!(best_size < fast_size, "{codec:?}: level {best} gave {best_size} bytes, level {fast} {fast_size}");
    }
    assert!(RecordBatch::from_records(Compression::Gzip, [(0, kv(b"k", b"v"))])
        .to_bytes(&EncodeOptions { compression_level: Some(42) })
        .is_err());
}

fn arb_bytes() -> impl Strategy<Value = Option<Bytes>> {
    proptest::option::weighted(0.8, proptest::collection::vec(any::<u8>(), 0..40).prop_map(Bytes::from))
}

fn arb_record() -> impl Strategy<Value = Record> {
    let header = ("[a-z]{0,3}", arb_bytes()).prop_map(|(k, v)| Header::new(k, v));
    (any::<i8>(), any::<i64>(), arb_bytes(), arb_bytes(), proptest::collection::vec(header, 0..4)).prop_map(
        |(attributes, timestamp_delta, key, value, headers)| Record {
            attributes,
            timestamp_delta,
            offset_delta: 0,
            key,
            value,
            headers,
        },
    )
}

fn arb_batch() -> impl Strategy<Value = RecordBatch> {
    let codec = proptest::sample::select(Compression::ALL.to_vec());
    let flags = (any::<bool>(), any::<bool>(), any::<bool>());
    let ids = (any::<i64>(), any::<i32>(), any::<i64>(), any::<i16>(), any::<i32>());
    (codec, flags, ids, proptest::collection::vec(arb_record(), 0..12)).prop_map(
        |(codec, (txn, control, log_append), (base_offset, epoch, pid, pepoch, seq), mut records)| {
            for (i, r) in records.iter_mut().enumerate() {
                r.offset_delta = i as i32;
            }
            let ts = if log_append { TimestampType::LogAppendTime } else { TimestampType::CreateTime };
            RecordBatch {
                base_offset,
                partition_leader_epoch: epoch,
                last_offset_delta: records.len() as i32 - 1,
                base_timestamp: base_offset / 3,
                max_timestamp: base_offset / 2,
                records,
                ..Default::default()
            }
            .with_compression(codec)
            .with_transactional(txn)
            .with_control(control)
            .with_timestamp_type(ts)
            .with_producer(pid, pepoch, seq)
        },
    )
}

/// Whether a borrowed record reads the same as the owned one.
fn same_record(r: &RecordRef, owned: &Record) -> Result<(), String> {
    let headers: Vec<(String, Option<Vec<u8>>)> =
        r.headers().map(|h| (h.key.to_string(), h.value.map(<[u8]>::to_vec))).collect();
    let expected: Vec<(String, Option<Vec<u8>>)> =
        owned.headers.iter().map(|h| (h.key.to_string(), h.value.as_ref().map(|v| v.to_vec()))).collect();
    let same = r.attributes == owned.attributes
        && r.timestamp_delta == owned.timestamp_delta
        && r.offset_delta == owned.offset_delta
        && r.key == owned.key.as_deref()
        && r.value == owned.value.as_deref()
        && r.header_count() == owned.headers.len()
        && headers == expected;
    if same {
        Ok(())
    } else {
        Err(format!("{r:?} vs {owned:?}"))
    }
}

mod common;

fn cases() -> u32 {
    common::proptest_cases(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn batches_roundtrip_for_every_codec_and_attribute(batches in proptest::collection::vec(arb_batch(), 1..4)) {
        let options = DecodeOptions::default();
        let bytes = encode_batches(&batches, &EncodeOptions::default()).unwrap();
        let views: Vec<BatchView> = BatchIter::new(bytes.clone()).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(views.len(), batches.len());
        for (view, batch) in views.iter().zip(&batches) {
            prop_assert_eq!(view.header.records_count as usize, batch.records.len());
            prop_assert_eq!(view.header.compression().unwrap(), batch.compression().unwrap());
            prop_assert_eq!(view.header.is_transactional(), batch.is_transactional());
            prop_assert_eq!(view.header.timestamp_type(), batch.timestamp_type());
            prop_assert_eq!(&view.decode(&options).unwrap(), batch);
            let borrowed = view.borrowed_records(&options).unwrap();
            prop_assert_eq!(borrowed.len(), batch.records.len());
            let read: Vec<RecordRef> = borrowed.iter().collect::<Result<_, _>>().unwrap();
            prop_assert_eq!(read.len(), batch.records.len());
            for (r, owned) in read.iter().zip(&batch.records) {
                prop_assert_eq!(same_record(r, owned), Ok(()));
            }
        }
        let again = encode_batches(&decode_batches(bytes.clone(), &options).unwrap(), &EncodeOptions::default()).unwrap();
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn legacy_sets_roundtrip(values in proptest::collection::vec(arb_bytes(), 1..6), magic in 0i8..2, codec in 0usize..4) {
        let inner: Vec<LegacyMessage> = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| LegacyMessage::new(magic, i as i64, Some(i as i64 * 10), None, v))
            .collect();
        let messages = match codec {
            0 => inner.clone(),
            n => {
                let c = [Compression::Gzip, Compression::Snappy, Compression::Lz4][n - 1];
                vec![LegacyMessage::compressed_wrapper(magic, c, None, &inner).unwrap()]
            }
        };
        let set = encode_message_set(&messages).unwrap();
        prop_assert_eq!(decode_message_set(set, &DecodeOptions::default()).unwrap(), inner);
    }

    #[test]
    fn corrupted_batches_never_panic(batch in arb_batch(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4)) {
        let mut bytes = batch.to_bytes(&EncodeOptions::default()).unwrap().to_vec();
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        let lenient = DecodeOptions { verify_crc: false, max_decompressed_size: 1 << 20 };
        for view in BatchIter::new(Bytes::from(bytes.clone())).flatten() {
            // The owned and the borrowed readers accept and reject the same batches.
            let owned = view.records(&lenient);
            let borrowed = view
                .borrowed_records(&lenient)
                .and_then(|records| {
                    let counts = records.iter().map(|r| r.map(|r| r.headers().count()));
                    Ok(counts.collect::<Result<Vec<_>, _>>()?)
                });
            prop_assert_eq!(owned.is_ok(), borrowed.is_ok(), "owned {:?}, borrowed {:?}", owned, borrowed);
        }
        let _ = decode_messages(Bytes::from(bytes), &lenient);
    }
}

#[test]
fn batch_iter_handles_short_and_empty_input() {
    assert!(BatchIter::new(Bytes::new()).next().is_none());
    let mut short = BatchIter::new(Bytes::from_static(&[0, 0, 0]));
    assert!(short.next().is_none());
    assert_eq!(short.partial_bytes(), 3);
    let mut buf = BytesMut::new();
    golden_batch().encode(&mut buf, &EncodeOptions::default()).unwrap();
    assert_eq!(BatchIter::new(buf.freeze()).count(), 1);
}

/// Produce v0-2 and Fetch v0-3 carry legacy message sets: the partition
/// helpers write and read them, each codec's wrappers included, through a
/// whole request and response at those versions.
#[test]
fn old_produce_and_fetch_versions_carry_legacy_message_sets() {
    let options = DecodeOptions::default();
    for (magic, produce_version, fetch_version) in [(0i8, 0i16, 0i16), (0, 1, 1), (1, 2, 2), (1, 2, 3)] {
        for codec in [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4] {
            let inner: Vec<LegacyMessage> = (0..4)
                .map(|i| {
                    let value = Some(Bytes::from(format!("value {i} at magic {magic}")));
                    LegacyMessage::new(magic, 10 + i, Some(1_700_000_000_000 + i), None, value)
                })
                .collect();
            let set = if codec == Compression::None {
                inner.clone()
            } else {
                vec![LegacyMessage::compressed_wrapper(magic, codec, None, &inner).unwrap()]
            };
            let mut partition = produce_request::PartitionProduceData { index: 0, ..Default::default() };
            partition.set_legacy_messages(&set).unwrap();
            let request = ProduceRequest {
                acks: 1,
                topic_data: vec![produce_request::TopicProduceData {
                    name: "t".into(),
                    partition_data: vec![partition],
                    ..Default::default()
                }],
                ..Default::default()
            };
            let bytes = request.to_bytes(produce_version).unwrap();
            let read = ProduceRequest::from_bytes(&bytes, produce_version).unwrap();
            let partition = &read.topic_data[0].partition_data[0];
            assert_eq!(partition.legacy_messages(&options).unwrap(), inner, "magic {magic} {codec:?}");
            let entries: Vec<RecordSetEntry> = partition.entries().collect::<Result<_, _>>().unwrap();
            assert_eq!(entries.len(), set.len());
            assert!(entries.iter().all(|e| e.magic() == magic));
            // The v2 reader names what it found instead of guessing.
            let err = partition.batches().next().unwrap().unwrap_err();
            assert_eq!(err.kind(), &RecordsDecodeErrorKind::UnsupportedMagic(magic));

            let fetched = FetchResponse {
                responses: vec![fetch_response::FetchableTopicResponse {
                    topic: "t".into(),
                    partitions: vec![fetch_response::PartitionData {
                        records: partition.records.clone(),
                        ..Default::default()
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            };
            let bytes = fetched.to_bytes(fetch_version).unwrap();
            let read = FetchResponse::from_bytes(&bytes, fetch_version).unwrap();
            assert_eq!(read.responses[0].partitions[0].legacy_messages(&options).unwrap(), inner);
        }
    }
}

#[test]
fn record_set_iter_reads_mixed_formats_and_stops_at_a_cut_entry() {
    let old = LegacyMessage::new(0, 0, None, Some(Bytes::from_static(b"k")), Some(Bytes::from_static(b"v0")));
    let wrapped = LegacyMessage::compressed_wrapper(
        1,
        Compression::Snappy,
        None,
        &[LegacyMessage::new(1, 1, Some(5), None, Some(Bytes::from_static(b"v1")))],
    )
    .unwrap();
    let mut data = encode_message_set(&[old.clone(), wrapped.clone()]).unwrap().to_vec();
    let batch = RecordBatch::from_records(Compression::Zstd, [(7, kv(b"k", b"v2"))]);
    data.extend_from_slice(&batch.to_bytes(&EncodeOptions::default()).unwrap());
    let whole = data.len();
    data.extend_from_slice(&batch.to_bytes(&EncodeOptions::default()).unwrap()[..30]);

    let mut iter = RecordSetIter::new(Bytes::from(data.clone()));
    let entries: Vec<RecordSetEntry> = iter.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0], RecordSetEntry::Legacy(old));
    assert_eq!(entries[1], RecordSetEntry::Legacy(wrapped));
    let RecordSetEntry::Batch(view) = &entries[2] else { panic!("a v2 batch") };
    assert_eq!(view.records(&DecodeOptions::default()).unwrap()[0].value.as_deref(), Some(&b"v2"[..]));
    assert_eq!(iter.partial_bytes(), 30);

    // A damaged legacy CRC is an error at that message, and ends the iteration.
    data[12] ^= 0xff;
    let mut iter = RecordSetIter::new(Bytes::from(data[..whole].to_vec()));
    let err = iter.next().unwrap().unwrap_err();
    assert!(matches!(err.kind(), RecordsDecodeErrorKind::CrcMismatch { .. }), "{err}");
    assert_eq!(err.offset(), 12);
    assert!(iter.next().is_none());
}
