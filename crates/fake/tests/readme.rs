//! The READMEs' example test, as they print it (README.md's "A Kafka
//! broker for tests" and crates/fake/README.md), with a small client under test: it produces with
//! one retry on a retriable error, then commits what it produced for its
//! group at the coordinator FindCoordinator names.

mod common;

use common::{batch, produce, Client};
use kafka_wire::messages::*;
use kafka_wire::{ApiKey, ErrorCode, KafkaRelease, Response};
use kafka_wire_fake::{FakeCluster, Hook};

/// The client under test: produce two records to orders-0 (retrying once
/// on a retriable error), then commit the offset after them for "my-group".
async fn run_the_client_under_test(bootstrap: &str) -> Result<(), Box<dyn std::error::Error>> {
    let first = bootstrap.split(',').next().ok_or("no broker")?;
    let mut conn = Client::connect(first).await;
    let mut next_offset = None;
    for _ in 0..2 {
        let Response::Produce(r) = conn.send(produce("orders", batch(&["a", "b"]), uuid::Uuid::nil()), 8).await.body
        else {
            return Err("not a Produce response".into());
        };
        let p = &r.responses[0].partition_responses[0];
        match ErrorCode::try_from(p.error_code) {
            Ok(ErrorCode::None) => {
                next_offset = Some(p.base_offset + 2);
                break;
            }
            Ok(e) if e.is_retriable() => continue,
            other => return Err(format!("produce failed: {other:?}").into()),
        }
    }
    let next_offset = next_offset.ok_or("produce did not succeed")?;
    let find = FindCoordinatorRequest { key: "my-group".into(), key_type: 0, ..Default::default() };
    let Response::FindCoordinator(c) = conn.send(find, 3).await.body else { return Err("not FindCoordinator".into()) };
    let mut coordinator = Client::connect(format!("{}:{}", c.host, c.port)).await;
    let commit = OffsetCommitRequest {
        group_id: "my-group".into(),
        generation_id_or_member_epoch: -1,
        topics: vec![offset_commit_request::OffsetCommitRequestTopic {
            name: "orders".into(),
            partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                partition_index: 0,
                committed_offset: next_offset,
                committed_leader_epoch: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::OffsetCommit(r) = coordinator.send(commit, 8).await.body else {
        return Err("not OffsetCommit".into());
    };
    match r.topics[0].partitions[0].error_code {
        0 => Ok(()),
        code => Err(format!("commit failed: {code}").into()),
    }
}

#[tokio::test]
async fn the_consumer_commits_what_it_read() -> Result<(), Box<dyn std::error::Error>> {
    let cluster = FakeCluster::builder()
        .brokers(3)
        .release(KafkaRelease::V2_8_0) // advertise, accept and answer as 2.8.0
        .topic("orders", 6)
        .start()
        .await?;
    // The next Produce the cluster receives fails as if leadership had moved.
    cluster.hook(Hook::on(ApiKey::Produce).error(ErrorCode::NotLeaderOrFollower));

    run_the_client_under_test(&cluster.bootstrap()).await?; // "127.0.0.1:PORT,..."

    let records = cluster.records("orders", 0)?; // what was produced, with offsets
    let end = records.last().map_or(0, |(offset, _)| offset + 1);
    assert_eq!(cluster.committed_offset("my-group", "orders", 0), Some(end));
    assert!(cluster.problems().is_empty()); // every answer encoded at its version
    Ok(())
}

/// Both READMEs print the test above: keep them the same.
#[test]
fn the_readmes_print_this_test() {
    let this = include_str!("readme.rs");
    let start = this.find("#[tokio::test]\nasync fn the_consumer_commits_what_it_read").expect("the test");
    let end = start + this[start..].find("\n}\n").expect("its end") + 3;
    for (name, readme) in
        [("README.md", include_str!("../../../README.md")), ("crates/fake/README.md", include_str!("../README.md"))]
    {
        assert!(readme.contains(&this[start..end]), "{name} no longer prints crates/fake/tests/readme.rs's test");
    }
}
