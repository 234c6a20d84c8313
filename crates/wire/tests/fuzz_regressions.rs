//! Inputs the fuzz targets (fuzz/fuzz_targets) once failed on, replayed
//! through the same checks in the ordinary test suite. File names start with
//! the target's name.

use bytes::Bytes;
use kafka_wire::records::{BatchIter, DecodeOptions, EncodeOptions, RecordBatch};

fn inputs(target: &str) -> Vec<(String, Bytes)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with(target) {
            found.push((name, Bytes::from(std::fs::read(&path).unwrap())));
        }
    }
    found
}

#[test]
fn record_batches_regressions() {
    let cases = inputs("record_batches");
    assert!(!cases.is_empty());
    for (name, data) in cases {
        let options = DecodeOptions { max_decompressed_size: 1 << 20, verify_crc: data.first() != Some(&0) };
        for view in BatchIter::new(data.clone()).flatten() {
            let Ok(batch) = view.decode(&options) else { continue };
            let bytes = batch.to_bytes(&EncodeOptions::default()).unwrap();
            // The limit-overflow finding: decoding with "no limit" must work.
            let unlimited = DecodeOptions { max_decompressed_size: usize::MAX, ..options };
            assert_eq!(RecordBatch::decode(bytes, &unlimited).unwrap(), batch, "{name}");
        }
    }
}

/// A response_body input with a float64 NaN: decoding and re-encoding must
/// keep the exact bits (the harness once compared values, and NaN != NaN).
#[test]
fn response_body_regressions() {
    use bytes::BytesMut;
    use kafka_wire::codec::Reader;
    use kafka_wire::Response;
    let cases = inputs("response_body");
    assert!(!cases.is_empty());
    for (name, data) in cases {
        let key = i16::from_be_bytes([data[0], data[1]]);
        let version = i16::from_be_bytes([data[2], data[3]]);
        let body = data.slice(4..);
        let Ok(response) = Response::decode_by_key(key, &mut Reader::new(&body), version) else { continue };
        let mut once = BytesMut::new();
        response.encode(&mut once, version).unwrap();
        let once = once.freeze();
        let again = Response::decode_by_key(key, &mut Reader::new(&once), version).unwrap();
        let mut twice = BytesMut::new();
        again.encode(&mut twice, version).unwrap();
        assert_eq!(twice.freeze(), once, "{name}");
    }
}
