//! A load run through the async recording proxy (`kafka-wire proxy --async`): CONNECTIONS concurrent
//! connections produce and fetch for SECONDS, straight to the broker and
//! through the proxy (in this process) in turn, twice, after a warm-up of WARM_UP seconds (15 by default).
//! Every frame through the proxy must decode and re-encode identically,
//! every request get its response, in order, and every connection end
//! cleanly; the run prints the throughput and latency of both.
//!
//!     cargo run --release -p kafka-wire-integration --example proxy_load -- BROKER [CONNECTIONS] [SECONDS] [WARM_UP]
//!
//! A benchmark (BENCHMARKS.md has its figures); scripts/test.sh runs a
//! short one for its checks.

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch, WriteBatches};
use kafka_wire::Response;
use kafka_wire_cli::frames::Direction;
use kafka_wire_cli::proxy::{serve_async, ProxyEvent, ProxyOptions};
use kafka_wire_integration::async_client::AsyncClient;
use kafka_wire_integration::Result;
use std::collections::HashMap;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// One connection's loop: a produce of ten records, then a fetch of what
/// it wrote, until `until`. Returns each round trip's latency.
async fn worker(address: String, topic_id: uuid::Uuid, partition: i32, until: Instant) -> Result<Vec<Duration>> {
    let mut client = AsyncClient::connect(&address).await?;
    let mut latencies = Vec::new();
    let mut offset = -1;
    while Instant::now() < until {
        // Today's timestamps: old ones would make the broker roll and
        // delete segments by time under the readers.
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
        let records = (0..10).map(|i| {
            let value = Bytes::from(format!("load {partition} {i} {}", "x".repeat(200)));
            (now + i, Record { value: Some(value), ..Default::default() })
        });
        let mut data = produce_request::PartitionProduceData { index: partition, ..Default::default() };
        data.set_batches(&[RecordBatch::from_records(Compression::None, records)], &EncodeOptions::default())?;
        let produce = ProduceRequest {
            acks: -1,
            timeout_ms: 30_000,
            topic_data: vec![produce_request::TopicProduceData {
                topic_id,
                partition_data: vec![data],
                ..Default::default()
            }],
            ..Default::default()
        };
        let start = Instant::now();
        let Response::Produce(produced) = client.send(produce).await? else { unreachable!() };
        latencies.push(start.elapsed());
        let result = &produced.responses[0].partition_responses[0];
        if result.error_code != 0 {
            return Err(format!("produce failed: {}", result.error_code).into());
        }
        if offset < 0 {
            offset = result.base_offset;
        }
        let fetch = FetchRequest {
            max_wait_ms: 0,
            max_bytes: 1 << 20,
            topics: vec![fetch_request::FetchTopic {
                topic_id,
                partitions: vec![fetch_request::FetchPartition {
                    partition,
                    fetch_offset: offset,
                    partition_max_bytes: 64 << 10,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let start = Instant::now();
        let Response::Fetch(fetched) = client.send(fetch).await? else { unreachable!() };
        latencies.push(start.elapsed());
        let answer = &fetched.responses[0].partitions[0];
        if answer.error_code != 0 {
            let (code, hw, start) = (answer.error_code, answer.high_watermark, answer.log_start_offset);
            return Err(format!(
                "fetch of partition {partition} at {offset} failed: error {code} (high watermark {hw}, log start {start})"
            )
            .into());
        }
        offset = result.base_offset + 10;
    }
    Ok(latencies)
}

/// Runs `connections` workers against `address` for `seconds`; returns
/// the latencies of every round trip.
async fn run(address: &str, topic_id: uuid::Uuid, connections: i32, seconds: u64) -> Result<Vec<Duration>> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> =
        (0..connections).map(|c| tokio::spawn(worker(address.to_string(), topic_id, c % 8, until))).collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    all.sort();
    Ok(all)
}

fn report(what: &str, latencies: &[Duration], seconds: u64) {
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "{what:<14} {:>7} round trips, {:>8.0}/s, latency p50 {:>6.2} ms, p99 {:>6.2} ms",
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let broker = args.first().cloned().unwrap_or_else(|| "127.0.0.1:9092".into());
    let connections: i32 = args.get(1).map_or(Ok(50), |a| a.parse())?;
    let seconds: u64 = args.get(2).map_or(Ok(10), |a| a.parse())?;
    let warm_up: u64 = args.get(3).map_or(Ok(15), |a| a.parse())?;

    let topic = format!("kafka-wire-proxy-load-{}", std::process::id());
    let mut admin = AsyncClient::connect(&broker).await?;
    let create = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: topic.as_str().into(),
            num_partitions: 8,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let Response::CreateTopics(created) = admin.send(create).await? else { unreachable!() };
    if created.topics[0].error_code != 0 {
        return Err(format!("CreateTopics failed: {}", created.topics[0].error_code).into());
    }
    let topic_id = created.topics[0].topic_id;
    tokio::time::sleep(Duration::from_secs(2)).await; // leaders elected

    // A warm-up (not reported): a fresh broker's first seconds are slower
    // while the JVM compiles. Then direct and proxied rounds in turn.
    run(&broker, topic_id, connections, warm_up).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let proxy_address = listener.local_addr()?.to_string();
    let (tx, rx) = channel();
    let upstream = broker.clone();
    tokio::spawn(async move { serve_async(listener, &upstream, tx, ProxyOptions::default()).await });
    let mut rounds = Vec::new();
    for round in 1..=2 {
        rounds.push((format!("direct {round}"), run(&broker, topic_id, connections, seconds).await?));
        rounds.push((format!("proxied {round}"), run(&proxy_address, topic_id, connections, seconds).await?));
    }
    tokio::time::sleep(Duration::from_secs(1)).await; // the last events

    // Every frame checked; per connection, the responses in request order.
    let (mut frames, mut problems, mut broken) = (0, 0, 0);
    let mut requests: HashMap<usize, Vec<i32>> = HashMap::new();
    let mut responses: HashMap<usize, Vec<i32>> = HashMap::new();
    for event in rx.try_iter() {
        let frame = match event {
            ProxyEvent::Frame(frame) => frame,
            // A connection that ended on a framing error (a frame cut
            // short, a size no Kafka frame has) or a failed write.
            ProxyEvent::Closed { connection, direction, error: Some(error) } => {
                broken += 1;
                eprintln!("connection {connection}'s {direction:?}s ended: {error}");
                continue;
            }
            ProxyEvent::Closed { .. } => continue,
        };
        frames += 1;
        if !frame.round_trips() {
            problems += 1;
            eprintln!("{}", frame.report.to_json());
        }
        let list = if frame.report.direction == Direction::Request { &mut requests } else { &mut responses };
        list.entry(frame.connection).or_default().push(frame.report.correlation_id.unwrap_or(-1));
    }
    let lost_or_reordered = requests.iter().filter(|(c, ids)| responses.get(c) != Some(ids)).count();

    println!("{connections} connections, {seconds} s a round, produce (10 records) and fetch in turn:");
    for (what, latencies) in &rounds {
        report(what, latencies, seconds);
    }
    println!(
        "proxy: {} connections, {frames} frames checked, {problems} not byte-identical, \
         {lost_or_reordered} connections with a lost or reordered response, {broken} ended badly",
        requests.len()
    );

    let delete = DeleteTopicsRequest {
        topics: vec![delete_topics_request::DeleteTopicState {
            name: Some(topic.as_str().into()),
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    admin.send(delete).await?;
    if problems > 0 || lost_or_reordered > 0 || broken > 0 || requests.len() < 2 * connections as usize {
        return Err("the proxy run was not clean".into());
    }
    Ok(())
}
