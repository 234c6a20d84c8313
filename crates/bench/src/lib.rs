//! Shared workloads for the side-by-side benchmarks in `benches/`. Each
//! workload is built once, in memory, with fixed contents, so every crate
//! under test encodes and decodes the same logical message.
//!
//! One module per crate under test builds that crate's form of each
//! workload it supports: [`with_kafka_wire`], [`with_kafka_protocol`],
//! [`with_kafka_wire_protocol`] and [`with_tansu`], and, with the features
//! `kacrab` and `krabka`, `with_kacrab` and `with_krabka`. The benches
//! check the bytes agree ([`check_same`]) before timing anything.

use bytes::Bytes;

#[cfg(feature = "kacrab")]
pub mod with_kacrab;
pub mod with_kafka_protocol;
pub mod with_kafka_wire;
pub mod with_kafka_wire_protocol;
#[cfg(feature = "krabka")]
pub mod with_krabka;
pub mod with_tansu;

/// Panics, naming the workload, the crate and the first differing byte
/// (with the bytes around it), unless `theirs` (what `other` wrote) equals
/// `ours` (what kafka-wire wrote).
pub fn check_same(workload: &str, other: &str, ours: &[u8], theirs: &[u8]) {
    if ours != theirs {
        let at = ours.iter().zip(theirs).position(|(a, b)| a != b).unwrap_or(ours.len().min(theirs.len()));
        let around = |bytes: &[u8]| format!("{:02x?}", &bytes[at.saturating_sub(4)..(at + 8).min(bytes.len())]);
        panic!(
            "{workload}: kafka-wire and {other} bytes differ at {at}: kafka-wire {}, {other} {} (lengths {} / {})",
            around(ours),
            around(theirs),
            ours.len(),
            theirs.len()
        );
    }
}

/// W2's contents: (api key, min version, max version) for every api key
/// kafka-wire knows, as an ApiVersionsResponse lists them.
pub fn w2_api_keys() -> Vec<(i16, i16, i16)> {
    kafka_wire::ApiKey::ALL
        .iter()
        .filter(|k| !k.valid_versions().is_empty())
        .map(|k| (k.key(), k.valid_versions().min, k.valid_versions().max))
        .collect()
}

/// W3's topic names.
pub fn w3_topics() -> Vec<String> {
    (0..10).map(|t| format!("topic-{t:05}")).collect()
}
/// W3's client id and correlation id.
pub const W3_CLIENT_ID: &str = "bench-client";
pub const W3_CORRELATION_ID: i32 = 42;
/// W6's client id and correlation id.
pub const W6_CLIENT_ID: &str = "bench-producer";
pub const W6_CORRELATION_ID: i32 = 7;

/// W1's broker host, topic name and the replica list of partition `p`.
pub fn w1_host(id: i32) -> String {
    format!("broker-{id}.example")
}
pub fn w1_topic(t: usize) -> String {
    format!("topic-{t:05}")
}
pub fn w1_replicas(p: i32) -> Vec<i32> {
    (0..3).map(|r| (p + r) % W1_BROKERS).collect()
}

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
/// W4 and W6: the uncompressed batch of each partition.
pub fn w4_batches() -> Vec<Bytes> {
    (0..W4_PARTITIONS).map(|p| batch_of_size(W4_BATCH_BYTES, p)).collect()
}
pub fn w6_batches() -> Vec<Bytes> {
    (0..W6_PARTITIONS).map(|p| batch_of_size(W6_BATCH_BYTES, p)).collect()
}

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
    use std::cell::Cell;

    pub struct Counting;

    thread_local! {
        /// The thread's allocations while `count` runs on it, or `None`.
        /// The timed loops run with it off and pay no atomic per
        /// allocation: a shared counter's increment costs a few
        /// nanoseconds, which would charge the crates that allocate most
        /// (20,000 allocations per W1 decode) more than the others. A
        /// const-initialized thread local needs no allocation and no
        /// destructor, so the allocator may use it at any time.
        static COUNT: Cell<Option<usize>> = const { Cell::new(None) };
    }

    fn counted() {
        let _ = COUNT.try_with(|count| count.set(count.get().map(|n| n + 1)));
    }

    // SAFETY: every call goes to the system allocator unchanged; counting
    // touches only a thread-local cell.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            counted();
            System.alloc(layout)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            System.dealloc(ptr, layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            counted();
            System.realloc(ptr, layout, new_size)
        }
    }

    /// Allocations (and reallocations) `f` makes on this thread.
    pub fn count<T>(f: impl FnOnce() -> T) -> (T, usize) {
        let outer = COUNT.replace(Some(0));
        let out = f();
        let n = COUNT.replace(outer).unwrap_or(0);
        (out, n)
    }
}

#[cfg(test)]
#[global_allocator]
static ALLOC: alloc_count::Counting = alloc_count::Counting;

#[cfg(test)]
mod tests {
    use super::alloc_count::count;
    use super::check_same;

    #[test]
    fn count_counts_the_allocations_inside_it_only() {
        let (v, n) = count(|| vec![0u8; 10]);
        assert_eq!(n, 1);
        let ((), n) = count(|| ());
        assert_eq!(n, 0);
        let (_, n) = count(|| {
            let mut s = String::new();
            s.reserve_exact(1);
            s.reserve_exact(100);
            s
        });
        assert_eq!(n, 2, "an allocation and a reallocation");
        drop(v);
    }

    #[test]
    fn equal_bytes_pass() {
        check_same("W0", "other", &[1, 2, 3], &[1, 2, 3]);
    }

    #[test]
    #[should_panic(
        expected = "W0: kafka-wire and other bytes differ at 2: kafka-wire [01, 02, 03], other [01, 02, 04]"
    )]
    fn a_difference_names_its_offset_and_bytes() {
        check_same("W0", "other", &[1, 2, 3], &[1, 2, 4]);
    }
}
