//! Emits `ErrorCode`, Kafka's error table (`org.apache.kafka.common.protocol.Errors`).

use super::shared::header;
use crate::naming::{doc_lines, error_variant as variant};
use std::fmt::Write;

/// One row of Kafka's error table.
pub struct ErrorSpec {
    pub code: i16,
    pub name: String,
    pub retriable: bool,
    pub message: String,
}

pub(super) fn emit(errors: &[ErrorSpec], kafka_version: &str) -> String {
    let mut out = header(&format!("org.apache.kafka.common.protocol.Errors (Kafka {kafka_version})"));
    out.push_str(
        "//! Kafka's error codes, as carried in the `ErrorCode` fields of responses.\n\n\
         /// A Kafka error code. `None` (code 0) means success.\n\
         ///\n\
         /// Convert from the `i16` in a response with [`ErrorCode::from_code`] (or\n\
         /// `TryFrom<i16>`); codes this release does not know stay available as the raw `i16`.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         #[repr(i16)]\n\
         pub enum ErrorCode {\n",
    );
    for e in errors {
        out.push_str(&doc_lines(&e.message));
        writeln!(out, "{} = {},", variant(&e.name), e.code).unwrap();
    }
    out.push_str("}\n\nimpl ErrorCode {\n");
    out.push_str("/// Every error code, in Kafka's order.\npub const ALL: &'static [ErrorCode] = &[\n");
    for e in errors {
        writeln!(out, "ErrorCode::{},", variant(&e.name)).unwrap();
    }
    out.push_str("];\n\n");
    out.push_str("/// The error for a code, or `None` for a code this release does not know.\npub const fn from_code(code: i16) -> Option<ErrorCode> {\nmatch code {\n");
    for e in errors {
        writeln!(out, "{} => Some(ErrorCode::{}),", e.code, variant(&e.name)).unwrap();
    }
    out.push_str("_ => None,\n}\n}\n\n");
    out.push_str("/// The code as it appears on the wire.\npub const fn code(self) -> i16 { self as i16 }\n\n");
    out.push_str("/// Kafka's name for the error, e.g. `UNKNOWN_TOPIC_OR_PARTITION`.\npub const fn name(self) -> &'static str {\nmatch self {\n");
    for e in errors {
        writeln!(out, "ErrorCode::{} => {:?},", variant(&e.name), e.name).unwrap();
    }
    out.push_str("}\n}\n\n");
    out.push_str("/// Whether Kafka classes the error as retriable.\npub const fn is_retriable(self) -> bool {\n");
    let retriable: Vec<String> =
        errors.iter().filter(|e| e.retriable).map(|e| format!("ErrorCode::{}", variant(&e.name))).collect();
    if retriable.is_empty() {
        out.push_str("false\n");
    } else {
        writeln!(out, "matches!(self, {})", retriable.join(" | ")).unwrap();
    }
    out.push_str("}\n\n");
    out.push_str(
        "/// Kafka's description of the error.\npub const fn description(self) -> &'static str {\nmatch self {\n",
    );
    for e in errors {
        writeln!(out, "ErrorCode::{} => {:?},", variant(&e.name), e.message).unwrap();
    }
    out.push_str("}\n}\n\n");
    out.push_str(
        "/// Whether this is success (`None`, code 0).\npub const fn is_ok(self) -> bool { self.code() == 0 }\n}\n\n",
    );
    out.push_str(
        "impl TryFrom<i16> for ErrorCode {\ntype Error = i16;\n\
         /// Fails with the code itself when it is unknown.\n\
         fn try_from(code: i16) -> Result<Self, i16> { ErrorCode::from_code(code).ok_or(code) }\n}\n\n\
         impl From<ErrorCode> for i16 {\nfn from(e: ErrorCode) -> i16 { e.code() }\n}\n\n\
         impl std::fmt::Display for ErrorCode {\nfn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n\
         write!(f, \"{} ({}): {}\", self.name(), self.code(), self.description())\n}\n}\n\n\
         impl std::error::Error for ErrorCode {}\n",
    );
    out
}
