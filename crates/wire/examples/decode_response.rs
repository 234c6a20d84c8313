//! Decode a response frame: responses do not carry their api key, so the
//! caller passes the api key and version of the request it answers (match
//! them by correlation id). Error codes convert to the typed `ErrorCode`.
//!
//!     cargo run -p kafka-wire --example decode_response

use kafka_wire::messages::metadata_response::{MetadataResponseBroker, MetadataResponseTopic};
use kafka_wire::messages::MetadataResponse;
use kafka_wire::{ApiKey, ErrorCode, Response, ResponseFrame, StrBytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Pretend these bytes arrived from a broker.
    let response = MetadataResponse {
        brokers: vec![MetadataResponseBroker {
            node_id: 1,
            host: StrBytes::from_static("127.0.0.1"),
            port: 9092,
            ..Default::default()
        }],
        topics: vec![MetadataResponseTopic {
            error_code: ErrorCode::UnknownTopicOrPartition.code(),
            name: Some(StrBytes::from_static("orders")),
            ..Default::default()
        }],
        ..Default::default()
    };
    let wire = ResponseFrame::new(response, 12, 1).to_bytes()?;

    let frame = ResponseFrame::decode(&wire.slice(4..), ApiKey::Metadata, 12)?;
    let Response::Metadata(metadata) = frame.body else { unreachable!("decoded as Metadata") };
    println!("correlation id {}", frame.header.correlation_id);
    for b in &metadata.brokers {
        println!("broker {} at {}:{}", b.node_id, b.host, b.port);
    }
    for t in &metadata.topics {
        let error =
            ErrorCode::try_from(t.error_code).map(|e| e.to_string()).unwrap_or_else(|code| format!("code {code}"));
        println!("topic {:?}: {error}", t.name.as_deref().unwrap_or("?"));
    }
    Ok(())
}
