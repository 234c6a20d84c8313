//! The emitters: the spec model in, the files of `core/src/messages` out.
//! One emitter per output, as Kafka's generator has one class per output:
//!
//! | emitter         | writes                                   | compiled with      |
//! |-----------------|------------------------------------------|--------------------|
//! | `wire`          | `<message>.rs`: types and wire codec     | always             |
//! | `json`          | `json/<message>.rs`: Kafka's JSON form   | feature `json`     |
//! | `random`        | `random/<message>.rs`: random instances  | feature `random`   |
//! | `api_key`       | `api_key.rs`: api metadata, `Request`,   | always             |
//! |                 | `Response`                               |                    |
//! | `releases`      | `releases.rs`: every release's api table | always             |
//! | `error_code`    | `error_code.rs`: Kafka's error table     | always             |
//! | `stored`        | `stored.rs`: stored records by type id   | feature `stored`   |
//!
//! The schemas of what Kafka stores (a spec with a `store`) go through the
//! same `wire`, `json` and `random` emitters; their modules compile with
//! the feature `stored`.
//!
//! The enums over messages (`Request`, `Response`, the stored records)
//! share one model, `dispatch`: its wire part is written with the enum,
//! its JSON and random parts by the `json` and `random` emitters.
//!
//! `field` is one field's Rust type, default and wire expressions,
//! `imports` the `use` lines a message module's code declares as it is
//! written, and `shared` what every emitter uses (headers, cfg lines, `if`
//! chains); this module only dispatches.

mod api_key;
mod dispatch;
mod error_code;
mod field;
mod imports;
mod json;
mod messages_mod;
mod random;
mod releases;
mod shared;
mod stored;
mod wire;

pub(crate) use api_key::{collect_apis, legacy_versions};
pub use error_code::ErrorSpec;
pub(crate) use shared::spec_source;

use crate::flatten;
use crate::naming::module_name;
use crate::spec::MessageSpec;
use std::collections::BTreeMap;

/// Every generated file, by path under the output folder, before formatting.
pub fn emit_all(
    specs: &[MessageSpec],
    errors: &[ErrorSpec],
    releases: &[String],
    tables: &[crate::releases::ReleaseTable],
) -> Result<BTreeMap<String, String>, String> {
    let pinned = releases.first().ok_or("no Kafka release given")?;
    let all = releases.join(" and ");
    let mut files = BTreeMap::new();
    for spec in specs {
        let defs = flatten::collect(spec).map_err(|e| format!("{}: {e}", spec.file))?;
        let module = module_name(&spec.name);
        let source = spec_source(spec, &all);
        files.insert(format!("{module}.rs"), wire::emit_module(spec, &defs, &source)?);
        files.insert(format!("json/{module}.rs"), json::emit_module(spec, &defs, &source)?);
        files.insert(format!("random/{module}.rs"), random::emit_module(spec, &defs, &source));
    }
    let apis = api_key::collect_apis(specs)?;
    files.insert("api_key.rs".into(), api_key::emit(&apis, releases)?);
    files.insert("releases.rs".into(), releases::emit(&apis, tables, releases)?);
    files.insert("error_code.rs".into(), error_code::emit(errors, pinned));
    files.insert("mod.rs".into(), messages_mod::emit(specs, pinned, &all));
    let mut dispatches = vec![api_key::body_dispatch(&apis, "Request"), api_key::body_dispatch(&apis, "Response")];
    if let Some((stored, stored_dispatches)) = stored::emit(specs, pinned)? {
        files.insert("stored.rs".into(), stored);
        dispatches.extend(stored_dispatches);
    }
    files.insert("json/mod.rs".into(), json::emit_mod(specs, &dispatches, &all));
    files.insert("random/mod.rs".into(), random::emit_mod(specs, &dispatches, &all));
    Ok(files)
}
