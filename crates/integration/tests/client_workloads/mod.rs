//! The client workloads the proxy tests run: Kafka's own Java client and
//! librdkafka (kcat), through a recording proxy, every frame checked; and
//! librdkafka held to the oldest protocol versions, for the 3.9.1 broker.

// Each proxy test binary runs some of these workloads, not all.
#![allow(dead_code)]

use kafka_wire::json::serde_json::Value;
use kafka_wire::messages::*;
use kafka_wire::ApiKey;
use kafka_wire_cli::frames::Direction;
use kafka_wire_cli::proxy::{ProxiedFrame, ProxyEvent};
use kafka_wire_integration::{broker_address, expect, Connection};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

pub(crate) fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests through scripts/test.sh"))
}

/// The frames of a finished client: everything until every connection it
/// opened is closed in both directions (the broker closes its side once
/// the client has), so no late frame escapes the check.
pub(crate) fn drain(rx: &Receiver<ProxyEvent>) -> Vec<ProxiedFrame> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut frames = Vec::new();
    let (mut connections, mut closed) = (BTreeSet::new(), BTreeSet::new());
    loop {
        let all_closed = closed.len() == 2 * connections.len();
        // Once every connection is closed both ways, a short quiet period ends the drain.
        let wait = deadline.saturating_duration_since(Instant::now());
        let wait = if all_closed { wait.min(Duration::from_secs(1)) } else { wait };
        match rx.recv_timeout(wait) {
            Ok(ProxyEvent::Frame(frame)) => {
                connections.insert(frame.connection);
                frames.push(*frame);
            }
            Ok(ProxyEvent::Closed { connection, direction, error }) => {
                // A client may close with responses still coming (a long
                // poll it stopped waiting for): forwarding them then fails.
                // Anything else (a frame cut short, a size no Kafka frame
                // has) is a finding.
                let client_left = error.as_deref().is_some_and(|e| e.starts_with("forwarding failed"));
                assert!(
                    error.is_none() || client_left,
                    "connection {connection}'s {direction:?}s ended badly: {error:?}"
                );
                connections.insert(connection);
                closed.insert((connection, direction == Direction::Request));
            }
            Err(_) if all_closed => return frames,
            Err(_) => panic!("connections still open after 60 s: {connections:?}, closed: {closed:?}"),
        }
    }
}

/// What a client exchanged through the proxy.
#[derive(Debug, Default)]
pub(crate) struct Traffic {
    /// Requests by api and version ("Fetch v17"), counted.
    pub(crate) requests: BTreeMap<String, usize>,
    /// Responses by api name, counted.
    pub(crate) responses: BTreeMap<String, usize>,
    /// The newest version of each api (by name) the broker listed in the
    /// ApiVersions responses the client got (all of them agree).
    pub(crate) advertised_max: BTreeMap<String, i16>,
}

impl Traffic {
    /// The versions of `api` the client sent requests at.
    fn versions_sent(&self, api: &str) -> BTreeSet<i16> {
        let prefix = format!("{api} v");
        self.requests.keys().filter_map(|k| k.strip_prefix(&prefix)?.parse().ok()).collect()
    }

    /// Each of `apis` was sent and answered at least once.
    pub(crate) fn assert_sent_and_answered(&self, client: &str, apis: &[&str]) {
        for api in apis {
            assert!(!self.versions_sent(api).is_empty(), "{client} sent no {api}: {:?}", self.requests);
            assert!(self.responses.contains_key(*api), "{client} got no {api} response: {:?}", self.responses);
        }
    }

    /// Every request of each of `apis` went at the newest version the
    /// broker advertised for it: the client negotiated and spoke the
    /// versions we decode newest, not some older fallback.
    pub(crate) fn assert_newest_versions(&self, client: &str, apis: &[&str]) {
        for api in apis {
            let newest = self
                .advertised_max
                .get(*api)
                .unwrap_or_else(|| panic!("{client}: no ApiVersions response listed {api}: {:?}", self.advertised_max));
            let sent = self.versions_sent(api);
            assert_eq!(
                sent,
                BTreeSet::from([*newest]),
                "{client} sent {api} at versions {sent:?}, the broker's newest is v{newest}"
            );
        }
    }

    /// Takes the newest version of each api an ApiVersions response lists;
    /// an answer with an error (a version the broker does not know) lists
    /// only ApiVersions and is left out.
    fn note_api_versions(&mut self, message: &Value) {
        if message["errorCode"].as_i64() != Some(0) {
            return;
        }
        for listed in message["apiKeys"].as_array().into_iter().flatten() {
            let key = listed["apiKey"].as_i64().and_then(|k| i16::try_from(k).ok());
            let (Some(api), Some(max)) = (key.and_then(ApiKey::from_key), listed["maxVersion"].as_i64()) else {
                panic!("an ApiVersions entry we cannot read: {listed}");
            };
            let max = max as i16;
            let before = self.advertised_max.insert(api.name().to_string(), max);
            assert!(before.is_none_or(|b| b == max), "ApiVersions responses disagree on {api}: v{before:?} and v{max}");
        }
    }
}

/// Prints what a client sent, asserts every frame round-tripped and every
/// request was answered, and returns what it exchanged.
/// A client that exits may leave the end of a connection unanswered, from a
/// Fetch on (a long poll it stopped waiting for, and what queued behind it).
fn check_events(client: &str, events: &[ProxiedFrame], min_frames: usize) -> Traffic {
    let mut traffic = Traffic::default();
    let mut problems = Vec::new();
    let mut requests = BTreeMap::new();
    let mut responses = BTreeSet::new();
    for e in events {
        let report = &e.report;
        let api = report.api.map_or("?".into(), |k| k.name().to_string());
        let id = (e.connection, report.correlation_id.unwrap_or(-1));
        if report.direction == Direction::Request {
            *traffic.requests.entry(format!("{api} v{}", report.version.unwrap_or(-1))).or_default() += 1;
            // A Produce with acks=0 gets no response.
            let acks = report.message.as_ref().and_then(|m| m.get("acks")).and_then(|a| a.as_i64());
            if !(api == "Produce" && acks == Some(0)) {
                requests.insert(id, api);
            }
        } else {
            responses.insert(id);
            *traffic.responses.entry(api.clone()).or_default() += 1;
            if let (Some(ApiKey::ApiVersions), Some(message)) = (report.api, &report.message) {
                traffic.note_api_versions(message);
            }
        }
        if !e.round_trips() {
            problems.push(report.to_json().to_string());
        }
    }
    println!("{client}: {} frames, requests by api and version:", events.len());
    for (k, n) in &traffic.requests {
        println!("  {k:<36} {n}");
    }
    assert!(problems.is_empty(), "{client}: frames that did not round-trip byte-exact:\n{}", problems.join("\n"));
    assert!(events.len() >= min_frames, "{client}: only {} frames (expected at least {min_frames})", events.len());
    // A broker answers a connection's requests in order, so a request left
    // unanswered may only be followed by unanswered ones, from a Fetch on
    // (a long poll, and what queued behind it, when the client closed).
    let mut by_connection: BTreeMap<usize, Vec<(i32, &String)>> = BTreeMap::new();
    for (&(connection, id), api) in &requests {
        by_connection.entry(connection).or_default().push((id, api));
    }
    let mut unanswered = Vec::new();
    for (connection, sent) in &by_connection {
        let Some(first) = sent.iter().position(|(id, _)| !responses.contains(&(*connection, *id))) else { continue };
        let tail_ok =
            sent[first].1 == "Fetch" && sent[first..].iter().all(|(id, _)| !responses.contains(&(*connection, *id)));
        if !tail_ok {
            unanswered.push((*connection, sent[first..].to_vec()));
        }
    }
    assert!(unanswered.is_empty(), "{client}: requests without a response: {unanswered:?}");
    traffic
}

fn run_command(what: &str, command: &mut Command) -> String {
    let output = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn create_topic(name: &str) {
    create_topic_on(&broker_address(), name);
}

fn create_topic_on(broker: &str, name: &str) {
    let mut conn = Connection::connect(broker).unwrap();
    let request = CreateTopicsRequest {
        topics: vec![create_topics_request::CreatableTopic {
            name: name.into(),
            num_partitions: 2,
            replication_factor: 1,
            ..Default::default()
        }],
        timeout_ms: 30_000,
        ..Default::default()
    };
    let response = expect!(conn.send_latest(request).unwrap(), CreateTopics);
    assert_eq!(response.topics[0].error_code, 0);
}

/// Runs Kafka's Java client and librdkafka through the proxy listening on
/// `proxy_address`, whose events arrive on `rx`; `run` names the topics
/// and groups, so that runs do not meet.
pub(crate) fn client_workloads(proxy_address: &str, rx: &Receiver<ProxyEvent>, run: &str) {
    // Kafka's Java client: admin, a producer per codec, classic and new consumer groups.
    let workload = concat!(env!("CARGO_MANIFEST_DIR"), "/java/ClientWorkload.java");
    let classpath = format!("{}/*", env("KAFKA_WIRE_BROKER_LIBS"));
    let java_topic = format!("java-proxied-{run}");
    let out = run_command(
        "the Java client workload",
        Command::new("java").args(["-cp", &classpath, workload, proxy_address, &java_topic]),
    );
    assert!(out.contains("workload done"), "{out}");
    let java = check_events("Kafka Java client", &drain(rx), 100);
    java.assert_sent_and_answered(
        "the Java client",
        &[
            "ApiVersions",
            "Metadata",
            "CreateTopics",
            "Produce",
            "Fetch",
            "JoinGroup",
            "SyncGroup",
            "ConsumerGroupHeartbeat",
            "OffsetCommit",
            "DeleteTopics",
        ],
    );
    // The Java client is the broker's own release: it speaks the newest
    // versions the broker advertises, which our decoder must handle.
    java.assert_newest_versions("the Java client", &["Produce", "Fetch", "Metadata"]);

    // librdkafka via kcat: metadata, a producer per codec, a plain and a group consumer.
    let topic = format!("kcat-proxied-{run}");
    let group = format!("kcat-group-{run}");
    create_topic(&topic);
    let kcat = |args: &[&str]| {
        let mut c = Command::new("timeout");
        c.arg("60").arg("kcat").args(["-b", proxy_address]).args(args);
        c
    };
    run_command("kcat -L", &mut kcat(&["-L"]));
    for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
        let input = (0..10).map(|i| format!("{codec}-{i}:value {i}\n")).collect::<String>();
        let file = std::env::temp_dir().join(format!("kcat-input-{codec}-{}.txt", std::process::id()));
        std::fs::write(&file, input).unwrap();
        run_command(
            &format!("kcat produce {codec}"),
            &mut kcat(&[
                "-P",
                "-t",
                &topic,
                "-z",
                codec,
                "-K",
                ":",
                "-H",
                "h=1",
                "-H",
                "h=2",
                "-l",
                file.to_str().unwrap(),
            ]),
        );
        std::fs::remove_file(file).ok();
    }
    let consumed =
        run_command("kcat consume", &mut kcat(&["-C", "-t", &topic, "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n"]));
    assert_eq!(consumed.lines().count(), 50, "{consumed}");
    let grouped = run_command(
        "kcat group consume",
        &mut kcat(&["-G", &group, "-o", "beginning", "-X", "auto.offset.reset=earliest", "-c", "50", "-q", &topic]),
    );
    assert_eq!(grouped.lines().count(), 50, "{grouped}");
    let rdkafka = check_events("librdkafka (kcat)", &drain(rx), 50);
    rdkafka.assert_sent_and_answered(
        "librdkafka",
        &["ApiVersions", "Metadata", "Produce", "Fetch", "ListOffsets", "JoinGroup", "SyncGroup", "OffsetCommit"],
    );
}

/// librdkafka told the broker is Kafka 0.8.2, then 0.9.0, without asking
/// (`api.version.request=false`): it speaks Metadata v0, Produce v0/v1
/// (compressed wrappers too), Fetch v0/v1 and ListOffsets v0, which only a
/// 3.x broker (`broker`, reached through the proxy at `proxy_address`)
/// still serves. Every frame must decode and re-encode byte-identically.
pub(crate) fn old_librdkafka_workloads(proxy_address: &str, broker: &str, rx: &Receiver<ProxyEvent>) {
    for (fallback, codecs, expected) in [
        ("0.8.2", &["none", "gzip", "snappy"][..], ["Metadata v0", "Produce v0", "Fetch v0", "ListOffsets v0"]),
        ("0.9.0", &["none", "gzip", "snappy", "lz4"][..], ["Metadata v0", "Produce v1", "Fetch v1", "ListOffsets v0"]),
    ] {
        let topic = format!("kcat-legacy-{}", fallback.replace('.', "-"));
        create_topic_on(broker, &topic);
        let kcat = |args: &[&str]| {
            let mut c = Command::new("timeout");
            c.arg("60").arg("kcat").args(["-b", proxy_address]);
            c.args(["-X", "api.version.request=false", "-X", &format!("broker.version.fallback={fallback}")]);
            c.args(args);
            c
        };
        run_command(&format!("kcat -L ({fallback})"), &mut kcat(&["-L"]));
        for codec in codecs {
            let input = (0..10).map(|i| format!("{codec}-{i}:value {i}\n")).collect::<String>();
            let file = std::env::temp_dir().join(format!("kcat-legacy-{fallback}-{codec}-{}.txt", std::process::id()));
            std::fs::write(&file, input).unwrap();
            run_command(
                &format!("kcat produce {codec} ({fallback})"),
                &mut kcat(&["-P", "-t", &topic, "-z", codec, "-K", ":", "-l", file.to_str().unwrap()]),
            );
            std::fs::remove_file(file).ok();
        }
        let consumed = run_command(
            &format!("kcat consume ({fallback})"),
            &mut kcat(&["-C", "-t", &topic, "-o", "beginning", "-e", "-q", "-f", "%k=%s\\n"]),
        );
        assert_eq!(consumed.lines().count(), 10 * codecs.len(), "{consumed}");
        let client = format!("librdkafka as a Kafka {fallback} client");
        let traffic = check_events(&client, &drain(rx), 10);
        for request in expected {
            assert!(traffic.requests.contains_key(request), "{client} sent no {request}: {:?}", traffic.requests);
            let api = request.split(' ').next().unwrap();
            assert!(traffic.responses.contains_key(api), "{client} got no {api} response: {:?}", traffic.responses);
        }
        let newest = traffic.requests.keys().filter(|k| k.starts_with("Produce v") || k.starts_with("Fetch v"));
        for k in newest {
            let version: i16 = k.rsplit('v').next().unwrap().parse().unwrap();
            assert!(version <= 1, "librdkafka ({fallback}) sent {k}: not an old version");
        }
    }
}
