//! Combines the specs of several Kafka releases into one spec per message
//! that covers every version any of them defines.
//!
//! Kafka 4.0 deleted old versions from its specs (KIP-896) and left the
//! removed APIs as specs with no versions, so the pinned 4.x release alone
//! no longer describes what 3.x clusters and old clients speak. The rules,
//! with the newest release first:
//!
//! 1. Messages are matched by api key (requests and responses) or by name,
//!    so a message renamed between releases (ListClientMetricsResources ->
//!    ListConfigResources, key 74) becomes one message under the newest name.
//! 2. A released version never changes layout: for every version both
//!    releases define, both layouts must agree on the wire (field types,
//!    order, nullability, tags, flexibility). Field names may differ (a
//!    rename); the newest name is kept. The latest version of an older
//!    release that marked it unstable is exempt: 4.x may redefine it.
//! 3. Each version's layout comes from the newest release that defines it.
//!    A field that only an older release has is kept for the versions that
//!    carry it, in its place in the field order.
//! 4. The merged spec is checked against rule 3: at every version, its
//!    layout must be the layout of the release that defines that version.
//!
//! Anything the rules cannot reconcile is an error naming the message, the
//! field and the versions.

use crate::spec::{CommonStruct, FieldSpec, FieldType, MessageSpec, SpecType, Versions};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The specs of one Kafka release.
pub struct Release {
    /// The release, e.g. "4.4.0".
    pub version: String,
    pub specs: Vec<MessageSpec>,
}

/// Merges releases given newest first. Every merged spec lists in
/// `releases` the versions each release defines.
pub fn merge(releases: Vec<Release>) -> Result<Vec<MessageSpec>, String> {
    let mut merged: BTreeMap<String, MessageSpec> = BTreeMap::new();
    for release in releases {
        // A response's latest version is as unstable as its request's; only
        // requests carry the flag.
        let unstable: BTreeMap<i16, i16> = release
            .specs
            .iter()
            .filter(|s| s.ty == SpecType::Request && s.latest_version_unstable)
            .filter_map(|s| Some((s.api_key?, s.valid_versions.max()?)))
            .collect();
        for mut spec in release.specs {
            let unstable_latest = spec.api_key.and_then(|k| unstable.get(&k).copied());
            spec.releases = vec![(release.version.clone(), spec.valid_versions)];
            let key = match_key(&spec);
            match merged.remove(&key) {
                None => {
                    merged.insert(key, spec);
                }
                Some(newer) => {
                    let combined = merge_message(newer, spec, unstable_latest)?;
                    merged.insert(key, combined);
                }
            }
        }
    }
    let mut specs: Vec<MessageSpec> = merged.into_values().collect();
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

fn match_key(spec: &MessageSpec) -> String {
    match (spec.ty, spec.api_key) {
        (SpecType::Request, Some(k)) => format!("request {k}"),
        (SpecType::Response, Some(k)) => format!("response {k}"),
        _ => format!("{:?} {}", spec.ty, spec.name),
    }
}

/// Which release decides the layout of each version: the newest that
/// defines it.
#[derive(Clone, Copy)]
struct Picker {
    newer: Versions,
    older: Versions,
}

enum Side {
    Newer,
    Older,
}

impl Picker {
    fn side(self, v: i16) -> Option<Side> {
        if self.newer.contains(v) {
            Some(Side::Newer)
        } else if self.older.contains(v) {
            Some(Side::Older)
        } else {
            None
        }
    }

    /// The highest version either release defines.
    fn top(self) -> i16 {
        self.newer.max().unwrap_or(-1).max(self.older.max().unwrap_or(-1))
    }

    /// A version attribute (a field's versions, nullable versions, ...)
    /// taken per version from the release that decides that version.
    /// `newer`/`older` are `None` where that release lacks the field.
    fn combine(self, newer: Option<Versions>, older: Option<Versions>, what: &str) -> Result<Versions, String> {
        let member = |v: i16| match self.side(v) {
            Some(Side::Newer) => newer.is_some_and(|r| r.contains(v)),
            Some(Side::Older) => older.is_some_and(|r| r.contains(v)),
            None => false,
        };
        let top = self.top();
        let members: Vec<i16> = (0..=top).filter(|&v| member(v)).collect();
        let (Some(&lo), Some(&hi)) = (members.first(), members.last()) else {
            return Ok(Versions::NONE);
        };
        if members.len() != (hi - lo + 1) as usize {
            let list: Vec<String> = members.iter().map(i16::to_string).collect();
            return Err(format!("{what} would be versions {} (not one range)", list.join(", ")));
        }
        // Open-ended if the release deciding the top version says so.
        let open = hi == top
            && match self.side(top) {
                Some(Side::Newer) => newer.and_then(Versions::max) == Some(i16::MAX),
                Some(Side::Older) => older.and_then(Versions::max) == Some(i16::MAX),
                None => false,
            };
        Ok(Versions(Some((lo, if open { i16::MAX } else { hi }))))
    }
}

fn merge_message(newer: MessageSpec, older: MessageSpec, unstable_older: Option<i16>) -> Result<MessageSpec, String> {
    let at = |e: String| format!("{} ({} and {}): {e}", newer.name, newer.file, older.file);
    if newer.valid_versions.is_empty() {
        // An API the newer release removed: the older release's spec whole.
        let mut spec = older;
        spec.releases.splice(0..0, newer.releases);
        return Ok(spec);
    }
    if older.valid_versions.is_empty() {
        let mut spec = newer;
        spec.releases.extend(older.releases);
        return Ok(spec);
    }
    let picker = Picker { newer: newer.valid_versions, older: older.valid_versions };
    let both = newer.valid_versions.intersect(older.valid_versions);
    let compared: Vec<i16> = versions_of(both).filter(|&v| Some(v) != unstable_older).collect();
    for &v in &compared {
        let a = layout(&newer, v);
        let b = layout(&older, v);
        if a != b {
            let field = first_differing_field(&newer, &older, v);
            return Err(at(format!("version {v} differs between releases at {field}:\n  newer: {a}\n  older: {b}")));
        }
    }
    let valid = picker.combine(Some(newer.valid_versions), Some(older.valid_versions), "validVersions").map_err(at)?;
    let mut spec = MessageSpec {
        valid_versions: valid,
        flexible_versions: picker
            .combine(Some(newer.flexible_versions), Some(older.flexible_versions), "flexibleVersions")
            .map_err(at)?,
        deprecated_versions: picker
            .combine(Some(newer.deprecated_versions), Some(older.deprecated_versions), "deprecatedVersions")
            .map_err(at)?,
        fields: merge_fields(&newer.fields, &older.fields, picker, &compared, &newer.name, valid).map_err(at)?,
        common_structs: merge_common_structs(&newer, &older, picker, &compared).map_err(at)?,
        releases: newer.releases.iter().chain(&older.releases).cloned().collect(),
        ..newer.clone()
    };
    spec.file = newer.file.clone();
    // Rule 4: every version's layout is its defining release's.
    for v in versions_of(valid) {
        let source = if newer.valid_versions.contains(v) { &newer } else { &older };
        let (a, b) = (layout(&spec, v), layout(source, v));
        if a != b {
            return Err(at(format!("the merged version {v} is not the release's:\n  merged: {a}\n  release: {b}")));
        }
    }
    Ok(spec)
}

fn versions_of(v: Versions) -> impl Iterator<Item = i16> {
    let (lo, hi) = v.0.map_or((0, -1), |(a, b)| (a, b.min(126)));
    lo..=hi
}

/// Pairs the fields of `older` with those of `newer` that they are: by
/// position at a version both define (so a renamed field pairs with its new
/// name), else by name. Tagged fields pair by tag.
fn pair_fields(newer: &[FieldSpec], older: &[FieldSpec], compared: &[i16]) -> Vec<Option<usize>> {
    let mut pairs: Vec<Option<usize>> = vec![None; older.len()];
    for &v in compared {
        let present = |fs: &[FieldSpec]| -> Vec<usize> {
            (0..fs.len()).filter(|&i| fs[i].untagged_versions().contains(v)).collect()
        };
        for (o, n) in present(older).into_iter().zip(present(newer)) {
            pairs[o].get_or_insert(n);
        }
        for (o, of) in older.iter().enumerate() {
            if of.tagged_present_versions().contains(v) {
                if let Some(n) =
                    newer.iter().position(|nf| nf.tag == of.tag && nf.tagged_present_versions().contains(v))
                {
                    pairs[o].get_or_insert(n);
                }
            }
        }
    }
    for (o, of) in older.iter().enumerate() {
        if pairs[o].is_none() {
            pairs[o] = newer.iter().position(|nf| nf.name == of.name);
        }
    }
    pairs
}

/// Merges the fields of one struct, which exists in the versions `parent`.
fn merge_fields(
    newer: &[FieldSpec],
    older: &[FieldSpec],
    picker: Picker,
    compared: &[i16],
    owner: &str,
    parent: Versions,
) -> Result<Vec<FieldSpec>, String> {
    let pairs = pair_fields(newer, older, compared);
    let mut merged: Vec<FieldSpec> = Vec::with_capacity(newer.len());
    let mut partner: Vec<Option<&FieldSpec>> = vec![None; newer.len()];
    for (o, n) in pairs.iter().enumerate() {
        if let Some(n) = *n {
            partner[n] = Some(&older[o]);
        }
    }
    for (n, nf) in newer.iter().enumerate() {
        merged.push(merge_field(Some(nf), partner[n], picker, compared, owner, parent)?);
    }
    // Fields only the older release has, each after the field that precedes
    // it there (or first).
    let mut insert_at = 0;
    for (o, of) in older.iter().enumerate() {
        match pairs[o] {
            Some(n) => {
                let name = &newer[n].name;
                insert_at = merged.iter().position(|f| &f.name == name).map_or(insert_at, |i| i + 1);
            }
            None => {
                if merged.iter().any(|f| f.name == of.name) {
                    return Err(format!("{owner}: field {} of the older release clashes with a newer field", of.name));
                }
                merged.insert(insert_at, merge_field(None, Some(of), picker, compared, owner, parent)?);
                insert_at += 1;
            }
        }
    }
    Ok(merged)
}

fn merge_field(
    newer: Option<&FieldSpec>,
    older: Option<&FieldSpec>,
    picker: Picker,
    compared: &[i16],
    owner: &str,
    parent: Versions,
) -> Result<FieldSpec, String> {
    let base = newer.or(older).expect("one side has the field");
    let at = |e: String| format!("field {owner}.{}: {e}", base.name);
    if let (Some(n), Some(o)) = (newer, older) {
        if n.ty.struct_name().is_some() != o.ty.struct_name().is_some()
            || matches!(n.ty, FieldType::Array(_)) != matches!(o.ty, FieldType::Array(_))
        {
            return Err(at(format!("type {:?} in the newer release, {:?} in the older", n.ty, o.ty)));
        }
    }
    let attr = |get: fn(&FieldSpec) -> Versions, what: &str| picker.combine(newer.map(get), older.map(get), what);
    let mut field = base.clone();
    field.versions = attr(|f| f.versions, "versions").map_err(at)?;
    field.nullable_versions = attr(|f| f.nullable_versions, "nullableVersions").map_err(at)?;
    field.tagged_versions = attr(|f| f.tagged_versions, "taggedVersions").map_err(at)?;
    field.ignorable = merge_ignorable(newer, older, field.versions, parent, picker).map_err(at)?;
    if !base.fields.is_empty() || older.is_some_and(|o| !o.fields.is_empty()) {
        let empty = Vec::new();
        let (nf, of) = (newer.map_or(&empty, |f| &f.fields), older.map_or(&empty, |f| &f.fields));
        let name = base.ty.struct_name().unwrap_or(&base.name).to_string();
        field.fields = merge_fields(nf, of, picker, compared, &name, field.versions.intersect(parent))?;
    }
    Ok(field)
}

/// `ignorable` says what writing a version that lacks the field does with a
/// non-default value (drop it, or fail). It is taken from the releases that
/// decide such a version: RequestHeader's ClientId is ignorable in 3.9.1,
/// whose v0 lacks it, and not in 4.4.0, which has no v0. A field one
/// release lacks entirely takes the other's flag.
fn merge_ignorable(
    newer: Option<&FieldSpec>,
    older: Option<&FieldSpec>,
    merged_versions: Versions,
    parent: Versions,
    picker: Picker,
) -> Result<bool, String> {
    let lacks = |side: fn(&Side) -> bool| {
        (0..=picker.top())
            .any(|v| parent.contains(v) && picker.side(v).as_ref().is_some_and(side) && !merged_versions.contains(v))
    };
    // A release without the field at all has nothing to say about it.
    let newer_decides = newer.filter(|_| lacks(|s| matches!(s, Side::Newer))).map(|f| f.ignorable);
    let older_decides = older.filter(|_| lacks(|s| matches!(s, Side::Older))).map(|f| f.ignorable);
    match (newer_decides, older_decides) {
        (Some(a), Some(b)) if a != b => Err("ignorable in one release and not in the other".into()),
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => Ok(newer.or(older).is_some_and(|f| f.ignorable)),
    }
}

fn merge_common_structs(
    newer: &MessageSpec,
    older: &MessageSpec,
    picker: Picker,
    compared: &[i16],
) -> Result<Vec<CommonStruct>, String> {
    let mut out = Vec::new();
    for n in &newer.common_structs {
        let o = older.common_structs.iter().find(|o| o.name == n.name);
        let versions = picker.combine(Some(n.versions), o.map(|o| o.versions), &n.name)?;
        let fields = merge_fields(&n.fields, o.map_or(&[][..], |o| &o.fields), picker, compared, &n.name, versions)?;
        out.push(CommonStruct { name: n.name.clone(), versions, fields });
    }
    for o in older.common_structs.iter().filter(|o| !newer.common_structs.iter().any(|n| n.name == o.name)) {
        let versions = picker.combine(None, Some(o.versions), &o.name)?;
        let fields = merge_fields(&[], &o.fields, picker, compared, &o.name, versions)?;
        out.push(CommonStruct { name: o.name.clone(), versions, fields });
    }
    Ok(out)
}

/// The first top-level field (in wire order) whose layout at `version`
/// differs between two releases, named as the newer release names it.
fn first_differing_field(newer: &MessageSpec, older: &MessageSpec, version: i16) -> String {
    let present = |spec: &MessageSpec| -> Vec<(String, String)> {
        let mut fields: Vec<&FieldSpec> = spec.fields.iter().filter(|f| f.versions.contains(version)).collect();
        fields.sort_by_key(|f| f.tagged_present_versions().contains(version).then_some(f.tag));
        let flexible = spec.flexible_versions.contains(version);
        fields
            .into_iter()
            .map(|f| {
                let mut text = String::new();
                layout_field(spec, f, version, flexible, &mut text);
                (f.name.clone(), text)
            })
            .collect()
    };
    let (a, b) = (present(newer), present(older));
    for i in 0..a.len().max(b.len()) {
        match (a.get(i), b.get(i)) {
            (Some((name, x)), Some((old_name, y))) if x != y => return format!("field {name} (older: {old_name})"),
            (Some((name, _)), None) => return format!("field {name}, which the older release lacks"),
            (None, Some((name, _))) => return format!("field {name}, which only the older release has"),
            _ => {}
        }
    }
    "its flexible versions".to_string()
}

/// The wire layout of `spec` at `version`, as text: the fields present in
/// order (untagged, then tagged by tag), each with its type, nullability and
/// encoding; names left out, so a renamed field has the same layout.
pub fn layout(spec: &MessageSpec, version: i16) -> String {
    let mut out = String::new();
    let flexible = spec.flexible_versions.contains(version);
    write!(out, "{}", if flexible { "flexible " } else { "" }).unwrap();
    layout_fields(spec, &spec.fields, version, flexible, &mut out);
    out
}

fn layout_fields(spec: &MessageSpec, fields: &[FieldSpec], v: i16, flexible: bool, out: &mut String) {
    out.push('{');
    for f in fields.iter().filter(|f| f.untagged_versions().contains(v)) {
        layout_field(spec, f, v, flexible, out);
        out.push(' ');
    }
    let mut tagged: Vec<&FieldSpec> = fields.iter().filter(|f| f.tagged_present_versions().contains(v)).collect();
    tagged.sort_by_key(|f| f.tag);
    for f in tagged {
        write!(out, "tag{}=", f.tag.unwrap_or_default()).unwrap();
        layout_field(spec, f, v, flexible, out);
        write!(out, "(default {:?}) ", f.default).unwrap();
    }
    out.push('}');
}

fn layout_field(spec: &MessageSpec, f: &FieldSpec, v: i16, flexible: bool, out: &mut String) {
    let compact = f.flexible_versions.map_or(flexible, |fv| fv.contains(v));
    if f.nullable_versions.contains(v) {
        out.push('?');
    }
    layout_type(spec, f, &f.ty, v, flexible, compact, out);
}

fn layout_type(
    spec: &MessageSpec,
    f: &FieldSpec,
    ty: &FieldType,
    v: i16,
    flexible: bool,
    compact: bool,
    out: &mut String,
) {
    match ty {
        FieldType::Array(elem) => {
            out.push_str(if compact { "compact[]" } else { "[]" });
            layout_type(spec, f, elem, v, flexible, compact, out);
        }
        FieldType::Struct(name) => {
            let fields = if f.fields.is_empty() {
                spec.common_structs.iter().find(|c| &c.name == name).map_or(&[][..], |c| &c.fields)
            } else {
                &f.fields
            };
            layout_fields(spec, fields, v, flexible, out);
        }
        FieldType::String | FieldType::Bytes | FieldType::Records if compact => write!(out, "compact-{ty:?}").unwrap(),
        other => write!(out, "{other:?}").unwrap(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse_spec;

    fn release(version: &str, specs: &[&str]) -> Release {
        Release { version: version.into(), specs: specs.iter().map(|s| parse_spec("X.json", s).unwrap()).collect() }
    }

    fn merged(newer: &str, older: &str) -> Result<MessageSpec, String> {
        merge(vec![release("new", &[newer]), release("old", &[older])]).map(|mut v| v.remove(0))
    }

    #[test]
    fn old_versions_and_old_only_fields_come_back() {
        let newer = r#"{"name":"XRequest","type":"request","apiKey":1,"validVersions":"3-5","flexibleVersions":"5+",
            "fields":[{"name":"A","type":"int32","versions":"0-4"},{"name":"C","type":"int8","versions":"5+"}]}"#;
        let older = r#"{"name":"XRequest","type":"request","apiKey":1,"validVersions":"0-4","flexibleVersions":"none",
            "fields":[{"name":"Old","type":"string","versions":"0-1"},{"name":"A","type":"int32","versions":"0+"}]}"#;
        let spec = merged(newer, older).unwrap();
        assert_eq!(spec.valid_versions, Versions(Some((0, 5))));
        assert_eq!(spec.flexible_versions, Versions(Some((5, i16::MAX))));
        let fields: Vec<(&str, Versions)> = spec.fields.iter().map(|f| (f.name.as_str(), f.versions)).collect();
        assert_eq!(
            fields,
            [("Old", Versions(Some((0, 1)))), ("A", Versions(Some((0, 4)))), ("C", Versions(Some((5, i16::MAX))))]
        );
        assert_eq!(
            spec.releases,
            [("new".to_string(), Versions(Some((3, 5)))), ("old".into(), Versions(Some((0, 4))))]
        );
    }

    #[test]
    fn a_renamed_message_and_field_keep_the_newest_names() {
        let newer = r#"{"name":"NewRequest","type":"request","apiKey":74,"validVersions":"0-1","flexibleVersions":"0+",
            "fields":[{"name":"Items","type":"[]Item","versions":"0+","fields":[
               {"name":"ResourceName","type":"string","versions":"0+"},{"name":"T","type":"int8","versions":"1+"}]}]}"#;
        let older = r#"{"name":"OldRequest","type":"request","apiKey":74,"validVersions":"0","flexibleVersions":"0+",
            "fields":[{"name":"Things","type":"[]Thing","versions":"0+","fields":[{"name":"Name","type":"string","versions":"0+"}]}]}"#;
        let spec = merged(newer, older).unwrap();
        assert_eq!(spec.name, "NewRequest");
        assert_eq!(spec.fields.len(), 1);
        assert_eq!(spec.fields[0].fields.len(), 2);
    }

    #[test]
    fn a_released_version_that_changed_layout_is_an_error() {
        let newer = r#"{"name":"XRequest","type":"request","apiKey":1,"validVersions":"1-2","flexibleVersions":"none",
            "fields":[{"name":"A","type":"int32","versions":"0+"},{"name":"B","type":"int8","versions":"1+"}]}"#;
        let older = r#"{"name":"XRequest","type":"request","apiKey":1,"validVersions":"0-1","flexibleVersions":"none",
            "fields":[{"name":"A","type":"int32","versions":"0+"}]}"#;
        let err = merged(newer, older).unwrap_err();
        assert!(err.contains("XRequest") && err.contains("version 1 differs"), "{err}");
        assert!(err.contains("field B, which the older release lacks"), "{err}");
        // Unless the older release called that version unstable.
        let older = older.replace("\"flexibleVersions\"", "\"latestVersionUnstable\":true,\"flexibleVersions\"");
        let spec = merged(newer, &older).unwrap();
        assert_eq!(spec.valid_versions, Versions(Some((0, 2))));
        assert_eq!(spec.fields[1].versions, Versions(Some((1, i16::MAX))));
        // A field whose type changed cannot be one field: the merged layout
        // check names it.
        let newer = newer.replace("int32", "int64");
        let err = merged(&newer, &older).unwrap_err();
        assert!(err.contains("merged version 0"), "{err}");
    }

    #[test]
    fn a_removed_api_comes_back_whole() {
        let newer = r#"{"name":"GoneRequest","type":"request","apiKey":7,"validVersions":"none","fields":[]}"#;
        let older = r#"{"name":"GoneRequest","type":"request","apiKey":7,"validVersions":"0-3","flexibleVersions":"3+",
            "fields":[{"name":"BrokerId","type":"int32","versions":"0+"}]}"#;
        let spec = merged(newer, older).unwrap();
        assert_eq!(spec.valid_versions, Versions(Some((0, 3))));
        assert_eq!(spec.fields.len(), 1);
        assert_eq!(spec.releases[0], ("new".to_string(), Versions::NONE));
    }

    #[test]
    fn ignorable_comes_from_the_release_whose_versions_lack_the_field() {
        // RequestHeader: 3.9.1 has v0, which lacks ClientId, and calls it
        // ignorable; 4.4.0 has no v0 and does not.
        let newer = r#"{"name":"H","type":"header","validVersions":"1-2","flexibleVersions":"2+",
            "fields":[{"name":"ClientId","type":"string","versions":"1+"}]}"#;
        let older = r#"{"name":"H","type":"header","validVersions":"0-2","flexibleVersions":"2+",
            "fields":[{"name":"ClientId","type":"string","versions":"1+","ignorable":true}]}"#;
        assert!(merged(newer, older).unwrap().fields[0].ignorable);
        let older = older.replace(r#","ignorable":true"#, "");
        assert!(!merged(newer, &older).unwrap().fields[0].ignorable);
    }

    #[test]
    fn a_field_that_would_have_a_gap_is_an_error() {
        let newer = r#"{"name":"XRequest","type":"request","apiKey":1,"validVersions":"2-3","flexibleVersions":"none",
            "fields":[{"name":"A","type":"int32","versions":"3+"}]}"#;
        let older = r#"{"name":"XRequest","type":"request","apiKey":1,"validVersions":"0-1","flexibleVersions":"none",
            "fields":[{"name":"A","type":"int32","versions":"0+"}]}"#;
        let err = merged(newer, older).unwrap_err();
        assert!(err.contains("field XRequest.A") && err.contains("0, 1, 3"), "{err}");
    }
}
