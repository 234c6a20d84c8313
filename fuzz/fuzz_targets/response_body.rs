//! A response body: the first two bytes pick the api key, the next two the
//! version, the rest is the body. Whatever decodes must encode, and decode
//! again to an equal value.
#![no_main]
use bytes::{Bytes, BytesMut};
use kafka_wire::Reader;
use kafka_wire::{ApiKey, Response};
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, RESPONSE_BODY};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    with_allocation_limit(data, RESPONSE_BODY, || {
        let key = i16::from_be_bytes([data[0], data[1]]);
        let version = i16::from_be_bytes([data[2], data[3]]);
        let body = Bytes::copy_from_slice(&data[4..]);
        let Ok(response) = Response::decode_by_key(key, &mut Reader::new(&body), version) else { return };
        let api = ApiKey::from_key(key).expect("decoded, so the key is known");
        let mut out = BytesMut::new();
        response.encode(&mut out, version).expect("a decoded response re-encodes");
        assert_eq!(out.len(), response.encoded_size(version));
        let out = out.freeze();
        let again = Response::decode(api, &mut Reader::new(&out), version).expect("a re-encoded response decodes");
        // Compare encodings, not values: a float64 NaN is not equal to itself,
        // but its bits must survive.
        let mut twice = BytesMut::new();
        again.encode(&mut twice, version).unwrap();
        assert_eq!(twice.freeze(), out, "decode(encode(x)) encodes to the same bytes");
    });
});
