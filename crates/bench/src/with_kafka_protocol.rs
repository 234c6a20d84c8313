//! The workloads built with kafka-protocol.

use crate::*;
use bytes::{BufMut, BytesMut};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Encodable, StrBytes};
use kafka_protocol::records as kp;

fn str(s: &str) -> StrBytes {
    StrBytes::from_string(s.to_string())
}

/// A message's bytes at `version`.
pub fn to_bytes<T: Encodable>(m: &T, version: i16) -> Bytes {
    let mut buf = BytesMut::new();
    m.encode(&mut buf, version).unwrap();
    buf.freeze()
}

pub fn w1() -> MetadataResponse {
    use metadata_response::*;
    MetadataResponse::default()
        .with_brokers(
            (0..W1_BROKERS)
                .map(|id| {
                    MetadataResponseBroker::default()
                        .with_node_id(BrokerId(id))
                        .with_host(str(&w1_host(id)))
                        .with_port(9092)
                        .with_rack(Some(str("rack-a")))
                })
                .collect(),
        )
        .with_cluster_id(Some(str("cluster-0001")))
        .with_controller_id(BrokerId(1))
        .with_topics(
            (0..W1_TOPICS)
                .map(|t| {
                    MetadataResponseTopic::default()
                        .with_name(Some(TopicName(str(&w1_topic(t)))))
                        .with_topic_id(topic_id(t))
                        .with_partitions(
                            (0..W1_PARTITIONS as i32)
                                .map(|p| {
                                    let nodes: Vec<BrokerId> = w1_replicas(p).into_iter().map(BrokerId).collect();
                                    MetadataResponsePartition::default()
                                        .with_partition_index(p)
                                        .with_leader_id(BrokerId(p % W1_BROKERS))
                                        .with_leader_epoch(7)
                                        .with_replica_nodes(nodes.clone())
                                        .with_isr_nodes(nodes)
                                })
                                .collect(),
                        )
                })
                .collect(),
        )
}

pub fn w2() -> ApiVersionsResponse {
    ApiVersionsResponse::default().with_api_keys(
        w2_api_keys()
            .into_iter()
            .map(|(key, min, max)| {
                api_versions_response::ApiVersion::default()
                    .with_api_key(key)
                    .with_min_version(min)
                    .with_max_version(max)
            })
            .collect(),
    )
}

/// W3: header (v2) and body (MetadataRequest v12).
pub fn w3() -> (RequestHeader, MetadataRequest) {
    let header = RequestHeader::default()
        .with_request_api_key(3)
        .with_request_api_version(12)
        .with_correlation_id(W3_CORRELATION_ID)
        .with_client_id(Some(str(W3_CLIENT_ID)));
    let body = MetadataRequest::default().with_topics(Some(
        w3_topics()
            .iter()
            .map(|name| metadata_request::MetadataRequestTopic::default().with_name(Some(TopicName(str(name)))))
            .collect(),
    ));
    (header, body)
}

/// W3 with kafka-protocol: encode header and body, decode them back.
pub fn w3_roundtrip(header: &RequestHeader, body: &MetadataRequest) -> (RequestHeader, MetadataRequest) {
    use kafka_protocol::protocol::Decodable;
    let mut buf = BytesMut::new();
    header.encode(&mut buf, 2).unwrap();
    body.encode(&mut buf, 12).unwrap();
    let mut bytes = buf.freeze();
    let h = RequestHeader::decode(&mut bytes, 2).unwrap();
    let b = MetadataRequest::decode(&mut bytes, 12).unwrap();
    (h, b)
}

/// W3 with kafka-protocol, decoding from a slice (strings copied rather
/// than reference-counted).
pub fn w3_roundtrip_from_slice(header: &RequestHeader, body: &MetadataRequest) -> (RequestHeader, MetadataRequest) {
    use kafka_protocol::protocol::Decodable;
    let mut buf = BytesMut::new();
    header.encode(&mut buf, 2).unwrap();
    body.encode(&mut buf, 12).unwrap();
    let mut input = &buf[..];
    let h = RequestHeader::decode(&mut input, 2).unwrap();
    let b = MetadataRequest::decode(&mut input, 12).unwrap();
    (h, b)
}

pub fn w4() -> FetchResponse {
    use fetch_response::*;
    FetchResponse::default().with_responses(vec![FetchableTopicResponse::default()
        .with_topic_id(topic_id(1))
        .with_partitions(
            w4_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| {
                    PartitionData::default()
                        .with_partition_index(p as i32)
                        .with_high_watermark(1000)
                        .with_records(Some(batch))
                })
                .collect(),
        )])
}

/// W5: the records. kafka-protocol puts records in one batch only while
/// `offset - sequence` stays constant, and takes the batch's base sequence
/// from the first record: `sequence = offset - 1` gives one
/// non-idempotent batch (base sequence -1), the batch kafka-wire and the
/// Java client write.
pub fn w5() -> Vec<kp::Record> {
    (0..W5_RECORDS)
        .map(|i| {
            let (key, value) = w5_key_value(i);
            kp::Record {
                transactional: false,
                control: false,
                delete_horizon: false,
                partition_leader_epoch: -1,
                producer_id: -1,
                producer_epoch: -1,
                timestamp_type: kp::TimestampType::Creation,
                offset: i as i64,
                sequence: i as i32 - 1,
                timestamp: W5_BASE_TIMESTAMP + i as i64,
                key: Some(key),
                value: Some(value),
                headers: Default::default(),
            }
        })
        .collect()
}

pub fn w5_options(codec: kafka_wire::records::Compression) -> kp::RecordEncodeOptions {
    use kafka_wire::records::Compression as C;
    let compression = match codec {
        C::None => kp::Compression::None,
        C::Gzip => kp::Compression::Gzip,
        C::Snappy => kp::Compression::Snappy,
        C::Lz4 => kp::Compression::Lz4,
        C::Zstd => kp::Compression::Zstd,
    };
    kp::RecordEncodeOptions { version: 2, compression }
}

/// W6: header (v2) and body (ProduceRequest v13).
pub fn w6() -> (RequestHeader, ProduceRequest) {
    use produce_request::*;
    let header = RequestHeader::default()
        .with_request_api_key(0)
        .with_request_api_version(13)
        .with_correlation_id(W6_CORRELATION_ID)
        .with_client_id(Some(str(W6_CLIENT_ID)));
    let body = ProduceRequest::default().with_acks(-1).with_timeout_ms(30_000).with_topic_data(vec![
        TopicProduceData::default().with_topic_id(topic_id(1)).with_partition_data(
            w6_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionProduceData::default().with_index(p as i32).with_records(Some(batch)))
                .collect(),
        ),
    ]);
    (header, body)
}

/// W6 with kafka-protocol: the size prefix, the header and the body.
pub fn w6_encode_frame(buf: &mut BytesMut, header: &RequestHeader, body: &ProduceRequest) {
    let size = header.compute_size(2).unwrap() + body.compute_size(13).unwrap();
    buf.put_i32(size as i32);
    header.encode(buf, 2).unwrap();
    body.encode(buf, 13).unwrap();
}
