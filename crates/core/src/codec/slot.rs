//! Decoding a struct where it will live. An array's element is decoded
//! straight into the vector's spare capacity: its fields are stored once,
//! from registers, instead of being returned in a `Result` on the stack
//! and copied into the vector with wide loads that wait for the narrow
//! stores before them (a failed store-to-load forward on every element).
//!
//! Safe by construction: a [`Slot`] can only be turned into the [`Filled`]
//! the decoder must return by writing a value into it, and each slot's
//! lifetime brand is unique to one call, so no other `Filled` will do.

use crate::error::DecodeError;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

/// An invariant lifetime: `Filled<'a>` cannot stand in for `Filled<'b>`.
type Brand<'a> = PhantomData<fn(&'a ()) -> &'a ()>;

/// The uninitialized place of one value, to be filled by its decoder.
pub(crate) struct Slot<'a, T> {
    place: &'a mut MaybeUninit<T>,
    brand: Brand<'a>,
}

/// Proof that the [`Slot`] of the same lifetime was filled.
pub(crate) struct Filled<'a>(Brand<'a>);

impl<'a, T> Slot<'a, T> {
    /// Writes the decoded value into its place.
    #[inline(always)]
    pub(crate) fn fill(self, value: T) -> Filled<'a> {
        self.place.write(value);
        Filled(PhantomData)
    }
}

/// Runs `decode` on `place`; when it succeeds, `place` holds a value.
#[inline(always)]
pub(crate) fn decode_into<T>(
    place: &mut MaybeUninit<T>,
    decode: impl for<'s> FnOnce(Slot<'s, T>) -> Result<Filled<'s>, DecodeError>,
) -> Result<(), DecodeError> {
    decode(Slot { place, brand: PhantomData }).map(|_filled| ())
}

/// Decodes a value on its own, through its in-place decoder.
#[inline(always)]
pub(crate) fn decode_value<T>(
    decode: impl for<'s> FnOnce(Slot<'s, T>) -> Result<Filled<'s>, DecodeError>,
) -> Result<T, DecodeError> {
    let mut place = MaybeUninit::uninit();
    decode_into(&mut place, decode)?;
    // SAFETY: `decode` returned the `Filled` of this slot, which only
    // `Slot::fill` makes: the value is written.
    Ok(unsafe { place.assume_init() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_slot_gives_its_value_and_an_error_gives_none() {
        let value: Result<String, DecodeError> = decode_value(|slot| Ok(slot.fill("x".to_string())));
        assert_eq!(value.unwrap(), "x");
        let error: Result<String, DecodeError> = decode_value(|_slot| {
            Err(DecodeError::new(crate::DecodeErrorKind::UnexpectedEof { needed: 1, remaining: 0 }, 3))
        });
        assert_eq!(error.unwrap_err().offset(), 3);
    }
}
