//! The `kafka-wire` command on the real broker of scripts/test.sh:
//!
//! - clients (this project's async client, and librdkafka's kcat) talk to
//!   the broker through the recording proxy while tcpdump captures the
//!   proxy's port; `kafka-wire decode` reads the capture back, and every
//!   connection's frames, in order, have the bytes, api, version and JSON
//!   that the proxy recorded for them;
//! - `kafka-wire dump-log` over copies of the broker's internal-topic
//!   segments, its newest metadata snapshot and a topic with a committed
//!   and an aborted transaction (all written by this test) gives the
//!   batches and records that Kafka's `DumpLogSegments` gives, field by
//!   field.

use kafka_wire::json::serde_json::{self, json, Value};
use kafka_wire::messages::stored::{GroupCoordinatorRecordType, TransactionCoordinatorRecordType};
use kafka_wire::records::{Compression, Record, RecordBatch};
use kafka_wire_cli::frames::Direction;
use kafka_wire_cli::proxy::{serve, ProxyEvent, ProxyOptions};
use kafka_wire_integration::async_client::{produce_fetch_commit, AsyncClient};
use kafka_wire_integration::dump_log_segments::{
    assert_batch_line, assert_record_line, copy_partition_files, dump_log_segments, dumped_content,
    expected_batch_line, screaming_snake,
};
use kafka_wire_integration::{create_topic, Connection};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

// The broker suites' flows: the dumps write their own records.
#[path = "../../integration/tests/flows/mod.rs"]
mod flows;

use bytes::Bytes;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests through scripts/test.sh"))
}

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kafka-wire"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kafka-wire-cli-{}-{name}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// tcpdump on the loopback interface, writing every packet as it comes.
struct Tcpdump {
    child: Child,
}

impl Tcpdump {
    fn start(port: u16, file: &Path) -> Tcpdump {
        let mut child = Command::new("tcpdump")
            // --immediate-mode: each packet as it arrives (without it the
            // kernel hands packets over in blocks, and the last block of a
            // capture is lost when tcpdump is stopped).
            .args(["-i", "lo", "--immediate-mode", "-U", "-s", "0", "-w"])
            .arg(file)
            .arg(format!("tcp port {port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump (scripts/ensure-tools.sh installs it)");
        // It prints "listening on lo ..." once it captures.
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.contains("listening on"), "tcpdump: {line}");
        Tcpdump { child }
    }

    /// Stops the capture: SIGTERM, on which tcpdump writes what it has and exits.
    fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let pid = self.child.id().to_string();
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
            let _ = self.child.wait();
        }
    }
}

/// A failed test stops tcpdump too.
impl Drop for Tcpdump {
    fn drop(&mut self) {
        self.terminate();
    }
}

fn run(what: &str, command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{what} failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    stdout
}

/// A frame as the proxy and the capture both give it: its api and
/// version, header, message and bytes (hex).
fn frame_key(api: Option<&str>, version: Option<i64>, header: &Value, message: &Value, hex: &str) -> String {
    json!({"api": api, "version": version, "header": header, "message": message, "bytes": hex}).to_string()
}

/// Frames by connection (its client's address) and direction (true for
/// requests), in the order they went.
type Streams = BTreeMap<(String, bool), Vec<String>>;

/// The proxy's events until both directions of every connection it
/// accepted have ended and a second has passed without another event (at
/// most 30 s: a client that never leaves fails the test instead of
/// hanging it).
fn until_every_connection_closed(received: &Receiver<ProxyEvent>) -> Vec<ProxyEvent> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut open: BTreeMap<usize, usize> = BTreeMap::new(); // connection -> directions still open
    let mut events = Vec::new();
    loop {
        let all_closed = !events.is_empty() && open.values().all(|&directions| directions == 0);
        let wait = if all_closed { Duration::from_secs(1) } else { deadline.saturating_duration_since(Instant::now()) };
        let event = match received.recv_timeout(wait) {
            Ok(event) => event,
            Err(_) if all_closed => return events,
            Err(_) => panic!("connections still open after 30 s (connection: directions open): {open:?}"),
        };
        match &event {
            ProxyEvent::Frame(frame) => {
                open.entry(frame.connection).or_insert(2);
            }
            ProxyEvent::Closed { connection, .. } => *open.entry(*connection).or_insert(2) -= 1,
        }
        events.push(event);
    }
}

#[test]
fn a_capture_of_real_clients_decodes_as_the_proxy_saw_it() {
    let proxy_address = env("KAFKA_WIRE_PROXY");
    let listener = TcpListener::bind(&proxy_address).unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = scratch("capture");
    let capture = dir.join("traffic.pcap");
    let tcpdump = Tcpdump::start(port, &capture);
    let (events, received) = channel();
    let upstream = env("KAFKA_WIRE_BROKER_PROXIED");
    std::thread::spawn(move || serve(listener, &upstream, events, ProxyOptions::default()));

    // This project's async client: topic, produce, fetch, commit.
    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let topic = format!("capture-{run_id}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mut client = AsyncClient::connect(&proxy_address).await.unwrap();
        produce_fetch_commit(&mut client, &topic, &format!("capture-group-{run_id}")).await.unwrap();
    });
    // librdkafka: metadata, an lz4 producer, a consumer (the flow above
    // deleted its topic: kcat gets its own).
    let topic = format!("capture-kcat-{run_id}");
    create_topic(&mut Connection::connect(&proxy_address).unwrap(), &topic, 1);
    let kcat = |args: &[&str]| {
        let mut c = Command::new("timeout");
        c.arg("60").arg("kcat").args(["-b", &proxy_address]).args(args);
        c
    };
    run("kcat -L", &mut kcat(&["-L"]));
    let input = dir.join("input.txt");
    std::fs::write(&input, "one\ntwo\nthree\n").unwrap();
    run("kcat produce", &mut kcat(&["-P", "-t", &topic, "-z", "lz4", "-l", input.to_str().unwrap()]));
    let consumed = run("kcat consume", &mut kcat(&["-C", "-t", &topic, "-o", "beginning", "-e", "-q"]));
    assert!(consumed.contains("three"), "{consumed}");
    // A client's last request can still be answered after the client has
    // left (kcat's closing Fetch waits out its long poll): the capture is
    // complete once both directions of every connection have ended.
    let events = until_every_connection_closed(&received);
    std::thread::sleep(Duration::from_millis(200)); // the last packets reach tcpdump
    tcpdump.stop();

    let mut proxied = Streams::new();
    let mut clients: BTreeMap<usize, String> = BTreeMap::new();
    let mut frames = 0;
    for event in events {
        match event {
            ProxyEvent::Frame(frame) => {
                // A frame the proxy could not forward (a client had left) is
                // not in the capture of the clients' side.
                if !frame.forwarded {
                    continue;
                }
                let report = &frame.report;
                assert!(frame.round_trips(), "{}", report.to_json());
                // The proxy names a connection "#<number> <client address>".
                let (number, client) = report.connection.split_once(' ').unwrap();
                assert_eq!(number, format!("#{}", frame.connection), "{}", report.connection);
                let client = clients.entry(frame.connection).or_insert_with(|| client.to_string()).clone();
                let (header, message) = (report.header.as_ref().unwrap(), report.message.as_ref().unwrap());
                let api = report.api.map(|a| a.name());
                let key = frame_key(api, report.version.map(i64::from), header, message, &hex::encode(&frame.bytes));
                proxied.entry((client, report.direction == Direction::Request)).or_default().push(key);
                frames += 1;
            }
            ProxyEvent::Closed { connection, direction, error } => {
                // A client may leave with a response still coming (kcat's
                // closing long poll): forwarding it then fails. Any other
                // end (a frame cut short, a size no Kafka frame has) is a
                // finding.
                let client_left = error.as_deref().is_some_and(|e| e.starts_with("forwarding failed"));
                assert!(error.is_none() || client_left, "connection {connection}, {direction:?}: {error:?}");
            }
        }
    }

    let output = cli().arg("decode").arg(&capture).args(["--json", "--frame-hex"]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "decode failed ({}): {stderr}\n{stdout}", output.status);
    let mut decoded = Streams::new();
    for line in stdout.lines() {
        let frame: Value = serde_json::from_str(line).unwrap();
        assert!(frame.get("error").is_none(), "{line}");
        let connection = frame["connection"].as_str().unwrap();
        let (client, server) = connection.split_once(" > ").unwrap_or_else(|| panic!("{connection}"));
        assert_eq!(server, proxy_address, "{line}");
        let key = frame_key(
            frame["api"].as_str(),
            frame["version"].as_i64(),
            &frame["header"],
            &frame["message"],
            frame["hex"].as_str().unwrap(),
        );
        decoded.entry((client.to_string(), frame["direction"] == "request")).or_default().push(key);
    }
    println!("capture: {frames} frames in {} connections, bytes and JSON as the proxy recorded them", clients.len());
    assert!(frames > 30, "{frames} frames proxied");
    assert!(clients.len() >= 4, "{} connections proxied", clients.len());
    assert_eq!(
        decoded.keys().collect::<Vec<_>>(),
        proxied.keys().collect::<Vec<_>>(),
        "the capture's connections and directions, and the proxy's ({stderr})"
    );
    for (stream, proxied) in &proxied {
        let decoded = &decoded[stream];
        if let Some(at) = (0..proxied.len().max(decoded.len())).find(|&i| proxied.get(i) != decoded.get(i)) {
            panic!(
                "{stream:?}: frame {at} of the capture ({} frames) is not what the proxy saw ({} frames)\n\
                 proxied: {:#?}\ncaptured: {:#?}",
                decoded.len(),
                proxied.len(),
                proxied.get(at),
                decoded.get(at)
            );
        }
    }

    // --records and --api: the produced values inside the Produce requests.
    let produce =
        run("decode --records", cli().arg("decode").arg(&capture).args(["--json", "--records", "--api", "produce"]));
    let values: Vec<String> = produce
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .inspect(|frame| assert_eq!(frame["api"], "Produce"))
        .flat_map(|frame| {
            let batches = frame.pointer("/message/topicData/0/partitionData/0/records").cloned().unwrap_or(json!([]));
            batches
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|b| b["records"].as_array().unwrap().clone())
                .collect::<Vec<_>>()
        })
        .map(|record| record["value"].as_str().unwrap_or_default().to_string())
        .collect();
    for value in ["one", "two", "three", "async value 0"] {
        assert!(values.iter().any(|v| v == value), "{value} in {values:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes what the dumps need into the broker, whatever ran before: a
/// classic group's offset commit, a committed and an aborted transaction
/// on a topic of its own, which it returns (the metadata log holds its
/// creation).
fn dump_flows() -> String {
    let mut conn = flows::connect();
    let topic = flows::unique("dump-topic");
    let topic_id = flows::create_topic(&mut conn, &topic, 1);
    let group = flows::unique("dump-group");
    flows::find_coordinator(&mut conn, &group, 0);
    let joined = flows::join_classic_group(&mut conn, &group);
    flows::commit_offset(&mut conn, &group, &joined, (&topic, topic_id), 7, "dump");
    for (committed, value) in [(true, "committed"), (false, "aborted")] {
        let batch = RecordBatch::from_records(
            Compression::None,
            [(1000, Record { value: Some(Bytes::from(value)), ..Default::default() })],
        );
        flows::ended_transaction(&mut conn, &flows::unique("dump-txn"), (&topic, topic_id), batch, committed);
    }
    topic
}

/// A record's key or value size from `dump-log --json`'s form of it
/// (`null`, text, or `{"base64": ..}`).
fn size_of(bytes: &Value) -> i64 {
    use base64::Engine;
    match bytes {
        Value::Null => -1,
        Value::String(text) => text.len() as i64,
        other => {
            let encoded = other["base64"].as_str().unwrap_or_else(|| panic!("not bytes: {other}"));
            base64::engine::general_purpose::STANDARD.decode(encoded).unwrap().len() as i64
        }
    }
}

/// What DumpLogSegments prints after a record's header keys, from
/// `dump-log --json`'s reading of it, parsed as [`dumped_content`] parses
/// theirs (a data record's as its text).
fn expected_content(decoder: &str, record: &Value, their_type: Option<i16>) -> Value {
    let decoded = &record["decoded"];
    if decoded.is_null() {
        let mut text = String::new();
        if !record["key"].is_null() {
            text.push_str(&format!("key: {} ", record["key"].as_str().unwrap()));
        }
        text.push_str(&format!("payload: {}", record["value"].as_str().unwrap()));
        return json!({"text": text});
    }
    if let Some(control) = decoded["control"].as_str() {
        return match control {
            "Commit" | "Abort" => json!({
                "endTxnMarker": control.to_uppercase(),
                "coordinatorEpoch": decoded["data"]["coordinatorEpoch"],
            }),
            name => json!({ name: decoded["data"] }),
        };
    }
    if decoded.get("key").is_some() {
        // DumpLogSegments prints the record type's id; we print its name:
        // they agree when the id names our type.
        let id = their_type.unwrap_or_else(|| panic!("no type in DumpLogSegments' key for {decoded}"));
        let name = match decoder {
            "--offsets-decoder" => GroupCoordinatorRecordType::from_id(id).map(|t| t.name()),
            "--transaction-log-decoder" => TransactionCoordinatorRecordType::from_id(id).map(|t| t.name()),
            _ => None,
        };
        assert_eq!(name, decoded["type"].as_str(), "record type {id}: {decoded}");
        let payload = match &decoded["value"] {
            Value::Null => json!("<DELETE>"),
            value => json!({"version": value["version"].to_string(), "data": value["data"]}),
        };
        return json!({"key": {"type": id.to_string(), "data": decoded["key"]}, "payload": payload});
    }
    json!({"payload": {
        "type": format!("{}_RECORD", screaming_snake(decoded["type"].as_str().unwrap())),
        "version": decoded["version"],
        "data": decoded["data"],
    }})
}

#[test]
fn dump_log_prints_the_records_that_dump_log_segments_prints() {
    let topic = dump_flows();
    let dir = scratch("dump-log");
    let decoders = [
        ("__consumer_offsets", "--offsets-decoder"),
        ("__transaction_state", "--transaction-log-decoder"),
        ("__cluster_metadata", "--cluster-metadata-decoder"),
        (topic.as_str(), ""),
    ];
    let mut markers: BTreeMap<String, usize> = BTreeMap::new();
    let mut consumer_protocol = 0;
    for (topic, decoder) in decoders {
        let files = copy_partition_files(topic, &dir);
        assert!(!files.is_empty(), "no files of {topic}");
        if topic == "__cluster_metadata" {
            assert!(files.iter().any(|f| f.extension().is_some_and(|e| e == "checkpoint")), "a snapshot");
        }
        let mut compared = 0;
        for file in &files {
            let theirs = dump_log_segments(std::slice::from_ref(file), decoder);
            let ours = run("dump-log", cli().arg("dump-log").arg(file).arg("--json"));
            let ours: Vec<Value> = ours.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            let their_batches = &theirs[0].1;
            assert_eq!(ours.len(), their_batches.len(), "{}: batches", file.display());
            for (our, their) in ours.iter().zip(their_batches) {
                let batch = &our["batch"];
                let at = format!("{} batch at {}", file.display(), batch["position"]);
                assert_batch_line(their, &expected_batch_line(batch), &at);
                let records = our["records"].as_array().unwrap();
                assert_eq!(records.len(), their.records.len(), "{at}: records");
                for (record, dumped) in records.iter().zip(&their.records) {
                    let at = format!("{at}, offset {}", record["offset"]);
                    let header_keys: Vec<&str> =
                        record["headers"].as_array().unwrap().iter().map(|h| h["key"].as_str().unwrap()).collect();
                    assert_record_line(
                        dumped,
                        batch,
                        record["offset"].as_i64().unwrap(),
                        record["timestamp"].as_i64(),
                        size_of(&record["key"]),
                        size_of(&record["value"]),
                        &header_keys,
                        &at,
                    );
                    let data_record = decoder.is_empty() && !dumped.content.starts_with("endTxnMarker: ");
                    let theirs = if data_record {
                        json!({"text": dumped.content.trim()})
                    } else {
                        dumped_content(&dumped.content)
                    };
                    let their_type = theirs.pointer("/key/type").and_then(Value::as_str).and_then(|t| t.parse().ok());
                    let mut ours = expected_content(decoder, record, their_type);
                    consumer_protocol += flows::consumer_protocol::read_members(&mut ours, &theirs);
                    assert_eq!(ours, theirs, "{at}: {}", dumped.content);
                    if let Some(marker) = theirs["endTxnMarker"].as_str() {
                        *markers.entry(format!("{topic}: {marker}")).or_default() += 1;
                    }
                    compared += 1;
                }
            }
        }
        println!("dump-log: {topic}: {} files, {compared} records agree with DumpLogSegments", files.len());
        assert!(compared > 0, "no records of {topic}");
    }
    println!("dump-log: transaction markers {markers:?}, {consumer_protocol} consumer-protocol fields read");
    // The flows' transactions, each ended by its marker; their classic
    // member's subscription and assignment.
    for marker in ["COMMIT", "ABORT"] {
        assert!(markers.contains_key(&format!("{topic}: {marker}")), "no {marker} marker in {topic}: {markers:?}");
    }
    assert!(consumer_protocol >= 2, "{consumer_protocol} consumer-protocol fields read");
    std::fs::remove_dir_all(&dir).unwrap();
}
