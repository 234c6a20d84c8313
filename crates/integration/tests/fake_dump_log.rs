//! The fake broker's partitions, written as Kafka's segment files
//! (`FakeCluster::write_segments`), read by Kafka's own DumpLogSegments:
//! every batch's header and every record where the fake broker's log has
//! them. Needs the broker's jars (`KAFKA_WIRE_BROKER_LIBS`), as the
//! stored-records suite does.

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::records::{BatchView, Compression, DecodeOptions, EncodeOptions, Header, Record, RecordBatch};
use kafka_wire::Response;
use kafka_wire_fake::FakeCluster;
use kafka_wire_integration::dump_log_segments::dump_log_segments;
use kafka_wire_integration::Connection;

fn produce(topic: &str, records: Bytes) -> ProduceRequest {
    ProduceRequest {
        acks: -1,
        timeout_ms: 1000,
        topic_data: vec![produce_request::TopicProduceData {
            name: topic.to_owned().into(),
            partition_data: vec![produce_request::PartitionProduceData {
                index: 0,
                records: Some(records),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn dump_log_segments_reads_the_fake_brokers_segments() {
    let cluster = FakeCluster::builder().topic("dumped", 1).start_in_background().unwrap();
    let mut conn = Connection::connect(&cluster.bootstrap()).unwrap();
    let mut assigned = Vec::new();
    let codecs = [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd];
    for (i, compression) in codecs.into_iter().enumerate() {
        let records = (0..4).map(|n| {
            let record = Record {
                key: (n != 3).then(|| Bytes::from(format!("key-{i}-{n}"))),
                value: Some(Bytes::from(format!("value-{i}-{n}"))),
                headers: vec![Header::new("h", Some(Bytes::from_static(b"x")))],
                ..Default::default()
            };
            (1_700_000_000_000 + 10 * i as i64 + n, record)
        });
        // Every other batch from an idempotent producer.
        let mut batch = RecordBatch::from_records(compression, records);
        if i % 2 == 1 {
            batch = batch.with_producer(1001, 0, 4 * (i as i32 / 2));
        }
        let bytes = batch.to_bytes(&EncodeOptions::default()).unwrap();
        let Response::Produce(r) = conn.send(produce("dumped", bytes), 9).unwrap() else { panic!() };
        assert_eq!(r.responses[0].partition_responses[0].error_code, 0);
        assigned.push(r.responses[0].partition_responses[0].base_offset.to_string());
    }
    let dir = std::env::temp_dir().join(format!("kafka-wire-fake-dump-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = cluster.write_segments(&dir).unwrap();
    let dumped = dump_log_segments(&files, "--key-decoder-class=org.apache.kafka.tools.api.StringDecoder");
    assert_eq!(dumped.len(), 1);
    let batches = cluster.batches("dumped", 0).unwrap();
    assert_eq!(dumped[0].1.len(), batches.len());
    // The offsets the produce responses gave are where Kafka's tool finds the batches.
    let dumped_offsets: Vec<&str> = dumped[0].1.iter().map(|b| b.field("baseOffset")).collect();
    assert_eq!(dumped_offsets, assigned);
    assert_eq!(assigned, ["0", "4", "8", "12", "16"]);
    let mut records = 0;
    let mut position = 0;
    for (bytes, dumped) in batches.iter().zip(&dumped[0].1) {
        let view = BatchView::new(bytes.clone()).unwrap();
        let h = view.header;
        let at = format!("batch at {}", h.base_offset);
        for (field, ours) in [
            ("baseOffset", h.base_offset.to_string()),
            ("lastOffset", h.last_offset().to_string()),
            ("count", h.records_count.to_string()),
            ("position", position.to_string()),
            ("size", bytes.len().to_string()),
            ("crc", h.crc.to_string()),
            ("isvalid", "true".into()),
            ("compresscodec", h.compression().unwrap().name().to_owned()),
            ("producerId", h.producer_id.to_string()),
            ("producerEpoch", h.producer_epoch.to_string()),
            ("baseSequence", h.base_sequence.to_string()),
            ("partitionLeaderEpoch", h.partition_leader_epoch.to_string()),
            ("isTransactional", h.is_transactional().to_string()),
            ("isControl", h.is_control().to_string()),
            ("CreateTime", h.max_timestamp.to_string()),
        ] {
            assert_eq!(dumped.field(field), ours, "{at}: {field}");
        }
        position += bytes.len();
        let ours = view.records(&DecodeOptions::default()).unwrap();
        assert_eq!(ours.len(), dumped.records.len(), "{at}");
        for (record, theirs) in ours.iter().zip(&dumped.records) {
            assert_eq!(theirs.offset, h.base_offset + record.offset_delta as i64, "{at}");
            assert_eq!(theirs.key_size, record.key.as_ref().map_or(-1, |k| k.len() as i32), "{at}");
            assert_eq!(theirs.value_size, record.value.as_ref().map_or(-1, |v| v.len() as i32), "{at}");
            let value = String::from_utf8(record.value.clone().unwrap().to_vec()).unwrap();
            assert!(theirs.content.contains(&value), "{at}: {} lacks {value}", theirs.content);
            records += 1;
        }
    }
    assert_eq!(records, 20);
    println!("DumpLogSegments agrees on {} batches and {records} records of the fake broker's segment", batches.len());
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
    std::fs::remove_dir_all(&dir).unwrap();
}
