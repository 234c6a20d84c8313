//! Byte layouts worked out by hand from the Kafka protocol spec, one test per
//! message. Each checks the exact bytes we write, that they decode back to the
//! same value, and where it matters that payloads are not copied.

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::{DecodeExt, EncodeExt, StrBytes};
use uuid::Uuid;

/// Encodes `value` at `version`, compares with `expected`, decodes it back.
fn check<T: EncodeExt + DecodeExt + PartialEq + std::fmt::Debug>(value: &T, version: i16, expected: &[u8]) -> T {
    let bytes = value.to_bytes(version).unwrap();
    assert_eq!(bytes.as_ref(), expected, "encoding at v{version}");
    assert_eq!(value.encoded_size(version), expected.len());
    let decoded = T::from_bytes(&bytes, version).unwrap();
    assert_eq!(&decoded, value, "decoding at v{version}");
    decoded
}

fn s(text: &'static str) -> StrBytes {
    StrBytes::from_static(text)
}

const TOPIC_ID: Uuid = Uuid::from_u128(0x0102030405060708090a0b0c0d0e0f10);
const TOPIC_ID_BYTES: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

#[test]
fn request_header_client_id_is_int16_prefixed_in_every_version() {
    let h = RequestHeader {
        request_api_key: 3,
        request_api_version: 12,
        correlation_id: 7,
        client_id: Some(s("ab")),
        ..Default::default()
    };
    check(&h, 1, &[0, 3, 0, 12, 0, 0, 0, 7, 0, 2, b'a', b'b']);
    // v2 is flexible, but ClientId keeps its int16 length; only the tagged section is added.
    check(&h, 2, &[0, 3, 0, 12, 0, 0, 0, 7, 0, 2, b'a', b'b', 0]);
    let anonymous = RequestHeader { client_id: None, ..h };
    check(&anonymous, 2, &[0, 3, 0, 12, 0, 0, 0, 7, 0xff, 0xff, 0]);
}

#[test]
fn response_header() {
    let h = ResponseHeader { correlation_id: 7, ..Default::default() };
    check(&h, 0, &[0, 0, 0, 7]);
    check(&h, 1, &[0, 0, 0, 7, 0]);
}

#[test]
fn api_versions_request_compact_strings() {
    let req =
        ApiVersionsRequest { client_software_name: s("kw"), client_software_version: s("1.0"), ..Default::default() };
    check(&req, 3, &[3, b'k', b'w', 4, b'1', b'.', b'0', 0]);
    check(&ApiVersionsRequest::default(), 0, &[]);
}

#[test]
fn api_versions_response_tagged_fields_in_tag_order_with_unknown_ones() {
    let resp = ApiVersionsResponse {
        error_code: 0,
        api_keys: vec![api_versions_response::ApiVersion {
            api_key: 0,
            min_version: 0,
            max_version: 11,
            ..Default::default()
        }],
        throttle_time_ms: 0,
        finalized_features_epoch: 5,
        zk_migration_ready: true,
        unknown_tagged_fields: vec![kafka_wire::RawTaggedField { tag: 9, data: Bytes::from_static(&[0xaa]) }].into(),
        ..Default::default()
    };
    #[rustfmt::skip]
    let expected = [
        0, 0,                               // ErrorCode
        2, 0, 0, 0, 0, 0, 11, 0,            // ApiKeys: compact length 1+1, one entry with its empty tagged section
        0, 0, 0, 0,                         // ThrottleTimeMs
        3,                                  // three tagged fields follow
        1, 8, 0, 0, 0, 0, 0, 0, 0, 5,       // tag 1 FinalizedFeaturesEpoch, 8 bytes
        3, 1, 1,                            // tag 3 ZkMigrationReady
        9, 1, 0xaa,                         // unknown tag 9, kept and written back
    ];
    check(&resp, 3, &expected);
    // Tags at their default (SupportedFeatures, FinalizedFeatures) are not written.
    let defaults = ApiVersionsResponse::default();
    check(&defaults, 3, &[0, 0, 1, 0, 0, 0, 0, 0]);
}

#[test]
fn metadata_request_nullable_array_and_uuid() {
    let topics = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic { name: Some(s("t")), ..Default::default() }]),
        ..Default::default()
    };
    check(&topics, 0, &[0, 0, 0, 1, 0, 1, b't']);
    let all = MetadataRequest { topics: None, allow_auto_topic_creation: true, ..Default::default() };
    check(&all, 1, &[0xff, 0xff, 0xff, 0xff]);
    check(&all, 4, &[0xff, 0xff, 0xff, 0xff, 1]);

    let by_id = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            topic_id: TOPIC_ID,
            name: Some(s("t")),
            ..Default::default()
        }]),
        allow_auto_topic_creation: true,
        include_topic_authorized_operations: false,
        ..Default::default()
    };
    let mut expected = vec![2];
    expected.extend_from_slice(&TOPIC_ID_BYTES);
    expected.extend_from_slice(&[2, b't', 0, 1, 0, 0]);
    check(&by_id, 12, &expected);
}

#[test]
fn produce_request_records_are_zero_copy() {
    let req = ProduceRequest {
        transactional_id: None,
        acks: -1,
        timeout_ms: 1000,
        topic_data: vec![produce_request::TopicProduceData {
            name: s("t"),
            partition_data: vec![produce_request::PartitionProduceData {
                index: 0,
                records: Some(Bytes::from_static(&[1, 2, 3])),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    #[rustfmt::skip]
    let v3 = [
        0xff, 0xff,             // TransactionalId: null
        0xff, 0xff,             // Acks -1
        0, 0, 0x03, 0xe8,       // TimeoutMs 1000
        0, 0, 0, 1,             // TopicData: one topic
        0, 1, b't',             //   Name
        0, 0, 0, 1,             //   PartitionData: one partition
        0, 0, 0, 0,             //     Index
        0, 0, 0, 3, 1, 2, 3,    //     Records
    ];
    check(&req, 3, &v3);
    #[rustfmt::skip]
    let v9 = [
        0, 0xff, 0xff, 0, 0, 0x03, 0xe8,
        2, 2, b't', 2, 0, 0, 0, 0, 4, 1, 2, 3,
        0, 0, 0,                // tagged sections: partition, topic, request
    ];
    check(&req, 9, &v9);

    let input = Bytes::copy_from_slice(&v3);
    let decoded = ProduceRequest::from_bytes(&input, 3).unwrap();
    let records = decoded.topic_data[0].partition_data[0].records.as_ref().unwrap();
    assert_eq!(records.as_ptr(), input[v3.len() - 3..].as_ptr(), "records share the input buffer");
}

#[test]
fn fetch_response_tagged_struct_and_null_records() {
    let resp = FetchResponse {
        responses: vec![fetch_response::FetchableTopicResponse {
            topic: s("t"),
            partitions: vec![fetch_response::PartitionData {
                high_watermark: 10,
                current_leader: fetch_response::LeaderIdAndEpoch {
                    leader_id: 1,
                    leader_epoch: 2,
                    ..Default::default()
                },
                aborted_transactions: None,
                records: None,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    #[rustfmt::skip]
    let expected = [
        0, 0, 0, 0,                 // ThrottleTimeMs
        0, 0,                       // ErrorCode
        0, 0, 0, 0,                 // SessionId
        2,                          // Responses: one topic
        2, b't',                    //   Topic
        2,                          //   Partitions: one
        0, 0, 0, 0,                 //     PartitionIndex
        0, 0,                       //     ErrorCode
        0, 0, 0, 0, 0, 0, 0, 10,    //     HighWatermark
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // LastStableOffset -1
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // LogStartOffset -1
        0,                          //     AbortedTransactions: null
        0xff, 0xff, 0xff, 0xff,     //     PreferredReadReplica -1
        0,                          //     Records: null
        1,                          //     one tagged field:
        1, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, //   tag 1 CurrentLeader (its own tagged section included)
        0,                          //   topic tagged section
        0,                          // response tagged section
    ];
    check(&resp, 12, &expected);
}

#[test]
fn find_coordinator_fields_by_version() {
    let v0 = FindCoordinatorRequest { key: s("g"), ..Default::default() };
    check(&v0, 0, &[0, 1, b'g']);
    let v1 = FindCoordinatorRequest { key: s("g"), key_type: 1, ..Default::default() };
    check(&v1, 1, &[0, 1, b'g', 1]);
    let v4 = FindCoordinatorRequest { coordinator_keys: vec![s("a"), s("b")], ..Default::default() };
    check(&v4, 4, &[0, 3, 2, b'a', 2, b'b', 0]); // KeyType, compact array of compact strings
}

#[test]
fn consumer_group_heartbeat_response_nullable_struct_uses_int8_marker() {
    let mut resp = ConsumerGroupHeartbeatResponse {
        member_id: Some(s("m")),
        member_epoch: 1,
        heartbeat_interval_ms: 5000,
        assignment: None,
        ..Default::default()
    };
    check(&resp, 0, &[0, 0, 0, 0, 0, 0, 0, 2, b'm', 0, 0, 0, 1, 0, 0, 0x13, 0x88, 0xff, 0]);

    resp.assignment = Some(consumer_group_heartbeat_response::Assignment {
        topic_partitions: vec![consumer_group_heartbeat_response::TopicPartitions {
            topic_id: TOPIC_ID,
            partitions: [0, 1].into(),
            ..Default::default()
        }],
        ..Default::default()
    });
    let mut expected = vec![0, 0, 0, 0, 0, 0, 0, 2, b'm', 0, 0, 0, 1, 0, 0, 0x13, 0x88];
    expected.extend_from_slice(&[1, 2]); // present; one TopicPartitions
    expected.extend_from_slice(&TOPIC_ID_BYTES);
    expected.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]); // partitions, three tagged sections
    check(&resp, 0, &expected);
}

#[test]
fn add_partitions_to_txn_common_struct() {
    let req = AddPartitionsToTxnRequest {
        v3_and_below_transactional_id: s("x"),
        v3_and_below_producer_id: 1,
        v3_and_below_producer_epoch: 0,
        v3_and_below_topics: vec![add_partitions_to_txn_request::AddPartitionsToTxnTopic {
            name: s("t"),
            partitions: [0].into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    check(&req, 3, &[2, b'x', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 2, b't', 2, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn sasl_handshake_request() {
    let req = SaslHandshakeRequest { mechanism: s("PLAIN") };
    check(&req, 1, &[0, 5, b'P', b'L', b'A', b'I', b'N']);
}

#[test]
fn broker_heartbeat_tagged_nullable_array() {
    let mut req = BrokerHeartbeatRequest { broker_id: 1, ..Default::default() };
    let fixed = [0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut expected = fixed.to_vec();
    expected.push(0); // CordonedLogDirs defaults to null: not written
    check(&req, 2, &expected);

    req.cordoned_log_dirs = Some(vec![]); // non-default (empty, not null): written as tag 1
    let mut expected = fixed.to_vec();
    expected.extend_from_slice(&[1, 1, 1, 1]);
    check(&req, 2, &expected);
}

#[test]
fn float64_nan_keeps_its_bits() {
    let nan = f64::from_bits(0x7ff8_0000_dead_beef);
    let response = DescribeClientQuotasResponse {
        entries: Some(vec![describe_client_quotas_response::EntryData {
            values: vec![describe_client_quotas_response::ValueData { key: s("k"), value: nan, ..Default::default() }],
            ..Default::default()
        }]),
        ..Default::default()
    };
    let bytes = response.to_bytes(1).unwrap();
    let back = DescribeClientQuotasResponse::from_bytes(&bytes, 1).unwrap();
    assert_eq!(back.entries.unwrap()[0].values[0].value.to_bits(), nan.to_bits());
}
