//! A recording proxy: forwards bytes between Kafka clients and a broker
//! unchanged, and on the side decodes every request and response frame with
//! kafka-wire, encodes it again, and checks the bytes are identical.
//!
//! Requests carry their api key and version; responses are matched to them
//! by correlation id. Every frame becomes a [`ProxyEvent::Frame`] sent to
//! the caller's channel, and the end of each direction of each connection a
//! [`ProxyEvent::Closed`], so the caller knows when it has seen everything.

use bytes::Bytes;
use kafka_wire::frame::{peek_correlation_id, DEFAULT_MAX_FRAME_SIZE};
use kafka_wire::json::serde_json::{self, Value};
use kafka_wire::json::ToJson;
use kafka_wire::{read_frame, ApiKey, RequestFrame, ResponseFrame};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::thread;

/// What happened to one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Decoded, and re-encoded to the same bytes.
    RoundTrip,
    /// Decoded, but re-encoded differently; the first differing byte offset.
    Mismatch { at: usize, ours: String, theirs: String },
    /// Did not decode.
    DecodeError(String),
    /// A response whose request this proxy never saw.
    UnknownCorrelation,
}

/// What the proxy reports.
#[derive(Debug, Clone)]
pub enum ProxyEvent {
    /// One frame, checked.
    Frame(FrameEvent),
    /// One direction of a connection ended: after this event no frame of
    /// it follows.
    Closed {
        /// The connection, numbered from 0 in the order they were accepted.
        connection: usize,
        /// The client-to-broker direction (else broker-to-client).
        is_request: bool,
    },
}

/// One frame the proxy forwarded, and what came of decoding and
/// re-encoding it.
#[derive(Debug, Clone)]
pub struct FrameEvent {
    pub connection: usize,
    pub is_request: bool,
    pub api_key: Option<ApiKey>,
    pub version: i16,
    pub correlation_id: i32,
    pub size: usize,
    pub outcome: Outcome,
    /// The decoded frame as Kafka JSON, when asked for.
    pub dump: Option<String>,
}

impl std::fmt::Display for FrameEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = if self.is_request { "request " } else { "response" };
        let api = self.api_key.map_or("?".to_string(), |k| k.name().to_string());
        write!(
            f,
            "conn {} {dir} {api} v{} corr {} ({} bytes): {:?}",
            self.connection, self.version, self.correlation_id, self.size, self.outcome
        )
    }
}

pub(crate) type InFlight = Arc<Mutex<HashMap<i32, (ApiKey, i16)>>>;

/// A frame as one line of Kafka JSON: `{"header": {...}, "body": {...}}`.
fn frame_json<H: ToJson>(header: &H, header_version: i16, body: Result<Value, kafka_wire::EncodeError>) -> String {
    let header = header.to_json(header_version).unwrap_or_else(|e| Value::String(e.to_string()));
    let body = body.unwrap_or_else(|e| Value::String(e.to_string()));
    serde_json::json!({"header": header, "body": body}).to_string()
}

fn hex_window(bytes: &[u8], at: usize) -> String {
    let end = (at + 16).min(bytes.len());
    bytes[at.min(end)..end].iter().map(|b| format!("{b:02x}")).collect()
}

fn compare(original: &[u8], reencoded: &[u8]) -> Outcome {
    if original == reencoded {
        return Outcome::RoundTrip;
    }
    let at = original.iter().zip(reencoded).position(|(a, b)| a != b).unwrap_or(original.len().min(reencoded.len()));
    Outcome::Mismatch { at, ours: hex_window(reencoded, at), theirs: hex_window(original, at) }
}

fn with_prefix(frame: &Bytes) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len() + 4);
    out.extend_from_slice(&(frame.len() as i32).to_be_bytes());
    out.extend_from_slice(frame);
    out
}

fn check_request(frame: &Bytes, dump: bool) -> (Option<ApiKey>, i16, i32, Outcome, Option<String>) {
    let correlation_id = peek_correlation_id(frame, true).unwrap_or(-1);
    match RequestFrame::decode(frame) {
        Ok(decoded) => {
            let outcome = match decoded.to_bytes() {
                Ok(bytes) => compare(&with_prefix(frame), &bytes),
                Err(e) => Outcome::DecodeError(format!("re-encode failed: {e}")),
            };
            let text = dump.then(|| {
                frame_json(
                    &decoded.header,
                    decoded.api_key().request_header_version(decoded.version()),
                    decoded.body.to_json(decoded.version()),
                )
            });
            (Some(decoded.api_key()), decoded.version(), correlation_id, outcome, text)
        }
        Err(e) => {
            let (key, version) = kafka_wire::frame::peek_api_key_and_version(frame).unwrap_or((-1, -1));
            (ApiKey::from_key(key), version, correlation_id, Outcome::DecodeError(e.to_string()), None)
        }
    }
}

fn check_response(
    frame: &Bytes,
    in_flight: &InFlight,
    dump: bool,
) -> (Option<ApiKey>, i16, i32, Outcome, Option<String>) {
    let correlation_id = peek_correlation_id(frame, false).unwrap_or(-1);
    let Some((api, version)) = in_flight.lock().unwrap().remove(&correlation_id) else {
        return (None, -1, correlation_id, Outcome::UnknownCorrelation, None);
    };
    match ResponseFrame::decode(frame, api, version) {
        Ok(decoded) => {
            let original = with_prefix(frame);
            let mut outcome = match decoded.to_bytes(version) {
                Ok(bytes) => compare(&original, &bytes),
                Err(e) => Outcome::DecodeError(format!("re-encode failed: {e}")),
            };
            // A broker answers an ApiVersions version it does not support with a v0 body.
            if outcome != Outcome::RoundTrip && api == ApiKey::ApiVersions {
                if let Ok(bytes) = decoded.to_bytes(0) {
                    if bytes == original {
                        outcome = Outcome::RoundTrip;
                    }
                }
            }
            let text = dump.then(|| {
                frame_json(&decoded.header, api.response_header_version(version), decoded.body.to_json(version))
            });
            (Some(api), version, correlation_id, outcome, text)
        }
        Err(e) => (Some(api), version, correlation_id, Outcome::DecodeError(e.to_string()), None),
    }
}

/// Records a request's api key and version by correlation id, for its
/// response. Done before the request is forwarded: the broker may answer
/// before the request has been checked.
pub(crate) fn record_request(frame: &Bytes, in_flight: &InFlight) {
    if let (Ok((key, version)), Ok(correlation_id)) =
        (kafka_wire::frame::peek_api_key_and_version(frame), peek_correlation_id(frame, true))
    {
        if let Some(api) = ApiKey::from_key(key) {
            in_flight.lock().unwrap().insert(correlation_id, (api, version));
        }
    }
}

/// Decodes and re-encodes one forwarded frame.
pub(crate) fn inspect(
    frame: &Bytes,
    is_request: bool,
    connection: usize,
    in_flight: &InFlight,
    dump: bool,
) -> FrameEvent {
    let (api_key, version, correlation_id, outcome, dump) =
        if is_request { check_request(frame, dump) } else { check_response(frame, in_flight, dump) };
    FrameEvent { connection, is_request, api_key, version, correlation_id, size: frame.len(), outcome, dump }
}

/// Copies frames from `from` to `to` unchanged, checking each on the way.
fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    is_request: bool,
    connection: usize,
    in_flight: InFlight,
    events: Sender<ProxyEvent>,
    dump: bool,
) {
    loop {
        let frame = match read_frame(&mut from, DEFAULT_MAX_FRAME_SIZE) {
            Ok(frame) => frame,
            Err(_) => break,
        };
        if is_request {
            record_request(&frame, &in_flight);
        }
        // Forward, then check: the check must never delay or alter the traffic.
        if to.write_all(&(frame.len() as i32).to_be_bytes()).and_then(|_| to.write_all(&frame)).is_err() {
            break;
        }
        let _ = events.send(ProxyEvent::Frame(inspect(&frame, is_request, connection, &in_flight, dump)));
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
    let _ = events.send(ProxyEvent::Closed { connection, is_request });
}

/// Accepts clients on `listener` forever, connecting each to `upstream`.
pub fn serve(listener: TcpListener, upstream: String, events: Sender<ProxyEvent>, dump: bool) -> io::Result<()> {
    for (connection, client) in listener.incoming().enumerate() {
        let client = client?;
        let broker = TcpStream::connect(&upstream)?;
        client.set_nodelay(true)?;
        broker.set_nodelay(true)?;
        let in_flight: InFlight = Arc::default();
        let (c2, b2) = (client.try_clone()?, broker.try_clone()?);
        let (f1, e1) = (in_flight.clone(), events.clone());
        thread::spawn(move || pump(client, broker, true, connection, f1, e1, dump));
        let e2 = events.clone();
        thread::spawn(move || pump(b2, c2, false, connection, in_flight, e2, dump));
    }
    Ok(())
}
