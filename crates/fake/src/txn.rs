//! The transaction coordinator: transactional ids, their producer ids and
//! epochs, the partitions and groups of each open transaction, and the
//! markers that end it, as Kafka's `TransactionCoordinator` keeps them.
//!
//! Kafka's coordinator writes its state to `__transaction_state` and the
//! markers through the partition leaders, so a transaction passes through
//! PrepareCommit or PrepareAbort before it completes. Here the markers are
//! written under the state lock the moment a transaction ends, so no
//! transaction is ever seen half-way, and CONCURRENT_TRANSACTIONS is
//! answered only where Kafka answers it for an abort the coordinator
//! started itself (a new InitProducerId during an open transaction).

use crate::cluster::Shared;
use crate::group::Committed;
use crate::state::State;
use kafka_wire::ErrorCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Kafka's default `transaction.max.timeout.ms` (15 minutes).
pub(crate) const MAX_TRANSACTION_TIMEOUT_MS: i32 = 900_000;

/// How often open transactions are checked against their timeout.
const TICK: Duration = Duration::from_millis(50);

/// A transaction's state, as DescribeTransactions and ListTransactions name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxnStatus {
    Empty,
    Ongoing,
    CompleteCommit,
    CompleteAbort,
}

impl TxnStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TxnStatus::Empty => "Empty",
            TxnStatus::Ongoing => "Ongoing",
            TxnStatus::CompleteCommit => "CompleteCommit",
            TxnStatus::CompleteAbort => "CompleteAbort",
        }
    }

    /// Every state name Kafka knows, for ListTransactions' filters.
    pub(crate) const KAFKA_STATES: &'static [&'static str] = &[
        "Empty",
        "Ongoing",
        "PrepareCommit",
        "PrepareAbort",
        "CompleteCommit",
        "CompleteAbort",
        "Dead",
        "PrepareEpochFence",
    ];
}

/// One transactional id's metadata.
#[derive(Debug, Clone)]
pub(crate) struct Txn {
    pub(crate) producer_id: i64,
    pub(crate) epoch: i16,
    pub(crate) timeout_ms: i32,
    pub(crate) status: TxnStatus,
    pub(crate) partitions: BTreeSet<(String, i32)>,
    pub(crate) groups: BTreeSet<String>,
    /// TxnOffsetCommit's offsets, by (group, topic, partition): visible at commit.
    pub(crate) offsets: BTreeMap<(String, String, i32), Committed>,
    /// When the open transaction started (its first AddPartitionsToTxn or AddOffsetsToTxn).
    pub(crate) started: Option<Instant>,
    pub(crate) start_time_ms: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Transactions {
    pub(crate) by_id: BTreeMap<String, Txn>,
}

impl Transactions {
    /// Drops a deleted topic from every open transaction: no marker is
    /// written to a partition of a topic created again under its name.
    pub(crate) fn forget_topic(&mut self, topic: &str) {
        for txn in self.by_id.values_mut() {
            txn.partitions.retain(|(t, _)| t != topic);
            txn.offsets.retain(|(_, t, _), _| t != topic);
        }
    }

    /// The transaction of producer `id`, by its transactional id.
    pub(crate) fn by_producer(&self, id: i64) -> Option<(&str, &Txn)> {
        self.by_id.iter().find(|(_, t)| t.producer_id == id).map(|(k, t)| (k.as_str(), t))
    }

    /// Whether an open transaction holds an offset for this group partition
    /// (OffsetFetch's `require_stable` answers UNSTABLE_OFFSET_COMMIT then).
    pub(crate) fn pending_offset(&self, group: &str, topic: &str, partition: i32) -> bool {
        self.by_id.values().any(|t| {
            t.status == TxnStatus::Ongoing && t.offsets.contains_key(&(group.to_owned(), topic.to_owned(), partition))
        })
    }
}

/// Whether `(id, epoch)` is the transaction's current producer, as
/// Kafka's coordinator checks: another id is INVALID_PRODUCER_ID_MAPPING,
/// another epoch PRODUCER_FENCED (the callers map it for old versions).
fn check_producer(txn: &Txn, id: i64, epoch: i16) -> Result<(), ErrorCode> {
    if txn.producer_id != id {
        return Err(ErrorCode::InvalidProducerIdMapping);
    }
    if txn.epoch != epoch {
        return Err(ErrorCode::ProducerFenced);
    }
    Ok(())
}

/// InitProducerId with a transactional id: a new producer id for a new
/// transactional id, else its epoch bumped (fencing the producer that had
/// the old one). An open transaction is aborted first and the producer
/// told CONCURRENT_TRANSACTIONS, to retry once the abort is done.
pub(crate) fn init(
    state: &mut State,
    txn_id: &str,
    timeout_ms: i32,
    expected: Option<(i64, i16)>,
) -> Result<(i64, i16), ErrorCode> {
    let Some(txn) = state.txns.by_id.get(txn_id) else {
        let (producer_id, epoch) = state.producers.new_id();
        state.txns.by_id.insert(
            txn_id.to_owned(),
            Txn {
                producer_id,
                epoch,
                timeout_ms,
                status: TxnStatus::Empty,
                partitions: BTreeSet::new(),
                groups: BTreeSet::new(),
                offsets: BTreeMap::new(),
                started: None,
                start_time_ms: -1,
            },
        );
        return Ok((producer_id, epoch));
    };
    if let Some((id, epoch)) = expected {
        // KIP-360: a producer re-initializing names what it had.
        if txn.producer_id != id || txn.epoch != epoch {
            return Err(ErrorCode::ProducerFenced);
        }
    }
    if txn.status == TxnStatus::Ongoing {
        fence_and_abort(state, txn_id);
        return Err(ErrorCode::ConcurrentTransactions);
    }
    let txn = state.txns.by_id.get_mut(txn_id).expect("present");
    txn.timeout_ms = timeout_ms;
    txn.status = TxnStatus::Empty;
    if txn.epoch >= i16::MAX - 1 {
        // The epoch is spent: a new producer id, as Kafka gives one.
        let (producer_id, epoch) = state.producers.new_id();
        let txn = state.txns.by_id.get_mut(txn_id).expect("present");
        txn.producer_id = producer_id;
        txn.epoch = epoch;
        return Ok((producer_id, epoch));
    }
    txn.epoch += 1;
    let (producer_id, epoch) = (txn.producer_id, txn.epoch);
    state.producers.set_epoch(producer_id, epoch);
    Ok((producer_id, epoch))
}

/// Starts the transaction when it is not open yet.
fn begin(txn: &mut Txn) {
    if txn.status != TxnStatus::Ongoing {
        txn.status = TxnStatus::Ongoing;
        txn.started = Some(Instant::now());
        txn.start_time_ms = crate::handlers::now_ms();
    }
}

/// The transaction of `txn_id`, checked for this producer.
fn txn_for<'s>(state: &'s mut State, txn_id: &str, id: i64, epoch: i16) -> Result<&'s mut Txn, ErrorCode> {
    let txn = state.txns.by_id.get_mut(txn_id).ok_or(ErrorCode::InvalidProducerIdMapping)?;
    check_producer(txn, id, epoch)?;
    Ok(txn)
}

/// Checks AddPartitionsToTxn's producer, before the partitions.
pub(crate) fn check_add(state: &mut State, txn_id: &str, id: i64, epoch: i16) -> Result<(), ErrorCode> {
    txn_for(state, txn_id, id, epoch).map(|_| ())
}

/// AddPartitionsToTxn: the partitions join the transaction, starting it.
pub(crate) fn add_partitions(
    state: &mut State,
    txn_id: &str,
    id: i64,
    epoch: i16,
    partitions: &[(String, i32)],
) -> Result<(), ErrorCode> {
    let txn = txn_for(state, txn_id, id, epoch)?;
    begin(txn);
    txn.partitions.extend(partitions.iter().cloned());
    Ok(())
}

/// AddPartitionsToTxn v4+ with `verify_only`: whether each partition is
/// in the open transaction (INVALID_TXN_STATE when not), as brokers ask
/// the coordinator before appending a transactional batch.
pub(crate) fn verify_partitions(
    state: &mut State,
    txn_id: &str,
    id: i64,
    epoch: i16,
    partitions: &[(String, i32)],
) -> Result<Vec<ErrorCode>, ErrorCode> {
    let txn = txn_for(state, txn_id, id, epoch)?;
    Ok(partitions
        .iter()
        .map(|p| {
            if txn.status == TxnStatus::Ongoing && txn.partitions.contains(p) {
                ErrorCode::None
            } else {
                ErrorCode::InvalidTxnState
            }
        })
        .collect())
}

/// AddOffsetsToTxn: the group's offsets partition joins the transaction.
pub(crate) fn add_offsets(state: &mut State, txn_id: &str, id: i64, epoch: i16, group: &str) -> Result<(), ErrorCode> {
    let txn = txn_for(state, txn_id, id, epoch)?;
    begin(txn);
    txn.groups.insert(group.to_owned());
    Ok(())
}

/// TxnOffsetCommit, at the group coordinator: the offsets wait in the
/// producer's transaction until it commits. A producer whose transaction
/// does not hold the group is refused with INVALID_TXN_STATE, as a broker
/// verifying transactions refuses it.
pub(crate) fn commit_offsets(
    state: &mut State,
    txn_id: &str,
    id: i64,
    epoch: i16,
    group: &str,
    offsets: Vec<(String, i32, Committed)>,
) -> Result<(), ErrorCode> {
    let txn = state.txns.by_id.get_mut(txn_id).ok_or(ErrorCode::InvalidProducerIdMapping)?;
    if txn.producer_id != id {
        return Err(ErrorCode::InvalidProducerIdMapping);
    }
    if txn.epoch != epoch {
        return Err(ErrorCode::InvalidProducerEpoch);
    }
    if txn.status != TxnStatus::Ongoing || !txn.groups.contains(group) {
        return Err(ErrorCode::InvalidTxnState);
    }
    for (topic, partition, committed) in offsets {
        txn.offsets.insert((group.to_owned(), topic, partition), committed);
    }
    Ok(())
}

/// EndTxn: commit or abort. A retried EndTxn of a transaction that ended
/// the same way succeeds; the other way, or with no transaction open, is
/// INVALID_TXN_STATE.
pub(crate) fn end(state: &mut State, txn_id: &str, id: i64, epoch: i16, commit: bool) -> Result<(i64, i16), ErrorCode> {
    let txn = txn_for(state, txn_id, id, epoch)?;
    match (txn.status, commit) {
        (TxnStatus::Ongoing, _) => {
            complete(state, txn_id, commit);
            let txn = &state.txns.by_id[txn_id];
            Ok((txn.producer_id, txn.epoch))
        }
        (TxnStatus::CompleteCommit, true) | (TxnStatus::CompleteAbort, false) => Ok((txn.producer_id, txn.epoch)),
        _ => Err(ErrorCode::InvalidTxnState),
    }
}

/// The coordinator aborts a transaction itself (its timeout passed, or a
/// new producer took the transactional id): the epoch is bumped first, so
/// the old producer is fenced, and the markers carry the new epoch.
fn fence_and_abort(state: &mut State, txn_id: &str) {
    let Some(txn) = state.txns.by_id.get_mut(txn_id) else { return };
    txn.epoch = txn.epoch.saturating_add(1);
    let (id, epoch) = (txn.producer_id, txn.epoch);
    state.producers.set_epoch(id, epoch);
    complete(state, txn_id, false);
}

/// Writes the markers to every partition of the transaction and settles
/// its offsets: kept at commit, dropped at abort.
fn complete(state: &mut State, txn_id: &str, commit: bool) {
    let Some(txn) = state.txns.by_id.get_mut(txn_id) else { return };
    let partitions = std::mem::take(&mut txn.partitions);
    let offsets = std::mem::take(&mut txn.offsets);
    txn.groups.clear();
    txn.started = None;
    txn.start_time_ms = -1;
    txn.status = if commit { TxnStatus::CompleteCommit } else { TxnStatus::CompleteAbort };
    let (id, epoch) = (txn.producer_id, txn.epoch);
    let now = crate::handlers::now_ms();
    for (topic, index) in partitions {
        if let Some(partition) = state.partition_mut(&topic, index) {
            let leader_epoch = partition.leader_epoch;
            partition.log.append_marker(id, epoch, commit, leader_epoch, now);
        }
    }
    if commit {
        for ((group, topic, partition), committed) in offsets {
            state.groups.commit_transactional(&group, &topic, partition, committed);
        }
    }
}

/// Aborts the transactions open longer than their timeout; true when any was.
pub(crate) fn abort_expired(state: &mut State, now: Instant) -> bool {
    let expired: Vec<String> = state
        .txns
        .by_id
        .iter()
        .filter(|(_, t)| {
            t.status == TxnStatus::Ongoing
                && t.started.is_some_and(|s| now >= s + Duration::from_millis(t.timeout_ms.max(0) as u64))
        })
        .map(|(id, _)| id.clone())
        .collect();
    for id in &expired {
        fence_and_abort(state, id);
    }
    !expired.is_empty()
}

/// Aborts timed-out transactions every few milliseconds, for as long as the cluster runs.
pub(crate) async fn expire_transactions(shared: Arc<Shared>) {
    loop {
        tokio::time::sleep(TICK).await;
        let aborted = abort_expired(&mut shared.state(), Instant::now());
        if aborted {
            shared.appended.notify_waiters();
        }
    }
}
