//! Frames (size prefix, header, body), api-key metadata and header-version
//! rules, error codes, and the std::io adapters.

use bytes::{BufMut, Bytes, BytesMut};
use kafka_wire::connection::{ConnectionError, FrameReader};
use kafka_wire::messages::*;
use kafka_wire::RequestHead;
use kafka_wire::{ApiKey, ErrorCode, KafkaRelease, Listener, Request, Response};
use kafka_wire::{DecodeErrorKind, DecodeExt, EncodeExt, RequestFrame, ResponseFrame, StrBytes};
use std::io::Cursor;

#[test]
fn header_versions_follow_kafka_rules() {
    assert_eq!(ApiKey::ApiVersions.request_header_version(3), 2);
    assert_eq!(ApiKey::ApiVersions.request_header_version(2), 1);
    // ControlledShutdown v0 (a 3.x API) predates the client id.
    assert_eq!(ApiKey::ControlledShutdown.request_header_version(0), 0);
    assert_eq!(ApiKey::ControlledShutdown.request_header_version(1), 1);
    // ApiVersions responses always use header v0, even in flexible versions.
    assert_eq!(ApiKey::ApiVersions.response_header_version(3), 0);
    assert_eq!(ApiKey::Metadata.response_header_version(8), 0);
    assert_eq!(ApiKey::Metadata.response_header_version(9), 1);
    assert_eq!(ApiKey::Metadata.request_header_version(9), 2);
}

#[test]
fn api_key_metadata() {
    assert_eq!(ApiKey::from_key(3), Some(ApiKey::Metadata));
    assert_eq!(ApiKey::from_key(-1), None);
    assert_eq!(ApiKey::from_key(i16::MAX), None);
    assert_eq!(ApiKey::try_from(1000), Err(1000));
    assert_eq!(ApiKey::Metadata.name(), "Metadata");
    assert_eq!(ApiKey::Metadata.valid_versions().to_string(), "0-13");
    assert!(ApiKey::Fetch.listeners().contains(&Listener::Broker));
    assert!(ApiKey::Vote.listeners().contains(&Listener::Controller));
    // The APIs Kafka 4.0 removed are back, with 3.9.1's versions, and known
    // as legacy: 4.4.0 defines none of their versions.
    assert_eq!(ApiKey::LeaderAndIsr.valid_versions().to_string(), "0-7");
    assert!(ApiKey::LeaderAndIsr.defined_in(KafkaRelease::V4_4_0).is_empty());
    assert_eq!(ApiKey::LeaderAndIsr.defined_in(KafkaRelease::V3_9_1).to_string(), "0-7");
    assert_eq!(ApiKey::ControlledShutdown.legacy_versions().to_string(), "0-3");
    // Old versions of current APIs: from 3.9.1, newer ones from 4.4.0.
    assert_eq!(ApiKey::Fetch.valid_versions().to_string(), "0-18");
    assert_eq!(ApiKey::Fetch.defined_in(KafkaRelease::V4_4_0).to_string(), "4-18");
    assert_eq!(ApiKey::Fetch.defined_in(KafkaRelease::V3_9_1).to_string(), "0-17");
    assert_eq!(ApiKey::Fetch.legacy_versions().to_string(), "0-3");
    assert!(ApiKey::Metadata.legacy_versions().is_empty());
    // Renamed in 4.x (ListClientMetricsResources): one api under the new name.
    assert_eq!(ApiKey::ListConfigResources.defined_in(KafkaRelease::V3_9_1).to_string(), "0");
    // Early-access share-group v0 that 4.x replaced with v1.
    assert_eq!(ApiKey::ShareFetch.legacy_versions().to_string(), "0");
    for &k in ApiKey::ALL {
        let current = k.defined_in(KafkaRelease::V4_4_0);
        let legacy = k.legacy_versions();
        assert_eq!(
            k.valid_versions().iter().filter(|&v| !current.contains(v)).collect::<Vec<_>>(),
            legacy.iter().collect::<Vec<_>>(),
            "{k}: legacy versions are exactly those 4.4.0 lacks"
        );
    }
    let unstable: Vec<ApiKey> = ApiKey::ALL.iter().copied().filter(|k| k.latest_version_unstable()).collect();
    assert!(!unstable.is_empty());
    for k in unstable {
        assert_eq!(k.stable_versions().max, k.valid_versions().max - 1, "{k}");
    }
    for (i, k) in ApiKey::ALL.iter().enumerate() {
        assert_eq!(ApiKey::from_key(k.key()), Some(*k));
        if i > 0 {
            assert!(ApiKey::ALL[i - 1].key() < k.key(), "ALL is sorted by key");
        }
    }
}

#[test]
fn error_codes() {
    let e = ErrorCode::from_code(3).unwrap();
    assert_eq!(e, ErrorCode::UnknownTopicOrPartition);
    assert_eq!(e.name(), "UNKNOWN_TOPIC_OR_PARTITION");
    assert!(e.is_retriable());
    assert!(!ErrorCode::TopicAuthorizationFailed.is_retriable());
    assert_eq!(ErrorCode::from_code(-1), Some(ErrorCode::UnknownServerError));
    assert!(ErrorCode::from_code(0).unwrap().is_ok());
    assert_eq!(ErrorCode::from_code(i16::MAX), None);
    assert_eq!(i16::from(ErrorCode::UnsupportedVersion), 35);
    assert!(ErrorCode::ALL.len() > 100);
    assert!(!ErrorCode::CorruptMessage.description().is_empty());
}

#[test]
fn request_frame_roundtrip() {
    let body = ApiVersionsRequest {
        client_software_name: StrBytes::from_static("kw"),
        client_software_version: StrBytes::from_static("1"),
        ..Default::default()
    };
    let frame = RequestFrame::new(body, 3, 42, Some("client"));
    let bytes = frame.to_bytes().unwrap();
    #[rustfmt::skip]
    let expected = [
        0, 0, 0, 23,                                    // size
        0, 18, 0, 3, 0, 0, 0, 42,                       // api key, version, correlation id
        0, 6, b'c', b'l', b'i', b'e', b'n', b't', 0,    // client id (int16), header tags
        3, b'k', b'w', 2, b'1', 0,                      // body
    ];
    assert_eq!(bytes.as_ref(), expected);
    assert_eq!(frame.encoded_size(), expected.len());
    let body = bytes.slice(4..);
    let head = RequestHead::peek(&body).unwrap();
    assert_eq!(
        (head.api_key, head.version, head.correlation_id, head.expects_response),
        (ApiKey::ApiVersions, 3, 42, true)
    );
    assert_eq!(head, frame.head());
    assert_eq!(RequestFrame::decode(&body).unwrap(), frame);
}

#[test]
fn request_frame_with_unknown_api_key() {
    let body = Bytes::from_static(&[0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);
    let err = RequestFrame::decode(&body).unwrap_err();
    assert_eq!(err.kind(), &DecodeErrorKind::UnknownApiKey(0x7f00));
    let negative = Bytes::from_static(&[0xff, 0xff, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);
    assert_eq!(RequestFrame::decode(&negative).unwrap_err().kind(), &DecodeErrorKind::UnknownApiKey(-1));
}

#[test]
fn response_frame_roundtrip() {
    let body = MetadataResponse { controller_id: 1, ..Default::default() };
    // ControllerId exists from v1 (and is ignorable, so v0 would drop it).
    for version in [1, 9, 13] {
        let frame = ResponseFrame::new(body.clone(), version, 9);
        let bytes = frame.to_bytes().unwrap();
        assert_eq!(ResponseFrame::peek_correlation_id(&bytes.slice(4..)).unwrap(), 9);
        let decoded = ResponseFrame::decode(&bytes.slice(4..), ApiKey::Metadata, version).unwrap();
        assert_eq!(decoded, frame, "v{version}");
    }
}

#[test]
fn api_versions_unsupported_version_falls_back_to_a_v0_body() {
    // A broker that does not know ApiVersions v4 answers with a v0 body:
    // error 35 (UNSUPPORTED_VERSION) and the versions it does support.
    let v0 = ApiVersionsResponse {
        error_code: ErrorCode::UnsupportedVersion.code(),
        api_keys: vec![api_versions_response::ApiVersion {
            api_key: 18,
            min_version: 0,
            max_version: 3,
            ..Default::default()
        }],
        ..Default::default()
    };
    let bytes = ResponseFrame::new(v0.clone(), 0, 1).to_bytes().unwrap();
    let decoded = ResponseFrame::decode(&bytes.slice(4..), ApiKey::ApiVersions, 4).unwrap();
    assert_eq!(decoded.body, Response::ApiVersions(v0));
    assert_eq!(decoded.version, 0, "the version the body was read at, not the one asked for");
    assert_eq!(decoded.to_bytes().unwrap(), bytes, "so it encodes back to the broker's bytes");
}

#[test]
fn the_frame_reader_waits_for_whole_frames() {
    let frame = RequestFrame::new(ApiVersionsRequest::default(), 0, 1, None).to_bytes().unwrap();
    let frames = FrameReader::new();
    let mut buf = BytesMut::new();
    buf.put_slice(&frame[..3]);
    assert_eq!(frames.next_frame(&mut buf).unwrap(), None);
    buf.put_slice(&frame[3..]);
    buf.put_slice(&frame[..2]); // the start of the next frame stays
    let got = frames.next_frame(&mut buf).unwrap().unwrap();
    assert_eq!(got, frame.slice(4..));
    assert_eq!(buf.len(), 2);
    assert!(matches!(frames.end(&buf), Err(ConnectionError::CutShort { expected: 4, received: 2 })));

    let small = FrameReader::with_max_size(1024);
    let mut hostile = BytesMut::from(&[0x7f, 0xff, 0xff, 0xff][..]);
    let err = small.next_frame(&mut hostile).unwrap_err();
    assert!(matches!(err, ConnectionError::FrameTooLarge { size: 0x7fff_ffff, max: 1024 }), "{err:?}");
    let mut negative = BytesMut::from(&[0xff, 0xff, 0xff, 0xfe][..]);
    assert!(small.next_frame(&mut negative).is_err());
}

#[test]
fn the_frame_reader_on_a_blocking_stream_and_io_adapters() {
    let frame = RequestFrame::new(MetadataRequest::default(), 12, 5, Some("c"));
    let mut wire = Vec::new();
    frame.write_to(&mut wire).unwrap();
    frame.write_to(&mut wire).unwrap();
    let mut cursor = Cursor::new(wire);
    for _ in 0..2 {
        let body = FrameReader::new().read(&mut cursor).unwrap().expect("a frame");
        assert_eq!(RequestFrame::decode(&body).unwrap(), frame);
    }
    assert_eq!(FrameReader::new().read(&mut cursor).unwrap(), None, "a clean end between frames");

    // Message-level adapters: two messages back to back in one cursor.
    let a = SaslHandshakeRequest { mechanism: StrBytes::from_static("PLAIN") };
    let b = SaslHandshakeRequest { mechanism: StrBytes::from_static("SCRAM-SHA-256") };
    let mut out = Cursor::new(Vec::new());
    a.write_to(&mut out, 1).unwrap();
    b.write_to(&mut out, 1).unwrap();
    let mut input = Cursor::new(out.into_inner());
    assert_eq!(SaslHandshakeRequest::read_from_cursor(&mut input, 1).unwrap(), a);
    assert_eq!(SaslHandshakeRequest::read_from_cursor(&mut input, 1).unwrap(), b);
    let mut rest = Cursor::new(a.to_bytes(1).unwrap().to_vec());
    assert_eq!(SaslHandshakeRequest::read_from(&mut rest, 1).unwrap(), a);
}

/// librdkafka 2.16's "all topics" Metadata v13 request, as a broker receives
/// it: after the header, a 4-byte topic-count placeholder that is never
/// rewritten, then the fields it meant to send. Kafka's broker reads the
/// body from the front of the frame (the zeros: a null topic list, two
/// false flags, no tagged fields) and ignores the 3 bytes left; so must a
/// proxy, and forward all of them.
#[test]
fn request_frames_keep_what_follows_the_body_as_the_broker_does() {
    let mut frame = vec![0x00, 0x03, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x04, 0x00, 0x0a];
    frame.extend_from_slice(b"ck-heldout");
    frame.push(0x00); // the header's tagged section
    let body_end = frame.len() + 4;
    frame.extend_from_slice(&[0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);
    let frame = Bytes::from(frame);

    let decoded = RequestFrame::decode(&frame).unwrap();
    assert_eq!(decoded.api_key(), ApiKey::Metadata);
    assert_eq!(decoded.header.client_id.as_deref(), Some("ck-heldout"));
    let Request::Metadata(body) = &decoded.body else { panic!("not Metadata") };
    assert_eq!(body.topics, None, "a null topic list: every topic");
    assert_eq!(&decoded.trailing[..], &frame[body_end..]);
    assert_eq!(decoded.trailing.len(), 3);
    assert_eq!(decoded.to_bytes().unwrap().slice(4..), frame, "re-encodes to the same frame");

    let strict = RequestFrame::decode_strict(&frame).unwrap_err();
    assert_eq!(strict.kind(), &DecodeErrorKind::TrailingBytes(3));
    assert_eq!(strict.offset(), body_end);
}

#[test]
fn response_frames_keep_what_follows_the_body() {
    let sent = ResponseFrame::new(MetadataResponse::default(), 12, 9).to_bytes().unwrap();
    let mut padded = BytesMut::from(&sent[4..]);
    padded.put_slice(&[1, 2]);
    let padded = padded.freeze();
    let decoded = ResponseFrame::decode(&padded, ApiKey::Metadata, 12).unwrap();
    assert_eq!(&decoded.trailing[..], &[1, 2]);
    assert_eq!(decoded.to_bytes().unwrap().slice(4..), padded);
    let strict = ResponseFrame::decode_strict(&padded, ApiKey::Metadata, 12).unwrap_err();
    assert_eq!(strict.kind(), &DecodeErrorKind::TrailingBytes(2));
}
