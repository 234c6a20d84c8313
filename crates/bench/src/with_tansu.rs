//! The workloads built with tansu-sans-io. Its API encodes and decodes
//! whole frames (size, header, body) and takes the header and body by
//! value, so the benches clone them per iteration (and time the clone on
//! its own, to subtract). It stops at Produce v11 and Fetch v17, which W6
//! and W4 use for it.

use crate::*;
use tansu_sans_io::record::{deflated, inflated, Record};
use tansu_sans_io::{BatchAttribute, Body, Compression, Frame, Header};

pub use tansu_sans_io::{ApiVersionsResponse, FetchResponse, MetadataRequest, MetadataResponse, ProduceRequest};

/// Highest versions tansu-sans-io 0.6 has for W4 and W6.
pub const FETCH_VERSION: i16 = 17;
pub const PRODUCE_VERSION: i16 = 11;

/// A response frame (size, header, body).
pub fn response_frame(body: impl Into<Body>, api_key: i16, version: i16, correlation_id: i32) -> Bytes {
    Frame::response(Header::Response { correlation_id }, body.into(), api_key, version).unwrap()
}

/// A request frame (size, header v1/v2, body).
pub fn request_frame(body: impl Into<Body>, api_key: i16, version: i16, correlation_id: i32, client_id: &str) -> Bytes {
    let header = Header::Request { api_key, api_version: version, correlation_id, client_id: Some(client_id.into()) };
    Frame::request(header, body.into()).unwrap()
}

pub fn w1() -> MetadataResponse {
    use tansu_sans_io::metadata_response::*;
    MetadataResponse::default()
        .throttle_time_ms(Some(0))
        .brokers(Some(
            (0..W1_BROKERS)
                .map(|id| {
                    MetadataResponseBroker::default()
                        .node_id(id)
                        .host(w1_host(id))
                        .port(9092)
                        .rack(Some("rack-a".into()))
                })
                .collect(),
        ))
        .cluster_id(Some("cluster-0001".into()))
        .controller_id(Some(1))
        .topics(Some(
            (0..W1_TOPICS)
                .map(|t| {
                    MetadataResponseTopic::default()
                        .error_code(0)
                        .name(Some(w1_topic(t)))
                        .topic_id(Some(topic_id(t).into_bytes()))
                        .is_internal(Some(false))
                        .partitions(Some(
                            (0..W1_PARTITIONS as i32)
                                .map(|p| {
                                    MetadataResponsePartition::default()
                                        .error_code(0)
                                        .partition_index(p)
                                        .leader_id(p % W1_BROKERS)
                                        .leader_epoch(Some(7))
                                        .replica_nodes(Some(w1_replicas(p)))
                                        .isr_nodes(Some(w1_replicas(p)))
                                        .offline_replicas(Some(vec![]))
                                })
                                .collect(),
                        ))
                        .topic_authorized_operations(Some(i32::MIN))
                })
                .collect(),
        ))
        .cluster_authorized_operations(None)
}

pub fn w2() -> ApiVersionsResponse {
    ApiVersionsResponse::default()
        .error_code(0)
        .api_keys(Some(
            w2_api_keys()
                .into_iter()
                .map(|(key, min, max)| {
                    tansu_sans_io::api_versions_response::ApiVersion::default()
                        .api_key(key)
                        .min_version(min)
                        .max_version(max)
                })
                .collect(),
        ))
        .throttle_time_ms(Some(0))
        // Tagged fields: tansu-sans-io writes any that is Some.
        .supported_features(None)
        .finalized_features_epoch(None)
        .finalized_features(None)
        .zk_migration_ready(None)
}

pub fn w3() -> MetadataRequest {
    MetadataRequest::default()
        .topics(Some(
            w3_topics()
                .into_iter()
                .map(|name| {
                    tansu_sans_io::metadata_request::MetadataRequestTopic::default()
                        .topic_id(Some([0; 16]))
                        .name(Some(name))
                })
                .collect(),
        ))
        .allow_auto_topic_creation(Some(true))
        .include_cluster_authorized_operations(None)
        .include_topic_authorized_operations(Some(false))
}

/// One uncompressed batch, as tansu-sans-io carries it in a message.
fn deflated(batch: Bytes) -> deflated::Frame {
    deflated::Frame { batches: vec![deflated::Batch::try_from(batch).unwrap()] }
}

pub fn w4() -> FetchResponse {
    use tansu_sans_io::fetch_response::*;
    FetchResponse::default()
        .throttle_time_ms(Some(0))
        .error_code(Some(0))
        .session_id(Some(0))
        .responses(Some(vec![FetchableTopicResponse::default()
            .topic(None)
            .topic_id(Some(topic_id(1).into_bytes()))
            .partitions(Some(
                w4_batches()
                    .into_iter()
                    .enumerate()
                    .map(|(p, batch)| {
                        PartitionData::default()
                            .partition_index(p as i32)
                            .error_code(0)
                            .high_watermark(1000)
                            .last_stable_offset(Some(-1))
                            .log_start_offset(Some(-1))
                            .diverging_epoch(None)
                            .current_leader(None)
                            .snapshot_id(None)
                            .aborted_transactions(Some(vec![]))
                            .preferred_read_replica(Some(-1))
                            .records(Some(deflated(batch)))
                    })
                    .collect(),
            ))]))
        .node_endpoints(None)
}

pub fn w5(codec: kafka_wire::records::Compression) -> inflated::Batch {
    use kafka_wire::records::Compression as C;
    let compression = match codec {
        C::None => Compression::None,
        C::Gzip => Compression::Gzip,
        C::Snappy => Compression::Snappy,
        C::Lz4 => Compression::Lz4,
        C::Zstd => Compression::Zstd,
    };
    let last = W5_RECORDS as i64 - 1;
    (0..W5_RECORDS)
        .fold(
            inflated::Batch::builder()
                .base_offset(0)
                .partition_leader_epoch(-1)
                .magic(2)
                .attributes(BatchAttribute::default().compression(compression).into())
                .last_offset_delta(last as i32)
                .base_timestamp(W5_BASE_TIMESTAMP)
                .max_timestamp(W5_BASE_TIMESTAMP + last)
                .producer_id(-1)
                .producer_epoch(-1)
                .base_sequence(-1),
            |batch, i| {
                let (key, value) = w5_key_value(i);
                batch.record(
                    Record::builder()
                        .key(Some(key))
                        .value(Some(value))
                        .timestamp_delta(i as i64)
                        .offset_delta(i as i32),
                )
            },
        )
        .build()
        .unwrap()
}

/// W5 encode: an inflated batch (taken by value) to its bytes.
pub fn w5_encode(batch: inflated::Batch) -> Bytes {
    Bytes::from(deflated::Batch::try_from(batch).unwrap())
}

/// W5 decode: bytes to a batch with its records decompressed and parsed.
pub fn w5_decode(bytes: Bytes) -> inflated::Batch {
    inflated::Batch::try_from(deflated::Batch::try_from(bytes).unwrap()).unwrap()
}

pub fn w6() -> ProduceRequest {
    use tansu_sans_io::produce_request::*;
    ProduceRequest::default().transactional_id(None).acks(-1).timeout_ms(30_000).topic_data(Some(vec![
        TopicProduceData::default().name("bench-topic".into()).partition_data(Some(
            w6_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionProduceData::default().index(p as i32).records(Some(deflated(batch))))
                .collect(),
        )),
    ]))
}
