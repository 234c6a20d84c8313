//! Inputs the fuzz targets (fuzz/fuzz_targets) once failed on, replayed
//! through the same checks in the ordinary test suite. File names start with
//! the target's name; every file in the folder must be named in the table of
//! its target below, and every input must reach the check it is about (a
//! damaged or replaced input fails here instead of being skipped).

use bytes::Bytes;
use kafka_wire::messages::DescribeClientQuotasResponse;
use kafka_wire::records::{BatchIter, DecodeOptions, EncodeOptions, RecordBatch};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions");

/// The inputs of one target, by file name; fails unless they are exactly
/// the files `expected` names.
fn inputs(target: &str, expected: &[&str]) -> Vec<(String, Bytes)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with(target) {
            found.push((name, Bytes::from(std::fs::read(&path).unwrap())));
        }
    }
    found.sort();
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, expected, "the {target} inputs in {DIR} and the table here must agree");
    found
}

/// Finding 1: a decompression limit of `usize::MAX` overflowed. The input
/// is one complete zstd batch; it must decode, re-encode, and decode again
/// with "no limit".
#[test]
fn record_batches_regressions() {
    for (name, data) in inputs("record_batches", &["record_batches-limit-overflow"]) {
        let options = DecodeOptions { max_decompressed_size: 1 << 20, verify_crc: data.first() != Some(&0) };
        let views: Vec<_> = BatchIter::new(data.clone()).collect::<Result<_, _>>().unwrap();
        assert_eq!(views.len(), 1, "{name}: one complete batch");
        let batch = views[0].decode(&options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_ne!(batch.compression().unwrap(), kafka_wire::records::Compression::None, "{name}: compressed");
        let bytes = batch.to_bytes(&EncodeOptions::default()).unwrap();
        let unlimited = DecodeOptions { max_decompressed_size: usize::MAX, ..options };
        assert_eq!(RecordBatch::decode(bytes, &unlimited).unwrap(), batch, "{name}");
    }
}

/// Finding 3: a float64 NaN must keep its exact bits through decode and
/// re-encode (the harness once compared values, and NaN != NaN). The input
/// is a DescribeClientQuotas v1 response holding a NaN.
#[test]
fn response_body_regressions() {
    use bytes::BytesMut;
    use kafka_wire::Reader;
    use kafka_wire::{ApiKey, Response};
    for (name, data) in inputs("response_body", &["response_body-nan"]) {
        let key = i16::from_be_bytes([data[0], data[1]]);
        let version = i16::from_be_bytes([data[2], data[3]]);
        assert_eq!((ApiKey::from_key(key), version), (Some(ApiKey::DescribeClientQuotas), 1), "{name}");
        let body = data.slice(4..);
        let response = Response::decode_by_key(key, &mut Reader::new(&body), version).unwrap();
        let Response::DescribeClientQuotas(DescribeClientQuotasResponse { entries: Some(entries), .. }) = &response
        else {
            panic!("{name}: no quota entries");
        };
        let nan = entries.iter().flat_map(|e| &e.values).any(|v| v.value.is_nan());
        assert!(nan, "{name}: the input must hold a NaN");
        let mut once = BytesMut::new();
        response.encode(&mut once, version).unwrap();
        let once = once.freeze();
        let again = Response::decode_by_key(key, &mut Reader::new(&once), version).unwrap();
        let mut twice = BytesMut::new();
        again.encode(&mut twice, version).unwrap();
        assert_eq!(twice.freeze(), once, "{name}");
    }
}
