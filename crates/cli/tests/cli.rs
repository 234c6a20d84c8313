//! The `kafka-wire` command on inputs made here: captures (pcap and pcapng,
//! segments out of order and retransmitted), frames files and hex, log
//! files, and the bad inputs a user meets (a truncated capture, a stream
//! that is not Kafka, a damaged segment), each with its exit status.

use bytes::{Bytes, BytesMut};
use kafka_wire::json::serde_json::{self, Value};
use kafka_wire::messages::*;
use kafka_wire::records::{encode_batches, Compression, EncodeOptions, Record, RecordBatch};
use kafka_wire::{RequestFrame, ResponseFrame};
use std::path::PathBuf;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kafka-wire")).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_lines(output: &Output) -> Vec<Value> {
    stdout(output).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kafka-wire-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn metadata_request(correlation_id: i32) -> Bytes {
    let request = MetadataRequest { topics: None, allow_auto_topic_creation: true, ..Default::default() };
    RequestFrame::new(request, 12, correlation_id, Some("test-client")).to_bytes().unwrap()
}

fn metadata_response(correlation_id: i32) -> Bytes {
    let response = MetadataResponse { cluster_id: Some("c1".into()), controller_id: 1, ..Default::default() };
    ResponseFrame::new(response, 12, correlation_id).to_bytes().unwrap()
}

// ---- Captures, written here as tcpdump writes them ----

/// An Ethernet/IPv4/TCP packet.
fn packet(from: u16, to: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00]); // Ethernet, IPv4
    let total = 20 + 20 + payload.len();
    p.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0]);
    p.extend_from_slice(&[127, 0, 0, 1, 127, 0, 0, 1]);
    p.extend_from_slice(&from.to_be_bytes());
    p.extend_from_slice(&to.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&0u32.to_be_bytes()); // ack number
    p.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    p.extend_from_slice(payload);
    p
}

const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH_ACK: u8 = 0x18;

fn pcap(packets: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    out.extend_from_slice(&[2, 0, 4, 0]);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes()); // Ethernet
    for (i, p) in packets.iter().enumerate() {
        out.extend_from_slice(&(1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p);
    }
    out
}

fn pcapng(packets: &[Vec<u8>]) -> Vec<u8> {
    let block = |out: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let len = 12 + body.len().next_multiple_of(4);
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out.extend_from_slice(body);
        out.resize(out.len() + body.len().next_multiple_of(4) - body.len(), 0);
        out.extend_from_slice(&(len as u32).to_le_bytes());
    };
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b3c4du32.to_le_bytes());
    shb.extend_from_slice(&[1, 0, 0, 0]);
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    block(&mut out, 0x0a0d0d0a, &shb);
    let mut idb = Vec::new();
    idb.extend_from_slice(&1u16.to_le_bytes()); // Ethernet
    idb.extend_from_slice(&[0, 0]);
    idb.extend_from_slice(&0u32.to_le_bytes());
    block(&mut out, 1, &idb);
    for p in packets {
        let mut epb = Vec::new();
        let micros = 1_700_000_000_000_000u64; // the default resolution
        epb.extend_from_slice(&0u32.to_le_bytes()); // interface 0
        epb.extend_from_slice(&((micros >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(micros as u32).to_le_bytes());
        epb.extend_from_slice(&(p.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(p.len() as u32).to_le_bytes());
        epb.extend_from_slice(p);
        epb.resize(epb.len().next_multiple_of(4), 0);
        block(&mut out, 6, &epb);
    }
    out
}

/// A frame as it goes on the wire: `to_bytes` gives it with its size prefix.
fn wire(frame: &Bytes) -> Vec<u8> {
    frame.to_vec()
}

/// A conversation on port 9092: two Metadata requests and their responses,
/// the first request split in two segments that arrive out of order, one
/// retransmitted, and the responses answered in one segment.
fn conversation() -> Vec<Vec<u8>> {
    let (client, server) = (50000, 9092);
    let (r1, r2) = (wire(&metadata_request(1)), wire(&metadata_request(2)));
    let responses = [wire(&metadata_response(1)), wire(&metadata_response(2))].concat();
    let c = 1000u32; // the client's first sequence number
    let s = 5000u32;
    let half = r1.len() / 2;
    vec![
        packet(client, server, c - 1, SYN, b""),
        packet(server, client, s - 1, SYN | ACK, b""),
        packet(client, server, c + half as u32, PSH_ACK, &r1[half..]), // the second half first
        packet(client, server, c, PSH_ACK, &r1[..half]),
        packet(client, server, c, PSH_ACK, &r1[..half]), // a retransmission
        packet(client, server, c + r1.len() as u32, PSH_ACK, &r2),
        packet(server, client, s, PSH_ACK, &responses),
    ]
}

#[test]
fn a_capture_decodes_every_frame_with_its_request_s_version() {
    for (name, bytes) in [("pcap", pcap(&conversation())), ("pcapng", pcapng(&conversation()))] {
        let path = scratch(&format!("conversation.{name}"), &bytes);
        let output = cli(&["decode", path.to_str().unwrap(), "--json"]);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let frames = json_lines(&output);
        let summary: Vec<(String, i64)> = frames
            .iter()
            .map(|f| (f["direction"].as_str().unwrap().to_string(), f["correlation_id"].as_i64().unwrap()))
            .collect();
        let expected = [("request", 1), ("request", 2), ("response", 1), ("response", 2)];
        assert_eq!(summary, expected.map(|(d, i)| (d.to_string(), i)), "{name}");
        for frame in &frames {
            assert_eq!((frame["api"].as_str(), frame["version"].as_i64()), (Some("Metadata"), Some(12)), "{name}");
            assert_eq!(frame["connection"], "127.0.0.1:50000 > 127.0.0.1:9092");
        }
        assert_eq!(frames[0]["client_id"], "test-client");
        assert_eq!(frames[2]["message"]["clusterId"], "c1");
        assert!(frames[0]["time"].as_f64().unwrap() > 1.6e9, "{name}: the capture's time");
        // The same with the port given, and filtered by api and connection.
        let output = cli(&[
            "decode",
            path.to_str().unwrap(),
            "--json",
            "--port",
            "9092",
            "--api",
            "3",
            "--connection",
            ":50000",
        ]);
        assert_eq!(json_lines(&output).len(), 4);
        let output = cli(&["decode", path.to_str().unwrap(), "--json", "--api", "Fetch"]);
        assert!(output.status.success());
        assert!(json_lines(&output).is_empty());
    }
}

#[test]
fn a_response_whose_request_is_not_captured_is_reported_not_guessed() {
    let mut packets = conversation();
    packets.remove(5); // the second request
    packets[5] =
        packet(9092, 50000, 5000, PSH_ACK, &[wire(&metadata_response(1)), wire(&metadata_response(2))].concat());
    let output = cli(&["decode", scratch("unmatched.pcap", &pcap(&packets)).to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1), "a frame that did not decode is a failure");
    let frames = json_lines(&output);
    let last = frames.last().unwrap();
    assert!(last["error"].as_str().unwrap().contains("correlation id 2, whose request was not seen"), "{last}");
    assert!(last.get("message").is_none());
}

#[test]
fn api_versions_answered_at_v0_decodes_as_v0() {
    let request = RequestFrame::new(ApiVersionsRequest::default(), 3, 7, Some("c")).to_bytes().unwrap();
    let answer = ApiVersionsResponse { error_code: 35, ..Default::default() };
    let response = ResponseFrame::new(answer, 0, 7).to_bytes().unwrap();
    let packets = vec![
        packet(50001, 9092, 99, SYN, b""),
        packet(50001, 9092, 100, PSH_ACK, &wire(&request)),
        packet(9092, 50001, 500, PSH_ACK, &wire(&response)),
    ];
    let output = cli(&["decode", scratch("fallback.pcap", &pcap(&packets)).to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let frames = json_lines(&output);
    assert_eq!(frames[1]["version"], 0);
    assert_eq!(frames[1]["message"]["errorCode"], 35);
    assert!(frames[1]["note"].as_str().unwrap().contains("v0"));
}

#[test]
fn records_inside_produce_decode_with_records() {
    let batch = RecordBatch::from_records(
        Compression::Zstd,
        [(1, Record { value: Some(Bytes::from_static(b"hello")), ..Default::default() })],
    );
    let partition = produce_request::PartitionProduceData {
        index: 0,
        records: Some(encode_batches(&[batch], &EncodeOptions::default()).unwrap()),
        ..Default::default()
    };
    let topic =
        produce_request::TopicProduceData { name: "t".into(), partition_data: vec![partition], ..Default::default() };
    let request = ProduceRequest { acks: -1, topic_data: vec![topic], ..Default::default() };
    let frame = RequestFrame::new(request, 9, 1, Some("p")).to_bytes().unwrap();
    let output = cli(&["decode", "--hex", &hex::encode(&frame), "--records", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let frame = &json_lines(&output)[0];
    let records = &frame["message"]["topicData"][0]["partitionData"][0]["records"][0];
    assert_eq!(records["compression"], "zstd");
    assert_eq!(records["records"][0]["value"], "hello");
}

#[test]
fn frames_files_hex_and_responses_decode() {
    // Hex with and without the size prefix, on the command line and from a file.
    let request = metadata_request(4);
    for hex_text in [hex::encode(&request[4..]), hex::encode(wire(&request))] {
        let output = cli(&["decode", "--hex", &hex_text, "--json"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(json_lines(&output)[0]["correlation_id"], 4);
    }
    let path = scratch("frames.hex", format!("{}\n", hex::encode(wire(&request))).as_bytes());
    assert_eq!(json_lines(&cli(&["decode", path.to_str().unwrap(), "--hex-input", "--json"])).len(), 1);
    // A frames file of two responses.
    let file = [wire(&metadata_response(1)), wire(&metadata_response(2))].concat();
    let path = scratch("responses.bin", &file);
    let output = cli(&["decode", path.to_str().unwrap(), "--response-to", "Metadata:12", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let frames = json_lines(&output);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[1]["position"], format!("byte {}", file.len() / 2));
    // A readable line per frame without --json on a terminal; through a pipe, JSON.
    let output = cli(&["decode", path.to_str().unwrap(), "--response-to", "metadata:12"]);
    assert!(stdout(&output).starts_with('{'), "not a terminal: JSON lines");
}

#[test]
fn bad_inputs_give_clear_errors_and_exit_statuses() {
    // A capture cut inside a packet: the packets before it decode; the cut is reported.
    let whole = pcap(&conversation());
    let cut = scratch("cut.pcap", &whole[..whole.len() - 10]);
    let output = cli(&["decode", cut.to_str().unwrap(), "--json"]);
    assert!(stderr(&output).contains("the capture ends inside a packet"), "{}", stderr(&output));
    assert!(stderr(&output).contains("2 requests without a response"), "{}", stderr(&output));
    assert!(output.status.success(), "what the capture holds decodes");
    assert_eq!(json_lines(&output).len(), 2);

    // A stream that is not Kafka, on a port said to be Kafka's.
    let http =
        vec![packet(50002, 9092, 0, SYN, b""), packet(50002, 9092, 1, PSH_ACK, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")];
    let path = scratch("http.pcap", &pcap(&http));
    let output = cli(&["decode", path.to_str().unwrap(), "--port", "9092", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("not Kafka: a frame of 1195725856 bytes exceeds the maximum"),
        "{}",
        stdout(&output)
    );
    // Without the port, it is skipped as not Kafka.
    let output = cli(&["decode", path.to_str().unwrap(), "--json"]);
    assert!(output.status.success());
    assert!(stderr(&output).contains("(1 not Kafka)"), "{}", stderr(&output));

    // Not a capture, not frames; no such file; not hex; a bad api.
    let output = cli(&["decode", scratch("text.txt", b"hello world, no frames here").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is not a frame size"), "{}", stderr(&output));
    assert_eq!(cli(&["decode", "/no/such/file"]).status.code(), Some(2));
    assert_eq!(cli(&["decode", "--hex", "zz"]).status.code(), Some(2));
    let output = cli(&["decode", "--hex", "00", "--api", "NoSuchApi"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no api is called"));
    // A damaged pcapng block: the first packet's trailing length disagrees
    // with its leading one (the section header takes 28 bytes, the interface 20).
    let mut damaged = pcapng(&conversation());
    let first = 48;
    let length = u32::from_le_bytes(damaged[first + 4..first + 8].try_into().unwrap()) as usize;
    damaged[first + length - 4..first + length].copy_from_slice(&[1, 2, 3, 4]);
    let output = cli(&["decode", scratch("damaged.pcapng", &damaged).to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains(&format!("capture byte {first}: damaged block")), "{}", stderr(&output));
}

fn segment_bytes() -> Vec<u8> {
    let batches: Vec<RecordBatch> = [Compression::None, Compression::Gzip]
        .into_iter()
        .enumerate()
        .map(|(i, codec)| {
            let mut b = RecordBatch::from_records(
                codec,
                (0..2).map(|j| {
                    (1, Record { offset_delta: j, value: Some(Bytes::from(format!("v{i}{j}"))), ..Default::default() })
                }),
            );
            b.base_offset = i as i64 * 2;
            b
        })
        .collect();
    encode_batches(&batches, &EncodeOptions::default()).unwrap().to_vec()
}

#[test]
fn dump_log_prints_batches_and_records_and_reports_damage() {
    let data = segment_bytes();
    let path = scratch("00000000000000000000.log", &data);
    let output = cli(&["dump-log", path.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let batches = json_lines(&output);
    let values: Vec<&str> =
        batches.iter().flat_map(|b| b["records"].as_array().unwrap()).map(|r| r["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["v00", "v01", "v10", "v11"]);
    assert_eq!(batches[1]["batch"]["compression"], "gzip");
    let text = stdout(&cli(&["dump-log", path.to_str().unwrap(), "--batches-only"]));
    assert_eq!(text.lines().filter(|l| l.contains("offsets")).count(), 2, "{text}");

    // A segment being written: the last batch cut short is reported, not an error.
    let cut = scratch("cut.log", &data[..data.len() - 7]);
    let output = cli(&["dump-log", cut.to_str().unwrap(), "--json"]);
    assert!(output.status.success());
    assert_eq!(json_lines(&output).len(), 1);
    assert!(stderr(&output).contains("is cut short"), "{}", stderr(&output));

    // A damaged batch: named by file, position and batch; exit status 1.
    let mut damaged = data.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    let path = scratch("damaged.log", &damaged);
    let output = cli(&["dump-log", path.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("damaged.log: byte"), "{}", stderr(&output));
    assert!(stderr(&output).contains("batch 1"), "{}", stderr(&output));
}

#[test]
fn dump_log_decodes_an_internal_topic_by_its_directory() {
    let key = kafka_wire::messages::stored::GroupCoordinatorKey::OffsetCommit(OffsetCommitKey {
        group: "g".into(),
        topic: "orders".into(),
        partition: 0,
    });
    let mut key_bytes = BytesMut::new();
    key.write_record_key(&mut key_bytes).unwrap();
    let record = Record { key: Some(key_bytes.freeze()), value: None, ..Default::default() };
    let data = RecordBatch::from_records(Compression::None, [(1, record)]).to_bytes(&EncodeOptions::default()).unwrap();
    let dir = std::env::temp_dir().join(format!("kafka-wire-cli-test-{}/__consumer_offsets-7", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("00000000000000000000.log");
    std::fs::write(&path, &data).unwrap();
    let batches = json_lines(&cli(&["dump-log", path.to_str().unwrap(), "--json"]));
    let decoded = &batches[0]["records"][0]["decoded"];
    assert_eq!(decoded["type"], "OffsetCommit");
    assert_eq!(decoded["key"]["topic"], "orders");
    assert_eq!(decoded["value"], Value::Null, "a tombstone");
    // --decoder none leaves it as bytes.
    let batches = json_lines(&cli(&["dump-log", path.to_str().unwrap(), "--json", "--decoder", "none"]));
    assert!(batches[0]["records"][0].get("decoded").is_none());
}

#[test]
fn encode_writes_what_decode_reads() {
    let json = r#"{"topics":[{"name":"orders","topicId":"AAAAAAAAAAAAAAAAAAAAAA"}],"allowAutoTopicCreation":false,"includeTopicAuthorizedOperations":false}"#;
    let output = cli(&["encode", "Metadata", "12", json, "--frame", "--correlation-id", "9", "--client-id", "me"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let hex_text = stdout(&output).trim().to_string();
    let frames = json_lines(&cli(&["decode", "--hex", &hex_text, "--json"]));
    assert_eq!(frames[0]["correlation_id"], 9);
    assert_eq!(frames[0]["message"]["topics"][0]["name"], "orders");
    // The body alone, of a response.
    let output = cli(&["encode", "ApiVersions", "0", r#"{"errorCode":35,"apiKeys":[]}"#, "--response"]);
    assert_eq!(stdout(&output).trim(), "002300000000");
    // A version the api does not have; JSON that is not the message.
    let output = cli(&["encode", "Metadata", "99", "{}"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("Metadata has versions 0-13"), "{}", stderr(&output));
    assert_eq!(cli(&["encode", "Metadata", "12", r#"{"topics": 5}"#]).status.code(), Some(2));
}

#[test]
fn apis_lists_every_api_with_its_releases() {
    let output = cli(&["apis", "--json"]);
    let apis = json_lines(&output);
    assert_eq!(apis.len(), kafka_wire::ApiKey::ALL.len());
    let produce = apis.iter().find(|a| a["api"] == "Produce").unwrap();
    // What each release's broker offers: 4.x still advertises Produce v0-2.
    assert_eq!(produce["releases"]["4.4.0"], "0-13");
    assert_eq!(produce["releases"]["3.9.1"], "0-11");
    assert_eq!(produce["releases"]["0.8.0"], "0");
    assert_eq!(produce["releases"].as_object().unwrap().len(), kafka_wire::KafkaRelease::ALL.len());
    let text = stdout(&cli(&["apis"]));
    assert!(text.contains("Produce") && text.contains("4.4.0 0-13"), "{text}");

    // One release: its default mode's offer, its definitions, each mode.
    let one = json_lines(&cli(&["apis", "--release", "4.0.0", "--json"]));
    let produce = one.iter().find(|a| a["api"] == "Produce").unwrap();
    assert_eq!(produce["releases"], serde_json::json!({"4.0.0": "0-12"}));
    assert_eq!(produce["defined"], "3-12");
    assert_eq!(produce["advertised"], serde_json::json!({"kraft": "0-12"}));
    let text = stdout(&cli(&["apis", "--release", "2.8.0"]));
    assert!(text.starts_with("Kafka 2.8.0: default mode ZooKeeper"), "{text}");
    let unknown = cli(&["apis", "--release", "2.8.9"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("\"2.8.9\" is not a Kafka release"), "{}", stderr(&unknown));
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["decode", "dump-log", "encode", "apis"] {
        let output = cli(&[sub, "--help"]);
        assert!(output.status.success(), "{sub}");
        assert!(stdout(&output).contains("Usage: kafka-wire"), "{sub}");
    }
    for args in [&["--help"][..], &["decode", "--help"], &["dump-log", "--help"]] {
        assert!(stdout(&cli(args)).contains("Exit status: 0 when everything decoded; 1 when"), "{args:?}");
    }
    assert_eq!(cli(&["no-such-command"]).status.code(), Some(2));
}

/// Every byte of a capture damaged in turn: the reader and the decoder
/// report what they cannot read and never panic.
#[test]
fn a_capture_damaged_anywhere_never_panics() {
    use kafka_wire_cli::capture::CaptureReader;
    use kafka_wire_cli::traffic::{Traffic, TrafficOptions};
    for bytes in [pcap(&conversation()), pcapng(&conversation())] {
        for at in 0..bytes.len() {
            // Every flip in the headers, one everywhere else (each run reads
            // through a 1 MiB buffer: the test stays quick).
            let flips: &[u8] = if at < 64 { &[0x01, 0x80, 0xff] } else { &[0xff] };
            for &flip in flips {
                let mut damaged = bytes.clone();
                damaged[at] ^= flip;
                let Ok(mut reader) = CaptureReader::new(std::io::Cursor::new(damaged)) else { continue };
                let mut traffic = Traffic::new(TrafficOptions { ports: Vec::new(), records: true, frame_hex: false });
                let mut frames = 0;
                while let Ok(Some(segment)) = reader.next_segment() {
                    traffic.push(&segment, &mut |_| frames += 1);
                }
                traffic.finish(&mut |_| frames += 1);
                assert!(frames <= 16, "byte {at}: {frames} frames from a capture of 4");
            }
        }
    }
}

#[test]
fn a_closed_connection_is_reported_when_it_closes() {
    const FIN_ACK: u8 = 0x11;
    const RST: u8 = 0x04;
    // Closed both ways after the conversation: nothing left over.
    let mut packets = conversation();
    packets.push(packet(50000, 9092, 2000, FIN_ACK, b""));
    packets.push(packet(9092, 50000, 6000, FIN_ACK, b""));
    let output = cli(&["decode", scratch("closed.pcap", &pcap(&packets)).to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(json_lines(&output).len(), 4);
    assert!(stderr(&output).contains("0 requests without a response"), "{}", stderr(&output));
    // Reset in the middle of a request: the frame cut short is reported at once.
    let request = wire(&metadata_request(1));
    let packets = vec![
        packet(50003, 9092, 0, SYN, b""),
        packet(50003, 9092, 1, PSH_ACK, &request[..10]),
        packet(9092, 50003, 0, RST, b""),
    ];
    let output = cli(&["decode", scratch("reset.pcap", &pcap(&packets)).to_str().unwrap(), "--json", "--port", "9092"]);
    assert_eq!(output.status.code(), Some(1));
    let frames = json_lines(&output);
    assert_eq!(frames.len(), 1);
    assert!(frames[0]["error"].as_str().unwrap().contains("ends inside a frame (10 bytes"), "{}", frames[0]);
}

/// A Produce with acks=0 gets no response: it is not counted as
/// unanswered, and the response after it answers the next request.
#[test]
fn a_produce_with_acks_0_expects_no_response() {
    let fire_and_forget = ProduceRequest { acks: 0, timeout_ms: 1000, ..Default::default() };
    let produce = RequestFrame::new(fire_and_forget, 9, 1, Some("c")).to_bytes().unwrap();
    let (metadata, answer) = (wire(&metadata_request(2)), wire(&metadata_response(2)));
    let requests = [wire(&produce), metadata].concat();
    let packets = vec![
        packet(50004, 9092, 99, SYN, b""),
        packet(50004, 9092, 100, PSH_ACK, &requests),
        packet(9092, 50004, 500, PSH_ACK, &answer),
    ];
    let output = cli(&["decode", scratch("acks0.pcap", &pcap(&packets)).to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let frames = json_lines(&output);
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[2]["api"], "Metadata");
    assert!(frames.iter().all(|f| f.get("error").is_none()), "{frames:?}");
    assert!(stderr(&output).contains("0 requests without a response"), "{}", stderr(&output));
}

/// `kafka-wire proxy` between a client and a stand-in broker: the bytes
/// pass unchanged both ways, and each frame is reported as `decode`
/// reports it, with the re-encoding checked.
#[test]
fn the_proxy_command_forwards_and_reports_every_frame() {
    for mode in [None, Some("--async")] {
        proxy_one_exchange(mode);
    }
}

fn proxy_one_exchange(mode: Option<&str>) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    let broker = TcpListener::bind("127.0.0.1:0").unwrap();
    let broker_address = broker.local_addr().unwrap().to_string();
    let mut proxy = std::process::Command::new(env!("CARGO_BIN_EXE_kafka-wire"))
        .args(["proxy", "127.0.0.1:0", &broker_address, "--json"])
        .args(mode)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Its first line on standard error names the port it picked.
    // (Kept open to the end: the proxy may report more there.)
    let (mut errors, mut banner) = (BufReader::new(proxy.stderr.take().unwrap()), String::new());
    errors.read_line(&mut banner).unwrap();
    let listen = banner.split_whitespace().nth(1).expect("proxying ADDRESS -> BROKER").to_string();
    let stand_in = std::thread::spawn(move || {
        let (mut socket, _) = broker.accept().unwrap();
        let mut request = vec![0; metadata_request(1).len()];
        socket.read_exact(&mut request).unwrap();
        socket.write_all(&metadata_response(1)).unwrap();
        request
    });
    let mut client = TcpStream::connect(&listen).unwrap();
    client.write_all(&metadata_request(1)).unwrap();
    let mut response = vec![0; metadata_response(1).len()];
    client.read_exact(&mut response).unwrap();
    assert_eq!(response, metadata_response(1).to_vec(), "{mode:?}: the response passes unchanged");
    assert_eq!(stand_in.join().unwrap(), metadata_request(1).to_vec(), "{mode:?}: the request passes unchanged");

    let mut lines = BufReader::new(proxy.stdout.take().unwrap()).lines();
    let mut frames = Vec::new();
    while frames.len() < 2 {
        let line = lines.next().expect("a report per frame").unwrap();
        frames.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    proxy.kill().unwrap();
    proxy.wait().unwrap();
    drop(errors);
    // The two directions report independently: either may come first.
    frames.sort_by_key(|frame| frame["direction"] != "request");
    for (frame, direction) in frames.iter().zip(["request", "response"]) {
        assert_eq!(frame["direction"], direction, "{mode:?}: {frame}");
        assert_eq!((frame["api"].as_str(), frame["version"].as_i64()), (Some("Metadata"), Some(12)), "{frame}");
        assert_eq!(frame["reencoded"], "identical", "{mode:?}: {frame}");
    }
    assert_eq!(frames[1]["message"]["clusterId"], "c1");
}

/// An ApiVersions response listing what `release`'s broker advertises in
/// KRaft mode, with `change` applied.
fn api_versions_response(
    release: kafka_wire::KafkaRelease,
    change: impl Fn(&mut Vec<api_versions_response::ApiVersion>),
) -> Bytes {
    let mut api_keys: Vec<api_versions_response::ApiVersion> = kafka_wire::ApiKey::ALL
        .iter()
        .filter_map(|&api| {
            let r = api.advertised_in(release, kafka_wire::BrokerMode::KRaft)?;
            (!r.is_empty()).then_some(api_versions_response::ApiVersion {
                api_key: api.key(),
                min_version: r.min,
                max_version: r.max,
                ..Default::default()
            })
        })
        .collect();
    change(&mut api_keys);
    ResponseFrame::new(ApiVersionsResponse { api_keys, ..Default::default() }, 3, 1).to_bytes().unwrap()
}

#[test]
fn decode_names_the_broker_release_of_each_api_versions_response() {
    use kafka_wire::KafkaRelease;
    let request = RequestFrame::new(ApiVersionsRequest::default(), 3, 1, Some("test-client")).to_bytes().unwrap();
    let capture = |response: Bytes| {
        let packets = vec![
            packet(50000, 9092, 1000, SYN, &[]),
            packet(50000, 9092, 1001, PSH_ACK, &wire(&request)),
            packet(9092, 50000, 5001, PSH_ACK, &wire(&response)),
        ];
        pcap(&packets)
    };
    // Exactly 3.7.0's table: the guess is 3.7.0 and the releases that speak alike.
    let exact = scratch("release.pcap", &capture(api_versions_response(KafkaRelease::V3_7_0, |_| {})));
    let output = cli(&["decode", exact.to_str().unwrap(), "--json"]);
    let frames = json_lines(&output);
    let releases: Vec<&str> =
        frames[1]["broker_releases"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(releases.contains(&"3.7.0"), "{releases:?}");
    for r in &releases {
        let r: KafkaRelease = r.parse().unwrap();
        assert_eq!(r.same_protocol_as(), KafkaRelease::V3_7_0.same_protocol_as(), "{releases:?}");
    }
    assert!(frames[1].get("broker_release_differences").is_none());
    assert!(stderr(&output).contains("broker Kafka 3.7.0"), "{}", stderr(&output));
    // One api beyond it (a broker with unstable versions enabled): the
    // nearest release, and the difference.
    let beyond = capture(api_versions_response(KafkaRelease::V3_7_0, |keys| keys[1].max_version += 1));
    let output = cli(&["decode", scratch("nearest.pcap", &beyond).to_str().unwrap(), "--json"]);
    let frames = json_lines(&output);
    let differences = frames[1]["broker_release_differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{}", frames[1]);
    assert!(differences[0].as_str().unwrap().starts_with("Fetch: release 0-16, broker 0-17"), "{differences:?}");
    assert!(stderr(&output).contains("broker nearest Kafka 3.7"), "{}", stderr(&output));
}
