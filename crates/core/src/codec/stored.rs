//! The framing of what Kafka stores (feature `stored`), around the
//! messages that `messages::stored` dispatches by type id.
//!
//! - A metadata log record's value, as Kafka's `AbstractApiMessageSerde`
//!   writes it: frame version 1, the type id and the version as unsigned
//!   varints (each at most 32767), then the message.
//! - A coordinator record's key is the int16 type id, then the key at
//!   version 0; its value is the int16 version, then the value; a null
//!   value is a tombstone.

use super::varint::{put_uvarint, uvarint_size};
use super::Reader;
use crate::error::{DecodeError, DecodeErrorKind};
use bytes::BufMut;

/// The only frame version Kafka writes (0 was KRaft's 2.8 preview).
const FRAME_VERSION: u32 = 1;

/// Reads the frame header of a metadata log record: its type id and version.
pub(crate) fn read_frame_header(r: &mut Reader<'_>) -> Result<(i16, i16), DecodeError> {
    let frame = r.read_uvarint()?;
    if frame != FRAME_VERSION {
        return Err(r.error(DecodeErrorKind::Invalid(if frame == 0 {
            "frame version 0 (KRaft's 2.8 preview), which Kafka no longer reads"
        } else {
            "an unknown frame version (Kafka writes 1)"
        })));
    }
    let short = |r: &mut Reader<'_>, what: &'static str| {
        let v = r.read_uvarint()?;
        i16::try_from(v).map_err(|_| r.error(DecodeErrorKind::Invalid(what)))
    };
    Ok((short(r, "a record type id above 32767")?, short(r, "a record version above 32767")?))
}

/// Writes the frame header of a metadata log record.
pub(crate) fn put_frame_header<B: BufMut>(buf: &mut B, record_type: i16, version: i16) {
    put_uvarint(buf, FRAME_VERSION);
    put_uvarint(buf, record_type as u16 as u32);
    put_uvarint(buf, version as u16 as u32);
}

/// The size of a metadata log record's frame header.
pub(crate) fn frame_header_size(record_type: i16, version: i16) -> usize {
    uvarint_size(FRAME_VERSION) + uvarint_size(record_type as u16 as u32) + uvarint_size(version as u16 as u32)
}
