//! The fake broker through kafka-wire's own client codec: every version of
//! Produce and Fetch, metadata, offsets, personas.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kafka_wire::messages::*;
use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch, RecordSetEntry, RecordSetIter};
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, ErrorCode, KafkaRelease, Request, Response, ResponseFrame};
use kafka_wire_fake::FakeCluster;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

struct Client {
    conn: Framed<TcpStream, ClientCodec>,
}

impl Client {
    async fn connect(address: impl tokio::net::ToSocketAddrs) -> Client {
        let stream = TcpStream::connect(address).await.expect("connect");
        Client { conn: Framed::new(stream, ClientCodec::new()) }
    }

    async fn send(&mut self, request: impl Into<Request>, version: i16) -> ResponseFrame {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        self.conn.next().await.expect("a response").expect("a valid response")
    }

    /// Sends and expects the connection to be closed without an answer.
    async fn send_refused(&mut self, request: impl Into<Request>, version: i16) {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        match self.conn.next().await {
            None | Some(Err(kafka_wire::connection::ConnectionError::Closed { .. })) => {}
            other => panic!("the broker should close the connection, not answer {other:?}"),
        }
    }
}

fn batch(values: &[&str]) -> Bytes {
    let records = values.iter().enumerate().map(|(i, v)| {
        (
            1_700_000_000_000 + i as i64,
            Record { value: Some(Bytes::copy_from_slice(v.as_bytes())), ..Default::default() },
        )
    });
    RecordBatch::from_records(Compression::None, records).to_bytes(&EncodeOptions::default()).unwrap()
}

fn produce(topic: &str, records: Bytes, topic_id: uuid::Uuid) -> ProduceRequest {
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

fn fetch(topic: &str, offset: i64, topic_id: uuid::Uuid) -> FetchRequest {
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

async fn topic_id(client: &mut Client, topic: &str) -> uuid::Uuid {
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

#[tokio::test]
async fn every_produce_and_fetch_version_round_trips() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let id = topic_id(&mut client, "t").await;
    let mut expected = 0i64;
    for version in ApiKey::Produce.valid_versions().iter() {
        let records =
            match version {
                0 | 1 => encode_message_set(&[LegacyMessage::new(0, 0, None, None, Some(Bytes::from_static(b"v0")))])
                    .unwrap(),
                2 => encode_message_set(&[LegacyMessage::new(1, 0, Some(5), None, Some(Bytes::from_static(b"v1")))])
                    .unwrap(),
                _ => batch(&["a", "b"]),
            };
        let count = if version < 3 { 1 } else { 2 };
        let Response::Produce(response) = client.send(produce("t", records, id), version).await.body else { panic!() };
        let p = &response.responses[0].partition_responses[0];
        assert_eq!((p.error_code, p.base_offset), (0, expected), "Produce v{version}");
        expected += count;
    }
    assert_eq!(cluster.offsets("t", 0).unwrap(), (0, expected));
    assert_eq!(cluster.records("t", 0).unwrap().len() as i64, expected);
    for version in ApiKey::Fetch.valid_versions().iter() {
        let Response::Fetch(response) = client.send(fetch("t", 0, id), version).await.body else { panic!() };
        let p = &response.responses[0].partitions[0];
        assert_eq!((p.error_code, p.high_watermark), (0, expected), "Fetch v{version}");
        let entries: Vec<RecordSetEntry> =
            RecordSetIter::new(p.records.clone().unwrap()).collect::<Result<_, _>>().expect("records decode");
        let magic = match version {
            0 | 1 => 0,
            2 | 3 => 1,
            _ => 2,
        };
        assert!(entries.iter().all(|e| e.magic() == magic), "Fetch v{version} carries magic {magic}");
        let records: usize = entries
            .iter()
            .map(|e| match e {
                RecordSetEntry::Batch(b) => b.header.records_count as usize,
                RecordSetEntry::Legacy(_) => 1,
            })
            .sum();
        assert_eq!(records as i64, expected, "Fetch v{version}");
    }
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn a_release_persona_answers_as_its_release() {
    let cluster = FakeCluster::builder().release(KafkaRelease::V2_8_0).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let Response::ApiVersions(versions) = client.send(ApiVersionsRequest::default(), 3).await.body else { panic!() };
    assert_eq!(versions.error_code, 0);
    let guess = KafkaRelease::guess(&versions);
    assert!(guess.releases().contains(&KafkaRelease::V2_8_0), "{guess:?}");
    // 2.8.0 knows ApiVersions v0-3: v4 is answered at v0 with UNSUPPORTED_VERSION.
    let response = client.send(ApiVersionsRequest::default(), 4).await;
    assert_eq!(response.version, 0);
    let Response::ApiVersions(refusal) = response.body else { panic!() };
    assert_eq!(refusal.error_code, ErrorCode::UnsupportedVersion.code());
    // Fetch v13 is newer than 2.8.0: the connection is closed.
    client.send_refused(fetch("t", 0, uuid::Uuid::nil()), 13).await;
}

#[tokio::test]
async fn a_4x_persona_closes_on_produce_v0_to_v2() {
    let cluster = FakeCluster::builder().release(KafkaRelease::V4_0_0).topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let records = encode_message_set(&[LegacyMessage::new(0, 0, None, None, Some(Bytes::from_static(b"x")))]).unwrap();
    client.send_refused(produce("t", records, uuid::Uuid::nil()), 2).await;
}
