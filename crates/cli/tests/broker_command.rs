//! `kafka-wire broker`: the built command started as a script starts it,
//! its bootstrap line read, and a kafka-wire client talking to it.

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch, RecordSetEntry, RecordSetIter};
use kafka_wire::{ApiKey, KafkaRelease, Response};
use kafka_wire_integration::Connection;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `kafka-wire broker`, killed when dropped.
struct Broker {
    child: Child,
    bootstrap: Vec<String>,
    /// The lines it printed after the bootstrap line.
    rest: mpsc::Receiver<String>,
}

impl Broker {
    fn start(args: &[&str]) -> Broker {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kafka-wire"))
            .arg("broker")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start kafka-wire broker");
        let stdout = child.stdout.take().unwrap();
        let (lines, rest) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut broker = Broker { child, bootstrap: Vec::new(), rest };
        let first = broker.line();
        let addresses = first.strip_prefix("bootstrap ").unwrap_or_else(|| panic!("first line: {first:?}"));
        broker.bootstrap = addresses.split(',').map(str::to_owned).collect();
        broker
    }

    /// The next line it prints (waiting up to a minute: the build may be cold).
    fn line(&self) -> String {
        self.rest.recv_timeout(Duration::from_secs(60)).expect("a line from kafka-wire broker")
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn metadata(conn: &mut Connection, topics: Option<&[&str]>) -> MetadataResponse {
    let request = MetadataRequest {
        topics: topics.map(|names| {
            names
                .iter()
                .map(|n| metadata_request::MetadataRequestTopic { name: Some((*n).into()), ..Default::default() })
                .collect()
        }),
        allow_auto_topic_creation: true,
        ..Default::default()
    };
    match conn.send_latest(request).expect("Metadata") {
        Response::Metadata(m) => m,
        other => panic!("{other:?}"),
    }
}

#[test]
fn serves_topics_produce_and_fetch() {
    let broker = Broker::start(&["--topic", "orders:3", "--topic", "events:1"]);
    assert_eq!(broker.bootstrap.len(), 1);
    assert_eq!(broker.line(), format!("broker 0 {}", broker.bootstrap[0]));
    assert!(broker.line().contains("test and development broker"));

    let mut conn = Connection::connect(&broker.bootstrap[0]).expect("connect");
    let all = metadata(&mut conn, None);
    let mut topics: Vec<(String, usize)> =
        all.topics.iter().map(|t| (t.name.as_deref().unwrap_or_default().to_owned(), t.partitions.len())).collect();
    topics.sort();
    assert_eq!(topics, [("events".to_owned(), 1), ("orders".to_owned(), 3)]);
    let orders = all.topics.iter().find(|t| t.name.as_deref() == Some("orders")).unwrap();
    let topic_id = orders.topic_id;

    // Produce two records to orders-2 and fetch them back.
    let records = [("a", 1_700_000_000_000), ("b", 1_700_000_000_001)]
        .map(|(v, ts)| (ts, Record { value: Some(Bytes::from_static(v.as_bytes())), ..Default::default() }));
    let batch = RecordBatch::from_records(Compression::None, records).to_bytes(&EncodeOptions::default()).unwrap();
    let produce_version = conn.version_for(ApiKey::Produce).unwrap();
    let produce = ProduceRequest {
        acks: -1,
        timeout_ms: 5_000,
        topic_data: vec![produce_request::TopicProduceData {
            name: "orders".into(),
            topic_id,
            partition_data: vec![produce_request::PartitionProduceData {
                index: 2,
                records: Some(batch),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::Produce(produced) = conn.send(produce, produce_version).unwrap() else { panic!() };
    let p = &produced.responses[0].partition_responses[0];
    assert_eq!((p.index, p.error_code, p.base_offset), (2, 0, 0), "Produce v{produce_version}");

    let fetch_version = conn.version_for(ApiKey::Fetch).unwrap();
    let fetch = FetchRequest {
        replica_id: -1,
        max_wait_ms: 0,
        max_bytes: 1 << 20,
        session_epoch: -1,
        topics: vec![fetch_request::FetchTopic {
            topic: "orders".into(),
            topic_id,
            partitions: vec![fetch_request::FetchPartition {
                partition: 2,
                fetch_offset: 0,
                partition_max_bytes: 1 << 20,
                current_leader_epoch: -1,
                log_start_offset: -1,
                last_fetched_epoch: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::Fetch(fetched) = conn.send(fetch, fetch_version).unwrap() else { panic!() };
    let partition = &fetched.responses[0].partitions[0];
    assert_eq!((partition.error_code, partition.high_watermark), (0, 2), "Fetch v{fetch_version}");
    let mut values = Vec::new();
    for entry in RecordSetIter::new(partition.records.clone().unwrap()) {
        let RecordSetEntry::Batch(batch) = entry.unwrap() else { panic!("a legacy message set") };
        for record in batch.records(&Default::default()).unwrap() {
            values.push(record.value.unwrap());
        }
    }
    assert_eq!(values, [Bytes::from_static(b"a"), Bytes::from_static(b"b")]);

    // A topic it does not have, without --auto-create-topics.
    let missing = metadata(&mut conn, Some(&["nope"]));
    assert_eq!(missing.topics[0].error_code, kafka_wire::ErrorCode::UnknownTopicOrPartition.code());
}

#[test]
fn speaks_as_a_release_with_several_brokers() {
    let broker = Broker::start(&["--brokers", "2", "--release", "2.8.0", "--auto-create-topics"]);
    assert_eq!(broker.bootstrap.len(), 2);
    for (id, address) in broker.bootstrap.iter().enumerate() {
        assert_eq!(broker.line(), format!("broker {id} {address}"));
    }
    let mut conn = Connection::connect_raw(&broker.bootstrap[1]).expect("connect");
    let Response::ApiVersions(versions) = conn.send(ApiVersionsRequest::default(), 3).unwrap() else { panic!() };
    assert_eq!(versions.error_code, 0);
    let guess = KafkaRelease::guess(&versions);
    assert!(guess.releases().contains(&KafkaRelease::V2_8_0), "{guess:?}");
    assert!(!guess.releases().contains(&KafkaRelease::V3_0_0), "{guess:?}");

    let mut conn = Connection::connect(&broker.bootstrap[0]).expect("connect");
    let created = metadata(&mut conn, Some(&["made-on-demand"]));
    assert_eq!(created.brokers.len(), 2);
    assert_eq!(created.topics[0].error_code, 0);
    assert_eq!(created.topics[0].partitions.len(), 1);
}

#[test]
fn consecutive_ports_from_a_fixed_one() {
    // A free port with a free one after it.
    let port = loop {
        let first = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = first.local_addr().unwrap().port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            break port;
        }
    };
    let listen = format!("127.0.0.1:{port}");
    let broker = Broker::start(&["--listen", &listen, "--brokers", "2"]);
    assert_eq!(broker.bootstrap, [format!("127.0.0.1:{port}"), format!("127.0.0.1:{}", port + 1)]);
}

fn refused(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_kafka-wire")).arg("broker").args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    assert!(output.stdout.is_empty(), "{args:?} printed {:?}", String::from_utf8_lossy(&output.stdout));
    output
}

#[test]
fn bad_arguments_are_usage_errors() {
    let stderr = |o: Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(stderr(refused(&["--release", "9.9.9"])).contains("9.9.9"));
    assert!(stderr(refused(&["--topic", "orders"])).contains("NAME:PARTITIONS"));
    assert!(stderr(refused(&["--topic", "orders:0"])).contains("at least 1 partition"));
    assert!(stderr(refused(&["--brokers", "0"])).contains("--brokers"));
    assert!(stderr(refused(&["--listen", "nowhere"])).contains("HOST:PORT"));
    assert!(stderr(refused(&["--listen", "127.0.0.1:65535", "--brokers", "2"])).contains("past port"));
}
