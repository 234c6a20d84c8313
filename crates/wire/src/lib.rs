//! # kafka-wire
//!
//! The Apache Kafka wire protocol for Rust: every request, response, header
//! and data type of the pinned Kafka release, at every version, generated
//! from Kafka's own JSON message specs.
//!
//! ```
//! use kafka_wire::messages::{metadata_request::MetadataRequestTopic, MetadataRequest};
//! use kafka_wire::{ApiKey, Request, RequestFrame, StrBytes};
//!
//! let request = MetadataRequest {
//!     topics: Some(vec![MetadataRequestTopic { name: Some(StrBytes::from_static("orders")), ..Default::default() }]),
//!     ..Default::default()
//! };
//! let frame = RequestFrame::new(request, 12, 1, Some("my-client"));
//! let bytes = frame.to_bytes()?; // int32 size prefix + header v2 + body
//!
//! // The receiving side: decode by api key and version, found in the header.
//! let decoded = RequestFrame::decode(&bytes.slice(4..))?;
//! assert_eq!(decoded.api_key(), ApiKey::Metadata);
//! assert!(matches!(decoded.body, Request::Metadata(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Layout: [`messages`] holds the generated types (one module per spec,
//! plus [`ApiKey`], [`Request`], [`Response`] and [`ErrorCode`]); [`codec`]
//! the wire primitives they use; [`frame`] size-prefixed frames; [`message`]
//! the [`Encode`]/[`Decode`] traits and the [`EncodeExt`]/[`DecodeExt`] conveniences.

pub mod codec;
pub mod error;
pub mod frame;
#[cfg(feature = "json")]
pub mod json;
pub mod message;
pub mod messages;
#[cfg(feature = "random")]
pub mod random;
pub mod records;
mod str_bytes;
pub mod wire_array;

pub use codec::{write_chunks, VectoredBuf};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
pub use frame::{read_frame, split_frame, RequestFrame, ResponseFrame};
pub use message::{Decode, DecodeExt, Encode, EncodeExt, Message, VersionRange};
pub use messages::{ApiKey, ErrorCode, Request, Response, KAFKA_VERSION};
pub use str_bytes::StrBytes;
pub use wire_array::{WireArray, WireScalar};
