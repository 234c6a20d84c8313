//! A small blocking connection to a Kafka broker, built only on kafka-wire
//! and `std::net`: what the integration tests, the demo and the proxy use.
//! (kafka-wire itself does no I/O; this is how little it takes to talk to
//! a broker with it.) `async_client` is the same on tokio, through
//! kafka-wire's codec.

pub mod async_client;
pub mod async_proxy;
pub mod dump_log_segments;
pub mod java_tester;
pub mod proxy;

use bytes::Bytes;
use kafka_wire::frame::DEFAULT_MAX_FRAME_SIZE;
use kafka_wire::messages::api_versions_response::ApiVersion;
use kafka_wire::messages::*;
use kafka_wire::negotiate::api_versions_retry;
use kafka_wire::{read_frame, ApiKey, Request, RequestFrame, Response, ResponseFrame, VersionRange};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::net::TcpStream;
use std::time::Duration;

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub type Result<T> = std::result::Result<T, Error>;

/// The PLAINTEXT address of the test broker, from `KAFKA_WIRE_BROKER`
/// (scripts/broker.sh writes it to broker.env; scripts/test.sh exports it).
pub fn broker_address() -> String {
    std::env::var("KAFKA_WIRE_BROKER")
        .expect("KAFKA_WIRE_BROKER is not set: run the tests through scripts/test.sh, which starts a broker")
}

/// The SASL_PLAINTEXT address of the test broker, from `KAFKA_WIRE_BROKER_SASL`.
pub fn broker_sasl_address() -> String {
    std::env::var("KAFKA_WIRE_BROKER_SASL").expect("KAFKA_WIRE_BROKER_SASL is not set: run through scripts/test.sh")
}

/// One TCP connection to a broker.
pub struct Connection {
    stream: TcpStream,
    next_correlation_id: i32,
    client_id: String,
    /// What the broker advertised in ApiVersions, by api key.
    broker_versions: BTreeMap<i16, VersionRange>,
}

impl Connection {
    /// Connects and asks the broker which versions it supports.
    pub fn connect(address: &str) -> Result<Connection> {
        let mut conn = Self::connect_raw(address)?;
        conn.negotiate()?;
        Ok(conn)
    }

    /// Sets how long a read may wait for a response.
    pub fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.stream.set_read_timeout(Some(timeout))
    }

    /// Connects without the ApiVersions exchange.
    pub fn connect_raw(address: &str) -> Result<Connection> {
        let stream = TcpStream::connect(address)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            next_correlation_id: 1,
            client_id: "kafka-wire-test".into(),
            broker_versions: BTreeMap::new(),
        })
    }

    fn negotiate(&mut self) -> Result<()> {
        let request = ApiVersionsRequest {
            client_software_name: "kafka-wire".into(),
            client_software_version: env!("CARGO_PKG_VERSION").into(),
            ..Default::default()
        };
        let version = ApiKey::ApiVersions.valid_versions().max;
        let Response::ApiVersions(mut response) = self.send(request.clone(), version)? else { unreachable!() };
        // An older broker: ask again at its highest ApiVersions version.
        if let Some(retry) = api_versions_retry(&response, version) {
            let Response::ApiVersions(retried) = self.send(request, retry)? else { unreachable!() };
            response = retried;
        }
        if response.error_code != 0 {
            return Err(format!("ApiVersions failed with error {}", response.error_code).into());
        }
        self.broker_versions = response
            .api_keys
            .iter()
            .map(|k: &ApiVersion| (k.api_key, VersionRange::new(k.min_version, k.max_version)))
            .collect();
        Ok(())
    }

    /// The versions the broker advertised, by api key.
    pub fn broker_versions(&self) -> &BTreeMap<i16, VersionRange> {
        &self.broker_versions
    }

    /// The highest version both the broker and this library support.
    pub fn version_for(&self, api: ApiKey) -> Option<i16> {
        let theirs = self.broker_versions.get(&api.key())?;
        let ours = api.valid_versions();
        let max = theirs.max.min(ours.max);
        (max >= theirs.min.max(ours.min)).then_some(max)
    }

    /// Sends a request without waiting for its response; returns its correlation id.
    pub fn send_only(&mut self, body: impl Into<Request>, version: i16) -> Result<i32> {
        let correlation_id = self.next_correlation_id;
        self.next_correlation_id += 1;
        let frame = RequestFrame::new(body, version, correlation_id, Some(&self.client_id));
        let bytes = frame.to_bytes()?;
        self.stream.write_all(&bytes)?;
        Ok(correlation_id)
    }

    /// Reads the next response frame (without decoding its body).
    pub fn receive_frame(&mut self) -> io::Result<Bytes> {
        read_frame(&mut self.stream, DEFAULT_MAX_FRAME_SIZE)
    }

    /// Sends a request and decodes its response.
    pub fn send(&mut self, body: impl Into<Request>, version: i16) -> Result<Response> {
        let body = body.into();
        let api = body.api_key();
        let correlation_id = self.send_only(body, version)?;
        let frame = self.receive_frame()?;
        let response = ResponseFrame::decode(&frame, api, version)?;
        if response.header.correlation_id != correlation_id {
            return Err(
                format!("expected correlation id {correlation_id}, got {}", response.header.correlation_id).into()
            );
        }
        check_reencodes(&frame, &response, version)?;
        Ok(response.body)
    }

    /// Sends at the highest version both sides support.
    pub fn send_latest(&mut self, body: impl Into<Request>) -> Result<Response> {
        let body = body.into();
        let version =
            self.version_for(body.api_key()).ok_or_else(|| format!("broker does not support {}", body.api_key()))?;
        self.send(body, version)
    }
}

/// Checks that a decoded response frame encodes back to exactly the bytes
/// the broker sent (`frame`, without its size prefix). A broker answers an
/// ApiVersions version it does not support with a v0 body, so that one may
/// match at v0 instead.
pub fn check_reencodes(frame: &Bytes, response: &ResponseFrame, version: i16) -> Result<()> {
    let again = response.to_bytes(version)?;
    if again[4..] == frame[..] {
        return Ok(());
    }
    if response.api_key() == ApiKey::ApiVersions && response.to_bytes(0)?[4..] == frame[..] {
        return Ok(());
    }
    let at = again[4..].iter().zip(frame.iter()).position(|(a, b)| a != b).unwrap_or(frame.len().min(again.len() - 4));
    Err(format!("{} v{version} response re-encodes differently from byte {at} on", response.api_key()).into())
}

/// Creates a topic (replication factor 1) and waits until every partition
/// has a leader; returns its id. Panics on failure: a helper for tests.
pub fn create_topic(conn: &mut Connection, name: &str, partitions: i32) -> uuid::Uuid {
    let request = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: name.into(),
            num_partitions: partitions,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let response = expect!(conn.send_latest(request).unwrap(), CreateTopics);
    assert_eq!(response.topics[0].error_code, 0, "CreateTopics {name} failed");
    let metadata = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic { name: Some(name.into()), ..Default::default() }]),
        ..Default::default()
    };
    let has_leaders = |topic: &metadata_response::MetadataResponseTopic| {
        topic.error_code == 0
            && topic.partitions.len() == partitions as usize
            && topic.partitions.iter().all(|p| p.leader_id >= 0)
    };
    // The new topic reaches the broker through the metadata log: poll.
    for _ in 0..100 {
        let topic = expect!(conn.send_latest(metadata.clone()).unwrap(), Metadata).topics.swap_remove(0);
        if has_leaders(&topic) {
            return topic.topic_id;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("topic {name} did not get a leader");
}

/// Unwraps a response of the expected kind, e.g. `expect!(response, Metadata)`.
#[macro_export]
macro_rules! expect {
    ($response:expr, $variant:ident) => {
        match $response {
            kafka_wire::Response::$variant(body) => body,
            other => panic!("expected a {} response, got {:?}", stringify!($variant), other.api_key()),
        }
    };
}
