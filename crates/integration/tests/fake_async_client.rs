//! kafka-wire's async client example (crates/wire/examples/async_client.rs)
//! against the fake broker: create a topic, produce, fetch back, commit an
//! offset and read it back, delete the topic. Needs nothing but Rust, so a
//! plain `cargo test` runs it.

use kafka_wire::ApiKey;
use kafka_wire_fake::FakeCluster;
use kafka_wire_integration::async_client::{produce_fetch_commit, AsyncClient};

async fn example_against(cluster: &FakeCluster) {
    let (topic, group) = ("async-example", "async-example-group");
    let mut client = AsyncClient::connect(&cluster.addresses()[0].to_string()).await.expect("connect");
    let flow = produce_fetch_commit(&mut client, topic, group).await.expect("the example's flow");
    assert_eq!(flow.base_offset, 0);
    assert_eq!(flow.fetched.len(), 5, "{:?}", flow.fetched);
    assert_eq!(flow.committed, 5, "the offset read back is the one committed");
    assert!(!cluster.topics().contains_key(topic), "the example deletes its topic");
    // Deleting the topic dropped the group's offsets for it, as Kafka does.
    assert_eq!(cluster.committed_offset(group, topic, 0), None);
    assert!(cluster.problems().is_empty(), "{:#?}", cluster.problems());
}

#[tokio::test]
async fn the_async_example_runs_against_the_fake_broker() {
    let cluster = FakeCluster::builder().start().await.unwrap();
    example_against(&cluster).await;
    // Without a persona the example speaks each api's newest version.
    let versions: Vec<ApiKey> = cluster.requests().iter().map(|r| r.frame.api_key()).collect();
    for api in [ApiKey::CreateTopics, ApiKey::Produce, ApiKey::Fetch, ApiKey::OffsetCommit, ApiKey::OffsetFetch] {
        assert!(versions.contains(&api), "the example sent no {api:?}");
    }
}

/// The example finds its coordinator with FindCoordinator v4 (batched
/// keys, Kafka 3.0 and later): the personas from there on.
#[tokio::test]
async fn the_async_example_runs_against_release_personas() {
    for release in
        [kafka_wire::KafkaRelease::V3_0_0, kafka_wire::KafkaRelease::V3_9_1, kafka_wire::KafkaRelease::V4_4_0]
    {
        let cluster = FakeCluster::builder().release(release).start().await.unwrap();
        example_against(&cluster).await;
    }
}

/// A new partition's leader can be in Metadata a moment before its broker
/// leads it: the example retries a Produce answered NOT_LEADER_OR_FOLLOWER
/// (nothing was written) and produces its records once.
#[tokio::test]
async fn the_async_example_retries_a_produce_its_partition_leader_refused() {
    use kafka_wire::ErrorCode;
    use kafka_wire_fake::Hook;
    let cluster = FakeCluster::builder().start().await.unwrap();
    cluster.hook(Hook::on(ApiKey::Produce).error(ErrorCode::NotLeaderOrFollower).times(2));
    example_against(&cluster).await;
    let produces = cluster.requests().iter().filter(|r| r.frame.api_key() == ApiKey::Produce).count();
    assert_eq!(produces, 3, "two refused, one written");
}
