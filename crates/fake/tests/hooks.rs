//! Hooks through the server: errors once, n times or always, on one
//! broker, delays, dropped connections, given responses, observers, and
//! the request log. Every test ends with no problems recorded: every
//! response the broker sent encoded at its request's version.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kafka_wire::connection::ConnectionError;
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch};
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, ErrorCode, Request, Response, ResponseFrame};
use kafka_wire_fake::{FakeCluster, Hook};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

struct Client {
    conn: Framed<TcpStream, ClientCodec>,
}

impl Client {
    async fn connect(address: std::net::SocketAddr) -> Client {
        let stream = TcpStream::connect(address).await.expect("connect");
        Client { conn: Framed::new(stream, ClientCodec::new()) }
    }

    /// Sends a request and reads what comes back: a response, or `None`
    /// when the broker closed the connection instead.
    async fn try_send(&mut self, request: impl Into<Request>, version: i16) -> Option<ResponseFrame> {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        let next = tokio::time::timeout(Duration::from_secs(10), self.conn.next()).await.expect("an answer in time");
        match next {
            None | Some(Err(ConnectionError::Closed { .. })) => None,
            Some(Err(ConnectionError::Io(_))) => None,
            Some(Ok(response)) => Some(response),
            Some(Err(e)) => panic!("an undecodable response: {e}"),
        }
    }

    async fn send(&mut self, request: impl Into<Request>, version: i16) -> Response {
        self.try_send(request, version).await.expect("a response, not a closed connection").body
    }

    async fn produce(&mut self, topic: &str, value: &str) -> PartitionProduceResult {
        let Response::Produce(response) = self.send(produce(topic, value), 9).await else { panic!() };
        let p = &response.responses[0].partition_responses[0];
        PartitionProduceResult { error_code: p.error_code, base_offset: p.base_offset }
    }

    async fn metadata(&mut self, topic: &str) -> MetadataResponse {
        let Response::Metadata(response) = self.send(metadata(topic), 12).await else { panic!() };
        response
    }
}

#[derive(Debug, PartialEq)]
struct PartitionProduceResult {
    error_code: i16,
    base_offset: i64,
}

fn ok(base_offset: i64) -> PartitionProduceResult {
    PartitionProduceResult { error_code: 0, base_offset }
}

fn failed(code: ErrorCode) -> PartitionProduceResult {
    PartitionProduceResult { error_code: code.code(), base_offset: -1 }
}

fn produce(topic: &str, value: &str) -> ProduceRequest {
    let record = Record { value: Some(Bytes::copy_from_slice(value.as_bytes())), ..Default::default() };
    let batch = RecordBatch::from_records(Compression::None, [(1_700_000_000_000, record)])
        .to_bytes(&EncodeOptions::default())
        .unwrap();
    ProduceRequest {
        acks: -1,
        timeout_ms: 1000,
        topic_data: vec![produce_request::TopicProduceData {
            name: topic.to_owned().into(),
            partition_data: vec![produce_request::PartitionProduceData {
                index: 0,
                records: Some(batch),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn metadata(topic: &str) -> MetadataRequest {
    MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            name: Some(topic.to_owned().into()),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

fn values(cluster: &FakeCluster, topic: &str) -> Vec<String> {
    cluster
        .records(topic, 0)
        .unwrap()
        .into_iter()
        .map(|(_, r)| String::from_utf8(r.value.unwrap().to_vec()).unwrap())
        .collect()
}

fn assert_no_problems(cluster: &FakeCluster) {
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn an_error_hook_fires_once_then_the_request_succeeds() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    cluster.hook(Hook::on(ApiKey::Produce).error(ErrorCode::NotLeaderOrFollower));
    assert_eq!(client.produce("t", "refused").await, failed(ErrorCode::NotLeaderOrFollower));
    assert_eq!(client.produce("t", "taken").await, ok(0));
    // The refused request was not applied.
    assert_eq!(values(&cluster, "t"), ["taken"]);
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn times_and_always() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    cluster.hook(Hook::on(ApiKey::Produce).times(2).error(ErrorCode::RequestTimedOut));
    for _ in 0..2 {
        assert_eq!(client.produce("t", "x").await, failed(ErrorCode::RequestTimedOut));
    }
    assert_eq!(client.produce("t", "first").await, ok(0));

    cluster.hook(Hook::on(ApiKey::Produce).always().error(ErrorCode::KafkaStorageError));
    for _ in 0..5 {
        assert_eq!(client.produce("t", "x").await, failed(ErrorCode::KafkaStorageError));
    }
    cluster.clear_hooks();
    assert_eq!(client.produce("t", "second").await, ok(1));
    assert_eq!(values(&cluster, "t"), ["first", "second"]);
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn a_hook_on_one_broker_leaves_the_other_alone() {
    let cluster = FakeCluster::builder().brokers(2).topic("t", 1).start().await.unwrap();
    let mut zero = Client::connect(cluster.addresses()[0]).await;
    let mut one = Client::connect(cluster.addresses()[1]).await;
    cluster.hook(Hook::on(ApiKey::Metadata).on_node(1).always().error(ErrorCode::TopicAuthorizationFailed));
    for _ in 0..3 {
        let from_zero = zero.metadata("t").await;
        assert_eq!((from_zero.topics[0].error_code, from_zero.brokers.len()), (0, 2));
        let from_one = one.metadata("t").await;
        assert_eq!(from_one.topics[0].error_code, ErrorCode::TopicAuthorizationFailed.code());
        assert_eq!(from_one.topics[0].name.as_deref(), Some("t"));
        assert!(from_one.topics[0].partitions.is_empty());
    }
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn a_delay_holds_the_answer_back() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let delay = Duration::from_millis(300);
    cluster.hook(Hook::on(ApiKey::Produce).delay(delay));
    let started = Instant::now();
    assert_eq!(client.produce("t", "late").await, ok(0));
    let took = started.elapsed();
    assert!(took >= delay - Duration::from_millis(50), "answered after {took:?}");
    assert_eq!(values(&cluster, "t"), ["late"]);
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn close_connection_drops_the_request() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    cluster.hook(Hook::on(ApiKey::Produce).close_connection());
    assert!(client.try_send(produce("t", "lost"), 9).await.is_none(), "the connection should close");
    assert!(values(&cluster, "t").is_empty());
    // A new connection is served as usual.
    let mut again = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(again.produce("t", "kept").await, ok(0));
    assert_eq!(values(&cluster, "t"), ["kept"]);
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn apply_then_close_keeps_the_record_but_gives_no_answer() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    cluster.hook(Hook::on(ApiKey::Produce).apply_then_close());
    assert!(client.try_send(produce("t", "applied"), 9).await.is_none(), "the connection should close");
    assert_eq!(values(&cluster, "t"), ["applied"]);
    // The producer retries on a new connection: the record is there twice.
    let mut again = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(again.produce("t", "applied").await, ok(1));
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn respond_and_respond_with_answer_instead() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let given = MetadataResponse { cluster_id: Some("given".into()), controller_id: 42, ..Default::default() };
    cluster.hook(Hook::on(ApiKey::Metadata).respond(given));
    let answered = client.metadata("t").await;
    assert_eq!((answered.cluster_id.as_deref(), answered.controller_id), (Some("given"), 42));
    assert!(answered.topics.is_empty());

    cluster.hook(Hook::on(ApiKey::Metadata).respond_with(|request| {
        let Request::Metadata(m) = &request.body else { panic!() };
        let names = m.topics.iter().flatten().map(|t| t.name.clone().unwrap_or_default()).collect::<Vec<_>>();
        MetadataResponse { cluster_id: Some(format!("asked for {}", names.join(",")).into()), ..Default::default() }
            .into()
    }));
    assert_eq!(client.metadata("t").await.cluster_id.as_deref(), Some("asked for t"));
    // Spent: the broker answers again.
    let real = client.metadata("t").await;
    assert_eq!((real.cluster_id.as_deref(), real.topics[0].error_code), (Some("kafka-wire-fake-cluster"), 0));
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn observers_see_every_request_and_the_log_keeps_their_order() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let produces = Arc::new(AtomicUsize::new(0));
    for api in [ApiKey::Metadata, ApiKey::Produce, ApiKey::ApiVersions] {
        let seen = Arc::clone(&seen);
        cluster.hook(
            Hook::on(api)
                .always()
                .observe(move |request| seen.lock().unwrap().push((request.api_key(), request.correlation_id()))),
        );
    }
    let counter = Arc::clone(&produces);
    cluster.hook(Hook::on(ApiKey::Produce).always().observe(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    }));
    // An observer does not decide: a later error hook still fires, and the observers see it.
    cluster.hook(Hook::on(ApiKey::Produce).error(ErrorCode::NotEnoughReplicas));

    let mut first = Client::connect(cluster.addresses()[0]).await;
    let Response::ApiVersions(versions) = first.send(ApiVersionsRequest::default(), 3).await else { panic!() };
    assert_eq!(versions.error_code, 0);
    assert_eq!(first.produce("t", "a").await, failed(ErrorCode::NotEnoughReplicas));
    assert_eq!(first.produce("t", "b").await, ok(0));
    let mut second = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(second.metadata("t").await.topics[0].error_code, 0);
    assert_eq!(first.produce("t", "c").await, ok(1));

    let expected_apis = [ApiKey::ApiVersions, ApiKey::Produce, ApiKey::Produce, ApiKey::Metadata, ApiKey::Produce];
    let observed: Vec<ApiKey> = seen.lock().unwrap().iter().map(|(api, _)| *api).collect();
    assert_eq!(observed, expected_apis);
    assert_eq!(produces.load(Ordering::Relaxed), 3);

    let log = cluster.requests();
    let logged: Vec<(ApiKey, u64, i32)> =
        log.iter().map(|r| (r.frame.api_key(), r.connection, r.frame.correlation_id())).collect();
    let (a, b) = (log[0].connection, log[3].connection);
    assert_ne!(a, b);
    let correlation = |i: usize| seen.lock().unwrap()[i].1;
    assert_eq!(
        logged,
        [
            (ApiKey::ApiVersions, a, correlation(0)),
            (ApiKey::Produce, a, correlation(1)),
            (ApiKey::Produce, a, correlation(2)),
            (ApiKey::Metadata, b, correlation(3)),
            (ApiKey::Produce, a, correlation(4)),
        ]
    );
    assert!(log.iter().all(|r| r.node == 0));
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn error_hooks_answer_every_served_api_at_its_newest_version() {
    // Through the server, the error response of each api encodes and decodes.
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let code = ErrorCode::PolicyViolation;
    let mut rng = kafka_wire::random::Rng::with_seed(11);
    let apis = [
        ApiKey::Metadata,
        ApiKey::Fetch,
        ApiKey::ListOffsets,
        ApiKey::CreateTopics,
        ApiKey::OffsetFetch,
        ApiKey::DescribeConfigs,
    ];
    for api in apis {
        let version = api.stable_versions().max;
        cluster.hook(Hook::on(api).error(code));
        let request = Request::random(api, &mut rng, version);
        let response = client.try_send(request, version).await.unwrap_or_else(|| panic!("{} closed", api.name()));
        assert_eq!(response.api_key(), api);
        assert_eq!(response.version, version);
    }
    assert_no_problems(&cluster);
}

#[tokio::test]
async fn an_observer_added_after_a_deciding_hook_still_sees_the_request() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    cluster.hook(Hook::on(ApiKey::Produce).error(ErrorCode::NotEnoughReplicas));
    let produces = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&produces);
    cluster.hook(Hook::on(ApiKey::Produce).always().observe(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    }));
    // Hooks that can never fire are not kept (and so never swallow a request).
    cluster.hook(Hook::on(ApiKey::Produce).times(0).close_connection());
    cluster.hook(Hook::on(ApiKey::Produce));
    let mut client = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(client.produce("t", "a").await, failed(ErrorCode::NotEnoughReplicas));
    assert_eq!(client.produce("t", "b").await, ok(0));
    assert_eq!(produces.load(Ordering::Relaxed), 2);
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

/// A panic while serving a connection (here a test's own hook) closes that
/// connection only, and is reported in `problems()`.
#[tokio::test]
async fn a_panic_while_serving_is_a_problem_and_touches_nothing_else() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut healthy = Client::connect(cluster.addresses()[0]).await;
    assert_eq!(healthy.produce("t", "a").await, ok(0));
    cluster.hook(Hook::on(ApiKey::Metadata).respond_with(|_| panic!("a hook that panics")));
    let mut victim = Client::connect(cluster.addresses()[0]).await;
    let frame = victim.conn.codec_mut().connection().frame(MetadataRequest::default(), 12);
    victim.conn.send(frame).await.unwrap();
    assert!(!matches!(victim.conn.next().await, Some(Ok(_))), "no answer on the panicked connection");
    let deadline = Instant::now() + Duration::from_secs(5);
    while cluster.problems().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let problems = cluster.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("panicked: a hook that panics"), "{problems:?}");
    assert_eq!(healthy.produce("t", "b").await, ok(1));
}
