//! Every Kafka release by name, what each one's broker offers, and the
//! guess of a broker's release from its ApiVersions response.

use kafka_wire::messages::api_versions_response::ApiVersion;
use kafka_wire::messages::ApiVersionsResponse;
use kafka_wire::{ApiKey, BrokerMode, KafkaRelease, VersionRange};

/// What `release`'s broker advertises in `mode`, as its ApiVersions
/// response lists it.
fn advertised(release: KafkaRelease, mode: BrokerMode) -> ApiVersionsResponse {
    let api_keys = ApiKey::ALL
        .iter()
        .filter_map(|&api| Some((api, api.advertised_in(release, mode)?)))
        .filter(|(_, r)| !r.is_empty())
        .map(|(api, r)| ApiVersion { api_key: api.key(), min_version: r.min, max_version: r.max, ..Default::default() })
        .collect();
    ApiVersionsResponse { api_keys, ..Default::default() }
}

#[test]
fn every_release_from_0_8_0_to_4_4_0_is_named_and_ordered() {
    let all = KafkaRelease::ALL;
    assert_eq!(all.first(), Some(&KafkaRelease::V0_8_0));
    assert_eq!(all.last(), Some(&KafkaRelease::LATEST));
    assert_eq!(KafkaRelease::LATEST, KafkaRelease::V4_4_0);
    assert!(all.len() >= 89, "{} releases", all.len());
    for pair in all.windows(2) {
        assert!(pair[0] < pair[1], "{} before {}", pair[0], pair[1]);
    }
    for &release in all {
        assert_eq!(release.to_string().parse::<KafkaRelease>(), Ok(release));
        assert!(!release.artifacts().is_empty());
    }
    for name in ["0.8.1.1", "0.10.2.1", "2.8.0", "3.9.1", "4.0.1"] {
        assert_eq!(name.parse::<KafkaRelease>().unwrap().version(), name);
    }
    let unknown = "2.8".parse::<KafkaRelease>().unwrap_err();
    assert!(unknown.to_string().contains("\"2.8\" is not a Kafka release"), "{unknown}");
    assert_eq!(KafkaRelease::GENERATED_FROM, [KafkaRelease::V4_4_0, KafkaRelease::V3_9_1]);
}

#[test]
fn what_releases_offer() {
    use KafkaRelease::*;
    // Before ApiVersions: what the broker serves, v0 everywhere in 0.8.0.
    assert!(!V0_9_0_1.answers_api_versions() && V0_10_0_0.answers_api_versions());
    assert_eq!(ApiKey::Produce.versions_in(V0_8_0).to_string(), "0");
    assert!(ApiKey::ApiVersions.versions_in(V0_9_0_1).is_empty());
    assert_eq!(ApiKey::ApiVersions.versions_in(V0_10_0_0).to_string(), "0");
    // 4.x: Produce v0-2 left the schemas but are still advertised.
    assert_eq!(ApiKey::Produce.defined_in(V4_0_0).to_string(), "3-12");
    assert_eq!(ApiKey::Produce.versions_in(V4_0_0).to_string(), "0-12");
    // 4.0.1 brought JoinGroup v0-1 back.
    assert_eq!(ApiKey::JoinGroup.versions_in(V4_0_0).to_string(), "2-9");
    assert_eq!(ApiKey::JoinGroup.versions_in(V4_0_1).to_string(), "0-9");
    assert_eq!(V4_0_1.same_protocol_as(), V4_0_1);
    assert_eq!(V4_0_2.same_protocol_as(), V4_0_1);
    // Modes: ZooKeeper only before 2.8, both until 3.9, KRaft only from 4.0.
    assert!(!V2_7_0.has_mode(BrokerMode::KRaft) && V2_8_0.has_mode(BrokerMode::KRaft));
    assert!(V3_9_1.has_mode(BrokerMode::ZooKeeper) && !V4_0_0.has_mode(BrokerMode::ZooKeeper));
    assert_eq!(V3_2_0.default_mode(), BrokerMode::ZooKeeper);
    assert_eq!(V3_3_0.default_mode(), BrokerMode::KRaft);
    // Inter-broker apis: a ZooKeeper broker serves them, a KRaft one does not.
    assert_eq!(ApiKey::LeaderAndIsr.advertised_in(V3_9_1, BrokerMode::ZooKeeper).unwrap().to_string(), "0-7");
    assert_eq!(ApiKey::LeaderAndIsr.advertised_in(V3_9_1, BrokerMode::KRaft), Some(VersionRange::NONE));
    assert_eq!(ApiKey::LeaderAndIsr.advertised_in(V4_0_0, BrokerMode::ZooKeeper), None);
    // Unstable versions are defined but not advertised by default.
    for &release in KafkaRelease::ALL {
        for &api in ApiKey::ALL {
            let (defined, offered) = (api.defined_in(release), api.versions_in(release));
            let produce_quirk = api == ApiKey::Produce && release >= V4_0_0;
            if !offered.is_empty() && !produce_quirk {
                assert!(
                    defined.min <= offered.min && offered.max <= defined.max,
                    "{release} {api}: {offered} of {defined}"
                );
            }
        }
    }
}

#[test]
fn a_broker_is_guessed_from_what_it_advertises() {
    for &release in KafkaRelease::ALL.iter().filter(|r| r.answers_api_versions()) {
        for mode in [BrokerMode::ZooKeeper, BrokerMode::KRaft].into_iter().filter(|&m| release.has_mode(m)) {
            let guess = KafkaRelease::guess(&advertised(release, mode));
            assert!(guess.exact.contains(&(release, mode)), "{release} {mode:?}: {guess:?}");
            assert!(guess.nearest.is_empty());
            for &(other, other_mode) in &guess.exact {
                let same =
                    ApiKey::ALL.iter().all(|a| a.advertised_in(other, other_mode) == a.advertised_in(release, mode));
                assert!(same, "{release} {mode:?} guessed as {other} {other_mode:?}");
            }
        }
    }
}

#[test]
fn a_broker_like_no_release_gets_the_nearest_and_the_differences() {
    // 4.4.0 with client telemetry configured: two apis more.
    let mut response = advertised(KafkaRelease::V4_4_0, BrokerMode::KRaft);
    for api in [ApiKey::GetTelemetrySubscriptions, ApiKey::PushTelemetry] {
        response.api_keys.push(ApiVersion { api_key: api.key(), min_version: 0, max_version: 0, ..Default::default() });
    }
    let guess = KafkaRelease::guess(&response);
    assert!(guess.exact.is_empty());
    assert_eq!(guess.releases(), [KafkaRelease::V4_4_0]);
    let differences = &guess.nearest[0].differences;
    assert_eq!(differences.len(), 2, "{differences:?}");
    assert_eq!(differences[0].release, None);
    assert_eq!(differences[0].broker, Some(VersionRange::new(0, 0)));
    assert_eq!(differences[0].to_string(), "GetTelemetrySubscriptions: release none, broker 0");

    // An api key nobody defines is a difference too.
    let mut response = advertised(KafkaRelease::V3_9_1, BrokerMode::KRaft);
    response.api_keys.push(ApiVersion { api_key: 9999, min_version: 0, max_version: 1, ..Default::default() });
    let guess = KafkaRelease::guess(&response);
    assert_eq!(guess.nearest[0].differences[0].to_string(), "api key 9999: release none, broker 0-1");

    // An UNSUPPORTED_VERSION answer lists only ApiVersions: no guess.
    let fallback = ApiVersionsResponse {
        error_code: 35,
        api_keys: vec![ApiVersion {
            api_key: ApiKey::ApiVersions.key(),
            min_version: 0,
            max_version: 3,
            ..Default::default()
        }],
        ..Default::default()
    };
    let guess = KafkaRelease::guess(&fallback);
    assert!(guess.exact.is_empty() && guess.nearest.is_empty(), "{guess:?}");
    // Any answer with an error names no release, whatever it lists.
    let failed = ApiVersionsResponse { error_code: 35, ..advertised(KafkaRelease::V4_4_0, BrokerMode::KRaft) };
    let guess = KafkaRelease::guess(&failed);
    assert!(guess.exact.is_empty() && guess.nearest.is_empty(), "{guess:?}");
}

/// The number README.md states just before `after` (a sentence of it
/// may wrap anywhere: whitespace is folded first).
fn readme_number_before(after: &str) -> usize {
    let readme = include_str!("../../../README.md").split_whitespace().collect::<Vec<_>>().join(" ");
    let (before, _) = readme.split_once(after).unwrap_or_else(|| panic!("README.md no longer says \"{after}\""));
    let number = before.trim_end().rsplit(' ').next().unwrap_or_default().trim_start_matches('(');
    number.parse().unwrap_or_else(|_| panic!("README.md: {number:?} before \"{after}\" is not a count"))
}

/// The counts README.md gives, from the library's tables: they are
/// written by hand, so a new release or a lost version shows here.
#[test]
fn the_readmes_counts_are_the_tables() {
    let versions =
        |of: fn(ApiKey) -> VersionRange| ApiKey::ALL.iter().map(|&api| of(api).iter().count()).sum::<usize>();
    assert_eq!(readme_number_before("request versions over"), versions(ApiKey::valid_versions), "request versions");
    assert_eq!(readme_number_before("APIs, each with its response"), ApiKey::ALL.len(), "apis");
    let from_4_4_0 = versions(|api| api.defined_in(KafkaRelease::V4_4_0));
    assert_eq!(readme_number_before("| 59 more |"), from_4_4_0, "request versions from 4.4.0's specs");
    let legacy = ApiKey::ALL.iter().map(|api| api.legacy_versions().iter().count()).sum::<usize>();
    assert_eq!(readme_number_before("more | | `ApiKey::defined_in"), legacy, "request versions only 3.9.1 has");
    assert_eq!(readme_number_before("of them, patch releases included"), KafkaRelease::ALL.len(), "releases");
}
