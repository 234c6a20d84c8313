//! A client's side of a connection.

use super::{ConnectionError, Correlator, FrameReader};
use crate::{Request, RequestFrame, ResponseFrame, StrBytes};
use bytes::{Bytes, BytesMut};
use std::io;

/// The client's side of a Kafka connection, without I/O: request frames
/// out (numbered, with this connection's client id), response frames in,
/// each decoded with the api and version of the request it answers.
///
/// Three ways to drive it, one state: [`send`](ClientConnection::send) and
/// [`receive`](ClientConnection::receive) over buffers, for any transport;
/// [`send_chunks`](ClientConnection::send_chunks) for vectored writes in
/// which large record batches are not copied;
/// [`write_request`](ClientConnection::write_request) and
/// [`read_response`](ClientConnection::read_response) on a blocking
/// stream (see the [module](super) example).
///
/// ```
/// use bytes::BytesMut;
/// use kafka_wire::connection::ClientConnection;
/// use kafka_wire::messages::{MetadataRequest, MetadataResponse};
/// use kafka_wire::{Response, ResponseFrame};
///
/// let mut conn = ClientConnection::new().with_client_id("my-app");
/// let mut to_broker = BytesMut::new();
/// let request = conn.frame(MetadataRequest::default(), 12);
/// conn.send(&request, &mut to_broker)?;
///
/// // The broker's answer (the bytes would come from the socket).
/// let mut from_broker = BytesMut::from(&request.reply(MetadataResponse::default()).to_bytes()?[..]);
/// let response = conn.receive(&mut from_broker)?.expect("a whole frame");
/// assert!(matches!(response.body, Response::Metadata(_)));
/// assert_eq!(conn.in_flight(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientConnection {
    frames: FrameReader,
    correlator: Correlator,
    client_id: Option<StrBytes>,
    next_correlation_id: i32,
}

impl ClientConnection {
    /// A connection without a client id, accepting responses up to
    /// [`FrameReader::DEFAULT_MAX_SIZE`].
    pub fn new() -> ClientConnection {
        ClientConnection::default()
    }

    /// Names the client in the header of every frame built by
    /// [`ClientConnection::frame`].
    pub fn with_client_id(mut self, client_id: &str) -> ClientConnection {
        self.client_id = Some(client_id.into());
        self
    }

    /// Accepts responses up to `max` bytes (size prefix excluded).
    pub fn with_max_frame_size(mut self, max: usize) -> ClientConnection {
        self.frames = FrameReader::with_max_size(max);
        self
    }

    /// A request frame for `body` at `version`, with the next correlation
    /// id and this connection's client id; nothing is sent yet.
    pub fn frame(&mut self, body: impl Into<Request>, version: i16) -> RequestFrame {
        let correlation_id = self.next_correlation_id;
        self.next_correlation_id = self.next_correlation_id.wrapping_add(1);
        let client_id = self.client_id.as_deref();
        let frame = RequestFrame::new(body, version, correlation_id, client_id);
        // Request header v0 (ControlledShutdown v0) has no client id.
        if frame.api_key().request_header_version(version) == 0 {
            return RequestFrame::new(frame.body, version, correlation_id, None);
        }
        frame
    }

    /// Records `frame` as sent and encodes it at the end of `out`.
    pub fn send(&mut self, frame: &RequestFrame, out: &mut BytesMut) -> Result<(), ConnectionError> {
        self.correlator.request(frame.head())?;
        out.reserve(frame.encoded_size());
        frame.encode(out).map_err(|e| self.unsent(frame, e))
    }

    /// Records `frame` as sent and returns it as chunks for a vectored
    /// write, every `records` or `bytes` payload of 512 bytes or more
    /// shared with the frame instead of copied.
    pub fn send_chunks(&mut self, frame: &RequestFrame) -> Result<Vec<Bytes>, ConnectionError> {
        self.correlator.request(frame.head())?;
        frame.to_chunks().map_err(|e| self.unsent(frame, e))
    }

    /// Records `frame` as sent and writes it to a blocking stream, large
    /// payloads uncopied.
    pub fn write_request<W: io::Write>(&mut self, frame: &RequestFrame, out: &mut W) -> Result<(), ConnectionError> {
        let chunks = self.send_chunks(frame)?;
        crate::write_chunks(out, &chunks)?;
        Ok(())
    }

    /// A frame that failed to encode is not in flight.
    fn unsent(&mut self, frame: &RequestFrame, error: crate::EncodeError) -> ConnectionError {
        self.correlator.forget(frame.correlation_id());
        ConnectionError::Encode(error)
    }

    /// The next response at the front of `input`, decoded; `Ok(None)` until
    /// it has all arrived.
    pub fn receive(&mut self, input: &mut BytesMut) -> Result<Option<ResponseFrame>, ConnectionError> {
        let Some(frame) = self.frames.next_frame(input)? else { return Ok(None) };
        self.decode(&frame).map(Some)
    }

    /// Reads the next response from a blocking stream. The end of the
    /// stream is [`ConnectionError::Closed`] (with the requests left
    /// unanswered) or [`ConnectionError::CutShort`].
    pub fn read_response<R: io::Read>(&mut self, input: &mut R) -> Result<ResponseFrame, ConnectionError> {
        match self.frames.read(input)? {
            Some(frame) => self.decode(&frame),
            None => Err(ConnectionError::Closed { in_flight: self.in_flight() }),
        }
    }

    /// Decodes a response frame (without its size prefix) with the request
    /// it answers.
    pub fn decode(&mut self, frame: &Bytes) -> Result<ResponseFrame, ConnectionError> {
        let request = self.correlator.response(ResponseFrame::peek_correlation_id(frame)?)?;
        Ok(ResponseFrame::decode(frame, request.api_key, request.version)?)
    }

    /// At the end of the input: `Ok` when it ended between frames with no
    /// request unanswered.
    pub fn end(&self, input: &[u8]) -> Result<(), ConnectionError> {
        self.frames.end(input)?;
        match self.in_flight() {
            0 => Ok(()),
            in_flight => Err(ConnectionError::Closed { in_flight }),
        }
    }

    /// How many requests await their response.
    pub fn in_flight(&self) -> usize {
        self.correlator.len()
    }

    /// The requests in flight.
    pub fn correlator(&self) -> &Correlator {
        &self.correlator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::{
        ApiVersionsRequest, ApiVersionsResponse, ControlledShutdownRequest, FetchRequest, MetadataResponse,
        ProduceRequest,
    };
    use crate::Response;

    #[test]
    fn pipelined_requests_answered_in_one_read() {
        let mut conn = ClientConnection::new().with_client_id("t");
        let mut wire = BytesMut::new();
        let frames: Vec<RequestFrame> = (0..3).map(|_| conn.frame(FetchRequest::default(), 12)).collect();
        for frame in &frames {
            conn.send(frame, &mut wire).unwrap();
        }
        assert_eq!(frames.iter().map(RequestFrame::correlation_id).collect::<Vec<_>>(), [0, 1, 2]);
        let mut answers = BytesMut::new();
        for frame in &frames {
            answers.extend_from_slice(&frame.reply(crate::messages::FetchResponse::default()).to_bytes().unwrap());
        }
        let mut ids = Vec::new();
        while let Some(response) = conn.receive(&mut answers).unwrap() {
            ids.push(response.correlation_id());
        }
        assert_eq!(ids, [0, 1, 2]);
        conn.end(&answers).unwrap();
    }

    #[test]
    fn acks_0_produce_expects_nothing_and_end_counts_the_unanswered() {
        let mut conn = ClientConnection::new();
        let mut wire = BytesMut::new();
        let silent = conn.frame(ProduceRequest { acks: 0, ..Default::default() }, 9);
        let answered = conn.frame(ProduceRequest { acks: -1, ..Default::default() }, 9);
        conn.send(&silent, &mut wire).unwrap();
        conn.send(&answered, &mut wire).unwrap();
        assert_eq!(conn.in_flight(), 1);
        assert!(matches!(conn.end(&[]), Err(ConnectionError::Closed { in_flight: 1 })));
    }

    #[test]
    fn a_frame_that_does_not_encode_is_not_in_flight() {
        let mut conn = ClientConnection::new();
        let no_such_version = conn.frame(crate::messages::MetadataRequest::default(), 99);
        assert!(conn.send(&no_such_version, &mut BytesMut::new()).is_err());
        assert!(conn.send_chunks(&no_such_version).is_err());
        assert_eq!(conn.in_flight(), 0);
    }

    #[test]
    fn api_versions_answered_at_v0_says_so() {
        let mut conn = ClientConnection::new();
        let mut wire = BytesMut::new();
        let request = conn.frame(ApiVersionsRequest::default(), 4);
        conn.send(&request, &mut wire).unwrap();
        let v0 = ApiVersionsResponse { error_code: 35, ..Default::default() };
        let mut answer = BytesMut::from(&ResponseFrame::new(v0, 0, request.correlation_id()).to_bytes().unwrap()[..]);
        let response = conn.receive(&mut answer).unwrap().unwrap();
        assert_eq!(response.version, 0);
        assert!(matches!(response.body, Response::ApiVersions(r) if r.error_code == 35));
    }

    #[test]
    fn header_v0_frames_have_no_client_id() {
        let mut conn = ClientConnection::new().with_client_id("t");
        let frame = conn.frame(ControlledShutdownRequest::default(), 0);
        assert_eq!(frame.header.client_id, crate::messages::RequestHeader::default().client_id);
        frame.to_bytes().unwrap();
        assert_eq!(conn.frame(ControlledShutdownRequest::default(), 1).header.client_id.as_deref(), Some("t"));
    }

    #[test]
    fn a_response_to_nothing_is_an_error() {
        let mut conn = ClientConnection::new();
        let mut stray = BytesMut::from(&ResponseFrame::new(MetadataResponse::default(), 12, 5).to_bytes().unwrap()[..]);
        assert!(matches!(conn.receive(&mut stray), Err(ConnectionError::UnknownCorrelationId(5))));
    }
}
