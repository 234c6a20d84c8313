//! Rust names for spec names.

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
    }
}
