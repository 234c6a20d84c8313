//! Encoding errors as Kafka's Java code raises them, and decoding errors
//! that name the message, the field path and the byte offset.

use bytes::Bytes;
use kafka_wire::messages::*;
use kafka_wire::{DecodeErrorKind, DecodeExt, EncodeErrorKind, EncodeExt, StrBytes};

#[test]
fn version_out_of_range() {
    let err = MetadataRequest::default().to_bytes(14).unwrap_err();
    assert_eq!(err.kind(), &EncodeErrorKind::UnsupportedVersion { version: 14 });
    assert_eq!(err.path(), "MetadataRequest");
    let err = MetadataRequest::from_bytes(&Bytes::new(), -1).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::UnsupportedVersion { version: -1 });
}

#[test]
fn non_default_value_in_a_version_without_the_field() {
    let req = MetadataRequest { include_cluster_authorized_operations: true, ..Default::default() };
    req.to_bytes(10).unwrap();
    let err = req.to_bytes(12).unwrap_err();
    assert_eq!(err.kind(), &EncodeErrorKind::NonDefaultValue { version: 12 });
    assert_eq!(err.path(), "MetadataRequest.IncludeClusterAuthorizedOperations");

    let req = FindCoordinatorRequest { key: StrBytes::from_static("g"), ..Default::default() };
    assert_eq!(req.to_bytes(4).unwrap_err().path(), "FindCoordinatorRequest.Key");
}

#[test]
fn ignorable_fields_are_dropped() {
    // ThrottleTimeMs is ignorable and absent in v0: written as nothing.
    let resp = MetadataResponse { throttle_time_ms: 100, ..Default::default() };
    assert_eq!(resp.to_bytes(0).unwrap().as_ref(), &[0, 0, 0, 0, 0, 0, 0, 0]);
    // FinalizedFeaturesEpoch is an ignorable tagged field: absent in v0, dropped.
    let resp = ApiVersionsResponse { finalized_features_epoch: 5, ..Default::default() };
    assert_eq!(resp.to_bytes(0).unwrap().as_ref(), &[0, 0, 0, 0, 0, 0]);
}

#[test]
fn null_where_the_version_forbids_it() {
    let req = MetadataRequest { topics: None, ..Default::default() };
    let err = req.to_bytes(0).unwrap_err();
    assert_eq!(err.kind(), &EncodeErrorKind::NullNotAllowed { version: 0 });
    assert_eq!(err.path(), "MetadataRequest.Topics");

    let nested = MetadataRequest {
        topics: Some(vec![
            Default::default(),
            metadata_request::MetadataRequestTopic { name: None, ..Default::default() },
        ]),
        ..Default::default()
    };
    assert_eq!(nested.to_bytes(9).unwrap_err().path(), "MetadataRequest.Topics[1].Name");
    assert!(nested.to_bytes(10).is_ok());
}

#[test]
fn strings_longer_than_0x7fff_are_rejected() {
    let req = SaslHandshakeRequest { mechanism: StrBytes::from("x".repeat(0x8000)) };
    let err = req.to_bytes(1).unwrap_err();
    assert_eq!(err.kind(), &EncodeErrorKind::TooLong { length: 0x8000, max: 0x7fff });
    assert_eq!(err.path(), "SaslHandshakeRequest.Mechanism");
    let ok = SaslHandshakeRequest { mechanism: StrBytes::from("x".repeat(0x7fff)) };
    assert!(ok.to_bytes(1).is_ok());
}

#[test]
fn unknown_tagged_fields_in_a_non_flexible_version() {
    let mut req = MetadataRequest::default();
    req.unknown_tagged_fields.push(kafka_wire::RawTaggedField { tag: 40, data: Bytes::new() });
    assert_eq!(req.to_bytes(8).unwrap_err().kind(), &EncodeErrorKind::TaggedFieldsNotSupported { version: 8 });
    assert!(req.to_bytes(9).is_ok());
}

#[test]
fn decode_errors_name_path_and_offset() {
    // MetadataResponse v0: brokers [], topics [ {error 0, name <invalid utf-8>} ].
    let bytes = Bytes::from_static(&[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xfe]);
    let err = MetadataResponse::from_bytes(&bytes, 0).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::InvalidUtf8);
    assert_eq!(err.path(), "MetadataResponse.Topics[0].Name");
    assert_eq!(err.offset(), 12);
}

#[test]
fn decode_rejects_null_in_a_non_nullable_version() {
    let bytes = Bytes::from_static(&[0xff, 0xff, 0xff, 0xff]);
    let err = MetadataRequest::from_bytes(&bytes, 0).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::NullNotAllowed { version: 0 });
    assert!(MetadataRequest::from_bytes(&bytes, 1).is_ok());
}

#[test]
fn trailing_bytes_are_detected() {
    let bytes = Bytes::from_static(&[0, 5, b'P', b'L', b'A', b'I', b'N', 0]);
    let err = SaslHandshakeRequest::from_bytes(&bytes, 1).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::TrailingBytes(1));
    let (req, used) = SaslHandshakeRequest::decode_prefix(&bytes, 1).unwrap();
    assert_eq!((req.mechanism.as_str(), used), ("PLAIN", 7));
}

#[test]
fn known_tag_in_a_version_where_it_is_not_valid() {
    // FetchRequest v12 knows tag 0 (ClusterId) but tag 1 (ReplicaState) only
    // from v15. A valid v12 request ends with its tagged section, empty (one
    // zero byte): put tag 1 there, with a well-formed ReplicaState value.
    let mut bytes = FetchRequest::default().to_bytes(12).unwrap().to_vec();
    assert_eq!(bytes.pop(), Some(0), "the empty tagged section");
    let replica_state = [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0]; // id 3, epoch 1, no tags
    bytes.extend_from_slice(&[1, 1, replica_state.len() as u8]); // one field: tag 1, size 13
    bytes.extend_from_slice(&replica_state);
    let bytes = Bytes::from(bytes);
    let err = FetchRequest::from_bytes(&bytes, 12).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::TagNotValidForVersion { tag: 1, version: 12 }, "{err}");
    assert_eq!(err.offset(), bytes.len() - replica_state.len(), "at the field's value");
    // The same bytes with the tag number of ClusterId (0) decode: only the tag's version was wrong.
    let mut valid = bytes.to_vec();
    let tag_at = valid.len() - replica_state.len() - 2;
    valid[tag_at] = 0;
    valid.truncate(tag_at + 1);
    valid.extend_from_slice(&[2, 2, b'c']); // size 2: ClusterId "c" as a compact string
    assert_eq!(FetchRequest::from_bytes(&Bytes::from(valid), 12).unwrap().cluster_id.as_deref(), Some("c"));
}

#[test]
fn huge_array_length_on_a_tiny_input_is_an_error_not_an_allocation() {
    // MetadataResponse v0 whose Brokers array claims 2^31-1 elements.
    let bytes = Bytes::from_static(&[0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]);
    let err = MetadataResponse::from_bytes(&bytes, 0).unwrap_err();
    assert!(matches!(err.kind(), DecodeErrorKind::LengthExceedsInput { length: 0x7fff_ffff, .. }), "{err}");
    assert_eq!(err.path(), "MetadataResponse.Brokers");
    // The same in a flexible version (compact length).
    let bytes = Bytes::from_static(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 0]);
    let err = MetadataResponse::from_bytes(&bytes, 9).unwrap_err();
    assert!(matches!(err.kind(), DecodeErrorKind::LengthExceedsInput { .. }), "{err}");
}

#[test]
fn a_negative_length_is_a_null_as_in_kafkas_readers() {
    // MetadataRequest v1: Topics is a nullable int32-length array. Kafka's
    // generated readers take any negative length as null, not only -1.
    let bytes = Bytes::from_static(&[0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(MetadataRequest::from_bytes(&bytes, 1).unwrap().topics, None);
    // v0's Topics is not nullable: then it is the null that is refused.
    let err = MetadataRequest::from_bytes(&bytes, 0).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::NullNotAllowed { version: 0 });
}

#[test]
fn a_tagged_value_running_past_its_declared_size_names_the_tag() {
    // FetchRequest v12's ClusterId (tag 0, a compact nullable string),
    // declared as 1 byte while its value ("ab", length prefix 3) needs 3.
    let mut body = FetchRequest::default().to_bytes(12).unwrap().to_vec();
    // The default ends with an empty tagged section (0): replace it.
    body.pop();
    body.extend_from_slice(&[1, 0, 1, 3, b'a', b'b']);
    let err = FetchRequest::from_bytes(&Bytes::from(body), 12).unwrap_err();
    assert!(matches!(err.kind(), DecodeErrorKind::TaggedFieldSizeMismatch { tag: 0, declared: 1, .. }), "{err}");
}

#[test]
fn a_tagged_struct_whose_fixed_fields_run_past_its_declared_size_names_the_tag() {
    // FetchResponse v14's SnapshotId (tag 2 of a partition): EndOffset and
    // Epoch, read as one run of 12 bytes, then its empty tagged section; 13
    // bytes in all. Declared as 11, the run does not fit: the error is the
    // tag's size mismatch, as for a single field, not an end of input.
    use kafka_wire::messages::fetch_response::{FetchableTopicResponse, PartitionData, SnapshotId};
    let response = kafka_wire::messages::FetchResponse {
        responses: vec![FetchableTopicResponse {
            partitions: vec![PartitionData {
                snapshot_id: SnapshotId { end_offset: 0x0102_0304_0506_0708, epoch: 9, ..Default::default() },
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut body = response.to_bytes(14).unwrap().to_vec();
    let tag_header = [2u8, 13, 1, 2, 3, 4, 5, 6, 7, 8];
    let at = body.windows(tag_header.len()).position(|w| w == tag_header).expect("SnapshotId's tag") + 1;
    body[at] = 11;
    let err = kafka_wire::messages::FetchResponse::from_bytes(&Bytes::from(body), 14).unwrap_err();
    assert!(matches!(err.kind(), DecodeErrorKind::TaggedFieldSizeMismatch { tag: 2, declared: 11, used: 12 }), "{err}");
}
