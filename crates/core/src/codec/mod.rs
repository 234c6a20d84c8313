//! Wire primitives shared by every generated message: the [`Reader`] that
//! decodes from a [`bytes::Bytes`] without copying, the writers and size
//! functions for ints, varints, strings, bytes, arrays and uuids, and the
//! tagged-field section of flexible versions.
//!
//! Conventions: `compact` selects the flexible-version encoding (unsigned
//! varint length + 1); otherwise strings have an int16 length and bytes,
//! arrays and records an int32 length. A negative (or zero, compact) length
//! marks null.

mod compound;
mod reader;
mod tagged;
mod vectored;
mod writer;

pub use compound::*;
pub use reader::Reader;
pub use tagged::{raw_tagged_fields_size, RawTaggedField, TaggedFieldWriter};
pub(crate) use vectored::SharedSlice;
pub use vectored::{write_chunks, VectoredBuf};
pub use writer::*;

/// The longest string Kafka reads or writes, in bytes.
pub const MAX_STRING_LEN: usize = 0x7fff;
