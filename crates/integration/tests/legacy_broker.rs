//! kafka-wire against a real Kafka 3.9.1 broker (KRaft; scripts/test.sh
//! starts it beside the 4.4.0 one, from `kafka-legacy-version`): the
//! versions Kafka 4.0 removed, spoken to a broker that still serves them.
//! ApiVersions at every version; Metadata v0; Produce v0-v2 with legacy
//! message sets (uncompressed and each codec) read back with Fetch v0-v3
//! and the newest Fetch; ListOffsets v0; OffsetCommit/OffsetFetch v0-1;
//! JoinGroup/SyncGroup at their lowest versions; every advertised api at its
//! lowest and highest version. Each response must re-encode to the
//! broker's exact bytes (`Connection::send` checks).

mod probes;

use bytes::Bytes;
use kafka_wire::messages::api_versions_response::ApiVersion;
use kafka_wire::messages::*;
use kafka_wire::records::legacy::LegacyMessage;
use kafka_wire::records::{Compression, DecodeOptions, ReadBatches, RecordSetEntry, WriteBatches};
use kafka_wire::{ApiKey, BrokerMode, ErrorCode, KafkaRelease, VersionRange};
use kafka_wire_integration::{expect, Connection};
use probes::{probe_request, Answers};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

fn address() -> String {
    std::env::var("KAFKA_WIRE_LEGACY_BROKER").expect(
        "KAFKA_WIRE_LEGACY_BROKER is not set: run the tests through scripts/test.sh, which starts a 3.9.1 broker",
    )
}

fn connect() -> Connection {
    Connection::connect(&address()).expect("connect to the 3.9.1 test broker")
}

fn ok(what: &str, code: i16) {
    assert_eq!(code, 0, "{what} failed: {:?}", ErrorCode::try_from(code));
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// Creates a topic with CreateTopics v0 and waits (Metadata v0) for a leader.
fn create_topic_v0(conn: &mut Connection, name: &str) {
    let request = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: name.into(),
            num_partitions: 1,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let response = expect!(conn.send(request, 0).unwrap(), CreateTopics);
    ok("CreateTopics v0", response.topics[0].error_code);
    for _ in 0..100 {
        let metadata = metadata_v0(conn, Some(name));
        let topic = &metadata.topics[0];
        if topic.error_code == 0 && topic.partitions.first().is_some_and(|p| p.leader_id >= 0) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("topic {name} got no leader");
}

fn metadata_v0(conn: &mut Connection, topic: Option<&str>) -> MetadataResponse {
    // v0 has no "all topics" null: an empty list means all.
    let topics = topic.map(|t| metadata_request::MetadataRequestTopic { name: Some(t.into()), ..Default::default() });
    let request = MetadataRequest { topics: Some(topics.into_iter().collect()), ..Default::default() };
    expect!(conn.send(request, 0).unwrap(), Metadata)
}

#[test]
fn advertises_the_removed_versions_and_api_versions_answers_at_every_version() {
    let conn = connect();
    let advertised = conn.broker_versions().clone();
    // The versions 4.0 removed are what this broker is for.
    assert_eq!(advertised[&ApiKey::Fetch.key()].min, 0);
    assert_eq!(advertised[&ApiKey::ListOffsets.key()].min, 0);
    // Exactly what the release table says a 3.9.1 broker advertises in
    // KRaft mode, and the guess names the release.
    for &api in ApiKey::ALL {
        let listed = advertised.get(&api.key()).copied().unwrap_or(VersionRange::NONE);
        let table = api.advertised_in(KafkaRelease::V3_9_1, BrokerMode::KRaft).unwrap();
        assert_eq!(listed, table, "{api}");
    }
    assert!(advertised.keys().all(|&k| ApiKey::from_key(k).is_some()), "an api key we do not know: {advertised:?}");
    let response = ApiVersionsResponse {
        api_keys: advertised
            .iter()
            .map(|(&api_key, r)| ApiVersion { api_key, min_version: r.min, max_version: r.max, ..Default::default() })
            .collect(),
        ..Default::default()
    };
    let guess = KafkaRelease::guess(&response);
    assert!(guess.exact.contains(&(KafkaRelease::V3_9_1, BrokerMode::KRaft)), "{guess:?}");
    for (release, _) in &guess.exact {
        assert_eq!(release.same_protocol_as(), KafkaRelease::V3_9_1.same_protocol_as(), "{guess:?}");
    }
    for version in ApiKey::ApiVersions.valid_versions().iter() {
        let mut conn = Connection::connect_raw(&address()).unwrap();
        let request = ApiVersionsRequest {
            client_software_name: "kafka-wire".into(),
            client_software_version: "test".into(),
            ..Default::default()
        };
        let response = expect!(conn.send(request, version).unwrap(), ApiVersions);
        if version > advertised[&ApiKey::ApiVersions.key()].max {
            // Newer than the broker: UNSUPPORTED_VERSION in a v0 body that
            // gives the broker's own ApiVersions range.
            assert_eq!(ErrorCode::try_from(response.error_code), Ok(ErrorCode::UnsupportedVersion), "v{version}");
            assert_eq!(response.api_keys.len(), 1);
        } else {
            ok(&format!("ApiVersions v{version}"), response.error_code);
            assert!(response.api_keys.len() > 40, "ApiVersions v{version}: {} apis", response.api_keys.len());
        }
    }
}

#[test]
fn metadata_v0_lists_brokers_and_topics() {
    let mut conn = connect();
    let metadata = metadata_v0(&mut conn, None);
    assert_eq!(metadata.brokers.len(), 1);
    assert!(metadata.brokers[0].port > 0);
    let topic = format!("legacy-meta-{}", Uuid::new_v4().simple());
    create_topic_v0(&mut conn, &topic);
    let listed = metadata_v0(&mut conn, None);
    assert!(listed.topics.iter().any(|t| t.name.as_deref() == Some(topic.as_str())));
}

/// (offset, key, value) of every record, whatever the format.
fn contents(partition: &fetch_response::PartitionData) -> Vec<(i64, Option<Bytes>, Option<Bytes>)> {
    let options = DecodeOptions::default();
    let mut out = Vec::new();
    for entry in partition.entries() {
        match entry.expect("a readable entry") {
            RecordSetEntry::Legacy(m) => {
                for inner in m.inner_messages(&options).unwrap() {
                    out.push((inner.offset, inner.key, inner.value));
                }
            }
            RecordSetEntry::Batch(b) => {
                for r in b.records(&options).unwrap() {
                    out.push((b.header.base_offset + r.offset_delta as i64, r.key, r.value));
                }
            }
        }
    }
    out
}

fn fetch_at(
    conn: &mut Connection,
    topic: &str,
    topic_id: Uuid,
    version: i16,
    offset: i64,
) -> fetch_response::PartitionData {
    let request = FetchRequest {
        replica_id: -1,
        max_wait_ms: 100,
        min_bytes: 1,
        max_bytes: 8 << 20,
        topics: vec![fetch_request::FetchTopic {
            topic: topic.into(),
            topic_id,
            partitions: vec![fetch_request::FetchPartition {
                partition: 0,
                fetch_offset: offset,
                partition_max_bytes: 8 << 20,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let response = expect!(conn.send(request, version).unwrap(), Fetch);
    ok(&format!("Fetch v{version}"), response.error_code);
    let partition = response.responses[0].partitions[0].clone();
    ok(&format!("Fetch v{version} partition"), partition.error_code);
    partition
}

#[test]
fn produce_v0_to_v2_legacy_message_sets_read_back_with_fetch_v0_to_v3_and_the_newest() {
    let mut conn = connect();
    let topic = format!("legacy-produce-{}", Uuid::new_v4().simple());
    create_topic_v0(&mut conn, &topic);
    let mut expected = Vec::new();
    for (produce_version, magic) in [(0i16, 0i8), (1, 0), (2, 1)] {
        for codec in [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4] {
            let first = expected.len() as i64;
            let messages: Vec<LegacyMessage> = (0..3)
                .map(|i| {
                    let key = Some(Bytes::from(format!("v{produce_version}-{codec:?}-{i}")));
                    let value = Some(Bytes::from(format!("value {i} of Produce v{produce_version} {codec:?}")));
                    LegacyMessage::new(magic, i, Some(now_ms()), key, value)
                })
                .collect();
            let set = match codec {
                Compression::None => messages.clone(),
                codec => vec![LegacyMessage::compressed_wrapper(magic, codec, None, &messages).unwrap()],
            };
            let mut partition = produce_request::PartitionProduceData { index: 0, ..Default::default() };
            partition.set_legacy_messages(&set).unwrap();
            let request = ProduceRequest {
                acks: -1,
                timeout_ms: 10_000,
                topic_data: vec![produce_request::TopicProduceData {
                    name: topic.as_str().into(),
                    partition_data: vec![partition],
                    ..Default::default()
                }],
                ..Default::default()
            };
            let response = expect!(conn.send(request, produce_version).unwrap(), Produce);
            let partition = &response.responses[0].partition_responses[0];
            ok(&format!("Produce v{produce_version} {codec:?}"), partition.error_code);
            assert_eq!(partition.base_offset, first, "Produce v{produce_version} {codec:?}");
            for (i, m) in messages.into_iter().enumerate() {
                expected.push((first + i as i64, m.key, m.value));
            }
        }
    }
    let topic_id = {
        let request = MetadataRequest {
            topics: Some(vec![metadata_request::MetadataRequestTopic {
                name: Some(topic.as_str().into()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        expect!(conn.send_latest(request).unwrap(), Metadata).topics[0].topic_id
    };
    let newest = conn.version_for(ApiKey::Fetch).unwrap();
    for version in [0, 1, 2, 3, newest] {
        // The broker stores v2 and converts down for the old fetches. A
        // converted response may end in a cut entry (Kafka pads it to the
        // size it announced): fetch again from the next offset, as a
        // consumer does.
        let want_magic = match version {
            0 | 1 => 0,
            2 | 3 => 1,
            _ => 2,
        };
        let mut read = Vec::new();
        while read.len() < expected.len() {
            let partition = fetch_at(&mut conn, &topic, topic_id, version, read.len() as i64);
            assert_eq!(partition.high_watermark, expected.len() as i64, "Fetch v{version}");
            let magics: Vec<i8> = partition.entries().map(|e| e.unwrap().magic()).collect();
            assert!(magics.iter().all(|&m| m == want_magic), "Fetch v{version} returned magics {magics:?}");
            let got = contents(&partition);
            assert!(!got.is_empty(), "Fetch v{version}: no progress at offset {}", read.len());
            if version <= 3 {
                let flat = partition.legacy_messages(&DecodeOptions::default()).unwrap();
                assert_eq!(flat.len(), got.len(), "Fetch v{version}");
            }
            read.extend(got);
        }
        assert_eq!(read, expected, "Fetch v{version}");
    }
}

#[test]
fn list_offsets_v0_returns_old_style_offsets() {
    let mut conn = connect();
    let topic = format!("legacy-offsets-{}", Uuid::new_v4().simple());
    create_topic_v0(&mut conn, &topic);
    let request = ListOffsetsRequest {
        replica_id: -1,
        topics: vec![list_offsets_request::ListOffsetsTopic {
            name: topic.as_str().into(),
            partitions: vec![list_offsets_request::ListOffsetsPartition {
                partition_index: 0,
                timestamp: -1,
                max_num_offsets: 1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let response = expect!(conn.send(request, 0).unwrap(), ListOffsets);
    let partition = &response.topics[0].partitions[0];
    ok("ListOffsets v0", partition.error_code);
    assert_eq!(partition.old_style_offsets.to_vec(), vec![0i64]);
}

#[test]
fn join_and_sync_group_at_their_lowest_versions_then_commit_and_fetch_offsets_v0_v1() {
    let mut conn = connect();
    let group = format!("legacy-group-{}", Uuid::new_v4().simple());
    let topic = format!("legacy-commit-{}", Uuid::new_v4().simple());
    create_topic_v0(&mut conn, &topic);
    // The offsets topic is created on the first request: "not available" until then.
    let mut found = FindCoordinatorResponse::default();
    for _ in 0..100 {
        let coordinator = FindCoordinatorRequest { key: group.as_str().into(), ..Default::default() };
        found = expect!(conn.send(coordinator, 0).unwrap(), FindCoordinator);
        if !ErrorCode::try_from(found.error_code).is_ok_and(|e| e.is_retriable()) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    ok("FindCoordinator v0", found.error_code);

    let join = |conn: &mut Connection, member_id: &str| {
        let request = JoinGroupRequest {
            group_id: group.as_str().into(),
            session_timeout_ms: 10_000,
            member_id: member_id.into(),
            protocol_type: "consumer".into(),
            protocols: vec![join_group_request::JoinGroupRequestProtocol {
                name: "range".into(),
                metadata: Bytes::from_static(&[0, 0, 0, 0, 0, 0, 0, 0]),
                ..Default::default()
            }],
            ..Default::default()
        };
        expect!(conn.send(request, 0).unwrap(), JoinGroup)
    };
    let joined = join(&mut conn, "");
    ok("JoinGroup v0", joined.error_code);
    assert_eq!(joined.leader, joined.member_id);
    let sync = SyncGroupRequest {
        group_id: group.as_str().into(),
        generation_id: joined.generation_id,
        member_id: joined.member_id.clone(),
        assignments: vec![sync_group_request::SyncGroupRequestAssignment {
            member_id: joined.member_id.clone(),
            assignment: Bytes::from_static(b"assigned"),
            ..Default::default()
        }],
        ..Default::default()
    };
    let synced = expect!(conn.send(sync, 0).unwrap(), SyncGroup);
    ok("SyncGroup v0", synced.error_code);
    assert_eq!(&synced.assignment[..], b"assigned");

    // OffsetCommit and OffsetFetch v0 read and wrote offsets in ZooKeeper:
    // a KRaft broker answers them, per partition, UNSUPPORTED_VERSION. v1
    // commits and fetches through the group coordinator.
    for version in [0i16, 1] {
        let request = OffsetCommitRequest {
            group_id: group.as_str().into(),
            generation_id_or_member_epoch: joined.generation_id,
            member_id: joined.member_id.clone(),
            topics: vec![offset_commit_request::OffsetCommitRequestTopic {
                name: topic.as_str().into(),
                partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                    partition_index: 0,
                    committed_offset: 40 + version as i64,
                    commit_timestamp: -1,
                    committed_metadata: Some("legacy".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let response = expect!(conn.send(request, version).unwrap(), OffsetCommit);
        let code = response.topics[0].partitions[0].error_code;
        if version == 0 {
            assert_eq!(ErrorCode::try_from(code), Ok(ErrorCode::UnsupportedVersion), "OffsetCommit v0");
        } else {
            ok("OffsetCommit v1", code);
        }
    }
    for version in [0i16, 1] {
        let request = OffsetFetchRequest {
            group_id: group.as_str().into(),
            topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopic {
                name: topic.as_str().into(),
                partition_indexes: vec![0].into(),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let response = expect!(conn.send(request, version).unwrap(), OffsetFetch);
        let partition = &response.topics[0].partitions[0];
        if version == 0 {
            let code = ErrorCode::try_from(partition.error_code);
            assert_eq!(code, Ok(ErrorCode::UnsupportedVersion), "OffsetFetch v0");
            continue;
        }
        ok(&format!("OffsetFetch v{version}"), partition.error_code);
        assert_eq!(partition.committed_offset, 41, "OffsetFetch v{version}");
        assert_eq!(partition.metadata.as_deref(), Some("legacy"));
    }
}

#[test]
fn every_advertised_api_answers_at_its_lowest_and_highest_version() {
    let advertised = connect().broker_versions().clone();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut answers = Answers::default();
    for (&key, range) in &advertised {
        let api = ApiKey::from_key(key).unwrap();
        for version in [range.min, range.max] {
            let mut conn = Connection::connect_raw(&address()).unwrap();
            conn.set_read_timeout(Duration::from_secs(15)).unwrap();
            match conn.send(probe_request(api, version), version) {
                Ok(response) => {
                    let errors = answers.note(format!("{api} v{version}"), &response, version);
                    report.push(format!("{api:>40} v{version:<2} ok {errors}"));
                }
                Err(e) => {
                    report.push(format!("{api:>40} v{version:<2} FAILED: {e}"));
                    failures.push(format!("{api} v{version}: {e}"));
                }
            }
        }
    }
    println!("per-API report ({} APIs advertised by 3.9.1):\n{}", advertised.len(), report.join("\n"));
    assert!(failures.is_empty(), "requests that failed:\n{}", failures.join("\n"));
    // 85 of the 122 probes (61 apis, lowest and highest version) answer
    // with no error; the others are default bodies the broker rightly
    // refuses, as in the 4.4.0 suite (ConsumerGroupHeartbeat v0 too, not
    // enabled on 3.9.1). 60% as there.
    answers.assert_mostly_clean(0.6);
}

/// Asked for ApiVersions v5, a 3.9.1 broker answers UNSUPPORTED_VERSION with
/// its own range; both clients ask again at its highest and negotiate.
#[tokio::test]
async fn clients_negotiate_down_to_the_brokers_api_versions() {
    let ours = ApiKey::ApiVersions.valid_versions().max;
    let advertised = connect().broker_versions()[&ApiKey::ApiVersions.key()];
    assert!(advertised.max < ours, "the 3.9.1 broker now speaks ApiVersions v{ours}: nothing to retry");
    let client = kafka_wire_integration::async_client::AsyncClient::connect(&address()).await.unwrap();
    assert_eq!(client.versions().version(ApiKey::Fetch).ok(), Some(17), "3.9.1's highest Fetch");
}
