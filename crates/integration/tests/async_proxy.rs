//! The same client workloads as tests/proxy.rs through the tokio proxy
//! (`kafka_wire_cli::proxy::serve_async`, `kafka-wire proxy --async`): one task per connection and
//! direction. A test binary of its own, so that it has the proxy address
//! the broker advertises to itself.

mod client_workloads;

use client_workloads::{client_workloads, env};
use kafka_wire_cli::proxy::{serve_async, ProxyOptions};
use std::sync::mpsc::channel;

#[test]
fn java_client_and_librdkafka_frames_roundtrip_through_the_async_proxy() {
    let proxy_address = env("KAFKA_WIRE_PROXY");
    let upstream = env("KAFKA_WIRE_BROKER_PROXIED");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(&proxy_address))
        .expect("bind the proxy address the broker advertises");
    let (tx, rx) = channel();
    runtime.spawn(async move { serve_async(listener, &upstream, tx, ProxyOptions::default()).await });
    client_workloads(&proxy_address, &rx, "async");
}
