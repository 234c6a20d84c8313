//! What the broker suites share: helpers for one request and the flows
//! (a classic group joined, offsets committed, a consumer group joined, a
//! transaction committed) that leave their records in the broker.
// Each test binary that declares this module uses a part of it.
#![allow(dead_code)]

pub(crate) mod consumer_protocol;

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::records::{EncodeOptions, RecordBatch, WriteBatches};
use kafka_wire::{ApiKey, ErrorCode, StrBytes};
pub(crate) use kafka_wire_integration::create_topic;
use kafka_wire_integration::{broker_address, expect, Connection};
use std::time::Duration;
use uuid::Uuid;

/// A connection to the test broker.
pub(crate) fn connect() -> Connection {
    Connection::connect(&broker_address()).expect("connect to the test broker")
}

/// Fails the test unless `code` is 0 (no error).
pub(crate) fn ok(what: &str, code: i16) {
    assert_eq!(code, 0, "{what} failed: {:?}", ErrorCode::try_from(code));
}

/// A name no other test run uses.
pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", Uuid::new_v4().simple())
}

/// Sends a request (through `send`) until its response's error code is not
/// retriable, for up to 30 s: a fresh coordinator answers "loading" for a
/// while, and a new partition's leader "not leader" until it has taken the
/// leadership its metadata already shows. Returns the last response.
pub(crate) fn until_not_retriable<T>(mut send: impl FnMut() -> T, error_code: impl Fn(&T) -> i16) -> T {
    for _ in 1..150 {
        let response = send();
        match ErrorCode::try_from(error_code(&response)) {
            Ok(e) if e.is_retriable() => std::thread::sleep(Duration::from_millis(200)),
            _ => return response,
        }
    }
    send()
}

/// Reads (through `read`) up to `attempts` times, 100 ms apart, until `done`
/// holds: admin changes reach the broker through the metadata log, so a
/// read right after a write may not show them yet. Returns the last read.
pub(crate) fn poll<T>(attempts: usize, mut read: impl FnMut() -> T, done: impl Fn(&T) -> bool) -> T {
    let mut value = read();
    for _ in 1..attempts {
        if done(&value) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        value = read();
    }
    value
}

/// FindCoordinator, retried while the coordinator is still starting (the
/// first request creates the internal topic); `key_type` 0 group, 1 transaction.
pub(crate) fn find_coordinator(
    conn: &mut Connection,
    key: &str,
    key_type: i8,
) -> find_coordinator_response::Coordinator {
    let request = FindCoordinatorRequest { key_type, coordinator_keys: vec![key.into()], ..Default::default() };
    for _ in 0..150 {
        let response = expect!(conn.send_latest(request.clone()).unwrap(), FindCoordinator);
        let coordinator = response.coordinators[0].clone();
        match ErrorCode::try_from(coordinator.error_code) {
            Ok(e) if e.is_retriable() => std::thread::sleep(Duration::from_millis(200)),
            _ => {
                ok("FindCoordinator", coordinator.error_code);
                return coordinator;
            }
        }
    }
    panic!("no coordinator for {key}");
}

/// Deletes a topic.
pub(crate) fn delete_topic(conn: &mut Connection, name: &str) {
    let request = DeleteTopicsRequest {
        topics: vec![delete_topics_request::DeleteTopicState { name: Some(name.into()), ..Default::default() }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let response = expect!(conn.send_latest(request).unwrap(), DeleteTopics);
    ok("DeleteTopics", response.responses[0].error_code);
}

/// Produces `batch` to partition 0 (a transactional batch with its id); returns its base offset.
pub(crate) fn produce(
    conn: &mut Connection,
    topic_id: Uuid,
    transactional_id: Option<&str>,
    batch: &RecordBatch,
) -> i64 {
    let mut partition = produce_request::PartitionProduceData { index: 0, ..Default::default() };
    partition.set_batches(std::slice::from_ref(batch), &EncodeOptions::default()).unwrap();
    let request = ProduceRequest {
        transactional_id: transactional_id.map(StrBytes::from),
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![produce_request::TopicProduceData {
            topic_id,
            partition_data: vec![partition],
            ..Default::default()
        }],
        ..Default::default()
    };
    assert!(conn.version_for(ApiKey::Produce).unwrap() >= 13, "the pinned broker speaks Produce v13");
    // A retriable error appended nothing: sending the batch again is safe.
    let response = until_not_retriable(
        || expect!(conn.send_latest(request.clone()).unwrap(), Produce),
        |r| r.responses[0].partition_responses[0].error_code,
    );
    let partition = &response.responses[0].partition_responses[0];
    ok("Produce", partition.error_code);
    partition.base_offset
}

/// Fetches partition 0 from `offset`.
pub(crate) fn fetch(
    conn: &mut Connection,
    topic_id: Uuid,
    offset: i64,
    read_committed: bool,
) -> fetch_response::PartitionData {
    fetch_partition(conn, topic_id, 0, offset, read_committed)
}

/// Fetches `partition` from `offset`, again while the error is retriable.
pub(crate) fn fetch_partition(
    conn: &mut Connection,
    topic_id: Uuid,
    partition: i32,
    offset: i64,
    read_committed: bool,
) -> fetch_response::PartitionData {
    let request = FetchRequest {
        max_wait_ms: 100,
        min_bytes: 1,
        max_bytes: 8 << 20,
        isolation_level: read_committed as i8,
        topics: vec![fetch_request::FetchTopic {
            topic_id,
            partitions: vec![fetch_request::FetchPartition {
                partition,
                fetch_offset: offset,
                partition_max_bytes: 8 << 20,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    // A partition that just got its leader may still answer "not leader" for a moment.
    let partition = until_not_retriable(
        || {
            let response = expect!(conn.send_latest(request.clone()).unwrap(), Fetch);
            ok("Fetch", response.error_code);
            response.responses[0].partitions[0].clone()
        },
        |p| p.error_code,
    );
    ok("Fetch partition", partition.error_code);
    partition
}

/// A consumer-protocol subscription at v3, every field set: topics, user
/// data, owned partitions, generation id, rack id.
pub(crate) fn consumer_subscription() -> Bytes {
    let mut b = Vec::new();
    let string = |b: &mut Vec<u8>, s: &str| {
        b.extend_from_slice(&(s.len() as i16).to_be_bytes());
        b.extend_from_slice(s.as_bytes());
    };
    b.extend_from_slice(&3i16.to_be_bytes());
    b.extend_from_slice(&2i32.to_be_bytes());
    string(&mut b, "subscribed-a");
    string(&mut b, "subscribed-b");
    b.extend_from_slice(&4i32.to_be_bytes());
    b.extend_from_slice(b"user");
    b.extend_from_slice(&1i32.to_be_bytes());
    string(&mut b, "subscribed-a");
    b.extend_from_slice(&2i32.to_be_bytes());
    b.extend_from_slice(&0i32.to_be_bytes());
    b.extend_from_slice(&2i32.to_be_bytes());
    b.extend_from_slice(&5i32.to_be_bytes());
    string(&mut b, "rack-a");
    Bytes::from(b)
}

/// A consumer-protocol assignment at v3: partitions 1 and 3 of
/// "subscribed-b", user data "assigned".
pub(crate) fn consumer_assignment() -> Bytes {
    let mut b = Vec::new();
    b.extend_from_slice(&3i16.to_be_bytes());
    b.extend_from_slice(&1i32.to_be_bytes());
    b.extend_from_slice(&12i16.to_be_bytes());
    b.extend_from_slice(b"subscribed-b");
    b.extend_from_slice(&2i32.to_be_bytes());
    b.extend_from_slice(&1i32.to_be_bytes());
    b.extend_from_slice(&3i32.to_be_bytes());
    b.extend_from_slice(&8i32.to_be_bytes());
    b.extend_from_slice(b"assigned");
    Bytes::from(b)
}

/// Joins `group` as its only member with the classic protocol (the v4+ join
/// that first asks for a member id, then the sync), with
/// [`consumer_subscription`] and [`consumer_assignment`]; returns the join
/// response.
pub(crate) fn join_classic_group(conn: &mut Connection, group: &str) -> JoinGroupResponse {
    let join = |member_id: &str| JoinGroupRequest {
        group_id: group.into(),
        session_timeout_ms: 30_000,
        rebalance_timeout_ms: 30_000,
        member_id: member_id.into(),
        protocol_type: "consumer".into(),
        protocols: vec![join_group_request::JoinGroupRequestProtocol {
            name: "range".into(),
            metadata: consumer_subscription(),
            ..Default::default()
        }],
        ..Default::default()
    };
    // A fresh coordinator may still be loading: retry while the error is retriable.
    let first = until_not_retriable(|| expect!(conn.send_latest(join("")).unwrap(), JoinGroup), |r| r.error_code);
    assert_eq!(ErrorCode::try_from(first.error_code), Ok(ErrorCode::MemberIdRequired));
    let joined = expect!(conn.send_latest(join(&first.member_id)).unwrap(), JoinGroup);
    ok("JoinGroup", joined.error_code);
    assert_eq!(joined.leader, joined.member_id);

    let sync = SyncGroupRequest {
        group_id: group.into(),
        generation_id: joined.generation_id,
        member_id: joined.member_id.clone(),
        protocol_type: Some("consumer".into()),
        protocol_name: Some("range".into()),
        assignments: vec![sync_group_request::SyncGroupRequestAssignment {
            member_id: joined.member_id.clone(),
            assignment: consumer_assignment(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let synced = expect!(conn.send_latest(sync).unwrap(), SyncGroup);
    ok("SyncGroup", synced.error_code);
    assert_eq!(synced.assignment, consumer_assignment());
    joined
}

/// Commits `offset` with `metadata` for partition 0 of `topic`, as member
/// `joined` of `group`.
pub(crate) fn commit_offset(
    conn: &mut Connection,
    group: &str,
    joined: &JoinGroupResponse,
    (topic, topic_id): (&str, Uuid),
    offset: i64,
    metadata: &str,
) {
    let commit = OffsetCommitRequest {
        group_id: group.into(),
        generation_id_or_member_epoch: joined.generation_id,
        member_id: joined.member_id.clone(),
        topics: vec![offset_commit_request::OffsetCommitRequestTopic {
            name: topic.into(),
            topic_id,
            partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                partition_index: 0,
                committed_offset: offset,
                committed_metadata: Some(metadata.into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let committed = expect!(conn.send_latest(commit).unwrap(), OffsetCommit);
    ok("OffsetCommit", committed.topics[0].partitions[0].error_code);
}

/// Joins `group` with the consumer group protocol (KIP-848), subscribed to `topic`.
pub(crate) fn join_consumer_group(conn: &mut Connection, group: &str, topic: &str) -> ConsumerGroupHeartbeatResponse {
    let heartbeat = ConsumerGroupHeartbeatRequest {
        group_id: group.into(),
        member_id: Uuid::new_v4().simple().to_string().into(),
        member_epoch: 0,
        rebalance_timeout_ms: 30_000,
        subscribed_topic_names: Some(vec![topic.into()]),
        topic_partitions: Some(vec![]),
        ..Default::default()
    };
    // A fresh coordinator may still be loading: retry while the error is retriable.
    let response = until_not_retriable(
        || expect!(conn.send_latest(heartbeat.clone()).unwrap(), ConsumerGroupHeartbeat),
        |r| r.error_code,
    );
    ok("ConsumerGroupHeartbeat", response.error_code);
    assert!(response.member_epoch >= 1);
    response
}

/// Runs a transaction as `txn` that produces `batch` (made transactional
/// here) to partition 0 of `topic`, and commits it; returns the producer.
pub(crate) fn committed_transaction(
    conn: &mut Connection,
    txn: &str,
    topic: (&str, Uuid),
    batch: RecordBatch,
) -> InitProducerIdResponse {
    ended_transaction(conn, txn, topic, batch, true)
}

/// [`committed_transaction`], or aborted when `committed` is false.
pub(crate) fn ended_transaction(
    conn: &mut Connection,
    txn: &str,
    (topic, topic_id): (&str, Uuid),
    batch: RecordBatch,
    committed: bool,
) -> InitProducerIdResponse {
    find_coordinator(conn, txn, 1);
    let init = InitProducerIdRequest {
        transactional_id: Some(txn.into()),
        transaction_timeout_ms: 60_000,
        producer_id: -1,
        producer_epoch: -1,
        ..Default::default()
    };
    // The coordinator may still be loading: retry while it says so.
    let producer =
        until_not_retriable(|| expect!(conn.send_latest(init.clone()).unwrap(), InitProducerId), |r| r.error_code);
    ok("InitProducerId", producer.error_code);

    // Clients add partitions with AddPartitionsToTxn v3 and below.
    let add = AddPartitionsToTxnRequest {
        v3_and_below_transactional_id: txn.into(),
        v3_and_below_producer_id: producer.producer_id,
        v3_and_below_producer_epoch: producer.producer_epoch,
        v3_and_below_topics: vec![add_partitions_to_txn_request::AddPartitionsToTxnTopic {
            name: topic.into(),
            partitions: [0].into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let added = expect!(conn.send(add, 3).unwrap(), AddPartitionsToTxn);
    ok("AddPartitionsToTxn", added.results_by_topic_v3_and_below[0].results_by_partition[0].partition_error_code);

    let batch = batch.with_transactional(true).with_producer(producer.producer_id, producer.producer_epoch, 0);
    produce(conn, topic_id, Some(txn), &batch);

    let end = EndTxnRequest {
        transactional_id: txn.into(),
        producer_id: producer.producer_id,
        producer_epoch: producer.producer_epoch,
        committed,
        ..Default::default()
    };
    ok("EndTxn", expect!(conn.send_latest(end).unwrap(), EndTxn).error_code);
    producer
}
