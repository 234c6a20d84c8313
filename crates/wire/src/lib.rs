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
//!
//! The messages, codec primitives and frames live in `kafka-wire-core` and
//! are re-exported here unchanged; this crate adds [`records`] and the
//! compression codecs.

#![warn(missing_docs)]

pub use kafka_wire_core::*;

pub mod connection;
pub mod log;
pub mod records;
#[cfg(feature = "tokio")]
pub mod tokio;

/// The traits that add methods to messages: `use kafka_wire::prelude::*;`.
pub mod prelude {
    pub use crate::records::{ReadBatches, WriteBatches};
    pub use crate::{Decode, DecodeExt, Encode, EncodeExt, Message};
}

/// Fills `buf` as far as the input goes: the count read, short only at its
/// end (`read_exact` would lose what a short read got). For the blocking
/// readers of frames and log files.
fn read_up_to(input: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
