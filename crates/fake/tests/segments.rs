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

/// A blocking test (no runtime of its own) with a cluster started in the
/// background: in-memory connections are served on the cluster's runtime.
#[test]
fn a_background_cluster_serves_in_memory_connections() {
    let cluster = FakeCluster::builder().topic("t", 1).start_in_background().unwrap();
    let stream = cluster.connect_in_memory(0).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let mut client = Client::from_stream(stream);
        let Response::Produce(r) = client.send(produce("t", common::batch(&["x"]), Uuid::nil()), 9).await.body else {
            panic!()
        };
        assert_eq!(r.responses[0].partition_responses[0].error_code, 0);
    });
    assert_eq!(cluster.offsets("t", 0).unwrap(), (0, 1));
}

/// Deleting a topic forgets its committed offsets: a topic created again
/// under the name starts with none, as in Kafka.
#[tokio::test]
async fn a_deleted_topics_offsets_go_with_it() {
    use kafka_wire::messages::*;
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let commit = OffsetCommitRequest {
        group_id: "g".into(),
        generation_id_or_member_epoch: -1,
        topics: vec![offset_commit_request::OffsetCommitRequestTopic {
            name: "t".into(),
            partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                partition_index: 0,
                committed_offset: 5,
                committed_leader_epoch: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::OffsetCommit(r) = client.send(commit, 8).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].error_code, 0);
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(5));
    let delete = DeleteTopicsRequest { topic_names: vec!["t".into()], timeout_ms: 1000, ..Default::default() };
    let Response::DeleteTopics(r) = client.send(delete, 5).await.body else { panic!() };
    assert_eq!(r.responses[0].error_code, 0);
    cluster.create_topic("t", 1).unwrap();
    assert_eq!(cluster.committed_offset("g", "t", 0), None);
}
