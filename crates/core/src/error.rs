//! Typed encode and decode errors that say where things went wrong.
//!
//! Both error types are a single pointer wide (the details are boxed), so a
//! `Result<i32, DecodeError>` stays small on the hot path; the path to the
//! failing field is collected only while an error unwinds.

use std::fmt;

/// One step in the path from the top-level message to the failing field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A message or struct name, e.g. `MetadataResponse`.
    Struct(&'static str),
    /// A field name as written in the spec, e.g. `Topics`.
    Field(&'static str),
    /// An element index inside an array field.
    Index(usize),
    /// A tagged field, by tag, while its header or value was read.
    Tag(u32),
}

fn format_path(path: &[PathSegment]) -> String {
    // Segments are pushed innermost first while the error unwinds.
    let mut out = String::new();
    for seg in path.iter().rev() {
        match seg {
            PathSegment::Struct(name) => {
                if out.is_empty() {
                    out.push_str(name)
                }
            }
            PathSegment::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathSegment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            PathSegment::Tag(tag) => {
                out.push_str("<tag ");
                out.push_str(&tag.to_string());
                out.push('>');
            }
        }
    }
    out
}

/// What went wrong while decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended before the value did.
    UnexpectedEof {
        /// Bytes the value needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A varint ran past its maximum length.
    VarintTooLong,
    /// A null (negative length) in a version where the field is not nullable.
    NullNotAllowed {
        /// The version being decoded.
        version: i16,
    },
    /// A length prefix that is negative (other than the null marker).
    NegativeLength(i64),
    /// A string longer than Kafka allows (0x7fff bytes).
    StringTooLong(usize),
    /// A length prefix larger than the rest of the input: rejected before allocating.
    LengthExceedsInput {
        /// The length the prefix claimed.
        length: u64,
        /// Bytes that were left.
        remaining: usize,
    },
    /// String bytes that are not UTF-8.
    InvalidUtf8,
    /// A version outside the message's valid range.
    UnsupportedVersion {
        /// The version asked for.
        version: i16,
    },
    /// A known tag in a version where that tagged field does not exist.
    TagNotValidForVersion {
        /// The tag.
        tag: u32,
        /// The version being decoded.
        version: i16,
    },
    /// A tagged field whose declared size does not match its content.
    TaggedFieldSizeMismatch {
        /// The tag.
        tag: u32,
        /// The size the field's header declared.
        declared: usize,
        /// The bytes its value used.
        used: usize,
    },
    /// An api key this library does not know.
    UnknownApiKey(i16),
    /// A stored record's type id that this release does not define.
    UnknownRecordType(i16),
    /// Bytes left over after a complete message.
    TrailingBytes(usize),
    /// A frame size prefix that is negative or too large.
    InvalidFrameSize(i64),
    /// A value that the protocol forbids, with an explanation.
    Invalid(&'static str),
    /// JSON that does not describe the message (feature `json`).
    Json(String),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeErrorKind::*;
        match self {
            UnexpectedEof { needed, remaining } => {
                write!(f, "unexpected end of input: needed {needed} bytes, {remaining} remaining")
            }
            VarintTooLong => write!(f, "varint is too long"),
            NullNotAllowed { version } => {
                write!(f, "null value in a field that is not nullable at version {version}")
            }
            NegativeLength(n) => write!(f, "invalid negative length {n}"),
            StringTooLong(n) => write!(f, "string length {n} exceeds the maximum of 32767"),
            LengthExceedsInput { length, remaining } => {
                write!(f, "length {length} exceeds the {remaining} bytes remaining in the input")
            }
            InvalidUtf8 => write!(f, "string is not valid UTF-8"),
            UnsupportedVersion { version } => write!(f, "unsupported version {version}"),
            TagNotValidForVersion { tag, version } => {
                write!(f, "tag {tag} is not valid for version {version}")
            }
            TaggedFieldSizeMismatch { tag, declared, used } => {
                write!(f, "tagged field {tag} declared {declared} bytes but its value used {used}")
            }
            UnknownApiKey(k) => write!(f, "unknown api key {k}"),
            UnknownRecordType(t) => write!(f, "unknown record type {t}"),
            TrailingBytes(n) => write!(f, "{n} bytes left over after the message"),
            InvalidFrameSize(n) => write!(f, "invalid frame size {n}"),
            Invalid(why) => f.write_str(why),
            Json(why) => write!(f, "invalid JSON: {why}"),
        }
    }
}

impl std::error::Error for DecodeErrorKind {}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DecodeErrorInner<K> {
    kind: K,
    offset: usize,
    path: Vec<PathSegment>,
}

/// A decoding failure: what, at which byte offset, and in which field.
///
/// `K` is what went wrong: [`DecodeErrorKind`] for the wire format, or the
/// kind of a layer built on it that adds errors of its own (kafka-wire's
/// records use one with CRC and compression errors), which wraps
/// `DecodeErrorKind` (see [`WrapsDecodeErrorKind`]) so that `?` converts.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError<K = DecodeErrorKind>(Box<DecodeErrorInner<K>>);

impl<K> DecodeError<K> {
    /// A new error at `offset` (bytes from the start of the decoded buffer).
    #[cold]
    pub fn new(kind: K, offset: usize) -> Self {
        DecodeError(Box::new(DecodeErrorInner { kind, offset, path: Vec::new() }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &K {
        &self.0.kind
    }

    /// The byte offset of the failure from the start of the decoded buffer.
    pub fn offset(&self) -> usize {
        self.0.offset
    }

    /// The path of the failing field, e.g. `MetadataResponse.Topics[3].Name`.
    pub fn path(&self) -> String {
        format_path(&self.0.path)
    }

    /// Records that the error happened inside field `name`.
    #[cold]
    pub fn in_field(mut self, name: &'static str) -> Self {
        self.0.path.push(PathSegment::Field(name));
        self
    }

    /// Records that the error happened inside array element `index`.
    #[cold]
    pub fn in_index(mut self, index: usize) -> Self {
        self.0.path.push(PathSegment::Index(index));
        self
    }

    /// Records that the error happened in the tagged field `tag`.
    #[cold]
    pub fn in_tag(mut self, tag: u32) -> Self {
        self.0.path.push(PathSegment::Tag(tag));
        self
    }

    /// Records that the error happened inside struct or message `name`.
    #[cold]
    pub fn in_struct(mut self, name: &'static str) -> Self {
        self.0.path.push(PathSegment::Struct(name));
        self
    }

    /// The same error (offset and path kept) with its kind converted.
    #[cold]
    pub fn map_kind<L>(self, convert: impl FnOnce(K) -> L) -> DecodeError<L> {
        let DecodeErrorInner { kind, offset, path } = *self.0;
        DecodeError(Box::new(DecodeErrorInner { kind: convert(kind), offset, path }))
    }
}

/// An error kind that has [`DecodeErrorKind`] as one of its cases, so a
/// wire-format [`DecodeError`] converts into a `DecodeError` of it with `?`,
/// keeping its offset and path.
pub trait WrapsDecodeErrorKind: From<DecodeErrorKind> {}

impl<K: WrapsDecodeErrorKind> From<DecodeError> for DecodeError<K> {
    fn from(error: DecodeError) -> Self {
        error.map_kind(K::from)
    }
}

impl<K: fmt::Display> fmt::Display for DecodeError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path.is_empty() {
            write!(f, "decode error at byte {}: {}", self.0.offset, self.0.kind)
        } else {
            write!(f, "decode error in {} at byte {}: {}", path, self.0.offset, self.0.kind)
        }
    }
}

impl<K: fmt::Display> fmt::Debug for DecodeError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<K: fmt::Display> std::error::Error for DecodeError<K> {}

/// What went wrong while encoding; the same conditions Kafka's Java code rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// The version is outside the message's valid range.
    UnsupportedVersion {
        /// The version asked for.
        version: i16,
    },
    /// A field holds a non-default value in a version that cannot carry it
    /// (and the field is not ignorable).
    NonDefaultValue {
        /// The version being encoded.
        version: i16,
    },
    /// A null in a field that is not nullable at this version.
    NullNotAllowed {
        /// The version being encoded.
        version: i16,
    },
    /// A string, bytes or array longer than its length prefix allows.
    TooLong {
        /// The value's length.
        length: usize,
        /// The longest the prefix allows.
        max: usize,
    },
    /// Unknown tagged fields set on a version that has no tagged fields.
    TaggedFieldsNotSupported {
        /// The version being encoded.
        version: i16,
    },
    /// A value that cannot be written, with an explanation.
    Invalid(&'static str),
}

impl fmt::Display for EncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EncodeErrorKind::*;
        match self {
            UnsupportedVersion { version } => write!(f, "unsupported version {version}"),
            NonDefaultValue { version } => {
                write!(f, "attempted to write a non-default value at version {version}, which does not have this field")
            }
            NullNotAllowed { version } => write!(f, "null is not allowed at version {version}"),
            TooLong { length, max } => write!(f, "length {length} exceeds the maximum of {max}"),
            TaggedFieldsNotSupported { version } => {
                write!(f, "tagged fields were set, but version {version} does not support them")
            }
            Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for EncodeErrorKind {}

#[derive(Debug, Clone, PartialEq, Eq)]
struct EncodeErrorInner<K> {
    kind: K,
    path: Vec<PathSegment>,
}

/// An encoding failure: what, and in which field. `K` as for [`DecodeError`].
#[derive(Clone, PartialEq, Eq)]
pub struct EncodeError<K = EncodeErrorKind>(Box<EncodeErrorInner<K>>);

impl<K> EncodeError<K> {
    /// An error of `kind`, with an empty path.
    #[cold]
    pub fn new(kind: K) -> Self {
        EncodeError(Box::new(EncodeErrorInner { kind, path: Vec::new() }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &K {
        &self.0.kind
    }

    /// The path of the failing field, e.g. `ProduceRequest.TransactionalId`.
    pub fn path(&self) -> String {
        format_path(&self.0.path)
    }

    /// Records that the error happened inside field `name`.
    #[cold]
    pub fn in_field(mut self, name: &'static str) -> Self {
        self.0.path.push(PathSegment::Field(name));
        self
    }

    /// Records that the error happened inside array element `index`.
    #[cold]
    pub fn in_index(mut self, index: usize) -> Self {
        self.0.path.push(PathSegment::Index(index));
        self
    }

    /// Records that the error happened inside struct or message `name`.
    #[cold]
    pub fn in_struct(mut self, name: &'static str) -> Self {
        self.0.path.push(PathSegment::Struct(name));
        self
    }

    /// The same error (path kept) with its kind converted.
    #[cold]
    pub fn map_kind<L>(self, convert: impl FnOnce(K) -> L) -> EncodeError<L> {
        let EncodeErrorInner { kind, path } = *self.0;
        EncodeError(Box::new(EncodeErrorInner { kind: convert(kind), path }))
    }
}

/// An error kind that has [`EncodeErrorKind`] as one of its cases, so an
/// [`EncodeError`] converts into an `EncodeError` of it with `?`.
pub trait WrapsEncodeErrorKind: From<EncodeErrorKind> {}

impl<K: WrapsEncodeErrorKind> From<EncodeError> for EncodeError<K> {
    fn from(error: EncodeError) -> Self {
        error.map_kind(K::from)
    }
}

impl<K: fmt::Display> fmt::Display for EncodeError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path();
        if path.is_empty() {
            write!(f, "encode error: {}", self.0.kind)
        } else {
            write!(f, "encode error in {}: {}", path, self.0.kind)
        }
    }
}

impl<K: fmt::Display> fmt::Debug for EncodeError<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<K: fmt::Display> std::error::Error for EncodeError<K> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_reads_outermost_first() {
        let e = DecodeError::new(DecodeErrorKind::InvalidUtf8, 17)
            .in_field("Name")
            .in_struct("MetadataResponseTopic")
            .in_index(3)
            .in_field("Topics")
            .in_struct("MetadataResponse");
        assert_eq!(e.path(), "MetadataResponse.Topics[3].Name");
        assert_eq!(e.offset(), 17);
        assert_eq!(
            e.to_string(),
            "decode error in MetadataResponse.Topics[3].Name at byte 17: string is not valid UTF-8"
        );
    }

    #[test]
    fn errors_are_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<DecodeError>(), std::mem::size_of::<usize>());
        assert_eq!(std::mem::size_of::<EncodeError>(), std::mem::size_of::<usize>());
    }
}
