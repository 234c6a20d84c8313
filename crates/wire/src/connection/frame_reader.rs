//! Splitting a byte stream into Kafka frames.

use super::ConnectionError;
use bytes::{Buf, Bytes, BytesMut};
use std::io::{self, Read};

/// Takes whole frames off the front of a byte stream: each is a big-endian
/// int32 size and that many bytes. The size is checked against the maximum
/// as soon as its prefix arrives, before anything of the frame is buffered
/// or allocated; a negative size is refused too.
///
/// ```
/// use bytes::BytesMut;
/// use kafka_wire::connection::{ConnectionError, FrameReader};
///
/// let reader = FrameReader::new();
/// let mut input = BytesMut::from(&[0, 0, 0, 3, b'a', b'b'][..]); // a partial read
/// assert_eq!(reader.next_frame(&mut input)?, None);
/// assert_eq!(reader.needed(&input)?, 1);
/// input.extend_from_slice(b"c");
/// assert_eq!(reader.next_frame(&mut input)?.as_deref(), Some(&b"abc"[..]));
/// reader.end(&input)?; // nothing left: a clean end
///
/// let mut huge = BytesMut::from(&i32::MAX.to_be_bytes()[..]);
/// assert!(matches!(reader.next_frame(&mut huge), Err(ConnectionError::FrameTooLarge { .. })));
/// # Ok::<(), ConnectionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameReader {
    max_size: usize,
}

impl Default for FrameReader {
    fn default() -> Self {
        FrameReader::new()
    }
}

impl FrameReader {
    /// The default largest frame: Kafka's default `socket.request.max.bytes`
    /// (100 MiB), which its broker applies to requests.
    pub const DEFAULT_MAX_SIZE: usize = 100 * 1024 * 1024;

    /// A reader of frames up to [`FrameReader::DEFAULT_MAX_SIZE`].
    pub const fn new() -> FrameReader {
        FrameReader { max_size: Self::DEFAULT_MAX_SIZE }
    }

    /// A reader of frames up to `max` bytes (the size prefix excluded).
    pub const fn with_max_size(max: usize) -> FrameReader {
        FrameReader { max_size: max }
    }

    /// The largest frame accepted, size prefix excluded.
    pub const fn max_size(&self) -> usize {
        self.max_size
    }

    /// The size the prefix at the front of `input` announces, checked;
    /// `None` until the prefix is whole.
    fn announced(&self, input: &[u8]) -> Result<Option<usize>, ConnectionError> {
        let Some(prefix) = input.first_chunk::<4>() else { return Ok(None) };
        let size = i32::from_be_bytes(*prefix);
        match usize::try_from(size) {
            Ok(size) if size <= self.max_size => Ok(Some(size)),
            _ => Err(ConnectionError::FrameTooLarge { size: size.into(), max: self.max_size }),
        }
    }

    /// Takes the next whole frame off the front of `input` and returns it
    /// without its size prefix; `Ok(None)` while it has not all arrived
    /// (room for the rest is reserved in `input` then).
    #[inline]
    pub fn next_frame(&self, input: &mut BytesMut) -> Result<Option<Bytes>, ConnectionError> {
        let Some(size) = self.announced(input)? else { return Ok(None) };
        if input.len() < 4 + size {
            input.reserve(4 + size - input.len());
            return Ok(None);
        }
        input.advance(4);
        Ok(Some(input.split_to(size).freeze()))
    }

    /// How many more bytes `input` needs before [`FrameReader::next_frame`]
    /// returns a frame (0 when it would now).
    pub fn needed(&self, input: &[u8]) -> Result<usize, ConnectionError> {
        Ok(match self.announced(input)? {
            None => 4 - input.len(),
            Some(size) => (4 + size).saturating_sub(input.len()),
        })
    }

    /// At the end of the input: `Ok` when nothing of a frame is left in
    /// `input`, [`ConnectionError::CutShort`] with the sizes when a frame
    /// was cut.
    pub fn end(&self, input: &[u8]) -> Result<(), ConnectionError> {
        if input.is_empty() {
            return Ok(());
        }
        let expected = match self.announced(input)? {
            None => 4,
            Some(size) => 4 + size,
        };
        Err(ConnectionError::CutShort { expected, received: input.len() })
    }

    /// Reads one frame from a blocking stream and returns it without its
    /// size prefix; `Ok(None)` when the stream ends cleanly, before a frame.
    ///
    /// ```
    /// use kafka_wire::connection::FrameReader;
    ///
    /// let mut stream = std::io::Cursor::new(vec![0, 0, 0, 2, 7, 7, 0, 0, 0]);
    /// let reader = FrameReader::new();
    /// assert_eq!(reader.read(&mut stream)?.as_deref(), Some(&[7, 7][..]));
    /// assert!(reader.read(&mut stream).is_err()); // 3 bytes of a size prefix, then the end
    /// # Ok::<(), kafka_wire::connection::ConnectionError>(())
    /// ```
    pub fn read<R: io::Read>(&self, input: &mut R) -> Result<Option<Bytes>, ConnectionError> {
        let mut prefix = [0u8; 4];
        let got = crate::read_up_to(input, &mut prefix)?;
        if got < 4 {
            return self.end(&prefix[..got]).map(|()| None);
        }
        let size = self.announced(&prefix)?.unwrap_or_default();
        // Grown as the bytes arrive: a size prefix alone allocates little.
        let mut frame = Vec::with_capacity(size.min(INITIAL_READ));
        let got = input.take(size as u64).read_to_end(&mut frame)?;
        if got < size {
            return Err(ConnectionError::CutShort { expected: 4 + size, received: 4 + got });
        }
        Ok(Some(Bytes::from(frame)))
    }
}

/// The most a blocking read allocates for a frame before its bytes arrive.
const INITIAL_READ: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(sizes: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, &size) in sizes.iter().enumerate() {
            out.extend_from_slice(&(size as i32).to_be_bytes());
            out.extend(std::iter::repeat_n(i as u8, size));
        }
        out
    }

    #[test]
    fn byte_by_byte_and_several_in_one_read() {
        let reader = FrameReader::new();
        let wire = frames(&[3, 0, 5]);
        let mut input = BytesMut::new();
        let mut seen = Vec::new();
        for &byte in &wire {
            input.extend_from_slice(&[byte]);
            while let Some(frame) = reader.next_frame(&mut input).unwrap() {
                seen.push(frame);
            }
        }
        assert_eq!(seen.iter().map(Bytes::len).collect::<Vec<_>>(), [3, 0, 5]);
        let mut all = BytesMut::from(&wire[..]);
        let mut count = 0;
        while reader.next_frame(&mut all).unwrap().is_some() {
            count += 1;
        }
        assert_eq!(count, 3);
        reader.end(&all).unwrap();
    }

    #[test]
    fn sizes_are_checked_before_the_frame_arrives() {
        let reader = FrameReader::with_max_size(10);
        let mut ok = BytesMut::from(&frames(&[10])[..]);
        assert_eq!(reader.next_frame(&mut ok).unwrap().unwrap().len(), 10);
        let mut big = BytesMut::from(&11i32.to_be_bytes()[..]);
        assert!(matches!(reader.next_frame(&mut big), Err(ConnectionError::FrameTooLarge { size: 11, max: 10 })));
        let mut negative = BytesMut::from(&(-1i32).to_be_bytes()[..]);
        assert!(matches!(reader.next_frame(&mut negative), Err(ConnectionError::FrameTooLarge { size: -1, .. })));
        assert!(reader.needed(&big).is_err());
    }

    #[test]
    fn a_cut_frame_reports_its_sizes() {
        let reader = FrameReader::new();
        let wire = frames(&[6]);
        for cut in 1..wire.len() {
            let err = reader.end(&wire[..cut]).unwrap_err();
            let expected = if cut < 4 { 4 } else { 10 };
            assert!(
                matches!(err, ConnectionError::CutShort { expected: e, received } if e == expected && received == cut),
                "cut at {cut}: {err:?}"
            );
            let mut stream = io::Cursor::new(wire[..cut].to_vec());
            assert!(matches!(reader.read(&mut stream), Err(ConnectionError::CutShort { .. })), "read, cut at {cut}");
        }
        assert_eq!(reader.read(&mut io::Cursor::new(Vec::new())).unwrap(), None, "a clean end");
    }
}
