//! The consumer group protocol of KIP-848 through kafka-wire's own
//! messages: ConsumerGroupHeartbeat joins, assignments by the `uniform`
//! and `range` assignors, revocation before reassignment, leaving,
//! fencing, session and rebalance timeouts (on a paused clock), and the
//! apis that see consumer groups (offsets, describe, list).

mod common;

use common::{topic_id, Client};
use kafka_wire::messages::consumer_group_heartbeat_request::TopicPartitions;
use kafka_wire::messages::*;
use kafka_wire::{ApiKey, ErrorCode, KafkaRelease, Response};
use kafka_wire_fake::FakeCluster;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use uuid::Uuid;

const VERSION: i16 = 1;

/// What a member owns, by topic id.
type Owned = BTreeMap<Uuid, BTreeSet<i32>>;

fn join(member: &str, topics: &[&str], assignor: Option<&str>) -> ConsumerGroupHeartbeatRequest {
    ConsumerGroupHeartbeatRequest {
        group_id: "g".into(),
        member_id: member.to_owned().into(),
        member_epoch: 0,
        rebalance_timeout_ms: 5000,
        subscribed_topic_names: Some(topics.iter().map(|t| (*t).to_owned().into()).collect()),
        server_assignor: assignor.map(|a| a.to_owned().into()),
        topic_partitions: Some(Vec::new()),
        ..Default::default()
    }
}

/// A heartbeat of a member at `epoch` that owns `owned`.
fn beat(member: &str, epoch: i32, owned: &Owned) -> ConsumerGroupHeartbeatRequest {
    ConsumerGroupHeartbeatRequest {
        group_id: "g".into(),
        member_id: member.to_owned().into(),
        member_epoch: epoch,
        topic_partitions: Some(
            owned
                .iter()
                .map(|(id, ps)| TopicPartitions {
                    topic_id: *id,
                    partitions: ps.iter().copied().collect(),
                    ..Default::default()
                })
                .collect(),
        ),
        ..Default::default()
    }
}

fn leave(member: &str, epoch: i32) -> ConsumerGroupHeartbeatRequest {
    ConsumerGroupHeartbeatRequest {
        group_id: "g".into(),
        member_id: member.to_owned().into(),
        member_epoch: epoch,
        ..Default::default()
    }
}

async fn heartbeat(client: &mut Client, request: ConsumerGroupHeartbeatRequest) -> ConsumerGroupHeartbeatResponse {
    heartbeat_at(client, request, VERSION).await
}

async fn heartbeat_at(
    client: &mut Client,
    request: ConsumerGroupHeartbeatRequest,
    version: i16,
) -> ConsumerGroupHeartbeatResponse {
    let Response::ConsumerGroupHeartbeat(r) = client.send(request, version).await.body else {
        panic!("not a ConsumerGroupHeartbeat response")
    };
    r
}

fn assigned(response: &ConsumerGroupHeartbeatResponse) -> Option<Owned> {
    let assignment = response.assignment.as_ref()?;
    Some(assignment.topic_partitions.iter().map(|t| (t.topic_id, t.partitions.iter().collect())).collect())
}

fn partitions(topic: Uuid, ps: impl IntoIterator<Item = i32>) -> Owned {
    let set: BTreeSet<i32> = ps.into_iter().collect();
    if set.is_empty() {
        Owned::new()
    } else {
        BTreeMap::from([(topic, set)])
    }
}

fn ok(response: &ConsumerGroupHeartbeatResponse) {
    assert_eq!(response.error_code, 0, "{:?}", response.error_message);
}

async fn cluster(partitions: i32) -> (FakeCluster, Client, Uuid) {
    let cluster = FakeCluster::builder().topic("t", partitions).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let id = topic_id(&mut client, "t").await;
    (cluster, client, id)
}

async fn describe(client: &mut Client) -> consumer_group_describe_response::DescribedGroup {
    let request = ConsumerGroupDescribeRequest { group_ids: vec!["g".into()], ..Default::default() };
    let Response::ConsumerGroupDescribe(mut r) = client.send(request, 1).await.body else { panic!() };
    r.groups.remove(0)
}

#[tokio::test]
async fn a_member_joins_and_gets_every_partition() {
    for assignor in ["uniform", "range"] {
        let (cluster, mut client, t) = cluster(3).await;
        let joined = heartbeat(&mut client, join("a", &["t"], Some(assignor))).await;
        ok(&joined);
        assert_eq!(joined.member_id.as_deref(), Some("a"), "from v1 the consumer names itself");
        assert_eq!((joined.member_epoch, joined.heartbeat_interval_ms), (1, 5000));
        assert_eq!(assigned(&joined), Some(partitions(t, 0..3)), "{assignor}");
        // Nothing changed: no assignment in the answer.
        let again = heartbeat(&mut client, beat("a", 1, &partitions(t, 0..3))).await;
        ok(&again);
        assert_eq!((again.member_epoch, assigned(&again)), (1, None));
        let group = describe(&mut client).await;
        assert_eq!(group.error_code, 0);
        assert_eq!((group.group_state.as_str(), group.group_epoch, group.assignment_epoch), ("Stable", 1, 1));
        assert_eq!(group.assignor_name.as_str(), assignor);
        assert_eq!(group.members[0].member_epoch, 1);
        assert_eq!(group.members[0].assignment.topic_partitions[0].topic_name.as_str(), "t");
        assert_eq!(group.members[0].target_assignment.topic_partitions[0].partitions.len(), 3);
        assert_eq!(cluster.group("g").unwrap().group_type, "consumer");
        assert!(cluster.problems().is_empty());
    }
}

#[tokio::test]
async fn v0_gets_its_member_id_from_the_broker() {
    let (_cluster, mut client, _) = cluster(1).await;
    let joined = heartbeat_at(&mut client, join("", &["t"], None), 0).await;
    ok(&joined);
    let id = joined.member_id.expect("a member id");
    assert!(Uuid::parse_str(&id).is_ok(), "{id}");
    let refused = heartbeat_at(&mut client, join("", &["t"], None), 1).await;
    assert_eq!(refused.error_code, ErrorCode::InvalidRequest.code());
    assert_eq!(refused.error_message.as_deref(), Some("MemberId can't be empty."));
}

/// A joins and owns every partition; B joins: A gives up half first, and
/// B gets them only once A's heartbeat no longer lists them.
async fn two_members(assignor: &str, client: &mut Client, t: Uuid) -> (Owned, Owned) {
    let a = heartbeat(client, join("a", &["t"], Some(assignor))).await;
    assert_eq!(assigned(&a), Some(partitions(t, 0..4)));
    let b = heartbeat(client, join("b", &["t"], Some(assignor))).await;
    ok(&b);
    assert_eq!(b.member_epoch, 2, "B's join bumped the group epoch");
    assert_eq!(assigned(&b), Some(Owned::new()), "A still owns them all");
    let a = heartbeat(client, beat("a", 1, &partitions(t, 0..4))).await;
    ok(&a);
    let kept = assigned(&a).expect("A is told what to keep");
    assert_eq!(a.member_epoch, 1, "A stays in its epoch until it revokes");
    assert_eq!(kept.values().map(BTreeSet::len).sum::<usize>(), 2);
    assert_eq!(describe(client).await.group_state.as_str(), "Reconciling");
    let b = heartbeat(client, beat("b", 2, &Owned::new())).await;
    assert_eq!(assigned(&b), None, "nothing for B before A revokes");
    let a = heartbeat(client, beat("a", 1, &kept)).await;
    assert_eq!((a.member_epoch, assigned(&a)), (2, None), "revoked: the next epoch, same partitions");
    let b = heartbeat(client, beat("b", 2, &Owned::new())).await;
    let given = assigned(&b).expect("B gets A's partitions");
    assert_eq!(b.member_epoch, 2);
    (kept, given)
}

#[tokio::test]
async fn a_second_member_gets_partitions_only_after_the_first_revokes_them() {
    for assignor in ["uniform", "range"] {
        let (cluster, mut client, t) = cluster(4).await;
        let (a, b) = two_members(assignor, &mut client, t).await;
        if assignor == "range" {
            assert_eq!((a, b), (partitions(t, 0..2), partitions(t, 2..4)), "contiguous ranges by member id");
        } else {
            assert_eq!(a.values().chain(b.values()).flatten().collect::<BTreeSet<_>>().len(), 4);
            assert_eq!(b.values().map(BTreeSet::len).sum::<usize>(), 2);
        }
        assert_eq!(describe(&mut client).await.group_state.as_str(), "Stable");
        assert_eq!(cluster.group("g").unwrap().members, vec!["a".to_owned(), "b".to_owned()]);
    }
}

/// Each member's target assignment, by member id, as ConsumerGroupDescribe
/// shows it: (topic, partition) pairs.
async fn targets(client: &mut Client) -> BTreeMap<String, BTreeSet<(String, i32)>> {
    let group = describe(client).await;
    group
        .members
        .iter()
        .map(|m| {
            let target = m.target_assignment.topic_partitions.iter();
            let pairs = target.flat_map(|t| t.partitions.iter().map(move |p| (t.topic_name.to_string(), p)));
            (m.member_id.to_string(), pairs.collect())
        })
        .collect()
}

#[tokio::test]
async fn range_assigns_each_topic_in_ranges_and_uniform_balances_the_members() {
    let pairs = |list: &[(&str, i32)]| list.iter().map(|(t, p)| ((*t).to_owned(), *p)).collect::<BTreeSet<_>>();
    for assignor in ["range", "uniform"] {
        let cluster = FakeCluster::builder().topic("t1", 3).topic("t2", 3).start().await.unwrap();
        let mut client = Client::connect(cluster.addresses()[0]).await;
        heartbeat(&mut client, join("a", &["t1", "t2"], Some(assignor))).await;
        heartbeat(&mut client, join("b", &["t1", "t2"], Some(assignor))).await;
        let targets = targets(&mut client).await;
        if assignor == "range" {
            // Co-partitioned: the same ranges of every topic, the first member taking the extra one.
            assert_eq!(targets["a"], pairs(&[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1)]));
            assert_eq!(targets["b"], pairs(&[("t1", 2), ("t2", 2)]));
        } else {
            assert_eq!((targets["a"].len(), targets["b"].len()), (3, 3), "{targets:?}");
            assert!(targets["a"].is_disjoint(&targets["b"]));
            // Sticky: a third member takes one from each, nothing else moves.
            heartbeat(&mut client, join("c", &["t1", "t2"], Some(assignor))).await;
            let after = self::targets(&mut client).await;
            assert!(after["a"].is_subset(&targets["a"]) && after["b"].is_subset(&targets["b"]), "{after:?}");
            assert_eq!((after["a"].len(), after["b"].len(), after["c"].len()), (2, 2, 2));
        }
    }
}

#[tokio::test]
async fn a_leaving_member_hands_its_partitions_to_the_others() {
    for assignor in ["uniform", "range"] {
        let (_cluster, mut client, t) = cluster(4).await;
        let (a, _) = two_members(assignor, &mut client, t).await;
        let left = heartbeat(&mut client, leave("b", -1)).await;
        ok(&left);
        assert_eq!((left.member_epoch, left.heartbeat_interval_ms), (-1, 0));
        let a = heartbeat(&mut client, beat("a", 2, &a)).await;
        ok(&a);
        assert_eq!((a.member_epoch, assigned(&a)), (3, Some(partitions(t, 0..4))), "{assignor}");
        let gone = heartbeat(&mut client, beat("b", 2, &Owned::new())).await;
        assert_eq!(gone.error_code, ErrorCode::UnknownMemberId.code());
        assert_eq!(gone.error_message.as_deref(), Some("Member b is not a member of group g."));
    }
}

#[tokio::test]
async fn epochs_out_of_step_are_fenced() {
    let (_cluster, mut client, t) = cluster(2).await;
    let a = heartbeat(&mut client, join("a", &["t"], None)).await;
    assert_eq!(a.member_epoch, 1);
    let ahead = heartbeat(&mut client, beat("a", 2, &partitions(t, 0..2))).await;
    assert_eq!(ahead.error_code, ErrorCode::FencedMemberEpoch.code());
    assert!(ahead.error_message.unwrap().contains("greater member epoch (2)"));
    // B's join: A revokes one partition and moves on to epoch 2.
    heartbeat(&mut client, join("b", &["t"], None)).await;
    let a = heartbeat(&mut client, beat("a", 1, &partitions(t, 0..2))).await;
    let a = heartbeat(&mut client, beat("a", 1, &assigned(&a).unwrap())).await;
    assert_eq!(a.member_epoch, 2);
    // The previous epoch, owning a subset of its partitions: a lost answer, accepted.
    let lost = heartbeat(&mut client, beat("a", 1, &Owned::new())).await;
    assert_eq!((lost.error_code, lost.member_epoch), (0, 2));
    let behind = heartbeat(&mut client, join("a", &["t"], None)).await;
    assert_eq!(behind.error_code, ErrorCode::FencedMemberEpoch.code(), "a join at epoch 0 is two behind");
    let unknown = heartbeat(&mut client, beat("x", 3, &Owned::new())).await;
    assert_eq!(unknown.error_code, ErrorCode::UnknownMemberId.code());
    let no_group =
        heartbeat(&mut client, ConsumerGroupHeartbeatRequest { group_id: "h".into(), ..beat("x", 3, &Owned::new()) })
            .await;
    assert_eq!(no_group.error_code, ErrorCode::GroupIdNotFound.code());
}

#[tokio::test]
async fn joins_are_checked_as_kafka_checks_them() {
    let (_cluster, mut client, _) = cluster(1).await;
    let cases: Vec<(ConsumerGroupHeartbeatRequest, ErrorCode, &str)> = vec![
        (
            ConsumerGroupHeartbeatRequest { rebalance_timeout_ms: -1, ..join("a", &["t"], None) },
            ErrorCode::InvalidRequest,
            "RebalanceTimeoutMs must be provided in first request.",
        ),
        (
            ConsumerGroupHeartbeatRequest { topic_partitions: None, ..join("a", &["t"], None) },
            ErrorCode::InvalidRequest,
            "TopicPartitions must be empty when (re-)joining.",
        ),
        (
            ConsumerGroupHeartbeatRequest { subscribed_topic_names: None, ..join("a", &["t"], None) },
            ErrorCode::InvalidRequest,
            "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.",
        ),
        (
            ConsumerGroupHeartbeatRequest { group_id: "".into(), ..join("a", &["t"], None) },
            ErrorCode::InvalidRequest,
            "GroupId can't be empty.",
        ),
        (leave("a", -3), ErrorCode::InvalidRequest, "MemberEpoch is invalid."),
        (leave("a", -2), ErrorCode::InvalidRequest, "InstanceId can't be null."),
        (
            join("a", &["t"], Some("sticky")),
            ErrorCode::UnsupportedAssignor,
            "ServerAssignor sticky is not supported. Supported assignors: uniform, range.",
        ),
    ];
    for (request, error, message) in cases {
        let refused = heartbeat(&mut client, request).await;
        assert_eq!((refused.error_code, refused.error_message.as_deref()), (error.code(), Some(message)));
        assert_eq!(refused.member_id, None);
    }
}

#[tokio::test(start_paused = true)]
async fn a_silent_member_is_fenced_when_its_session_ends() {
    let cluster = FakeCluster::builder()
        .topic("t", 2)
        .consumer_group_session_timeout(Duration::from_secs(10))
        .start()
        .await
        .unwrap();
    let mut client = Client::from_stream(cluster.connect_in_memory(0).unwrap());
    let t = topic_id(&mut client, "t").await;
    heartbeat(&mut client, join("a", &["t"], Some("range"))).await;
    let b = heartbeat(&mut client, join("b", &["t"], Some("range"))).await;
    assert_eq!(assigned(&b), Some(Owned::new()));
    let a = heartbeat(&mut client, beat("a", 1, &partitions(t, 0..2))).await;
    assert_eq!(assigned(&a), Some(partitions(t, 0..1)));
    heartbeat(&mut client, beat("a", 1, &partitions(t, 0..1))).await;
    let b = heartbeat(&mut client, beat("b", 2, &Owned::new())).await;
    assert_eq!(assigned(&b), Some(partitions(t, 1..2)));
    // A keeps beating, B falls silent.
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_secs(4)).await;
        let a = heartbeat(&mut client, beat("a", 2, &partitions(t, 0..1))).await;
        assert_eq!(a.member_epoch, 2, "B's session has not ended yet");
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let a = heartbeat(&mut client, beat("a", 2, &partitions(t, 0..1))).await;
    assert_eq!((a.member_epoch, assigned(&a)), (3, Some(partitions(t, 0..2))), "B was fenced");
    let b = heartbeat(&mut client, beat("b", 2, &partitions(t, 1..2))).await;
    assert_eq!(b.error_code, ErrorCode::UnknownMemberId.code());
}

#[tokio::test(start_paused = true)]
async fn a_member_that_does_not_revoke_is_fenced_after_its_rebalance_timeout() {
    let cluster = FakeCluster::builder().topic("t", 2).start().await.unwrap();
    let mut client = Client::from_stream(cluster.connect_in_memory(0).unwrap());
    let t = topic_id(&mut client, "t").await;
    heartbeat(&mut client, join("a", &["t"], None)).await; // rebalance timeout 5 s
    heartbeat(&mut client, join("b", &["t"], None)).await;
    let a = heartbeat(&mut client, beat("a", 1, &partitions(t, 0..2))).await;
    assert_eq!(a.member_epoch, 1, "A must revoke one");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let a = heartbeat(&mut client, beat("a", 1, &partitions(t, 0..2))).await;
    assert_eq!(a.error_code, 0, "still within its rebalance timeout");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let a = heartbeat(&mut client, beat("a", 1, &partitions(t, 0..2))).await;
    assert_eq!(a.error_code, ErrorCode::UnknownMemberId.code(), "fenced");
    let b = heartbeat(&mut client, beat("b", 2, &Owned::new())).await;
    assert_eq!((b.member_epoch, assigned(&b)), (3, Some(partitions(t, 0..2))));
}

#[tokio::test]
async fn a_static_member_leaving_for_a_while_keeps_its_partitions() {
    let (_cluster, mut client, t) = cluster(2).await;
    let with_instance = |r: ConsumerGroupHeartbeatRequest, i: &str| ConsumerGroupHeartbeatRequest {
        instance_id: Some(i.to_owned().into()),
        ..r
    };
    heartbeat(&mut client, with_instance(join("a", &["t"], Some("range")), "i")).await;
    let b = heartbeat(&mut client, join("b", &["t"], Some("range"))).await;
    let a = heartbeat(&mut client, with_instance(beat("a", 1, &partitions(t, 0..2)), "i")).await;
    heartbeat(&mut client, with_instance(beat("a", 1, &assigned(&a).unwrap()), "i")).await;
    heartbeat(&mut client, beat("b", b.member_epoch, &Owned::new())).await;
    let away = heartbeat(&mut client, with_instance(leave("a", -2), "i")).await;
    assert_eq!((away.error_code, away.member_epoch), (0, -2));
    // Nothing moves while it is away.
    let b = heartbeat(&mut client, beat("b", 2, &partitions(t, 1..2))).await;
    assert_eq!((b.member_epoch, assigned(&b)), (2, None));
    let taken = heartbeat(&mut client, with_instance(join("c", &["t"], Some("range")), "j")).await;
    ok(&taken);
    // C's partition is B's: B revokes it first.
    let b = heartbeat(&mut client, beat("b", 2, &partitions(t, 1..2))).await;
    assert_eq!(assigned(&b), Some(Owned::new()));
    let b = heartbeat(&mut client, beat("b", 2, &Owned::new())).await;
    assert_eq!((b.error_code, b.member_epoch), (0, 3));
    // Back under a new member id, with its partition.
    let back = heartbeat(&mut client, with_instance(join("a2", &["t"], Some("range")), "i")).await;
    ok(&back);
    assert_eq!(assigned(&back), Some(partitions(t, 0..1)), "its partition waited for it");
    let twice = heartbeat(&mut client, with_instance(join("a3", &["t"], Some("range")), "i")).await;
    assert_eq!(twice.error_code, ErrorCode::UnreleasedInstanceId.code());
    let old = heartbeat(&mut client, with_instance(beat("a", 2, &Owned::new()), "i")).await;
    assert_eq!(old.error_code, ErrorCode::FencedInstanceId.code());
}

#[tokio::test]
async fn new_topics_and_partitions_are_assigned() {
    let (cluster, mut client, _) = cluster(1).await;
    let a = heartbeat(&mut client, join("a", &["later"], None)).await;
    assert_eq!((a.member_epoch, assigned(&a)), (1, Some(Owned::new())), "nothing to assign yet");
    cluster.create_topic("later", 2).unwrap();
    let later = topic_id(&mut client, "later").await;
    let a = heartbeat(&mut client, beat("a", 1, &Owned::new())).await;
    assert_eq!((a.member_epoch, assigned(&a)), (2, Some(partitions(later, 0..2))));
    let request = CreatePartitionsRequest {
        topics: vec![create_partitions_request::CreatePartitionsTopic {
            name: "later".into(),
            count: 3,
            assignments: None,
            ..Default::default()
        }],
        timeout_ms: 1000,
        ..Default::default()
    };
    client.send(request, 3).await;
    let a = heartbeat(&mut client, beat("a", 2, &partitions(later, 0..2))).await;
    assert_eq!((a.member_epoch, assigned(&a)), (3, Some(partitions(later, 0..3))));
    // A subscription change moves the assignment too.
    let mut change = beat("a", 3, &partitions(later, 0..3));
    change.subscribed_topic_names = Some(vec!["t".into()]);
    let a = heartbeat(&mut client, change).await;
    assert_eq!((a.member_epoch, assigned(&a)), (3, Some(Owned::new())), "revoke first");
    let t = topic_id(&mut client, "t").await;
    let a = heartbeat(&mut client, beat("a", 3, &Owned::new())).await;
    assert_eq!((a.member_epoch, assigned(&a)), (4, Some(partitions(t, 0..1))));
}

#[tokio::test]
async fn a_regex_subscribes_to_every_topic_whose_whole_name_it_matches() {
    let cluster = FakeCluster::builder()
        .topic("orders-eu", 1)
        .topic("orders-us", 1)
        .topic("my-orders-eu", 1)
        .start()
        .await
        .unwrap();
    let mut client = Client::connect(cluster.addresses()[0]).await;
    let (eu, us) = (topic_id(&mut client, "orders-eu").await, topic_id(&mut client, "orders-us").await);
    let regex = |r: &str| ConsumerGroupHeartbeatRequest {
        subscribed_topic_names: None,
        subscribed_topic_regex: Some(r.to_owned().into()),
        ..join("a", &[], None)
    };
    let refused = heartbeat(&mut client, regex("orders-(")).await;
    assert_eq!(refused.error_code, ErrorCode::InvalidRegularExpression.code());
    let a = heartbeat(&mut client, regex("orders-.*")).await;
    ok(&a);
    let mut both = partitions(eu, 0..1);
    both.extend(partitions(us, 0..1));
    assert_eq!(assigned(&a), Some(both.clone()), "not my-orders-eu: the whole name must match");
    cluster.create_topic("orders-asia", 1).unwrap();
    let asia = topic_id(&mut client, "orders-asia").await;
    let a = heartbeat(&mut client, beat("a", 1, &both)).await;
    both.extend(partitions(asia, 0..1));
    assert_eq!((a.member_epoch, assigned(&a)), (2, Some(both)), "a new topic the regex matches");
    let group = describe(&mut client).await;
    assert_eq!(group.members[0].subscribed_topic_regex.as_deref(), Some("orders-.*"));
}

fn commit(member: &str, epoch: i32, offset: i64) -> OffsetCommitRequest {
    OffsetCommitRequest {
        group_id: "g".into(),
        generation_id_or_member_epoch: epoch,
        member_id: member.to_owned().into(),
        topics: vec![offset_commit_request::OffsetCommitRequestTopic {
            name: "t".into(),
            partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                partition_index: 0,
                committed_offset: offset,
                committed_leader_epoch: -1,
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

async fn commit_error(client: &mut Client, request: OffsetCommitRequest, version: i16) -> i16 {
    let Response::OffsetCommit(r) = client.send(request, version).await.body else { panic!() };
    r.topics[0].partitions[0].error_code
}

async fn fetch_error(client: &mut Client, member: Option<&str>, epoch: i32) -> i16 {
    let request = OffsetFetchRequest {
        groups: vec![offset_fetch_request::OffsetFetchRequestGroup {
            group_id: "g".into(),
            member_id: member.map(|m| m.to_owned().into()),
            member_epoch: epoch,
            topics: None,
            ..Default::default()
        }],
        ..Default::default()
    };
    let Response::OffsetFetch(r) = client.send(request, 9).await.body else { panic!() };
    r.groups[0].error_code
}

#[tokio::test]
async fn offsets_are_committed_and_fetched_at_the_member_epoch() {
    let (cluster, mut client, _) = cluster(1).await;
    heartbeat(&mut client, join("a", &["t"], None)).await;
    assert_eq!(commit_error(&mut client, commit("a", 1, 5), 9).await, 0);
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(5));
    assert_eq!(commit_error(&mut client, commit("a", 2, 6), 9).await, ErrorCode::StaleMemberEpoch.code());
    assert_eq!(commit_error(&mut client, commit("x", 1, 6), 9).await, ErrorCode::UnknownMemberId.code());
    assert_eq!(commit_error(&mut client, commit("a", 1, 6), 8).await, ErrorCode::UnsupportedVersion.code());
    assert_eq!(commit_error(&mut client, commit("", -1, 6), 9).await, ErrorCode::UnknownMemberId.code());
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(5));
    assert_eq!(fetch_error(&mut client, Some("a"), 1).await, 0);
    assert_eq!(fetch_error(&mut client, Some("a"), 0).await, ErrorCode::StaleMemberEpoch.code());
    assert_eq!(fetch_error(&mut client, Some("x"), 1).await, ErrorCode::UnknownMemberId.code());
    assert_eq!(fetch_error(&mut client, None, -1).await, 0, "an admin");
    // Once empty, anyone commits with epoch -1.
    heartbeat(&mut client, leave("a", -1)).await;
    assert_eq!(commit_error(&mut client, commit("", -1, 7), 9).await, 0);
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(7));
}

#[tokio::test]
async fn classic_and_consumer_groups_do_not_mix() {
    let (_cluster, mut client, _) = cluster(1).await;
    heartbeat(&mut client, join("a", &["t"], None)).await;
    let classic = JoinGroupRequest {
        group_id: "g".into(),
        session_timeout_ms: 10_000,
        rebalance_timeout_ms: 10_000,
        protocol_type: "consumer".into(),
        protocols: vec![join_group_request::JoinGroupRequestProtocol { name: "range".into(), ..Default::default() }],
        ..Default::default()
    };
    let Response::JoinGroup(joined) = client.send(classic.clone(), 9).await.body else { panic!() };
    assert_eq!(joined.error_code, ErrorCode::InconsistentGroupProtocol.code());
    let request = DescribeGroupsRequest { groups: vec!["g".into()], ..Default::default() };
    let Response::DescribeGroups(d) = client.send(request, 6).await.body else { panic!() };
    assert_eq!((d.groups[0].error_code, d.groups[0].group_state.as_str()), (ErrorCode::GroupIdNotFound.code(), "Dead"));
    assert_eq!(d.groups[0].error_message.as_deref(), Some("Group g is not a classic group."));
    let list = |types: &[&str]| ListGroupsRequest {
        types_filter: types.iter().map(|t| (*t).to_owned().into()).collect(),
        ..Default::default()
    };
    let Response::ListGroups(l) = client.send(list(&["consumer"]), 5).await.body else { panic!() };
    assert_eq!(l.groups.len(), 1);
    assert_eq!((l.groups[0].group_type.as_str(), l.groups[0].group_state.as_str()), ("consumer", "Stable"));
    let Response::ListGroups(l) = client.send(list(&["classic"]), 5).await.body else { panic!() };
    assert!(l.groups.is_empty());
    // A classic group with members is not a consumer group...
    let classic_h = JoinGroupRequest { group_id: "h".into(), ..classic.clone() };
    let Response::JoinGroup(joined) = client.send(classic_h, 3).await.body else { panic!() };
    assert_eq!(joined.error_code, 0);
    let to_classic =
        heartbeat(&mut client, ConsumerGroupHeartbeatRequest { group_id: "h".into(), ..join("b", &["t"], None) }).await;
    assert_eq!(to_classic.error_code, ErrorCode::GroupIdNotFound.code());
    assert_eq!(to_classic.error_message.as_deref(), Some("Group h is not a consumer group."));
    let d = ConsumerGroupDescribeRequest { group_ids: vec!["h".into(), "none".into()], ..Default::default() };
    let Response::ConsumerGroupDescribe(d) = client.send(d, 0).await.body else { panic!() };
    assert_eq!(d.groups[0].error_message.as_deref(), Some("Group h is not a consumer group."));
    assert_eq!(d.groups[1].error_message.as_deref(), Some("Group none not found."));
    // ...but an empty consumer group becomes a classic one, its offsets kept.
    heartbeat(&mut client, leave("a", -1)).await;
    let Response::JoinGroup(joined) = client.send(classic, 3).await.body else { panic!() };
    assert_eq!(joined.error_code, 0, "converted");
}

#[tokio::test]
async fn only_releases_with_the_protocol_serve_it() {
    let mut seen = BTreeSet::new();
    for release in [KafkaRelease::V3_6_0, KafkaRelease::V3_9_1, KafkaRelease::V4_0_0] {
        let served = !ApiKey::ConsumerGroupHeartbeat.versions_in(release).is_empty();
        seen.insert(served);
        let cluster = FakeCluster::builder().release(release).topic("t", 1).start().await.unwrap();
        let mut client = Client::connect(cluster.addresses()[0]).await;
        if served {
            ok(&heartbeat_at(&mut client, join("", &["t"], None), 0).await);
        } else {
            client.send_refused(join("", &["t"], None), 0).await;
        }
    }
    assert_eq!(seen.len(), 2, "releases with and without it");
}

#[tokio::test]
async fn an_empty_classic_group_becomes_a_consumer_group_with_its_offsets() {
    let (cluster, mut client, _) = cluster(1).await;
    // An admin's commit makes an offsets-only (classic, empty) group.
    assert_eq!(commit_error(&mut client, commit("", -1, 3), 9).await, 0);
    assert_eq!(cluster.group("g").unwrap().group_type, "classic");
    let joined = heartbeat(&mut client, join("a", &["t"], None)).await;
    ok(&joined);
    assert_eq!(cluster.group("g").unwrap().group_type, "consumer");
    assert_eq!(cluster.committed_offset("g", "t", 0), Some(3), "the offsets stay");
}

#[tokio::test]
async fn a_consumer_group_keeps_what_its_members_subscribe_to() {
    let (cluster, mut client, _) = cluster(1).await;
    heartbeat(&mut client, join("a", &["t"], None)).await;
    assert_eq!(commit_error(&mut client, commit("a", 1, 3), 9).await, 0);
    let delete_offsets = OffsetDeleteRequest {
        group_id: "g".into(),
        topics: vec![offset_delete_request::OffsetDeleteRequestTopic {
            name: "t".into(),
            partitions: vec![offset_delete_request::OffsetDeleteRequestPartition { partition_index: 0 }],
        }],
    };
    let Response::OffsetDelete(d) = client.send(delete_offsets.clone(), 0).await.body else { panic!() };
    assert_eq!(d.topics[0].partitions[0].error_code, ErrorCode::GroupSubscribedToTopic.code());
    let delete_group = DeleteGroupsRequest { groups_names: vec!["g".into()], ..Default::default() };
    let Response::DeleteGroups(d) = client.send(delete_group.clone(), 2).await.body else { panic!() };
    assert_eq!(d.results[0].error_code, ErrorCode::NonEmptyGroup.code());
    heartbeat(&mut client, leave("a", -1)).await;
    assert_eq!(cluster.group("g").unwrap().state, "Empty");
    let Response::OffsetDelete(d) = client.send(delete_offsets, 0).await.body else { panic!() };
    assert_eq!(d.topics[0].partitions[0].error_code, 0);
    let Response::DeleteGroups(d) = client.send(delete_group, 2).await.body else { panic!() };
    assert_eq!(d.results[0].error_code, 0);
    assert!(cluster.group("g").is_none());
}
