//! The spec model: Kafka's JSON message definitions parsed into types, with
//! the same validation rules as Kafka's own generator (`MessageSpec`,
//! `FieldSpec`, `Versions`). Anything it does not understand is an error that
//! names the file and the field; nothing is skipped silently.

pub use crate::versions::Versions;
use serde_json::{Map, Value};

/// A field's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Bool,
    Int8,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Int64,
    Float64,
    String,
    Bytes,
    Uuid,
    Records,
    Struct(String),
    Array(Box<FieldType>),
}

impl FieldType {
    pub fn parse(text: &str) -> Result<FieldType, String> {
        if let Some(elem) = text.strip_prefix("[]") {
            let elem = FieldType::parse(elem)?;
            if matches!(elem, FieldType::Array(_) | FieldType::Records) {
                return Err(format!("unsupported array element type in {text:?}"));
            }
            return Ok(FieldType::Array(Box::new(elem)));
        }
        Ok(match text {
            "bool" => FieldType::Bool,
            "int8" => FieldType::Int8,
            "int16" => FieldType::Int16,
            "uint16" => FieldType::Uint16,
            "int32" => FieldType::Int32,
            "uint32" => FieldType::Uint32,
            "int64" => FieldType::Int64,
            "float64" => FieldType::Float64,
            "string" => FieldType::String,
            "bytes" => FieldType::Bytes,
            "uuid" => FieldType::Uuid,
            "records" => FieldType::Records,
            name if name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                FieldType::Struct(name.to_string())
            }
            other => return Err(format!("unknown type {other:?}")),
        })
    }

    pub fn can_be_nullable(&self) -> bool {
        matches!(
            self,
            FieldType::String | FieldType::Bytes | FieldType::Records | FieldType::Array(_) | FieldType::Struct(_)
        )
    }

    /// The struct this type names, directly or as an array element.
    pub fn struct_name(&self) -> Option<&str> {
        match self {
            FieldType::Struct(n) => Some(n),
            FieldType::Array(e) => e.struct_name(),
            _ => None,
        }
    }

    /// Fixed wire size, for the fixed-size types.
    pub fn fixed_size(&self) -> Option<usize> {
        Some(match self {
            FieldType::Bool | FieldType::Int8 => 1,
            FieldType::Int16 | FieldType::Uint16 => 2,
            FieldType::Int32 | FieldType::Uint32 => 4,
            FieldType::Int64 | FieldType::Float64 => 8,
            FieldType::Uuid => 16,
            _ => return None,
        })
    }
}

/// The kinds of spec files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecType {
    Request,
    Response,
    Header,
    Data,
    Metadata,
    CoordinatorKey,
    CoordinatorValue,
}

impl SpecType {
    fn parse(text: &str) -> Result<SpecType, String> {
        Ok(match text {
            "request" => SpecType::Request,
            "response" => SpecType::Response,
            "header" => SpecType::Header,
            "data" => SpecType::Data,
            "metadata" => SpecType::Metadata,
            "coordinator-key" => SpecType::CoordinatorKey,
            "coordinator-value" => SpecType::CoordinatorValue,
            other => return Err(format!("unknown spec type {other:?}")),
        })
    }
}

/// One field of a struct.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub name: String,
    pub versions: Versions,
    pub fields: Vec<FieldSpec>,
    pub ty: FieldType,
    pub map_key: bool,
    pub nullable_versions: Versions,
    /// The default as written in the spec ("" when absent).
    pub default: String,
    pub ignorable: bool,
    pub entity_type: Option<String>,
    pub about: String,
    pub tagged_versions: Versions,
    pub tag: Option<u32>,
    /// A field-level override of the message's flexible versions.
    pub flexible_versions: Option<Versions>,
    pub zero_copy: bool,
}

impl FieldSpec {
    /// The versions in which the field is present and not tagged.
    pub fn untagged_versions(&self) -> Versions {
        self.versions.minus_tail(self.tagged_versions)
    }

    /// The versions in which the field is present as a tagged field.
    pub fn tagged_present_versions(&self) -> Versions {
        self.versions.intersect(self.tagged_versions)
    }

    pub fn is_nullable_anywhere(&self) -> bool {
        !self.nullable_versions.is_empty()
    }

    pub fn default_is_null(&self) -> bool {
        self.default == "null"
    }
}

/// A whole spec file.
#[derive(Debug, Clone)]
pub struct MessageSpec {
    pub file: String,
    pub name: String,
    pub api_key: Option<i16>,
    pub ty: SpecType,
    pub valid_versions: Versions,
    pub flexible_versions: Versions,
    pub deprecated_versions: Versions,
    pub latest_version_unstable: bool,
    pub listeners: Vec<String>,
    pub fields: Vec<FieldSpec>,
    pub common_structs: Vec<CommonStruct>,
    /// The versions each Kafka release defines, newest release first (set
    /// by [`crate::merge`]; empty for a spec parsed on its own).
    pub releases: Vec<(String, Versions)>,
    /// For a schema of what Kafka stores (not a protocol message), the
    /// server module it comes from, e.g. `metadata` or `group-coordinator`.
    pub store: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CommonStruct {
    pub name: String,
    pub versions: Versions,
    pub fields: Vec<FieldSpec>,
}

/// Removes `//` comments (outside strings) so the text is plain JSON.
pub fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == '/' && chars.peek() == Some(&'/') {
            for n in chars.by_ref() {
                if n == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads the keys of one JSON object, failing on any key it was not asked for.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    used: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value) -> Result<Self, String> {
        value.as_object().map(|map| Obj { map, used: Vec::new() }).ok_or_else(|| "expected a JSON object".to_string())
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.used.push(key);
        self.map.get(key)
    }

    fn string(&mut self, key: &'static str) -> Result<Option<String>, String> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            // Some specs write numbers (or booleans) where a string is meant,
            // e.g. a default of 0; accept them as their text.
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(format!("{key}: expected a string, found {other}")),
        }
    }

    fn required_string(&mut self, key: &'static str) -> Result<String, String> {
        self.string(key)?.ok_or_else(|| format!("missing {key:?}"))
    }

    fn bool(&mut self, key: &'static str) -> Result<bool, String> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            Some(other) => Err(format!("{key}: expected a boolean, found {other}")),
        }
    }

    fn array(&mut self, key: &'static str) -> Result<&'a [Value], String> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(format!("{key}: expected an array, found {other}")),
        }
    }

    fn finish(self) -> Result<(), String> {
        for key in self.map.keys() {
            if !self.used.contains(&key.as_str()) {
                return Err(format!("unknown key {key:?}"));
            }
        }
        Ok(())
    }
}

fn parse_versions(text: Option<String>, default: Versions) -> Result<Versions, String> {
    match text {
        None => Ok(default),
        Some(t) if t.is_empty() => Ok(default),
        Some(t) => Versions::parse(&t),
    }
}

fn parse_field(value: &Value) -> Result<FieldSpec, String> {
    let mut o = Obj::new(value)?;
    let name = o.required_string("name")?;
    let in_field = |e: String| format!("field {name}: {e}");
    let result = (|| {
        if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            || !name.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err("invalid field name".to_string());
        }
        let tagged_versions = parse_versions(o.string("taggedVersions")?, Versions::NONE)?;
        let versions = match o.string("versions")? {
            Some(v) => Versions::parse(&v)?,
            None if !tagged_versions.is_empty() => tagged_versions,
            None => return Err("missing \"versions\"".to_string()),
        };
        let ty = FieldType::parse(&o.required_string("type")?)?;
        let nullable_versions = parse_versions(o.string("nullableVersions")?, Versions::NONE)?;
        if !nullable_versions.is_empty() && !ty.can_be_nullable() {
            return Err(format!("type {ty:?} cannot be nullable"));
        }
        let tag = match o.get("tag") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or("tag must be a non-negative integer")? as u32),
            // Some specs write the tag as a string.
            Some(Value::String(s)) => Some(s.trim().parse::<u32>().map_err(|_| format!("invalid tag {s:?}"))?),
            Some(other) => return Err(format!("invalid tag {other}")),
        };
        let mut fields = Vec::new();
        for f in o.array("fields")? {
            fields.push(parse_field(f)?);
        }
        let flexible_versions = match o.string("flexibleVersions")? {
            None => None,
            Some(t) if t.is_empty() => None,
            Some(t) => Some(Versions::parse(&t)?),
        };
        let field = FieldSpec {
            name: name.clone(),
            versions,
            ty,
            map_key: o.bool("mapKey")?,
            nullable_versions,
            default: o.string("default")?.unwrap_or_default(),
            ignorable: o.bool("ignorable")?,
            entity_type: o.string("entityType")?,
            about: o.string("about")?.unwrap_or_default(),
            tagged_versions,
            tag,
            flexible_versions,
            zero_copy: o.bool("zeroCopy")?,
            fields,
        };
        o.finish()?;
        check_field(&field)?;
        Ok(field)
    })();
    result.map_err(in_field)
}

/// Kafka's `FieldSpec` invariants.
fn check_field(f: &FieldSpec) -> Result<(), String> {
    if !f.fields.is_empty() && f.ty.struct_name().is_none() {
        return Err("only struct and array-of-struct fields can have fields".into());
    }
    if f.flexible_versions.is_some() && !matches!(f.ty, FieldType::String | FieldType::Bytes) {
        return Err("only string and bytes fields can override flexibleVersions".into());
    }
    if f.zero_copy && f.ty != FieldType::Bytes {
        return Err("only bytes fields can be zeroCopy".into());
    }
    match f.tag {
        Some(_) => {
            if f.map_key {
                return Err("tagged fields cannot be map keys".into());
            }
            if f.tagged_versions.is_empty() {
                return Err("a tag needs taggedVersions".into());
            }
            if f.tagged_versions.max() != Some(i16::MAX) {
                return Err("taggedVersions must be open-ended".into());
            }
            if !f.versions.covers(f.tagged_versions) {
                return Err("taggedVersions must be a subset of versions".into());
            }
            let nt = f.nullable_versions.intersect(f.tagged_versions);
            if !(nt.is_empty() || nt == f.tagged_versions) {
                return Err("either all tagged versions are nullable or none are".into());
            }
            if f.ty == FieldType::Records {
                return Err("records cannot be tagged".into());
            }
        }
        None if !f.tagged_versions.is_empty() => return Err("taggedVersions without a tag".into()),
        None => {}
    }
    if f.default_is_null() && !f.nullable_versions.covers(f.versions) {
        return Err("null cannot be the default: not every version is nullable".into());
    }
    Ok(())
}

fn parse_common_struct(value: &Value) -> Result<CommonStruct, String> {
    let mut o = Obj::new(value)?;
    let name = o.required_string("name")?;
    let versions =
        Versions::parse(&o.required_string("versions")?).map_err(|e| format!("common struct {name}: {e}"))?;
    let mut fields = Vec::new();
    for f in o.array("fields")? {
        fields.push(parse_field(f).map_err(|e| format!("common struct {name}: {e}"))?);
    }
    o.finish().map_err(|e| format!("common struct {name}: {e}"))?;
    Ok(CommonStruct { name, versions, fields })
}

/// Parses one spec file's text. `file` is used in error messages.
pub fn parse_spec(file: &str, text: &str) -> Result<MessageSpec, String> {
    let at = |e: String| format!("{file}: {e}");
    let value: Value = serde_json::from_str(&strip_comments(text)).map_err(|e| at(format!("invalid JSON: {e}")))?;
    let mut o = Obj::new(&value).map_err(at)?;
    let name = o.required_string("name").map_err(at)?;
    let ty = SpecType::parse(&o.required_string("type").map_err(at)?).map_err(at)?;
    let api_key = match o.get("apiKey") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(v.as_i64().and_then(|k| i16::try_from(k).ok()).ok_or_else(|| at(format!("invalid apiKey {v}")))?)
        }
    };
    let valid_versions = Versions::parse(&o.required_string("validVersions").map_err(at)?).map_err(at)?;
    let flexible_versions = match o.string("flexibleVersions").map_err(at)? {
        Some(t) => Versions::parse(&t).map_err(at)?,
        // Kafka requires flexibleVersions, except on APIs that are gone
        // (validVersions "none"), whose specs keep only their api key.
        None if valid_versions.is_empty() => Versions::NONE,
        None => return Err(at("missing \"flexibleVersions\"".into())),
    };
    if !flexible_versions.is_empty() && flexible_versions.max() != Some(i16::MAX) {
        return Err(at("flexibleVersions must be open-ended".into()));
    }
    let deprecated_versions =
        parse_versions(o.string("deprecatedVersions").map_err(at)?, Versions::NONE).map_err(at)?;
    let latest_version_unstable = o.bool("latestVersionUnstable").map_err(at)?;
    let mut listeners = Vec::new();
    for l in o.array("listeners").map_err(at)? {
        listeners.push(l.as_str().ok_or_else(|| at(format!("invalid listener {l}")))?.to_string());
    }
    let mut fields = Vec::new();
    for f in o.array("fields").map_err(at)? {
        fields.push(parse_field(f).map_err(at)?);
    }
    let mut common_structs = Vec::new();
    for c in o.array("commonStructs").map_err(at)? {
        common_structs.push(parse_common_struct(c).map_err(at)?);
    }
    o.finish().map_err(at)?;
    if matches!(ty, SpecType::Request | SpecType::Response) && api_key.is_none() {
        return Err(at("requests and responses need an apiKey".into()));
    }
    if latest_version_unstable && ty != SpecType::Request {
        return Err(at("latestVersionUnstable is only valid on requests".into()));
    }
    Ok(MessageSpec {
        file: file.to_string(),
        name,
        api_key,
        ty,
        valid_versions,
        flexible_versions,
        deprecated_versions,
        latest_version_unstable,
        listeners,
        fields,
        common_structs,
        releases: Vec::new(),
        store: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_comments_but_not_strings() {
        let text = "// header\n{ \"a\": \"http://x\" // trailing\n}";
        let v: Value = serde_json::from_str(&strip_comments(text)).unwrap();
        assert_eq!(v["a"], "http://x");
    }

    #[test]
    fn string_tags_and_unknown_keys() {
        let ok = r#"{"name":"X","type":"data","validVersions":"0","flexibleVersions":"0+","fields":[
            {"name":"A","type":"int32","versions":"0+","taggedVersions":"0+","tag":"3"}]}"#;
        assert_eq!(parse_spec("x.json", ok).unwrap().fields[0].tag, Some(3));
        let bad = r#"{"name":"X","type":"data","validVersions":"0","flexibleVersions":"0+","fields":[
            {"name":"A","type":"int32","versions":"0+","surprise":1}]}"#;
        let err = parse_spec("x.json", bad).unwrap_err();
        assert!(err.contains("x.json") && err.contains("field A") && err.contains("surprise"), "{err}");
    }
}
