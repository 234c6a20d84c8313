//! Record-batch compression: gzip, snappy, lz4 and zstd, framed exactly as
//! Kafka's Java client frames them.
//!
//! - gzip: a gzip stream (several members are read back too).
//! - snappy: Java producers write the xerial framing (a magic header, then
//!   length-prefixed snappy blocks of up to 32 KiB); raw snappy is read too.
//! - lz4: Kafka's LZ4 frame with independent 64 KiB blocks and no checksums,
//!   written by liblz4 as Kafka's Java producer writes it: the fast
//!   compressor at the default level 9, the high-compression one at levels
//!   1-8 and 10-17.
//!   Message format v0 computed the header checksum over the magic number as
//!   well ("broken" descriptor checksum); we write and accept that for v0.
//!   Java's reader rejects dependent blocks, so do we.
//! - zstd: a zstd frame, with its size in the header (Java streams its
//!   frames without one; both are read).
//!
//! Decompression stops with an error once the output would exceed the
//! caller's limit, so a small batch cannot expand into an allocation bomb.

use super::error::{RecordsDecodeErrorKind, RecordsEncodeError, RecordsEncodeErrorKind};

/// A compression codec, as encoded in the low three bits of batch attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Compression {
    #[default]
    /// Not compressed.
    None,
    /// gzip.
    Gzip,
    /// snappy (xerial framing).
    Snappy,
    /// lz4 (Kafka's framing).
    Lz4,
    /// zstd.
    Zstd,
}

impl Compression {
    /// Every codec, by id.
    pub const ALL: [Compression; 5] =
        [Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4, Compression::Zstd];

    /// The codec for an attribute id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).
    pub fn from_id(id: u8) -> Option<Compression> {
        Some(match id {
            0 => Compression::None,
            1 => Compression::Gzip,
            2 => Compression::Snappy,
            3 => Compression::Lz4,
            4 => Compression::Zstd,
            _ => return None,
        })
    }

    /// The id in batch attributes.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// The codec's name as Kafka's configs write it (`compression.type`).
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Snappy => "snappy",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }

    /// The Java client's default level (`compression.<codec>.level`):
    /// gzip 6 (zlib's default), lz4 9, zstd 3; snappy has no levels.
    pub fn default_level(self) -> Option<i32> {
        match self {
            Compression::Gzip => Some(6),
            Compression::Lz4 => Some(LZ4_DEFAULT_LEVEL),
            Compression::Zstd => Some(3),
            Compression::None | Compression::Snappy => None,
        }
    }
}

/// Kafka's default lz4 level, `compression.lz4.level=9`: the one its
/// producer compresses with lz4's fast mode.
const LZ4_DEFAULT_LEVEL: i32 = 9;

#[cold]
fn codec_error(what: String) -> RecordsEncodeError {
    RecordsEncodeError::new(RecordsEncodeErrorKind::Compression(what))
}

#[cold]
fn disabled(c: Compression) -> String {
    format!("{} support is not compiled in (enable the `{}` feature)", c.name(), c.name())
}

/// Compresses `data` into `out`. `level` defaults to Kafka's; `legacy_v0`
/// selects the message-format-v0 lz4 header checksum.
pub fn compress(
    compression: Compression,
    level: Option<i32>,
    data: &[u8],
    out: &mut Vec<u8>,
    legacy_v0: bool,
) -> Result<(), RecordsEncodeError> {
    let level = level.or(compression.default_level());
    let _ = (&level, legacy_v0);
    match compression {
        Compression::None => {
            out.extend_from_slice(data);
            Ok(())
        }
        #[cfg(feature = "gzip")]
        Compression::Gzip => gzip::compress(data, level.unwrap_or(6), out),
        #[cfg(feature = "snappy")]
        Compression::Snappy => snappy::compress(data, out),
        #[cfg(feature = "lz4")]
        Compression::Lz4 => lz4::compress(data, level.unwrap_or(LZ4_DEFAULT_LEVEL), out, legacy_v0),
        #[cfg(feature = "zstd")]
        Compression::Zstd => zstd_codec::compress(data, level.unwrap_or(3), out),
        #[allow(unreachable_patterns)]
        other => Err(codec_error(disabled(other))),
    }
}

/// Decompresses `data`; fails once the output would exceed `limit` bytes.
pub fn decompress(
    compression: Compression,
    data: &[u8],
    limit: usize,
    legacy_v0: bool,
) -> Result<Vec<u8>, RecordsDecodeErrorKind> {
    let _ = legacy_v0;
    match compression {
        Compression::None => {
            if data.len() > limit {
                return Err(RecordsDecodeErrorKind::DecompressedTooLarge { limit });
            }
            Ok(data.to_vec())
        }
        #[cfg(feature = "gzip")]
        Compression::Gzip => read_limited(flate2::read::MultiGzDecoder::new(data), limit, "gzip"),
        #[cfg(feature = "snappy")]
        Compression::Snappy => snappy::decompress(data, limit),
        #[cfg(feature = "lz4")]
        Compression::Lz4 => lz4::decompress(data, limit, legacy_v0),
        #[cfg(feature = "zstd")]
        Compression::Zstd => zstd_codec::decompress(data, limit),
        #[allow(unreachable_patterns)]
        other => Err(RecordsDecodeErrorKind::Decompression(disabled(other))),
    }
}

/// Reads a decoder to its end, but never more than `limit` bytes. The
/// buffer grows geometrically (with exact reservations) up to the limit and
/// no further; once it is full, a one-byte probe tells "exactly at the
/// limit" from "over it". A bomb costs at most the caller's limit.
#[allow(dead_code)]
fn read_limited<R: std::io::Read>(mut reader: R, limit: usize, codec: &str) -> Result<Vec<u8>, RecordsDecodeErrorKind> {
    let failed = |e: std::io::Error| RecordsDecodeErrorKind::Decompression(format!("{codec}: {e}"));
    let mut out: Vec<u8> = Vec::new();
    let mut filled = 0;
    loop {
        if filled == out.len() {
            if out.len() >= limit {
                let mut probe = [0u8; 1];
                return loop {
                    match reader.read(&mut probe) {
                        Ok(0) => break Ok(out),
                        Ok(_) => break Err(RecordsDecodeErrorKind::DecompressedTooLarge { limit }),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(failed(e)),
                    }
                };
            }
            let grown = out.len().max(8 * 1024).saturating_mul(2).min(limit);
            out.reserve_exact(grown - out.len());
            out.resize(grown, 0);
        }
        match reader.read(&mut out[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(failed(e)),
        }
    }
    out.truncate(filled);
    Ok(out)
}

#[cfg(feature = "gzip")]
mod gzip {
    use super::*;
    use std::io::Write;

    pub(super) fn compress(data: &[u8], level: i32, out: &mut Vec<u8>) -> Result<(), RecordsEncodeError> {
        if !(1..=9).contains(&level) {
            return Err(codec_error(format!("gzip level {level} is outside 1..=9")));
        }
        let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::new(level as u32));
        encoder.write_all(data).map_err(|e| codec_error(format!("gzip: {e}")))?;
        encoder.finish().map_err(|e| codec_error(format!("gzip: {e}")))?;
        Ok(())
    }
}

#[cfg(feature = "zstd")]
mod zstd_codec {
    use super::*;
    use std::cell::RefCell;

    // Creating a zstd context and sizing its tables costs about as much as
    // compressing a 100 KB batch, and a producer compresses batch after
    // batch, a consumer reads batch after batch: each thread keeps one
    // context of each kind.
    thread_local! {
        /// This thread's compression context and the level it is set to.
        static COMPRESSOR: RefCell<Option<(i32, zstd::bulk::Compressor<'static>)>> = const { RefCell::new(None) };
        /// This thread's decompression context.
        static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
    }

    /// Batches up to this size reuse their thread's compression context;
    /// larger ones get a context of their own, so a thread that once
    /// compressed a large batch does not keep its large tables.
    const REUSE_UP_TO: usize = 1 << 20;

    /// Frames that declare a size up to this (and the caller's limit) are
    /// decompressed in one call into a buffer of exactly that size.
    const DIRECT_UP_TO: u64 = 1 << 20;

    fn failed(e: std::io::Error) -> RecordsEncodeError {
        codec_error(format!("zstd: {e}"))
    }

    /// One zstd frame holding `data` (its size in the frame header), appended to `out`.
    pub(super) fn compress(data: &[u8], level: i32, out: &mut Vec<u8>) -> Result<(), RecordsEncodeError> {
        if data.len() > REUSE_UP_TO {
            out.extend_from_slice(&zstd::bulk::compress(data, level).map_err(failed)?);
            return Ok(());
        }
        COMPRESSOR.with(|cell| {
            let mut cell = cell.borrow_mut();
            let compressor = match &mut *cell {
                Some((l, compressor)) if *l == level => compressor,
                slot => &mut slot.insert((level, zstd::bulk::Compressor::new(level).map_err(failed)?)).1,
            };
            if out.is_empty() {
                // Straight into `out` (a `Vec` is filled from its start).
                out.reserve(zstd::zstd_safe::compress_bound(data.len()));
                compressor.compress_to_buffer(data, out).map_err(failed)?;
            } else {
                out.extend_from_slice(&compressor.compress(data).map_err(failed)?);
            }
            Ok(())
        })
    }

    /// `data` decompressed, never more than `limit` bytes. A frame that
    /// declares its size (kafka-wire's do; the Java producer's streamed
    /// frames do not) is decompressed in one call; anything else, or
    /// anything that call refuses, is streamed, which reports the error.
    pub(super) fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, RecordsDecodeErrorKind> {
        if let Ok(Some(size)) = zstd::zstd_safe::get_frame_content_size(data) {
            if size <= DIRECT_UP_TO && size <= limit as u64 {
                if let Some(out) = decompress_direct(data, size as usize) {
                    return Ok(out);
                }
            }
        }
        let decoder = zstd::stream::read::Decoder::with_buffer(data)
            .map_err(|e| RecordsDecodeErrorKind::Decompression(format!("zstd: {e}")))?;
        read_limited(decoder, limit, "zstd")
    }

    fn decompress_direct(data: &[u8], size: usize) -> Option<Vec<u8>> {
        DECOMPRESSOR.with(|cell| {
            let mut cell = cell.borrow_mut();
            let decompressor = match &mut *cell {
                Some(decompressor) => decompressor,
                slot => slot.insert(zstd::bulk::Decompressor::new().ok()?),
            };
            let mut out = Vec::with_capacity(size);
            // More output than the frame declared fails here (no room), and
            // so does a second frame; the streaming path then decides.
            match decompressor.decompress_to_buffer(data, &mut out) {
                Ok(n) if n == size => Some(out),
                _ => None,
            }
        })
    }
}

#[cfg(feature = "snappy")]
mod snappy {
    use super::*;

    /// The xerial snappy-java stream header: magic, then version 1 and
    /// minimum compatible version 1 (big-endian int32s).
    const XERIAL_MAGIC: [u8; 8] = [0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0];
    const XERIAL_HEADER_LEN: usize = 16;
    /// snappy-java's default block size, which Kafka's producer uses.
    const XERIAL_BLOCK: usize = 32 * 1024;

    pub(super) fn compress(data: &[u8], out: &mut Vec<u8>) -> Result<(), RecordsEncodeError> {
        out.extend_from_slice(&XERIAL_MAGIC);
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
        let mut encoder = snap::raw::Encoder::new();
        for chunk in data.chunks(XERIAL_BLOCK) {
            let block = encoder.compress_vec(chunk).map_err(|e| codec_error(format!("snappy: {e}")))?;
            out.extend_from_slice(&(block.len() as i32).to_be_bytes());
            out.extend_from_slice(&block);
        }
        Ok(())
    }

    fn raw_block(block: &[u8], limit: usize, out: &mut Vec<u8>) -> Result<(), RecordsDecodeErrorKind> {
        let len = snap::raw::decompress_len(block)
            .map_err(|e| RecordsDecodeErrorKind::Decompression(format!("snappy: {e}")))?;
        if out.len() + len > limit {
            return Err(RecordsDecodeErrorKind::DecompressedTooLarge { limit });
        }
        let start = out.len();
        out.resize(start + len, 0);
        snap::raw::Decoder::new()
            .decompress(block, &mut out[start..])
            .map_err(|e| RecordsDecodeErrorKind::Decompression(format!("snappy: {e}")))?;
        Ok(())
    }

    pub(super) fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, RecordsDecodeErrorKind> {
        let mut out = Vec::new();
        if data.len() < XERIAL_HEADER_LEN || data[..8] != XERIAL_MAGIC {
            raw_block(data, limit, &mut out)?;
            return Ok(out);
        }
        let mut rest = &data[XERIAL_HEADER_LEN..];
        while !rest.is_empty() {
            if rest.len() < 4 {
                return Err(RecordsDecodeErrorKind::Decompression("snappy: truncated block length".into()));
            }
            let len = i32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]);
            if len < 0 || len as usize > rest.len() - 4 {
                return Err(RecordsDecodeErrorKind::Decompression(format!("snappy: invalid block length {len}")));
            }
            raw_block(&rest[4..4 + len as usize], limit, &mut out)?;
            rest = &rest[4 + len as usize..];
        }
        Ok(out)
    }
}

#[cfg(feature = "lz4")]
mod lz4 {
    use super::*;

    const MAGIC: u32 = 0x184D_2204;
    /// FLG: version 01, independent blocks, no block or content checksum, no content size.
    const FLG: u8 = 0b0110_0000;
    /// BD: 64 KiB maximum block size.
    const BD: u8 = 4 << 4;
    const BLOCK_SIZE: usize = 64 * 1024;
    const UNCOMPRESSED_BIT: u32 = 0x8000_0000;

    fn header_checksum(bytes: &[u8]) -> u8 {
        (xxhash_rust::xxh32::xxh32(bytes, 0) >> 8) as u8
    }

    /// The levels Kafka accepts for lz4.
    const LEVELS: std::ops::RangeInclusive<i32> = 1..=17;

    /// How Kafka's `Lz4BlockOutputStream` picks its compressor: the default
    /// level uses lz4's fast compressor (as every Kafka release before
    /// configurable levels did); any other level uses the high-compression
    /// one at that level (liblz4 treats levels above 12 as 12).
    fn block_mode(level: i32) -> ::lz4::block::CompressionMode {
        if level == LZ4_DEFAULT_LEVEL {
            ::lz4::block::CompressionMode::DEFAULT
        } else {
            ::lz4::block::CompressionMode::HIGHCOMPRESSION(level)
        }
    }

    pub(super) fn compress(
        data: &[u8],
        level: i32,
        out: &mut Vec<u8>,
        legacy_v0: bool,
    ) -> Result<(), RecordsEncodeError> {
        if !LEVELS.contains(&level) {
            return Err(codec_error(format!("lz4 level {level} is outside 1..=17")));
        }
        let mode = block_mode(level);
        let failed = |e: std::io::Error| codec_error(format!("lz4: {e}"));
        let start = out.len();
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.extend_from_slice(&[FLG, BD]);
        // v0 hashed the magic number too (Kafka's broken descriptor checksum).
        let hc = if legacy_v0 { header_checksum(&out[start..]) } else { header_checksum(&out[start + 4..]) };
        out.push(hc);
        for chunk in data.chunks(BLOCK_SIZE) {
            // Compressed straight into `out`, after room for the block's length.
            let length_at = out.len();
            let bound = ::lz4::block::compress_bound(chunk.len()).map_err(failed)?;
            out.resize(length_at + 4 + bound, 0);
            let written = ::lz4::block::compress_to_buffer(chunk, Some(mode), false, &mut out[length_at + 4..])
                .map_err(failed)?;
            if written >= chunk.len() {
                // Incompressible: stored as is, flagged, as Java does.
                out.truncate(length_at);
                out.extend_from_slice(&(chunk.len() as u32 | UNCOMPRESSED_BIT).to_le_bytes());
                out.extend_from_slice(chunk);
            } else {
                out.truncate(length_at + 4 + written);
                out[length_at..length_at + 4].copy_from_slice(&(written as u32).to_le_bytes());
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        Ok(())
    }

    fn err(what: &str) -> RecordsDecodeErrorKind {
        RecordsDecodeErrorKind::Decompression(format!("lz4: {what}"))
    }

    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], RecordsDecodeErrorKind> {
        if rest.len() < n {
            return Err(err("truncated frame"));
        }
        let (head, tail) = rest.split_at(n);
        *rest = tail;
        Ok(head)
    }

    fn u32_le(rest: &mut &[u8]) -> Result<u32, RecordsDecodeErrorKind> {
        let b = take(rest, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(super) fn decompress(data: &[u8], limit: usize, legacy_v0: bool) -> Result<Vec<u8>, RecordsDecodeErrorKind> {
        let mut rest = data;
        if u32_le(&mut rest)? != MAGIC {
            return Err(err("bad magic number"));
        }
        let descriptor_start = 4;
        let flg = take(&mut rest, 1)?[0];
        let bd = take(&mut rest, 1)?[0];
        if flg >> 6 != 1 {
            return Err(err("unsupported frame version"));
        }
        if flg & 0b0010_0000 == 0 {
            return Err(err("dependent block streams are unsupported"));
        }
        if flg & 0b0000_0011 != 0 || bd & 0b1000_1111 != 0 {
            return Err(err("reserved bits set in the frame descriptor"));
        }
        let block_checksum = flg & 0b0001_0000 != 0;
        let content_size = flg & 0b0000_1000 != 0;
        let content_checksum = flg & 0b0000_0100 != 0;
        if content_size {
            take(&mut rest, 8)?;
        }
        let descriptor_end = data.len() - rest.len();
        let hc = take(&mut rest, 1)?[0];
        // Java does not check the v0 descriptor checksum at all (its writer got it wrong).
        if !legacy_v0 && hc != header_checksum(&data[descriptor_start..descriptor_end]) {
            return Err(err("frame descriptor checksum mismatch"));
        }
        let max_block = match (bd >> 4) & 0x7 {
            4 => 64 << 10,
            5 => 256 << 10,
            6 => 1 << 20,
            7 => 4 << 20,
            _ => return Err(err("invalid maximum block size")),
        };
        let mut out = Vec::new();
        loop {
            let word = u32_le(&mut rest)?;
            if word == 0 {
                break;
            }
            let len = (word & !UNCOMPRESSED_BIT) as usize;
            if len > max_block {
                return Err(err("block larger than the frame's maximum"));
            }
            let block = take(&mut rest, len)?;
            if block_checksum {
                take(&mut rest, 4)?;
            }
            let start = out.len();
            if word & UNCOMPRESSED_BIT != 0 {
                if start + len > limit {
                    return Err(RecordsDecodeErrorKind::DecompressedTooLarge { limit });
                }
                out.extend_from_slice(block);
            } else {
                let room = max_block.min(limit.saturating_sub(start));
                out.resize(start + room, 0);
                // liblz4's bounds-checked decoder: it never writes past `room`.
                let n = match ::lz4::block::decompress_to_buffer(block, Some(room as i32), &mut out[start..]) {
                    Ok(n) => n,
                    // The block did not fit: either over the caller's limit or corrupt.
                    Err(_) if room < max_block => return Err(RecordsDecodeErrorKind::DecompressedTooLarge { limit }),
                    Err(_) => return Err(err("corrupt block")),
                };
                out.truncate(start + n);
            }
        }
        if content_checksum {
            take(&mut rest, 4)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        (0..200_000u32).flat_map(|i| ((i / 7) as u16).to_be_bytes()).collect()
    }

    #[test]
    fn every_lz4_level_roundtrips_and_others_are_refused() {
        let data = sample();
        let mut sizes = Vec::new();
        for level in 1..=17 {
            let mut out = Vec::new();
            compress(Compression::Lz4, Some(level), &data, &mut out, false).unwrap();
            assert_eq!(decompress(Compression::Lz4, &out, data.len(), false).unwrap(), data, "level {level}");
            sizes.push(out.len());
        }
        // The high-compression levels write less than the fast default (9).
        assert!(sizes[11] < sizes[8], "level 12 {} against level 9 {}", sizes[11], sizes[8]);
        for level in [0, 18, -1] {
            let error = compress(Compression::Lz4, Some(level), &data, &mut Vec::new(), false).unwrap_err();
            assert!(error.to_string().contains("outside 1..=17"), "{error}");
        }
    }

    #[cfg(feature = "zstd")]
    #[test]
    fn zstd_reads_streamed_and_concatenated_frames_too() {
        let data = sample();
        // Java's producer streams its frames: no content size in the header.
        let mut streamed = Vec::new();
        zstd::stream::copy_encode(&data[..], &mut streamed, 3).unwrap();
        assert_eq!(zstd::zstd_safe::get_frame_content_size(&streamed).ok(), Some(None));
        assert_eq!(decompress(Compression::Zstd, &streamed, data.len(), false).unwrap(), data);
        // Ours declare it, and are read in one call; two frames in a row
        // are more than the first declares, and are read whole too.
        let mut ours = Vec::new();
        compress(Compression::Zstd, None, &data, &mut ours, false).unwrap();
        assert_eq!(zstd::zstd_safe::get_frame_content_size(&ours).ok(), Some(Some(data.len() as u64)));
        let twice = [ours.clone(), ours].concat();
        let both = [data.clone(), data.clone()].concat();
        assert_eq!(decompress(Compression::Zstd, &twice, both.len(), false).unwrap(), both);
        assert_eq!(
            decompress(Compression::Zstd, &twice, both.len() - 1, false).unwrap_err(),
            RecordsDecodeErrorKind::DecompressedTooLarge { limit: both.len() - 1 }
        );
        // Appending to a buffer that already holds bytes keeps them.
        let mut out = b"kept".to_vec();
        compress(Compression::Zstd, Some(1), &data, &mut out, false).unwrap();
        assert_eq!(&out[..4], b"kept");
        assert_eq!(decompress(Compression::Zstd, &out[4..], data.len(), false).unwrap(), data);
    }

    #[test]
    fn every_codec_roundtrips() {
        let data = sample();
        for c in Compression::ALL {
            for legacy_v0 in [false, true] {
                let mut out = Vec::new();
                compress(c, None, &data, &mut out, legacy_v0).unwrap();
                assert_eq!(decompress(c, &out, data.len(), legacy_v0).unwrap(), data, "{c:?}");
                // One byte less room than needed is an error, not a larger allocation.
                assert_eq!(
                    decompress(c, &out, data.len() - 1, legacy_v0).unwrap_err(),
                    RecordsDecodeErrorKind::DecompressedTooLarge { limit: data.len() - 1 },
                    "{c:?}"
                );
            }
        }
    }

    /// Found by the record_batches fuzz target: `limit + 1` overflowed.
    #[test]
    fn unlimited_decompression_does_not_overflow() {
        let data = sample();
        for c in Compression::ALL {
            let mut out = Vec::new();
            compress(c, None, &data, &mut out, false).unwrap();
            assert_eq!(decompress(c, &out, usize::MAX, false).unwrap(), data, "{c:?}");
        }
    }

    #[test]
    fn snappy_xerial_framing_and_raw() {
        let data = sample();
        let mut framed = Vec::new();
        compress(Compression::Snappy, None, &data, &mut framed, false).unwrap();
        assert_eq!(&framed[..16], &[0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1]);
        // 400 000 bytes in 32 KiB blocks: 13 blocks.
        let raw = snap::raw::Encoder::new().compress_vec(&data).unwrap();
        assert_eq!(decompress(Compression::Snappy, &raw, usize::MAX, false).unwrap(), data);
    }

    #[test]
    fn lz4_frame_header_matches_kafka() {
        let mut out = Vec::new();
        compress(Compression::Lz4, None, b"", &mut out, false).unwrap();
        // magic, FLG 0x60, BD 0x40, HC = (xxh32([0x60, 0x40]) >> 8) & 0xff, end mark.
        assert_eq!(out, [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 0, 0, 0, 0]);
        let mut v0 = Vec::new();
        compress(Compression::Lz4, None, b"", &mut v0, true).unwrap();
        assert_ne!(v0[6], out[6], "v0 hashes the magic number too");
        // A dependent-block frame (FLG bit 5 clear) is rejected like Java does.
        let mut dependent = out.clone();
        dependent[4] = 0x40;
        assert!(decompress(Compression::Lz4, &dependent, 100, false).unwrap_err().to_string().contains("dependent"));
    }

    #[test]
    fn gzip_bomb_is_stopped_at_the_limit() {
        let zeros = vec![0u8; 8 << 20];
        let mut out = Vec::new();
        compress(Compression::Gzip, Some(9), &zeros, &mut out, false).unwrap();
        assert!(out.len() < 20_000);
        assert_eq!(
            decompress(Compression::Gzip, &out, 1 << 20, false).unwrap_err(),
            RecordsDecodeErrorKind::DecompressedTooLarge { limit: 1 << 20 }
        );
    }
}
