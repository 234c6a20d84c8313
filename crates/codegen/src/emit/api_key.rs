//! Emits `api_key.rs`: the `ApiKey` enum with each API's metadata and header
//! version rules, the `Listener` enum, and the `Request` / `Response` enums
//! that dispatch on the api key.

use super::dispatch::{emit_enum, Dispatch, Key, Variant};
use super::shared::{header, range};
use crate::naming::{api_name, listener_variant};
use crate::spec::{MessageSpec, SpecType, Versions};
use std::collections::BTreeMap;
use std::fmt::Write;

/// One API: its key, its name, and its request and response specs.
pub(crate) struct Api<'a> {
    pub key: i16,
    pub name: String,
    pub request: &'a MessageSpec,
    pub response: &'a MessageSpec,
}

impl Api<'_> {
    /// The message name of the API's `"Request"` or `"Response"` body.
    pub(super) fn body_name(&self, kind: &str) -> &str {
        if kind == "Request" {
            &self.request.name
        } else {
            &self.response.name
        }
    }
}

/// Kafka's special cases (from its generator's `ApiMessageTypeGenerator`):
const API_VERSIONS_KEY: i16 = 18;
const CONTROLLED_SHUTDOWN_KEY: i16 = 7;

/// Pairs every request with its response by api key.
pub(crate) fn collect_apis(specs: &[MessageSpec]) -> Result<Vec<Api<'_>>, String> {
    let mut requests = BTreeMap::new();
    let mut responses = BTreeMap::new();
    for s in specs {
        let map = match s.ty {
            SpecType::Request => &mut requests,
            SpecType::Response => &mut responses,
            _ => continue,
        };
        let key = s.api_key.expect("checked by the parser");
        if let Some(other) = map.insert(key, s) {
            return Err(format!("api key {key} is used by both {} and {}", other.file, s.file));
        }
    }
    let mut apis = Vec::new();
    for (key, request) in requests {
        let response = responses.remove(&key).ok_or_else(|| format!("{} has no matching response", request.file))?;
        let name = api_name(&request.name)
            .ok_or_else(|| format!("{}: a request name must end in Request", request.file))?
            .to_string();
        if response.name != format!("{name}Response") {
            return Err(format!("api key {key}: {} does not match {}", request.name, response.name));
        }
        apis.push(Api { key, name, request, response });
    }
    if let Some((key, spec)) = responses.into_iter().next() {
        return Err(format!("{}: response for api key {key} has no request", spec.file));
    }
    Ok(apis)
}

/// The versions `release` defines of an API.
fn versions_in(api: &Api, release: &str) -> Versions {
    api.request.releases.iter().find(|(r, _)| r == release).map_or(Versions::NONE, |(_, v)| *v)
}

/// The versions that only releases older than the pinned one define.
pub(crate) fn legacy_versions(api: &Api, pinned: &str) -> Result<Versions, String> {
    let all = api.request.valid_versions;
    let current = versions_in(api, pinned);
    match (all.0, current.0) {
        (_, None) => Ok(all),
        (Some((lo, _)), Some((clo, chi))) if chi >= all.max().unwrap_or(lo) && clo > lo => {
            Ok(Versions(Some((lo, clo - 1))))
        }
        (Some(_), Some(_)) if all == current => Ok(Versions::NONE),
        _ => Err(format!("{}: versions {all} of which {pinned} defines {current}: not an older range", api.name)),
    }
}

pub(super) fn emit(apis: &[Api], releases: &[String]) -> Result<String, String> {
    let mut out = header(&format!("the request and response specs of Kafka {}", releases.join(" and ")));
    out.push_str(
        "//! Api keys with their metadata, and the request and response enums that\n\
         //! dispatch on them.\n\n\
         use super::*;\n\
         #[cfg(any(feature = \"decode-requests\", feature = \"decode-responses\"))]\n\
         use crate::codec::Reader;\n\
         #[cfg(any(feature = \"decode-requests\", feature = \"decode-responses\"))]\n\
         use crate::error::{DecodeError, DecodeErrorKind};\n\
         #[cfg(any(feature = \"encode-requests\", feature = \"encode-responses\"))]\n\
         use crate::error::EncodeError;\n\
         #[cfg(any(feature = \"decode-requests\", feature = \"decode-responses\"))]\n\
         use crate::message::Decode;\n\
         #[cfg(any(feature = \"encode-requests\", feature = \"encode-responses\"))]\n\
         use crate::message::Encode;\n\
         use crate::message::VersionRange;\n\
         #[cfg(any(feature = \"encode-requests\", feature = \"encode-responses\"))]\n\
         use bytes::BufMut;\n\n",
    );
    emit_listener(apis, &mut out);
    emit_api_key(apis, releases, &mut out)?;
    emit_enum(&body_dispatch(apis, "Request"), &mut out);
    emit_enum(&body_dispatch(apis, "Response"), &mut out);
    Ok(out)
}

fn emit_listener(apis: &[Api], out: &mut String) {
    let mut names: Vec<&str> = apis.iter().flat_map(|a| a.request.listeners.iter().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    out.push_str("/// The kinds of listener an API is served on.\n#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Listener {\n");
    for n in &names {
        writeln!(out, "/// `{n}`\n{},", listener_variant(n)).unwrap();
    }
    out.push_str("}\n\n");
}

fn emit_api_key(apis: &[Api], releases: &[String], out: &mut String) -> Result<(), String> {
    out.push_str(
        "/// A Kafka API, identified on the wire by its `i16` key.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         #[repr(i16)]\npub enum ApiKey {\n",
    );
    for a in apis {
        writeln!(out, "/// `{}` / `{}`.\n{} = {},", a.request.name, a.response.name, a.name, a.key).unwrap();
    }
    out.push_str("}\n\nimpl ApiKey {\n/// Every API, by key.\npub const ALL: &'static [ApiKey] = &[\n");
    for a in apis {
        writeln!(out, "ApiKey::{},", a.name).unwrap();
    }
    out.push_str("];\n\n/// The key as it appears on the wire.\npub const fn key(self) -> i16 { self as i16 }\n\n");

    let table = emit_metadata_table(apis, releases, out)?;
    out.push_str(
        "/// The stable versions: the valid ones, less the latest if it is unstable.\n\
         pub const fn stable_versions(self) -> VersionRange {\n\
         let v = self.valid_versions();\n\
         if self.latest_version_unstable() { VersionRange::new(v.min, v.max - 1) } else { v }\n}\n\n",
    );
    out.push_str("/// The API for a key, or `None` for a key this release does not know.\npub const fn from_key(key: i16) -> Option<ApiKey> {\n");
    if keys_are_positions(apis) {
        out.push_str("if key >= 0 && (key as usize) < ApiKey::ALL.len() { Some(ApiKey::ALL[key as usize]) } else { None }\n}\n\n");
    } else {
        out.push_str("match key {\n");
        for a in apis {
            writeln!(out, "{} => Some(ApiKey::{}),", a.key, a.name).unwrap();
        }
        out.push_str("_ => None,\n}\n}\n\n");
    }

    writeln!(
        out,
        "/// The request header version for `version` of this API: 2 for flexible\n\
         /// versions, else 1; ControlledShutdown v0 uses header v0 (no client id).\n\
         pub const fn request_header_version(self, version: i16) -> i16 {{\n\
         if self.key() == {CONTROLLED_SHUTDOWN_KEY} && version == 0 {{ return 0; }}\n\
         if self.request_flexible_versions().contains(version) {{ 2 }} else {{ 1 }}\n}}\n\n\
         /// The response header version for `version` of this API: 1 for flexible\n\
         /// versions, else 0; ApiVersions responses always use v0 (KIP-511), so a\n\
         /// client can read them before it knows what the broker speaks.\n\
         pub const fn response_header_version(self, version: i16) -> i16 {{\n\
         if self.key() == {API_VERSIONS_KEY} {{ return 0; }}\n\
         if self.response_flexible_versions().contains(version) {{ 1 }} else {{ 0 }}\n}}\n}}\n"
    )
    .unwrap();

    out.push_str(
        "impl TryFrom<i16> for ApiKey {\ntype Error = i16;\n\
         /// Fails with the key itself when it is unknown.\n\
         fn try_from(key: i16) -> Result<Self, i16> { ApiKey::from_key(key).ok_or(key) }\n}\n\n\
         impl From<ApiKey> for i16 {\nfn from(k: ApiKey) -> i16 { k.key() }\n}\n\n\
         impl std::fmt::Display for ApiKey {\nfn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n\
         f.write_str(self.name())\n}\n}\n\n",
    );
    out.push_str(&table);
    Ok(())
}

/// Whether the api keys are 0, 1, 2, ... in order: then a key is its
/// position in `ApiKey::ALL` and in the metadata table.
fn keys_are_positions(apis: &[Api]) -> bool {
    apis.iter().enumerate().all(|(i, a)| usize::try_from(a.key) == Ok(i))
}

/// `ApiKey`'s metadata as one table, a row per API, and the accessors that
/// read it: one place to look up what the specs say of an API, instead of
/// a match per property.
/// Returns the table, for after the `impl` block.
fn emit_metadata_table(apis: &[Api], releases: &[String], out: &mut String) -> Result<String, String> {
    let pinned = releases.first().ok_or("no release")?;
    let accessors: [(&str, &str, &str); 8] = [
        ("name", "&'static str", "/// The API's name, e.g. `Metadata`."),
        (
            "valid_versions",
            "VersionRange",
            "/// Every version of the API that a release in\n/// [`KafkaRelease::GENERATED_FROM`](crate::KafkaRelease::GENERATED_FROM) defines (both request\n/// and response).",
        ),
        ("request_flexible_versions", "VersionRange", "/// The flexible versions of the request."),
        ("response_flexible_versions", "VersionRange", "/// The flexible versions of the response."),
        ("deprecated_versions", "VersionRange", "/// Versions Kafka marks deprecated."),
        (
            "latest_version_unstable",
            "bool",
            "/// Whether the latest version is still unstable (not offered by brokers by default).",
        ),
        ("listeners", "&'static [Listener]", "/// The listeners that serve this API."),
        (
            "legacy_versions",
            "VersionRange",
            &format!(
                "/// The versions only older releases define, none of them in Kafka\n\
                 /// {pinned}'s specs: those Kafka 4.0 removed (KIP-896, and the four\n\
                 /// APIs it removed whole), and early-access versions that 4.x replaced.\n\
                 /// A 4.x broker rejects them, with one exception: see\n\
                 /// [`ApiKey::legacy_versions_still_advertised`]."
            ),
        ),
    ];
    for (name, ty, doc) in &accessors {
        writeln!(out, "{doc}\npub const fn {name}(self) -> {ty} {{\nself.metadata().{name}\n}}\n").unwrap();
    }
    out.push_str(
        "/// This API's row of the metadata table.\n\
         const fn metadata(self) -> &'static Metadata {\n&METADATA[self.index()]\n}\n\n\
         /// The API's position in [`ApiKey::ALL`], and so in every table by api.\n\
         pub(crate) const fn index(self) -> usize {\n",
    );
    if keys_are_positions(apis) {
        out.push_str("self as usize\n}\n\n");
    } else {
        out.push_str("match self {\n");
        for (i, a) in apis.iter().enumerate() {
            writeln!(out, "ApiKey::{} => {i},", a.name).unwrap();
        }
        out.push_str("}\n}\n\n");
    }
    // The table itself goes after the impl block: collected here.
    let mut table = String::new();
    table.push_str("/// One row of [`ApiKey`]'s metadata table: what the specs say of an API.\nstruct Metadata {\n");
    for (name, ty, _) in &accessors {
        writeln!(table, "{name}: {ty},").unwrap();
    }
    table.push_str("}\n\n");
    writeln!(
        table,
        "/// Every API's row, in the order of [`ApiKey::ALL`].\nstatic METADATA: [Metadata; {}] = [",
        apis.len()
    )
    .unwrap();
    for a in apis {
        let listeners: Vec<String> =
            a.request.listeners.iter().map(|l| format!("Listener::{}", listener_variant(l))).collect();
        writeln!(
            table,
            "Metadata {{ name: {:?}, valid_versions: {}, request_flexible_versions: {}, \
             response_flexible_versions: {}, deprecated_versions: {}, latest_version_unstable: {}, \
             listeners: &[{}], legacy_versions: {} }},",
            a.name,
            range(a.request.valid_versions),
            range(a.request.flexible_versions),
            range(a.response.flexible_versions),
            range(a.request.deprecated_versions),
            a.request.latest_version_unstable,
            listeners.join(", "),
            range(legacy_versions(a, pinned)?),
        )
        .unwrap();
    }
    table.push_str("];\n\n");
    Ok(table)
}

/// The `Request` or `Response` enum: a body of any API, by api key.
pub(super) fn body_dispatch(apis: &[Api], kind: &'static str) -> Dispatch {
    let lower = kind.to_lowercase();
    Dispatch {
        name: kind.to_string(),
        doc: format!(
            "/// A {lower} body of any API, so a frame can be decoded by api key and\n\
             /// version without naming the type."
        ),
        module: None,
        cfg: "",
        key: Key {
            ty: "ApiKey".into(),
            name: "api_key",
            doc: "The API this body belongs to.",
            raw_method: "decode_by_key",
            raw_param: "api_key",
            raw_from: "from_key",
            raw_unknown: "UnknownApiKey",
            raw_what: "key",
        },
        holds: if kind == "Request" { "request body" } else { "response body" },
        versioned: true,
        encode_cfg: format!("#[cfg(feature = \"encode-{lower}s\")]\n"),
        decode_cfg: format!("#[cfg(feature = \"decode-{lower}s\")]\n"),
        default_for: true,
        variants: apis
            .iter()
            .map(|a| Variant { name: a.name.clone(), message: a.body_name(kind).to_string() })
            .collect(),
    }
}
