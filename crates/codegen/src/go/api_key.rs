//! `messages/api_key.go`: `APIKey` with each API's metadata and header
//! versions, the constructors of request and response bodies by key, and
//! of every message by spec name.

use super::header;
use super::message::struct_types;
use super::naming::{go_name, string_literal};
use crate::emit::{collect_apis, legacy_versions};
use crate::flatten;
use crate::spec::{MessageSpec, Versions};
use std::fmt::Write;

/// Kafka's special cases (from its generator's `ApiMessageTypeGenerator`).
const API_VERSIONS_KEY: i16 = 18;
const CONTROLLED_SHUTDOWN_KEY: i16 = 7;

fn range(v: Versions) -> String {
    match v.0 {
        Some((a, b)) => format!("VersionRange{{{a}, {b}}}"),
        None => "VersionRange{0, -1}".into(),
    }
}

pub(super) fn emit(specs: &[MessageSpec], releases: &[String]) -> Result<String, String> {
    let pinned = releases.first().ok_or("no release")?;
    let apis = collect_apis(specs)?;
    let mut out = header(&format!("the request and response specs of Kafka {}", releases.join(" and ")));
    out.push_str("package messages\n\n");
    out.push_str("// The APIs, by key.\nconst (\n");
    for a in &apis {
        writeln!(
            out,
            "// APIKey{} is {}: {} and {}.\nAPIKey{} APIKey = {}",
            go_name(&a.name),
            a.name,
            go_name(&a.request.name),
            go_name(&a.response.name),
            go_name(&a.name),
            a.key
        )
        .unwrap();
    }
    out.push_str(")\n\n");
    out.push_str(
        "// APIKeys returns every API this package knows, by key.\nfunc APIKeys() []APIKey {\nreturn []APIKey{\n",
    );
    for a in &apis {
        writeln!(out, "APIKey{},", go_name(&a.name)).unwrap();
    }
    out.push_str("}\n}\n\n");
    out.push_str("var apiMetadata = map[APIKey]*apiInfo{\n");
    for a in &apis {
        let listeners: Vec<String> = a.request.listeners.iter().map(|l| string_literal(l)).collect();
        writeln!(
            out,
            "APIKey{}: {{name: {}, valid: {}, requestFlexible: {}, responseFlexible: {}, deprecated: {}, legacy: {}, latestUnstable: {}, listeners: []string{{{}}}}},",
            go_name(&a.name),
            string_literal(&a.name),
            range(a.request.valid_versions),
            range(a.request.flexible_versions),
            range(a.response.flexible_versions),
            range(a.request.deprecated_versions),
            range(legacy_versions(a, pinned)?),
            a.request.latest_version_unstable,
            listeners.join(", ")
        )
        .unwrap();
    }
    out.push_str("}\n\n");
    writeln!(
        out,
        "// RequestHeaderVersion is the request header version for version of the\n\
         // API: 2 for flexible versions, else 1; ControlledShutdown v0 uses header\n\
         // v0 (no client id).\n\
         func (k APIKey) RequestHeaderVersion(version int16) int16 {{\n\
         if k == {CONTROLLED_SHUTDOWN_KEY} && version == 0 {{\nreturn 0\n}}\n\
         if k.RequestFlexibleVersions().Contains(version) {{\nreturn 2\n}}\nreturn 1\n}}\n\n\
         // ResponseHeaderVersion is the response header version for version of the\n\
         // API: 1 for flexible versions, else 0; ApiVersions responses always use\n\
         // v0 (KIP-511), so that a client can read them before it knows what the\n\
         // broker speaks.\n\
         func (k APIKey) ResponseHeaderVersion(version int16) int16 {{\n\
         if k == {API_VERSIONS_KEY} {{\nreturn 0\n}}\n\
         if k.ResponseFlexibleVersions().Contains(version) {{\nreturn 1\n}}\nreturn 0\n}}\n"
    )
    .unwrap();
    out.push_str("// NewRequest returns a request body of the API at its defaults, or nil for\n// a key this package does not know.\nfunc (k APIKey) NewRequest() Request {\nswitch k {\n");
    for a in &apis {
        writeln!(out, "case APIKey{}:\nv := New{}()\nreturn &v", go_name(&a.name), go_name(&a.request.name)).unwrap();
    }
    out.push_str("}\nreturn nil\n}\n\n");
    out.push_str("// NewResponse returns a response body of the API at its defaults, or nil\n// for a key this package does not know.\nfunc (k APIKey) NewResponse() Response {\nswitch k {\n");
    for a in &apis {
        writeln!(out, "case APIKey{}:\nv := New{}()\nreturn &v", go_name(&a.name), go_name(&a.response.name)).unwrap();
    }
    out.push_str("}\nreturn nil\n}\n\n");
    for a in &apis {
        writeln!(
            out,
            "func (*{}) isRequest() {{}}\n\nfunc (*{}) isResponse() {{}}\n",
            go_name(&a.request.name),
            go_name(&a.response.name)
        )
        .unwrap();
    }
    out.push_str(
        "// New returns the message whose spec is named name (a request or response\n\
         // body, a header, a data type or a stored record, e.g. \"MetadataRequest\"\n\
         // or \"ConsumerProtocolSubscription\"), at its defaults.\n\
         func New(name string) (Message, bool) {\nswitch name {\n",
    );
    for spec in specs {
        let defs = flatten::collect(spec).map_err(|e| format!("{}: {e}", spec.file))?;
        let ty = &struct_types(spec, &defs)[&spec.name];
        writeln!(out, "case {}:\nv := New{ty}()\nreturn &v, true", string_literal(&spec.name)).unwrap();
    }
    out.push_str("}\nreturn nil, false\n}\n");
    Ok(out)
}
