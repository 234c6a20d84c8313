//! The `kafka-wire` command on the real broker of scripts/test.sh:
//!
//! - clients (this project's async client, and librdkafka's kcat) talk to
//!   the broker through the recording proxy while tcpdump captures the
//!   proxy's port; `kafka-wire decode` reads the capture back, and every
//!   frame decodes to the JSON that the proxy printed for the same traffic;
//! - `kafka-wire dump-log` over copies of the broker's internal-topic
//!   segments and its newest metadata snapshot gives the batches and records
//!   that Kafka's `DumpLogSegments` gives.

use kafka_wire::json::serde_json::{self, json, Value};
use kafka_wire_cli::frames::Direction;
use kafka_wire_cli::proxy::{serve, ProxyEvent, ProxyOptions};
use kafka_wire_integration::async_client::{produce_fetch_commit, AsyncClient};
use kafka_wire_integration::dump_log_segments::{copy_partition_files, dump_log_segments, dumped_content};
use kafka_wire_integration::{create_topic, Connection};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

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

/// A frame as a multiset element: its direction, header and message.
fn key(request: bool, header: &Value, message: &Value) -> String {
    json!({"request": request, "header": header, "message": message}).to_string()
}

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

    let mut proxied: Vec<String> = Vec::new();
    for event in events {
        if let ProxyEvent::Frame(frame) = event {
            // A frame the proxy could not forward (a client had left) is
            // not in the capture of the clients' side.
            if !frame.forwarded {
                continue;
            }
            let report = &frame.report;
            assert!(frame.round_trips(), "{}", report.to_json());
            let (header, message) = (report.header.as_ref().unwrap(), report.message.as_ref().unwrap());
            proxied.push(key(report.direction == Direction::Request, header, message));
        }
    }

    let output = cli().arg("decode").arg(&capture).arg("--json").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "decode failed ({}): {stderr}\n{stdout}", output.status);
    let mut decoded: Vec<String> = Vec::new();
    for line in stdout.lines() {
        let frame: Value = serde_json::from_str(line).unwrap();
        assert!(frame.get("error").is_none(), "{line}");
        decoded.push(key(frame["direction"] == "request", &frame["header"], &frame["message"]));
    }
    assert!(proxied.len() > 30, "{} frames proxied", proxied.len());
    proxied.sort();
    decoded.sort();
    if decoded != proxied {
        let missing: Vec<_> = proxied.iter().filter(|f| !decoded.contains(f)).take(3).collect();
        let extra: Vec<_> = decoded.iter().filter(|f| !proxied.contains(f)).take(3).collect();
        panic!(
            "the capture ({} frames) does not decode to what the proxy saw ({} frames; {stderr})\n\
             proxied, not in the capture: {missing:#?}\nin the capture, not proxied: {extra:#?}",
            decoded.len(),
            proxied.len()
        );
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

/// Copies of the broker's internal-topic segments and newest metadata
/// snapshot, each with its DumpLogSegments decoder.
fn broker_files(into: &Path) -> Vec<(PathBuf, &'static str)> {
    let decoders = [
        ("__consumer_offsets", "--offsets-decoder"),
        ("__transaction_state", "--transaction-log-decoder"),
        ("__cluster_metadata", "--cluster-metadata-decoder"),
    ];
    decoders
        .iter()
        .flat_map(|&(topic, decoder)| copy_partition_files(topic, into).into_iter().map(move |f| (f, decoder)))
        .collect()
}

#[test]
fn dump_log_prints_the_records_that_dump_log_segments_prints() {
    let dir = scratch("dump-log");
    let files = broker_files(&dir);
    assert!(files.iter().any(|(f, _)| f.extension().is_some_and(|e| e == "checkpoint")), "a snapshot");
    let mut compared = 0;
    for (file, decoder) in &files {
        let theirs = dump_log_segments(std::slice::from_ref(file), decoder);
        let ours = run("dump-log", cli().arg("dump-log").arg(file).arg("--json"));
        let ours: Vec<Value> = ours.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let their_batches = &theirs[0].1;
        assert_eq!(ours.len(), their_batches.len(), "{}: batches", file.display());
        for (our, their) in ours.iter().zip(their_batches) {
            let at = format!("{} batch at {}", file.display(), our["batch"]["position"]);
            for (ours_name, theirs_name) in [
                ("baseOffset", "baseOffset"),
                ("lastOffset", "lastOffset"),
                ("count", "count"),
                ("position", "position"),
                ("size", "size"),
                ("crc", "crc"),
            ] {
                assert_eq!(our["batch"][ours_name].to_string(), their.field(theirs_name), "{at}: {ours_name}");
            }
            let records = our["records"].as_array().unwrap();
            assert_eq!(records.len(), their.records.len(), "{at}: records");
            for (record, dumped) in records.iter().zip(&their.records) {
                assert_eq!(record["offset"], json!(dumped.offset), "{at}");
                let theirs = their_data(&dumped_content(&dumped.content));
                let mut ours = decoded_data(&record["decoded"]);
                align_consumer_protocol(&mut ours, &theirs);
                assert_eq!(ours, theirs, "{at}: {}", dumped.content);
                compared += 1;
            }
        }
    }
    assert!(compared > 0);
    println!("dump-log: {} files, {compared} records agree with DumpLogSegments", files.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The data of a record as `dump-log --json` decodes it: the key's and
/// value's JSON (coordinator records), the record's (metadata), the
/// control record's.
fn decoded_data(decoded: &Value) -> Value {
    if decoded.get("key").is_some() {
        return json!([decoded["key"], decoded["value"].get("data").cloned().unwrap_or(Value::Null)]);
    }
    decoded["data"].clone()
}

/// The same from DumpLogSegments' output.
fn their_data(content: &Value) -> Value {
    if let Some(key) = content.get("key") {
        let value = match &content["payload"] {
            Value::String(_) => Value::Null, // <DELETE>
            payload => payload["data"].clone(),
        };
        return json!([key["data"], value]);
    }
    if let Some(payload) = content.get("payload") {
        return payload["data"].clone();
    }
    if content.get("endTxnMarker").is_some() {
        return json!({"coordinatorEpoch": content["coordinatorEpoch"]});
    }
    content.as_object().and_then(|o| o.values().next()).cloned().unwrap_or(Value::Null)
}

/// DumpLogSegments parses a classic consumer group member's subscription
/// and assignment when they are the consumer protocol's; we print the
/// bytes, as the schema has them. Take its reading where it made one.
fn align_consumer_protocol(ours: &mut Value, theirs: &Value) {
    let Some(their_members) = theirs.pointer("/1/members").and_then(Value::as_array).cloned() else { return };
    let Some(our_members) = ours.pointer_mut("/1/members").and_then(Value::as_array_mut) else { return };
    for (our, their) in our_members.iter_mut().zip(&their_members) {
        for field in ["subscription", "assignment"] {
            if let Some(parsed @ Value::Object(_)) = their.get(field) {
                our[field] = parsed.clone();
            }
        }
    }
}
