//! The transaction apis: AddPartitionsToTxn, AddOffsetsToTxn,
//! TxnOffsetCommit, EndTxn, DescribeTransactions, ListTransactions and
//! DescribeProducers, over the coordinator in `crate::txn`.

use super::Ctx;
use crate::group::{CommitKind, Committed};
use crate::txn::{self, TxnStatus};
use kafka_wire::messages::add_partitions_to_txn_request::AddPartitionsToTxnTopic;
use kafka_wire::messages::add_partitions_to_txn_response::{
    AddPartitionsToTxnPartitionResult, AddPartitionsToTxnResult, AddPartitionsToTxnTopicResult,
};
use kafka_wire::messages::*;
use kafka_wire::{ErrorCode, StrBytes};

/// PRODUCER_FENCED was added in AddPartitionsToTxn, AddOffsetsToTxn and
/// EndTxn v2 (InitProducerId v4); older versions get INVALID_PRODUCER_EPOCH,
/// as Kafka's `KafkaApis` maps it.
fn fenced_as(code: ErrorCode, version: i16, first_with_fenced: i16) -> ErrorCode {
    if code == ErrorCode::ProducerFenced && version < first_with_fenced {
        ErrorCode::InvalidProducerEpoch
    } else {
        code
    }
}

fn not_coordinator(ctx: &Ctx<'_>, txn_id: &str) -> bool {
    ctx.shared.state().coordinator_for(txn_id).id != ctx.node()
}

pub(crate) fn add_partitions_to_txn(ctx: &Ctx<'_>, request: &AddPartitionsToTxnRequest) -> AddPartitionsToTxnResponse {
    if ctx.version >= 4 {
        let results = request
            .transactions
            .iter()
            .map(|t| {
                let topics = add_transaction(
                    ctx,
                    &t.transactional_id,
                    t.producer_id,
                    t.producer_epoch,
                    &t.topics,
                    t.verify_only,
                );
                AddPartitionsToTxnResult {
                    transactional_id: t.transactional_id.clone(),
                    topic_results: topics,
                    ..Default::default()
                }
            })
            .collect();
        return AddPartitionsToTxnResponse { results_by_transaction: results, ..Default::default() };
    }
    let topics = add_transaction(
        ctx,
        &request.v3_and_below_transactional_id,
        request.v3_and_below_producer_id,
        request.v3_and_below_producer_epoch,
        &request.v3_and_below_topics,
        false,
    );
    AddPartitionsToTxnResponse { results_by_topic_v3_and_below: topics, ..Default::default() }
}

fn add_transaction(
    ctx: &Ctx<'_>,
    txn_id: &str,
    producer_id: i64,
    epoch: i16,
    topics: &[AddPartitionsToTxnTopic],
    verify_only: bool,
) -> Vec<AddPartitionsToTxnTopicResult> {
    let wanted: Vec<(String, i32)> =
        topics.iter().flat_map(|t| t.partitions.iter().map(move |p| (t.name.to_string(), p))).collect();
    let codes: Vec<ErrorCode> = (|| {
        if txn_id.is_empty() {
            return vec![ErrorCode::InvalidRequest; wanted.len()];
        }
        if not_coordinator(ctx, txn_id) {
            return vec![ErrorCode::NotCoordinator; wanted.len()];
        }
        let mut state = ctx.shared.state();
        if let Err(e) = txn::check_add(&mut state, txn_id, producer_id, epoch) {
            return vec![fenced_as(e, ctx.version, 2); wanted.len()];
        }
        if verify_only {
            return txn::verify_partitions(&mut state, txn_id, producer_id, epoch, &wanted)
                .unwrap_or_else(|e| vec![e; wanted.len()]);
        }
        // An unknown partition fails the request: it gets
        // UNKNOWN_TOPIC_OR_PARTITION, the others OPERATION_NOT_ATTEMPTED.
        let unknown: Vec<bool> = wanted.iter().map(|(t, p)| state.partition(t, *p).is_none()).collect();
        if unknown.iter().any(|u| *u) {
            return unknown
                .into_iter()
                .map(|u| if u { ErrorCode::UnknownTopicOrPartition } else { ErrorCode::OperationNotAttempted })
                .collect();
        }
        match txn::add_partitions(&mut state, txn_id, producer_id, epoch, &wanted) {
            Ok(()) => vec![ErrorCode::None; wanted.len()],
            Err(e) => vec![fenced_as(e, ctx.version, 2); wanted.len()],
        }
    })();
    let mut codes = codes.into_iter();
    topics
        .iter()
        .map(|t| AddPartitionsToTxnTopicResult {
            name: t.name.clone(),
            results_by_partition: t
                .partitions
                .iter()
                .map(|p| AddPartitionsToTxnPartitionResult {
                    partition_index: p,
                    partition_error_code: codes.next().unwrap_or(ErrorCode::None).code(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect()
}

pub(crate) fn add_offsets_to_txn(ctx: &Ctx<'_>, request: &AddOffsetsToTxnRequest) -> AddOffsetsToTxnResponse {
    let txn_id = request.transactional_id.as_str();
    let result = if txn_id.is_empty() {
        Err(ErrorCode::InvalidRequest)
    } else if not_coordinator(ctx, txn_id) {
        Err(ErrorCode::NotCoordinator)
    } else {
        txn::add_offsets(
            &mut ctx.shared.state(),
            txn_id,
            request.producer_id,
            request.producer_epoch,
            &request.group_id,
        )
    };
    let code = result.err().map_or(ErrorCode::None, |e| fenced_as(e, ctx.version, 2));
    AddOffsetsToTxnResponse { error_code: code.code(), ..Default::default() }
}

pub(crate) fn end_txn(ctx: &Ctx<'_>, request: &EndTxnRequest) -> EndTxnResponse {
    let txn_id = request.transactional_id.as_str();
    let result = if txn_id.is_empty() {
        Err(ErrorCode::InvalidRequest)
    } else if not_coordinator(ctx, txn_id) {
        Err(ErrorCode::NotCoordinator)
    } else {
        txn::end(&mut ctx.shared.state(), txn_id, request.producer_id, request.producer_epoch, request.committed)
    };
    if result.is_ok() {
        ctx.shared.appended.notify_waiters();
    }
    match result {
        Ok((producer_id, producer_epoch)) => EndTxnResponse {
            // v5 (KIP-890) returns the producer's id and epoch; before it the fields are absent.
            producer_id: if ctx.version >= 5 { producer_id } else { -1 },
            producer_epoch: if ctx.version >= 5 { producer_epoch } else { -1 },
            ..Default::default()
        },
        Err(e) => EndTxnResponse {
            error_code: fenced_as(e, ctx.version, 2).code(),
            producer_id: -1,
            producer_epoch: -1,
            ..Default::default()
        },
    }
}

pub(crate) fn txn_offset_commit(ctx: &Ctx<'_>, request: &TxnOffsetCommitRequest) -> TxnOffsetCommitResponse {
    let version = ctx.version;
    let mut state = ctx.shared.state();
    let group = request.group_id.as_str();
    let names: Vec<Option<String>> = request
        .topics
        .iter()
        .map(|t| if version >= 6 { state.topic_name(t.topic_id).map(str::to_owned) } else { Some(t.name.to_string()) })
        .collect();
    let group_error = if state.coordinator_for(group).id != ctx.node() {
        Some(ErrorCode::NotCoordinator)
    } else if request.transactional_id.is_empty() {
        Some(ErrorCode::InvalidRequest)
    } else {
        None
    };
    let mut offsets = Vec::new();
    let mut errors: Vec<Vec<ErrorCode>> = Vec::new();
    let now = super::now_ms();
    for (topic, name) in request.topics.iter().zip(&names) {
        let mut codes = Vec::new();
        for p in &topic.partitions {
            let code = match (group_error, name) {
                (Some(e), _) => e,
                (None, None) => ErrorCode::UnknownTopicId,
                (None, Some(name)) if state.partition(name, p.partition_index).is_none() => {
                    ErrorCode::UnknownTopicOrPartition
                }
                (None, Some(name)) => {
                    offsets.push((
                        name.clone(),
                        p.partition_index,
                        Committed {
                            offset: p.committed_offset,
                            leader_epoch: if version >= 2 { p.committed_leader_epoch } else { -1 },
                            metadata: Some(p.committed_metadata.as_deref().unwrap_or_default().to_owned()),
                            commit_timestamp: now,
                        },
                    ));
                    ErrorCode::None
                }
            };
            codes.push(code);
        }
        errors.push(codes);
    }
    if !offsets.is_empty() {
        let generation = if version >= 3 { request.generation_id_or_member_epoch } else { -1 };
        let member = if version >= 3 { request.member_id.as_str() } else { "" };
        let instance = if version >= 3 { request.group_instance_id.as_deref() } else { None };
        let checked = state
            .groups
            .check_commit(group, generation, member, instance, CommitKind::Transactional, tokio::time::Instant::now())
            .and_then(|()| {
                txn::commit_offsets(
                    &mut state,
                    &request.transactional_id,
                    request.producer_id,
                    request.producer_epoch,
                    group,
                    offsets,
                )
            });
        if let Err(e) = checked {
            for code in errors.iter_mut().flatten() {
                if *code == ErrorCode::None {
                    *code = e;
                }
            }
        }
    }
    TxnOffsetCommitResponse {
        topics: request
            .topics
            .iter()
            .zip(errors)
            .map(|(t, codes)| txn_offset_commit_response::TxnOffsetCommitResponseTopic {
                name: t.name.clone(),
                topic_id: t.topic_id,
                partitions: t
                    .partitions
                    .iter()
                    .zip(codes)
                    .map(|(p, code)| txn_offset_commit_response::TxnOffsetCommitResponsePartition {
                        partition_index: p.partition_index,
                        error_code: code.code(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn describe_transactions(
    ctx: &Ctx<'_>,
    request: &DescribeTransactionsRequest,
) -> DescribeTransactionsResponse {
    use describe_transactions_response::{TopicData, TransactionState};
    let state = ctx.shared.state();
    let transaction_states = request
        .transactional_ids
        .iter()
        .map(|id| {
            let error = |code: ErrorCode| TransactionState {
                error_code: code.code(),
                transactional_id: id.clone(),
                transaction_state: "".into(),
                transaction_start_time_ms: -1,
                producer_id: -1,
                producer_epoch: -1,
                ..Default::default()
            };
            if state.coordinator_for(id).id != ctx.node() {
                return error(ErrorCode::NotCoordinator);
            }
            let Some(txn) = state.txns.by_id.get(id.as_str()) else {
                return error(ErrorCode::TransactionalIdNotFound);
            };
            let mut by_topic: std::collections::BTreeMap<&str, Vec<i32>> = Default::default();
            for (topic, partition) in &txn.partitions {
                by_topic.entry(topic).or_default().push(*partition);
            }
            let topics: Vec<TopicData> = by_topic
                .into_iter()
                .map(|(topic, partitions)| TopicData {
                    topic: topic.to_owned().into(),
                    partitions: partitions.into(),
                    ..Default::default()
                })
                .collect();
            TransactionState {
                transactional_id: id.clone(),
                transaction_state: txn.status.name().into(),
                transaction_timeout_ms: txn.timeout_ms,
                transaction_start_time_ms: txn.start_time_ms,
                producer_id: txn.producer_id,
                producer_epoch: txn.epoch,
                topics,
                ..Default::default()
            }
        })
        .collect();
    DescribeTransactionsResponse { transaction_states, ..Default::default() }
}

pub(crate) fn list_transactions(ctx: &Ctx<'_>, request: &ListTransactionsRequest) -> ListTransactionsResponse {
    use list_transactions_response::TransactionState;
    let state = ctx.shared.state();
    let unknown_state_filters: Vec<StrBytes> =
        request.state_filters.iter().filter(|f| !TxnStatus::KAFKA_STATES.contains(&f.as_str())).cloned().collect();
    let now = super::now_ms();
    let transaction_states = state
        .txns
        .by_id
        .iter()
        .filter(|(id, _)| state.coordinator_for(id).id == ctx.node())
        .filter(|(_, t)| request.state_filters.is_empty() || request.state_filters.iter().any(|f| f == t.status.name()))
        .filter(|(_, t)| request.producer_id_filters.is_empty() || request.producer_id_filters.contains(&t.producer_id))
        .filter(|(_, t)| {
            // v1 (KIP-994): only transactions running longer than this.
            ctx.version < 1
                || request.duration_filter < 0
                || (t.status == TxnStatus::Ongoing && now - t.start_time_ms > request.duration_filter)
        })
        .filter(|(id, _)| match request.transactional_id_pattern.as_deref() {
            // v2 (KIP-1152) takes a Java regex; the fake broker matches the
            // literal id, or everything for ".*" and an empty pattern.
            Some(pattern) if ctx.version >= 2 && !pattern.is_empty() && pattern != ".*" => id.as_str() == pattern,
            _ => true,
        })
        .map(|(id, t)| TransactionState {
            transactional_id: id.clone().into(),
            producer_id: t.producer_id,
            transaction_state: t.status.name().into(),
            ..Default::default()
        })
        .collect();
    ListTransactionsResponse { unknown_state_filters, transaction_states, ..Default::default() }
}

pub(crate) fn describe_producers(ctx: &Ctx<'_>, request: &DescribeProducersRequest) -> DescribeProducersResponse {
    use describe_producers_response::{PartitionResponse, ProducerState, TopicResponse};
    let state = ctx.shared.state();
    let topics = request
        .topics
        .iter()
        .map(|t| TopicResponse {
            name: t.name.clone(),
            partitions: t
                .partition_indexes
                .iter()
                .map(|index| {
                    let mut out = PartitionResponse { partition_index: index, ..Default::default() };
                    match state.partition(&t.name, index) {
                        None => out.error_code = ErrorCode::UnknownTopicOrPartition.code(),
                        Some(p) if p.leader != ctx.node() => out.error_code = ErrorCode::NotLeaderOrFollower.code(),
                        Some(p) => {
                            let mut producers: Vec<(i64, i16, i32)> = state.producers.in_partition(&t.name, index);
                            for &id in p.log.open_txns().keys() {
                                if !producers.iter().any(|(known, _, _)| *known == id) {
                                    producers.push((id, 0, -1));
                                }
                            }
                            out.active_producers = producers
                                .into_iter()
                                .map(|(id, epoch, last_sequence)| ProducerState {
                                    producer_id: id,
                                    producer_epoch: epoch as i32,
                                    last_sequence,
                                    last_timestamp: -1,
                                    coordinator_epoch: if p.log.has_open_txn(id) { 0 } else { -1 },
                                    current_txn_start_offset: p.log.open_txns().get(&id).copied().unwrap_or(-1),
                                    ..Default::default()
                                })
                                .collect();
                        }
                    }
                    out
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    DescribeProducersResponse { topics, ..Default::default() }
}
