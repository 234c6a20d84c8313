//! What the fake broker's tests share: a client on kafka-wire's codec,
//! and requests built the way clients build them.

// Each test binary uses some of these.
#![allow(dead_code)]

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch};
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{Request, Response, ResponseFrame};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

/// A socket, or an in-memory stream (`FakeCluster::connect_in_memory`).
pub(crate) trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

pub(crate) struct Client {
    conn: Framed<Box<dyn Stream>, ClientCodec>,
}

impl Client {
    pub(crate) async fn connect(address: impl tokio::net::ToSocketAddrs) -> Client {
        let stream = TcpStream::connect(address).await.expect("connect");
        Client::from_stream(stream)
    }

    pub(crate) fn from_stream(stream: impl Stream + 'static) -> Client {
        Client { conn: Framed::new(Box::new(stream), ClientCodec::new()) }
    }

    pub(crate) async fn send(&mut self, request: impl Into<Request>, version: i16) -> ResponseFrame {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        self.conn.next().await.expect("a response").expect("a valid response")
    }

    /// Sends; `None` when the connection closed instead of answering.
    pub(crate) async fn try_send(&mut self, request: impl Into<Request>, version: i16) -> Option<ResponseFrame> {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        self.conn.next().await?.ok()
    }

    /// Sends and expects the connection to be closed without an answer.
    pub(crate) async fn send_refused(&mut self, request: impl Into<Request>, version: i16) {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        match self.conn.next().await {
            None | Some(Err(kafka_wire::connection::ConnectionError::Closed { .. })) => {}
            other => panic!("the broker should close the connection, not answer {other:?}"),
        }
    }
}

pub(crate) fn batch(values: &[&str]) -> Bytes {
    let records = values.iter().enumerate().map(|(i, v)| {
        (
            1_700_000_000_000 + i as i64,
            Record { value: Some(Bytes::copy_from_slice(v.as_bytes())), ..Default::default() },
        )
    });
    RecordBatch::from_records(Compression::None, records).to_bytes(&EncodeOptions::default()).unwrap()
}

pub(crate) fn produce(topic: &str, records: Bytes, topic_id: uuid::Uuid) -> ProduceRequest {
    ProduceRequest {
        acks: -1,
        timeout_ms: 1000,
        topic_data: vec![produce_request::TopicProduceData {
            name: topic.to_owned().into(),
            topic_id,
            partition_data: vec![produce_request::PartitionProduceData {
                index: 0,
                records: Some(records),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub(crate) fn fetch(topic: &str, offset: i64, topic_id: uuid::Uuid) -> FetchRequest {
    FetchRequest {
        replica_id: -1,
        max_wait_ms: 0,
        min_bytes: 0,
        max_bytes: 1 << 20,
        session_epoch: -1,
        topics: vec![fetch_request::FetchTopic {
            topic: topic.to_owned().into(),
            topic_id,
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
    }
}

pub(crate) async fn topic_id(client: &mut Client, topic: &str) -> uuid::Uuid {
    let request = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic {
            name: Some(topic.to_owned().into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let Response::Metadata(metadata) = client.send(request, 12).await.body else { panic!() };
    assert_eq!(metadata.topics[0].error_code, 0);
    metadata.topics[0].topic_id
}
