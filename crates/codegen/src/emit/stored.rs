//! Emits `stored.rs`: for each server module's schemas of what Kafka
//! stores, the enums that dispatch a stored record by its type id, as
//! Kafka's own `MetadataRecordType` and `CoordinatorRecordType` do.
//!
//! - A module with `metadata` specs (the KRaft metadata log; the remote log
//!   metadata topic) gets a record-type enum and a record enum: a record is
//!   one message, chosen by type id, at a version.
//! - A module with `coordinator-key` / `coordinator-value` specs (the group,
//!   share and transaction coordinators' topics) gets a record-type enum and
//!   a key enum and a value enum: the key is written at version 0, the value
//!   at its own version, both chosen by the key's type id.

use super::shared::{header, range};
use crate::naming::{snake_case, store_prefix};
use crate::spec::{MessageSpec, SpecType};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the stores' documentation says each holds.
fn describe(store: &str) -> &'static str {
    match store {
        "metadata" => "the KRaft metadata log (`__cluster_metadata`) and its snapshots",
        "storage" => "the remote log metadata topic (`__remote_log_metadata`)",
        "group-coordinator" => "`__consumer_offsets`: committed offsets and every kind of group",
        "share-coordinator" => "`__share_group_state`",
        "transaction-coordinator" => "`__transaction_state`",
        _ => "a Kafka server module's stored records",
    }
}

/// One record type: its id, variant name and message types.
struct RecordType<'a> {
    id: i16,
    variant: String,
    /// The record (metadata) or the key (coordinator).
    first: &'a MessageSpec,
    /// The value (coordinator only).
    value: Option<&'a MessageSpec>,
}

/// `stored.rs`, or `None` when no spec is a stored one.
pub(super) fn emit(specs: &[MessageSpec], kafka_version: &str) -> Result<Option<String>, String> {
    let mut stores: BTreeMap<&str, Vec<&MessageSpec>> = BTreeMap::new();
    for s in specs {
        if let Some(store) = &s.store {
            stores.entry(store.as_str()).or_default().push(s);
        }
    }
    if stores.is_empty() {
        return Ok(None);
    }
    let mut out = header(&format!("the server-side schemas of Kafka {kafka_version}"));
    out.push_str(
        "//! What Kafka stores, dispatched by record type id (feature `stored`): the\n\
         //! records of the KRaft metadata log and of the coordinators' topics.\n\n\
         use super::*;\n\
         use crate::codec::Reader;\n\
         use crate::error::{DecodeError, DecodeErrorKind, EncodeError};\n\
         use crate::message::{Decode, Encode, VersionRange};\n\
         use bytes::BufMut;\n\n",
    );
    for (store, specs) in &stores {
        let prefix = store_prefix(store);
        let records = record_types(specs, SpecType::Metadata, "Record")?;
        if !records.is_empty() {
            emit_record_types(&mut out, &prefix, store, &records, false);
            emit_record_enum(&mut out, &prefix, &records);
        }
        let keys = record_types(specs, SpecType::CoordinatorKey, "Key")?;
        if !keys.is_empty() {
            let values: BTreeMap<i16, &MessageSpec> = specs
                .iter()
                .filter(|s| s.ty == SpecType::CoordinatorValue)
                .map(|s| (s.api_key.unwrap_or(-1), *s))
                .collect();
            let mut pairs = Vec::new();
            for mut k in keys {
                k.value = Some(values.get(&k.id).copied().ok_or_else(|| format!("{}: no value spec", k.first.file))?);
                pairs.push(k);
            }
            if values.len() != pairs.len() {
                return Err(format!("{store}: coordinator values without a key"));
            }
            emit_record_types(&mut out, &prefix, store, &pairs, true);
            emit_key_value_enums(&mut out, &prefix, &pairs);
        }
    }
    Ok(Some(out))
}

fn record_types<'a>(specs: &[&'a MessageSpec], ty: SpecType, suffix: &str) -> Result<Vec<RecordType<'a>>, String> {
    let mut out: Vec<RecordType> = Vec::new();
    for s in specs.iter().filter(|s| s.ty == ty) {
        let id = s.api_key.ok_or_else(|| format!("{}: a stored record needs an apiKey (its type id)", s.file))?;
        if let Some(other) = out.iter().find(|r| r.id == id) {
            return Err(format!("{}: type id {id} is also {}", s.file, other.first.file));
        }
        let variant = s.name.strip_suffix(suffix).unwrap_or(&s.name).to_string();
        out.push(RecordType { id, variant, first: s, value: None });
    }
    out.sort_by_key(|r| r.id);
    Ok(out)
}

fn emit_record_types(out: &mut String, prefix: &str, store: &str, records: &[RecordType], coordinator: bool) {
    let what = describe(store);
    writeln!(
        out,
        "/// The record types of {what}, by their id on the wire.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         #[repr(i16)]\npub enum {prefix}RecordType {{"
    )
    .unwrap();
    for r in records {
        let types = match r.value {
            Some(v) => format!("`{}` / `{}`", r.first.name, v.name),
            None => format!("`{}`", r.first.name),
        };
        writeln!(out, "/// {types}.\n{} = {},", r.variant, r.id).unwrap();
    }
    writeln!(
        out,
        "}}\n\nimpl {prefix}RecordType {{\n/// Every record type, by id.\npub const ALL: &'static [Self] = &["
    )
    .unwrap();
    for r in records {
        writeln!(out, "Self::{},", r.variant).unwrap();
    }
    out.push_str("];\n\n/// The id on the wire.\npub const fn id(self) -> i16 { self as i16 }\n\n");
    out.push_str("/// The type of an id, or `None` for an id this release does not define.\npub const fn from_id(id: i16) -> Option<Self> {\nmatch id {\n");
    for r in records {
        writeln!(out, "{} => Some(Self::{}),", r.id, r.variant).unwrap();
    }
    out.push_str("_ => None,\n}\n}\n\n/// The type's name, e.g. `Topic`.\npub const fn name(self) -> &'static str {\nmatch self {\n");
    for r in records {
        writeln!(out, "Self::{0} => {0:?},", r.variant).unwrap();
    }
    let (doc, versions) = if coordinator {
        ("/// The versions of this type's value.", "value_versions")
    } else {
        ("/// The versions of this type's record.", "valid_versions")
    };
    writeln!(out, "}}\n}}\n\n{doc}\npub const fn {versions}(self) -> VersionRange {{\nmatch self {{").unwrap();
    for r in records {
        let spec = r.value.unwrap_or(r.first);
        writeln!(out, "Self::{} => {},", r.variant, range(spec.valid_versions)).unwrap();
    }
    out.push_str("}\n}\n}\n\n");
}

/// An enum over one message per record type, with decode, encode and size.
/// `versioned` is false for coordinator keys, always written at version 0.
fn emit_dispatch(
    out: &mut String,
    name: &str,
    doc: &str,
    type_enum: &str,
    records: &[RecordType],
    message: fn(&RecordType) -> String,
    versioned: bool,
) {
    writeln!(
        out,
        "{doc}\n#[derive(Debug, Clone, PartialEq)]\n\
         // As large as its largest record: boxing would cost an allocation per record.\n\
         #[allow(clippy::large_enum_variant)]\npub enum {name} {{"
    )
    .unwrap();
    for r in records {
        writeln!(out, "/// `{}`.\n{}({}),", message(r), r.variant, message(r)).unwrap();
    }
    writeln!(
        out,
        "}}\n\nimpl {name} {{\n/// The record type.\npub fn record_type(&self) -> {type_enum} {{\nmatch self {{"
    )
    .unwrap();
    for r in records {
        writeln!(out, "Self::{0}(_) => {type_enum}::{0},", r.variant).unwrap();
    }
    let (version_param, version_arg) = if versioned { (", version: i16", "version") } else { ("", "0") };
    writeln!(
        out,
        "}}\n}}\n\n/// Decodes the message of `record_type`{}.\n\
         pub fn decode(record_type: {type_enum}, r: &mut Reader<'_>{version_param}) -> Result<Self, DecodeError> {{\n\
         Ok(match record_type {{",
        if versioned { " at `version`" } else { " (written at version 0)" }
    )
    .unwrap();
    for r in records {
        writeln!(out, "{type_enum}::{0} => Self::{0}({1}::decode(r, {version_arg})?),", r.variant, message(r)).unwrap();
    }
    writeln!(
        out,
        "}})\n}}\n\n/// Like [`{name}::decode`], for a raw type id; an unknown id is an error.\n\
         pub fn decode_by_id(id: i16, r: &mut Reader<'_>{version_param}) -> Result<Self, DecodeError> {{\n\
         match {type_enum}::from_id(id) {{\n\
         Some(t) => Self::decode(t, r{}),\n\
         None => Err(r.error(DecodeErrorKind::UnknownRecordType(id))),\n}}\n}}\n\n\
         /// Encodes the message{}.\n\
         pub fn encode<B: BufMut>(&self, buf: &mut B{version_param}) -> Result<(), EncodeError> {{\nmatch self {{",
        if versioned { ", version" } else { "" },
        if versioned { " at `version`" } else { " at version 0" }
    )
    .unwrap();
    for r in records {
        writeln!(out, "Self::{}(m) => m.encode(buf, {version_arg}),", r.variant).unwrap();
    }
    writeln!(
        out,
        "}}\n}}\n\n/// The exact encoded size.\npub fn encoded_size(&self{version_param}) -> usize {{\nmatch self {{"
    )
    .unwrap();
    for r in records {
        writeln!(out, "Self::{}(m) => m.encoded_size({version_arg}),", r.variant).unwrap();
    }
    writeln!(
        out,
        "}}\n}}\n\n/// A random message of `record_type`{} (feature `random`).\n\
         #[cfg(feature = \"random\")]\n\
         pub fn random(record_type: {type_enum}, rng: &mut crate::random::Rng{version_param}) -> Self {{\n\
         use crate::random::Random;\nmatch record_type {{",
        if versioned { ", valid at `version`" } else { "" }
    )
    .unwrap();
    for r in records {
        writeln!(out, "{type_enum}::{0} => Self::{0}({1}::random(rng, {version_arg})),", r.variant, message(r))
            .unwrap();
    }
    out.push_str("}\n}\n");
    emit_json_dispatch(out, type_enum, records, message, versioned);
    out.push_str("}\n\n");
    for r in records {
        writeln!(
            out,
            "impl From<{1}> for {name} {{\nfn from(m: {1}) -> Self {{ Self::{0}(m) }}\n}}\n",
            r.variant,
            message(r)
        )
        .unwrap();
    }
}

/// `to_json` and `from_json` (feature `json`): the message in Kafka's JSON
/// form, as its generated JSON converters (and `kafka-dump-log.sh`) write it.
fn emit_json_dispatch(
    out: &mut String,
    type_enum: &str,
    records: &[RecordType],
    message: fn(&RecordType) -> String,
    versioned: bool,
) {
    let (version_param, version_arg) = if versioned { (", version: i16", "version") } else { ("", "0") };
    let at = if versioned { " at `version`" } else { "" };
    writeln!(
        out,
        "\n/// The message in Kafka's JSON form{at} (feature `json`).\n\
         #[cfg(feature = \"json\")]\n\
         pub fn to_json(&self{version_param}) -> Result<crate::json::Value, EncodeError> {{\n\
         use crate::json::ToJson;\nmatch self {{"
    )
    .unwrap();
    for r in records {
        writeln!(out, "Self::{}(m) => m.to_json({version_arg}),", r.variant).unwrap();
    }
    writeln!(
        out,
        "}}\n}}\n\n/// Reads the message of `record_type` from Kafka's JSON form{at} (feature `json`).\n\
         #[cfg(feature = \"json\")]\n\
         pub fn from_json(record_type: {type_enum}, value: &crate::json::Value{version_param}) -> Result<Self, DecodeError> {{\n\
         use crate::json::FromJson;\nOk(match record_type {{"
    )
    .unwrap();
    for r in records {
        writeln!(out, "{type_enum}::{0} => Self::{0}({1}::from_json(value, {version_arg})?),", r.variant, message(r))
            .unwrap();
    }
    out.push_str("})\n}\n");
}

fn emit_record_enum(out: &mut String, prefix: &str, records: &[RecordType]) {
    let doc = format!("/// A record of any [`{prefix}RecordType`], decoded.");
    let type_enum = format!("{prefix}RecordType");
    let name = format!("{prefix}Record");
    emit_dispatch(out, &name, &doc, &type_enum, records, |r| r.first.name.clone(), true);
    let snake = snake_case(prefix);
    writeln!(
        out,
        "impl {name} {{
/// Reads a record as the log stores it (a record's value): frame
/// version 1, its type id and version as unsigned varints, then the
/// message. Returns the record and its version.
pub fn read_framed(r: &mut Reader<'_>) -> Result<(Self, i16), DecodeError> {{
let (id, version) = crate::codec::stored::read_frame_header(r)?;
Ok((Self::decode_by_id(id, r, version)?, version))
}}

/// Writes the record as the log stores it, at `version`.
pub fn write_framed<B: BufMut>(&self, buf: &mut B, version: i16) -> Result<(), EncodeError> {{
crate::codec::stored::put_frame_header(buf, self.record_type().id(), version);
self.encode(buf, version)
}}

/// The size of [`{name}::write_framed`]'s output.
pub fn framed_size(&self, version: i16) -> usize {{
crate::codec::stored::frame_header_size(self.record_type().id(), version) + self.encoded_size(version)
}}
}}

/// Reads a record's value as the log stores it, whole: the record and
/// its version (see [`{name}::read_framed`]).
pub fn read_{snake}_record(value: &bytes::Bytes) -> Result<({name}, i16), DecodeError> {{
let mut r = Reader::new(value);
let read = {name}::read_framed(&mut r)?;
r.expect_end()?;
Ok(read)
}}
"
    )
    .unwrap();
}

fn emit_key_value_enums(out: &mut String, prefix: &str, records: &[RecordType]) {
    let type_enum = format!("{prefix}RecordType");
    let (key, value) = (format!("{prefix}Key"), format!("{prefix}Value"));
    let key_doc = format!("/// The key of a record of any [`{prefix}RecordType`], decoded.");
    emit_dispatch(out, &key, &key_doc, &type_enum, records, |r| r.first.name.clone(), false);
    let value_doc = format!("/// The value of a record of any [`{prefix}RecordType`], decoded.");
    let value_name = |r: &RecordType| r.value.map_or(String::new(), |v| v.name.clone());
    emit_dispatch(out, &value, &value_doc, &type_enum, records, value_name, true);
    let snake = snake_case(prefix);
    writeln!(
        out,
        "impl {key} {{
/// Reads a record key as the topic stores it: the int16 type id, then
/// the key at version 0.
pub fn read_record_key(r: &mut Reader<'_>) -> Result<Self, DecodeError> {{
let id = r.read_i16()?;
Self::decode_by_id(id, r)
}}

/// Writes the record key as the topic stores it.
pub fn write_record_key<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {{
buf.put_i16(self.record_type().id());
self.encode(buf)
}}
}}

impl {value} {{
/// Reads a record value as the topic stores it, for a key of
/// `record_type`: the int16 version, then the value at it. Returns the
/// value and its version.
pub fn read_record_value(record_type: {type_enum}, r: &mut Reader<'_>) -> Result<(Self, i16), DecodeError> {{
let version = r.read_i16()?;
Ok((Self::decode(record_type, r, version)?, version))
}}

/// Writes the record value as the topic stores it, at `version`.
pub fn write_record_value<B: BufMut>(&self, buf: &mut B, version: i16) -> Result<(), EncodeError> {{
buf.put_i16(version);
self.encode(buf, version)
}}
}}

/// Reads a record of the topic as Kafka stores it: its key, and its value
/// or `None` for a tombstone, each read whole. Returns the key, and the
/// value with its version.
#[allow(clippy::type_complexity)]
pub fn read_{snake}_record(
    key: &bytes::Bytes,
    value: Option<&bytes::Bytes>,
) -> Result<({key}, Option<({value}, i16)>), DecodeError> {{
let mut r = Reader::new(key);
let read_key = {key}::read_record_key(&mut r)?;
r.expect_end()?;
let read_value = match value {{
None => None,
Some(v) => {{
let mut r = Reader::new(v);
let read = {value}::read_record_value(read_key.record_type(), &mut r)?;
r.expect_end()?;
Some(read)
}}
}};
Ok((read_key, read_value))
}}
"
    )
    .unwrap();
}
