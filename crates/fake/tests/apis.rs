//! The fake broker's apis with Kafka's semantics and error codes, through
//! kafka-wire's own client codec.

mod common;

use bytes::Bytes;
use common::*;
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch};
use kafka_wire::{ErrorCode, Response};
use kafka_wire_fake::FakeCluster;
use std::time::{Duration, Instant};
use uuid::Uuid;

fn code(e: ErrorCode) -> i16 {
    e.code()
}

async fn produce_one(client: &mut Client, request: ProduceRequest) -> produce_response::PartitionProduceResponse {
    let Response::Produce(r) = client.send(request, 9).await.body else { panic!() };
    r.responses[0].partition_responses[0].clone()
}

fn idempotent_batch(producer_id: i64, epoch: i16, sequence: i32, count: usize) -> Bytes {
    let records =
        (0..count).map(|i| (1_000 + i as i64, Record { value: Some(Bytes::from_static(b"v")), ..Default::default() }));
    RecordBatch::from_records(Compression::None, records)
        .with_producer(producer_id, epoch, sequence)
        .to_bytes(&EncodeOptions::default())
        .unwrap()
}

#[tokio::test]
async fn a_fetch_waits_for_min_bytes_and_wakes_on_produce() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut consumer = Client::connect(cluster.addresses()[0]).await;
    let mut producer = Client::connect(cluster.addresses()[0]).await;
    let mut request = fetch("t", 0, Uuid::nil());
    request.max_wait_ms = 300;
    request.min_bytes = 1;
    // Nothing to read: the fetch waits out max_wait_ms.
    let started = Instant::now();
    let Response::Fetch(empty) = consumer.send(request.clone(), 12).await.body else { panic!() };
    assert!(started.elapsed() >= Duration::from_millis(250), "{:?}", started.elapsed());
    assert!(empty.responses[0].partitions[0].records.as_ref().unwrap().is_empty());
    // A produce wakes a waiting fetch long before its 30 s are up.
    request.max_wait_ms = 30_000;
    let waiting = tokio::spawn(async move { consumer.send(request, 12).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    assert_eq!(produce_one(&mut producer, produce("t", batch(&["x"]), Uuid::nil())).await.error_code, 0);
    let Response::Fetch(woken) = waiting.await.unwrap().body else { panic!() };
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!woken.responses[0].partitions[0].records.as_ref().unwrap().is_empty());
}

#[tokio::test]
async fn fetch_limits_cut_as_kafka_cuts() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let one = batch(&["0123456789"]);
    for _ in 0..3 {
        assert_eq!(produce_one(&mut client, produce("t", one.clone(), Uuid::nil())).await.error_code, 0);
    }
    let read = |max: i32, version: i16| {
        let mut request = fetch("t", 0, Uuid::nil());
        request.topics[0].partitions[0].partition_max_bytes = max;
        (request, version)
    };
    for (max, version, expected) in [
        (one.len() as i32 + 10, 12, one.len() + 10), // the second batch cut inside
        (10, 12, one.len()),                         // v3+: one whole batch at least
        (10, 2, 10),                                 // before v3 the limit is hard
    ] {
        let (request, version) = read(max, version);
        let Response::Fetch(r) = client.send(request, version).await.body else { panic!() };
        let records = r.responses[0].partitions[0].records.clone().unwrap();
        // v2 reads down-converted legacy messages: compare sizes only for v12.
        if version >= 4 {
            assert_eq!(records.len(), expected, "max {max} at v{version}");
        } else {
            assert!(records.len() <= max as usize, "max {max} at v{version}: {}", records.len());
        }
    }
    let mut out_of_range = fetch("t", 99, Uuid::nil());
    out_of_range.topics[0].partitions[0].fetch_offset = 99;
    let Response::Fetch(r) = client.send(out_of_range, 12).await.body else { panic!() };
    assert_eq!(r.responses[0].partitions[0].error_code, code(ErrorCode::OffsetOutOfRange));
}

#[tokio::test]
async fn list_offsets_and_delete_records() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(produce_one(&mut client, produce("t", batch(&["a", "b", "c"]), Uuid::nil())).await.error_code, 0);
    let list = |timestamp: i64| ListOffsetsRequest {
        replica_id: -1,
        topics: vec![list_offsets_request::ListOffsetsTopic {
            name: "t".into(),
            partitions: vec![list_offsets_request::ListOffsetsPartition {
                partition_index: 0,
                timestamp,
                current_leader_epoch: -1,
                max_num_offsets: 1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    // batch() stamps records 1_700_000_000_000 + i.
    for (timestamp, offset) in [(-1, 3), (-2, 0), (-3, 2), (1_700_000_000_001, 1), (1_800_000_000_000, -1)] {
        let Response::ListOffsets(r) = client.send(list(timestamp), 8).await.body else { panic!() };
        assert_eq!(r.topics[0].partitions[0].offset, offset, "timestamp {timestamp}");
    }
    let Response::ListOffsets(v0) = client.send(list(-1), 0).await.body else { panic!() };
    assert_eq!(v0.topics[0].partitions[0].old_style_offsets, vec![3i64]);
    let delete = DeleteRecordsRequest {
        topics: vec![delete_records_request::DeleteRecordsTopic {
            name: "t".into(),
            partitions: vec![delete_records_request::DeleteRecordsPartition {
                partition_index: 0,
                offset: 2,
                ..Default::default()
            }],
            ..Default::default()
        }],
        timeout_ms: 1000,
        ..Default::default()
    };
    let Response::DeleteRecords(r) = client.send(delete.clone(), 2).await.body else { panic!() };
    assert_eq!((r.topics[0].partitions[0].error_code, r.topics[0].partitions[0].low_watermark), (0, 2));
    let Response::ListOffsets(r) = client.send(list(-2), 8).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].offset, 2);
    let mut beyond = delete;
    beyond.topics[0].partitions[0].offset = 10;
    let Response::DeleteRecords(r) = client.send(beyond, 2).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].error_code, code(ErrorCode::OffsetOutOfRange));
}

#[tokio::test]
async fn the_wrong_broker_answers_not_leader_and_names_the_leader() {
    let cluster = FakeCluster::builder().brokers(2).topic("t", 2).start().await.unwrap();
    let (leader, epoch) = cluster.leader("t", 0).unwrap();
    let other = 1 - leader;
    let mut wrong = Client::connect(cluster.addresses()[other as usize]).await;
    let Response::Produce(r) = wrong.send(produce("t", batch(&["x"]), Uuid::nil()), 10).await.body else { panic!() };
    let p = &r.responses[0].partition_responses[0];
    assert_eq!(p.error_code, code(ErrorCode::NotLeaderOrFollower));
    assert_eq!((p.current_leader.leader_id, p.current_leader.leader_epoch), (leader, epoch));
    assert_eq!(r.node_endpoints.iter().map(|n| n.node_id).collect::<Vec<_>>(), [leader]);
    // Move the leadership: the old leader refuses, the new one takes writes.
    cluster.move_leader("t", 0, other).unwrap();
    assert_eq!(cluster.leader("t", 0).unwrap(), (other, epoch + 1));
    let Response::Produce(r) = wrong.send(produce("t", batch(&["x"]), Uuid::nil()), 10).await.body else { panic!() };
    assert_eq!(r.responses[0].partition_responses[0].error_code, 0);
    let mut old = Client::connect(cluster.addresses()[leader as usize]).await;
    let mut stale = fetch("t", 0, Uuid::nil());
    let Response::Fetch(r) = old.send(stale.clone(), 12).await.body else { panic!() };
    assert_eq!(r.responses[0].partitions[0].error_code, code(ErrorCode::NotLeaderOrFollower));
    stale.topics[0].partitions[0].current_leader_epoch = epoch;
    let Response::Fetch(r) = wrong.send(stale, 12).await.body else { panic!() };
    assert_eq!(r.responses[0].partitions[0].error_code, code(ErrorCode::FencedLeaderEpoch));
    // OffsetForLeaderEpoch: the old epoch ended where the new one began.
    let request = OffsetForLeaderEpochRequest {
        replica_id: -1,
        topics: vec![offset_for_leader_epoch_request::OffsetForLeaderTopic {
            topic: "t".into(),
            partitions: vec![offset_for_leader_epoch_request::OffsetForLeaderPartition {
                partition: 0,
                current_leader_epoch: epoch + 1,
                leader_epoch: epoch,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::OffsetForLeaderEpoch(r) = wrong.send(request, 4).await.body else { panic!() };
    let p = &r.topics[0].partitions[0];
    assert_eq!((p.error_code, p.leader_epoch, p.end_offset), (0, epoch, 0), "epoch 0 ended at 0, where epoch 1 began");
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn idempotent_sequences_are_checked() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let Response::InitProducerId(init) = client
        .send(
            InitProducerIdRequest {
                // null: an idempotent producer (the field's default is "", which Kafka refuses)
                transactional_id: None,
                transaction_timeout_ms: 60_000,
                producer_id: -1,
                producer_epoch: -1,
                ..Default::default()
            },
            4,
        )
        .await
        .body
    else {
        panic!()
    };
    assert_eq!(init.error_code, 0);
    let (id, epoch) = (init.producer_id, init.producer_epoch);
    let first = produce_one(&mut client, produce("t", idempotent_batch(id, epoch, 0, 3), Uuid::nil())).await;
    assert_eq!((first.error_code, first.base_offset, first.log_append_time_ms), (0, 0, -1));
    // The same batch again (a retry whose answer was lost): success, same offset, not appended twice.
    // Kafka answers a duplicate with the batch's stored max timestamp as its log-append time, even
    // on a CreateTime topic (UnifiedLog's duplicate branch).
    let retry = produce_one(&mut client, produce("t", idempotent_batch(id, epoch, 0, 3), Uuid::nil())).await;
    assert_eq!((retry.error_code, retry.base_offset, retry.log_append_time_ms), (0, 0, 1_002));
    assert_eq!(cluster.offsets("t", 0).unwrap(), (0, 3));
    let gap = produce_one(&mut client, produce("t", idempotent_batch(id, epoch, 5, 1), Uuid::nil())).await;
    assert_eq!(gap.error_code, code(ErrorCode::OutOfOrderSequenceNumber));
    let next = produce_one(&mut client, produce("t", idempotent_batch(id, epoch, 3, 1), Uuid::nil())).await;
    assert_eq!((next.error_code, next.base_offset), (0, 3));
}

#[tokio::test]
async fn create_and_delete_topics_with_kafkas_errors() {
    let cluster = FakeCluster::builder().topic("exists", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let topic = |name: &str, partitions: i32, replication: i16| create_topics_request::CreatableTopic {
        name: name.to_owned().into(),
        num_partitions: partitions,
        replication_factor: replication,
        ..Default::default()
    };
    let request = CreateTopicsRequest {
        topics: vec![
            topic("new", 3, 1),
            topic("exists", 1, 1),
            topic("bad name", 1, 1),
            topic("zero", 0, 1),
            topic("rf", 1, 3),
            topic("dflt", -1, -1),
        ],
        timeout_ms: 1000,
        ..Default::default()
    };
    let Response::CreateTopics(r) = client.send(request, 7).await.body else { panic!() };
    let codes: Vec<i16> = r.topics.iter().map(|t| t.error_code).collect();
    assert_eq!(
        codes,
        [
            0,
            code(ErrorCode::TopicAlreadyExists),
            code(ErrorCode::InvalidTopicException),
            code(ErrorCode::InvalidPartitions),
            code(ErrorCode::InvalidReplicationFactor),
            0
        ]
    );
    assert_eq!(cluster.topics().get("new"), Some(&3));
    assert_eq!(cluster.topics().get("dflt"), Some(&1));
    let delete = DeleteTopicsRequest {
        topic_names: vec!["new".into(), "missing".into()],
        timeout_ms: 1000,
        ..Default::default()
    };
    let Response::DeleteTopics(r) = client.send(delete, 5).await.body else { panic!() };
    assert_eq!(
        r.responses.iter().map(|t| t.error_code).collect::<Vec<_>>(),
        [0, code(ErrorCode::UnknownTopicOrPartition)]
    );
    assert!(!cluster.topics().contains_key("new"));
}

#[tokio::test]
async fn metadata_auto_creates_only_when_enabled_and_allowed() {
    let cluster = FakeCluster::builder().auto_create_topics(true).default_partitions(4).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let ask = |name: &str, allow: bool| MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            name: Some(name.to_owned().into()),
            ..Default::default()
        }]),
        allow_auto_topic_creation: allow,
        ..Default::default()
    };
    let Response::Metadata(r) = client.send(ask("no", false), 12).await.body else { panic!() };
    assert_eq!(r.topics[0].error_code, code(ErrorCode::UnknownTopicOrPartition));
    let Response::Metadata(r) = client.send(ask("yes", true), 12).await.body else { panic!() };
    assert_eq!((r.topics[0].error_code, r.topics[0].partitions.len()), (0, 4));
    let off = FakeCluster::builder().start().await.unwrap();
    let mut client = Client::connect(off.addresses()[0]).await;
    let Response::Metadata(r) = client.send(ask("yes", true), 12).await.body else { panic!() };
    assert_eq!(r.topics[0].error_code, code(ErrorCode::UnknownTopicOrPartition));
}

#[tokio::test]
async fn describe_topic_partitions_pages_with_a_cursor() {
    let cluster = FakeCluster::builder().topic("a", 3).topic("b", 2).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let mut request = DescribeTopicPartitionsRequest { response_partition_limit: 2, ..Default::default() };
    let mut seen = Vec::new();
    for _ in 0..10 {
        let Response::DescribeTopicPartitions(r) = client.send(request.clone(), 0).await.body else { panic!() };
        for t in &r.topics {
            for p in &t.partitions {
                seen.push(format!("{}-{}", t.name.as_deref().unwrap(), p.partition_index));
            }
        }
        let Some(cursor) = r.next_cursor else { break };
        request.cursor = Some(describe_topic_partitions_request::Cursor {
            topic_name: cursor.topic_name,
            partition_index: cursor.partition_index,
            ..Default::default()
        });
    }
    assert_eq!(seen, ["a-0", "a-1", "a-2", "b-0", "b-1"]);
}

#[tokio::test]
async fn configs_are_stored_described_and_validated() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let alter = |name: &str, value: &str| IncrementalAlterConfigsRequest {
        resources: vec![incremental_alter_configs_request::AlterConfigsResource {
            resource_type: 2,
            resource_name: "t".into(),
            configs: vec![incremental_alter_configs_request::AlterableConfig {
                name: name.to_owned().into(),
                config_operation: 0,
                value: Some(value.to_owned().into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::IncrementalAlterConfigs(r) = client.send(alter("retention.ms", "1000"), 1).await.body else {
        panic!()
    };
    assert_eq!(r.responses[0].error_code, 0);
    let Response::IncrementalAlterConfigs(r) = client.send(alter("no.such.config", "1"), 1).await.body else {
        panic!()
    };
    assert_eq!(r.responses[0].error_code, code(ErrorCode::InvalidConfig));
    let Response::IncrementalAlterConfigs(r) = client.send(alter("retention.ms", "soon"), 1).await.body else {
        panic!()
    };
    assert_eq!(r.responses[0].error_code, code(ErrorCode::InvalidConfig));
    let describe = DescribeConfigsRequest {
        resources: vec![describe_configs_request::DescribeConfigsResource {
            resource_type: 2,
            resource_name: "t".into(),
            configuration_keys: Some(vec!["retention.ms".into(), "cleanup.policy".into()]),
            ..Default::default()
        }],
        ..Default::default()
    };
    for version in kafka_wire::ApiKey::DescribeConfigs.valid_versions().iter() {
        let mut client = Client::connect(cluster.addresses()[0]).await;
        let response = client.try_send(describe.clone(), version).await;
        let Some(Response::DescribeConfigs(r)) = response.map(|r| r.body) else {
            panic!("v{version}: {:?}", cluster.problems())
        };
        let configs: Vec<(String, Option<String>)> =
            r.results[0].configs.iter().map(|c| (c.name.to_string(), c.value.as_deref().map(str::to_owned))).collect();
        assert_eq!(
            configs,
            [("cleanup.policy".into(), Some("delete".into())), ("retention.ms".into(), Some("1000".into()))],
            "v{version}"
        );
    }
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn log_append_time_topics_stamp_the_broker_time() {
    let cluster = FakeCluster::builder()
        .topic_with_configs("t", 1, [("message.timestamp.type", "LogAppendTime")])
        .start()
        .await
        .unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let p = produce_one(&mut client, produce("t", batch(&["x"]), Uuid::nil())).await;
    assert!(p.log_append_time_ms > 1_700_000_000_000, "{}", p.log_append_time_ms);
    let batches = cluster.batches("t", 0).unwrap();
    let view = kafka_wire::records::BatchView::new(batches[0].clone()).unwrap();
    view.verify_crc().unwrap();
    assert_eq!(view.header.max_timestamp, p.log_append_time_ms);
}

fn plain(user: &str, password: &str) -> Bytes {
    Bytes::from(format!("\0{user}\0{password}"))
}

#[tokio::test]
async fn sasl_plain_gates_the_connection() {
    let cluster = FakeCluster::builder().sasl_plain([("alice", "secret")]).topic("t", 1).start().await.unwrap();
    // Without authenticating, anything but ApiVersions and SASL closes the connection.
    let mut client = Client::connect(cluster.addresses()[0]).await;
    client.send_refused(MetadataRequest::default(), 12).await;
    // SaslHandshake v1, then SaslAuthenticate.
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let Response::SaslHandshake(h) =
        client.send(SaslHandshakeRequest { mechanism: "SCRAM-SHA-256".into() }, 1).await.body
    else {
        panic!()
    };
    assert_eq!((h.error_code, h.mechanisms.len()), (code(ErrorCode::UnsupportedSaslMechanism), 1));
    let Response::SaslHandshake(h) = client.send(SaslHandshakeRequest { mechanism: "PLAIN".into() }, 1).await.body
    else {
        panic!()
    };
    assert_eq!(h.error_code, 0);
    let Response::SaslAuthenticate(a) = client
        .send(SaslAuthenticateRequest { auth_bytes: plain("alice", "secret"), ..Default::default() }, 2)
        .await
        .body
    else {
        panic!()
    };
    assert_eq!(a.error_code, 0);
    let Response::Metadata(m) = client.send(MetadataRequest { topics: None, ..Default::default() }, 12).await.body
    else {
        panic!()
    };
    assert_eq!(m.topics.len(), 1);
    // A wrong password: the error, then the connection is closed.
    let mut client = Client::connect(cluster.addresses()[0]).await;
    client.send(SaslHandshakeRequest { mechanism: "PLAIN".into() }, 1).await;
    let Response::SaslAuthenticate(a) = client
        .send(SaslAuthenticateRequest { auth_bytes: plain("alice", "wrong"), ..Default::default() }, 2)
        .await
        .body
    else {
        panic!()
    };
    assert_eq!(a.error_code, code(ErrorCode::SaslAuthenticationFailed));
    client.send_refused(MetadataRequest::default(), 12).await;
}

#[tokio::test]
async fn sasl_handshake_v0_takes_a_bare_token() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let cluster = FakeCluster::builder().sasl_plain([("alice", "secret")]).start().await.unwrap();
    let mut socket = tokio::net::TcpStream::connect(cluster.addresses()[0]).await.unwrap();
    let handshake = kafka_wire::RequestFrame::new(SaslHandshakeRequest { mechanism: "PLAIN".into() }, 0, 1, Some("c"));
    socket.write_all(&handshake.to_bytes().unwrap()).await.unwrap();
    let mut size = [0u8; 4];
    socket.read_exact(&mut size).await.unwrap();
    let mut body = vec![0; i32::from_be_bytes(size) as usize];
    socket.read_exact(&mut body).await.unwrap();
    let token = plain("alice", "secret");
    socket.write_all(&(token.len() as i32).to_be_bytes()).await.unwrap();
    socket.write_all(&token).await.unwrap();
    socket.read_exact(&mut size).await.unwrap();
    assert_eq!(i32::from_be_bytes(size), 0, "an empty server token: authenticated");
    let metadata = kafka_wire::RequestFrame::new(MetadataRequest::default(), 12, 2, Some("c"));
    socket.write_all(&metadata.to_bytes().unwrap()).await.unwrap();
    socket.read_exact(&mut size).await.unwrap();
    assert!(i32::from_be_bytes(size) > 0, "answered after authenticating");
}

#[tokio::test]
async fn init_producer_id_without_a_transactional_id_answers_as_kafka() {
    let cluster = FakeCluster::builder().start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let init = |transactional_id: Option<&'static str>, producer_id: i64, producer_epoch: i16| InitProducerIdRequest {
        transactional_id: transactional_id.map(Into::into),
        transaction_timeout_ms: 60_000,
        producer_id,
        producer_epoch,
        ..Default::default()
    };
    let Response::InitProducerId(first) = client.send(init(None, -1, -1), 4).await.body else { panic!() };
    assert_eq!((first.error_code, first.producer_epoch), (0, 0));
    // An idempotent producer that sends its id and epoch (KIP-360) gets a new id, at epoch 0.
    let Response::InitProducerId(again) = client.send(init(None, first.producer_id, 0), 4).await.body else { panic!() };
    assert_eq!(again.error_code, 0);
    assert_ne!(again.producer_id, first.producer_id);
    assert_eq!(again.producer_epoch, 0);
    // The same for an id this cluster never gave (librdkafka after a broker restart).
    let Response::InitProducerId(unknown) = client.send(init(None, 424_242, 3), 4).await.body else { panic!() };
    assert_eq!((unknown.error_code, unknown.producer_epoch), (0, 0));
    // An empty transactional id, or an id without an epoch, is malformed.
    for (request, what) in
        [(init(Some(""), -1, -1), "empty transactional id"), (init(None, 5, -1), "id without an epoch")]
    {
        let Response::InitProducerId(r) = client.send(request, 4).await.body else { panic!() };
        assert_eq!(r.error_code, code(ErrorCode::InvalidRequest), "{what}");
    }
}

#[tokio::test]
async fn produce_requests_are_refused_as_kafka_refuses_them() {
    let cluster = FakeCluster::builder()
        .topic("t", 1)
        .topic_with_configs("small", 1, [("max.message.bytes", "100")])
        .start()
        .await
        .unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let encoded = |compression: Compression| {
        RecordBatch::from_records(
            compression,
            [(1, Record { value: Some(Bytes::from(vec![b'v'; 150])), ..Default::default() })],
        )
        .to_bytes(&EncodeOptions::default())
        .unwrap()
    };
    let two = Bytes::from([batch(&["a"]), batch(&["b"])].concat());
    let Response::Produce(r) = client.send(produce("t", two, Uuid::nil()), 9).await.body else { panic!() };
    assert_eq!(r.responses[0].partition_responses[0].error_code, code(ErrorCode::InvalidRecord), "two batches");
    for (version, expected) in [(6, code(ErrorCode::UnsupportedCompressionType)), (7, 0)] {
        let Response::Produce(r) =
            client.send(produce("t", encoded(Compression::Zstd), Uuid::nil()), version).await.body
        else {
            panic!()
        };
        assert_eq!(r.responses[0].partition_responses[0].error_code, expected, "zstd at v{version}");
    }
    let no_sequence = idempotent_batch(1001, 0, -1, 1);
    let Response::Produce(r) = client.send(produce("t", no_sequence, Uuid::nil()), 9).await.body else { panic!() };
    assert_eq!(r.responses[0].partition_responses[0].error_code, code(ErrorCode::InvalidRecord), "no sequence");
    let Response::Produce(r) = client.send(produce("small", encoded(Compression::None), Uuid::nil()), 9).await.body
    else {
        panic!()
    };
    assert_eq!(
        r.responses[0].partition_responses[0].error_code,
        code(ErrorCode::MessageTooLarge),
        "over the topic's max.message.bytes"
    );
    assert_eq!(cluster.offsets("t", 0).unwrap(), (0, 1), "only the v7 zstd batch was appended");
}

#[tokio::test]
async fn create_topics_checks_what_a_real_create_checks_also_when_validating_only() {
    let cluster = FakeCluster::builder().brokers(2).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let assignment = |partition_index: i32, brokers: &[i32]| create_topics_request::CreatableReplicaAssignment {
        partition_index,
        broker_ids: brokers.to_vec().into(),
        ..Default::default()
    };
    let topic = |name: &str, partitions: i32, replication: i16| create_topics_request::CreatableTopic {
        name: name.to_owned().into(),
        num_partitions: partitions,
        replication_factor: replication,
        ..Default::default()
    };
    let mut bad_config = topic("bad-config", 1, 1);
    bad_config.configs = vec![create_topics_request::CreatableTopicConfig {
        name: "message.timestamp.type".into(),
        value: Some("LogApendTime".into()),
        ..Default::default()
    }];
    let mut gap = topic("gap", -1, -1);
    gap.assignments = vec![assignment(0, &[0]), assignment(2, &[1])];
    let mut twice = topic("twice", -1, -1);
    twice.assignments = vec![assignment(0, &[1, 1])];
    let mut both = topic("both", 2, -1);
    both.assignments = vec![assignment(0, &[0])];
    let mut manual = topic("manual", -1, -1);
    manual.assignments = vec![assignment(0, &[1, 0]), assignment(1, &[0, 1])];
    let topics =
        vec![topic("rf0", 1, 0), topic("rf-2", 1, -2), topic("zero", 0, 1), bad_config, gap, twice, both, manual];
    let expected = [
        ErrorCode::InvalidReplicationFactor,
        ErrorCode::InvalidReplicationFactor,
        ErrorCode::InvalidPartitions,
        ErrorCode::InvalidConfig,
        ErrorCode::InvalidReplicaAssignment,
        ErrorCode::InvalidReplicaAssignment,
        ErrorCode::InvalidRequest,
        ErrorCode::None,
    ];
    for validate_only in [true, false] {
        let request =
            CreateTopicsRequest { topics: topics.clone(), timeout_ms: 1000, validate_only, ..Default::default() };
        let Response::CreateTopics(r) = client.send(request, 7).await.body else { panic!() };
        let codes: Vec<i16> = r.topics.iter().map(|t| t.error_code).collect();
        assert_eq!(codes, expected.map(code), "validate_only {validate_only}");
        assert_eq!(cluster.topics().contains_key("manual"), !validate_only);
    }
    assert_eq!(cluster.leader("manual", 0).unwrap().0, 1, "the assignment's first broker leads");
    assert_eq!(cluster.topics().len(), 1);
}

/// Java's client asks for topics it knows only by id (a KIP-848 member's
/// assignment) with a name of "" beside each id: Kafka looks them up by id.
#[tokio::test]
async fn metadata_by_topic_id_ignores_the_names_beside_the_ids() {
    let cluster = FakeCluster::builder().topic("t", 2).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let id = topic_id(&mut client, "t").await;
    let unknown = Uuid::new_v4();
    let request = MetadataRequest {
        topics: Some(
            [id, unknown]
                .into_iter()
                .map(|topic_id| metadata_request::MetadataRequestTopic {
                    name: Some("".into()),
                    topic_id,
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    };
    let Response::Metadata(m) = client.send(request, 12).await.body else { panic!() };
    let answers: Vec<(Uuid, Option<&str>, i16)> =
        m.topics.iter().map(|t| (t.topic_id, t.name.as_deref(), t.error_code)).collect();
    assert!(answers.contains(&(id, Some("t"), 0)), "{answers:?}");
    assert!(answers.contains(&(unknown, None, ErrorCode::UnknownTopicId.code())), "{answers:?}");
    assert_eq!(answers.len(), 2);
}
