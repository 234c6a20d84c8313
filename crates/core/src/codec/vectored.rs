//! Encoding without copying large payloads: [`VectoredBuf`] collects an
//! encoded message as a list of `Bytes` chunks, where every `bytes` or
//! `records` field of at least [`VectoredBuf::MIN_SHARED_LEN`] bytes is the
//! field's own `Bytes` (a reference count, not a copy) and everything
//! between them is copied into small chunks. Writing the chunks with
//! `write_vectored` (or a socket's `writev`) sends the same bytes as the
//! contiguous encoding.

use bytes::buf::UninitSlice;
use bytes::{Buf, BufMut, Bytes, BytesMut};
use std::io::{self, IoSlice};

/// A `Buf` over a borrowed `Bytes`: copying buffers read it as a slice;
/// [`VectoredBuf`] takes it as a shared `Bytes` through `copy_to_bytes`.
/// The encoders hand `bytes`/`records` payloads to `BufMut::put` as one.
pub(crate) struct SharedSlice<'a> {
    bytes: &'a Bytes,
    pos: usize,
}

impl<'a> SharedSlice<'a> {
    #[inline]
    pub(crate) fn new(bytes: &'a Bytes) -> Self {
        SharedSlice { bytes, pos: 0 }
    }
}

impl Buf for SharedSlice<'_> {
    #[inline]
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    #[inline]
    fn chunk(&self) -> &[u8] {
        &self.bytes[self.pos..]
    }

    #[inline]
    fn advance(&mut self, cnt: usize) {
        assert!(cnt <= self.remaining(), "advance past the end");
        self.pos += cnt;
    }

    fn copy_to_bytes(&mut self, len: usize) -> Bytes {
        assert!(len <= self.remaining(), "copy_to_bytes past the end");
        let shared = self.bytes.slice(self.pos..self.pos + len);
        self.pos += len;
        shared
    }
}

/// A `BufMut` that keeps large `bytes` and `records` fields by reference.
///
/// ```
/// use bytes::Bytes;
/// # use kafka_wire_core as kafka_wire; // users reach it through kafka-wire
/// use kafka_wire::messages::produce_request::{PartitionProduceData, TopicProduceData};
/// use kafka_wire::messages::ProduceRequest;
/// use kafka_wire::{RequestFrame, StrBytes};
///
/// let batch = Bytes::from(vec![0u8; 16 * 1024]); // an encoded record batch
/// let request = ProduceRequest {
///     acks: -1,
///     timeout_ms: 30_000,
///     topic_data: vec![TopicProduceData {
///         name: StrBytes::from_static("orders"),
///         partition_data: vec![PartitionProduceData { index: 0, records: Some(batch.clone()), ..Default::default() }],
///         ..Default::default()
///     }],
///     ..Default::default()
/// };
/// let frame = RequestFrame::new(request, 12, 1, Some("app"));
/// let chunks = frame.to_chunks()?;
/// // The batch is one of the chunks, shared with `batch`, not copied.
/// assert!(chunks.iter().any(|c| c.as_ptr() == batch.as_ptr()));
/// assert_eq!(chunks.concat(), frame.to_bytes()?);
/// # Ok::<(), kafka_wire::EncodeError>(())
/// ```
#[derive(Debug)]
pub struct VectoredBuf {
    chunks: Vec<Bytes>,
    current: BytesMut,
    /// Payloads at least this long become chunks of their own.
    min_shared: usize,
}

impl Default for VectoredBuf {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl VectoredBuf {
    /// Payloads shorter than this are copied: a separate chunk costs more
    /// than copying a few hundred bytes.
    pub const MIN_SHARED_LEN: usize = 512;

    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts with room for `copied` bytes of copied (non-shared) data.
    pub fn with_capacity(copied: usize) -> Self {
        VectoredBuf { chunks: Vec::new(), current: BytesMut::with_capacity(copied), min_shared: Self::MIN_SHARED_LEN }
    }

    /// A buffer that copies everything into one chunk of `capacity` bytes.
    /// The frames' `to_bytes` encode through it, so the library compiles
    /// one instance of each encoder for both `to_bytes` and `to_chunks`.
    #[cfg(any(feature = "encode-requests", feature = "encode-responses"))]
    pub(crate) fn contiguous(capacity: usize) -> Self {
        VectoredBuf { chunks: Vec::new(), current: BytesMut::with_capacity(capacity), min_shared: usize::MAX }
    }

    /// The bytes of a [`VectoredBuf::contiguous`] buffer.
    #[cfg(any(feature = "encode-requests", feature = "encode-responses"))]
    pub(crate) fn into_contiguous(self) -> Bytes {
        debug_assert!(self.chunks.is_empty(), "a contiguous buffer has no shared chunks");
        self.current.freeze()
    }

    /// The bytes written so far, shared and copied.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(Bytes::len).sum::<usize>() + self.current.len()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The encoded bytes, in order, as chunks.
    pub fn into_chunks(mut self) -> Vec<Bytes> {
        self.flush();
        self.chunks
    }

    /// Writes every chunk to `out`, with vectored writes where `out` has them.
    pub fn write_to<W: io::Write>(self, out: &mut W) -> io::Result<()> {
        write_chunks(out, &self.into_chunks())
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.chunks.push(self.current.split().freeze());
        }
    }
}

/// Writes `chunks` in order to `out` with `write_vectored`, resuming after
/// partial writes.
pub fn write_chunks<W: io::Write>(out: &mut W, chunks: &[Bytes]) -> io::Result<()> {
    // The unwritten data starts at byte `offset` of chunk `index`.
    let (mut index, mut offset) = (0, 0);
    while index < chunks.len() {
        let slices: Vec<IoSlice<'_>> = std::iter::once(IoSlice::new(&chunks[index][offset..]))
            .chain(chunks[index + 1..].iter().map(|c| IoSlice::new(c)))
            .collect();
        let mut written = match out.write_vectored(&slices) {
            Ok(0) if slices.iter().any(|s| !s.is_empty()) => {
                return Err(io::Error::new(io::ErrorKind::WriteZero, "failed to write the whole frame"))
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        while index < chunks.len() && written >= chunks[index].len() - offset {
            written -= chunks[index].len() - offset;
            (index, offset) = (index + 1, 0);
        }
        offset += written;
    }
    Ok(())
}

// SAFETY: every method but `put` hands over to the copied-data buffer, a
// `BytesMut`, whose own `BufMut` is sound; `put` only appends whole chunks.
unsafe impl BufMut for VectoredBuf {
    #[inline]
    fn remaining_mut(&self) -> usize {
        self.current.remaining_mut()
    }

    #[inline]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller's contract for `advance_mut` is the same as
        // `current`'s, whose `chunk_mut` it wrote into.
        unsafe { self.current.advance_mut(cnt) }
    }

    #[inline]
    fn chunk_mut(&mut self) -> &mut UninitSlice {
        self.current.chunk_mut()
    }

    #[inline]
    fn put_slice(&mut self, src: &[u8]) {
        self.current.extend_from_slice(src);
    }

    /// A large source is kept as a chunk of its own (`copy_to_bytes`
    /// shares a `Bytes` or a `SharedSlice`); anything else is copied.
    fn put<T: Buf>(&mut self, mut src: T)
    where
        Self: Sized,
    {
        if src.remaining() >= self.min_shared {
            self.flush();
            let len = src.remaining();
            self.chunks.push(src.copy_to_bytes(len));
        } else {
            self.current.put(src);
        }
    }
}
