//! A records field: every v2 batch in it, every codec. A batch that decodes
//! must encode again and decode to the same records.
#![no_main]
use bytes::Bytes;
use kafka_wire::records::{BatchIter, DecodeOptions, EncodeOptions, RecordBatch};
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, MAX_DECOMPRESSED};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    with_allocation_limit(data, || {
        let options = DecodeOptions { max_decompressed_size: MAX_DECOMPRESSED, verify_crc: data.first() != Some(&0) };
        for view in BatchIter::new(Bytes::copy_from_slice(data)) {
            let Ok(view) = view else { break };
            let Ok(batch) = view.decode(&options) else { continue };
            let Ok(bytes) = batch.to_bytes(&EncodeOptions::default()) else { continue };
            let again = RecordBatch::decode(bytes, &DecodeOptions { max_decompressed_size: usize::MAX, ..options })
                .expect("a re-encoded batch decodes");
            assert_eq!(again, batch);
        }
    });
});
