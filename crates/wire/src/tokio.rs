//! Kafka connections on tokio (feature `tokio`): `tokio_util` codecs over
//! the [connection layer](crate::connection).
//!
//! Wrap a socket in `Framed::new(stream, ClientCodec::new())` to send
//! [`RequestFrame`]s and receive [`ResponseFrame`]s, each decoded with the
//! api and version of the request it answers; or in [`ServerCodec`] for a
//! broker's side, which encodes each response at its request's version.
//! [`FrameCodec`] passes whole frames through undecoded, for a proxy.
//!
//! A codec's encoder copies each frame into the connection's write buffer.
//! [`send_uncopied`] sends one without that copy: its large record batches
//! go to the socket from their own buffers, in one vectored write.
//!
//! ```
//! use bytes::BytesMut;
//! use kafka_wire::messages::{MetadataRequest, MetadataResponse};
//! use kafka_wire::tokio::{ClientCodec, ServerCodec};
//! use kafka_wire::{RequestFrame, Response};
//! use tokio_util::codec::{Decoder, Encoder};
//!
//! let (mut client, mut server) = (ClientCodec::new(), ServerCodec::new());
//! let mut wire = BytesMut::new();
//! client.encode(RequestFrame::new(MetadataRequest::default(), 12, 1, Some("me")), &mut wire)?;
//! let request = server.decode(&mut wire)?.expect("a whole frame");
//!
//! server.encode(request.reply(MetadataResponse::default()), &mut wire)?;
//! let response = client.decode(&mut wire)?.expect("a whole frame");
//! assert!(matches!(response.body, Response::Metadata(_)));
//! # Ok::<(), kafka_wire::connection::ConnectionError>(())
//! ```

#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
use crate::connection::ClientConnection;
#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
use crate::connection::ServerConnection;
use crate::connection::{ConnectionError, FrameReader};
#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
use crate::RequestFrame;
#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
use crate::ResponseFrame;
use ::tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use bytes::{BufMut, Bytes, BytesMut};
use futures_sink::Sink;
use std::io;
use tokio_util::codec::{Decoder, Encoder, Framed};

/// The client's side: encodes requests, decodes responses (a
/// [`ClientConnection`] as a codec).
#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
#[derive(Debug, Default)]
pub struct ClientCodec {
    conn: ClientConnection,
}

#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
impl ClientCodec {
    /// A codec accepting responses up to [`FrameReader::DEFAULT_MAX_SIZE`].
    pub fn new() -> ClientCodec {
        ClientCodec::default()
    }

    /// A codec over `conn` (with its client id and frame size limit).
    pub fn from_connection(conn: ClientConnection) -> ClientCodec {
        ClientCodec { conn }
    }

    /// The connection state: the requests in flight, and
    /// [`ClientConnection::frame`] to number new ones.
    pub fn connection(&mut self) -> &mut ClientConnection {
        &mut self.conn
    }
}

#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
impl Encoder<RequestFrame> for ClientCodec {
    type Error = ConnectionError;

    fn encode(&mut self, frame: RequestFrame, dst: &mut BytesMut) -> Result<(), ConnectionError> {
        self.conn.send(&frame, dst)
    }
}

#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
impl Decoder for ClientCodec {
    type Item = ResponseFrame;
    type Error = ConnectionError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<ResponseFrame>, ConnectionError> {
        self.conn.receive(src)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<ResponseFrame>, ConnectionError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None => self.conn.end(src).map(|()| None),
        }
    }
}

/// The broker's side: decodes requests, encodes responses at their
/// request's version (a [`ServerConnection`] as a codec).
#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
#[derive(Debug, Default)]
pub struct ServerCodec {
    conn: ServerConnection,
}

#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
impl ServerCodec {
    /// A codec accepting requests up to [`FrameReader::DEFAULT_MAX_SIZE`].
    pub fn new() -> ServerCodec {
        ServerCodec::default()
    }

    /// A codec over `conn` (with its frame size limit).
    pub fn from_connection(conn: ServerConnection) -> ServerCodec {
        ServerCodec { conn }
    }

    /// The connection state: the requests in flight.
    pub fn connection(&mut self) -> &mut ServerConnection {
        &mut self.conn
    }
}

#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
impl Decoder for ServerCodec {
    type Item = RequestFrame;
    type Error = ConnectionError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<RequestFrame>, ConnectionError> {
        self.conn.receive(src)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<RequestFrame>, ConnectionError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None => self.conn.end(src).map(|()| None),
        }
    }
}

#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
impl Encoder<ResponseFrame> for ServerCodec {
    type Error = ConnectionError;

    fn encode(&mut self, frame: ResponseFrame, dst: &mut BytesMut) -> Result<(), ConnectionError> {
        self.conn.send(&frame, dst)
    }
}

/// Whole frames as they came, without their size prefix, and written back
/// with one: for a proxy, which forwards bytes and decodes on the side.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrameCodec {
    frames: FrameReader,
}

impl FrameCodec {
    /// A codec of frames up to [`FrameReader::DEFAULT_MAX_SIZE`].
    pub fn new() -> FrameCodec {
        FrameCodec::default()
    }

    /// A codec of frames up to `max` bytes (size prefix excluded).
    pub fn with_max_size(max: usize) -> FrameCodec {
        FrameCodec { frames: FrameReader::with_max_size(max) }
    }
}

impl Decoder for FrameCodec {
    type Item = Bytes;
    type Error = ConnectionError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, ConnectionError> {
        self.frames.next_frame(src)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, ConnectionError> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None => self.frames.end(src).map(|()| None),
        }
    }
}

impl Encoder<Bytes> for FrameCodec {
    type Error = ConnectionError;

    fn encode(&mut self, frame: Bytes, dst: &mut BytesMut) -> Result<(), ConnectionError> {
        let size = i32::try_from(frame.len())
            .map_err(|_| ConnectionError::FrameTooLarge { size: frame.len() as i64, max: i32::MAX as usize })?;
        dst.reserve(4 + frame.len());
        dst.put_i32(size);
        dst.extend_from_slice(&frame);
        Ok(())
    }
}

mod sealed {
    pub trait Sealed {}
    #[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
    impl Sealed for super::ClientCodec {}
    #[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
    impl Sealed for super::ServerCodec {}
}

/// The codecs whose frames [`send_uncopied`] can send: [`ClientCodec`]
/// (requests) and [`ServerCodec`] (responses).
pub trait UncopiedCodec: sealed::Sealed + Encoder<Self::Frame, Error = ConnectionError> {
    /// The frames this codec sends.
    type Frame;

    /// Records `frame` as sent and returns it as chunks for a vectored write.
    fn chunks(&mut self, frame: &Self::Frame) -> Result<Vec<Bytes>, ConnectionError>;
}

#[cfg(all(feature = "encode-requests", feature = "decode-responses"))]
impl UncopiedCodec for ClientCodec {
    type Frame = RequestFrame;

    fn chunks(&mut self, frame: &RequestFrame) -> Result<Vec<Bytes>, ConnectionError> {
        self.conn.send_chunks(frame)
    }
}

#[cfg(all(feature = "decode-requests", feature = "encode-responses"))]
impl UncopiedCodec for ServerCodec {
    type Frame = ResponseFrame;

    fn chunks(&mut self, frame: &ResponseFrame) -> Result<Vec<Bytes>, ConnectionError> {
        self.conn.send_chunks(frame)
    }
}

/// Sends `frame` on `framed` without copying its large payloads: what the
/// codec has buffered is flushed first, then the frame is written from its
/// chunks ([`RequestFrame::to_chunks`]) with vectored writes, so a Produce
/// request's or a Fetch response's record batches go to the socket from
/// their own buffers. The codec records the frame as its encoder would.
///
/// ```no_run
/// # async fn run(produce: kafka_wire::RequestFrame) -> Result<(), kafka_wire::connection::ConnectionError> {
/// use futures_util::StreamExt;
/// use kafka_wire::tokio::{send_uncopied, ClientCodec};
/// use tokio_util::codec::Framed;
///
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:9092").await?;
/// let mut conn = Framed::new(stream, ClientCodec::new());
/// send_uncopied(&mut conn, &produce).await?; // a large ProduceRequest
/// let response = conn.next().await.expect("an answer")?;
/// # Ok(()) }
/// ```
pub async fn send_uncopied<S, C>(framed: &mut Framed<S, C>, frame: &C::Frame) -> Result<(), ConnectionError>
where
    S: AsyncRead + AsyncWrite + Unpin,
    C: UncopiedCodec,
{
    std::future::poll_fn(|cx| Sink::<C::Frame>::poll_flush(std::pin::Pin::new(&mut *framed), cx)).await?;
    let chunks = framed.codec_mut().chunks(frame)?;
    write_chunks(framed.get_mut(), &chunks).await?;
    Ok(())
}

/// Writes `chunks` in order with vectored writes, resuming after partial
/// writes, then flushes.
async fn write_chunks<W: AsyncWrite + Unpin>(out: &mut W, chunks: &[Bytes]) -> io::Result<()> {
    let (mut index, mut offset) = (0, 0);
    while index < chunks.len() {
        let slices: Vec<io::IoSlice<'_>> = std::iter::once(io::IoSlice::new(&chunks[index][offset..]))
            .chain(chunks[index + 1..].iter().map(|c| io::IoSlice::new(c)))
            .collect();
        let mut written = out.write_vectored(&slices).await?;
        if written == 0 && slices.iter().any(|s| !s.is_empty()) {
            return Err(io::ErrorKind::WriteZero.into());
        }
        while index < chunks.len() && written >= chunks[index].len() - offset {
            written -= chunks[index].len() - offset;
            (index, offset) = (index + 1, 0);
        }
        offset += written;
    }
    out.flush().await
}

#[cfg(all(test, feature = "client", feature = "broker"))]
mod tests {
    use super::*;
    use crate::messages::{ApiVersionsResponse, FetchRequest, MetadataRequest, MetadataResponse, ProduceRequest};
    use crate::Response;
    use bytes::BufMut;

    fn request(body: impl Into<crate::Request>, version: i16, correlation_id: i32) -> RequestFrame {
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
        // The three responses in one read.
        for r in &requests {
            server.encode(r.reply(MetadataResponse::default()), &mut wire).unwrap();
        }
        let ids: Vec<i32> =
            std::iter::from_fn(|| client.decode(&mut wire).unwrap()).map(|r| r.header.correlation_id).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(client.connection().in_flight(), 0);
        assert_eq!(client.decode_eof(&mut wire).unwrap(), None, "a clean end");
    }

    #[test]
    fn the_end_of_the_stream_with_requests_unanswered_is_an_error() {
        let mut client = ClientCodec::new();
        let mut wire = BytesMut::new();
        client.encode(request(FetchRequest::default(), 12, 7), &mut wire).unwrap();
        client.encode(request(ProduceRequest { acks: 0, ..Default::default() }, 9, 8), &mut wire).unwrap();
        assert!(matches!(client.decode_eof(&mut BytesMut::new()), Err(ConnectionError::Closed { in_flight: 1 })));
        let mut cut = BytesMut::from(&[0, 0, 0, 9, 1][..]);
        assert!(matches!(client.decode_eof(&mut cut), Err(ConnectionError::CutShort { expected: 13, received: 5 })));
    }

    #[test]
    fn unknown_and_repeated_correlation_ids_are_errors() {
        let mut client = ClientCodec::new();
        let mut wire = BytesMut::new();
        client.encode(request(FetchRequest::default(), 12, 7), &mut wire).unwrap();
        let again = client.encode(request(FetchRequest::default(), 12, 7), &mut wire);
        assert!(matches!(again, Err(ConnectionError::DuplicateCorrelationId(7))));
        let mut response =
            BytesMut::from(&ResponseFrame::new(ApiVersionsResponse::default(), 3, 8).to_bytes().unwrap()[..]);
        assert!(matches!(client.decode(&mut response), Err(ConnectionError::UnknownCorrelationId(8))));
    }

    #[test]
    fn oversized_frames_are_refused_before_they_are_buffered() {
        let mut server = ServerCodec::from_connection(ServerConnection::new().with_max_frame_size(1024));
        let mut wire = BytesMut::from(&(1_i32 << 20).to_be_bytes()[..]); // a 1 MiB frame announced
        assert!(matches!(server.decode(&mut wire), Err(ConnectionError::FrameTooLarge { size: 1048576, max: 1024 })));
        assert!(wire.capacity() < 1 << 20, "nothing reserved for it");
    }

    #[test]
    fn raw_frames_pass_through_unchanged() {
        let mut codec = FrameCodec::new();
        let sent = request(MetadataRequest::default(), 12, 1).to_bytes().unwrap();
        let mut wire = BytesMut::from(&sent[..]);
        let frame = codec.decode(&mut wire).unwrap().unwrap();
        let mut out = BytesMut::new();
        codec.encode(frame, &mut out).unwrap();
        assert_eq!(out, sent);
    }

    #[tokio::test]
    async fn frames_sent_uncopied_decode_on_the_other_side() {
        use crate::messages::produce_request::{PartitionProduceData, TopicProduceData};
        use crate::records::{Compression, EncodeOptions, Record, RecordBatch, WriteBatches};
        use futures_util::StreamExt;
        let value = Bytes::from(vec![7u8; 64 << 10]);
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
        assert!(frame.to_chunks().unwrap().iter().any(|c| c.len() > 64 << 10), "the batch is a chunk of its own");

        let (near, far) = ::tokio::io::duplex(4096); // small: many partial writes
        let mut client = Framed::new(near, ClientCodec::new());
        let mut server = Framed::new(far, ServerCodec::new());
        let sent = frame.clone();
        let writer = ::tokio::spawn(async move {
            send_uncopied(&mut client, &sent).await.unwrap();
            client
        });
        let decoded = server.next().await.unwrap().unwrap();
        assert_eq!(decoded, frame);
        let mut client = writer.await.unwrap();
        assert_eq!(client.codec_mut().connection().in_flight(), 1, "the codec knows it was sent");
        send_uncopied(&mut server, &decoded.reply(crate::messages::ProduceResponse::default())).await.unwrap();
        let response = client.next().await.unwrap().unwrap();
        assert!(matches!(response.body, Response::Produce(_)));
    }
}
