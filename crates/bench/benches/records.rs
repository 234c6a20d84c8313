//! W5: one record batch of 1000 records (10-byte keys, 100-byte values),
//! encoded and decoded by kafka-wire and by kafka-protocol, uncompressed
//! and with each codec.
//!
//! Compression levels: kafka-wire uses the Java client's defaults (gzip 6,
//! lz4 fast mode, zstd 3); kafka-protocol uses gzip 6 (flate2 default), lz4
//! level 4 (liblz4 frame encoder) and zstd's default (3).
//!
//!     cargo bench -p kafka-wire-bench --bench records

use bytes::{Bytes, BytesMut};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kafka_protocol::records as kp;
use kafka_wire::records::{self as kw, Compression, DecodeOptions, EncodeOptions, RecordBatch};
use kafka_wire_bench::{w5_key_value, W5_BASE_TIMESTAMP, W5_RECORDS};

fn wire_batch(codec: Compression) -> RecordBatch {
    RecordBatch::from_records(
        codec,
        (0..W5_RECORDS).map(|i| {
            let (key, value) = w5_key_value(i);
            (W5_BASE_TIMESTAMP + i as i64, kw::Record { key: Some(key), value: Some(value), ..Default::default() })
        }),
    )
}

/// kafka-protocol puts records in one batch only while `offset - sequence`
/// stays constant, and takes the batch's base sequence from the first
/// record: `sequence = offset - 1` gives one non-idempotent batch (base
/// sequence -1), the same batch kafka-wire and the Java client write.
fn kp_records() -> Vec<kp::Record> {
    (0..W5_RECORDS)
        .map(|i| {
            let (key, value) = w5_key_value(i);
            kp::Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: -1,
                producer_id: -1,
                producer_epoch: -1,
                timestamp_type: kp::TimestampType::Creation,
                offset: i as i64,
                sequence: i as i32 - 1,
                timestamp: W5_BASE_TIMESTAMP + i as i64,
                key: Some(key),
                value: Some(value),
                headers: Default::default(),
            }
        })
        .collect()
}

fn kp_compression(codec: Compression) -> kp::Compression {
    match codec {
        Compression::None => kp::Compression::None,
        Compression::Gzip => kp::Compression::Gzip,
        Compression::Snappy => kp::Compression::Snappy,
        Compression::Lz4 => kp::Compression::Lz4,
        Compression::Zstd => kp::Compression::Zstd,
    }
}

fn kp_encode(records: &[kp::Record], codec: Compression) -> Bytes {
    let mut buf = BytesMut::new();
    let options = kp::RecordEncodeOptions { version: 2, compression: kp_compression(codec) };
    kp::RecordBatchEncoder::encode(&mut buf, records.iter(), &options).unwrap();
    buf.freeze()
}

/// Before timing: both crates agree on the bytes (uncompressed) or can read
/// each other's batches (compressed, where the compressors differ).
fn check_agreement(codec: Compression, ours: &Bytes, theirs: &Bytes) {
    if codec == Compression::None && ours != theirs {
        let at = ours.iter().zip(theirs.iter()).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
        panic!(
            "uncompressed W5 batches differ at byte {at}: kafka-wire {:02x?} kafka-protocol {:02x?} (lengths {} / {})",
            &ours[at.saturating_sub(4)..(at + 8).min(ours.len())],
            &theirs[at.saturating_sub(4)..(at + 8).min(theirs.len())],
            ours.len(),
            theirs.len()
        );
    }
    let decoded = RecordBatch::decode(theirs.clone(), &DecodeOptions::default()).unwrap();
    assert_eq!(decoded.records, wire_batch(codec).records, "kafka-wire reading kafka-protocol's {codec:?} batch");
    let set = kp::RecordBatchDecoder::decode(&mut ours.clone()).unwrap();
    assert_eq!(set.records, kp_records(), "kafka-protocol reading kafka-wire's {codec:?} batch");
}

fn bench_records(c: &mut Criterion) {
    for codec in Compression::ALL {
        let batch = wire_batch(codec);
        let records = kp_records();
        let ours = batch.to_bytes(&EncodeOptions::default()).unwrap();
        let theirs = kp_encode(&records, codec);
        check_agreement(codec, &ours, &theirs);

        let mut group = c.benchmark_group(format!("W5 record batch {}", codec.name()));
        group.bench_function("kafka-wire encode", |b| {
            let mut buf = BytesMut::with_capacity(ours.len() * 2);
            b.iter(|| {
                buf.clear();
                batch.encode(&mut buf, &EncodeOptions::default()).unwrap();
                black_box(buf.len())
            })
        });
        group.bench_function("kafka-protocol encode", |b| {
            let options = kp::RecordEncodeOptions { version: 2, compression: kp_compression(codec) };
            let mut buf = BytesMut::with_capacity(theirs.len() * 2);
            b.iter(|| {
                buf.clear();
                kp::RecordBatchEncoder::encode(&mut buf, records.iter(), &options).unwrap();
                black_box(buf.len())
            })
        });
        group.bench_function("kafka-wire decode", |b| {
            b.iter(|| RecordBatch::decode(black_box(ours.clone()), &DecodeOptions::default()).unwrap())
        });
        group.bench_function("kafka-protocol decode", |b| {
            b.iter(|| kp::RecordBatchDecoder::decode(&mut black_box(theirs.clone())).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench_records);
criterion_main!(benches);
