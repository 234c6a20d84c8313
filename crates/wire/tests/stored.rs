//! What Kafka stores (feature `stored`): the framing of metadata log
//! records and of coordinator records, by golden bytes, roundtrips of every
//! record type, and the errors for what does not parse.

use bytes::{Bytes, BytesMut};
use kafka_wire::messages::stored::*;
use kafka_wire::messages::{OffsetCommitKey, OffsetCommitValue, TopicRecord};
use kafka_wire::random::Rng;
use kafka_wire::DecodeErrorKind;
use kafka_wire::Reader;

#[test]
fn a_metadata_record_is_framed_as_kafka_writes_it() {
    let topic = TopicRecord { name: "t".into(), topic_id: uuid::Uuid::from_u128(1), ..Default::default() };
    let record = MetadataRecord::from(topic);
    let mut buf = BytesMut::new();
    record.write_framed(&mut buf, 0).unwrap();
    assert_eq!(buf.len(), record.framed_size(0));
    #[rustfmt::skip]
    let expected = [
        1, 2, 0,                 // frame version 1, type 2 (TopicRecord), version 0
        2, b't',                 // compact string "t"
        0, 0, 0, 0, 0, 0, 0, 0,  // the topic id
        0, 0, 0, 0, 0, 0, 0, 1,
        0,                       // no tagged fields
    ];
    assert_eq!(&buf[..], &expected);
    let (read, version) = read_metadata_record(&buf.freeze()).unwrap();
    assert_eq!((read, version), (record, 0));
}

#[test]
fn every_metadata_record_type_roundtrips_framed() {
    let mut rng = Rng::with_seed(7);
    for &t in MetadataRecordType::ALL {
        for version in t.valid_versions().iter() {
            let record = MetadataRecord::random(t, &mut rng, version);
            let mut buf = BytesMut::new();
            record.write_framed(&mut buf, version).unwrap();
            assert_eq!(buf.len(), record.framed_size(version), "{} v{version}", t.name());
            let read = read_metadata_record(&buf.freeze()).unwrap();
            assert_eq!(read, (record, version), "{} v{version}", t.name());
        }
    }
}

#[test]
fn metadata_framing_errors() {
    let err = |bytes: &[u8]| read_metadata_record(&Bytes::copy_from_slice(bytes)).unwrap_err();
    // Frame version 0 was KRaft's 2.8 preview; 2 is unknown.
    assert!(matches!(err(&[0, 2, 0]).kind(), DecodeErrorKind::Invalid(why) if why.contains("2.8")));
    assert!(matches!(err(&[2, 2, 0]).kind(), DecodeErrorKind::Invalid(why) if why.contains("unknown frame")));
    // Type 99 is not defined.
    assert_eq!(err(&[1, 99, 0]).kind(), &DecodeErrorKind::UnknownRecordType(99));
    // A type id above 32767 (varint 0x8080 0x02 = 32768).
    assert!(matches!(err(&[1, 0x80, 0x80, 0x02, 0]).kind(), DecodeErrorKind::Invalid(_)));
    // Bytes after the record.
    let mut buf = BytesMut::new();
    MetadataRecord::from(TopicRecord::default()).write_framed(&mut buf, 0).unwrap();
    buf.extend_from_slice(&[9]);
    assert_eq!(err(&buf).kind(), &DecodeErrorKind::TrailingBytes(1));
}

#[test]
fn an_offset_commit_record_and_its_tombstone() {
    let key = GroupCoordinatorKey::from(OffsetCommitKey { group: "g".into(), topic: "t".into(), partition: 3 });
    let value =
        GroupCoordinatorValue::from(OffsetCommitValue { offset: 42, metadata: "m".into(), ..Default::default() });
    let (mut k, mut v) = (BytesMut::new(), BytesMut::new());
    key.write_record_key(&mut k).unwrap();
    value.write_record_value(&mut v, 3).unwrap();
    // The key: type 1 (OffsetCommit), then group, topic and partition at v0.
    assert_eq!(&k[..2], &[0, 1]);
    assert_eq!(&v[..2], &[0, 3]);
    let (k, v) = (k.freeze(), v.freeze());
    let (read_key, read_value) = read_group_coordinator_record(&k, Some(&v)).unwrap();
    assert_eq!(read_key, key);
    assert_eq!(read_value, Some((value, 3)));
    // A tombstone: the key alone.
    assert_eq!(read_group_coordinator_record(&k, None).unwrap(), (key, None));
    // An unknown type id, and a value cut short, are errors.
    let unknown = Bytes::from_static(&[0, 99]);
    let err = read_group_coordinator_record(&unknown, None).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::UnknownRecordType(99));
    assert!(read_group_coordinator_record(&k, Some(&v.slice(..v.len() - 1))).is_err());
}

#[test]
fn every_coordinator_record_type_roundtrips_as_stored() {
    let mut rng = Rng::with_seed(11);
    macro_rules! check {
        ($types:ident, $key:ident, $value:ident, $read:ident) => {
            for &t in $types::ALL {
                let key = $key::random(t, &mut rng);
                let mut k = BytesMut::new();
                key.write_record_key(&mut k).unwrap();
                let k = k.freeze();
                for version in t.value_versions().iter() {
                    let value = $value::random(t, &mut rng, version);
                    let mut v = BytesMut::new();
                    value.write_record_value(&mut v, version).unwrap();
                    let read = $read(&k, Some(&v.freeze())).unwrap();
                    assert_eq!(read, (key.clone(), Some((value, version))), "{} v{version}", t.name());
                }
                let mut r = Reader::new(&k);
                assert_eq!($key::read_record_key(&mut r).unwrap(), key);
            }
        };
    }
    check!(GroupCoordinatorRecordType, GroupCoordinatorKey, GroupCoordinatorValue, read_group_coordinator_record);
    check!(ShareCoordinatorRecordType, ShareCoordinatorKey, ShareCoordinatorValue, read_share_coordinator_record);
    check!(
        TransactionCoordinatorRecordType,
        TransactionCoordinatorKey,
        TransactionCoordinatorValue,
        read_transaction_coordinator_record
    );
}

/// The JSON dispatch reads back what it writes (unknown tagged fields, which
/// Kafka's JSON form leaves out, aside), for every record type at every
/// version, and writes what the message's own JSON converter does.
#[test]
fn every_stored_record_roundtrips_through_json() {
    use kafka_wire::json::ToJson;
    let mut rng = Rng::with_seed(11);
    for &t in MetadataRecordType::ALL {
        for version in t.valid_versions().iter() {
            let record = MetadataRecord::random(t, &mut rng, version);
            let json = record.to_json(version).unwrap();
            let read = MetadataRecord::from_json(t, &json, version).unwrap();
            assert_eq!(read.to_json(version).unwrap(), json, "{} v{version}", t.name());
        }
    }
    for &t in GroupCoordinatorRecordType::ALL {
        let key = GroupCoordinatorKey::random(t, &mut rng);
        let json = key.to_json().unwrap();
        assert_eq!(GroupCoordinatorKey::from_json(t, &json).unwrap().to_json().unwrap(), json, "{} key", t.name());
        for version in t.value_versions().iter() {
            let value = GroupCoordinatorValue::random(t, &mut rng, version);
            let json = value.to_json(version).unwrap();
            let read = GroupCoordinatorValue::from_json(t, &json, version).unwrap();
            assert_eq!(read.to_json(version).unwrap(), json, "{} v{version}", t.name());
        }
    }
    let topic = TopicRecord { name: "t".into(), ..Default::default() };
    assert_eq!(MetadataRecord::from(topic.clone()).to_json(0).unwrap(), topic.to_json(0).unwrap());
}
