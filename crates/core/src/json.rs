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

use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::{StrBytes, WireArray, WireScalar};
use base64::Engine;
use bytes::Bytes;
use serde_json::{Map, Number, Value};
use uuid::Uuid;

pub use serde_json;

/// Writes a message or struct as Kafka's JSON at a version.
pub trait ToJson {
    fn to_json(&self, version: i16) -> Result<Value, EncodeError>;
}

/// Reads a message or struct from Kafka's JSON at a version.
pub trait FromJson: Sized {
    fn from_json(value: &Value, version: i16) -> Result<Self, DecodeError>;
}

#[cold]
pub fn error(why: impl Into<String>) -> DecodeError {
    DecodeError::new(DecodeErrorKind::Json(why.into()), 0)
}

/// The object a struct is read from.
pub fn object(value: &Value) -> Result<&Map<String, Value>, DecodeError> {
    value.as_object().ok_or_else(|| error(format!("expected an object, got {}", kind(value))))
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

/// Converts a field value to JSON.
pub trait JsonValue: Sized {
    fn to_value(&self) -> Result<Value, EncodeError>;
    fn from_value(value: &Value) -> Result<Self, DecodeError>;
}

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
        impl JsonValue for $t {
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

impl JsonValue for i8 {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::Number(Number::from(*self)))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let mut n = integer(value)?;
        // Kafka's quirk (MessageUtil.jsonNodeToByte): 128..=256 read as n - 128.
        if n > 127 && n <= 256 {
            n -= 128;
        }
        i8::try_from(n)
            .or_else(|_| if n == 128 { Ok(i8::MIN) } else { Err(()) })
            .map_err(|_| error(format!("{n} does not fit in an 8-bit signed integer")))
    }
}

impl JsonValue for bool {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::Bool(*self))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        value.as_bool().ok_or_else(|| error(format!("expected a boolean, got {}", kind(value))))
    }
}

impl JsonValue for f64 {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Number::from_f64(*self).map(Value::Number).ok_or_else(|| {
            EncodeError::new(crate::error::EncodeErrorKind::Invalid("NaN and infinities have no JSON form"))
        })
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        value.as_f64().ok_or_else(|| error(format!("expected a number, got {}", kind(value))))
    }
}

impl JsonValue for StrBytes {
    fn to_value(&self) -> Result<Value, EncodeError> {
        Ok(Value::String(self.as_str().to_string()))
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        value.as_str().map(StrBytes::from).ok_or_else(|| error(format!("expected a string, got {}", kind(value))))
    }
}

impl JsonValue for Bytes {
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

impl JsonValue for Uuid {
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

pub fn uuid_from_kafka_string(text: &str) -> Result<Uuid, DecodeError> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| error(format!("invalid UUID {text:?}")))?;
    let bytes: [u8; 16] = raw.try_into().map_err(|_| error(format!("invalid UUID {text:?}")))?;
    Ok(Uuid::from_bytes(bytes))
}

impl<T: JsonValue> JsonValue for Option<T> {
    fn to_value(&self) -> Result<Value, EncodeError> {
        match self {
            Some(v) => v.to_value(),
            None => Ok(Value::Null),
        }
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl<T: JsonValue> JsonValue for Vec<T> {
    fn to_value(&self) -> Result<Value, EncodeError> {
        self.iter()
            .enumerate()
            .map(|(i, v)| v.to_value().map_err(|e| e.in_index(i)))
            .collect::<Result<_, _>>()
            .map(Value::Array)
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let items = value.as_array().ok_or_else(|| error(format!("expected an array, got {}", kind(value))))?;
        items.iter().enumerate().map(|(i, v)| T::from_value(v).map_err(|e| e.in_index(i))).collect()
    }
}

impl<T: JsonValue + WireScalar> JsonValue for WireArray<T> {
    fn to_value(&self) -> Result<Value, EncodeError> {
        self.to_vec().to_value()
    }
    fn from_value(value: &Value) -> Result<Self, DecodeError> {
        Vec::<T>::from_value(value).map(WireArray::from)
    }
}

/// An array of structs to JSON at `version` (structs need the version,
/// so they go through `ToJson` rather than `JsonValue`).
pub fn structs_to_value<T: ToJson>(values: &[T], version: i16) -> Result<Value, EncodeError> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| v.to_json(version).map_err(|e| e.in_index(i)))
        .collect::<Result<_, _>>()
        .map(Value::Array)
}

pub fn structs_from_value<T: FromJson>(value: &Value, version: i16) -> Result<Vec<T>, DecodeError> {
    let items = value.as_array().ok_or_else(|| error(format!("expected an array, got {}", kind(value))))?;
    items.iter().enumerate().map(|(i, v)| T::from_json(v, version).map_err(|e| e.in_index(i))).collect()
}

/// The error for a field that is mandatory at this version but absent.
#[cold]
pub fn missing(field: &'static str, version: i16) -> DecodeError {
    error(format!("field '{field}' is mandatory in version {version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the Java cross-check: without serde_json's correctly rounded
    /// float parser, this value read back as a neighbouring double.
    #[test]
    fn floats_read_back_exactly() {
        let value: Value = serde_json::from_str("214707.60076869154").unwrap();
        assert_eq!(f64::from_value(&value).unwrap(), 214707.60076869154);
    }

    #[test]
    fn kafka_json_rules() {
        assert_eq!(uuid_to_kafka_string(&Uuid::nil()), "AAAAAAAAAAAAAAAAAAAAAA");
        assert!(i32::from_value(&Value::String("1".into())).is_err(), "integers as strings are rejected");
        assert!(i16::from_value(&serde_json::json!(40000)).is_err());
        assert_eq!(i8::from_value(&serde_json::json!(200)).unwrap(), 72, "Kafka reads 128..=256 as n - 128");
        assert!(i32::from_value(&serde_json::json!(1.5)).is_err());
    }
}
