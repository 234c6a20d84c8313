//! The traits every generated message implements, version ranges, and the
//! convenience and `std::io` adapters built on them.

use crate::codec::Reader;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use bytes::{BufMut, Bytes, BytesMut};
use std::io;

/// An inclusive range of versions; `min > max` is the empty range ("none").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionRange {
    /// The lowest version.
    pub min: i16,
    /// The highest version.
    pub max: i16,
}

impl VersionRange {
    /// The empty range, written "none" in the specs.
    pub const NONE: VersionRange = VersionRange { min: 0, max: -1 };

    /// The versions `min` to `max`, both included.
    pub const fn new(min: i16, max: i16) -> Self {
        VersionRange { min, max }
    }

    /// Whether `version` is in the range.
    #[inline]
    pub const fn contains(&self, version: i16) -> bool {
        version >= self.min && version <= self.max
    }

    /// Whether the range has no version.
    pub const fn is_empty(&self) -> bool {
        self.min > self.max
    }

    /// Every version in the range, lowest first.
    pub fn iter(&self) -> impl Iterator<Item = i16> {
        self.min..=self.max
    }
}

impl std::fmt::Display for VersionRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            write!(f, "none")
        } else if self.max == i16::MAX {
            write!(f, "{}+", self.min)
        } else if self.min == self.max {
            write!(f, "{}", self.min)
        } else {
            write!(f, "{}-{}", self.min, self.max)
        }
    }
}

/// Static facts about a message type from its spec.
pub trait Message {
    /// The spec's name, e.g. `MetadataRequest`.
    const NAME: &'static str;
    /// The versions this message can be encoded and decoded at.
    const VALID_VERSIONS: VersionRange;
    /// The versions that use compact encodings and tagged fields.
    const FLEXIBLE_VERSIONS: VersionRange;
}

/// Encoding at a given version.
pub trait Encode {
    /// Writes the message at `version`. Fails, as Kafka's Java code does, on a
    /// version out of range, a non-default value in a field the version cannot
    /// carry, a null where the version forbids one, or an over-long value.
    fn encode<B: BufMut>(&self, buf: &mut B, version: i16) -> Result<(), EncodeError>;

    /// The exact number of bytes [`Encode::encode`] writes at `version`
    /// (meaningful when encoding succeeds).
    fn encoded_size(&self, version: i16) -> usize;
}

/// Decoding at a given version.
pub trait Decode: Sized {
    /// Reads one value at `version`, sharing string, bytes and records
    /// payloads with the reader's buffer.
    fn decode(reader: &mut Reader<'_>, version: i16) -> Result<Self, DecodeError>;
}

/// Whole-buffer encoding and a `std::io` writer for everything that is
/// [`Encode`].
///
/// ```
/// use kafka_wire_core::messages::FindCoordinatorRequest;
/// use kafka_wire_core::{DecodeExt, EncodeExt};
///
/// let request = FindCoordinatorRequest { key: "my-group".into(), ..Default::default() };
/// let bytes = request.to_bytes(3)?;
/// assert_eq!(FindCoordinatorRequest::from_bytes(&bytes, 3)?, request);
/// // A version the message does not have is an error, not a guess.
/// assert!(request.to_bytes(99).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait EncodeExt: Encode {
    /// Encodes into a new buffer of exactly the encoded size.
    fn to_bytes(&self, version: i16) -> Result<Bytes, EncodeError> {
        let mut buf = BytesMut::with_capacity(self.encoded_size(version));
        self.encode(&mut buf, version)?;
        Ok(buf.freeze())
    }

    /// Writes the encoded message to `out` (e.g. a `Cursor` or a socket).
    fn write_to<W: io::Write>(&self, out: &mut W, version: i16) -> io::Result<()> {
        let mut buf = Vec::with_capacity(self.encoded_size(version));
        self.encode(&mut buf, version).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        out.write_all(&buf)
    }
}

impl<T: Encode> EncodeExt for T {}

/// Whole-buffer decoding and `std::io` readers for everything that is
/// [`Decode`].
pub trait DecodeExt: Decode {
    /// Decodes a buffer that holds exactly one message; left-over bytes are
    /// an error ([`DecodeErrorKind::TrailingBytes`]).
    fn from_bytes(buf: &Bytes, version: i16) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(buf);
        let value = Self::decode(&mut reader, version)?;
        reader.expect_end()?;
        Ok(value)
    }

    /// Decodes one message from the start of `buf` and returns it with the
    /// number of bytes it used; what follows is left alone.
    fn decode_prefix(buf: &Bytes, version: i16) -> Result<(Self, usize), DecodeError> {
        let mut reader = Reader::new(buf);
        let value = Self::decode(&mut reader, version)?;
        Ok((value, reader.position()))
    }

    /// Reads `input` to its end and decodes exactly one message from it.
    fn read_from<R: io::Read>(input: &mut R, version: i16) -> io::Result<Self> {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        Self::from_bytes(&Bytes::from(data), version).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Decodes one message at the cursor's position and moves the cursor
    /// past it, leaving any following bytes for the next read. (The
    /// remaining input is copied into one `Bytes` first.)
    fn read_from_cursor<T: AsRef<[u8]>>(cursor: &mut io::Cursor<T>, version: i16) -> io::Result<Self> {
        let start = cursor.position() as usize;
        let data = cursor.get_ref().as_ref();
        let rest = Bytes::copy_from_slice(data.get(start..).unwrap_or_default());
        let (value, used) =
            Self::decode_prefix(&rest, version).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        cursor.set_position((start + used) as u64);
        Ok(value)
    }
}

impl<T: Decode> DecodeExt for T {}

/// Checks a top-level decode version against the valid range.
#[inline]
pub(crate) fn check_decode_version(range: VersionRange, reader: &Reader<'_>, version: i16) -> Result<(), DecodeError> {
    if range.contains(version) {
        Ok(())
    } else {
        Err(reader.error(DecodeErrorKind::UnsupportedVersion { version }))
    }
}

/// `Encode` for a generated struct, over its `encode_fields` and
/// `fields_size`. A `message` (a spec's top-level struct) first checks the
/// version and names itself in errors; a `nested` struct is only ever
/// encoded inside its message, which did both.
macro_rules! impl_encode {
    (message $name:ident) => {
        impl $crate::message::Encode for $name {
            fn encode<B: bytes::BufMut>(&self, buf: &mut B, version: i16) -> Result<(), $crate::EncodeError> {
                if !<Self as $crate::message::Message>::VALID_VERSIONS.contains(version) {
                    return Err($crate::codec::check::unsupported_version(version).in_struct(stringify!($name)));
                }
                self.encode_fields(buf, version).map_err(|e| e.in_struct(stringify!($name)))
            }

            #[inline]
            fn encoded_size(&self, version: i16) -> usize {
                self.fields_size(version)
            }
        }
    };
    (nested $name:ident) => {
        impl $crate::message::Encode for $name {
            fn encode<B: bytes::BufMut>(&self, buf: &mut B, version: i16) -> Result<(), $crate::EncodeError> {
                self.encode_fields(buf, version)
            }

            #[inline]
            fn encoded_size(&self, version: i16) -> usize {
                self.fields_size(version)
            }
        }
    };
}

/// `Decode` for a generated struct, over its `decode_fields`; `message`
/// and `nested` as for [`impl_encode`].
macro_rules! impl_decode {
    (message $name:ident) => {
        impl $crate::message::Decode for $name {
            #[inline]
            fn decode(r: &mut $crate::codec::Reader<'_>, version: i16) -> Result<Self, $crate::DecodeError> {
                let name = stringify!($name);
                $crate::message::check_decode_version(<Self as $crate::message::Message>::VALID_VERSIONS, r, version)
                    .map_err(|e| e.in_struct(name))?;
                Self::decode_fields(r, version).map_err(|e| e.in_struct(name))
            }
        }
    };
    (nested $name:ident) => {
        impl $crate::message::Decode for $name {
            #[inline]
            fn decode(r: &mut $crate::codec::Reader<'_>, version: i16) -> Result<Self, $crate::DecodeError> {
                Self::decode_fields(r, version)
            }
        }
    };
}

#[allow(unused_imports)] // unused when no direction feature is on
pub(crate) use {impl_decode, impl_encode};
