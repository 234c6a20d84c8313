//! Build a MetadataRequest, frame it with its request header, and decode the
//! frame again the way a broker or proxy would: by api key and version,
//! without naming the type.
//!
//!     cargo run -p kafka-wire --example encode_request

use kafka_wire::messages::{metadata_request::MetadataRequestTopic, MetadataRequest};
use kafka_wire::{ApiKey, Request, RequestFrame, StrBytes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let request = MetadataRequest {
        topics: Some(vec![MetadataRequestTopic { name: Some(StrBytes::from_static("orders")), ..Default::default() }]),
        allow_auto_topic_creation: false,
        ..Default::default()
    };
    let version = 12;
    let frame = RequestFrame::new(request, version, 1, Some("example-client"));
    let bytes = frame.to_bytes()?; // size prefix + header v2 + body
    println!("{} bytes: {}", bytes.len(), hex(&bytes));

    // A receiver reads the size prefix, then decodes the rest.
    let decoded = RequestFrame::decode(&bytes.slice(4..))?;
    assert_eq!(decoded.api_key(), ApiKey::Metadata);
    if let Request::Metadata(m) = &decoded.body {
        let names: Vec<&str> = m.topics.iter().flatten().filter_map(|t| t.name.as_deref()).collect();
        println!(
            "{} v{} from {:?}: topics {:?}",
            decoded.api_key(),
            decoded.version(),
            decoded.header.client_id,
            names
        );
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
