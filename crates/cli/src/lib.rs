//! The `kafka-wire` command, as a library: each subcommand's work, apart
//! from parsing its arguments (`main.rs`).
//!
//! - [`decode`]: Kafka frames from a capture ([`capture`] reads pcap and
//!   pcapng down to TCP segments, [`reassembly`] puts each direction back in
//!   order, [`traffic`] splits frames and matches responses to requests),
//!   from a file of size-prefixed frames, or from hex; [`frames`] decodes one
//!   frame into a report, [`output`] prints it.
//! - [`dump_log`]: log segments and snapshots, internal topics decoded.
//! - [`encode`]: Kafka JSON to bytes.
//! - [`kit`]: the conformance kit's vectors: `gen` writes them, `check` reads them.
//! - [`apis`]: every api, its versions and releases.
//! - [`proxy`]: a recording proxy between clients and a broker, every frame
//!   decoded and re-encoded on the side.
//! - [`broker`]: a fake Kafka cluster for tests, served until stopped.

pub mod apis;
pub mod broker;
pub mod capture;
pub mod decode;
pub mod dump_log;
pub mod encode;
pub mod frames;
pub mod kit;
pub mod output;
pub mod proxy;
pub mod reassembly;
pub mod records;
pub mod traffic;
