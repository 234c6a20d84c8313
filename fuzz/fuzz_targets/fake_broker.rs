//! The fake broker's request path: the input is what a client sends on
//! one connection (size-prefixed frames, or anything else). The broker
//! must answer or close, never panic or hang, and encode every answer.
//! Each input gets a cluster and a tokio runtime of its own, with a paused
//! clock, so long polls and rebalance timeouts pass at once.
#![no_main]
use kafka_wire_fake::FakeCluster;
use libfuzzer_sys::fuzz_target;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fuzz_target!(|data: &[u8]| {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
    runtime.block_on(async {
        let cluster = FakeCluster::builder()
            .brokers(2)
            .topic("t", 2)
            .auto_create_topics(true)
            .max_request_size(1 << 20)
            .start()
            .await
            .unwrap();
        let mut conn = cluster.connect_in_memory(0).unwrap();
        let exchange = async {
            // The broker may close before reading everything: a refused write is fine.
            let _ = conn.write_all(data).await;
            let _ = conn.shutdown().await;
            let mut answers = Vec::new();
            let _ = conn.read_to_end(&mut answers).await;
        };
        // Simulated time: a minute covers the waits that matter (a longer
        // long poll or rebalance is cut off here, not hung on); each tick
        // of the group coordinator costs real time, so not longer.
        let _ = tokio::time::timeout(Duration::from_secs(60), exchange).await;
        assert!(cluster.problems().is_empty(), "{:?}", cluster.problems());
    });
});
