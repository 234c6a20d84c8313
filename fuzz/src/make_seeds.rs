//! Writes seed corpora for the fuzz targets from the same generators the
//! property tests use: a request frame and a response body of every api at
//! every version, record batches of every codec, legacy message sets.
//!
//!     make_seeds CORPUS_DIR

use bytes::{BufMut, Bytes, BytesMut};
use kafka_wire::random::Rng;
use kafka_wire::records::legacy::{encode_message_set, LegacyMessage};
use kafka_wire::records::{Compression, EncodeOptions, Header, Record, RecordBatch};
use kafka_wire::{ApiKey, Request, RequestFrame, Response};
use std::path::Path;

fn write(dir: &Path, target: &str, name: &str, data: &[u8]) {
    let dir = dir.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), data).unwrap();
}

/// api key, version, then the JSON text of a random request.
fn request_json(api: ApiKey, rng: &mut Rng, version: i16) -> Result<Vec<u8>, kafka_wire::EncodeError> {
    let json = Request::random(api, rng, version).to_json(version)?;
    let mut out = Vec::new();
    out.extend_from_slice(&api.key().to_be_bytes());
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(json.to_string().as_bytes());
    Ok(out)
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: make_seeds CORPUS_DIR");
    let dir = Path::new(&dir);
    let mut rng = Rng::with_seed(7);
    for &api in ApiKey::ALL {
        for version in api.valid_versions().iter() {
            let request = Request::random(api, &mut rng, version);
            let frame = RequestFrame::new(request, version, 1, Some("seed")).to_bytes().unwrap();
            write(dir, "request_frame", &format!("{}-v{version}", api.name()), &frame[4..]);
            if let Ok(json) = request_json(api, &mut rng, version) {
                write(dir, "json_message", &format!("{}-v{version}", api.name()), &json);
            }
            let response = Response::random(api, &mut rng, version);
            let mut body = BytesMut::new();
            body.put_i16(api.key());
            body.put_i16(version);
            response.encode(&mut body, version).unwrap();
            write(dir, "response_body", &format!("{}-v{version}", api.name()), &body);
        }
    }
    // The fake broker: a connection's worth of size-prefixed frames, the
    // opening exchange of a client, then a request of each served api.
    for &api in kafka_wire_fake::served_apis() {
        for version in api.valid_versions().iter() {
            let mut stream = Vec::new();
            let open = RequestFrame::new(kafka_wire::messages::ApiVersionsRequest::default(), 0, 0, Some("seed"));
            stream.extend_from_slice(&open.to_bytes().unwrap());
            let request = Request::random(api, &mut rng, version);
            stream.extend_from_slice(&RequestFrame::new(request, version, 1, Some("seed")).to_bytes().unwrap());
            write(dir, "fake_broker", &format!("{}-v{version}", api.name()), &stream);
        }
    }
    for codec in Compression::ALL {
        let records = (0..5).map(|i| {
            let record = Record {
                key: Some(Bytes::from(format!("k{i}"))),
                value: Some(Bytes::from(vec![b'v'; i * 10])),
                headers: vec![Header::new("h", Some(Bytes::from_static(b"x")))],
                ..Default::default()
            };
            (1000 + i as i64, record)
        });
        let batch = RecordBatch::from_records(codec, records).to_bytes(&EncodeOptions::default()).unwrap();
        write(dir, "record_batches", codec.name(), &batch);
        // A segment: two batches of the codec, the second one cut short.
        let segment = [&batch[..], &batch[..batch.len() - 3]].concat();
        write(dir, "log_file", codec.name(), &segment);
    }
    for magic in [0i8, 1] {
        let inner: Vec<LegacyMessage> =
            (0..3).map(|i| LegacyMessage::new(magic, i, Some(i), None, Some(Bytes::from(format!("v{i}"))))).collect();
        write(dir, "legacy_message_set", &format!("plain-v{magic}"), &encode_message_set(&inner).unwrap());
        for codec in [Compression::Gzip, Compression::Snappy, Compression::Lz4] {
            let wrapper = LegacyMessage::compressed_wrapper(magic, codec, None, &inner).unwrap();
            write(
                dir,
                "legacy_message_set",
                &format!("{}-v{magic}", codec.name()),
                &encode_message_set(&[wrapper]).unwrap(),
            );
        }
    }
}
