//! `kafka-wire dump-log`: log segments and KRaft snapshots, batch by batch
//! and record by record, the records of Kafka's internal topics decoded.

use crate::output::{progress, Format, Printer};
use crate::records::{batch_json, bytes_json, record_json};
use anyhow::Result;
use kafka_wire::json::serde_json::json;
use kafka_wire::json::{ToJson, Value};
use kafka_wire::log::{InternalTopic, LogBatch, LogError, LogReader, LogRecord, SnapshotId, StoredEntry, StoredRecord};
use kafka_wire::records::{ControlRecord, RecordSetEntry};
use std::path::{Path, PathBuf};

/// How a file's records are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// From the file's partition directory: an internal topic's records
    /// decoded, any other topic's shown as they are.
    Auto,
    /// Keys and values as they are.
    None,
    /// As this internal topic stores them.
    Topic(InternalTopic),
}

pub struct DumpArgs {
    pub files: Vec<PathBuf>,
    pub decoder: Decoder,
    /// Batches only, not their records.
    pub batches_only: bool,
    pub format: Format,
}

/// What a dump found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub batches: u64,
    pub records: u64,
    /// Files that had a damaged batch or record.
    pub failed_files: u64,
}

pub fn run(args: &DumpArgs) -> Result<Outcome> {
    let mut printer = Printer::new(args.format);
    let mut outcome = Outcome::default();
    for file in &args.files {
        let topic = match args.decoder {
            Decoder::Auto => InternalTopic::from_path(file),
            Decoder::None => None,
            Decoder::Topic(topic) => Some(topic),
        };
        if let Err(e) = dump_file(file, topic, args, &mut printer, &mut outcome) {
            printer.flush().ok();
            eprintln!("{e}");
            outcome.failed_files += 1;
        }
    }
    printer.flush().ok();
    Ok(outcome)
}

fn dump_file(
    file: &Path,
    topic: Option<InternalTopic>,
    args: &DumpArgs,
    printer: &mut Printer,
    outcome: &mut Outcome,
) -> Result<(), LogError> {
    let text = args.format == Format::Summary;
    if text {
        let decoder = topic.map_or("none".to_string(), |t| t.name().to_string());
        let _ = printer.line(&format!("{} (decoder: {decoder})", file.display()));
        if let Some(id) = SnapshotId::from_path(file) {
            let _ = printer.line(&format!("snapshot up to offset {}, epoch {}", id.end_offset, id.epoch));
        }
    }
    let bar = progress(std::fs::metadata(file).ok().map(|m| m.len()));
    let mut reader = LogReader::open(file)?;
    for batch in reader.by_ref() {
        let batch = batch?;
        outcome.batches += 1;
        bar.set_position(batch.position + batch.size());
        let records = if args.batches_only { Vec::new() } else { decoded_records(&batch, topic)? };
        outcome.records += records.len() as u64;
        if text {
            let _ = printer.line(&batch_line(&batch));
            for (record, decoded) in &records {
                let _ = printer.line(&record_line(record, decoded.as_ref()));
            }
        } else {
            let mut json = json!({"file": file.display().to_string(), "batch": batch_json(&batch)});
            if !args.batches_only {
                json["records"] = records
                    .iter()
                    .map(|(record, decoded)| {
                        let mut r = record_json(record);
                        if let Some(decoded) = decoded {
                            r["decoded"] = decoded_json(decoded);
                        }
                        r
                    })
                    .collect();
            }
            let _ = printer.line(&json.to_string());
        }
    }
    bar.finish_and_clear();
    if let Some(tail) = reader.truncated_tail() {
        let declared = tail.declared.map_or(String::new(), |d| format!(" of {d}"));
        eprintln!(
            "{}: the last batch, at byte {}, is cut short ({}{declared} bytes): a segment being written?",
            file.display(),
            tail.position,
            tail.bytes
        );
    }
    Ok(())
}

/// The batch's records, each with its decoding when the topic has one.
fn decoded_records(
    batch: &LogBatch,
    topic: Option<InternalTopic>,
) -> Result<Vec<(LogRecord, Option<StoredEntry>)>, LogError> {
    match topic {
        Some(topic) => Ok(batch.stored_records(topic)?.into_iter().map(|(r, e)| (r, Some(e))).collect()),
        None if batch.is_control() => Ok(batch
            .records()?
            .into_iter()
            .map(|r| {
                let control = r.control_record().ok().map(StoredEntry::Control);
                (r, control)
            })
            .collect()),
        None => Ok(batch.records()?.into_iter().map(|r| (r, None)).collect()),
    }
}

fn batch_line(batch: &LogBatch) -> String {
    match &batch.entry {
        RecordSetEntry::Batch(view) => {
            let h = &view.header;
            let compression = h.compression().map(|c| c.name()).unwrap_or("unknown");
            let kind = match (h.is_control(), h.is_transactional()) {
                (true, _) => " control",
                (false, true) => " transactional",
                _ => "",
            };
            format!(
                "batch {} at byte {}: offsets {}..{}, {} records, magic 2, {compression}{kind}, producer {} epoch {} sequence {}, leader epoch {}, crc {}, {} B",
                batch.index,
                batch.position,
                h.base_offset,
                h.last_offset(),
                h.records_count,
                h.producer_id,
                h.producer_epoch,
                h.base_sequence,
                h.partition_leader_epoch,
                h.crc,
                batch.size()
            )
        }
        RecordSetEntry::Legacy(m) => {
            let compression = m.compression().map(|c| c.name()).unwrap_or("unknown");
            format!(
                "message {} at byte {}: offset {}, magic {}, {compression}, {} B",
                batch.index,
                batch.position,
                m.offset,
                m.magic,
                batch.size()
            )
        }
    }
}

fn record_line(record: &LogRecord, decoded: Option<&StoredEntry>) -> String {
    let size = |b: &Option<bytes::Bytes>| b.as_ref().map_or("null".to_string(), |b| format!("{} B", b.len()));
    let mut line = format!("  offset {}", record.offset);
    if let Some(t) = record.timestamp {
        line.push_str(&format!(" time {t}"));
    }
    line.push_str(&format!(" key {} value {}", size(&record.key), size(&record.value)));
    if !record.headers.is_empty() {
        let keys: Vec<&str> = record.headers.iter().map(|h| h.key.as_str()).collect();
        line.push_str(&format!(" headers {keys:?}"));
    }
    match decoded {
        Some(entry) => line.push_str(&format!(": {}", decoded_json(entry))),
        None => line.push_str(&format!(
            ": key {} value {}",
            bytes_json(record.key.as_ref()),
            bytes_json(record.value.as_ref())
        )),
    }
    line
}

/// A decoded record as JSON: the record type and its data in Kafka's JSON
/// form, with the key and value of coordinator records apart.
pub fn decoded_json(entry: &StoredEntry) -> Value {
    match entry {
        StoredEntry::Control(control) => control_json(control),
        StoredEntry::Record(StoredRecord::Metadata { record, version }) => json!({
            "type": record.record_type().name(),
            "version": version,
            "data": record.to_json(*version).unwrap_or_else(|e| json!(e.to_string())),
        }),
        StoredEntry::Record(StoredRecord::RemoteLogMetadata { record, version }) => json!({
            "type": record.record_type().name(),
            "version": version,
            "data": record.to_json(*version).unwrap_or_else(|e| json!(e.to_string())),
        }),
        StoredEntry::Record(StoredRecord::GroupCoordinator { key, value }) => coordinator_json(
            key.record_type().name(),
            key.to_json(),
            value.as_ref().map(|(v, version)| (*version, v.to_json(*version))),
        ),
        StoredEntry::Record(StoredRecord::TransactionCoordinator { key, value }) => coordinator_json(
            key.record_type().name(),
            key.to_json(),
            value.as_ref().map(|(v, version)| (*version, v.to_json(*version).map(with_transaction_state_name))),
        ),
        StoredEntry::Record(StoredRecord::ShareCoordinator { key, value }) => coordinator_json(
            key.record_type().name(),
            key.to_json(),
            value.as_ref().map(|(v, version)| (*version, v.to_json(*version))),
        ),
        other => json!({"unknown": format!("{other:?}")}),
    }
}

/// Kafka's transaction states by id, as `kafka-dump-log.sh` prints them.
const TRANSACTION_STATES: [&str; 8] = [
    "Empty",
    "Ongoing",
    "PrepareCommit",
    "PrepareAbort",
    "CompleteCommit",
    "CompleteAbort",
    "Dead",
    "PrepareEpochFence",
];

/// A transaction's status by its name rather than its id, as
/// `kafka-dump-log.sh` prints it.
fn with_transaction_state_name(mut value: Value) -> Value {
    if let Some(status) = value.get_mut("transactionStatus") {
        if let Some(name) = status.as_i64().and_then(|id| TRANSACTION_STATES.get(id as usize)) {
            *status = json!(name);
        }
    }
    value
}

type JsonResult = Result<Value, kafka_wire::EncodeError>;

fn coordinator_json(name: &str, key: JsonResult, value: Option<(i16, JsonResult)>) -> Value {
    let or_error = |r: JsonResult| r.unwrap_or_else(|e| json!(e.to_string()));
    json!({
        "type": name,
        "key": or_error(key),
        "value": value.map(|(version, data)| json!({"version": version, "data": or_error(data)})),
    })
}

fn control_json(control: &ControlRecord) -> Value {
    let data = match control {
        ControlRecord::Commit { coordinator_epoch } | ControlRecord::Abort { coordinator_epoch } => {
            Ok(json!({"coordinatorEpoch": coordinator_epoch}))
        }
        ControlRecord::LeaderChange(m) => m.to_json(0),
        ControlRecord::SnapshotHeader(m) => m.to_json(0),
        ControlRecord::SnapshotFooter(m) => m.to_json(0),
        ControlRecord::KRaftVersion(m) => m.to_json(0),
        ControlRecord::KRaftVoters(m) => m.to_json(0),
        ControlRecord::Unknown { value, .. } => Ok(bytes_json(value.as_ref())),
    };
    json!({"control": format!("{:?}", control.record_type()), "data": data.unwrap_or_else(|e| json!(e.to_string()))})
}
