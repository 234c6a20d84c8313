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
