//! The workloads built with kafka-wire (the reference bytes).

use crate::*;
use kafka_wire::messages::*;
use kafka_wire::records::{self, Compression, RecordBatch};
use kafka_wire::RequestFrame;

pub fn w1() -> MetadataResponse {
    use metadata_response::*;
    MetadataResponse {
        brokers: (0..W1_BROKERS)
            .map(|id| MetadataResponseBroker {
                node_id: id,
                host: w1_host(id).into(),
                port: 9092,
                rack: Some("rack-a".into()),
                ..Default::default()
            })
            .collect(),
        cluster_id: Some("cluster-0001".into()),
        controller_id: 1,
        topics: (0..W1_TOPICS)
            .map(|t| MetadataResponseTopic {
                name: Some(w1_topic(t).into()),
                topic_id: topic_id(t),
                partitions: (0..W1_PARTITIONS as i32)
                    .map(|p| MetadataResponsePartition {
                        partition_index: p,
                        leader_id: p % W1_BROKERS,
                        leader_epoch: 7,
                        replica_nodes: w1_replicas(p).into(),
                        isr_nodes: w1_replicas(p).into(),
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
            .map(|(api_key, min_version, max_version)| api_versions_response::ApiVersion {
                api_key,
                min_version,
                max_version,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// W3: the request frame (header v2 + MetadataRequest v12).
pub fn w3() -> RequestFrame {
    let request = MetadataRequest {
        topics: Some(
            w3_topics()
                .into_iter()
                .map(|name| metadata_request::MetadataRequestTopic { name: Some(name.into()), ..Default::default() })
                .collect(),
        ),
        ..Default::default()
    };
    RequestFrame::new(request, 12, W3_CORRELATION_ID, Some(W3_CLIENT_ID))
}

pub fn w4() -> FetchResponse {
    use fetch_response::*;
    FetchResponse {
        responses: vec![FetchableTopicResponse {
            topic_id: topic_id(1),
            partitions: w4_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionData {
                    partition_index: p as i32,
                    high_watermark: 1000,
                    records: Some(batch),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub fn w5(codec: Compression) -> RecordBatch {
    RecordBatch::from_records(
        codec,
        (0..W5_RECORDS).map(|i| {
            let (key, value) = w5_key_value(i);
            (W5_BASE_TIMESTAMP + i as i64, records::Record { key: Some(key), value: Some(value), ..Default::default() })
        }),
    )
}

/// W6: the request frame at `version` (13 addresses topics by id, 12 and
/// older by name: both are filled in, each version writes its own).
pub fn w6(version: i16) -> RequestFrame {
    use produce_request::*;
    let body = ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![TopicProduceData {
            name: "bench-topic".into(),
            topic_id: topic_id(1),
            partition_data: w6_batches()
                .into_iter()
                .enumerate()
                .map(|(p, batch)| PartitionProduceData { index: p as i32, records: Some(batch), ..Default::default() })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    RequestFrame::new(body, version, W6_CORRELATION_ID, Some(W6_CLIENT_ID))
}
