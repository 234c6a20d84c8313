//! Hostile clients: garbage, frames over the size limit, unknown apis and
//! versions, truncated frames, bodies that are not the request they claim,
//! and a few hundred mutated requests of every api. Each gets what Kafka
//! gives it (most often a closed connection), and a connection opened
//! before it keeps working, its topic and records untouched.

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use kafka_wire::connection::FrameReader;
use kafka_wire::messages::*;
use kafka_wire::random::Rng;
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch, RecordSetEntry, RecordSetIter};
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, ErrorCode, Request, RequestFrame, Response, ResponseFrame};
use kafka_wire_fake::{FakeCluster, Persona};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

const TOPIC: &str = "healthy";
const MAX_REQUEST: usize = 64 * 1024;

/// A well-behaved client, connected before the hostile one.
struct Healthy {
    conn: Framed<TcpStream, ClientCodec>,
}

impl Healthy {
    async fn connect(cluster: &FakeCluster) -> Healthy {
        let stream = TcpStream::connect(cluster.addresses()[0]).await.expect("connect");
        Healthy { conn: Framed::new(stream, ClientCodec::new()) }
    }

    async fn send(&mut self, request: impl Into<Request>, version: i16) -> Response {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        let answer = tokio::time::timeout(Duration::from_secs(10), self.conn.next()).await.expect("in time");
        answer.expect("a response").expect("a valid response").body
    }

    async fn produce(&mut self, value: &str) {
        let record = Record { value: Some(Bytes::copy_from_slice(value.as_bytes())), ..Default::default() };
        let batch = RecordBatch::from_records(Compression::None, [(1_700_000_000_000, record)])
            .to_bytes(&EncodeOptions::default())
            .unwrap();
        let request = ProduceRequest {
            acks: -1,
            timeout_ms: 1000,
            topic_data: vec![produce_request::TopicProduceData {
                name: TOPIC.into(),
                partition_data: vec![produce_request::PartitionProduceData {
                    index: 0,
                    records: Some(batch),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let Response::Produce(response) = self.send(request, 9).await else { panic!() };
        assert_eq!(response.responses[0].partition_responses[0].error_code, 0);
    }

    /// Checks the topic and its records are as this client left them.
    async fn check(&mut self, values: &[&str]) {
        let request = MetadataRequest {
            topics: Some(vec![metadata_request::MetadataRequestTopic {
                name: Some(TOPIC.into()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let Response::Metadata(metadata) = self.send(request, 12).await else { panic!() };
        assert_eq!(metadata.topics[0].error_code, 0);
        assert_eq!(metadata.topics[0].partitions.len(), 2);
        let request = FetchRequest {
            replica_id: -1,
            max_bytes: 1 << 20,
            topics: vec![fetch_request::FetchTopic {
                topic: TOPIC.into(),
                partitions: vec![fetch_request::FetchPartition {
                    partition: 0,
                    partition_max_bytes: 1 << 20,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let Response::Fetch(fetched) = self.send(request, 11).await else { panic!() };
        let partition = &fetched.responses[0].partitions[0];
        assert_eq!((partition.error_code, partition.high_watermark), (0, values.len() as i64));
        let mut got = Vec::new();
        for entry in RecordSetIter::new(partition.records.clone().unwrap()) {
            let RecordSetEntry::Batch(batch) = entry.unwrap() else { panic!() };
            for record in batch.records(&Default::default()).unwrap() {
                got.push(String::from_utf8(record.value.unwrap().to_vec()).unwrap());
            }
        }
        assert_eq!(got, values);
    }
}

async fn cluster() -> FakeCluster {
    FakeCluster::builder().topic(TOPIC, 2).max_request_size(MAX_REQUEST).start().await.unwrap()
}

/// What a hostile connection got back.
#[derive(Debug, PartialEq)]
enum Answer {
    /// Closed, nothing written.
    Closed,
    /// These bytes, then closed.
    Bytes(Vec<u8>),
    /// Still open and silent after the wait.
    Open,
}

/// Opens a connection, writes `bytes`, optionally closes its write side,
/// and reads what comes back until the broker closes or `wait` passes.
async fn hostile(cluster: &FakeCluster, bytes: &[u8], close_write: bool, wait: Duration) -> Answer {
    let mut stream = TcpStream::connect(cluster.addresses()[0]).await.expect("connect");
    // The broker may close before it has read everything: a failed write is fine.
    let _ = stream.write_all(bytes).await;
    if close_write {
        let _ = stream.shutdown().await;
    }
    let mut got = Vec::new();
    let read = tokio::time::timeout(wait, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    match (read, got.is_empty()) {
        (Err(_), _) => Answer::Open,
        (Ok(()), true) => Answer::Closed,
        (Ok(()), false) => Answer::Bytes(got),
    }
}

fn sized(body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

/// A request header v1 with any api key and version, then `body`.
fn raw_request(api_key: i16, version: i16, body: &[u8]) -> Vec<u8> {
    let mut frame = BytesMut::new();
    frame.put_i16(api_key);
    frame.put_i16(version);
    frame.put_i32(99);
    frame.put_i16(-1); // no client id
    frame.put_slice(body);
    sized(&frame)
}

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn each_bad_client_is_closed_and_the_others_go_on() {
    let cluster = cluster().await;
    let mut healthy = Healthy::connect(&cluster).await;
    healthy.produce("one").await;

    // Not Kafka at all: "GET " read as a size is over the limit.
    assert_eq!(hostile(&cluster, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, WAIT).await, Answer::Closed);
    healthy.check(&["one"]).await;

    // A size over the limit, its bytes never sent: closed without waiting for them.
    let over = ((MAX_REQUEST + 1) as i32).to_be_bytes();
    assert_eq!(hostile(&cluster, &over, false, WAIT).await, Answer::Closed);
    // And a negative size.
    assert_eq!(hostile(&cluster, &(-5i32).to_be_bytes(), false, WAIT).await, Answer::Closed);
    healthy.check(&["one"]).await;

    // An api key no Kafka has.
    assert_eq!(hostile(&cluster, &raw_request(9999, 0, &[]), false, WAIT).await, Answer::Closed);
    // An api Kafka has and this broker does not serve (LeaderAndIsr).
    let leader_and_isr =
        RequestFrame::new(Request::random(ApiKey::LeaderAndIsr, &mut Rng::with_seed(1), 0), 0, 1, None);
    let bytes = leader_and_isr.to_bytes().unwrap();
    assert_eq!(hostile(&cluster, &bytes, false, WAIT).await, Answer::Closed);
    // A version no Kafka has, of an api it serves.
    assert_eq!(
        hostile(&cluster, &raw_request(ApiKey::Metadata.key(), 999, &[0, 0, 0, 0]), false, WAIT).await,
        Answer::Closed
    );
    healthy.produce("two").await;
    healthy.check(&["one", "two"]).await;

    // A frame cut short, then the client leaves.
    let whole = raw_request(ApiKey::Metadata.key(), 4, &[0, 0, 0, 0, 1]);
    assert_eq!(hostile(&cluster, &whole[..whole.len() - 3], true, WAIT).await, Answer::Closed);
    // Only half a size prefix.
    assert_eq!(hostile(&cluster, &[0, 0], true, WAIT).await, Answer::Closed);
    healthy.check(&["one", "two"]).await;

    // A valid header (v2: no tagged fields) and a body that is not a
    // Metadata v12 request (a compact array length that never ends).
    let mut body = vec![0];
    body.extend_from_slice(&[0xff; 12]);
    assert_eq!(hostile(&cluster, &raw_request(ApiKey::Metadata.key(), 12, &body), false, WAIT).await, Answer::Closed);
    // A Produce whose body is random bytes.
    let mut rng = Rng::with_seed(7);
    let random: Vec<u8> = (0..200).map(|_| rng.u8(..)).collect();
    assert_eq!(hostile(&cluster, &raw_request(ApiKey::Produce.key(), 9, &random), false, WAIT).await, Answer::Closed);

    healthy.produce("three").await;
    healthy.check(&["one", "two", "three"]).await;
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn a_too_new_api_versions_gets_v0_unsupported_version() {
    let cluster = cluster().await;
    let mut healthy = Healthy::connect(&cluster).await;
    healthy.produce("one").await;
    // ApiVersions v99: a version no Kafka has. Kafka reads the header
    // (v2, as for every flexible version: no tagged fields here), answers
    // in a v0 body and keeps the connection open.
    let request = raw_request(ApiKey::ApiVersions.key(), 99, &[0, 0xde, 0xad]);
    let mut stream = TcpStream::connect(cluster.addresses()[0]).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let mut input = BytesMut::new();
    let frame = loop {
        if let Some(frame) = FrameReader::new().next_frame(&mut input).unwrap() {
            break frame;
        }
        let n = tokio::time::timeout(WAIT, stream.read_buf(&mut input)).await.unwrap().unwrap();
        assert!(n > 0, "closed instead of answering");
    };
    let response = ResponseFrame::decode(&frame, ApiKey::ApiVersions, 0).unwrap();
    assert_eq!(response.correlation_id(), 99);
    let Response::ApiVersions(versions) = response.body else { panic!() };
    assert_eq!(versions.error_code, ErrorCode::UnsupportedVersion.code());
    let entry = versions.api_keys.iter().find(|k| k.api_key == ApiKey::ApiVersions.key()).expect("ApiVersions listed");
    assert_eq!(entry.min_version, 0);

    // The same connection then speaks a version the broker knows.
    let again = RequestFrame::new(ApiVersionsRequest::default(), 3, 100, Some("x")).to_bytes().unwrap();
    stream.write_all(&again).await.unwrap();
    let frame = loop {
        if let Some(frame) = FrameReader::new().next_frame(&mut input).unwrap() {
            break frame;
        }
        let n = tokio::time::timeout(WAIT, stream.read_buf(&mut input)).await.unwrap().unwrap();
        assert!(n > 0, "closed instead of answering");
    };
    let response = ResponseFrame::decode(&frame, ApiKey::ApiVersions, 3).unwrap();
    let Response::ApiVersions(versions) = response.body else { panic!() };
    assert_eq!(versions.error_code, 0);
    healthy.check(&["one"]).await;
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

/// How a valid request frame (size prefix included) is spoiled.
fn mutate(rng: &mut Rng, frame: &[u8]) -> Vec<u8> {
    let mut bytes = frame.to_vec();
    let body = 4..bytes.len();
    let resize = |bytes: &mut Vec<u8>| {
        let size = (bytes.len() - 4) as i32;
        bytes[..4].copy_from_slice(&size.to_be_bytes());
    };
    match rng.u8(..8) {
        // As it is.
        0 => {}
        // A few bytes flipped anywhere after the size.
        1 => {
            for _ in 0..rng.usize(1..5) {
                let at = rng.usize(body.clone());
                bytes[at] ^= 1 << rng.u8(..8);
            }
        }
        // A few bytes replaced with random ones.
        2 => {
            for _ in 0..rng.usize(1..8) {
                let at = rng.usize(body.clone());
                bytes[at] = rng.u8(..);
            }
        }
        // Cut short, the size fixed: a whole frame with too little body.
        3 => {
            bytes.truncate(rng.usize(4..bytes.len()));
            resize(&mut bytes);
        }
        // Cut short, the size left: the client leaves mid-frame.
        4 => bytes.truncate(rng.usize(0..bytes.len())),
        // Bytes after the body (Kafka ignores them).
        5 => {
            for _ in 0..rng.usize(1..32) {
                bytes.push(rng.u8(..));
            }
            resize(&mut bytes);
        }
        // The version replaced.
        6 => {
            let version = rng.i16(..);
            bytes[6..8].copy_from_slice(&version.to_be_bytes());
        }
        // Everything after the header's fixed part random.
        _ => {
            let keep = 12.min(bytes.len());
            bytes.truncate(keep);
            for _ in 0..rng.usize(0..64) {
                bytes.push(rng.u8(..));
            }
            resize(&mut bytes);
        }
    }
    bytes
}

#[tokio::test]
async fn mutated_requests_of_every_api_never_bring_the_broker_down() {
    // A panic anywhere (a connection task included, where tokio would
    // swallow it) is counted.
    let panics = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&panics);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        counter.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));

    let cluster = FakeCluster::builder()
        .topic(TOPIC, 2)
        .auto_create_topics(true)
        .max_request_size(MAX_REQUEST)
        .start()
        .await
        .unwrap();
    let mut healthy = Healthy::connect(&cluster).await;
    healthy.produce("before").await;

    let mut rng = Rng::with_seed(0x0068_6f73_7469_6c65);
    let mut spoil = Rng::with_seed(0x6d75_7461_7465);
    let served: Vec<ApiKey> =
        ApiKey::ALL.iter().copied().filter(|&api| !Persona::Everything.advertised(api).is_empty()).collect();
    let (mut closed, mut answered, mut open) = (0, 0, 0);
    const CASES: usize = 400;
    for case in 0..CASES {
        // Mostly the apis the broker serves, at the versions it accepts.
        let api = if spoil.u8(..4) == 0 {
            ApiKey::ALL[spoil.usize(..ApiKey::ALL.len())]
        } else {
            served[spoil.usize(..served.len())]
        };
        let versions = match Persona::Everything.advertised(api) {
            range if range.is_empty() => api.valid_versions(),
            range => range,
        };
        if versions.is_empty() {
            continue;
        }
        let version = spoil.i16(versions.min..=versions.max);
        let mut body = Request::random(api, &mut rng, version);
        // Requests that wait on purpose (long polls) would only slow the loop.
        if let Request::Fetch(fetch) = &mut body {
            fetch.max_wait_ms = fetch.max_wait_ms.clamp(0, 10);
        }
        let frame = RequestFrame::new(body, version, case as i32, Some("hostile"));
        let Ok(bytes) = frame.to_bytes() else { continue };
        if bytes.len() > MAX_REQUEST {
            continue;
        }
        // The write side closed after the frame: the broker answers what it
        // can, then sees the end and closes.
        let bytes = mutate(&mut spoil, &bytes);
        match hostile(&cluster, &bytes, true, Duration::from_millis(100)).await {
            Answer::Closed => closed += 1,
            Answer::Bytes(_) => answered += 1,
            Answer::Open => open += 1,
        }
        if case % 50 == 49 {
            healthy.check(&["before"]).await;
        }
    }
    healthy.produce("after").await;
    healthy.check(&["before", "after"]).await;
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
    assert_eq!(panics.load(Ordering::SeqCst), 0, "the broker panicked");
    // The loop reached both outcomes.
    eprintln!("{CASES} cases: closed {closed}, answered {answered}, still open {open}");
    assert!(closed > 50 && answered > 50, "closed {closed}, answered {answered}, still open {open}");
}

/// A billion partitions asked for: refused, and nothing spent on them.
#[tokio::test]
async fn a_billion_partitions_are_refused() {
    let cluster = cluster().await;
    let mut healthy = Healthy::connect(&cluster).await;
    let request = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: "huge".into(),
            num_partitions: 1_000_000_000,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 1000,
        ..Default::default()
    };
    let Response::CreateTopics(created) = healthy.send(request, 7).await else { panic!() };
    assert_ne!(created.topics[0].error_code, 0);
    let request = CreatePartitionsRequest {
        topics: vec![create_partitions_request::CreatePartitionsTopic {
            name: TOPIC.into(),
            count: i32::MAX,
            ..Default::default()
        }],
        timeout_ms: 1000,
        ..Default::default()
    };
    let Response::CreatePartitions(grown) = healthy.send(request, 3).await else { panic!() };
    assert_ne!(grown.results[0].error_code, 0);
    assert_eq!(cluster.topics().into_iter().collect::<Vec<_>>(), [(TOPIC.to_owned(), 2)]);
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}
