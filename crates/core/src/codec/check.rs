//! The encode errors the generated code raises itself.

use crate::error::{EncodeError, EncodeErrorKind};

/// The error for writing a value in a version that cannot carry it.
#[cold]
pub(crate) fn non_default_value(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::NonDefaultValue { version })
}

/// The error for writing a version outside a message's valid range.
#[cold]
pub(crate) fn unsupported_version(version: i16) -> EncodeError {
    EncodeError::new(EncodeErrorKind::UnsupportedVersion { version })
}
