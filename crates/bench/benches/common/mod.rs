//! The timing loop both bench binaries use.

use bytes::BytesMut;
use criterion::{black_box, Bencher};

/// Encodes into a reused buffer (the way a connection writes), so the
/// timing is the encoder's and not the allocator's.
pub(crate) fn encode_loop(b: &mut Bencher, capacity: usize, mut encode: impl FnMut(&mut BytesMut)) {
    let mut buf = BytesMut::with_capacity(capacity);
    b.iter(|| {
        buf.clear();
        encode(&mut buf);
        black_box(buf.len())
    })
}
