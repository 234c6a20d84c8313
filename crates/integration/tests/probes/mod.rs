//! The request each broker suite sends to every api a broker advertises.

use kafka_wire::json::serde_json::Value;
use kafka_wire::messages::*;
use kafka_wire::{ApiKey, ErrorCode, Request, Response};

/// A request for `api` at `version` that a live broker should answer: the
/// default body, with the few fields a default gets wrong.
pub(crate) fn probe_request(api: ApiKey, version: i16) -> Request {
    match api {
        // acks = 0 would get no response at all.
        ApiKey::Produce => ProduceRequest { acks: -1, timeout_ms: 1000, ..Default::default() }.into(),
        ApiKey::Fetch => FetchRequest { max_wait_ms: 0, replica_id: -1, ..Default::default() }.into(),
        // The default filter (resource type UNKNOWN) is invalid: the broker
        // would close the connection. Ask for everything instead (v0 has no
        // pattern type: it keeps its default, literal).
        ApiKey::DescribeAcls => DescribeAclsRequest {
            resource_type_filter: 1,
            pattern_type_filter: if version == 0 { 3 } else { 1 },
            operation: 1,
            permission_type: 1,
            ..Default::default()
        }
        .into(),
        // v8+ asks per group: an empty list is never answered.
        ApiKey::OffsetFetch if version >= 8 => OffsetFetchRequest {
            groups: vec![offset_fetch_request::OffsetFetchRequestGroup {
                group_id: "probe".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
        .into(),
        // v4+ (the broker-side form) answers per transaction: send one.
        ApiKey::AddPartitionsToTxn if version >= 4 => AddPartitionsToTxnRequest {
            transactions: vec![add_partitions_to_txn_request::AddPartitionsToTxnTransaction {
                transactional_id: "probe".into(),
                producer_id: 0,
                producer_epoch: 0,
                verify_only: true,
                ..Default::default()
            }],
            ..Default::default()
        }
        .into(),
        _ => Request::default_for(api),
    }
}

/// How the probes were answered: which came back with no error at all, and
/// which with error codes (the default bodies are not all meaningful to a
/// broker: an empty group id, an unknown member).
#[derive(Debug, Default)]
pub(crate) struct Answers {
    clean: Vec<String>,
    /// Each code as its name, or the number when we do not know it.
    with_errors: Vec<(String, Vec<Result<ErrorCode, i16>>)>,
}

impl Answers {
    /// Notes the answer to `what`; returns its error codes for the report.
    pub(crate) fn note(&mut self, what: String, response: &Response, version: i16) -> String {
        let errors = error_codes(response, version);
        if errors.is_empty() {
            self.clean.push(what);
            return String::new();
        }
        let shown = format!("{errors:?}");
        self.with_errors.push((what, errors));
        shown
    }

    /// At least `min_share` of the probes were answered with no error code
    /// anywhere in the response. A request the broker misreads gets an
    /// error (INVALID_REQUEST, UNSUPPORTED_VERSION, a bogus field's
    /// complaint) or no answer, so an encoder gone wrong drops the share.
    pub(crate) fn assert_mostly_clean(&self, min_share: f64) {
        let total = self.clean.len() + self.with_errors.len();
        let share = self.clean.len() as f64 / total as f64;
        assert!(
            total > 0 && share >= min_share,
            "only {} of {total} probes were answered with no error (at least {:.0}% expected); with errors:\n{}",
            self.clean.len(),
            min_share * 100.0,
            self.with_errors.iter().map(|(what, e)| format!("{what}: {e:?}")).collect::<Vec<_>>().join("\n")
        );
    }
}

/// Every non-zero error code of a response, top-level and nested: the
/// fields its JSON form names `errorCode`, or ending in `ErrorCode`.
fn error_codes(response: &Response, version: i16) -> Vec<Result<ErrorCode, i16>> {
    let json = response.to_json(version).expect("a decoded response writes its JSON");
    let mut codes = Vec::new();
    collect_error_codes(&json, &mut codes);
    codes.into_iter().map(ErrorCode::try_from).collect()
}

fn collect_error_codes(json: &Value, codes: &mut Vec<i16>) {
    match json {
        Value::Object(fields) => {
            for (name, value) in fields {
                let is_code = name == "errorCode" || name.ends_with("ErrorCode");
                match value.as_i64() {
                    Some(code) if is_code && code != 0 => codes.push(code as i16),
                    _ => collect_error_codes(value, codes),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_error_codes(item, codes)),
        _ => {}
    }
}
