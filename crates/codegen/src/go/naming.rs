//! Go names for spec names: exported identifiers with Go's initialisms
//! (`TopicId` -> `TopicID`, `ApiKey` -> `APIKey`), and the names of nested
//! structs, which share one Go package and so carry their message's name.

use crate::spec::MessageSpec;

/// Words Go writes in capitals (Effective Go's initialisms that occur in
/// Kafka's specs), by their lower-case spelling.
const INITIALISMS: &[(&str, &str)] = &[
    ("acl", "ACL"),
    ("acls", "ACLs"),
    ("api", "API"),
    ("apis", "APIs"),
    ("crc", "CRC"),
    ("id", "ID"),
    ("ids", "IDs"),
    ("ip", "IP"),
    ("json", "JSON"),
    ("ttl", "TTL"),
    ("uri", "URI"),
    ("url", "URL"),
    ("uuid", "UUID"),
];

/// The words of a spec name, split where its case changes, each as written:
/// `ThrottleTimeMs` -> `Throttle`, `Time`, `Ms`; `TopicID` -> `Topic`, `ID`.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = c.is_ascii_uppercase()
            && match i.checked_sub(1).map(|p| chars[p]) {
                None => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
        match words.last_mut() {
            Some(word) if !boundary => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

/// The exported Go identifier for a spec name.
pub(super) fn go_name(name: &str) -> String {
    words(name)
        .into_iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            match INITIALISMS.iter().find(|(l, _)| *l == lower) {
                Some((_, go)) => go.to_string(),
                None => {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
                }
            }
        })
        .collect()
}

/// The Go type of a struct of `spec`: the message's own name for its
/// top-level struct; nested and common structs prefixed with it unless
/// their spec name already starts with it (`MetadataRequestTopic` stays,
/// ProduceRequest's `TopicProduceData` is `ProduceRequestTopicProduceData`).
pub(super) fn struct_type(spec: &MessageSpec, struct_name: &str) -> String {
    if struct_name == spec.name || struct_name.starts_with(&spec.name) {
        go_name(struct_name)
    } else {
        go_name(&format!("{}{struct_name}", spec.name))
    }
}

/// The Go file of a spec: `MetadataRequest` -> `metadata_request.go`.
pub(super) fn file_name(spec_name: &str) -> String {
    format!("{}.go", crate::naming::snake_case(spec_name))
}

/// A Go string literal (the specs' defaults are ASCII; anything else is
/// escaped).
pub(super) fn string_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// Doc comment lines (`// ...`) for a text, wrapped at about 76 columns.
pub(super) fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 76 {
            out.push_str(&format!("// {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("// {line}\n"));
    }
    out
}

/// Whether `code` uses the identifier `word` (a whole word, outside string
/// literals and not after a `.`), so a function declares a local only where
/// its body reads it (Go refuses unused locals).
pub(super) fn uses(code: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let chars: Vec<char> = code.chars().collect();
    let target: Vec<char> = word.chars().collect();
    let (mut in_string, mut escaped) = (false, false);
    for i in 0..chars.len() {
        let c = chars[i];
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if chars[i..].starts_with(&target)
            && (i == 0 || !is_ident(chars[i - 1]) && chars[i - 1] != '.')
            && chars.get(i + target.len()).is_none_or(|&n| !is_ident(n))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_names_use_initialisms() {
        assert_eq!(go_name("TopicId"), "TopicID");
        assert_eq!(go_name("TopicID"), "TopicID");
        assert_eq!(go_name("ApiVersionsRequest"), "APIVersionsRequest");
        assert_eq!(go_name("ThrottleTimeMs"), "ThrottleTimeMs");
        assert_eq!(go_name("KRaftVersionRecord"), "KRaftVersionRecord");
        assert_eq!(go_name("IsrNodes"), "IsrNodes");
        assert_eq!(go_name("ReplicaIds"), "ReplicaIDs");
        assert_eq!(go_name("name"), "Name");
    }

    #[test]
    fn finds_locals() {
        assert!(uses("if err != nil {", "err"));
        assert!(!uses("v.err", "err"));
        assert!(!uses("\"err\"", "err"));
        assert!(!uses("errs", "err"));
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal("a\"b"), "\"a\\\"b\"");
        assert_eq!(string_literal("é"), "\"\\u00e9\"");
    }
}
