//! Kafka's stored records on the real broker of scripts/test.sh. After a
//! classic group commits an offset, a consumer group and a share group
//! join, and a transaction commits:
//!
//! - `__consumer_offsets` and `__transaction_state`, fetched through the
//!   protocol, decode record by record and hold what the flows did;
//! - the metadata log and a metadata snapshot, read from the broker's data
//!   directory, hold the topic the test created;
//! - Kafka's own `DumpLogSegments` (from the broker's jars), run over copies
//!   of the same files, agrees with our reading batch by batch and record by
//!   record, decoded JSON included.

mod flows;

use bytes::Bytes;
use flows::*;
use kafka_wire::json::serde_json::{json, Value};
use kafka_wire::json::ToJson;
use kafka_wire::log::{InternalTopic, LogBatch, LogReader, LogRecord, SnapshotId, StoredEntry, StoredRecord};
use kafka_wire::messages::stored::*;
use kafka_wire::messages::*;
use kafka_wire::records::{attributes, BatchHeader, Compression, ControlRecord, Record, RecordBatch, RecordSetEntry};
use kafka_wire_integration::dump_log_segments::{
    assert_batch_line, assert_record_line, broker_data_dir, copy_partition_files, dump_log_segments, dumped_content,
    expected_batch_line, files_with, screaming_snake,
};
use kafka_wire_integration::{expect, Connection};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What the flows did, for the tests to find.
struct Flows {
    topic: String,
    topic_id: Uuid,
    group: String,
    member_id: String,
    consumer_group: String,
    share_group: String,
    txn: String,
    producer_id: i64,
}

/// Runs the flows once, for every test of this file.
fn flows() -> &'static Flows {
    static FLOWS: OnceLock<Flows> = OnceLock::new();
    FLOWS.get_or_init(|| {
        let mut conn = connect();
        let topic = unique("stored-topic");
        let topic_id = create_topic(&mut conn, &topic, 2);
        let group = unique("stored-group");
        find_coordinator(&mut conn, &group, 0);
        let joined = join_classic_group(&mut conn, &group);
        commit_offset(&mut conn, &group, &joined, (&topic, topic_id), 42, "stored");
        let consumer_group = unique("stored-cg");
        join_consumer_group(&mut conn, &consumer_group, &topic);
        let share_group = unique("stored-sg");
        let mut member = ShareMember::join(&mut conn, &share_group, &topic);
        share_partitions_of(&mut conn, &share_group, Some(&mut member), Duration::from_secs(60));
        let txn = unique("stored-txn");
        let batch = RecordBatch::from_records(
            Compression::Lz4,
            [(1000, Record { value: Some(Bytes::from_static(b"in a transaction")), ..Default::default() })],
        );
        let producer = committed_transaction(&mut conn, &txn, (&topic, topic_id), batch);
        Flows {
            topic,
            topic_id,
            group,
            member_id: joined.member_id.to_string(),
            consumer_group,
            share_group,
            txn,
            producer_id: producer.producer_id,
        }
    })
}

/// A share group's member, heartbeating as a share consumer does.
struct ShareMember {
    heartbeat: ShareGroupHeartbeatRequest,
}

impl ShareMember {
    /// Joins `group`, subscribed to `topic`.
    fn join(conn: &mut Connection, group: &str, topic: &str) -> ShareMember {
        let heartbeat = ShareGroupHeartbeatRequest {
            group_id: group.into(),
            member_id: Uuid::new_v4().simple().to_string().into(),
            member_epoch: 0,
            subscribed_topic_names: Some(vec![topic.into()]),
            ..Default::default()
        };
        let mut member = ShareMember { heartbeat };
        member.beat(conn);
        member
    }

    /// One heartbeat, at the epoch the last one returned.
    fn beat(&mut self, conn: &mut Connection) {
        let response = until_not_retriable(
            || expect!(conn.send_latest(self.heartbeat.clone()).unwrap(), ShareGroupHeartbeat),
            |r| r.error_code,
        );
        ok("ShareGroupHeartbeat", response.error_code);
        self.heartbeat.member_epoch = response.member_epoch;
        self.heartbeat.subscribed_topic_names = None; // sent once, as a client does
    }
}

/// The partitions `__share_group_state` holds for `group`, waiting up to
/// `patience` for some: the group coordinator has the share coordinator
/// initialise them (creating its topic first) after an assignment, on its
/// own time. A `member` keeps heartbeating meanwhile, as a consumer would.
fn share_partitions_of(
    conn: &mut Connection,
    group: &str,
    mut member: Option<&mut ShareMember>,
    patience: Duration,
) -> Vec<(Uuid, i32)> {
    let deadline = Instant::now() + patience;
    loop {
        let mut partitions: Vec<(Uuid, i32)> = match internal_topic(conn, InternalTopic::ShareGroupState) {
            Some(described) => {
                let records = topic_records(conn, InternalTopic::ShareGroupState, &described);
                picked(&records, |r| match r {
                    StoredRecord::ShareCoordinator { key: ShareCoordinatorKey::ShareSnapshot(k), .. }
                        if k.group_id.as_str() == group =>
                    {
                        Some((k.topic_id, k.partition))
                    }
                    _ => None,
                })
            }
            None => Vec::new(),
        };
        partitions.sort();
        partitions.dedup();
        if !partitions.is_empty() || Instant::now() > deadline {
            return partitions;
        }
        if let Some(member) = member.as_deref_mut() {
            member.beat(conn);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Every record of an internal topic, fetched partition by partition up to
/// its high watermark, each decoded as the topic stores it. A coordinator
/// creates its topic when it first needs it: an internal topic that does
/// not exist yet, or whose partitions have no leader yet, is waited for.
fn fetch_internal_topic(conn: &mut Connection, topic: InternalTopic) -> Vec<(LogRecord, StoredEntry)> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let described = loop {
        match internal_topic(conn, topic) {
            Some(described) => break described,
            None if Instant::now() > deadline => panic!("{} has no leaders after 60 s", topic.name()),
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    };
    topic_records(conn, topic, &described)
}

/// The internal topic's metadata, if it exists and every partition has a leader.
fn internal_topic(conn: &mut Connection, topic: InternalTopic) -> Option<metadata_response::MetadataResponseTopic> {
    let metadata = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            name: Some(topic.name().into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let described = expect!(conn.send_latest(metadata).unwrap(), Metadata).topics.swap_remove(0);
    let ready = described.error_code == 0
        && !described.partitions.is_empty()
        && described.partitions.iter().all(|p| p.leader_id >= 0);
    ready.then_some(described)
}

/// Every record of `described`'s partitions, decoded as `topic` stores them.
fn topic_records(
    conn: &mut Connection,
    topic: InternalTopic,
    described: &metadata_response::MetadataResponseTopic,
) -> Vec<(LogRecord, StoredEntry)> {
    let mut records = Vec::new();
    for partition in &described.partitions {
        let mut offset = 0;
        loop {
            let data = fetch_partition(conn, described.topic_id, partition.partition_index, offset, false);
            let bytes = data.records.unwrap_or_default();
            let fetched_from = offset;
            for batch in LogReader::new(&bytes[..]) {
                let batch =
                    batch.unwrap_or_else(|e| panic!("{} partition {}: {e}", topic.name(), data.partition_index));
                let decoded = batch.stored_records(topic).unwrap_or_else(|e| panic!("{}: {e}", topic.name()));
                records.extend(decoded);
                offset = batch.last_offset() + 1;
            }
            if offset >= data.high_watermark {
                break;
            }
            // A fetch below the high watermark that returns no batch would
            // be asked again for ever.
            assert!(
                offset > fetched_from,
                "{} partition {}: a fetch at {fetched_from} (high watermark {}) returned no batch: {} bytes",
                topic.name(),
                data.partition_index,
                data.high_watermark,
                bytes.len()
            );
        }
    }
    records
}

/// What `pick` takes from each record of the topic (control records aside).
fn picked<T>(records: &[(LogRecord, StoredEntry)], pick: impl Fn(&StoredRecord) -> Option<T>) -> Vec<T> {
    records
        .iter()
        .filter_map(|(_, entry)| match entry {
            StoredEntry::Record(record) => pick(record),
            StoredEntry::Control(_) => None,
        })
        .collect()
}

#[test]
fn consumer_offsets_hold_the_groups_and_their_committed_offset() {
    let flows = flows();
    let records = fetch_internal_topic(&mut connect(), InternalTopic::ConsumerOffsets);
    let group_records = picked(&records, |r| match r {
        StoredRecord::GroupCoordinator { key, value } => Some((key.clone(), value.clone().map(|(v, _)| v))),
        _ => None,
    });

    let commit = group_records.iter().find_map(|(key, value)| match (key, value) {
        (GroupCoordinatorKey::OffsetCommit(k), Some(GroupCoordinatorValue::OffsetCommit(v)))
            if k.group.as_str() == flows.group =>
        {
            Some((k.clone(), v.clone()))
        }
        _ => None,
    });
    let (key, value) = commit.expect("the group's offset commit");
    assert_eq!((key.topic.as_str(), key.partition), (flows.topic.as_str(), 0));
    assert_eq!((value.offset, value.metadata.as_str()), (42, "stored"));

    let classic = group_records.iter().rev().find_map(|(key, value)| match (key, value) {
        (GroupCoordinatorKey::GroupMetadata(k), Some(GroupCoordinatorValue::GroupMetadata(v)))
            if k.group.as_str() == flows.group =>
        {
            Some(v.clone())
        }
        _ => None,
    });
    let classic = classic.expect("the classic group's metadata");
    assert_eq!(classic.protocol_type.as_str(), "consumer");
    let members: Vec<&str> = classic.members.iter().map(|m| m.member_id.as_str()).collect();
    assert_eq!(members, [flows.member_id.as_str()]);

    let subscribed = group_records.iter().find_map(|(key, value)| match (key, value) {
        (
            GroupCoordinatorKey::ConsumerGroupMemberMetadata(k),
            Some(GroupCoordinatorValue::ConsumerGroupMemberMetadata(v)),
        ) if k.group_id.as_str() == flows.consumer_group => Some(v.subscribed_topic_names.clone()),
        _ => None,
    });
    assert_eq!(subscribed.expect("the consumer group member"), [flows.topic.as_str()]);
    assert!(
        group_records.iter().any(|(key, _)| matches!(key, GroupCoordinatorKey::ConsumerGroupMetadata(k) if k.group_id.as_str() == flows.consumer_group)),
        "the consumer group's metadata"
    );
    assert!(
        group_records.iter().any(|(key, _)| matches!(key, GroupCoordinatorKey::ShareGroupMetadata(k) if k.group_id.as_str() == flows.share_group)),
        "the share group's metadata"
    );
}

#[test]
fn share_group_state_holds_the_share_groups_partitions() {
    let flows = flows();
    let partitions = share_partitions_of(&mut connect(), &flows.share_group, None, Duration::ZERO);
    assert_eq!(partitions, [(flows.topic_id, 0), (flows.topic_id, 1)]);
}

#[test]
fn transaction_state_holds_the_committed_transaction() {
    let flows = flows();
    let records = fetch_internal_topic(&mut connect(), InternalTopic::TransactionState);
    let states: Vec<TransactionLogValue> = picked(&records, |r| match r {
        StoredRecord::TransactionCoordinator {
            key: TransactionCoordinatorKey::TransactionLog(k),
            value: Some((TransactionCoordinatorValue::TransactionLog(v), _)),
        } if k.transactional_id.as_str() == flows.txn => Some(v.clone()),
        _ => None,
    });
    assert!(states.iter().all(|s| s.producer_id == flows.producer_id));
    // Kafka's TransactionState ids: 1 Ongoing, 2 PrepareCommit, 4 CompleteCommit.
    let statuses: Vec<i8> = states.iter().map(|s| s.transaction_status).collect();
    for status in [1, 2, 4] {
        assert!(statuses.contains(&status), "status {status} in {statuses:?}");
    }
    let ongoing = states.iter().find(|s| s.transaction_status == 1).unwrap();
    let partitions = ongoing.transaction_partitions.as_ref().expect("the ongoing transaction's partitions");
    assert_eq!(partitions[0].topic.as_str(), flows.topic);
    assert_eq!(partitions[0].partition_ids, [0]);
}

/// Every record of a metadata log file, decoded.
fn metadata_entries(path: &Path) -> Vec<(LogRecord, StoredEntry)> {
    let mut entries = Vec::new();
    for batch in LogReader::open(path).unwrap() {
        let batch = batch.unwrap_or_else(|e| panic!("{e}"));
        entries.extend(batch.stored_records(InternalTopic::ClusterMetadata).unwrap_or_else(|e| panic!("{e}")));
    }
    entries
}

/// The offset of the test topic's TopicRecord, and the partitions recorded for it.
fn topic_in(entries: &[(LogRecord, StoredEntry)], flows: &Flows) -> Option<(i64, Vec<i32>)> {
    let mut found = None;
    let mut partitions = Vec::new();
    for (record, entry) in entries {
        match entry {
            StoredEntry::Record(StoredRecord::Metadata { record: MetadataRecord::Topic(t), .. })
                if t.name.as_str() == flows.topic =>
            {
                assert_eq!(t.topic_id, flows.topic_id);
                found = Some(record.offset);
            }
            StoredEntry::Record(StoredRecord::Metadata { record: MetadataRecord::Partition(p), .. })
                if p.topic_id == flows.topic_id =>
            {
                partitions.push(p.partition_id)
            }
            _ => {}
        }
    }
    found.map(|offset| (offset, partitions))
}

#[test]
fn the_metadata_log_and_a_snapshot_hold_the_created_topic() {
    let flows = flows();
    let dir = broker_data_dir().join("__cluster_metadata-0");
    let mut in_log = None;
    for segment in files_with(&dir, "log") {
        in_log = in_log.or(topic_in(&metadata_entries(&segment), flows));
    }
    let (topic_offset, partitions) = in_log.expect("the TopicRecord in the metadata log");
    assert_eq!(partitions, [0, 1]);

    // The broker writes a snapshot every few seconds (scripts/broker.sh):
    // wait for one that includes the topic.
    let deadline = Instant::now() + Duration::from_secs(60);
    let snapshot = loop {
        let newest =
            files_with(&dir, "checkpoint").into_iter().filter_map(|p| Some((SnapshotId::from_path(&p)?, p))).max();
        match newest {
            Some((id, path)) if id.end_offset > topic_offset => break path,
            _ if Instant::now() > deadline => panic!("no snapshot after offset {topic_offset} in {}", dir.display()),
            _ => std::thread::sleep(Duration::from_millis(500)),
        }
    };
    let entries = metadata_entries(&snapshot);
    assert!(matches!(entries.first(), Some((_, StoredEntry::Control(ControlRecord::SnapshotHeader(_))))));
    assert!(matches!(entries.last(), Some((_, StoredEntry::Control(ControlRecord::SnapshotFooter(_))))));
    let (_, partitions) = topic_in(&entries, flows).expect("the topic in the snapshot");
    assert_eq!(partitions, [0, 1]);
}

// ---- The differential check against Kafka's DumpLogSegments ----

/// What DumpLogSegments prints after a record's header keys, from our
/// decoding: the JSON parsed, so that formatting does not matter.
fn expected_content(entry: &StoredEntry) -> Value {
    match entry {
        StoredEntry::Control(control) => control_content(control),
        StoredEntry::Record(StoredRecord::Metadata { record, version }) => json!({"payload": {
            "type": format!("{}_RECORD", screaming_snake(record.record_type().name())),
            "version": version,
            "data": record.to_json(*version).unwrap(),
        }}),
        StoredEntry::Record(StoredRecord::GroupCoordinator { key, value }) => coordinator_content(
            key.record_type().id(),
            key.to_json().unwrap(),
            value.as_ref().map(|(v, version)| (*version, v.to_json(*version).unwrap())),
        ),
        StoredEntry::Record(StoredRecord::TransactionCoordinator { key, value }) => coordinator_content(
            key.record_type().id(),
            key.to_json().unwrap(),
            value.as_ref().map(|(v, version)| (*version, transaction_value_json(v, *version))),
        ),
        StoredEntry::Record(StoredRecord::ShareCoordinator { key, value }) => coordinator_content(
            key.record_type().id(),
            key.to_json().unwrap(),
            value.as_ref().map(|(v, version)| (*version, v.to_json(*version).unwrap())),
        ),
        other => panic!("no internal topic of ours writes {other:?}"),
    }
}

fn coordinator_content(type_id: i16, key: Value, value: Option<(i16, Value)>) -> Value {
    let payload = match value {
        Some((version, data)) => json!({"version": version.to_string(), "data": data}),
        None => json!("<DELETE>"),
    };
    json!({"key": {"type": type_id.to_string(), "data": key}, "payload": payload})
}

/// DumpLogSegments prints a transaction's status by its name.
fn transaction_value_json(value: &TransactionCoordinatorValue, version: i16) -> Value {
    let mut json = value.to_json(version).unwrap();
    if let Some(status) = json.get_mut("transactionStatus") {
        let names = [
            "Empty",
            "Ongoing",
            "PrepareCommit",
            "PrepareAbort",
            "CompleteCommit",
            "CompleteAbort",
            "Dead",
            "PrepareEpochFence",
        ];
        *status = json!(names[status.as_i64().unwrap() as usize]);
    }
    json
}

fn control_content(control: &ControlRecord) -> Value {
    let (name, json) = match control {
        ControlRecord::Commit { coordinator_epoch } => {
            return json!({"endTxnMarker": "COMMIT", "coordinatorEpoch": coordinator_epoch})
        }
        ControlRecord::Abort { coordinator_epoch } => {
            return json!({"endTxnMarker": "ABORT", "coordinatorEpoch": coordinator_epoch})
        }
        ControlRecord::LeaderChange(m) => ("LeaderChange", m.to_json(0)),
        ControlRecord::SnapshotHeader(m) => ("SnapshotHeader", m.to_json(0)),
        ControlRecord::SnapshotFooter(m) => ("SnapshotFooter", m.to_json(0)),
        ControlRecord::KRaftVersion(m) => ("KRaftVersion", m.to_json(0)),
        ControlRecord::KRaftVoters(m) => ("KRaftVoters", m.to_json(0)),
        other => panic!("an unexpected control record {other:?}"),
    };
    json!({ name: json.unwrap() })
}

/// A batch header's fields by the names `kafka-wire dump-log --json` uses,
/// for [`expected_batch_line`].
fn batch_json(header: &BatchHeader, position: u64, size: u64) -> Value {
    json!({
        "position": position,
        "baseOffset": header.base_offset,
        "lastOffset": header.last_offset(),
        "count": header.records_count,
        "magic": header.magic,
        "compression": header.compression().map(|c| c.name()).unwrap_or("unknown"),
        "timestampType": format!("{:?}", header.timestamp_type()),
        "isTransactional": header.is_transactional(),
        "isControl": header.is_control(),
        "producerId": header.producer_id,
        "producerEpoch": header.producer_epoch,
        "baseSequence": header.base_sequence,
        "partitionLeaderEpoch": header.partition_leader_epoch,
        "baseTimestamp": header.base_timestamp,
        "maxTimestamp": header.max_timestamp,
        "deleteHorizon": header.attributes & attributes::DELETE_HORIZON != 0,
        "crc": header.crc,
        "size": size,
    })
}

/// Compares our reading of `files` with DumpLogSegments' (run with
/// `decoder`): every field of every batch's line, every field of every
/// record's line (offset, timestamp, sizes, sequence, header keys) and its
/// decoded content. Returns how many records were compared, and how many
/// consumer-protocol fields were read.
fn compare_with_dump_log_segments(files: &[PathBuf], decoder: &str) -> (usize, usize) {
    let dumped = dump_log_segments(files, decoder);
    assert_eq!(dumped.len(), files.len(), "DumpLogSegments dumped {} of {} files", dumped.len(), files.len());
    let mut compared = (0, 0);
    for (file, (dumped_name, dumped_batches)) in files.iter().zip(&dumped) {
        assert!(
            dumped_name.ends_with(file.file_name().unwrap().to_str().unwrap()),
            "{dumped_name} vs {}",
            file.display()
        );
        let topic = InternalTopic::from_path(file).unwrap();
        let mut reader = LogReader::open(file).unwrap();
        let ours: Vec<LogBatch> = reader.by_ref().collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ours.len(),
            dumped_batches.len(),
            "{}: batches (ours, tail {:?})",
            file.display(),
            reader.truncated_tail()
        );
        for (batch, dumped) in ours.iter().zip(dumped_batches) {
            let RecordSetEntry::Batch(view) = &batch.entry else {
                panic!("{}: a legacy message in a 4.x log", file.display())
            };
            let at = format!("{} batch {} at {}", file.display(), batch.index, batch.position);
            let header = &view.header;
            let ours_batch = batch_json(header, batch.position, batch.size());
            assert_batch_line(dumped, &expected_batch_line(&ours_batch), &at);
            let records = batch.stored_records(topic).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(records.len(), dumped.records.len(), "{at}: records");
            for ((record, entry), dumped) in records.iter().zip(&dumped.records) {
                let at = format!("{at}, offset {}", record.offset);
                let size = |b: &Option<Bytes>| b.as_ref().map_or(-1, |b| b.len() as i64);
                let header_keys: Vec<&str> = record.headers.iter().map(|h| h.key.as_str()).collect();
                assert_record_line(
                    dumped,
                    &ours_batch,
                    record.offset,
                    record.timestamp,
                    size(&record.key),
                    size(&record.value),
                    &header_keys,
                    &at,
                );
                let theirs = dumped_content(&dumped.content);
                let mut ours = expected_content(entry);
                compared.1 += consumer_protocol::read_members(&mut ours, &theirs);
                assert_eq!(ours, theirs, "{at}: {}", dumped.content);
                compared.0 += 1;
            }
        }
    }
    compared
}

#[test]
fn dump_log_segments_agrees_with_our_reading_of_every_internal_topic() {
    flows();
    let copies = std::env::temp_dir().join(format!("kafka-wire-stored-{}", Uuid::new_v4().simple()));
    let decoders = [
        (InternalTopic::ConsumerOffsets, "--offsets-decoder"),
        (InternalTopic::TransactionState, "--transaction-log-decoder"),
        (InternalTopic::ShareGroupState, "--share-group-state-decoder"),
        (InternalTopic::ClusterMetadata, "--cluster-metadata-decoder"),
    ];
    for (topic, decoder) in decoders {
        let files = copy_partition_files(topic.name(), &copies);
        assert!(!files.is_empty(), "no files of {}", topic.name());
        let (compared, consumer_protocol) = compare_with_dump_log_segments(&files, decoder);
        println!(
            "{}: {} files, {compared} records agree with DumpLogSegments ({consumer_protocol} consumer-protocol \
             subscriptions and assignments read)",
            topic.name(),
            files.len()
        );
        assert!(compared > 0, "no records of {}", topic.name());
        if topic == InternalTopic::ConsumerOffsets {
            // The flows' classic member: its subscription and its assignment.
            assert!(consumer_protocol >= 2, "{consumer_protocol} classic members' subscriptions and assignments read");
        }
    }
    std::fs::remove_dir_all(&copies).unwrap();
}
