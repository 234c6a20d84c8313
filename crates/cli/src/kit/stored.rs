//! The kit's stored vectors (`conformance/stored/`): the records of
//! Kafka's internal topics and metadata log, each as the key and value its
//! topic stores (with their framing: a coordinator record's int16 type id
//! before its key and int16 version before its value, a metadata record's
//! frame version, type id and version as varints before it), and the
//! messages in Kafka's JSON form.

use super::negative::ordered_line;
use super::{data_type, DataType};
use anyhow::{anyhow, bail, Context, Result};
use bytes::{Bytes, BytesMut};
use kafka_wire::codec::varint::put_uvarint;
use kafka_wire::json::serde_json::{self, json, Value};
use kafka_wire::log::{InternalTopic, StoredRecord};
use kafka_wire::messages::stored::{
    GroupCoordinatorKey, GroupCoordinatorRecordType, GroupCoordinatorValue, MetadataRecord, MetadataRecordType,
    RemoteLogMetadataRecord, RemoteLogMetadataRecordType, ShareCoordinatorKey, ShareCoordinatorRecordType,
    ShareCoordinatorValue, TransactionCoordinatorKey, TransactionCoordinatorRecordType, TransactionCoordinatorValue,
};
use kafka_wire::random::Rng;
use kafka_wire::{Reader, VersionRange};

/// Random values drawn per record type and version, of which the smallest
/// is kept: the kit stays small and each still has random content.
const DRAWS: usize = 3;

macro_rules! stored_type_table {
    ($($t:ident),*) => {
        fn stored_type_table() -> Vec<DataType> {
            use kafka_wire::messages::*;
            vec![$(data_type::<$t>(stringify!($t))),*]
        }
    };
}
kafka_wire::for_each_stored_message!(stored_type_table);

/// The messages of what Kafka stores, by their class names.
fn stored_types() -> &'static [DataType] {
    static TABLE: std::sync::LazyLock<Vec<DataType>> = std::sync::LazyLock::new(stored_type_table);
    &TABLE
}

fn stored_type(name: &str) -> Result<&'static DataType> {
    stored_types().iter().find(|t| t.name == name).ok_or_else(|| anyhow!("no stored message {name:?}"))
}

/// The release whose classes check every stored vector: the pinned one,
/// whose tester has the server modules' schemas.
fn pinned_release() -> &'static str {
    kafka_wire::KafkaRelease::GENERATED_FROM[0].version()
}

/// One record type of one internal topic.
#[derive(Debug, Clone)]
struct RecordType {
    topic: InternalTopic,
    id: i16,
    /// Kafka's name for the type (`OffsetCommit`, `Topic`).
    name: &'static str,
    /// The key's class for a coordinator's record; metadata records have no key.
    key_class: Option<String>,
    value_class: String,
    value_versions: VersionRange,
}

impl RecordType {
    fn coordinator(topic: InternalTopic, id: i16, name: &'static str, versions: VersionRange) -> RecordType {
        let key_class = Some(format!("{name}Key"));
        RecordType { topic, id, name, key_class, value_class: format!("{name}Value"), value_versions: versions }
    }

    fn framed(topic: InternalTopic, id: i16, name: &'static str, versions: VersionRange) -> RecordType {
        RecordType { topic, id, name, key_class: None, value_class: format!("{name}Record"), value_versions: versions }
    }
}

/// Every record type of every internal topic, in the kit's order.
fn record_types() -> Vec<RecordType> {
    use InternalTopic::*;
    let mut out = Vec::new();
    for t in GroupCoordinatorRecordType::ALL {
        out.push(RecordType::coordinator(ConsumerOffsets, t.id(), t.name(), t.value_versions()));
    }
    for t in TransactionCoordinatorRecordType::ALL {
        out.push(RecordType::coordinator(TransactionState, t.id(), t.name(), t.value_versions()));
    }
    for t in ShareCoordinatorRecordType::ALL {
        out.push(RecordType::coordinator(ShareGroupState, t.id(), t.name(), t.value_versions()));
    }
    for t in MetadataRecordType::ALL {
        out.push(RecordType::framed(ClusterMetadata, t.id(), t.name(), t.valid_versions()));
    }
    for t in RemoteLogMetadataRecordType::ALL {
        out.push(RecordType::framed(RemoteLogMetadata, t.id(), t.name(), t.valid_versions()));
    }
    out
}

/// A random record of `ty` at `version`, framed as its topic stores it:
/// its key (for a coordinator's record) and its value.
fn random_record(ty: &RecordType, rng: &mut Rng, version: i16) -> Result<(Option<Bytes>, Bytes)> {
    let (mut key, mut value) = (BytesMut::new(), BytesMut::new());
    let unknown = || anyhow!("{} has no record type {}", ty.topic.name(), ty.id);
    match ty.topic {
        InternalTopic::ConsumerOffsets => {
            let t = GroupCoordinatorRecordType::from_id(ty.id).ok_or_else(unknown)?;
            GroupCoordinatorKey::random(t, rng).write_record_key(&mut key)?;
            GroupCoordinatorValue::random(t, rng, version).write_record_value(&mut value, version)?;
        }
        InternalTopic::TransactionState => {
            let t = TransactionCoordinatorRecordType::from_id(ty.id).ok_or_else(unknown)?;
            TransactionCoordinatorKey::random(t, rng).write_record_key(&mut key)?;
            TransactionCoordinatorValue::random(t, rng, version).write_record_value(&mut value, version)?;
        }
        InternalTopic::ShareGroupState => {
            let t = ShareCoordinatorRecordType::from_id(ty.id).ok_or_else(unknown)?;
            ShareCoordinatorKey::random(t, rng).write_record_key(&mut key)?;
            ShareCoordinatorValue::random(t, rng, version).write_record_value(&mut value, version)?;
        }
        InternalTopic::ClusterMetadata => {
            let t = MetadataRecordType::from_id(ty.id).ok_or_else(unknown)?;
            MetadataRecord::random(t, rng, version).write_framed(&mut value, version)?;
        }
        InternalTopic::RemoteLogMetadata => {
            let t = RemoteLogMetadataRecordType::from_id(ty.id).ok_or_else(unknown)?;
            RemoteLogMetadataRecord::random(t, rng, version).write_framed(&mut value, version)?;
        }
        other => bail!("{} is not in the kit", other.name()),
    }
    let key = ty.key_class.is_some().then(|| key.freeze());
    Ok((key, value.freeze()))
}

/// One stored vector.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVector {
    /// The internal topic: the file is `stored/<topic>.jsonl`.
    pub topic: String,
    /// The record type's id.
    pub record_type: i16,
    /// Kafka's name for the record type (`OffsetCommit`, `Topic`).
    pub record: String,
    /// The key's class (`OffsetCommitKey`), for a coordinator's record.
    pub key_class: Option<String>,
    /// The value's class (`OffsetCommitValue`, `TopicRecord`).
    pub value_class: String,
    /// The version of the value (a key is always at version 0).
    pub value_version: i16,
    /// The release whose classes verified the bodies: the pinned one.
    pub release: String,
    /// `random-1`, or `tombstone` (a null value).
    pub case: String,
    /// `{"key": ..., "value": ...}`, each in Kafka's JSON form or null.
    pub json: Value,
    /// The key as the topic stores it, or null for a metadata record.
    pub key_hex: Option<String>,
    /// The value as the topic stores it, or null for a tombstone.
    pub value_hex: Option<String>,
}

const FIELDS: &[&str] = &[
    "topic",
    "record_type",
    "record",
    "key_class",
    "value_class",
    "value_version",
    "release",
    "case",
    "json",
    "key_hex",
    "value_hex",
];

impl StoredVector {
    /// The vector as one line, its fields in a fixed order.
    pub fn to_line(&self) -> String {
        let value = json!({
            "topic": self.topic, "record_type": self.record_type, "record": self.record,
            "key_class": self.key_class, "value_class": self.value_class, "value_version": self.value_version,
            "release": self.release, "case": self.case, "json": self.json,
            "key_hex": self.key_hex, "value_hex": self.value_hex,
        });
        ordered_line(&value, FIELDS)
    }

    /// Reads a line: every field present, of its type.
    pub fn from_line(line: &str) -> Result<StoredVector> {
        let value: Value = serde_json::from_str(line).context("not JSON")?;
        let text = |key: &str| -> Result<String> {
            Ok(value.get(key).and_then(Value::as_str).ok_or_else(|| anyhow!("no string \"{key}\""))?.to_string())
        };
        let optional = |key: &str| -> Result<Option<String>> {
            match value.get(key) {
                Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                _ => bail!("no string or null \"{key}\""),
            }
        };
        let short = |key: &str| -> Result<i16> {
            let n = value.get(key).and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer \"{key}\""))?;
            i16::try_from(n).map_err(|_| anyhow!("{key} {n} is not an int16"))
        };
        let json = value.get("json").filter(|j| j.is_object()).ok_or_else(|| anyhow!("no object \"json\""))?;
        Ok(StoredVector {
            topic: text("topic")?,
            record_type: short("record_type")?,
            record: text("record")?,
            key_class: optional("key_class")?,
            value_class: text("value_class")?,
            value_version: short("value_version")?,
            release: text("release")?,
            case: text("case")?,
            json: json.clone(),
            key_hex: optional("key_hex")?,
            value_hex: optional("value_hex")?,
        })
    }

    /// A short name: `__consumer_offsets OffsetCommit v3 random-1`.
    pub fn name(&self) -> String {
        format!("{} {} v{} {}", self.topic, self.record, self.value_version, self.case)
    }

    /// The key's and the value's message bodies, without their framing
    /// (the key's first, each when present).
    pub fn bodies(&self) -> Result<Vec<Body>> {
        let mut out = Vec::new();
        if let (Some(class), Some(key)) = (&self.key_class, &self.key_hex) {
            let key = hex::decode(key)?;
            let body = key.get(2..).ok_or_else(|| anyhow!("a key of {} bytes", key.len()))?;
            out.push(Body { class: class.clone(), version: 0, json: self.json["key"].clone(), bytes: body.to_vec() });
        }
        if let Some(value) = &self.value_hex {
            let value = hex::decode(value)?;
            let header = if self.key_class.is_some() { 2 } else { frame_header_len(&value)? };
            let body = value.get(header..).ok_or_else(|| anyhow!("a value of {} bytes", value.len()))?;
            let json = self.json["value"].clone();
            out.push(Body { class: self.value_class.clone(), version: self.value_version, json, bytes: body.to_vec() });
        }
        Ok(out)
    }

    /// What this library finds wrong with the vector: the topic's decoder
    /// (`InternalTopic::decode`) must read the key and value as the record
    /// type and version the vector names, the framing must be what Kafka
    /// writes, and each body must read as its JSON, and write back, from
    /// either, to its bytes.
    pub fn problems(&self) -> Vec<String> {
        match self.check() {
            Ok(problems) => problems,
            Err(e) => vec![format!("{e:#}")],
        }
    }

    fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let topic =
            InternalTopic::from_name(&self.topic).ok_or_else(|| anyhow!("no internal topic {:?}", self.topic))?;
        let ty = record_types()
            .into_iter()
            .find(|t| t.topic == topic && t.id == self.record_type)
            .ok_or_else(|| anyhow!("{} has no record type {}", self.topic, self.record_type))?;
        if (ty.name, &ty.key_class, &ty.value_class) != (self.record.as_str(), &self.key_class, &self.value_class) {
            problems.push(format!(
                "record type {} is {} ({:?}, {}), not as the vector says",
                ty.id, ty.name, ty.key_class, ty.value_class
            ));
        }
        if !ty.value_versions.contains(self.value_version) {
            problems.push(format!("version {} is not one of {}", self.value_version, ty.value_versions));
        }
        if self.release != pinned_release() {
            problems.push(format!("release is {:?}, not the pinned one", self.release));
        }
        let key = self.key_hex.as_deref().map(hex::decode).transpose()?.map(Bytes::from);
        let value = self.value_hex.as_deref().map(hex::decode).transpose()?.map(Bytes::from);
        match topic.decode(key.as_ref(), value.as_ref()) {
            Err(e) => problems.push(format!("the topic's decoder refuses the record: {e}")),
            Ok(read) => {
                let read = read_type_and_version(&read);
                let expected = (self.record_type, value.is_some().then_some(self.value_version));
                if read != expected {
                    problems.push(format!("the topic's decoder reads type and version {read:?}, not {expected:?}"));
                }
            }
        }
        problems.extend(self.framing_problems(key.as_deref(), value.as_deref()));
        for body in self.bodies()? {
            problems.extend(body.problems().into_iter().map(|p| format!("{}: {p}", body.class)));
        }
        Ok(problems)
    }

    fn framing_problems(&self, key: Option<&[u8]>, value: Option<&[u8]>) -> Vec<String> {
        let mut problems = Vec::new();
        let coordinator = self.key_class.is_some();
        if coordinator != key.is_some()
            || (self.case == "tombstone") != value.is_none()
            || (!coordinator && value.is_none())
        {
            problems
                .push("a coordinator's record has a key, a metadata record none; only a tombstone has no value".into());
        }
        if let Some(key) = key {
            if key.get(..2) != Some(&self.record_type.to_be_bytes()) {
                problems.push(format!("the key does not start with the type id {}", self.record_type));
            }
        }
        if let Some(value) = value {
            let expected = if coordinator {
                self.value_version.to_be_bytes().to_vec()
            } else {
                frame_header(self.record_type, self.value_version)
            };
            if !value.starts_with(&expected) {
                problems.push(format!("the value does not start with {}", hex::encode(&expected)));
            }
        }
        problems
    }
}

/// The record type id and value version a topic's decoder read.
fn read_type_and_version(record: &StoredRecord) -> (i16, Option<i16>) {
    match record {
        StoredRecord::GroupCoordinator { key, value } => (key.record_type().id(), value.as_ref().map(|(_, v)| *v)),
        StoredRecord::TransactionCoordinator { key, value } => {
            (key.record_type().id(), value.as_ref().map(|(_, v)| *v))
        }
        StoredRecord::ShareCoordinator { key, value } => (key.record_type().id(), value.as_ref().map(|(_, v)| *v)),
        StoredRecord::Metadata { record, version } => (record.record_type().id(), Some(*version)),
        StoredRecord::RemoteLogMetadata { record, version } => (record.record_type().id(), Some(*version)),
        _ => (-1, None),
    }
}

/// A metadata record's frame header: frame version 1, the type id and the
/// version, as unsigned varints.
fn frame_header(id: i16, version: i16) -> Vec<u8> {
    let mut out = vec![1];
    for value in [id as u16, version as u16] {
        put_uvarint(&mut out, value.into());
    }
    out
}

/// The length of a metadata record's frame header: three varints.
fn frame_header_len(value: &[u8]) -> Result<usize> {
    let value = Bytes::copy_from_slice(value);
    let mut reader = Reader::new(&value);
    for _ in 0..3 {
        reader.read_uvarint().context("the frame header")?;
    }
    Ok(reader.position())
}

/// A key's or value's message, without its framing.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Its Java class (`OffsetCommitValue`), and the stored type's name here.
    pub class: String,
    /// The version it is written at (0 for a key).
    pub version: i16,
    /// The vector's JSON of it.
    pub json: Value,
    /// Its bytes, without the framing.
    pub bytes: Vec<u8>,
}

impl Body {
    /// A body must read as its JSON and write back to its bytes, and its
    /// JSON must write to its bytes.
    fn problems(&self) -> Vec<String> {
        body_problems(&self.class, self.version, &self.json, &self.bytes)
    }
}

fn body_problems(class: &str, version: i16, json: &Value, body: &[u8]) -> Vec<String> {
    let ty = match stored_type(class) {
        Ok(ty) => ty,
        Err(e) => return vec![e.to_string()],
    };
    let mut problems = Vec::new();
    match (ty.decode)(&Bytes::copy_from_slice(body), version) {
        Err(e) => problems.push(format!("(1) the bytes do not decode: {e:#}")),
        Ok(read) => {
            match read.to_json(version) {
                Ok(read_json) => {
                    if let Some(diff) = super::json_difference("", json, &read_json) {
                        problems.push(format!("(2) the bytes decode to different JSON: {diff}"));
                    }
                }
                Err(e) => problems.push(format!("(2) no JSON: {e}")),
            }
            match read.encode(version) {
                Ok(again) if again == body => {}
                Ok(again) => {
                    problems.push(format!("(3) encodes differently: {}", super::bytes_difference(body, &again)))
                }
                Err(e) => problems.push(format!("(3) does not encode: {e}")),
            }
        }
    }
    match (ty.from_json)(json, version).and_then(|v| v.encode(version)) {
        Ok(written) if written == body => {}
        Ok(written) => {
            problems.push(format!("(4) the JSON encodes differently: {}", super::bytes_difference(body, &written)))
        }
        Err(e) => problems.push(format!("(4) the JSON does not encode: {e:#}")),
    }
    problems
}

/// The vectors of one record type: per value version, one random record
/// (the smallest of [`DRAWS`]); for a coordinator's, one tombstone.
fn type_vectors(ty: &RecordType, rng: &mut Rng) -> Result<Vec<StoredVector>> {
    let mut out = Vec::new();
    let release = pinned_release().to_string();
    let make = |version: i16, case: &str, key: Option<Bytes>, value: Option<Bytes>| -> Result<StoredVector> {
        let mut vector = StoredVector {
            topic: ty.topic.name().into(),
            record_type: ty.id,
            record: ty.name.into(),
            key_class: ty.key_class.clone(),
            value_class: ty.value_class.clone(),
            value_version: version,
            release: release.clone(),
            case: case.into(),
            json: json!({"key": null, "value": null}),
            key_hex: key.map(hex::encode),
            value_hex: value.map(hex::encode),
        };
        let bodies = vector.bodies()?;
        for body in bodies {
            let slot = if Some(&body.class) == vector.key_class.as_ref() { "key" } else { "value" };
            let read = (stored_type(&body.class)?.decode)(&Bytes::from(body.bytes), body.version)?;
            vector.json[slot] = read.to_json(body.version)?;
        }
        Ok(vector)
    };
    for version in ty.value_versions.iter() {
        let drawn = (0..DRAWS).map(|_| random_record(ty, rng, version)).collect::<Result<Vec<_>>>()?;
        let (key, value) = drawn.into_iter().min_by_key(|(k, v)| k.as_ref().map_or(0, Bytes::len) + v.len()).unwrap();
        out.push(make(version, "random-1", key, Some(value))?);
    }
    if ty.key_class.is_some() {
        let (key, _) = random_record(ty, rng, ty.value_versions.iter().last().unwrap_or(0))?;
        out.push(make(ty.value_versions.iter().last().unwrap_or(0), "tombstone", key, None)?);
    }
    Ok(out)
}

/// The stored files of the kit, one per internal topic, from `seed` (each
/// its own random stream).
pub fn files(seed: u64) -> Result<Vec<(String, String)>> {
    let types = record_types();
    let mut out = Vec::new();
    for topic in InternalTopic::ALL {
        let path = format!("stored/{}.jsonl", topic.name());
        let mut rng = Rng::with_seed(super::file_seed(seed, &path)).without_unknown_tagged_fields();
        let mut vectors = Vec::new();
        for ty in types.iter().filter(|t| t.topic == *topic) {
            vectors.extend(type_vectors(ty, &mut rng)?);
        }
        out.push((path, super::lines(vectors.iter().map(StoredVector::to_line))));
    }
    Ok(out)
}
