//! Emits one struct: its definition, `Default`, and the encode, size,
//! decode and random functions that walk its fields.

use super::field::{cond, rust_type, Field};
use super::ident::{doc_lines, RESERVED_TYPE_NAMES};
use crate::spec::{FieldType, MessageSpec, SpecType, Versions};
use crate::structs::StructDef;
use std::fmt::Write;

pub struct StructEmitter<'a> {
    pub spec: &'a MessageSpec,
    pub def: &'a StructDef<'a>,
}

impl<'a> StructEmitter<'a> {
    fn fields(&self) -> Vec<Field<'a>> {
        self.def
            .fields
            .iter()
            .map(|spec| Field { spec, within: self.def.versions, flexible: self.spec.flexible_versions })
            .collect()
    }

    /// Whether the struct carries a tagged-field section in some version of the message.
    fn has_tagged_section(&self) -> bool {
        !self.spec.flexible_versions.is_empty()
    }

    fn flexible_cond(&self) -> String {
        cond(self.spec.flexible_versions, self.def.versions)
    }

    /// Tagged fields present in some flexible version of this struct, by tag.
    fn tagged_fields(&self) -> Vec<Field<'a>> {
        let mut tagged: Vec<Field<'a>> = self.fields().into_iter().filter(|f| f.spec.tag.is_some()).collect();
        tagged.sort_by_key(|f| f.spec.tag);
        tagged
    }

    /// The fields in order, with each run of fixed-size fields as one group:
    /// two or more consecutive fields that every version of the struct
    /// carries untagged, not nullable, of a fixed size. A run is written with
    /// one `put_slice` and read with one bounds check.
    fn field_groups(&self) -> Vec<FieldGroup<'a>> {
        let in_run = |f: &Field| {
            !f.is_option() && f.spec.ty.fixed_size().is_some() && cond(f.untagged(), self.def.versions) == "true"
        };
        let mut groups = Vec::new();
        let mut run = Vec::new();
        for f in self.fields() {
            if in_run(&f) {
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
        if RESERVED_TYPE_NAMES.contains(&self.def.name.as_str()) {
            return Err(format!("struct name {} clashes with a Rust name the generated code uses", self.def.name));
        }
        let mut tags = Vec::new();
        for f in self.fields() {
            if let Some(tag) = f.spec.tag {
                if tags.contains(&tag) {
                    return Err(format!("field {}: tag {tag} is used twice in {}", f.name(), self.def.name));
                }
                tags.push(tag);
                if !self.spec.flexible_versions.covers(f.spec.tagged_versions) {
                    return Err(format!("field {}: tagged versions are not all flexible", f.name()));
                }
            }
        }
        Ok(())
    }

    pub fn emit(&self, out: &mut String) -> Result<(), String> {
        self.check()?;
        self.emit_definition(out)?;
        self.emit_default(out)?;
        self.emit_codec(out)?;
        self.emit_traits(out);
        self.emit_random(out);
        self.emit_json(out)?;
        Ok(())
    }

    /// `ToJson`/`FromJson`: Kafka's JsonConverter format (feature `json`).
    fn emit_json(&self, out: &mut String) -> Result<(), String> {
        let name = &self.def.name;
        let check = if self.def.is_top {
            format!("if !<Self as Message>::VALID_VERSIONS.contains(version) {{ return Err(c::unsupported_version(version).in_struct({name:?})); }}")
        } else {
            String::new()
        };
        writeln!(out, "#[cfg(feature = \"json\")]\nimpl j::ToJson for {name} {{").unwrap();
        writeln!(out, "fn to_json(&self, version: i16) -> Result<j::serde_json::Value, EncodeError> {{\n{check}")
            .unwrap();
        writeln!(out, "let mut map = j::serde_json::Map::new();").unwrap();
        for f in self.fields() {
            let untagged = cond(f.untagged(), self.def.versions);
            let tagged = cond(f.tagged(), self.def.versions);
            let present = cond(f.present(), self.def.versions);
            let nd = f.non_default_expr().map_err(|e| format!("field {}: {e}", f.name()))?;
            let insert = format!(
                "map.insert({:?}.to_string(), {}.map_err(|e| e.in_field({:?}))?);",
                f.json_name(),
                f.to_json_expr(),
                f.name()
            );
            let mut arms = Vec::new();
            if untagged != "false" {
                arms.push((untagged.clone(), insert.clone()));
            }
            if tagged != "false" {
                arms.push((format!("({tagged}) && {nd}"), insert.clone()));
            }
            if !f.spec.ignorable && present != "true" {
                arms.push((
                    format!("!({present}) && {nd}"),
                    format!("return Err(c::non_default_value(version).in_field({:?}));", f.name()),
                ));
            }
            for (i, (c, body)) in arms.iter().enumerate() {
                let kw = if i == 0 { "if" } else { "else if" };
                if c == "true" {
                    if i == 0 {
                        writeln!(out, "{body}").unwrap();
                    } else {
                        writeln!(out, "else {{ {body} }}").unwrap();
                    }
                    break;
                }
                writeln!(out, "{kw} {c} {{ {body} }}").unwrap();
            }
        }
        writeln!(out, "Ok(j::serde_json::Value::Object(map))\n}}\n}}\n").unwrap();

        writeln!(out, "#[cfg(feature = \"json\")]\nimpl j::FromJson for {name} {{").unwrap();
        let dec_check = if self.def.is_top {
            format!("if !<Self as Message>::VALID_VERSIONS.contains(version) {{ return Err(j::error(format!(\"unsupported version {{version}}\")).in_struct({name:?})); }}")
        } else {
            String::new()
        };
        writeln!(
            out,
            "fn from_json(value: &j::serde_json::Value, version: i16) -> Result<Self, DecodeError> {{\n{dec_check}"
        )
        .unwrap();
        writeln!(out, "let object = j::object(value)?;\nlet mut out = Self::default();").unwrap();
        for f in self.fields() {
            let untagged = cond(f.untagged(), self.def.versions);
            let set = format!("out.{} = {}.map_err(|e| e.in_field({:?}))?;", f.ident(), f.from_json_expr(), f.name());
            let key = f.json_name();
            match untagged.as_str() {
                "false" => writeln!(out, "if let Some(v) = object.get({key:?}) {{ {set} }}").unwrap(),
                "true" => writeln!(
                    out,
                    "match object.get({key:?}) {{ Some(v) => {{ {set} }} None => return Err(j::missing({key:?}, version)), }}"
                )
                .unwrap(),
                u => writeln!(
                    out,
                    "match object.get({key:?}) {{ Some(v) => {{ {set} }} None if {u} => return Err(j::missing({key:?}, version)), None => {{}} }}"
                )
                .unwrap(),
            }
        }
        writeln!(out, "Ok(out)\n}}\n}}\n").unwrap();
        Ok(())
    }

    fn emit_definition(&self, out: &mut String) -> Result<(), String> {
        let def = self.def;
        if def.is_top {
            let kind = format!("{:?}", self.spec.ty).to_lowercase();
            let key = self.spec.api_key.map(|k| format!(", api key {k}")).unwrap_or_default();
            writeln!(out, "/// `{}`: Kafka {kind}{key}.", def.name).unwrap();
            writeln!(out, "///").unwrap();
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
            writeln!(out, "///").unwrap();
            writeln!(out, "/// Versions: {}.", def.versions).unwrap();
        } else {
            writeln!(out, "/// `{}`, versions {}.", def.name, def.versions).unwrap();
        }
        writeln!(out, "#[derive(Debug, Clone, PartialEq)]").unwrap();
        writeln!(out, "pub struct {} {{", def.name).unwrap();
        for f in self.fields() {
            if !f.spec.about.is_empty() {
                out.push_str(&doc_lines(&f.spec.about));
                out.push_str("///\n");
            }
            let mut facts = format!("/// Versions: {}", f.spec.versions);
            if !f.spec.nullable_versions.is_empty() {
                write!(facts, "; nullable: {}", f.spec.nullable_versions).unwrap();
            }
            if let Some(tag) = f.spec.tag {
                write!(facts, "; tagged: {} (tag {tag})", f.spec.tagged_versions).unwrap();
            }
            if !f.spec.default.is_empty() {
                write!(facts, "; default: {}", f.spec.default.replace('[', "\\[").replace(']', "\\]")).unwrap();
            }
            if f.spec.ignorable {
                facts.push_str("; ignorable");
            }
            if let Some(e) = &f.spec.entity_type {
                write!(facts, "; entity: {e}").unwrap();
            }
            if f.spec.map_key {
                facts.push_str("; map key");
            }
            writeln!(out, "{facts}.").unwrap();
            writeln!(out, "pub {}: {},", f.ident(), f.rust_type()).unwrap();
        }
        if self.has_tagged_section() {
            writeln!(out, "/// Tagged fields this library does not know; written back on encode.").unwrap();
            writeln!(out, "pub unknown_tagged_fields: Vec<c::RawTaggedField>,").unwrap();
        }
        writeln!(out, "}}\n").unwrap();
        Ok(())
    }

    fn emit_default(&self, out: &mut String) -> Result<(), String> {
        writeln!(out, "impl Default for {} {{", self.def.name).unwrap();
        writeln!(out, "fn default() -> Self {{ Self {{").unwrap();
        for f in self.fields() {
            let d = f.default_expr().map_err(|e| format!("field {}: {e}", f.name()))?;
            writeln!(out, "{}: {d},", f.ident()).unwrap();
        }
        if self.has_tagged_section() {
            writeln!(out, "unknown_tagged_fields: Vec::new(),").unwrap();
        }
        writeln!(out, "}} }}\n}}\n").unwrap();
        Ok(())
    }

    /// The `#[cfg]` line that compiles one direction ("encode" or "decode")
    /// of a request's or response's codec only with its cargo feature, e.g.
    /// `encode-requests`; headers and data types are always compiled.
    fn direction_cfg(&self, direction: &str) -> String {
        let kind = match self.spec.ty {
            SpecType::Request => "requests",
            SpecType::Response => "responses",
            _ => return String::new(),
        };
        format!("#[cfg(feature = \"{direction}-{kind}\")]\n")
    }

    fn emit_codec(&self, out: &mut String) -> Result<(), String> {
        writeln!(out, "{}impl {} {{", self.direction_cfg("encode"), self.def.name).unwrap();
        self.emit_encode_fields(out)?;
        self.emit_fields_size(out)?;
        writeln!(out, "}}\n").unwrap();
        writeln!(out, "{}impl {} {{", self.direction_cfg("decode"), self.def.name).unwrap();
        self.emit_decode_fields(out);
        writeln!(out, "}}\n").unwrap();
        Ok(())
    }

    fn emit_encode_fields(&self, out: &mut String) -> Result<(), String> {
        writeln!(
            out,
            "pub(crate) fn encode_fields<B: BufMut>(&self, buf: &mut B, version: i16) -> Result<(), EncodeError> {{"
        )
        .unwrap();
        writeln!(out, "let flexible = {};", self.flexible_cond()).unwrap();
        for group in self.field_groups() {
            let f = match group {
                FieldGroup::Run(fields) => {
                    write_fixed_run(&fields, out);
                    continue;
                }
                FieldGroup::One(f) => f,
            };
            let untagged = cond(f.untagged(), self.def.versions);
            let present = cond(f.present(), self.def.versions);
            let name = f.name();
            let write = f.write_stmt(false);
            let absent_check = if f.spec.ignorable || present == "true" {
                None
            } else {
                let nd = f.non_default_expr().map_err(|e| format!("field {name}: {e}"))?;
                Some(format!(
                    "if !({present}) && {nd} {{ return Err(c::non_default_value(version).in_field({name:?})); }}"
                ))
            };
            match (untagged.as_str(), absent_check) {
                ("true", _) => writeln!(out, "{write}").unwrap(),
                ("false", Some(check)) => writeln!(out, "{check}").unwrap(),
                ("false", None) => {}
                (u, Some(check)) => writeln!(out, "if {u} {{ {write} }} else {check}").unwrap(),
                (u, None) => writeln!(out, "if {u} {{ {write} }}").unwrap(),
            }
        }
        self.emit_tagged_write(out)?;
        writeln!(out, "Ok(())\n}}\n").unwrap();
        Ok(())
    }

    fn emit_tagged_write(&self, out: &mut String) -> Result<(), String> {
        if !self.has_tagged_section() {
            return Ok(());
        }
        let flexible = self.flexible_cond();
        let reject_unknown =
            "if !self.unknown_tagged_fields.is_empty() { return Err(c::tagged_fields_not_supported(version)); }";
        if flexible == "false" {
            writeln!(out, "{reject_unknown}").unwrap();
            return Ok(());
        }
        writeln!(out, "if flexible {{").unwrap();
        let tagged = self.tagged_fields();
        writeln!(out, "let mut num_tagged = self.unknown_tagged_fields.len();").unwrap();
        for f in &tagged {
            let tc = cond(f.tagged(), self.def.versions);
            let nd = f.non_default_expr().map_err(|e| format!("field {}: {e}", f.name()))?;
            writeln!(out, "let write_{} = {tc} && {nd};", f.local()).unwrap();
            writeln!(out, "num_tagged += write_{} as usize;", f.local()).unwrap();
        }
        writeln!(out, "c::put_uvarint(buf, num_tagged as u32);").unwrap();
        writeln!(out, "let mut unknown = c::TaggedFieldWriter::new(&self.unknown_tagged_fields);").unwrap();
        for f in &tagged {
            let tag = f.spec.tag.unwrap();
            writeln!(out, "unknown.write_before(buf, {tag});").unwrap();
            writeln!(out, "if write_{} {{", f.local()).unwrap();
            writeln!(out, "c::put_uvarint(buf, {tag});").unwrap();
            writeln!(out, "c::put_uvarint(buf, ({}) as u32);", f.size_expr(true)).unwrap();
            writeln!(out, "{}", f.write_stmt(true)).unwrap();
            writeln!(out, "}}").unwrap();
        }
        writeln!(out, "unknown.write_rest(buf);").unwrap();
        if flexible == "true" {
            writeln!(out, "}}").unwrap();
        } else {
            writeln!(out, "}} else {reject_unknown}").unwrap();
        }
        Ok(())
    }

    fn emit_fields_size(&self, out: &mut String) -> Result<(), String> {
        writeln!(out, "#[inline]\npub(crate) fn fields_size(&self, version: i16) -> usize {{").unwrap();
        writeln!(out, "let flexible = {};", self.flexible_cond()).unwrap();
        writeln!(out, "let mut size = 0usize;").unwrap();
        for f in self.fields() {
            let untagged = cond(f.untagged(), self.def.versions);
            match untagged.as_str() {
                "false" => {}
                "true" => writeln!(out, "size += {};", f.size_expr(false)).unwrap(),
                u => writeln!(out, "if {u} {{ size += {}; }}", f.size_expr(false)).unwrap(),
            }
        }
        if self.has_tagged_section() && self.flexible_cond() != "false" {
            writeln!(out, "if flexible {{").unwrap();
            writeln!(out, "let mut num_tagged = self.unknown_tagged_fields.len();").unwrap();
            for f in self.tagged_fields() {
                let tc = cond(f.tagged(), self.def.versions);
                let nd = f.non_default_expr().map_err(|e| format!("field {}: {e}", f.name()))?;
                let tag = f.spec.tag.unwrap();
                writeln!(out, "if {tc} && {nd} {{").unwrap();
                writeln!(out, "num_tagged += 1;").unwrap();
                writeln!(out, "let value_size = {};", f.size_expr(true)).unwrap();
                writeln!(out, "size += c::uvarint_size({tag}) + c::uvarint_size(value_size as u32) + value_size;")
                    .unwrap();
                writeln!(out, "}}").unwrap();
            }
            writeln!(
                out,
                "size += c::uvarint_size(num_tagged as u32) + c::raw_tagged_fields_size(&self.unknown_tagged_fields);"
            )
            .unwrap();
            writeln!(out, "}}").unwrap();
        }
        writeln!(out, "size\n}}\n").unwrap();
        Ok(())
    }

    fn emit_decode_fields(&self, out: &mut String) {
        // Nested structs are decoded in array loops: inlined there, the value
        // is built in place instead of returned through the stack and copied
        // (a store-forwarding stall per element, the main cost of small
        // elements before).
        // Top-level ones are `#[inline]` so that, like generic code, they are
        // compiled in the crate that calls them and only if it does (see
        // `emit_traits`).
        writeln!(out, "{}", if self.def.is_top { "#[inline]" } else { "#[inline(always)]" }).unwrap();
        writeln!(
            out,
            "pub(crate) fn decode_fields(r: &mut c::Reader<'_>, version: i16) -> Result<Self, DecodeError> {{"
        )
        .unwrap();
        writeln!(out, "let flexible = {};", self.flexible_cond()).unwrap();
        let tagged_section = self.has_tagged_section() && self.flexible_cond() != "false";
        for group in self.field_groups() {
            let f = match group {
                FieldGroup::Run(fields) => {
                    read_fixed_run(&fields, out);
                    continue;
                }
                FieldGroup::One(f) => f,
            };
            let untagged = cond(f.untagged(), self.def.versions);
            let is_tagged_here = f.spec.tag.is_some() && tagged_section && !f.tagged().is_empty();
            let m = if is_tagged_here { "mut " } else { "" };
            let read = format!("{}.map_err(|e| e.in_field({:?}))?", f.read_expr(false), f.name());
            let default = f.default_expr().expect("checked by emit_default");
            let value = match untagged.as_str() {
                "true" => read,
                "false" => default,
                u => format!("if {u} {{ {read} }} else {{ {default} }}"),
            };
            writeln!(out, "let {m}{} = {value};", f.local()).unwrap();
        }
        // A struct with known tags (even ones this struct's versions never
        // carry, which are rejected below as Kafka rejects them) reads its
        // section tag by tag.
        let known_tags = !self.tagged_fields().is_empty();
        if tagged_section && !known_tags {
            // Only unknown fields can come: one call, inline for the empty section.
            let value = match self.flexible_cond().as_str() {
                "true" => "c::read_unknown_tagged_fields(r)?".to_string(),
                fc => format!("if {fc} {{ c::read_unknown_tagged_fields(r)? }} else {{ Vec::new() }}"),
            };
            writeln!(out, "let unknown_tagged_fields = {value};").unwrap();
        } else if self.has_tagged_section() {
            let m = if tagged_section { "mut " } else { "" };
            writeln!(out, "let {m}unknown_tagged_fields = Vec::new();").unwrap();
        }
        if tagged_section && known_tags {
            writeln!(out, "if flexible {{").unwrap();
            writeln!(out, "let count = r.read_uvarint()?;").unwrap();
            writeln!(out, "for _ in 0..count {{").unwrap();
            writeln!(out, "let (tag, mut sub) = c::read_tagged_field(r)?;").unwrap();
            writeln!(out, "match tag {{").unwrap();
            for f in self.tagged_fields() {
                let tag = f.spec.tag.unwrap();
                let tc = cond(f.tagged(), self.def.versions);
                if tc != "false" {
                    writeln!(out, "{tag} if {tc} => {{").unwrap();
                    writeln!(out, "let (start, declared) = (sub.position(), sub.remaining());").unwrap();
                    writeln!(out, "let r = &mut sub;").unwrap();
                    writeln!(out, "{} = {}.map_err(|e| e.in_field({:?}))?;", f.local(), f.read_expr(true), f.name())
                        .unwrap();
                    writeln!(
                        out,
                        "c::finish_tagged_field(&sub, tag, start, declared).map_err(|e| e.in_field({:?}))?;",
                        f.name()
                    )
                    .unwrap();
                    writeln!(out, "}}").unwrap();
                }
                if tc != "true" {
                    writeln!(out, "{tag} => return Err(c::tag_not_valid(&sub, tag, version)),").unwrap();
                }
            }
            writeln!(out, "_ => unknown_tagged_fields.push(c::RawTaggedField {{ tag, data: sub.read_rest() }}),")
                .unwrap();
            writeln!(out, "}}\n}}\n}}").unwrap();
        }
        writeln!(out, "Ok(Self {{").unwrap();
        for f in self.fields() {
            writeln!(out, "{}: {},", f.ident(), f.local()).unwrap();
        }
        if self.has_tagged_section() {
            writeln!(out, "unknown_tagged_fields,").unwrap();
        }
        writeln!(out, "}})\n}}").unwrap();
    }

    /// `Encode`, `Decode` and `Message`. The non-generic codec functions
    /// (decode, sizes) are `#[inline]`: like the generic encoders, they are
    /// then compiled in the crate that uses them, for the messages it uses,
    /// instead of all of them in this library's own build.
    fn emit_traits(&self, out: &mut String) {
        let name = &self.def.name;
        let (enc_check, enc_ctx, dec_check, dec_ctx) = if self.def.is_top {
            (
                format!("if !Self::VALID_VERSIONS.contains(version) {{ return Err(c::unsupported_version(version).in_struct({name:?})); }}"),
                format!(".map_err(|e| e.in_struct({name:?}))"),
                format!("check_decode_version(Self::VALID_VERSIONS, r, version).map_err(|e| e.in_struct({name:?}))?;"),
                format!(".map_err(|e| e.in_struct({name:?}))"),
            )
        } else {
            Default::default()
        };
        writeln!(out, "{}impl Encode for {name} {{", self.direction_cfg("encode")).unwrap();
        writeln!(out, "fn encode<B: BufMut>(&self, buf: &mut B, version: i16) -> Result<(), EncodeError> {{").unwrap();
        writeln!(out, "{enc_check}\nself.encode_fields(buf, version){enc_ctx}\n}}").unwrap();
        writeln!(out, "#[inline]\nfn encoded_size(&self, version: i16) -> usize {{ self.fields_size(version) }}")
            .unwrap();
        writeln!(out, "}}\n").unwrap();
        writeln!(out, "{}impl Decode for {name} {{", self.direction_cfg("decode")).unwrap();
        writeln!(out, "#[inline]\nfn decode(r: &mut c::Reader<'_>, version: i16) -> Result<Self, DecodeError> {{")
            .unwrap();
        writeln!(out, "{dec_check}\nSelf::decode_fields(r, version){dec_ctx}\n}}").unwrap();
        writeln!(out, "}}\n").unwrap();
        if self.def.is_top {
            let range = |v: Versions| match v.0 {
                Some((a, b)) => format!("VersionRange::new({a}, {b})"),
                None => "VersionRange::NONE".into(),
            };
            writeln!(out, "impl Message for {name} {{").unwrap();
            writeln!(out, "const NAME: &'static str = {name:?};").unwrap();
            writeln!(out, "const VALID_VERSIONS: VersionRange = {};", range(self.spec.valid_versions)).unwrap();
            writeln!(out, "const FLEXIBLE_VERSIONS: VersionRange = {};", range(self.spec.flexible_versions)).unwrap();
            writeln!(out, "}}\n").unwrap();
        }
    }

    fn emit_random(&self, out: &mut String) {
        let name = &self.def.name;
        writeln!(out, "#[cfg(feature = \"random\")]").unwrap();
        writeln!(out, "impl rnd::Random for {name} {{").unwrap();
        writeln!(out, "fn random(rng: &mut rnd::Rng, version: i16) -> Self {{").unwrap();
        writeln!(out, "let flexible = {};", self.flexible_cond()).unwrap();
        writeln!(out, "let mut value = Self::default();").unwrap();
        for f in self.fields() {
            let present = cond(f.present(), self.def.versions);
            match present.as_str() {
                "false" => {}
                "true" => writeln!(out, "value.{} = {};", f.ident(), f.random_expr()).unwrap(),
                p => writeln!(out, "if {p} {{ value.{} = {}; }}", f.ident(), f.random_expr()).unwrap(),
            }
        }
        if self.has_tagged_section() && self.flexible_cond() != "false" {
            let tags: Vec<String> = self.tagged_fields().iter().map(|f| f.spec.tag.unwrap().to_string()).collect();
            writeln!(
                out,
                "if flexible {{ value.unknown_tagged_fields = rnd::unknown_tagged_fields(rng, &[{}]); }}",
                tags.join(", ")
            )
            .unwrap();
        }
        writeln!(out, "value\n}}\n}}\n").unwrap();
    }
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
            FieldType::Bool => format!("[{place} as u8]"),
            FieldType::Uuid => format!("*{place}.as_bytes()"),
            _ => format!("{place}.to_be_bytes()"),
        };
        writeln!(out, "run[{at}..{end}].copy_from_slice(&{bytes});").unwrap();
        at = end;
    }
    writeln!(out, "buf.put_slice(&run);\n}}").unwrap();
}

/// Reads a run of fixed-size fields with one bounds check; a short input
/// gets the error the field-by-field reads would have given.
fn read_fixed_run(fields: &[Field], out: &mut String) {
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
            FieldType::Uuid => format!("Uuid::from_bytes(run[{at}..{end}].try_into().unwrap())"),
            ty => format!("{}::from_be_bytes(run[{at}..{end}].try_into().unwrap())", rust_type(ty)),
        };
        writeln!(out, "let {} = {value};", f.local()).unwrap();
        at = end;
    }
}
