//! kafka-wire's tokio codec against the real broker: the async example's
//! flow, and many requests in flight on one connection answered through
//! the codec's correlation, each response re-encoded to the broker's bytes.

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use kafka_wire::connection::ConnectionError;
use kafka_wire::messages::*;
use kafka_wire::tokio::ClientCodec;
use kafka_wire::{ApiKey, RequestFrame, Response, ResponseFrame};
use kafka_wire_integration::async_client::{produce_fetch_commit, AsyncClient};
use kafka_wire_integration::{broker_address, check_reencodes};
use tokio::net::TcpStream;
use tokio_util::codec::{Decoder, Encoder, Framed};

#[tokio::test]
async fn produce_fetch_and_commit_through_the_codec() {
    let mut client = AsyncClient::connect(&broker_address()).await.unwrap();
    for api in [ApiKey::Produce, ApiKey::Fetch, ApiKey::Metadata] {
        assert_eq!(client.version(api).unwrap(), api.valid_versions().max, "a 4.4.0 broker speaks our newest {api}");
    }
    let flow = produce_fetch_commit(&mut client, "async-codec-flow", "async-codec-group").await.unwrap();
    let expected: Vec<(String, String)> = (0..5).map(|i| (format!("key-{i}"), format!("async value {i}"))).collect();
    assert_eq!(flow.fetched, expected);
    assert_eq!(flow.committed, flow.base_offset + 5);
}

/// The client codec, keeping each response's bytes as the broker sent them
/// (the codec itself drops them once decoded), so that the test can
/// re-encode the decoded frame and compare.
struct KeepingBytes(ClientCodec);

impl Decoder for KeepingBytes {
    type Item = (Bytes, ResponseFrame);
    type Error = ConnectionError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, ConnectionError> {
        // The codec decodes a frame only once all of it is buffered: copy it
        // before the codec consumes it.
        let whole = src.first_chunk::<4>().map(|prefix| 4 + u32::from_be_bytes(*prefix) as usize);
        let bytes = whole.filter(|&end| src.len() >= end).map(|end| Bytes::copy_from_slice(&src[4..end]));
        match self.0.decode(src)? {
            Some(frame) => Ok(Some((bytes.expect("a decoded frame was buffered whole"), frame))),
            None => Ok(None),
        }
    }
}

impl Encoder<RequestFrame> for KeepingBytes {
    type Error = ConnectionError;

    fn encode(&mut self, frame: RequestFrame, dst: &mut BytesMut) -> Result<(), ConnectionError> {
        self.0.encode(frame, dst)
    }
}

#[tokio::test]
async fn pipelined_requests_are_matched_to_their_responses() {
    let versions = AsyncClient::connect(&broker_address()).await.unwrap().versions().clone();
    let stream = TcpStream::connect(broker_address()).await.unwrap();
    let mut conn = Framed::new(stream, KeepingBytes(ClientCodec::new()));
    let mut sent = std::collections::HashMap::new();
    for i in 0..50 {
        let (request, api): (kafka_wire::Request, ApiKey) = match i % 3 {
            0 => (ApiVersionsRequest::default().into(), ApiKey::ApiVersions),
            1 => (MetadataRequest { topics: Some(vec![]), ..Default::default() }.into(), ApiKey::Metadata),
            _ => (DescribeClusterRequest::default().into(), ApiKey::DescribeCluster),
        };
        let version = versions.version(api).unwrap();
        let frame = conn.codec_mut().0.connection().frame(request, version);
        sent.insert(frame.correlation_id(), (api, version));
        conn.send(frame).await.unwrap();
    }
    for _ in 0..50 {
        let (bytes, response) = conn.next().await.expect("a response before the broker closed").unwrap();
        // The codec decodes each response as the api and version of the
        // request it answers; that reading must encode back to the broker's
        // exact bytes, as in the blocking suite.
        check_reencodes(&bytes, &response).unwrap();
        let asked = sent.remove(&response.header.correlation_id).expect("a response to a request sent");
        assert_eq!((response.api_key(), response.version), asked);
        if let Response::Metadata(m) = &response.body {
            assert_eq!(m.brokers.len(), 1);
        }
    }
    assert!(sent.is_empty());
}
