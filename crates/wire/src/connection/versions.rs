//! The versions to speak with a broker, from its ApiVersions response.

use super::ConnectionError;
use crate::messages::ApiVersionsResponse;
use crate::{ApiKey, KafkaRelease, VersionRange};
use std::collections::BTreeMap;

/// The versions a broker offers, by api key, and the choice of version for
/// each api: the highest that both the broker and this library speak.
///
/// ```
/// use kafka_wire::connection::{ConnectionError, Versions};
/// use kafka_wire::messages::api_versions_response::ApiVersion;
/// use kafka_wire::messages::ApiVersionsResponse;
/// use kafka_wire::ApiKey;
///
/// let broker = ApiVersionsResponse {
///     api_keys: vec![ApiVersion { api_key: ApiKey::Metadata.key(), min_version: 0, max_version: 99, ..Default::default() }],
///     ..Default::default()
/// };
/// let versions = Versions::from_response(&broker);
/// // The broker goes higher than this library: ours is the highest both speak.
/// assert_eq!(versions.version(ApiKey::Metadata)?, ApiKey::Metadata.valid_versions().max);
/// assert!(matches!(versions.version(ApiKey::Fetch), Err(ConnectionError::NotOffered(ApiKey::Fetch))));
/// # Ok::<(), ConnectionError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    broker: BTreeMap<i16, VersionRange>,
    /// The release whose client this side speaks as, if any.
    release: Option<KafkaRelease>,
}

impl Versions {
    /// The versions listed in a broker's `ApiVersionsResponse` (api keys
    /// this library does not know are kept, and never chosen).
    pub fn from_response(response: &ApiVersionsResponse) -> Versions {
        let broker =
            response.api_keys.iter().map(|a| (a.api_key, VersionRange::new(a.min_version, a.max_version))).collect();
        Versions { broker, release: None }
    }

    /// Speaks as `release`'s client would: each api at the highest version
    /// that the broker, this library and `release` all speak, where what a
    /// release speaks is what its broker offers clients
    /// ([`ApiKey::versions_in`]). An api that release does not offer is
    /// [`ConnectionError::NotInRelease`].
    ///
    /// ```
    /// use kafka_wire::connection::Versions;
    /// use kafka_wire::messages::api_versions_response::ApiVersion;
    /// use kafka_wire::messages::ApiVersionsResponse;
    /// use kafka_wire::{ApiKey, KafkaRelease};
    ///
    /// let broker = ApiVersionsResponse {
    ///     api_keys: vec![ApiVersion { api_key: ApiKey::Fetch.key(), min_version: 0, max_version: 17, ..Default::default() }],
    ///     ..Default::default()
    /// };
    /// let as_2_8 = Versions::from_response(&broker).capped_at(KafkaRelease::V2_8_0);
    /// assert_eq!(as_2_8.version(ApiKey::Fetch)?, 12); // Kafka 2.8's newest Fetch
    /// # Ok::<(), kafka_wire::connection::ConnectionError>(())
    /// ```
    pub fn capped_at(mut self, release: KafkaRelease) -> Versions {
        self.release = Some(release);
        self
    }

    /// The release this side speaks as, if [`Versions::capped_at`] set one.
    pub fn release(&self) -> Option<KafkaRelease> {
        self.release
    }

    /// What the broker offers for `api`, if anything.
    pub fn broker_range(&self, api: ApiKey) -> Option<VersionRange> {
        self.broker.get(&api.key()).copied()
    }

    /// What the broker offers, by api key, as it listed it.
    pub fn broker_ranges(&self) -> impl Iterator<Item = (i16, VersionRange)> + '_ {
        self.broker.iter().map(|(key, range)| (*key, *range))
    }

    /// The highest version of `api` that both the broker and this library
    /// speak (and the release spoken as, if any).
    pub fn version(&self, api: ApiKey) -> Result<i16, ConnectionError> {
        let broker = self.broker_range(api).ok_or(ConnectionError::NotOffered(api))?;
        let ours = self.ours(api)?;
        let (low, high) = (broker.min.max(ours.min), broker.max.min(ours.max));
        if low > high {
            return Err(ConnectionError::NoCommonVersion { api, broker, ours });
        }
        Ok(high)
    }

    /// What this side speaks of `api`: this library's versions, within the
    /// release spoken as.
    fn ours(&self, api: ApiKey) -> Result<VersionRange, ConnectionError> {
        let ours = api.valid_versions();
        let Some(release) = self.release else {
            return Ok(ours);
        };
        let theirs = api.versions_in(release);
        if theirs.is_empty() {
            return Err(ConnectionError::NotInRelease { api, release });
        }
        Ok(VersionRange::new(ours.min.max(theirs.min), ours.max.min(theirs.max)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::api_versions_response::ApiVersion;

    fn offer(api: ApiKey, min: i16, max: i16) -> ApiVersion {
        ApiVersion { api_key: api.key(), min_version: min, max_version: max, ..Default::default() }
    }

    #[test]
    fn the_highest_common_version() {
        let ours = ApiKey::Fetch.valid_versions();
        let response = ApiVersionsResponse {
            api_keys: vec![
                offer(ApiKey::Fetch, 4, ours.max - 2),
                offer(ApiKey::Produce, 0, i16::MAX),
                offer(ApiKey::Metadata, ours.max + 50, ours.max + 60),
                ApiVersion { api_key: 30000, min_version: 0, max_version: 3, ..Default::default() },
            ],
            ..Default::default()
        };
        let versions = Versions::from_response(&response);
        assert_eq!(versions.version(ApiKey::Fetch).unwrap(), ours.max - 2, "the broker's highest");
        assert_eq!(versions.version(ApiKey::Produce).unwrap(), ApiKey::Produce.valid_versions().max, "ours");
        assert!(matches!(versions.version(ApiKey::Metadata), Err(ConnectionError::NoCommonVersion { .. })));
        assert!(matches!(versions.version(ApiKey::ListGroups), Err(ConnectionError::NotOffered(ApiKey::ListGroups))));
        assert_eq!(versions.broker_ranges().count(), 4, "the unknown key is kept");
    }

    #[test]
    fn a_release_caps_every_api() {
        let response = ApiVersionsResponse {
            api_keys: vec![
                offer(ApiKey::Fetch, 0, i16::MAX),
                offer(ApiKey::Produce, 0, i16::MAX),
                offer(ApiKey::ConsumerGroupHeartbeat, 0, i16::MAX),
            ],
            ..Default::default()
        };
        let release = KafkaRelease::V2_8_0;
        let versions = Versions::from_response(&response).capped_at(release);
        assert_eq!(versions.release(), Some(release));
        for api in [ApiKey::Fetch, ApiKey::Produce] {
            assert_eq!(versions.version(api).unwrap(), api.versions_in(release).max, "{api}");
            assert!(versions.version(api).unwrap() < api.valid_versions().max, "{api}: below ours");
        }
        assert!(matches!(
            versions.version(ApiKey::ConsumerGroupHeartbeat),
            Err(ConnectionError::NotInRelease { api: ApiKey::ConsumerGroupHeartbeat, release: KafkaRelease::V2_8_0 })
        ));
    }
}
