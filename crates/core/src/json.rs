//! Kafka's JSON form of messages (feature `json`): the format of the
//! `*JsonConverter` classes Kafka generates, so a message can be dumped as
//! JSON and built from JSON, and compared with Kafka's own converters.
//!
//! Field names are the spec's in camelCase; a field is written when the
//! version has it (a tagged field only when it differs from its default);
//! bytes are base64; UUIDs use Kafka's URL-safe base64 form; unknown tagged
//! fields are not written. Reading follows Kafka's rules: a field that is
//! mandatory at the version must be present, a missing one takes its
//! default, integers must be JSON numbers (not strings) that fit the type.
//!
//! One deliberate difference: Kafka writes `records` fields as an empty
//! binary value (KIP-673 keeps logs small); we write the records' bytes in
//! base64, which Kafka's reader accepts, so the JSON keeps the records.

use crate::error::{DecodeError, DecodeErrorKind, EncodeError, EncodeErrorKind};
use crate::message::Message;
use crate::{StrBytes, WireArray, WireScalar};
use base64::Engine;
use bytes::Bytes;
use serde_json::{Map, Number};
use uuid::Uuid;

pub use serde_json::{self, Value};

/// Writes a value as Kafka's JSON at a version: every message and struct,
/// and the field types inside them.
///
/// ```
/// use kafka_wire_core::json::ToJson;
/// use kafka_wire_core::messages::ApiVersionsRequest;
///
/// let request = ApiVersionsRequest { client_software_name: "demo".into(), ..Default::default() };
/// let json = request.to_json(3)?;
/// assert_eq!(json["clientSoftwareName"], "demo");
/// # Ok::<(), kafka_wire_core::EncodeError>(())
/// ```
pub trait ToJson {
    /// The value in Kafka's JSON form at `version`.
    fn to_json(&self, version: i16) -> Result<Value, EncodeError>;
}

/// Reads a value from Kafka's JSON at a version.
///
/// ```
/// use kafka_wire_core::json::FromJson;
/// use kafka_wire_core::messages::ApiVersionsRequest;
///
/// let json = serde_json::json!({"clientSoftwareName": "demo", "clientSoftwareVersion": "1.0"});
/// let request = ApiVersionsRequest::from_json(&json, 3)?;
/// assert_eq!(request.client_software_name, "demo");
/// # Ok::<(), kafka_wire_core::DecodeError>(())
/// ```
pub trait FromJson: Sized {
    /// Reads the value from Kafka's JSON form at `version`.
    fn from_json(value: &Value, version: i16) -> Result<Self, DecodeError>;
}

/// A JSON error (`DecodeErrorKind::Json`) with the given explanation.
#[cold]
pub fn error(why: impl Into<String>) -> DecodeError {
    DecodeError::new(DecodeErrorKind::Json(why.into()), 0)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A field type whose JSON form does not depend on the version.
trait JsonScalar: Sized {
    fn to_value(&self) -> Result<Value, EncodeError>;
    fn from_value(value: &Value) -> Result<Self, DecodeError>;
}

macro_rules! json_scalars {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self, _version: i16) -> Result<Value, EncodeError> {
                self.to_value()
            }
        }
        impl FromJson for $t {
            fn from_json(value: &Value, _version: i16) -> Result<Self, DecodeError> {
                Self::from_value(value)
            }
        }
    )*};
}
json_scalars!(i8, i16, i32, i64, u16, u32, bool, f64, StrBytes, Bytes, Uuid);

fn integer(value: &Value) -> Result<i128, DecodeError> {
    match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(i as i128)
            } else if let Some(u) = n.as_u64() {
                Ok(u as i128)
            } else {
                Err(error(format!("expected an integer, got {n}")))
            }
        }
        other => Err(error(format!("expected an integer, got {}", kind(other)))),
    }
}

macro_rules! int_value {
    ($t:ty) => {
        impl JsonScalar for $t {
            fn to_value(&self) -> Result<Value, EncodeError> {
                Ok(Value::Number(Number::from(*self)))
            }
            fn from_value(value: &Value) -> Result<Self, DecodeError> {
                let n = integer(value)?;
                <$t>::try_from(n).map_err(|_| error(format!("{n} does not fit in {}", stringify!($t))))
            }
        }
    };
}
int_value!(i16);
int_value!(i32);
int_value!(i64);
int_value!(u16);
int_value!(u32);

impl JsonScalar for i8 {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::Number(Number::from(*self)))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        // Kafka's quirk (MessageUtil.jsonNodeToByte): 128..=256 read as n - 128,
        // so 256 is -128.
        match integer(value)? {
            256 => Ok(i8::MIN),
            n @ 128..=255 => Ok((n - 128) as i8),
            n => i8::try_from(n).map_err(|_| error(format!("{n} does not fit in an 8-bit signed integer"))),
        }
    }
}

impl JsonScalar for bool {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::Bool(*self))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        value.as_bool().ok_or_else(|| error(format!("expected a boolean, got {}", kind(value))))
    }
}

impl JsonScalar for f64 {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Number::from_f64(*self)
            .map(Value::Number)
            .ok_or_else(|| EncodeError::new(EncodeErrorKind::Invalid("NaN and infinities have no JSON form")))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        value.as_f64().ok_or_else(|| error(format!("expected a number, got {}", kind(value))))
    }
}

impl JsonScalar for StrBytes {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::String(self.as_str().to_string()))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        value.as_str().map(StrBytes::from).ok_or_else(|| error(format!("expected a string, got {}", kind(value))))
    }
}

impl JsonScalar for Bytes {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(self)))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let text = value.as_str().ok_or_else(|| error(format!("expected base64 text, got {}", kind(value))))?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Bytes::from)
            .map_err(|e| error(format!("invalid base64: {e}")))
    }
}

impl JsonScalar for Uuid {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::String(uuid_to_kafka_string(self)))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let text = value.as_str().ok_or_else(|| error(format!("expected a UUID string, got {}", kind(value))))?;
        uuid_from_kafka_string(text)
    }
}

/// Kafka's textual UUID: the 16 bytes in URL-safe base64 without padding.
pub fn uuid_to_kafka_string(uuid: &Uuid) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(uuid.as_bytes())
}

/// Reads Kafka's textual UUID (see [`uuid_to_kafka_string`]).
pub fn uuid_from_kafka_string(text: &str) -> Result<Uuid, DecodeError> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| error(format!("invalid UUID {text:?}")))?;
    let bytes: [u8; 16] = raw.try_into().map_err(|_| error(format!("invalid UUID {text:?}")))?;
    Ok(Uuid::from_bytes(bytes))
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self, version: i16) -> Result<Value, EncodeError> {
        match self {
            Some(v) => v.to_json(version),
            None => Ok(Value::Null),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value, version: i16) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v, version).map(Some),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, version: i16) -> Result<Value, EncodeError> {
        self.iter()
            .enumerate()
            .map(|(i, v)| v.to_json(version).map_err(|e| e.in_index(i)))
            .collect::<Result<_, _>>()
            .map(Value::Array)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, version: i16) -> Result<Self, DecodeError> {
        let items = value.as_array().ok_or_else(|| error(format!("expected an array, got {}", kind(value))))?;
        items.iter().enumerate().map(|(i, v)| T::from_json(v, version).map_err(|e| e.in_index(i))).collect()
    }
}

impl<T: ToJson + WireScalar> ToJson for WireArray<T> {
    fn to_json(&self, version: i16) -> Result<Value, EncodeError> {
        self.to_vec().to_json(version)
    }
}

impl<T: FromJson + WireScalar> FromJson for WireArray<T> {
    fn from_json(value: &Value, version: i16) -> Result<Self, DecodeError> {
        Vec::<T>::from_json(value, version).map(WireArray::from)
    }
}

/// Checks a message's version before it is written as JSON.
pub(crate) fn check_encode_version<M: Message>(version: i16) -> Result<(), EncodeError> {
    if M::VALID_VERSIONS.contains(version) {
        Ok(())
    } else {
        Err(EncodeError::new(EncodeErrorKind::UnsupportedVersion { version }).in_struct(M::NAME))
    }
}

/// Checks a message's version before it is read from JSON.
pub(crate) fn check_decode_version<M: Message>(version: i16) -> Result<(), DecodeError> {
    if M::VALID_VERSIONS.contains(version) {
        Ok(())
    } else {
        Err(error(format!("unsupported version {version}")).in_struct(M::NAME))
    }
}

/// Builds the JSON object of a struct, field by field.
pub(crate) struct ObjectWriter {
    map: Map<String, Value>,
    version: i16,
}

impl ObjectWriter {
    pub(crate) fn new(version: i16) -> Self {
        ObjectWriter { map: Map::new(), version }
    }

    /// Writes the field `field` (the spec's name, for errors) under `key`.
    pub(crate) fn field<T: ToJson>(&mut self, key: &str, field: &'static str, value: &T) -> Result<(), EncodeError> {
        let value = value.to_json(self.version).map_err(|e| e.in_field(field))?;
        self.map.insert(key.to_string(), value);
        Ok(())
    }

    /// The error for a non-default value in a field the version cannot carry.
    #[cold]
    pub(crate) fn non_default_value(&self, field: &'static str) -> EncodeError {
        EncodeError::new(EncodeErrorKind::NonDefaultValue { version: self.version }).in_field(field)
    }

    pub(crate) fn finish(self) -> Value {
        Value::Object(self.map)
    }
}

/// Reads the fields of a struct from its JSON object.
pub(crate) struct ObjectReader<'a> {
    object: &'a Map<String, Value>,
    version: i16,
}

impl<'a> ObjectReader<'a> {
    pub(crate) fn new(value: &'a Value, version: i16) -> Result<Self, DecodeError> {
        let object = value.as_object().ok_or_else(|| error(format!("expected an object, got {}", kind(value))))?;
        Ok(ObjectReader { object, version })
    }

    /// Reads `key` into `place` (the field `field`, for errors); a missing
    /// key leaves the default, unless the version makes it `mandatory`.
    pub(crate) fn read<T: FromJson>(
        &self,
        place: &mut T,
        key: &'static str,
        field: &'static str,
        mandatory: bool,
    ) -> Result<(), DecodeError> {
        match self.object.get(key) {
            Some(v) => *place = T::from_json(v, self.version).map_err(|e| e.in_field(field))?,
            None if mandatory => return Err(missing(key, self.version)),
            None => {}
        }
        Ok(())
    }
}

/// The error for a field that is mandatory at this version but absent.
#[cold]
fn missing(field: &'static str, version: i16) -> DecodeError {
    error(format!("field '{field}' is mandatory in version {version}"))
}

/// A frame as one JSON object: `api`, `api_key`, `version`,
/// `correlation_id`, `client_id` (requests), and the `header` and
/// `message` in Kafka's JSON form. What the `kafka-wire` command prints for
/// each frame it decodes or proxies.
fn frame_object(
    api: crate::ApiKey,
    version: i16,
    correlation_id: i32,
    header: Value,
    message: Value,
    client_id: Option<&StrBytes>,
) -> Value {
    let mut out = Map::new();
    out.insert("api".into(), api.name().into());
    out.insert("api_key".into(), api.key().into());
    out.insert("version".into(), version.into());
    out.insert("correlation_id".into(), correlation_id.into());
    if let Some(client_id) = client_id {
        out.insert("client_id".into(), Value::String(client_id.to_string()));
    }
    out.insert("header".into(), header);
    out.insert("message".into(), message);
    Value::Object(out)
}

impl crate::RequestFrame {
    /// The frame as one JSON object (feature `json`): `api`, `api_key`,
    /// `version`, `correlation_id`, `client_id`, and the `header` and
    /// `message` in Kafka's JSON form.
    ///
    /// ```
    /// use kafka_wire_core::messages::MetadataRequest;
    /// use kafka_wire_core::RequestFrame;
    ///
    /// let json = RequestFrame::new(MetadataRequest::default(), 12, 7, Some("app")).to_json()?;
    /// assert_eq!((json["api"].as_str(), json["version"].as_i64(), json["client_id"].as_str()), (Some("Metadata"), Some(12), Some("app")));
    /// assert_eq!(json["header"]["correlationId"], 7);
    /// # Ok::<(), kafka_wire_core::EncodeError>(())
    /// ```
    pub fn to_json(&self) -> Result<Value, EncodeError> {
        let header = self.header.to_json(self.api_key().request_header_version(self.version()))?;
        let message = self.body.to_json(self.version())?;
        let client_id = self.header.client_id.as_ref();
        Ok(frame_object(self.api_key(), self.version(), self.correlation_id(), header, message, client_id))
    }
}

impl crate::ResponseFrame {
    /// The frame as one JSON object (feature `json`): `api`, `api_key`,
    /// `version` (the body's), `correlation_id`, and the `header` and
    /// `message` in Kafka's JSON form.
    pub fn to_json(&self) -> Result<Value, EncodeError> {
        let header = self.header.to_json(self.api_key().response_header_version(self.version))?;
        let message = self.body.to_json(self.version)?;
        Ok(frame_object(self.api_key(), self.version, self.correlation_id(), header, message, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the Java cross-check: without serde_json's correctly rounded
    /// float parser, this value read back as a neighbouring double.
    #[test]
    fn floats_read_back_exactly() {
        let value: Value = serde_json::from_str("214707.60076869154").unwrap();
        assert_eq!(f64::from_json(&value, 0).unwrap(), 214707.60076869154);
    }

    #[test]
    fn kafka_json_rules() {
        assert_eq!(uuid_to_kafka_string(&Uuid::nil()), "AAAAAAAAAAAAAAAAAAAAAA");
        assert!(i32::from_json(&Value::String("1".into()), 0).is_err(), "integers as strings are rejected");
        assert!(i16::from_json(&serde_json::json!(40000), 0).is_err());
        assert_eq!(i8::from_json(&serde_json::json!(200), 0).unwrap(), 72, "Kafka reads 128..=256 as n - 128");
        assert!(i32::from_json(&serde_json::json!(1.5), 0).is_err());
    }
}
