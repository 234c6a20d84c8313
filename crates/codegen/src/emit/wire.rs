//! The message module of one spec: every struct's definition and default,
//! then the `Message` facts of the top-level struct, then each struct's wire
//! codec (encode, size, decode). JSON and random instances are other
//! emitters' output, in other modules.

use super::field::{rust_type, Field};
use super::imports::{Import, Imports, Part};
use super::shared::{direction_cfg, header, if_chain, uses, Direction};
use crate::flatten::StructDef;
use crate::naming::{doc_lines, RESERVED_TYPE_NAMES};
use crate::spec::{FieldType, MessageSpec, SpecType, Versions};
use crate::versions::Cond;
use std::fmt::Write;

/// The Rust module file for one spec.
pub(super) fn emit_module(spec: &MessageSpec, defs: &[StructDef], source: &str) -> Result<String, String> {
    let structs: Vec<StructEmitter> = defs.iter().map(|def| StructEmitter { spec, def }).collect();
    let mut imports = Imports::default();
    let mut types = String::new();
    for s in &structs {
        s.check()?;
        s.emit_definition(&mut types, &mut imports)?;
    }
    let mut encode = String::new();
    let mut decode = String::new();
    for s in &structs {
        s.emit_encode(&mut encode, &mut imports)?;
        s.emit_decode(&mut decode, &mut imports);
    }
    let mut out = header(source);
    let kind = match spec.ty {
        SpecType::Request => "request",
        SpecType::Response => "response",
        SpecType::Header => "header",
        _ => "data type",
    };
    writeln!(out, "//! `{}`, the Kafka {kind} defined in `{}`.\n", spec.name, spec.file).unwrap();
    out.push_str(&use_lines(spec, &imports));
    out.push_str(&types);
    emit_message_impl(spec, &mut out);
    out.push_str(&encode);
    out.push_str(&decode);
    Ok(out)
}

/// The `use` lines of what the module's code named, each only where the
/// code that names it is compiled (a request's encoder only with
/// `encode-requests`, ...).
fn use_lines(spec: &MessageSpec, imports: &Imports) -> String {
    let mut out = String::new();
    let (enc, dec) = (direction_cfg(spec, Direction::Encode), direction_cfg(spec, Direction::Decode));
    // What the encoder and the decoder both use: compiled with either.
    let either = format!("#[cfg(any({}, {}))]\n", cfg_feature(&enc), cfg_feature(&dec));
    let mut types_use = Vec::new();
    for (import, in_types) in imports.each() {
        // Under the cfg of the code that names it: the types always, the
        // decoder only with its feature.
        let cfg = if in_types { String::new() } else { dec.clone() };
        types_use.push((cfg, import.path()));
    }
    types_use.push((String::new(), "crate::message::{Message, VersionRange}"));
    let codec_cfg = match (enc.is_empty(), imports.encode_calls_codec()) {
        (true, _) => String::new(),
        (false, true) => either,
        (false, false) => dec.clone(),
    };
    writeln!(out, "{codec_cfg}use crate::codec as c;").unwrap();
    writeln!(out, "{dec}use crate::error::DecodeError;").unwrap();
    writeln!(out, "{enc}use crate::error::EncodeError;").unwrap();
    writeln!(out, "{enc}use bytes::BufMut;").unwrap();
    for (cfg, path) in types_use {
        writeln!(out, "{cfg}use {path};").unwrap();
    }
    out.push('\n');
    out
}

/// `feature = "..."` out of a `#[cfg(feature = "...")]` line.
fn cfg_feature(cfg_line: &str) -> &str {
    cfg_line.trim().trim_start_matches("#[cfg(").trim_end_matches(")]")
}

fn emit_message_impl(spec: &MessageSpec, out: &mut String) {
    let range = |v: Versions| match v.0 {
        Some((a, b)) => format!("VersionRange::new({a}, {b})"),
        None => "VersionRange::NONE".into(),
    };
    writeln!(out, "impl Message for {} {{", spec.name).unwrap();
    writeln!(out, "const NAME: &'static str = {:?};", spec.name).unwrap();
    writeln!(out, "const VALID_VERSIONS: VersionRange = {};", range(spec.valid_versions)).unwrap();
    writeln!(out, "const FLEXIBLE_VERSIONS: VersionRange = {};", range(spec.flexible_versions)).unwrap();
    writeln!(out, "}}\n").unwrap();
}

struct StructEmitter<'a> {
    spec: &'a MessageSpec,
    def: &'a StructDef<'a>,
}

impl<'a> StructEmitter<'a> {
    fn fields(&self) -> Vec<Field<'a>> {
        Field::of_struct(self.spec, self.def)
    }

    /// Whether the struct has a tagged-field section in some version of the
    /// message (and so an `unknown_tagged_fields` member).
    fn has_tagged_section(&self) -> bool {
        !self.spec.flexible_versions.is_empty()
    }

    /// The versions of the struct that are flexible.
    fn flexible(&self) -> Cond {
        Cond::new(self.spec.flexible_versions, self.def.domain)
    }

    /// Tagged fields, by tag.
    fn tagged_fields(&self) -> Vec<Field<'a>> {
        let mut tagged: Vec<Field<'a>> = self.fields().into_iter().filter(|f| f.tag().is_some()).collect();
        tagged.sort_by_key(|f| f.tag());
        tagged
    }

    /// Tagged fields some version of the struct can write, by tag.
    fn writable_tagged_fields(&self) -> Vec<Field<'a>> {
        self.tagged_fields().into_iter().filter(|f| !f.tagged().is_never()).collect()
    }

    /// The fields in order, with each run of fixed-size fields as one group:
    /// two or more consecutive fields that every version of the struct
    /// carries in line, never null, of a fixed size. A run is written with
    /// one `put_slice` and read with one bounds check.
    fn field_groups(&self) -> Vec<FieldGroup<'a>> {
        let mut groups = Vec::new();
        let mut run = Vec::new();
        for f in self.fields() {
            if f.is_fixed_in_every_version() {
                run.push(f);
                continue;
            }
            flush_run(&mut run, &mut groups);
            groups.push(FieldGroup::One(f));
        }
        flush_run(&mut run, &mut groups);
        groups
    }

    fn check(&self) -> Result<(), String> {
        let at = |e: String| format!("{}: struct {}: {e}", self.spec.file, self.def.name);
        if RESERVED_TYPE_NAMES.contains(&self.def.name.as_str()) {
            return Err(at("the name clashes with a Rust name the generated code uses".into()));
        }
        let mut tags = Vec::new();
        for f in self.fields() {
            f.default_expr().map_err(|e| at(format!("field {}: {e}", f.name())))?;
            if let Some(tag) = f.tag() {
                if tags.contains(&tag) {
                    return Err(at(format!("field {}: tag {tag} is used twice", f.name())));
                }
                tags.push(tag);
                if !self.spec.flexible_versions.covers(f.spec.tagged_versions) {
                    return Err(at(format!("field {}: tagged versions are not all flexible", f.name())));
                }
            }
        }
        Ok(())
    }

    fn emit_definition(&self, out: &mut String, imports: &mut Imports) -> Result<(), String> {
        self.emit_struct_doc(out);
        let derive_default = self.fields().iter().all(|f| f.default_is_type_default().unwrap_or(false));
        let default = if derive_default { ", Default" } else { "" };
        writeln!(out, "#[derive(Debug, Clone, PartialEq{default})]").unwrap();
        writeln!(out, "pub struct {} {{", self.def.name).unwrap();
        for f in self.fields() {
            emit_field_doc(&f, out);
            writeln!(out, "pub {}: {},", f.ident(), f.rust_type()).unwrap();
            imports.add_all(Part::Types, Import::of_type(&f.spec.ty));
        }
        if self.has_tagged_section() {
            imports.add(Part::Types, Import::UnknownTaggedFields);
            writeln!(out, "/// Tagged fields this library does not know; written back on encode.").unwrap();
            writeln!(out, "pub unknown_tagged_fields: UnknownTaggedFields,").unwrap();
        }
        writeln!(out, "}}\n").unwrap();
        if !derive_default {
            self.emit_default(out)?;
        }
        Ok(())
    }

    fn emit_struct_doc(&self, out: &mut String) {
        let def = self.def;
        if def.is_top {
            let kind = format!("{:?}", self.spec.ty).to_lowercase();
            let key = self.spec.api_key.map(|k| format!(", api key {k}")).unwrap_or_default();
            writeln!(out, "/// `{}`: Kafka {kind}{key}.\n///", def.name).unwrap();
            writeln!(
                out,
                "/// Valid versions: {}. Flexible versions: {}.",
                self.spec.valid_versions, self.spec.flexible_versions
            )
            .unwrap();
            if !self.spec.deprecated_versions.is_empty() {
                writeln!(out, "/// Deprecated versions: {}.", self.spec.deprecated_versions).unwrap();
            }
            if self.spec.latest_version_unstable {
                writeln!(out, "/// The latest version is unstable.").unwrap();
            }
        } else if !def.about.is_empty() {
            out.push_str(&doc_lines(&def.about));
            writeln!(out, "///\n/// Versions: {}.", def.versions).unwrap();
        } else {
            writeln!(out, "/// `{}`, versions {}.", def.name, def.versions).unwrap();
        }
    }

    fn emit_default(&self, out: &mut String) -> Result<(), String> {
        writeln!(out, "impl Default for {} {{", self.def.name).unwrap();
        writeln!(out, "fn default() -> Self {{ Self {{").unwrap();
        for f in self.fields() {
            writeln!(out, "{}: {},", f.ident(), f.default_expr()?).unwrap();
        }
        if self.has_tagged_section() {
            writeln!(out, "unknown_tagged_fields: UnknownTaggedFields::new(),").unwrap();
        }
        writeln!(out, "}} }}\n}}\n").unwrap();
        Ok(())
    }

    /// `encode_fields` and `fields_size`, and the `Encode` impl over them.
    fn emit_encode(&self, out: &mut String, imports: &mut Imports) -> Result<(), String> {
        let mut encode = String::new();
        for group in self.field_groups() {
            match group {
                FieldGroup::Run(fields) => write_fixed_run(&fields, &mut encode),
                FieldGroup::One(f) => self.emit_field_write(&f, &mut encode, imports)?,
            }
        }
        if self.has_tagged_section() {
            imports.encoder_calls_codec();
        }
        self.emit_tagged_write(&mut encode)?;
        let mut size = String::new();
        for f in self.fields() {
            size.push_str(&f.untagged().guard(&format!("size += {};\n", f.size_expr(false))));
        }
        self.emit_tagged_size(&mut size)?;

        let encode = format!("{}{encode}Ok(())\n", self.flexible_let(&encode));
        let size = match size.is_empty() {
            true => "0\n".to_string(),
            false => format!("{}let mut size = 0;\n{size}size\n", self.flexible_let(&size)),
        };
        let name = &self.def.name;
        let cfg = direction_cfg(self.spec, Direction::Encode);
        writeln!(out, "{cfg}impl {name} {{").unwrap();
        let (buf, version) = (param("buf", &encode), param("version", &encode));
        writeln!(
            out,
            "pub(crate) fn encode_fields<B: BufMut>(&self, {buf}: &mut B, {version}: i16) -> Result<(), EncodeError> {{"
        )
        .unwrap();
        writeln!(out, "{encode}}}\n").unwrap();
        let version = param("version", &size);
        writeln!(out, "#[inline]\npub(crate) fn fields_size(&self, {version}: i16) -> usize {{\n{size}}}\n}}\n")
            .unwrap();
        let kind = if self.def.is_top { "message" } else { "nested" };
        writeln!(out, "{cfg}crate::message::impl_encode!({kind} {name});\n").unwrap();
        Ok(())
    }

    /// `let flexible = ...;` when `body` uses it.
    fn flexible_let(&self, body: &str) -> String {
        if uses(body, "flexible") {
            format!("let flexible = {};\n", self.flexible().expr())
        } else {
            String::new()
        }
    }

    /// Writes a field in line where the version has it there; where the
    /// version does not have it at all, a non-default value is an error
    /// (unless the field is ignorable), as in Kafka's Java code.
    fn emit_field_write(&self, f: &Field, out: &mut String, imports: &mut Imports) -> Result<(), String> {
        let untagged = f.untagged();
        let mut arms = vec![(untagged, None, f.write_stmt(false))];
        if f.encoding_calls_codec() {
            imports.encoder_calls_codec();
        }
        let absent = f.present().complement().within(untagged.complement().set());
        if !f.spec.ignorable && !absent.is_never() {
            imports.encoder_calls_codec();
            let fail = format!("return Err(c::check::non_default_value(version).in_field({:?}));", f.name());
            arms.push((absent, Some(f.differs_from_default()?), fail));
        }
        out.push_str(&if_chain(&arms));
        Ok(())
    }

    fn emit_tagged_write(&self, out: &mut String) -> Result<(), String> {
        if !self.has_tagged_section() {
            return Ok(());
        }
        let flexible = self.flexible();
        let unknown = "&self.unknown_tagged_fields";
        let tagged = self.writable_tagged_fields();
        if tagged.is_empty() || flexible.is_never() {
            writeln!(out, "c::tagged::put_unknown_section(buf, {unknown}, {}, version)?;", self.flexible_var())
                .unwrap();
            return Ok(());
        }
        let mut section = String::new();
        let mut count = Vec::new();
        for f in &tagged {
            let when = self.tagged_write_cond(f)?;
            writeln!(section, "let write_{} = {when};", f.local()).unwrap();
            count.push(format!("usize::from(write_{})", f.local()));
        }
        writeln!(section, "let mut section = c::tagged::SectionWriter::start(buf, {unknown}, {});", count.join(" + "))
            .unwrap();
        for f in &tagged {
            writeln!(section, "if write_{} {{", f.local()).unwrap();
            writeln!(section, "section.put_header(buf, {}, {});", f.tag().unwrap(), f.size_expr(true)).unwrap();
            writeln!(section, "{}\n}}", f.write_stmt(true)).unwrap();
        }
        writeln!(section, "section.finish(buf);").unwrap();
        let reject = format!("c::tagged::put_unknown_section(buf, {unknown}, false, version)?;");
        out.push_str(&flexible.if_else(&section, &reject));
        Ok(())
    }

    /// "Write this tagged field": the version has it tagged and its value
    /// differs from the default.
    fn tagged_write_cond(&self, f: &Field) -> Result<String, String> {
        Ok(f.tagged().within(self.flexible().set()).and_expr(&f.differs_from_default()?))
    }

    /// `flexible` as the code should test it: the variable, or the constant
    /// the struct's versions decide.
    fn flexible_var(&self) -> String {
        let flexible = self.flexible();
        if flexible.is_always() || flexible.is_never() {
            flexible.expr()
        } else {
            "flexible".into()
        }
    }

    fn emit_tagged_size(&self, out: &mut String) -> Result<(), String> {
        let flexible = self.flexible();
        if !self.has_tagged_section() || flexible.is_never() {
            return Ok(());
        }
        let unknown = "&self.unknown_tagged_fields";
        let tagged = self.writable_tagged_fields();
        if tagged.is_empty() {
            writeln!(out, "size += c::tagged::unknown_section_size({unknown}, {});", self.flexible_var()).unwrap();
            return Ok(());
        }
        let mut section = String::from("let mut known = c::tagged::KnownSize::default();\n");
        for f in &tagged {
            let when = self.tagged_write_cond(f)?;
            writeln!(section, "if {when} {{ known.add({}, {}); }}", f.tag().unwrap(), f.size_expr(true)).unwrap();
        }
        writeln!(section, "size += known.section_size({unknown});").unwrap();
        out.push_str(&flexible.guard(&section));
        Ok(())
    }

    /// `decode_fields` (for a nested struct, over `decode_into`) and the
    /// `Decode` impl over it.
    fn emit_decode(&self, out: &mut String, imports: &mut Imports) {
        let flexible = self.flexible();
        let section = self.has_tagged_section() && !flexible.is_never();
        // Every known tag is read, even one this struct's versions never
        // carry (it is an error there, as in Kafka).
        let tagged = if section { self.tagged_fields() } else { Vec::new() };
        let mut body = String::new();
        for group in self.field_groups() {
            let f = match group {
                FieldGroup::Run(fields) => {
                    read_fixed_run(&fields, &mut body, imports);
                    continue;
                }
                FieldGroup::One(f) => f,
            };
            let read = format!("{}.map_err(|e| e.in_field({:?}))?", f.read_expr(false), f.name());
            // The default, where the version does not carry the field.
            imports.add_all(Part::Decode, Import::of_type(&f.spec.ty));
            let value = f.untagged().select(&read, &f.default_expr().expect("checked"));
            let set_by_section = tagged.iter().any(|t| t.name() == f.name() && !t.tagged().is_never());
            let m = if set_by_section { "mut " } else { "" };
            writeln!(body, "let {m}{} = {value};", f.local()).unwrap();
        }
        if self.has_tagged_section() {
            if tagged.is_empty() {
                // Only unknown fields can come: one call, inline for the empty section.
                writeln!(
                    body,
                    "let unknown_tagged_fields = c::tagged::read_unknown_section(r, {})?;",
                    self.flexible_var()
                )
                .unwrap();
            } else {
                imports.add_all(Part::Decode, [Import::UnknownTaggedFields, Import::RawTaggedField]);
                body.push_str("let mut unknown_tagged_fields = UnknownTaggedFields::new();\n");
                body.push_str(&flexible.guard(&self.tagged_read_loop(&tagged)));
            }
        }
        let mut fields: Vec<String> = self.fields().iter().map(|f| format!("{}: {}", f.ident(), f.local())).collect();
        if self.has_tagged_section() {
            fields.push("unknown_tagged_fields".into());
        }
        // Nested structs are decoded into their place (an array's spare
        // capacity, see core's `codec::slot`), top-level ones returned.
        let value = format!("Self {{ {} }}", fields.join(", "));
        if self.def.is_top {
            writeln!(body, "Ok({value})").unwrap();
        } else {
            writeln!(body, "Ok(slot.fill({value}))").unwrap();
        }
        let body = format!("{}{body}", self.flexible_let(&body));

        let name = &self.def.name;
        let cfg = direction_cfg(self.spec, Direction::Decode);
        writeln!(out, "{cfg}impl {name} {{").unwrap();
        let (r, version) = (param("r", &body), param("version", &body));
        if self.def.is_top {
            // `#[inline]` so that, like generic code, it is compiled in the
            // crate that calls it and only if it does.
            writeln!(
                out,
                "#[inline]\npub(crate) fn decode_fields({r}: &mut c::Reader<'_>, {version}: i16) -> Result<Self, DecodeError> {{"
            )
            .unwrap();
        } else {
            // Inlined in the array loops, so that the fields go from
            // registers into the vector.
            writeln!(
                out,
                "#[inline(always)]\npub(crate) fn decode_into<'s>({r}: &mut c::Reader<'_>, {version}: i16, slot: c::slot::Slot<'s, Self>) -> Result<c::slot::Filled<'s>, DecodeError> {{"
            )
            .unwrap();
        }
        writeln!(out, "{body}}}").unwrap();
        if !self.def.is_top {
            writeln!(
                out,
                "\n#[inline(always)]\npub(crate) fn decode_fields(r: &mut c::Reader<'_>, version: i16) -> Result<Self, DecodeError> {{\nc::slot::decode_value(|slot| Self::decode_into(r, version, slot))\n}}"
            )
            .unwrap();
        }
        writeln!(out, "}}\n").unwrap();
        let kind = if self.def.is_top { "message" } else { "nested" };
        writeln!(out, "{cfg}crate::message::impl_decode!({kind} {name});\n").unwrap();
    }

    /// Reads a tagged section with known tags: each known tag into its
    /// field (an error in a version without it), any other kept as unknown.
    fn tagged_read_loop(&self, tagged: &[Field]) -> String {
        let mut out = String::from(
            "for _ in 0..c::tagged::read_count(r)? {\nlet (tag, mut field) = c::tagged::read_field(r)?;\nmatch tag {\n",
        );
        let flexible = self.flexible().set();
        for f in tagged {
            let tag = f.tag().unwrap();
            let valid = f.tagged().within(flexible);
            if !valid.is_never() {
                let guard = if valid.is_always() { String::new() } else { format!(" if {}", valid.expr()) };
                writeln!(
                    out,
                    "{tag}{guard} => {} = c::tagged::read_known(&mut field, tag, |r| {}).map_err(|e| e.in_field({:?}))?,",
                    f.local(),
                    f.read_expr(true),
                    f.name()
                )
                .unwrap();
            }
            if !valid.is_always() {
                writeln!(out, "{tag} => return Err(c::tagged::tag_not_valid(&field, tag, version)),").unwrap();
            }
        }
        out.push_str("_ => unknown_tagged_fields.push(RawTaggedField { tag, data: field.read_rest() }),\n}\n}\n");
        out
    }
}

/// A parameter name, with a leading underscore when the body never uses it.
fn param(name: &str, body: &str) -> String {
    if uses(body, name) {
        name.to_string()
    } else {
        format!("_{name}")
    }
}

fn emit_field_doc(f: &Field, out: &mut String) {
    let spec = f.spec;
    if !spec.about.is_empty() {
        out.push_str(&doc_lines(&spec.about));
        out.push_str("///\n");
    }
    let mut facts = format!("/// Versions: {}", spec.versions);
    if !spec.nullable_versions.is_empty() {
        write!(facts, "; nullable: {}", spec.nullable_versions).unwrap();
    }
    if let Some(tag) = spec.tag {
        write!(facts, "; tagged: {} (tag {tag})", spec.tagged_versions).unwrap();
    }
    if !spec.default.is_empty() {
        write!(facts, "; default: {}", spec.default.replace('[', "\\[").replace(']', "\\]")).unwrap();
    }
    if spec.ignorable {
        facts.push_str("; ignorable");
    }
    if let Some(e) = &spec.entity_type {
        write!(facts, "; entity: {e}").unwrap();
    }
    if spec.map_key {
        facts.push_str("; map key");
    }
    writeln!(out, "{facts}.").unwrap();
}

/// A field on its own, or a run of fixed-size fields encoded together.
enum FieldGroup<'a> {
    One(Field<'a>),
    Run(Vec<Field<'a>>),
}

/// Ends a run of fixed-size fields: two or more become a run; a single one
/// stays a field of its own.
fn flush_run<'a>(run: &mut Vec<Field<'a>>, groups: &mut Vec<FieldGroup<'a>>) {
    match run.len() {
        0 => {}
        1 => groups.push(FieldGroup::One(run.pop().unwrap())),
        _ => groups.push(FieldGroup::Run(std::mem::take(run))),
    }
}

/// Writes a run of fixed-size fields (see `field_groups`) as one array.
fn write_fixed_run(fields: &[Field], out: &mut String) {
    let size: usize = fields.iter().map(|f| f.spec.ty.fixed_size().unwrap()).sum();
    writeln!(out, "{{\nlet mut run = [0u8; {size}];").unwrap();
    let mut at = 0;
    for f in fields {
        let end = at + f.spec.ty.fixed_size().unwrap();
        let place = format!("self.{}", f.ident());
        let bytes = match f.spec.ty {
            FieldType::Bool => format!("&[u8::from({place})]"),
            FieldType::Uuid => format!("{place}.as_bytes()"),
            _ => format!("&{place}.to_be_bytes()"),
        };
        writeln!(out, "run[{at}..{end}].copy_from_slice({bytes});").unwrap();
        at = end;
    }
    writeln!(out, "buf.put_slice(&run);\n}}").unwrap();
}

/// Reads a run of fixed-size fields with one bounds check; a short input
/// gets the error the field-by-field reads would have given.
fn read_fixed_run(fields: &[Field], out: &mut String, imports: &mut Imports) {
    let size: usize = fields.iter().map(|f| f.spec.ty.fixed_size().unwrap()).sum();
    let layout: Vec<String> =
        fields.iter().map(|f| format!("({:?}, {})", f.name(), f.spec.ty.fixed_size().unwrap())).collect();
    writeln!(
        out,
        "let Some(run) = r.read_fixed::<{size}>() else {{ return Err(r.fixed_run_error(&[{}])); }};",
        layout.join(", ")
    )
    .unwrap();
    let mut at = 0;
    for f in fields {
        let end = at + f.spec.ty.fixed_size().unwrap();
        let value = match &f.spec.ty {
            FieldType::Bool => format!("run[{at}] != 0"),
            FieldType::Int8 => format!("run[{at}] as i8"),
            FieldType::Uuid => {
                imports.add(Part::Decode, Import::Uuid);
                format!("Uuid::from_bytes(run[{at}..{end}].try_into().unwrap())")
            }
            ty => format!("{}::from_be_bytes(run[{at}..{end}].try_into().unwrap())", rust_type(ty)),
        };
        writeln!(out, "let {} = {value};", f.local()).unwrap();
        at = end;
    }
}
