//! Fetch: records from the partition leaders' logs, long polling until
//! `min_bytes` arrive or `max_wait_ms` passes.
//!
//! Fetch sessions (KIP-227) are answered as a broker with no session
//! slots answers them: session id 0 always, every fetch a full one, and
//! FETCH_SESSION_ID_NOT_FOUND for a request naming a session.

use super::Ctx;
use crate::acl::{op, resource};
use crate::state::State;
use kafka_wire::messages::fetch_request::FetchPartition;
use kafka_wire::messages::fetch_response::{
    AbortedTransaction, FetchableTopicResponse, LeaderIdAndEpoch, NodeEndpoint, PartitionData,
};
use kafka_wire::messages::{FetchRequest, FetchResponse};
use kafka_wire::ErrorCode;
use std::pin::pin;
use std::time::Duration;
use tokio::time::Instant;

/// Kafka's `READ_COMMITTED` isolation level.
const READ_COMMITTED: i8 = 1;

pub(crate) async fn fetch(ctx: &Ctx<'_>, request: &FetchRequest) -> FetchResponse {
    if ctx.version >= 7 && request.session_id != 0 {
        return FetchResponse { error_code: ErrorCode::FetchSessionIdNotFound.code(), ..Default::default() };
    }
    let deadline = Instant::now() + Duration::from_millis(request.max_wait_ms.max(0) as u64);
    loop {
        let mut appended = pin!(ctx.shared.appended.notified());
        appended.as_mut().enable();
        let (response, bytes, errors) = read(ctx, request);
        if bytes >= request.min_bytes.max(0) as usize || errors || Instant::now() >= deadline {
            return response;
        }
        tokio::select! {
            _ = appended => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
    }
}

/// One pass over the requested partitions: the response, its record bytes
/// and whether any partition failed.
fn read(ctx: &Ctx<'_>, request: &FetchRequest) -> (FetchResponse, usize, bool) {
    let version = ctx.version;
    let state = ctx.shared.state();
    // Before v3 each partition's limit is hard; from v3 the first partition
    // with data returns at least one whole batch (KIP-74).
    let mut min_one = version >= 3;
    let mut remaining = if version >= 3 { request.max_bytes.max(0) as usize } else { usize::MAX };
    let mut total = 0;
    let mut errors = false;
    let mut leaders = Vec::new();
    let responses = request
        .topics
        .iter()
        .map(|topic| {
            let name = if version >= 13 {
                state.topic_name(topic.topic_id).map(str::to_owned)
            } else {
                Some(topic.topic.to_string())
            };
            let partitions = topic
                .partitions
                .iter()
                .map(|p| {
                    let limit = (p.partition_max_bytes.max(0) as usize).min(remaining);
                    let committed = version >= 4 && request.isolation_level == READ_COMMITTED;
                    let data = match &name {
                        Some(name) if !ctx.authorize(op::READ, resource::TOPIC, name) => {
                            error(p.partition, ErrorCode::TopicAuthorizationFailed)
                        }
                        Some(name) => read_partition(&state, ctx.node(), name, p, limit, min_one, version, committed),
                        None => error(p.partition, ErrorCode::UnknownTopicId),
                    };
                    let size = data.records.as_ref().map_or(0, |r| r.len());
                    if size > 0 {
                        min_one = false;
                    }
                    remaining = remaining.saturating_sub(size);
                    total += size;
                    if data.error_code != 0 {
                        errors = true;
                        if data.current_leader.leader_id >= 0 {
                            leaders.push(data.current_leader.leader_id);
                        }
                    }
                    data
                })
                .collect();
            FetchableTopicResponse {
                topic: topic.topic.clone(),
                topic_id: topic.topic_id,
                partitions,
                ..Default::default()
            }
        })
        .collect();
    let node_endpoints = if version >= 16 { endpoints(&state, leaders) } else { Vec::new() };
    (FetchResponse { responses, node_endpoints, session_id: 0, ..Default::default() }, total, errors)
}

fn error(partition: i32, code: ErrorCode) -> PartitionData {
    PartitionData {
        partition_index: partition,
        error_code: code.code(),
        high_watermark: -1,
        last_stable_offset: -1,
        log_start_offset: -1,
        current_leader: LeaderIdAndEpoch { leader_id: -1, leader_epoch: -1, ..Default::default() },
        preferred_read_replica: -1,
        records: Some(Default::default()),
        ..Default::default()
    }
}

#[allow(clippy::too_many_arguments)]
fn read_partition(
    state: &State,
    node: i32,
    topic: &str,
    request: &FetchPartition,
    limit: usize,
    min_one: bool,
    version: i16,
    read_committed: bool,
) -> PartitionData {
    let Some(partition) = state.partition(topic, request.partition) else {
        return error(request.partition, ErrorCode::UnknownTopicOrPartition);
    };
    if partition.leader != node {
        let mut data = error(request.partition, ErrorCode::NotLeaderOrFollower);
        data.current_leader = LeaderIdAndEpoch {
            leader_id: partition.leader,
            leader_epoch: partition.leader_epoch,
            ..Default::default()
        };
        return data;
    }
    if version >= 9 && request.current_leader_epoch >= 0 {
        if request.current_leader_epoch < partition.leader_epoch {
            return error(request.partition, ErrorCode::FencedLeaderEpoch);
        }
        if request.current_leader_epoch > partition.leader_epoch {
            return error(request.partition, ErrorCode::UnknownLeaderEpoch);
        }
    }
    let log = &partition.log;
    let (start, end, stable) = (log.log_start_offset(), log.end_offset(), log.last_stable_offset());
    if request.fetch_offset < start || request.fetch_offset > end {
        let mut data = error(request.partition, ErrorCode::OffsetOutOfRange);
        data.high_watermark = end;
        data.last_stable_offset = stable;
        data.log_start_offset = start;
        return data;
    }
    let read = match version {
        0 | 1 => log.read_legacy(request.fetch_offset, limit, min_one, 0),
        2 | 3 => log.read_legacy(request.fetch_offset, limit, min_one, 1),
        // read_committed: nothing at or after the last stable offset.
        _ if read_committed => log.read_below(request.fetch_offset, limit, min_one, stable),
        _ => log.read(request.fetch_offset, limit, min_one),
    };
    // The aborted transactions the returned records overlap, so the
    // consumer can drop their records.
    let aborted_transactions = read_committed.then(|| {
        log.aborted_between(request.fetch_offset, read.end)
            .into_iter()
            .map(|a| AbortedTransaction {
                producer_id: a.producer_id,
                first_offset: a.first_offset,
                ..Default::default()
            })
            .collect()
    });
    PartitionData {
        partition_index: request.partition,
        error_code: 0,
        high_watermark: end,
        last_stable_offset: stable,
        log_start_offset: start,
        current_leader: LeaderIdAndEpoch { leader_id: -1, leader_epoch: -1, ..Default::default() },
        preferred_read_replica: -1,
        records: Some(read.records),
        aborted_transactions,
        ..Default::default()
    }
}

/// The leaders' endpoints a NOT_LEADER_OR_FOLLOWER answer carries (KIP-951).
fn endpoints(state: &State, leaders: Vec<i32>) -> Vec<NodeEndpoint> {
    state
        .nodes_named(leaders)
        .map(|n| NodeEndpoint { node_id: n.id, host: n.host.clone().into(), port: n.port as i32, ..Default::default() })
        .collect()
}
