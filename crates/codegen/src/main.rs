//! The `kafka-wire-codegen` command:
//!
//! ```text
//! kafka-wire-codegen --release 4.4.0=DIR [--release 3.9.1=DIR]... \
//!     [--stored DIR]... --errors errors.json --release-tables DIR \
//!     --out crates/core/src/messages [--go-out go] [--check]
//! ```
//!
//! Each `--release` names a Kafka release and the directory of its specs,
//! newest first; the first is the pinned release (its error table is
//! `--errors`). Each `--stored` is a directory of the pinned release's
//! schemas of what Kafka stores, named after its server module.
//! `--release-tables` is the folder of every release's api table
//! (`<version>/apis.json`, as `scripts/fetch-releases.sh` writes it). Generates
//! the files (see the library's docs for the
//! pipeline), then writes them, or with `--check` fails if the files on disk
//! differ. `--go-out` also writes (or checks) the generated files of the Go
//! module in that folder.

use kafka_wire_codegen::{existing_generated, generate_go, generate_rust, go, load_all, load_errors};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

struct Args {
    releases: Vec<(String, PathBuf)>,
    stored: Vec<PathBuf>,
    errors: PathBuf,
    release_tables: PathBuf,
    out: PathBuf,
    go_out: Option<PathBuf>,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut releases, mut stored, mut errors, mut out, mut check) = (Vec::new(), Vec::new(), None, None, false);
    let mut release_tables = None;
    let mut go_out = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--release" => {
                let v = value()?;
                let (version, dir) = v.split_once('=').ok_or_else(|| format!("--release {v}: expected VERSION=DIR"))?;
                releases.push((version.to_string(), PathBuf::from(dir)));
            }
            "--stored" => stored.push(PathBuf::from(value()?)),
            "--errors" => errors = Some(PathBuf::from(value()?)),
            "--release-tables" => release_tables = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--go-out" => go_out = Some(PathBuf::from(value()?)),
            "--check" => check = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if releases.is_empty() {
        return Err("give at least one --release VERSION=DIR".into());
    }
    Ok(Args {
        releases,
        stored,
        errors: errors.ok_or("--errors is required")?,
        release_tables: release_tables.ok_or("--release-tables is required")?,
        out: out.ok_or("--out is required")?,
        go_out,
        check,
    })
}

fn run() -> Result<bool, String> {
    let args = parse_args()?;
    let scratch = args.out.parent().unwrap_or(Path::new(".")).join(".codegen-scratch");
    let specs = load_all(&args.releases, &args.stored)?;
    let errors = load_errors(&args.errors)?;
    let files = generate_rust(&specs, &args.releases, &errors, &args.release_tables, &scratch)?;
    let mut fresh = sync(&args.out, &files, existing_generated(&args.out), args.check)?;
    if let Some(go_out) = &args.go_out {
        let go_files = generate_go(&specs, &args.releases, &errors, &scratch)?;
        fresh &= sync(go_out, &go_files, go::existing_generated(go_out), args.check)?;
    }
    Ok(fresh)
}

/// Writes `files` into `out`, removing the generated files `existing` holds
/// that are no longer generated; with `check`, only says whether they are
/// all current.
fn sync(
    out: &Path,
    files: &BTreeMap<String, String>,
    existing: BTreeMap<String, String>,
    check: bool,
) -> Result<bool, String> {
    let stale: Vec<&String> = files
        .iter()
        .filter(|(name, text)| existing.get(*name) != Some(text))
        .map(|(name, _)| name)
        .chain(existing.keys().filter(|n| !files.contains_key(*n)))
        .collect();
    if check {
        if stale.is_empty() {
            println!("{} generated files in {} are up to date", files.len(), out.display());
            return Ok(true);
        }
        let names: Vec<&str> = stale.iter().map(|s| s.as_str()).collect();
        eprintln!("generated code in {} is stale (run scripts/regenerate.sh): {}", out.display(), names.join(", "));
        return Ok(false);
    }
    for name in existing.keys().filter(|n| !files.contains_key(*n)) {
        std::fs::remove_file(out.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    for (name, text) in files {
        if existing.get(name) != Some(text) {
            let path = out.join(name);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, text).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    println!("wrote {} files to {}", files.len(), out.display());
    Ok(true)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
