//! A recording Kafka proxy: forwards bytes unchanged between clients and a
//! broker, decodes and re-encodes every frame on the side, and prints one
//! line per frame (with `--dump`, the decoded frame too, as Kafka JSON).
//! `--async` runs the tokio proxy (a task per connection) instead of the
//! thread-per-connection one.
//!
//!     cargo run -p kafka-wire-integration --example proxy -- 127.0.0.1:9093 127.0.0.1:9092 [--dump] [--async]
//!
//! Clients reconnect to the addresses the broker advertises, so point a
//! broker listener's advertised address at the proxy (scripts/broker.sh's
//! PROXIED listener does) to see every connection.

use kafka_wire_integration::async_proxy;
use kafka_wire_integration::proxy::{serve, Outcome, ProxyEvent};
use std::net::TcpListener;
use std::sync::mpsc::channel;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(listen), Some(upstream)) = (args.first(), args.get(1)) else {
        eprintln!("usage: proxy LISTEN_ADDRESS BROKER_ADDRESS [--dump] [--async]");
        std::process::exit(2);
    };
    let dump = args.iter().any(|a| a == "--dump");
    let listener = TcpListener::bind(listen)?;
    eprintln!("proxying {} -> {upstream}", listener.local_addr()?);
    let (tx, rx) = channel();
    let upstream = upstream.clone();
    if args.iter().any(|a| a == "--async") {
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Runtime::new()?;
        let listener = runtime.block_on(async { tokio::net::TcpListener::from_std(listener) })?;
        std::thread::spawn(move || runtime.block_on(async_proxy::serve(listener, upstream, tx, dump)));
    } else {
        std::thread::spawn(move || serve(listener, upstream, tx, dump));
    }
    let (mut frames, mut problems) = (0u64, 0u64);
    for event in rx {
        let ProxyEvent::Frame(event) = event else { continue };
        frames += 1;
        if event.outcome != Outcome::RoundTrip {
            problems += 1;
        }
        println!("{event}");
        if let Some(text) = &event.dump {
            println!("    {text}");
        }
        if frames % 1000 == 0 {
            eprintln!("{frames} frames, {problems} not byte-identical");
        }
    }
    Ok(())
}
