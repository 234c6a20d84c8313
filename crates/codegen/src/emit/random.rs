//! Random, version-valid instances of every struct (feature `random`):
//! `random/<message>.rs` per spec, and `random/mod.rs` with the dispatch of
//! the `Request` and `Response` enums. A field the version does not carry
//! keeps its default, so every instance encodes at its version.

use super::api_key::Api;
use super::field::Field;
use super::{header, use_structs};
use crate::flatten::StructDef;
use crate::naming::module_name;
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
            always.push(format!("{}: {}", f.ident(), f.random_expr()));
        } else if !present.is_never() {
            writeln!(sometimes, "if {} {{ value.{} = {}; }}", present.expr(), f.ident(), f.random_expr()).unwrap();
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
    let uses_version = super::uses(&literal, "version") || !sometimes.is_empty();
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

/// `random/mod.rs`: the modules, and `Request::random` / `Response::random`.
pub(super) fn emit_mod(specs: &[MessageSpec], apis: &[Api], kafka_version: &str) -> String {
    let mut out = header(&format!("the specs of Kafka {kafka_version}"));
    out.push_str(
        "//! Random instances of every message (feature `random`), one module per\n\
         //! spec file, and the random dispatch of the request and response enums.\n\n\
         use super::{ApiKey, Request, Response};\n\
         use crate::random::{Random, Rng};\n\n",
    );
    for spec in specs {
        writeln!(out, "{}mod {};", super::stored_cfg(spec), module_name(&spec.name)).unwrap();
    }
    for kind in ["Request", "Response"] {
        let lower = kind.to_lowercase();
        writeln!(out, "\nimpl {kind} {{").unwrap();
        writeln!(out, "/// A random {lower} of `api_key`, valid at `version` (feature `random`).").unwrap();
        writeln!(out, "pub fn random(api_key: ApiKey, rng: &mut Rng, version: i16) -> Self {{\nmatch api_key {{")
            .unwrap();
        for a in apis {
            writeln!(out, "ApiKey::{0} => {kind}::{0}(super::{1}::random(rng, version)),", a.name, a.body_name(kind))
                .unwrap();
        }
        out.push_str("}\n}\n}\n");
    }
    out
}
