//! `kafka-wire apis`: every api with its versions, and what each Kafka
//! release's broker offers of it.

use kafka_wire::json::serde_json::{json, Map};
use kafka_wire::json::Value;
use kafka_wire::{ApiKey, BrokerMode, KafkaRelease, VersionRange};

/// One line per api: its versions, then what every release offers, as runs
/// of consecutive releases that offer the same (`0.10.0.0-0.10.0.1 0-2`).
pub fn lines() -> Vec<String> {
    ApiKey::ALL
        .iter()
        .map(|&api| {
            let runs: Vec<String> = runs(api)
                .into_iter()
                .map(|(first, last, range)| {
                    let releases = if first == last { first.to_string() } else { format!("{first}-{last}") };
                    format!("{releases} {}", show(range))
                })
                .collect();
            format!("{} | {}", head(api), runs.join(", "))
        })
        .collect()
}

/// One line per api, for one release: what its broker offers in its default
/// mode, what its schemas define, and each mode's offer where the release
/// has it.
pub fn lines_for(release: KafkaRelease) -> Vec<String> {
    let mut out = vec![format!(
        "Kafka {release}: default mode {:?}{}",
        release.default_mode(),
        if release.answers_api_versions() { "" } else { " (no ApiVersions: the versions its broker serves)" }
    )];
    out.extend(ApiKey::ALL.iter().map(|&api| {
        let modes: Vec<String> = modes(release)
            .map(|(name, mode)| {
                format!("{name} {}", show(api.advertised_in(release, mode).unwrap_or(VersionRange::NONE)))
            })
            .collect();
        format!(
            "{} | offers {:<6} defines {:<6} {}",
            head(api),
            show(api.versions_in(release)),
            show(api.defined_in(release)),
            modes.join(" ")
        )
    }));
    out
}

/// One JSON object per api; `releases` maps every release (or `release`
/// alone) to what its broker offers.
pub fn json_lines(release: Option<KafkaRelease>) -> Vec<Value> {
    ApiKey::ALL
        .iter()
        .map(|&api| {
            let releases: Map<String, Value> = KafkaRelease::ALL
                .iter()
                .filter(|&&r| release.is_none_or(|only| only == r))
                .map(|&r| (r.version().to_string(), json!(api.versions_in(r).to_string())))
                .collect();
            let mut line = json!({
                "api": api.name(),
                "api_key": api.key(),
                "versions": api.valid_versions().to_string(),
                "flexible_request_versions": api.request_flexible_versions().to_string(),
                "flexible_response_versions": api.response_flexible_versions().to_string(),
                "deprecated_versions": api.deprecated_versions().to_string(),
                "releases": releases,
            });
            if let Some(release) = release {
                let advertised: Map<String, Value> = modes(release)
                    .map(|(name, mode)| {
                        (
                            name.to_string(),
                            json!(api.advertised_in(release, mode).unwrap_or(VersionRange::NONE).to_string()),
                        )
                    })
                    .collect();
                line["defined"] = json!(api.defined_in(release).to_string());
                line["advertised"] = Value::Object(advertised);
            }
            line
        })
        .collect()
}

fn head(api: ApiKey) -> String {
    format!(
        "{:>2} {:<36} versions {:<6} flexible {:<6}",
        api.key(),
        api.name(),
        api.valid_versions().to_string(),
        api.request_flexible_versions().to_string()
    )
}

/// The modes `release` has, by the names the JSON uses.
fn modes(release: KafkaRelease) -> impl Iterator<Item = (&'static str, BrokerMode)> {
    [("zookeeper", BrokerMode::ZooKeeper), ("kraft", BrokerMode::KRaft)]
        .into_iter()
        .filter(move |(_, mode)| release.has_mode(*mode))
}

fn show(range: VersionRange) -> String {
    if range.is_empty() {
        "-".into()
    } else {
        range.to_string()
    }
}

/// Consecutive releases offering the same versions of `api`, from the
/// first release that offers any: (first, last, range).
fn runs(api: ApiKey) -> Vec<(KafkaRelease, KafkaRelease, VersionRange)> {
    let mut runs: Vec<(KafkaRelease, KafkaRelease, VersionRange)> = Vec::new();
    for &release in KafkaRelease::ALL {
        let range = api.versions_in(release);
        match runs.last_mut() {
            Some((_, last, r)) if *r == range => *last = release,
            None if range.is_empty() => {}
            _ => runs.push((release, release, range)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_release_from_the_first_offer() {
        let fetch = runs(ApiKey::Fetch);
        assert_eq!(fetch[0].0, KafkaRelease::V0_8_0);
        assert_eq!(fetch.last().unwrap().1, KafkaRelease::LATEST);
        for pair in fetch.windows(2) {
            let next = KafkaRelease::ALL.iter().position(|&r| r == pair[0].1).unwrap() + 1;
            assert_eq!(KafkaRelease::ALL[next], pair[1].0, "runs are consecutive");
            assert_ne!(pair[0].2, pair[1].2, "a run changes the range");
        }
        let first_offer = runs(ApiKey::ConsumerGroupHeartbeat)[0].0;
        assert!(first_offer > KafkaRelease::V3_6_0, "{first_offer}");
    }

    #[test]
    fn one_release_shows_its_modes() {
        let lines = lines_for(KafkaRelease::V3_9_1);
        assert!(lines[0].contains("KRaft"), "{}", lines[0]);
        let leader_and_isr = lines.iter().find(|l| l.contains("LeaderAndIsr")).unwrap();
        // Served to other brokers in ZooKeeper mode, not by a KRaft broker.
        assert!(leader_and_isr.contains("offers -"), "{leader_and_isr}");
        assert!(leader_and_isr.contains("zookeeper 0-7"), "{leader_and_isr}");
        let json = json_lines(Some(KafkaRelease::V2_8_0));
        assert_eq!(json[0]["releases"].as_object().unwrap().len(), 1);
        assert_eq!(json[0]["advertised"]["zookeeper"], "0-9");
    }
}
