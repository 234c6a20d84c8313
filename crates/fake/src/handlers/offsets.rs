//! ListOffsets, OffsetForLeaderEpoch, DeleteRecords: where a partition's
//! log starts and ends, and what is in between.

use super::Ctx;
use crate::acl::{op, resource};
use crate::state::{Partition, State};
use kafka_wire::messages::delete_records_response::{DeleteRecordsPartitionResult, DeleteRecordsTopicResult};
use kafka_wire::messages::list_offsets_response::{ListOffsetsPartitionResponse, ListOffsetsTopicResponse};
use kafka_wire::messages::offset_for_leader_epoch_response::{EpochEndOffset, OffsetForLeaderTopicResult};
use kafka_wire::messages::{
    DeleteRecordsRequest, DeleteRecordsResponse, ListOffsetsRequest, ListOffsetsResponse, OffsetForLeaderEpochRequest,
    OffsetForLeaderEpochResponse,
};
use kafka_wire::ErrorCode;

/// ListOffsets' special timestamps.
const LATEST: i64 = -1;
const EARLIEST: i64 = -2;
const MAX_TIMESTAMP: i64 = -3;
const EARLIEST_LOCAL: i64 = -4;

/// The partition led by this node, or the error Kafka answers with.
fn led<'s>(
    state: &'s State,
    node: i32,
    topic: &str,
    index: i32,
    epoch: Option<i32>,
) -> Result<&'s Partition, ErrorCode> {
    let partition = state.partition(topic, index).ok_or(ErrorCode::UnknownTopicOrPartition)?;
    if partition.leader != node {
        return Err(ErrorCode::NotLeaderOrFollower);
    }
    match epoch {
        Some(e) if e >= 0 && e < partition.leader_epoch => Err(ErrorCode::FencedLeaderEpoch),
        Some(e) if e > partition.leader_epoch => Err(ErrorCode::UnknownLeaderEpoch),
        _ => Ok(partition),
    }
}

pub(crate) fn list_offsets(ctx: &Ctx<'_>, request: &ListOffsetsRequest) -> ListOffsetsResponse {
    let state = ctx.shared.state();
    let version = ctx.version;
    let topics = request
        .topics
        .iter()
        .map(|topic| ListOffsetsTopicResponse {
            name: topic.name.clone(),
            partitions: topic
                .partitions
                .iter()
                .map(|p| {
                    let mut out = ListOffsetsPartitionResponse {
                        partition_index: p.partition_index,
                        timestamp: -1,
                        offset: -1,
                        leader_epoch: -1,
                        ..Default::default()
                    };
                    let epoch = (version >= 4).then_some(p.current_leader_epoch);
                    let found = if ctx.authorize(op::DESCRIBE, resource::TOPIC, &topic.name) {
                        led(&state, ctx.node(), &topic.name, p.partition_index, epoch)
                    } else {
                        Err(ErrorCode::TopicAuthorizationFailed)
                    };
                    match found {
                        Err(code) => out.error_code = code.code(),
                        Ok(partition) => {
                            let log = &partition.log;
                            // read_committed (v2+) sees up to the last stable offset.
                            let last_fetchable = if version >= 2 && request.isolation_level == 1 {
                                log.last_stable_offset()
                            } else {
                                log.end_offset()
                            };
                            let found = match p.timestamp {
                                LATEST => Some((last_fetchable, -1)),
                                EARLIEST | EARLIEST_LOCAL => Some((log.log_start_offset(), -1)),
                                // A record found by its timestamp past what the
                                // consumer may read is not found, as Kafka's
                                // ReplicaManager answers (no error, offset -1).
                                MAX_TIMESTAMP => log.max_timestamp().filter(|&(o, _)| o < last_fetchable),
                                ts if ts >= 0 => log.offset_for_timestamp(ts).filter(|&(o, _)| o < last_fetchable),
                                // Tiered storage's timestamps: nothing is tiered here.
                                _ => None,
                            };
                            if version == 0 {
                                let offsets: Vec<i64> =
                                    found.map(|(o, _)| o).into_iter().take(p.max_num_offsets.max(0) as usize).collect();
                                out.old_style_offsets = offsets.into();
                            } else if let Some((offset, timestamp)) = found {
                                out.offset = offset;
                                out.timestamp = timestamp;
                                // v4 added the leader epoch; before it the field stays at its default.
                                if version >= 4 {
                                    out.leader_epoch = partition.leader_epoch;
                                }
                            }
                        }
                    }
                    out
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    ListOffsetsResponse { topics, ..Default::default() }
}

pub(crate) fn offset_for_leader_epoch(
    ctx: &Ctx<'_>,
    request: &OffsetForLeaderEpochRequest,
) -> OffsetForLeaderEpochResponse {
    let state = ctx.shared.state();
    let topics = request
        .topics
        .iter()
        .map(|topic| OffsetForLeaderTopicResult {
            topic: topic.topic.clone(),
            partitions: topic
                .partitions
                .iter()
                .map(|p| {
                    let epoch = (ctx.version >= 2).then_some(p.current_leader_epoch);
                    match led(&state, ctx.node(), &topic.topic, p.partition, epoch) {
                        Err(code) => EpochEndOffset {
                            error_code: code.code(),
                            partition: p.partition,
                            leader_epoch: -1,
                            end_offset: -1,
                            ..Default::default()
                        },
                        Ok(partition) => {
                            let (leader_epoch, end_offset) = partition.end_offset_for_epoch(p.leader_epoch);
                            EpochEndOffset { partition: p.partition, leader_epoch, end_offset, ..Default::default() }
                        }
                    }
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    OffsetForLeaderEpochResponse { topics, ..Default::default() }
}

pub(crate) fn delete_records(ctx: &Ctx<'_>, request: &DeleteRecordsRequest) -> DeleteRecordsResponse {
    let mut state = ctx.shared.state();
    let node = ctx.node();
    let topics = request
        .topics
        .iter()
        .map(|topic| DeleteRecordsTopicResult {
            name: topic.name.clone(),
            partitions: topic
                .partitions
                .iter()
                .map(|p| {
                    let mut out = DeleteRecordsPartitionResult {
                        partition_index: p.partition_index,
                        low_watermark: -1,
                        ..Default::default()
                    };
                    if let Err(code) = led(&state, node, &topic.name, p.partition_index, None) {
                        out.error_code = code.code();
                        return out;
                    }
                    let log = &mut state.partition_mut(&topic.name, p.partition_index).expect("checked").log;
                    let offset = if p.offset == -1 { log.end_offset() } else { p.offset };
                    if offset < 0 || offset > log.end_offset() {
                        out.error_code = ErrorCode::OffsetOutOfRange.code();
                        return out;
                    }
                    log.delete_before(offset);
                    out.low_watermark = log.log_start_offset();
                    out
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    DeleteRecordsResponse { topics, ..Default::default() }
}
