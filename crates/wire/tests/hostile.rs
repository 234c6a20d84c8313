//! Hostile input: each case must give a typed error (never a panic) while
//! holding little memory. A counting allocator measures the peak bytes the
//! current thread holds during each decode.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, DecodeOptions, EncodeOptions, Record, RecordBatch, RecordsDecodeErrorKind};
use kafka_wire::Reader;
use kafka_wire::{ApiKey, DecodeErrorKind, DecodeExt, EncodeExt, Request, RequestFrame, Response};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static HELD: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn add(n: usize) {
    let _ = HELD.try_with(|h| {
        h.set(h.get() + n);
        let _ = PEAK.try_with(|p| p.set(p.get().max(h.get())));
    });
}

fn sub(n: usize) {
    let _ = HELD.try_with(|h| h.set(h.get().saturating_sub(n)));
}

// SAFETY: every call goes to the system allocator unchanged; the
// accounting touches only a thread-local counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size());
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        sub(layout.size());
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size);
        sub(layout.size());
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f`, returning its result and the peak extra bytes it held.
fn peak<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = HELD.with(|h| h.get());
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(|p| p.get()) - base)
}

const SMALL: usize = 64 * 1024;

#[test]
fn array_claiming_2_pow_31_minus_1_elements() {
    // MetadataResponse v0 (non-flexible): Brokers = int32 0x7fffffff, then 6 bytes.
    let v0 = Bytes::from_static(&[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]);
    let (result, held) = peak(|| MetadataResponse::from_bytes(&v0, 0));
    assert!(matches!(result.unwrap_err().kind(), DecodeErrorKind::LengthExceedsInput { length: 0x7fff_ffff, .. }));
    assert!(held < SMALL, "held {held} bytes");
    // MetadataResponse v9 (flexible): throttle time, then a compact length of 2^31-1 (+1).
    let v9 = Bytes::from_static(&[0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x08, 0]);
    let (result, held) = peak(|| MetadataResponse::from_bytes(&v9, 9));
    assert!(matches!(result.unwrap_err().kind(), DecodeErrorKind::LengthExceedsInput { .. }));
    assert!(held < SMALL, "held {held} bytes");
}

#[test]
fn huge_string_and_bytes_lengths() {
    for prefix in [[0x7f, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff]] {
        // SaslAuthenticateRequest v0: auth bytes with an int32 length.
        let mut data = prefix.to_vec();
        data.extend_from_slice(b"abc");
        let data = Bytes::from(data);
        let (result, held) = peak(|| SaslAuthenticateRequest::from_bytes(&data, 0));
        assert!(result.is_err(), "{prefix:?}");
        assert!(held < SMALL);
    }
    // A string's int16 length of 0x7fff with 3 bytes behind it; and -2.
    for prefix in [[0x7f, 0xff], [0xff, 0xfe]] {
        let mut data = prefix.to_vec();
        data.extend_from_slice(b"abc");
        let (result, held) = peak(|| SaslHandshakeRequest::from_bytes(&Bytes::from(data), 1));
        assert!(result.is_err());
        assert!(held < SMALL);
    }
}

#[test]
fn hostile_tagged_fields() {
    // ResponseHeader v1: correlation id, then the tagged section.
    let cases: [(&str, &[u8]); 3] = [
        ("a field claiming 2^31-1 bytes", &[0, 0, 0, 1, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x07, 0]),
        ("a size that reads as negative", &[0, 0, 0, 1, 1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0]),
        ("2^31-1 tagged fields", &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 0]),
    ];
    for (what, data) in cases {
        let data = Bytes::from_static(data);
        let (result, held) = peak(|| ResponseHeader::from_bytes(&data, 1));
        assert!(result.is_err(), "{what}");
        assert!(held < SMALL, "{what}: held {held}");
    }
}

#[test]
fn unknown_and_negative_api_keys_everywhere() {
    let body = Bytes::from_static(&[0, 0, 0, 0]);
    for key in [-1i16, -32768, 100, 1000, i16::MAX] {
        assert_eq!(ApiKey::from_key(key), None);
        assert_eq!(ApiKey::try_from(key), Err(key));
        let err = Request::decode_by_key(key, &mut Reader::new(&body), 0).unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::UnknownApiKey(key));
        let err = Response::decode_by_key(key, &mut Reader::new(&body), 0).unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::UnknownApiKey(key));
        let mut frame = BytesMut::new();
        frame.put_i16(key);
        frame.put_i16(0);
        frame.put_i32(1);
        frame.put_i16(-1);
        let err = RequestFrame::decode(&frame.freeze()).unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::UnknownApiKey(key));
    }
    // A known key with a version out of range is a typed error too.
    let err = Request::decode(ApiKey::Metadata, &mut Reader::new(&body), -1).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::UnsupportedVersion { version: -1 });
}

#[test]
fn every_truncated_prefix_of_a_real_response_fails_cleanly() {
    let response = MetadataResponse {
        brokers: (0..3)
            .map(|i| metadata_response::MetadataResponseBroker {
                node_id: i,
                host: "broker".into(),
                port: 9092,
                ..Default::default()
            })
            .collect(),
        cluster_id: Some("cluster".into()),
        topics: (0..4)
            .map(|t| metadata_response::MetadataResponseTopic {
                name: Some(format!("topic-{t}").into()),
                topic_id: uuid::Uuid::from_u128(t as u128 + 1),
                partitions: (0..3)
                    .map(|p| metadata_response::MetadataResponsePartition {
                        partition_index: p,
                        replica_nodes: [0, 1, 2].into(),
                        isr_nodes: [0, 1].into(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    for version in [0, 8, 9, 12, 13] {
        let bytes = response.to_bytes(version).unwrap();
        for cut in 0..bytes.len() {
            let prefix = bytes.slice(..cut);
            let (result, held) = peak(|| MetadataResponse::from_bytes(&prefix, version));
            assert!(result.is_err(), "v{version}: {cut}-byte prefix decoded");
            assert!(held < SMALL);
        }
        assert!(MetadataResponse::from_bytes(&bytes, version).is_ok());
    }
}

#[test]
fn record_batch_claiming_2_pow_31_minus_1_records_or_headers() {
    let batch = RecordBatch::from_records(Compression::None, [(0, Record::default())]);
    let mut bytes = batch.to_bytes(&EncodeOptions::default()).unwrap().to_vec();
    bytes[57..61].copy_from_slice(&i32::MAX.to_be_bytes());
    let lenient = DecodeOptions { verify_crc: false, ..Default::default() };
    let bytes = Bytes::from(bytes);
    let (result, held) = peak(|| RecordBatch::decode(bytes, &lenient));
    assert!(matches!(
        result.unwrap_err().kind(),
        RecordsDecodeErrorKind::Wire(DecodeErrorKind::LengthExceedsInput { .. })
    ));
    assert!(held < SMALL);

    // One record whose header count is 2^31-1 (zig-zag varint fe ff ff ff 0f).
    let mut batch = RecordBatch::from_records(Compression::None, [(0, Record::default())])
        .to_bytes(&EncodeOptions::default())
        .unwrap()
        .to_vec();
    let record_at = 61;
    // Record: len, attrs, ts, offset, key -1, value -1, headers 0 -> rewrite with a huge header count.
    let record = [20u8, 0, 0, 0, 1, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f];
    batch.truncate(record_at);
    batch.extend_from_slice(&record);
    let length = (batch.len() - 12) as i32;
    batch[8..12].copy_from_slice(&length.to_be_bytes());
    let (result, held) = peak(|| RecordBatch::decode(Bytes::from(batch), &lenient));
    assert!(result.is_err());
    assert!(held < SMALL);
}

#[test]
fn small_gzip_batch_inflating_to_1_gib() {
    // 4 MiB of zeros compresses to a few KiB; 256 gzip members back to back
    // (gzip readers, Kafka's included, read them as one stream) inflate to 1 GiB.
    let mut member = Vec::new();
    kafka_wire::records::compress(Compression::Gzip, Some(9), &vec![0u8; 4 << 20], &mut member, false).unwrap();
    let payload: Vec<u8> = member.iter().copied().cycle().take(member.len() * 256).collect();
    assert!(payload.len() < 2 << 20, "the bomb is small: {} bytes", payload.len());

    // Wrap it in a gzip batch claiming one record.
    let header = RecordBatch::from_records(Compression::Gzip, [(0, Record::default())])
        .to_bytes(&EncodeOptions::default())
        .unwrap();
    let mut batch = header[..61].to_vec();
    batch.extend_from_slice(&payload);
    let length = (batch.len() - 12) as i32;
    batch[8..12].copy_from_slice(&length.to_be_bytes());
    let crc = crc32c::crc32c(&batch[21..]);
    batch[17..21].copy_from_slice(&crc.to_be_bytes());
    let batch = Bytes::from(batch);

    let options = DecodeOptions::default();
    let (result, held) = peak(|| RecordBatch::decode(batch.clone(), &options));
    assert_eq!(
        result.unwrap_err().kind(),
        &RecordsDecodeErrorKind::DecompressedTooLarge { limit: options.max_decompressed_size }
    );
    // At most the caller's limit (64 MiB by default) plus buffer slack, never 1 GiB.
    assert!(held < options.max_decompressed_size * 2 + SMALL, "held {held} bytes");
}
