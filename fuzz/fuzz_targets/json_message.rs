//! The JSON reader: the first two bytes pick the api key, the next two the
//! version, the rest is JSON text for a request body. Whatever reads must
//! write back, read again to an equal value, and encode.
#![no_main]
use kafka_wire::json::serde_json;
use kafka_wire::{ApiKey, Request};
use kafka_wire_fuzz::{with_allocation_limit, CountingAllocator, JSON_MESSAGE};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    with_allocation_limit(data, JSON_MESSAGE, || {
        let Some(api) = ApiKey::from_key(i16::from_be_bytes([data[0], data[1]])) else { return };
        let version = i16::from_be_bytes([data[2], data[3]]);
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&data[4..]) else { return };
        let Ok(request) = Request::from_json(api, &value, version) else { return };
        // A value read from JSON may still be unencodable (a non-default value
        // in a field the version lacks): that must be an error, not a panic.
        let Ok(json) = request.to_json(version) else { return };
        let again = Request::from_json(api, &json, version).expect("our own JSON reads back");
        assert_eq!(again.to_json(version).expect("writes again"), json);
        let mut buf = Vec::new();
        let _ = again.encode(&mut buf, version);
    });
});
