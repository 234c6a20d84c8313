//! `errcode/errcode.go`: Kafka's error table (`org.apache.kafka.common.protocol.Errors`).

use super::header;
use super::naming::{comment, go_name, string_literal};
use crate::emit::ErrorSpec;
use crate::naming::error_variant;
use std::fmt::Write;

pub(super) fn emit(errors: &[ErrorSpec], kafka_version: &str) -> String {
    let mut out = header(&format!("org.apache.kafka.common.protocol.Errors (Kafka {kafka_version})"));
    out.push_str(
        "// Package errcode holds Kafka's error codes, as the ErrorCode fields of\n\
         // responses carry them.\n\
         package errcode\n\n\
         // The error codes of Kafka's error table.\nconst (\n",
    );
    for e in errors {
        let name = go_name(&error_variant(&e.name));
        out.push_str(&comment(&format!("{name} is {}: {}", e.name, e.message)));
        writeln!(out, "{name} Code = {}", e.code).unwrap();
    }
    out.push_str(")\n\nvar codes = map[Code]info{\n");
    for e in errors {
        writeln!(
            out,
            "{}: {{name: {}, message: {}, retriable: {}}},",
            go_name(&error_variant(&e.name)),
            string_literal(&e.name),
            string_literal(&e.message),
            e.retriable
        )
        .unwrap();
    }
    out.push_str(
        "}\n\n// All returns every error code of the table, in Kafka's order.\nfunc All() []Code {\nreturn []Code{\n",
    );
    for e in errors {
        writeln!(out, "{},", go_name(&error_variant(&e.name))).unwrap();
    }
    out.push_str("}\n}\n");
    out
}
