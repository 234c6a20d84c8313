//! What every fuzz target shares: a counting global allocator that fails
//! the run when one input makes the decoder hold more memory than a fixed
//! multiple of the input size plus a constant.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes a decoder may hold per input byte (a decoded struct is larger than
/// its wire form: the biggest generated struct is a few hundred bytes).
pub const BYTES_PER_INPUT_BYTE: usize = 1024;
/// Fixed allowance: buffers, one decompressed batch (limit below), error paths.
pub const FIXED_ALLOWANCE: usize = 4 << 20;
/// The decompression limit the targets decode with.
pub const MAX_DECOMPRESSED: usize = 1 << 20;

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

/// Runs `f` on `data` and panics if it held more than the allowed memory.
pub fn with_allocation_limit(data: &[u8], f: impl FnOnce()) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    f();
    let used = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let allowed = BYTES_PER_INPUT_BYTE * data.len() + FIXED_ALLOWANCE;
    assert!(used <= allowed, "held {used} bytes for a {}-byte input (allowed {allowed})", data.len());
}
