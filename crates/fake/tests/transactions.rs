//! Transactions on the fake broker: the coordinator's epochs and fencing,
//! markers in the log, the last stable offset and aborted lists in Fetch,
//! offsets that become visible at commit, and timeouts.

mod common;

use bytes::Bytes;
use common::*;
use kafka_wire::messages::*;
use kafka_wire::records::{
    BatchView, Compression, ControlRecord, DecodeOptions, EncodeOptions, Record, RecordBatch, RecordSetEntry,
    RecordSetIter,
};
use kafka_wire::{ErrorCode, Response};
use kafka_wire_fake::FakeCluster;
use std::time::Duration;
use uuid::Uuid;

fn code(e: ErrorCode) -> i16 {
    e.code()
}

fn txn_batch(producer_id: i64, epoch: i16, sequence: i32, values: &[&str]) -> Bytes {
    let records = values.iter().enumerate().map(|(i, v)| {
        (1_000 + i as i64, Record { value: Some(Bytes::copy_from_slice(v.as_bytes())), ..Default::default() })
    });
    RecordBatch::from_records(Compression::None, records)
        .with_producer(producer_id, epoch, sequence)
        .with_transactional(true)
        .to_bytes(&EncodeOptions::default())
        .unwrap()
}

async fn init(client: &mut Client, txn_id: &str, timeout_ms: i32, version: i16) -> InitProducerIdResponse {
    let request = InitProducerIdRequest {
        transactional_id: Some(txn_id.to_owned().into()),
        transaction_timeout_ms: timeout_ms,
        producer_id: -1,
        producer_epoch: -1,
        ..Default::default()
    };
    let Response::InitProducerId(r) = client.send(request, version).await.body else { panic!() };
    r
}

async fn add_partitions(
    client: &mut Client,
    txn_id: &str,
    id: i64,
    epoch: i16,
    topic: &str,
    partitions: &[i32],
    version: i16,
) -> Vec<i16> {
    let request = AddPartitionsToTxnRequest {
        v3_and_below_transactional_id: txn_id.to_owned().into(),
        v3_and_below_producer_id: id,
        v3_and_below_producer_epoch: epoch,
        v3_and_below_topics: vec![add_partitions_to_txn_request::AddPartitionsToTxnTopic {
            name: topic.to_owned().into(),
            partitions: partitions.to_vec().into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::AddPartitionsToTxn(r) = client.send(request, version).await.body else { panic!() };
    r.results_by_topic_v3_and_below[0].results_by_partition.iter().map(|p| p.partition_error_code).collect()
}

async fn end(client: &mut Client, txn_id: &str, id: i64, epoch: i16, commit: bool, version: i16) -> i16 {
    let request = EndTxnRequest {
        transactional_id: txn_id.to_owned().into(),
        producer_id: id,
        producer_epoch: epoch,
        committed: commit,
        ..Default::default()
    };
    let Response::EndTxn(r) = client.send(request, version).await.body else { panic!() };
    r.error_code
}

async fn produce_to(
    client: &mut Client,
    topic: &str,
    partition: i32,
    records: Bytes,
) -> produce_response::PartitionProduceResponse {
    let mut request = produce(topic, records, Uuid::nil());
    request.transactional_id = Some("ignored-by-the-broker".into());
    request.topic_data[0].partition_data[0].index = partition;
    let Response::Produce(r) = client.send(request, 9).await.body else { panic!() };
    r.responses[0].partition_responses[0].clone()
}

fn read_committed(topic: &str, offset: i64) -> FetchRequest {
    let mut request = fetch(topic, offset, Uuid::nil());
    request.isolation_level = 1;
    request
}

/// (offset, value) of the data records in a fetch's records, and the
/// control markers as (offset, commit).
type Contents = (Vec<(i64, String)>, Vec<(i64, bool)>);

fn contents(records: &Bytes) -> Contents {
    let mut data = Vec::new();
    let mut markers = Vec::new();
    for entry in RecordSetIter::new(records.clone()) {
        let RecordSetEntry::Batch(view) = entry.unwrap() else { panic!("legacy") };
        let base = view.header.base_offset;
        for r in view.records(&DecodeOptions::default()).unwrap() {
            let offset = base + r.offset_delta as i64;
            if view.header.is_control() {
                match ControlRecord::parse(&r).unwrap() {
                    ControlRecord::Commit { .. } => markers.push((offset, true)),
                    ControlRecord::Abort { .. } => markers.push((offset, false)),
                    other => panic!("{other:?}"),
                }
            } else {
                data.push((offset, String::from_utf8(r.value.unwrap().to_vec()).unwrap()));
            }
        }
    }
    (data, markers)
}

#[tokio::test]
async fn a_committed_and_an_aborted_transaction_write_markers_and_move_the_last_stable_offset() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let r = init(&mut client, "tx", 60_000, 4).await;
    assert_eq!(r.error_code, 0);
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    assert_eq!(epoch, 0);

    // A transactional batch to a partition not in the transaction is refused.
    let refused = produce_to(&mut client, "t", 0, txn_batch(id, epoch, 0, &["early"])).await;
    assert_eq!(refused.error_code, code(ErrorCode::InvalidTxnState));

    // Transaction one: two records, committed.
    assert_eq!(add_partitions(&mut client, "tx", id, epoch, "t", &[0], 3).await, [0]);
    assert_eq!(produce_to(&mut client, "t", 0, txn_batch(id, epoch, 0, &["a", "b"])).await.error_code, 0);
    // Open: the last stable offset is the transaction's first offset.
    let Response::Fetch(f) = client.send(read_committed("t", 0), 12).await.body else { panic!() };
    let p = &f.responses[0].partitions[0];
    assert_eq!((p.high_watermark, p.last_stable_offset), (2, 0));
    assert!(p.records.as_ref().unwrap().is_empty(), "read_committed sees nothing past the LSO");
    let Response::Fetch(f) = client.send(fetch("t", 0, Uuid::nil()), 12).await.body else { panic!() };
    assert_eq!(contents(f.responses[0].partitions[0].records.as_ref().unwrap()).0.len(), 2, "read_uncommitted sees it");
    assert_eq!(end(&mut client, "tx", id, epoch, true, 3).await, 0);
    // A retried commit succeeds; an abort of a committed transaction does not.
    assert_eq!(end(&mut client, "tx", id, epoch, true, 3).await, 0);
    assert_eq!(end(&mut client, "tx", id, epoch, false, 3).await, code(ErrorCode::InvalidTxnState));

    // Transaction two: one record, aborted.
    assert_eq!(add_partitions(&mut client, "tx", id, epoch, "t", &[0], 3).await, [0]);
    assert_eq!(produce_to(&mut client, "t", 0, txn_batch(id, epoch, 2, &["x"])).await.error_code, 0);
    assert_eq!(end(&mut client, "tx", id, epoch, false, 3).await, 0);
    // A plain record after it.
    assert_eq!(produce_to(&mut client, "t", 0, batch(&["plain"])).await.error_code, 0);

    // The log: a, b, COMMIT, x, ABORT, plain.
    let batches = cluster.batches("t", 0).unwrap();
    let kinds: Vec<(i64, bool, bool)> = batches
        .iter()
        .map(|b| {
            let v = BatchView::new(b.clone()).unwrap();
            v.verify_crc().unwrap();
            (v.header.base_offset, v.header.is_control(), v.header.is_transactional())
        })
        .collect();
    assert_eq!(kinds, [(0, false, true), (2, true, true), (3, false, true), (4, true, true), (5, false, false)]);
    let all: Bytes = batches.concat().into();
    assert_eq!(contents(&all).1, [(2, true), (4, false)]);
    assert_eq!(cluster.records("t", 0).unwrap().len(), 4, "records() leaves the markers out");

    // read_committed at several versions: everything (the LSO is the end),
    // with the aborted transaction listed.
    let id_of_t = topic_id(&mut client, "t").await;
    let with_id = |mut request: FetchRequest, version: i16| {
        if version >= 13 {
            request.topics[0].topic_id = id_of_t;
        }
        request
    };
    for version in [4, 7, 11, 12, 16] {
        let Response::Fetch(f) = client.send(with_id(read_committed("t", 0), version), version).await.body else {
            panic!()
        };
        let p = &f.responses[0].partitions[0];
        assert_eq!((p.error_code, p.high_watermark, p.last_stable_offset), (0, 6, 6), "v{version}");
        let aborted: Vec<(i64, i64)> =
            p.aborted_transactions.as_ref().unwrap().iter().map(|a| (a.producer_id, a.first_offset)).collect();
        assert_eq!(aborted, [(id, 3)], "v{version}");
        let (data, markers) = contents(p.records.as_ref().unwrap());
        assert_eq!(data.len(), 4, "v{version}");
        assert_eq!(markers.len(), 2, "v{version}");
        // From after the aborted transaction, it is not listed.
        let Response::Fetch(f) = client.send(with_id(read_committed("t", 5), version), version).await.body else {
            panic!()
        };
        assert_eq!(f.responses[0].partitions[0].aborted_transactions.as_deref(), Some(&[][..]), "v{version}");
        // read_uncommitted lists none.
        let Response::Fetch(f) = client.send(with_id(fetch("t", 0, Uuid::nil()), version), version).await.body else {
            panic!()
        };
        let p = &f.responses[0].partitions[0];
        assert!(p.aborted_transactions.as_ref().is_none_or(|a| a.is_empty()), "v{version}");
    }
    // Legacy fetches leave the markers out.
    let Response::Fetch(f) = client.send(fetch("t", 0, Uuid::nil()), 3).await.body else { panic!() };
    let legacy: Vec<_> = RecordSetIter::new(f.responses[0].partitions[0].records.clone().unwrap()).collect();
    assert_eq!(legacy.len(), 4);
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn list_offsets_latest_read_committed_is_the_last_stable_offset() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(produce_to(&mut client, "t", 0, batch(&["p1", "p2"])).await.error_code, 0);
    let r = init(&mut client, "tx", 60_000, 4).await;
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    assert_eq!(add_partitions(&mut client, "tx", id, epoch, "t", &[0], 3).await, [0]);
    assert_eq!(produce_to(&mut client, "t", 0, txn_batch(id, epoch, 0, &["a"])).await.error_code, 0);
    let latest = |isolation_level: i8| ListOffsetsRequest {
        replica_id: -1,
        isolation_level,
        topics: vec![list_offsets_request::ListOffsetsTopic {
            name: "t".into(),
            partitions: vec![list_offsets_request::ListOffsetsPartition {
                partition_index: 0,
                current_leader_epoch: -1,
                timestamp: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    for version in [2, 5, 8] {
        let Response::ListOffsets(r) = client.send(latest(1), version).await.body else { panic!() };
        assert_eq!(r.topics[0].partitions[0].offset, 2, "v{version} read_committed");
        let Response::ListOffsets(r) = client.send(latest(0), version).await.body else { panic!() };
        assert_eq!(r.topics[0].partitions[0].offset, 3, "v{version} read_uncommitted");
    }
    assert_eq!(end(&mut client, "tx", id, epoch, true, 3).await, 0);
    let Response::ListOffsets(r) = client.send(latest(1), 8).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].offset, 4, "after the commit marker");
}

/// By timestamp and by max timestamp, read_committed finds nothing past
/// the last stable offset: Kafka's ReplicaManager answers such a find with
/// no error and offset -1, as if no record matched.
#[tokio::test]
async fn list_offsets_by_timestamp_read_committed_stops_at_the_last_stable_offset() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(produce_to(&mut client, "t", 0, batch(&["committed"])).await.error_code, 0);
    let r = init(&mut client, "tx", 60_000, 4).await;
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    assert_eq!(add_partitions(&mut client, "tx", id, epoch, "t", &[0], 3).await, [0]);
    let later = 1_800_000_000_000;
    let open = RecordBatch::from_records(
        Compression::None,
        [(later, Record { value: Some(Bytes::from_static(b"open")), ..Default::default() })],
    )
    .with_producer(id, epoch, 0)
    .with_transactional(true)
    .to_bytes(&EncodeOptions::default())
    .unwrap();
    assert_eq!(produce_to(&mut client, "t", 0, open).await.error_code, 0);
    let find = |timestamp: i64, isolation_level: i8| ListOffsetsRequest {
        replica_id: -1,
        isolation_level,
        topics: vec![list_offsets_request::ListOffsetsTopic {
            name: "t".into(),
            partitions: vec![list_offsets_request::ListOffsetsPartition {
                partition_index: 0,
                current_leader_epoch: -1,
                timestamp,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let answer = |r: &ListOffsetsResponse| {
        let p = &r.topics[0].partitions[0];
        (p.error_code, p.offset, p.timestamp)
    };
    const MAX_TIMESTAMP: i64 = -3;
    for (timestamp, version) in [(later - 1, 2), (later - 1, 8), (MAX_TIMESTAMP, 7), (MAX_TIMESTAMP, 8)] {
        let Response::ListOffsets(r) = client.send(find(timestamp, 1), version).await.body else { panic!() };
        assert_eq!(answer(&r), (0, -1, -1), "v{version} {timestamp} read_committed");
        let Response::ListOffsets(r) = client.send(find(timestamp, 0), version).await.body else { panic!() };
        assert_eq!(answer(&r), (0, 1, later), "v{version} {timestamp} read_uncommitted");
    }
    assert_eq!(end(&mut client, "tx", id, epoch, true, 3).await, 0);
    let Response::ListOffsets(r) = client.send(find(later - 1, 1), 8).await.body else { panic!() };
    assert_eq!(answer(&r), (0, 1, later), "after the commit marker");
}

#[tokio::test]
async fn a_new_init_fences_the_old_producer_and_aborts_its_transaction() {
    let cluster = FakeCluster::builder().topic("t", 2).start().await.unwrap();
    let mut old = Client::connect(cluster.addresses()[0]).await;
    let mut new = Client::connect(cluster.addresses()[0]).await;
    let r = init(&mut old, "tx", 60_000, 4).await;
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    assert_eq!(add_partitions(&mut old, "tx", id, epoch, "t", &[0, 1], 3).await, [0, 0]);
    assert_eq!(produce_to(&mut old, "t", 0, txn_batch(id, epoch, 0, &["zombie"])).await.error_code, 0);

    // The new producer's first init aborts the open transaction and asks it to retry.
    let first = init(&mut new, "tx", 60_000, 4).await;
    assert_eq!(first.error_code, code(ErrorCode::ConcurrentTransactions));
    let second = init(&mut new, "tx", 60_000, 4).await;
    assert_eq!(second.error_code, 0);
    assert_eq!(second.producer_id, id, "the transactional id keeps its producer id");
    assert_eq!(second.producer_epoch, epoch + 2, "one bump fencing the abort, one for the new producer");
    // Both partitions got an abort marker.
    for partition in [0, 1] {
        let all: Bytes = cluster.batches("t", partition).unwrap().concat().into();
        assert_eq!(contents(&all).1.iter().map(|m| m.1).collect::<Vec<_>>(), [false], "partition {partition}");
    }
    let Response::Fetch(f) = new.send(read_committed("t", 0), 12).await.body else { panic!() };
    let p = &f.responses[0].partitions[0];
    assert_eq!(p.last_stable_offset, 2);
    assert_eq!(p.aborted_transactions.as_ref().unwrap().len(), 1);

    // The zombie is fenced everywhere, with the code each version knows.
    assert_eq!(
        produce_to(&mut old, "t", 0, txn_batch(id, epoch, 1, &["late"])).await.error_code,
        code(ErrorCode::InvalidProducerEpoch)
    );
    assert_eq!(add_partitions(&mut old, "tx", id, epoch, "t", &[0], 1).await, [code(ErrorCode::InvalidProducerEpoch)]);
    assert_eq!(add_partitions(&mut old, "tx", id, epoch, "t", &[0], 3).await, [code(ErrorCode::ProducerFenced)]);
    assert_eq!(end(&mut old, "tx", id, epoch, true, 1).await, code(ErrorCode::InvalidProducerEpoch));
    assert_eq!(end(&mut old, "tx", id, epoch, true, 3).await, code(ErrorCode::ProducerFenced));
    let add_offsets = |version| {
        let request = AddOffsetsToTxnRequest {
            transactional_id: "tx".into(),
            producer_id: id,
            producer_epoch: epoch,
            group_id: "g".into(),
            ..Default::default()
        };
        (request, version)
    };
    let (request, version) = add_offsets(1);
    let Response::AddOffsetsToTxn(r) = old.send(request, version).await.body else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::InvalidProducerEpoch));
    let (request, version) = add_offsets(3);
    let Response::AddOffsetsToTxn(r) = old.send(request, version).await.body else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::ProducerFenced));
    // KIP-360: re-initializing with the stale id and epoch is fenced too.
    let stale = InitProducerIdRequest {
        transactional_id: Some("tx".into()),
        transaction_timeout_ms: 60_000,
        producer_id: id,
        producer_epoch: epoch,
        ..Default::default()
    };
    let Response::InitProducerId(r) = old.send(stale.clone(), 3).await.body else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::InvalidProducerEpoch));
    let Response::InitProducerId(r) = old.send(stale, 4).await.body else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::ProducerFenced));
    // An unknown producer id is INVALID_PRODUCER_ID_MAPPING.
    assert_eq!(
        end(&mut new, "tx", id + 99, second.producer_epoch, true, 3).await,
        code(ErrorCode::InvalidProducerIdMapping)
    );
    assert_eq!(
        end(&mut new, "nobody", id, second.producer_epoch, true, 3).await,
        code(ErrorCode::InvalidProducerIdMapping)
    );
    // No transaction open: EndTxn is INVALID_TXN_STATE.
    assert_eq!(end(&mut new, "tx", id, second.producer_epoch, true, 3).await, code(ErrorCode::InvalidTxnState));
    // The new producer starts at sequence 0 with its epoch.
    assert_eq!(add_partitions(&mut new, "tx", id, second.producer_epoch, "t", &[0], 3).await, [0]);
    let out_of_order = produce_to(&mut new, "t", 0, txn_batch(id, second.producer_epoch, 5, &["n"])).await;
    assert_eq!(out_of_order.error_code, code(ErrorCode::OutOfOrderSequenceNumber));
    assert_eq!(produce_to(&mut new, "t", 0, txn_batch(id, second.producer_epoch, 0, &["n"])).await.error_code, 0);
    let duplicate = produce_to(&mut new, "t", 0, txn_batch(id, second.producer_epoch, 0, &["n"])).await;
    assert_eq!((duplicate.error_code, duplicate.base_offset), (0, 2));
    assert_eq!(end(&mut new, "tx", id, second.producer_epoch, true, 3).await, 0);
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn init_is_checked_as_kafka_checks_it() {
    let cluster = FakeCluster::builder().brokers(3).topic("t", 1).start().await.unwrap();
    let coordinator = cluster.nodes().iter().position(|n| {
        // "tx".hashCode() = 3716; 3716 % 50 = 16; 16 % 3 = 1.
        n.id == 1
    });
    let mut at = Client::connect(cluster.addresses()[coordinator.unwrap()]).await;
    let mut elsewhere = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(init(&mut elsewhere, "tx", 60_000, 4).await.error_code, code(ErrorCode::NotCoordinator));
    assert_eq!(init(&mut at, "tx", 0, 4).await.error_code, code(ErrorCode::InvalidTransactionTimeout));
    assert_eq!(init(&mut at, "tx", 900_001, 4).await.error_code, code(ErrorCode::InvalidTransactionTimeout));
    let first = init(&mut at, "tx", 900_000, 4).await;
    assert_eq!((first.error_code, first.producer_epoch), (0, 0));
    let again = init(&mut at, "tx", 900_000, 1).await;
    assert_eq!((again.error_code, again.producer_id, again.producer_epoch), (0, first.producer_id, 1));
    let other = init(&mut at, "other-tx-id", 1000, 4).await;
    if other.error_code == 0 {
        assert_ne!(other.producer_id, first.producer_id, "a producer id per transactional id");
    }
    assert_eq!(end(&mut elsewhere, "tx", first.producer_id, 1, true, 3).await, code(ErrorCode::NotCoordinator));
}

#[tokio::test]
async fn a_transaction_open_past_its_timeout_is_aborted_and_its_producer_fenced() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let r = init(&mut client, "tx", 300, 4).await;
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    assert_eq!(add_partitions(&mut client, "tx", id, epoch, "t", &[0], 3).await, [0]);
    assert_eq!(produce_to(&mut client, "t", 0, txn_batch(id, epoch, 0, &["slow"])).await.error_code, 0);
    // A read_committed fetch waiting on the open transaction is woken by the abort.
    let mut waiting = read_committed("t", 0);
    waiting.max_wait_ms = 10_000;
    waiting.min_bytes = 1;
    let started = std::time::Instant::now();
    let Response::Fetch(f) = client.send(waiting, 12).await.body else { panic!() };
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let p = &f.responses[0].partitions[0];
    assert_eq!(p.last_stable_offset, 2);
    assert_eq!(p.aborted_transactions.as_ref().unwrap().iter().map(|a| a.first_offset).collect::<Vec<_>>(), [0]);
    let all: Bytes = cluster.batches("t", 0).unwrap().concat().into();
    assert_eq!(contents(&all).1, [(1, false)]);
    // The producer was fenced by the abort.
    assert_eq!(end(&mut client, "tx", id, epoch, true, 3).await, code(ErrorCode::ProducerFenced));
    let Response::DescribeTransactions(d) = client
        .send(
            DescribeTransactionsRequest { transactional_ids: vec!["tx".into(), "none".into()], ..Default::default() },
            0,
        )
        .await
        .body
    else {
        panic!()
    };
    let s = &d.transaction_states[0];
    assert_eq!(
        (s.transaction_state.as_str(), s.producer_epoch, s.transaction_timeout_ms),
        ("CompleteAbort", epoch + 1, 300)
    );
    assert_eq!(d.transaction_states[1].error_code, code(ErrorCode::TransactionalIdNotFound));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn transactional_offsets_are_visible_at_commit_only() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let r = init(&mut client, "tx", 60_000, 4).await;
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    let commit_offset = |offset: i64, epoch: i16| TxnOffsetCommitRequest {
        transactional_id: "tx".into(),
        group_id: "g".into(),
        producer_id: id,
        producer_epoch: epoch,
        generation_id_or_member_epoch: -1,
        topics: vec![txn_offset_commit_request::TxnOffsetCommitRequestTopic {
            name: "t".into(),
            partitions: vec![txn_offset_commit_request::TxnOffsetCommitRequestPartition {
                partition_index: 0,
                committed_offset: offset,
                committed_leader_epoch: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    // Without AddOffsetsToTxn the group is not in the transaction.
    let Response::TxnOffsetCommit(r) = client.send(commit_offset(5, epoch), 3).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].error_code, code(ErrorCode::InvalidTxnState));
    let add_offsets = AddOffsetsToTxnRequest {
        transactional_id: "tx".into(),
        producer_id: id,
        producer_epoch: epoch,
        group_id: "g".into(),
        ..Default::default()
    };
    let Response::AddOffsetsToTxn(r) = client.send(add_offsets.clone(), 3).await.body else { panic!() };
    assert_eq!(r.error_code, 0);
    let Response::TxnOffsetCommit(r) = client.send(commit_offset(5, epoch), 3).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].error_code, 0);
    let fetch_offsets = |require_stable: bool, version: i16| {
        if version < 8 {
            OffsetFetchRequest {
                group_id: "g".into(),
                topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopic {
                    name: "t".into(),
                    partition_indexes: vec![0].into(),
                    ..Default::default()
                }]),
                require_stable,
                ..Default::default()
            }
        } else {
            OffsetFetchRequest {
                groups: vec![offset_fetch_request::OffsetFetchRequestGroup {
                    group_id: "g".into(),
                    topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopics {
                        name: "t".into(),
                        partition_indexes: vec![0].into(),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }],
                require_stable,
                ..Default::default()
            }
        }
    };
    let answer = |r: &OffsetFetchResponse, version: i16| -> (i64, i16) {
        if version >= 8 {
            let p = &r.groups[0].topics[0].partitions[0];
            (p.committed_offset, p.error_code)
        } else {
            let p = &r.topics[0].partitions[0];
            (p.committed_offset, p.error_code)
        }
    };
    for version in [7, 8] {
        let Response::OffsetFetch(r) = client.send(fetch_offsets(false, version), version).await.body else { panic!() };
        assert_eq!(answer(&r, version), (-1, 0), "v{version}: pending offsets are not visible");
        let Response::OffsetFetch(r) = client.send(fetch_offsets(true, version), version).await.body else { panic!() };
        assert_eq!(answer(&r, version), (-1, code(ErrorCode::UnstableOffsetCommit)), "v{version}");
    }
    assert_eq!(cluster.committed_offset("g", "t", 0), None);
    assert_eq!(end(&mut client, "tx", id, epoch, true, 3).await, 0);
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(5));
    for version in [7, 8] {
        let Response::OffsetFetch(r) = client.send(fetch_offsets(true, version), version).await.body else { panic!() };
        assert_eq!(answer(&r, version), (5, 0), "v{version}");
    }
    // Aborted offsets never show.
    let Response::AddOffsetsToTxn(r) = client.send(add_offsets, 3).await.body else { panic!() };
    assert_eq!(r.error_code, 0);
    let Response::TxnOffsetCommit(r) = client.send(commit_offset(9, epoch), 3).await.body else { panic!() };
    assert_eq!(r.topics[0].partitions[0].error_code, 0);
    assert_eq!(end(&mut client, "tx", id, epoch, false, 3).await, 0);
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(5));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn transactions_are_listed_and_producers_described() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let r = init(&mut client, "tx", 60_000, 4).await;
    let (id, epoch) = (r.producer_id, r.producer_epoch);
    assert_eq!(add_partitions(&mut client, "tx", id, epoch, "t", &[0], 3).await, [0]);
    assert_eq!(produce_to(&mut client, "t", 0, batch(&["p"])).await.error_code, 0);
    assert_eq!(produce_to(&mut client, "t", 0, txn_batch(id, epoch, 0, &["a", "b"])).await.error_code, 0);
    let Response::ListTransactions(l) =
        client.send(ListTransactionsRequest { duration_filter: -1, ..Default::default() }, 1).await.body
    else {
        panic!()
    };
    let listed: Vec<(&str, i64, &str)> = l
        .transaction_states
        .iter()
        .map(|t| (t.transactional_id.as_str(), t.producer_id, t.transaction_state.as_str()))
        .collect();
    assert_eq!(listed, [("tx", id, "Ongoing")]);
    let filtered = ListTransactionsRequest {
        state_filters: vec!["CompleteCommit".into(), "Bogus".into()],
        duration_filter: -1,
        ..Default::default()
    };
    let Response::ListTransactions(l) = client.send(filtered, 1).await.body else { panic!() };
    assert!(l.transaction_states.is_empty());
    assert_eq!(l.unknown_state_filters, ["Bogus"]);
    let Response::DescribeTransactions(d) = client
        .send(DescribeTransactionsRequest { transactional_ids: vec!["tx".into()], ..Default::default() }, 0)
        .await
        .body
    else {
        panic!()
    };
    let s = &d.transaction_states[0];
    assert_eq!(s.transaction_state.as_str(), "Ongoing");
    assert!(s.transaction_start_time_ms > 0);
    assert_eq!(
        s.topics.iter().map(|t| (t.topic.as_str(), t.partitions.to_vec())).collect::<Vec<_>>(),
        [("t", vec![0])]
    );
    let describe = DescribeProducersRequest {
        topics: vec![describe_producers_request::TopicRequest {
            name: "t".into(),
            partition_indexes: vec![0].into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::DescribeProducers(p) = client.send(describe, 0).await.body else { panic!() };
    let producers: Vec<(i64, i32, i32, i64)> = p.topics[0].partitions[0]
        .active_producers
        .iter()
        .map(|s| (s.producer_id, s.producer_epoch, s.last_sequence, s.current_txn_start_offset))
        .collect();
    assert_eq!(producers, [(id, epoch as i32, 1, 1)]);
}
