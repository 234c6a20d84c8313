//! librdkafka forced onto the oldest protocol versions (Kafka 0.8.2 and
//! 0.9.0 clients) through the recording proxy, in front of the Kafka 3.9.1
//! broker that still serves them: every frame must decode and re-encode
//! byte-identically. The 3.9.1 broker's PROXIED listener advertises
//! `KAFKA_WIRE_LEGACY_PROXY`, so follow-up connections come through too.

mod client_workloads;

use client_workloads::{env, old_librdkafka_workloads};
use kafka_wire_cli::proxy::{serve, ProxyOptions};
use std::net::TcpListener;
use std::sync::mpsc::channel;

#[test]
fn librdkafka_at_kafka_0_8_and_0_9_versions_roundtrips_through_the_proxy() {
    let proxy_address = env("KAFKA_WIRE_LEGACY_PROXY");
    let listener = TcpListener::bind(&proxy_address).expect("bind the proxy address the 3.9.1 broker advertises");
    let (tx, rx) = channel();
    let upstream = env("KAFKA_WIRE_LEGACY_BROKER_PROXIED");
    std::thread::spawn(move || serve(listener, &upstream, tx, ProxyOptions::default()));
    old_librdkafka_workloads(&proxy_address, &env("KAFKA_WIRE_LEGACY_BROKER"), &rx);
}
