//! Kafka's JSON form of each struct (as its `*JsonConverter` classes read
//! and write it): `appendJSON`, which writes the fields the version has
//! (tagged ones only when they differ from their default), and `fromJSON`,
//! which reads them back, refusing a missing field the version has in line,
//! a field it does not have, and a value of the wrong type or range.

use super::field::Field;
use super::naming::string_literal;
use super::{guard, test_expr};
use crate::naming::json_name;
use crate::spec::FieldType;

use std::fmt::Write;

/// `appendJSON` of a struct of `fields`.
pub(super) fn emit_append(go_type: &str, fields: &[Field], out: &mut String) -> Result<(), String> {
    let mut body = String::from("dst = append(dst, '{')\nfirst := true\n");
    for f in fields {
        let key = string_literal(&json_name(f.name()));
        let write =
            format!("dst = wire.JSONField(dst, &first, {key})\n{}", write_value(f, &f.spec.ty, &f.place(), true));
        let untagged = f.untagged();
        let tagged = f.tagged();
        body.push_str(&guard(untagged, &write));
        if !tagged.is_never() {
            let tagged = tagged.within(untagged.complement().set());
            let test = if tagged.is_always() {
                f.differs()?
            } else {
                format!("({}) && ({})", test_expr(tagged), f.differs()?)
            };
            writeln!(body, "if {test} {{\n{write}}}").unwrap();
        }
    }
    body.push_str("dst = append(dst, '}')\n");
    let first_used = fields.iter().any(|f| !f.present().is_never());
    if !first_used {
        body = "dst = append(dst, '{', '}')\n".into();
    }
    writeln!(out, "func (v *{go_type}) appendJSON(dst []byte, version int16) []byte {{\n{body}return dst\n}}\n")
        .unwrap();
    Ok(())
}

/// The statements that append a value of type `ty` at `place`;
/// `top`: the place is the field itself (its pointer and nil rules apply).
fn write_value(f: &Field, ty: &FieldType, place: &str, top: bool) -> String {
    let nullable = top && f.is_nullable();
    let pointer = top && f.is_pointer();
    match ty {
        FieldType::Bool => format!("dst = wire.AppendJSONBool(dst, {place})\n"),
        FieldType::Int8
        | FieldType::Int16
        | FieldType::Uint16
        | FieldType::Int32
        | FieldType::Uint32
        | FieldType::Int64 => {
            format!("dst = wire.AppendJSONInt(dst, int64({place}))\n")
        }
        FieldType::Float64 => format!("dst = wire.AppendJSONFloat(dst, {place})\n"),
        FieldType::String if pointer => format!("dst = wire.AppendJSONNullableString(dst, {place})\n"),
        FieldType::String => format!("dst = wire.AppendJSONString(dst, {place})\n"),
        FieldType::Bytes | FieldType::Records if nullable => {
            format!("dst = wire.AppendJSONNullableBytes(dst, {place})\n")
        }
        FieldType::Bytes | FieldType::Records => format!("dst = wire.AppendJSONBytes(dst, {place})\n"),
        FieldType::Uuid => format!("dst = wire.AppendJSONUUID(dst, {place})\n"),
        FieldType::Struct(_) => {
            let call = format!("dst = {place}.appendJSON(dst, version)\n");
            if pointer {
                format!("if {place} == nil {{\ndst = append(dst, \"null\"...)\n}} else {{\n{call}}}\n")
            } else {
                call
            }
        }
        FieldType::Array(elem) => {
            let item = write_value(f, elem, &format!("{place}[i]"), false);
            let body = format!(
                "dst = append(dst, '[')\nfor i := range {place} {{\nif i > 0 {{\ndst = append(dst, ',')\n}}\n{item}}}\ndst = append(dst, ']')\n"
            );
            if nullable {
                format!("if {place} == nil {{\ndst = append(dst, \"null\"...)\n}} else {{\n{body}}}\n")
            } else {
                body
            }
        }
    }
}

/// `fromJSON` of a struct of `fields`.
pub(super) fn emit_read(go_type: &str, fields: &[Field], out: &mut String) {
    let mut body =
        String::from("obj, err := wire.JSONObject(value)\nif err != nil {\nreturn err\n}\nv.Default()\nseen := 0\n");
    let mut known = Vec::new();
    for f in fields {
        let present = f.present();
        if present.is_never() {
            continue;
        }
        let key = json_name(f.name());
        let key_lit = string_literal(&key);
        let read = read_value(
            f,
            &f.spec.ty,
            &f.place(),
            "x",
            true,
            &format!("wire.InField(err, {})", string_literal(&f.error_name())),
        );
        let missing = match f.untagged() {
            c if c.is_never() => String::new(),
            c if c.is_always() => format!(" else {{\nreturn wire.JSONMissing({key_lit})\n}}"),
            c => format!(" else if {} {{\nreturn wire.JSONMissing({key_lit})\n}}", test_expr(c)),
        };
        let lookup = format!("if x, ok := obj[{key_lit}]; ok {{\nseen++\n{read}}}{missing}\n");
        body.push_str(&guard(present, &lookup));
        known.push((present, key));
    }
    // Keys the version does not have: each present key was counted.
    let cases: Vec<String> = known
        .iter()
        .map(|(present, key)| format!("case {}:\nreturn {}", string_literal(key), test_expr(*present)))
        .collect();
    let known_fn = if cases.is_empty() {
        "func(string) bool { return false }".to_string()
    } else {
        format!("func(k string) bool {{\nswitch k {{\n{}\n}}\nreturn false\n}}", cases.join("\n"))
    };
    writeln!(body, "if seen != len(obj) {{\nreturn wire.JSONUnknownKey(obj, {known_fn})\n}}").unwrap();
    writeln!(out, "func (v *{go_type}) fromJSON(value any, version int16) error {{\n{body}return nil\n}}\n").unwrap();
}

/// Statements that read `x` into `place`; `wrap` wraps an error with the
/// field's path.
fn read_value(f: &Field, ty: &FieldType, place: &str, x: &str, top: bool, wrap: &str) -> String {
    let nullable = top && f.is_nullable();
    let pointer = top && f.is_pointer();
    let check = |call: String| format!("if {place}, err = {call}; err != nil {{\nreturn {wrap}\n}}\n");
    let int = |go: &str, lo: String, hi: String| {
        format!(
            "{{\nn, err := wire.JSONInt({x}, {lo}, {hi})\nif err != nil {{\nreturn {wrap}\n}}\n{place} = {go}(n)\n}}\n"
        )
    };
    match ty {
        FieldType::Bool => check(format!("wire.JSONBool({x})")),
        FieldType::Int8 => int("int8", "-1 << 7".into(), "1<<7 - 1".into()),
        FieldType::Int16 => int("int16", "-1 << 15".into(), "1<<15 - 1".into()),
        FieldType::Uint16 => int("uint16", "0".into(), "1<<16 - 1".into()),
        FieldType::Int32 => int("int32", "-1 << 31".into(), "1<<31 - 1".into()),
        FieldType::Uint32 => int("uint32", "0".into(), "1<<32 - 1".into()),
        FieldType::Int64 => int("int64", "-1 << 63".into(), "1<<63 - 1".into()),
        FieldType::Float64 => check(format!("wire.JSONFloat({x})")),
        FieldType::String if pointer => check(format!("wire.JSONNullableString({x})")),
        FieldType::String => check(format!("wire.JSONString({x})")),
        FieldType::Bytes | FieldType::Records if nullable => check(format!("wire.JSONNullableBytes({x})")),
        FieldType::Bytes | FieldType::Records => check(format!("wire.JSONBytes({x})")),
        FieldType::Uuid => check(format!("wire.JSONUUID({x})")),
        FieldType::Struct(_) if pointer => {
            let ty = f.go_type().trim_start_matches('*').to_string();
            format!("if {x} == nil {{\n{place} = nil\n}} else {{\n{place} = new({ty})\nif err := {place}.fromJSON({x}, version); err != nil {{\nreturn {wrap}\n}}\n}}\n")
        }
        FieldType::Struct(_) => format!("if err := {place}.fromJSON({x}, version); err != nil {{\nreturn {wrap}\n}}\n"),
        FieldType::Array(elem) => {
            let elem_ty = f.elem_type(elem);
            let item_wrap = wrap.replacen("(err,", "(wire.InIndex(err, i),", 1);
            let item = read_value(f, elem, "items[i]", "arr[i]", false, &item_wrap);
            let null = if nullable {
                format!("if null {{\n{place} = nil\n}} else {{\n")
            } else {
                format!("if null {{\nerr = wire.JSONFail(\"null is not allowed\")\nreturn {wrap}\n}}\n{{\n")
            };
            format!(
                "{{\narr, null, err := wire.JSONArray({x})\nif err != nil {{\nreturn {wrap}\n}}\n{null}items := make([]{elem_ty}, len(arr))\nfor i := range arr {{\n{item}}}\n{place} = items\n}}\n}}\n"
            )
        }
    }
}
