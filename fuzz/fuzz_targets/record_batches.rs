//! A records field: every v2 batch in it, every codec. A batch that decodes
//! must encode again and decode to the same records, and the borrowed
//! reader (`borrowed_records`) must accept exactly what the owned one does
//! and read the same records.
#![no_main]
use bytes::Bytes;
use kafka_wire::records::{BatchIter, DecodeOptions, EncodeOptions, RecordBatch};
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, MAX_DECOMPRESSED, RECORD_BATCHES};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    with_allocation_limit(data, RECORD_BATCHES, || {
        let options = DecodeOptions { max_decompressed_size: MAX_DECOMPRESSED, verify_crc: data.first() != Some(&0) };
        for view in BatchIter::new(Bytes::copy_from_slice(data)) {
            let Ok(view) = view else { break };
            let borrowed = view.borrowed_records(&options).and_then(|records| {
                let read: Result<Vec<_>, _> = records
                    .iter()
                    .map(|r| {
                        r.map(|r| {
                            (
                                r.key.map(Bytes::copy_from_slice),
                                r.value.map(Bytes::copy_from_slice),
                                r.headers().count(),
                            )
                        })
                    })
                    .collect();
                Ok(read?)
            });
            let Ok(batch) = view.decode(&options) else {
                assert!(borrowed.is_err(), "the borrowed reader accepted a batch the owned one rejects");
                continue;
            };
            let owned: Vec<_> =
                batch.records.iter().map(|r| (r.key.clone(), r.value.clone(), r.headers.len())).collect();
            assert_eq!(borrowed.expect("the borrowed reader rejected a batch the owned one accepts"), owned);
            let Ok(bytes) = batch.to_bytes(&EncodeOptions::default()) else { continue };
            let again = RecordBatch::decode(bytes, &DecodeOptions { max_decompressed_size: usize::MAX, ..options })
                .expect("a re-encoded batch decodes");
            assert_eq!(again, batch);
        }
    });
});
