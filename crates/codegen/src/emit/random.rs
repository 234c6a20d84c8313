//! Random, version-valid instances of every struct (feature `random`):
//! `random/<message>.rs` per spec, and `random/mod.rs` with the dispatch of
//! the `Request` and `Response` enums. A field the version does not carry
//! keeps its default, so every instance encodes at its version.

use super::dispatch::Dispatch;
use super::field::{is_wire_scalar, Field};
use super::shared::{header, use_structs, uses};
use crate::flatten::StructDef;
use crate::naming::module_name;
use crate::spec::FieldType;
use crate::spec::MessageSpec;
use crate::versions::Cond;
use std::fmt::Write;

pub(super) fn emit_module(spec: &MessageSpec, defs: &[StructDef], source: &str) -> String {
    let mut out = header(source);
    writeln!(out, "//! Random instances of `{}` and its structs.\n", spec.name).unwrap();
    out.push_str("use crate::random::{self as rnd, Random};\n");
    out.push_str(&use_structs(spec, defs));
    out.push('\n');
    for def in defs {
        emit_random(spec, def, &mut out);
    }
    out
}

/// The fields every version of the struct carries are set in the struct
/// literal; the others after it, each where its versions have it.
fn emit_random(spec: &MessageSpec, def: &StructDef, out: &mut String) {
    let fields = Field::of_struct(spec, def);
    let mut always = Vec::new();
    let mut sometimes = String::new();
    for f in &fields {
        let present = f.present();
        if present.is_always() {
            always.push(format!("{}: {}", f.ident(), random_expr(f)));
        } else if !present.is_never() {
            writeln!(sometimes, "if {} {{ value.{} = {}; }}", present.expr(), f.ident(), random_expr(f)).unwrap();
        }
    }
    let has_section = !spec.flexible_versions.is_empty();
    let flexible = Cond::new(spec.flexible_versions, def.domain);
    if has_section && !flexible.is_never() {
        let tags: Vec<String> = fields.iter().filter_map(|f| f.tag()).map(|t| t.to_string()).collect();
        let unknown = format!("rnd::unknown_tagged_fields(rng, &[{}])", tags.join(", "));
        if flexible.is_always() {
            always.push(format!("unknown_tagged_fields: {unknown}"));
        } else {
            writeln!(sometimes, "if {} {{ value.unknown_tagged_fields = {unknown}; }}", flexible.expr()).unwrap();
        }
    }
    let total = fields.len() + usize::from(has_section);
    if always.len() < total {
        always.push("..Self::default()".into());
    }
    let literal = format!("Self {{ {} }}", always.join(", "));
    let uses_rng = !always.iter().all(|a| a.starts_with("..")) || !sometimes.is_empty();
    let uses_version = uses(&literal, "version") || !sometimes.is_empty();
    let (rng, version) = (if uses_rng { "rng" } else { "_rng" }, if uses_version { "version" } else { "_version" });
    writeln!(out, "impl Random for {} {{", def.name).unwrap();
    writeln!(out, "fn random({rng}: &mut rnd::Rng, {version}: i16) -> Self {{").unwrap();
    if sometimes.is_empty() {
        writeln!(out, "{literal}").unwrap();
    } else {
        writeln!(out, "let mut value = {literal};\n{sometimes}value").unwrap();
    }
    writeln!(out, "}}\n}}\n").unwrap();
}

/// `random/mod.rs`: the modules, and the random dispatch of the enums
/// over messages (`Request::random`, `MetadataRecord::random`, ...).
pub(super) fn emit_mod(specs: &[MessageSpec], dispatches: &[Dispatch], kafka_version: &str) -> String {
    let mut out = header(&format!("the specs of Kafka {kafka_version}"));
    out.push_str(
        "//! Random instances of every message (feature `random`), one module per\n\
         //! spec file, and the random dispatch of the enums over messages.\n\n\
         use super::{ApiKey, Request, Response};\n\
         use crate::random::{Random, Rng};\n\n",
    );
    for spec in specs {
        writeln!(out, "{}mod {};", super::shared::stored_cfg(spec), module_name(&spec.name)).unwrap();
    }
    for d in dispatches {
        let (version_param, version_arg) = d.version_param_arg();
        let (path, key_path, key) = (d.path(), d.key_path(), d.key.name);
        let valid = if d.versioned { ", valid at `version`" } else { "" };
        writeln!(out, "\n{}impl {path} {{", d.cfg).unwrap();
        writeln!(out, "/// A random {} of `{key}`{valid} (feature `random`).", d.holds).unwrap();
        writeln!(out, "pub fn random({key}: {key_path}, rng: &mut Rng{version_param}) -> Self {{\nmatch {key} {{")
            .unwrap();
        for v in &d.variants {
            writeln!(out, "{key_path}::{0} => {path}::{0}(super::{1}::random(rng, {version_arg})),", v.name, v.message)
                .unwrap();
        }
        out.push_str("}\n}\n}\n");
    }
    out
}

/// A random value of field `f` valid at `version`, assuming it is present.
fn random_expr(f: &Field) -> String {
    let value = random_value(&f.spec.ty);
    if !f.is_option() {
        return value;
    }
    let nullable = Cond::new(f.spec.nullable_versions, f.present().set());
    if nullable.is_never() {
        return format!("Some({value})");
    }
    let null = match nullable.is_always() {
        true => "rnd::null(rng)".to_string(),
        false => format!("{} && rnd::null(rng)", nullable.expr()),
    };
    format!("if {null} {{ None }} else {{ Some({value}) }}")
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
        FieldType::Struct(name) => format!("{name}::random(rng, version)"),
        FieldType::Array(elem) if is_wire_scalar(elem) => format!("rnd::vec(rng, {}).into()", random_element(elem)),
        FieldType::Array(elem) => format!("rnd::vec(rng, {})", random_element(elem)),
    }
}

/// The function that makes a random array element: a helper's path where
/// one takes only the generator, else a closure.
fn random_element(elem: &FieldType) -> String {
    let value = random_value(elem);
    match value.strip_suffix("(rng)") {
        Some(function) if function.starts_with("rnd::") => function.to_string(),
        _ => format!("|rng| {value}"),
    }
}
