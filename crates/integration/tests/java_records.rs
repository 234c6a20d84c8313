//! Record batches against Kafka's own record classes, for every codec and
//! attribute combination: batches Kafka's MemoryRecordsBuilder makes must
//! decode here to the records it was given, and batches built here must pass
//! Kafka's validation (CRC included) and read back identically there —
//! byte-identical where the codec's output is deterministic across
//! implementations (uncompressed).

use bytes::Bytes;
use kafka_wire::json::serde_json::{json, Value};
use kafka_wire::records::*;
use kafka_wire_integration::java_tester::{from_hex, hex, JavaTester};

const CODECS: [Compression; 5] = Compression::ALL;

fn b64(b: &Option<Bytes>) -> Value {
    use base64::Engine;
    b.as_ref().map_or(Value::Null, |b| Value::String(base64::engine::general_purpose::STANDARD.encode(b)))
}

struct Case {
    codec: Compression,
    transactional: bool,
    log_append_time: bool,
    control: bool,
}

fn records(case: &Case) -> Vec<(i64, Record)> {
    if case.control {
        return vec![(1_700_000_000_000, ControlRecord::Commit { coordinator_epoch: 4 }.to_record(0, 0).unwrap())];
    }
    (0..25)
        .map(|i| {
            let record = Record {
                key: if i % 7 == 0 { None } else { Some(Bytes::from(format!("key-{i}"))) },
                value: if i % 11 == 5 { None } else { Some(Bytes::from(format!("value {i} ").repeat(i % 9 + 1))) },
                headers: (0..i % 3)
                    .map(|h| Header::new(format!("h{}", h % 2), (h != 1).then(|| Bytes::from(format!("v{h}")))))
                    .collect(),
                ..Default::default()
            };
            (1_700_000_000_000 + (i as i64 * 37) % 500, record)
        })
        .collect()
}

fn rust_batch(case: &Case) -> RecordBatch {
    let mut batch = RecordBatch::from_records(case.codec, records(case))
        .with_transactional(case.transactional)
        .with_control(case.control)
        .with_timestamp_type(if case.log_append_time {
            TimestampType::LogAppendTime
        } else {
            TimestampType::CreateTime
        });
    batch.base_offset = 100;
    batch.partition_leader_epoch = 3;
    if case.transactional || case.control {
        batch = batch.with_producer(77, 2, if case.control { -1 } else { 10 });
    }
    if case.log_append_time {
        batch.max_timestamp = 1_800_000_000_000;
    }
    batch
}

/// What the Java tester's "build" op needs to build `batch`: its header
/// fields and its records (each at its own timestamp).
fn java_spec(case: &Case, batch: &RecordBatch) -> Value {
    let records: Vec<Value> = batch
        .records
        .iter()
        .map(|r| {
            let timestamp = batch.base_timestamp + r.timestamp_delta;
            let headers: Vec<Value> = r.headers.iter().map(|h| json!({"key": h.key.as_str(), "value": b64(&h.value)})).collect();
            json!({"timestamp": timestamp, "key": b64(&r.key), "value": b64(&r.value), "headers": headers, "coordinatorEpoch": 4})
        })
        .collect();
    json!({
        "codec": case.codec.name(), "logAppendTime": case.log_append_time, "appendTime": batch.max_timestamp,
        "transactional": case.transactional, "control": case.control, "baseOffset": batch.base_offset,
        "producerId": batch.producer_id, "producerEpoch": batch.producer_epoch, "baseSequence": batch.base_sequence,
        "partitionLeaderEpoch": batch.partition_leader_epoch, "records": records,
    })
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for codec in CODECS {
        for transactional in [false, true] {
            for log_append_time in [false, true] {
                out.push(Case { codec, transactional, log_append_time, control: false });
            }
        }
        out.push(Case { codec, transactional: true, log_append_time: false, control: true });
    }
    out
}

#[test]
fn batches_match_kafkas_record_classes_both_ways() {
    let mut tester = JavaTester::start();
    let mut identical = Vec::new();
    for case in cases() {
        let what = format!(
            "{} transactional={} logAppendTime={} control={}",
            case.codec.name(),
            case.transactional,
            case.log_append_time,
            case.control
        );
        let ours = rust_batch(&case);
        let our_bytes = ours.to_bytes(&EncodeOptions::default()).unwrap();

        // Java builds the same batch; we decode it.
        let answer = tester.ask(json!({"op": "build", "spec": java_spec(&case, &ours)}));
        assert!(answer.get("error").is_none(), "{what}: Java could not build: {}", answer["error"]);
        let java_bytes = Bytes::from(from_hex(answer["hex"].as_str().unwrap()));
        let theirs = RecordBatch::decode(java_bytes.clone(), &DecodeOptions::default())
            .unwrap_or_else(|e| panic!("{what}: we could not decode Java's batch: {e}"));
        assert_eq!(theirs.records, ours.records, "{what}: records of Java's batch");
        assert_eq!(theirs.attributes, ours.attributes, "{what}: attributes");
        assert_eq!(
            (
                theirs.base_offset,
                theirs.producer_id,
                theirs.producer_epoch,
                theirs.base_sequence,
                theirs.partition_leader_epoch
            ),
            (ours.base_offset, ours.producer_id, ours.producer_epoch, ours.base_sequence, ours.partition_leader_epoch),
            "{what}: batch header"
        );
        assert_eq!(
            (theirs.base_timestamp, theirs.max_timestamp),
            (ours.base_timestamp, ours.max_timestamp),
            "{what}: timestamps"
        );
        if case.control {
            assert_eq!(
                ControlRecord::parse(&theirs.records[0]).unwrap(),
                ControlRecord::Commit { coordinator_epoch: 4 }
            );
        }
        if java_bytes == our_bytes {
            identical.push(what.clone());
        } else {
            assert_ne!(
                case.codec,
                Compression::None,
                "{what}: uncompressed batches must be byte-identical\n ours {}\n java {}",
                hex(&our_bytes),
                hex(&java_bytes)
            );
        }

        // Java reads (and validates) our batch.
        let answer = tester.ask(json!({"op": "read", "hex": hex(&our_bytes)}));
        assert!(answer.get("error").is_none(), "{what}: Java rejected our batch: {}", answer["error"]);
        let batch = &answer["batches"][0];
        assert_eq!(answer["batches"].as_array().unwrap().len(), 1);
        assert_eq!(batch["codec"], case.codec.name(), "{what}");
        assert_eq!(batch["transactional"], case.transactional || case.control, "{what}");
        assert_eq!(batch["control"], case.control, "{what}");
        assert_eq!(batch["lastOffset"], ours.base_offset + ours.last_offset_delta as i64, "{what}");
        let java_records = batch["records"].as_array().unwrap();
        assert_eq!(java_records.len(), ours.records.len(), "{what}");
        for (j, r) in java_records.iter().zip(&ours.records) {
            assert_eq!(j["offset"], ours.base_offset + r.offset_delta as i64, "{what}");
            assert_eq!(j["key"], b64(&r.key), "{what}");
            assert_eq!(j["value"], b64(&r.value), "{what}");
            let headers: Vec<Value> =
                r.headers.iter().map(|h| json!({"key": h.key.as_str(), "value": b64(&h.value)})).collect();
            assert_eq!(j["headers"], Value::Array(headers), "{what}: headers keep duplicates and order");
            let expected_ts =
                if case.log_append_time { ours.max_timestamp } else { ours.base_timestamp + r.timestamp_delta };
            assert_eq!(j["timestamp"], expected_ts, "{what}");
        }
    }
    println!("record batches byte-identical with Kafka's builder: {}", identical.join("; "));
}

/// A batch that compresses the way producer traffic does: 1,000 records of
/// short keys and 100-byte values drawn from a small alphabet.
fn compressible_batch(codec: Compression) -> RecordBatch {
    let records = (0..1000).map(|i: usize| {
        let value: Vec<u8> = (0..100).map(|j| b"abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + j) % 36]).collect();
        let record = Record {
            key: Some(Bytes::from(format!("key-{i:06}"))),
            value: Some(Bytes::from(value)),
            ..Default::default()
        };
        (1_700_000_000_000 + i as i64, record)
    });
    RecordBatch::from_records(codec, records)
}

/// Compression levels are Kafka's (`compression.<codec>.level`): at each
/// level, our batch is about the size Kafka's producer writes at that
/// level, and Kafka reads it back. lz4 is the codec where this matters:
/// Kafka compresses its default level 9 with lz4's fast compressor and every
/// other level with the high-compression one.
#[test]
fn compression_levels_give_kafkas_sizes() {
    // (codec, level, how far our size may be from Java's, as a fraction).
    // lz4 and zstd are the same C libraries on both sides (lz4 comes out
    // byte for byte the same); gzip is zlib in Java and miniz_oxide here,
    // whose level 1 searches harder than zlib's (about 5% smaller).
    let cases = [
        (Compression::Lz4, 1, 0.02),
        (Compression::Lz4, 9, 0.02),
        (Compression::Lz4, 12, 0.02),
        (Compression::Lz4, 17, 0.02),
        (Compression::Zstd, 1, 0.02),
        (Compression::Zstd, 3, 0.02),
        (Compression::Zstd, 19, 0.02),
        (Compression::Gzip, 1, 0.08),
        (Compression::Gzip, 6, 0.08),
        (Compression::Gzip, 9, 0.08),
    ];
    let mut tester = JavaTester::start();
    let (mut report, mut too_far) = (Vec::new(), Vec::new());
    for (codec, level, tolerance) in cases {
        let what = format!("{} level {level}", codec.name());
        let ours = compressible_batch(codec);
        let our_bytes = ours.to_bytes(&EncodeOptions { compression_level: Some(level) }).unwrap();
        let mut spec = java_spec(&Case { codec, transactional: false, log_append_time: false, control: false }, &ours);
        spec["level"] = json!(level);
        let answer = tester.ask(json!({"op": "build", "spec": spec}));
        assert!(answer.get("error").is_none(), "{what}: Java could not build: {}", answer["error"]);
        let java_len = answer["hex"].as_str().unwrap().len() / 2;
        let difference = (our_bytes.len() as f64 - java_len as f64) / java_len as f64;
        report.push(format!("{what}: ours {} B, Java {java_len} B ({:+.1}%)", our_bytes.len(), difference * 100.0));
        if difference.abs() > tolerance {
            too_far.push(report.last().unwrap().clone());
        }
        let read = tester.ask(json!({"op": "read", "hex": hex(&our_bytes)}));
        assert!(read.get("error").is_none(), "{what}: Java rejected our batch: {}", read["error"]);
        assert_eq!(read["batches"][0]["records"].as_array().unwrap().len(), ours.records.len(), "{what}");
    }
    println!("compressed sizes against Kafka's producer:\n  {}", report.join("\n  "));
    assert!(too_far.is_empty(), "sizes too far from Java's: {too_far:?}");
}
