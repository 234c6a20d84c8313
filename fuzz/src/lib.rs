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

/// Runs `f` on `data` and panics if it held more than
/// `BYTES_PER_INPUT_BYTE` per input byte plus `fixed`.
pub fn with_allocation_limit(data: &[u8], fixed: usize, f: impl FnOnce()) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    let used = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let allowed = BYTES_PER_INPUT_BYTE * data.len() + fixed;
    assert!(used <= allowed, "held {used} bytes for a {}-byte input (allowed {allowed})", data.len());
}
