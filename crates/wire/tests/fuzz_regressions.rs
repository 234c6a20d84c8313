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
