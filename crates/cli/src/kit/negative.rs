//! The kit's negative vectors (`conformance/negative/`): inputs Kafka's
//! parsers refuse, each derived from one of the kit's valid message vectors
//! by one splice (remove some bytes at an offset, insert others), with
//! Java's verdict and this library's error kind.
//!
//! The generator picks the inputs without Java, so it writes the verdict
//! Kafka's generated readers give for the way the input breaks (a fixed-width
//! read past the end is a `BufferUnderflowException`, a length past the end
//! a `RuntimeException`, ...); the java stage checks every one against the
//! classes themselves. Inputs where Kafka and this library differ on purpose
//! (a string that is not UTF-8: Java substitutes replacement characters,
//! we refuse it) are kept with the reason.

use super::{Kind, Vector};
use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use kafka_wire::codec::varint::put_uvarint;
use kafka_wire::json::serde_json::{self, Value};
use kafka_wire::{ApiKey, DecodeError, DecodeErrorKind, Reader, Request, Response};

/// Source vectors larger than this are not mutated: a negative vector keeps
/// its source's bytes, and the kit stays small.
const MAX_SOURCE_BYTES: usize = 2048;

/// Truncations per source value.
const CUTS: usize = 2;

/// An unknown tag for the tagged-field mutation: no spec uses one this high.
const UNKNOWN_TAG: u32 = 10_000;

/// The reason kept for inputs with a string that is not UTF-8.
pub const INVALID_UTF8_REASON: &str = "Java decodes strings with replacement characters, so it accepts bytes \
     that are not UTF-8 (and changes them); a kafka-wire string is UTF-8, so it refuses them";

/// One splice: at `at`, `remove` bytes replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// The offset of the first byte replaced.
    pub at: usize,
    /// How many bytes are removed there.
    pub remove: usize,
    /// The bytes put in their place.
    pub insert: Vec<u8>,
}

impl Splice {
    /// The input the splice makes of `valid`, or why it does not apply.
    pub fn apply(&self, valid: &[u8]) -> Result<Vec<u8>> {
        let end = self.at.checked_add(self.remove).filter(|&end| end <= valid.len());
        let end = end.ok_or_else(|| anyhow!("the splice ends past the valid input's {} bytes", valid.len()))?;
        let mut out = valid[..self.at].to_vec();
        out.extend_from_slice(&self.insert);
        out.extend_from_slice(&valid[end..]);
        Ok(out)
    }

    fn to_json(&self) -> Value {
        serde_json::json!({"at": self.at, "remove": self.remove, "insert": hex::encode(&self.insert)})
    }

    fn from_json(value: &Value) -> Result<Splice> {
        let number = |key: &str| -> Result<usize> {
            let n = value.get(key).and_then(Value::as_u64).ok_or_else(|| anyhow!("no integer \"splice.{key}\""))?;
            usize::try_from(n).context("splice offset")
        };
        let insert =
            value.get("insert").and_then(Value::as_str).ok_or_else(|| anyhow!("no string \"splice.insert\""))?;
        Ok(Splice { at: number("at")?, remove: number("remove")?, insert: hex::decode(insert)? })
    }
}

/// One negative vector, as read from a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Negative {
    /// `Kind::Request(api)` or `Kind::Response(api)`.
    pub kind: Kind,
    /// The version the input is read at.
    pub version: i16,
    /// The release whose classes give Java's verdict on the version.
    pub release: String,
    /// `cut-1`, `string-length-past-input`, ...: unique with the version.
    pub case: String,
    /// What the mutation did, in words.
    pub mutation: String,
    /// The valid vector the input derives from: its case, and its bytes.
    pub from_case: String,
    /// The valid vector's bytes (as hex).
    pub from_hex: String,
    /// The change that makes the input of the valid bytes.
    pub splice: Splice,
    /// `refused` or `accepted`.
    pub java: String,
    /// The exception class Kafka's reader throws (its simple name), when it refuses.
    pub java_exception: Option<String>,
    /// This library's error kind (a `DecodeErrorKind` variant's name).
    pub ours: String,
    /// Why Kafka and this library differ on the input, when they do.
    pub kept_difference: Option<String>,
    /// The input, as hex: a message body.
    pub hex: String,
}

impl Negative {
    /// The vector as one line, its fields in a fixed order.
    pub fn to_line(&self) -> String {
        let (api, direction) = api_and_direction(self.kind).expect("a negative vector is a message's");
        let value = serde_json::json!({
            "api": api.name(), "api_key": api.key(), "direction": direction, "version": self.version,
            "release": self.release, "case": self.case, "mutation": self.mutation,
            "from_case": self.from_case, "from_hex": self.from_hex, "splice": self.splice.to_json(),
            "java": self.java, "java_exception": self.java_exception, "ours": self.ours,
            "kept_difference": self.kept_difference, "hex": self.hex,
        });
        ordered_line(&value, NEGATIVE_FIELDS)
    }

    /// Reads a line: every field present, of its type.
    pub fn from_line(line: &str) -> Result<Negative> {
        let value: Value = serde_json::from_str(line).context("not JSON")?;
        let text = |key: &str| -> Result<String> {
            Ok(value.get(key).and_then(Value::as_str).ok_or_else(|| anyhow!("no string \"{key}\""))?.to_string())
        };
        let optional = |key: &str| -> Result<Option<String>> {
            match value.get(key) {
                Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                _ => bail!("no string or null \"{key}\""),
            }
        };
        let key = value.get("api_key").and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer \"api_key\""))?;
        let api = i16::try_from(key).ok().and_then(ApiKey::from_key).ok_or_else(|| anyhow!("no api has key {key}"))?;
        if text("api")? != api.name() {
            bail!("api_key {key} is {}, not {:?}", api.name(), text("api")?);
        }
        let kind = match text("direction")?.as_str() {
            "request" => Kind::Request(api),
            "response" => Kind::Response(api),
            other => bail!("direction {other:?} is neither request nor response"),
        };
        let version = value.get("version").and_then(Value::as_i64).ok_or_else(|| anyhow!("no integer \"version\""))?;
        Ok(Negative {
            kind,
            version: i16::try_from(version).map_err(|_| anyhow!("version {version} is not an int16"))?,
            release: text("release")?,
            case: text("case")?,
            mutation: text("mutation")?,
            from_case: text("from_case")?,
            from_hex: text("from_hex")?,
            splice: Splice::from_json(value.get("splice").ok_or_else(|| anyhow!("no object \"splice\""))?)?,
            java: text("java")?,
            java_exception: optional("java_exception")?,
            ours: text("ours")?,
            kept_difference: optional("kept_difference")?,
            hex: text("hex")?,
        })
    }

    /// A short name: `Produce request v9 cut-1`.
    pub fn name(&self) -> String {
        format!("{} v{} {}", self.kind.label(), self.version, self.case)
    }

    /// What this library finds wrong with the vector: the valid input must
    /// decode, the splice must turn it into exactly `hex`, and `hex` must
    /// fail to decode with the error kind `ours`; the verdicts must be
    /// consistent (a plain negative is one Java refuses too).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.kind.valid_versions().contains(self.version) {
            return vec![format!("version {} is not one of {}", self.version, self.kind.valid_versions())];
        }
        let expected_release = self.kind.release(self.version);
        if self.release != expected_release {
            problems.push(format!("release is {:?}, not {expected_release:?}", self.release));
        }
        match (self.java.as_str(), &self.java_exception, &self.kept_difference) {
            ("refused", Some(_), None) | ("accepted", None, Some(_)) => {}
            _ => problems.push(format!(
                "java {:?} with exception {:?} and kept difference {:?}: a plain negative is refused by Java \
                 with an exception, a kept difference accepted by it",
                self.java, self.java_exception, self.kept_difference
            )),
        }
        let (valid, input) = match (hex::decode(&self.from_hex), hex::decode(&self.hex)) {
            (Ok(valid), Ok(input)) => (valid, input),
            (Err(e), _) | (_, Err(e)) => return vec![format!("hex: {e}")],
        };
        if let Err(e) = decode_message(self.kind, &valid, self.version) {
            problems.push(format!("the valid input does not decode: {e}"));
        }
        match self.splice.apply(&valid) {
            Ok(spliced) if spliced == input => {}
            Ok(spliced) => problems.push(format!(
                "the splice of the valid input is not hex: {}",
                super::bytes_difference(&spliced, &input)
            )),
            Err(e) => problems.push(format!("splice: {e}")),
        }
        match decode_message(self.kind, &input, self.version) {
            Ok(()) => problems.push(format!("the input decodes, where {} was expected", self.ours)),
            Err(e) if error_label(&e) != self.ours => {
                problems.push(format!("the input fails with {} ({e}), not {}", error_label(&e), self.ours))
            }
            Err(_) => {}
        }
        problems
    }
}

/// The fields of a negative vector, in the order lines hold them.
const NEGATIVE_FIELDS: &[&str] = &[
    "api",
    "api_key",
    "direction",
    "version",
    "release",
    "case",
    "mutation",
    "from_case",
    "from_hex",
    "splice",
    "java",
    "java_exception",
    "ours",
    "kept_difference",
    "hex",
];

/// An object as one line with its fields in `order` (serde_json's map sorts them).
pub(super) fn ordered_line(value: &Value, order: &[&str]) -> String {
    let fields: Vec<String> = order
        .iter()
        .map(|key| format!("{}:{}", Value::String((*key).to_string()), value.get(*key).unwrap_or(&Value::Null)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

fn api_and_direction(kind: Kind) -> Option<(ApiKey, &'static str)> {
    match kind {
        Kind::Request(api) => Some((api, "request")),
        Kind::Response(api) => Some((api, "response")),
        _ => None,
    }
}

/// Reads `bytes` as the message at `version`, every byte used.
pub fn decode_message(kind: Kind, bytes: &[u8], version: i16) -> Result<(), DecodeError> {
    let bytes = Bytes::copy_from_slice(bytes);
    let mut reader = Reader::new(&bytes);
    match kind {
        Kind::Request(api) => drop(Request::decode(api, &mut reader, version)?),
        Kind::Response(api) => drop(Response::decode(api, &mut reader, version)?),
        _ => return Err(DecodeError::new(DecodeErrorKind::Invalid("not a message kind"), 0)),
    }
    reader.expect_end()
}

/// The name of an error's kind: its `DecodeErrorKind` variant (`UnexpectedEof`).
pub fn error_label(error: &DecodeError) -> String {
    let debug = format!("{:?}", error.kind());
    debug.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("?").to_string()
}

/// The fields Kafka reads as a slice of its input (`zeroCopy` bytes): a
/// length past the end is the slice's `IllegalArgumentException`, as for a
/// records field.
const SLICED_FIELDS: &[&str] =
    &["EnvelopeRequest.RequestData", "EnvelopeResponse.ResponseData", "PushTelemetryRequest.Metrics"];

/// The exception Kafka's generated readers throw on `input` where this
/// library reports `error`, or `None` where the kit does not say (the
/// input is then left out):
///
/// - a fixed-width read past the end (or a varint's) is the buffer's
///   `BufferUnderflowException`;
/// - a string's, bytes' or unknown tagged field's length past the end, a
///   negative length in a field that is not nullable, an array count
///   larger than the bytes left, are
///   the readers' own `RuntimeException`s, except for records and
///   zero-copy bytes, which Kafka slices (the slice's `IllegalArgumentException`);
/// - an over-long varint is `ByteUtils`' `IllegalArgumentException`.
///
/// Not said: where Kafka checks other than we do. A struct's own tagged
/// section running out (Kafka compares the count with the bytes left), a
/// known tagged field's size past the end (Kafka reads the value by its
/// type), an array whose elements need more bytes than are left although
/// its count is not larger (Kafka reads elements until one runs out).
fn kafkas_exception(error: &DecodeError, input: &[u8], flexible: bool) -> Option<&'static str> {
    let path = error.path();
    let last = path.rsplit('.').next().unwrap_or("");
    let in_own_tagged_section = !path.contains('.') || last.ends_with(']');
    let in_unknown_tag = last.contains(&format!("<tag {UNKNOWN_TAG}>"));
    let in_known_tag = last.contains("<tag ") && !in_unknown_tag;
    match error.kind() {
        DecodeErrorKind::UnexpectedEof { .. } if in_own_tagged_section || in_known_tag => None,
        DecodeErrorKind::UnexpectedEof { .. } => Some("BufferUnderflowException"),
        DecodeErrorKind::LengthExceedsInput { .. } if in_known_tag => None,
        // Kafka keeps an unknown tag's bytes: it reads its declared size.
        DecodeErrorKind::LengthExceedsInput { .. } if in_unknown_tag => Some("RuntimeException"),
        DecodeErrorKind::LengthExceedsInput { length, .. } => {
            if !prefix_before(input, error.offset(), flexible).contains(length) {
                return None;
            }
            let field = path.split('[').next().unwrap_or("");
            let records = last.eq_ignore_ascii_case("records") || last.eq_ignore_ascii_case("unalignedrecords");
            Some(if records || SLICED_FIELDS.contains(&field) {
                "IllegalArgumentException"
            } else {
                "RuntimeException"
            })
        }
        DecodeErrorKind::NullNotAllowed { .. } => Some("RuntimeException"),
        DecodeErrorKind::VarintTooLong => Some("IllegalArgumentException"),
        _ => None,
    }
}

/// The values a length prefix ending at `at` may have: as an INT16 and an
/// INT32 (a string's, bytes' or array's), or, in flexible versions, as a
/// compact length (a minimal unsigned varint of length + 1). A value that
/// is not the length we refused means the refusal counted bytes where
/// Kafka counts elements.
fn prefix_before(input: &[u8], at: usize, flexible: bool) -> Vec<u64> {
    let mut values = Vec::new();
    if flexible {
        for n in 1..=5.min(at) {
            let varint = &input[at - n..at];
            let minimal = varint[..n - 1].iter().all(|b| b & 0x80 != 0) && varint[n - 1] & 0x80 == 0;
            if minimal {
                let value = varint.iter().rev().fold(0u64, |v, b| (v << 7) | u64::from(b & 0x7f));
                values.extend(value.checked_sub(1));
            }
        }
    } else {
        if let Some(b) = at.checked_sub(2).and_then(|from| input.get(from..at)) {
            values.extend(u64::try_from(i16::from_be_bytes([b[0], b[1]])).ok());
        }
        if let Some(b) = at.checked_sub(4).and_then(|from| input.get(from..at)) {
            values.extend(u64::try_from(i32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok());
        }
    }
    values
}

/// A candidate input: its case name, its description and its splice.
struct Candidate {
    case: String,
    mutation: String,
    splice: Splice,
}

/// The versions of a message that get negative vectors: its lowest, its
/// first flexible one and its highest.
fn chosen_versions(kind: Kind) -> Vec<i16> {
    let valid = kind.valid_versions();
    let mut versions: Vec<i16> = valid.iter().collect();
    let first_flexible = versions.iter().copied().find(|&v| kind.flexible_versions().contains(v));
    let picked = [versions.first().copied(), first_flexible, versions.last().copied()];
    versions.retain(|v| picked.contains(&Some(*v)));
    versions
}

/// The random value a version's negatives derive from: the smallest of its
/// random cases, when it is not larger than [`MAX_SOURCE_BYTES`].
fn source(vectors: &[Vector], version: i16) -> Option<&Vector> {
    let of_version = || vectors.iter().filter(move |v| v.version == version && !v.unknown_tagged_fields);
    of_version()
        .filter(|v| v.case.starts_with("random-") && v.hex.len() / 2 <= MAX_SOURCE_BYTES)
        .min_by_key(|v| v.hex.len())
}

/// The negative vectors of one message kind, derived from its valid vectors.
pub fn negatives(kind: Kind, vectors: &[Vector]) -> Result<Vec<Negative>> {
    let mut out = Vec::new();
    for version in chosen_versions(kind) {
        let flexible = kind.flexible_versions().contains(version);
        // The random value is cut and its strings broken; the default
        // value (cut when there is no random one small enough) has an empty
        // tagged-field section of its own at its end, in flexible versions.
        let random = source(vectors, version);
        let default = vectors.iter().find(|v| v.version == version && v.case == "default");
        for from in random.into_iter().chain(default) {
            let valid = hex::decode(&from.hex)?;
            let mut candidates = Vec::new();
            if from.case != "default" || random.is_none() {
                out.extend(cut_negatives(kind, version, from, &valid)?);
            }
            if from.case != "default" {
                candidates.extend(string_mutations(&from.json, &valid, flexible, kind, version));
                candidates.extend(array_mutations(&from.json, &valid, flexible, kind, version));
            } else if flexible {
                candidates.extend(tagged_section_mutations(&valid));
            }
            for candidate in candidates {
                if let Some(negative) = judge(kind, version, from, &valid, candidate)? {
                    out.push(negative);
                }
            }
        }
    }
    Ok(out)
}

/// Reads a candidate input and, when this library refuses it in a way the
/// kit can say Kafka's verdict for, makes it a vector.
fn judge(kind: Kind, version: i16, from: &Vector, valid: &[u8], candidate: Candidate) -> Result<Option<Negative>> {
    let input = candidate.splice.apply(valid)?;
    let Err(error) = decode_message(kind, &input, version) else { return Ok(None) };
    let (java, java_exception, kept_difference) = match error.kind() {
        DecodeErrorKind::InvalidUtf8 => ("accepted", None, Some(INVALID_UTF8_REASON.to_string())),
        _ => match kafkas_exception(&error, &input, kind.flexible_versions().contains(version)) {
            Some(exception) => ("refused", Some(exception.to_string()), None),
            None => return Ok(None),
        },
    };
    Ok(Some(Negative {
        kind,
        version,
        release: kind.release(version).to_string(),
        case: candidate.case,
        mutation: candidate.mutation,
        from_case: from.case.clone(),
        from_hex: from.hex.clone(),
        splice: candidate.splice,
        java: java.into(),
        java_exception,
        ours: error_label(&error),
        kept_difference,
        hex: hex::encode(&input),
    }))
}

/// Truncations of a source: the first [`CUTS`] of these points whose
/// input the kit can say Kafka's verdict for: after half the input, a
/// quarter, three quarters, and one, two and three bytes short of it.
fn cut_negatives(kind: Kind, version: i16, from: &Vector, valid: &[u8]) -> Result<Vec<Negative>> {
    let len = valid.len();
    let mut points =
        vec![len / 2, len / 4, len * 3 / 4, len.saturating_sub(1), len.saturating_sub(2), len.saturating_sub(3)];
    points.retain(|&at| at < len);
    let mut seen = Vec::new();
    points.retain(|at| {
        !seen.contains(at) && {
            seen.push(*at);
            true
        }
    });
    let mut out = Vec::new();
    for at in points {
        let candidate = Candidate {
            case: format!("{}-cut-{}", from.case, out.len() + 1),
            mutation: format!("cut after {at} of {len} bytes"),
            splice: Splice { at, remove: len - at, insert: Vec::new() },
        };
        out.extend(judge(kind, version, from, valid, candidate)?);
        if out.len() == CUTS {
            break;
        }
    }
    Ok(out)
}

/// The strings of a JSON value, depth first, in the order of its fields.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// A string's length prefix as the version writes it: INT16, or an
/// unsigned varint of length + 1 in flexible versions.
fn length_prefix(len: usize, flexible: bool) -> Vec<u8> {
    if flexible {
        unsigned_varint(len as u32 + 1)
    } else {
        (len as i16).to_be_bytes().to_vec()
    }
}

fn unsigned_varint(value: u32) -> Vec<u8> {
    let mut out = Vec::new();
    put_uvarint(&mut out, value);
    out
}

/// Where a string of the JSON is in the bytes: the offset of its length
/// prefix and the prefix's size, when the string with its prefix occurs
/// exactly once.
fn locate(valid: &[u8], text: &str, flexible: bool) -> Option<(usize, usize)> {
    let prefix = length_prefix(text.len(), flexible);
    let mut needle = prefix.clone();
    needle.extend_from_slice(text.as_bytes());
    let mut found = occurrences(valid, &needle);
    let first = found.next()?;
    found.next().is_none().then_some((first, prefix.len()))
}

/// Mutations of the first string the input holds that can be found in its
/// bytes: a length past the input, a negative length other than -1 (a
/// null where the field is not nullable: the first such string), and
/// bytes that are not UTF-8.
fn string_mutations(json: &Value, valid: &[u8], flexible: bool, kind: Kind, version: i16) -> Vec<Candidate> {
    let mut texts = Vec::new();
    strings(json, &mut texts);
    let located: Vec<(usize, usize)> = texts.iter().filter_map(|t| locate(valid, t, flexible)).collect();
    let mut out = Vec::new();
    if let Some(&(at, size)) = located.first() {
        let past = valid.len() - at - size + 1;
        let insert = length_prefix(past, flexible);
        out.push(Candidate {
            case: "string-length-past-input".into(),
            mutation: format!("the string at byte {at} given a length of {past}, one more than the bytes after it"),
            splice: Splice { at, remove: size, insert },
        });
        out.push(Candidate {
            case: "string-not-utf8".into(),
            mutation: format!("the string at byte {at}: its first byte made 0xff, which UTF-8 never holds"),
            splice: Splice { at: at + size, remove: 1, insert: vec![0xff] },
        });
    }
    // -2 as INT16; as a compact length, the varint of 2^32 - 2, which
    // Kafka reads into an int as -2, a length of -3.
    let negative: Vec<u8> = if flexible { vec![0xfe, 0xff, 0xff, 0xff, 0x0f] } else { vec![0xff, 0xfe] };
    let not_nullable = located.iter().find(|&&(at, size)| {
        let splice = Splice { at, remove: size, insert: negative.clone() };
        splice.apply(valid).is_ok_and(|input| {
            decode_message(kind, &input, version)
                .is_err_and(|e| matches!(e.kind(), DecodeErrorKind::NullNotAllowed { .. }))
        })
    });
    if let Some(&(at, size)) = not_nullable {
        out.push(Candidate {
            case: "string-length-negative".into(),
            mutation: format!(
                "the string at byte {at}, not nullable, given the length {}",
                if flexible { "varint 2^32-2 (an int of -2: length -3)" } else { "-2" }
            ),
            splice: Splice { at, remove: size, insert: negative },
        });
    }
    out
}

/// The arrays of a JSON value with at least one element, depth first: each
/// with its length and the strings of its first element.
fn arrays(value: &Value, out: &mut Vec<(usize, Vec<String>)>) {
    match value {
        Value::Array(items) => {
            if let Some(first) = items.first() {
                let mut texts = Vec::new();
                strings(first, &mut texts);
                out.push((items.len(), texts));
            }
            items.iter().for_each(|v| arrays(v, out));
        }
        Value::Object(map) => map.values().for_each(|v| arrays(v, out)),
        _ => {}
    }
}

/// An array's count as the version writes it: INT32, or an unsigned
/// varint of count + 1 in flexible versions.
fn count_prefix(count: usize, flexible: bool) -> Vec<u8> {
    if flexible {
        unsigned_varint(count as u32 + 1)
    } else {
        (count as i32).to_be_bytes().to_vec()
    }
}

/// Where an array of the JSON is in the bytes: the offset of its count
/// and the count's size, found as the count followed by the first
/// element's string that comes first in it (an array of strings, or of
/// structs that begin with one), where that occurs exactly once.
fn locate_array(valid: &[u8], count: usize, texts: &[String], flexible: bool) -> Option<(usize, usize)> {
    let prefix = count_prefix(count, flexible);
    texts.iter().find_map(|text| {
        let mut needle = prefix.clone();
        needle.extend(length_prefix(text.len(), flexible));
        needle.extend_from_slice(text.as_bytes());
        let mut found = occurrences(valid, &needle);
        let first = found.next()?;
        found.next().is_none().then_some((first, prefix.len()))
    })
}

/// Mutations of the first array the input holds that can be found in its
/// bytes: a count larger than the bytes after it, and a count of -2 in the
/// first array that is not nullable.
fn array_mutations(json: &Value, valid: &[u8], flexible: bool, kind: Kind, version: i16) -> Vec<Candidate> {
    let mut found = Vec::new();
    arrays(json, &mut found);
    let located: Vec<(usize, usize)> =
        found.iter().filter_map(|(count, texts)| locate_array(valid, *count, texts, flexible)).collect();
    let mut out = Vec::new();
    if let Some(&(at, size)) = located.first() {
        let past = valid.len() - at - size + 1;
        out.push(Candidate {
            case: "array-length-past-input".into(),
            mutation: format!("the array at byte {at} given a count of {past}, one more than the bytes after it"),
            splice: Splice { at, remove: size, insert: count_prefix(past, flexible) },
        });
    }
    let negative: Vec<u8> = if flexible { vec![0xfe, 0xff, 0xff, 0xff, 0x0f] } else { vec![0xff, 0xff, 0xff, 0xfe] };
    let not_nullable = located.iter().find(|&&(at, size)| {
        let splice = Splice { at, remove: size, insert: negative.clone() };
        splice.apply(valid).is_ok_and(|input| {
            decode_message(kind, &input, version)
                .is_err_and(|e| matches!(e.kind(), DecodeErrorKind::NullNotAllowed { .. }))
        })
    });
    if let Some(&(at, size)) = not_nullable {
        out.push(Candidate {
            case: "array-length-negative".into(),
            mutation: format!(
                "the array at byte {at}, not nullable, given the count {}",
                if flexible { "varint 2^32-2 (an int of -2: count -3)" } else { "-2" }
            ),
            splice: Splice { at, remove: size, insert: negative },
        });
    }
    out
}

/// The offsets at which `needle` occurs in `haystack`.
fn occurrences<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack.windows(needle.len()).enumerate().filter(move |(_, w)| *w == needle).map(|(i, _)| i)
}

/// Mutations of a flexible default value's own tagged-field section (its
/// last byte, an empty section): the count as an over-long varint, and an
/// unknown tagged field whose size runs past the input.
fn tagged_section_mutations(valid: &[u8]) -> Vec<Candidate> {
    let Some(at) = valid.len().checked_sub(1).filter(|&at| valid[at] == 0) else { return Vec::new() };
    let mut past = vec![0x01];
    past.extend(unsigned_varint(UNKNOWN_TAG));
    past.extend([0x05, 0xaa, 0xbb]);
    vec![
        Candidate {
            case: "tagged-count-varint-too-long".into(),
            mutation: "the tagged-field count (0) as a varint of six bytes, one more than an int's five".into(),
            splice: Splice { at, remove: 1, insert: vec![0x80, 0x80, 0x80, 0x80, 0x80, 0x00] },
        },
        Candidate {
            case: "tagged-field-size-past-input".into(),
            mutation: format!("one unknown tagged field (tag {UNKNOWN_TAG}) of size 5, with 2 bytes after it"),
            splice: Splice { at, remove: 1, insert: past },
        },
    ]
}

/// The file of a message kind's negative vectors.
pub fn path(kind: Kind) -> Option<String> {
    let (api, direction) = api_and_direction(kind)?;
    Some(format!("negative/{}.{direction}.jsonl", api.name()))
}
