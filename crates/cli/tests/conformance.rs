//! The conformance kit (conformance/): every vector passes this library's
//! reader, the committed files are exactly what the seed generates, and a
//! changed byte is caught, naming the vector.
//!
//! With the feature "external" (scripts/test.sh's java stage, or
//! scripts/conformance.sh), every vector also goes to Kafka's own Java
//! classes of the release that defines its version.

use kafka_wire_cli::kit::{self, Vector};
use std::path::PathBuf;

/// conformance/, or the kit `KAFKA_WIRE_KIT_DIR` names (scripts/conformance.sh
/// verifies a new kit there before it replaces the committed one).
fn kit_dir() -> PathBuf {
    match std::env::var_os("KAFKA_WIRE_KIT_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance"),
    }
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

/// The directories of message vectors (`Vector`s): the others hold
/// vectors of their own forms.
const MESSAGE_DIRS: &[&str] = &["messages", "headers", "frames", "types"];

/// The committed files of one of the message directories.
fn committed_messages() -> Vec<(String, String)> {
    committed()
        .into_iter()
        .filter(|(path, _)| MESSAGE_DIRS.iter().any(|d| path.starts_with(&format!("{d}/"))))
        .collect()
}

/// The committed files under `dir` (`negative`, ...).
fn committed_in(dir: &str) -> Vec<(String, String)> {
    committed().into_iter().filter(|(path, _)| path.starts_with(&format!("{dir}/"))).collect()
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
    // Two headers, a request and a response file per api, of messages, of
    // frames and of negatives, one per data type, the four of records/ and
    // one per internal topic.
    let topics = kafka_wire::log::InternalTopic::ALL.len();
    assert_eq!(files.len(), 2 + 6 * kafka_wire::ApiKey::ALL.len() + kit::data_types().len() + 4 + topics);
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

/// The random cases reach the wire format's longer forms: strings and
/// arrays of more than 127 elements (two-byte varint lengths), messages of
/// 16 KiB and more. A thinner kit must keep some of each.
#[test]
fn the_kit_reaches_the_long_forms() {
    use kafka_wire::json::Value;
    fn longest(value: &Value, strings: &mut usize, arrays: &mut usize) {
        match value {
            Value::String(s) => *strings = (*strings).max(s.chars().count()),
            Value::Array(items) => {
                *arrays = (*arrays).max(items.len());
                items.iter().for_each(|v| longest(v, strings, arrays));
            }
            Value::Object(map) => map.values().for_each(|v| longest(v, strings, arrays)),
            _ => {}
        }
    }
    let (mut long_strings, mut long_arrays, mut large, mut unknown) = (0, 0, 0, 0);
    for (_, text) in committed_messages() {
        for line in text.lines() {
            let vector = Vector::from_line(line).unwrap();
            let (mut strings, mut arrays) = (0, 0);
            longest(&vector.json, &mut strings, &mut arrays);
            long_strings += usize::from(strings >= 128);
            long_arrays += usize::from(arrays >= 128);
            large += usize::from(vector.hex.len() >= 2 * 16 * 1024);
            unknown += usize::from(vector.unknown_tagged_fields);
        }
    }
    println!(
        "long forms: {long_strings} vectors with a string of 128+ characters, {long_arrays} with an array of \
         128+ elements, {large} of 16 KiB and more; {unknown} with unknown tagged fields"
    );
    assert!(long_strings >= 100 && long_arrays >= 50 && large >= 20 && unknown >= 400);
}

/// A changed byte in any vector without unknown tagged fields is caught by
/// reading it alone (its JSON no longer encodes to its bytes); in one with
/// them (whose JSON does not hold them), the currency check above catches it.
#[test]
fn a_changed_byte_is_caught_naming_the_vector() {
    let mut checked = 0;
    for (path, text) in committed_messages() {
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
    assert!(checked > 3000, "only {checked} vectors changed");
}

/// The same for the negative vectors: a changed byte of the input no
/// longer is the splice of the valid input it derives from. (A changed
/// byte of that valid input is caught below, and by the currency check.)
#[test]
fn a_changed_byte_in_a_negative_vector_is_caught_naming_it() {
    let mut checked = 0;
    for (path, text) in committed_in("negative") {
        for (i, line) in text.lines().enumerate() {
            let mut vector = kit::negative::Negative::from_line(line).unwrap();
            let mut bytes = hex::decode(&vector.hex).unwrap();
            if bytes.is_empty() {
                continue;
            }
            let at = (i * 7919 + path.len()) % bytes.len();
            bytes[at] ^= 1 << (i % 8);
            vector.hex = hex::encode(&bytes);
            let (_, differences) = kit::check_text(&path, &format!("{}\n", vector.to_line()));
            assert!(!differences.is_empty(), "{path}:{} {} with byte {at} changed passed", i + 1, vector.name());
            assert!(differences[0].vector.contains(&vector.name()), "{differences:?} does not name the vector");
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} negative vectors changed");
}

/// The same for the record vectors: a changed byte is in a CRC's range, or
/// in a field their description holds (base offset, partition leader
/// epoch), or breaks the framing; a bad-CRC input's is not its splice.
#[test]
fn a_changed_byte_in_a_record_vector_is_caught_naming_it() {
    use kafka_wire_cli::kit::records::{BadCrc, RecordsVector, BAD_CRC_PATH};
    let mut checked = 0;
    for (path, text) in committed_in("records") {
        for (i, line) in text.lines().enumerate() {
            let (name, hex_text) = if path == BAD_CRC_PATH {
                let v = BadCrc::from_line(line).unwrap();
                (v.name(), v.hex)
            } else {
                let v = RecordsVector::from_line(line).unwrap();
                (v.name(), v.hex)
            };
            let mut bytes = hex::decode(&hex_text).unwrap();
            // Every byte of the short vectors, a spread of the long ones'.
            for at in (0..bytes.len()).step_by((bytes.len() / 97).max(1)) {
                bytes[at] ^= 0x10;
                let broken = line.replacen(&hex_text, &hex::encode(&bytes), 1);
                bytes[at] ^= 0x10;
                let (_, differences) = kit::check_text(&path, &format!("{broken}\n"));
                assert!(!differences.is_empty(), "{path}:{} {name} with byte {at} changed passed", i + 1);
                assert!(differences[0].vector.contains(&name), "{differences:?} does not name the vector");
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} changed record vectors");
}

/// The same for the stored vectors: a changed byte of a key or value is in
/// its framing, which the topic's decoder reads, or in a message body that
/// no longer encodes from the vector's JSON.
#[test]
fn a_changed_byte_in_a_stored_vector_is_caught_naming_it() {
    use kafka_wire_cli::kit::stored::StoredVector;
    let mut checked = 0;
    for (path, text) in committed_in("stored") {
        for (i, line) in text.lines().enumerate() {
            let vector = StoredVector::from_line(line).unwrap();
            for field in ["key_hex", "value_hex"] {
                let mut broken = vector.clone();
                let target = if field == "key_hex" { &mut broken.key_hex } else { &mut broken.value_hex };
                let Some(hex_text) = target.as_mut() else { continue };
                let mut bytes = hex::decode(&*hex_text).unwrap();
                let at = (i * 7919 + path.len()) % bytes.len();
                bytes[at] ^= 1 << (i % 8);
                *hex_text = hex::encode(&bytes);
                let (_, differences) = kit::check_text(&path, &format!("{}\n", broken.to_line()));
                assert!(
                    !differences.is_empty(),
                    "{path}:{} {} with {field} byte {at} changed passed",
                    i + 1,
                    vector.name()
                );
                assert!(differences[0].vector.contains(&vector.name()), "{differences:?} does not name the vector");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} stored keys and values changed");
}

/// Every kind of mutation the README lists is in negative/, each in many
/// messages (the generator leaves an input out when it cannot say Kafka's
/// verdict: a change there must not drop a kind silently).
#[test]
fn the_negative_vectors_hold_every_mutation() {
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for (_, text) in committed_in("negative") {
        for line in text.lines() {
            let case = kit::negative::Negative::from_line(line).unwrap().case;
            let kind = if case.contains("-cut-") { "cut".to_string() } else { case };
            *kinds.entry(kind).or_default() += 1;
        }
    }
    println!("negative vectors by mutation: {kinds:?}");
    for kind in [
        "cut",
        "string-length-past-input",
        "string-length-negative",
        "string-not-utf8",
        "array-length-past-input",
        "array-length-negative",
        "tagged-count-varint-too-long",
        "tagged-field-size-past-input",
    ] {
        assert!(kinds.get(kind).copied().unwrap_or(0) >= 50, "only {:?} negative vectors of {kind}", kinds.get(kind));
    }
}

/// Every bad-CRC input derives from a record vector of records/: its
/// `from_hex` is that vector's bytes.
#[test]
fn every_bad_crc_derives_from_a_record_vector() {
    use kafka_wire_cli::kit::records::{BadCrc, RecordsVector, BAD_CRC_PATH};
    let files: std::collections::HashMap<String, String> = committed_in("records").into_iter().collect();
    let bad = files.get(BAD_CRC_PATH).expect("records/bad-crc.jsonl is committed");
    let mut checked = 0;
    for (i, line) in bad.lines().enumerate() {
        let vector = BadCrc::from_line(line).unwrap();
        let source = files.get(&format!("records/v{}.jsonl", vector.magic)).expect("the magic's file");
        let from = source.lines().map(|l| RecordsVector::from_line(l).unwrap()).find(|v| v.case == vector.from_case);
        let from =
            from.unwrap_or_else(|| panic!("{BAD_CRC_PATH}:{} {}: no {}", i + 1, vector.name(), vector.from_case));
        assert_eq!(
            from.hex,
            vector.from_hex,
            "{BAD_CRC_PATH}:{} {}: from_hex is not {}'s",
            i + 1,
            vector.name(),
            from.name()
        );
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} bad CRCs");
}

/// Every negative vector derives from a valid vector of messages/: its
/// `from_hex` is that vector's bytes.
#[test]
fn every_negative_vector_derives_from_a_message_vector() {
    let messages: std::collections::HashMap<String, String> = committed_in("messages").into_iter().collect();
    let mut checked = 0;
    for (path, text) in committed_in("negative") {
        let source = messages
            .get(&path.replacen("negative/", "messages/", 1))
            .unwrap_or_else(|| panic!("{path}: no messages file"));
        for (i, line) in text.lines().enumerate() {
            let vector = kit::negative::Negative::from_line(line).unwrap();
            let from = source
                .lines()
                .map(|l| Vector::from_line(l).unwrap())
                .find(|v| v.version == vector.version && v.case == vector.from_case);
            let from = from.unwrap_or_else(|| {
                panic!("{path}:{} {}: no vector {} of that version", i + 1, vector.name(), vector.from_case)
            });
            assert_eq!(
                from.hex,
                vector.from_hex,
                "{path}:{} {}: from_hex is not {}'s bytes",
                i + 1,
                vector.name(),
                from.name()
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} negative vectors");
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

/// Every vector against Kafka's Java classes of the release that defines
/// its version (see java-tester/'s KitOps): Java reads the bytes, using
/// every one, writes them back the same, writes the vector's JSON, and
/// (without unknown tagged fields) writes the vector's bytes from its JSON.
/// A frame's header and body are checked so, each at its own version.
#[cfg(feature = "external")]
#[test]
fn kafkas_java_classes_agree_with_every_vector() {
    use kafka_wire::KafkaRelease;
    use kafka_wire_integration::java_tester::JavaTester;

    let mut testers: Vec<(&str, JavaTester)> =
        KafkaRelease::GENERATED_FROM.iter().map(|&r| (r.version(), JavaTester::start_for(r))).collect();
    let (mut failures, mut checked) = (Vec::new(), std::collections::BTreeMap::<String, usize>::new());
    for (path, text) in committed_messages() {
        for (i, line) in text.lines().enumerate() {
            let whole = Vector::from_line(line).unwrap();
            // A frame goes to Java as its header and its body.
            let parts = match whole.frame_split() {
                Ok((header, body)) => vec![("header: ", header), ("message: ", body)],
                Err(_) => vec![("", whole.clone())],
            };
            let mut problems = Vec::new();
            for (part, vector) in parts {
                problems.extend(java_problems(&mut testers, &vector).into_iter().map(|p| format!("{part}{p}")));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{path}:{} {} (Kafka {}): {}",
                    i + 1,
                    whole.name(),
                    whole.release,
                    problems.join("; ")
                ));
            }
            *checked.entry(whole.release.clone()).or_default() += 1;
        }
    }
    println!(
        "conformance kit against Kafka's Java classes: {checked:?} vectors per release, {} failing",
        failures.len()
    );
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    assert!(failures.is_empty(), "{} vectors differ from Kafka's Java classes:\n{}", failures.len(), shown.join("\n"));
    assert!(checked.values().sum::<usize>() > 3500, "only {checked:?} vectors");
}

/// What the Java classes of the vector's release find wrong with it.
#[cfg(feature = "external")]
fn java_problems(
    testers: &mut [(&str, kafka_wire_integration::java_tester::JavaTester)],
    vector: &Vector,
) -> Vec<String> {
    use kafka_wire::json::serde_json::json;
    let Some((_, tester)) = testers.iter_mut().find(|(r, _)| *r == vector.release) else {
        return vec![format!("release {}, which no tester is for", vector.release)];
    };
    let answer = tester.ask(json!({
        "op": "vector",
        "class": vector.kind.java_class(),
        "version": vector.version,
        "hex": vector.hex,
        "json": vector.json,
        "unknownTaggedFields": vector.unknown_tagged_fields,
    }));
    let mut problems: Vec<String> = match answer["errors"].as_array() {
        Some(errors) => errors.iter().map(|e| e.as_str().unwrap_or("?").to_string()).collect(),
        None => vec![format!("the tester answered {answer}")],
    };
    if let Some(java) = answer.get("json") {
        let (mut ours, mut theirs) = (vector.json.clone(), java.clone());
        blank_records(&mut ours);
        blank_records(&mut theirs);
        if let Some(diff) = kit::json_difference("", &ours, &theirs) {
            problems.push(format!("(3) Java's JSON differs: {diff}"));
        }
    }
    problems
}

/// Kafka writes records fields as empty in JSON (KIP-673); the kit keeps
/// their bytes in base64, which Kafka reads.
#[cfg(feature = "external")]
fn blank_records(value: &mut kafka_wire::json::Value) {
    use kafka_wire::json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if (key == "records" || key == "unalignedRecords") && v.is_string() {
                    *v = Value::String(String::new());
                } else {
                    blank_records(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(blank_records),
        _ => {}
    }
}

/// Every negative vector against Kafka's Java classes of the release that
/// defines its version: a plain negative is refused, with the exception the
/// vector names; a kept difference is accepted, using every byte.
#[cfg(feature = "external")]
#[test]
fn kafkas_java_classes_refuse_every_negative_vector() {
    use kafka_wire::json::serde_json::json;
    use kafka_wire::KafkaRelease;
    use kafka_wire_integration::java_tester::JavaTester;

    let mut testers: Vec<(&str, JavaTester)> =
        KafkaRelease::GENERATED_FROM.iter().map(|&r| (r.version(), JavaTester::start_for(r))).collect();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for (path, text) in committed_in("negative") {
        for (i, line) in text.lines().enumerate() {
            let vector = kit::negative::Negative::from_line(line).unwrap();
            let Some((_, tester)) = testers.iter_mut().find(|(r, _)| *r == vector.release) else {
                failures.push(format!("{path}:{} {}: no tester for {}", i + 1, vector.name(), vector.release));
                continue;
            };
            let answer = tester.ask(json!({
                "op": "refuse", "class": vector.kind.java_class(), "version": vector.version, "hex": vector.hex,
            }));
            let java = match (answer["accepted"].as_bool(), answer["remaining"].as_u64()) {
                (Some(true), Some(0)) => ("accepted".to_string(), None),
                (Some(true), _) => ("accepted, bytes left".to_string(), None),
                (Some(false), _) => ("refused".to_string(), answer["exception"].as_str().map(str::to_string)),
                _ => (format!("the tester answered {answer}"), None),
            };
            if java != (vector.java.clone(), vector.java_exception.clone()) {
                failures.push(format!(
                    "{path}:{} {} (Kafka {}): Java {java:?} ({}), the vector says {:?} {:?}",
                    i + 1,
                    vector.name(),
                    vector.release,
                    answer["message"],
                    vector.java,
                    vector.java_exception
                ));
            }
            checked += 1;
        }
    }
    println!("negative vectors against Kafka's Java classes: {checked}, {} failing", failures.len());
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} negative vectors differ from Kafka's verdict:\n{}",
        failures.len(),
        shown.join("\n")
    );
    assert!(checked > 1000, "only {checked} negative vectors");
}

/// The spec java-tester's "build" op makes a batch of a record vector
/// from: the batch's fields as its description holds them (a control
/// batch's marker from its record's key and value).
#[cfg(feature = "external")]
fn java_build_spec(magic: i8, batch: &kafka_wire::json::Value) -> kafka_wire::json::Value {
    use base64::Engine;
    use kafka_wire::json::serde_json::json;
    let decode = |v: &kafka_wire::json::Value| {
        base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or("")).unwrap()
    };
    let records: Vec<_> = batch["records"].as_array().unwrap().iter().collect();
    let mut spec = json!({
        "magic": magic, "codec": batch["codec"], "logAppendTime": batch["logAppendTime"],
        "appendTime": batch["maxTimestamp"], "transactional": batch["transactional"], "control": batch["control"],
        "baseOffset": batch["baseOffset"], "producerId": batch["producerId"], "producerEpoch": batch["producerEpoch"],
        "baseSequence": batch["baseSequence"], "partitionLeaderEpoch": batch["partitionLeaderEpoch"],
        "records": records,
    });
    if batch["control"] == true {
        let (key, value) = (decode(&records[0]["key"]), decode(&records[0]["value"]));
        spec["controlType"] = json!(if key[3] == 0 { "ABORT" } else { "COMMIT" });
        spec["records"][0]["coordinatorEpoch"] = json!(i32::from_be_bytes(value[2..6].try_into().unwrap()));
    }
    spec
}

/// Every record vector against Kafka's record classes (java-tester's
/// RecordsOps, on the pinned release): MemoryRecords reads the bytes, CRCs
/// checked, as the vector's batches; an exact vector's batches, built with
/// MemoryRecordsBuilder, are its bytes; a bad CRC is refused with the
/// exception the vector names.
#[cfg(feature = "external")]
#[test]
fn kafkas_record_classes_agree_with_every_record_vector() {
    use kafka_wire::json::serde_json::json;
    use kafka_wire_cli::kit::records::{BadCrc, RecordsVector, BAD_CRC_PATH};
    use kafka_wire_integration::java_tester::JavaTester;

    let mut tester = JavaTester::start();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for (path, text) in committed_in("records") {
        for (i, line) in text.lines().enumerate() {
            let at = format!("{path}:{}", i + 1);
            checked += 1;
            if path == BAD_CRC_PATH {
                let vector = BadCrc::from_line(line).unwrap();
                let answer = tester.ask(json!({"op": "read", "hex": vector.hex}));
                let exception = answer["error"].as_str().unwrap_or("accepted").split(':').next().unwrap_or("?");
                if exception != vector.java_exception {
                    failures.push(format!(
                        "{at} {}: Java {exception}, the vector says {}",
                        vector.name(),
                        vector.java_exception
                    ));
                }
                continue;
            }
            let vector = RecordsVector::from_line(line).unwrap();
            let answer = tester.ask(json!({"op": "read", "hex": vector.hex}));
            match answer.get("batches") {
                None => failures.push(format!("{at} {}: Java could not read it: {}", vector.name(), answer["error"])),
                Some(java) => {
                    if let Some(diff) = kit::json_difference("", &vector.batches, java) {
                        failures.push(format!("{at} {}: Java reads other batches: {diff}", vector.name()));
                    }
                }
            }
            if vector.exact {
                let mut built = String::new();
                for batch in vector.batches.as_array().unwrap() {
                    let answer = tester.ask(json!({"op": "build", "spec": java_build_spec(vector.magic, batch)}));
                    built.push_str(answer["hex"].as_str().unwrap_or("(Java could not build it)"));
                }
                if built != vector.hex {
                    let difference = kit::bytes_difference(vector.hex.as_bytes(), built.as_bytes());
                    failures.push(format!("{at} {}: Java builds other bytes ({difference} of the hex)", vector.name()));
                }
            }
        }
    }
    println!("record vectors against Kafka's record classes: {checked}, {} failing", failures.len());
    assert!(failures.is_empty(), "{} record vectors differ from Kafka's:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 20, "only {checked} record vectors");
}

/// Every stored vector's key and value bodies against Kafka's classes of
/// the pinned release (the server modules' schemas: group, share and
/// transaction coordinators, metadata, remote log metadata), as message
/// vectors of their class at their version (see KitOps).
#[cfg(feature = "external")]
#[test]
fn kafkas_stored_classes_agree_with_every_stored_vector() {
    use kafka_wire_cli::kit::stored::StoredVector;
    use kafka_wire_integration::java_tester::JavaTester;

    let mut tester = JavaTester::start();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for (path, text) in committed_in("stored") {
        for (i, line) in text.lines().enumerate() {
            let vector = StoredVector::from_line(line).unwrap();
            for body in vector.bodies().unwrap() {
                let (class, version, json) = (&body.class, body.version, &body.json);
                let answer = tester.ask(kafka_wire::json::serde_json::json!({
                    "op": "vector", "class": class, "version": version, "hex": hex::encode(&body.bytes), "json": json,
                    "unknownTaggedFields": false,
                }));
                let mut problems: Vec<String> = match answer["errors"].as_array() {
                    Some(errors) => errors.iter().map(|e| e.as_str().unwrap_or("?").to_string()).collect(),
                    None => vec![format!("the tester answered {answer}")],
                };
                if let Some(diff) = answer.get("json").and_then(|java| kit::json_difference("", json, java)) {
                    problems.push(format!("(3) Java's JSON differs: {diff}"));
                }
                if !problems.is_empty() {
                    failures.push(format!(
                        "{path}:{} {} {class} v{version}: {}",
                        i + 1,
                        vector.name(),
                        problems.join("; ")
                    ));
                }
                checked += 1;
            }
        }
    }
    println!("stored keys and values against Kafka's classes: {checked}, {} failing", failures.len());
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    assert!(failures.is_empty(), "{} stored bodies differ from Kafka's classes:\n{}", failures.len(), shown.join("\n"));
    assert!(checked > 100, "only {checked} stored bodies");
}

/// Every stored vector's key and value, framing included, read by the
/// serde Kafka reads its topic with (the coordinators' record serdes, the
/// metadata log's MetadataRecordSerde; see KitOps' "stored" op): the
/// classes, version and JSON it reads must be the vector's, and what it
/// writes of them again must be the vector's bytes. `__remote_log_metadata`
/// is left out: Kafka's serde of it turns the records into tiered storage's
/// own objects, not messages (its bodies are checked above).
#[cfg(feature = "external")]
#[test]
fn kafkas_topic_serdes_read_every_stored_vector() {
    use kafka_wire::json::serde_json::json;
    use kafka_wire_cli::kit::stored::StoredVector;
    use kafka_wire_integration::java_tester::JavaTester;

    let mut tester = JavaTester::start();
    let (mut failures, mut checked) = (Vec::new(), 0);
    for (path, text) in committed_in("stored") {
        if path == "stored/__remote_log_metadata.jsonl" {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let vector = StoredVector::from_line(line).unwrap();
            let answer = tester.ask(
                json!({"op": "stored", "topic": vector.topic, "keyHex": vector.key_hex, "valueHex": vector.value_hex}),
            );
            let tombstone = vector.value_hex.is_none();
            let expected = json!({
                "keyClass": vector.key_class, "keyJson": vector.json["key"], "keyHex": vector.key_hex,
                "valueClass": if tombstone { None } else { Some(&vector.value_class) },
                "valueVersion": if tombstone { None } else { Some(vector.value_version) },
                "valueJson": vector.json["value"], "valueHex": vector.value_hex,
            });
            let got = json!({
                "keyClass": answer["keyClass"], "keyJson": answer["keyJson"], "keyHex": answer["keyHex"],
                "valueClass": answer["valueClass"], "valueVersion": answer["valueVersion"],
                "valueJson": answer["valueJson"], "valueHex": answer["valueHex"],
            });
            if let Some(diff) = kit::json_difference("", &expected, &got) {
                failures.push(format!(
                    "{path}:{} {}: Kafka's serde differs: {diff} ({})",
                    i + 1,
                    vector.name(),
                    answer["error"]
                ));
            }
            checked += 1;
        }
    }
    println!("stored vectors read by Kafka's topic serdes: {checked}, {} failing", failures.len());
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    assert!(failures.is_empty(), "{} stored vectors differ from Kafka's serdes:\n{}", failures.len(), shown.join("\n"));
    assert!(checked > 90, "only {checked} stored vectors");
}
