//! Real clients through the recording proxy: Kafka's own Java client and
//! librdkafka (via kcat) run their usual workloads through
//! `kafka_wire_cli::proxy` (what `kafka-wire proxy` runs), and every request and response frame
//! they exchange with the broker must decode and re-encode byte-identically.
//!
//! The broker's PROXIED listener advertises `KAFKA_WIRE_PROXY`, so the
//! clients' follow-up connections come through the proxy too.
//! (tests/async_proxy.rs runs the same through the tokio proxy.)

mod client_workloads;

use client_workloads::{client_workloads, env};
use kafka_wire_cli::proxy::{serve, ProxyOptions};
use std::net::TcpListener;
use std::sync::mpsc::channel;

#[test]
fn java_client_and_librdkafka_frames_roundtrip_through_the_proxy() {
    let proxy_address = env("KAFKA_WIRE_PROXY");
    let listener = TcpListener::bind(&proxy_address).expect("bind the proxy address the broker advertises");
    let (tx, rx) = channel();
    let upstream = env("KAFKA_WIRE_BROKER_PROXIED");
    std::thread::spawn(move || serve(listener, &upstream, tx, ProxyOptions::default()));
    client_workloads(&proxy_address, &rx, "blocking");
}
