//! What the fake cluster holds: its brokers, topics and their partition
//! logs, producer ids and sequences, configs. One lock guards it all;
//! handlers take it briefly and never across an await.

use crate::group::Groups;
use crate::log::PartitionLog;
use kafka_wire::ErrorCode;
use std::collections::{BTreeMap, HashMap, VecDeque};
use uuid::Uuid;

/// A broker of the fake cluster, as Metadata lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The broker id.
    pub id: i32,
    /// The host clients connect to.
    pub host: String,
    /// The port clients connect to.
    pub port: u16,
}

#[derive(Debug)]
pub(crate) struct Topic {
    pub(crate) id: Uuid,
    pub(crate) partitions: Vec<Partition>,
    pub(crate) configs: BTreeMap<String, String>,
}

#[derive(Debug)]
pub(crate) struct Partition {
    pub(crate) leader: i32,
    pub(crate) leader_epoch: i32,
    /// Each leader epoch and the log end offset when it began, oldest
    /// first (Kafka's leader epoch cache: a new leader records its epoch
    /// at the end of the log).
    pub(crate) epoch_starts: Vec<(i32, i64)>,
    pub(crate) replicas: Vec<i32>,
    pub(crate) log: PartitionLog,
}

impl Partition {
    /// A new leader epoch, starting at the end of the log.
    pub(crate) fn new_leader(&mut self, leader: i32) {
        self.leader = leader;
        self.leader_epoch += 1;
        self.epoch_starts.push((self.leader_epoch, self.log.end_offset()));
    }

    /// What OffsetForLeaderEpoch answers for `requested`, as Kafka's
    /// `LeaderEpochFileCache.endOffsetFor` does: the current epoch ends at
    /// the log end; an older one is answered with the largest known epoch
    /// not above it (or itself, when it predates every known epoch) and the
    /// start of the first epoch after it; an epoch above every known one
    /// is undefined, `(-1, -1)`.
    pub(crate) fn end_offset_for_epoch(&self, requested: i32) -> (i32, i64) {
        if requested == self.leader_epoch {
            return (requested, self.log.end_offset());
        }
        let Some(&(_, higher_start)) = self.epoch_starts.iter().find(|(epoch, _)| *epoch > requested) else {
            return (-1, -1);
        };
        match self.epoch_starts.iter().rev().find(|(epoch, _)| *epoch <= requested) {
            Some(&(floor, _)) => (floor, higher_start),
            None => (requested, higher_start),
        }
    }
}

impl Topic {
    /// Whether the topic stamps batches with the broker's time.
    pub(crate) fn log_append_time(&self) -> bool {
        self.configs.get("message.timestamp.type").is_some_and(|t| t == "LogAppendTime")
    }
}

/// The idempotent producers' state: ids, epochs, and per partition the
/// sequences of the last five batches (Kafka keeps five, the most a
/// producer may have in flight).
#[derive(Debug, Default)]
pub(crate) struct Producers {
    next_id: i64,
    epochs: HashMap<i64, i16>,
    sequences: HashMap<(i64, String, i32), ProducerPartition>,
}

#[derive(Debug, Default)]
struct ProducerPartition {
    epoch: i16,
    /// The batches' sequences and where they were written, oldest first.
    batches: VecDeque<CachedBatch>,
}

/// A batch a producer wrote, as Kafka's `BatchMetadata` keeps it: enough to
/// tell a retry of it and to answer the retry as the first append was
/// answered.
#[derive(Debug, Clone, Copy)]
struct CachedBatch {
    first: i32,
    last: i32,
    written: Written,
}

/// Where a batch was written: its base offset, and its max timestamp as
/// stored (the broker's time under log-append time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    pub(crate) base_offset: i64,
    pub(crate) max_timestamp: i64,
}

/// A batch's producer and sequence numbers, as its header carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sequences {
    pub(crate) producer_id: i64,
    pub(crate) epoch: i16,
    pub(crate) first: i32,
    pub(crate) last: i32,
}

impl Sequences {
    pub(crate) fn of(header: &kafka_wire::records::BatchHeader) -> Sequences {
        Sequences {
            producer_id: header.producer_id,
            epoch: header.producer_epoch,
            first: header.base_sequence,
            last: header.base_sequence.wrapping_add(header.last_offset_delta),
        }
    }
}

/// How a batch's sequence numbers compare with what the broker has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SequenceCheck {
    /// Append it.
    InOrder,
    /// Already appended, there: answer success without appending (Kafka's
    /// answer carries the batch's stored max timestamp as its log-append
    /// time, whatever the topic's timestamp type).
    Duplicate(Written),
    /// Refuse it with this error.
    Refused(ErrorCode),
}

const CACHED_BATCHES: usize = 5;

impl Producers {
    /// A new producer id, epoch 0.
    pub(crate) fn new_id(&mut self) -> (i64, i16) {
        self.next_id += 1;
        let id = 1000 + self.next_id;
        self.epochs.insert(id, 0);
        (id, 0)
    }

    /// Sets a producer's epoch (the transaction coordinator bumped it), so
    /// batches of older epochs are refused.
    pub(crate) fn set_epoch(&mut self, id: i64, epoch: i16) {
        self.epochs.insert(id, epoch);
    }

    /// The producers with state in a partition: (id, epoch, last
    /// sequence), as DescribeProducers lists them.
    pub(crate) fn in_partition(&self, topic: &str, partition: i32) -> Vec<(i64, i16, i32)> {
        let mut out: Vec<(i64, i16, i32)> = self
            .sequences
            .iter()
            .filter(|((_, t, p), _)| t == topic && *p == partition)
            .map(|((id, _, _), s)| (*id, s.epoch, s.batches.back().map_or(-1, |b| b.last)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Checks a batch of `(first, last)` sequences from producer `id` at
    /// `epoch` against what was appended to this partition, as Kafka's
    /// `ProducerAppendInfo` does.
    pub(crate) fn check(&self, topic: &str, partition: i32, batch: Sequences) -> SequenceCheck {
        let Sequences { producer_id: id, epoch, first, last } = batch;
        if let Some(&known) = self.epochs.get(&id) {
            if epoch < known {
                return SequenceCheck::Refused(ErrorCode::InvalidProducerEpoch);
            }
        }
        let Some(state) = self.sequences.get(&(id, topic.to_owned(), partition)) else {
            // Unknown here (new, or its state expired): Kafka accepts it.
            return SequenceCheck::InOrder;
        };
        if epoch > state.epoch {
            return if first == 0 {
                SequenceCheck::InOrder
            } else {
                SequenceCheck::Refused(ErrorCode::OutOfOrderSequenceNumber)
            };
        }
        if epoch < state.epoch {
            return SequenceCheck::Refused(ErrorCode::InvalidProducerEpoch);
        }
        if let Some(batch) = state.batches.iter().find(|b| b.first == first && b.last == last) {
            return SequenceCheck::Duplicate(batch.written);
        }
        let last_seq = state.batches.back().map_or(-1, |b| b.last);
        let expected = if last_seq == i32::MAX { 0 } else { last_seq + 1 };
        if first == expected {
            SequenceCheck::InOrder
        } else {
            SequenceCheck::Refused(ErrorCode::OutOfOrderSequenceNumber)
        }
    }

    /// Records an appended batch's sequences and where it was written.
    pub(crate) fn appended(&mut self, topic: &str, partition: i32, batch: Sequences, written: Written) {
        let Sequences { producer_id: id, epoch, first, last } = batch;
        let state = self.sequences.entry((id, topic.to_owned(), partition)).or_default();
        if epoch != state.epoch {
            state.epoch = epoch;
            state.batches.clear();
        }
        state.batches.push_back(CachedBatch { first, last, written });
        if state.batches.len() > CACHED_BATCHES {
            state.batches.pop_front();
        }
        let known = self.epochs.entry(id).or_insert(epoch);
        *known = (*known).max(epoch);
    }

    /// Forgets a deleted topic's sequences.
    pub(crate) fn forget_topic(&mut self, topic: &str) {
        self.sequences.retain(|(_, t, _), _| t != topic);
    }
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) nodes: Vec<Node>,
    pub(crate) cluster_id: String,
    pub(crate) topics: BTreeMap<String, Topic>,
    pub(crate) producers: Producers,
    pub(crate) groups: Groups,
    pub(crate) txns: crate::txn::Transactions,
    pub(crate) broker_configs: BTreeMap<String, String>,
    /// Where the next new partition's leader is, round the brokers.
    next_leader: usize,
}

/// Why a topic could not be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TopicError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

/// The most metadata records one request may write, as Kafka's KRaft
/// controller allows (`MAX_RECORDS_PER_USER_OP`): a topic is one record,
/// and each of its partitions and configs one more.
pub(crate) const MAX_RECORDS_PER_REQUEST: i64 = 10_000;

/// The longest topic name Kafka allows.
const MAX_TOPIC_NAME: usize = 249;

/// Checks a topic name as Kafka's `Topic.validate` does.
pub(crate) fn validate_topic_name(name: &str) -> Result<(), TopicError> {
    let invalid = |why: &str| TopicError { code: ErrorCode::InvalidTopicException, message: why.to_owned() };
    if name.is_empty() {
        return Err(invalid("Topic name is illegal, it can't be empty"));
    }
    if name == "." || name == ".." {
        return Err(invalid("Topic name cannot be \".\" or \"..\""));
    }
    if name.len() > MAX_TOPIC_NAME {
        return Err(invalid("Topic name is longer than 249 characters"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-') {
        return Err(invalid("Topic name contains characters other than ASCII alphanumerics, '.', '_' and '-'"));
    }
    Ok(())
}

pub(crate) fn too_many_partitions() -> TopicError {
    TopicError {
        code: ErrorCode::InvalidPartitions,
        message: "Excessively large number of partitions per request.".into(),
    }
}

impl State {
    pub(crate) fn new(nodes: Vec<Node>, cluster_id: String) -> State {
        State {
            nodes,
            cluster_id,
            topics: BTreeMap::new(),
            producers: Producers::default(),
            groups: Groups::default(),
            txns: Default::default(),
            broker_configs: BTreeMap::new(),
            next_leader: 0,
        }
    }

    /// The brokers with these ids, each once, in id order: the leaders a
    /// NOT_LEADER_OR_FOLLOWER answer names (KIP-951's node endpoints, whose
    /// type each response defines for itself).
    pub(crate) fn nodes_named(&self, mut ids: Vec<i32>) -> impl Iterator<Item = &Node> {
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().filter_map(|id| self.node(id))
    }

    pub(crate) fn node(&self, id: i32) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Creates a topic; its partitions' leaders go round the brokers.
    pub(crate) fn create_topic(
        &mut self,
        name: &str,
        partitions: i32,
        replication_factor: i16,
        configs: BTreeMap<String, String>,
    ) -> Result<Uuid, TopicError> {
        validate_topic_name(name)?;
        if self.topics.contains_key(name) {
            return Err(TopicError {
                code: ErrorCode::TopicAlreadyExists,
                message: format!("Topic '{name}' already exists."),
            });
        }
        if partitions < 1 {
            return Err(TopicError {
                code: ErrorCode::InvalidPartitions,
                message: "Number of partitions must be larger than 0.".into(),
            });
        }
        if 1 + partitions as i64 > MAX_RECORDS_PER_REQUEST {
            return Err(too_many_partitions());
        }
        let replication = replication_factor.max(1) as usize;
        if replication > self.nodes.len() {
            return Err(TopicError {
                code: ErrorCode::InvalidReplicationFactor,
                message: format!(
                    "Unable to replicate the partition {replication} time(s): The target replication factor of {replication} cannot be reached because only {} broker(s) are registered.",
                    self.nodes.len()
                ),
            });
        }
        let id = Uuid::new_v4();
        let mut topic = Topic { id, partitions: Vec::new(), configs };
        self.add_partitions(&mut topic, partitions as usize, replication);
        self.topics.insert(name.to_owned(), topic);
        Ok(id)
    }

    pub(crate) fn add_partitions_to(&mut self, name: &str, total: usize) {
        let Some(mut topic) = self.topics.remove(name) else { return };
        let replication = topic.partitions.first().map_or(1, |p| p.replicas.len());
        let more = total.saturating_sub(topic.partitions.len());
        self.add_partitions(&mut topic, more, replication);
        self.topics.insert(name.to_owned(), topic);
    }

    fn add_partitions(&mut self, topic: &mut Topic, count: usize, replication: usize) {
        for _ in 0..count {
            let first = self.next_leader % self.nodes.len();
            self.next_leader += 1;
            let replicas: Vec<i32> = (0..replication).map(|r| self.nodes[(first + r) % self.nodes.len()].id).collect();
            topic.partitions.push(Partition {
                leader: replicas[0],
                leader_epoch: 0,
                epoch_starts: vec![(0, 0)],
                replicas,
                log: PartitionLog::default(),
            });
        }
    }

    pub(crate) fn topic_name(&self, id: Uuid) -> Option<&str> {
        self.topics.iter().find(|(_, t)| t.id == id).map(|(n, _)| n.as_str())
    }

    pub(crate) fn partition(&self, topic: &str, index: i32) -> Option<&Partition> {
        self.topics.get(topic)?.partitions.get(usize::try_from(index).ok()?)
    }

    pub(crate) fn partition_mut(&mut self, topic: &str, index: i32) -> Option<&mut Partition> {
        self.topics.get_mut(topic)?.partitions.get_mut(usize::try_from(index).ok()?)
    }

    /// The node that coordinates a group or transactional id: the leader
    /// of the `__consumer_offsets` partition Kafka would hash it to (50
    /// partitions, Java's `String.hashCode`), spread over the brokers.
    pub(crate) fn coordinator_for(&self, key: &str) -> &Node {
        let hash = key.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32));
        let partition = (hash.unsigned_abs() % 50) as usize;
        &self.nodes[partition % self.nodes.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(producer_id: i64, epoch: i16, first: i32, last: i32) -> Sequences {
        Sequences { producer_id, epoch, first, last }
    }

    #[test]
    fn sequences_are_checked_as_kafka_checks_them() {
        let mut producers = Producers::default();
        let (id, epoch) = producers.new_id();
        assert_eq!(producers.check("t", 0, seq(id, epoch, 0, 4)), SequenceCheck::InOrder);
        let written = Written { base_offset: 100, max_timestamp: 7 };
        producers.appended("t", 0, seq(id, epoch, 0, 4), written);
        assert_eq!(producers.check("t", 0, seq(id, epoch, 0, 4)), SequenceCheck::Duplicate(written));
        assert_eq!(
            producers.check("t", 0, seq(id, epoch, 7, 8)),
            SequenceCheck::Refused(ErrorCode::OutOfOrderSequenceNumber)
        );
        assert_eq!(producers.check("t", 0, seq(id, epoch, 5, 5)), SequenceCheck::InOrder);
        // A new epoch (a transactional producer's re-initialization) starts at sequence 0.
        let bumped = epoch + 1;
        assert_eq!(
            producers.check("t", 0, seq(id, bumped, 3, 3)),
            SequenceCheck::Refused(ErrorCode::OutOfOrderSequenceNumber)
        );
        assert_eq!(producers.check("t", 0, seq(id, bumped, 0, 0)), SequenceCheck::InOrder);
        producers.appended("t", 0, seq(id, bumped, 0, 0), Written { base_offset: 105, max_timestamp: 8 });
        // Once the new epoch wrote, the old one is fenced.
        assert_eq!(
            producers.check("t", 0, seq(id, epoch, 5, 5)),
            SequenceCheck::Refused(ErrorCode::InvalidProducerEpoch)
        );
    }

    #[test]
    fn offset_for_leader_epoch_answers_as_kafkas_epoch_cache() {
        let nodes = (0..2).map(|id| Node { id, host: "h".into(), port: 1 }).collect();
        let mut state = State::new(nodes, "c".into());
        state.create_topic("t", 1, 1, BTreeMap::new()).unwrap();
        let p = state.partition_mut("t", 0).unwrap();
        assert_eq!(p.end_offset_for_epoch(0), (0, 0));
        p.log.append(crate::log::PartitionLog::validate(&batch(3), 2).unwrap(), 0, None);
        p.new_leader(1); // epoch 1 starts at 3
        p.new_leader(0); // epoch 2 starts at 3 too: nothing written in epoch 1
        p.log.append(crate::log::PartitionLog::validate(&batch(2), 2).unwrap(), 2, None);
        p.new_leader(1); // epoch 3 starts at 5
        assert_eq!(p.end_offset_for_epoch(3), (3, 5), "the current epoch ends at the log end");
        assert_eq!(p.end_offset_for_epoch(2), (2, 5));
        assert_eq!(p.end_offset_for_epoch(1), (1, 3));
        assert_eq!(p.end_offset_for_epoch(0), (0, 3), "epoch 0 ended where epoch 1 began");
        assert_eq!(p.end_offset_for_epoch(4), (-1, -1), "a future epoch");
        p.epoch_starts.remove(0); // as if epoch 0's entry had been truncated away
        assert_eq!(p.end_offset_for_epoch(0), (0, 3), "an epoch older than the cache: the next one's start");
    }

    fn batch(n: usize) -> bytes::Bytes {
        use kafka_wire::records::{Compression, EncodeOptions, Record, RecordBatch};
        RecordBatch::from_records(Compression::None, (0..n).map(|i| (i as i64, Record::default())))
            .to_bytes(&EncodeOptions::default())
            .unwrap()
    }

    #[test]
    fn topic_names_are_checked() {
        assert!(validate_topic_name("orders.v1_a-b").is_ok());
        for bad in ["", ".", "..", "a b", "ü", &"x".repeat(250)] {
            assert_eq!(validate_topic_name(bad).unwrap_err().code, ErrorCode::InvalidTopicException, "{bad}");
        }
    }

    #[test]
    fn the_coordinator_hash_is_javas() {
        // "group".hashCode() == 98629247 in Java; 98629247 % 50 == 47.
        let nodes = (0..3).map(|id| Node { id, host: "h".into(), port: 1 }).collect();
        let state = State::new(nodes, "c".into());
        assert_eq!(state.coordinator_for("group").id, 47 % 3);
    }
}
