//! Kafka connections without I/O: the protocol state of a connection, for
//! any transport (the model is quinn-proto's: the library keeps the state,
//! the caller owns the socket).
//!
//! | piece | what it does |
//! | --- | --- |
//! | [`FrameReader`] | splits a byte stream into frames: a whole frame, more bytes needed, a clean end, or a frame cut short; the size limit is checked as soon as a size prefix arrives |
//! | [`Correlator`] | remembers the api and version of each request in flight by correlation id, so its response can be decoded; knows that an `acks=0` Produce gets no response, and that Kafka answers in order |
//! | [`Handshake`] | the ApiVersions exchange that opens a client's connection: our newest version, the retry lower when the broker is older, then the [`Versions`] both sides speak |
//! | [`ClientConnection`] | a client's side: requests out, responses in, matched (features `encode-requests` and `decode-responses`, bundled as `client`) |
//! | [`ServerConnection`] | a broker's side: requests in, responses out at their request's version (features `decode-requests` and `encode-responses`, bundled as `broker`) |
//!
//! Every other user of a connection in this project is built from these:
//! the tokio codecs ([`crate::tokio`], feature `tokio`), the `kafka-wire`
//! command's capture decoder and proxy, and the fake broker.
//!
//! A blocking client, whole:
//!
//! ```no_run
//! use kafka_wire::connection::{ClientConnection, Handshake};
//! use kafka_wire::messages::MetadataRequest;
//! use kafka_wire::{ApiKey, Response};
//!
//! let mut socket = std::net::TcpStream::connect("127.0.0.1:9092")?;
//! let mut conn = ClientConnection::new().with_client_id("my-app");
//! let mut handshake = Handshake::new("my-app", "1.0");
//! let versions = loop {
//!     let (request, version) = handshake.request();
//!     let frame = conn.frame(request, version);
//!     conn.write_request(&frame, &mut socket)?;
//!     let response = conn.read_response(&mut socket)?;
//!     if let Some(versions) = handshake.receive(&response.body)? {
//!         break versions;
//!     }
//! };
//! let frame = conn.frame(MetadataRequest::default(), versions.version(ApiKey::Metadata)?);
//! conn.write_request(&frame, &mut socket)?;
//! let response = conn.read_response(&mut socket)?;
//! assert!(matches!(response.body, Response::Metadata(_)));
//! # Ok::<(), kafka_wire::connection::ConnectionError>(())
//! ```

// A client encodes requests and decodes responses, a broker the opposite:
// each side needs its two direction features (bundled as `client` and
// `broker`, both on by default).
#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
mod client;
mod correlator;
mod error;
mod frame_reader;
mod handshake;
#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
mod server;
mod versions;

#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
pub use client::ClientConnection;
pub use correlator::{Correlator, InFlight};
pub use error::ConnectionError;
pub use frame_reader::FrameReader;
pub use handshake::Handshake;
#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
pub use server::ServerConnection;
pub use versions::Versions;
