//! Kafka connections as `tokio_util::codec` codecs (feature `tokio`): wrap
//! a socket in `Framed::new(stream, ClientCodec::new())` to send
//! [`RequestFrame`]s and receive [`ResponseFrame`]s, or in
//! [`ServerCodec`] for the broker's side.
//!
//! A response does not say what it answers, so the client codec remembers
//! the api key and version of every request it sends by correlation id and
//! decodes each response with them (an ApiVersions answered with a v0 body
//! included, as [`ResponseFrame::decode`] does). A Produce with `acks=0`
//! gets no response, so it is not remembered. The server codec remembers
//! the version of every request it decodes, and encodes each response with
//! the header version and body version of its request.
//!
//! Both check a frame's size against a maximum (by default the broker's
//! `socket.request.max.bytes`, 100 MiB) as soon as its size prefix has
//! arrived, before buffering it, and read frames split across reads or
//! several in one read.
//!
//! A codec's encoder copies the frame into the connection's write buffer.
//! To send large record batches without that copy, write the frame's
//! chunks ([`RequestFrame::to_chunks`]) with [`write_chunks`] and tell the
//! codec with [`ClientCodec::track`] (or [`ServerCodec::untrack`] for a
//! response), after flushing what the codec had buffered.
//!
//! ```
//! use bytes::BytesMut;
//! use kafka_wire::framed::{ClientCodec, ServerCodec};
//! use kafka_wire::messages::{MetadataRequest, MetadataResponse};
//! use kafka_wire::{RequestFrame, Response, ResponseFrame};
//! use tokio_util::codec::{Decoder, Encoder};
//!
//! let (mut client, mut server) = (ClientCodec::new(), ServerCodec::new());
//! let mut wire = BytesMut::new();
//! client.encode(RequestFrame::new(MetadataRequest::default(), 12, 1, Some("me")), &mut wire)?;
//! let request = server.decode(&mut wire)?.expect("a whole frame");
//!
//! server.encode(ResponseFrame::new(MetadataResponse::default(), request.header.correlation_id), &mut wire)?;
//! let response = client.decode(&mut wire)?.expect("a whole frame");
//! assert!(matches!(response.body, Response::Metadata(_)));
//! # Ok::<(), kafka_wire::framed::FramedError>(())
//! ```

use crate::frame::{peek_correlation_id, split_frame, DEFAULT_MAX_FRAME_SIZE};
use crate::{ApiKey, DecodeError, DecodeErrorKind, EncodeError, Request, RequestFrame, ResponseFrame};
use bytes::{Bytes, BytesMut};
use std::collections::HashMap;
use std::{fmt, io};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder};

/// What can go wrong on a framed Kafka connection.
#[derive(Debug)]
#[non_exhaustive]
pub enum FramedError {
    /// The connection failed.
    Io(io::Error),
    /// A frame's size prefix is larger than the maximum (or negative).
    FrameTooLarge {
        /// The size the prefix gave.
        size: i64,
        /// The maximum this codec accepts.
        max: usize,
    },
    /// A frame that does not decode.
    Decode(DecodeError),
    /// A frame that does not encode.
    Encode(EncodeError),
    /// A response to no request in flight (client), or a response to no
    /// request read (server).
    UnknownCorrelationId(i32),
    /// A request sent with the correlation id of one still in flight.
    DuplicateCorrelationId(i32),
}

impl fmt::Display for FramedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FramedError::Io(e) => write!(f, "connection error: {e}"),
            FramedError::FrameTooLarge { size, max } => write!(f, "frame of {size} bytes exceeds the maximum of {max}"),
            FramedError::Decode(e) => e.fmt(f),
            FramedError::Encode(e) => e.fmt(f),
            FramedError::UnknownCorrelationId(id) => write!(f, "correlation id {id} matches no request in flight"),
            FramedError::DuplicateCorrelationId(id) => write!(f, "correlation id {id} is already in flight"),
        }
    }
}

impl std::error::Error for FramedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FramedError::Io(e) => Some(e),
            FramedError::Decode(e) => Some(e),
            FramedError::Encode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for FramedError {
    fn from(e: io::Error) -> Self {
        FramedError::Io(e)
    }
}

impl From<EncodeError> for FramedError {
    fn from(e: EncodeError) -> Self {
        FramedError::Encode(e)
    }
}

impl From<DecodeError> for FramedError {
    fn from(e: DecodeError) -> Self {
        FramedError::Decode(e)
    }
}

/// Takes the next whole frame off `buf`, checking its size first.
fn next_frame(buf: &mut BytesMut, max: usize) -> Result<Option<Bytes>, FramedError> {
    split_frame(buf, max).map_err(|e| match *e.kind() {
        DecodeErrorKind::InvalidFrameSize(size) => FramedError::FrameTooLarge { size, max },
        _ => FramedError::Decode(e),
    })
}

/// A Produce request with `acks=0`: the broker sends no response.
fn expects_no_response(request: &Request) -> bool {
    matches!(request, Request::Produce(produce) if produce.acks == 0)
}

/// The client's side: encodes requests, decodes responses.
#[derive(Debug)]
pub struct ClientCodec {
    in_flight: HashMap<i32, (ApiKey, i16)>,
    max_frame_size: usize,
}

impl Default for ClientCodec {
    fn default() -> Self {
        ClientCodec::new()
    }
}

impl ClientCodec {
    /// A codec accepting responses up to [`DEFAULT_MAX_FRAME_SIZE`].
    pub fn new() -> ClientCodec {
        ClientCodec::with_max_frame_size(DEFAULT_MAX_FRAME_SIZE)
    }

    /// A codec accepting responses up to `max` bytes (size prefix excluded).
    pub fn with_max_frame_size(max: usize) -> ClientCodec {
        ClientCodec { in_flight: HashMap::new(), max_frame_size: max }
    }

    /// How many requests await their response.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Records a request sent without this codec's encoder (with
    /// [`write_chunks`]), so that its response decodes.
    pub fn track(&mut self, frame: &RequestFrame) -> Result<(), FramedError> {
        let correlation_id = frame.header.correlation_id;
        if self.in_flight.contains_key(&correlation_id) {
            return Err(FramedError::DuplicateCorrelationId(correlation_id));
        }
        if !expects_no_response(&frame.body) {
            self.in_flight.insert(correlation_id, (frame.api_key(), frame.version()));
        }
        Ok(())
    }
}

impl Encoder<RequestFrame> for ClientCodec {
    type Error = FramedError;

    fn encode(&mut self, frame: RequestFrame, dst: &mut BytesMut) -> Result<(), FramedError> {
        self.track(&frame)?;
        dst.reserve(frame.encoded_size());
        if let Err(e) = frame.encode(dst) {
            self.in_flight.remove(&frame.header.correlation_id);
            return Err(e.into());
        }
        Ok(())
    }
}

impl Decoder for ClientCodec {
    type Item = ResponseFrame;
    type Error = FramedError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<ResponseFrame>, FramedError> {
        let Some(frame) = next_frame(src, self.max_frame_size)? else { return Ok(None) };
        let correlation_id = peek_correlation_id(&frame, false)?;
        let (api, version) =
            self.in_flight.remove(&correlation_id).ok_or(FramedError::UnknownCorrelationId(correlation_id))?;
        Ok(Some(ResponseFrame::decode(&frame, api, version)?))
    }
}

/// The broker's side: decodes requests, encodes responses.
#[derive(Debug)]
pub struct ServerCodec {
    versions: HashMap<i32, i16>,
    max_frame_size: usize,
}

impl Default for ServerCodec {
    fn default() -> Self {
        ServerCodec::new()
    }
}

impl ServerCodec {
    /// A codec accepting requests up to [`DEFAULT_MAX_FRAME_SIZE`].
    pub fn new() -> ServerCodec {
        ServerCodec::with_max_frame_size(DEFAULT_MAX_FRAME_SIZE)
    }

    /// A codec accepting requests up to `max` bytes (size prefix excluded).
    pub fn with_max_frame_size(max: usize) -> ServerCodec {
        ServerCodec { versions: HashMap::new(), max_frame_size: max }
    }
}

impl ServerCodec {
    /// The version to write `response` at (its request's), for a response
    /// sent without this codec's encoder (with [`write_chunks`]); the
    /// request is then answered.
    pub fn untrack(&mut self, response: &ResponseFrame) -> Result<i16, FramedError> {
        let correlation_id = response.header.correlation_id;
        self.versions.remove(&correlation_id).ok_or(FramedError::UnknownCorrelationId(correlation_id))
    }
}

impl Decoder for ServerCodec {
    type Item = RequestFrame;
    type Error = FramedError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<RequestFrame>, FramedError> {
        let Some(frame) = next_frame(src, self.max_frame_size)? else { return Ok(None) };
        let request = RequestFrame::decode(&frame)?;
        if !expects_no_response(&request.body) {
            self.versions.insert(request.header.correlation_id, request.version());
        }
        Ok(Some(request))
    }
}

impl Encoder<ResponseFrame> for ServerCodec {
    type Error = FramedError;

    /// Encodes a response at the version of the request it answers (the
    /// one with its correlation id).
    fn encode(&mut self, frame: ResponseFrame, dst: &mut BytesMut) -> Result<(), FramedError> {
        let version = self.untrack(&frame)?;
        dst.reserve(frame.encoded_size(version));
        frame.encode(dst, version)?;
        Ok(())
    }
}

/// Writes a frame's chunks (from [`RequestFrame::to_chunks`] or
/// [`ResponseFrame::to_chunks`]) with vectored writes: large record
/// payloads go to the socket from the message's own buffers, uncopied.
pub async fn write_chunks<W: AsyncWrite + Unpin>(out: &mut W, chunks: &[Bytes]) -> io::Result<()> {
    let mut chunks: Vec<Bytes> = chunks.iter().filter(|c| !c.is_empty()).cloned().collect();
    let mut first = 0;
    while first < chunks.len() {
        let slices: Vec<io::IoSlice<'_>> = chunks[first..].iter().map(|c| io::IoSlice::new(c)).collect();
        let mut written = out.write_vectored(&slices).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        while first < chunks.len() && written >= chunks[first].len() {
            written -= chunks[first].len();
            first += 1;
        }
        if written > 0 {
            let rest = chunks[first].slice(written..);
            chunks[first] = rest;
        }
    }
    out.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{ApiVersionsResponse, FetchRequest, MetadataRequest, ProduceRequest};
    use crate::{Response, ResponseFrame};
    use bytes::BufMut;

    fn request(body: impl Into<Request>, version: i16, correlation_id: i32) -> RequestFrame {
        RequestFrame::new(body, version, correlation_id, Some("test"))
    }

    #[test]
    fn frames_split_across_reads_and_pipelined_in_one() {
        let (mut client, mut server) = (ClientCodec::new(), ServerCodec::new());
        let mut wire = BytesMut::new();
        for id in 1..=3 {
            client.encode(request(MetadataRequest::default(), 12, id), &mut wire).unwrap();
        }
        // Byte by byte: nothing until a frame is whole, then each in order.
        let mut partial = BytesMut::new();
        let mut requests = Vec::new();
        for byte in wire.split().iter() {
            partial.put_u8(*byte);
            if let Some(r) = server.decode(&mut partial).unwrap() {
                requests.push(r);
            }
        }
        assert_eq!(requests.iter().map(|r| r.header.correlation_id).collect::<Vec<_>>(), [1, 2, 3]);
        // The three responses in one read, in another order.
        for id in [3, 1, 2] {
            server.encode(ResponseFrame::new(crate::messages::MetadataResponse::default(), id), &mut wire).unwrap();
        }
        let ids: Vec<i32> =
            std::iter::from_fn(|| client.decode(&mut wire).unwrap()).map(|r| r.header.correlation_id).collect();
        assert_eq!(ids, [3, 1, 2]);
        assert_eq!(client.in_flight(), 0);
    }

    #[test]
    fn acks_0_produce_expects_no_response() {
        let mut client = ClientCodec::new();
        let mut wire = BytesMut::new();
        let fire_and_forget = ProduceRequest { acks: 0, ..Default::default() };
        client.encode(request(fire_and_forget, 9, 1), &mut wire).unwrap();
        client.encode(request(ProduceRequest { acks: -1, ..Default::default() }, 9, 2), &mut wire).unwrap();
        assert_eq!(client.in_flight(), 1, "only the acks=-1 request awaits a response");
        let mut server = ServerCodec::new();
        server.decode(&mut wire).unwrap().unwrap();
        server.decode(&mut wire).unwrap().unwrap();
        let err = server.encode(ResponseFrame::new(crate::messages::ProduceResponse::default(), 1), &mut wire);
        assert!(matches!(err, Err(FramedError::UnknownCorrelationId(1))), "no response to acks=0");
    }

    #[test]
    fn unknown_and_repeated_correlation_ids_are_errors() {
        let mut client = ClientCodec::new();
        let mut wire = BytesMut::new();
        client.encode(request(FetchRequest::default(), 12, 7), &mut wire).unwrap();
        let again = client.encode(request(FetchRequest::default(), 12, 7), &mut wire);
        assert!(matches!(again, Err(FramedError::DuplicateCorrelationId(7))));
        let mut response =
            BytesMut::from(&ResponseFrame::new(ApiVersionsResponse::default(), 8).to_bytes(3).unwrap()[..]);
        assert!(matches!(client.decode(&mut response), Err(FramedError::UnknownCorrelationId(8))));
    }

    #[test]
    fn api_versions_answered_with_a_v0_body() {
        let mut client = ClientCodec::new();
        let mut wire = BytesMut::new();
        client.encode(request(crate::messages::ApiVersionsRequest::default(), 4, 1), &mut wire).unwrap();
        // A broker that does not know v4 answers UNSUPPORTED_VERSION (35) with a v0 body.
        let v0 = ApiVersionsResponse { error_code: 35, ..Default::default() };
        let mut answer = BytesMut::from(&ResponseFrame::new(v0, 1).to_bytes(0).unwrap()[..]);
        let response = client.decode(&mut answer).unwrap().unwrap();
        assert!(matches!(response.body, Response::ApiVersions(r) if r.error_code == 35));
    }

    #[test]
    fn oversized_frames_are_refused_before_they_are_buffered() {
        let mut server = ServerCodec::with_max_frame_size(1024);
        let mut wire = BytesMut::from(&(1_i32 << 20).to_be_bytes()[..]); // a 1 MiB frame announced
        assert!(matches!(server.decode(&mut wire), Err(FramedError::FrameTooLarge { size: 1048576, max: 1024 })));
        let mut negative = BytesMut::from(&(-5_i32).to_be_bytes()[..]);
        assert!(matches!(server.decode(&mut negative), Err(FramedError::FrameTooLarge { size: -5, max: 1024 })));
    }

    #[tokio::test]
    async fn frames_written_uncopied_decode_on_the_other_side() {
        use crate::messages::produce_request::{PartitionProduceData, TopicProduceData};
        use crate::records::{Compression, EncodeOptions, Record, RecordBatch, WriteBatches};
        let value = bytes::Bytes::from(vec![7u8; 64 << 10]);
        let batch =
            RecordBatch::from_records(Compression::None, [(0, Record { value: Some(value), ..Default::default() })]);
        let mut partition = PartitionProduceData::default();
        partition.set_batches(&[batch], &EncodeOptions::default()).unwrap();
        let produce = ProduceRequest {
            acks: -1,
            topic_data: vec![TopicProduceData { partition_data: vec![partition], ..Default::default() }],
            ..Default::default()
        };
        let frame = request(produce, 9, 5);
        let chunks = frame.to_chunks().unwrap();
        assert!(chunks.iter().any(|c| c.len() > 64 << 10), "the batch is a chunk of its own, shared");

        let mut client = ClientCodec::new();
        client.track(&frame).unwrap();
        let (mut near, mut far) = tokio::io::duplex(4096); // small: many partial writes
        let writer = tokio::spawn(async move { write_chunks(&mut near, &chunks).await });
        let mut received = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut far, &mut received).await.unwrap();
        writer.await.unwrap().unwrap();
        assert_eq!(received, frame.to_bytes().unwrap());

        let mut server = ServerCodec::new();
        let decoded = server.decode(&mut BytesMut::from(&received[..])).unwrap().unwrap();
        assert_eq!(decoded, frame);
        let response = ResponseFrame::new(crate::messages::ProduceResponse::default(), 5);
        assert_eq!(server.untrack(&response).unwrap(), 9);
        let mut wire = BytesMut::from(&response.to_bytes(9).unwrap()[..]);
        assert!(matches!(client.decode(&mut wire).unwrap().unwrap().body, Response::Produce(_)));
    }

    #[test]
    fn garbage_is_a_decode_error() {
        let mut server = ServerCodec::new();
        let mut wire = BytesMut::from(&[0, 0, 0, 6, 0x7f, 0x7f, 0, 0, 0, 1][..]); // api key 32639
        assert!(matches!(server.decode(&mut wire), Err(FramedError::Decode(_))));
    }
}
