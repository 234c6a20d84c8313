//! kafka-wire-codegen: Kafka's JSON message specs in, kafka-wire's Rust
//! message modules out. The pipeline, one module per stage:
//!
//! 1. [`spec`]: parse each spec file into the spec model, with the rules of
//!    Kafka's own generator (anything unknown is an error naming the file
//!    and field); [`versions`] holds version ranges and the conditions made
//!    of them.
//! 2. [`merge`]: combine the spec sources (one directory per Kafka release).
//! 3. [`flatten`]: list the structs of each spec (the message, its nested
//!    structs, its common structs) with the versions each can appear in.
//! 4. [`emit`]: write the Rust files, one emitter per output (wire codec,
//!    JSON, random, api keys, releases, error codes); [`naming`] derives
//!    every name, and [`releases`] reads every Kafka release's api table
//!    (what its broker advertises, read from its jar by
//!    `scripts/fetch-releases.sh`).
//! 5. [`format`]: rustfmt, so the output is what is committed.
//!
//! [`go`] writes the same specs as a Go module's packages, from stage 3 on.
//!
//! `scripts/regenerate.sh` runs the binary with the pinned release;
//! `tests/fixtures.rs` pins the output for small specs.

pub mod emit;
pub mod flatten;
pub mod go;
pub mod merge;
pub mod naming;
pub mod releases;
pub mod spec;
pub mod versions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Parses every `*.json` spec in `dir`, in file-name order.
pub fn load_specs(dir: &Path) -> Result<Vec<spec::MessageSpec>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            spec::parse_spec(&name, &text)
        })
        .collect()
}

/// Reads the error table that `tools/DumpErrors.java` writes.
pub fn load_errors(path: &Path) -> Result<Vec<emit::ErrorSpec>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let items = value.as_array().ok_or_else(|| format!("{}: expected an array", path.display()))?;
    items
        .iter()
        .map(|e| {
            let field = |k: &str| e.get(k).ok_or_else(|| format!("{}: an error lacks {k:?}", path.display()));
            Ok(emit::ErrorSpec {
                code: field("code")?.as_i64().and_then(|c| i16::try_from(c).ok()).ok_or("invalid error code")?,
                name: field("name")?.as_str().ok_or("invalid error name")?.to_string(),
                retriable: field("retriable")?.as_bool().ok_or("invalid retriable flag")?,
                message: field("message")?.as_str().ok_or("invalid error message")?.to_string(),
            })
        })
        .collect()
}

/// Every generated file, by path under the output folder, formatted.
/// `releases` are (Kafka release, spec directory) pairs, newest first; the
/// first is the pinned release whose error table `errors` is. `stored` are
/// the directories of the pinned release's schemas of what Kafka stores,
/// one per server module (the directory's name). `release_tables` holds
/// every release's api table (`<version>/apis.json`, see [`releases`]).
pub fn generate(
    releases: &[(String, PathBuf)],
    stored: &[PathBuf],
    errors: &[emit::ErrorSpec],
    release_tables: &Path,
    scratch: &Path,
) -> Result<BTreeMap<String, String>, String> {
    let specs = load_all(releases, stored)?;
    generate_rust(&specs, releases, errors, release_tables, scratch)
}

/// Every spec, merged over the releases and with the stored schemas added
/// (see [`generate`] for the arguments), sorted by name.
pub fn load_all(releases: &[(String, PathBuf)], stored: &[PathBuf]) -> Result<Vec<spec::MessageSpec>, String> {
    let loaded = releases
        .iter()
        .map(|(version, dir)| Ok(merge::Release { version: version.clone(), specs: load_specs(dir)? }))
        .collect::<Result<Vec<_>, String>>()?;
    let mut specs = merge::merge(loaded)?;
    for dir in stored {
        let store = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for mut spec in load_specs(dir)? {
            if let Some(other) = specs.iter().find(|s| s.name == spec.name) {
                return Err(format!("{store}/{}: {} is also {}", spec.file, spec.name, other.file));
            }
            spec.store = Some(store.clone());
            spec.releases = vec![(releases[0].0.clone(), spec.valid_versions)];
            specs.push(spec);
        }
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

/// The Rust files of [`generate`], from specs [`load_all`] returned.
pub fn generate_rust(
    specs: &[spec::MessageSpec],
    releases: &[(String, PathBuf)],
    errors: &[emit::ErrorSpec],
    release_tables: &Path,
    scratch: &Path,
) -> Result<BTreeMap<String, String>, String> {
    let tables = releases::load(release_tables)?;
    let names: Vec<String> = releases.iter().map(|(v, _)| v.clone()).collect();
    let files = emit::emit_all(specs, errors, &names, &tables)?;
    format(&files, scratch)
}

/// Every generated Go file, by path under the Go module's folder, formatted
/// by gofmt, from specs [`load_all`] returned.
pub fn generate_go(
    specs: &[spec::MessageSpec],
    releases: &[(String, PathBuf)],
    errors: &[emit::ErrorSpec],
    scratch: &Path,
) -> Result<BTreeMap<String, String>, String> {
    let names: Vec<String> = releases.iter().map(|(v, _)| v.clone()).collect();
    go::format(&go::emit_all(specs, errors, &names)?, scratch)
}

/// Formats the files with rustfmt (one process for all), in a scratch
/// directory whose parent's rustfmt.toml applies.
pub fn format(files: &BTreeMap<String, String>, scratch: &Path) -> Result<BTreeMap<String, String>, String> {
    let _ = std::fs::remove_dir_all(scratch);
    let mut paths = Vec::new();
    for (name, text) in files {
        let p = scratch.join(name);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        paths.push(p);
    }
    let status = Command::new("rustfmt")
        .args(["--edition", "2021"])
        .args(&paths)
        .status()
        .map_err(|e| format!("could not run rustfmt: {e}"))?;
    if !status.success() {
        return Err(format!("rustfmt failed on the generated code in {}", scratch.display()));
    }
    let mut formatted = BTreeMap::new();
    for name in files.keys() {
        let p = scratch.join(name);
        formatted.insert(name.clone(), std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let _ = std::fs::remove_dir_all(scratch);
    Ok(formatted)
}

/// The generated files already in `out` (those with the `@generated`
/// header), by path under it.
pub fn existing_generated(out: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &str, found: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let name = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                walk(&e.path(), &format!("{name}/"), found);
            } else if let Ok(text) = std::fs::read_to_string(e.path()) {
                if name.ends_with(".rs") && text.starts_with("// @generated") {
                    found.insert(name, text);
                }
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(out, "", &mut found);
    found
}
