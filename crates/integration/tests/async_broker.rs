//! kafka-wire's tokio codec against the real broker: the async example's
//! flow, and many requests in flight on one connection answered through
//! the codec's correlation.

use kafka_wire::messages::*;
use kafka_wire::{ApiKey, Response};
use kafka_wire_integration::async_client::{produce_fetch_commit, AsyncClient};
use kafka_wire_integration::broker_address;

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

#[tokio::test]
async fn pipelined_requests_are_matched_to_their_responses() {
    let mut client = AsyncClient::connect(&broker_address()).await.unwrap();
    let mut sent = std::collections::HashMap::new();
    for i in 0..50 {
        let (request, api): (kafka_wire::Request, ApiKey) = match i % 3 {
            0 => (ApiVersionsRequest::default().into(), ApiKey::ApiVersions),
            1 => (MetadataRequest { topics: Some(vec![]), ..Default::default() }.into(), ApiKey::Metadata),
            _ => (DescribeClusterRequest::default().into(), ApiKey::DescribeCluster),
        };
        let version = client.version(api).unwrap();
        sent.insert(client.send_only(request, version).await.unwrap(), api);
    }
    for _ in 0..50 {
        let response = client.receive().await.unwrap();
        let api = sent.remove(&response.header.correlation_id).expect("a response to a request sent");
        assert_eq!(response.body.api_key(), api, "decoded as the api of the request with its correlation id");
        if let Response::Metadata(m) = &response.body {
            assert_eq!(m.brokers.len(), 1);
        }
    }
    assert!(sent.is_empty());
}
