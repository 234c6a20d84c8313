//! The workloads built with kacrab-protocol (messages as `…Data` structs with
//! `read(&mut Bytes, version)` and `write(&mut BytesMut, version)`; record
//! batches as `record::RecordBatch`).

use crate::*;
use bytes::{BufMut, BytesMut};
use kacrab_protocol::generated::*;
use kacrab_protocol::record;
use kacrab_protocol::KafkaString;

fn str(s: &str) -> KafkaString {
    KafkaString::from(s.to_string())
}

/// A message's bytes, written the way kacrab writes every message.
pub fn to_bytes(write: impl FnOnce(&mut BytesMut) -> kacrab_protocol::Result<()>) -> Bytes {
    let mut buf = BytesMut::new();
    write(&mut buf).unwrap();
    buf.freeze()
}

pub fn w1() -> metadata_response::MetadataResponseData {
    use metadata_response::*;
    MetadataResponseData {
        brokers: (0..W1_BROKERS)
            .map(|id| MetadataResponseBroker {
                node_id: id,
                host: str(&w1_host(id)),
                port: 9092,
                rack: Some(str("rack-a")),
                ..Default::default()
            })
            .collect(),
        cluster_id: Some(str("cluster-0001")),
        controller_id: 1,
        topics: (0..W1_TOPICS)
            .map(|t| MetadataResponseTopic {
                name: Some(str(&w1_topic(t))),
                topic_id: topic_id(t).into(),
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

pub fn w2() -> api_versions_response::ApiVersionsResponseData {
    use api_versions_response::*;
    ApiVersionsResponseData {
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
pub fn w3() -> (request_header::RequestHeaderData, metadata_request::MetadataRequestData) {
    let header = request_header::RequestHeaderData {
        request_api_key: 3,
        request_api_version: 12,
        correlation_id: W3_CORRELATION_ID,
        client_id: Some(str(W3_CLIENT_ID)),
        ..Default::default()
    };
    let body = metadata_request::MetadataRequestData {
        topics: Some(
            w3_topics()
                .iter()
                .map(|name| metadata_request::MetadataRequestTopic { name: Some(str(name)), ..Default::default() })
                .collect(),
        ),
        ..Default::default()
    };
    (header, body)
}

/// W3 with kacrab: encode header and body, decode them back.
pub fn w3_roundtrip(
    header: &request_header::RequestHeaderData,
    body: &metadata_request::MetadataRequestData,
) -> (request_header::RequestHeaderData, metadata_request::MetadataRequestData) {
    let mut buf = BytesMut::new();
    header.write(&mut buf, 2).unwrap();
    body.write(&mut buf, 12).unwrap();
    let mut bytes = buf.freeze();
    let h = request_header::RequestHeaderData::read(&mut bytes, 2).unwrap();
    let b = metadata_request::MetadataRequestData::read(&mut bytes, 12).unwrap();
    (h, b)
}

pub fn w4() -> fetch_response::FetchResponseData {
    use fetch_response::*;
    FetchResponseData {
        responses: vec![FetchableTopicResponse {
            topic_id: topic_id(1).into(),
            partitions: w4_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionData {
                    partition_index: p as i32,
                    high_watermark: 1000,
                    records: Some(batch),
                    // kacrab's default is null; Kafka's (and the workload's)
                    // is an empty list.
                    aborted_transactions: Some(Vec::new()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// W5 as a kacrab batch with `codec`'s attribute bits: the batch kafka-wire
/// writes (producer id, epoch and sequence -1, offsets from 0).
pub fn w5(codec: kafka_wire::records::Compression) -> record::RecordBatch {
    record::RecordBatch {
        base_offset: 0,
        partition_leader_epoch: -1,
        magic: 2,
        attributes: codec.id() as i16,
        last_offset_delta: W5_RECORDS as i32 - 1,
        first_timestamp: W5_BASE_TIMESTAMP,
        max_timestamp: W5_BASE_TIMESTAMP + W5_RECORDS as i64 - 1,
        producer_id: -1,
        producer_epoch: -1,
        base_sequence: -1,
        records: (0..W5_RECORDS)
            .map(|i| {
                let (key, value) = w5_key_value(i);
                record::Record {
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

/// W6: header (v2) and body (ProduceRequest v13).
pub fn w6() -> (request_header::RequestHeaderData, produce_request::ProduceRequestData) {
    use produce_request::*;
    let header = request_header::RequestHeaderData {
        request_api_key: 0,
        request_api_version: 13,
        correlation_id: W6_CORRELATION_ID,
        client_id: Some(str(W6_CLIENT_ID)),
        ..Default::default()
    };
    let body = ProduceRequestData {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![TopicProduceData {
            topic_id: topic_id(1).into(),
            partition_data: w6_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionProduceData { index: p as i32, records: Some(batch), ..Default::default() })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    (header, body)
}

/// W6 with kacrab: the size prefix, the header and the body.
pub fn w6_encode_frame(
    buf: &mut BytesMut,
    header: &request_header::RequestHeaderData,
    body: &produce_request::ProduceRequestData,
) {
    let size = header.encoded_len(2).unwrap() + body.encoded_len(13).unwrap();
    buf.put_i32(size as i32);
    header.write(buf, 2).unwrap();
    body.write(buf, 13).unwrap();
}
