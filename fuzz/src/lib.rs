//! What every fuzz target shares: a counting global allocator that fails
//! the run when one input makes the decoder hold more memory than a fixed
//! multiple of the input size plus a constant.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes a decoder may hold per input byte (a decoded struct is larger than
/// its wire form). 500,000 smoke executions of every target stayed within
/// 32; 256 leaves room for inputs the fuzzer has not found yet.
pub const BYTES_PER_INPUT_BYTE: usize = 256;
/// Fixed allowance of the message targets: buffers and error paths (an
/// array reserves at most 64 KiB before its elements arrive).
pub const MESSAGE_ALLOWANCE: usize = 256 << 10;
/// The decompression limit the record targets decode with.
pub const MAX_DECOMPRESSED: usize = 1 << 20;
/// Fixed allowance of the record targets: one decompressed batch, the
/// decompressor's own state (zstd's window is the largest) and buffers.
pub const RECORDS_ALLOWANCE: usize = MAX_DECOMPRESSED + (3 << 20);

/// What one input may make a target hold: `BYTES_PER_INPUT_BYTE` per input
/// byte plus `fixed`, and never more than `cap`. Per byte alone, an input of
/// the smoke's `-max_len` (64 KiB) could hold 16 MiB more than `fixed`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub fixed: usize,
    pub cap: usize,
}

// Each cap is measured: the most any input of the target's seeded corpus,
// and of a 20,000-run smoke from it, made the target hold (FUZZING.md has
// the figures), about three times over for the message targets; the record
// targets keep their fixed allowance (a batch decompressed to the 1 MiB
// limit is legitimate) plus 1 MiB.

/// Measured 0.31 MiB (a 47 KB frame).
pub const REQUEST_FRAME: Limit = Limit { fixed: MESSAGE_ALLOWANCE, cap: 1 << 20 };
/// Measured 0.15 MiB (a 27 KB body).
pub const RESPONSE_BODY: Limit = Limit { fixed: MESSAGE_ALLOWANCE, cap: 1 << 20 };
/// Measured 1.55 MiB (33 KB of JSON: its tree is larger than the message).
pub const JSON_MESSAGE: Limit = Limit { fixed: MESSAGE_ALLOWANCE, cap: 4 << 20 };
/// Measured 0.71 MiB.
pub const RECORD_BATCHES: Limit = Limit { fixed: RECORDS_ALLOWANCE, cap: RECORDS_ALLOWANCE + (1 << 20) };
/// Measured 0.09 MiB.
pub const LEGACY_MESSAGE_SET: Limit = Limit { fixed: RECORDS_ALLOWANCE, cap: RECORDS_ALLOWANCE + (1 << 20) };
/// Measured 1 MiB (the reader's buffer, whatever the file).
pub const LOG_FILE: Limit = Limit { fixed: RECORDS_ALLOWANCE, cap: RECORDS_ALLOWANCE + (1 << 20) };

pub struct CountingAllocator;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

/// Runs `f` on `data` and panics if it held more than `limit` allows.
pub fn with_allocation_limit(data: &[u8], limit: Limit, f: impl FnOnce()) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    let used = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let by_size = BYTES_PER_INPUT_BYTE * data.len() + limit.fixed;
    let allowed = by_size.min(limit.cap);
    assert!(
        used <= allowed,
        "held {used} bytes for a {}-byte input (allowed {allowed}: {by_size} by its size, capped at {})",
        data.len(),
        limit.cap
    );
}
