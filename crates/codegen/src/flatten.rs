//! Flattens a spec into the list of structs to generate: the message itself,
//! every inline nested struct, and the common structs, each with the versions
//! it can appear in. Mirrors Kafka's `StructRegistry` rules: a struct type
//! with `fields` defines a struct, one without refers to a common struct, and
//! a name defined twice is an error.

use crate::spec::{FieldSpec, MessageSpec, Versions};
use crate::versions::VersionSet;
use std::collections::BTreeSet;

pub struct StructDef<'a> {
    pub name: String,
    /// The versions the spec gives the struct.
    pub versions: Versions,
    /// The versions it can really be encoded at: `versions` within the
    /// message's valid versions. Every version condition inside the struct
    /// is asked within this set.
    pub domain: VersionSet,
    pub fields: &'a [FieldSpec],
    pub about: String,
    pub is_top: bool,
}

pub fn collect(spec: &MessageSpec) -> Result<Vec<StructDef<'_>>, String> {
    let mut out = Vec::new();
    let domain = |versions: Versions| VersionSet::domain(versions, spec.valid_versions);
    let common: BTreeSet<&str> = spec.common_structs.iter().map(|c| c.name.as_str()).collect();
    out.push(StructDef {
        name: spec.name.clone(),
        versions: spec.valid_versions,
        domain: domain(spec.valid_versions)?,
        fields: &spec.fields,
        about: String::new(),
        is_top: true,
    });
    add_nested(spec, &spec.fields, spec.valid_versions, &common, &mut out)?;
    for c in &spec.common_structs {
        out.push(StructDef {
            name: c.name.clone(),
            versions: c.versions,
            domain: domain(c.versions)?,
            fields: &c.fields,
            about: String::new(),
            is_top: false,
        });
        add_nested(spec, &c.fields, c.versions, &common, &mut out)?;
    }
    let mut seen = BTreeSet::new();
    for s in &out {
        if !seen.insert(s.name.as_str()) {
            return Err(format!("struct {} is defined more than once", s.name));
        }
    }
    Ok(out)
}

fn add_nested<'a>(
    spec: &MessageSpec,
    fields: &'a [FieldSpec],
    parent_versions: Versions,
    common: &BTreeSet<&str>,
    out: &mut Vec<StructDef<'a>>,
) -> Result<(), String> {
    for f in fields {
        let Some(name) = f.ty.struct_name() else { continue };
        if f.fields.is_empty() {
            if !common.contains(name) {
                return Err(format!("field {}: struct type {name} has no fields and is not a common struct", f.name));
            }
            continue;
        }
        if common.contains(name) {
            return Err(format!("field {}: struct {name} is also a common struct", f.name));
        }
        let versions = f.versions.intersect(parent_versions);
        out.push(StructDef {
            name: name.to_string(),
            versions,
            domain: VersionSet::domain(versions, spec.valid_versions)?,
            fields: &f.fields,
            about: f.about.clone(),
            is_top: false,
        });
        add_nested(spec, &f.fields, versions, common, out)?;
    }
    Ok(())
}
