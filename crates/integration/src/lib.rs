//! The test harness: a small blocking connection to a Kafka broker (on
//! kafka-wire's connection layer and `std::net`), the broker addresses
//! scripts/test.sh exports, and the bridges to Kafka's own tools (the Java
//! tester, DumpLogSegments). Nothing here is product code: the recording
//! proxy is `kafka-wire proxy`, the async client example lives in
//! kafka-wire's examples (and is compiled in here as [`async_client`], so
//! the tests run exactly the code users read).

#[allow(dead_code)] // the example's `main`
#[path = "../../wire/examples/async_client.rs"]
pub mod async_client;
pub mod dump_log_segments;
pub mod java_tester;

use bytes::Bytes;
use kafka_wire::connection::{ClientConnection, ConnectionError, FrameReader, Handshake, Versions};
use kafka_wire::messages::*;
use kafka_wire::{ApiKey, Request, Response, ResponseFrame, VersionRange};
use std::collections::BTreeMap;
use std::io;
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

/// One TCP connection to a broker: kafka-wire's [`ClientConnection`] (ids,
/// correlation, frames) and [`Handshake`] over a blocking socket, with
/// every response checked to encode back to the broker's exact bytes.
pub struct Connection {
    stream: TcpStream,
    conn: ClientConnection,
    versions: Versions,
}

impl Connection {
    /// Connects and asks the broker which versions it supports.
    pub fn connect(address: &str) -> Result<Connection> {
        let mut conn = Self::connect_raw(address)?;
        let mut handshake = Handshake::new("kafka-wire", env!("CARGO_PKG_VERSION"));
        conn.versions = loop {
            let (request, version) = handshake.request();
            if let Some(versions) = handshake.receive(&conn.send(request, version)?)? {
                break versions;
            }
        };
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
        let conn = ClientConnection::new().with_client_id("kafka-wire-test");
        Ok(Connection { stream, conn, versions: Versions::default() })
    }

    /// The versions the broker advertised, by api key (empty before the
    /// handshake).
    pub fn broker_versions(&self) -> BTreeMap<i16, VersionRange> {
        self.versions.broker_ranges().collect()
    }

    /// The highest version both the broker and this library support.
    pub fn version_for(&self, api: ApiKey) -> Option<i16> {
        self.versions.version(api).ok()
    }

    /// Sends a request without waiting for its response; returns its correlation id.
    pub fn send_only(&mut self, body: impl Into<Request>, version: i16) -> Result<i32> {
        let frame = self.conn.frame(body, version);
        self.conn.write_request(&frame, &mut self.stream)?;
        Ok(frame.correlation_id())
    }

    /// Reads the next frame without decoding it: `Ok(None)` when the
    /// broker closed the connection between frames.
    pub fn receive_frame(&mut self) -> std::result::Result<Option<Bytes>, ConnectionError> {
        FrameReader::new().read(&mut self.stream)
    }

    /// Reads the next response, decodes it as the answer to the oldest
    /// request in flight and checks it encodes back to the broker's bytes.
    pub fn receive(&mut self) -> Result<ResponseFrame> {
        let frame = self.receive_frame()?.ok_or(ConnectionError::Closed { in_flight: self.conn.in_flight() })?;
        let response = self.conn.decode(&frame)?;
        check_reencodes(&frame, &response)?;
        Ok(response)
    }

    /// Sends a request and decodes its response.
    pub fn send(&mut self, body: impl Into<Request>, version: i16) -> Result<Response> {
        self.send_only(body, version)?;
        Ok(self.receive()?.body)
    }

    /// Sends at the highest version both sides support.
    pub fn send_latest(&mut self, body: impl Into<Request>) -> Result<Response> {
        let body = body.into();
        let version = self.versions.version(body.api_key())?;
        self.send(body, version)
    }
}

/// Checks that a decoded response frame encodes back to exactly the bytes
/// the broker sent (`frame`, without its size prefix), at the version its
/// body was read at.
pub fn check_reencodes(frame: &Bytes, response: &ResponseFrame) -> Result<()> {
    let again = response.to_bytes()?;
    if again[4..] == frame[..] {
        return Ok(());
    }
    let at = again[4..].iter().zip(frame.iter()).position(|(a, b)| a != b).unwrap_or(frame.len().min(again.len() - 4));
    let (api, version) = (response.api_key(), response.version);
    Err(format!("{api} v{version} response re-encodes differently from byte {at} on").into())
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
