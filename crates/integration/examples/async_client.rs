//! An async client on kafka-wire's tokio codec: negotiate versions, create
//! a topic, produce, fetch, commit an offset for a group and read it back.
//!
//!     cargo run -p kafka-wire-integration --example async_client -- 127.0.0.1:9092

use kafka_wire_integration::async_client::{produce_fetch_commit, AsyncClient};
use kafka_wire_integration::Result;

#[tokio::main]
async fn main() -> Result<()> {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:9092".into());
    let mut client = AsyncClient::connect(&address).await?;
    println!("connected to {address}; versions negotiated");
    let flow = produce_fetch_commit(&mut client, "kafka-wire-async-example", "kafka-wire-async-group").await?;
    for (api, version) in &flow.versions {
        println!("  {api} v{version}");
    }
    println!("produced at offset {}, fetched back:", flow.base_offset);
    for (key, value) in &flow.fetched {
        println!("  {key} = {value}");
    }
    println!("committed offset {} for the group; topic deleted", flow.committed);
    Ok(())
}
