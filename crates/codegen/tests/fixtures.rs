//! The generator's output for small fixture specs, pinned as files under
//! `tests/fixtures/expected`: a change to the generator shows up there as a
//! reviewable diff. After an intended change, regenerate them with
//!
//!     KAFKA_WIRE_BLESS=1 cargo test -p kafka-wire-codegen --test fixtures
//!
//! and read the diff before committing it.

use kafka_wire_codegen::{emit, generate, generate_go, go, load_all, load_errors, releases, spec};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn generated_files_match_the_expected_output() {
    let dir = fixtures();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-fixtures");
    let errors = load_errors(&dir.join("errors.json")).unwrap();
    let files = generate(
        &[("fixture".to_string(), dir.join("specs"))],
        &[dir.join("stored/group-coordinator"), dir.join("stored/metadata")],
        &errors,
        &dir.join("releases"),
        &scratch,
    )
    .unwrap();
    check_or_bless(&files, &dir.join("expected"), kafka_wire_codegen::existing_generated);
}

/// The Go output for the same specs, pinned under `tests/fixtures/expected-go`.
#[test]
fn generated_go_files_match_the_expected_output() {
    let dir = fixtures();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("codegen-fixtures-go");
    let errors = load_errors(&dir.join("errors.json")).unwrap();
    let releases = [("fixture".to_string(), dir.join("specs"))];
    let specs = load_all(&releases, &[dir.join("stored/group-coordinator"), dir.join("stored/metadata")]).unwrap();
    let files = generate_go(&specs, &releases, &errors, &scratch).unwrap();
    check_or_bless(&files, &dir.join("expected-go"), go::existing_generated);
}

/// Compares `files` with the generated files in `expected_dir`, or with
/// `KAFKA_WIRE_BLESS` set rewrites them.
fn check_or_bless(
    files: &BTreeMap<String, String>,
    expected_dir: &Path,
    existing: fn(&Path) -> BTreeMap<String, String>,
) {
    let bless = std::env::var_os("KAFKA_WIRE_BLESS").is_some();
    // Under CI a blessing run would rewrite the fixtures and pass whatever
    // the generator wrote: refused.
    assert!(!(bless && std::env::var_os("CI").is_some()), "KAFKA_WIRE_BLESS is set under CI");
    if bless {
        let _ = std::fs::remove_dir_all(expected_dir);
        for (name, text) in files {
            let path = expected_dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    let expected = existing(expected_dir);
    let names: Vec<&String> = files.keys().collect();
    assert_eq!(names, expected.keys().collect::<Vec<_>>(), "the set of generated files changed");
    let shown = expected_dir.file_name().unwrap().to_string_lossy();
    for (name, text) in files {
        assert!(
            &expected[name] == text,
            "{name} differs from tests/fixtures/{shown}/{name} (KAFKA_WIRE_BLESS=1 rewrites it; review the diff)"
        );
    }
}

fn emit_one(text: &str) -> Result<(), String> {
    let spec = spec::parse_spec("Fixture.json", text)?;
    let table = releases::parse(r#"{"release": "test", "artifacts": [], "api_versions": true, "apis": []}"#)?;
    emit::emit_all(&[spec], &[], &["test".to_string()], &[table]).map(|_| ())
}

#[test]
fn errors_name_the_file_the_struct_and_the_field() {
    let duplicate_tag = emit_one(
        r#"{"name":"X","type":"data","validVersions":"0","flexibleVersions":"0+","fields":[
            {"name":"A","type":"int32","versions":"0+","taggedVersions":"0+","tag":1},
            {"name":"B","type":"int32","versions":"0+","taggedVersions":"0+","tag":1}]}"#,
    )
    .unwrap_err();
    assert!(duplicate_tag.contains("Fixture.json") && duplicate_tag.contains("tag 1 is used twice"), "{duplicate_tag}");

    let dangling = emit_one(
        r#"{"name":"X","type":"data","validVersions":"0","flexibleVersions":"0+","fields":[
            {"name":"A","type":"[]Missing","versions":"0+"}]}"#,
    )
    .unwrap_err();
    assert!(
        dangling.contains("Fixture.json") && dangling.contains("field A") && dangling.contains("Missing"),
        "{dangling}"
    );

    let bad_default = emit_one(
        r#"{"name":"X","type":"data","validVersions":"0","flexibleVersions":"none","fields":[
            {"name":"A","type":"int8","versions":"0+","default":"300"}]}"#,
    )
    .unwrap_err();
    assert!(bad_default.contains("field A") && bad_default.contains("out of range"), "{bad_default}");

    let too_many_versions =
        emit_one(r#"{"name":"X","type":"data","validVersions":"0-200","flexibleVersions":"none"}"#).unwrap_err();
    assert!(too_many_versions.contains("Fixture.json") && too_many_versions.contains("200"), "{too_many_versions}");
}
