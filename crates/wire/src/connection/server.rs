//! A broker's side of a connection.

use super::{ConnectionError, Correlator, FrameReader};
use crate::{ApiKey, RequestFrame, ResponseFrame};
use bytes::{Bytes, BytesMut};
use kafka_wire_core::RequestHead;
use std::io;

/// The broker's side of a Kafka connection, without I/O: request frames
/// in, decoded; response frames out, each checked to answer the oldest
/// request in flight at that request's version, as Kafka's broker answers.
///
/// A request whose header reads but whose body does not is
/// [`ConnectionError::UndecodableRequest`], and is in flight: the broker
/// may answer it (Kafka answers an ApiVersions request of a version it
/// does not know at v0) or close the connection, as Kafka does for the
/// others. The frame is consumed either way, so the connection can go on.
///
/// ```
/// use bytes::BytesMut;
/// use kafka_wire::connection::ServerConnection;
/// use kafka_wire::messages::{MetadataRequest, MetadataResponse};
/// use kafka_wire::{Request, RequestFrame};
///
/// let mut conn = ServerConnection::new();
/// let sent = RequestFrame::new(MetadataRequest::default(), 12, 1, Some("app")).to_bytes()?;
/// let mut from_client = BytesMut::from(&sent[..]);
/// let request = conn.receive(&mut from_client)?.expect("a whole frame");
/// assert!(matches!(request.body, Request::Metadata(_)));
///
/// let mut to_client = BytesMut::new();
/// conn.send(&request.reply(MetadataResponse::default()), &mut to_client)?;
/// assert_eq!(conn.in_flight(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ServerConnection {
    frames: FrameReader,
    correlator: Correlator,
}

impl ServerConnection {
    /// A connection accepting requests up to [`FrameReader::DEFAULT_MAX_SIZE`]
    /// (Kafka's default `socket.request.max.bytes`).
    pub fn new() -> ServerConnection {
        ServerConnection::default()
    }

    /// Accepts requests up to `max` bytes (size prefix excluded).
    pub fn with_max_frame_size(mut self, max: usize) -> ServerConnection {
        self.frames = FrameReader::with_max_size(max);
        self
    }

    /// The next request at the front of `input`, decoded and in flight;
    /// `Ok(None)` until it has all arrived.
    pub fn receive(&mut self, input: &mut BytesMut) -> Result<Option<RequestFrame>, ConnectionError> {
        let Some(frame) = self.frames.next_frame(input)? else { return Ok(None) };
        self.decode(&frame).map(Some)
    }

    /// Reads the next request from a blocking stream; `Ok(None)` when the
    /// client closed the connection between requests.
    pub fn read_request<R: io::Read>(&mut self, input: &mut R) -> Result<Option<RequestFrame>, ConnectionError> {
        match self.frames.read(input)? {
            Some(frame) => self.decode(&frame).map(Some),
            None => Ok(None),
        }
    }

    /// Decodes a request frame (without its size prefix) and records it
    /// as in flight.
    pub fn decode(&mut self, frame: &Bytes) -> Result<RequestFrame, ConnectionError> {
        let head = RequestHead::peek(frame)?;
        let decoded = RequestFrame::decode(frame);
        self.correlator.request(head)?;
        decoded.map_err(|error| ConnectionError::UndecodableRequest { head, error })
    }

    /// Checks `response` answers the oldest request in flight, at its
    /// version, and takes that request off.
    fn answer(&mut self, response: &ResponseFrame) -> Result<(), ConnectionError> {
        let request = self.correlator.response(response.correlation_id())?;
        let api_versions_v0 = request.api_key == ApiKey::ApiVersions && response.version == 0;
        if response.api_key() != request.api_key {
            return Err(ConnectionError::UnexpectedResponse(response.api_key()));
        }
        if response.version != request.version && !api_versions_v0 {
            return Err(ConnectionError::ResponseVersion {
                api: request.api_key,
                request: request.version,
                response: response.version,
            });
        }
        Ok(())
    }

    /// Answers the oldest request in flight with `response`, encoded at
    /// the end of `out`.
    pub fn send(&mut self, response: &ResponseFrame, out: &mut BytesMut) -> Result<(), ConnectionError> {
        self.answer(response)?;
        out.reserve(response.encoded_size());
        Ok(response.encode(out)?)
    }

    /// Answers the oldest request in flight with `response`, as chunks for
    /// a vectored write (a Fetch response's record batches shared, not
    /// copied).
    pub fn send_chunks(&mut self, response: &ResponseFrame) -> Result<Vec<Bytes>, ConnectionError> {
        self.answer(response)?;
        Ok(response.to_chunks()?)
    }

    /// Answers the oldest request in flight with `response`, written to a
    /// blocking stream.
    pub fn write_response<W: io::Write>(
        &mut self,
        response: &ResponseFrame,
        out: &mut W,
    ) -> Result<(), ConnectionError> {
        let chunks = self.send_chunks(response)?;
        crate::write_chunks(out, &chunks)?;
        Ok(())
    }

    /// At the end of the input: `Ok` when it ended between frames
    /// (checked by this connection's frame reader, with its size limit).
    /// Requests still awaiting their responses are the broker's to answer
    /// or drop, not an error of the input.
    pub fn end(&self, input: &[u8]) -> Result<(), ConnectionError> {
        self.frames.end(input)
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
        ApiVersionsRequest, ApiVersionsResponse, FetchResponse, MetadataRequest, MetadataResponse, ProduceRequest,
        ProduceResponse,
    };

    fn wire(frames: &[RequestFrame]) -> BytesMut {
        let mut out = BytesMut::new();
        for f in frames {
            out.extend_from_slice(&f.to_bytes().unwrap());
        }
        out
    }

    #[test]
    fn responses_answer_in_order_at_their_request_version() {
        let mut conn = ServerConnection::new();
        let mut input = wire(&[
            RequestFrame::new(MetadataRequest::default(), 12, 1, None),
            RequestFrame::new(MetadataRequest::default(), 9, 2, None),
        ]);
        let first = conn.receive(&mut input).unwrap().unwrap();
        let second = conn.receive(&mut input).unwrap().unwrap();
        let mut out = BytesMut::new();
        let early = conn.send(&second.reply(MetadataResponse::default()), &mut out);
        assert!(matches!(early, Err(ConnectionError::OutOfOrder { expected: 1, received: 2, .. })), "{early:?}");
        let wrong = ResponseFrame::new(MetadataResponse::default(), 11, 1);
        assert!(matches!(
            conn.send(&wrong, &mut out),
            Err(ConnectionError::ResponseVersion { request: 12, response: 11, .. })
        ));
        let other_api = ResponseFrame::new(FetchResponse::default(), 12, 1);
        conn.correlator.request(first.head()).unwrap();
        assert!(matches!(conn.send(&other_api, &mut out), Err(ConnectionError::UnexpectedResponse(ApiKey::Fetch))));
    }

    #[test]
    fn an_unknown_api_versions_version_can_still_be_answered_at_v0() {
        let mut conn = ServerConnection::new();
        // ApiVersions v99: the header reads (v2: it is flexible), the body does not.
        let mut request =
            BytesMut::from(&RequestFrame::new(ApiVersionsRequest::default(), 3, 8, Some("c")).to_bytes().unwrap()[..]);
        request[6..8].copy_from_slice(&99i16.to_be_bytes());
        let err = conn.receive(&mut request).unwrap_err();
        let ConnectionError::UndecodableRequest { head, .. } = err else { panic!("{err:?}") };
        assert_eq!((head.api_key, head.version, head.correlation_id), (ApiKey::ApiVersions, 99, 8));
        let refusal = ApiVersionsResponse { error_code: 35, ..Default::default() };
        conn.send(&ResponseFrame::new(refusal, 0, 8), &mut BytesMut::new()).unwrap();
        assert_eq!(conn.in_flight(), 0);
    }

    #[test]
    fn acks_0_produce_is_not_answered() {
        let mut conn = ServerConnection::new();
        let mut input = wire(&[RequestFrame::new(ProduceRequest { acks: 0, ..Default::default() }, 9, 1, None)]);
        let request = conn.receive(&mut input).unwrap().unwrap();
        assert_eq!(conn.in_flight(), 0);
        let err = conn.send(&request.reply(ProduceResponse::default()), &mut BytesMut::new());
        assert!(matches!(err, Err(ConnectionError::UnknownCorrelationId(1))));
    }

    #[test]
    fn garbage_is_a_decode_error_and_the_stream_goes_on() {
        let mut conn = ServerConnection::new();
        let mut input = BytesMut::from(&[0, 0, 0, 6, 0x7f, 0x7f, 0, 0, 0, 1][..]); // api key 32639
        assert!(matches!(conn.receive(&mut input), Err(ConnectionError::Decode(_))));
        assert!(input.is_empty(), "the frame was consumed");
        assert_eq!(conn.read_request(&mut std::io::Cursor::new(Vec::new())).unwrap(), None);
    }
}
