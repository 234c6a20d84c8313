//! `messages/stored_types.go`: the internal topics and, for each, the
//! record types it stores, from the server modules' schemas: each type's
//! id, name, key and value (or record) messages and versions. The runtime
//! that frames and dispatches them by this table is hand-written
//! (`messages/stored.go`).

use super::header;
use super::message::struct_types;
use super::naming::{comment, string_literal};
use crate::flatten;
use crate::spec::{MessageSpec, SpecType, Versions};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a server module stores: the Go name of its topic's constant, the
/// topic's name, what it holds, and whether its records are framed as the
/// metadata log's are (no key; a value of frame version, type id and
/// version, then the record) rather than as a coordinator's (an int16 type
/// id, then the key; an int16 version, then the value).
fn topic_of(store: &str) -> Result<(&'static str, &'static str, &'static str, bool), String> {
    Ok(match store {
        "group-coordinator" => {
            ("TopicConsumerOffsets", "__consumer_offsets", "committed offsets and every kind of group", false)
        }
        "transaction-coordinator" => {
            ("TopicTransactionState", "__transaction_state", "the transactional ids and their transactions", false)
        }
        "share-coordinator" => {
            ("TopicShareGroupState", "__share_group_state", "the share groups' delivery state", false)
        }
        "metadata" => ("TopicClusterMetadata", "__cluster_metadata", "the KRaft metadata log and its snapshots", true),
        "storage" => ("TopicRemoteLogMetadata", "__remote_log_metadata", "tiered storage's segment metadata", true),
        other => return Err(format!("stored specs of an unknown server module {other:?}")),
    })
}

fn range(v: Versions) -> String {
    match v.0 {
        Some((a, b)) => format!("VersionRange{{{a}, {b}}}"),
        None => "VersionRange{0, -1}".into(),
    }
}

/// The Go type of a spec's top-level struct.
fn go_type(spec: &MessageSpec) -> Result<String, String> {
    let defs = flatten::collect(spec).map_err(|e| format!("{}: {e}", spec.file))?;
    struct_types(spec, &defs).remove(&spec.name).ok_or_else(|| format!("{}: no Go type", spec.file))
}

/// One record type: its id, name, and the key (coordinator only) and the
/// value or record.
struct Entry<'a> {
    id: i16,
    name: String,
    key: Option<&'a MessageSpec>,
    value: &'a MessageSpec,
}

/// The file, or `None` when no spec is a stored one.
pub(super) fn emit(specs: &[MessageSpec], pinned: &str) -> Result<Option<String>, String> {
    let mut stores: BTreeMap<&str, Vec<&MessageSpec>> = BTreeMap::new();
    for s in specs {
        if let Some(store) = &s.store {
            stores.entry(store.as_str()).or_default().push(s);
        }
    }
    if stores.is_empty() {
        return Ok(None);
    }
    let mut topics = Vec::new();
    for (store, specs) in &stores {
        // A module whose schemas are not records of a topic (raft's control
        // records) has no place here.
        if !specs.iter().any(|s| matches!(s.ty, SpecType::Metadata | SpecType::CoordinatorKey)) {
            continue;
        }
        let (constant, name, what, framed) = topic_of(store)?;
        let mut entries: BTreeMap<i16, Entry> = BTreeMap::new();
        let id_of = |s: &MessageSpec| s.api_key.ok_or_else(|| format!("{}: a stored record needs an apiKey", s.file));
        if framed {
            for s in specs.iter().filter(|s| s.ty == SpecType::Metadata) {
                let id = id_of(s)?;
                let name = s.name.strip_suffix("Record").unwrap_or(&s.name).to_string();
                if entries.insert(id, Entry { id, name, key: None, value: s }).is_some() {
                    return Err(format!("{}: type id {id} is used twice", s.file));
                }
            }
        } else {
            let values: BTreeMap<i16, &MessageSpec> = specs
                .iter()
                .filter(|s| s.ty == SpecType::CoordinatorValue)
                .map(|s| Ok((id_of(s)?, *s)))
                .collect::<Result<_, String>>()?;
            for s in specs.iter().filter(|s| s.ty == SpecType::CoordinatorKey) {
                let id = id_of(s)?;
                let value = values.get(&id).copied().ok_or_else(|| format!("{}: no value spec", s.file))?;
                let name = s.name.strip_suffix("Key").unwrap_or(&s.name).to_string();
                if entries.insert(id, Entry { id, name, key: Some(s), value }).is_some() {
                    return Err(format!("{}: type id {id} is used twice", s.file));
                }
            }
            if entries.len() != values.len() {
                return Err(format!("{store}: coordinator values without a key"));
            }
        }
        topics.push((constant, name, what, framed, *store, entries));
    }
    topics.sort_by_key(|t| (t.3, t.1));

    let mut out = header(&format!("the server-side schemas of Kafka {pinned}"));
    out.push_str("package messages\n\n// The internal topics whose records this package reads.\nconst (\n");
    for (constant, name, what, _, store, _) in &topics {
        out.push_str(&comment(&format!("{constant} is {name}: {what} (Kafka's {store} module).")));
        writeln!(out, "{constant} InternalTopic = {}", string_literal(name)).unwrap();
    }
    out.push_str(")\n\n// InternalTopics returns every internal topic this package reads.\nfunc InternalTopics() []InternalTopic {\nreturn []InternalTopic{");
    for (constant, ..) in &topics {
        write!(out, "{constant}, ").unwrap();
    }
    out.push_str("}\n}\n\nvar storedTopics = map[InternalTopic]*storedTopic{\n");
    for (constant, _, _, framed, _, entries) in &topics {
        writeln!(out, "{constant}: {{framed: {framed}, types: []storedType{{").unwrap();
        for e in entries.values() {
            let value = go_type(e.value)?;
            let key = match e.key {
                Some(k) => {
                    let ty = go_type(k)?;
                    format!(
                        "key: {}, newKey: func() Message {{ v := New{ty}(); return &v }}, isKey: func(m Message) bool {{ _, ok := m.(*{ty}); return ok }},",
                        string_literal(&k.name)
                    )
                }
                None => String::new(),
            };
            writeln!(
                out,
                "{{id: {}, name: {}, {key} value: {}, versions: {}, newValue: func() Message {{ v := New{value}(); return &v }}, isValue: func(m Message) bool {{ _, ok := m.(*{value}); return ok }}}},",
                e.id,
                string_literal(&e.name),
                string_literal(&e.value.name),
                range(e.value.valid_versions),
            )
            .unwrap();
        }
        out.push_str("}},\n");
    }
    out.push_str("}\n");
    Ok(Some(out))
}
