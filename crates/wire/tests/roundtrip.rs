//! Property tests: for every message and every valid version, random
//! instances valid for that version roundtrip byte-exact (encode, check the
//! predicted size, decode, compare, encode again, same bytes), and decoding
//! arbitrary, truncated or corrupted bytes returns an error instead of
//! panicking. Over all the cases, the generators must have made each long
//! form of the wire format at least once (`LongForms`).
//!
//! Cases per property: `KAFKA_WIRE_PROPTEST_CASES` (default 32, which CI
//! uses); raise it for long runs, e.g. `KAFKA_WIRE_PROPTEST_CASES=2000`.
//! Each case covers every message x version pair.

use bytes::{Bytes, BytesMut};
use kafka_wire::json::serde_json::Value;
use kafka_wire::messages::*;
use kafka_wire::random::{Random, Rng};
use kafka_wire::Reader;
use kafka_wire::{ApiKey, Request, Response};
use kafka_wire::{Decode, DecodeExt, Encode, Message};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use std::cell::RefCell;
use std::fmt::Debug;

mod common;

/// Request versions Kafka 4.4.0 and 3.9.1 define together: per api key, the
/// union of the `validVersions` of both releases' `*Request.json` specs,
/// added up over the 95 keys (309 from 4.4.0, and 59 that only 3.9.1 has).
/// Each has a response of the same versions.
const REQUEST_VERSIONS_OF_KAFKA_4_4_0_AND_3_9_1: usize = 368;

/// See `stored_schemas_roundtrip_at_every_version`.
const STORED_RECORD_VERSIONS_OF_KAFKA_4_4_0: usize = 76;

fn cases() -> u32 {
    common::proptest_cases(32)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() }
}

/// Encode, check the size, decode, compare, re-encode; the error says which
/// message, version and seed failed.
fn check_roundtrip<T>(
    value: &T,
    what: &str,
    version: i16,
    encode: impl Fn(&T, &mut BytesMut) -> Result<(), kafka_wire::EncodeError>,
    size: impl Fn(&T) -> usize,
    decode: impl Fn(&mut Reader<'_>) -> Result<T, kafka_wire::DecodeError>,
) -> Result<(), String>
where
    T: PartialEq + Debug,
{
    let mut buf = BytesMut::new();
    encode(value, &mut buf).map_err(|e| format!("{what} v{version}: encode failed: {e}\n{value:#?}"))?;
    let bytes = buf.freeze();
    if bytes.len() != size(value) {
        return Err(format!("{what} v{version}: encoded {} bytes, encoded_size said {}", bytes.len(), size(value)));
    }
    let mut r = Reader::new(&bytes);
    let decoded = decode(&mut r).map_err(|e| format!("{what} v{version}: decode failed: {e}\n{value:#?}"))?;
    if r.remaining() != 0 {
        return Err(format!("{what} v{version}: {} bytes left after decode", r.remaining()));
    }
    if &decoded != value {
        return Err(format!("{what} v{version}: decoded value differs\nwrote {value:#?}\nread  {decoded:#?}"));
    }
    let mut again = BytesMut::new();
    encode(&decoded, &mut again).map_err(|e| format!("{what} v{version}: re-encode failed: {e}"))?;
    if again.freeze() != bytes {
        return Err(format!("{what} v{version}: re-encoding gave different bytes"));
    }
    Ok(())
}

/// How many values of the wire format's long forms the generators made:
/// the forms a decoder gets wrong when only short ones reach it (two-byte
/// varint lengths, three-byte ones, two-byte tags).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct LongForms {
    /// Strings of more than 127 characters.
    strings: usize,
    /// Arrays of more than 127 elements.
    arrays: usize,
    /// Bytes of 16 KiB and more.
    bytes: usize,
    /// Unknown tagged fields with a tag of 128 or more.
    tags: usize,
}

/// Base64 of 16 KiB: `bytes` fields are base64 in the JSON form, and no
/// string the generator makes comes near that length.
const BASE64_OF_16_KIB: usize = 16384_usize.div_ceil(3) * 4;

impl LongForms {
    /// Counts the long forms in `value`: strings, arrays and bytes from its
    /// JSON form (`json`), unknown tags (which the JSON form leaves out)
    /// from its Debug form.
    fn count(&mut self, json: Result<Value, kafka_wire::EncodeError>, value: &impl Debug) {
        self.count_json(&json.expect("a valid value writes its JSON"));
        let debug = format!("{value:?}");
        for at in debug.match_indices("RawTaggedField { tag: ").map(|(at, m)| at + m.len()) {
            let digits: String = debug[at..].chars().take_while(char::is_ascii_digit).collect();
            if digits.parse::<u64>().expect("a tag") >= 128 {
                self.tags += 1;
            }
        }
    }

    fn count_json(&mut self, json: &Value) {
        match json {
            // A base64 text holds bytes; a long string of the generator's
            // alphabet has characters base64 never uses (é, '-', ...).
            Value::String(text) if text.len() >= BASE64_OF_16_KIB => self.bytes += 1,
            Value::String(text) if text.chars().count() > 127 && !text.chars().all(is_base64) => self.strings += 1,
            Value::Array(items) => {
                self.arrays += usize::from(items.len() > 127);
                items.iter().for_each(|item| self.count_json(item));
            }
            Value::Object(fields) => fields.values().for_each(|field| self.count_json(field)),
            _ => {}
        }
    }

    fn add(&mut self, other: LongForms) {
        self.strings += other.strings;
        self.arrays += other.arrays;
        self.bytes += other.bytes;
        self.tags += other.tags;
    }

    /// Each long form was made at least once.
    fn assert_all_reached(&self, cases: u32) {
        let LongForms { strings, arrays, bytes, tags } = *self;
        for (form, n) in [
            ("strings over 127 characters", strings),
            ("arrays over 127 elements", arrays),
            ("bytes of 16 KiB", bytes),
            ("tags of 128 and more", tags),
        ] {
            assert!(n > 0, "{cases} cases of every message x version made no {form}: {self:?}");
        }
    }
}

fn is_base64(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='
}

fn roundtrip_all_apis(seed: u64, reached: &mut LongForms) -> Result<usize, String> {
    let mut rng = Rng::with_seed(seed);
    let mut checked = 0;
    for &api in ApiKey::ALL {
        for version in api.valid_versions().iter() {
            let req = Request::random(api, &mut rng, version);
            reached.count(req.to_json(version), &req);
            check_roundtrip(
                &req,
                &format!("{api:?} request"),
                version,
                |m, b| m.encode(b, version),
                |m| m.encoded_size(version),
                |r| Request::decode(api, r, version),
            )?;
            let resp = Response::random(api, &mut rng, version);
            reached.count(resp.to_json(version), &resp);
            check_roundtrip(
                &resp,
                &format!("{api:?} response"),
                version,
                |m, b| m.encode(b, version),
                |m| m.encoded_size(version),
                |r| Response::decode(api, r, version),
            )?;
            checked += 2;
        }
    }
    Ok(checked)
}

fn roundtrip_type<T: Message + Encode + Decode + Random + Default + PartialEq + Debug>(
    rng: &mut Rng,
) -> Result<(), String> {
    for version in T::VALID_VERSIONS.iter() {
        let value = T::random(rng, version);
        check_roundtrip(
            &value,
            T::NAME,
            version,
            |m, b| m.encode(b, version),
            |m| m.encoded_size(version),
            |r| T::decode(r, version),
        )?;
        let default = T::default();
        check_roundtrip(
            &default,
            T::NAME,
            version,
            |m, b| m.encode(b, version),
            |m| m.encoded_size(version),
            |r| T::decode(r, version),
        )?;
    }
    Ok(())
}

macro_rules! roundtrip_types {
    ($rng:expr; $($t:ident),*) => {{
        $( roundtrip_type::<$t>($rng)?; )*
        Ok::<(), String>(())
    }};
}

fn roundtrip_non_api(seed: u64) -> Result<(), String> {
    let mut rng = Rng::with_seed(seed);
    let rng = &mut rng;
    macro_rules! all {
        ($($t:ident),*) => { roundtrip_types!(rng; $($t),*) };
    }
    kafka_wire::for_each_non_api_message!(all)
}

/// The schemas of what Kafka stores (feature `stored`), every version.
fn roundtrip_stored(seed: u64) -> Result<(), String> {
    let mut rng = Rng::with_seed(seed);
    let rng = &mut rng;
    macro_rules! all {
        ($($t:ident),*) => { roundtrip_types!(rng; $($t),*) };
    }
    kafka_wire::for_each_stored_message!(all)
}

/// Every record type of the metadata log and of the coordinators' topics,
/// through its dispatch enum: random messages at each version roundtrip by
/// type id. Returns how many (type, version) pairs were checked.
fn roundtrip_stored_by_type(seed: u64) -> Result<usize, String> {
    use kafka_wire::messages::stored::*;
    let mut rng = Rng::with_seed(seed);
    let rng = &mut rng;
    let mut checked = 0;
    macro_rules! records {
        ($types:ident, $record:ident) => {
            for &t in $types::ALL {
                for version in t.valid_versions().iter() {
                    let record = $record::random(t, rng, version);
                    let decode = |r: &mut Reader<'_>| $record::decode_by_id(t.id(), r, version);
                    check_roundtrip(
                        &record,
                        t.name(),
                        version,
                        |m, b| m.encode(b, version),
                        |m| m.encoded_size(version),
                        decode,
                    )?;
                    checked += 1;
                }
            }
        };
    }
    macro_rules! keys_and_values {
        ($types:ident, $key:ident, $value:ident) => {
            for &t in $types::ALL {
                let key = $key::random(t, rng);
                check_roundtrip(
                    &key,
                    t.name(),
                    0,
                    |m, b| m.encode(b),
                    |m| m.encoded_size(),
                    |r| $key::decode_by_id(t.id(), r),
                )?;
                for version in t.value_versions().iter() {
                    let value = $value::random(t, rng, version);
                    let decode = |r: &mut Reader<'_>| $value::decode_by_id(t.id(), r, version);
                    check_roundtrip(
                        &value,
                        t.name(),
                        version,
                        |m, b| m.encode(b, version),
                        |m| m.encoded_size(version),
                        decode,
                    )?;
                    checked += 1;
                }
            }
        };
    }
    records!(MetadataRecordType, MetadataRecord);
    records!(RemoteLogMetadataRecordType, RemoteLogMetadataRecord);
    keys_and_values!(GroupCoordinatorRecordType, GroupCoordinatorKey, GroupCoordinatorValue);
    keys_and_values!(ShareCoordinatorRecordType, ShareCoordinatorKey, ShareCoordinatorValue);
    keys_and_values!(TransactionCoordinatorRecordType, TransactionCoordinatorKey, TransactionCoordinatorValue);
    Ok(checked)
}

#[test]
fn default_instances_roundtrip_at_every_version() {
    for &api in ApiKey::ALL {
        for version in api.valid_versions().iter() {
            let req = Request::default_for(api);
            check_roundtrip(
                &req,
                &format!("default {api:?} request"),
                version,
                |m, b| m.encode(b, version),
                |m| m.encoded_size(version),
                |r| Request::decode(api, r, version),
            )
            .unwrap();
            let resp = Response::default_for(api);
            check_roundtrip(
                &resp,
                &format!("default {api:?} response"),
                version,
                |m, b| m.encode(b, version),
                |m| m.encoded_size(version),
                |r| Response::decode(api, r, version),
            )
            .unwrap();
        }
    }
}

/// A property run by hand rather than in `proptest!`, so that after the
/// last case it can assert what all the cases reached together.
#[test]
fn every_request_and_response_roundtrips_at_every_version() {
    let reached = RefCell::new(LongForms::default());
    let mut runner = TestRunner::new(config());
    let result = runner.run(&any::<u64>(), |seed| {
        let mut this_case = LongForms::default();
        let checked = roundtrip_all_apis(seed, &mut this_case).map_err(TestCaseError::fail)?;
        reached.borrow_mut().add(this_case);
        // Counted from the release's specs, not from the generated metadata
        // the loop walks: a lost api or version fails here.
        let releases: Vec<&str> = kafka_wire::KafkaRelease::GENERATED_FROM.iter().map(|r| r.version()).collect();
        prop_assert_eq!(releases, ["4.4.0", "3.9.1"], "count the new releases' pairs below");
        prop_assert_eq!(checked, 2 * REQUEST_VERSIONS_OF_KAFKA_4_4_0_AND_3_9_1);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let reached = reached.into_inner();
    println!("long forms made in {} cases: {reached:?}", cases());
    reached.assert_all_reached(cases());
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn headers_and_data_types_roundtrip_at_every_version(seed in any::<u64>()) {
        roundtrip_non_api(seed).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn stored_schemas_roundtrip_at_every_version(seed in any::<u64>()) {
        roundtrip_stored(seed).map_err(TestCaseError::fail)?;
        let checked = roundtrip_stored_by_type(seed).map_err(TestCaseError::fail)?;
        // Counted from Kafka 4.4.0's server-side specs: the validVersions of
        // its 27 metadata records, 4 remote log metadata records and the
        // values of its 22 + 2 + 1 coordinator record types, added up.
        prop_assert_eq!(checked, STORED_RECORD_VERSIONS_OF_KAFKA_4_4_0);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        let bytes = Bytes::from(data);
        for &api in ApiKey::ALL {
            for version in api.valid_versions().iter() {
                let _ = Request::decode(api, &mut Reader::new(&bytes), version);
                let _ = Response::decode(api, &mut Reader::new(&bytes), version);
            }
        }
        let _ = RequestHeader::from_bytes(&bytes, 2);
        let _ = kafka_wire::RequestFrame::decode(&bytes);
    }

    #[test]
    fn truncated_and_corrupted_encodings_never_panic(seed in any::<u64>()) {
        let mut rng = Rng::with_seed(seed);
        for &api in ApiKey::ALL {
            for version in api.valid_versions().iter() {
                let resp = Response::random(api, &mut rng, version);
                let mut buf = BytesMut::new();
                resp.encode(&mut buf, version).unwrap();
                let bytes = buf.freeze();
                // A strict prefix of a valid encoding must fail cleanly (the
                // decoder reads the same bytes in the same order, so it runs out)...
                for cut in [0, bytes.len() / 3, bytes.len() / 2, bytes.len().saturating_sub(1)] {
                    if cut < bytes.len() {
                        let prefix = bytes.slice(..cut);
                        prop_assert!(
                            Response::decode(api, &mut Reader::new(&prefix), version).is_err(),
                            "{api:?} v{version}: a {cut}-byte prefix of a {}-byte response decoded", bytes.len()
                        );
                    }
                }
                // ...and flipping bytes may decode or fail, but never panic.
                if !bytes.is_empty() {
                    let mut corrupt = bytes.to_vec();
                    for _ in 0..3 {
                        let i = rng.usize(0..corrupt.len());
                        corrupt[i] = rng.u8(..);
                    }
                    let corrupt = Bytes::from(corrupt);
                    let _ = Response::decode(api, &mut Reader::new(&corrupt), version);
                }
            }
        }
    }
}
