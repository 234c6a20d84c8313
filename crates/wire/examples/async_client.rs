//! An async Kafka client on kafka-wire's tokio codec, whole: connect,
//! negotiate versions, create a topic, produce five records, fetch them
//! back, commit an offset for a group and read it back, delete the topic.
//!
//! ```text
//! cargo run -p kafka-wire --example async_client -- 127.0.0.1:9092
//! ```
//!
//! The pieces: `Framed<TcpStream, ClientCodec>` numbers and matches the
//! requests (kafka-wire's connection layer decodes each response with the
//! api and version of the request it answers), `Handshake` runs the
//! ApiVersions exchange, and `Versions` picks the highest version of each
//! api both sides speak. Everything else is the messages themselves.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kafka_wire::connection::{ClientConnection, ConnectionError, Handshake, Versions};
use kafka_wire::messages::*;
use kafka_wire::records::{Compression, DecodeOptions, EncodeOptions, ReadBatches, Record, RecordBatch, WriteBatches};
use kafka_wire::tokio::{send_uncopied, ClientCodec};
use kafka_wire::{ApiKey, ErrorCode, Request, Response, ResponseFrame};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9092".into());
    let mut client = AsyncClient::connect(&address).await?;
    println!("connected to {address}; versions negotiated");
    let flow = produce_fetch_commit(&mut client, "kafka-wire-async-example", "kafka-wire-async-group").await?;
    for (api, version) in &flow.versions {
        println!("  {api} v{version}");
    }
    println!("produced at offset {}, fetched back:", flow.base_offset);
    for (key, value) in &flow.fetched {
        println!("  {key} = {value}");
    }
    println!("committed offset {} for the group; topic deleted", flow.committed);
    Ok(())
}

/// One connection to a broker, speaking each api at the highest version
/// both sides support.
pub struct AsyncClient {
    conn: Framed<TcpStream, ClientCodec>,
    versions: Versions,
}

impl AsyncClient {
    /// Connects and negotiates versions with an ApiVersions exchange (asked
    /// again lower when the broker is older).
    pub async fn connect(address: &str) -> Result<AsyncClient> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let codec = ClientCodec::from_connection(ClientConnection::new().with_client_id("kafka-wire-async"));
        let mut client = AsyncClient { conn: Framed::new(stream, codec), versions: Versions::default() };
        let mut handshake = Handshake::new("kafka-wire-async", env!("CARGO_PKG_VERSION"));
        client.versions = loop {
            let (request, version) = handshake.request();
            let response = client.send_at(request.into(), version).await?;
            if let Some(versions) = handshake.receive(&response)? {
                break versions;
            }
        };
        Ok(client)
    }

    /// The negotiated versions.
    pub fn versions(&self) -> &Versions {
        &self.versions
    }

    /// The version `send` uses for `api`.
    pub fn version(&self, api: ApiKey) -> Result<i16> {
        Ok(self.versions.version(api)?)
    }

    /// Sends a request at the negotiated version and waits for its response.
    pub async fn send(&mut self, body: impl Into<Request>) -> Result<Response> {
        let body = body.into();
        let version = self.version(body.api_key())?;
        self.send_at(body, version).await
    }

    /// Sends a request at `version` and waits for its response.
    pub async fn send_at(&mut self, body: Request, version: i16) -> Result<Response> {
        self.send_only(body, version).await?;
        Ok(self.receive().await?.body)
    }

    /// Sends a request without waiting; returns its correlation id. A
    /// Produce goes out with its record batches uncopied.
    pub async fn send_only(&mut self, body: Request, version: i16) -> Result<i32> {
        let frame = self.conn.codec_mut().connection().frame(body, version);
        if frame.api_key() == ApiKey::Produce {
            send_uncopied(&mut self.conn, &frame).await?;
        } else {
            self.conn.send(frame.clone()).await?;
        }
        Ok(frame.correlation_id())
    }

    /// Receives the next response: the answer to the oldest request in
    /// flight (Kafka answers a connection's requests in order).
    pub async fn receive(&mut self) -> Result<ResponseFrame> {
        let in_flight = self.conn.codec_mut().connection().in_flight();
        Ok(self.conn.next().await.ok_or(ConnectionError::Closed { in_flight })??)
    }
}

/// What [`produce_fetch_commit`] did.
#[derive(Debug)]
pub struct Flow {
    /// The versions it used, by api.
    pub versions: Vec<(ApiKey, i16)>,
    /// The offset of the first record produced.
    pub base_offset: i64,
    /// The records fetched back: (key, value).
    pub fetched: Vec<(String, String)>,
    /// The offset committed for the group, as OffsetFetch reads it back.
    pub committed: i64,
}

fn check(what: &str, code: i16) -> Result<()> {
    match code {
        0 => Ok(()),
        code => Err(format!("{what} failed with error code {code}").into()),
    }
}

/// Sends with `send` until its error code is not retriable, `attempts` times
/// at most, `pause_ms` apart; fails unless it ends with success.
async fn until_settled(
    what: &str,
    attempts: u32,
    pause_ms: u64,
    mut send: impl AsyncFnMut() -> Result<i16>,
) -> Result<()> {
    for attempt in 0.. {
        let code = send().await?;
        let retriable = ErrorCode::from_code(code).is_some_and(|e| e.is_retriable());
        if code == 0 || !retriable || attempt == attempts {
            return check(what, code);
        }
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
    }
    unreachable!("the loop returns by its last attempt")
}

/// The example's flow, on one connection: create `topic`, produce five
/// records, fetch them back, commit the next offset for `group` and read
/// it back, delete the topic.
pub async fn produce_fetch_commit(client: &mut AsyncClient, topic: &str, group: &str) -> Result<Flow> {
    let topic_id = create_topic(client, topic).await?;
    let base_offset = produce(client, topic, topic_id).await?;
    let fetched = fetch(client, topic, topic_id, base_offset).await?;
    let committed = commit(client, topic, topic_id, group, base_offset + fetched.len() as i64).await?;

    let delete = DeleteTopicsRequest {
        topics: vec![delete_topics_request::DeleteTopicState { name: Some(topic.into()), ..Default::default() }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let Response::DeleteTopics(deleted) = client.send(delete).await? else { unreachable!() };
    check("DeleteTopics", deleted.responses[0].error_code)?;

    let apis = [ApiKey::CreateTopics, ApiKey::Metadata, ApiKey::Produce, ApiKey::Fetch, ApiKey::OffsetCommit];
    let versions = apis.iter().map(|&api| Ok((api, client.version(api)?))).collect::<Result<_>>()?;
    Ok(Flow { versions, base_offset, fetched, committed })
}

/// Creates a one-partition topic (or takes the one an earlier run left)
/// and waits until its partition has a leader; returns its id.
async fn create_topic(client: &mut AsyncClient, topic: &str) -> Result<uuid::Uuid> {
    let create = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: topic.into(),
            num_partitions: 1,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let Response::CreateTopics(created) = client.send(create).await? else { unreachable!() };
    if created.topics[0].error_code != ErrorCode::TopicAlreadyExists.code() {
        check("CreateTopics", created.topics[0].error_code)?;
    }
    let metadata = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic { name: Some(topic.into()), ..Default::default() }]),
        ..Default::default()
    };
    for _ in 0..100 {
        let Response::Metadata(m) = client.send(metadata.clone()).await? else { unreachable!() };
        if m.topics[0].error_code == 0 && m.topics[0].partitions.first().is_some_and(|p| p.leader_id >= 0) {
            return Ok(m.topics[0].topic_id);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("topic {topic} got no leader in 10 s").into())
}

/// Produces five zstd-compressed records; returns the first one's offset.
async fn produce(client: &mut AsyncClient, topic: &str, topic_id: uuid::Uuid) -> Result<i64> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
    let records = (0..5).map(|i| {
        let record = Record {
            key: Some(Bytes::from(format!("key-{i}"))),
            value: Some(Bytes::from(format!("async value {i}"))),
            ..Default::default()
        };
        (now + i, record)
    });
    let mut partition = produce_request::PartitionProduceData { index: 0, ..Default::default() };
    partition.set_batches(&[RecordBatch::from_records(Compression::Zstd, records)], &EncodeOptions::default())?;
    let produce = ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![produce_request::TopicProduceData {
            // Produce v13 names topics by id, older versions by name.
            name: if client.version(ApiKey::Produce)? >= 13 { "".into() } else { topic.into() },
            topic_id,
            partition_data: vec![partition],
            ..Default::default()
        }],
        ..Default::default()
    };
    // A new partition's leader can be in Metadata a moment before its
    // broker leads it (a KRaft broker applies the metadata log as it
    // comes): Produce then answers with one of these, having written
    // nothing, and a client retries. Other errors are not retried here: a
    // timeout, say, may have written the records.
    let nothing_written =
        [ErrorCode::NotLeaderOrFollower, ErrorCode::LeaderNotAvailable, ErrorCode::UnknownTopicOrPartition]
            .map(ErrorCode::code);
    for attempt in 1.. {
        let Response::Produce(produced) = client.send(produce.clone()).await? else { unreachable!() };
        let result = &produced.responses[0].partition_responses[0];
        if !nothing_written.contains(&result.error_code) || attempt == 50 {
            check("Produce", result.error_code)?;
            return Ok(result.base_offset);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    unreachable!("the loop returns by its last attempt")
}

/// Fetches from `offset`; returns the records as (key, value) text.
async fn fetch(
    client: &mut AsyncClient,
    topic: &str,
    topic_id: uuid::Uuid,
    offset: i64,
) -> Result<Vec<(String, String)>> {
    let fetch = FetchRequest {
        max_wait_ms: 500,
        min_bytes: 1,
        max_bytes: 1 << 20,
        topics: vec![fetch_request::FetchTopic {
            // Fetch v13 names topics by id too.
            topic: if client.version(ApiKey::Fetch)? >= 13 { "".into() } else { topic.into() },
            topic_id,
            partitions: vec![fetch_request::FetchPartition {
                partition: 0,
                fetch_offset: offset,
                partition_max_bytes: 1 << 20,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::Fetch(fetched) = client.send(fetch).await? else { unreachable!() };
    let partition = &fetched.responses[0].partitions[0];
    check("Fetch", partition.error_code)?;
    let text = |b: &Option<Bytes>| String::from_utf8_lossy(b.as_deref().unwrap_or_default()).into_owned();
    let mut records = Vec::new();
    for batch in partition.batches() {
        for record in batch?.records(&DecodeOptions::default())? {
            records.push((text(&record.key), text(&record.value)));
        }
    }
    Ok(records)
}

/// Commits `next` for `group` and reads the committed offset back.
async fn commit(client: &mut AsyncClient, topic: &str, topic_id: uuid::Uuid, group: &str, next: i64) -> Result<i64> {
    // A group with no members (a "simple" consumer group) takes commits
    // with generation -1.
    let commit = OffsetCommitRequest {
        group_id: group.into(),
        generation_id_or_member_epoch: -1,
        topics: vec![offset_commit_request::OffsetCommitRequestTopic {
            name: topic.into(),
            topic_id,
            partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                partition_index: 0,
                committed_offset: next,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    // The group's coordinator: asking for it makes a new broker create
    // __consumer_offsets, and until that has loaded the answers (and
    // commits) are retriable errors. One broker: it is the coordinator.
    let find = FindCoordinatorRequest { key_type: 0, coordinator_keys: vec![group.into()], ..Default::default() };
    until_settled("FindCoordinator", 150, 200, async || {
        let Response::FindCoordinator(found) = client.send(find.clone()).await? else { unreachable!() };
        Ok(found.coordinators.first().map_or(found.error_code, |c| c.error_code))
    })
    .await?;
    until_settled("OffsetCommit", 100, 100, async || {
        let Response::OffsetCommit(committed) = client.send(commit.clone()).await? else { unreachable!() };
        Ok(committed.topics[0].partitions[0].error_code)
    })
    .await?;
    let fetch_offsets = OffsetFetchRequest {
        groups: vec![offset_fetch_request::OffsetFetchRequestGroup {
            group_id: group.into(),
            topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopics {
                name: topic.into(),
                topic_id,
                partition_indexes: [0].into(),
                ..Default::default()
            }]),
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::OffsetFetch(offsets) = client.send(fetch_offsets).await? else { unreachable!() };
    Ok(offsets.groups[0].topics[0].partitions[0].committed_offset)
}
