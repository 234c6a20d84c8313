//! What Kafka 4.x brokers do with the versions Kafka 4.0 removed, beyond
//! what the specs say (the specs give [`ApiKey::legacy_versions`]).

use crate::message::VersionRange;
use crate::messages::ApiKey;

impl ApiKey {
    /// Legacy versions a Kafka 4.x broker still advertises in its
    /// ApiVersions response although its specs no longer define them:
    /// Produce v0-2 (KAFKA-18659, so that old clients that check the
    /// advertised range before producing still connect).
    ///
    /// Advertised is not served: a 4.4.0 broker closes the connection on a
    /// Produce v0-2 request (pinned by the integration suite's broker test).
    /// A client should not send them to a 4.x broker; a proxy in front of
    /// one may still see them from old clients.
    ///
    /// ```
    /// use kafka_wire_core::{ApiKey, VersionRange};
    ///
    /// assert_eq!(ApiKey::Produce.legacy_versions_still_advertised(), VersionRange::new(0, 2));
    /// assert!(ApiKey::Fetch.legacy_versions_still_advertised().is_empty());
    /// ```
    pub const fn legacy_versions_still_advertised(self) -> VersionRange {
        match self {
            ApiKey::Produce => VersionRange::new(0, 2),
            _ => VersionRange::NONE,
        }
    }
}
