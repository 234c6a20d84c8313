//! A fake Kafka cluster for tests: in memory, in this process, on real
//! TCP sockets on loopback, speaking every version of every api it serves
//! (Kafka 0.8's v0s to 4.4's newest), or exactly one release's.
//!
//! **This is a test and development broker.** It keeps everything in
//! memory, every partition has a single replica, and it is not meant for
//! production use.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kafka_wire_fake::FakeCluster;
//!
//! let cluster = FakeCluster::builder().brokers(3).topic("orders", 3).start().await?;
//! println!("bootstrap.servers={}", cluster.bootstrap());
//! // ... run a client against it, then read what it produced:
//! assert!(cluster.records("orders", 0)?.is_empty());
//! # Ok(()) }
//! ```

mod acl;
mod cluster;
mod consumer_group;
mod control;
mod group;
mod handlers;
mod log;
mod persona;
mod scram;
mod server;
mod state;
mod txn;

pub use cluster::{FakeCluster, FakeClusterBuilder, FakeError, LoggedRequest};
pub use control::{Action, Hook, Times};
pub use group::GroupSummary;
pub use persona::Persona;
pub use scram::ScramMechanism;
pub use state::Node;

/// The apis the fake broker answers, in api key order of Kafka's spec
/// files. A release persona may advertise others (its release's table);
/// a request for one of those closes the connection.
///
/// ```
/// use kafka_wire::ApiKey;
///
/// assert!(kafka_wire_fake::served_apis().contains(&ApiKey::Produce));
/// assert!(!kafka_wire_fake::served_apis().contains(&ApiKey::LeaderAndIsr));
/// ```
pub fn served_apis() -> &'static [kafka_wire::ApiKey] {
    handlers::SERVED
}
