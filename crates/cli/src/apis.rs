//! `kafka-wire apis`: every api with its versions, and which releases accept each.

use kafka_wire::json::serde_json::{json, Map};
use kafka_wire::json::Value;
use kafka_wire::{ApiKey, KafkaRelease};

/// One line per api.
pub fn lines() -> Vec<String> {
    ApiKey::ALL
        .iter()
        .map(|&api| {
            let releases: Vec<String> =
                KafkaRelease::ALL.iter().map(|&r| format!("{} {}", r.version(), api.versions_in(r))).collect();
            format!(
                "{:>2} {:<36} versions {:<6} flexible {:<6} {}",
                api.key(),
                api.name(),
                api.valid_versions().to_string(),
                api.request_flexible_versions().to_string(),
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
                .map(|&r| (r.version().to_string(), json!(api.versions_in(r).to_string())))
                .collect();
            json!({
                "api": api.name(),
                "api_key": api.key(),
                "versions": api.valid_versions().to_string(),
                "flexible_request_versions": api.request_flexible_versions().to_string(),
                "flexible_response_versions": api.response_flexible_versions().to_string(),
                "deprecated_versions": api.deprecated_versions().to_string(),
                "releases": releases,
            })
        })
        .collect()
}
