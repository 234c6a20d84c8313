//! The message layer of [kafka-wire](https://docs.rs/kafka-wire): every
//! generated Kafka message, the wire primitives, frames and the
//! encode/decode traits. Use it through `kafka-wire`, which re-exports all
//! of it and adds record batches with their compression codecs.
//!
//! It is a crate of its own so that it compiles while the compression
//! codecs' C code (zstd) is still building: a clean build of `kafka-wire`
//! runs both at once instead of one after the other.

#![warn(missing_docs)]

// The wire primitives: what the generated code and kafka-wire's records
// need. Not part of the API (what users need of it is re-exported below);
// hidden so that "codec" means only what tokio-util means by it.
#[doc(hidden)]
pub mod codec;
mod error;
mod frame;
#[cfg(feature = "json")]
pub mod json;
mod legacy;
mod message;
pub mod messages;
#[cfg(feature = "random")]
pub mod random;
mod release_guess;
mod str_bytes;
mod wire_array;

pub use codec::{write_chunks, RawTaggedField, Reader, UnknownTaggedFields, VectoredBuf};
pub use error::{
    DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind, PathSegment, WrapsDecodeErrorKind, WrapsEncodeErrorKind,
};
pub use frame::{RequestFrame, RequestHead, ResponseFrame};
pub use message::{Decode, DecodeExt, Encode, EncodeExt, Message, VersionRange};
pub use messages::api_key::{ApiKey, Listener, Request, Response};
pub use messages::error_code::ErrorCode;
pub use messages::releases::{BrokerMode, KafkaRelease, UnknownRelease};
pub use release_guess::{ApiDifference, NearestRelease, ReleaseGuess};
pub use str_bytes::StrBytes;
pub use wire_array::{WireArray, WireArrayIter, WireScalar};
