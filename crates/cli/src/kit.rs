//! The conformance kit (`conformance/`): test vectors for every message,
//! header, frame and data type at every version, each as Kafka's JSON form and its
//! exact bytes, generated from a fixed seed (`kafka-wire gen --kit`), and
//! read back by `kafka-wire check`.
//!
//! A vector is one line of JSON (see `conformance/README.md`):
//!
//! ```text
//! {"api":"Produce","api_key":0,"direction":"request","version":9,"release":"4.4.0",
//!  "case":"random-1","unknown_tagged_fields":false,"json":{...},"hex":"..."}
//! ```
//!
//! Header vectors name a `header` (`RequestHeader`, `ResponseHeader`)
//! instead of an api and direction, data type vectors a `type`; frame
//! vectors add a `header_version`
//! and hold `{"header": ..., "message": ...}` and the whole frame.
//!
//! The kit's other directories hold vectors of their own forms, each in
//! its module: [`negative`] (inputs Kafka's readers refuse), [`records`]
//! (record batches) and [`stored`] (the records of Kafka's internal topics).

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use kafka_wire::json::serde_json::{self, Value};
use kafka_wire::json::{FromJson, ToJson};
use kafka_wire::messages::{RequestHeader, ResponseHeader};
use kafka_wire::random::{Random, Rng};
use kafka_wire::{ApiKey, DecodeExt, EncodeExt, Message, Reader, Request, Response, VersionRange};
use std::fmt::Write as _;

pub mod negative;
pub mod records;
pub mod stored;

/// Reads a seed in decimal or, with `0x`, in hex.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    }
    .map_err(|_| format!("{text:?} is not a seed (a u64, decimal or 0x hex)"))
}

/// The seed the committed kit is generated from ("kafka_ki").
pub const SEED: u64 = 0x6b61_666b_615f_6b69;

/// [`SEED`] as `gen --seed` reads it, its default.
pub const SEED_TEXT: &str = "0x6b61666b615f6b69";

/// Random cases per message x version, besides the default value (and,
/// in flexible versions, one with unknown tagged fields).
pub const RANDOM_CASES: usize = 3;

/// The layout's version, in `conformance/FORMAT`: raised when a field's
/// meaning changes.
pub const FORMAT: u32 = 1;

/// Tries at drawing a value with unknown tagged fields before giving up
/// (the generator adds them to about one struct in four).
const UNKNOWN_TRIES: usize = 64;

/// One file of the kit: its path under the kit's directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitFile {
    pub path: String,
    pub text: String,
}

/// Which message a vector holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request(ApiKey),
    Response(ApiKey),
    RequestHeader,
    ResponseHeader,
    /// A whole request frame of an api: size prefix, header, body.
    RequestFrame(ApiKey),
    /// A whole response frame of an api.
    ResponseFrame(ApiKey),
    /// One of the protocol's data types outside api messages (an index
    /// into [`data_types`]).
    DataType(usize),
}

impl Kind {
    /// For a frame, the header's kind and version and the body's kind, at
    /// the body's `version`.
    pub fn frame_parts(self, version: i16) -> Option<(Kind, i16, Kind)> {
        match self {
            Kind::RequestFrame(api) => {
                Some((Kind::RequestHeader, api.request_header_version(version), Kind::Request(api)))
            }
            Kind::ResponseFrame(api) => {
                Some((Kind::ResponseHeader, api.response_header_version(version), Kind::Response(api)))
            }
            _ => None,
        }
    }

    /// Kafka's name for the generated Java class (`ProduceRequestData`).
    pub fn java_class(self) -> String {
        match self {
            Kind::Request(api) => format!("{}RequestData", api.name()),
            Kind::Response(api) => format!("{}ResponseData", api.name()),
            Kind::RequestHeader => "RequestHeaderData".into(),
            Kind::ResponseHeader => "ResponseHeaderData".into(),
            Kind::RequestFrame(api) => format!("{}RequestData", api.name()),
            Kind::ResponseFrame(api) => format!("{}ResponseData", api.name()),
            Kind::DataType(i) => data_types()[i].name.into(),
        }
    }

    fn valid_versions(self) -> VersionRange {
        match self {
            Kind::Request(api) | Kind::Response(api) | Kind::RequestFrame(api) | Kind::ResponseFrame(api) => {
                api.valid_versions()
            }
            Kind::RequestHeader => RequestHeader::VALID_VERSIONS,
            Kind::ResponseHeader => ResponseHeader::VALID_VERSIONS,
            Kind::DataType(i) => data_types()[i].valid,
        }
    }

    fn flexible_versions(self) -> VersionRange {
        match self {
            Kind::Request(api) | Kind::RequestFrame(api) => api.request_flexible_versions(),
            Kind::Response(api) | Kind::ResponseFrame(api) => api.response_flexible_versions(),
            Kind::RequestHeader => RequestHeader::FLEXIBLE_VERSIONS,
            Kind::ResponseHeader => ResponseHeader::FLEXIBLE_VERSIONS,
            Kind::DataType(i) => data_types()[i].flexible,
        }
    }

    /// The Kafka release whose classes define `version` and check it: the
    /// pinned one, or the legacy one for the versions Kafka 4.0 removed.
    pub fn release(self, version: i16) -> &'static str {
        let [newest, legacy] = kafka_wire::KafkaRelease::GENERATED_FROM else { unreachable!() };
        match self {
            Kind::Request(api) | Kind::Response(api) | Kind::RequestFrame(api) | Kind::ResponseFrame(api)
                if api.legacy_versions().contains(version) =>
            {
                legacy.version()
            }
            // Request header v0 is ControlledShutdown v0's, which Kafka 4.0 removed.
            Kind::RequestHeader if version == 0 => legacy.version(),
            _ => newest.version(),
        }
    }

    /// `Produce request`, `RequestHeader`.
    pub fn label(self) -> String {
        match self {
            Kind::Request(api) => format!("{} request", api.name()),
            Kind::Response(api) => format!("{} response", api.name()),
            Kind::RequestHeader => "RequestHeader".into(),
            Kind::ResponseHeader => "ResponseHeader".into(),
            Kind::RequestFrame(api) => format!("{} request frame", api.name()),
            Kind::ResponseFrame(api) => format!("{} response frame", api.name()),
            Kind::DataType(i) => data_types()[i].name.into(),
        }
    }

    /// The file of the kit this kind's vectors are in.
    pub fn path(self) -> String {
        match self {
            Kind::Request(api) => format!("messages/{}.request.jsonl", api.name()),
            Kind::Response(api) => format!("messages/{}.response.jsonl", api.name()),
            Kind::RequestHeader => "headers/RequestHeader.jsonl".into(),
            Kind::ResponseHeader => "headers/ResponseHeader.jsonl".into(),
            Kind::RequestFrame(api) => format!("frames/{}.request.jsonl", api.name()),
            Kind::ResponseFrame(api) => format!("frames/{}.response.jsonl", api.name()),
            Kind::DataType(i) => format!("types/{}.jsonl", data_types()[i].name),
        }
    }

    /// Every kind, in the kit's order.
    pub fn all() -> Vec<Kind> {
        let mut kinds = vec![Kind::RequestHeader, Kind::ResponseHeader];
        for &api in ApiKey::ALL {
            kinds.push(Kind::Request(api));
            kinds.push(Kind::Response(api));
        }
        for &api in ApiKey::ALL {
            kinds.push(Kind::RequestFrame(api));
            kinds.push(Kind::ResponseFrame(api));
        }
        kinds.extend((0..data_types().len()).map(Kind::DataType));
        kinds
    }

    fn random(self, rng: &mut Rng, version: i16) -> AnyMessage {
        match self {
            Kind::Request(api) => AnyMessage::Request(Request::random(api, rng, version)),
            Kind::Response(api) => AnyMessage::Response(Response::random(api, rng, version)),
            Kind::RequestHeader => AnyMessage::RequestHeader(RequestHeader::random(rng, version)),
            Kind::ResponseHeader => AnyMessage::ResponseHeader(ResponseHeader::random(rng, version)),
            Kind::DataType(i) => (data_types()[i].random)(rng, version),
            Kind::RequestFrame(_) | Kind::ResponseFrame(_) => unreachable!("a frame is a header and a body"),
        }
    }

    fn default_value(self, version: i16) -> AnyMessage {
        match self {
            Kind::Request(api) => AnyMessage::Request(Request::default_for(api)),
            Kind::Response(api) => AnyMessage::Response(Response::default_for(api)),
            Kind::RequestHeader => AnyMessage::RequestHeader(RequestHeader::default()),
            Kind::ResponseHeader => AnyMessage::ResponseHeader(ResponseHeader::default()),
            Kind::DataType(i) => (data_types()[i].default)(version),
            Kind::RequestFrame(_) | Kind::ResponseFrame(_) => unreachable!("a frame is a header and a body"),
        }
    }

    /// Reads exactly `bytes` (every byte used) at `version`.
    fn decode(self, bytes: &[u8], version: i16) -> Result<AnyMessage> {
        let bytes = Bytes::copy_from_slice(bytes);
        Ok(match self {
            Kind::Request(api) | Kind::Response(api) => {
                let mut reader = Reader::new(&bytes);
                let value = if matches!(self, Kind::Request(_)) {
                    AnyMessage::Request(Request::decode(api, &mut reader, version)?)
                } else {
                    AnyMessage::Response(Response::decode(api, &mut reader, version)?)
                };
                reader.expect_end()?;
                value
            }
            Kind::RequestHeader => AnyMessage::RequestHeader(RequestHeader::from_bytes(&bytes, version)?),
            Kind::ResponseHeader => AnyMessage::ResponseHeader(ResponseHeader::from_bytes(&bytes, version)?),
            Kind::DataType(i) => (data_types()[i].decode)(&bytes, version)?,
            Kind::RequestFrame(_) | Kind::ResponseFrame(_) => unreachable!("a frame is a header and a body"),
        })
    }

    fn read_json(self, json: &Value, version: i16) -> Result<AnyMessage> {
        Ok(match self {
            Kind::Request(api) => AnyMessage::Request(Request::from_json(api, json, version)?),
            Kind::Response(api) => AnyMessage::Response(Response::from_json(api, json, version)?),
            Kind::RequestHeader => AnyMessage::RequestHeader(RequestHeader::from_json(json, version)?),
            Kind::ResponseHeader => AnyMessage::ResponseHeader(ResponseHeader::from_json(json, version)?),
            Kind::DataType(i) => (data_types()[i].from_json)(json, version)?,
            Kind::RequestFrame(_) | Kind::ResponseFrame(_) => unreachable!("a frame is a header and a body"),
        })
    }
}

/// A value of any kind.
#[derive(Debug, Clone, PartialEq)]
enum AnyMessage {
    Request(Request),
    Response(Response),
    RequestHeader(RequestHeader),
    ResponseHeader(ResponseHeader),
    /// A data type's value, held as what the kit needs of it: its JSON
    /// and bytes at the version it was made or read at.
    Data {
        json: Value,
        bytes: Vec<u8>,
    },
}

/// One of the protocol's data types outside api messages, as the kit
/// uses it.
pub struct DataType {
    /// Kafka's name for it, and its Java class's.
    pub name: &'static str,
    valid: VersionRange,
    flexible: VersionRange,
    random: fn(&mut Rng, i16) -> AnyMessage,
    default: fn(i16) -> AnyMessage,
    decode: fn(&Bytes, i16) -> Result<AnyMessage>,
    from_json: fn(&Value, i16) -> Result<AnyMessage>,
}

fn data<T: EncodeExt + ToJson>(value: &T, version: i16) -> Result<AnyMessage> {
    Ok(AnyMessage::Data { json: value.to_json(version)?, bytes: value.to_bytes(version)?.to_vec() })
}

fn data_type<T>(name: &'static str) -> DataType
where
    T: Message + EncodeExt + DecodeExt + ToJson + FromJson + Random + Default,
{
    DataType {
        name,
        valid: T::VALID_VERSIONS,
        flexible: T::FLEXIBLE_VERSIONS,
        random: |rng, version| data(&T::random(rng, version), version).expect("a random value encodes"),
        default: |version| data(&T::default(), version).expect("the default value encodes"),
        decode: |bytes, version| data(&T::from_bytes(bytes, version)?, version),
        from_json: |json, version| data(&T::from_json(json, version)?, version),
    }
}

macro_rules! data_type_table {
    ($($t:ident),*) => {
        fn data_type_table() -> Vec<DataType> {
            use kafka_wire::messages::*;
            let mut table = Vec::new();
            // The headers have files of their own.
            $( if !stringify!($t).ends_with("Header") { table.push(data_type::<$t>(stringify!($t))); } )*
            table
        }
    };
}
kafka_wire::for_each_non_api_message!(data_type_table);

/// The data types outside api messages: `ConsumerProtocolSubscription`,
/// `DefaultPrincipalData`, ... (the headers aside).
pub fn data_types() -> &'static [DataType] {
    static TABLE: std::sync::LazyLock<Vec<DataType>> = std::sync::LazyLock::new(data_type_table);
    &TABLE
}

impl AnyMessage {
    fn encode(&self, version: i16) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            AnyMessage::Request(v) => v.encode(&mut out, version)?,
            AnyMessage::Response(v) => v.encode(&mut out, version)?,
            AnyMessage::RequestHeader(v) => out.extend_from_slice(&v.to_bytes(version)?),
            AnyMessage::ResponseHeader(v) => out.extend_from_slice(&v.to_bytes(version)?),
            AnyMessage::Data { bytes, .. } => out.extend_from_slice(bytes),
        }
        Ok(out)
    }

    fn to_json(&self, version: i16) -> Result<Value> {
        Ok(match self {
            AnyMessage::Request(v) => v.to_json(version)?,
            AnyMessage::Response(v) => v.to_json(version)?,
            AnyMessage::RequestHeader(v) => v.to_json(version)?,
            AnyMessage::ResponseHeader(v) => v.to_json(version)?,
            AnyMessage::Data { json, .. } => json.clone(),
        })
    }
}

/// One vector, as read from a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    pub kind: Kind,
    pub version: i16,
    pub release: String,
    pub case: String,
    pub unknown_tagged_fields: bool,
    pub json: Value,
    pub hex: String,
}

impl Vector {
    /// The vector as one line, its fields in a fixed order.
    pub fn to_line(&self) -> String {
        let mut line = String::from("{");
        let q = |s: &str| Value::String(s.to_string()).to_string();
        match self.kind {
            Kind::Request(api) | Kind::Response(api) => {
                let direction = if matches!(self.kind, Kind::Request(_)) { "request" } else { "response" };
                write!(line, "\"api\":{},\"api_key\":{},\"direction\":{},", q(api.name()), api.key(), q(direction))
            }
            Kind::RequestHeader => write!(line, "\"header\":\"RequestHeader\","),
            Kind::ResponseHeader => write!(line, "\"header\":\"ResponseHeader\","),
            Kind::DataType(i) => write!(line, "\"type\":{},", q(data_types()[i].name)),
            Kind::RequestFrame(api) | Kind::ResponseFrame(api) => {
                let direction = if matches!(self.kind, Kind::RequestFrame(_)) { "request" } else { "response" };
                let (_, header_version, _) = self.kind.frame_parts(self.version).unwrap();
                write!(
                    line,
                    "\"api\":{},\"api_key\":{},\"direction\":{},\"header_version\":{header_version},",
                    q(api.name()),
                    api.key(),
                    q(direction)
                )
            }
        }
        .unwrap();
        write!(
            line,
            "\"version\":{},\"release\":{},\"case\":{},\"unknown_tagged_fields\":{},\"json\":{},\"hex\":{}}}",
            self.version,
            q(&self.release),
            q(&self.case),
            self.unknown_tagged_fields,
            self.json,
            q(&self.hex)
        )
        .unwrap();
        line
    }

    /// Reads a line: every field present, of its type.
    pub fn from_line(line: &str) -> Result<Vector> {
        let value: Value = serde_json::from_str(line).context("not JSON")?;
        let object = value.as_object().ok_or_else(|| anyhow!("not a JSON object"))?;
        let text = |key: &str| -> Result<String> {
            Ok(object.get(key).and_then(Value::as_str).ok_or_else(|| anyhow!("no string \"{key}\""))?.to_string())
        };
        let kind = if object.contains_key("type") {
            let name = text("type")?;
            let i = data_types().iter().position(|t| t.name == name).ok_or_else(|| anyhow!("no data type {name:?}"))?;
            Kind::DataType(i)
        } else if object.contains_key("header") {
            match text("header")?.as_str() {
                "RequestHeader" => Kind::RequestHeader,
                "ResponseHeader" => Kind::ResponseHeader,
                other => bail!("no header is called {other:?}"),
            }
        } else {
            let key = object.get("api_key").and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer \"api_key\""))?;
            let api =
                i16::try_from(key).ok().and_then(ApiKey::from_key).ok_or_else(|| anyhow!("no api has key {key}"))?;
            if text("api")? != api.name() {
                bail!("api_key {key} is {}, not {:?}", api.name(), text("api")?);
            }
            let frame = object.contains_key("header_version");
            match (text("direction")?.as_str(), frame) {
                ("request", false) => Kind::Request(api),
                ("response", false) => Kind::Response(api),
                ("request", true) => Kind::RequestFrame(api),
                ("response", true) => Kind::ResponseFrame(api),
                (other, _) => bail!("direction {other:?} is neither request nor response"),
            }
        };
        let version = object.get("version").and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer \"version\""))?;
        let version = i16::try_from(version).map_err(|_| anyhow!("version {version} is not an int16"))?;
        let unknown_tagged_fields = object
            .get("unknown_tagged_fields")
            .and_then(Value::as_bool)
            .ok_or_else(|| anyhow!("no boolean \"unknown_tagged_fields\""))?;
        let json = object.get("json").filter(|j| j.is_object()).ok_or_else(|| anyhow!("no object \"json\""))?.clone();
        if let Some((_, header_version, _)) = kind.frame_parts(version) {
            let given = object.get("header_version").and_then(Value::as_i64);
            if given != Some(i64::from(header_version)) {
                bail!("header_version is {given:?}; {} v{version} has header v{header_version}", kind.label());
            }
        }
        Ok(Vector {
            kind,
            version,
            release: text("release")?,
            case: text("case")?,
            unknown_tagged_fields,
            json,
            hex: text("hex")?,
        })
    }

    /// A frame vector as its header's vector and its body's: the size
    /// prefix must be the size of the rest, the header (read at the
    /// header version the api and version give) must name the api and
    /// version, and the JSON must be `{"header": ..., "message": ...}`.
    pub fn frame_split(&self) -> Result<(Vector, Vector)> {
        let (header_kind, header_version, body_kind) =
            self.kind.frame_parts(self.version).ok_or_else(|| anyhow!("not a frame"))?;
        let bytes = hex::decode(&self.hex)?;
        if bytes.len() < 4 {
            bail!("{} bytes, no size prefix", bytes.len());
        }
        let size = i32::from_be_bytes(bytes[..4].try_into().unwrap());
        if usize::try_from(size).ok() != Some(bytes.len() - 4) {
            bail!("the size prefix says {size}, {} bytes follow it", bytes.len() - 4);
        }
        let rest = Bytes::copy_from_slice(&bytes[4..]);
        let used = match header_kind {
            Kind::RequestHeader => {
                let (header, used) = RequestHeader::decode_prefix(&rest, header_version)?;
                if let Kind::RequestFrame(api) = self.kind {
                    if (header.request_api_key, header.request_api_version) != (api.key(), self.version) {
                        bail!("the header is of api {} v{}", header.request_api_key, header.request_api_version);
                    }
                }
                used
            }
            _ => ResponseHeader::decode_prefix(&rest, header_version)?.1,
        };
        let part = |kind: Kind, version: i16, json: &str, hex: &[u8]| -> Result<Vector> {
            let json = self.json.get(json).filter(|j| j.is_object()).ok_or_else(|| anyhow!("no object json.{json}"))?;
            Ok(Vector {
                kind,
                version,
                release: kind.release(version).to_string(),
                case: self.case.clone(),
                unknown_tagged_fields: self.unknown_tagged_fields,
                json: json.clone(),
                hex: hex::encode(hex),
            })
        };
        if self.release != self.kind.release(self.version) {
            bail!("release is {:?}, not {:?}", self.release, self.kind.release(self.version));
        }
        let header = part(header_kind, header_version, "header", &rest[..used])?;
        Ok((header, part(body_kind, self.version, "message", &rest[used..])?))
    }

    /// A short name: `Produce request v9 random-1`.
    pub fn name(&self) -> String {
        format!("{} v{} {}", self.kind.label(), self.version, self.case)
    }

    /// What this library finds wrong with the vector: (1) the bytes decode
    /// at the version, using every byte, (2) to the vector's JSON, and (3)
    /// encode back to the same bytes; (4) unless the vector holds unknown
    /// tagged fields, its JSON reads and encodes to the same bytes. Each
    /// problem names the field or byte offset.
    pub fn problems(&self) -> Vec<String> {
        if self.kind.frame_parts(self.version).is_some() {
            return match self.frame_split() {
                Err(e) => vec![format!("frame: {e:#}")],
                Ok((header, body)) => {
                    let mut problems: Vec<String> =
                        header.problems().into_iter().map(|p| format!("header: {p}")).collect();
                    problems.extend(body.problems().into_iter().map(|p| format!("message: {p}")));
                    problems
                }
            };
        }
        let mut problems = Vec::new();
        if !self.kind.valid_versions().contains(self.version) {
            return vec![format!("version {} is not one of {}", self.version, self.kind.valid_versions())];
        }
        let expected_release = self.kind.release(self.version);
        if self.release != expected_release {
            problems.push(format!("release is {:?}, not {expected_release:?}", self.release));
        }
        let bytes = match hex::decode(&self.hex) {
            Ok(bytes) => bytes,
            Err(e) => return vec![format!("hex: {e}")],
        };
        match self.kind.decode(&bytes, self.version) {
            Err(e) => problems.push(format!("(1) the bytes do not decode: {e:#}")),
            Ok(value) => {
                match value.to_json(self.version) {
                    Ok(json) => {
                        if let Some(diff) = json_difference("", &self.json, &json) {
                            problems.push(format!("(2) the bytes decode to different JSON: {diff}"));
                        }
                    }
                    Err(e) => problems.push(format!("(2) the decoded value has no JSON: {e}")),
                }
                match value.encode(self.version) {
                    Ok(again) if again == bytes => {}
                    Ok(again) => problems.push(format!(
                        "(3) the decoded value encodes differently: {}",
                        bytes_difference(&bytes, &again)
                    )),
                    Err(e) => problems.push(format!("(3) the decoded value does not encode: {e}")),
                }
            }
        }
        if !self.unknown_tagged_fields {
            match self.kind.read_json(&self.json, self.version).and_then(|v| v.encode(self.version)) {
                Ok(encoded) if encoded == bytes => {}
                Ok(encoded) => problems
                    .push(format!("(4) the JSON encodes to different bytes: {}", bytes_difference(&bytes, &encoded))),
                Err(e) => problems.push(format!("(4) the JSON does not encode: {e:#}")),
            }
        }
        problems
    }
}

/// Where two JSON values first differ: `/topics/0/name: expected "a", got "b"`.
pub fn json_difference(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let here = format!("{path}/{key}");
                match b.get(key) {
                    None => return Some(format!("{here}: missing (expected {})", shorten(value))),
                    Some(other) => {
                        if let Some(diff) = json_difference(&here, value, other) {
                            return Some(diff);
                        }
                    }
                }
            }
            b.iter()
                .find(|(key, _)| !a.contains_key(*key))
                .map(|(key, value)| format!("{path}/{key}: not expected (got {})", shorten(value)))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if let Some(diff) = json_difference(&format!("{path}/{i}"), x, y) {
                    return Some(diff);
                }
            }
            (a.len() != b.len()).then(|| format!("{path}: expected {} elements, got {}", a.len(), b.len()))
        }
        _ if expected == actual => None,
        _ => Some(format!(
            "{}: expected {}, got {}",
            if path.is_empty() { "/" } else { path },
            shorten(expected),
            shorten(actual)
        )),
    }
}

fn shorten(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// Where two byte strings first differ.
pub fn bytes_difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected.iter().zip(actual).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
    let show = |b: &[u8]| hex::encode(&b[at.min(b.len())..(at + 8).min(b.len())]);
    format!(
        "from byte {at}: expected {} ({} bytes), got {} ({} bytes)",
        show(expected),
        expected.len(),
        show(actual),
        actual.len()
    )
}

/// A seed for one file: the kit's seed mixed with the file's path (FNV-1a),
/// so that a file's vectors do not change when another file's do.
fn file_seed(seed: u64, path: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ seed
}

fn vector(kind: Kind, version: i16, case: String, value: &AnyMessage, unknown: bool) -> Result<Vector> {
    let json = value.to_json(version)?;
    let hex = hex::encode(value.encode(version)?);
    Ok(Vector {
        kind,
        version,
        release: kind.release(version).to_string(),
        case,
        unknown_tagged_fields: unknown,
        json,
        hex,
    })
}

/// Whether a value loses bytes through JSON (which has no form for
/// unknown tagged fields): then it holds some.
fn has_unknown_tagged_fields(kind: Kind, value: &AnyMessage, version: i16) -> Result<bool> {
    let json = value.to_json(version)?;
    Ok(kind.read_json(&json, version)?.encode(version)? != value.encode(version)?)
}

/// The vectors of one kind: per version, the default value, [`RANDOM_CASES`]
/// random ones and, in flexible versions, one with unknown tagged fields.
pub fn kind_vectors(kind: Kind, seed: u64) -> Result<Vec<Vector>> {
    if kind.frame_parts(0).is_some() {
        return frame_vectors(kind, seed);
    }
    let path = kind.path();
    let mut values = Rng::with_seed(file_seed(seed, &path)).without_unknown_tagged_fields();
    let mut with_unknown = Rng::with_seed(file_seed(seed, &path).rotate_left(17));
    let mut out = Vec::new();
    for version in kind.valid_versions().iter() {
        out.push(vector(kind, version, "default".into(), &kind.default_value(version), false)?);
        for i in 1..=RANDOM_CASES {
            let value = kind.random(&mut values, version);
            out.push(vector(kind, version, format!("random-{i}"), &value, false)?);
        }
        // Every flexible version has one, so that a reader can tell them
        // from the kit alone.
        if kind.flexible_versions().contains(version) {
            let value = (0..UNKNOWN_TRIES)
                .map(|_| kind.random(&mut with_unknown, version))
                .find(|value| has_unknown_tagged_fields(kind, value, version).unwrap_or(false))
                .ok_or_else(|| anyhow!("{} v{version}: no value with unknown tagged fields", kind.label()))?;
            out.push(vector(kind, version, "unknown-tagged-1".into(), &value, true)?);
        }
    }
    Ok(out)
}

/// The frame vectors of one api and direction: per version, the default
/// body (the messages' files have the random ones) under a header with a
/// random correlation id (and client id).
fn frame_vectors(kind: Kind, seed: u64) -> Result<Vec<Vector>> {
    let mut rng = Rng::with_seed(file_seed(seed, &kind.path())).without_unknown_tagged_fields();
    let mut out = Vec::new();
    for version in kind.valid_versions().iter() {
        let (_, header_version, body_kind) = kind.frame_parts(version).unwrap();
        let correlation_id = kafka_wire::random::i32(&mut rng);
        let header = match kind {
            Kind::RequestFrame(api) => AnyMessage::RequestHeader(RequestHeader {
                request_api_key: api.key(),
                request_api_version: version,
                correlation_id,
                client_id: (header_version >= 1).then(|| kafka_wire::random::string(&mut rng)),
                ..Default::default()
            }),
            _ => AnyMessage::ResponseHeader(ResponseHeader { correlation_id, ..Default::default() }),
        };
        let body = body_kind.default_value(version);
        let mut bytes = header.encode(header_version)?;
        bytes.extend(body.encode(version)?);
        let mut framed = (bytes.len() as i32).to_be_bytes().to_vec();
        framed.extend(bytes);
        let json = serde_json::json!({"header": header.to_json(header_version)?, "message": body.to_json(version)?});
        out.push(Vector {
            kind,
            version,
            release: kind.release(version).to_string(),
            case: "default".into(),
            unknown_tagged_fields: false,
            json,
            hex: hex::encode(framed),
        });
    }
    Ok(out)
}

/// `kafka-wire gen`: `count` random values of one message at one version,
/// as vectors (without unknown tagged fields, so that the JSON is the
/// whole value).
pub fn random_vectors(kind: Kind, version: i16, count: usize, seed: u64) -> Result<Vec<Vector>> {
    if !kind.valid_versions().contains(version) {
        bail!("{} has versions {}, not {version}", kind.label(), kind.valid_versions());
    }
    let mut rng = Rng::with_seed(seed).without_unknown_tagged_fields();
    (1..=count)
        .map(|i| {
            let value = kind.random(&mut rng, version);
            vector(kind, version, format!("random-{i}"), &value, false)
        })
        .collect()
}

/// The whole kit, generated from `seed`: every file, with the kit's
/// `FORMAT` and `SEED` files.
pub fn generate(seed: u64) -> Result<Vec<KitFile>> {
    let mut files = vec![
        KitFile { path: "FORMAT".into(), text: format!("{FORMAT}\n") },
        KitFile { path: "SEED".into(), text: format!("{seed:#x}\n") },
    ];
    let mut negative_files = Vec::new();
    for kind in Kind::all() {
        let vectors = kind_vectors(kind, seed)?;
        files.push(KitFile { path: kind.path(), text: lines(vectors.iter().map(Vector::to_line)) });
        if let Some(path) = negative::path(kind) {
            let negatives = negative::negatives(kind, &vectors)?;
            negative_files.push(KitFile { path, text: lines(negatives.iter().map(negative::Negative::to_line)) });
        }
    }
    files.extend(negative_files);
    files.extend(records::files(seed)?.into_iter().map(|(path, text)| KitFile { path, text }));
    files.extend(stored::files(seed)?.into_iter().map(|(path, text)| KitFile { path, text }));
    Ok(files)
}

/// Lines as a file's text, each ended by a newline.
fn lines(lines: impl Iterator<Item = String>) -> String {
    lines.map(|line| line + "\n").collect()
}

/// The generated files' paths under a kit's directory, to tell a stale
/// file (one no longer generated) from a current one.
pub fn generated_dirs() -> &'static [&'static str] {
    &["messages", "headers", "frames", "types", "negative", "records", "stored"]
}

/// One difference `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `file:line` and the vector's name.
    pub vector: String,
    pub problem: String,
}

/// Checks every vector of a file's text; `label` names the file.
pub fn check_text(label: &str, text: &str) -> (usize, Vec<Difference>) {
    let mut differences = Vec::new();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        let at = format!("{label}:{}", i + 1);
        if let Some(found) = check_other_line(&at, line) {
            differences.extend(found);
            continue;
        }
        match Vector::from_line(line) {
            Err(e) => differences.push(Difference { vector: at, problem: format!("not a vector: {e:#}") }),
            Ok(vector) => {
                for problem in vector.problems() {
                    differences.push(Difference { vector: format!("{at} {}", vector.name()), problem });
                }
            }
        }
    }
    (count, differences)
}

/// Checks a line of the directories whose vectors are not messages'
/// (`negative/`, `records/`, `stored/`), told apart by their fields; `None` for a message's.
fn check_other_line(at: &str, line: &str) -> Option<Vec<Difference>> {
    let value: Value = serde_json::from_str(line).ok()?;
    let read = |result: Result<(String, Vec<String>)>| match result {
        Ok(found) => Ok(found),
        Err(e) => Err(vec![Difference { vector: at.into(), problem: format!("not a vector: {e:#}") }]),
    };
    let found = if value.get("magic").is_some() && value.get("splice").is_some() {
        read(records::BadCrc::from_line(line).map(|v| (v.name(), v.problems())))
    } else if value.get("magic").is_some() {
        read(records::RecordsVector::from_line(line).map(|v| (v.name(), v.problems())))
    } else if value.get("splice").is_some() {
        read(negative::Negative::from_line(line).map(|v| (v.name(), v.problems())))
    } else if value.get("record_type").is_some() {
        read(stored::StoredVector::from_line(line).map(|v| (v.name(), v.problems())))
    } else {
        return None;
    };
    let (name, problems) = match found {
        Ok(found) => found,
        Err(differences) => return Some(differences),
    };
    Some(problems.into_iter().map(|problem| Difference { vector: format!("{at} {name}"), problem }).collect())
}

/// What [`check_paths`] found.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub files: usize,
    pub vectors: usize,
    pub differences: Vec<Difference>,
}

/// Checks files, and directories' `*.jsonl` files (recursively, in name order).
pub fn check_paths(paths: &[std::path::PathBuf]) -> Result<CheckOutcome> {
    let mut files = Vec::new();
    for path in paths {
        collect_jsonl(path, &mut files)?;
    }
    let mut outcome = CheckOutcome::default();
    for file in files {
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let (count, differences) = check_text(&file.display().to_string(), &text);
        outcome.files += 1;
        outcome.vectors += count;
        outcome.differences.extend(differences);
    }
    Ok(outcome)
}

fn collect_jsonl(path: &std::path::Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.extension().is_some_and(|e| e == "jsonl") {
                collect_jsonl(&entry, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Writes the kit generated from `seed` into `dir`, replacing the vector
/// files of [`generated_dirs`] (stale ones removed).
pub fn write_kit(dir: &std::path::Path, seed: u64) -> Result<()> {
    let files = generate(seed)?;
    for sub in generated_dirs() {
        let sub = dir.join(sub);
        if sub.exists() {
            for entry in std::fs::read_dir(&sub)? {
                let entry = entry?.path();
                if entry.extension().is_some_and(|e| e == "jsonl") {
                    std::fs::remove_file(entry)?;
                }
            }
        }
    }
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &file.text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_text_is_the_seed() {
        assert_eq!(parse_seed(SEED_TEXT), Ok(SEED));
        assert_eq!(parse_seed("12"), Ok(12));
        assert!(parse_seed("0xg").is_err());
    }

    #[test]
    fn json_differences_name_the_field() {
        let a = serde_json::json!({"topics": [{"name": "a"}, {"name": "b"}]});
        let b = serde_json::json!({"topics": [{"name": "a"}, {"name": "c"}]});
        assert_eq!(json_difference("", &a, &b).unwrap(), "/topics/1/name: expected \"b\", got \"c\"");
        assert_eq!(json_difference("", &a, &a), None);
    }
}
