//! # kafka-wire
//!
//! The Apache Kafka wire protocol for Rust: every request, response, header
//! and data type of the pinned Kafka release, at every version, generated
//! from Kafka's own JSON message specs.

pub mod codec;
pub mod error;
pub mod frame;
pub mod message;
pub mod messages;
#[cfg(feature = "random")]
pub mod random;
mod str_bytes;

pub use frame::{read_frame, split_frame, RequestFrame, ResponseFrame};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
pub use message::{Decode, Encode, Message, MessageExt, VersionRange};
pub use messages::{ApiKey, ErrorCode, Request, Response, KAFKA_VERSION};
pub use str_bytes::StrBytes;
