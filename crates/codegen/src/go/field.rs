//! One field of a struct as the Go emitter sees it: its Go type and
//! default, the versions it is present, untagged and tagged in (as
//! [`Cond`]s within the struct's versions), and the Go statements that
//! write, size and read it.
//!
//! The statements use the names the struct emitter sets up: `dst` and
//! `err` (encode), `n` (size), `r` and `err` (decode), `version`, and
//! `flexible` where flexibility depends on the version. Values are read
//! and written by the runtime in `go/internal/wire`.

use super::naming::{go_name, string_literal};
use super::test_expr;
use crate::spec::{FieldSpec, FieldType, Versions};
use crate::versions::{Cond, VersionSet};
use base64::Engine;
use std::collections::BTreeMap;

/// One field in the context of the struct that holds it.
pub(super) struct Field<'a> {
    pub spec: &'a FieldSpec,
    /// The versions the holding struct can be encoded at.
    pub domain: VersionSet,
    /// The message's flexible versions.
    pub flexible: Versions,
    /// The Go type of each struct of the spec, by spec name.
    pub types: &'a BTreeMap<String, String>,
}

/// How an error leaves a statement: `return` with the error wrapped in
/// the field's path.
pub(super) struct Exit<'a> {
    /// What the function returns before the error (`dst, ` in an encoder).
    pub before: &'a str,
    /// Whether to name the field in the error (not inside a tagged field's
    /// reader, whose caller names it).
    pub name_field: bool,
}

impl Exit<'_> {
    fn ret(&self, field: &str, err: &str) -> String {
        if self.name_field {
            format!("return {}wire.InField({err}, {})", self.before, string_literal(field))
        } else {
            format!("return {}{err}", self.before)
        }
    }
}

impl<'a> Field<'a> {
    /// The field's name in its spec.
    pub(super) fn name(&self) -> &str {
        &self.spec.name
    }

    /// The name errors give the field: its Go name, as the caller knows it.
    pub(super) fn error_name(&self) -> String {
        self.ident()
    }

    /// The Go field name.
    pub(super) fn ident(&self) -> String {
        go_name(&self.spec.name)
    }

    pub(super) fn place(&self) -> String {
        format!("v.{}", self.ident())
    }

    pub(super) fn tag(&self) -> Option<u32> {
        self.spec.tag
    }

    pub(super) fn present(&self) -> Cond {
        Cond::new(self.spec.versions, self.domain)
    }

    pub(super) fn untagged(&self) -> Cond {
        Cond::new(self.spec.untagged_versions(), self.domain)
    }

    pub(super) fn tagged(&self) -> Cond {
        Cond::new(self.spec.tagged_present_versions().intersect(self.flexible), self.domain)
    }

    /// Strings and structs that can be null are pointers; bytes and arrays
    /// are null when nil.
    pub(super) fn is_pointer(&self) -> bool {
        self.spec.is_nullable_anywhere() && matches!(self.spec.ty, FieldType::String | FieldType::Struct(_))
    }

    pub(super) fn is_nullable(&self) -> bool {
        self.spec.is_nullable_anywhere()
    }

    /// Whether the default is null (records that can be null default to
    /// null, as in the Rust output).
    fn default_is_null(&self) -> bool {
        self.is_nullable() && (self.spec.default_is_null() || self.spec.ty == FieldType::Records)
    }

    fn compact(&self, tagged: bool) -> String {
        if tagged {
            return "true".into();
        }
        let domain = self.untagged().set();
        match self.spec.flexible_versions {
            Some(over) => test_expr(Cond::new(over, domain)),
            None => {
                let flexible = Cond::new(self.flexible, domain);
                if flexible.is_always() || flexible.is_never() {
                    test_expr(flexible)
                } else {
                    "flexible".into()
                }
            }
        }
    }

    fn nullable(&self, tagged: bool) -> String {
        let versions = if tagged { self.tagged() } else { self.untagged() };
        test_expr(Cond::new(self.spec.nullable_versions, versions.set()))
    }

    pub(super) fn go_type(&self) -> String {
        let base = self.elem_type(&self.spec.ty);
        if self.is_pointer() {
            format!("*{base}")
        } else {
            base
        }
    }

    pub(super) fn elem_type(&self, ty: &FieldType) -> String {
        match ty {
            FieldType::Bool => "bool".into(),
            FieldType::Int8 => "int8".into(),
            FieldType::Int16 => "int16".into(),
            FieldType::Uint16 => "uint16".into(),
            FieldType::Int32 => "int32".into(),
            FieldType::Uint32 => "uint32".into(),
            FieldType::Int64 => "int64".into(),
            FieldType::Float64 => "float64".into(),
            FieldType::String => "string".into(),
            FieldType::Bytes | FieldType::Records => "[]byte".into(),
            FieldType::Uuid => "UUID".into(),
            FieldType::Struct(name) => self.struct_type(name),
            FieldType::Array(elem) => format!("[]{}", self.elem_type(elem)),
        }
    }

    fn struct_type(&self, name: &str) -> String {
        self.types.get(name).cloned().unwrap_or_else(|| name.to_string())
    }

    /// The default as a composite-literal element (`Name: value`), if the
    /// Go zero value is not the default already.
    pub(super) fn default_literal(&self) -> Result<Option<String>, String> {
        let f = self.spec;
        let value = if self.default_is_null() {
            None
        } else {
            match &f.ty {
                FieldType::Struct(name) if self.is_pointer() => {
                    Some(format!("wire.Ptr(New{}())", self.struct_type(name)))
                }
                FieldType::Struct(_) => None,
                FieldType::String if self.is_pointer() => Some(format!("wire.Ptr({})", string_literal(&f.default))),
                FieldType::Bytes | FieldType::Records if self.is_nullable() => Some("[]byte{}".into()),
                FieldType::Array(_) if self.is_nullable() => Some(format!("{}{{}}", self.go_type())),
                _ => {
                    let d = base_default(f)?;
                    (!is_zero_literal(&d)).then_some(d)
                }
            }
        };
        Ok(value.map(|v| format!("{}: {v}", self.ident())))
    }

    /// A statement that completes the default after the composite literal:
    /// a struct field sets its own fields' defaults.
    pub(super) fn default_stmt(&self) -> Option<String> {
        match &self.spec.ty {
            FieldType::Struct(_) if !self.is_pointer() => Some(format!("{}.Default()", self.place())),
            _ => None,
        }
    }

    /// A Go expression that is true when the field differs from its default.
    pub(super) fn differs(&self) -> Result<String, String> {
        let f = self.spec;
        let p = self.place();
        if self.default_is_null() {
            return Ok(format!("{p} != nil"));
        }
        Ok(match &f.ty {
            FieldType::Bool => {
                if base_default(f)? == "true" {
                    format!("!{p}")
                } else {
                    p
                }
            }
            FieldType::String if self.is_pointer() => {
                format!("{p} == nil || *{p} != {}", string_literal(&f.default))
            }
            FieldType::String => format!("{p} != {}", string_literal(&f.default)),
            FieldType::Bytes | FieldType::Records | FieldType::Array(_) if self.is_nullable() => {
                format!("{p} == nil || len({p}) != 0")
            }
            FieldType::Bytes | FieldType::Records | FieldType::Array(_) => format!("len({p}) != 0"),
            FieldType::Uuid => format!("{p} != ({})", base_default(f)?),
            FieldType::Struct(_) if self.is_pointer() => format!("{p} == nil || !{p}.isDefault()"),
            FieldType::Struct(_) => format!("!{p}.isDefault()"),
            _ => format!("{p} != {}", base_default(f)?),
        })
    }

    /// Statements that append the value to `dst`.
    pub(super) fn write(&self, tagged: bool) -> String {
        let exit = Exit { before: "dst, ", name_field: true };
        let c = self.compact(tagged);
        let p = self.place();
        let name = &self.error_name();
        let check = |call: String| format!("if dst, err = {call}; err != nil {{\n{}\n}}\n", exit.ret(name, "err"));
        match &self.spec.ty {
            FieldType::String if self.is_pointer() => {
                check(format!("wire.AppendNullableString(dst, {p}, {c}, {}, version)", self.nullable(tagged)))
            }
            FieldType::Bytes | FieldType::Records if self.is_nullable() => {
                check(format!("wire.AppendNullableBytes(dst, {p}, {c}, {}, version)", self.nullable(tagged)))
            }
            FieldType::Struct(_) if self.is_pointer() => {
                let marker = check(format!(
                    "wire.AppendStructMarker(dst, {p} != nil, {}, {tagged}, version)",
                    self.nullable(tagged)
                ));
                format!("{marker}if {p} != nil {{\n{}}}\n", check(format!("{p}.appendTo(dst, version)")))
            }
            FieldType::Array(elem) => {
                let mut body = check(format!("wire.AppendArrayLen(dst, len({p}), {c})"));
                let item = format!("{p}[i]");
                let inner = Exit { before: "dst, ", name_field: true };
                let elem_stmt = match append_fixed(elem, &item) {
                    Some(append) => format!("dst = {append}\n"),
                    None => {
                        let call = match &**elem {
                            FieldType::String => format!("wire.AppendString(dst, {item}, {c})"),
                            FieldType::Bytes => format!("wire.AppendBytes(dst, {item}, {c})"),
                            FieldType::Struct(_) => format!("{item}.appendTo(dst, version)"),
                            other => unreachable!("array of {other:?}"),
                        };
                        format!(
                            "if dst, err = {call}; err != nil {{\n{}\n}}\n",
                            inner.ret(name, "wire.InIndex(err, i)")
                        )
                    }
                };
                body.push_str(&format!("for i := range {p} {{\n{elem_stmt}}}\n"));
                if self.is_nullable() {
                    let null = check(format!("wire.AppendNullArray(dst, {c}, {}, version)", self.nullable(tagged)));
                    format!("if {p} == nil {{\n{null}}} else {{\n{body}}}\n")
                } else {
                    body
                }
            }
            ty => match append_fixed(ty, &p) {
                Some(append) => format!("dst = {append}\n"),
                None => match ty {
                    FieldType::String => check(format!("wire.AppendString(dst, {p}, {c})")),
                    FieldType::Bytes | FieldType::Records => check(format!("wire.AppendBytes(dst, {p}, {c})")),
                    FieldType::Struct(_) => check(format!("{p}.appendTo(dst, version)")),
                    other => unreachable!("{other:?} has a fixed size"),
                },
            },
        }
    }

    /// Statements that add the value's encoded size to `target`.
    pub(super) fn size(&self, tagged: bool, target: &str) -> String {
        let c = self.compact(tagged);
        let p = self.place();
        match &self.spec.ty {
            FieldType::String if self.is_pointer() => format!("{target} += wire.NullableStringSize({p}, {c})\n"),
            FieldType::Bytes | FieldType::Records if self.is_nullable() => {
                format!("{target} += wire.NullableBytesSize({p}, {c})\n")
            }
            FieldType::Struct(_) if self.is_pointer() => format!(
                "{target} += wire.StructMarkerSize({})\nif {p} != nil {{\n{target} += {p}.size(version)\n}}\n",
                self.nullable(tagged)
            ),
            FieldType::Array(elem) => {
                let mut body = format!("{target} += wire.ArrayLenSize(len({p}), {c})\n");
                match elem.fixed_size() {
                    Some(size) => body.push_str(&format!("{target} += len({p}) * {size}\n")),
                    None => {
                        let item = format!("{p}[i]");
                        let size = match &**elem {
                            FieldType::String => format!("wire.StringSize({item}, {c})"),
                            FieldType::Bytes => format!("wire.BytesSize({item}, {c})"),
                            FieldType::Struct(_) => format!("{item}.size(version)"),
                            other => unreachable!("array of {other:?}"),
                        };
                        body.push_str(&format!("for i := range {p} {{\n{target} += {size}\n}}\n"));
                    }
                }
                if self.is_nullable() {
                    format!("if {p} == nil {{\n{target} += wire.NullArraySize({c})\n}} else {{\n{body}}}\n")
                } else {
                    body
                }
            }
            FieldType::String => format!("{target} += wire.StringSize({p}, {c})\n"),
            FieldType::Bytes | FieldType::Records => format!("{target} += wire.BytesSize({p}, {c})\n"),
            FieldType::Struct(_) => format!("{target} += {p}.size(version)\n"),
            ty => format!("{target} += {}\n", ty.fixed_size().expect("fixed")),
        }
    }

    /// Statements that read the value from `r` into the field.
    pub(super) fn read(&self, tagged: bool, exit: &Exit) -> String {
        let c = self.compact(tagged);
        let p = self.place();
        let name = &self.error_name();
        let check = |call: String, place: &str| {
            format!("if {place}, err = {call}; err != nil {{\n{}\n}}\n", exit.ret(name, "err"))
        };
        match &self.spec.ty {
            FieldType::String if self.is_pointer() => {
                check(format!("r.NullableString({c}, {}, version)", self.nullable(tagged)), &p)
            }
            FieldType::Bytes | FieldType::Records if self.is_nullable() => {
                check(format!("r.NullableBytes({c}, {}, version)", self.nullable(tagged)), &p)
            }
            FieldType::Struct(name_) if self.is_pointer() => {
                let ty = self.struct_type(name_);
                let marker = check(format!("r.StructMarker({}, {tagged})", self.nullable(tagged)), "present");
                format!(
                    "{{\nvar present bool\n{marker}if present {{\n{p} = new({ty})\nif err = {p}.decode(r, version); err != nil {{\n{}\n}}\n}} else {{\n{p} = nil\n}}\n}}\n",
                    exit.ret(name, "err")
                )
            }
            FieldType::Struct(_) => {
                format!("if err = {p}.decode(r, version); err != nil {{\n{}\n}}\n", exit.ret(name, "err"))
            }
            FieldType::Array(elem) => {
                let count = check(format!("r.ArrayLen({c}, {}, version)", self.nullable(tagged)), "count");
                let elem_ty = self.elem_type(elem);
                let item_err = exit.ret(name, "wire.InIndex(err, i)");
                // The slice grows as elements are read: a count is only
                // known to fit the input's bytes, and an element in memory
                // can be a hundred times its smallest form on the wire.
                let elem_stmt = match &**elem {
                    FieldType::Struct(_) => format!(
                        "items = append(items, {elem_ty}{{}})\nif err = items[i].decode(r, version); err != nil {{\n{item_err}\n}}\n"
                    ),
                    other => format!(
                        "var item {elem_ty}\nif item, err = {}; err != nil {{\n{item_err}\n}}\nitems = append(items, item)\n",
                        read_value(other, &c)
                    ),
                };
                let fill = format!(
                    "items := wire.MakeSlice[{elem_ty}](count)\nfor i := 0; i < count; i++ {{\n{elem_stmt}}}\n{p} = items\n"
                );
                let body = if self.is_nullable() {
                    format!("if count < 0 {{\n{p} = nil\n}} else {{\n{fill}}}\n")
                } else {
                    fill
                };
                format!("{{\nvar count int\n{count}{body}}}\n")
            }
            ty => check(read_value(ty, &c), &p),
        }
    }
}

/// The reader call for a value that is not a struct.
fn read_value(ty: &FieldType, compact: &str) -> String {
    match ty {
        FieldType::Bool => "r.Bool()".into(),
        FieldType::Int8 => "r.Int8()".into(),
        FieldType::Int16 => "r.Int16()".into(),
        FieldType::Uint16 => "r.Uint16()".into(),
        FieldType::Int32 => "r.Int32()".into(),
        FieldType::Uint32 => "r.Uint32()".into(),
        FieldType::Int64 => "r.Int64()".into(),
        FieldType::Float64 => "r.Float64()".into(),
        FieldType::Uuid => "r.UUID()".into(),
        FieldType::String => format!("r.String({compact}, version)"),
        FieldType::Bytes | FieldType::Records => format!("r.Bytes({compact}, version)"),
        other => unreachable!("{other:?} is read by the struct emitter"),
    }
}

/// The append call for a fixed-size value.
fn append_fixed(ty: &FieldType, value: &str) -> Option<String> {
    let func = match ty {
        FieldType::Bool => "AppendBool",
        FieldType::Int8 => "AppendInt8",
        FieldType::Int16 => "AppendInt16",
        FieldType::Uint16 => "AppendUint16",
        FieldType::Int32 => "AppendInt32",
        FieldType::Uint32 => "AppendUint32",
        FieldType::Int64 => "AppendInt64",
        FieldType::Float64 => "AppendFloat64",
        FieldType::Uuid => "AppendUUID",
        _ => return None,
    };
    Some(format!("wire.{func}(dst, {value})"))
}

fn is_zero_literal(d: &str) -> bool {
    matches!(d, "0" | "0.0" | "false" | "\"\"" | "UUID{}")
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

/// The non-null default of a field as a Go expression.
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
            if !v.is_finite() {
                return Err(format!("float default {d:?} is not finite"));
            }
            format!("{v:?}")
        }
        FieldType::Uuid => {
            if d.is_empty() {
                "UUID{}".into()
            } else {
                let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(d)
                    .map_err(|_| format!("invalid uuid default {d:?}"))?;
                let bytes: [u8; 16] = raw.try_into().map_err(|_| format!("invalid uuid default {d:?}"))?;
                if bytes == [0; 16] {
                    "UUID{}".into()
                } else {
                    let list: Vec<String> = bytes.iter().map(|b| format!("0x{b:02x}")).collect();
                    format!("UUID{{{}}}", list.join(", "))
                }
            }
        }
        FieldType::String => string_literal(d),
        FieldType::Bytes | FieldType::Records => {
            need_empty("bytes")?;
            "nil".into()
        }
        FieldType::Struct(_) => {
            need_empty("struct")?;
            String::new()
        }
        FieldType::Array(_) => {
            need_empty("array")?;
            "nil".into()
        }
    })
}

/// Checks the field's default can be written in Go.
pub(super) fn check_default(f: &FieldSpec) -> Result<(), String> {
    if f.default_is_null() && !f.is_nullable_anywhere() {
        return Err("null default on a field that is never nullable".into());
    }
    base_default(f).map(|_| ())
}
