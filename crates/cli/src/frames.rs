//! One Kafka frame decoded into a report: what `decode` prints for it.

use crate::records;
use bytes::Bytes;
use kafka_wire::frame::{peek_api_key_and_version, peek_correlation_id};
use kafka_wire::json::serde_json::json;
use kafka_wire::json::{ToJson, Value};
use kafka_wire::messages::{ApiVersionsResponse, Response};
use kafka_wire::{ApiKey, RequestFrame, ResponseFrame};

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// A frame, decoded or not, with everything the output shows of it.
#[derive(Debug, Clone)]
pub struct FrameReport {
    /// `client > server`, or the input's name for frames outside a capture.
    pub connection: String,
    pub direction: Direction,
    /// Seconds since the Unix epoch, from the capture.
    pub time: Option<f64>,
    /// Where the frame ends in the input: a packet number, or a byte position.
    pub position: String,
    /// The frame's size, without its size prefix.
    pub size: usize,
    pub api: Option<ApiKey>,
    pub version: Option<i16>,
    pub correlation_id: Option<i32>,
    pub client_id: Option<String>,
    /// The header and the message in Kafka's JSON form.
    pub header: Option<Value>,
    pub message: Option<Value>,
    /// Something worth knowing about a decoded frame (a fallback, trailing bytes).
    pub note: Option<String>,
    /// Why the frame did not decode.
    pub error: Option<String>,
}

impl FrameReport {
    pub fn new(connection: &str, direction: Direction, time: Option<f64>, position: String, size: usize) -> Self {
        FrameReport {
            connection: connection.to_string(),
            direction,
            time,
            position,
            size,
            api: None,
            version: None,
            correlation_id: None,
            client_id: None,
            header: None,
            message: None,
            note: None,
            error: None,
        }
    }

    /// One JSON object, as `decode --json` prints it.
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "connection": self.connection,
            "direction": self.direction.name(),
            "position": self.position,
            "size": self.size,
        });
        let set = |out: &mut Value, key: &str, value: Value| {
            out.as_object_mut().unwrap().insert(key.to_string(), value);
        };
        if let Some(time) = self.time {
            set(&mut out, "time", json!(time));
        }
        if let Some(api) = self.api {
            set(&mut out, "api", json!(api.name()));
            set(&mut out, "api_key", json!(api.key()));
        }
        if let Some(version) = self.version {
            set(&mut out, "version", json!(version));
        }
        if let Some(id) = self.correlation_id {
            set(&mut out, "correlation_id", json!(id));
        }
        if let Some(client_id) = &self.client_id {
            set(&mut out, "client_id", json!(client_id));
        }
        if let Some(header) = &self.header {
            set(&mut out, "header", header.clone());
        }
        if let Some(message) = &self.message {
            set(&mut out, "message", message.clone());
        }
        if let Some(note) = &self.note {
            set(&mut out, "note", json!(note));
        }
        if let Some(error) = &self.error {
            set(&mut out, "error", json!(error));
        }
        out
    }
}

/// Decodes a request frame into `report`; returns its api and version for
/// the response, when the header could be read that far.
pub fn decode_request(frame: &Bytes, report: &mut FrameReport, with_records: bool) -> Option<(ApiKey, i16)> {
    report.correlation_id = peek_correlation_id(frame, true).ok();
    let peeked = peek_api_key_and_version(frame).ok();
    let api = peeked.and_then(|(key, _)| ApiKey::from_key(key));
    report.api = api;
    report.version = peeked.map(|(_, version)| version);
    match RequestFrame::decode(frame) {
        Ok(decoded) => {
            let version = decoded.version();
            report.client_id = decoded.header.client_id.as_deref().map(str::to_string);
            report.header = decoded.header.to_json(decoded.api_key().request_header_version(version)).ok();
            match decoded.body.to_json(version) {
                Ok(mut message) => {
                    if with_records {
                        records::add_request_records(&decoded.body, &mut message);
                    }
                    report.message = Some(message);
                }
                Err(e) => report.error = Some(format!("the request does not convert to JSON: {e}")),
            }
            if !decoded.trailing.is_empty() {
                report.note = Some(format!("{} bytes after the body, ignored as Kafka does", decoded.trailing.len()));
            }
        }
        Err(e) => {
            report.error = Some(match (peeked, api) {
                (Some((key, _)), None) => format!("unknown api key {key}"),
                _ => e.to_string(),
            })
        }
    }
    api.zip(report.version)
}

/// Decodes a response frame of a request of `api` at `version` into `report`.
pub fn decode_response(frame: &Bytes, api: ApiKey, version: i16, report: &mut FrameReport, with_records: bool) {
    report.api = Some(api);
    report.version = Some(version);
    report.correlation_id = peek_correlation_id(frame, false).ok();
    // A broker answers an ApiVersions version it does not support with a v0
    // response saying UNSUPPORTED_VERSION: read that first, as v0 bytes can
    // also pass for a newer version.
    let decoded = match api_versions_fallback(frame, api, version) {
        Some(decoded) => {
            report.version = Some(0);
            report.note = Some(format!("answered at v0: the broker does not support ApiVersions v{version}"));
            decoded
        }
        None => match ResponseFrame::decode(frame, api, version) {
            Ok(decoded) => decoded,
            Err(e) => {
                report.error = Some(e.to_string());
                return;
            }
        },
    };
    let header_version = api.response_header_version(report.version.unwrap_or(version));
    report.header = decoded.header.to_json(header_version).ok();
    match decoded.body.to_json(report.version.unwrap_or(version)) {
        Ok(mut message) => {
            if with_records {
                records::add_response_records(&decoded.body, &mut message);
            }
            report.message = Some(message);
        }
        Err(e) => report.error = Some(format!("the response does not convert to JSON: {e}")),
    }
    if !decoded.trailing.is_empty() && report.note.is_none() {
        report.note = Some(format!("{} bytes after the body, ignored as Kafka does", decoded.trailing.len()));
    }
}

/// The v0 answer to an ApiVersions request of a newer version, if the
/// frame is one: it reads whole at v0 with error UNSUPPORTED_VERSION (35).
fn api_versions_fallback(frame: &Bytes, api: ApiKey, version: i16) -> Option<ResponseFrame> {
    if api != ApiKey::ApiVersions || version == 0 {
        return None;
    }
    let decoded = ResponseFrame::decode_strict(frame, api, 0).ok()?;
    // Only a v0 answer that says why: its error code is UNSUPPORTED_VERSION (35).
    match &decoded.body {
        Response::ApiVersions(ApiVersionsResponse { error_code: 35, .. }) => Some(decoded),
        _ => None,
    }
}
