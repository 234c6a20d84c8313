//! The `use` lines of a message module, declared by the emitter as it
//! writes the code that needs them (as Kafka's generator adds an import
//! where it writes the type), each kept under the `#[cfg]` of that code: a
//! request's decoder compiles only with `decode-requests`, so what only the
//! decoder names is imported only with it.

use super::field::is_wire_scalar;
use crate::spec::FieldType;
use std::collections::BTreeSet;

/// A name a message module can import, in the order its `use` lines are
/// written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Import {
    Bytes,
    RawTaggedField,
    UnknownTaggedFields,
    StrBytes,
    Uuid,
    WireArray,
}

impl Import {
    pub(super) fn path(self) -> &'static str {
        match self {
            Import::Bytes => "bytes::Bytes",
            Import::RawTaggedField => "crate::codec::RawTaggedField",
            Import::UnknownTaggedFields => "crate::codec::UnknownTaggedFields",
            Import::StrBytes => "crate::str_bytes::StrBytes",
            Import::Uuid => "uuid::Uuid",
            Import::WireArray => "crate::wire_array::WireArray",
        }
    }

    /// The names a field of type `ty` spells: in its Rust type and its
    /// default (`StrBytes::from_static`, `Uuid::nil`, ...).
    pub(super) fn of_type(ty: &FieldType) -> Vec<Import> {
        match ty {
            FieldType::String => vec![Import::StrBytes],
            FieldType::Bytes | FieldType::Records => vec![Import::Bytes],
            FieldType::Uuid => vec![Import::Uuid],
            FieldType::Array(elem) if is_wire_scalar(elem) => vec![Import::WireArray],
            FieldType::Array(elem) => Import::of_type(elem),
            _ => Vec::new(),
        }
    }
}

/// The part of a module a name is used in, which decides its `#[cfg]`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Part {
    /// The struct definitions and defaults: always compiled.
    Types,
    /// The decoder. (The encoder names no imported type the definitions
    /// do not: what it needs beyond them is the codec, see
    /// [`Imports::encoder_calls_codec`].)
    Decode,
}

/// What one module's code names, by part.
#[derive(Default)]
pub(super) struct Imports {
    types: BTreeSet<Import>,
    decode: BTreeSet<Import>,
    /// Whether the encoder calls the runtime's codec (`c::...`); the
    /// decoder always does, for its `Reader`.
    encode_calls_codec: bool,
}

impl Imports {
    pub(super) fn add(&mut self, part: Part, import: Import) {
        match part {
            Part::Types => self.types.insert(import),
            Part::Decode => self.decode.insert(import),
        };
    }

    pub(super) fn add_all(&mut self, part: Part, imports: impl IntoIterator<Item = Import>) {
        for import in imports {
            self.add(part, import);
        }
    }

    pub(super) fn encoder_calls_codec(&mut self) {
        self.encode_calls_codec = true;
    }

    pub(super) fn encode_calls_codec(&self) -> bool {
        self.encode_calls_codec
    }

    /// Every import some part uses, with whether the always-compiled
    /// definitions use it (else only the decoder does).
    pub(super) fn each(&self) -> impl Iterator<Item = (Import, bool)> + '_ {
        let all: BTreeSet<Import> = self.types.union(&self.decode).copied().collect();
        all.into_iter().map(|i| (i, self.types.contains(&i)))
    }
}
