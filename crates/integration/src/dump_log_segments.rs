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
/// and what follows its header keys (the decoded key and payload, or the
/// control record).
#[derive(Debug)]
pub struct DumpedRecord {
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
        .arg(decoder)
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
    DumpedRecord {
        offset: line.split(' ').next().unwrap().parse().unwrap(),
        key_size: number(" keySize: ") as i32,
        value_size: number(" valueSize: ") as i32,
        content: line[content_at..].to_string(),
    }
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
