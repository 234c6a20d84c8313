//! Which release the fake broker speaks as: what it advertises in
//! ApiVersions and which requests it accepts.

use crate::handlers;
use kafka_wire::messages::api_versions_response::ApiVersion;
use kafka_wire::{ApiKey, KafkaRelease, VersionRange};

/// What a fake broker advertises and accepts.
///
/// Without a release, the broker speaks every version of every api it
/// serves, from the oldest Kafka defined (0.8's v0s) to the newest stable
/// one. With [`Persona::Release`], it advertises exactly what that
/// release's broker advertises in its default mode (the generated
/// [`ApiKey::versions_in`] tables), and accepts the versions that release
/// both advertises and defines: a 4.x persona advertises Produce v0-2, as
/// Kafka 4.x does, and closes the connection of a client that sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Persona {
    /// Every version of every served api.
    #[default]
    Everything,
    /// Exactly what one release's broker advertises.
    Release(KafkaRelease),
}

impl Persona {
    /// The release this persona speaks as, if any.
    pub fn release(self) -> Option<KafkaRelease> {
        match self {
            Persona::Everything => None,
            Persona::Release(release) => Some(release),
        }
    }

    /// The versions of `api` this persona advertises in ApiVersions.
    pub fn advertised(self, api: ApiKey) -> VersionRange {
        match self {
            Persona::Everything if handlers::serves(api) => stable_or_all(api),
            Persona::Everything => VersionRange::NONE,
            Persona::Release(release) => advertised_by(release, api),
        }
    }

    /// The versions of `api` a request may use: what is advertised and,
    /// for a release, what its schemas define.
    pub fn accepts(self, api: ApiKey, version: i16) -> bool {
        match self {
            Persona::Everything => self.advertised(api).contains(version),
            Persona::Release(release) => {
                advertised_by(release, api).contains(version) && api.defined_in(release).contains(version)
            }
        }
    }

    /// The ApiVersions list this persona answers with, by api key.
    pub fn api_versions(self) -> Vec<ApiVersion> {
        match self {
            Persona::Release(release) => release
                .api_versions_response(release.default_mode())
                .map(|r| r.api_keys)
                .unwrap_or_else(|| self.table()),
            Persona::Everything => self.table(),
        }
    }

    fn table(self) -> Vec<ApiVersion> {
        ApiKey::ALL
            .iter()
            .filter_map(|&api| {
                let range = self.advertised(api);
                (!range.is_empty()).then(|| ApiVersion {
                    api_key: api.key(),
                    min_version: range.min,
                    max_version: range.max,
                    ..Default::default()
                })
            })
            .collect()
    }

    /// The highest ApiVersions version this persona answers; a request
    /// above it is answered at v0 with UNSUPPORTED_VERSION, as Kafka does.
    pub fn api_versions_max(self) -> Option<i16> {
        let range = self.advertised(ApiKey::ApiVersions);
        (!range.is_empty()).then_some(range.max)
    }
}

fn stable_or_all(api: ApiKey) -> VersionRange {
    let stable = api.stable_versions();
    if stable.is_empty() {
        api.valid_versions()
    } else {
        stable
    }
}

/// What `release`'s broker offers in its default mode (for 0.8 and 0.9,
/// which predate ApiVersions, what it serves).
fn advertised_by(release: KafkaRelease, api: ApiKey) -> VersionRange {
    api.versions_in(release)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_persona_advertises_its_table() {
        let persona = Persona::Release(KafkaRelease::V2_8_0);
        assert_eq!(persona.advertised(ApiKey::Fetch).to_string(), "0-12");
        assert!(persona.accepts(ApiKey::Fetch, 12));
        assert!(!persona.accepts(ApiKey::Fetch, 13));
    }

    #[test]
    fn a_4x_persona_advertises_produce_v0_but_refuses_it() {
        let persona = Persona::Release(KafkaRelease::V4_0_0);
        assert!(persona.advertised(ApiKey::Produce).contains(0));
        assert!(!persona.accepts(ApiKey::Produce, 0));
        assert!(persona.accepts(ApiKey::Produce, 3));
    }

    #[test]
    fn everything_reaches_back_to_v0() {
        assert_eq!(Persona::Everything.advertised(ApiKey::Produce).min, 0);
        assert!(Persona::Everything.accepts(ApiKey::Fetch, 0));
        assert!(Persona::Everything.advertised(ApiKey::LeaderAndIsr).is_empty());
    }
}
