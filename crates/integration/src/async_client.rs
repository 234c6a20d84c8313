//! A small async Kafka client on kafka-wire's tokio codec
//! (`kafka_wire::framed::ClientCodec`) and version negotiation: what the
//! async example and the async broker test use.

use crate::Result;
use futures_util::{SinkExt, StreamExt};
use kafka_wire::framed::ClientCodec;
use kafka_wire::messages::ApiVersionsRequest;
use kafka_wire::negotiate::{api_versions_retry, Versions};
use kafka_wire::{ApiKey, Request, RequestFrame, Response};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

/// One connection to a broker, speaking each api at the highest version
/// both sides support.
pub struct AsyncClient {
    conn: Framed<TcpStream, ClientCodec>,
    versions: Versions,
    next_correlation_id: i32,
}

impl AsyncClient {
    /// Connects and negotiates versions with an ApiVersions exchange.
    pub async fn connect(address: &str) -> Result<AsyncClient> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let mut client = AsyncClient {
            conn: Framed::new(stream, ClientCodec::new()),
            versions: Versions::default(),
            next_correlation_id: 1,
        };
        let request = ApiVersionsRequest {
            client_software_name: "kafka-wire-async".into(),
            client_software_version: env!("CARGO_PKG_VERSION").into(),
            ..Default::default()
        };
        let version = ApiKey::ApiVersions.valid_versions().max;
        let Response::ApiVersions(mut response) = client.send_at(request.clone().into(), version).await? else {
            unreachable!("the codec decodes the response of the api it sent")
        };
        // An older broker: ask again at its highest ApiVersions version.
        if let Some(retry) = api_versions_retry(&response, version) {
            let Response::ApiVersions(retried) = client.send_at(request.into(), retry).await? else {
                unreachable!("the codec decodes the response of the api it sent")
            };
            response = retried;
        }
        if response.error_code != 0 {
            return Err(format!("ApiVersions failed with error {}", response.error_code).into());
        }
        client.versions = Versions::from_response(&response);
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
        let correlation_id = self.send_only(body, version).await?;
        let response = self.conn.next().await.ok_or("the broker closed the connection")??;
        if response.header.correlation_id != correlation_id {
            return Err(
                format!("expected correlation id {correlation_id}, got {}", response.header.correlation_id).into()
            );
        }
        Ok(response.body)
    }

    /// Sends a request without waiting; returns its correlation id.
    pub async fn send_only(&mut self, body: Request, version: i16) -> Result<i32> {
        let correlation_id = self.next_correlation_id;
        self.next_correlation_id += 1;
        self.conn.send(RequestFrame::new(body, version, correlation_id, Some("kafka-wire-async"))).await?;
        Ok(correlation_id)
    }

    /// Receives the next response, whichever request it answers.
    pub async fn receive(&mut self) -> Result<kafka_wire::ResponseFrame> {
        Ok(self.conn.next().await.ok_or("the broker closed the connection")??)
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
        let retriable = kafka_wire::ErrorCode::from_code(code).is_some_and(|e| e.is_retriable());
        if code == 0 || !retriable || attempt == attempts {
            return check(what, code);
        }
        tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
    }
    unreachable!("the loop returns by its last attempt")
}

/// The async example's flow, on one connection: create `topic`, produce
/// five records, fetch them back, commit the next offset for `group` and
/// read it back, delete the topic.
pub async fn produce_fetch_commit(client: &mut AsyncClient, topic: &str, group: &str) -> Result<Flow> {
    use bytes::Bytes;
    use kafka_wire::messages::*;
    use kafka_wire::records::{
        Compression, DecodeOptions, EncodeOptions, ReadBatches, Record, RecordBatch, WriteBatches,
    };

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
    const TOPIC_ALREADY_EXISTS: i16 = 36; // left by an earlier run: used as it is
    if created.topics[0].error_code != TOPIC_ALREADY_EXISTS {
        check("CreateTopics", created.topics[0].error_code)?;
    }
    // The partition has a leader once Metadata says so.
    let metadata = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic { name: Some(topic.into()), ..Default::default() }]),
        ..Default::default()
    };
    let topic_id = loop {
        let Response::Metadata(m) = client.send(metadata.clone()).await? else { unreachable!() };
        if m.topics[0].error_code == 0 && m.topics[0].partitions.first().is_some_and(|p| p.leader_id >= 0) {
            break m.topics[0].topic_id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
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
    let produce_version = client.version(ApiKey::Produce)?;
    let produce = ProduceRequest {
        acks: -1,
        timeout_ms: 30_000,
        topic_data: vec![produce_request::TopicProduceData {
            // Produce v13 names topics by id, older versions by name.
            name: if produce_version >= 13 { "".into() } else { topic.into() },
            topic_id,
            partition_data: vec![partition],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::Produce(produced) = client.send(produce).await? else { unreachable!() };
    let result = &produced.responses[0].partition_responses[0];
    check("Produce", result.error_code)?;
    let base_offset = result.base_offset;

    let fetch_version = client.version(ApiKey::Fetch)?;
    let fetch = FetchRequest {
        max_wait_ms: 500,
        min_bytes: 1,
        max_bytes: 1 << 20,
        topics: vec![fetch_request::FetchTopic {
            topic: if fetch_version >= 13 { "".into() } else { topic.into() },
            topic_id,
            partitions: vec![fetch_request::FetchPartition {
                partition: 0,
                fetch_offset: base_offset,
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
    let mut records = Vec::new();
    for batch in partition.batches() {
        for record in batch?.records(&DecodeOptions::default())? {
            let text = |b: &Option<Bytes>| String::from_utf8_lossy(b.as_deref().unwrap_or_default()).into_owned();
            records.push((text(&record.key), text(&record.value)));
        }
    }

    // A group with no members (a "simple" consumer group) takes commits
    // with generation -1.
    let next = base_offset + records.len() as i64;
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
    let committed = offsets.groups[0].topics[0].partitions[0].committed_offset;

    let delete = DeleteTopicsRequest {
        topics: vec![delete_topics_request::DeleteTopicState { name: Some(topic.into()), ..Default::default() }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let Response::DeleteTopics(deleted) = client.send(delete).await? else { unreachable!() };
    check("DeleteTopics", deleted.responses[0].error_code)?;

    let apis = [ApiKey::CreateTopics, ApiKey::Metadata, ApiKey::Produce, ApiKey::Fetch, ApiKey::OffsetCommit];
    let versions = apis.iter().map(|&api| Ok((api, client.version(api)?))).collect::<Result<_>>()?;
    Ok(Flow { versions, base_offset, fetched: records, committed })
}
