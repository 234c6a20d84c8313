//! `kafka-wire apis`: every api with its versions, and which releases accept each.

use kafka_wire::json::serde_json::{json, Map};
use kafka_wire::json::Value;
use kafka_wire::{ApiKey, KafkaRelease, VersionRange};

fn range(r: VersionRange) -> String {
    if r.max < r.min {
        "none".to_string()
    } else {
        r.to_string()
    }
}

/// One line per api.
pub fn lines() -> Vec<String> {
    ApiKey::ALL
        .iter()
        .map(|&api| {
            let releases: Vec<String> =
                KafkaRelease::ALL.iter().map(|&r| format!("{} {}", r.version(), range(api.versions_in(r)))).collect();
            format!(
                "{:>2} {:<36} versions {:<6} flexible {:<6} {}",
                api.key(),
                api.name(),
                range(api.valid_versions()),
                range(api.request_flexible_versions()),
                releases.join(", ")
            )
        })
        .collect()
}

/// One JSON object per api.
pub fn json_lines() -> Vec<Value> {
    ApiKey::ALL
        .iter()
        .map(|&api| {
            let releases: Map<String, Value> = KafkaRelease::ALL
                .iter()
                .map(|&r| (r.version().to_string(), json!(range(api.versions_in(r)))))
                .collect();
            json!({
                "api": api.name(),
                "api_key": api.key(),
                "versions": range(api.valid_versions()),
                "flexible_request_versions": range(api.request_flexible_versions()),
                "flexible_response_versions": range(api.response_flexible_versions()),
                "deprecated_versions": range(api.deprecated_versions()),
                "releases": releases,
            })
        })
        .collect()
}
