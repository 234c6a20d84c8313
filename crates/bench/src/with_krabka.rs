//! The workloads built with krabka-protocol: owned messages (`owned::…`,
//! `String` and `Vec`), decoded through its `Decode` trait, and the borrowed
//! ones (`borrowed::…`, `&str` and `&[u8]` into the input) through
//! `DecodeBorrow`; record batches as `records::RecordBatch` (owned) and
//! `records::RecordBatchBorrowed`.

use crate::*;
use bytes::{BufMut, BytesMut};
use krabka_protocol::owned::*;
use krabka_protocol::primitives::uuid::Uuid;
use krabka_protocol::records::{self as kr, Attributes, RecordsPayload};
use krabka_protocol::Encode;

fn uuid(u: uuid::Uuid) -> Uuid {
    Uuid(*u.as_bytes())
}

/// A message's bytes at `version`.
pub fn to_bytes<T: Encode>(m: &T, version: i16) -> Bytes {
    let mut buf = BytesMut::with_capacity(m.encoded_len(version));
    m.encode(&mut buf, version).unwrap();
    buf.freeze()
}

pub fn w1() -> metadata_response::MetadataResponse {
    use metadata_response::*;
    MetadataResponse {
        brokers: (0..W1_BROKERS)
            .map(|id| MetadataResponseBroker {
                node_id: id,
                host: w1_host(id),
                port: 9092,
                rack: Some("rack-a".into()),
                ..Default::default()
            })
            .collect(),
        cluster_id: Some("cluster-0001".into()),
        controller_id: 1,
        topics: (0..W1_TOPICS)
            .map(|t| MetadataResponseTopic {
                name: Some(w1_topic(t)),
                topic_id: uuid(topic_id(t)),
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

pub fn w2() -> api_versions_response::ApiVersionsResponse {
    use api_versions_response::*;
    ApiVersionsResponse {
        api_keys: w2_api_keys()
            .into_iter()
            .map(|(api_key, min_version, max_version)| ApiVersion {
                api_key,
                min_version,
                max_version,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// W3: header (v2) and body (MetadataRequest v12).
pub fn w3() -> (request_header::RequestHeader, metadata_request::MetadataRequest) {
    let header = request_header::RequestHeader {
        request_api_key: 3,
        request_api_version: 12,
        correlation_id: W3_CORRELATION_ID,
        client_id: Some(W3_CLIENT_ID.into()),
        ..Default::default()
    };
    let body = metadata_request::MetadataRequest {
        topics: Some(
            w3_topics()
                .into_iter()
                .map(|name| metadata_request::MetadataRequestTopic { name: Some(name), ..Default::default() })
                .collect(),
        ),
        ..Default::default()
    };
    (header, body)
}

/// W3 with krabka, owned: encode header and body, decode them back.
pub fn w3_roundtrip(
    header: &request_header::RequestHeader,
    body: &metadata_request::MetadataRequest,
) -> (request_header::RequestHeader, metadata_request::MetadataRequest) {
    use krabka_protocol::Decode;
    let buf = w3_encode(header, body);
    let mut input = &buf[..];
    let h = request_header::RequestHeader::decode(&mut input, 2).unwrap();
    let b = metadata_request::MetadataRequest::decode(&mut input, 12).unwrap();
    (h, b)
}

/// W3 with krabka, decoding the borrowed types: the encoded bytes live
/// only as long as the call, so the roundtrip ends in the decoded request's
/// topic count.
pub fn w3_roundtrip_borrowed(
    header: &request_header::RequestHeader,
    body: &metadata_request::MetadataRequest,
) -> usize {
    use krabka_protocol::borrowed;
    use krabka_protocol::DecodeBorrow;
    let buf = w3_encode(header, body);
    let mut input = &buf[..];
    let h = borrowed::request_header::RequestHeader::decode_borrow(&mut input, 2).unwrap();
    let b = borrowed::metadata_request::MetadataRequest::decode_borrow(&mut input, 12).unwrap();
    h.correlation_id as usize + b.topics.map_or(0, |t| t.len())
}

fn w3_encode(header: &request_header::RequestHeader, body: &metadata_request::MetadataRequest) -> BytesMut {
    let mut buf = BytesMut::with_capacity(header.encoded_len(2) + body.encoded_len(12));
    header.encode(&mut buf, 2).unwrap();
    body.encode(&mut buf, 12).unwrap();
    buf
}

pub fn w4() -> fetch_response::FetchResponse {
    use fetch_response::*;
    FetchResponse {
        responses: vec![FetchableTopicResponse {
            topic_id: uuid(topic_id(1)),
            partitions: w4_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionData {
                    partition_index: p as i32,
                    high_watermark: 1000,
                    records: Some(RecordsPayload::Raw(batch)),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// W5 as a krabka batch with `codec`'s attribute bits: the batch kafka-wire
/// writes (producer id, epoch and sequence -1, offsets from 0).
pub fn w5(codec: kafka_wire::records::Compression) -> kr::RecordBatch {
    kr::RecordBatch {
        base_offset: 0,
        partition_leader_epoch: -1,
        attributes: Attributes(codec.id() as i16),
        last_offset_delta: W5_RECORDS as i32 - 1,
        base_timestamp: W5_BASE_TIMESTAMP,
        max_timestamp: W5_BASE_TIMESTAMP + W5_RECORDS as i64 - 1,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        records: (0..W5_RECORDS)
            .map(|i| {
                let (key, value) = w5_key_value(i);
                kr::Record {
                    attributes: 0,
                    timestamp_delta: i as i64,
                    offset_delta: i as i32,
                    key: Some(key),
                    value: Some(value),
                    headers: Vec::new(),
                }
            })
            .collect(),
    }
}

/// Reads a W5 batch with krabka's borrowed records: CRC checked,
/// decompressed if needed, every record parsed; returns the value bytes
/// seen (as the kafka-wire borrowed row does).
pub fn w5_decode_borrowed(batch: &[u8]) -> usize {
    use krabka_protocol::DecodeBorrow;
    let mut input = batch;
    let view = kr::RecordBatchBorrowed::decode_borrow(&mut input, 0).unwrap();
    let mut value_bytes = 0;
    for record in view.iter() {
        value_bytes += record.unwrap().value.map_or(0, <[u8]>::len);
    }
    value_bytes
}

/// W6: header (v2) and body (ProduceRequest v13), the batches carried
/// as they are (`RecordsPayload::Raw`).
pub fn w6() -> (request_header::RequestHeader, produce_request::ProduceRequest) {
    use produce_request::*;
    let header = request_header::RequestHeader {
        request_api_key: 0,
        request_api_version: 13,
        correlation_id: W6_CORRELATION_ID,
        client_id: Some(W6_CLIENT_ID.into()),
        ..Default::default()
    };
    let body = ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![TopicProduceData {
            topic_id: uuid(topic_id(1)),
            partition_data: w6_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionProduceData {
                    index: p as i32,
                    records: Some(RecordsPayload::Raw(batch)),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    (header, body)
}

/// W6 with krabka: the size prefix, the header and the body.
pub fn w6_encode_frame(
    buf: &mut BytesMut,
    header: &request_header::RequestHeader,
    body: &produce_request::ProduceRequest,
) {
    let size = header.encoded_len(2) + body.encoded_len(13);
    buf.put_i32(size as i32);
    header.encode(buf, 2).unwrap();
    body.encode(buf, 13).unwrap();
}
