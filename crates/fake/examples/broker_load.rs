//! Produce and fetch load against a Kafka broker: the fake one in this
//! process (no argument) or any broker by address, with the same client
//! and workload, for BENCHMARKS.md's fake-against-real rows
//! (`scripts/bench.sh broker-load` runs both).
//!
//!     cargo run --release -p kafka-wire-fake --example broker_load [-- BROKER [REQUESTS]]
//!
//! One connection, one topic of one partition. Produce: REQUESTS requests
//! (2,000 by default) of one uncompressed batch of 100 records of 100
//! bytes, acks=1, first one at a time (latency), then 16 in flight
//! (throughput). Fetch: the whole log back from offset 0, 1 MiB per
//! request, one at a time. Every response is checked for errors, and the
//! fetch must return every record produced.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kafka_wire::connection::Handshake;
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, EncodeOptions, ReadBatches, Record, RecordBatch};
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, Response, ResponseFrame};
use kafka_wire_fake::FakeCluster;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const RECORDS_PER_BATCH: usize = 100;
const RECORD_BYTES: usize = 100;
const IN_FLIGHT: usize = 16;

struct Client {
    conn: Framed<TcpStream, ClientCodec>,
    produce_version: i16,
    fetch_version: i16,
    metadata_version: i16,
    create_version: i16,
}

impl Client {
    async fn connect(address: &str) -> Result<Client> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let mut conn = Framed::new(stream, ClientCodec::new());
        let mut handshake = Handshake::new("broker-load", "1");
        let versions = loop {
            let (request, version) = handshake.request();
            let frame = conn.codec_mut().connection().frame(request, version);
            conn.send(frame).await?;
            let response = conn.next().await.ok_or("closed")??;
            if let Some(versions) = handshake.receive(&response.body)? {
                break versions;
            }
        };
        Ok(Client {
            conn,
            // Produce and Fetch by topic name: below v13.
            produce_version: versions.version(ApiKey::Produce)?.min(12),
            fetch_version: versions.version(ApiKey::Fetch)?.min(12),
            metadata_version: versions.version(ApiKey::Metadata)?,
            create_version: versions.version(ApiKey::CreateTopics)?,
        })
    }

    async fn send_only(&mut self, request: impl Into<kafka_wire::Request>, version: i16) -> Result<()> {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        Ok(self.conn.send(frame).await?)
    }

    async fn receive(&mut self) -> Result<ResponseFrame> {
        Ok(self.conn.next().await.ok_or("the broker closed the connection")??)
    }

    async fn call(&mut self, request: impl Into<kafka_wire::Request>, version: i16) -> Result<ResponseFrame> {
        self.send_only(request, version).await?;
        self.receive().await
    }
}

fn produce_request(topic: &str, batch: &Bytes) -> ProduceRequest {
    ProduceRequest {
        acks: 1,
        timeout_ms: 30_000,
        topic_data: vec![produce_request::TopicProduceData {
            name: topic.to_owned().into(),
            partition_data: vec![produce_request::PartitionProduceData {
                index: 0,
                records: Some(batch.clone()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn check_produce(response: ResponseFrame) -> Result<()> {
    let Response::Produce(r) = response.body else { return Err("not a Produce response".into()) };
    let code = r.responses[0].partition_responses[0].error_code;
    if code != 0 {
        return Err(format!("produce failed: error {code}").into());
    }
    Ok(())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn p99(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)]
}

async fn run(address: &str, requests: usize) -> Result<()> {
    let mut client = Client::connect(address).await?;
    let topic = format!("broker-load-{}", std::process::id());
    let create = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: topic.clone().into(),
            num_partitions: 1,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    client.call(create, client.create_version).await?;
    // Wait for a leader (a real broker takes a moment).
    let metadata = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            name: Some(topic.clone().into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    for _ in 0..100 {
        let Response::Metadata(m) = client.call(metadata.clone(), client.metadata_version).await?.body else { break };
        if m.topics[0].error_code == 0 && m.topics[0].partitions.first().is_some_and(|p| p.leader_id >= 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let value = Bytes::from(vec![b'x'; RECORD_BYTES]);
    let records = (0..RECORDS_PER_BATCH)
        .map(|i| (1_700_000_000_000 + i as i64, Record { value: Some(value.clone()), ..Default::default() }));
    let batch = RecordBatch::from_records(Compression::None, records).to_bytes(&EncodeOptions::default())?;
    let request = produce_request(&topic, &batch);
    let version = client.produce_version;

    // A new topic's leader may not take writes at once on a real broker:
    // the first record (counted in the fetch below) waits until it does.
    let first = produce_request(&topic, &batch);
    let mut attempts = 0;
    loop {
        let Response::Produce(r) = client.call(first.clone(), version).await?.body else {
            return Err("not a Produce response".into());
        };
        let code = r.responses[0].partition_responses[0].error_code;
        match kafka_wire::ErrorCode::try_from(code) {
            Ok(e) if e.is_ok() => break,
            Ok(e) if e.is_retriable() && attempts < 100 => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            _ => return Err(format!("produce failed: error {code}").into()),
        }
    }

    // One at a time: latency.
    let mut latencies = Vec::with_capacity(requests);
    let started = Instant::now();
    for _ in 0..requests {
        let sent = Instant::now();
        check_produce(client.call(request.clone(), version).await?)?;
        latencies.push(sent.elapsed());
    }
    let sequential = started.elapsed();
    // Several in flight: throughput.
    let started = Instant::now();
    let mut in_flight = 0;
    for _ in 0..requests {
        client.send_only(request.clone(), version).await?;
        in_flight += 1;
        if in_flight == IN_FLIGHT {
            check_produce(client.receive().await?)?;
            in_flight -= 1;
        }
    }
    for _ in 0..in_flight {
        check_produce(client.receive().await?)?;
    }
    let pipelined = started.elapsed();
    let produced = (2 * requests + 1) * RECORDS_PER_BATCH;

    // Fetch everything back.
    let mut offset = 0i64;
    let mut fetched = 0usize;
    let mut fetch_latencies = Vec::new();
    let started = Instant::now();
    while fetched < produced {
        let fetch = FetchRequest {
            replica_id: -1,
            max_wait_ms: 500,
            min_bytes: 1,
            max_bytes: 1 << 20,
            session_epoch: -1,
            topics: vec![fetch_request::FetchTopic {
                topic: topic.clone().into(),
                partitions: vec![fetch_request::FetchPartition {
                    partition: 0,
                    fetch_offset: offset,
                    partition_max_bytes: 1 << 20,
                    current_leader_epoch: -1,
                    log_start_offset: -1,
                    last_fetched_epoch: -1,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let sent = Instant::now();
        let Response::Fetch(r) = client.call(fetch, client.fetch_version).await?.body else {
            return Err("not a Fetch response".into());
        };
        fetch_latencies.push(sent.elapsed());
        let partition = &r.responses[0].partitions[0];
        if partition.error_code != 0 {
            return Err(format!("fetch failed: error {}", partition.error_code).into());
        }
        let before = fetched;
        for batch in partition.batches() {
            let batch = batch?;
            if batch.header.last_offset() < offset {
                continue;
            }
            fetched += batch.header.records_count as usize;
            offset = batch.header.next_offset();
        }
        if fetched == before && fetch_latencies.len() > 10 * produced {
            return Err("the fetch makes no progress".into());
        }
    }
    let fetching = started.elapsed();
    if fetched != produced {
        return Err(format!("fetched {fetched} records, produced {produced}").into());
    }

    let rate = |records: usize, time: Duration| records as f64 / time.as_secs_f64();
    println!("broker {address}: produce v{version}, fetch v{}", client.fetch_version);
    println!(
        "produce, 1 in flight:  {:>10.0} records/s  median {:>7.1} µs  p99 {:>7.1} µs",
        rate(requests * RECORDS_PER_BATCH, sequential),
        median(&mut latencies).as_secs_f64() * 1e6,
        p99(&mut latencies).as_secs_f64() * 1e6
    );
    println!("produce, {IN_FLIGHT} in flight: {:>10.0} records/s", rate(requests * RECORDS_PER_BATCH, pipelined));
    println!(
        "fetch, 1 MiB requests: {:>10.0} records/s  median {:>7.1} µs  ({} requests)",
        rate(produced, fetching),
        median(&mut fetch_latencies).as_secs_f64() * 1e6,
        fetch_latencies.len()
    );
    Ok(())
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let address = args.next().filter(|a| a != "fake");
    let requests: usize = args.next().map_or(Ok(2_000), |n| n.parse())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        match address {
            Some(address) => run(&address, requests).await,
            None => {
                let cluster = FakeCluster::builder().start().await?;
                let address = cluster.bootstrap();
                run(&address, requests).await?;
                let problems = cluster.problems();
                if !problems.is_empty() {
                    return Err(format!("the fake broker's problems: {problems:?}").into());
                }
                Ok(())
            }
        }
    })
}
