//! One field of a struct as the emitters see it: its Rust type and default,
//! the versions it is present, untagged and tagged in (as [`Cond`]s within
//! the struct's versions), and the wire expressions that write, size and
//! read it.
//!
//! Every expression is written in terms of the names the wire emitter sets
//! up: `buf` (encode), `r` (decode), `version`, and `flexible` where
//! flexibility depends on the version. The calls land in the runtime's
//! `codec` module, one submodule per wire type, each with the same verbs:
//! `put`/`read`/`size`, and `put_nullable`/`read_nullable`/`nullable_size`.

use crate::flatten::StructDef;
use crate::naming::{field_ident, json_name, local_ident};
use crate::spec::{FieldSpec, FieldType, MessageSpec, Versions};
use crate::versions::{Cond, VersionSet};
use base64::Engine;

/// One field in the context of the struct that holds it.
pub(super) struct Field<'a> {
    pub spec: &'a FieldSpec,
    /// The versions the holding struct can be encoded at.
    pub domain: VersionSet,
    /// The message's flexible versions.
    pub flexible: Versions,
}

impl<'a> Field<'a> {
    /// The fields of a struct of `spec`, in order.
    pub(super) fn of_struct(spec: &MessageSpec, def: &StructDef<'a>) -> Vec<Field<'a>> {
        def.fields.iter().map(|f| Field { spec: f, domain: def.domain, flexible: spec.flexible_versions }).collect()
    }

    pub(super) fn name(&self) -> &str {
        &self.spec.name
    }

    pub(super) fn ident(&self) -> String {
        field_ident(&self.spec.name)
    }

    pub(super) fn local(&self) -> String {
        local_ident(&self.spec.name)
    }

    pub(super) fn json_name(&self) -> String {
        json_name(&self.spec.name)
    }

    pub(super) fn tag(&self) -> Option<u32> {
        self.spec.tag
    }

    /// The versions in which the field is present at all.
    pub(super) fn present(&self) -> Cond {
        Cond::new(self.spec.versions, self.domain)
    }

    /// The versions in which it is written in line, in field order.
    pub(super) fn untagged(&self) -> Cond {
        Cond::new(self.spec.untagged_versions(), self.domain)
    }

    /// The versions in which it is a tagged field (always flexible ones).
    pub(super) fn tagged(&self) -> Cond {
        Cond::new(self.spec.tagged_present_versions().intersect(self.flexible), self.domain)
    }

    /// Whether the field can be left out of a run of fixed-size fields:
    /// never null, of a fixed size, in line in every version of the struct.
    pub(super) fn is_fixed_in_every_version(&self) -> bool {
        !self.is_option() && self.spec.ty.fixed_size().is_some() && self.untagged().is_always()
    }

    pub(super) fn is_option(&self) -> bool {
        self.spec.is_nullable_anywhere()
    }

    /// The versions this encoding of the field is used in.
    fn versions(&self, tagged: bool) -> Cond {
        if tagged {
            self.tagged()
        } else {
            self.untagged()
        }
    }

    /// Whether strings, bytes and arrays use their compact form: always in a
    /// tagged field, else in flexible versions (or the field's override).
    fn compact(&self, tagged: bool) -> String {
        if tagged {
            return "true".into();
        }
        let domain = self.untagged().set();
        match self.spec.flexible_versions {
            Some(over) => Cond::new(over, domain).expr(),
            None => {
                let flexible = Cond::new(self.flexible, domain);
                if flexible.is_always() || flexible.is_never() {
                    flexible.expr()
                } else {
                    "flexible".into()
                }
            }
        }
    }

    /// Whether null is allowed, where this encoding is used.
    fn nullable(&self, tagged: bool) -> String {
        Cond::new(self.spec.nullable_versions, self.versions(tagged).set()).expr()
    }

    pub(super) fn rust_type(&self) -> String {
        let base = rust_type(&self.spec.ty);
        if self.is_option() {
            format!("Option<{base}>")
        } else {
            base
        }
    }

    /// The field's default value as a Rust expression.
    pub(super) fn default_expr(&self) -> Result<String, String> {
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

    /// Whether the default is what `Default::default()` gives the Rust type,
    /// so a struct of such fields can derive `Default`.
    pub(super) fn default_is_type_default(&self) -> Result<bool, String> {
        let d = self.default_expr()?;
        let type_default = match &self.spec.ty {
            _ if self.is_option() => "None",
            FieldType::Bool => "false",
            FieldType::Float64 => "0.0",
            FieldType::String => "StrBytes::from_static(\"\")",
            FieldType::Bytes | FieldType::Records => "Bytes::new()",
            FieldType::Uuid => "Uuid::nil()",
            FieldType::Struct(name) => return Ok(d == format!("{name}::default()")),
            FieldType::Array(elem) if is_wire_scalar(elem) => "WireArray::new()",
            FieldType::Array(_) => "Vec::new()",
            _ => "0",
        };
        Ok(d == type_default)
    }

    /// An expression that is true when the field differs from its default.
    pub(super) fn differs_from_default(&self) -> Result<String, String> {
        let f = self.spec;
        let place = format!("self.{}", self.ident());
        if self.is_option() {
            if f.default_is_null() || f.ty == FieldType::Records {
                return Ok(format!("{place}.is_some()"));
            }
            return Ok(format!("!matches!(&{place}, Some(v) if {})", default_test(f, "v", true, true)?));
        }
        default_test(f, &place, false, false)
    }

    /// A statement that writes the value, adding the field name to errors.
    pub(super) fn write_stmt(&self, tagged: bool) -> String {
        let place = format!("self.{}", self.ident());
        if !self.is_option() {
            if let Some(put) = put_fixed(&self.spec.ty, &place) {
                // Fixed-size values cannot fail: written directly.
                return format!("{put};");
            }
        }
        format!("{}.map_err(|e| e.in_field({:?}))?;", self.write_expr(&place, tagged), self.name())
    }

    /// Whether writing or sizing the field calls the runtime's codec: all
    /// but fixed-size values and structs, which are written in place.
    pub(super) fn encoding_calls_codec(&self) -> bool {
        let in_place = self.spec.ty.fixed_size().is_some() || matches!(self.spec.ty, FieldType::Struct(_));
        self.is_option() || !in_place
    }

    /// Writes the value (an expression of type `Result<(), EncodeError>`).
    fn write_expr(&self, place: &str, tagged: bool) -> String {
        let compact = self.compact(tagged);
        if !self.is_option() {
            return write_value(&self.spec.ty, &format!("&{place}"), &compact);
        }
        let nullable = self.nullable(tagged);
        match &self.spec.ty {
            FieldType::String => {
                format!("c::string::put_nullable(buf, {place}.as_deref(), {compact}, {nullable}, version)")
            }
            FieldType::Bytes | FieldType::Records => {
                format!("c::bytes::put_nullable(buf, {place}.as_ref(), {compact}, {nullable}, version)")
            }
            FieldType::Struct(_) => format!(
                "c::nullable_struct::put(buf, {place}.as_ref(), {nullable}, {tagged}, version, |buf, v| v.encode_fields(buf, version))"
            ),
            FieldType::Array(elem) if is_wire_scalar(elem) => {
                format!("c::wire_array::put_nullable(buf, {place}.as_ref(), {compact}, {nullable}, version)")
            }
            FieldType::Array(elem) => format!(
                "c::array::put_nullable(buf, {place}.as_deref(), {compact}, {nullable}, version, |buf, e| {})",
                write_element(elem, &compact)
            ),
            other => unreachable!("{other:?} cannot be nullable"),
        }
    }

    /// The encoded size of the value (a `usize` expression).
    pub(super) fn size_expr(&self, tagged: bool) -> String {
        let compact = self.compact(tagged);
        let place = format!("self.{}", self.ident());
        if !self.is_option() {
            return size_value(&self.spec.ty, &format!("&{place}"), &compact);
        }
        match &self.spec.ty {
            FieldType::String => format!("c::string::nullable_size({place}.as_deref(), {compact})"),
            FieldType::Bytes | FieldType::Records => format!("c::bytes::nullable_size({place}.as_ref(), {compact})"),
            FieldType::Struct(_) => format!(
                "c::nullable_struct::size({place}.as_ref(), {}, |v| v.fields_size(version))",
                self.nullable(tagged)
            ),
            FieldType::Array(elem) if is_wire_scalar(elem) => {
                format!("c::wire_array::nullable_size({place}.as_ref(), {compact})")
            }
            FieldType::Array(elem) => match elem.fixed_size() {
                Some(n) => format!("c::array::nullable_fixed_size({place}.as_deref(), {compact}, {n})"),
                None => format!(
                    "c::array::nullable_size({place}.as_deref(), {compact}, |e| {})",
                    size_value(elem, "e", &compact)
                ),
            },
            other => unreachable!("{other:?} cannot be nullable"),
        }
    }

    /// Reads the value from `r` (an expression of type `Result<T, DecodeError>`).
    pub(super) fn read_expr(&self, tagged: bool) -> String {
        let compact = self.compact(tagged);
        if !self.is_option() {
            return read_value(&self.spec.ty, &compact);
        }
        let nullable = self.nullable(tagged);
        match &self.spec.ty {
            FieldType::String => format!("c::string::read_nullable(r, {compact}, {nullable}, version)"),
            FieldType::Bytes | FieldType::Records => {
                format!("c::bytes::read_nullable(r, {compact}, {nullable}, version)")
            }
            FieldType::Struct(name) => {
                format!("c::nullable_struct::read(r, {nullable}, {tagged}, |r| {name}::decode_fields(r, version))")
            }
            FieldType::Array(elem) if is_wire_scalar(elem) => {
                format!("c::wire_array::read_nullable(r, {compact}, {nullable}, version)")
            }
            FieldType::Array(elem) => read_array(elem, &compact, Some(&nullable)),
            other => unreachable!("{other:?} cannot be nullable"),
        }
    }
}

pub(super) fn rust_type(ty: &FieldType) -> String {
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
pub(super) fn is_wire_scalar(elem: &FieldType) -> bool {
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
        FieldType::Uuid => match uuid_default(d)? {
            None => "Uuid::nil()".into(),
            Some(bytes) => format!("Uuid::from_bytes({bytes:?})"),
        },
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

/// A uuid default: `None` for the nil uuid (empty in the spec).
fn uuid_default(d: &str) -> Result<Option<[u8; 16]>, String> {
    if d.is_empty() {
        return Ok(None);
    }
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(d)
        .map_err(|_| format!("invalid uuid default {d:?}"))?;
    let bytes: [u8; 16] = raw.try_into().map_err(|_| format!("invalid uuid default {d:?}"))?;
    Ok((bytes != [0; 16]).then_some(bytes))
}

/// "`place` is (`equal`) or is not the field's non-null default". `by_ref`:
/// `place` is a reference. Written without naming any type the module may
/// not import, so the JSON emitter can use it too.
fn default_test(f: &FieldSpec, place: &str, by_ref: bool, equal: bool) -> Result<String, String> {
    let value = if by_ref { format!("*{place}") } else { place.to_string() };
    let (eq, not) = if equal { ("==", "") } else { ("!=", "!") };
    Ok(match &f.ty {
        FieldType::Bool => {
            let is_true = base_default(f)? == "true";
            if is_true == equal {
                value
            } else {
                format!("!{value}")
            }
        }
        FieldType::String => format!("{place}.as_str() {eq} {:?}", f.default),
        FieldType::Bytes | FieldType::Records | FieldType::Array(_) => format!("{not}{place}.is_empty()"),
        FieldType::Uuid => match uuid_default(&f.default)? {
            None => format!("{not}{place}.is_nil()"),
            Some(bytes) => format!("{place}.as_bytes() {eq} &{bytes:?}"),
        },
        FieldType::Struct(name) => format!("{value} {eq} {name}::default()"),
        _ => format!("{value} {eq} {}", base_default(f)?),
    })
}

/// Writes a fixed-size value directly into `buf`, for the types that have one.
fn put_fixed(ty: &FieldType, val: &str) -> Option<String> {
    Some(match ty {
        FieldType::Bool => format!("buf.put_u8(u8::from({val}))"),
        FieldType::Uuid => format!("buf.put_slice({val}.as_bytes())"),
        FieldType::Int8 => format!("buf.put_i8({val})"),
        FieldType::Int16 => format!("buf.put_i16({val})"),
        FieldType::Uint16 => format!("buf.put_u16({val})"),
        FieldType::Int32 => format!("buf.put_i32({val})"),
        FieldType::Uint32 => format!("buf.put_u32({val})"),
        FieldType::Int64 => format!("buf.put_i64({val})"),
        FieldType::Float64 => format!("buf.put_f64({val})"),
        _ => return None,
    })
}

/// Writes a non-null value given by reference (`Result<(), EncodeError>`).
fn write_value(ty: &FieldType, refv: &str, compact: &str) -> String {
    match ty {
        FieldType::String => format!("c::string::put(buf, {refv}, {compact})"),
        FieldType::Bytes | FieldType::Records => format!("c::bytes::put(buf, {refv}, {compact})"),
        FieldType::Struct(_) => format!("{}.encode_fields(buf, version)", refv.trim_start_matches('&')),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("c::wire_array::put(buf, {refv}, {compact})"),
        FieldType::Array(elem) => {
            format!("c::array::put(buf, {refv}, {compact}, |buf, e| {})", write_element(elem, compact))
        }
        fixed => format!("{{ {}; Ok(()) }}", put_fixed(fixed, &format!("*{refv}")).unwrap()),
    }
}

/// Writes one array element `e` (a reference).
fn write_element(elem: &FieldType, compact: &str) -> String {
    let value = if *elem == FieldType::Uuid { "e" } else { "*e" };
    match put_fixed(elem, value) {
        Some(put) => format!("{{ {put}; Ok(()) }}"),
        None if matches!(elem, FieldType::Struct(_)) => "e.encode_fields(buf, version)".into(),
        None => write_value(elem, "e", compact),
    }
}

fn size_value(ty: &FieldType, refv: &str, compact: &str) -> String {
    if let Some(n) = ty.fixed_size() {
        return n.to_string();
    }
    match ty {
        FieldType::String => format!("c::string::size({refv}, {compact})"),
        FieldType::Bytes | FieldType::Records => format!("c::bytes::size({refv}, {compact})"),
        FieldType::Struct(_) => format!("{}.fields_size(version)", refv.trim_start_matches('&')),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("c::wire_array::size({refv}, {compact})"),
        FieldType::Array(elem) => match elem.fixed_size() {
            Some(n) => format!("c::array::fixed_size({refv}, {compact}, {n})"),
            None => format!("c::array::size({refv}, {compact}, |e| {})", size_value(elem, "e", compact)),
        },
        _ => unreachable!("every other type has a fixed size"),
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
        FieldType::String => format!("c::string::read(r, {compact}, version)"),
        FieldType::Bytes | FieldType::Records => format!("c::bytes::read(r, {compact}, version)"),
        FieldType::Struct(name) => format!("{name}::decode_fields(r, version)"),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("c::wire_array::read(r, {compact}, version)"),
        FieldType::Array(elem) => read_array(elem, compact, None),
    }
}

/// An array of `elem` read by `c::array`, nullable where `nullable` (the
/// expression saying whether null is allowed) is given: structs are decoded
/// into their place in the vector, other elements returned.
fn read_array(elem: &FieldType, compact: &str, nullable: Option<&str>) -> String {
    let (reader, nullable) = match nullable {
        Some(nullable) => ("read_nullable", format!("{nullable}, ")),
        None => ("read", String::new()),
    };
    match elem {
        FieldType::Struct(name) => format!(
            "c::array::{reader}_in_place(r, {compact}, {nullable}version, |r, slot| {name}::decode_into(r, version, slot))"
        ),
        elem => format!("c::array::{reader}(r, {compact}, {nullable}version, |r| {})", read_value(elem, compact)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_defaults() {
        assert_eq!(int_default("0x7fffffff", i32::MIN as i128, i32::MAX as i128).unwrap(), "2147483647");
        assert_eq!(int_default("-1", i32::MIN as i128, i32::MAX as i128).unwrap(), "-1");
        assert!(int_default("0xffffffff", i32::MIN as i128, i32::MAX as i128).is_err());
    }
}
