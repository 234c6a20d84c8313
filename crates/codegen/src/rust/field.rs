//! The Rust code for one field: its type, default, and the expressions that
//! read, write, size, compare and randomize it. Every expression is written
//! in terms of the variables the struct emitter sets up: `buf` (encode),
//! `r` (decode), `rng` (random), `version` and `flexible`.

use super::ident::{field_ident, snake_case};
use crate::spec::{FieldSpec, FieldType, Versions};
use base64::Engine;

/// A Rust boolean expression for "`version` is in `range`", simplified using
/// the versions the surrounding struct can have (`within`).
pub fn cond(range: Versions, within: Versions) -> String {
    if range.covers(within) {
        return "true".into();
    }
    let (Some((a, b)), Some((lo, hi))) = (range.0, within.0) else { return "false".into() };
    if range.intersect(within).is_empty() {
        return "false".into();
    }
    let mut parts = Vec::new();
    if a > lo {
        parts.push(format!("version >= {a}"));
    }
    if b < hi {
        parts.push(format!("version <= {b}"));
    }
    parts.join(" && ")
}

/// One field in the context of the struct that holds it.
pub struct Field<'a> {
    pub spec: &'a FieldSpec,
    /// The versions the holding struct can appear in.
    pub within: Versions,
    /// The message's flexible versions.
    pub flexible: Versions,
}

impl<'a> Field<'a> {
    pub fn ident(&self) -> String {
        field_ident(&self.spec.name)
    }

    /// A local variable name for decoding (never a raw identifier).
    pub fn local(&self) -> String {
        format!("f_{}", snake_case(&self.spec.name))
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn is_option(&self) -> bool {
        self.spec.is_nullable_anywhere()
    }

    pub fn present(&self) -> Versions {
        self.spec.versions.intersect(self.within)
    }

    pub fn untagged(&self) -> Versions {
        self.spec.untagged_versions().intersect(self.within)
    }

    pub fn tagged(&self) -> Versions {
        self.spec.tagged_present_versions().intersect(self.within).intersect(self.flexible)
    }

    /// Whether strings/bytes/arrays use compact encodings, as an expression.
    fn compact(&self, tagged: bool) -> String {
        if tagged {
            return "true".into();
        }
        match self.spec.flexible_versions {
            Some(over) => cond(over, self.within),
            None => "flexible".into(),
        }
    }

    fn nullable(&self, tagged: bool) -> String {
        let within = if tagged { self.tagged() } else { self.untagged() };
        cond(self.spec.nullable_versions, within)
    }

    pub fn rust_type(&self) -> String {
        let base = rust_type(&self.spec.ty);
        if self.is_option() {
            format!("Option<{base}>")
        } else {
            base
        }
    }

    /// The field's default value as a Rust expression.
    pub fn default_expr(&self) -> Result<String, String> {
        let f = self.spec;
        if self.is_option() {
            if f.default_is_null() || f.ty == FieldType::Records {
                return Ok("None".into());
            }
            return Ok(format!("Some({})", base_default(f)?));
        }
        if f.default_is_null() {
            return Err("null default on a field that is never nullable".into());
        }
        base_default(f)
    }

    /// An expression that is true when the field differs from its default.
    pub fn non_default_expr(&self) -> Result<String, String> {
        let f = self.spec;
        let place = format!("self.{}", self.ident());
        if self.is_option() {
            if f.default_is_null() || f.ty == FieldType::Records {
                return Ok(format!("{place}.is_some()"));
            }
            return Ok(format!("{place}.as_ref().map_or(true, |v| {})", differs(f, "v", true)?));
        }
        differs(f, &place, false)
    }

    /// A statement that writes the value, adding the field name to errors.
    pub fn write_stmt(&self, tagged: bool) -> String {
        if !self.is_option() && self.spec.ty.fixed_size().is_some() {
            // Fixed-size values cannot fail: write them directly.
            let place = format!("self.{}", self.ident());
            return match self.spec.ty {
                FieldType::Bool => format!("buf.put_u8({place} as u8);"),
                FieldType::Uuid => format!("buf.put_slice({place}.as_bytes());"),
                ref t => format!("buf.put_{}({place});", rust_type(t)),
            };
        }
        format!("{}.map_err(|e| e.in_field({:?}))?;", self.write_expr(tagged), self.name())
    }

    /// Writes the value (an expression of type `Result<(), EncodeError>`).
    fn write_expr(&self, tagged: bool) -> String {
        let compact = self.compact(tagged);
        let nullable = self.nullable(tagged);
        let place = format!("self.{}", self.ident());
        if !self.is_option() {
            return write_value(&self.spec.ty, &place, &format!("&{place}"), &compact);
        }
        match &self.spec.ty {
            FieldType::String => {
                format!("c::put_nullable_string(buf, {place}.as_deref(), {compact}, {nullable}, version)")
            }
            FieldType::Bytes | FieldType::Records => {
                format!("c::put_nullable_bytes(buf, {place}.as_ref(), {compact}, {nullable}, version)")
            }
            FieldType::Struct(_) => format!(
                "c::put_nullable_struct(buf, {place}.as_ref(), {nullable}, {tagged}, version, |buf, v| v.encode_fields(buf, version))"
            ),
            FieldType::Array(elem) if is_wire_scalar(elem) => {
                format!("c::put_nullable_wire_array(buf, {place}.as_ref(), {compact}, {nullable}, version)")
            }
            FieldType::Array(elem) => format!(
                "c::put_nullable_array(buf, {place}.as_deref(), {compact}, {nullable}, version, |buf, e| {})",
                write_value(elem, "*e", "e", &compact)
            ),
            other => unreachable!("{other:?} cannot be nullable"),
        }
    }

    /// The encoded size of the value (a `usize` expression).
    pub fn size_expr(&self, tagged: bool) -> String {
        let compact = self.compact(tagged);
        let nullable = self.nullable(tagged);
        let place = format!("self.{}", self.ident());
        if !self.is_option() {
            return size_value(&self.spec.ty, &format!("&{place}"), &compact);
        }
        match &self.spec.ty {
            FieldType::String => format!("c::nullable_string_size({place}.as_deref(), {compact})"),
            FieldType::Bytes | FieldType::Records => format!("c::nullable_bytes_size({place}.as_deref(), {compact})"),
            FieldType::Struct(_) => {
                format!("c::nullable_struct_size({place}.as_ref(), {nullable}, |v| v.fields_size(version))")
            }
            FieldType::Array(elem) if is_wire_scalar(elem) => {
                format!("c::nullable_wire_array_size({place}.as_ref(), {compact})")
            }
            FieldType::Array(elem) => format!(
                "c::nullable_array_size({place}.as_deref(), {compact}, |e| {})",
                size_value(elem, "e", &compact)
            ),
            other => unreachable!("{other:?} cannot be nullable"),
        }
    }

    /// Reads the value from `r` (an expression of type `Result<T, DecodeError>`).
    pub fn read_expr(&self, tagged: bool) -> String {
        let compact = self.compact(tagged);
        let nullable = self.nullable(tagged);
        if !self.is_option() {
            return read_value(&self.spec.ty, &compact);
        }
        match &self.spec.ty {
            FieldType::String => format!("r.read_nullable_string({compact}, {nullable}, version)"),
            FieldType::Bytes | FieldType::Records => format!("r.read_nullable_bytes({compact}, {nullable}, version)"),
            FieldType::Struct(name) => {
                format!("c::read_nullable_struct(r, {nullable}, {tagged}, |r| {name}::decode_fields(r, version))")
            }
            FieldType::Array(elem) if is_wire_scalar(elem) => {
                format!("r.read_nullable_wire_array({compact}, {nullable}, version)")
            }
            FieldType::Array(elem) => {
                format!("c::read_nullable_array(r, {compact}, {nullable}, version, |r| {})", read_value(elem, &compact))
            }
            other => unreachable!("{other:?} cannot be nullable"),
        }
    }

    /// The field's name in Kafka's JSON: the spec name with a lower-case first letter.
    pub fn json_name(&self) -> String {
        let mut c = self.spec.name.chars();
        c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
    }

    /// The field as a JSON value (`Result<Value, EncodeError>`).
    pub fn to_json_expr(&self) -> String {
        let place = format!("self.{}", self.ident());
        match (&self.spec.ty, self.is_option()) {
            (FieldType::Struct(_), false) => format!("j::ToJson::to_json(&{place}, version)"),
            (FieldType::Struct(_), true) => format!(
                "match &{place} {{ Some(v) => j::ToJson::to_json(v, version), None => Ok(j::serde_json::Value::Null) }}"
            ),
            (FieldType::Array(e), false) if e.struct_name().is_some() => format!("j::structs_to_value(&{place}, version)"),
            (FieldType::Array(e), true) if e.struct_name().is_some() => format!(
                "match &{place} {{ Some(v) => j::structs_to_value(v, version), None => Ok(j::serde_json::Value::Null) }}"
            ),
            _ => format!("j::JsonValue::to_value(&{place})"),
        }
    }

    /// The field from the JSON value `v` (`Result<T, DecodeError>`).
    pub fn from_json_expr(&self) -> String {
        match (&self.spec.ty, self.is_option()) {
            (FieldType::Struct(n), false) => format!("<{n} as j::FromJson>::from_json(v, version)"),
            (FieldType::Struct(n), true) => {
                format!(
                    "if v.is_null() {{ Ok(None) }} else {{ <{n} as j::FromJson>::from_json(v, version).map(Some) }}"
                )
            }
            (FieldType::Array(e), false) if e.struct_name().is_some() => {
                "j::structs_from_value(v, version)".to_string()
            }
            (FieldType::Array(e), true) if e.struct_name().is_some() => {
                "if v.is_null() { Ok(None) } else { j::structs_from_value(v, version).map(Some) }".to_string()
            }
            _ => format!("<{} as j::JsonValue>::from_value(v)", self.rust_type()),
        }
    }

    /// A random value valid at `version`, assuming the field is present.
    pub fn random_expr(&self) -> String {
        let value = random_value(&self.spec.ty);
        if !self.is_option() {
            return value;
        }
        let nullable = cond(self.spec.nullable_versions, self.present());
        if nullable == "false" {
            format!("Some({value})")
        } else {
            format!("if {nullable} && rnd::null(rng) {{ None }} else {{ Some({value}) }}")
        }
    }
}

pub fn rust_type(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "bool".into(),
        FieldType::Int8 => "i8".into(),
        FieldType::Int16 => "i16".into(),
        FieldType::Uint16 => "u16".into(),
        FieldType::Int32 => "i32".into(),
        FieldType::Uint32 => "u32".into(),
        FieldType::Int64 => "i64".into(),
        FieldType::Float64 => "f64".into(),
        FieldType::String => "StrBytes".into(),
        FieldType::Bytes | FieldType::Records => "Bytes".into(),
        FieldType::Uuid => "Uuid".into(),
        FieldType::Struct(name) => name.clone(),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("WireArray<{}>", rust_type(elem)),
        FieldType::Array(elem) => format!("Vec<{}>", rust_type(elem)),
    }
}

/// Arrays of these element types are `WireArray`s: kept in their wire form,
/// decoded as one slice of the input instead of an allocation and a loop.
/// (Bools are not: Kafka reads any non-zero byte as true, so their wire
/// form is not canonical.)
fn is_wire_scalar(elem: &FieldType) -> bool {
    matches!(
        elem,
        FieldType::Int8
            | FieldType::Int16
            | FieldType::Uint16
            | FieldType::Int32
            | FieldType::Uint32
            | FieldType::Int64
            | FieldType::Float64
    )
}

/// Parses an integer default (decimal or 0x-hex) and checks it fits `lo..=hi`.
fn int_default(text: &str, lo: i128, hi: i128) -> Result<String, String> {
    if text.is_empty() {
        return Ok("0".into());
    }
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = match body.strip_prefix("0x") {
        Some(hex) => i128::from_str_radix(hex, 16),
        None => body.parse::<i128>(),
    }
    .map_err(|_| format!("invalid integer default {text:?}"))?;
    let value = if neg { -magnitude } else { magnitude };
    if value < lo || value > hi {
        return Err(format!("default {text:?} is out of range"));
    }
    Ok(value.to_string())
}

fn base_default(f: &FieldSpec) -> Result<String, String> {
    let d = f.default.as_str();
    let need_empty = |what: &str| {
        if d.is_empty() || d == "null" {
            Ok(())
        } else {
            Err(format!("the only valid default for a {what} field is empty or null, not {d:?}"))
        }
    };
    Ok(match &f.ty {
        FieldType::Bool => match d.to_ascii_lowercase().as_str() {
            "" | "false" => "false".into(),
            "true" => "true".into(),
            _ => return Err(format!("invalid bool default {d:?}")),
        },
        FieldType::Int8 => int_default(d, i8::MIN as i128, i8::MAX as i128)?,
        FieldType::Int16 => int_default(d, i16::MIN as i128, i16::MAX as i128)?,
        FieldType::Uint16 => int_default(d, 0, u16::MAX as i128)?,
        FieldType::Int32 => int_default(d, i32::MIN as i128, i32::MAX as i128)?,
        FieldType::Uint32 => int_default(d, 0, u32::MAX as i128)?,
        FieldType::Int64 => int_default(d, i64::MIN as i128, i64::MAX as i128)?,
        FieldType::Float64 => {
            let v: f64 =
                if d.is_empty() { 0.0 } else { d.parse().map_err(|_| format!("invalid float default {d:?}"))? };
            format!("{v:?}")
        }
        FieldType::Uuid => {
            if d.is_empty() {
                "Uuid::nil()".into()
            } else {
                let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(d)
                    .map_err(|_| format!("invalid uuid default {d:?}"))?;
                let bytes: [u8; 16] = raw.try_into().map_err(|_| format!("invalid uuid default {d:?}"))?;
                format!("Uuid::from_bytes({bytes:?})")
            }
        }
        FieldType::String => format!("StrBytes::from_static({d:?})"),
        FieldType::Bytes | FieldType::Records => {
            need_empty("bytes")?;
            "Bytes::new()".into()
        }
        FieldType::Struct(name) => {
            need_empty("struct")?;
            format!("{name}::default()")
        }
        FieldType::Array(elem) => {
            need_empty("array")?;
            if is_wire_scalar(elem) { "WireArray::new()" } else { "Vec::new()" }.into()
        }
    })
}

/// "`place` differs from the field's (non-null) default". `by_ref`: `place`
/// is a reference.
fn differs(f: &FieldSpec, place: &str, by_ref: bool) -> Result<String, String> {
    let deref = if by_ref { format!("*{place}") } else { place.to_string() };
    Ok(match &f.ty {
        FieldType::String => format!("{place}.as_str() != {:?}", f.default),
        FieldType::Bytes | FieldType::Records | FieldType::Array(_) => format!("!{place}.is_empty()"),
        FieldType::Struct(name) => format!("{deref} != {name}::default()"),
        _ => format!("{deref} != {}", base_default(f)?),
    })
}

/// Writes a non-null value. `val` is the value (for `Copy` types), `refv` a
/// reference to it.
fn write_value(ty: &FieldType, val: &str, refv: &str, compact: &str) -> String {
    let put = |m: &str, v: &str| format!("{{ buf.{m}({v}); Ok(()) }}");
    match ty {
        FieldType::Bool => put("put_u8", &format!("{val} as u8")),
        FieldType::Int8 => put("put_i8", val),
        FieldType::Int16 => put("put_i16", val),
        FieldType::Uint16 => put("put_u16", val),
        FieldType::Int32 => put("put_i32", val),
        FieldType::Uint32 => put("put_u32", val),
        FieldType::Int64 => put("put_i64", val),
        FieldType::Float64 => put("put_f64", val),
        FieldType::Uuid => format!("{{ buf.put_slice(({refv}).as_bytes()); Ok(()) }}"),
        FieldType::String => format!("c::put_string(buf, {refv}, {compact})"),
        FieldType::Bytes | FieldType::Records => format!("c::put_bytes(buf, {refv}, {compact})"),
        FieldType::Struct(_) => format!("({refv}).encode_fields(buf, version)"),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("c::put_wire_array(buf, {refv}, {compact})"),
        FieldType::Array(elem) => {
            format!("c::put_array(buf, {refv}, {compact}, |buf, e| {})", write_value(elem, "*e", "e", compact))
        }
    }
}

fn size_value(ty: &FieldType, refv: &str, compact: &str) -> String {
    if let Some(n) = ty.fixed_size() {
        return n.to_string();
    }
    match ty {
        FieldType::String => format!("c::string_size({refv}, {compact})"),
        FieldType::Bytes | FieldType::Records => format!("c::bytes_size({refv}, {compact})"),
        FieldType::Struct(_) => format!("({refv}).fields_size(version)"),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("c::wire_array_size({refv}, {compact})"),
        FieldType::Array(elem) => match elem.fixed_size() {
            Some(n) => format!("c::array_len_size(({refv}).len(), {compact}) + ({refv}).len() * {n}"),
            None => format!("c::array_size({refv}, {compact}, |e| {})", size_value(elem, "e", compact)),
        },
        _ => unreachable!(),
    }
}

fn read_value(ty: &FieldType, compact: &str) -> String {
    match ty {
        FieldType::Bool => "r.read_bool()".into(),
        FieldType::Int8 => "r.read_i8()".into(),
        FieldType::Int16 => "r.read_i16()".into(),
        FieldType::Uint16 => "r.read_u16()".into(),
        FieldType::Int32 => "r.read_i32()".into(),
        FieldType::Uint32 => "r.read_u32()".into(),
        FieldType::Int64 => "r.read_i64()".into(),
        FieldType::Float64 => "r.read_f64()".into(),
        FieldType::Uuid => "r.read_uuid()".into(),
        FieldType::String => format!("r.read_string({compact}, version)"),
        FieldType::Bytes | FieldType::Records => format!("r.read_bytes({compact}, version)"),
        FieldType::Struct(name) => format!("{name}::decode_fields(r, version)"),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("r.read_wire_array({compact}, version)"),
        FieldType::Array(elem) => format!("c::read_array(r, {compact}, version, |r| {})", read_value(elem, compact)),
    }
}

fn random_value(ty: &FieldType) -> String {
    match ty {
        FieldType::Bool => "rng.bool()".into(),
        FieldType::Int8 => "rng.i8(..)".into(),
        FieldType::Int16 => "rng.i16(..)".into(),
        FieldType::Uint16 => "rng.u16(..)".into(),
        FieldType::Int32 => "rnd::i32(rng)".into(),
        FieldType::Uint32 => "rng.u32(..)".into(),
        FieldType::Int64 => "rnd::i64(rng)".into(),
        FieldType::Float64 => "rnd::float64(rng)".into(),
        FieldType::Uuid => "rnd::uuid(rng)".into(),
        FieldType::String => "rnd::string(rng)".into(),
        FieldType::Bytes | FieldType::Records => "rnd::bytes(rng)".into(),
        FieldType::Struct(name) => format!("<{name} as rnd::Random>::random(rng, version)"),
        FieldType::Array(elem) if is_wire_scalar(elem) => {
            format!("WireArray::from(rnd::vec(rng, |rng| {}))", random_value(elem))
        }
        FieldType::Array(elem) => format!("rnd::vec(rng, |rng| {})", random_value(elem)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_simplify_against_the_struct_versions() {
        let all = Versions(Some((0, 13)));
        assert_eq!(cond(Versions::parse("0+").unwrap(), all), "true");
        assert_eq!(cond(Versions::parse("3+").unwrap(), all), "version >= 3");
        assert_eq!(cond(Versions::parse("8-10").unwrap(), all), "version >= 8 && version <= 10");
        assert_eq!(cond(Versions::NONE, all), "false");
        assert_eq!(cond(Versions::parse("14+").unwrap(), all), "false");
    }

    #[test]
    fn integer_defaults() {
        assert_eq!(int_default("0x7fffffff", i32::MIN as i128, i32::MAX as i128).unwrap(), "2147483647");
        assert_eq!(int_default("-1", i32::MIN as i128, i32::MAX as i128).unwrap(), "-1");
        assert!(int_default("0xffffffff", i32::MIN as i128, i32::MAX as i128).is_err());
    }
}
