//! Kafka's JSON form of every struct (feature `json`), in the format of the
//! `*JsonConverter` classes Kafka generates: `json/<message>.rs` per spec,
//! and `json/mod.rs` with the `to_json`/`from_json` dispatch of the
//! `Request` and `Response` enums. The per-field work is the runtime's
//! (`ObjectWriter`, `ObjectReader` in `core/src/json.rs`); this emitter
//! only says which fields each version writes and requires.

use super::dispatch::Dispatch;
use super::field::Field;
use super::shared::{header, if_chain, use_structs};
use crate::flatten::StructDef;
use crate::naming::module_name;
use crate::spec::MessageSpec;
use crate::versions::Cond;
use std::fmt::Write;

pub(super) fn emit_module(spec: &MessageSpec, defs: &[StructDef], source: &str) -> Result<String, String> {
    let mut out = header(source);
    writeln!(out, "//! Kafka's JSON form of `{}` and its structs.\n", spec.name).unwrap();
    out.push_str("use crate::error::{DecodeError, EncodeError};\nuse crate::json as j;\n");
    out.push_str(&use_structs(spec, defs));
    out.push('\n');
    for def in defs {
        emit_to_json(spec, def, &mut out).map_err(|e| format!("{}: struct {}: {e}", spec.file, def.name))?;
    }
    for def in defs {
        emit_from_json(spec, def, &mut out);
    }
    Ok(out)
}

/// Writes each field the version carries (a tagged one only when it is not
/// its default); a non-default value in a field the version cannot carry is
/// an error, as in the wire encoder.
fn emit_to_json(spec: &MessageSpec, def: &StructDef, out: &mut String) -> Result<(), String> {
    let name = &def.name;
    writeln!(out, "impl j::ToJson for {name} {{").unwrap();
    writeln!(out, "fn to_json(&self, version: i16) -> Result<j::Value, EncodeError> {{").unwrap();
    if def.is_top {
        writeln!(out, "j::check_encode_version::<Self>(version)?;").unwrap();
    }
    let mutable = if def.fields.is_empty() { "" } else { "mut " };
    writeln!(out, "let {mutable}object = j::ObjectWriter::new(version);").unwrap();
    for f in Field::of_struct(spec, def) {
        let write = format!("object.field({:?}, {:?}, &self.{})?;", f.json_name(), f.name(), f.ident());
        let fail = format!("return Err(object.non_default_value({:?}));", f.name());
        let untagged = f.untagged();
        let rest = untagged.complement().set();
        let tagged = f.tagged().within(rest);
        let absent = f.present().complement().within(rest);
        let mut arms: Vec<(Cond, Option<String>, String)> = vec![(untagged, None, write.clone())];
        if !tagged.is_never() {
            arms.push((tagged, Some(f.differs_from_default()?), write));
        }
        if !f.spec.ignorable && !absent.is_never() {
            arms.push((absent, Some(f.differs_from_default()?), fail));
        }
        out.push_str(&if_chain(&arms));
    }
    writeln!(out, "Ok(object.finish())\n}}\n}}\n").unwrap();
    Ok(())
}

/// Reads each field: one the version carries in line must be there; any
/// other may be, and keeps its default when it is not.
fn emit_from_json(spec: &MessageSpec, def: &StructDef, out: &mut String) {
    let name = &def.name;
    writeln!(out, "impl j::FromJson for {name} {{").unwrap();
    writeln!(out, "fn from_json(value: &j::Value, version: i16) -> Result<Self, DecodeError> {{").unwrap();
    if def.is_top {
        writeln!(out, "j::check_decode_version::<Self>(version)?;").unwrap();
    }
    let fields = Field::of_struct(spec, def);
    if fields.is_empty() {
        writeln!(out, "j::ObjectReader::new(value, version)?;\nOk(Self::default())\n}}\n}}\n").unwrap();
        return;
    }
    writeln!(out, "let object = j::ObjectReader::new(value, version)?;\nlet mut out = Self::default();").unwrap();
    for f in fields {
        writeln!(
            out,
            "object.read(&mut out.{}, {:?}, {:?}, {})?;",
            f.ident(),
            f.json_name(),
            f.name(),
            f.untagged().expr()
        )
        .unwrap();
    }
    writeln!(out, "Ok(out)\n}}\n}}\n").unwrap();
}

/// `json/mod.rs`: the modules, and the JSON dispatch of the enums over
/// messages (`Request`, `Response`, the stored records').
pub(super) fn emit_mod(specs: &[MessageSpec], dispatches: &[Dispatch], kafka_version: &str) -> String {
    let mut out = header(&format!("the specs of Kafka {kafka_version}"));
    out.push_str(
        "//! Kafka's JSON form of every message (feature `json`), one module per\n\
         //! spec file, and the JSON dispatch of the enums over messages.\n\n\
         use super::{ApiKey, Request, Response};\n\
         use crate::error::{DecodeError, EncodeError};\n\
         use crate::json::{FromJson, ToJson, Value};\n\n",
    );
    for spec in specs {
        writeln!(out, "{}mod {};", super::shared::stored_cfg(spec), module_name(&spec.name)).unwrap();
    }
    for d in dispatches {
        emit_dispatch(d, &mut out);
    }
    out
}

/// `to_json` and `from_json` of one enum over messages.
fn emit_dispatch(d: &Dispatch, out: &mut String) {
    let (version_param, version_arg) = d.version_param_arg();
    let (path, key) = (d.path(), &d.key);
    writeln!(out, "\n{}impl {path} {{", d.cfg).unwrap();
    writeln!(out, "/// The {} in Kafka's JSON form{} (feature `json`).", d.holds, d.at()).unwrap();
    writeln!(out, "pub fn to_json(&self{version_param}) -> Result<Value, EncodeError> {{\nmatch self {{").unwrap();
    for v in &d.variants {
        writeln!(out, "{path}::{}(m) => m.to_json({version_arg}),", v.name).unwrap();
    }
    out.push_str("}\n}\n\n");
    writeln!(out, "/// Reads the {} of `{}` from Kafka's JSON form{} (feature `json`).", d.holds, key.name, d.at())
        .unwrap();
    let key_path = d.key_path();
    writeln!(
        out,
        "pub fn from_json({}: {key_path}, value: &Value{version_param}) -> Result<Self, DecodeError> {{\n\
         Ok(match {} {{",
        key.name, key.name
    )
    .unwrap();
    for v in &d.variants {
        writeln!(
            out,
            "{key_path}::{0} => {path}::{0}(super::{1}::from_json(value, {version_arg})?),",
            v.name, v.message
        )
        .unwrap();
    }
    out.push_str("})\n}\n}\n");
}
