//! Which Kafka release a broker is, from the versions it advertises: its
//! `ApiVersionsResponse` compared with what every release's broker
//! advertises in each mode it can run in (the generated release tables).

use crate::messages::api_versions_response::ApiVersion;
use crate::messages::ApiVersionsResponse;
use crate::{ApiKey, BrokerMode, KafkaRelease, VersionRange};
use std::collections::BTreeMap;
use std::fmt;

/// What [`KafkaRelease::guess`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseGuess {
    /// The releases (with the mode) whose broker advertises exactly what the
    /// response lists, oldest first. Releases that speak alike all match:
    /// a 3.9.1 broker is also a 3.9.0 one, as far as the wire can tell.
    pub exact: Vec<(KafkaRelease, BrokerMode)>,
    /// When nothing matches exactly: the releases that differ from the
    /// response in the fewest apis, with those differences (a vendor's
    /// build, unstable versions enabled, a broker with client telemetry
    /// configured). Empty when something matched exactly.
    pub nearest: Vec<NearestRelease>,
}

/// A release that advertises almost what a broker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearestRelease {
    /// The release.
    pub release: KafkaRelease,
    /// The mode its broker runs in.
    pub mode: BrokerMode,
    /// Every api where the release and the broker disagree, by key.
    pub differences: Vec<ApiDifference>,
}

/// One api that a release and a broker advertise differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiDifference {
    /// The api key (a key this library does not know is kept as it came).
    pub api_key: i16,
    /// What the release advertises; `None` if it does not.
    pub release: Option<VersionRange>,
    /// What the broker advertised; `None` if it did not.
    pub broker: Option<VersionRange>,
}

impl fmt::Display for ApiDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name =
            ApiKey::from_key(self.api_key).map_or_else(|| format!("api key {}", self.api_key), |k| k.to_string());
        let show = |r: Option<VersionRange>| r.map_or_else(|| "none".to_string(), |r| r.to_string());
        write!(f, "{name}: release {}, broker {}", show(self.release), show(self.broker))
    }
}

impl ReleaseGuess {
    /// The releases the guess names: the exact matches, else the nearest,
    /// each once, oldest first.
    pub fn releases(&self) -> Vec<KafkaRelease> {
        let mut all: Vec<KafkaRelease> = if self.exact.is_empty() {
            self.nearest.iter().map(|n| n.release).collect()
        } else {
            self.exact.iter().map(|(r, _)| *r).collect()
        };
        all.dedup();
        all
    }
}

impl KafkaRelease {
    /// The ApiVersions answer a default-configured broker of this release
    /// gives in `mode`: every api it advertises with its range, in api key
    /// order (no features, no throttle). `None` when the release has no
    /// such mode or predates ApiVersions (0.8, 0.9).
    ///
    /// ```
    /// use kafka_wire_core::{ApiKey, BrokerMode, KafkaRelease};
    ///
    /// let response = KafkaRelease::V3_9_1.api_versions_response(BrokerMode::KRaft).unwrap();
    /// let fetch = response.api_keys.iter().find(|a| a.api_key == ApiKey::Fetch.key()).unwrap();
    /// assert_eq!((fetch.min_version, fetch.max_version), (0, 17));
    /// assert!(KafkaRelease::V0_9_0_0.api_versions_response(BrokerMode::ZooKeeper).is_none());
    /// assert!(KafkaRelease::V4_0_0.api_versions_response(BrokerMode::ZooKeeper).is_none());
    /// ```
    pub fn api_versions_response(self, mode: BrokerMode) -> Option<ApiVersionsResponse> {
        if !self.answers_api_versions() || !self.has_mode(mode) {
            return None;
        }
        let api_keys = ApiKey::ALL
            .iter()
            .filter_map(|&api| Some((api, api.advertised_in(self, mode)?)))
            .filter(|(_, range)| !range.is_empty())
            .map(|(api, range)| ApiVersion {
                api_key: api.key(),
                min_version: range.min,
                max_version: range.max,
                ..Default::default()
            })
            .collect();
        Some(ApiVersionsResponse { api_keys, ..Default::default() })
    }

    /// Guesses the release of the broker that sent `response`. An answer
    /// with an error (one at v0 with `UNSUPPORTED_VERSION` lists only
    /// ApiVersions itself) names no release; brokers older than 0.10.0 do
    /// not answer ApiVersions at all.
    ///
    /// ```
    /// use kafka_wire_core::{ApiKey, BrokerMode, KafkaRelease};
    ///
    /// // What a 2.8.0 broker in ZooKeeper mode advertises.
    /// let response = KafkaRelease::V2_8_0.api_versions_response(BrokerMode::ZooKeeper).unwrap();
    /// let guess = KafkaRelease::guess(&response);
    /// assert!(guess.exact.contains(&(KafkaRelease::V2_8_0, BrokerMode::ZooKeeper)));
    /// ```
    pub fn guess(response: &ApiVersionsResponse) -> ReleaseGuess {
        if response.error_code != 0 {
            return ReleaseGuess { exact: Vec::new(), nearest: Vec::new() };
        }
        let broker: BTreeMap<i16, VersionRange> =
            response.api_keys.iter().map(|a| (a.api_key, VersionRange::new(a.min_version, a.max_version))).collect();
        let mut candidates: Vec<NearestRelease> = Vec::new();
        for &release in KafkaRelease::ALL.iter().filter(|r| r.answers_api_versions()) {
            for mode in [BrokerMode::ZooKeeper, BrokerMode::KRaft] {
                if release.has_mode(mode) {
                    let differences = differences(release, mode, &broker);
                    candidates.push(NearestRelease { release, mode, differences });
                }
            }
        }
        let fewest = candidates.iter().map(|c| c.differences.len()).min().unwrap_or(0);
        if fewest == 0 {
            let exact = candidates.iter().filter(|c| c.differences.is_empty()).map(|c| (c.release, c.mode)).collect();
            return ReleaseGuess { exact, nearest: Vec::new() };
        }
        // Nothing matches: a guess from an answer with (almost) nothing in it
        // would name every release; say nothing instead.
        if broker.len() <= 1 {
            return ReleaseGuess { exact: Vec::new(), nearest: Vec::new() };
        }
        candidates.retain(|c| c.differences.len() == fewest);
        ReleaseGuess { exact: Vec::new(), nearest: candidates }
    }
}

/// Every api where `release` in `mode` and the broker's ranges differ.
fn differences(release: KafkaRelease, mode: BrokerMode, broker: &BTreeMap<i16, VersionRange>) -> Vec<ApiDifference> {
    let ours: BTreeMap<i16, VersionRange> = ApiKey::ALL
        .iter()
        .filter_map(|&api| Some((api.key(), api.advertised_in(release, mode)?)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    let mut keys: Vec<i16> = ours.keys().chain(broker.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (release, broker) = (ours.get(&key).copied(), broker.get(&key).copied());
            (release != broker).then_some(ApiDifference { api_key: key, release, broker })
        })
        .collect()
}
