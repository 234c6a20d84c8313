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
//! Where things are (each public item has one path):
//!
//! | to ... | use |
//! | --- | --- |
//! | build, encode and decode a message | the types in [`messages`] (one module per spec), through [`Encode`] / [`Decode`] and the conveniences [`EncodeExt`] / [`DecodeExt`] |
//! | name an api, its versions and releases | [`ApiKey`], [`VersionRange`], [`KafkaRelease`], [`Listener`]; [`ErrorCode`] for error codes |
//! | any request or response by api key | [`Request`], [`Response`] |
//! | whole frames: size prefix, header, body | [`RequestFrame`], [`ResponseFrame`], [`RequestHead`] |
//! | talk to a broker or be one | [`connection`] (no I/O), [`tokio`](mod@crate::tokio) (feature `tokio`) |
//! | records fields: batches, legacy message sets, compression | [`records`] |
//! | what Kafka stores: log segments, snapshots, internal topics | [`log`], and `messages::stored` (feature `stored`) |
//! | errors | [`DecodeError`] / [`EncodeError`] (with the byte offset and field path), [`connection::ConnectionError`], the records' and log's own |
//!
//! The messages, frames and traits live in `kafka-wire-core` and are
//! re-exported here unchanged; this crate adds the connection layer,
//! [`records`], [`log`] and the compression codecs.

#![warn(missing_docs)]

pub use kafka_wire_core::*;

pub mod connection;
pub mod log;
pub mod records;
#[cfg(feature = "tokio")]
pub mod tokio;

/// The repository README's Rust snippets, compiled (and those that need no
/// broker run) as doc tests, so that they show the API as it is.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeSnippets;

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
