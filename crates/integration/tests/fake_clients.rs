//! Real clients against the fake broker (`kafka-wire-fake`): Kafka's own
//! Java client, each persona's own release of it (admin, an idempotent
//! producer per codec, a consumer group whose members join and leave), and
//! librdkafka (kcat), against personas 0.10.2, 2.8.0, 3.9.1 and 4.4.0.
//! Every record a producer had acknowledged must be in the fake broker's
//! log once, and every consumer must read the log whole, once, in order
//! per partition.
//!
//! Needs a JDK, kcat (scripts/ensure-tools.sh) and the clients'
//! jars (scripts/fetch-clients.sh); `scripts/test.sh fake` runs it.

mod fake_support;

use fake_support::*;
use kafka_wire::KafkaRelease;
use kafka_wire_fake::FakeCluster;

/// Records per codec each Java producer sends.
const PER_CODEC: usize = 40;

/// Kafka's Java client of `client` against a fake broker speaking as
/// `release`: admin, then an idempotent producer per codec, then consumers.
fn java_workload(release: KafkaRelease, client: &str, codecs: &[&str], extra: &[&str]) {
    let what = format!("the Java client {client} against persona {release}");
    let cluster = FakeCluster::builder().release(release).start_in_background().unwrap();
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
}

/// The admin clients of 3.9 and 4.x describe groups with
/// ConsumerGroupDescribe (KIP-848) first, which the fake broker does not
/// serve yet: those runs skip `describeConsumerGroups`.
const NO_GROUP_DESCRIBE: &[&str] = &["describe_group=false"];

#[test]
fn java_client_4_4_0_against_persona_4_4_0() {
    java_workload(KafkaRelease::V4_4_0, "4.4.0", &["none", "gzip", "snappy", "lz4", "zstd"], NO_GROUP_DESCRIBE);
}

#[test]
fn java_client_3_9_1_against_persona_3_9_1() {
    java_workload(KafkaRelease::V3_9_1, "3.9.1", &["none", "gzip", "snappy", "lz4", "zstd"], NO_GROUP_DESCRIBE);
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
    check_produced(&what, &cluster, topic, &[]);
    check_consumed(&format!("{what}, plain consumer"), &cluster, topic, &seen(&plain, "consumed", 0), expected);
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
