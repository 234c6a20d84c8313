//! The partitions written as Kafka's segment files read back with
//! kafka-wire's log reader: every batch and record where the log has it.
//! (crates/integration/tests/fake_dump_log.rs reads them with Kafka's own
//! DumpLogSegments.)

mod common;

use bytes::Bytes;
use common::*;
use kafka_wire::log::LogReader;
use kafka_wire::records::{Compression, EncodeOptions, Header, Record, RecordBatch};
use kafka_wire::Response;
use kafka_wire_fake::FakeCluster;
use uuid::Uuid;

#[tokio::test]
async fn segment_files_hold_exactly_the_log() {
    let cluster = FakeCluster::builder().topic("a", 2).topic("b", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    for (i, compression) in
        [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd]
            .into_iter()
            .enumerate()
    {
        let records = (0..5).map(|n| {
            let record = Record {
                key: Some(Bytes::from(format!("k{i}-{n}"))),
                value: Some(Bytes::from(format!("v{i}-{n}"))),
                headers: vec![Header::new("h", Some(Bytes::from_static(b"x")))],
                ..Default::default()
            };
            (1_700_000_000_000 + n, record)
        });
        let batch = RecordBatch::from_records(compression, records).to_bytes(&EncodeOptions::default()).unwrap();
        for topic in ["a", "b"] {
            let Response::Produce(r) = client.send(produce(topic, batch.clone(), Uuid::nil()), 9).await.body else {
                panic!()
            };
            assert_eq!(r.responses[0].partition_responses[0].error_code, 0);
        }
    }
    let dir = std::env::temp_dir().join(format!("kafka-wire-fake-segments-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = cluster.write_segments(&dir).unwrap();
    let names: Vec<String> = files.iter().map(|f| f.strip_prefix(&dir).unwrap().display().to_string()).collect();
    assert_eq!(names, ["a-0/00000000000000000000.log", "a-1/00000000000000000000.log", "b-0/00000000000000000000.log"]);
    for (file, (topic, partition)) in files.iter().zip([("a", 0), ("a", 1), ("b", 0)]) {
        let mut read = Vec::new();
        for batch in LogReader::open(file).unwrap() {
            let batch = batch.unwrap();
            for record in batch.records().unwrap() {
                read.push((record.offset, record.key.clone(), record.value.clone()));
            }
        }
        let expected: Vec<_> = cluster
            .records(topic, partition)
            .unwrap()
            .into_iter()
            .map(|(offset, r)| (offset, r.key, r.value))
            .collect();
        assert_eq!(read, expected, "{}", file.display());
        assert_eq!(read.len(), if partition == 0 { 25 } else { 0 });
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
