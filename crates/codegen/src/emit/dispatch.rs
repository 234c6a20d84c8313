//! The enums that hold one message of several, chosen by a key: `Request`
//! and `Response` by api key, a stored record (or a coordinator record's
//! key or value) by its record type. One model for all of them, so that
//! they decode, encode and size alike; the wire part is written here, the
//! JSON part by the JSON emitter and the random part by the random one.

use std::fmt::Write;

/// One dispatch enum.
pub(super) struct Dispatch {
    /// The enum's name, e.g. `Request`, `MetadataRecord`.
    pub name: String,
    /// Its doc comment, `///` lines.
    pub doc: String,
    /// The module under `messages` it is written in, when not the api-key
    /// module (`stored`); the JSON and random dispatch name it by this path.
    pub module: Option<&'static str>,
    /// The `#[cfg]` the other emitters put on its impls (the stored
    /// enums' feature), or empty.
    pub cfg: &'static str,
    pub key: Key,
    /// What one variant holds, for the docs: `body`, `message`.
    pub holds: &'static str,
    /// Whether messages are read and written at a version; when not, at
    /// version 0 (a coordinator record's key).
    pub versioned: bool,
    /// The `#[cfg]` lines of encoding and decoding (the request and
    /// response features), or empty.
    pub encode_cfg: String,
    pub decode_cfg: String,
    /// Whether the enum has `default_for(key)`.
    pub default_for: bool,
    pub variants: Vec<Variant>,
}

/// How a variant is chosen.
pub(super) struct Key {
    /// The key's enum type, e.g. `ApiKey`, `MetadataRecordType`.
    pub ty: String,
    /// The method that gives a value's key and the parameter that takes
    /// one: `api_key`, `record_type`.
    pub name: &'static str,
    /// Its doc line.
    pub doc: &'static str,
    /// Decoding by the key's raw wire value: the method, its parameter,
    /// the key type's constructor from it, the error kind of an unknown
    /// value, and what the docs call it.
    pub raw_method: &'static str,
    pub raw_param: &'static str,
    pub raw_from: &'static str,
    pub raw_unknown: &'static str,
    pub raw_what: &'static str,
}

/// One variant: its name (the key's variant of the same name chooses it)
/// and the message type it holds.
pub(super) struct Variant {
    pub name: String,
    pub message: String,
}

impl Dispatch {
    /// `(", version: i16", "version")`, or `("", "0")` when not versioned.
    pub(super) fn version_param_arg(&self) -> (&'static str, &'static str) {
        if self.versioned {
            (", version: i16", "version")
        } else {
            ("", "0")
        }
    }

    /// How the docs say at which version: " at `version`", " at version 0".
    pub(super) fn at(&self) -> &'static str {
        if self.versioned {
            " at `version`"
        } else {
            " at version 0"
        }
    }

    /// The enum's path from a sibling module of `messages` (`json`,
    /// `random`).
    pub(super) fn path(&self) -> String {
        match self.module {
            Some(m) => format!("super::{m}::{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The key type's path from a sibling module of `messages`.
    pub(super) fn key_path(&self) -> String {
        match self.module {
            Some(m) => format!("super::{m}::{}", self.key.ty),
            None => self.key.ty.clone(),
        }
    }
}

/// The enum, its wire methods and its `From` impls.
pub(super) fn emit_enum(d: &Dispatch, out: &mut String) {
    let (name, key) = (&d.name, &d.key);
    writeln!(
        out,
        "{}\n#[derive(Debug, Clone, PartialEq)]\n\
         // The variants are as large as their messages: boxing them would cost an\n\
         // allocation per value, while a value is built once and rarely moved.\n\
         #[allow(clippy::large_enum_variant)]\n\
         pub enum {name} {{",
        d.doc
    )
    .unwrap();
    for v in &d.variants {
        writeln!(out, "/// `{}`.\n{}({}),", v.message, v.name, v.message).unwrap();
    }
    writeln!(out, "}}\n\nimpl {name} {{\n/// {}\npub fn {}(&self) -> {} {{\nmatch self {{", key.doc, key.name, key.ty)
        .unwrap();
    for v in &d.variants {
        writeln!(out, "{name}::{0}(_) => {1}::{0},", v.name, key.ty).unwrap();
    }
    out.push_str("}\n}\n\n");
    emit_encode(d, out);
    emit_decode(d, out);
    if d.default_for {
        writeln!(out, "/// The default {} of `{}` (every field at its spec default).", d.holds, key.name).unwrap();
        writeln!(out, "pub fn default_for({}: {}) -> Self {{\nmatch {} {{", key.name, key.ty, key.name).unwrap();
        for v in &d.variants {
            writeln!(out, "{1}::{0} => {name}::{0}({2}::default()),", v.name, key.ty, v.message).unwrap();
        }
        out.push_str("}\n}\n\n");
    }
    out.push_str("}\n\n");
    for v in &d.variants {
        writeln!(
            out,
            "impl From<{m}> for {name} {{\nfn from(m: {m}) -> Self {{ {name}::{v}(m) }}\n}}\n",
            m = v.message,
            v = v.name
        )
        .unwrap();
    }
}

fn emit_encode(d: &Dispatch, out: &mut String) {
    let (version_param, version_arg) = d.version_param_arg();
    let (name, cfg, at) = (&d.name, &d.encode_cfg, d.at());
    writeln!(
        out,
        "/// Encodes the {holds}{at}.\n{cfg}\
         pub fn encode<B: BufMut>(&self, buf: &mut B{version_param}) -> Result<(), EncodeError> {{\nmatch self {{",
        holds = d.holds
    )
    .unwrap();
    for v in &d.variants {
        writeln!(out, "{name}::{}(m) => m.encode(buf, {version_arg}),", v.name).unwrap();
    }
    writeln!(
        out,
        "}}\n}}\n\n/// The exact encoded size of the {holds}{at}.\n{cfg}\
         #[inline]\npub fn encoded_size(&self{version_param}) -> usize {{\nmatch self {{",
        holds = d.holds
    )
    .unwrap();
    for v in &d.variants {
        writeln!(out, "{name}::{}(m) => m.encoded_size({version_arg}),", v.name).unwrap();
    }
    out.push_str("}\n}\n\n");
}

fn emit_decode(d: &Dispatch, out: &mut String) {
    let (version_param, version_arg) = d.version_param_arg();
    let (name, key, cfg, at) = (&d.name, &d.key, &d.decode_cfg, d.at());
    writeln!(
        out,
        "/// Decodes the {holds} of `{k}`{at}.\n{cfg}\
         #[inline]\npub fn decode({k}: {ty}, r: &mut Reader<'_>{version_param}) -> Result<Self, DecodeError> {{\n\
         Ok(match {k} {{",
        holds = d.holds,
        k = key.name,
        ty = key.ty
    )
    .unwrap();
    for v in &d.variants {
        writeln!(out, "{1}::{0} => {name}::{0}({2}::decode(r, {version_arg})?),", v.name, key.ty, v.message).unwrap();
    }
    let version = if d.versioned { ", version" } else { "" };
    writeln!(
        out,
        "}})\n}}\n\n/// Like [`{name}::decode`], for a raw {what}; an unknown {what} is an error.\n{cfg}\
         #[inline]\npub fn {method}({raw}: i16, r: &mut Reader<'_>{version_param}) -> Result<Self, DecodeError> {{\n\
         match {ty}::{from}({raw}) {{\n\
         Some(key) => Self::decode(key, r{version}),\n\
         None => Err(r.error(DecodeErrorKind::{unknown}({raw}))),\n}}\n}}\n",
        what = key.raw_what,
        method = key.raw_method,
        raw = key.raw_param,
        ty = key.ty,
        from = key.raw_from,
        unknown = key.raw_unknown,
    )
    .unwrap();
}
