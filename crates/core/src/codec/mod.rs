//! The wire format. [`Reader`] decodes from a [`Bytes`](::bytes::Bytes) without
//! copying; [`VectoredBuf`] encodes without copying large payloads;
//! [`RawTaggedField`] is a tagged field kept as it came, and
//! [`UnknownTaggedFields`] a struct's list of them.
//!
//! The rest is what the generated code calls, one module per wire type,
//! each with the same verbs: `put`, `read` and `size`, and
//! `put_nullable`, `read_nullable` and `nullable_size` for values that can
//! be null. It is the generated code's, not a public promise: private to
//! this crate, except `varint`, which kafka-wire's record format shares.
//!
//! Conventions: `compact` selects the flexible-version encoding (unsigned
//! varint length + 1); otherwise strings have an int16 length and bytes,
//! arrays and records an int32 length. A negative (or zero, compact) length
//! marks null.

// Which helpers the generated code calls depends on the direction features
// (a build that only decodes never writes an array): with any of them off,
// some helpers are unused, and that is expected.
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod array;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod bytes;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod check;
mod length;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod nullable_struct;
mod reader;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod slot;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
#[cfg(feature = "stored")]
pub(crate) mod stored;
pub(crate) mod string;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod tagged;
#[doc(hidden)]
pub mod varint;
mod vectored;
#[cfg_attr(not(all(feature = "client", feature = "broker")), allow(dead_code))]
pub(crate) mod wire_array;

pub use reader::Reader;
pub use tagged::{RawTaggedField, UnknownTaggedFields};
pub(crate) use vectored::SharedSlice;
pub use vectored::{write_chunks, VectoredBuf};

/// The longest string Kafka reads or writes, in bytes.
pub const MAX_STRING_LEN: usize = string::MAX_LEN;
