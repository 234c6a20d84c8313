//! The conformance kit (conformance/): every vector passes this library's
//! reader, the committed files are exactly what the seed generates, and a
//! changed byte is caught, naming the vector.

use kafka_wire_cli::kit::{self, Vector};
use std::path::PathBuf;

fn kit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance")
}

/// Every committed vector file, as (path under the kit, text).
fn committed() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for sub in kit::generated_dirs() {
        let dir = kit_dir().join(sub);
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".jsonl"))
            .collect();
        names.sort();
        for name in names {
            let path = format!("{sub}/{name}");
            files.push((path.clone(), std::fs::read_to_string(kit_dir().join(&path)).unwrap()));
        }
    }
    files
}

#[test]
fn every_vector_passes() {
    let (mut vectors, mut differences) = (0, Vec::new());
    let files = committed();
    for (path, text) in &files {
        let (count, found) = kit::check_text(path, text);
        vectors += count;
        differences.extend(found);
    }
    let shown: Vec<String> = differences.iter().take(20).map(|d| format!("{}: {}", d.vector, d.problem)).collect();
    assert!(differences.is_empty(), "{} differences; the first:\n{}", differences.len(), shown.join("\n"));
    // Two headers, and a request and a response file per api.
    assert_eq!(files.len(), 2 + 2 * kafka_wire::ApiKey::ALL.len());
    assert!(vectors > 3000, "only {vectors} vectors");
    println!("conformance kit: {vectors} vectors in {} files pass", files.len());
}

#[test]
fn the_kit_is_what_the_seed_generates() {
    let seed = std::fs::read_to_string(kit_dir().join("SEED")).unwrap();
    assert_eq!(seed.trim(), format!("{:#x}", kit::SEED), "conformance/SEED is not the generator's seed");
    let generated = kit::generate(kit::SEED).unwrap();
    let committed = committed();
    let regenerate = "regenerate it: scripts/conformance.sh";
    for file in &generated {
        let on_disk = match file.path.as_str() {
            "FORMAT" | "SEED" => std::fs::read_to_string(kit_dir().join(&file.path)).ok(),
            path => committed.iter().find(|(p, _)| p == path).map(|(_, t)| t.clone()),
        };
        let Some(on_disk) = on_disk else { panic!("conformance/{} is missing: {regenerate}", file.path) };
        if on_disk == file.text {
            continue;
        }
        let line = on_disk.lines().zip(file.text.lines()).position(|(a, b)| a != b);
        let (line, vector) = match line {
            Some(i) => (i + 1, on_disk.lines().nth(i).unwrap()),
            None => (on_disk.lines().count().min(file.text.lines().count()) + 1, ""),
        };
        let name = Vector::from_line(vector).map(|v| v.name()).unwrap_or_else(|e| format!("(not a vector: {e})"));
        let expected = file.text.lines().nth(line - 1).unwrap_or("");
        let difference = kit::bytes_difference(expected.as_bytes(), vector.as_bytes());
        panic!(
            "conformance/{}:{line} {name} is not what the seed generates ({difference} of the line): {regenerate}",
            file.path
        );
    }
    for (path, _) in &committed {
        assert!(generated.iter().any(|f| &f.path == path), "conformance/{path} is not generated any more: remove it");
    }
}

/// A changed byte in any vector without unknown tagged fields is caught by
/// reading it alone (its JSON no longer encodes to its bytes); in one with
/// them (whose JSON does not hold them), the currency check above catches it.
#[test]
fn a_changed_byte_is_caught_naming_the_vector() {
    let mut checked = 0;
    for (path, text) in committed() {
        for (i, line) in text.lines().enumerate() {
            let mut vector = Vector::from_line(line).unwrap();
            if vector.unknown_tagged_fields || vector.hex.is_empty() {
                continue;
            }
            let mut bytes = hex::decode(&vector.hex).unwrap();
            let at = (i * 7919 + path.len()) % bytes.len();
            bytes[at] ^= 1 << (i % 8);
            vector.hex = hex::encode(&bytes);
            let broken = format!("{}\n", vector.to_line());
            let (_, differences) = kit::check_text(&path, &broken);
            assert!(!differences.is_empty(), "{path}:{} {} with byte {at} changed passed", i + 1, vector.name());
            assert!(differences[0].vector.contains(&vector.name()), "{differences:?} does not name the vector");
            checked += 1;
        }
    }
    assert!(checked > 2500, "only {checked} vectors changed");
}

#[test]
fn gen_prints_vectors_that_check_passes() {
    let bin = env!("CARGO_BIN_EXE_kafka-wire");
    let out =
        std::process::Command::new(bin).args(["gen", "Fetch", "17", "--count", "5", "--seed", "9"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 5);
    let again =
        std::process::Command::new(bin).args(["gen", "Fetch", "17", "--count", "5", "--seed", "9"]).output().unwrap();
    assert_eq!(again.stdout, text.as_bytes(), "the same seed gave other messages");
    let dir = std::env::temp_dir().join(format!("kafka-wire-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fetch.jsonl");
    std::fs::write(&file, &text).unwrap();
    let check = std::process::Command::new(bin).arg("check").arg(&file).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    // A vector whose JSON was edited: check names it and the field, exit 1.
    let mut vector = Vector::from_line(text.lines().next().unwrap()).unwrap();
    vector.json["maxWaitMs"] = (vector.json["maxWaitMs"].as_i64().unwrap() + 1).into();
    std::fs::write(&file, format!("{}\n", vector.to_line())).unwrap();
    let check = std::process::Command::new(bin).arg("check").arg(&file).output().unwrap();
    let report = String::from_utf8(check.stdout).unwrap();
    assert_eq!(check.status.code(), Some(1), "{report}");
    assert!(report.contains("fetch.jsonl:1 Fetch request v17 random-1") && report.contains("/maxWaitMs"), "{report}");

    let response = std::process::Command::new(bin).args(["gen", "ApiVersions", "3", "--response"]).output().unwrap();
    let vector = Vector::from_line(String::from_utf8(response.stdout).unwrap().trim()).unwrap();
    assert_eq!(vector.kind, kit::Kind::Response(kafka_wire::ApiKey::ApiVersions));
    std::fs::remove_dir_all(&dir).unwrap();
}
