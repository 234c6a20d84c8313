//! Shared workloads for the side-by-side benchmarks in `benches/`. Each
//! workload is built once, in memory, with fixed contents, so every crate
//! under test encodes and decodes the same logical message.

use bytes::Bytes;

/// W5: 1000 records with 10-byte keys and 100-byte values.
pub const W5_RECORDS: usize = 1000;
/// Timestamp of the first record (milliseconds); record `i` is one ms later.
pub const W5_BASE_TIMESTAMP: i64 = 1_700_000_000_000;

/// The key and value of record `i` of W5.
pub fn w5_key_value(i: usize) -> (Bytes, Bytes) {
    let key = format!("key-{i:06}");
    let value: Vec<u8> = (0..100).map(|j| b"abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + j) % 36]).collect();
    (Bytes::from(key), Bytes::from(value))
}

/// W1: topics, partitions per topic, replicas and ISR per partition, brokers.
pub const W1_TOPICS: usize = 1000;
pub const W1_PARTITIONS: usize = 10;
pub const W1_BROKERS: i32 = 5;
/// W4: partitions, each with one uncompressed batch of about this many bytes.
pub const W4_PARTITIONS: usize = 50;
pub const W4_BATCH_BYTES: usize = 64 * 1024;
/// W6: partitions, each with one batch of about this many bytes.
pub const W6_PARTITIONS: usize = 100;
pub const W6_BATCH_BYTES: usize = 16 * 1024;

/// The topic id of topic `i` in the workloads.
pub fn topic_id(i: usize) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x1000_0000_0000_0000_0000_0000_0000_0000 + i as u128)
}

/// An uncompressed record batch of about `size` bytes (records of 1 KiB values).
pub fn batch_of_size(size: usize, seed: usize) -> Bytes {
    use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch};
    let records = (0..size / 1040).map(|i| {
        let value: Vec<u8> = (0..1024).map(|j| ((i + j + seed) % 251) as u8).collect();
        (
            1_700_000_000_000 + i as i64,
            Record { key: Some(Bytes::from(format!("k{i}"))), value: Some(Bytes::from(value)), ..Default::default() },
        )
    });
    RecordBatch::from_records(Compression::None, records).to_bytes(&EncodeOptions::default()).unwrap()
}

/// Counts heap allocations (for "allocations per decode"); install it as
/// the global allocator of a bench binary.
pub mod alloc_count {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Counting;
    static COUNT: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            COUNT.fetch_add(1, Ordering::Relaxed);
            System.alloc(layout)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            COUNT.fetch_add(1, Ordering::Relaxed);
            System.realloc(ptr, layout, new_size)
        }
    }

    /// Allocations (and reallocations) `f` makes.
    pub fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let before = COUNT.load(Ordering::Relaxed);
        let out = f();
        (out, COUNT.load(Ordering::Relaxed) - before)
    }
}
