//! Every name the generator derives from a spec name, in one place: Rust
//! identifiers, module and file names, enum variants, Kafka's JSON keys and
//! doc comments.

/// `ThrottleTimeMs` -> `throttle_time_ms`, `IsrNodes` -> `isr_nodes`,
/// `TopicID` -> `topic_id`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The module (and file stem) of a spec: `MetadataRequest` -> `metadata_request`.
pub fn module_name(spec_name: &str) -> String {
    snake_case(spec_name)
}

/// A local variable for a field while decoding (never a raw identifier):
/// `Type` -> `f_type`.
pub fn local_ident(field_name: &str) -> String {
    format!("f_{}", snake_case(field_name))
}

/// A field's key in Kafka's JSON form: the spec name with a lower-case first
/// letter, as Kafka's `JsonConverter` classes write it.
pub fn json_name(field_name: &str) -> String {
    let mut c = field_name.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// An enum variant for a listener name: `zkBroker` -> `ZkBroker`.
pub fn listener_variant(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// The variant of a Kafka release: `4.4.0` -> `V4_4_0`.
pub fn release_variant(release: &str) -> String {
    format!("V{}", release.replace(['.', '-'], "_"))
}

/// The prefix of a store's enums, from its server module:
/// `group-coordinator` -> `GroupCoordinator`; `storage` holds the remote
/// log metadata records, so `RemoteLogMetadata`.
pub fn store_prefix(store: &str) -> String {
    match store {
        "storage" => "RemoteLogMetadata".into(),
        other => other.split('-').map(listener_variant).collect(),
    }
}

/// An enum variant for one of Kafka's error names:
/// `UNKNOWN_TOPIC_OR_PARTITION` -> `UnknownTopicOrPartition`.
pub fn error_variant(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect()
}

/// The api name of a request spec: `MetadataRequest` -> `Metadata`.
pub fn api_name(request_name: &str) -> Option<&str> {
    request_name.strip_suffix("Request")
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A field identifier: snake case, raw (`r#type`) where it is a keyword.
pub fn field_ident(name: &str) -> String {
    let s = snake_case(name);
    if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Names the generated code uses unqualified; a spec struct must not shadow them.
pub const RESERVED_TYPE_NAMES: &[&str] =
    &["Vec", "Option", "Some", "None", "Result", "Ok", "Err", "Default", "String", "Box", "Self", "Bytes", "Uuid"];

/// Doc-comment text: one `///` line per line, with Markdown link and HTML
/// brackets escaped so rustdoc shows the text as written.
pub fn doc_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let escaped = line.replace('[', "\\[").replace(']', "\\]").replace('<', "\\<").replace('>', "\\>");
        out.push_str("/// ");
        out.push_str(escaped.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_cases_spec_names() {
        assert_eq!(snake_case("ThrottleTimeMs"), "throttle_time_ms");
        assert_eq!(snake_case("IsrNodes"), "isr_nodes");
        assert_eq!(snake_case("TopicID"), "topic_id");
        assert_eq!(snake_case("ProducerIdStart"), "producer_id_start");
        assert_eq!(snake_case("V1Data"), "v1_data");
        assert_eq!(field_ident("Type"), "r#type");
        assert_eq!(local_ident("Type"), "f_type");
    }

    #[test]
    fn other_names() {
        assert_eq!(json_name("ThrottleTimeMs"), "throttleTimeMs");
        assert_eq!(listener_variant("zkBroker"), "ZkBroker");
        assert_eq!(error_variant("UNKNOWN_TOPIC_OR_PARTITION"), "UnknownTopicOrPartition");
        assert_eq!(api_name("MetadataRequest"), Some("Metadata"));
        assert_eq!(module_name("MetadataRequest"), "metadata_request");
    }
}
