//! The kit's record vectors (`conformance/records/`): record batches of
//! every message format (v0 and v1 message sets, v2 batches) and codec,
//! each as its bytes and the batches and records they hold, in the form
//! Kafka's `MemoryRecords` describes them; and inputs with a bad CRC.
//!
//! Uncompressed vectors are exact both ways: the records, written again,
//! are the bytes. Compressed ones are exact one way: the bytes must read
//! as the records, but another compressor may write other bytes.

use super::negative::{ordered_line, Splice};
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use bytes::Bytes;
use kafka_wire::json::serde_json::{self, json, Value};
use kafka_wire::random::Rng;
use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
use kafka_wire::records::{
    Compression, ControlRecord, DecodeOptions, EncodeOptions, Header, Record, RecordBatch, RecordSetEntry,
    RecordSetIter, RecordsDecodeError, TimestampType,
};

/// The file of the inputs with a bad CRC.
pub const BAD_CRC_PATH: &str = "records/bad-crc.jsonl";

/// The timestamp records start at (2023-11-14).
const FIRST_TIMESTAMP: i64 = 1_700_000_000_000;

/// One record vector: a records field's bytes and what they hold.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordsVector {
    /// 0, 1 or 2: the file is `records/v<magic>.jsonl`.
    pub magic: i8,
    /// Unique within the file: `<codec>-<what>`.
    pub case: String,
    /// The codec's name as Kafka spells it (`none`, `gzip`, ...).
    pub codec: String,
    /// Whether writing `batches` again must give exactly `hex`: true for
    /// uncompressed vectors whose form holds every field of the bytes.
    pub exact: bool,
    /// The batches, as Kafka's `MemoryRecords` reads them (see the README).
    pub batches: Value,
    /// The records field's bytes, as hex.
    pub hex: String,
}

/// The fields of a record vector, in the order lines hold them.
const FIELDS: &[&str] = &["magic", "case", "codec", "exact", "batches", "hex"];

/// The fields of a bad-CRC vector, in the order lines hold them.
const BAD_CRC_FIELDS: &[&str] =
    &["magic", "case", "codec", "mutation", "from_case", "from_hex", "splice", "java", "java_exception", "ours", "hex"];

impl RecordsVector {
    /// The vector as one line, its fields in a fixed order.
    pub fn to_line(&self) -> String {
        let value = json!({
            "magic": self.magic, "case": self.case, "codec": self.codec, "exact": self.exact,
            "batches": self.batches, "hex": self.hex,
        });
        ordered_line(&value, FIELDS)
    }

    /// Reads a line: every field present, of its type.
    pub fn from_line(line: &str) -> Result<RecordsVector> {
        let value: Value = serde_json::from_str(line).context("not JSON")?;
        Ok(RecordsVector {
            magic: magic(&value)?,
            case: text(&value, "case")?,
            codec: text(&value, "codec")?,
            exact: value.get("exact").and_then(Value::as_bool).ok_or_else(|| anyhow!("no boolean \"exact\""))?,
            batches: value
                .get("batches")
                .filter(|b| b.is_array())
                .ok_or_else(|| anyhow!("no array \"batches\""))?
                .clone(),
            hex: text(&value, "hex")?,
        })
    }

    /// A short name: `records v2 gzip-idempotent`.
    pub fn name(&self) -> String {
        format!("records v{} {}", self.magic, self.case)
    }

    /// What this library finds wrong with the vector: the bytes must read
    /// (CRCs checked) as `batches`, and, when `exact`, `batches` written
    /// again must be the bytes.
    pub fn problems(&self) -> Vec<String> {
        let bytes = match hex::decode(&self.hex) {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) => return vec![format!("hex: {e}")],
        };
        let mut problems = Vec::new();
        match describe(bytes.clone()) {
            Err(e) => problems.push(format!("the bytes do not read: {e}")),
            Ok((magics, batches)) => {
                if let Some(diff) = super::json_difference("", &self.batches, &batches) {
                    problems.push(format!("the bytes read as other batches: {diff}"));
                }
                if magics.iter().any(|&m| m != self.magic) {
                    problems.push(format!("the bytes hold formats {magics:?}, not only v{}", self.magic));
                }
            }
        }
        if self.exact {
            match write_batches(self.magic, &self.batches) {
                Ok(written) if written == bytes => {}
                Ok(written) => problems
                    .push(format!("the batches write to other bytes: {}", super::bytes_difference(&bytes, &written))),
                Err(e) => problems.push(format!("the batches do not write: {e:#}")),
            }
        }
        problems
    }
}

/// An input whose CRC does not match its content: Kafka's `ensureValid`
/// refuses it, as this library's reader does.
#[derive(Debug, Clone, PartialEq)]
pub struct BadCrc {
    /// The message format of the valid input: 0, 1 or 2.
    pub magic: i8,
    /// `bad-crc-<codec>`: unique with the magic.
    pub case: String,
    /// The valid input's codec.
    pub codec: String,
    /// What the splice changed, in words.
    pub mutation: String,
    /// The record vector the input is made from: its case and bytes.
    pub from_case: String,
    /// The valid input's bytes (as hex).
    pub from_hex: String,
    /// The change that makes the input of the valid bytes.
    pub splice: Splice,
    /// Always `refused`.
    pub java: String,
    /// The simple name of the exception Kafka's `ensureValid` throws.
    pub java_exception: String,
    /// This library's error kind (`CrcMismatch`).
    pub ours: String,
    /// The input, as hex.
    pub hex: String,
}

impl BadCrc {
    /// The vector as one line, its fields in a fixed order.
    pub fn to_line(&self) -> String {
        let value = json!({
            "magic": self.magic, "case": self.case, "codec": self.codec, "mutation": self.mutation,
            "from_case": self.from_case, "from_hex": self.from_hex, "splice": splice_json(&self.splice),
            "java": self.java, "java_exception": self.java_exception, "ours": self.ours, "hex": self.hex,
        });
        ordered_line(&value, BAD_CRC_FIELDS)
    }

    /// Reads a line: every field present, of its type.
    pub fn from_line(line: &str) -> Result<BadCrc> {
        let value: Value = serde_json::from_str(line).context("not JSON")?;
        let splice = value.get("splice").ok_or_else(|| anyhow!("no object \"splice\""))?;
        let number = |key: &str| -> Result<usize> {
            let n = splice.get(key).and_then(Value::as_u64).ok_or_else(|| anyhow!("no integer \"splice.{key}\""))?;
            usize::try_from(n).context("splice offset")
        };
        let insert = splice.get("insert").and_then(Value::as_str).ok_or_else(|| anyhow!("no \"splice.insert\""))?;
        Ok(BadCrc {
            magic: magic(&value)?,
            case: text(&value, "case")?,
            codec: text(&value, "codec")?,
            mutation: text(&value, "mutation")?,
            from_case: text(&value, "from_case")?,
            from_hex: text(&value, "from_hex")?,
            splice: Splice { at: number("at")?, remove: number("remove")?, insert: hex::decode(insert)? },
            java: text(&value, "java")?,
            java_exception: text(&value, "java_exception")?,
            ours: text(&value, "ours")?,
            hex: text(&value, "hex")?,
        })
    }

    /// A short name: `records v2 bad-crc-none`.
    pub fn name(&self) -> String {
        format!("records v{} {}", self.magic, self.case)
    }

    /// What this library finds wrong with the vector: the valid input must
    /// read, the splice must give `hex`, and `hex` must fail to read with
    /// the error kind `ours`.
    pub fn problems(&self) -> Vec<String> {
        let (valid, input) = match (hex::decode(&self.from_hex), hex::decode(&self.hex)) {
            (Ok(valid), Ok(input)) => (valid, input),
            (Err(e), _) | (_, Err(e)) => return vec![format!("hex: {e}")],
        };
        let mut problems = Vec::new();
        if self.java != "refused" {
            problems.push(format!("java is {:?}: a bad CRC is refused", self.java));
        }
        if let Err(e) = describe(Bytes::from(valid.clone())) {
            problems.push(format!("the valid input does not read: {e}"));
        }
        match self.splice.apply(&valid) {
            Ok(spliced) if spliced == input => {}
            Ok(spliced) => problems.push(format!(
                "the splice of the valid input is not hex: {}",
                super::bytes_difference(&spliced, &input)
            )),
            Err(e) => problems.push(format!("splice: {e}")),
        }
        match describe(Bytes::from(input)) {
            Ok(_) => problems.push(format!("the input reads, where {} was expected", self.ours)),
            Err(e) if records_error_label(&e) != self.ours => {
                problems.push(format!("the input fails with {} ({e}), not {}", records_error_label(&e), self.ours))
            }
            Err(_) => {}
        }
        problems
    }
}

fn splice_json(splice: &Splice) -> Value {
    json!({"at": splice.at, "remove": splice.remove, "insert": hex::encode(&splice.insert)})
}

fn text(value: &Value, key: &str) -> Result<String> {
    Ok(value.get(key).and_then(Value::as_str).ok_or_else(|| anyhow!("no string \"{key}\""))?.to_string())
}

fn magic(value: &Value) -> Result<i8> {
    let magic = value.get("magic").and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer \"magic\""))?;
    match i8::try_from(magic) {
        Ok(m @ 0..=2) => Ok(m),
        _ => bail!("magic {magic} is not 0, 1 or 2"),
    }
}

/// The name of a records error's kind (`CrcMismatch`).
pub fn records_error_label(error: &RecordsDecodeError) -> String {
    let debug = format!("{:?}", error.kind());
    let name = debug.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("?");
    // A wire-format error is wrapped: name the wire format's kind.
    match name {
        "Wire" | "Decode" => {
            debug.split(|c: char| !c.is_alphanumeric()).find(|s| !s.is_empty() && *s != name).unwrap_or("?").into()
        }
        _ => name.into(),
    }
}

fn b64(bytes: &Option<Bytes>) -> Value {
    bytes.as_ref().map_or(Value::Null, |b| Value::String(base64::engine::general_purpose::STANDARD.encode(b)))
}

fn from_b64(value: &Value) -> Result<Option<Bytes>> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(Bytes::from(base64::engine::general_purpose::STANDARD.decode(text)?))),
        other => bail!("{other} is neither base64 nor null"),
    }
}

/// The entries of a records field (CRCs checked) as Kafka's `MemoryRecords`
/// describes them, with each entry's format: a v2 batch, a v0 or v1
/// message, or a v0 or v1 compressed wrapper with its inner messages.
pub fn describe(bytes: Bytes) -> Result<(Vec<i8>, Value), RecordsDecodeError> {
    let options = DecodeOptions::default();
    let mut iter = RecordSetIter::new(bytes);
    let (mut magics, mut batches) = (Vec::new(), Vec::new());
    for entry in iter.by_ref() {
        let entry = entry?;
        magics.push(entry.magic());
        batches.push(match entry {
            RecordSetEntry::Batch(view) => describe_batch(&view.decode(&options)?),
            RecordSetEntry::Legacy(message) => describe_legacy(&message, &options)?,
        });
    }
    if iter.partial_bytes() != 0 {
        let kind = kafka_wire::DecodeErrorKind::Invalid("an incomplete entry at the end");
        return Err(kafka_wire::DecodeError::new(kind, 0).into());
    }
    Ok((magics, Value::Array(batches)))
}

fn describe_batch(batch: &RecordBatch) -> Value {
    let log_append_time = batch.timestamp_type() == TimestampType::LogAppendTime;
    let records: Vec<Value> = batch
        .records
        .iter()
        .map(|r| {
            let timestamp =
                if log_append_time { batch.max_timestamp } else { batch.base_timestamp + r.timestamp_delta };
            let headers: Vec<Value> =
                r.headers.iter().map(|h| json!({"key": h.key.as_str(), "value": b64(&h.value)})).collect();
            json!({"offset": batch.base_offset + i64::from(r.offset_delta), "timestamp": timestamp,
                   "key": b64(&r.key), "value": b64(&r.value), "headers": headers})
        })
        .collect();
    json!({
        "baseOffset": batch.base_offset,
        "lastOffset": batch.base_offset + i64::from(batch.last_offset_delta),
        "producerId": batch.producer_id, "producerEpoch": batch.producer_epoch, "baseSequence": batch.base_sequence,
        "transactional": batch.is_transactional(), "control": batch.is_control(),
        "codec": batch.compression().map_or("?", Compression::name), "logAppendTime": log_append_time,
        "maxTimestamp": batch.max_timestamp, "partitionLeaderEpoch": batch.partition_leader_epoch,
        "records": records,
    })
}

fn describe_legacy(message: &LegacyMessage, options: &DecodeOptions) -> Result<Value, RecordsDecodeError> {
    let log_append_time = message.timestamp_type() == TimestampType::LogAppendTime;
    let inner = message.inner_messages(options)?;
    let records: Vec<Value> = inner
        .iter()
        .map(|m| {
            let timestamp = if log_append_time { message.timestamp } else { m.timestamp };
            json!({"offset": m.offset, "timestamp": timestamp.unwrap_or(-1), "key": b64(&m.key),
                   "value": b64(&m.value), "headers": []})
        })
        .collect();
    Ok(json!({
        "baseOffset": inner.first().map_or(message.offset, |m| m.offset),
        "lastOffset": message.offset,
        "producerId": -1, "producerEpoch": -1, "baseSequence": -1, "transactional": false, "control": false,
        "codec": message.compression().map_or("?", Compression::name), "logAppendTime": log_append_time,
        "maxTimestamp": message.timestamp.unwrap_or(-1), "partitionLeaderEpoch": -1,
        "records": records,
    }))
}

/// An uncompressed vector's batches written again with this library's
/// writers (v2 batches, or v0/v1 messages).
fn write_batches(magic: i8, batches: &Value) -> Result<Bytes> {
    let batches = batches.as_array().ok_or_else(|| anyhow!("batches is not an array"))?;
    let mut out = Vec::new();
    for batch in batches {
        if batch["codec"] != "none" {
            bail!("a compressed batch is not written again");
        }
        let records = batch["records"].as_array().ok_or_else(|| anyhow!("no records"))?;
        if magic == 2 {
            out.extend_from_slice(&rebuild_v2(batch, records)?.to_bytes(&EncodeOptions::default())?);
        } else {
            let messages = records
                .iter()
                .map(|r| {
                    let timestamp = (magic == 1).then(|| r["timestamp"].as_i64().unwrap_or(-1));
                    Ok(LegacyMessage::new(
                        magic,
                        r["offset"].as_i64().unwrap_or(0),
                        timestamp,
                        from_b64(&r["key"])?,
                        from_b64(&r["value"])?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            out.extend_from_slice(&encode_message_set(&messages)?);
        }
    }
    Ok(Bytes::from(out))
}

fn number(value: &Value, key: &str) -> Result<i64> {
    value.get(key).and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer {key:?}"))
}

/// A v2 batch from its description: the base timestamp is the first
/// record's, as Kafka's builder makes it for producer timestamps.
fn rebuild_v2(batch: &Value, records: &[Value]) -> Result<RecordBatch> {
    let base_offset = number(batch, "baseOffset")?;
    let base_timestamp = records.first().map(|r| number(r, "timestamp")).transpose()?.unwrap_or(-1);
    let records = records
        .iter()
        .map(|r| {
            let headers = r["headers"]
                .as_array()
                .ok_or_else(|| anyhow!("no headers"))?
                .iter()
                .map(|h| Ok(Header::new(h["key"].as_str().unwrap_or_default().to_string(), from_b64(&h["value"])?)))
                .collect::<Result<Vec<_>>>()?;
            Ok(Record {
                offset_delta: i32::try_from(number(r, "offset")? - base_offset)?,
                timestamp_delta: number(r, "timestamp")? - base_timestamp,
                key: from_b64(&r["key"])?,
                value: from_b64(&r["value"])?,
                headers,
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let flag = |key: &str| batch[key].as_bool().unwrap_or(false);
    let mut rebuilt = RecordBatch { records, ..Default::default() }
        .with_compression(Compression::None)
        .with_transactional(flag("transactional"))
        .with_control(flag("control"));
    rebuilt.base_offset = base_offset;
    rebuilt.partition_leader_epoch = i32::try_from(number(batch, "partitionLeaderEpoch")?)?;
    rebuilt.last_offset_delta = i32::try_from(number(batch, "lastOffset")? - base_offset)?;
    rebuilt.base_timestamp = base_timestamp;
    rebuilt.max_timestamp = number(batch, "maxTimestamp")?;
    rebuilt.producer_id = number(batch, "producerId")?;
    rebuilt.producer_epoch = i16::try_from(number(batch, "producerEpoch")?)?;
    rebuilt.base_sequence = i32::try_from(number(batch, "baseSequence")?)?;
    Ok(rebuilt)
}

/// Random records: keys and values of 0 to 300 bytes (text, so that the
/// codecs have something to compress), some null, and 0 to 3 headers,
/// their keys from a few names (so some repeat) and some values null.
fn random_records(rng: &mut Rng, count: usize) -> Vec<(i64, Record)> {
    let mut timestamp = FIRST_TIMESTAMP + rng.i64(0..1_000_000);
    (0..count)
        .map(|_| {
            timestamp += rng.i64(0..2_000);
            let record = Record {
                key: random_bytes(rng, 40),
                value: random_bytes(rng, 300),
                headers: (0..rng.usize(0..4))
                    .map(|_| Header::new(["trace", "source", "tenant"][rng.usize(0..3)], random_bytes(rng, 20)))
                    .collect(),
                ..Default::default()
            };
            (timestamp, record)
        })
        .collect()
}

fn random_bytes(rng: &mut Rng, max: usize) -> Option<Bytes> {
    if rng.usize(0..8) == 0 {
        return None;
    }
    let words = ["kafka", "record", "batch", "offset", "value", "key", "topic", " ", "-", "0", "1", "2"];
    let len = rng.usize(0..=max);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(words[rng.usize(0..words.len())].as_bytes());
    }
    out.truncate(len);
    Some(Bytes::from(out))
}

/// What varies between the v2 vectors of one codec.
#[derive(Clone, Copy)]
enum V2Case {
    /// Records of a producer without idempotence.
    Plain,
    /// An idempotent producer's batch: producer id, epoch, base sequence.
    Idempotent,
    /// A transactional batch with broker-set timestamps.
    TransactionalLogAppendTime,
}

impl V2Case {
    const ALL: [V2Case; 3] = [V2Case::Plain, V2Case::Idempotent, V2Case::TransactionalLogAppendTime];

    fn name(self) -> &'static str {
        match self {
            V2Case::Plain => "records",
            V2Case::Idempotent => "idempotent",
            V2Case::TransactionalLogAppendTime => "transactional-log-append-time",
        }
    }
}

fn v2_batch(rng: &mut Rng, codec: Compression, case: V2Case) -> RecordBatch {
    let count = rng.usize(3..12);
    let mut batch = RecordBatch::from_records(codec, random_records(rng, count));
    batch.base_offset = rng.i64(0..1_000_000);
    batch.partition_leader_epoch = rng.i32(0..100);
    match case {
        V2Case::Plain => {}
        V2Case::Idempotent => batch = batch.with_producer(rng.i64(0..1 << 40), rng.i16(0..100), rng.i32(0..100_000)),
        V2Case::TransactionalLogAppendTime => {
            batch = batch
                .with_producer(rng.i64(0..1 << 40), rng.i16(0..100), rng.i32(0..100_000))
                .with_transactional(true)
                .with_timestamp_type(TimestampType::LogAppendTime);
            batch.max_timestamp += rng.i64(1..100_000);
        }
    }
    batch
}

/// A transaction marker's control batch (always uncompressed, as Kafka
/// writes them).
fn control_batch(rng: &mut Rng, marker: ControlRecord) -> Result<RecordBatch> {
    let timestamp = FIRST_TIMESTAMP + rng.i64(0..1_000_000);
    let mut batch = RecordBatch::from_records(Compression::None, [(timestamp, marker.to_record(0, 0)?)])
        .with_producer(rng.i64(0..1 << 40), rng.i16(0..100), -1)
        .with_transactional(true)
        .with_control(true);
    batch.base_offset = rng.i64(0..1_000_000);
    batch.partition_leader_epoch = rng.i32(0..100);
    Ok(batch)
}

fn vector(magic: i8, case: String, codec: Compression, exact: bool, bytes: Bytes) -> Result<RecordsVector> {
    let (_, batches) = describe(bytes.clone()).map_err(|e| anyhow!("{case}: our own bytes do not read: {e}"))?;
    Ok(RecordsVector { magic, case, codec: codec.name().into(), exact, batches, hex: hex::encode(bytes) })
}

/// The v2 vectors: per codec, each [`V2Case`]; then the control batches
/// of a commit and an abort marker, and two batches in one field.
fn v2_vectors(rng: &mut Rng) -> Result<Vec<RecordsVector>> {
    let options = EncodeOptions::default();
    let mut out = Vec::new();
    for codec in Compression::ALL {
        for case in V2Case::ALL {
            let batch = v2_batch(rng, codec, case);
            // A log-append-time batch's description has no base timestamp.
            let exact = codec == Compression::None && !matches!(case, V2Case::TransactionalLogAppendTime);
            out.push(vector(2, format!("{}-{}", codec.name(), case.name()), codec, exact, batch.to_bytes(&options)?)?);
        }
    }
    let commit = ControlRecord::Commit { coordinator_epoch: rng.i32(0..1000) };
    let abort = ControlRecord::Abort { coordinator_epoch: rng.i32(0..1000) };
    for (name, marker) in [("control-commit", commit), ("control-abort", abort)] {
        let bytes = control_batch(rng, marker)?.to_bytes(&options)?;
        out.push(vector(2, format!("none-{name}"), Compression::None, true, bytes)?);
    }
    let first = v2_batch(rng, Compression::None, V2Case::Plain);
    let mut second = v2_batch(rng, Compression::None, V2Case::Idempotent);
    second.base_offset = first.base_offset + i64::from(first.last_offset_delta) + 1;
    let mut both = first.to_bytes(&options)?.to_vec();
    both.extend_from_slice(&second.to_bytes(&options)?);
    out.push(vector(2, "none-two-batches".into(), Compression::None, true, Bytes::from(both))?);
    Ok(out)
}

/// The v0 or v1 vectors: a message set of uncompressed messages, and one
/// compressed wrapper per codec these formats have (gzip, snappy, lz4).
fn legacy_vectors(rng: &mut Rng, magic: i8) -> Result<Vec<RecordsVector>> {
    let mut out = Vec::new();
    for codec in [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4] {
        let base_offset = rng.i64(0..1_000_000);
        let count = rng.usize(3..10);
        let messages: Vec<LegacyMessage> = random_records(rng, count)
            .into_iter()
            .enumerate()
            .map(|(i, (timestamp, r))| {
                LegacyMessage::new(magic, base_offset + i as i64, Some(timestamp), r.key, r.value)
            })
            .collect();
        let bytes = if codec == Compression::None {
            encode_message_set(&messages)?
        } else {
            encode_message_set(&[LegacyMessage::compressed_wrapper(magic, codec, None, &messages)?])?
        };
        out.push(vector(magic, format!("{}-messages", codec.name()), codec, codec == Compression::None, bytes)?);
    }
    Ok(out)
}

/// Where the CRC of a records field's first entry is: after the base
/// offset, the length and (v2) the partition leader epoch and magic.
fn crc_offset(magic: i8) -> usize {
    if magic == 2 {
        17
    } else {
        12
    }
}

/// The bad-CRC inputs: the first entry of each uncompressed vector and of
/// the first compressed one of each format, its stored CRC's last byte
/// changed.
fn bad_crcs(files: &[(i8, Vec<RecordsVector>)]) -> Vec<BadCrc> {
    let mut out = Vec::new();
    for (magic, vectors) in files {
        let none = vectors.iter().find(|v| v.codec == "none");
        let compressed = vectors.iter().find(|v| v.codec != "none");
        for from in none.into_iter().chain(compressed) {
            let valid = hex::decode(&from.hex).expect("the kit's own hex");
            let at = crc_offset(*magic) + 3;
            out.push(BadCrc {
                magic: *magic,
                case: format!("bad-crc-{}", from.codec),
                codec: from.codec.clone(),
                mutation: format!("the first entry's CRC, its last byte (at {at}) flipped"),
                from_case: from.case.clone(),
                from_hex: from.hex.clone(),
                splice: Splice { at, remove: 1, insert: vec![valid[at] ^ 0xff] },
                java: "refused".into(),
                java_exception: "CorruptRecordException".into(),
                ours: "CrcMismatch".into(),
                hex: String::new(),
            });
            let last = out.last_mut().unwrap();
            last.hex = hex::encode(last.splice.apply(&valid).expect("inside the input"));
        }
    }
    out
}

/// The record files of the kit, from `seed` (each its own random stream).
pub fn files(seed: u64) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for magic in [0, 1, 2] {
        let path = format!("records/v{magic}.jsonl");
        let mut rng = Rng::with_seed(super::file_seed(seed, &path));
        let vectors = if magic == 2 { v2_vectors(&mut rng)? } else { legacy_vectors(&mut rng, magic)? };
        files.push((magic, vectors));
    }
    let mut out: Vec<(String, String)> = files
        .iter()
        .map(|(magic, vectors)| {
            (format!("records/v{magic}.jsonl"), super::lines(vectors.iter().map(RecordsVector::to_line)))
        })
        .collect();
    out.push((BAD_CRC_PATH.into(), super::lines(bad_crcs(&files).iter().map(BadCrc::to_line))));
    Ok(out)
}
