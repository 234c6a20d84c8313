//! Bugs real clients found in the fake broker, each pinned by the request
//! that showed it (crates/integration/tests/fake_clients.rs runs the
//! clients themselves).

use futures_util::{SinkExt, StreamExt};
use kafka_wire::messages::*;
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, ErrorCode, Request, Response, ResponseFrame};
use kafka_wire_fake::FakeCluster;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

struct Client {
    conn: Framed<TcpStream, ClientCodec>,
}

impl Client {
    async fn connect(cluster: &FakeCluster) -> Client {
        let stream = TcpStream::connect(cluster.addresses()[0]).await.expect("connect");
        Client { conn: Framed::new(stream, ClientCodec::new()) }
    }

    async fn send(&mut self, request: impl Into<Request>, version: i16) -> ResponseFrame {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        self.conn.next().await.expect("a response, not a closed connection").expect("a valid response")
    }
}

fn no_problems(cluster: &FakeCluster) {
    assert!(cluster.problems().is_empty(), "{:#?}", cluster.problems());
}

/// librdkafka's consumer asks ListOffsets v2 for the earliest offset: the
/// answer carried the partition's leader epoch, a field of v4 and later,
/// so it could not be encoded and the connection was closed.
#[tokio::test]
async fn list_offsets_before_v4_carries_no_leader_epoch() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(&cluster).await;
    for version in ApiKey::ListOffsets.valid_versions().iter() {
        let request = ListOffsetsRequest {
            replica_id: -1,
            topics: vec![list_offsets_request::ListOffsetsTopic {
                name: "t".into(),
                partitions: vec![list_offsets_request::ListOffsetsPartition {
                    partition_index: 0,
                    timestamp: -2,
                    max_num_offsets: 1,
                    current_leader_epoch: -1,
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let Response::ListOffsets(response) = client.send(request, version).await.body else { panic!() };
        let p = &response.topics[0].partitions[0];
        assert_eq!(p.error_code, 0, "ListOffsets v{version}");
        assert_eq!(p.leader_epoch, if version >= 4 { 0 } else { -1 }, "ListOffsets v{version}");
    }
    no_problems(&cluster);
}

/// A topic as DescribeTopicPartitions answers it: name, error code,
/// (partition, leader) pairs.
type TopicSummary = (String, i16, Vec<(i32, i32)>);

/// Kafka's Java admin client (3.7 and later) describes topics with
/// DescribeTopicPartitions when the broker advertises it, as a 4.x persona
/// does: the fake broker did not serve it and closed the connection, so
/// `describeTopics` retried until it timed out.
#[tokio::test]
async fn describe_topic_partitions_is_served_page_by_page() {
    let cluster = FakeCluster::builder()
        .release(kafka_wire::KafkaRelease::V4_4_0)
        .brokers(2)
        .topic("a", 3)
        .topic("b", 1)
        .start()
        .await
        .unwrap();
    let mut client = Client::connect(&cluster).await;
    let ask = |names: &[&str], limit: i32, cursor: Option<(&str, i32)>| DescribeTopicPartitionsRequest {
        topics: names
            .iter()
            .map(|n| describe_topic_partitions_request::TopicRequest { name: (*n).into(), ..Default::default() })
            .collect(),
        response_partition_limit: limit,
        cursor: cursor.map(|(t, p)| describe_topic_partitions_request::Cursor {
            topic_name: t.into(),
            partition_index: p,
            ..Default::default()
        }),
        ..Default::default()
    };
    let summary = |r: &DescribeTopicPartitionsResponse| {
        let topics: Vec<TopicSummary> = r
            .topics
            .iter()
            .map(|t| {
                let name = t.name.as_deref().unwrap_or_default().to_owned();
                (name, t.error_code, t.partitions.iter().map(|p| (p.partition_index, p.leader_id)).collect())
            })
            .collect();
        let cursor = r.next_cursor.as_ref().map(|c| (c.topic_name.to_string(), c.partition_index));
        (topics, cursor)
    };
    let send = async |client: &mut Client, request| match client.send(request, 0).await.body {
        Response::DescribeTopicPartitions(r) => r,
        other => panic!("{:?}", other.api_key()),
    };
    // Every topic, two partitions a page: partitions are led round the two brokers.
    let first = send(&mut client, ask(&[], 2, None)).await;
    assert_eq!(summary(&first), (vec![("a".into(), 0, vec![(0, 0), (1, 1)])], Some(("a".into(), 2))));
    let second = send(&mut client, ask(&[], 2, Some(("a", 2)))).await;
    assert_eq!(summary(&second), (vec![("a".into(), 0, vec![(2, 0)]), ("b".into(), 0, vec![(0, 1)])], None));
    // Names asked for, an unknown one among them.
    let named = send(&mut client, ask(&["b", "nope"], 2000, None)).await;
    assert_eq!(
        summary(&named),
        (vec![("b".into(), 0, vec![(0, 1)]), ("nope".into(), ErrorCode::UnknownTopicOrPartition.code(), vec![])], None)
    );
    assert_eq!(named.topics[0].topic_id, cluster_topic_id(&mut client, "b").await);
    no_problems(&cluster);
}

async fn cluster_topic_id(client: &mut Client, topic: &str) -> uuid::Uuid {
    let request = MetadataRequest {
        topics: Some(vec![metadata_request::MetadataRequestTopic { name: Some(topic.into()), ..Default::default() }]),
        ..Default::default()
    };
    let Response::Metadata(metadata) = client.send(request, 12).await.body else { panic!() };
    metadata.topics[0].topic_id
}

/// A request the persona advertises but the fake broker does not serve
/// closes the connection; it is also a problem, so that a test whose
/// client retried around it learns why.
#[tokio::test]
async fn an_advertised_api_not_served_is_a_problem() {
    let cluster = FakeCluster::builder().release(kafka_wire::KafkaRelease::V4_4_0).start().await.unwrap();
    let stream = TcpStream::connect(cluster.addresses()[0]).await.unwrap();
    let mut conn = Framed::new(stream, ClientCodec::new());
    let frame = conn.codec_mut().connection().frame(ElectLeadersRequest::default(), 2);
    conn.send(frame).await.unwrap();
    assert!(conn.next().await.is_none_or(|r| r.is_err()), "the connection should close");
    let problems = cluster.problems();
    assert_eq!(problems, ["ElectLeaders v2 is advertised but not served: the connection was closed"]);
}

/// Kafka's Java admin client describes a topic's configs with
/// DescribeConfigs v4 (v2 and later from 2.8): the answer set IsDefault,
/// a field of v0 only, so it could not be encoded and the connection
/// closed, and `describeConfigs` retried until it timed out.
#[tokio::test]
async fn describe_configs_sets_is_default_in_v0_only() {
    let cluster = FakeCluster::builder().topic_with_configs("t", 1, [("retention.ms", "1000")]).start().await.unwrap();
    let mut client = Client::connect(&cluster).await;
    for version in ApiKey::DescribeConfigs.valid_versions().iter() {
        let request = DescribeConfigsRequest {
            resources: vec![describe_configs_request::DescribeConfigsResource {
                resource_type: 2,
                resource_name: "t".into(),
                configuration_keys: Some(vec!["retention.ms".into(), "cleanup.policy".into()]),
                ..Default::default()
            }],
            ..Default::default()
        };
        let Response::DescribeConfigs(response) = client.send(request, version).await.body else { panic!() };
        let configs = &response.results[0].configs;
        let by_name = |n: &str| configs.iter().find(|c| &*c.name == n).unwrap_or_else(|| panic!("v{version}: no {n}"));
        let (set, default) = (by_name("retention.ms"), by_name("cleanup.policy"));
        assert_eq!(set.value.as_deref(), Some("1000"), "DescribeConfigs v{version}");
        if version == 0 {
            assert!(!set.is_default && default.is_default, "DescribeConfigs v0");
        } else {
            assert_eq!((set.config_source, default.config_source), (1, 5), "DescribeConfigs v{version}");
        }
    }
    no_problems(&cluster);
}
