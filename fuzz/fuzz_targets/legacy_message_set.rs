//! A legacy (v0/v1) message set, compressed wrappers included. Messages that
//! decode must encode back to the same bytes.
#![no_main]
use bytes::Bytes;
use kafka_wire::records::legacy::{decode_message_set, decode_messages, encode_message_set};
use kafka_wire::records::DecodeOptions;
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, LEGACY_MESSAGE_SET, MAX_DECOMPRESSED};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    with_allocation_limit(data, LEGACY_MESSAGE_SET, || {
        let options = DecodeOptions { max_decompressed_size: MAX_DECOMPRESSED, verify_crc: true };
        let input = Bytes::copy_from_slice(data);
        if let Ok((messages, partial)) = decode_messages(input.clone(), &options) {
            let bytes = encode_message_set(&messages).expect("decoded messages re-encode");
            assert_eq!(bytes, input.slice(..input.len() - partial), "shallow messages re-encode byte for byte");
        }
        let _ = decode_message_set(input, &options);
    });
});
