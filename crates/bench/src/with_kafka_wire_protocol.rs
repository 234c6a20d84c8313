//! The workloads built with kafka_wire_protocol. It has no ProduceRequest,
//! no FetchResponse and no record batches, so only W1-W3.

use crate::*;
use kafka_wire_protocol::readable_writable::{Readable, Writable};
use kafka_wire_protocol::schema::{api_versions_response, metadata_request, metadata_response, request_header};
use std::io::Cursor;

pub use api_versions_response::v3::ApiVersionsResponse;
pub use metadata_request::v12::MetadataRequest;
pub use metadata_response::v12::MetadataResponse;
pub use request_header::v2::RequestHeader;

/// A message's bytes.
pub fn to_bytes(m: &impl Writable) -> Vec<u8> {
    let mut out = Vec::new();
    m.write(&mut out).unwrap();
    out
}

/// Decodes a message from `bytes` (a `Read` over a slice: the crate reads
/// from any `std::io::Read`).
pub fn decode<T: Readable>(bytes: &[u8]) -> T {
    T::read(&mut Cursor::new(bytes)).unwrap()
}

pub fn w1() -> MetadataResponse {
    use metadata_response::v12::*;
    MetadataResponse {
        brokers: (0..W1_BROKERS)
            .map(|id| MetadataResponseBroker {
                node_id: id,
                host: w1_host(id),
                port: 9092,
                rack: Some("rack-a".into()),
                _unknown_tagged_fields: vec![],
            })
            .collect(),
        cluster_id: Some("cluster-0001".into()),
        controller_id: 1,
        topics: (0..W1_TOPICS)
            .map(|t| MetadataResponseTopic {
                name: Some(w1_topic(t)),
                topic_id: topic_id(t),
                partitions: (0..W1_PARTITIONS as i32)
                    .map(|p| MetadataResponsePartition {
                        partition_index: p,
                        leader_id: p % W1_BROKERS,
                        leader_epoch: 7,
                        replica_nodes: w1_replicas(p),
                        isr_nodes: w1_replicas(p),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub fn w2() -> ApiVersionsResponse {
    ApiVersionsResponse {
        api_keys: w2_api_keys()
            .into_iter()
            .map(|(api_key, min_version, max_version)| api_versions_response::v3::ApiVersion {
                api_key,
                min_version,
                max_version,
                _unknown_tagged_fields: vec![],
            })
            .collect(),
        ..Default::default()
    }
}

pub fn w3() -> (RequestHeader, MetadataRequest) {
    let header = RequestHeader {
        request_api_key: 3,
        request_api_version: 12,
        correlation_id: W3_CORRELATION_ID,
        client_id: Some(W3_CLIENT_ID.into()),
        ..Default::default()
    };
    let body = MetadataRequest {
        topics: Some(
            w3_topics()
                .into_iter()
                .map(|name| metadata_request::v12::MetadataRequestTopic { name: Some(name), ..Default::default() })
                .collect(),
        ),
        ..Default::default()
    };
    (header, body)
}

/// W3: encode header and body into one buffer, decode them back.
pub fn w3_roundtrip(header: &RequestHeader, body: &MetadataRequest) -> (RequestHeader, MetadataRequest) {
    let mut out = Vec::new();
    header.write(&mut out).unwrap();
    body.write(&mut out).unwrap();
    let mut input = Cursor::new(&out[..]);
    (RequestHeader::read(&mut input).unwrap(), MetadataRequest::read(&mut input).unwrap())
}
