//! `messages/mod.rs`: the module of every spec, and the re-exports of each
//! one's top-level type.

use super::shared::{header, stored_cfg};
use crate::naming::module_name;
use crate::spec::{MessageSpec, SpecType};
use std::fmt::Write;

/// `messages/mod.rs`: declares every module and re-exports each top-level type.
pub(super) fn emit(specs: &[MessageSpec], pinned: &str, all: &str) -> String {
    let mut out = header(&format!("the specs of Kafka {all}"));
    out.push_str("//! Every message of the Kafka protocol, one module per spec file.\n\n");
    writeln!(
        out,
        "/// The pinned Kafka release: its specs define the current versions;\n\
         /// older releases' specs add the versions it no longer has\n\
         /// (see [`KafkaRelease`](crate::KafkaRelease)).\n\
         pub const KAFKA_VERSION: &str = {pinned:?};\n"
    )
    .unwrap();
    // ApiKey and its kin, and ErrorCode, have one public path: the crate
    // root's (kafka-wire-core's lib.rs re-exports them from these modules).
    out.push_str("pub(crate) mod api_key;\npub(crate) mod error_code;\npub(crate) mod releases;\n");
    out.push_str("#[cfg(feature = \"json\")]\nmod json;\n#[cfg(feature = \"random\")]\nmod random;\n");
    let has_stored = specs.iter().any(|s| s.store.is_some());
    if has_stored {
        out.push_str("#[cfg(feature = \"stored\")]\npub mod stored;\n");
    }
    for spec in specs {
        writeln!(out, "{}pub mod {};", stored_cfg(spec), module_name(&spec.name)).unwrap();
    }
    out.push_str("\npub(crate) use api_key::{ApiKey, Request, Response};\n");
    for spec in specs {
        writeln!(out, "{}pub use {}::{};", stored_cfg(spec), module_name(&spec.name), spec.name).unwrap();
    }
    let others: Vec<&str> = specs
        .iter()
        .filter(|s| !matches!(s.ty, SpecType::Request | SpecType::Response) && s.store.is_none())
        .map(|s| s.name.as_str())
        .collect();
    if has_stored {
        let stored: Vec<&str> = specs.iter().filter(|s| s.store.is_some()).map(|s| s.name.as_str()).collect();
        writeln!(
            out,
            "\n/// Calls macro `$m` with the name of every schema of what Kafka stores\n\
             /// (feature `stored`): metadata and coordinator records, raft and log files.\n\
             #[cfg(feature = \"stored\")]\n#[macro_export]\nmacro_rules! for_each_stored_message {{\n($m:ident) => {{\n$m!({});\n}};\n}}",
            stored.join(", ")
        )
        .unwrap();
    }
    writeln!(
        out,
        "\n/// Calls macro `$m` with the name of every message that is not a request\n\
         /// or response body: the headers and the data types. (Request and\n\
         /// response bodies are enumerated by [`ApiKey::ALL`].)\n\
         #[macro_export]\nmacro_rules! for_each_non_api_message {{\n($m:ident) => {{\n$m!({});\n}};\n}}",
        others.join(", ")
    )
    .unwrap();
    out
}
