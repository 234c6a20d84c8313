//! The group coordinator through kafka-wire's own client codec: the
//! classic consumer group protocol, committed offsets, the group admin
//! apis, in every version.

use bytes::{BufMut, Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use kafka_wire::connection::ClientConnection;
use kafka_wire::messages::*;
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, ErrorCode, Request, Response};
use kafka_wire_fake::FakeCluster;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

struct Client {
    conn: Framed<TcpStream, ClientCodec>,
}

impl Client {
    async fn connect(address: impl tokio::net::ToSocketAddrs, client_id: &str) -> Client {
        let stream = TcpStream::connect(address).await.expect("connect");
        let codec = ClientCodec::from_connection(ClientConnection::new().with_client_id(client_id));
        Client { conn: Framed::new(stream, codec) }
    }

    async fn send(&mut self, request: impl Into<Request>, version: i16) -> Response {
        let frame = self.conn.codec_mut().connection().frame(request, version);
        self.conn.send(frame).await.expect("send");
        let response = self.conn.next().await.expect("a response").expect("a valid response");
        assert_eq!(response.version, version, "a v{version} request gets a v{version} answer");
        response.body
    }

    async fn join(&mut self, request: JoinGroupRequest, version: i16) -> JoinGroupResponse {
        let Response::JoinGroup(r) = self.send(request, version).await else { panic!("not a JoinGroup response") };
        r
    }

    /// Joins at `version`, answering MEMBER_ID_REQUIRED with the id given.
    async fn join_fully(&mut self, mut request: JoinGroupRequest, version: i16) -> JoinGroupResponse {
        let first = self.join(request.clone(), version).await;
        if first.error_code != ErrorCode::MemberIdRequired.code() {
            return first;
        }
        request.member_id = first.member_id;
        self.join(request, version).await
    }

    async fn sync(&mut self, request: SyncGroupRequest, version: i16) -> SyncGroupResponse {
        let Response::SyncGroup(r) = self.send(request, version).await else { panic!("not a SyncGroup response") };
        r
    }

    async fn heartbeat(&mut self, group: &str, generation: i32, member: &str, version: i16) -> i16 {
        let request = HeartbeatRequest {
            group_id: group.into(),
            generation_id: generation,
            member_id: member.into(),
            ..Default::default()
        };
        let Response::Heartbeat(r) = self.send(request, version).await else { panic!() };
        r.error_code
    }

    async fn leave(&mut self, group: &str, member: &str, version: i16) -> i16 {
        let request = if version >= 3 {
            LeaveGroupRequest {
                group_id: group.into(),
                members: vec![leave_group_request::MemberIdentity { member_id: member.into(), ..Default::default() }],
                ..Default::default()
            }
        } else {
            LeaveGroupRequest { group_id: group.into(), member_id: member.into(), ..Default::default() }
        };
        let Response::LeaveGroup(r) = self.send(request, version).await else { panic!() };
        if version >= 3 && r.error_code == 0 {
            assert_eq!(r.members.len(), 1);
            assert_eq!(r.members[0].member_id, member);
            r.members[0].error_code
        } else {
            r.error_code
        }
    }

    async fn describe(&mut self, group: &str, version: i16) -> describe_groups_response::DescribedGroup {
        let request = DescribeGroupsRequest { groups: vec![group.into()], ..Default::default() };
        let Response::DescribeGroups(mut r) = self.send(request, version).await else { panic!() };
        r.groups.remove(0)
    }
}

/// A consumer protocol subscription (v0): the topics, no user data.
fn subscription(topics: &[&str]) -> Bytes {
    let mut out = BytesMut::new();
    out.put_i16(0);
    out.put_i32(topics.len() as i32);
    for topic in topics {
        out.put_i16(topic.len() as i16);
        out.put_slice(topic.as_bytes());
    }
    out.put_i32(-1);
    out.freeze()
}

fn join_request(group: &str, member: &str, session_ms: i32, rebalance_ms: i32, topics: &[&str]) -> JoinGroupRequest {
    JoinGroupRequest {
        group_id: group.into(),
        session_timeout_ms: session_ms,
        rebalance_timeout_ms: rebalance_ms,
        member_id: member.into(),
        protocol_type: "consumer".into(),
        protocols: vec![join_group_request::JoinGroupRequestProtocol {
            name: "range".into(),
            metadata: subscription(topics),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn sync_request(group: &str, generation: i32, member: &str, assignments: &[(&str, &str)]) -> SyncGroupRequest {
    SyncGroupRequest {
        group_id: group.into(),
        generation_id: generation,
        member_id: member.into(),
        assignments: assignments
            .iter()
            .map(|(m, a)| sync_group_request::SyncGroupRequestAssignment {
                member_id: (*m).into(),
                assignment: Bytes::copy_from_slice(a.as_bytes()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn commit_request(
    group: &str,
    generation: i32,
    member: &str,
    topic: &str,
    partition: i32,
    offset: i64,
) -> OffsetCommitRequest {
    OffsetCommitRequest {
        group_id: group.into(),
        generation_id_or_member_epoch: generation,
        member_id: member.into(),
        topics: vec![offset_commit_request::OffsetCommitRequestTopic {
            name: topic.into(),
            partitions: vec![offset_commit_request::OffsetCommitRequestPartition {
                partition_index: partition,
                committed_offset: offset,
                committed_metadata: Some("meta".into()),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    }
}

async fn commit(client: &mut Client, request: OffsetCommitRequest, version: i16) -> i16 {
    let Response::OffsetCommit(r) = client.send(request, version).await else { panic!() };
    r.topics[0].partitions[0].error_code
}

/// OffsetFetch v0-7 for one partition: (offset, metadata, error).
async fn fetch_offset(
    client: &mut Client,
    group: &str,
    topic: &str,
    partition: i32,
    version: i16,
) -> (i64, String, i16) {
    let request = OffsetFetchRequest {
        group_id: group.into(),
        topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopic {
            name: topic.into(),
            partition_indexes: vec![partition].into(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let Response::OffsetFetch(r) = client.send(request, version).await else { panic!() };
    let p = &r.topics[0].partitions[0];
    (p.committed_offset, p.metadata.as_deref().unwrap_or("<null>").to_owned(), p.error_code)
}

const NONE: i16 = 0;

fn code(e: ErrorCode) -> i16 {
    e.code()
}

#[tokio::test]
async fn two_members_join_sync_heartbeat_and_leave() {
    let cluster = FakeCluster::builder().topic("t", 2).start().await.unwrap();
    let address = cluster.addresses()[0];
    let mut a = Client::connect(address, "app-a").await;
    let mut b = Client::connect(address, "app-b").await;

    // v9: the first join is refused with a member id to use.
    let first = a.join(join_request("g", "", 10_000, 5_000, &["t"]), 9).await;
    assert_eq!(first.error_code, code(ErrorCode::MemberIdRequired));
    assert!(first.member_id.starts_with("app-a-"), "{}", first.member_id);
    let a_id = first.member_id.to_string();
    let joined = a.join(join_request("g", &a_id, 10_000, 5_000, &["t"]), 9).await;
    assert_eq!((joined.error_code, joined.generation_id), (NONE, 1));
    assert_eq!(joined.leader, a_id.as_str());
    assert_eq!(joined.protocol_type.as_deref(), Some("consumer"));
    assert_eq!(joined.protocol_name.as_deref(), Some("range"));
    assert_eq!(joined.members.len(), 1);
    assert_eq!(joined.members[0].metadata, subscription(&["t"]));
    assert_eq!(cluster.group("g").unwrap().state, "CompletingRebalance");
    let synced = a.sync(sync_request("g", 1, &a_id, &[(&a_id, "A1")]), 5).await;
    assert_eq!((synced.error_code, &synced.assignment[..]), (NONE, &b"A1"[..]));
    assert_eq!(synced.protocol_name.as_deref(), Some("range"));
    assert_eq!(cluster.group("g").unwrap().state, "Stable");
    assert_eq!(a.heartbeat("g", 1, &a_id, 4).await, NONE);
    assert_eq!(a.heartbeat("g", 0, &a_id, 4).await, code(ErrorCode::IllegalGeneration));
    assert_eq!(a.heartbeat("g", 1, "nobody", 4).await, code(ErrorCode::UnknownMemberId));

    // B joins: A learns of the rebalance by its heartbeat and rejoins.
    let b_join = tokio::spawn(async move {
        let r = b.join_fully(join_request("g", "", 10_000, 5_000, &["t"]), 9).await;
        (b, r)
    });
    let mut waited = 0;
    while a.heartbeat("g", 1, &a_id, 4).await != code(ErrorCode::RebalanceInProgress) {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
        assert!(waited < 200, "no rebalance");
    }
    assert_eq!(cluster.group("g").unwrap().state, "PreparingRebalance");
    let a_sync = a.sync(sync_request("g", 1, &a_id, &[]), 5).await;
    assert_eq!(a_sync.error_code, code(ErrorCode::RebalanceInProgress));
    let a_joined = a.join(join_request("g", &a_id, 10_000, 5_000, &["t"]), 9).await;
    let (mut b, b_joined) = b_join.await.unwrap();
    let b_id = b_joined.member_id.to_string();
    assert_eq!((a_joined.error_code, a_joined.generation_id), (NONE, 2));
    assert_eq!((b_joined.error_code, b_joined.generation_id), (NONE, 2));
    assert_eq!(a_joined.leader, a_id.as_str());
    assert_eq!(b_joined.leader, a_id.as_str());
    assert_eq!(a_joined.members.len(), 2, "the leader gets every member");
    assert!(b_joined.members.is_empty(), "a follower gets none");

    // The follower waits for the leader's assignments.
    let b_sync = tokio::spawn(async move {
        let r = b.sync(sync_request("g", 2, &b_id, &[]), 5).await;
        (b, r)
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!b_sync.is_finished(), "the follower's sync waits for the leader");
    let b_id = b_joined.member_id.to_string();
    let a_sync = a.sync(sync_request("g", 2, &a_id, &[(&a_id, "A2"), (&b_id, "B2")]), 5).await;
    assert_eq!((a_sync.error_code, &a_sync.assignment[..]), (NONE, &b"A2"[..]));
    let (mut b, b_synced) = b_sync.await.unwrap();
    assert_eq!((b_synced.error_code, &b_synced.assignment[..]), (NONE, &b"B2"[..]));

    let described = a.describe("g", 5).await;
    assert_eq!(described.error_code, NONE);
    assert_eq!(described.group_state, "Stable");
    assert_eq!(described.protocol_type, "consumer");
    assert_eq!(described.protocol_data, "range");
    assert_eq!(described.members.len(), 2);
    let described_b = described.members.iter().find(|m| m.member_id == b_id.as_str()).unwrap();
    assert_eq!(described_b.client_id, "app-b");
    assert_eq!(described_b.client_host, "/127.0.0.1");
    assert_eq!(described_b.member_assignment, Bytes::from_static(b"B2"));
    assert_eq!(described_b.member_metadata, subscription(&["t"]));

    // A known follower rejoining with the same metadata gets the current
    // generation without a rebalance.
    let again = b.join(join_request("g", &b_id, 10_000, 5_000, &["t"]), 9).await;
    assert_eq!((again.error_code, again.generation_id), (NONE, 2));
    assert_eq!(cluster.group("g").unwrap().state, "Stable");

    // B leaves: A rebalances alone.
    assert_eq!(b.leave("g", &b_id, 5).await, NONE);
    assert_eq!(b.leave("g", &b_id, 5).await, code(ErrorCode::UnknownMemberId));
    assert_eq!(a.heartbeat("g", 2, &a_id, 4).await, code(ErrorCode::RebalanceInProgress));
    let alone = a.join(join_request("g", &a_id, 10_000, 5_000, &["t"]), 9).await;
    assert_eq!((alone.error_code, alone.generation_id, alone.members.len()), (NONE, 3, 1));
    assert_eq!(a.leave("g", &a_id, 0).await, NONE);
    let summary = cluster.group("g").unwrap();
    assert_eq!((summary.state.as_str(), summary.generation, summary.members.len()), ("Empty", 4, 0));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn three_members_join_one_generation_after_the_initial_delay() {
    let cluster =
        FakeCluster::builder().topic("t", 3).initial_rebalance_delay(Duration::from_millis(300)).start().await.unwrap();
    let address = cluster.addresses()[0];
    let mut tasks = Vec::new();
    for i in 0..3 {
        tasks.push(tokio::spawn(async move {
            let mut c = Client::connect(address, &format!("c{i}")).await;
            let r = c.join_fully(join_request("g3", "", 10_000, 5_000, &["t"]), 7).await;
            (c, r)
        }));
    }
    let mut joined = Vec::new();
    for task in tasks {
        joined.push(task.await.unwrap());
    }
    assert!(joined.iter().all(|(_, r)| r.error_code == NONE && r.generation_id == 1), "one generation for all");
    let leader = joined[0].1.leader.to_string();
    assert!(joined.iter().all(|(_, r)| r.leader == leader.as_str()));
    let with_members: Vec<usize> = joined.iter().map(|(_, r)| r.members.len()).collect();
    assert_eq!(with_members.iter().filter(|n| **n == 3).count(), 1, "{with_members:?}");
    assert_eq!(with_members.iter().sum::<usize>(), 3);
    // Everyone syncs; the leader's assignments reach all of them.
    let ids: Vec<String> = joined.iter().map(|(_, r)| r.member_id.to_string()).collect();
    let assignments: Vec<(String, String)> = ids.iter().map(|id| (id.clone(), format!("for {id}"))).collect();
    let mut syncs = Vec::new();
    for (mut c, r) in joined {
        let id = r.member_id.to_string();
        let is_leader = id == leader;
        let assignments = assignments.clone();
        syncs.push(tokio::spawn(async move {
            if is_leader {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let a: Vec<(&str, &str)> = if is_leader {
                assignments.iter().map(|(m, a)| (m.as_str(), a.as_str())).collect()
            } else {
                Vec::new()
            };
            let s = c.sync(sync_request("g3", 1, &id, &a), 3).await;
            (id, s)
        }));
    }
    for task in syncs {
        let (id, s) = task.await.unwrap();
        assert_eq!(s.error_code, NONE);
        assert_eq!(s.assignment, Bytes::from(format!("for {id}")));
    }
    let summary = cluster.group("g3").unwrap();
    assert_eq!((summary.state.as_str(), summary.generation, summary.members.len()), ("Stable", 1, 3));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn an_expired_session_and_a_member_that_does_not_rejoin_are_removed() {
    let cluster = FakeCluster::builder()
        .topic("t", 1)
        .group_min_session_timeout(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let address = cluster.addresses()[0];
    let mut a = Client::connect(address, "a").await;
    let mut b = Client::connect(address, "b").await;
    let a_id = a.join_fully(join_request("s", "", 5_000, 400, &["t"]), 5).await.member_id.to_string();
    assert_eq!(a.sync(sync_request("s", 1, &a_id, &[]), 3).await.error_code, NONE);
    // B has a short session, A a long one.
    let b_join = tokio::spawn(async move { b.join_fully(join_request("s", "", 300, 400, &["t"]), 5).await });
    while a.heartbeat("s", 1, &a_id, 3).await != code(ErrorCode::RebalanceInProgress) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.join(join_request("s", &a_id, 5_000, 400, &["t"]), 5).await;
    let b_id = b_join.await.unwrap().member_id.to_string();
    assert_eq!(cluster.group("s").unwrap().generation, 2);
    // B goes silent; A syncs and keeps heartbeating until B's session ends.
    let a_sync = a.sync(sync_request("s", 2, &a_id, &[]), 3).await;
    assert_eq!(a_sync.error_code, NONE);
    let start = tokio::time::Instant::now();
    let mut saw_rebalance = false;
    while start.elapsed() < Duration::from_secs(5) {
        if a.heartbeat("s", 2, &a_id, 3).await == code(ErrorCode::RebalanceInProgress) {
            saw_rebalance = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(saw_rebalance, "B's session expired");
    assert!(start.elapsed() >= Duration::from_millis(200), "not before B's session timeout");
    assert!(!cluster.group("s").unwrap().members.contains(&b_id));
    let alone = a.join(join_request("s", &a_id, 5_000, 400, &["t"]), 5).await;
    assert_eq!((alone.error_code, alone.generation_id, alone.members.len()), (NONE, 3, 1));
    assert_eq!(a.sync(sync_request("s", 3, &a_id, &[]), 3).await.error_code, NONE);

    // C joins; A does not rejoin: after the rebalance timeout (400 ms)
    // the rebalance completes with C alone.
    let mut c = Client::connect(address, "c").await;
    let start = tokio::time::Instant::now();
    let c_joined = c.join_fully(join_request("s", "", 5_000, 400, &["t"]), 5).await;
    assert!(start.elapsed() >= Duration::from_millis(300), "waited for A: {:?}", start.elapsed());
    assert_eq!((c_joined.error_code, c_joined.generation_id, c_joined.members.len()), (NONE, 4, 1));
    assert_eq!(c_joined.leader, c_joined.member_id);
    assert_eq!(a.heartbeat("s", 3, &a_id, 3).await, code(ErrorCode::UnknownMemberId));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn a_static_member_rejoining_fences_its_old_member_id() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let address = cluster.addresses()[0];
    let mut old = Client::connect(address, "old").await;
    let mut request = join_request("st", "", 10_000, 5_000, &["t"]);
    request.group_instance_id = Some("instance-1".into());
    // Static members get their id at once, even at v4+.
    let joined = old.join(request.clone(), 9).await;
    assert_eq!((joined.error_code, joined.generation_id), (NONE, 1));
    let old_id = joined.member_id.to_string();
    assert!(old_id.starts_with("instance-1-"), "{old_id}");
    let mut sync = sync_request("st", 1, &old_id, &[(&old_id, "mine")]);
    sync.group_instance_id = Some("instance-1".into());
    assert_eq!(old.sync(sync.clone(), 5).await.error_code, NONE);
    assert_eq!(cluster.group("st").unwrap().instance_ids.get(&old_id).map(String::as_str), Some("instance-1"));

    // The same instance restarts: a new member id, the same generation,
    // no rebalance; the leader is told to skip the assignment (v9).
    let mut new = Client::connect(address, "new").await;
    let rejoined = new.join(request.clone(), 9).await;
    assert_eq!((rejoined.error_code, rejoined.generation_id), (NONE, 1));
    let new_id = rejoined.member_id.to_string();
    assert_ne!(new_id, old_id);
    assert_eq!(rejoined.leader, new_id.as_str());
    assert!(rejoined.skip_assignment);
    assert_eq!(cluster.group("st").unwrap().state, "Stable");
    let mut new_sync = sync_request("st", 1, &new_id, &[]);
    new_sync.group_instance_id = Some("instance-1".into());
    let synced = new.sync(new_sync, 5).await;
    assert_eq!((synced.error_code, &synced.assignment[..]), (NONE, &b"mine"[..]));

    // The old id is fenced everywhere.
    let heartbeat = HeartbeatRequest {
        group_id: "st".into(),
        generation_id: 1,
        member_id: old_id.as_str().into(),
        group_instance_id: Some("instance-1".into()),
        ..Default::default()
    };
    let Response::Heartbeat(h) = old.send(heartbeat, 4).await else { panic!() };
    assert_eq!(h.error_code, code(ErrorCode::FencedInstanceId));
    assert_eq!(old.sync(sync, 5).await.error_code, code(ErrorCode::FencedInstanceId));
    let mut stale = request.clone();
    stale.member_id = old_id.as_str().into();
    assert_eq!(old.join(stale, 9).await.error_code, code(ErrorCode::FencedInstanceId));
    // Before v9 the leader cannot skip the assignment: it gets no members.
    let rejoined = Client::connect(address, "third").await.join(request, 8).await;
    assert_eq!((rejoined.error_code, rejoined.members.len()), (NONE, 0));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn member_id_required_from_v4_only() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0], "cid").await;
    for version in ApiKey::JoinGroup.valid_versions().iter() {
        let group = format!("mir-{version}");
        let r = client.join(join_request(&group, "", 10_000, 5_000, &["t"]), version).await;
        assert!(r.member_id.starts_with("cid-"), "v{version}: {}", r.member_id);
        if version >= 4 {
            assert_eq!(r.error_code, code(ErrorCode::MemberIdRequired), "v{version}");
            assert_eq!(r.generation_id, -1);
            let summary = cluster.group(&group).expect("the group exists");
            assert_eq!((summary.state.as_str(), summary.members.len()), ("Empty", 0), "v{version}: no member yet");
        } else {
            assert_eq!((r.error_code, r.generation_id), (NONE, 1), "v{version}");
        }
    }
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn every_version_of_the_group_protocol_round_trips() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0], "v").await;
    let mut cycles = 0;
    for join_v in ApiKey::JoinGroup.valid_versions().iter() {
        for sync_v in ApiKey::SyncGroup.valid_versions().iter() {
            let heartbeat_v = sync_v.min(ApiKey::Heartbeat.valid_versions().max);
            let leave_v = sync_v.min(ApiKey::LeaveGroup.valid_versions().max);
            let group = format!("v{join_v}-{sync_v}");
            let joined = client.join_fully(join_request(&group, "", 10_000, 5_000, &["t"]), join_v).await;
            assert_eq!((joined.error_code, joined.generation_id), (NONE, 1), "JoinGroup v{join_v}");
            assert_eq!(joined.protocol_name.as_deref(), Some("range"), "JoinGroup v{join_v}");
            let id = joined.member_id.to_string();
            let synced = client.sync(sync_request(&group, 1, &id, &[(&id, "x")]), sync_v).await;
            assert_eq!((synced.error_code, &synced.assignment[..]), (NONE, &b"x"[..]), "SyncGroup v{sync_v}");
            assert_eq!(client.heartbeat(&group, 1, &id, heartbeat_v).await, NONE, "Heartbeat v{heartbeat_v}");
            assert_eq!(client.leave(&group, &id, leave_v).await, NONE, "LeaveGroup v{leave_v}");
            assert_eq!(cluster.group(&group).unwrap().state, "Empty");
            cycles += 1;
        }
    }
    assert_eq!(cycles, 10 * 6);
    // Every version of the errors too (v0-6 protocol name "" for none, v7+ null).
    for version in ApiKey::JoinGroup.valid_versions().iter() {
        let r = client.join(join_request("", "", 10_000, 5_000, &["t"]), version).await;
        assert_eq!(r.error_code, code(ErrorCode::InvalidGroupId), "v{version}");
        assert_eq!(r.protocol_name.as_deref(), if version >= 7 { None } else { Some("") }, "v{version}");
    }
    for version in ApiKey::LeaveGroup.valid_versions().iter() {
        assert_eq!(client.leave("nope", "m", version).await, code(ErrorCode::UnknownMemberId), "v{version}");
    }
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn join_errors() {
    let cluster = FakeCluster::builder().brokers(3).topic("t", 1).start().await.unwrap();
    let request = FindCoordinatorRequest { key: "errs".into(), ..Default::default() };
    let mut any = Client::connect(cluster.addresses()[0], "e").await;
    let Response::FindCoordinator(found) = any.send(request, 3).await else { panic!() };
    let coordinator = found.node_id as usize;
    let mut other = Client::connect(cluster.addresses()[(coordinator + 1) % 3], "e").await;
    let mut client = Client::connect(cluster.addresses()[coordinator], "e").await;

    let r = other.join(join_request("errs", "", 10_000, 5_000, &["t"]), 9).await;
    assert_eq!(r.error_code, code(ErrorCode::NotCoordinator));
    assert_eq!(other.heartbeat("errs", 1, "m", 4).await, code(ErrorCode::NotCoordinator));
    let r = other.sync(sync_request("errs", 1, "m", &[]), 5).await;
    assert_eq!(r.error_code, code(ErrorCode::NotCoordinator));
    assert_eq!(other.leave("errs", "m", 5).await, code(ErrorCode::NotCoordinator));
    assert_eq!(commit(&mut other, commit_request("errs", -1, "", "t", 0, 1), 8).await, code(ErrorCode::NotCoordinator));
    assert_eq!(other.describe("errs", 5).await.error_code, code(ErrorCode::NotCoordinator));

    for (session, expected) in
        [(5_999, ErrorCode::InvalidSessionTimeout), (1_800_001, ErrorCode::InvalidSessionTimeout)]
    {
        let r = client.join(join_request("errs", "", session, 5_000, &["t"]), 9).await;
        assert_eq!(r.error_code, code(expected), "session {session}");
    }
    let r = client.join(join_request("errs", "someone", 10_000, 5_000, &["t"]), 9).await;
    assert_eq!(r.error_code, code(ErrorCode::UnknownMemberId), "a member id for a group that does not exist");
    let mut no_type = join_request("errs", "", 10_000, 5_000, &["t"]);
    no_type.protocol_type = "".into();
    assert_eq!(client.join(no_type, 3).await.error_code, code(ErrorCode::InconsistentGroupProtocol));
    assert!(cluster.group("errs").is_none(), "failed joins leave no group behind");

    let joined = client.join_fully(join_request("errs", "", 10_000, 5_000, &["t"]), 9).await;
    let id = joined.member_id.to_string();
    let mut other_type = join_request("errs", "", 10_000, 5_000, &["t"]);
    other_type.protocol_type = "connect".into();
    assert_eq!(client.join(other_type, 3).await.error_code, code(ErrorCode::InconsistentGroupProtocol));
    let mut other_protocol = join_request("errs", "", 10_000, 5_000, &["t"]);
    other_protocol.protocols[0].name = "roundrobin".into();
    assert_eq!(client.join(other_protocol, 3).await.error_code, code(ErrorCode::InconsistentGroupProtocol));
    assert_eq!(client.sync(sync_request("errs", 2, &id, &[]), 5).await.error_code, code(ErrorCode::IllegalGeneration));
    assert_eq!(client.sync(sync_request("errs", 1, "x", &[]), 5).await.error_code, code(ErrorCode::UnknownMemberId));
    let mut wrong = sync_request("errs", 1, &id, &[]);
    wrong.protocol_name = Some("roundrobin".into());
    assert_eq!(client.sync(wrong, 5).await.error_code, code(ErrorCode::InconsistentGroupProtocol));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn commits_read_back_in_every_version() {
    let cluster = FakeCluster::builder().topic("t", 2).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0], "o").await;
    let Response::Metadata(metadata) = client.send(MetadataRequest { topics: None, ..Default::default() }, 12).await
    else {
        panic!()
    };
    let topic_id = metadata.topics[0].topic_id;
    for version in ApiKey::OffsetCommit.valid_versions().iter() {
        let group = format!("simple-{version}");
        let offset = 100 + version as i64;
        let mut request = commit_request(&group, -1, "", "t", 1, offset);
        if version >= 10 {
            request.topics[0].topic_id = topic_id;
            request.topics[0].name = "".into();
        }
        if version == 1 {
            request.topics[0].partitions[0].commit_timestamp = 1_700_000_000_000;
        }
        if (2..=4).contains(&version) {
            request.retention_time_ms = 60_000;
        }
        assert_eq!(commit(&mut client, request, version).await, NONE, "OffsetCommit v{version}");
        assert_eq!(cluster.committed_offset(&group, "t", 1), Some(offset), "OffsetCommit v{version}");
        assert_eq!(cluster.group(&group).unwrap().state, "Empty");
    }
    for version in ApiKey::OffsetFetch.valid_versions().iter() {
        let group = "simple-8";
        if version < 8 {
            assert_eq!(
                fetch_offset(&mut client, group, "t", 1, version).await,
                (108, "meta".into(), NONE),
                "v{version}"
            );
            assert_eq!(fetch_offset(&mut client, group, "t", 0, version).await, (-1, "".into(), NONE), "v{version}");
            assert_eq!(fetch_offset(&mut client, "nobody", "t", 0, version).await, (-1, "".into(), NONE), "v{version}");
            if version >= 2 {
                // Null topics: everything the group committed.
                let request = OffsetFetchRequest { group_id: group.into(), topics: None, ..Default::default() };
                let Response::OffsetFetch(r) = client.send(request, version).await else { panic!() };
                assert_eq!(r.topics.len(), 1);
                assert_eq!(r.topics[0].partitions.len(), 1);
                assert_eq!(r.topics[0].partitions[0].committed_offset, 108);
            }
            continue;
        }
        // Batched: two groups, one with all topics, one with a partition.
        let request = OffsetFetchRequest {
            groups: vec![
                offset_fetch_request::OffsetFetchRequestGroup {
                    group_id: "simple-9".into(),
                    topics: None,
                    ..Default::default()
                },
                offset_fetch_request::OffsetFetchRequestGroup {
                    group_id: "simple-3".into(),
                    topics: Some(vec![offset_fetch_request::OffsetFetchRequestTopics {
                        name: if version >= 10 { "".into() } else { "t".into() },
                        topic_id: if version >= 10 { topic_id } else { uuid::Uuid::nil() },
                        partition_indexes: vec![0, 1].into(),
                        ..Default::default()
                    }]),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let Response::OffsetFetch(r) = client.send(request, version).await else { panic!() };
        assert_eq!(r.groups.len(), 2, "v{version}");
        assert_eq!(r.groups[0].error_code, NONE);
        assert_eq!(r.groups[0].topics[0].partitions[0].committed_offset, 109, "v{version}");
        if version >= 10 {
            assert_eq!(r.groups[0].topics[0].topic_id, topic_id);
        } else {
            assert_eq!(r.groups[0].topics[0].name, "t");
        }
        let offsets: Vec<i64> = r.groups[1].topics[0].partitions.iter().map(|p| p.committed_offset).collect();
        assert_eq!(offsets, vec![-1, 103], "v{version}");
    }
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn commits_are_checked_against_the_group() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0], "o").await;
    assert_eq!(
        commit(&mut client, commit_request("c", 1, "m", "t", 0, 5), 8).await,
        code(ErrorCode::IllegalGeneration)
    );
    assert_eq!(commit(&mut client, commit_request("c", 1, "m", "t", 0, 5), 9).await, code(ErrorCode::GroupIdNotFound));
    assert_eq!(
        commit(&mut client, commit_request("c", -1, "", "nope", 0, 5), 8).await,
        code(ErrorCode::UnknownTopicOrPartition)
    );
    assert_eq!(
        commit(&mut client, commit_request("c", -1, "", "t", 7, 5), 8).await,
        code(ErrorCode::UnknownTopicOrPartition)
    );
    let mut big = commit_request("c", -1, "", "t", 0, 5);
    big.topics[0].partitions[0].committed_metadata = Some("x".repeat(4097).into());
    assert_eq!(commit(&mut client, big, 8).await, code(ErrorCode::OffsetMetadataTooLarge));
    let mut fits = commit_request("c", -1, "", "t", 0, 5);
    fits.topics[0].partitions[0].committed_metadata = Some("x".repeat(4096).into());
    assert_eq!(commit(&mut client, fits, 8).await, NONE);

    let joined = client.join_fully(join_request("c", "", 10_000, 5_000, &["t"]), 9).await;
    let id = joined.member_id.to_string();
    // Between join and sync: the rebalance is not complete.
    assert_eq!(
        commit(&mut client, commit_request("c", 1, &id, "t", 0, 6), 8).await,
        code(ErrorCode::RebalanceInProgress)
    );
    assert_eq!(client.sync(sync_request("c", 1, &id, &[]), 5).await.error_code, NONE);
    assert_eq!(commit(&mut client, commit_request("c", 1, &id, "t", 0, 7), 8).await, NONE);
    assert_eq!(cluster.committed_offset("c", "t", 0), Some(7));
    assert_eq!(
        commit(&mut client, commit_request("c", 0, &id, "t", 0, 8), 8).await,
        code(ErrorCode::IllegalGeneration)
    );
    assert_eq!(commit(&mut client, commit_request("c", 1, "x", "t", 0, 8), 8).await, code(ErrorCode::UnknownMemberId));
    // A simple commit to a group with members is refused.
    assert_eq!(commit(&mut client, commit_request("c", -1, "", "t", 0, 8), 8).await, code(ErrorCode::UnknownMemberId));
    assert_eq!(commit(&mut client, commit_request("c", -1, "", "t", 0, 8), 0).await, code(ErrorCode::UnknownMemberId));
    assert_eq!(cluster.committed_offset("c", "t", 0), Some(7));
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn offsets_of_a_subscribed_topic_cannot_be_deleted() {
    let cluster = FakeCluster::builder().topic("t", 1).topic("u", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0], "d").await;
    let joined = client.join_fully(join_request("od", "", 10_000, 5_000, &["t"]), 9).await;
    let id = joined.member_id.to_string();
    assert_eq!(client.sync(sync_request("od", 1, &id, &[]), 5).await.error_code, NONE);
    for topic in ["t", "u"] {
        assert_eq!(commit(&mut client, commit_request("od", 1, &id, topic, 0, 3), 8).await, NONE);
    }
    let delete = |topics: &[&str]| OffsetDeleteRequest {
        group_id: "od".into(),
        topics: topics
            .iter()
            .map(|t| offset_delete_request::OffsetDeleteRequestTopic {
                name: (*t).into(),
                partitions: vec![offset_delete_request::OffsetDeleteRequestPartition { partition_index: 0 }],
            })
            .collect(),
    };
    let Response::OffsetDelete(r) = client.send(delete(&["t", "u", "gone"]), 0).await else { panic!() };
    assert_eq!(r.error_code, NONE);
    let errors: Vec<i16> = r.topics.iter().map(|t| t.partitions[0].error_code).collect();
    assert_eq!(errors, vec![code(ErrorCode::GroupSubscribedToTopic), NONE, code(ErrorCode::UnknownTopicOrPartition)]);
    assert_eq!(cluster.committed_offset("od", "t", 0), Some(3));
    assert_eq!(cluster.committed_offset("od", "u", 0), None);
    let mut unknown = delete(&["t"]);
    unknown.group_id = "nobody".into();
    let Response::OffsetDelete(r) = client.send(unknown, 0).await else { panic!() };
    assert_eq!(r.error_code, code(ErrorCode::GroupIdNotFound));
    // Once the group is empty, anything goes.
    assert_eq!(client.leave("od", &id, 5).await, NONE);
    let Response::OffsetDelete(r) = client.send(delete(&["t"]), 0).await else { panic!() };
    assert_eq!((r.error_code, r.topics[0].partitions[0].error_code), (NONE, NONE));
    assert_eq!(cluster.committed_offset("od", "t", 0), None);
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}

#[tokio::test]
async fn groups_are_described_listed_and_deleted() {
    let cluster = FakeCluster::builder().topic("t", 1).start().await.unwrap();
    let mut client = Client::connect(cluster.addresses()[0], "adm").await;
    let joined = client.join_fully(join_request("live", "", 10_000, 5_000, &["t"]), 9).await;
    let id = joined.member_id.to_string();
    assert_eq!(commit(&mut client, commit_request("idle", -1, "", "t", 0, 1), 8).await, NONE);

    for version in ApiKey::DescribeGroups.valid_versions().iter() {
        let live = client.describe("live", version).await;
        assert_eq!((live.error_code, live.group_state.as_str()), (NONE, "CompletingRebalance"), "v{version}");
        assert_eq!(live.members.len(), 1);
        assert_eq!(live.members[0].member_id, id.as_str());
        assert_eq!(live.members[0].client_id, "adm");
        assert!(live.members[0].member_metadata.is_empty(), "metadata only when stable");
        assert_eq!(live.protocol_data, "", "protocol only when stable");
        let missing = client.describe("missing", version).await;
        assert_eq!(missing.group_state, "Dead", "v{version}");
        let expected = if version >= 6 { code(ErrorCode::GroupIdNotFound) } else { NONE };
        assert_eq!(missing.error_code, expected, "v{version}");
    }
    // A classic group is not a consumer group (KIP-848): the admin client
    // falls back to DescribeGroups on this answer.
    for version in ApiKey::ConsumerGroupDescribe.valid_versions().iter() {
        let request =
            ConsumerGroupDescribeRequest { group_ids: vec!["live".into(), "missing".into()], ..Default::default() };
        let Response::ConsumerGroupDescribe(r) = client.send(request, version).await else { panic!() };
        let answers: Vec<(i16, String)> = r
            .groups
            .iter()
            .map(|g| (g.error_code, g.error_message.as_deref().unwrap_or_default().to_owned()))
            .collect();
        let not_found = code(ErrorCode::GroupIdNotFound);
        assert_eq!(
            answers,
            [(not_found, "Group live is not a consumer group.".into()), (not_found, "Group missing not found.".into())],
            "v{version}"
        );
    }
    assert_eq!(client.sync(sync_request("live", 1, &id, &[(&id, "a")]), 5).await.error_code, NONE);
    let live = client.describe("live", 5).await;
    assert_eq!((live.group_state.as_str(), live.protocol_data.as_str()), ("Stable", "range"));
    assert_eq!(live.members[0].member_assignment, Bytes::from_static(b"a"));

    for version in ApiKey::ListGroups.valid_versions().iter() {
        let Response::ListGroups(r) = client.send(ListGroupsRequest::default(), version).await else { panic!() };
        let mut listed: Vec<(String, String)> =
            r.groups.iter().map(|g| (g.group_id.to_string(), g.protocol_type.to_string())).collect();
        listed.sort();
        assert_eq!(listed, vec![("idle".into(), "".into()), ("live".into(), "consumer".into())], "v{version}");
        if version >= 4 {
            let request = ListGroupsRequest { states_filter: vec!["stable".into()], ..Default::default() };
            let Response::ListGroups(r) = client.send(request, version).await else { panic!() };
            assert_eq!(r.groups.len(), 1);
            assert_eq!((r.groups[0].group_id.as_str(), r.groups[0].group_state.as_str()), ("live", "Stable"));
        }
        if version >= 5 {
            assert!(r.groups.iter().all(|g| g.group_type == "classic"));
            let request = ListGroupsRequest { types_filter: vec!["consumer".into()], ..Default::default() };
            let Response::ListGroups(r) = client.send(request, version).await else { panic!() };
            assert!(r.groups.is_empty(), "no KIP-848 groups here");
        }
    }

    for version in ApiKey::DeleteGroups.valid_versions().iter() {
        let request = DeleteGroupsRequest { groups_names: vec!["live".into(), "nope".into()], ..Default::default() };
        let Response::DeleteGroups(r) = client.send(request, version).await else { panic!() };
        let errors: Vec<i16> = r.results.iter().map(|g| g.error_code).collect();
        assert_eq!(errors, vec![code(ErrorCode::NonEmptyGroup), code(ErrorCode::GroupIdNotFound)], "v{version}");
    }
    let request = DeleteGroupsRequest { groups_names: vec!["idle".into()], ..Default::default() };
    let Response::DeleteGroups(r) = client.send(request, 2).await else { panic!() };
    assert_eq!(r.results[0].error_code, NONE);
    assert!(cluster.group("idle").is_none());
    assert_eq!(cluster.committed_offset("idle", "t", 0), None, "the offsets go with the group");
    assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
}
