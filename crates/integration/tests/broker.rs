//! kafka-wire against a real Kafka broker (started by scripts/test.sh, see
//! scripts/broker.sh): every API the broker advertises, the produce/fetch,
//! consumer-group, transaction, admin and authentication flows, and
//! pipelined requests. Only kafka-wire and a TCP socket are used.

mod flows;
mod probes;

use bytes::Bytes;
use flows::*;
use kafka_wire::messages::*;
use kafka_wire::records::{
    decode_batches, Compression, ControlRecord, DecodeOptions, Header, ReadBatches, Record, RecordBatch,
};
use kafka_wire::{ApiKey, BrokerMode, ErrorCode, KafkaRelease, Request, Response, StrBytes, VersionRange};
use kafka_wire_integration::{broker_address, broker_sasl_address, expect, Connection};
use probes::{probe_request, Answers};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;

#[test]
fn api_versions_at_every_version_agree_with_our_metadata() {
    for version in ApiKey::ApiVersions.valid_versions().iter() {
        let mut conn = Connection::connect_raw(&broker_address()).unwrap();
        let request = ApiVersionsRequest {
            client_software_name: "kafka-wire".into(),
            client_software_version: "test".into(),
            ..Default::default()
        };
        let response = expect!(conn.send(request, version).unwrap(), ApiVersions);
        ok(&format!("ApiVersions v{version}"), response.error_code);
        assert!(response.api_keys.len() > 40, "v{version}: only {} apis", response.api_keys.len());
        // Exactly what the release table says a 4.4.0 broker advertises
        // (Produce v0-2 included: see legacy_versions_still_advertised).
        for &api in ApiKey::ALL {
            let listed = response.api_keys.iter().find(|k| k.api_key == api.key());
            let listed = listed.map_or(VersionRange::NONE, |k| VersionRange::new(k.min_version, k.max_version));
            assert_eq!(listed, api.versions_in(KafkaRelease::V4_4_0), "v{version}: {api}");
        }
        assert_eq!(
            response.api_keys.len(),
            ApiKey::ALL.iter().filter(|a| !a.versions_in(KafkaRelease::V4_4_0).is_empty()).count()
        );
        // And the guess names this release (with any that speak alike).
        let guess = KafkaRelease::guess(&response);
        assert!(guess.exact.contains(&(KafkaRelease::V4_4_0, BrokerMode::KRaft)), "v{version}: {guess:?}");
        for (release, _) in &guess.exact {
            assert_eq!(release.same_protocol_as(), KafkaRelease::V4_4_0.same_protocol_as(), "v{version}: {guess:?}");
        }
        let produce = response.api_keys.iter().find(|k| k.api_key == ApiKey::Produce.key()).unwrap();
        assert_eq!(produce.min_version, 0, "the Produce v0-2 quirk changed: update legacy_versions_still_advertised");
    }
}

/// A 4.x broker advertises Produce v0-2 but does not serve them: it closes
/// the connection on such a request (written into
/// `ApiKey::legacy_versions_still_advertised`'s docs; this pins it).
#[test]
fn produce_v0_to_v2_are_advertised_but_close_the_connection() {
    for version in ApiKey::Produce.legacy_versions_still_advertised().iter() {
        let mut conn = Connection::connect_raw(&broker_address()).unwrap();
        conn.set_read_timeout(Duration::from_secs(15)).unwrap();
        let request = ProduceRequest { acks: -1, timeout_ms: 1000, ..Default::default() };
        conn.send_only(request, version).unwrap();
        match conn.receive_frame() {
            Ok(None) => {}
            Err(e) => panic!("Produce v{version}: the connection did not close cleanly: {e}"),
            Ok(Some(frame)) => panic!("Produce v{version} was answered ({} bytes): update the docs", frame.len()),
        }
    }
}

#[test]
fn every_advertised_api_answers_and_decodes() {
    let advertised = connect().broker_versions().clone();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut answers = Answers::default();
    for (&key, range) in &advertised {
        let api = ApiKey::from_key(key).unwrap();
        let version = range.max.min(api.valid_versions().max);
        // A fresh connection each time: some error paths close the connection.
        let mut conn = Connection::connect_raw(&broker_address()).unwrap();
        conn.set_read_timeout(Duration::from_secs(15)).unwrap();
        // `send` checks the correlation id and that the response re-encodes
        // to the broker's exact bytes.
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
    println!("per-API report ({} APIs advertised):\n{}", advertised.len(), report.join("\n"));
    assert!(failures.is_empty(), "requests that failed:\n{}", failures.join("\n"));
    // 49 of the 77 apis Kafka 4.4.0 advertises answer their probe with no
    // error; the others rightly refuse a default body (an empty group or
    // transactional id, SASL frames outside a SASL exchange, delegation
    // tokens on a plaintext listener, raft voters of another cluster).
    // 60% leaves room for a coordinator still loading, not for a broken
    // encoder, which makes the broker refuse far more.
    answers.assert_mostly_clean(0.6);
}

#[test]
fn produce_fetch_flow_with_every_codec() {
    let mut conn = connect();
    let topic = unique("flow");
    let topic_id = create_topic(&mut conn, &topic, 1);

    let mut produced = Vec::new();
    for (n, codec) in Compression::ALL.into_iter().enumerate() {
        let records = (0..20).map(|i| {
            let record = Record {
                key: if i % 5 == 0 { None } else { Some(Bytes::from(format!("{codec:?}-{i}"))) },
                value: Some(Bytes::from(vec![b'a' + (i % 26) as u8; 50 + i])),
                headers: vec![
                    Header::new("h", Some(Bytes::from_static(b"1"))),
                    Header::new("h", None), // duplicate keys are kept, in order
                ],
                ..Default::default()
            };
            (1_700_000_000_000 + i as i64, record)
        });
        let batch = RecordBatch::from_records(codec, records);
        let base_offset = produce(&mut conn, topic_id, None, &batch);
        assert_eq!(base_offset, n as i64 * 20, "{codec:?}");
        produced.push(batch);
    }

    // ListOffsets: latest is the number of records produced.
    let list = ListOffsetsRequest {
        replica_id: -1,
        topics: vec![list_offsets_request::ListOffsetsTopic {
            name: topic.as_str().into(),
            partitions: vec![list_offsets_request::ListOffsetsPartition {
                partition_index: 0,
                timestamp: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let listed = expect!(conn.send_latest(list).unwrap(), ListOffsets);
    let partition = &listed.topics[0].partitions[0];
    ok("ListOffsets", partition.error_code);
    assert_eq!(partition.offset, 100);

    // Fetch everything back and compare record by record.
    let mut fetched = Vec::new();
    let mut offset = 0;
    while offset < 100 {
        let partition = fetch(&mut conn, topic_id, offset, false);
        let batches = decode_batches(partition.records.clone().unwrap_or_default(), &DecodeOptions::default()).unwrap();
        assert!(!batches.is_empty(), "no progress at offset {offset}");
        for b in batches {
            offset = b.base_offset + b.last_offset_delta as i64 + 1;
            fetched.push(b);
        }
    }
    assert_eq!(fetched.len(), produced.len());
    for (got, sent) in fetched.iter().zip(&produced) {
        assert_eq!(got.compression(), sent.compression());
        assert_eq!(got.records, sent.records, "{:?}", sent.compression());
    }

    // DeleteRecords up to offset 10, then the log start moves.
    let delete = DeleteRecordsRequest {
        topics: vec![delete_records_request::DeleteRecordsTopic {
            name: topic.as_str().into(),
            partitions: vec![delete_records_request::DeleteRecordsPartition {
                partition_index: 0,
                offset: 10,
                ..Default::default()
            }],
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let deleted = expect!(conn.send_latest(delete).unwrap(), DeleteRecords);
    let partition = &deleted.topics[0].partitions[0];
    ok("DeleteRecords", partition.error_code);
    assert_eq!(partition.low_watermark, 10);

    delete_topic(&mut conn, &topic);
}

#[test]
fn classic_consumer_group_flow() {
    let mut conn = connect();
    let topic = unique("group-topic");
    let topic_id = create_topic(&mut conn, &topic, 1);
    let group = unique("group");

    let coordinator = find_coordinator(&mut conn, &group, 0);
    assert!(coordinator.port > 0);

    let joined = join_classic_group(&mut conn, &group);

    let heartbeat = HeartbeatRequest {
        group_id: group.as_str().into(),
        generation_id: joined.generation_id,
        member_id: joined.member_id.clone(),
        ..Default::default()
    };
    ok("Heartbeat", expect!(conn.send_latest(heartbeat).unwrap(), Heartbeat).error_code);

    commit_offset(&mut conn, &group, &joined, (&topic, topic_id), 42, "meta");

    let fetch_offsets = OffsetFetchRequest {
        groups: vec![offset_fetch_request::OffsetFetchRequestGroup {
            group_id: group.as_str().into(),
            topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopics {
                name: topic.as_str().into(),
                topic_id,
                partition_indexes: [0].into(),
                ..Default::default()
            }]),
            ..Default::default()
        }],
        ..Default::default()
    };
    let offsets = expect!(conn.send_latest(fetch_offsets).unwrap(), OffsetFetch);
    let partition = &offsets.groups[0].topics[0].partitions[0];
    ok("OffsetFetch", partition.error_code);
    assert_eq!(partition.committed_offset, 42);
    assert_eq!(partition.metadata.as_deref(), Some("meta"));

    let leave = LeaveGroupRequest {
        group_id: group.as_str().into(),
        members: vec![leave_group_request::MemberIdentity {
            member_id: joined.member_id.clone(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let left = expect!(conn.send_latest(leave).unwrap(), LeaveGroup);
    ok("LeaveGroup", left.error_code);
    ok("LeaveGroup member", left.members[0].error_code);
    delete_topic(&mut conn, &topic);
}

#[test]
fn consumer_group_protocol_heartbeat_and_describe() {
    let mut conn = connect();
    let topic = unique("cg-topic");
    create_topic(&mut conn, &topic, 2);
    let group = unique("cg");
    join_consumer_group(&mut conn, &group, &topic);

    let describe = ConsumerGroupDescribeRequest { group_ids: vec![group.as_str().into()], ..Default::default() };
    let described = expect!(conn.send_latest(describe).unwrap(), ConsumerGroupDescribe);
    let g = &described.groups[0];
    ok("ConsumerGroupDescribe", g.error_code);
    assert_eq!(g.members.len(), 1);
    assert_eq!(g.members[0].subscribed_topic_names, vec![StrBytes::from(topic.as_str())]);
    delete_topic(&mut conn, &topic);
}

#[test]
fn transaction_commit_is_visible_to_read_committed_fetch() {
    let mut conn = connect();
    let topic = unique("txn-topic");
    let topic_id = create_topic(&mut conn, &topic, 1);
    let txn = unique("txn");

    let batch = RecordBatch::from_records(
        Compression::Snappy,
        (0..3).map(|i| (1000 + i, Record { value: Some(Bytes::from(format!("txn-{i}"))), ..Default::default() })),
    );
    committed_transaction(&mut conn, &txn, (&topic, topic_id), batch);

    // read_committed: consume like a client, from offset 0 up to the last
    // stable offset, fetching again from after each batch (one fetch need
    // not return everything below the LSO). Expect the three records, then
    // the commit marker in a control batch.
    let mut data_records = 0;
    let mut markers = Vec::new();
    let mut offset = 0;
    for _ in 0..100 {
        let partition = fetch(&mut conn, topic_id, offset, true);
        for batch in partition.batches() {
            let batch = batch.unwrap();
            for record in batch.records(&DecodeOptions::default()).unwrap() {
                if batch.header.is_control() {
                    markers.push(ControlRecord::parse(&record).unwrap());
                } else {
                    assert!(batch.header.is_transactional());
                    data_records += 1;
                }
            }
            offset = batch.header.next_offset();
        }
        if partition.last_stable_offset > 0 && offset >= partition.last_stable_offset {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(data_records, 3);
    assert!(matches!(markers.as_slice(), [ControlRecord::Commit { .. }]), "{markers:?}");
    delete_topic(&mut conn, &topic);
}

#[test]
fn admin_apis() {
    let mut conn = connect();
    let topic = unique("admin");
    create_topic(&mut conn, &topic, 1);

    let describe = DescribeConfigsRequest {
        resources: vec![describe_configs_request::DescribeConfigsResource {
            resource_type: 2, // topic
            resource_name: topic.as_str().into(),
            configuration_keys: None,
            ..Default::default()
        }],
        ..Default::default()
    };
    let configs = expect!(conn.send_latest(describe.clone()).unwrap(), DescribeConfigs);
    ok("DescribeConfigs", configs.results[0].error_code);
    assert!(configs.results[0].configs.iter().any(|c| c.name == "retention.ms"));

    let alter = IncrementalAlterConfigsRequest {
        resources: vec![incremental_alter_configs_request::AlterConfigsResource {
            resource_type: 2,
            resource_name: topic.as_str().into(),
            configs: vec![incremental_alter_configs_request::AlterableConfig {
                name: "retention.ms".into(),
                config_operation: 0, // set
                value: Some("123456".into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    ok(
        "IncrementalAlterConfigs",
        expect!(conn.send_latest(alter).unwrap(), IncrementalAlterConfigs).responses[0].error_code,
    );
    // The change reaches the broker through the metadata log: poll until it shows.
    let retention = poll(
        100,
        || {
            let configs = expect!(conn.send_latest(describe.clone()).unwrap(), DescribeConfigs);
            configs.results[0].configs.iter().find(|c| c.name == "retention.ms").and_then(|c| c.value.clone())
        },
        |retention| retention.as_deref() == Some("123456"),
    );
    assert_eq!(retention.as_deref(), Some("123456"));

    let partitions = CreatePartitionsRequest {
        topics: vec![create_partitions_request::CreatePartitionsTopic {
            name: topic.as_str().into(),
            count: 3,
            assignments: None,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    ok("CreatePartitions", expect!(conn.send_latest(partitions).unwrap(), CreatePartitions).results[0].error_code);

    let cluster = expect!(conn.send_latest(DescribeClusterRequest::default()).unwrap(), DescribeCluster);
    ok("DescribeCluster", cluster.error_code);
    assert_eq!(cluster.brokers.len(), 1);
    assert!(!cluster.cluster_id.is_empty());

    let dirs = expect!(
        conn.send_latest(DescribeLogDirsRequest { topics: None, ..Default::default() }).unwrap(),
        DescribeLogDirs
    );
    ok("DescribeLogDirs", dirs.error_code);
    assert!(!dirs.results.is_empty());

    // ACLs: allow alice to read the topic, see it, delete it.
    let acl_filter = || describe_acls_request::DescribeAclsRequest {
        resource_type_filter: 2,
        resource_name_filter: Some(topic.as_str().into()),
        pattern_type_filter: 3, // literal
        principal_filter: Some("User:alice".into()),
        host_filter: None,
        operation: 3,       // read
        permission_type: 3, // allow
        ..Default::default()
    };
    let create = CreateAclsRequest {
        creations: vec![create_acls_request::AclCreation {
            resource_type: 2,
            resource_name: topic.as_str().into(),
            resource_pattern_type: 3,
            principal: "User:alice".into(),
            host: "*".into(),
            operation: 3,
            permission_type: 3,
            ..Default::default()
        }],
        ..Default::default()
    };
    ok("CreateAcls", expect!(conn.send_latest(create).unwrap(), CreateAcls).results[0].error_code);
    let found = poll(
        50,
        || {
            let described = expect!(conn.send_latest(acl_filter()).unwrap(), DescribeAcls);
            ok("DescribeAcls", described.error_code);
            described.resources.len()
        },
        |found| *found == 1,
    );
    assert_eq!(found, 1, "the new ACL is listed");
    let delete = DeleteAclsRequest {
        filters: vec![delete_acls_request::DeleteAclsFilter {
            resource_type_filter: 2,
            resource_name_filter: Some(topic.as_str().into()),
            pattern_type_filter: 3,
            principal_filter: Some("User:alice".into()),
            host_filter: None,
            operation: 3,
            permission_type: 3,
            ..Default::default()
        }],
        ..Default::default()
    };
    let deleted = expect!(conn.send_latest(delete).unwrap(), DeleteAcls);
    ok("DeleteAcls", deleted.filter_results[0].error_code);
    assert_eq!(deleted.filter_results[0].matching_acls.len(), 1);

    // SCRAM credentials: add bob, see him listed next to alice.
    let alter = AlterUserScramCredentialsRequest {
        upsertions: vec![alter_user_scram_credentials_request::ScramCredentialUpsertion {
            name: "bob".into(),
            mechanism: 1, // SCRAM-SHA-256
            iterations: 8192,
            salt: Bytes::from_static(b"0123456789abcdef"),
            salted_password: Bytes::from(vec![7u8; 32]),
            ..Default::default()
        }],
        ..Default::default()
    };
    ok(
        "AlterUserScramCredentials",
        expect!(conn.send_latest(alter).unwrap(), AlterUserScramCredentials).results[0].error_code,
    );
    // Also applied through the metadata log: poll until bob shows.
    let names: Vec<String> = poll(
        100,
        || {
            let users = expect!(
                conn.send_latest(DescribeUserScramCredentialsRequest { users: None, ..Default::default() }).unwrap(),
                DescribeUserScramCredentials
            );
            ok("DescribeUserScramCredentials", users.error_code);
            users.results.iter().map(|r| r.user.to_string()).collect()
        },
        |names: &Vec<String>| names.iter().any(|n| n == "bob"),
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert!(names.contains(&"alice") && names.contains(&"bob"), "{names:?}");

    delete_topic(&mut conn, &topic);
}

fn sasl_handshake(conn: &mut Connection, mechanism: &str) {
    let response = expect!(conn.send(SaslHandshakeRequest { mechanism: mechanism.into() }, 1).unwrap(), SaslHandshake);
    ok("SaslHandshake", response.error_code);
    assert!(response.mechanisms.iter().any(|m| m == mechanism), "{:?}", response.mechanisms);
}

fn sasl_authenticate(
    conn: &mut Connection,
    auth_bytes: Vec<u8>,
) -> sasl_authenticate_response::SaslAuthenticateResponse {
    let request = SaslAuthenticateRequest { auth_bytes: Bytes::from(auth_bytes), ..Default::default() };
    expect!(conn.send(request, 2).unwrap(), SaslAuthenticate)
}

#[test]
fn sasl_plain_authentication() {
    let mut conn = Connection::connect_raw(&broker_sasl_address()).unwrap();
    sasl_handshake(&mut conn, "PLAIN");
    let response = sasl_authenticate(&mut conn, b"\0alice\0alice-secret".to_vec());
    ok("SaslAuthenticate PLAIN", response.error_code);
    // Authenticated: ordinary requests now work on this connection.
    let metadata =
        expect!(conn.send(MetadataRequest { topics: Some(vec![]), ..Default::default() }, 12).unwrap(), Metadata);
    assert_eq!(metadata.brokers.len(), 1);

    let mut bad = Connection::connect_raw(&broker_sasl_address()).unwrap();
    sasl_handshake(&mut bad, "PLAIN");
    let response = sasl_authenticate(&mut bad, b"\0alice\0wrong".to_vec());
    assert_eq!(ErrorCode::try_from(response.error_code), Ok(ErrorCode::SaslAuthenticationFailed));
}

#[test]
fn sasl_scram_sha_256_authentication() {
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    let hmac = |key: &[u8], data: &[u8]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    };

    let mut conn = Connection::connect_raw(&broker_sasl_address()).unwrap();
    sasl_handshake(&mut conn, "SCRAM-SHA-256");
    let client_nonce = Uuid::new_v4().simple().to_string();
    let client_first_bare = format!("n=alice,r={client_nonce}");
    let server_first = sasl_authenticate(&mut conn, format!("n,,{client_first_bare}").into_bytes());
    ok("SCRAM client-first", server_first.error_code);
    let server_first = String::from_utf8(server_first.auth_bytes.to_vec()).unwrap();
    let attrs: BTreeMap<&str, &str> = server_first.split(',').filter_map(|kv| kv.split_once('=')).collect();
    let nonce = attrs["r"];
    assert!(nonce.starts_with(&client_nonce));
    let salt = B64.decode(attrs["s"]).unwrap();
    let iterations: u32 = attrs["i"].parse().unwrap();

    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(b"alice-secret", &salt, iterations, &mut salted);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = Sha256::digest(&client_key);
    let without_proof = format!("c=biws,r={nonce}");
    let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
    let signature = hmac(&stored_key, auth_message.as_bytes());
    let proof: Vec<u8> = client_key.iter().zip(&signature).map(|(a, b)| a ^ b).collect();
    let server_final = sasl_authenticate(&mut conn, format!("{without_proof},p={}", B64.encode(proof)).into_bytes());
    ok("SCRAM client-final", server_final.error_code);
    let server_key = hmac(&salted, b"Server Key");
    let expected = format!("v={}", B64.encode(hmac(&server_key, auth_message.as_bytes())));
    assert_eq!(String::from_utf8(server_final.auth_bytes.to_vec()).unwrap(), expected, "server signature");

    let metadata =
        expect!(conn.send(MetadataRequest { topics: Some(vec![]), ..Default::default() }, 12).unwrap(), Metadata);
    assert_eq!(metadata.brokers.len(), 1);
}

#[test]
fn many_requests_in_flight_on_one_connection() {
    let mut conn = connect();
    let mut sent = BTreeMap::new();
    for i in 0..60 {
        let (request, api): (Request, ApiKey) = match i % 3 {
            0 => (ApiVersionsRequest::default().into(), ApiKey::ApiVersions),
            1 => (MetadataRequest { topics: Some(vec![]), ..Default::default() }.into(), ApiKey::Metadata),
            _ => (DescribeClusterRequest::default().into(), ApiKey::DescribeCluster),
        };
        let version = conn.version_for(api).unwrap();
        let correlation_id = conn.send_only(request, version).unwrap();
        sent.insert(correlation_id, (api, version));
    }
    for _ in 0..sent.len() {
        // `receive` decodes each response with the api and version of the
        // request it answers, and checks it re-encodes byte-exact.
        let response = conn.receive().unwrap();
        let (api, version) = sent.remove(&response.correlation_id()).expect("a response to a request we sent");
        assert_eq!((response.api_key(), response.version), (api, version));
        if let Response::Metadata(m) = &response.body {
            assert_eq!(m.brokers.len(), 1);
        }
    }
    assert!(sent.is_empty());
}
