//! The cross-check against Kafka's own Java code (java-tester/), for every
//! message at every version.
//!
//! Values (the default instance and random ones, without unknown tagged
//! fields) go to Kafka's generated classes as our bytes and our JSON, both
//! written from the value itself. Here: (0) our JSON reads back to the
//! value. Java: (1) builds the message from our JSON and must serialize
//! exactly our bytes, (2) parses our bytes into a message equal to (1) and
//! uses every byte, (3) writes its JSON, which must equal ours. Here again:
//! (4) our decoder reads Java's bytes back to the value.
//!
//! Also, per message and version:
//! - bytes only, with unknown tagged fields (flexible versions): Java parses
//!   them, keeps the unknown fields and must write back exactly our bytes,
//!   which we must read back to the value, unknown fields in order;
//! - a value made at each other version, written at this one: we refuse to
//!   write it exactly when Java's classes do (a non-default value in a field
//!   the version lacks), and write the same bytes otherwise;
//! - versions outside the valid range: we refuse them. (Java's generated
//!   classes write any version; the range is checked by Kafka's request
//!   builders, a layer above them.)
//!
//! The messages and versions checked must be exactly those Kafka's jar
//! declares (the tester lists its classes and their version ranges).
//!
//! Random instances per message x version: `KAFKA_WIRE_JAVA_CASES` (default 3).

use kafka_wire::json::serde_json::{json, Value};
use kafka_wire::json::{FromJson, ToJson};
use kafka_wire::messages::*;
use kafka_wire::random::{Random, Rng};
use kafka_wire::{ApiKey, DecodeError, DecodeExt, EncodeError, EncodeErrorKind, EncodeExt, Message};
use kafka_wire::{Request, Response, VersionRange};
use kafka_wire_integration::java_tester::{from_hex, hex, JavaTester};
use std::collections::BTreeSet;
use std::fmt::Debug;

/// Kafka writes records fields as empty bytes in JSON (KIP-673): compare
/// JSON with records blanked on both sides.
fn blank_records(value: &mut Value) {
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

fn cases_per_pair() -> usize {
    match std::env::var("KAFKA_WIRE_JAVA_CASES") {
        Err(_) => 3,
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("KAFKA_WIRE_JAVA_CASES={text:?} is not a number")),
    }
}

/// A function of a borrowed input and a version.
type Versioned<I, O> = Box<dyn Fn(&I, i16) -> O>;

/// Makes a random value valid at a version.
type Generator<V> = Box<dyn Fn(&mut Rng, i16) -> V>;

/// How to handle the values of one Java class: a request or response body
/// (an enum, dispatched by api key) or a header or data type.
struct Codec<V> {
    class: String,
    valid: VersionRange,
    flexible: VersionRange,
    random: Generator<V>,
    default: Box<dyn Fn() -> V>,
    encode: Versioned<V, Result<Vec<u8>, EncodeError>>,
    decode: Versioned<[u8], Result<V, DecodeError>>,
    to_json: Versioned<V, Result<Value, EncodeError>>,
    from_json: Versioned<Value, Result<V, DecodeError>>,
}

fn message_codec<T>(class: &str) -> Codec<T>
where
    T: Message + EncodeExt + DecodeExt + ToJson + FromJson + Random + Default + 'static,
{
    Codec {
        class: class.to_string(),
        valid: T::VALID_VERSIONS,
        flexible: T::FLEXIBLE_VERSIONS,
        random: Box::new(|rng, v| T::random(rng, v)),
        default: Box::new(T::default),
        encode: Box::new(|t, v| t.to_bytes(v).map(|b| b.to_vec())),
        decode: Box::new(|b, v| T::from_bytes(&bytes::Bytes::copy_from_slice(b), v)),
        to_json: Box::new(|t, v| t.to_json(v)),
        from_json: Box::new(|j, v| T::from_json(j, v)),
    }
}

/// The codec of a request or response body: `Request` and `Response`
/// have the same methods, dispatched by api key.
macro_rules! body_codec {
    ($body:ident, $api:expr, $flexible:expr, $suffix:literal) => {{
        let api: ApiKey = $api;
        Codec::<$body> {
            class: format!("{}{}Data", api.name(), $suffix),
            valid: api.valid_versions(),
            flexible: $flexible,
            random: Box::new(move |rng, v| $body::random(api, rng, v)),
            default: Box::new(move || $body::default_for(api)),
            encode: Box::new(|body, v| {
                let mut out = Vec::new();
                body.encode(&mut out, v).map(|_| out)
            }),
            decode: Box::new(move |b, v| {
                let bytes = bytes::Bytes::copy_from_slice(b);
                let mut reader = kafka_wire::codec::Reader::new(&bytes);
                let body = $body::decode(api, &mut reader, v)?;
                reader.expect_end().map(|_| body)
            }),
            to_json: Box::new(|body, v| body.to_json(v)),
            from_json: Box::new(move |j, v| $body::from_json(api, j, v)),
        }
    }};
}

/// What the run checked and what failed.
#[derive(Default)]
struct Report {
    /// (Java class, version) pairs checked.
    pairs: BTreeSet<(String, i16)>,
    value_cases: usize,
    /// Bytes-only cases, and how many of them held unknown tagged fields.
    unknown_cases: usize,
    unknown_cases_with_fields: usize,
    /// Values written at another version: both wrote, both refused.
    cross_version_written: usize,
    cross_version_refused: usize,
    failures: Vec<String>,
}

struct Checker {
    tester: JavaTester,
    values: Rng,
    with_unknown: Rng,
    report: Report,
}

impl Checker {
    fn check<V: PartialEq + Debug>(&mut self, codec: &Codec<V>) {
        for version in codec.valid.iter() {
            self.report.pairs.insert((codec.class.clone(), version));
            for i in 0..=cases_per_pair() {
                let value = if i == 0 { (codec.default)() } else { (codec.random)(&mut self.values, version) };
                self.value_case(codec, version, &value);
            }
            if codec.flexible.contains(version) {
                for _ in 0..2 {
                    let value = (codec.random)(&mut self.with_unknown, version);
                    self.unknown_fields_case(codec, version, &value);
                }
            }
            self.cross_version_cases(codec, version);
        }
        for version in [codec.valid.min - 1, codec.valid.max + 1] {
            let value = (codec.default)();
            match (codec.encode)(&value, version) {
                Err(e) if e.kind() == &EncodeErrorKind::UnsupportedVersion { version } => {}
                other => {
                    self.fail(&codec.class, version, format!("an out-of-range version was not refused: {other:?}"))
                }
            }
        }
    }

    fn fail(&mut self, class: &str, version: i16, problem: String) {
        self.report.failures.push(format!("{class} v{version}: {problem}"));
    }

    /// Checks (0) to (4) of the module docs for one value.
    fn value_case<V: PartialEq + Debug>(&mut self, codec: &Codec<V>, version: i16, value: &V) {
        self.report.value_cases += 1;
        let mut problems = Vec::new();
        let json = (codec.to_json)(value, version).expect("our JSON writer");
        let bytes = (codec.encode)(value, version).expect("our encoder");
        match (codec.from_json)(&json, version) {
            Ok(back) if &back == value => {}
            Ok(back) => problems.push(format!("(0) our JSON reads back as a different value:\n  {back:?}")),
            Err(e) => problems.push(format!("(0) our JSON does not read back: {e}")),
        }
        let answer =
            self.tester.ask(json!({"class": codec.class, "version": version, "hex": hex(&bytes), "json": json}));
        problems.extend(answer["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()));
        if let Some(java_json) = answer.get("json") {
            let (mut ours, mut theirs) = (json.clone(), java_json.clone());
            blank_records(&mut ours);
            blank_records(&mut theirs);
            if ours != theirs {
                problems.push(format!("(3) Java's JSON differs from ours:\n  ours {ours}\n  java {theirs}"));
            }
        }
        if let Some(java_hex) = answer["javaHex"].as_str() {
            match (codec.decode)(&from_hex(java_hex), version) {
                Ok(back) if &back == value => {}
                Ok(back) => problems.push(format!("(4) we read Java's bytes as a different value:\n  {back:?}")),
                Err(e) => problems.push(format!("(4) we could not read Java's bytes: {e}")),
            }
        }
        if !problems.is_empty() {
            problems.push(format!("rust bytes {}\n  rust json {json}\n  value {value:?}", hex(&bytes)));
            self.fail(&codec.class, version, problems.join("\n  "));
        }
    }

    /// Bytes with unknown tagged fields: Java must write back exactly them, and
    /// we must read them back to the value.
    fn unknown_fields_case<V: PartialEq + Debug>(&mut self, codec: &Codec<V>, version: i16, value: &V) {
        self.report.unknown_cases += 1;
        let bytes = (codec.encode)(value, version).expect("our encoder");
        // JSON has no form for unknown tagged fields: a value that loses
        // bytes through it had some.
        let json = (codec.to_json)(value, version).expect("our JSON writer");
        let without = (codec.from_json)(&json, version).ok().and_then(|v| (codec.encode)(&v, version).ok());
        if without.as_ref() != Some(&bytes) {
            self.report.unknown_cases_with_fields += 1;
        }
        let answer =
            self.tester.ask(json!({"op": "bytes", "class": codec.class, "version": version, "hex": hex(&bytes)}));
        match (answer["javaHex"].as_str(), answer["error"].as_str()) {
            // Java wrote back our bytes; we must read them back to the value,
            // unknown fields kept in order.
            (Some(java_hex), _) if java_hex == hex(&bytes) => match (codec.decode)(&from_hex(java_hex), version) {
                Ok(back) if &back == value => {}
                other => self.fail(&codec.class, version, format!("we read the bytes back as {other:?}")),
            },
            (Some(java_hex), _) => {
                let problem = format!("Java wrote back different bytes:\n  ours {}\n  java {java_hex}", hex(&bytes));
                self.fail(&codec.class, version, problem)
            }
            (None, error) => self.fail(&codec.class, version, format!("Java could not parse our bytes: {error:?}")),
        }
    }

    /// Values made at every other version, written at `version`, on both sides.
    fn cross_version_cases<V: PartialEq + Debug>(&mut self, codec: &Codec<V>, version: i16) {
        for made_at in codec.valid.iter().filter(|&v| v != version) {
            let value = (codec.random)(&mut self.values, made_at);
            let json = (codec.to_json)(&value, made_at).expect("our JSON writer");
            let ours = (codec.encode)(&value, version);
            let answer = self.tester.ask(
                json!({"op": "write", "class": codec.class, "jsonVersion": made_at, "version": version, "json": json}),
            );
            match (&ours, answer["javaHex"].as_str(), answer["refused"].as_str()) {
                (Ok(bytes), Some(java_hex), _) if hex(bytes) == java_hex => self.report.cross_version_written += 1,
                (Err(_), None, Some(_)) => self.report.cross_version_refused += 1,
                _ => {
                    let problem = format!(
                        "a v{made_at} value written at v{version}: ours {:?}, Java {}\n  json {json}",
                        ours.map(|b| hex(&b)),
                        answer
                    );
                    self.fail(&codec.class, version, problem)
                }
            }
        }
    }
}

#[test]
fn every_message_and_version_matches_kafkas_java_classes() {
    let mut checker = Checker {
        tester: JavaTester::start(),
        values: Rng::with_seed(0x5eed).without_unknown_tagged_fields(),
        with_unknown: Rng::with_seed(0x7a6),
        report: Report::default(),
    };
    for &api in ApiKey::ALL {
        checker.check(&body_codec!(Request, api, api.request_flexible_versions(), "Request"));
        checker.check(&body_codec!(Response, api, api.response_flexible_versions(), "Response"));
    }
    // Kafka's header classes end in Data; the data types keep their spec names.
    checker.check(&message_codec::<RequestHeader>("RequestHeaderData"));
    checker.check(&message_codec::<ResponseHeader>("ResponseHeaderData"));
    macro_rules! data_types {
        ($($t:ident),*) => { $(
            if !stringify!($t).ends_with("Header") {
                checker.check(&message_codec::<$t>(stringify!($t)));
            }
        )* };
    }
    kafka_wire::for_each_non_api_message!(data_types);

    let inventory = checker.tester.ask(json!({"op": "inventory"}));
    let mut java_pairs = BTreeSet::new();
    for class in inventory["classes"].as_array().expect("the tester lists Kafka's classes") {
        let name = class["class"].as_str().unwrap().to_string();
        let (lowest, highest) = (class["lowest"].as_i64().unwrap(), class["highest"].as_i64().unwrap());
        java_pairs.extend((lowest..=highest).map(|v| (name.clone(), v as i16)));
    }

    let report = &checker.report;
    println!(
        "java cross-check: {} message x version pairs ({} in Kafka's jar); {} value cases ({} per pair), \
         {} bytes-only cases ({} with unknown tagged fields), {} values written at another version \
         ({} refused by both sides); {} failing",
        report.pairs.len(),
        java_pairs.len(),
        report.value_cases,
        cases_per_pair() + 1,
        report.unknown_cases,
        report.unknown_cases_with_fields,
        report.cross_version_written + report.cross_version_refused,
        report.cross_version_refused,
        report.failures.len()
    );
    let shown: Vec<&str> = report.failures.iter().take(15).map(String::as_str).collect();
    assert!(
        report.failures.is_empty(),
        "{} cases differ from Kafka's Java classes; the first ones:\n{}",
        report.failures.len(),
        shown.join("\n")
    );
    let ours_only: Vec<_> = report.pairs.difference(&java_pairs).collect();
    let java_only: Vec<_> = java_pairs.difference(&report.pairs).collect();
    assert!(
        ours_only.is_empty() && java_only.is_empty(),
        "the pairs checked and Kafka's differ:\n  only here: {ours_only:?}\n  only in Kafka's jar: {java_only:?}"
    );
    let (with, of) = (report.unknown_cases_with_fields, report.unknown_cases);
    assert!(with >= 100, "only {with} of {of} bytes-only cases held unknown tagged fields");
    assert!(report.cross_version_refused >= 50, "too few values were refused at another version");
    assert!(report.cross_version_written >= 50, "too few values were written at another version");
}
