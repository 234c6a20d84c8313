//! [`WireArray`]: an array of fixed-size numbers kept in its wire form.

use bytes::{BufMut, Bytes, BytesMut};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// A number with a fixed-size big-endian wire form: the element types of
/// [`WireArray`].
pub trait WireScalar: Copy + sealed::Sealed {
    /// Encoded size in bytes.
    const SIZE: usize;
    /// Reads a value from exactly `SIZE` big-endian bytes.
    fn from_wire(bytes: &[u8]) -> Self;
    /// Appends the big-endian form.
    fn put_wire(self, buf: &mut impl BufMut);
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! wire_scalar {
    ($($ty:ty),*) => {$(
        impl sealed::Sealed for $ty {}
        impl WireScalar for $ty {
            const SIZE: usize = std::mem::size_of::<$ty>();
            #[inline]
            fn from_wire(bytes: &[u8]) -> Self {
                <$ty>::from_be_bytes(bytes.try_into().expect("a whole element"))
            }
            #[inline]
            fn put_wire(self, buf: &mut impl BufMut) {
                buf.put_slice(&self.to_be_bytes());
            }
        }
    )*};
}
wire_scalar!(i8, i16, u16, i32, u32, i64, f64);

/// An array of fixed-size numbers (Kafka's `[]int8`, `[]int16`, `[]int32`,
/// `[]int64`: replica lists, partition lists, offsets...) kept as the
/// big-endian bytes it has on the wire.
///
/// Decoding one is a slice of the input [`Bytes`]: no allocation and no
/// per-element work, whatever its length; encoding it is one copy. Elements
/// are converted when read, through [`get`](Self::get) or
/// [`iter`](Self::iter). Build one from a `Vec`, an array, a slice or an
/// iterator:
///
/// ```
/// # use kafka_wire_core as kafka_wire; // users reach it through kafka-wire
/// use kafka_wire::WireArray;
///
/// let replicas: WireArray<i32> = vec![1, 2, 3].into();
/// assert_eq!(replicas.len(), 3);
/// assert_eq!(replicas.get(1), Some(2));
/// assert_eq!(replicas, [1, 2, 3]);
/// let doubled: WireArray<i32> = replicas.iter().map(|r| r * 2).collect();
/// assert_eq!(doubled.to_vec(), vec![2, 4, 6]);
/// ```
///
/// Equality and hashing compare the encoded bytes, so for `f64` a NaN
/// equals the same NaN.
#[derive(Clone)]
pub struct WireArray<T: WireScalar> {
    bytes: Bytes,
    element: PhantomData<T>,
}

impl<T: WireScalar> WireArray<T> {
    /// An empty array.
    pub const fn new() -> Self {
        WireArray { bytes: Bytes::new(), element: PhantomData }
    }

    /// An array over big-endian elements, or `None` when `bytes` is not a
    /// whole number of elements.
    pub fn from_wire_bytes(bytes: Bytes) -> Option<Self> {
        bytes.len().is_multiple_of(T::SIZE).then_some(WireArray { bytes, element: PhantomData })
    }

    /// The elements' big-endian bytes, as they are written on the wire
    /// (without the length prefix).
    pub fn wire_bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.len() / T::SIZE
    }

    /// Whether there are no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Element `index`, or `None` past the end.
    #[inline]
    pub fn get(&self, index: usize) -> Option<T> {
        let start = index.checked_mul(T::SIZE)?;
        self.bytes.get(start..start + T::SIZE).map(T::from_wire)
    }

    /// The first element.
    pub fn first(&self) -> Option<T> {
        self.get(0)
    }

    /// The last element.
    pub fn last(&self) -> Option<T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The elements in order.
    pub fn iter(&self) -> WireArrayIter<'_, T> {
        WireArrayIter { chunks: self.bytes.chunks_exact(T::SIZE), element: PhantomData }
    }

    /// Whether `value` is an element.
    pub fn contains(&self, value: &T) -> bool
    where
        T: PartialEq,
    {
        self.iter().any(|e| e == *value)
    }

    /// The elements as a `Vec`.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().collect()
    }
}

impl<T: WireScalar> Default for WireArray<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: WireScalar> FromIterator<T> for WireArray<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut buf = BytesMut::with_capacity(iter.size_hint().0 * T::SIZE);
        for value in iter {
            value.put_wire(&mut buf);
        }
        WireArray { bytes: buf.freeze(), element: PhantomData }
    }
}

impl<T: WireScalar> From<Vec<T>> for WireArray<T> {
    fn from(values: Vec<T>) -> Self {
        values.into_iter().collect()
    }
}

impl<T: WireScalar> From<&[T]> for WireArray<T> {
    fn from(values: &[T]) -> Self {
        values.iter().copied().collect()
    }
}

impl<T: WireScalar, const N: usize> From<[T; N]> for WireArray<T> {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

impl<T: WireScalar> From<WireArray<T>> for Vec<T> {
    fn from(array: WireArray<T>) -> Self {
        array.to_vec()
    }
}

impl<'a, T: WireScalar> IntoIterator for &'a WireArray<T> {
    type Item = T;
    type IntoIter = WireArrayIter<'a, T>;
    fn into_iter(self) -> WireArrayIter<'a, T> {
        self.iter()
    }
}

impl<T: WireScalar> PartialEq for WireArray<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl<T: WireScalar> Eq for WireArray<T> {}

impl<T: WireScalar> Hash for WireArray<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bytes.hash(state)
    }
}

impl<T: WireScalar + PartialEq> PartialEq<[T]> for WireArray<T> {
    fn eq(&self, other: &[T]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

impl<T: WireScalar + PartialEq, const N: usize> PartialEq<[T; N]> for WireArray<T> {
    fn eq(&self, other: &[T; N]) -> bool {
        *self == other[..]
    }
}

impl<T: WireScalar + PartialEq> PartialEq<Vec<T>> for WireArray<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        *self == other[..]
    }
}

impl<T: WireScalar + fmt::Debug> fmt::Debug for WireArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The elements of a [`WireArray`], converted as they are read.
pub struct WireArrayIter<'a, T> {
    chunks: std::slice::ChunksExact<'a, u8>,
    element: PhantomData<T>,
}

impl<T: WireScalar> Iterator for WireArrayIter<'_, T> {
    type Item = T;
    #[inline]
    fn next(&mut self) -> Option<T> {
        self.chunks.next().map(T::from_wire)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl<T: WireScalar> DoubleEndedIterator for WireArrayIter<'_, T> {
    fn next_back(&mut self) -> Option<T> {
        self.chunks.next_back().map(T::from_wire)
    }
}

impl<T: WireScalar> ExactSizeIterator for WireArrayIter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_are_big_endian_on_the_wire() {
        let a: WireArray<i32> = vec![1, -1].into();
        assert_eq!(&a.wire_bytes()[..], &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
        let b: WireArray<i16> = [0x0102].into();
        assert_eq!(&b.wire_bytes()[..], &[1, 2]);
    }

    #[test]
    fn reads_back_what_was_built() {
        let values = vec![i64::MIN, 0, 7, i64::MAX];
        let a = WireArray::from(values.clone());
        assert_eq!(a.len(), 4);
        assert_eq!(a.to_vec(), values);
        assert_eq!(a.iter().rev().collect::<Vec<_>>(), vec![i64::MAX, 7, 0, i64::MIN]);
        assert_eq!((a.first(), a.last(), a.get(4)), (Some(i64::MIN), Some(i64::MAX), None));
        assert!(a.contains(&7) && !a.contains(&8));
        assert_eq!(a, values);
        assert_ne!(a, [0i64, 0, 7, 1][..]);
        assert_eq!(format!("{a:?}"), format!("{values:?}"));
    }

    #[test]
    fn wire_bytes_must_hold_whole_elements() {
        assert!(WireArray::<i32>::from_wire_bytes(Bytes::from_static(&[0, 0, 0])).is_none());
        let a = WireArray::<i16>::from_wire_bytes(Bytes::from_static(&[0, 5, 0, 6])).unwrap();
        assert_eq!(a, [5, 6]);
        assert!(WireArray::<i8>::new().is_empty() && WireArray::<i8>::default().get(0).is_none());
    }
}
