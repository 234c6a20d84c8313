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

use super::dispatch::{emit_enum, Dispatch, Key, Variant};
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

/// `stored.rs` and its dispatch enums, or `None` when no spec is a stored
/// one.
pub(super) fn emit(specs: &[MessageSpec], kafka_version: &str) -> Result<Option<(String, Vec<Dispatch>)>, String> {
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
    let mut dispatches = Vec::new();
    for (store, specs) in &stores {
        let prefix = store_prefix(store);
        let records = record_types(specs, SpecType::Metadata, "Record")?;
        if !records.is_empty() {
            emit_record_types(&mut out, &prefix, store, &records, false);
            emit_record_enum(&mut out, &mut dispatches, &prefix, &records);
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
            emit_key_value_enums(&mut out, &mut dispatches, &prefix, &pairs);
        }
    }
    Ok(Some((out, dispatches)))
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

/// An enum over one message per record type (see [`Dispatch`]).
fn stored_dispatch(
    name: &str,
    doc: &str,
    type_enum: &str,
    records: &[RecordType],
    message: fn(&RecordType) -> String,
    versioned: bool,
) -> Dispatch {
    Dispatch {
        name: name.to_string(),
        doc: doc.to_string(),
        module: Some("stored"),
        cfg: "#[cfg(feature = \"stored\")]\n",
        key: Key {
            ty: type_enum.to_string(),
            name: "record_type",
            doc: "The record type.",
            raw_method: "decode_by_id",
            raw_param: "id",
            raw_from: "from_id",
            raw_unknown: "UnknownRecordType",
            raw_what: "type id",
        },
        holds: "message",
        versioned,
        encode_cfg: String::new(),
        decode_cfg: String::new(),
        default_for: false,
        variants: records.iter().map(|r| Variant { name: r.variant.clone(), message: message(r) }).collect(),
    }
}

/// Writes the enum here, and keeps it for the JSON and random emitters.
fn emit_dispatch(out: &mut String, dispatches: &mut Vec<Dispatch>, dispatch: Dispatch) {
    emit_enum(&dispatch, out);
    dispatches.push(dispatch);
}

fn emit_record_enum(out: &mut String, dispatches: &mut Vec<Dispatch>, prefix: &str, records: &[RecordType]) {
    let doc = format!("/// A record of any [`{prefix}RecordType`], decoded.");
    let type_enum = format!("{prefix}RecordType");
    let name = format!("{prefix}Record");
    emit_dispatch(out, dispatches, stored_dispatch(&name, &doc, &type_enum, records, |r| r.first.name.clone(), true));
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

fn emit_key_value_enums(out: &mut String, dispatches: &mut Vec<Dispatch>, prefix: &str, records: &[RecordType]) {
    let type_enum = format!("{prefix}RecordType");
    let (key, value) = (format!("{prefix}Key"), format!("{prefix}Value"));
    let key_doc = format!("/// The key of a record of any [`{prefix}RecordType`], decoded.");
    let keys = stored_dispatch(&key, &key_doc, &type_enum, records, |r| r.first.name.clone(), false);
    emit_dispatch(out, dispatches, keys);
    let value_doc = format!("/// The value of a record of any [`{prefix}RecordType`], decoded.");
    let value_name = |r: &RecordType| r.value.map_or(String::new(), |v| v.name.clone());
    emit_dispatch(out, dispatches, stored_dispatch(&value, &value_doc, &type_enum, records, value_name, true));
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
