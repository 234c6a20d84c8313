//! Request and response frames: a big-endian int32 size, the header, then
//! the body. Requests carry their api key and version in the header, so a
//! request frame decodes on its own; a response frame needs the api key and
//! version of the request it answers (match them by correlation id:
//! [`RequestHead`] reads what a request frame says without decoding its
//! body, and `kafka_wire::connection` keeps them for the responses).
//!
//! Encoding and decoding each kind of frame needs the cargo feature of that
//! direction (`encode-requests`, `decode-responses`, ...; all are on by
//! default).

use crate::codec::Reader;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::messages::{ApiKey, Request, RequestHeader, Response, ResponseHeader};
use crate::StrBytes;
use bytes::Bytes;
// Which of these are used depends on the direction features.
#[allow(unused_imports)]
use {
    crate::codec::{write_chunks, VectoredBuf},
    crate::error::{EncodeError, EncodeErrorKind},
    crate::message::{Decode, Encode},
    bytes::BufMut,
    std::io,
};

/// The first allocation for the copied part of a vectored encoding (it
/// grows as needed): headers and field values, not the shared payloads.
#[cfg(any(feature = "encode-requests", feature = "encode-responses"))]
const COPIED_CAPACITY: usize = 8 * 1024;

/// A request: header and body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestFrame {
    /// The request header; its api key and version say how to read the body.
    pub header: RequestHeader,
    /// The request body.
    pub body: Request,
    /// Bytes the frame carried after the body. Kafka's broker reads a
    /// request body from the front of its frame and ignores what follows,
    /// and some clients rely on it (librdkafka pads an "all topics"
    /// Metadata request); [`RequestFrame::decode`] keeps them here, and
    /// encoding writes them back after the body, so a proxy forwards the
    /// frame exactly. Empty for a well-formed frame.
    pub trailing: Bytes,
}

impl RequestFrame {
    /// A frame for `body` at `version`, with the header's api key and version
    /// filled in. Request header v0 (ControlledShutdown v0) has no client id:
    /// give `None` there; a client id would fail to encode.
    pub fn new(body: impl Into<Request>, version: i16, correlation_id: i32, client_id: Option<&str>) -> Self {
        let body = body.into();
        let header_v0 = body.api_key().request_header_version(version) == 0;
        let mut header = RequestHeader {
            request_api_key: body.api_key().key(),
            request_api_version: version,
            correlation_id,
            ..Default::default()
        };
        if client_id.is_some() || !header_v0 {
            header.client_id = client_id.map(StrBytes::from);
        }
        RequestFrame { header, body, trailing: Bytes::new() }
    }

    /// The body's api key.
    pub fn api_key(&self) -> ApiKey {
        self.body.api_key()
    }

    /// The body's version, as the header gives it.
    pub fn version(&self) -> i16 {
        self.header.request_api_version
    }

    /// The correlation id the response will carry.
    pub fn correlation_id(&self) -> i32 {
        self.header.correlation_id
    }

    /// Whether the broker answers this request: all but a Produce with
    /// `acks=0` get a response.
    pub fn expects_response(&self) -> bool {
        !matches!(&self.body, Request::Produce(produce) if produce.acks == 0)
    }

    /// What [`RequestHead::peek`] reads from this frame's bytes.
    pub fn head(&self) -> RequestHead {
        RequestHead {
            api_key: self.api_key(),
            version: self.version(),
            correlation_id: self.correlation_id(),
            expects_response: self.expects_response(),
        }
    }

    /// The response frame answering this request with `body`: its
    /// correlation id, at its version.
    ///
    /// ```
    /// use kafka_wire_core::messages::{MetadataRequest, MetadataResponse};
    /// use kafka_wire_core::RequestFrame;
    ///
    /// let request = RequestFrame::new(MetadataRequest::default(), 12, 7, Some("app"));
    /// let response = request.reply(MetadataResponse::default());
    /// assert_eq!((response.correlation_id(), response.version), (7, 12));
    /// ```
    pub fn reply(&self, body: impl Into<Response>) -> ResponseFrame {
        ResponseFrame::new(body, self.version(), self.correlation_id())
    }

    #[cfg(feature = "encode-requests")]
    fn header_version(&self) -> i16 {
        self.api_key().request_header_version(self.version())
    }

    /// The size of the frame, including its 4-byte size prefix.
    #[cfg(feature = "encode-requests")]
    #[inline]
    pub fn encoded_size(&self) -> usize {
        4 + self.header.encoded_size(self.header_version())
            + self.body.encoded_size(self.version())
            + self.trailing.len()
    }

    /// Writes size prefix, header and body.
    #[cfg(feature = "encode-requests")]
    pub fn encode<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        self.encode_sized(buf, self.encoded_size())
    }

    /// `encode`, given the frame's `encoded_size` (computed once by `to_bytes`).
    #[cfg(feature = "encode-requests")]
    fn encode_sized<B: BufMut>(&self, buf: &mut B, frame_size: usize) -> Result<(), EncodeError> {
        if self.header.request_api_key != self.api_key().key() {
            return Err(EncodeError::new(EncodeErrorKind::Invalid("the header's api key does not match the body")));
        }
        put_size_prefix(buf, frame_size)?;
        self.header.encode(buf, self.header_version())?;
        self.body.encode(buf, self.version())?;
        buf.put_slice(&self.trailing);
        Ok(())
    }

    /// The encoded frame in a new buffer.
    #[cfg(feature = "encode-requests")]
    #[inline]
    pub fn to_bytes(&self) -> Result<Bytes, EncodeError> {
        let size = self.encoded_size();
        let mut buf = VectoredBuf::contiguous(size);
        self.encode_sized(&mut buf, size)?;
        Ok(buf.into_contiguous())
    }

    /// Decodes a frame (without its size prefix, as
    /// `kafka_wire::connection::FrameReader` returns it) as a Kafka broker does: bytes after the
    /// body are accepted and kept in [`RequestFrame::trailing`].
    ///
    /// ```
    /// use bytes::{BufMut, BytesMut};
    /// use kafka_wire_core::messages::MetadataRequest;
    /// use kafka_wire_core::RequestFrame;
    ///
    /// let sent = RequestFrame::new(MetadataRequest::default(), 12, 4, Some("app")).to_bytes()?;
    /// let mut padded = BytesMut::from(&sent[4..]);
    /// padded.put_slice(&[0, 0, 0]); // what some clients send after the body
    /// let padded = padded.freeze();
    ///
    /// let frame = RequestFrame::decode(&padded)?;
    /// assert_eq!(&frame.trailing[..], &[0, 0, 0]);
    /// assert_eq!(frame.to_bytes()?.slice(4..), padded); // forwarded exactly
    /// assert!(RequestFrame::decode_strict(&padded).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "decode-requests")]
    #[inline]
    pub fn decode(frame: &Bytes) -> Result<Self, DecodeError> {
        let mut r = Reader::new(frame);
        let (key, version) = (r.read_i16()?, r.read_i16()?);
        let api = ApiKey::from_key(key).ok_or_else(|| DecodeError::new(DecodeErrorKind::UnknownApiKey(key), 0))?;
        let mut r = Reader::new(frame);
        let header = RequestHeader::decode(&mut r, api.request_header_version(version))?;
        let body = Request::decode(api, &mut r, version)?;
        let trailing = frame.slice(r.position()..);
        Ok(RequestFrame { header, body, trailing })
    }

    /// Like [`RequestFrame::decode`], but bytes after the body are an error
    /// ([`DecodeErrorKind::TrailingBytes`]): for tests and tools that want
    /// to know a frame is exactly what this library would write.
    #[cfg(feature = "decode-requests")]
    #[inline]
    pub fn decode_strict(frame: &Bytes) -> Result<Self, DecodeError> {
        let decoded = Self::decode(frame)?;
        no_trailing(frame, &decoded.trailing)?;
        Ok(decoded)
    }

    /// The encoded frame as chunks for a vectored write: `records` and
    /// `bytes` fields of [`VectoredBuf::MIN_SHARED_LEN`] bytes or more are
    /// shared with the message instead of copied (see [`VectoredBuf`]).
    #[cfg(feature = "encode-requests")]
    #[inline]
    pub fn to_chunks(&self) -> Result<Vec<Bytes>, EncodeError> {
        let size = self.encoded_size();
        let mut buf = VectoredBuf::with_capacity(size.min(COPIED_CAPACITY));
        self.encode_sized(&mut buf, size)?;
        Ok(buf.into_chunks())
    }

    /// Writes the frame to `out` with vectored writes, large payloads
    /// uncopied (as [`RequestFrame::to_chunks`]).
    #[cfg(feature = "encode-requests")]
    #[inline]
    pub fn write_to<W: io::Write>(&self, out: &mut W) -> io::Result<()> {
        let chunks = self.to_chunks().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        write_chunks(out, &chunks)
    }
}

/// A response: header, body, and the version the body is written at (its
/// request's, or the one it was read at).
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseFrame {
    /// The response header: the correlation id of the request it answers.
    pub header: ResponseHeader,
    /// The response body.
    pub body: Response,
    /// The version of the body: the request's when the frame is built to
    /// answer it ([`RequestFrame::reply`]), the one it was read at when
    /// decoded. They differ for one answer only: a broker that does not
    /// know the ApiVersions version asked for answers with a v0 body, and
    /// [`ResponseFrame::decode`] then reads it at v0 and says so here.
    pub version: i16,
    /// Bytes the frame carried after the body, which Kafka's client ignores
    /// as its broker does for requests (see [`RequestFrame::trailing`]);
    /// written back after the body. Empty for a well-formed frame.
    pub trailing: Bytes,
}

impl ResponseFrame {
    /// A frame for `body` at `version`, answering the request with
    /// `correlation_id` ([`RequestFrame::reply`] takes both from the
    /// request).
    pub fn new(body: impl Into<Response>, version: i16, correlation_id: i32) -> Self {
        ResponseFrame {
            header: ResponseHeader { correlation_id, ..Default::default() },
            body: body.into(),
            version,
            trailing: Bytes::new(),
        }
    }

    /// The body's api key.
    pub fn api_key(&self) -> ApiKey {
        self.body.api_key()
    }

    /// The correlation id of the request this frame answers.
    pub fn correlation_id(&self) -> i32 {
        self.header.correlation_id
    }

    #[cfg(feature = "encode-responses")]
    fn header_version(&self) -> i16 {
        self.api_key().response_header_version(self.version)
    }

    /// The size of the frame, including its 4-byte size prefix.
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn encoded_size(&self) -> usize {
        4 + self.header.encoded_size(self.header_version()) + self.body.encoded_size(self.version) + self.trailing.len()
    }

    /// Writes size prefix, header and body.
    #[cfg(feature = "encode-responses")]
    pub fn encode<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        self.encode_sized(buf, self.encoded_size())
    }

    /// `encode`, given the frame's `encoded_size` (computed once by `to_bytes`).
    #[cfg(feature = "encode-responses")]
    fn encode_sized<B: BufMut>(&self, buf: &mut B, frame_size: usize) -> Result<(), EncodeError> {
        put_size_prefix(buf, frame_size)?;
        self.header.encode(buf, self.header_version())?;
        self.body.encode(buf, self.version)?;
        buf.put_slice(&self.trailing);
        Ok(())
    }

    /// The encoded frame in a new buffer.
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn to_bytes(&self) -> Result<Bytes, EncodeError> {
        let size = self.encoded_size();
        let mut buf = VectoredBuf::contiguous(size);
        self.encode_sized(&mut buf, size)?;
        Ok(buf.into_contiguous())
    }

    /// Decodes a response frame (without its size prefix) to a request of
    /// `api_key` at `version`, as Kafka's client does: bytes after the body
    /// are accepted and kept in [`ResponseFrame::trailing`].
    ///
    /// A broker that does not support the requested ApiVersions version
    /// answers UNSUPPORTED_VERSION with a v0 body; as Kafka's client does, a
    /// body that fails to decode at `version` is decoded again at v0, and
    /// the frame's [`version`](ResponseFrame::version) says 0.
    ///
    /// ```
    /// use kafka_wire_core::messages::MetadataResponse;
    /// use kafka_wire_core::{ApiKey, Response, ResponseFrame};
    ///
    /// // What a broker sends for correlation id 7 (size prefix included).
    /// let sent = ResponseFrame::new(MetadataResponse::default(), 12, 7).to_bytes()?;
    /// // Responses do not say what they answer: pass the request's api key and version.
    /// let frame = ResponseFrame::decode(&sent.slice(4..), ApiKey::Metadata, 12)?;
    /// assert_eq!((frame.header.correlation_id, frame.version), (7, 12));
    /// assert!(matches!(frame.body, Response::Metadata(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "decode-responses")]
    #[inline]
    pub fn decode(frame: &Bytes, api_key: ApiKey, version: i16) -> Result<Self, DecodeError> {
        let mut r = Reader::new(frame);
        let header = ResponseHeader::decode(&mut r, api_key.response_header_version(version))?;
        let body_start = r.position();
        let (body, version, end) = match Response::decode(api_key, &mut r, version) {
            Ok(body) => (body, version, r.position()),
            Err(e) if api_key == ApiKey::ApiVersions && version != 0 => {
                // If the v0 reading fails too, the error at the version asked
                // for is the one that explains the frame.
                let mut r = Reader::new(frame);
                r.skip(body_start)?;
                (Response::decode(api_key, &mut r, 0).map_err(|_| e)?, 0, r.position())
            }
            Err(e) => return Err(e),
        };
        Ok(ResponseFrame { header, body, version, trailing: frame.slice(end..) })
    }

    /// Like [`ResponseFrame::decode`], but bytes after the body are an
    /// error ([`DecodeErrorKind::TrailingBytes`]).
    #[cfg(feature = "decode-responses")]
    #[inline]
    pub fn decode_strict(frame: &Bytes, api_key: ApiKey, version: i16) -> Result<Self, DecodeError> {
        let decoded = Self::decode(frame, api_key, version)?;
        no_trailing(frame, &decoded.trailing)?;
        Ok(decoded)
    }

    /// The encoded frame as chunks for a vectored write (a Fetch
    /// response's record batches are shared, not copied; see
    /// [`VectoredBuf`]).
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn to_chunks(&self) -> Result<Vec<Bytes>, EncodeError> {
        let size = self.encoded_size();
        let mut buf = VectoredBuf::with_capacity(size.min(COPIED_CAPACITY));
        self.encode_sized(&mut buf, size)?;
        Ok(buf.into_chunks())
    }

    /// Writes the frame to `out` with vectored writes, large payloads
    /// uncopied (as [`ResponseFrame::to_chunks`]).
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn write_to<W: io::Write>(&self, out: &mut W) -> io::Result<()> {
        let chunks = self.to_chunks().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        write_chunks(out, &chunks)
    }

    /// The correlation id of a response frame (its first field), read
    /// without decoding the rest: what matches it to its request.
    pub fn peek_correlation_id(frame: &Bytes) -> Result<i32, DecodeError> {
        Reader::new(frame).read_i32()
    }
}

/// What the front of a request frame says, read without decoding its
/// body: the api, version and correlation id, and whether the broker
/// answers it. Enough to match the response to it.
///
/// ```
/// use kafka_wire_core::RequestHead;
/// use kafka_wire_core::messages::ProduceRequest;
/// use kafka_wire_core::{ApiKey, RequestFrame};
///
/// let fire_and_forget = RequestFrame::new(ProduceRequest { acks: 0, ..Default::default() }, 9, 42, None);
/// let bytes = fire_and_forget.to_bytes()?;
/// let head = RequestHead::peek(&bytes.slice(4..))?;
/// assert_eq!((head.api_key, head.version, head.correlation_id), (ApiKey::Produce, 9, 42));
/// assert!(!head.expects_response); // acks=0: the broker sends nothing back
/// assert_eq!(head, fire_and_forget.head());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestHead {
    /// The api, from the header's api key.
    pub api_key: ApiKey,
    /// The version of the body.
    pub version: i16,
    /// The correlation id the response will carry.
    pub correlation_id: i32,
    /// Whether the broker sends a response: every request but a Produce
    /// with `acks=0` gets one.
    pub expects_response: bool,
}

impl RequestHead {
    /// Reads the head of a request frame (without its size prefix). An api
    /// key this library does not know is an error
    /// ([`DecodeErrorKind::UnknownApiKey`]). A Produce whose body is too
    /// short to hold its `acks` counts as expecting a response: a broker
    /// does not answer it either, but closes the connection.
    pub fn peek(frame: &Bytes) -> Result<RequestHead, DecodeError> {
        let mut r = Reader::new(frame);
        let key = r.read_i16()?;
        let version = r.read_i16()?;
        let api_key = ApiKey::from_key(key).ok_or_else(|| DecodeError::new(DecodeErrorKind::UnknownApiKey(key), 0))?;
        let mut r = Reader::new(frame);
        let header = RequestHeader::decode(&mut r, api_key.request_header_version(version))?;
        let expects_response =
            api_key != ApiKey::Produce || peek_produce_acks(&mut r, version).is_none_or(|acks| acks != 0);
        Ok(RequestHead { api_key, version, correlation_id: header.correlation_id, expects_response })
    }
}

/// The `acks` of a Produce body at `version`: behind the transactional id
/// from v3 on (a compact string in the flexible versions, v9 and later).
fn peek_produce_acks(r: &mut Reader<'_>, version: i16) -> Option<i16> {
    if version >= 3 {
        let len = if ApiKey::Produce.request_flexible_versions().contains(version) {
            r.read_uvarint().ok()? as i64 - 1
        } else {
            r.read_i16().ok()? as i64
        };
        r.skip(usize::try_from(len).unwrap_or(0)).ok()?;
    }
    r.read_i16().ok()
}

/// The strict decoders' check: a frame whose body did not reach its end is
/// a `TrailingBytes` error at the first byte after the body.
#[cfg(any(feature = "decode-requests", feature = "decode-responses"))]
fn no_trailing(frame: &Bytes, trailing: &Bytes) -> Result<(), DecodeError> {
    if trailing.is_empty() {
        return Ok(());
    }
    Err(DecodeError::new(DecodeErrorKind::TrailingBytes(trailing.len()), frame.len() - trailing.len()))
}

/// Writes a frame's size prefix: the size of what follows it.
#[cfg(any(feature = "encode-requests", feature = "encode-responses"))]
fn put_size_prefix<B: BufMut>(buf: &mut B, frame_size: usize) -> Result<(), EncodeError> {
    let size = frame_size - 4;
    let size = i32::try_from(size)
        .map_err(|_| EncodeError::new(EncodeErrorKind::TooLong { length: size, max: i32::MAX as usize }))?;
    buf.put_i32(size);
    Ok(())
}
