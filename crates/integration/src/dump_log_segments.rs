//! Kafka's own `DumpLogSegments` (`kafka-dump-log.sh`), run from the test
//! broker's jars, and its output parsed: batches with their fields, records
//! with their sizes and decoded content as JSON. The stored-records tests
//! compare our reading of the same files with it, over copies of the test
//! broker's files (`copy_partition_files`).

use kafka_wire::json::serde_json::{json, Deserializer, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A batch as DumpLogSegments prints it.
#[derive(Debug, Default)]
pub struct DumpedBatch {
    /// The batch line's `name: value` pairs.
    pub fields: Vec<(String, String)>,
    /// Its records.
    pub records: Vec<DumpedRecord>,
}

impl DumpedBatch {
    /// A field of the batch line, by name.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {self:?}"))
    }
}

/// A record as DumpLogSegments prints it: its offset, key and value sizes,
/// its line's other `name: value` pairs up to its header keys, and what
/// follows them (the decoded key and payload, or the control record).
#[derive(Debug)]
pub struct DumpedRecord {
    /// The line's `name: value` pairs before the header keys (offset,
    /// timestamp, sizes, sequence).
    pub fields: Vec<(String, String)>,
    /// The header keys, in order.
    pub header_keys: Vec<String>,
    /// The record's offset.
    pub offset: i64,
    /// Its key's size (-1 for null).
    pub key_size: i32,
    /// Its value's size (-1 for null).
    pub value_size: i32,
    /// What follows its header keys.
    pub content: String,
}

/// The files DumpLogSegments dumped, in order, with their batches.
pub fn dump_log_segments(files: &[PathBuf], decoder: &str) -> Vec<(String, Vec<DumpedBatch>)> {
    let libs = std::env::var("KAFKA_WIRE_BROKER_LIBS")
        .expect("KAFKA_WIRE_BROKER_LIBS is not set: run through scripts/test.sh");
    let joined: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let output = Command::new("java")
        .args([
            "-cp",
            &format!("{libs}/*"),
            "org.apache.kafka.tools.DumpLogSegments",
            "--deep-iteration",
            "--print-data-log",
        ])
        // No decoder (""): a data topic's records as text.
        .args(Some(decoder).filter(|d| !d.is_empty()))
        .args(["--files", &joined.join(",")])
        .output()
        .expect("run java");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "DumpLogSegments failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    parse_dump(&stdout)
}

fn parse_dump(stdout: &str) -> Vec<(String, Vec<DumpedBatch>)> {
    let mut files: Vec<(String, Vec<DumpedBatch>)> = Vec::new();
    for line in stdout.lines() {
        if let Some(file) = line.strip_prefix("Dumping ") {
            files.push((file.to_string(), Vec::new()));
        } else if line.starts_with("baseOffset: ") {
            let tokens: Vec<&str> = line.split(' ').collect();
            let fields = tokens
                .chunks(2)
                .map(|kv| (kv[0].trim_end_matches(':').to_string(), kv.get(1).unwrap_or(&"").to_string()));
            files.last_mut().unwrap().1.push(DumpedBatch { fields: fields.collect(), records: Vec::new() });
        } else if let Some(record) = line.strip_prefix("| offset: ") {
            files.last_mut().unwrap().1.last_mut().unwrap().records.push(parse_record(record));
        }
    }
    files
}

fn parse_record(line: &str) -> DumpedRecord {
    let number = |name: &str| -> i64 {
        let at = line.find(name).unwrap_or_else(|| panic!("no {name} in {line}")) + name.len();
        line[at..].split(' ').next().unwrap().parse().unwrap()
    };
    let headers = line.find("headerKeys: [").unwrap();
    let content_at = headers + line[headers..].find("] ").unwrap() + 2;
    let prefix = format!("offset: {}", &line[..headers]);
    let words: Vec<&str> = prefix.split_whitespace().collect();
    let fields =
        words.chunks(2).map(|kv| (kv[0].trim_end_matches(':').to_string(), kv.get(1).unwrap_or(&"").to_string()));
    let keys = &line[headers + "headerKeys: [".len()..content_at - 2];
    DumpedRecord {
        fields: fields.collect(),
        header_keys: keys.split(',').map(str::trim).filter(|k| !k.is_empty()).map(String::from).collect(),
        offset: line.split(' ').next().unwrap().parse().unwrap(),
        key_size: number(" keySize: ") as i32,
        value_size: number(" valueSize: ") as i32,
        content: line[content_at..].to_string(),
    }
}

/// What DumpLogSegments prints on a v2 batch's line, from our reading of
/// the batch (in the form `kafka-wire dump-log --json` gives it: the
/// header's fields by their JSON names, its position and size).
pub fn expected_batch_line(ours: &Value) -> Vec<(String, String)> {
    let int = |name: &str| ours[name].as_i64().unwrap_or_else(|| panic!("no {name} in {ours}"));
    let base_sequence = int("baseSequence");
    let last_delta = int("lastOffset") - int("baseOffset");
    let last_sequence = if base_sequence < 0 { -1 } else { increment_sequence(base_sequence, last_delta) };
    // The delete horizon is the base timestamp when its attribute is set.
    let delete_horizon = match ours["deleteHorizon"].as_bool() {
        Some(true) => format!("OptionalLong[{}]", int("baseTimestamp")),
        _ => "OptionalLong.empty".to_string(),
    };
    let text = |name: &str| ours[name].to_string().trim_matches('"').to_string();
    [
        ("baseOffset", text("baseOffset")),
        ("lastOffset", text("lastOffset")),
        ("count", text("count")),
        ("baseSequence", base_sequence.to_string()),
        ("lastSequence", last_sequence.to_string()),
        ("producerId", text("producerId")),
        ("producerEpoch", text("producerEpoch")),
        ("partitionLeaderEpoch", text("partitionLeaderEpoch")),
        ("isTransactional", text("isTransactional")),
        ("isControl", text("isControl")),
        ("deleteHorizonMs", delete_horizon),
        ("position", text("position")),
        (&text("timestampType"), text("maxTimestamp")),
        ("size", text("size")),
        ("magic", text("magic")),
        ("compresscodec", text("compression")),
        ("crc", text("crc")),
        ("isvalid", "true".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Kafka's `DefaultRecordBatch.incrementSequence`: sequences wrap at i32::MAX.
pub fn increment_sequence(sequence: i64, increment: i64) -> i64 {
    if sequence > i32::MAX as i64 - increment {
        increment - (i32::MAX as i64 - sequence) - 1
    } else {
        sequence + increment
    }
}

/// Asserts that DumpLogSegments' batch line holds exactly `expected`
/// (every field it printed, each with the value we read).
pub fn assert_batch_line(dumped: &DumpedBatch, expected: &[(String, String)], at: &str) {
    let names = |fields: &[(String, String)]| fields.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(names(&dumped.fields), names(expected), "{at}: the fields of the batch line");
    for ((name, theirs), (_, ours)) in dumped.fields.iter().zip(expected) {
        assert_eq!(theirs, ours, "{at}: {name}");
    }
}

/// What DumpLogSegments prints on a record's line before its content, from
/// our reading: offset, timestamp (by the batch's timestamp type), key and
/// value sizes, sequence (the batch's base sequence plus the record's
/// offset delta, -1 without one) and header keys; asserts it printed
/// exactly that.
#[allow(clippy::too_many_arguments)]
pub fn assert_record_line(
    dumped: &DumpedRecord,
    batch: &Value,
    offset: i64,
    timestamp: Option<i64>,
    key_size: i64,
    value_size: i64,
    header_keys: &[&str],
    at: &str,
) {
    let base_sequence = batch["baseSequence"].as_i64().unwrap();
    let delta = offset - batch["baseOffset"].as_i64().unwrap();
    let sequence = if base_sequence < 0 { -1 } else { increment_sequence(base_sequence, delta) };
    let timestamp_type = batch["timestampType"].as_str().unwrap().to_string();
    let expected: Vec<(String, String)> = [
        ("offset".to_string(), offset.to_string()),
        (timestamp_type, timestamp.map_or("-1".to_string(), |t| t.to_string())),
        ("keySize".to_string(), key_size.to_string()),
        ("valueSize".to_string(), value_size.to_string()),
        ("sequence".to_string(), sequence.to_string()),
    ]
    .into();
    assert_eq!(dumped.fields, expected, "{at}: the record line");
    assert_eq!(dumped.header_keys, header_keys, "{at}: header keys");
}

/// A camel-case name in capitals and underscores (`PartitionChange` →
/// `PARTITION_CHANGE`), as DumpLogSegments prints metadata record types.
pub fn screaming_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The first JSON value in `text`, and what follows it.
pub fn json_prefix(text: &str) -> (Value, &str) {
    let mut values = Deserializer::from_str(text).into_iter::<Value>();
    let value = values.next().unwrap_or_else(|| panic!("no JSON in {text}")).unwrap();
    (value, &text[values.byte_offset()..])
}

/// A record's content as JSON: `{"key": .., "payload": ..}` for a decoded
/// record (`"<DELETE>"` for a tombstone), `{"payload": ..}` for a metadata
/// record, `{name: json}` for a KRaft control record, and
/// `{"endTxnMarker": .., "coordinatorEpoch": ..}` for a transaction marker.
pub fn dumped_content(content: &str) -> Value {
    if let Some(marker) = content.strip_prefix("endTxnMarker: ") {
        let (kind, epoch) = marker.split_once(" coordinatorEpoch: ").unwrap();
        return json!({"endTxnMarker": kind, "coordinatorEpoch": epoch.trim().parse::<i64>().unwrap()});
    }
    if let Some(rest) = content.strip_prefix("key: ") {
        let (key, rest) = json_prefix(rest);
        let payload = rest.trim_start().strip_prefix("payload: ").unwrap_or_else(|| panic!("no payload in {content}"));
        let payload = if payload.trim() == "<DELETE>" { json!("<DELETE>") } else { json_prefix(payload).0 };
        return json!({"key": key, "payload": payload});
    }
    if let Some(payload) = content.strip_prefix("payload: ") {
        return json!({"payload": json_prefix(payload).0});
    }
    // A KRaft control record: its name, then its JSON.
    let brace = content.find('{').unwrap_or_else(|| panic!("unrecognised record content: {content}"));
    let name = content[..brace].trim().trim_end_matches(':');
    json!({ name: json_prefix(&content[brace..]).0 })
}

/// The test broker's data directory (from its broker.env).
pub fn broker_data_dir() -> PathBuf {
    let broker =
        std::env::var("KAFKA_WIRE_BROKER_DIR").expect("KAFKA_WIRE_BROKER_DIR is not set: run through scripts/test.sh");
    Path::new(&broker).join("data")
}

/// The files of `dir` with this extension, sorted by name (for segments
/// and snapshots, by offset).
pub fn files_with(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// Copies the segments and the newest snapshot of every partition
/// directory of `topic` in the broker's data directory into `into` (the
/// same directory names), so that both readers see the same bytes while
/// the broker writes on. Returns the copies, sorted.
pub fn copy_partition_files(topic: &str, into: &Path) -> Vec<PathBuf> {
    let mut copies = Vec::new();
    for entry in std::fs::read_dir(broker_data_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        if !name.rsplit_once('-').is_some_and(|(t, p)| t == topic && p.parse::<u32>().is_ok()) {
            continue;
        }
        let target = into.join(&name);
        std::fs::create_dir_all(&target).unwrap();
        // The broker writes a snapshot every few seconds: the newest is enough.
        let newest_snapshot = files_with(&dir, "checkpoint").pop();
        for file in files_with(&dir, "log").into_iter().chain(newest_snapshot) {
            let copy = target.join(file.file_name().unwrap());
            std::fs::copy(&file, &copy).unwrap();
            copies.push(copy);
        }
    }
    copies.sort();
    copies
}
