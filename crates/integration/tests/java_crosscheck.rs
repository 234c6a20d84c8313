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
//!   write it exactly when Java's classes do, for the same reason (a
//!   non-default value in the field the version lacks that Java names, or a
//!   null the version does not allow), and write the same bytes otherwise;
//! - versions outside the valid range: we refuse them. (Java's generated
//!   classes write any version; the range is checked by Kafka's request
//!   builders, a layer above them.)
//!
//! Every version is checked against the Java classes of each release that
//! defines it: Kafka 4.4.0's, and 3.9.1's for the versions Kafka 4.0
//! removed and for those both define. All the cases above run against the
//! release the version was generated from (the newest that defines it).
//! Against an older release that defines it too, and for a message renamed
//! since (ListClientMetricsResources, now ListConfigResources), the JSON
//! field names may differ (ours are the newest release's: TxnOffsetCommit's
//! `generationId` became `generationIdOrMemberEpoch`), so there the
//! bytes-only case runs, on values with and without unknown tagged fields:
//! Java must read every byte and write back the same bytes.
//!
//! Left out entirely: the latest version of an API that the older release
//! marked unstable and the newer one redefined (the share-group state
//! APIs' v0). The newer release's layout is the one generated, so it is not
//! compared with the older classes; the run counts them.
//!
//! The messages and versions checked must be exactly those each release's
//! jar declares (each tester lists its classes and their version ranges),
//! less those unstable redefined versions.
//!
//! The schemas of what Kafka stores (feature `stored`: the KRaft metadata
//! records, the coordinators' keys and values, the raft and log files'
//! schemas) are checked the same way against the classes of the server
//! modules of the pinned release (kafka-metadata, kafka-group-coordinator,
//! ...), which its tester build has on its classpath.
//!
//! Random instances per message x version: `KAFKA_WIRE_JAVA_CASES` (default 3).

use kafka_wire::json::serde_json::{json, Value};
use kafka_wire::json::{FromJson, ToJson};
use kafka_wire::messages::*;
use kafka_wire::random::{Random, Rng};
use kafka_wire::{ApiKey, DecodeError, DecodeExt, EncodeError, EncodeErrorKind, EncodeExt, Message};
use kafka_wire::{KafkaRelease, Request, Response, VersionRange};
use kafka_wire_integration::java_tester::{from_hex, hex, JavaTester};
use std::collections::{BTreeMap, BTreeSet};
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
        // Zero would check nothing: refused, like text that is not a count.
        Ok(text) => match text.trim().parse() {
            Ok(n) if n > 0 => n,
            _ => panic!("KAFKA_WIRE_JAVA_CASES={text:?}: give a count of at least 1"),
        },
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
                let mut reader = kafka_wire::Reader::new(&bytes);
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
    /// (release, Java class, version) triples checked.
    pairs: BTreeSet<(&'static str, String, i16)>,
    /// Of those, checked on the bytes only (an older release, or a class renamed since).
    bytes_only_pairs: usize,
    /// (release, Java class, version) left out: unstable there, redefined since.
    redefined: BTreeSet<(&'static str, String, i16)>,
    value_cases: usize,
    /// Bytes-only cases, and how many of them held unknown tagged fields.
    unknown_cases: usize,
    unknown_cases_with_fields: usize,
    /// Values written at another version: both wrote, both refused.
    cross_version_written: usize,
    cross_version_refused: usize,
    failures: Vec<String>,
}

/// One release's tester and what its jar declares.
struct Oracle {
    release: KafkaRelease,
    tester: JavaTester,
    /// Java class -> (lowest, highest) version.
    classes: BTreeMap<String, (i16, i16)>,
    /// Api key -> (request class, response class, unstable latest version or -1).
    apis: BTreeMap<i64, (String, String, i16)>,
}

impl Oracle {
    fn start(release: KafkaRelease) -> Oracle {
        let mut tester = JavaTester::start_for(release);
        let inventory = tester.ask(json!({"op": "inventory"}));
        // The schemas of what Kafka stores come from the server modules, in
        // the pinned release's build only.
        let stored = tester.ask(json!({"op": "storedInventory"}));
        let mut classes = BTreeMap::new();
        let listed = inventory["classes"].as_array().expect("the tester lists Kafka's classes");
        for class in listed.iter().chain(stored["classes"].as_array().into_iter().flatten()) {
            let range = (class["lowest"].as_i64().unwrap() as i16, class["highest"].as_i64().unwrap() as i16);
            classes.insert(class["class"].as_str().unwrap().to_string(), range);
        }
        let mut apis = BTreeMap::new();
        for api in inventory["apis"].as_array().expect("the tester lists Kafka's apis") {
            let name = |k: &str| api[k].as_str().unwrap().to_string();
            let unstable = api["unstableLatest"].as_i64().unwrap() as i16;
            apis.insert(api["key"].as_i64().unwrap(), (name("request"), name("response"), unstable));
        }
        Oracle { release, tester, classes, apis }
    }

    /// This release's name for `class` (our newest name), if it has one.
    fn class_for(&self, class: &str, newest: &Oracle) -> Option<String> {
        if self.classes.contains_key(class) {
            return Some(class.to_string());
        }
        let (key, is_request) = newest.apis.iter().find_map(|(key, (req, resp, _))| {
            (req == class).then_some((*key, true)).or((resp == class).then_some((*key, false)))
        })?;
        self.apis.get(&key).map(|(req, resp, _)| if is_request { req.clone() } else { resp.clone() })
    }

    fn defines(&self, class: &str, version: i16) -> bool {
        self.classes.get(class).is_some_and(|&(lo, hi)| lo <= version && version <= hi)
    }

    /// Whether `version` of `class` is this release's unstable latest.
    fn unstable(&self, class: &str, version: i16) -> bool {
        self.apis.values().any(|(req, resp, unstable)| (req == class || resp == class) && *unstable == version)
    }
}

struct Checker {
    oracles: Vec<Oracle>,
    /// The oracle the cases being run go to, and its name for the class.
    current: usize,
    class: String,
    values: Rng,
    with_unknown: Rng,
    report: Report,
}

impl Checker {
    fn ask(&mut self, case: Value) -> Value {
        self.oracles[self.current].tester.ask(case)
    }

    /// The oracles that check `version` of `class`: each release that
    /// defines it, less an older release's unstable version that a newer
    /// release redefined. Returns (oracle, its class name).
    fn oracles_for(&mut self, class: &str, version: i16) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for i in 0..self.oracles.len() {
            let (oracle, newest) = (&self.oracles[i], &self.oracles[0]);
            let Some(name) = oracle.class_for(class, newest) else { continue };
            if !oracle.defines(&name, version) {
                continue;
            }
            let newer_defines =
                self.oracles[..i].iter().any(|o| o.class_for(class, newest).is_some_and(|n| o.defines(&n, version)));
            if newer_defines && oracle.unstable(&name, version) {
                self.report.redefined.insert((oracle.release.version(), name, version));
                continue;
            }
            out.push((i, name));
        }
        out
    }

    fn check<V: PartialEq + Debug>(&mut self, codec: &Codec<V>) {
        for version in codec.valid.iter() {
            let oracles = self.oracles_for(&codec.class, version);
            if oracles.is_empty() {
                self.fail(&codec.class, version, "no release's Java classes define this version".into());
            }
            for (n, (oracle, class)) in oracles.into_iter().enumerate() {
                self.current = oracle;
                let release = self.oracles[oracle].release.version();
                self.report.pairs.insert((release, class.clone(), version));
                if n > 0 || class != codec.class {
                    // An older release that defines the version too, or a
                    // class renamed since: field names in JSON may differ
                    // (ours are the newest release's), the bytes must not.
                    self.report.bytes_only_pairs += 1;
                    self.class = class;
                    for i in 0..=cases_per_pair() {
                        let value = if i == 0 { (codec.default)() } else { (codec.random)(&mut self.values, version) };
                        self.unknown_fields_case(codec, version, &value);
                        let value = (codec.random)(&mut self.with_unknown, version);
                        self.unknown_fields_case(codec, version, &value);
                    }
                    continue;
                }
                self.class = class;
                self.check_version(codec, version);
            }
        }
        self.current = 0;
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

    /// Every case of one version against the current oracle.
    fn check_version<V: PartialEq + Debug>(&mut self, codec: &Codec<V>, version: i16) {
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

    fn fail(&mut self, class: &str, version: i16, problem: String) {
        let release = self.oracles[self.current].release.version();
        self.report.failures.push(format!("{class} v{version} (Kafka {release}): {problem}"));
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
        let answer = self.ask(json!({"class": self.class, "version": version, "hex": hex(&bytes), "json": json}));
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
        let answer = self.ask(json!({"op": "bytes", "class": self.class, "version": version, "hex": hex(&bytes)}));
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
        // Made only at versions this release defines, so its classes can read the JSON.
        let (lo, hi) = self.oracles[self.current].classes[&self.class];
        for made_at in codec.valid.iter().filter(|&v| v != version && (lo..=hi).contains(&v)) {
            let value = (codec.random)(&mut self.values, made_at);
            let json = (codec.to_json)(&value, made_at).expect("our JSON writer");
            let ours = (codec.encode)(&value, version);
            let answer = self.ask(
                json!({"op": "write", "class": self.class, "jsonVersion": made_at, "version": version, "json": json}),
            );
            match (&ours, answer["javaHex"].as_str(), answer["refused"].as_str()) {
                (Ok(bytes), Some(java_hex), _) if hex(bytes) == java_hex => self.report.cross_version_written += 1,
                (Err(ours), None, Some(java)) => match same_refusal(ours, java, version) {
                    Ok(()) => self.report.cross_version_refused += 1,
                    Err(problem) => {
                        self.fail(&codec.class, version, format!("a v{made_at} value written at v{version}: {problem}"))
                    }
                },
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

/// Both sides refused a value made at another version: they must refuse it
/// for the same reason. Java's classes refuse two things: a non-default
/// value in a field the version lacks, naming the field ("Attempted to
/// write a non-default topicId at version 3"; our path ends in
/// `.TopicId`), and a null where the version's field is not nullable (a
/// bare NullPointerException).
fn same_refusal(ours: &EncodeError, java: &str, version: i16) -> Result<(), String> {
    let path = ours.path();
    let agree = match ours.kind() {
        EncodeErrorKind::NonDefaultValue { version: v } if *v == version => java_non_default_field(java, version)
            .is_some_and(|field| field.eq_ignore_ascii_case(innermost_field(&path))),
        EncodeErrorKind::NullNotAllowed { version: v } if *v == version => java.starts_with("NullPointerException"),
        _ => false,
    };
    if agree {
        return Ok(());
    }
    Err(format!("refused for different reasons: ours {:?} at {path}, Java {java}", ours.kind()))
}

/// The field Java's "Attempted to write a non-default FIELD at version N" names.
fn java_non_default_field(java: &str, version: i16) -> Option<&str> {
    let (_, rest) = java.split_once("UnsupportedVersionException: Attempted to write a non-default ")?;
    rest.strip_suffix(&format!(" at version {version}"))
}

/// The last field of an error path, without an array index:
/// `MetadataRequest.Topics[0].TopicId` gives `TopicId`.
fn innermost_field(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// README.md states how many message x version pairs of each release pass
/// (requests, responses, headers and data types: the stored schemas
/// aside); they must be the pairs this run checked.
fn assert_readme_pair_counts(pairs: &BTreeSet<(&'static str, String, i16)>) {
    let mut stored = BTreeSet::new();
    macro_rules! stored_names {
        ($($t:ident),*) => { $( stored.insert(stringify!($t)); )* };
    }
    kafka_wire::for_each_stored_message!(stored_names);
    let readme = include_str!("../../../README.md").split_whitespace().collect::<Vec<_>>().join(" ");
    for (release, after) in [("4.4.0", "message × version pairs of 4.4.0"), ("3.9.1", "of 3.9.1 (requests,")] {
        let checked = pairs.iter().filter(|(r, class, _)| *r == release && !stored.contains(class.as_str())).count();
        let (before, _) = readme.split_once(after).unwrap_or_else(|| panic!("README.md no longer says \"{after}\""));
        let stated = before.trim_end().rsplit(' ').next().unwrap_or_default();
        assert_eq!(stated, checked.to_string(), "README.md's count of Kafka {release}'s pairs");
    }
}

#[test]
fn every_message_and_version_matches_kafkas_java_classes() {
    let mut checker = Checker {
        oracles: KafkaRelease::GENERATED_FROM.iter().map(|&r| Oracle::start(r)).collect(),
        current: 0,
        class: String::new(),
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
    // What Kafka stores: the metadata log's and coordinators' records, the
    // raft state and the log files' schemas, against the server modules.
    macro_rules! stored_types {
        ($($t:ident),*) => { $( checker.check(&message_codec::<$t>(stringify!($t))); )* };
    }
    kafka_wire::for_each_stored_message!(stored_types);

    let mut java_pairs = BTreeSet::new();
    for oracle in &checker.oracles {
        for (class, &(lowest, highest)) in &oracle.classes {
            java_pairs.extend((lowest..=highest).map(|v| (oracle.release.version(), class.clone(), v)));
        }
    }

    let report = &checker.report;
    for &release in KafkaRelease::GENERATED_FROM {
        let count = |set: &BTreeSet<(&str, String, i16)>| set.iter().filter(|p| p.0 == release.version()).count();
        println!(
            "java cross-check, Kafka {}: {} message x version pairs checked ({} in its jar, {} left out as \
             unstable there and redefined since)",
            release.version(),
            count(&report.pairs),
            count(&java_pairs),
            count(&report.redefined),
        );
    }
    println!(
        "java cross-check: {} value cases ({} per pair), {} bytes-only cases ({} with unknown tagged fields; \
         {} pairs checked on bytes only: an older release's, or a renamed message's), {} values written at another version \
         ({} refused by both sides); {} failing",
        report.value_cases,
        cases_per_pair() + 1,
        report.unknown_cases,
        report.unknown_cases_with_fields,
        report.bytes_only_pairs,
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
    let expected: BTreeSet<_> = java_pairs.difference(&report.redefined).cloned().collect();
    let ours_only: Vec<_> = report.pairs.difference(&expected).collect();
    let java_only: Vec<_> = expected.difference(&report.pairs).collect();
    assert!(
        ours_only.is_empty() && java_only.is_empty(),
        "the pairs checked and Kafka's differ:\n  only here: {ours_only:?}\n  only in Kafka's jars: {java_only:?}"
    );
    assert!(report.redefined.len() <= 20, "unexpectedly many redefined versions: {:?}", report.redefined);
    assert_readme_pair_counts(&report.pairs);
    let (with, of) = (report.unknown_cases_with_fields, report.unknown_cases);
    assert!(with >= 100, "only {with} of {of} bytes-only cases held unknown tagged fields");
    assert!(report.cross_version_refused >= 50, "too few values were refused at another version");
    assert!(report.cross_version_written >= 50, "too few values were written at another version");
}
