//! Produce: records validated and appended to the partition leader's log.

use super::{Ctx, Outcome};
use crate::acl::{op, resource};
use crate::log::{PartitionLog, ValidBatch};
use crate::state::{SequenceCheck, Sequences, State, Written};
use kafka_wire::messages::produce_response::{
    LeaderIdAndEpoch, NodeEndpoint, PartitionProduceResponse, TopicProduceResponse,
};
use kafka_wire::messages::{ProduceRequest, ProduceResponse};
use kafka_wire::{ErrorCode, StrBytes};
use std::time::{SystemTime, UNIX_EPOCH};

/// Kafka's default `max.message.bytes`: the largest batch a topic takes.
const MAX_MESSAGE_BYTES: usize = 1_048_588;

pub(crate) fn produce(ctx: &Ctx<'_>, request: &ProduceRequest) -> Outcome {
    let response = append(ctx, request);
    if request.acks != 0 {
        return Outcome::Reply(response.into());
    }
    // acks=0 gets no answer; Kafka closes the connection on an error so
    // the producer notices.
    let failed = response.responses.iter().flat_map(|t| &t.partition_responses).any(|p| p.error_code != 0);
    if failed {
        Outcome::Close
    } else {
        Outcome::NoReply
    }
}

fn append(ctx: &Ctx<'_>, request: &ProduceRequest) -> ProduceResponse {
    let version = ctx.version;
    let acks_ok = matches!(request.acks, -1..=1);
    let mut state = ctx.shared.state();
    let mut leaders = Vec::new();
    let mut appended = false;
    let responses = request
        .topic_data
        .iter()
        .map(|topic| {
            let name = if version >= 13 {
                state.topic_name(topic.topic_id).map(str::to_owned)
            } else {
                Some(topic.name.to_string())
            };
            let unknown = if version >= 13 { ErrorCode::UnknownTopicId } else { ErrorCode::UnknownTopicOrPartition };
            let partition_responses = topic
                .partition_data
                .iter()
                .map(|p| {
                    let mut out = PartitionProduceResponse {
                        index: p.index,
                        base_offset: -1,
                        log_append_time_ms: -1,
                        log_start_offset: -1,
                        ..Default::default()
                    };
                    let result = match (&name, acks_ok) {
                        (_, false) => Err((ErrorCode::InvalidRequiredAcks, None)),
                        (None, _) => Err((unknown, None)),
                        (Some(name), _) if !ctx.authorize(op::WRITE, resource::TOPIC, name) => {
                            Err((ErrorCode::TopicAuthorizationFailed, None))
                        }
                        (Some(name), _) => {
                            append_partition(&mut state, ctx.node(), name, p.index, p.records.as_ref(), version)
                        }
                    };
                    match result {
                        Ok((base_offset, log_append_time, log_start_offset)) => {
                            appended = true;
                            out.base_offset = base_offset;
                            out.log_append_time_ms = log_append_time;
                            out.log_start_offset = log_start_offset;
                        }
                        Err((code, message)) => {
                            out.error_code = code.code();
                            out.error_message = message.map(StrBytes::from);
                            if code == ErrorCode::NotLeaderOrFollower {
                                if let Some(leader) = name.as_deref().and_then(|n| state.partition(n, p.index)) {
                                    out.current_leader = LeaderIdAndEpoch {
                                        leader_id: leader.leader,
                                        leader_epoch: leader.leader_epoch,
                                        ..Default::default()
                                    };
                                    leaders.push(leader.leader);
                                }
                            }
                        }
                    }
                    out
                })
                .collect();
            TopicProduceResponse {
                name: topic.name.clone(),
                topic_id: topic.topic_id,
                partition_responses,
                ..Default::default()
            }
        })
        .collect();
    let node_endpoints = if version >= 10 { endpoints(&state, leaders) } else { Vec::new() };
    drop(state);
    if appended {
        ctx.shared.appended.notify_waiters();
    }
    ProduceResponse { responses, node_endpoints, ..Default::default() }
}

/// The leaders' endpoints a NOT_LEADER_OR_FOLLOWER answer carries (KIP-951).
fn endpoints(state: &State, leaders: Vec<i32>) -> Vec<NodeEndpoint> {
    state
        .nodes_named(leaders)
        .map(|n| NodeEndpoint { node_id: n.id, host: n.host.clone().into(), port: n.port as i32, ..Default::default() })
        .collect()
}

type Failure = (ErrorCode, Option<String>);

/// The message format a Produce version carries.
fn magic_of(version: i16) -> i8 {
    match version {
        0 | 1 => 0,
        2 => 1,
        _ => 2,
    }
}

/// Kafka's `ProduceRequest.validateRecords` and LogValidator's producer
/// check: from v3 exactly one batch per partition, zstd only from v7, and
/// an idempotent batch carries a sequence.
fn check_produce_rules(batches: &[ValidBatch], version: i16) -> Result<(), Failure> {
    if version >= 3 && batches.len() > 1 {
        return Err((
            ErrorCode::InvalidRecord,
            Some(format!("Produce requests with version {version} are only allowed to contain exactly one record batch per partition")),
        ));
    }
    for batch in batches {
        let header = &batch.view.header;
        if version < 7 && header.compression() == Ok(kafka_wire::records::Compression::Zstd) {
            return Err((
                ErrorCode::UnsupportedCompressionType,
                Some(format!("Produce requests with version {version} are not allowed to use ZStandard compression")),
            ));
        }
        if header.producer_id >= 0 && header.base_sequence < 0 {
            return Err((
                ErrorCode::InvalidRecord,
                Some(format!(
                    "Invalid sequence number {} in record batch with producerId {}",
                    header.base_sequence, header.producer_id
                )),
            ));
        }
    }
    Ok(())
}

/// The topic's `max.message.bytes`, or Kafka's default.
fn max_message_bytes(state: &State, topic: &str) -> usize {
    state.topics[topic]
        .configs
        .get("max.message.bytes")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_MESSAGE_BYTES)
}

fn append_partition(
    state: &mut State,
    node: i32,
    topic: &str,
    index: i32,
    records: Option<&bytes::Bytes>,
    version: i16,
) -> Result<(i64, i64, i64), Failure> {
    let partition = state.partition(topic, index).ok_or((ErrorCode::UnknownTopicOrPartition, None))?;
    if partition.leader != node {
        return Err((ErrorCode::NotLeaderOrFollower, None));
    }
    let records = records.ok_or((ErrorCode::CorruptMessage, Some("the records are null".to_owned())))?;
    let batches = PartitionLog::validate(records, magic_of(version)).map_err(|r| (r.code, Some(r.message)))?;
    check_produce_rules(&batches, version)?;
    let max = max_message_bytes(state, topic);
    if let Some(big) = batches.iter().find(|b| b.view.bytes.len() > max) {
        return Err((
            ErrorCode::MessageTooLarge,
            Some(format!("The batch of {} bytes is larger than max.message.bytes ({max})", big.view.bytes.len())),
        ));
    }
    if let Some(batch) = batches.iter().find(|b| b.view.header.is_transactional()) {
        check_transactional(state, topic, index, &batch.view.header)?;
    }
    let idempotent: Option<&ValidBatch> = batches.iter().find(|b| b.view.header.producer_id >= 0);
    if let Some(batch) = idempotent {
        match state.producers.check(topic, index, Sequences::of(&batch.view.header)) {
            SequenceCheck::InOrder => {}
            SequenceCheck::Duplicate(written) => {
                let log_start = state.partition(topic, index).map_or(0, |p| p.log.log_start_offset());
                return Ok((written.base_offset, written.max_timestamp, log_start));
            }
            SequenceCheck::Refused(code) => return Err((code, None)),
        }
    }
    let log_append_time = state.topics[topic].log_append_time().then(now_ms);
    let partition = state.partition_mut(topic, index).expect("checked above");
    let epoch = partition.leader_epoch;
    let appended = partition.log.append(batches.clone(), epoch, log_append_time);
    let log_start = partition.log.log_start_offset();
    if let Some(batch) = idempotent {
        let max_timestamp = log_append_time.unwrap_or(batch.view.header.max_timestamp);
        let written = Written { base_offset: appended.base_offset, max_timestamp };
        state.producers.appended(topic, index, Sequences::of(&batch.view.header), written);
    }
    Ok((appended.base_offset, appended.log_append_time, log_start))
}

/// A transactional batch is taken only from the producer's current epoch
/// and into a partition its open transaction holds, as a Kafka broker
/// verifying transactions (KIP-890 part 1) takes it.
fn check_transactional(
    state: &State,
    topic: &str,
    index: i32,
    header: &kafka_wire::records::BatchHeader,
) -> Result<(), Failure> {
    let refused = |code: ErrorCode, why: &str| Err((code, Some(why.to_owned())));
    let Some((_, txn)) = state.txns.by_producer(header.producer_id) else {
        return refused(ErrorCode::InvalidTxnState, "the producer id has no transaction");
    };
    if header.producer_epoch < txn.epoch {
        return refused(ErrorCode::InvalidProducerEpoch, "the producer's epoch is fenced");
    }
    if header.producer_epoch > txn.epoch {
        return refused(ErrorCode::InvalidTxnState, "the producer's epoch is not the transaction's");
    }
    if txn.status != crate::txn::TxnStatus::Ongoing || !txn.partitions.contains(&(topic.to_owned(), index)) {
        return refused(ErrorCode::InvalidTxnState, "the partition is not in the producer's open transaction");
    }
    Ok(())
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
