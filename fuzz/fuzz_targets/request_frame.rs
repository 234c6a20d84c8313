//! A whole request frame (without its size prefix): header, then the body
//! dispatched by api key and version. Whatever decodes must encode, and
//! decode again to an equal value.
#![no_main]
use bytes::Bytes;
use kafka_wire::RequestFrame;
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, REQUEST_FRAME};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    with_allocation_limit(data, REQUEST_FRAME, || {
        let input = Bytes::copy_from_slice(data);
        if let Ok(frame) = RequestFrame::decode(&input) {
            let bytes = frame.to_bytes().expect("a decoded request re-encodes");
            let again = RequestFrame::decode(&bytes.slice(4..)).expect("a re-encoded request decodes");
            // Compare encodings, not values (a float64 NaN is not equal to itself).
            assert_eq!(again.to_bytes().unwrap(), bytes, "decode(encode(x)) encodes to the same bytes");
        }
    });
});
