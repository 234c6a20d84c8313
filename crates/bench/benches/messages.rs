//! Message workloads W1-W4 and W6, kafka-wire side by side with
//! kafka-protocol. Before timing, each workload checks both crates write the
//! same bytes for the same logical message, and prints allocations per
//! decode (W1, W4).
//!
//!     cargo bench -p kafka-wire-bench --bench messages

use bytes::{BufMut, Bytes, BytesMut};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kafka_protocol::messages as kp;
use kafka_protocol::protocol::{Decodable as _, Encodable as _, StrBytes as KpStr};
use kafka_wire::messages as kw;
use kafka_wire::{ApiKey, Encode as _, MessageExt, RequestFrame};
use kafka_wire_bench::alloc_count::{count, Counting};
use kafka_wire_bench::*;

#[global_allocator]
static ALLOC: Counting = Counting;

fn kp_str(s: &str) -> KpStr {
    KpStr::from_string(s.to_string())
}

fn check_same(what: &str, ours: &[u8], theirs: &[u8]) {
    if ours != theirs {
        let at = ours.iter().zip(theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
        panic!(
            "{what}: kafka-wire and kafka-protocol bytes differ at {at} (lengths {} / {})",
            ours.len(),
            theirs.len()
        );
    }
}

// ---- W1: MetadataResponse v12, 1000 topics x 10 partitions ----
fn w1_ours() -> kw::MetadataResponse {
    use kw::metadata_response::*;
    kw::MetadataResponse {
        brokers: (0..W1_BROKERS)
            .map(|id| MetadataResponseBroker {
                node_id: id,
                host: format!("broker-{id}.example").into(),
                port: 9092,
                rack: Some("rack-a".into()),
                ..Default::default()
            })
            .collect(),
        cluster_id: Some("cluster-0001".into()),
        controller_id: 1,
        topics: (0..W1_TOPICS)
            .map(|t| MetadataResponseTopic {
                name: Some(format!("topic-{t:05}").into()),
                topic_id: topic_id(t),
                partitions: (0..W1_PARTITIONS as i32)
                    .map(|p| MetadataResponsePartition {
                        partition_index: p,
                        leader_id: p % W1_BROKERS,
                        leader_epoch: 7,
                        replica_nodes: (0..3).map(|r| (p + r) % W1_BROKERS).collect(),
                        isr_nodes: (0..3).map(|r| (p + r) % W1_BROKERS).collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn w1_theirs() -> kp::MetadataResponse {
    use kp::metadata_response::*;
    kp::MetadataResponse::default()
        .with_brokers(
            (0..W1_BROKERS)
                .map(|id| {
                    MetadataResponseBroker::default()
                        .with_node_id(kp::BrokerId(id))
                        .with_host(kp_str(&format!("broker-{id}.example")))
                        .with_port(9092)
                        .with_rack(Some(kp_str("rack-a")))
                })
                .collect(),
        )
        .with_cluster_id(Some(kp_str("cluster-0001")))
        .with_controller_id(kp::BrokerId(1))
        .with_topics(
            (0..W1_TOPICS)
                .map(|t| {
                    MetadataResponseTopic::default()
                        .with_name(Some(kp::TopicName(kp_str(&format!("topic-{t:05}")))))
                        .with_topic_id(topic_id(t))
                        .with_partitions(
                            (0..W1_PARTITIONS as i32)
                                .map(|p| {
                                    let nodes: Vec<kp::BrokerId> =
                                        (0..3).map(|r| kp::BrokerId((p + r) % W1_BROKERS)).collect();
                                    MetadataResponsePartition::default()
                                        .with_partition_index(p)
                                        .with_leader_id(kp::BrokerId(p % W1_BROKERS))
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

fn kp_bytes<T: kafka_protocol::protocol::Encodable>(m: &T, version: i16) -> Bytes {
    let mut buf = BytesMut::new();
    m.encode(&mut buf, version).unwrap();
    buf.freeze()
}

fn bench_w1(c: &mut Criterion) {
    let version = 12;
    let ours = w1_ours();
    let theirs = w1_theirs();
    let bytes = ours.to_bytes(version).unwrap();
    check_same("W1", &bytes, &kp_bytes(&theirs, version));
    let (_, a) = count(|| kw::MetadataResponse::from_bytes(&bytes, version).unwrap());
    let (_, b) = count(|| kp::MetadataResponse::decode(&mut bytes.clone(), version).unwrap());
    println!("W1 allocations per decode: kafka-wire {a}, kafka-protocol {b}");

    let mut g = c.benchmark_group("W1 MetadataResponse v12 1000x10");
    g.bench_function("kafka-wire decode", |b| {
        b.iter(|| kw::MetadataResponse::from_bytes(black_box(&bytes), version).unwrap())
    });
    g.bench_function("kafka-protocol decode", |b| {
        b.iter(|| kp::MetadataResponse::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function("kafka-wire encode", |b| {
        let mut buf = BytesMut::with_capacity(bytes.len());
        b.iter(|| {
            buf.clear();
            ours.encode(&mut buf, version).unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("kafka-protocol encode", |b| {
        let mut buf = BytesMut::with_capacity(bytes.len());
        b.iter(|| {
            buf.clear();
            theirs.encode(&mut buf, version).unwrap();
            black_box(buf.len())
        })
    });
    g.finish();
}

// ---- W2: ApiVersionsResponse v3 with every api key ----
fn bench_w2(c: &mut Criterion) {
    let version = 3;
    let ours = kw::ApiVersionsResponse {
        api_keys: ApiKey::ALL
            .iter()
            .filter(|k| !k.valid_versions().is_empty())
            .map(|k| kw::api_versions_response::ApiVersion {
                api_key: k.key(),
                min_version: k.valid_versions().min,
                max_version: k.valid_versions().max,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let theirs = kp::ApiVersionsResponse::default().with_api_keys(
        ours.api_keys
            .iter()
            .map(|k| {
                kp::api_versions_response::ApiVersion::default()
                    .with_api_key(k.api_key)
                    .with_min_version(k.min_version)
                    .with_max_version(k.max_version)
            })
            .collect(),
    );
    let bytes = ours.to_bytes(version).unwrap();
    check_same("W2", &bytes, &kp_bytes(&theirs, version));
    let mut g = c.benchmark_group("W2 ApiVersionsResponse v3");
    g.bench_function("kafka-wire decode", |b| {
        b.iter(|| kw::ApiVersionsResponse::from_bytes(black_box(&bytes), version).unwrap())
    });
    g.bench_function("kafka-protocol decode", |b| {
        b.iter(|| kp::ApiVersionsResponse::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function("kafka-wire encode", |b| {
        let mut buf = BytesMut::with_capacity(bytes.len());
        b.iter(|| {
            buf.clear();
            ours.encode(&mut buf, version).unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("kafka-protocol encode", |b| {
        let mut buf = BytesMut::with_capacity(bytes.len());
        b.iter(|| {
            buf.clear();
            theirs.encode(&mut buf, version).unwrap();
            black_box(buf.len())
        })
    });
    g.finish();
}

// ---- W3: RequestHeader v2 + MetadataRequest v12 with 10 topics, roundtrip ----
fn bench_w3(c: &mut Criterion) {
    let version = 12;
    let request = kw::MetadataRequest {
        topics: Some(
            (0..10)
                .map(|t| kw::metadata_request::MetadataRequestTopic {
                    name: Some(format!("topic-{t:05}").into()),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    };
    let ours = RequestFrame::new(request, version, 42, Some("bench-client"));
    let header = kp::RequestHeader::default()
        .with_request_api_key(3)
        .with_request_api_version(version)
        .with_correlation_id(42)
        .with_client_id(Some(kp_str("bench-client")));
    let body = kp::MetadataRequest::default().with_topics(Some(
        (0..10)
            .map(|t| {
                kp::metadata_request::MetadataRequestTopic::default()
                    .with_name(Some(kp::TopicName(kp_str(&format!("topic-{t:05}")))))
            })
            .collect(),
    ));
    let kp_roundtrip = |header: &kp::RequestHeader, body: &kp::MetadataRequest| {
        let mut buf = BytesMut::new();
        header.encode(&mut buf, 2).unwrap();
        body.encode(&mut buf, version).unwrap();
        let mut bytes = buf.freeze();
        let h = kp::RequestHeader::decode(&mut bytes, 2).unwrap();
        let b = kp::MetadataRequest::decode(&mut bytes, version).unwrap();
        (h, b)
    };
    let ours_bytes = ours.to_bytes().unwrap();
    let mut theirs_bytes = BytesMut::new();
    header.encode(&mut theirs_bytes, 2).unwrap();
    body.encode(&mut theirs_bytes, version).unwrap();
    check_same("W3", &ours_bytes[4..], &theirs_bytes);
    let mut g = c.benchmark_group("W3 RequestHeader v2 + MetadataRequest v12 roundtrip");
    g.bench_function("kafka-wire", |b| {
        b.iter(|| {
            let bytes = black_box(&ours).to_bytes().unwrap();
            RequestFrame::decode(&bytes.slice(4..)).unwrap()
        })
    });
    g.bench_function("kafka-protocol", |b| b.iter(|| kp_roundtrip(black_box(&header), black_box(&body))));
    g.finish();
}

// ---- W4: FetchResponse (highest version), 50 partitions x 64 KiB batch ----
fn bench_w4(c: &mut Criterion) {
    let version = 18;
    let batches: Vec<Bytes> = (0..W4_PARTITIONS).map(|p| batch_of_size(W4_BATCH_BYTES, p)).collect();
    let ours = kw::FetchResponse {
        responses: vec![kw::fetch_response::FetchableTopicResponse {
            topic_id: topic_id(1),
            partitions: (0..W4_PARTITIONS)
                .map(|p| kw::fetch_response::PartitionData {
                    partition_index: p as i32,
                    high_watermark: 1000,
                    records: Some(batches[p].clone()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let theirs =
        kp::FetchResponse::default().with_responses(vec![kp::fetch_response::FetchableTopicResponse::default()
            .with_topic_id(topic_id(1))
            .with_partitions(
                (0..W4_PARTITIONS)
                    .map(|p| {
                        kp::fetch_response::PartitionData::default()
                            .with_partition_index(p as i32)
                            .with_high_watermark(1000)
                            .with_records(Some(batches[p].clone()))
                    })
                    .collect(),
            )]);
    let bytes = ours.to_bytes(version).unwrap();
    check_same("W4", &bytes, &kp_bytes(&theirs, version));
    let (_, a) = count(|| kw::FetchResponse::from_bytes(&bytes, version).unwrap());
    let (_, b) = count(|| kp::FetchResponse::decode(&mut bytes.clone(), version).unwrap());
    println!("W4 allocations per decode: kafka-wire {a}, kafka-protocol {b}");
    let mut g = c.benchmark_group("W4 FetchResponse v18 50x64KiB decode");
    g.bench_function("kafka-wire", |b| b.iter(|| kw::FetchResponse::from_bytes(black_box(&bytes), version).unwrap()));
    g.bench_function("kafka-protocol", |b| {
        b.iter(|| kp::FetchResponse::decode(&mut black_box(bytes.clone()), version).unwrap())
    });
    g.bench_function("memcpy of the payload", |b| {
        let mut dst = vec![0u8; bytes.len()];
        b.iter(|| {
            dst.copy_from_slice(black_box(&bytes));
            black_box(dst[0])
        })
    });
    g.finish();
}

// ---- W6: ProduceRequest, 100 partitions x 16 KiB, encode with frame header ----
fn bench_w6(c: &mut Criterion) {
    let version = 13;
    let batches: Vec<Bytes> = (0..W6_PARTITIONS).map(|p| batch_of_size(W6_BATCH_BYTES, p)).collect();
    let ours_body = kw::ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![kw::produce_request::TopicProduceData {
            topic_id: topic_id(1),
            partition_data: (0..W6_PARTITIONS)
                .map(|p| kw::produce_request::PartitionProduceData {
                    index: p as i32,
                    records: Some(batches[p].clone()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let ours = RequestFrame::new(ours_body, version, 7, Some("bench-producer"));
    let header = kp::RequestHeader::default()
        .with_request_api_key(0)
        .with_request_api_version(version)
        .with_correlation_id(7)
        .with_client_id(Some(kp_str("bench-producer")));
    let theirs = kp::ProduceRequest::default().with_acks(-1).with_timeout_ms(30_000).with_topic_data(vec![
        kp::produce_request::TopicProduceData::default().with_topic_id(topic_id(1)).with_partition_data(
            (0..W6_PARTITIONS)
                .map(|p| {
                    kp::produce_request::PartitionProduceData::default()
                        .with_index(p as i32)
                        .with_records(Some(batches[p].clone()))
                })
                .collect(),
        ),
    ]);
    let kp_frame = |buf: &mut BytesMut| {
        let size = header.compute_size(2).unwrap() + theirs.compute_size(version).unwrap();
        buf.put_i32(size as i32);
        header.encode(buf, 2).unwrap();
        theirs.encode(buf, version).unwrap();
    };
    let ours_bytes = ours.to_bytes().unwrap();
    let mut theirs_bytes = BytesMut::new();
    kp_frame(&mut theirs_bytes);
    check_same("W6", &ours_bytes, &theirs_bytes);
    let mut g = c.benchmark_group("W6 ProduceRequest v13 100x16KiB encode with frame");
    g.bench_function("kafka-wire", |b| {
        let mut buf = BytesMut::with_capacity(ours_bytes.len());
        b.iter(|| {
            buf.clear();
            ours.encode(&mut buf).unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("kafka-protocol", |b| {
        let mut buf = BytesMut::with_capacity(ours_bytes.len());
        b.iter(|| {
            buf.clear();
            kp_frame(&mut buf);
            black_box(buf.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_w1, bench_w2, bench_w3, bench_w4, bench_w6);
criterion_main!(benches);
