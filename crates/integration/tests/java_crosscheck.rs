//! The cross-check against Kafka's own Java code (java-tester/): for every
//! message at every version, the default instance and random ones are sent
//! to Kafka's generated classes as bytes and JSON. Java (1) builds the
//! message from our JSON and must serialize exactly our bytes, (2) parses
//! our bytes into a message equal to (1), and (3) writes its JSON, which we
//! parse back and compare with the original value.
//!
//! Random instances per message x version: `KAFKA_WIRE_JAVA_CASES` (default 3).

use kafka_wire::json::serde_json::{json, Value};
use kafka_wire::json::{FromJson, ToJson};
use kafka_wire::messages::*;
use kafka_wire::random::{Random, Rng};
use kafka_wire::{ApiKey, DecodeExt, EncodeExt, Message, Request, Response};
use kafka_wire_integration::java_tester::{hex, JavaTester};

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

#[derive(Default)]
struct Report {
    pairs: std::collections::BTreeSet<String>,
    cases: usize,
    failures: Vec<String>,
}

impl Report {
    /// One case: `bytes` and `json` describe the same value; `parse` reads
    /// Java's JSON back into our JSON form.
    fn case(
        &mut self,
        tester: &mut JavaTester,
        what: &str,
        class: &str,
        version: i16,
        (bytes, json): (&[u8], &Value),
        parse: impl Fn(&Value) -> Result<Value, String>,
    ) {
        self.cases += 1;
        self.pairs.insert(format!("{what} v{version}"));
        let answer = tester.ask(json!({"class": class, "version": version, "hex": hex(bytes), "json": json}));
        let mut problems: Vec<String> =
            answer["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
        if !problems.is_empty() {
            problems.push(format!("rust bytes {}\n  java bytes {}\n  rust json {json}", hex(bytes), answer["javaHex"]));
        }
        if let Some(java_json) = answer.get("json") {
            match parse(java_json) {
                Ok(mut back) => {
                    let mut original = json.clone();
                    blank_records(&mut original);
                    blank_records(&mut back);
                    if back != original {
                        problems.push(format!("(3) Java's JSON reads back differently:\n  ours {original}\n  back {back}\n  java {java_json}"));
                    }
                }
                Err(e) => problems.push(format!("(3) we could not read Java's JSON: {e}\n  java {java_json}")),
            }
        }
        if !problems.is_empty() {
            self.failures.push(format!("{what} v{version}:\n  {}", problems.join("\n  ")));
        }
    }
}

fn cases_per_pair() -> usize {
    std::env::var("KAFKA_WIRE_JAVA_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3)
}

/// Our JSON for a body, normalized through a JSON roundtrip (this drops
/// unknown tagged fields, which have no JSON form).
fn request_case(api: ApiKey, body: Request, version: i16) -> (Vec<u8>, Value) {
    let json = body.to_json(version).unwrap();
    let body = Request::from_json(api, &json, version).unwrap();
    let mut bytes = Vec::new();
    body.encode(&mut bytes, version).unwrap();
    (bytes, body.to_json(version).unwrap())
}

fn response_case(api: ApiKey, body: Response, version: i16) -> (Vec<u8>, Value) {
    let json = body.to_json(version).unwrap();
    let body = Response::from_json(api, &json, version).unwrap();
    let mut bytes = Vec::new();
    body.encode(&mut bytes, version).unwrap();
    (bytes, body.to_json(version).unwrap())
}

fn check_type<T>(tester: &mut JavaTester, report: &mut Report, rng: &mut Rng, class: &str)
where
    T: Message + EncodeExt + DecodeExt + ToJson + FromJson + Random + Default,
{
    for version in T::VALID_VERSIONS.iter() {
        for i in 0..=cases_per_pair() {
            let value = if i == 0 { T::default() } else { T::random(rng, version) };
            let value = T::from_json(&value.to_json(version).unwrap(), version).unwrap();
            let json = value.to_json(version).unwrap();
            let bytes = value.to_bytes(version).unwrap();
            report.case(tester, T::NAME, class, version, (&bytes, &json), |v| {
                T::from_json(v, version)
                    .and_then(|t| t.to_json(version).map_err(|e| kafka_wire::json::error(e.to_string())))
                    .map_err(|e| e.to_string())
            });
        }
    }
}

#[test]
fn every_message_and_version_matches_kafkas_java_classes() {
    let mut tester = JavaTester::start();
    let mut report = Report::default();
    let mut rng = Rng::with_seed(0x5eed);
    let mut total_pairs = 0;
    for &api in ApiKey::ALL {
        for version in api.valid_versions().iter() {
            total_pairs += 2;
            for i in 0..=cases_per_pair() {
                let request = if i == 0 { Request::default_for(api) } else { Request::random(api, &mut rng, version) };
                let (bytes, json) = request_case(api, request, version);
                let class = format!("{}RequestData", api.name());
                report.case(&mut tester, &format!("{}Request", api.name()), &class, version, (&bytes, &json), |v| {
                    Request::from_json(api, v, version)
                        .and_then(|r| r.to_json(version).map_err(|e| kafka_wire::json::error(e.to_string())))
                        .map_err(|e| e.to_string())
                });
                let response =
                    if i == 0 { Response::default_for(api) } else { Response::random(api, &mut rng, version) };
                let (bytes, json) = response_case(api, response, version);
                let class = format!("{}ResponseData", api.name());
                report.case(&mut tester, &format!("{}Response", api.name()), &class, version, (&bytes, &json), |v| {
                    Response::from_json(api, v, version)
                        .and_then(|r| r.to_json(version).map_err(|e| kafka_wire::json::error(e.to_string())))
                        .map_err(|e| e.to_string())
                });
            }
        }
    }
    // Headers (Kafka's classes end in Data) and the data types.
    check_type::<RequestHeader>(&mut tester, &mut report, &mut rng, "RequestHeaderData");
    check_type::<ResponseHeader>(&mut tester, &mut report, &mut rng, "ResponseHeaderData");
    total_pairs += RequestHeader::VALID_VERSIONS.iter().count() + ResponseHeader::VALID_VERSIONS.iter().count();
    macro_rules! data_types {
        ($($t:ident),*) => { $(
            if !stringify!($t).ends_with("Header") {
                total_pairs += $t::VALID_VERSIONS.iter().count();
                check_type::<$t>(&mut tester, &mut report, &mut rng, stringify!($t));
            }
        )* };
    }
    kafka_wire::for_each_non_api_message!(data_types);

    println!(
        "java cross-check: {} of {} message x version pairs checked ({} cases, {} per pair), {} failing",
        report.pairs.len(),
        total_pairs,
        report.cases,
        cases_per_pair() + 1,
        report.failures.len()
    );
    let shown: Vec<&String> = report.failures.iter().take(15).collect();
    assert!(
        report.failures.is_empty(),
        "{} cases differ from Kafka's Java classes; the first ones:\n{}",
        report.failures.len(),
        shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert_eq!(report.pairs.len(), total_pairs, "every message x version pair is checked");
}
