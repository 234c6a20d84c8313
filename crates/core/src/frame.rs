//! Request and response frames: a big-endian int32 size, the header, then
//! the body. Requests carry their api key and version in the header, so a
//! request frame decodes on its own; a response frame needs the api key and
//! version of the request it answers (match them by correlation id).
//!
//! Encoding and decoding each kind of frame needs the cargo feature of that
//! direction (`encode-requests`, `decode-responses`, ...; all are on by
//! default).

use crate::codec::Reader;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::messages::{ApiKey, Request, RequestHeader, Response, ResponseHeader};
use crate::StrBytes;
use bytes::{Buf, Bytes, BytesMut};
use std::io;
// Which of these are used depends on the direction features.
#[allow(unused_imports)]
use {
    crate::codec::{write_chunks, VectoredBuf},
    crate::error::{EncodeError, EncodeErrorKind},
    crate::message::{Decode, Encode},
    bytes::BufMut,
};

/// The default largest frame [`read_frame`] and [`split_frame`] accept:
/// Kafka's default `socket.request.max.bytes` (100 MiB).
pub const DEFAULT_MAX_FRAME_SIZE: usize = 100 * 1024 * 1024;

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

    /// Decodes a frame (without its size prefix, as [`read_frame`] and
    /// [`split_frame`] return it) as a Kafka broker does: bytes after the
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
        let (api_key, version) = peek_api_key_and_version(frame)?;
        let api = ApiKey::from_key(api_key).ok_or_else(|| r.error(DecodeErrorKind::UnknownApiKey(api_key)))?;
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
        write_chunks(&chunks, out)
    }
}

/// A response: header and body. Its api key and version are those of the request.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseFrame {
    /// The response header: the correlation id of the request it answers.
    pub header: ResponseHeader,
    /// The response body.
    pub body: Response,
    /// Bytes the frame carried after the body, which Kafka's client ignores
    /// as its broker does for requests (see [`RequestFrame::trailing`]);
    /// written back after the body. Empty for a well-formed frame.
    pub trailing: Bytes,
}

impl ResponseFrame {
    /// A frame for `body` answering the request with `correlation_id`.
    pub fn new(body: impl Into<Response>, correlation_id: i32) -> Self {
        ResponseFrame {
            header: ResponseHeader { correlation_id, ..Default::default() },
            body: body.into(),
            trailing: Bytes::new(),
        }
    }

    /// The body's api key.
    pub fn api_key(&self) -> ApiKey {
        self.body.api_key()
    }

    #[cfg(feature = "encode-responses")]
    fn header_version(&self, version: i16) -> i16 {
        self.api_key().response_header_version(version)
    }

    /// The size of the frame at `version`, including its 4-byte size prefix.
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn encoded_size(&self, version: i16) -> usize {
        4 + self.header.encoded_size(self.header_version(version))
            + self.body.encoded_size(version)
            + self.trailing.len()
    }

    /// Writes size prefix, header and body at `version`.
    #[cfg(feature = "encode-responses")]
    pub fn encode<B: BufMut>(&self, buf: &mut B, version: i16) -> Result<(), EncodeError> {
        self.encode_sized(buf, version, self.encoded_size(version))
    }

    /// `encode`, given the frame's `encoded_size` (computed once by `to_bytes`).
    #[cfg(feature = "encode-responses")]
    fn encode_sized<B: BufMut>(&self, buf: &mut B, version: i16, frame_size: usize) -> Result<(), EncodeError> {
        put_size_prefix(buf, frame_size)?;
        self.header.encode(buf, self.header_version(version))?;
        self.body.encode(buf, version)?;
        buf.put_slice(&self.trailing);
        Ok(())
    }

    /// The encoded frame at `version` in a new buffer.
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn to_bytes(&self, version: i16) -> Result<Bytes, EncodeError> {
        let size = self.encoded_size(version);
        let mut buf = VectoredBuf::contiguous(size);
        self.encode_sized(&mut buf, version, size)?;
        Ok(buf.into_contiguous())
    }

    /// Decodes a response frame (without its size prefix) to a request of
    /// `api_key` at `version`, as Kafka's client does: bytes after the body
    /// are accepted and kept in [`ResponseFrame::trailing`].
    ///
    /// A broker that does not support the requested ApiVersions version
    /// answers UNSUPPORTED_VERSION with a v0 body; as Kafka's client does, a
    /// body that fails to decode at `version` is decoded again as v0.
    ///
    /// ```
    /// use kafka_wire_core::messages::MetadataResponse;
    /// use kafka_wire_core::{ApiKey, Response, ResponseFrame};
    ///
    /// // What a broker sends for correlation id 7 (size prefix included).
    /// let sent = ResponseFrame::new(MetadataResponse::default(), 7).to_bytes(12)?;
    /// // Responses do not say what they answer: pass the request's api key and version.
    /// let frame = ResponseFrame::decode(&sent.slice(4..), ApiKey::Metadata, 12)?;
    /// assert_eq!(frame.header.correlation_id, 7);
    /// assert!(matches!(frame.body, Response::Metadata(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "decode-responses")]
    #[inline]
    pub fn decode(frame: &Bytes, api_key: ApiKey, version: i16) -> Result<Self, DecodeError> {
        let mut r = Reader::new(frame);
        let header = ResponseHeader::decode(&mut r, api_key.response_header_version(version))?;
        let body_start = r.position();
        let (body, end) = match Response::decode(api_key, &mut r, version) {
            Ok(body) => (body, r.position()),
            Err(e) if api_key == ApiKey::ApiVersions && version != 0 => {
                // If the v0 reading fails too, the error at the version asked
                // for is the one that explains the frame.
                let mut r = Reader::new(frame);
                r.skip(body_start)?;
                (Response::decode(api_key, &mut r, 0).map_err(|_| e)?, r.position())
            }
            Err(e) => return Err(e),
        };
        Ok(ResponseFrame { header, body, trailing: frame.slice(end..) })
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

    /// The encoded frame at `version` as chunks for a vectored write (a
    /// Fetch response's record batches are shared, not copied; see
    /// [`VectoredBuf`]).
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn to_chunks(&self, version: i16) -> Result<Vec<Bytes>, EncodeError> {
        let size = self.encoded_size(version);
        let mut buf = VectoredBuf::with_capacity(size.min(COPIED_CAPACITY));
        self.encode_sized(&mut buf, version, size)?;
        Ok(buf.into_chunks())
    }

    /// Writes the frame at `version` to `out` with vectored writes, large
    /// payloads uncopied (as [`ResponseFrame::to_chunks`]).
    #[cfg(feature = "encode-responses")]
    #[inline]
    pub fn write_to<W: io::Write>(&self, out: &mut W, version: i16) -> io::Result<()> {
        let chunks = self.to_chunks(version).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        write_chunks(&chunks, out)
    }
}

/// The api key and version at the start of a request frame, without decoding it.
pub fn peek_api_key_and_version(frame: &Bytes) -> Result<(i16, i16), DecodeError> {
    let mut r = Reader::new(frame);
    Ok((r.read_i16()?, r.read_i16()?))
}

/// The correlation id of a request frame (after api key and version) or of
/// a response frame (its first field), without decoding the rest.
pub fn peek_correlation_id(frame: &Bytes, is_request: bool) -> Result<i32, DecodeError> {
    let mut r = Reader::new(frame);
    if is_request {
        r.skip(4)?;
    }
    r.read_i32()
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

fn check_frame_size(size: i32, max: usize) -> Result<usize, DecodeError> {
    if size < 0 || size as usize > max {
        return Err(DecodeError::new(DecodeErrorKind::InvalidFrameSize(size as i64), 0));
    }
    Ok(size as usize)
}

/// Reads one size-prefixed frame from a stream and returns it without the
/// prefix. A size above `max_size` is an error before anything is allocated.
///
/// ```
/// use kafka_wire_core::frame::{read_frame, DEFAULT_MAX_FRAME_SIZE};
/// use kafka_wire_core::messages::ApiVersionsRequest;
/// use kafka_wire_core::RequestFrame;
///
/// let bytes = RequestFrame::new(ApiVersionsRequest::default(), 3, 1, Some("me")).to_bytes()?;
/// let mut stream = std::io::Cursor::new(bytes.to_vec()); // a TcpStream in real use
/// let frame = read_frame(&mut stream, DEFAULT_MAX_FRAME_SIZE)?;
/// assert_eq!(RequestFrame::decode(&frame)?.header.correlation_id, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_frame<R: io::Read>(input: &mut R, max_size: usize) -> io::Result<Bytes> {
    let mut prefix = [0u8; 4];
    input.read_exact(&mut prefix)?;
    let size = check_frame_size(i32::from_be_bytes(prefix), max_size)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut frame = vec![0u8; size];
    input.read_exact(&mut frame)?;
    Ok(Bytes::from(frame))
}

/// Takes one complete frame off the front of `buf` (for async codecs):
/// `Ok(None)` until the whole frame has arrived.
///
/// ```
/// use bytes::BytesMut;
/// use kafka_wire_core::frame::{split_frame, DEFAULT_MAX_FRAME_SIZE};
/// use kafka_wire_core::messages::ApiVersionsRequest;
/// use kafka_wire_core::RequestFrame;
///
/// let bytes = RequestFrame::new(ApiVersionsRequest::default(), 3, 1, None).to_bytes()?;
/// let mut buf = BytesMut::from(&bytes[..5]); // a partial read
/// assert!(split_frame(&mut buf, DEFAULT_MAX_FRAME_SIZE)?.is_none());
/// buf.extend_from_slice(&bytes[5..]);
/// let frame = split_frame(&mut buf, DEFAULT_MAX_FRAME_SIZE)?.expect("a whole frame");
/// assert_eq!(frame.len(), bytes.len() - 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn split_frame(buf: &mut BytesMut, max_size: usize) -> Result<Option<Bytes>, DecodeError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let size = check_frame_size(i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]), max_size)?;
    if buf.len() < 4 + size {
        buf.reserve(4 + size - buf.len());
        return Ok(None);
    }
    buf.advance(4);
    Ok(Some(buf.split_to(size).freeze()))
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
