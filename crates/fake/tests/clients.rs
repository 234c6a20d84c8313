//! The fake broker through kafka-wire's own client codec: every version of
//! Produce and Fetch, metadata, offsets, personas.

mod common;

use bytes::Bytes;
use common::*;
use kafka_wire::messages::*;
use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
use kafka_wire::records::{RecordSetEntry, RecordSetIter};
use kafka_wire::{ApiKey, ErrorCode, KafkaRelease, Response};
use kafka_wire_fake::FakeCluster;

#[tokio::test]
async fn every_produce_and_fetch_version_round_trips() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let id = topic_id(&mut client, "t").await;
    let mut expected = 0i64;
    for version in ApiKey::Produce.valid_versions().iter() {
        let records =
            match version {
                0 | 1 => encode_message_set(&[LegacyMessage::new(0, 0, None, None, Some(Bytes::from_static(b"v0")))])
                    .unwrap(),
                2 => encode_message_set(&[LegacyMessage::new(1, 0, Some(5), None, Some(Bytes::from_static(b"v1")))])
                    .unwrap(),
                _ => batch(&["a", "b"]),
            };
        let count = if version < 3 { 1 } else { 2 };
        let Response::Produce(response) = client.send(produce("t", records, id), version).await.body else { panic!() };
        let p = &response.responses[0].partition_responses[0];
        assert_eq!((p.error_code, p.base_offset), (0, expected), "Produce v{version}");
        expected += count;
    }
    assert_eq!(cluster.offsets("t", 0).unwrap(), (0, expected));
    assert_eq!(cluster.records("t", 0).unwrap().len() as i64, expected);
    for version in ApiKey::Fetch.valid_versions().iter() {
        let Response::Fetch(response) = client.send(fetch("t", 0, id), version).await.body else { panic!() };
        let p = &response.responses[0].partitions[0];
        assert_eq!((p.error_code, p.high_watermark), (0, expected), "Fetch v{version}");
        let entries: Vec<RecordSetEntry> =
            RecordSetIter::new(p.records.clone().unwrap()).collect::<Result<_, _>>().expect("records decode");
        let magic = match version {
            0 | 1 => 0,
            2 | 3 => 1,
            _ => 2,
        };
        assert!(entries.iter().all(|e| e.magic() == magic), "Fetch v{version} carries magic {magic}");
        let records: usize = entries
            .iter()
            .map(|e| match e {
                RecordSetEntry::Batch(b) => b.header.records_count as usize,
                RecordSetEntry::Legacy(_) => 1,
            })
            .sum();
        assert_eq!(records as i64, expected, "Fetch v{version}");
    }
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn a_release_persona_answers_as_its_release() {
    let cluster = FakeCluster::builder().release(KafkaRelease::V2_8_0).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let Response::ApiVersions(versions) = client.send(ApiVersionsRequest::default(), 3).await.body else { panic!() };
    assert_eq!(versions.error_code, 0);
    let guess = KafkaRelease::guess(&versions);
    assert!(guess.releases().contains(&KafkaRelease::V2_8_0), "{guess:?}");
    // 2.8.0 knows ApiVersions v0-3: v4 is answered at v0 with UNSUPPORTED_VERSION.
    let response = client.send(ApiVersionsRequest::default(), 4).await;
    assert_eq!(response.version, 0);
    let Response::ApiVersions(refusal) = response.body else { panic!() };
    assert_eq!(refusal.error_code, ErrorCode::UnsupportedVersion.code());
    // Fetch v13 is newer than 2.8.0: the connection is closed.
    client.send_refused(fetch("t", 0, uuid::Uuid::nil()), 13).await;
}

#[tokio::test]
async fn a_broker_older_than_api_versions_closes_on_it_and_serves_v0() {
    let cluster = FakeCluster::builder().release(KafkaRelease::V0_9_0_1).topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    client.send_refused(ApiVersionsRequest::default(), 0).await;
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let records = encode_message_set(&[LegacyMessage::new(0, 0, None, None, Some(Bytes::from_static(b"x")))]).unwrap();
    let Response::Produce(r) = client.send(produce("t", records, uuid::Uuid::nil()), 0).await.body else { panic!() };
    assert_eq!(r.responses[0].partition_responses[0].error_code, 0);
    let Response::Fetch(r) = client.send(fetch("t", 0, uuid::Uuid::nil()), 0).await.body else { panic!() };
    assert_eq!(r.responses[0].partitions[0].high_watermark, 1);
}

#[tokio::test]
async fn a_4x_persona_closes_on_produce_v0_to_v2() {
    let cluster = FakeCluster::builder().release(KafkaRelease::V4_0_0).topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let records = encode_message_set(&[LegacyMessage::new(0, 0, None, None, Some(Bytes::from_static(b"x")))]).unwrap();
    client.send_refused(produce("t", records, uuid::Uuid::nil()), 2).await;
}

/// Random requests of every version of every api the broker advertises,
/// as itself and as four releases: each is answered (or refused as Kafka
/// refuses it, by closing), and every answer encodes at its version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_version_of_every_served_api_is_answered_and_encodes() {
    for release in [
        None,
        Some(KafkaRelease::V0_10_2_2),
        Some(KafkaRelease::V2_8_0),
        Some(KafkaRelease::V3_9_1),
        Some(KafkaRelease::V4_4_0),
    ] {
        let mut builder = FakeCluster::builder().brokers(2).topic("t", 2);
        if let Some(release) = release {
            builder = builder.release(release);
        }
        sweep(builder.start().await.unwrap()).await;
    }
}

async fn sweep(cluster: FakeCluster) {
    use kafka_wire::random::Rng;
    use kafka_wire::Request;
    let mut rng = Rng::with_seed(7);
    let (mut answered, mut closed, mut unserved, mut waiting) = (0, 0, 0, Vec::new());
    for &api in ApiKey::ALL {
        for version in cluster.persona().advertised(api).iter() {
            for case in 0..3 {
                let mut request = Request::random(api, &mut rng, version);
                // Two cases of three name the topic that exists, so that the
                // answers' success paths are encoded too, not only errors.
                if case > 0 {
                    aim_at_topic(&mut request, version);
                }
                // Keep long polls and rebalances short: their waiting is tested elsewhere.
                match &mut request {
                    Request::Fetch(f) => f.max_wait_ms = f.max_wait_ms.clamp(0, 50),
                    Request::JoinGroup(j) => j.rebalance_timeout_ms = j.rebalance_timeout_ms.clamp(0, 50),
                    _ => {}
                }
                let mut client = Client::connect(cluster.addresses()[0]).await;
                let served = kafka_wire_fake::served_apis().contains(&api);
                match tokio::time::timeout(std::time::Duration::from_secs(2), client.try_send(request, version)).await {
                    Ok(Some(_)) if !served => panic!("{} v{version} is not served, yet answered", api.name()),
                    Ok(None) if !served => unserved += 1,
                    Ok(Some(response)) => {
                        assert_eq!(response.api_key(), api);
                        answered += 1;
                    }
                    Ok(None) => closed += 1,
                    Err(_) => waiting.push(format!("{} v{version}", api.name())),
                }
            }
        }
    }
    println!(
        "{:?}: {answered} answered, {closed} refused by closing, {unserved} of apis not served closed, {} still waiting",
        cluster.persona(),
        waiting.len()
    );
    // A request for an api the persona advertises but the broker does not
    // serve is reported, and nothing else is.
    let problems: Vec<String> =
        cluster.problems().into_iter().filter(|p| !p.contains("is advertised but not served")).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(cluster.problems().len(), unserved);
    assert!(waiting.iter().all(|w| w.starts_with("SyncGroup") || w.starts_with("JoinGroup")), "{waiting:?}");
    assert!(answered > 5 * closed, "{answered} answered, {closed} closed");
}

/// Points a random request at topic "t", partition 0 (led by broker 0),
/// with records that validate, where the request names topics.
fn aim_at_topic(request: &mut kafka_wire::Request, version: i16) {
    use kafka_wire::Request;
    let t = || kafka_wire::StrBytes::from_static("t");
    match request {
        Request::Produce(r) => {
            r.acks = -1;
            let records = match version {
                0 | 1 => {
                    encode_message_set(&[LegacyMessage::new(0, 0, None, None, Some(Bytes::from_static(b"x")))]).unwrap()
                }
                2 => encode_message_set(&[LegacyMessage::new(1, 0, Some(1), None, Some(Bytes::from_static(b"x")))])
                    .unwrap(),
                _ => batch(&["x"]),
            };
            for topic in &mut r.topic_data {
                topic.name = t();
                for p in &mut topic.partition_data {
                    p.index = 0;
                    p.records = Some(records.clone());
                }
            }
        }
        Request::Fetch(r) => {
            r.session_id = 0;
            for topic in &mut r.topics {
                topic.topic = t();
                for p in &mut topic.partitions {
                    p.partition = 0;
                    p.fetch_offset = 0;
                    p.current_leader_epoch = -1;
                }
            }
        }
        Request::ListOffsets(r) => {
            for topic in &mut r.topics {
                topic.name = t();
                for (i, p) in topic.partitions.iter_mut().enumerate() {
                    p.partition_index = 0;
                    p.current_leader_epoch = -1;
                    p.timestamp = [-1, -2, -3, 0][i % 4];
                }
            }
        }
        Request::OffsetForLeaderEpoch(r) => {
            for topic in &mut r.topics {
                topic.topic = t();
                for p in &mut topic.partitions {
                    p.partition = 0;
                    p.current_leader_epoch = -1;
                    p.leader_epoch = 0;
                }
            }
        }
        Request::DeleteRecords(r) => {
            for topic in &mut r.topics {
                topic.name = t();
                for p in &mut topic.partitions {
                    p.partition_index = 0;
                    p.offset = -1;
                }
            }
        }
        Request::Metadata(r) => {
            if let Some(topics) = &mut r.topics {
                for topic in topics {
                    topic.name = Some(t());
                    topic.topic_id = uuid::Uuid::nil();
                }
            }
        }
        Request::DescribeConfigs(r) => {
            for resource in &mut r.resources {
                resource.resource_type = 2;
                resource.resource_name = t();
                resource.configuration_keys = None;
            }
        }
        Request::OffsetCommit(r) => {
            r.generation_id_or_member_epoch = -1;
            r.member_id = Default::default();
            r.group_instance_id = None;
            for topic in &mut r.topics {
                topic.name = t();
                for p in &mut topic.partitions {
                    p.partition_index = 0;
                    p.committed_metadata = Some("m".into());
                }
            }
        }
        // Every committed offset: null topics, from v2 (per group from v8).
        Request::OffsetFetch(r) if (2..8).contains(&version) => r.topics = None,
        Request::OffsetFetch(r) if version >= 8 => {
            for group in &mut r.groups {
                group.topics = None;
            }
        }
        _ => {}
    }
}

/// Every release that answers ApiVersions, as a persona, is recognized as
/// itself (or the first release that speaks as it does).
#[tokio::test]
async fn every_release_persona_is_guessed_as_itself() {
    for &release in KafkaRelease::ALL.iter().filter(|r| r.answers_api_versions()) {
        let cluster = FakeCluster::builder().release(release).start().await.unwrap();
        let mut client = Client::connect(cluster.addresses()[0]).await;
        let Response::ApiVersions(versions) = client.send(ApiVersionsRequest::default(), 0).await.body else {
            panic!()
        };
        let guessed: Vec<KafkaRelease> = KafkaRelease::guess(&versions).releases();
        assert!(guessed.contains(&release), "{release}: guessed {guessed:?}");
    }
}
