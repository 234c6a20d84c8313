//! One Kafka frame decoded into a report: what `decode` prints for it.

use crate::records;
use bytes::Bytes;
use kafka_wire::connection::{ConnectionError, Correlator, FrameReader};
use kafka_wire::json::serde_json::json;
use kafka_wire::json::Value;
use kafka_wire::messages::ApiVersionsResponse;
use kafka_wire::RequestHead;
use kafka_wire::{ApiKey, DecodeErrorKind, KafkaRelease, RequestFrame, Response, ResponseFrame};

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
    /// Whether the decoded frame encodes back to the bytes it came as
    /// (the proxy checks every frame).
    pub reencoded: Option<Reencoded>,
    /// The frame's bytes in hex, when asked for.
    pub hex: Option<String>,
    /// For an ApiVersions response: the Kafka releases whose broker
    /// advertises what it lists (see `KafkaRelease::guess`).
    pub broker_releases: Option<BrokerReleases>,
}

/// The guess of a broker's release from its ApiVersions response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerReleases {
    /// The releases, oldest first: exact matches, else the nearest.
    pub releases: Vec<KafkaRelease>,
    /// Empty for an exact match; else how the nearest differ.
    pub differences: Vec<String>,
}

impl BrokerReleases {
    /// The guess for `response`, `None` when it names no release (an
    /// error answer).
    pub fn guess(response: &ApiVersionsResponse) -> Option<BrokerReleases> {
        let guess = KafkaRelease::guess(response);
        let releases = guess.releases();
        if releases.is_empty() {
            return None;
        }
        let differences = guess.nearest.first().map(|n| n.differences.iter().map(|d| d.to_string()).collect());
        Some(BrokerReleases { releases, differences: differences.unwrap_or_default() })
    }

    /// `Kafka 3.9.0/3.9.1`, with `nearest` and the differences when not exact.
    pub fn describe(&self) -> String {
        let names: Vec<String> = self.releases.iter().map(|r| r.to_string()).collect();
        if self.differences.is_empty() {
            format!("Kafka {}", names.join("/"))
        } else {
            format!("nearest Kafka {} (differs: {})", names.join("/"), self.differences.join("; "))
        }
    }
}

/// What came of encoding a decoded frame again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reencoded {
    /// The same bytes.
    Identical,
    /// Other bytes: the first differing byte, and 16 bytes from there of each.
    Differs { at: usize, ours: String, theirs: String },
    /// The frame did not encode again.
    Failed(String),
}

impl Reencoded {
    /// Compares the bytes a frame came as (without its size prefix) with
    /// its encoding again (with it).
    pub fn compare(original: &[u8], again: Result<Bytes, kafka_wire::EncodeError>) -> Reencoded {
        let again = match again {
            Ok(again) => again,
            Err(e) => return Reencoded::Failed(e.to_string()),
        };
        let again = &again[4.min(again.len())..];
        if again == original {
            return Reencoded::Identical;
        }
        let at = original.iter().zip(again).position(|(a, b)| a != b).unwrap_or(original.len().min(again.len()));
        let window = |bytes: &[u8]| hex::encode(&bytes[at.min(bytes.len())..(at + 16).min(bytes.len())]);
        Reencoded::Differs { at, ours: window(again), theirs: window(original) }
    }

    fn to_json(&self) -> Value {
        match self {
            Reencoded::Identical => json!("identical"),
            Reencoded::Differs { at, ours, theirs } => json!({"differs_at": at, "ours": ours, "theirs": theirs}),
            Reencoded::Failed(why) => json!({"failed": why}),
        }
    }
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
            reencoded: None,
            hex: None,
            broker_releases: None,
        }
    }

    /// Takes the header and message from the library's JSON of a frame.
    fn set_frame_json(&mut self, json: Result<Value, kafka_wire::EncodeError>, what: &str) {
        match json {
            Ok(Value::Object(mut frame)) => {
                self.header = frame.remove("header");
                self.message = frame.remove("message");
            }
            Ok(_) => {}
            Err(e) => self.error = Some(format!("the {what} does not convert to JSON: {e}")),
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
        if let Some(reencoded) = &self.reencoded {
            set(&mut out, "reencoded", reencoded.to_json());
        }
        if let Some(hex) = &self.hex {
            set(&mut out, "hex", json!(hex));
        }
        if let Some(guess) = &self.broker_releases {
            let releases: Vec<String> = guess.releases.iter().map(|r| r.to_string()).collect();
            set(&mut out, "broker_releases", json!(releases));
            if !guess.differences.is_empty() {
                set(&mut out, "broker_release_differences", json!(guess.differences));
            }
        }
        out
    }
}

/// Decodes a request frame into `report`; returns what its head says (for
/// the response) when the header could be read, and the frame decoded.
pub fn decode_request(
    frame: &Bytes,
    report: &mut FrameReport,
    with_records: bool,
) -> (Option<RequestHead>, Option<RequestFrame>) {
    let head = RequestHead::peek(frame);
    if let Ok(head) = &head {
        report.api = Some(head.api_key);
        report.version = Some(head.version);
        report.correlation_id = Some(head.correlation_id);
    }
    let decoded = match RequestFrame::decode(frame) {
        Ok(decoded) => {
            report.client_id = decoded.header.client_id.as_deref().map(str::to_string);
            report.set_frame_json(decoded.to_json(), "request");
            if with_records {
                if let Some(message) = &mut report.message {
                    records::add_request_records(&decoded.body, message);
                }
            }
            if !decoded.trailing.is_empty() {
                report.note = Some(format!("{} bytes after the body, ignored as Kafka does", decoded.trailing.len()));
            }
            Some(decoded)
        }
        Err(e) => {
            report.error = Some(match e.kind() {
                DecodeErrorKind::UnknownApiKey(key) => format!("unknown api key {key}"),
                _ => e.to_string(),
            });
            None
        }
    };
    (head.ok(), decoded)
}

/// How frames are split, in captures and through the proxy alike: a frame
/// larger than this is not Kafka's. (Kafka's own limits are lower, but not
/// on everything a broker sends: a Fetch response holds at least one whole
/// batch whatever its `max_bytes`, so a proxy must not refuse what a broker
/// may answer.)
pub const FRAMES: FrameReader = FrameReader::with_max_size(1 << 30);

/// Decodes a response frame by the request it answers: its correlation id
/// looked up in `requests`, which recorded the connection's requests. A
/// response out of order (Kafka answers a connection's requests in order;
/// its clients fail the connection otherwise) is decoded and reported as an
/// error; one whose request is unknown is not decoded.
pub fn decode_matched_response(
    frame: &Bytes,
    requests: &mut Correlator,
    report: &mut FrameReport,
    with_records: bool,
) -> Option<ResponseFrame> {
    let Ok(correlation_id) = ResponseFrame::peek_correlation_id(frame) else {
        report.error = Some("a response too short for its correlation id".into());
        return None;
    };
    report.correlation_id = Some(correlation_id);
    let (request, out_of_order) = match requests.response(correlation_id) {
        Ok(request) => (request, None),
        Err(ConnectionError::OutOfOrder { expected, request, .. }) => {
            (request, Some(format!("out of order: the request with correlation id {expected} came first")))
        }
        Err(_) => {
            report.error = Some(format!("a response to correlation id {correlation_id}, whose request was not seen"));
            return None;
        }
    };
    let decoded = decode_response(frame, request.api_key, request.version, report, with_records);
    if let Some(why) = out_of_order {
        report.error.get_or_insert(why);
    }
    decoded
}

/// Decodes a response frame of a request of `api` at `version` into
/// `report`; returns the frame decoded.
pub fn decode_response(
    frame: &Bytes,
    api: ApiKey,
    version: i16,
    report: &mut FrameReport,
    with_records: bool,
) -> Option<ResponseFrame> {
    report.api = Some(api);
    report.version = Some(version);
    report.correlation_id = ResponseFrame::peek_correlation_id(frame).ok();
    let decoded = match ResponseFrame::decode(frame, api, version) {
        Ok(decoded) => decoded,
        Err(e) => {
            report.error = Some(e.to_string());
            return None;
        }
    };
    if decoded.version != version {
        // A broker answers an ApiVersions version it does not support at v0.
        report.version = Some(decoded.version);
        report.note = Some(format!("answered at v{}: the broker does not support {api} v{version}", decoded.version));
    }
    report.set_frame_json(decoded.to_json(), "response");
    if let Response::ApiVersions(response) = &decoded.body {
        report.broker_releases = BrokerReleases::guess(response);
    }
    if with_records {
        if let Some(message) = &mut report.message {
            records::add_response_records(&decoded.body, message);
        }
    }
    if !decoded.trailing.is_empty() && report.note.is_none() {
        report.note = Some(format!("{} bytes after the body, ignored as Kafka does", decoded.trailing.len()));
    }
    Some(decoded)
}
