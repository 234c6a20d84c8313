//! `kafka-wire broker`: a fake Kafka cluster ([`kafka_wire_fake`]) served
//! from this process until it is stopped. A test and development broker:
//! everything is kept in memory and lost when it stops.
//!
//! The first line it prints is `bootstrap HOST:PORT[,HOST:PORT...]`, so a
//! script can start it with port 0 and read where it listens.

use anyhow::{anyhow, Context, Result};
use kafka_wire::KafkaRelease;
use kafka_wire_fake::{FakeCluster, FakeClusterBuilder};
use std::io::Write;

/// What `kafka-wire broker` was asked for.
#[derive(Debug, Clone)]
pub struct BrokerArgs {
    /// The host to listen on.
    pub host: String,
    /// The first broker's port (0: free ports for every broker).
    pub port: u16,
    /// How many brokers (at least 1).
    pub brokers: usize,
    /// Speak as this release's broker (every version of every api otherwise).
    pub release: Option<KafkaRelease>,
    /// Topics that exist from the start: name and partition count.
    pub topics: Vec<(String, i32)>,
    /// Create the topics a Metadata request names.
    pub auto_create_topics: bool,
}

impl BrokerArgs {
    /// The cluster these arguments describe, not yet started.
    pub fn builder(&self) -> Result<FakeClusterBuilder> {
        if self.brokers == 0 {
            return Err(anyhow!("--brokers must be at least 1"));
        }
        if self.port != 0 && usize::from(self.port) + self.brokers - 1 > usize::from(u16::MAX) {
            return Err(anyhow!("{} brokers from port {} run past port {}", self.brokers, self.port, u16::MAX));
        }
        let mut builder = FakeCluster::builder()
            .brokers(self.brokers)
            .listen(&self.host, self.port)
            .auto_create_topics(self.auto_create_topics)
            // It serves until stopped: a log of every request would only grow.
            .log_requests(false);
        if let Some(release) = self.release {
            builder = builder.release(release);
        }
        for (name, partitions) in &self.topics {
            builder = builder.topic(name, *partitions);
        }
        Ok(builder)
    }
}

/// Parses `HOST:PORT` (an IPv6 host in brackets, `[::1]:9092`).
pub fn parse_listen(text: &str) -> Result<(String, u16), String> {
    let (host, port) = text.rsplit_once(':').ok_or_else(|| format!("expected HOST:PORT, got {text:?}"))?;
    let port: u16 = port.parse().map_err(|_| format!("{port:?} is not a port"))?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if host.is_empty() {
        return Err(format!("expected HOST:PORT, got {text:?}"));
    }
    Ok((host.to_owned(), port))
}

/// Parses `NAME:PARTITIONS`, at least one partition.
pub fn parse_topic(text: &str) -> Result<(String, i32), String> {
    let (name, partitions) =
        text.rsplit_once(':').ok_or_else(|| format!("expected NAME:PARTITIONS, e.g. orders:3, got {text:?}"))?;
    let partitions: i32 = partitions.parse().map_err(|_| format!("{partitions:?} is not a partition count"))?;
    if partitions < 1 {
        return Err(format!("topic {name} needs at least 1 partition, not {partitions}"));
    }
    if name.is_empty() {
        return Err(format!("expected NAME:PARTITIONS, got {text:?}"));
    }
    Ok((name.to_owned(), partitions))
}

/// Starts the cluster, prints where it listens to `out` (the bootstrap
/// line first, flushed at once) and serves until Ctrl-C or SIGTERM.
pub fn run(args: &BrokerArgs, out: &mut impl Write) -> Result<()> {
    let builder = args.builder()?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let cluster = builder.start().await.context("starting the brokers")?;
        writeln!(out, "bootstrap {}", cluster.bootstrap())?;
        out.flush()?;
        for (node, address) in cluster.nodes().iter().zip(cluster.addresses()) {
            writeln!(out, "broker {} {address}", node.id)?;
        }
        let persona = match cluster.persona().release() {
            Some(release) => format!("speaking as Kafka {release}"),
            None => "speaking every version of every api it serves".to_owned(),
        };
        writeln!(out, "a test and development broker, {persona}; everything is in memory and lost when it stops")?;
        out.flush()?;
        stopped().await?;
        cluster.shutdown();
        Ok(())
    })
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
async fn stopped() -> Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert_eq!(parse_listen("127.0.0.1:0"), Ok(("127.0.0.1".into(), 0)));
        assert_eq!(parse_listen("[::1]:9092"), Ok(("::1".into(), 9092)));
        assert!(parse_listen("127.0.0.1").is_err());
        assert!(parse_listen(":9092").is_err());
        assert!(parse_listen("localhost:99999").is_err());
    }

    #[test]
    fn topics() {
        assert_eq!(parse_topic("orders:3"), Ok(("orders".into(), 3)));
        assert!(parse_topic("orders").is_err());
        assert!(parse_topic("orders:0").is_err());
        assert!(parse_topic("orders:x").is_err());
        assert!(parse_topic(":3").is_err());
    }

    #[test]
    fn brokers_past_the_last_port_are_refused() {
        let args = BrokerArgs {
            host: "127.0.0.1".into(),
            port: 65535,
            brokers: 2,
            release: None,
            topics: vec![],
            auto_create_topics: false,
        };
        assert!(args.builder().is_err());
        assert!(BrokerArgs { brokers: 1, ..args.clone() }.builder().is_ok());
        assert!(BrokerArgs { brokers: 0, port: 0, ..args }.builder().is_err());
    }
}
