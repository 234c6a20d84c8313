//! Version negotiation: from a broker's `ApiVersionsResponse`, the version
//! of each api to speak, the highest that both the broker and this library
//! support.
//!
//! ```
//! use kafka_wire::messages::api_versions_response::ApiVersion;
//! use kafka_wire::messages::ApiVersionsResponse;
//! use kafka_wire::negotiate::{NegotiationError, Versions};
//! use kafka_wire::ApiKey;
//!
//! let broker = ApiVersionsResponse {
//!     api_keys: vec![ApiVersion { api_key: ApiKey::Metadata.key(), min_version: 0, max_version: 99, ..Default::default() }],
//!     ..Default::default()
//! };
//! let versions = Versions::from_response(&broker);
//! // The broker goes higher than this library: ours is the highest both speak.
//! assert_eq!(versions.version(ApiKey::Metadata), Ok(ApiKey::Metadata.valid_versions().max));
//! assert_eq!(versions.version(ApiKey::Fetch), Err(NegotiationError::NotOffered(ApiKey::Fetch)));
//! ```

use crate::messages::ApiVersionsResponse;
use crate::{ApiKey, ErrorCode, VersionRange};
use std::collections::BTreeMap;
use std::fmt;

/// Why no version of an api can be used with a broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NegotiationError {
    /// The broker does not offer the api at all.
    NotOffered(ApiKey),
    /// The broker's versions and this library's do not overlap.
    NoCommonVersion {
        /// The api.
        api: ApiKey,
        /// What the broker offers.
        broker: VersionRange,
        /// What this library speaks.
        ours: VersionRange,
    },
}

impl fmt::Display for NegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NegotiationError::NotOffered(api) => write!(f, "the broker does not offer {api}"),
            NegotiationError::NoCommonVersion { api, broker, ours } => {
                write!(f, "no common version of {api}: the broker offers {broker}, this library speaks {ours}")
            }
        }
    }
}

impl std::error::Error for NegotiationError {}

/// The versions a broker offers, by api key, and the choice of version for
/// each api.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    broker: BTreeMap<i16, VersionRange>,
}

/// The ApiVersions version to ask again at, after a broker older than this
/// library answered ApiVersions v`sent` with UNSUPPORTED_VERSION: such a
/// broker answers in a v0 body that lists its own ApiVersions range, and
/// Kafka's clients retry at its highest. `None` when there is nothing to
/// retry (any other answer).
///
/// ```
/// use kafka_wire::messages::api_versions_response::ApiVersion;
/// use kafka_wire::messages::ApiVersionsResponse;
/// use kafka_wire::negotiate::api_versions_retry;
/// use kafka_wire::{ApiKey, ErrorCode};
///
/// // A Kafka 3.9 broker, asked for ApiVersions v5.
/// let answer = ApiVersionsResponse {
///     error_code: ErrorCode::UnsupportedVersion.code(),
///     api_keys: vec![ApiVersion { api_key: ApiKey::ApiVersions.key(), min_version: 0, max_version: 3, ..Default::default() }],
///     ..Default::default()
/// };
/// assert_eq!(api_versions_retry(&answer, 5), Some(3));
/// assert_eq!(api_versions_retry(&ApiVersionsResponse::default(), 5), None);
/// ```
pub fn api_versions_retry(response: &ApiVersionsResponse, sent: i16) -> Option<i16> {
    if response.error_code != ErrorCode::UnsupportedVersion.code() {
        return None;
    }
    let theirs = response.api_keys.iter().find(|k| k.api_key == ApiKey::ApiVersions.key())?;
    (theirs.max_version < sent && theirs.max_version >= 0).then_some(theirs.max_version)
}

impl Versions {
    /// The versions listed in a broker's `ApiVersionsResponse` (api keys
    /// this library does not know are kept, and never chosen).
    pub fn from_response(response: &ApiVersionsResponse) -> Versions {
        let broker =
            response.api_keys.iter().map(|a| (a.api_key, VersionRange::new(a.min_version, a.max_version))).collect();
        Versions { broker }
    }

    /// What the broker offers for `api`, if anything.
    pub fn broker_range(&self, api: ApiKey) -> Option<VersionRange> {
        self.broker.get(&api.key()).copied()
    }

    /// The highest version of `api` that both the broker and this library
    /// support.
    pub fn version(&self, api: ApiKey) -> Result<i16, NegotiationError> {
        let broker = self.broker_range(api).ok_or(NegotiationError::NotOffered(api))?;
        let ours = api.valid_versions();
        let (low, high) = (broker.min.max(ours.min), broker.max.min(ours.max));
        if low > high {
            return Err(NegotiationError::NoCommonVersion { api, broker, ours });
        }
        Ok(high)
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
        assert_eq!(versions.version(ApiKey::Fetch), Ok(ours.max - 2), "the broker's highest");
        assert_eq!(versions.version(ApiKey::Produce), Ok(ApiKey::Produce.valid_versions().max), "ours");
        assert!(matches!(versions.version(ApiKey::Metadata), Err(NegotiationError::NoCommonVersion { .. })));
        assert_eq!(versions.version(ApiKey::ListGroups), Err(NegotiationError::NotOffered(ApiKey::ListGroups)));
    }
}
