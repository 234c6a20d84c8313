//! The one error type of the connection layer.

use crate::{ApiKey, DecodeError, EncodeError, KafkaRelease, VersionRange};
use kafka_wire_core::RequestHead;
use std::{fmt, io};

/// What can go wrong on a Kafka connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The transport failed.
    Io(io::Error),
    /// A frame's size prefix is larger than the maximum, or negative. The
    /// frame is refused before any of it is buffered; Kafka closes such a
    /// connection.
    FrameTooLarge {
        /// The size the prefix gave.
        size: i64,
        /// The largest frame accepted.
        max: usize,
    },
    /// The input ended inside a frame (or inside its size prefix).
    CutShort {
        /// The bytes the frame needs, its 4-byte size prefix included
        /// (4 when the prefix itself was cut).
        expected: usize,
        /// The bytes of it that arrived.
        received: usize,
    },
    /// The peer closed the connection while requests awaited responses.
    Closed {
        /// How many requests were still unanswered.
        in_flight: usize,
    },
    /// A frame that does not decode.
    Decode(DecodeError),
    /// A request frame whose header reads but whose body does not (an
    /// unknown version, say). It is in flight: a broker may answer it (an
    /// ApiVersions request at a version it does not know gets a v0 answer)
    /// or close the connection, as Kafka does for the others.
    UndecodableRequest {
        /// What the header says.
        head: RequestHead,
        /// Why the body does not decode.
        error: DecodeError,
    },
    /// A frame that does not encode.
    Encode(EncodeError),
    /// A response to no request in flight.
    UnknownCorrelationId(i32),
    /// A request with the correlation id of one still in flight.
    DuplicateCorrelationId(i32),
    /// A response that is not to the oldest request in flight: Kafka
    /// answers the requests of a connection in the order they came. The
    /// request it answers is no longer in flight.
    OutOfOrder {
        /// The correlation id of the oldest request in flight.
        expected: i32,
        /// The correlation id of the response.
        received: i32,
        /// The request the response answers.
        request: crate::connection::InFlight,
    },
    /// A response at another version than its request's (only an
    /// ApiVersions request may be answered at v0 instead).
    ResponseVersion {
        /// The api.
        api: ApiKey,
        /// The request's version.
        request: i16,
        /// The response's version.
        response: i16,
    },
    /// The broker answered ApiVersions with an error.
    ApiVersions(i16),
    /// A response of another api than the one expected (the handshake
    /// expects ApiVersions).
    UnexpectedResponse(ApiKey),
    /// The broker does not offer the api at all.
    NotOffered(ApiKey),
    /// The connection speaks as a release (see [`super::Versions::capped_at`])
    /// whose broker does not offer the api to clients.
    NotInRelease {
        /// The api.
        api: ApiKey,
        /// The release spoken as.
        release: KafkaRelease,
    },
    /// The broker's versions of an api and this library's do not overlap.
    NoCommonVersion {
        /// The api.
        api: ApiKey,
        /// What the broker offers.
        broker: VersionRange,
        /// What this side speaks.
        ours: VersionRange,
    },
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectionError::Io(e) => write!(f, "connection error: {e}"),
            ConnectionError::FrameTooLarge { size, max } if *size < 0 => {
                write!(f, "a frame size of {size} bytes (the maximum is {max})")
            }
            ConnectionError::FrameTooLarge { size, max } => {
                write!(f, "a frame of {size} bytes exceeds the maximum of {max}")
            }
            ConnectionError::CutShort { expected, received } => {
                write!(f, "the input ends inside a frame: {received} of its {expected} bytes arrived")
            }
            ConnectionError::Closed { in_flight } => {
                write!(f, "the connection closed with {in_flight} requests unanswered")
            }
            ConnectionError::Decode(e) => e.fmt(f),
            ConnectionError::UndecodableRequest { head, error } => {
                write!(
                    f,
                    "{} v{} request (correlation id {}): {error}",
                    head.api_key, head.version, head.correlation_id
                )
            }
            ConnectionError::Encode(e) => e.fmt(f),
            ConnectionError::UnknownCorrelationId(id) => write!(f, "correlation id {id} matches no request in flight"),
            ConnectionError::DuplicateCorrelationId(id) => write!(f, "correlation id {id} is already in flight"),
            ConnectionError::OutOfOrder { expected, received, .. } => {
                write!(f, "a response to correlation id {received} before the one to {expected}, sent earlier")
            }
            ConnectionError::ResponseVersion { api, request, response } => {
                write!(f, "a {api} v{request} request answered at v{response}")
            }
            ConnectionError::ApiVersions(code) => write!(f, "ApiVersions failed with error code {code}"),
            ConnectionError::UnexpectedResponse(api) => write!(f, "an unexpected {api} response"),
            ConnectionError::NotOffered(api) => write!(f, "the broker does not offer {api}"),
            ConnectionError::NotInRelease { api, release } => {
                write!(f, "{api} is not in Kafka {release}, which this connection speaks as")
            }
            ConnectionError::NoCommonVersion { api, broker, ours } => {
                write!(f, "no common version of {api}: the broker offers {broker}, this side speaks {ours}")
            }
        }
    }
}

impl std::error::Error for ConnectionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectionError::Io(e) => Some(e),
            ConnectionError::Decode(e) | ConnectionError::UndecodableRequest { error: e, .. } => Some(e),
            ConnectionError::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for ConnectionError {
    fn from(e: io::Error) -> Self {
        ConnectionError::Io(e)
    }
}

impl From<EncodeError> for ConnectionError {
    fn from(e: EncodeError) -> Self {
        ConnectionError::Encode(e)
    }
}

impl From<DecodeError> for ConnectionError {
    fn from(e: DecodeError) -> Self {
        ConnectionError::Decode(e)
    }
}
