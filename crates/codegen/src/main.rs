//! kafka-wire-codegen: Kafka's JSON message specs in, kafka-wire's Rust
//! message modules out.
//!
//! ```text
//! kafka-wire-codegen --kafka-version 4.4.0 --specs DIR [--specs DIR]... \
//!     --errors errors.json --out crates/core/src/messages [--check]
//! ```
//!
//! The pipeline: parse every spec (`spec`), merge the sources (`merge`),
//! flatten each spec into structs (`structs`), emit Rust (`rust`), format it
//! with rustfmt, then write it, or with `--check` fail if the files on disk
//! differ. `scripts/regenerate.sh` runs it with the pinned release.

mod merge;
mod rust;
mod spec;
mod structs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

struct Args {
    kafka_version: String,
    specs: Vec<PathBuf>,
    errors: PathBuf,
    out: PathBuf,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut kafka_version, mut specs, mut errors, mut out, mut check) = (None, Vec::new(), None, None, false);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--kafka-version" => kafka_version = Some(value()?),
            "--specs" => specs.push(PathBuf::from(value()?)),
            "--errors" => errors = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--check" => check = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if specs.is_empty() {
        return Err("give at least one --specs directory".into());
    }
    Ok(Args {
        kafka_version: kafka_version.ok_or("--kafka-version is required")?,
        specs,
        errors: errors.ok_or("--errors is required")?,
        out: out.ok_or("--out is required")?,
        check,
    })
}

fn load_specs(dir: &Path) -> Result<Vec<spec::MessageSpec>, String> {
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
            let name = path.file_name().unwrap().to_string_lossy();
            spec::parse_spec(&name, &text)
        })
        .collect()
}

fn load_errors(path: &Path) -> Result<Vec<rust::ErrorSpec>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let items = value.as_array().ok_or_else(|| format!("{}: expected an array", path.display()))?;
    items
        .iter()
        .map(|e| {
            let field = |k: &str| e.get(k).ok_or_else(|| format!("{}: an error lacks {k:?}", path.display()));
            Ok(rust::ErrorSpec {
                code: field("code")?.as_i64().and_then(|c| i16::try_from(c).ok()).ok_or("invalid error code")?,
                name: field("name")?.as_str().ok_or("invalid error name")?.to_string(),
                retriable: field("retriable")?.as_bool().ok_or("invalid retriable flag")?,
                message: field("message")?.as_str().ok_or("invalid error message")?.to_string(),
            })
        })
        .collect()
}

/// Every generated file, by file name, before formatting.
fn generate(args: &Args) -> Result<BTreeMap<String, String>, String> {
    let sources = args.specs.iter().map(|d| load_specs(d)).collect::<Result<Vec<_>, _>>()?;
    let specs = merge::merge(sources);
    let mut files = BTreeMap::new();
    for s in &specs {
        files.insert(format!("{}.rs", rust::snake_case(&s.name)), rust::emit_spec_module(s, &args.kafka_version)?);
    }
    files.insert("api_key.rs".into(), rust::emit_api(&specs, &args.kafka_version)?);
    files.insert("error_code.rs".into(), rust::emit_error_codes(&load_errors(&args.errors)?, &args.kafka_version));
    files.insert("mod.rs".into(), rust::emit_mod_rs(&specs, &args.kafka_version));
    Ok(files)
}

/// Formats the files with rustfmt (one process for all), in a scratch
/// directory beside `out` so the workspace's rustfmt.toml applies.
fn format(files: &BTreeMap<String, String>, scratch: &Path) -> Result<BTreeMap<String, String>, String> {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let mut paths = Vec::new();
    for (name, text) in files {
        let p = scratch.join(name);
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

fn existing_generated(out: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                if name.ends_with(".rs") && text.starts_with("// @generated") {
                    found.insert(name, text);
                }
            }
        }
    }
    found
}

fn run() -> Result<bool, String> {
    let args = parse_args()?;
    let files = generate(&args)?;
    let scratch = args.out.parent().unwrap_or(Path::new(".")).join(".codegen-scratch");
    let files = format(&files, &scratch)?;
    let existing = existing_generated(&args.out);
    if args.check {
        let mut stale = Vec::new();
        for (name, text) in &files {
            if existing.get(name) != Some(text) {
                stale.push(name.clone());
            }
        }
        stale.extend(existing.keys().filter(|n| !files.contains_key(*n)).cloned());
        if stale.is_empty() {
            println!("{} generated files are up to date", files.len());
            return Ok(true);
        }
        eprintln!("generated code is stale (run scripts/regenerate.sh): {}", stale.join(", "));
        return Ok(false);
    }
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    for name in existing.keys().filter(|n| !files.contains_key(*n)) {
        std::fs::remove_file(args.out.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    for (name, text) in &files {
        if existing.get(name) != Some(text) {
            std::fs::write(args.out.join(name), text).map_err(|e| format!("{name}: {e}"))?;
        }
    }
    println!("wrote {} files to {}", files.len(), args.out.display());
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
