//! The Go file of one spec: every struct's type, its defaults, and its
//! wire codec (append, size, decode); the top-level struct adds the
//! exported methods of `Message`.

use super::field::{check_default, Exit, Field};
use super::naming::{comment, file_name, string_literal, struct_type, uses};
use super::{guard, header, if_chain, test_expr};
use crate::flatten::StructDef;
use crate::spec::{MessageSpec, SpecType};
use crate::versions::Cond;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Methods of a top-level struct: no field may take these names.
const TOP_METHODS: &[&str] = &[
    "AppendTo",
    "Size",
    "Decode",
    "DecodePrefix",
    "AppendJSON",
    "DecodeJSON",
    "Default",
    "APIKey",
    "UnknownTaggedFields",
];

/// The Go types of a spec's structs, by spec name.
pub(super) fn struct_types(spec: &MessageSpec, defs: &[StructDef]) -> BTreeMap<String, String> {
    defs.iter().map(|d| (d.name.clone(), struct_type(spec, &d.name))).collect()
}

/// The Go file for one spec: its name and its text.
pub(super) fn emit_file(spec: &MessageSpec, defs: &[StructDef], source: &str) -> Result<(String, String), String> {
    let types = struct_types(spec, defs);
    let mut out = header(source);
    out.push_str("package messages\n\nimport \"github.com/kafka-wire/kafka-wire/go/internal/wire\"\n\n");
    for def in defs {
        let s = StructEmitter { spec, def, types: &types };
        s.check().map_err(|e| format!("{}: struct {}: {e}", spec.file, def.name))?;
        s.emit(&mut out)?;
    }
    Ok((file_name(&spec.name), out))
}

struct StructEmitter<'a> {
    spec: &'a MessageSpec,
    def: &'a StructDef<'a>,
    types: &'a BTreeMap<String, String>,
}

impl<'a> StructEmitter<'a> {
    fn fields(&self) -> Vec<Field<'a>> {
        self.def
            .fields
            .iter()
            .map(|f| Field {
                spec: f,
                domain: self.def.domain,
                flexible: self.spec.flexible_versions,
                types: self.types,
            })
            .collect()
    }

    fn go_type(&self) -> &str {
        &self.types[&self.def.name]
    }

    fn has_tagged_section(&self) -> bool {
        !self.spec.flexible_versions.is_empty()
    }

    fn flexible(&self) -> Cond {
        Cond::new(self.spec.flexible_versions, self.def.domain)
    }

    /// `flexible` as the code tests it: the local, or the constant the
    /// struct's versions decide.
    fn flexible_var(&self) -> String {
        let flexible = self.flexible();
        if flexible.is_always() || flexible.is_never() {
            test_expr(flexible)
        } else {
            "flexible".into()
        }
    }

    fn tagged_fields(&self) -> Vec<Field<'a>> {
        let mut tagged: Vec<Field<'a>> = self.fields().into_iter().filter(|f| f.tag().is_some()).collect();
        tagged.sort_by_key(|f| f.tag());
        tagged
    }

    fn writable_tagged_fields(&self) -> Vec<Field<'a>> {
        self.tagged_fields().into_iter().filter(|f| !f.tagged().is_never()).collect()
    }

    fn check(&self) -> Result<(), String> {
        let mut names = Vec::new();
        let mut tags = Vec::new();
        for f in self.fields() {
            check_default(f.spec).map_err(|e| format!("field {}: {e}", f.name()))?;
            let ident = f.ident();
            if names.contains(&ident) || ident == "UnknownTaggedFields" {
                return Err(format!("field {}: its Go name {ident} is taken", f.name()));
            }
            if self.def.is_top && TOP_METHODS.contains(&ident.as_str()) {
                return Err(format!("field {}: its Go name {ident} is a method of the message", f.name()));
            }
            names.push(ident);
            if let Some(tag) = f.tag() {
                if tags.contains(&tag) {
                    return Err(format!("field {}: tag {tag} is used twice", f.name()));
                }
                tags.push(tag);
                if !self.spec.flexible_versions.covers(f.spec.tagged_versions) {
                    return Err(format!("field {}: tagged versions are not all flexible", f.name()));
                }
            }
        }
        Ok(())
    }

    fn emit(&self, out: &mut String) -> Result<(), String> {
        self.emit_definition(out);
        self.emit_default(out)?;
        if self.def.is_top {
            self.emit_top_methods(out);
            self.emit_json_methods(out);
        } else {
            self.emit_is_default(out)?;
        }
        self.emit_append(out)?;
        self.emit_size(out)?;
        self.emit_decode(out);
        let fields = self.fields();
        super::json::emit_append(self.go_type(), &fields, out)?;
        super::json::emit_read(self.go_type(), &fields, out);
        Ok(())
    }

    fn emit_definition(&self, out: &mut String) {
        let name = self.go_type();
        if self.def.is_top {
            let kind = match self.spec.ty {
                SpecType::Request => "request",
                SpecType::Response => "response",
                SpecType::Header => "header",
                _ => "data type",
            };
            let key = self.spec.api_key.map(|k| format!(" (api key {k})")).unwrap_or_default();
            out.push_str(&comment(&format!(
                "{name} is the Kafka {kind} {}{key}, defined in {}.",
                self.spec.name, self.spec.file
            )));
            out.push_str("//\n");
            out.push_str(&comment(&format!(
                "Valid versions: {}. Flexible versions: {}.",
                self.spec.valid_versions, self.spec.flexible_versions
            )));
            if !self.spec.deprecated_versions.is_empty() {
                out.push_str(&comment(&format!("Deprecated versions: {}.", self.spec.deprecated_versions)));
            }
            if self.spec.latest_version_unstable {
                out.push_str("// The latest version is unstable.\n");
            }
        } else {
            let what = format!("{name} is a struct of {}, versions {}.", self.spec.name, self.def.versions);
            let text = if self.def.about.is_empty() { what } else { format!("{what} {}", self.def.about) };
            out.push_str(&comment(&text));
        }
        writeln!(out, "type {name} struct {{").unwrap();
        for f in self.fields() {
            if !f.spec.about.is_empty() {
                out.push_str(&comment(&f.spec.about));
                out.push_str("//\n");
            }
            out.push_str(&comment(&field_facts(f.spec)));
            writeln!(out, "{} {}", f.ident(), f.go_type()).unwrap();
        }
        if self.has_tagged_section() {
            out.push_str("// UnknownTaggedFields are the tagged fields this package does not know,\n// in the order they were read; encoding writes them back among the known\n// fields by tag.\nUnknownTaggedFields []RawTaggedField\n");
        }
        out.push_str("}\n\n");
    }

    fn emit_default(&self, out: &mut String) -> Result<(), String> {
        let name = self.go_type();
        let mut elems = Vec::new();
        let mut stmts = String::new();
        for f in self.fields() {
            if let Some(e) = f.default_literal()? {
                elems.push(e);
            }
            if let Some(s) = f.default_stmt() {
                writeln!(stmts, "{s}").unwrap();
            }
        }
        let literal =
            if elems.is_empty() { format!("{name}{{}}") } else { format!("{name}{{\n{},\n}}", elems.join(",\n")) };
        writeln!(out, "// Default sets every field of v to its default, as Kafka's spec gives it.").unwrap();
        writeln!(out, "func (v *{name}) Default() {{\n*v = {literal}\n{stmts}}}\n").unwrap();
        writeln!(out, "// New{name} returns a {name} with every field at its default.").unwrap();
        writeln!(out, "func New{name}() {name} {{\nvar v {name}\nv.Default()\nreturn v\n}}\n").unwrap();
        Ok(())
    }

    /// `isDefault`, for the encoders of the structs that hold this one.
    fn emit_is_default(&self, out: &mut String) -> Result<(), String> {
        let mut tests = Vec::new();
        for f in self.fields() {
            tests.push(format!("!({})", f.differs()?));
        }
        if self.has_tagged_section() {
            tests.push("len(v.UnknownTaggedFields) == 0".into());
        }
        let body = if tests.is_empty() { "true".to_string() } else { tests.join(" &&\n") };
        writeln!(out, "func (v *{}) isDefault() bool {{\nreturn {body}\n}}\n", self.go_type()).unwrap();
        Ok(())
    }

    fn emit_top_methods(&self, out: &mut String) {
        let name = self.go_type();
        let spec_name = string_literal(&self.spec.name);
        let (min, max) = match self.spec.valid_versions.0 {
            Some((a, b)) => (a, b),
            None => (0, -1),
        };
        if let Some(key) = self.spec.api_key {
            if matches!(self.spec.ty, SpecType::Request | SpecType::Response) {
                writeln!(out, "// APIKey is the key of the API the message belongs to.\nfunc (*{name}) APIKey() APIKey {{ return {key} }}\n").unwrap();
            }
        }
        writeln!(
            out,
            "// AppendTo appends v encoded at version to dst and returns the extended\n\
             // slice. It fails, as Kafka's own encoders do, on a version v does not\n\
             // have, a value other than the default in a field the version lacks, a\n\
             // null where the version forbids one, or a value too long for its\n\
             // length prefix; dst is then returned unchanged.\n\
             func (v *{name}) AppendTo(dst []byte, version int16) ([]byte, error) {{\n\
             if version < {min} || version > {max} {{\nreturn dst, wire.UnsupportedVersion({spec_name}, version, {min}, {max})\n}}\n\
             out, err := v.appendTo(dst, version)\nif err != nil {{\nreturn dst, wire.InMessage(err, {spec_name})\n}}\nreturn out, nil\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "// Size is the number of bytes AppendTo appends at version (meaningful\n\
             // when AppendTo succeeds).\n\
             func (v *{name}) Size(version int16) int {{\nreturn v.size(version)\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "// Decode sets v to the message src holds at version, which must use\n\
             // every byte of src. Fields of type bytes share src.\n\
             func (v *{name}) Decode(src []byte, version int16) error {{\n\
             r := wire.NewReader(src)\nif err := v.decodeMessage(r, version); err != nil {{\nreturn err\n}}\n\
             if err := r.ExpectEnd(); err != nil {{\nreturn wire.InMessage(err, {spec_name})\n}}\nreturn nil\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "// DecodePrefix sets v to the message at the start of src at version and\n\
             // returns the number of bytes it used. Fields of type bytes share src.\n\
             func (v *{name}) DecodePrefix(src []byte, version int16) (int, error) {{\n\
             r := wire.NewReader(src)\nif err := v.decodeMessage(r, version); err != nil {{\nreturn 0, err\n}}\nreturn r.Offset(), nil\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "func (v *{name}) decodeMessage(r *wire.Reader, version int16) error {{\n\
             if version < {min} || version > {max} {{\nreturn wire.InMessage(r.UnsupportedVersion(version, {min}, {max}), {spec_name})\n}}\n\
             if err := v.decode(r, version); err != nil {{\nreturn wire.InMessage(err, {spec_name})\n}}\nreturn nil\n}}\n"
        )
        .unwrap();
    }

    fn emit_json_methods(&self, out: &mut String) {
        let name = self.go_type();
        let spec_name = string_literal(&self.spec.name);
        let (min, max) = match self.spec.valid_versions.0 {
            Some((a, b)) => (a, b),
            None => (0, -1),
        };
        writeln!(
            out,
            "// AppendJSON appends v in Kafka's JSON form at version (as Kafka's\n\
             // JsonConverter classes write it: the fields the version has, tagged ones\n\
             // only when they differ from their default, bytes in base64) to dst.\n\
             func (v *{name}) AppendJSON(dst []byte, version int16) ([]byte, error) {{\n\
             if version < {min} || version > {max} {{\nreturn dst, wire.UnsupportedVersion({spec_name}, version, {min}, {max})\n}}\n\
             return v.appendJSON(dst, version), nil\n}}\n"
        )
        .unwrap();
        writeln!(
            out,
            "// DecodeJSON sets v to the message data holds in Kafka's JSON form at\n\
             // version. A field the version has in line may not be missing, a field\n\
             // it does not have may not be there, and integers may not be strings.\n\
             func (v *{name}) DecodeJSON(data []byte, version int16) error {{\n\
             if version < {min} || version > {max} {{\nreturn wire.InMessage(wire.JSONFail(\"unsupported version %d: valid versions are {min}-{max}\", version), {spec_name})\n}}\n\
             x, err := wire.ParseJSON(data)\nif err != nil {{\nreturn wire.InMessage(err, {spec_name})\n}}\n\
             if err := v.fromJSON(x, version); err != nil {{\nreturn wire.InMessage(err, {spec_name})\n}}\nreturn nil\n}}\n"
        )
        .unwrap();
    }

    fn emit_append(&self, out: &mut String) -> Result<(), String> {
        let mut body = String::new();
        for f in self.fields() {
            let untagged = f.untagged();
            let mut arms = vec![(untagged, None, f.write(false))];
            let absent = f.present().complement().within(untagged.complement().set());
            if !f.spec.ignorable && !absent.is_never() {
                let fail = format!(
                    "return dst, wire.InField(wire.NonDefaultValue(version), {})\n",
                    string_literal(&f.ident())
                );
                arms.push((absent, Some(f.differs()?), fail));
            }
            body.push_str(&if_chain(&arms));
        }
        if self.has_tagged_section() {
            body.push_str(&self.tagged_append()?);
        }
        let mut locals = String::new();
        if uses(&body, "err") {
            locals.push_str("var err error\n");
        }
        if uses(&body, "flexible") {
            writeln!(locals, "flexible := {}", test_expr(self.flexible())).unwrap();
        }
        writeln!(
            out,
            "func (v *{}) appendTo(dst []byte, version int16) ([]byte, error) {{\n{locals}{body}return dst, nil\n}}\n",
            self.go_type()
        )
        .unwrap();
        Ok(())
    }

    /// "Write this tagged field": the version has it tagged and its value
    /// differs from the default.
    fn tagged_write_cond(&self, f: &Field) -> Result<String, String> {
        let cond = f.tagged().within(self.flexible().set());
        let differs = f.differs()?;
        Ok(if cond.is_always() { differs } else { format!("{} && ({differs})", test_expr(cond)) })
    }

    fn tagged_append(&self) -> Result<String, String> {
        let flexible = self.flexible();
        let tagged = self.writable_tagged_fields();
        let unknown_only = "if dst, err = wire.AppendUnknownTags(dst, v.UnknownTaggedFields, FLEX, version); err != nil {\nreturn dst, wire.InField(err, \"UnknownTaggedFields\")\n}\n";
        if tagged.is_empty() || flexible.is_never() {
            return Ok(unknown_only.replace("FLEX", &self.flexible_var()));
        }
        let mut section = String::from("known := 0\n");
        for f in &tagged {
            writeln!(
                section,
                "write{} := {}\nif write{} {{\nknown++\n}}",
                f.ident(),
                self.tagged_write_cond(f)?,
                f.ident()
            )
            .unwrap();
        }
        section.push_str("var tags wire.TagWriter\nif dst, tags, err = wire.StartTags(dst, v.UnknownTaggedFields, known); err != nil {\nreturn dst, wire.InField(err, \"UnknownTaggedFields\")\n}\n");
        for f in &tagged {
            writeln!(
                section,
                "if write{} {{\nsize := 0\n{}dst = tags.Header(dst, {}, size)\n{}}}",
                f.ident(),
                f.size(true, "size"),
                f.tag().unwrap(),
                f.write(true)
            )
            .unwrap();
        }
        section.push_str("dst = tags.Finish(dst)\n");
        let reject = unknown_only.replace("FLEX", "false");
        Ok(super::if_else(flexible, &section, &reject))
    }

    fn emit_size(&self, out: &mut String) -> Result<(), String> {
        let mut body = String::new();
        for f in self.fields() {
            body.push_str(&guard(f.untagged(), &f.size(false, "n")));
        }
        let flexible = self.flexible();
        if self.has_tagged_section() && !flexible.is_never() {
            let tagged = self.writable_tagged_fields();
            if tagged.is_empty() {
                writeln!(body, "n += wire.UnknownTagsSize(v.UnknownTaggedFields, {})", self.flexible_var()).unwrap();
            } else {
                let mut section = String::from("var tags wire.TagSizer\n");
                for f in &tagged {
                    writeln!(
                        section,
                        "if {} {{\nsize := 0\n{}tags.Add({}, size)\n}}",
                        self.tagged_write_cond(f)?,
                        f.size(true, "size"),
                        f.tag().unwrap()
                    )
                    .unwrap();
                }
                section.push_str("n += tags.Total(v.UnknownTaggedFields)\n");
                body.push_str(&guard(flexible, &section));
            }
        }
        let mut locals = String::new();
        if uses(&body, "flexible") {
            writeln!(locals, "flexible := {}", test_expr(self.flexible())).unwrap();
        }
        writeln!(out, "func (v *{}) size(version int16) int {{\n{locals}n := 0\n{body}return n\n}}\n", self.go_type())
            .unwrap();
        Ok(())
    }

    fn emit_decode(&self, out: &mut String) {
        let flexible = self.flexible();
        let section = self.has_tagged_section() && !flexible.is_never();
        let exit = Exit { before: "", name_field: true };
        let mut body = String::from("v.Default()\n");
        for f in self.fields() {
            body.push_str(&guard(f.untagged(), &f.read(false, &exit)));
        }
        if section {
            body.push_str(&guard(flexible, &self.tagged_read_loop()));
        }
        let mut locals = String::new();
        if uses(&body, "err") {
            locals.push_str("var err error\n");
        }
        if uses(&body, "flexible") {
            writeln!(locals, "flexible := {}", test_expr(self.flexible())).unwrap();
        }
        writeln!(
            out,
            "func (v *{}) decode(r *wire.Reader, version int16) error {{\n{locals}{body}return nil\n}}\n",
            self.go_type()
        )
        .unwrap();
    }

    /// Reads a tagged section: each known tag into its field (an error in
    /// a version without it), any other kept as unknown.
    fn tagged_read_loop(&self) -> String {
        let mut out = String::from(
            "var count int\nif count, err = r.TagCount(); err != nil {\nreturn err\n}\nfor range count {\ntag, field, err := r.TaggedField()\nif err != nil {\nreturn err\n}\nswitch tag {\n",
        );
        let flexible = self.flexible().set();
        let inner = Exit { before: "", name_field: false };
        for f in self.tagged_fields() {
            let tag = f.tag().unwrap();
            let valid = f.tagged().within(flexible);
            writeln!(out, "case {tag}:").unwrap();
            if valid.is_never() {
                out.push_str("return field.TagNotValid(tag, version)\n");
                continue;
            }
            if !valid.is_always() {
                writeln!(out, "if !({}) {{\nreturn field.TagNotValid(tag, version)\n}}", test_expr(valid)).unwrap();
            }
            let read = f.read(true, &inner);
            let err_decl = if uses(&read, "err") { "var err error\n" } else { "" };
            writeln!(
                out,
                "start := field.Offset()\nerr = func(r *wire.Reader) error {{\n{err_decl}{read}return nil\n}}(&field)\n\
                 if err = wire.EndKnownTag(&field, start, tag, err); err != nil {{\nreturn wire.InField(err, {})\n}}",
                string_literal(&f.ident())
            )
            .unwrap();
        }
        out.push_str("default:\nv.UnknownTaggedFields = append(v.UnknownTaggedFields, RawTaggedField{Tag: tag, Data: field.Rest()})\n}\n}\n");
        out
    }
}

/// The facts of a field for its doc comment.
fn field_facts(spec: &crate::spec::FieldSpec) -> String {
    let mut facts = format!("Versions: {}", spec.versions);
    if !spec.nullable_versions.is_empty() {
        write!(facts, "; nullable: {}", spec.nullable_versions).unwrap();
    }
    if let Some(tag) = spec.tag {
        write!(facts, "; tagged: {} (tag {tag})", spec.tagged_versions).unwrap();
    }
    if !spec.default.is_empty() {
        write!(facts, "; default: {}", spec.default).unwrap();
    }
    if spec.ignorable {
        facts.push_str("; ignorable");
    }
    if let Some(e) = &spec.entity_type {
        write!(facts, "; entity: {e}").unwrap();
    }
    facts.push('.');
    facts
}
