//! The ApiVersions exchange that opens a client's connection.

use super::{ConnectionError, Versions};
use crate::messages::{ApiVersionsRequest, ApiVersionsResponse};
use crate::{ApiKey, ErrorCode, KafkaRelease, Response};

/// The first exchange of a client's connection, as Kafka's clients do it:
/// ApiVersions at this library's newest version; if the broker is older
/// and answers UNSUPPORTED_VERSION (in a v0 body that lists its own
/// ApiVersions range), again at the broker's highest; then the
/// [`Versions`] both sides speak.
///
/// It holds no connection: send what [`Handshake::request`] says, give the
/// answer to [`Handshake::receive`], until it returns the versions.
///
/// ```
/// use kafka_wire::connection::Handshake;
/// use kafka_wire::messages::api_versions_response::ApiVersion;
/// use kafka_wire::messages::ApiVersionsResponse;
/// use kafka_wire::{ApiKey, ErrorCode, Response};
///
/// let mut handshake = Handshake::new("my-app", "1.0");
/// let (_, first) = handshake.request();
/// assert_eq!(first, ApiKey::ApiVersions.valid_versions().max);
///
/// // A broker that speaks ApiVersions up to v2 only.
/// let ranges = vec![ApiVersion { api_key: ApiKey::ApiVersions.key(), min_version: 0, max_version: 2, ..Default::default() }];
/// let older = ApiVersionsResponse { error_code: ErrorCode::UnsupportedVersion.code(), api_keys: ranges.clone(), ..Default::default() };
/// assert!(handshake.receive(&Response::ApiVersions(older))?.is_none()); // not done: ask again
/// assert_eq!(handshake.request().1, 2);
///
/// let answer = ApiVersionsResponse { api_keys: ranges, ..Default::default() };
/// let versions = handshake.receive(&Response::ApiVersions(answer))?.expect("done");
/// assert_eq!(versions.version(ApiKey::ApiVersions)?, 2);
/// # Ok::<(), kafka_wire::connection::ConnectionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Handshake {
    request: ApiVersionsRequest,
    version: i16,
    /// The release whose client the connection speaks as, if any.
    release: Option<KafkaRelease>,
}

impl Handshake {
    /// A handshake that names the client software (ApiVersions v3 and
    /// later carry it; KIP-511), starting at this library's newest
    /// ApiVersions version.
    pub fn new(software_name: &str, software_version: &str) -> Handshake {
        let request = ApiVersionsRequest {
            client_software_name: software_name.into(),
            client_software_version: software_version.into(),
            ..Default::default()
        };
        Handshake { request, version: ApiKey::ApiVersions.valid_versions().max, release: None }
    }

    /// Speaks as `release`'s client would: ApiVersions at that release's
    /// newest, and versions capped at it ([`Versions::capped_at`]). A
    /// release older than ApiVersions (0.8, 0.9) still asks at v0: only a
    /// broker that answers it can be talked to this way.
    ///
    /// ```
    /// use kafka_wire::connection::Handshake;
    /// use kafka_wire::KafkaRelease;
    ///
    /// let handshake = Handshake::new("my-app", "1.0").speaking_as(KafkaRelease::V2_8_0);
    /// assert_eq!(handshake.request().1, 3); // Kafka 2.8's ApiVersions v3
    /// ```
    pub fn speaking_as(mut self, release: KafkaRelease) -> Handshake {
        let theirs = ApiKey::ApiVersions.versions_in(release);
        self.version = if theirs.is_empty() { 0 } else { theirs.max.min(self.version) };
        self.release = Some(release);
        self
    }

    /// The request to send now, and its version.
    pub fn request(&self) -> (ApiVersionsRequest, i16) {
        (self.request.clone(), self.version)
    }

    /// Takes the broker's answer to the last [`Handshake::request`]:
    /// `Ok(Some(versions))` when the handshake is done, `Ok(None)` when
    /// the request is to be sent again (at the lower version it now gives).
    /// An error code other than an older broker's UNSUPPORTED_VERSION is
    /// [`ConnectionError::ApiVersions`].
    pub fn receive(&mut self, response: &Response) -> Result<Option<Versions>, ConnectionError> {
        let Response::ApiVersions(response) = response else {
            return Err(ConnectionError::UnexpectedResponse(response.api_key()));
        };
        if let Some(lower) = self.retry_version(response) {
            self.version = lower;
            return Ok(None);
        }
        if response.error_code != 0 {
            return Err(ConnectionError::ApiVersions(response.error_code));
        }
        let versions = Versions::from_response(response);
        Ok(Some(match self.release {
            Some(release) => versions.capped_at(release),
            None => versions,
        }))
    }

    /// The version to ask again at after an UNSUPPORTED_VERSION answer:
    /// the broker's highest ApiVersions version, or v0 when it lists none,
    /// as Kafka's client does; `None` when there is nothing lower to try.
    fn retry_version(&self, response: &ApiVersionsResponse) -> Option<i16> {
        if response.error_code != ErrorCode::UnsupportedVersion.code() {
            return None;
        }
        let theirs = response.api_keys.iter().find(|k| k.api_key == ApiKey::ApiVersions.key());
        let lower = theirs.map_or(0, |k| k.max_version);
        (lower >= 0 && lower < self.version).then_some(lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broker_listing_no_range_is_asked_at_v0_and_the_retry_ends() {
        let mut handshake = Handshake::new("t", "1");
        let refused = ApiVersionsResponse { error_code: ErrorCode::UnsupportedVersion.code(), ..Default::default() };
        assert!(handshake.receive(&Response::ApiVersions(refused.clone())).unwrap().is_none());
        assert_eq!(handshake.request().1, 0);
        // Refused at v0 too: nothing lower, so the error is the answer.
        let err = handshake.receive(&Response::ApiVersions(refused)).unwrap_err();
        assert!(matches!(err, ConnectionError::ApiVersions(35)), "{err:?}");
    }

    #[test]
    fn other_errors_and_other_apis_fail() {
        let mut handshake = Handshake::new("t", "1");
        let denied =
            ApiVersionsResponse { error_code: ErrorCode::ClusterAuthorizationFailed.code(), ..Default::default() };
        assert!(matches!(handshake.receive(&Response::ApiVersions(denied)), Err(ConnectionError::ApiVersions(31))));
        let metadata = Response::Metadata(Default::default());
        assert!(matches!(handshake.receive(&metadata), Err(ConnectionError::UnexpectedResponse(ApiKey::Metadata))));
    }
}
