//! Real clients against the fake broker (`kafka-wire-fake`): Kafka's own
//! Java client, each persona's own release of it (admin, an idempotent
//! producer per codec, a consumer group whose members join and leave, and
//! with 4.4.0 a group of the KIP-848 consumer protocol), and
//! librdkafka (kcat), against personas 0.10.2, 2.8.0, 3.9.1 and 4.4.0.
//! Every record a producer had acknowledged must be in the fake broker's
//! log once, and every consumer must read the log whole, once, in order
//! per partition.
//!
//! Needs a JDK, kcat (scripts/ensure-tools.sh) and the clients'
//! jars (scripts/fetch-clients.sh); `scripts/test.sh fake` runs it.

mod client_workloads;
mod fake_support;

use fake_support::*;
use kafka_wire::{ApiKey, KafkaRelease, Request};
use kafka_wire_cli::proxy::{serve, ProxyOptions};
use kafka_wire_fake::FakeCluster;
use std::collections::BTreeSet;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// Records per codec each Java producer sends.
const PER_CODEC: usize = 40;

/// Kafka's Java client of `client` against a fake broker speaking as
/// `release`: admin, then an idempotent producer per codec, then consumers.
fn java_workload(release: KafkaRelease, client: &str, codecs: &[&str], extra: &[&str]) {
    java_workload_on(FakeCluster::builder(), release, client, codecs, extra);
}

/// [`java_workload`] on a cluster built from `builder`; returns the cluster.
fn java_workload_on(
    builder: kafka_wire_fake::FakeClusterBuilder,
    release: KafkaRelease,
    client: &str,
    codecs: &[&str],
    extra: &[&str],
) -> FakeCluster {
    let what = format!("the Java client {client} against persona {release} {extra:?}");
    let cluster = builder.release(release).start_in_background().unwrap();
    let topic = "java";
    let out = run(
        &what,
        java(150, client, "FakeClusterWorkload.java")
            .args([
                &cluster.bootstrap(),
                topic,
                "admin=true",
                &format!("codecs={}", codecs.join(",")),
                &format!("per_codec={PER_CODEC}"),
                "idempotent=true",
                "group=java-group",
            ])
            .args(extra),
        &cluster,
    );
    assert!(out.contains("workload done"), "{what}:\n{out}");
    let expected = PER_CODEC * codecs.len();
    check_produced(&what, &cluster, topic, &seen(&out, "produced", 0));
    check_consumed(&what, &cluster, topic, &seen(&out, "consumed", 1), expected);
    // Every partition's committed offset is its end: the group read it all.
    for partition in 0..3 {
        let end = cluster.offsets(topic, partition).unwrap().1;
        assert_eq!(
            cluster.committed_offset("java-group", topic, partition),
            Some(end),
            "{what}: partition {partition}"
        );
    }
    check_no_problems(&what, &cluster);
    cluster
}

#[test]
fn java_client_4_4_0_against_persona_4_4_0() {
    java_workload(KafkaRelease::V4_4_0, "4.4.0", &["none", "gzip", "snappy", "lz4", "zstd"], &[]);
}

/// The same workload with the group's members on KIP-848's consumer
/// protocol: three members joining and leaving, the broker assigning.
#[test]
fn java_client_4_4_0_against_persona_4_4_0_with_the_consumer_group_protocol() {
    // Revocations and reassignments travel by heartbeat: make them quick.
    let builder = FakeCluster::builder().consumer_group_heartbeat_interval(Duration::from_millis(300));
    let cluster = java_workload_on(
        builder,
        KafkaRelease::V4_4_0,
        "4.4.0",
        &["none", "gzip", "zstd"],
        &["group_protocol=consumer"],
    );
    let apis: BTreeSet<ApiKey> = cluster.requests().iter().map(|r| r.frame.api_key()).collect();
    assert!(apis.contains(&ApiKey::ConsumerGroupHeartbeat) && apis.contains(&ApiKey::ConsumerGroupDescribe));
    assert!(!apis.contains(&ApiKey::JoinGroup), "{apis:?}");
    assert_eq!(cluster.group("java-group").unwrap().group_type, "consumer");
}

#[test]
fn java_client_3_9_1_against_persona_3_9_1() {
    java_workload(KafkaRelease::V3_9_1, "3.9.1", &["none", "gzip", "snappy", "lz4", "zstd"], &[]);
}

#[test]
fn java_client_2_8_0_against_persona_2_8_0() {
    java_workload(KafkaRelease::V2_8_0, "2.8.0", &["none", "gzip", "snappy", "lz4", "zstd"], &[]);
}

/// librdkafka (kcat) against a fake broker speaking as `release`: a
/// producer per codec, a plain consumer reading everything back, and a
/// balanced group consumer (`-G`) committing its offsets.
fn kcat_workload(release: KafkaRelease, codecs: &[&str], extra: &[&str]) {
    let what = format!("kcat against persona {release}");
    let topic = "kcat";
    let cluster = FakeCluster::builder().release(release).topic(topic, 3).start_in_background().unwrap();
    let bootstrap = cluster.bootstrap();
    let kcat = |args: &[&str]| {
        let mut c = limited(60, "kcat");
        c.args(["-b", &bootstrap]).args(extra).args(args);
        c
    };
    run(&format!("{what}: -L"), &mut kcat(&["-L"]), &cluster);
    let per_codec = 30;
    for codec in codecs {
        let input: String = (0..per_codec).map(|i| format!("key-{i}:{codec}-{i}\n")).collect();
        let file = std::env::temp_dir().join(format!("fake-kcat-{release}-{codec}-{}.txt", std::process::id()));
        std::fs::write(&file, input).unwrap();
        run(
            &format!("{what}: produce {codec}"),
            &mut kcat(&["-P", "-t", topic, "-z", codec, "-K", ":", "-X", "acks=all", "-l", file.to_str().unwrap()]),
            &cluster,
        );
        std::fs::remove_file(file).ok();
    }
    let expected = per_codec * codecs.len();
    let format = ["-f", "consumed %p %o %s\\n"];
    let plain = run(
        &format!("{what}: consume"),
        kcat(&["-C", "-t", topic, "-o", "beginning", "-e", "-q"]).args(format),
        &cluster,
    );
    check_consumed(&format!("{what}, plain consumer"), &cluster, topic, &seen(&plain, "consumed", 0), expected);
    // A balanced consumer (librdkafka's classic group protocol), which
    // commits its offsets as it leaves.
    let group = "kcat-group";
    let grouped = run(
        &format!("{what}: group consume"),
        kcat(&["-G", group, "-X", "auto.offset.reset=earliest", "-c", &expected.to_string(), "-q"])
            .args(format)
            .arg(topic),
        &cluster,
    );
    check_consumed(&format!("{what}, group consumer"), &cluster, topic, &seen(&grouped, "consumed", 0), expected);
    check_committed(&what, &cluster, group, topic);
    check_no_problems(&what, &cluster);
}

#[test]
fn kcat_against_persona_4_4_0() {
    kcat_workload(KafkaRelease::V4_4_0, &["none", "gzip", "snappy", "lz4", "zstd"], &[]);
}

#[test]
fn kcat_against_persona_3_9_1() {
    kcat_workload(KafkaRelease::V3_9_1, &["none", "gzip", "snappy", "lz4", "zstd"], &[]);
}

#[test]
fn kcat_against_persona_2_8_0() {
    kcat_workload(KafkaRelease::V2_8_0, &["none", "gzip", "snappy", "lz4", "zstd"], &[]);
}

#[test]
fn kcat_against_persona_0_10_2() {
    kcat_workload(KafkaRelease::V0_10_2_2, &["none", "gzip", "snappy", "lz4"], &[]);
}

/// Kafka's Java client of 0.10.2 against the 0.10.2 persona: no admin
/// client, no idempotence and no zstd then (Produce v2 and Fetch v3 carry
/// magic 1 messages, which the fake broker stores as v2 batches and
/// converts back), the same group of three.
#[test]
fn java_client_0_10_2_against_persona_0_10_2() {
    let release = KafkaRelease::V0_10_2_2;
    let what = format!("the Java client 0.10.2.2 against persona {release}");
    let topic = "legacy";
    let cluster = FakeCluster::builder().release(release).topic(topic, 3).start_in_background().unwrap();
    let codecs = ["none", "gzip", "snappy", "lz4"];
    let out = run(
        &what,
        java(150, "0.10.2.2", "LegacyClientWorkload.java").args([
            &cluster.bootstrap(),
            topic,
            &format!("codecs={}", codecs.join(",")),
            &format!("per_codec={PER_CODEC}"),
            "group=legacy-group",
        ]),
        &cluster,
    );
    assert!(out.contains("workload done"), "{what}:\n{out}");
    check_produced(&what, &cluster, topic, &seen(&out, "produced", 0));
    check_consumed(&what, &cluster, topic, &seen(&out, "consumed", 1), PER_CODEC * codecs.len());
    check_committed(&what, &cluster, "legacy-group", topic);
    // The client spoke as 0.10.2 does: legacy message sets both ways.
    let versions = |api: ApiKey| -> BTreeSet<i16> {
        cluster.requests().iter().filter(|r| r.frame.api_key() == api).map(|r| r.frame.version()).collect()
    };
    assert_eq!(versions(ApiKey::Produce), BTreeSet::from([2]), "{what}");
    assert_eq!(versions(ApiKey::Fetch), BTreeSet::from([3]), "{what}");
    check_no_problems(&what, &cluster);
}

/// Three brokers, a partition led by each; while Kafka's Java client
/// produces (idempotent) and a group member consumes, the test moves every
/// partition's leader to another broker. Both clients must follow (the old
/// leader answers NOT_LEADER_OR_FOLLOWER; they refresh their metadata),
/// and every record must still arrive once, in order.
#[test]
fn three_brokers_clients_follow_moved_leaders() {
    let what = "the Java client 4.4.0 while leaders move";
    let topic = "moving";
    let cluster = FakeCluster::builder().brokers(3).topic(topic, 3).start_in_background().unwrap();
    let leaders: Vec<i32> = (0..3).map(|p| cluster.leader(topic, p).unwrap().0).collect();
    assert_eq!(leaders, [0, 1, 2], "a partition led by each broker");
    let records = 300;
    let client = Running::spawn(
        what,
        java(120, "4.4.0", "FakeClusterWorkload.java").args([
            &cluster.bootstrap(),
            topic,
            "mode=follow",
            &format!("records={records}"),
            "pace_ms=10",
            "group=follow-group",
        ]),
    );
    let appended = || (0..3).map(|p| cluster.offsets(topic, p).unwrap().1).sum::<i64>();
    let wait_until = |count: i64| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while appended() < count {
            assert!(Instant::now() < deadline, "{what}: only {} records after 60 s", appended());
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    // Partition 0 moves first, the other two later, while records flow.
    wait_until(60);
    cluster.move_leader(topic, 0, 1).unwrap();
    let moved_at = cluster.requests().len();
    wait_until(150);
    cluster.move_leader(topic, 1, 2).unwrap();
    cluster.move_leader(topic, 2, 0).unwrap();
    let out = client.finish(&cluster);
    assert!(out.contains("workload done"), "{what}:\n{out}");
    check_produced(what, &cluster, topic, &seen(&out, "produced", 0));
    check_consumed(what, &cluster, topic, &seen(&out, "consumed", 1), records);
    check_committed(what, &cluster, "follow-group", topic);
    // Each partition was written under both leaders, and both clients
    // reached partition 0's new leader after its move.
    for (partition, new_leader) in [(0, 1), (1, 2), (2, 0)] {
        assert_eq!(cluster.leader(topic, partition).unwrap(), (new_leader, 1));
        let epochs: BTreeSet<i32> = cluster
            .batches(topic, partition)
            .unwrap()
            .iter()
            .map(|b| i32::from_be_bytes(b[12..16].try_into().unwrap()))
            .collect();
        assert_eq!(epochs, BTreeSet::from([0, 1]), "{what}: partition {partition}'s batches' leader epochs");
    }
    let after_move = &cluster.requests()[moved_at..];
    let reached = |api: ApiKey| {
        after_move.iter().any(|r| {
            r.node == 1
                && match &r.frame.body {
                    Request::Produce(p) => {
                        api == ApiKey::Produce
                            && p.topic_data.iter().any(|t| t.partition_data.iter().any(|d| d.index == 0))
                    }
                    Request::Fetch(f) => {
                        api == ApiKey::Fetch && f.topics.iter().any(|t| t.partitions.iter().any(|d| d.partition == 0))
                    }
                    _ => false,
                }
        })
    };
    assert!(reached(ApiKey::Produce), "{what}: no Produce for partition 0 reached its new leader");
    assert!(reached(ApiKey::Fetch), "{what}: no Fetch for partition 0 reached its new leader");
    check_no_problems(what, &cluster);
}

/// Kafka's Java client through the recording proxy (what `kafka-wire
/// proxy` runs) in front of a one-broker fake cluster advertising the
/// proxy's address: every request and response frame the client and the
/// fake broker exchange must decode and re-encode byte-identically, and
/// every request must be answered.
#[test]
fn java_client_through_the_recording_proxy() {
    let what = "the Java client 4.4.0 through the proxy";
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = listener.local_addr().unwrap();
    let topic = "proxied";
    let cluster = FakeCluster::builder()
        .release(KafkaRelease::V4_4_0)
        .advertise(0, "127.0.0.1", proxy.port())
        .start_in_background()
        .unwrap();
    let upstream = cluster.bootstrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || serve(listener, &upstream, tx, ProxyOptions::default()));
    let codecs = ["none", "gzip", "snappy", "lz4", "zstd"];
    let args = vec![
        proxy.to_string(),
        topic.into(),
        "admin=true".into(),
        format!("codecs={}", codecs.join(",")),
        "per_codec=20".into(),
        "group=proxied-group".into(),
    ];
    let out = run(what, java(150, "4.4.0", "FakeClusterWorkload.java").args(&args), &cluster);
    assert!(out.contains("workload done"), "{what}:\n{out}");
    check_consumed(what, &cluster, topic, &seen(&out, "consumed", 1), 20 * codecs.len());
    let seen = check_proxied(what, &client_workloads::drain(&rx));
    for api in [
        "ApiVersions",
        "Metadata",
        "CreateTopics",
        "DescribeTopicPartitions",
        "DescribeConfigs",
        "InitProducerId",
        "Produce",
        "FindCoordinator",
        "JoinGroup",
        "SyncGroup",
        "Heartbeat",
        "OffsetCommit",
        "OffsetFetch",
        "LeaveGroup",
        "Fetch",
        "ListGroups",
    ] {
        assert!(seen.keys().any(|k| k.starts_with(&format!("{api} v"))), "{what}: the client sent no {api}: {seen:?}");
    }
    // Every connection came through the proxy: the fake broker saw no other.
    let frames: usize = seen.values().sum();
    assert_eq!(frames, cluster.requests().len(), "{what}: requests that bypassed the proxy");
    check_no_problems(what, &cluster);
}

/// Transactions the Java producer runs: the even ones committed, the odd ones aborted.
const TRANSACTIONS: usize = 8;

/// Kafka's Java client of `client` with a transactional producer against
/// persona `release`: read_committed must see exactly the committed
/// records, read_uncommitted all of them, record by record. The fake
/// broker reports no finalized features, so the client speaks the classic
/// transaction protocol (AddPartitionsToTxn), not KIP-890's version 2.
fn java_transactions(release: KafkaRelease, client: &str) {
    let what = format!("the Java client {client}'s transactions against persona {release}");
    let cluster = FakeCluster::builder().release(release).start_in_background().unwrap();
    let topic = "java-txn";
    let out = run(
        &what,
        java(150, client, "FakeClusterTransactions.java").args([
            &cluster.bootstrap(),
            topic,
            &TRANSACTIONS.to_string(),
        ]),
        &cluster,
    );
    assert!(out.contains("transactions done"), "{what}:\n{out}");
    // (partition, value) per line of a kind.
    let lines = |prefix: &str| -> Vec<(i32, i64, String)> {
        out.lines()
            .filter_map(|l| l.strip_prefix(prefix))
            .map(|rest| {
                let fields: Vec<&str> = rest.split(' ').collect();
                match fields[..] {
                    [p, v] => (p.parse().unwrap(), -1, v.to_owned()),
                    [p, o, v] => (p.parse().unwrap(), o.parse().unwrap(), v.to_owned()),
                    _ => panic!("{what}: {rest}"),
                }
            })
            .collect()
    };
    let committed_sent = lines("sent commit ");
    let aborted_sent = lines("sent abort ");
    let read_committed = lines("read committed ");
    let read_uncommitted = lines("read uncommitted ");
    assert_eq!(committed_sent.len(), 3 * TRANSACTIONS.div_ceil(2), "{what}");
    assert_eq!(aborted_sent.len(), 3 * (TRANSACTIONS / 2), "{what}");
    for partition in 0..3 {
        let values = |seen: &[(i32, i64, String)]| -> Vec<String> {
            seen.iter().filter(|s| s.0 == partition).map(|s| s.2.clone()).collect()
        };
        assert_eq!(values(&read_committed), values(&committed_sent), "{what}: read_committed, partition {partition}");
        // read_uncommitted: every record of the log, at its offset, markers skipped.
        let logged: Vec<(i64, String)> = cluster
            .records(topic, partition)
            .unwrap()
            .into_iter()
            .map(|(o, r)| (o, String::from_utf8(r.value.unwrap().to_vec()).unwrap()))
            .collect();
        let uncommitted: Vec<(i64, String)> =
            read_uncommitted.iter().filter(|s| s.0 == partition).map(|s| (s.1, s.2.clone())).collect();
        assert_eq!(uncommitted, logged, "{what}: read_uncommitted, partition {partition}");
        assert_eq!(logged.len(), TRANSACTIONS, "{what}: partition {partition}");
        // One marker per transaction: records and markers alternate.
        assert_eq!(cluster.offsets(topic, partition).unwrap().1, 2 * TRANSACTIONS as i64, "{what}");
    }
    // The last committed transaction's offset commit is the group's.
    let last_committed = (TRANSACTIONS - 1) / 2 * 2;
    assert_eq!(cluster.committed_offset("txn-group", topic, 0), Some(last_committed as i64), "{what}");
    check_no_problems(&what, &cluster);
}

#[test]
fn java_client_4_4_0_transactions_against_persona_4_4_0() {
    java_transactions(KafkaRelease::V4_4_0, "4.4.0");
}

#[test]
fn java_client_3_9_1_transactions_against_persona_3_9_1() {
    java_transactions(KafkaRelease::V3_9_1, "3.9.1");
}

/// Records the KIP-848 workload produces.
const CONSUMER_PROTOCOL_RECORDS: usize = 80;

/// Kafka's Java client 4.4.0 with `group.protocol=consumer` (KIP-848)
/// against persona 4.4.0: two members split the partitions by the
/// broker's assignor, one leaves and the other takes its partitions over;
/// every record is consumed once, in order per partition, and committed
/// record by record, each partition's committed offset ending at its end.
#[test]
fn java_client_4_4_0_consumer_group_protocol() {
    let what = "the Java client 4.4.0 with group.protocol=consumer against persona 4.4.0";
    let cluster = FakeCluster::builder()
        .release(KafkaRelease::V4_4_0)
        // Revocations and reassignments travel by heartbeat: make them quick.
        .consumer_group_heartbeat_interval(Duration::from_millis(300))
        .start_in_background()
        .unwrap();
    let (topic, group) = ("kip848", "kip848-group");
    let out = run(
        what,
        java(150, "4.4.0", "FakeClusterConsumerProtocol.java").args([
            &cluster.bootstrap(),
            topic,
            group,
            &CONSUMER_PROTOCOL_RECORDS.to_string(),
        ]),
        &cluster,
    );
    assert!(out.contains("consumer protocol done"), "{what}:\n{out}");
    check_produced(what, &cluster, topic, &seen(&out, "produced", 0));
    let consumed = seen(&out, "consumed", 1);
    check_consumed(what, &cluster, topic, &consumed, CONSUMER_PROTOCOL_RECORDS);
    // B's partitions were read by B, then by A from where B committed.
    let by = |member: &str| -> BTreeSet<i32> {
        out.lines()
            .filter_map(|l| l.strip_prefix(&format!("consumed {member} ")))
            .filter_map(|rest| rest.split(' ').next()?.parse().ok())
            .collect()
    };
    let (a, b) = (by("A"), by("B"));
    assert_eq!(b.len(), 2, "{what}: B read two partitions: {b:?}");
    assert_eq!(a.len(), 4, "{what}: A read every partition in the end: {a:?}");
    check_committed(what, &cluster, group, topic);
    // The member subscribed by a regex the broker resolved read it all too.
    check_consumed(what, &cluster, topic, &seen(&out, "regex-consumed", 1), CONSUMER_PROTOCOL_RECORDS);
    let regex_subscribed = cluster
        .requests()
        .iter()
        .any(|r| matches!(&r.frame.body, Request::ConsumerGroupHeartbeat(h) if h.subscribed_topic_regex.is_some()));
    assert!(regex_subscribed, "{what}: no heartbeat carried SubscribedTopicRegex");
    // The requests a consumer of the classic protocol sends were not sent.
    let apis: BTreeSet<ApiKey> = cluster.requests().iter().map(|r| r.frame.api_key()).collect();
    assert!(apis.contains(&ApiKey::ConsumerGroupHeartbeat), "{what}");
    assert!(!apis.contains(&ApiKey::JoinGroup) && !apis.contains(&ApiKey::SyncGroup), "{what}: {apis:?}");
    let summary = cluster.group(group).expect("the group");
    assert_eq!((summary.group_type.as_str(), summary.state.as_str()), ("consumer", "Empty"), "{what}");
    check_no_problems(what, &cluster);
}

/// SASL SCRAM-SHA-256 logins and ACLs with the Java client 4.4.0: the
/// admin (a super user) creates an ACL and a SCRAM credential, alice
/// writes where the ACL lets her and is refused elsewhere with a
/// TopicAuthorizationException, and the new user logs in and is refused.
#[test]
fn java_client_4_4_0_scram_login_and_acl_denial() {
    use kafka_wire_fake::ScramMechanism;
    let what = "the Java client 4.4.0 with SCRAM and ACLs";
    let cluster = FakeCluster::builder()
        .release(KafkaRelease::V4_4_0)
        .sasl_scram(ScramMechanism::Sha256, [("admin", "admin-secret"), ("alice", "alice-secret")])
        .authorizer(["User:admin"])
        .topic("allowed", 1)
        .topic("denied", 1)
        .start_in_background()
        .unwrap();
    let out = run(what, java(120, "4.4.0", "FakeClusterSecurity.java").arg(cluster.bootstrap()), &cluster);
    assert!(out.contains("security done"), "{what}:\n{out}");
    assert!(out.contains("acls 1"), "{what}:\n{out}");
    assert!(out.contains("carol iterations 8192"), "{what}:\n{out}");
    assert!(out.contains("produced allowed 0"), "{what}:\n{out}");
    assert!(out.contains("denied alice TopicAuthorizationException"), "{what}:\n{out}");
    assert!(out.contains("denied carol TopicAuthorizationException"), "{what}:\n{out}");
    assert_eq!(cluster.records("allowed", 0).unwrap().len(), 1, "{what}");
    assert!(cluster.records("denied", 0).unwrap().is_empty(), "{what}");
    check_no_problems(what, &cluster);
}

/// kcat (librdkafka) logging in with SCRAM-SHA-256 and SCRAM-SHA-512:
/// it lists and produces where an ACL lets it, a wrong password fails its
/// login, and a topic without an ACL refuses its records.
#[test]
fn kcat_scram_login_and_acl_denial() {
    use kafka_wire_fake::ScramMechanism;
    let what = "kcat with SCRAM and ACLs";
    let cluster = FakeCluster::builder()
        .release(KafkaRelease::V4_4_0)
        .sasl_scram(ScramMechanism::Sha256, [("alice", "alice-secret")])
        .sasl_scram(ScramMechanism::Sha512, [("bob", "bob-secret")])
        .authorizer(["User:admin"])
        .topic("allowed", 1)
        .topic("denied", 1)
        .start_in_background()
        .unwrap();
    for user in ["alice", "bob"] {
        cluster.add_acl("topic", "allowed", &format!("User:{user}"), "write", true);
    }
    let bootstrap = cluster.bootstrap();
    let kcat = |mechanism: &str, user: &str, password: &str, args: &[&str]| {
        let mut c = limited(60, "kcat");
        c.args(["-b", &bootstrap, "-X", "security.protocol=SASL_PLAINTEXT"])
            .args(["-X", &format!("sasl.mechanism={mechanism}")])
            .args(["-X", &format!("sasl.username={user}"), "-X", &format!("sasl.password={password}")])
            .args(args);
        c
    };
    let input = std::env::temp_dir().join(format!("fake-kcat-scram-{}.txt", std::process::id()));
    std::fs::write(&input, "one\ntwo\n").unwrap();
    let file = input.to_str().unwrap();
    for (mechanism, user) in [("SCRAM-SHA-256", "alice"), ("SCRAM-SHA-512", "bob")] {
        let listed = run(
            &format!("{what}: {user} -L"),
            &mut kcat(mechanism, user, &format!("{user}-secret"), &["-L"]),
            &cluster,
        );
        assert!(listed.contains("topic \"allowed\""), "{what}: {listed}");
        assert!(!listed.contains("topic \"denied\""), "{what}: a topic it may not describe is not listed: {listed}");
        run(
            &format!("{what}: {user} produces"),
            &mut kcat(
                mechanism,
                user,
                &format!("{user}-secret"),
                &["-P", "-t", "allowed", "-X", "acks=all", "-l", file],
            ),
            &cluster,
        );
    }
    assert_eq!(cluster.records("allowed", 0).unwrap().len(), 4, "{what}");
    // A wrong password: the login fails and kcat gives up.
    let wrong = kcat("SCRAM-SHA-256", "alice", "wrong", &["-L", "-m", "5"]).output().unwrap();
    assert!(!wrong.status.success(), "{what}: a wrong password must fail");
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("Authentication failed"), "{what}: {stderr}");
    // No ACL: librdkafka reports the topic's authorization failure.
    let denied = kcat("SCRAM-SHA-256", "alice", "alice-secret", &["-P", "-t", "denied", "-l", file]).output().unwrap();
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(!denied.status.success() || stderr.contains("authorization failed"), "{what}: {stderr}");
    assert!(stderr.to_lowercase().contains("authorization failed"), "{what}: {stderr}");
    assert!(cluster.records("denied", 0).unwrap().is_empty(), "{what}");
    std::fs::remove_file(input).ok();
    check_no_problems(what, &cluster);
}
