//! FindCoordinator and the classic group protocol: JoinGroup, SyncGroup,
//! Heartbeat, LeaveGroup; committed offsets; the group admin apis.

use super::metadata::OPERATIONS_NOT_ASKED;
use super::produce::now_ms;
use super::Ctx;
use crate::acl::{op, resource};
use crate::group::{
    CommitKind, Committed, GroupConfig, GroupState, JoinRequest, JoinResult, Reply, SyncRequest, SyncResult,
    MAX_OFFSET_METADATA, MAX_SESSION_TIMEOUT,
};
use crate::state::State;
use kafka_wire::messages::delete_groups_response::DeletableGroupResult;
use kafka_wire::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_wire::messages::find_coordinator_response::Coordinator;
use kafka_wire::messages::join_group_response::JoinGroupResponseMember;
use kafka_wire::messages::leave_group_response::MemberResponse;
use kafka_wire::messages::list_groups_response::ListedGroup;
use kafka_wire::messages::offset_commit_response::{OffsetCommitResponsePartition, OffsetCommitResponseTopic};
use kafka_wire::messages::offset_delete_response::{OffsetDeleteResponsePartition, OffsetDeleteResponseTopic};
use kafka_wire::messages::offset_fetch_response::{
    OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponsePartitions, OffsetFetchResponseTopic,
    OffsetFetchResponseTopics,
};
use kafka_wire::messages::*;
use kafka_wire::ErrorCode;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;
use uuid::Uuid;

/// FindCoordinator's key types.
const GROUP: i8 = 0;
const TRANSACTION: i8 = 1;

pub(crate) fn find_coordinator(ctx: &Ctx<'_>, request: &FindCoordinatorRequest) -> FindCoordinatorResponse {
    let state = ctx.shared.state();
    let find = |key: &str| -> Coordinator {
        if !matches!(request.key_type, GROUP | TRANSACTION) {
            return Coordinator {
                key: key.into(),
                node_id: -1,
                host: "".into(),
                port: -1,
                error_code: ErrorCode::InvalidRequest.code(),
                error_message: Some(format!("Unknown coordinator type {}", request.key_type).into()),
                ..Default::default()
            };
        }
        let node = state.coordinator_for(key);
        Coordinator {
            key: key.into(),
            node_id: node.id,
            host: node.host.clone().into(),
            port: node.port as i32,
            ..Default::default()
        }
    };
    if ctx.version >= 4 {
        return FindCoordinatorResponse {
            coordinators: request.coordinator_keys.iter().map(|k| find(k)).collect(),
            ..Default::default()
        };
    }
    let c = find(&request.key);
    FindCoordinatorResponse {
        error_code: c.error_code,
        error_message: c.error_message,
        node_id: c.node_id,
        host: c.host,
        port: c.port,
        ..Default::default()
    }
}

/// Kafka's first check of every group request: the group id (empty only
/// where Kafka accepts it: offsets, describe, delete), then whether this
/// broker coordinates the group.
pub(super) fn check_group(state: &State, node: i32, group_id: &str, empty_allowed: bool) -> Result<(), ErrorCode> {
    if group_id.is_empty() && !empty_allowed {
        return Err(ErrorCode::InvalidGroupId);
    }
    if state.coordinator_for(group_id).id != node {
        return Err(ErrorCode::NotCoordinator);
    }
    Ok(())
}

fn millis(ms: i32) -> Duration {
    Duration::from_millis(ms.max(0) as u64)
}

fn config(ctx: &Ctx<'_>) -> GroupConfig {
    GroupConfig {
        min_session_timeout: ctx.shared.settings.min_session_timeout,
        max_session_timeout: MAX_SESSION_TIMEOUT,
        initial_rebalance_delay: ctx.shared.settings.initial_rebalance_delay,
    }
}

async fn answer<T>(reply: Reply<T>, dropped: impl FnOnce() -> T) -> T {
    match reply {
        Reply::Now(result) => result,
        Reply::Wait(rx) => rx.await.unwrap_or_else(|_| dropped()),
    }
}

pub(crate) async fn join_group(ctx: &Ctx<'_>, request: &JoinGroupRequest) -> JoinGroupResponse {
    let version = ctx.version;
    let member_id = request.member_id.to_string();
    let checked = check_group(&ctx.shared.state(), ctx.node(), &request.group_id, false);
    let result = match checked {
        Err(e) => JoinResult::error(&member_id, e),
        Ok(()) => {
            let join = JoinRequest {
                group_id: request.group_id.to_string(),
                member_id: member_id.clone(),
                instance_id: request.group_instance_id.as_deref().map(str::to_owned),
                client_id: ctx.client_id.clone(),
                client_host: ctx.session.peer.clone(),
                session_timeout: millis(request.session_timeout_ms),
                // v0 has no rebalance timeout: Kafka uses the session timeout.
                rebalance_timeout: millis(if version == 0 {
                    request.session_timeout_ms
                } else {
                    request.rebalance_timeout_ms
                }),
                protocol_type: request.protocol_type.to_string(),
                protocols: request.protocols.iter().map(|p| (p.name.to_string(), p.metadata.clone())).collect(),
                require_known_member_id: version >= 4,
                supports_skip_assignment: version >= 9,
            };
            let config = config(ctx);
            let reply = ctx.shared.state().groups.join(&join, Instant::now(), &config);
            answer(reply, || JoinResult::error(&member_id, ErrorCode::UnknownMemberId)).await
        }
    };
    JoinGroupResponse {
        error_code: result.error.code(),
        generation_id: result.generation,
        protocol_type: if version >= 7 { result.protocol_type.map(Into::into) } else { None },
        // Null from v7; before, the empty string.
        protocol_name: match result.protocol {
            Some(p) if !p.is_empty() => Some(p.into()),
            _ if version >= 7 => None,
            _ => Some("".into()),
        },
        leader: result.leader.into(),
        skip_assignment: version >= 9 && result.skip_assignment,
        member_id: result.member_id.into(),
        members: result
            .members
            .into_iter()
            .map(|m| JoinGroupResponseMember {
                member_id: m.member_id.into(),
                group_instance_id: if version >= 5 { m.instance_id.map(Into::into) } else { None },
                metadata: m.metadata,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) async fn sync_group(ctx: &Ctx<'_>, request: &SyncGroupRequest) -> SyncGroupResponse {
    let version = ctx.version;
    let checked = check_group(&ctx.shared.state(), ctx.node(), &request.group_id, false);
    let result = match checked {
        Err(e) => SyncResult::error(e),
        Ok(()) => {
            let sync = SyncRequest {
                group_id: request.group_id.to_string(),
                generation: request.generation_id,
                member_id: request.member_id.to_string(),
                instance_id: request.group_instance_id.as_deref().map(str::to_owned),
                protocol_type: request.protocol_type.as_deref().map(str::to_owned),
                protocol: request.protocol_name.as_deref().map(str::to_owned),
                assignments: request
                    .assignments
                    .iter()
                    .map(|a| (a.member_id.to_string(), a.assignment.clone()))
                    .collect(),
            };
            let reply = ctx.shared.state().groups.sync(&sync, Instant::now());
            answer(reply, || SyncResult::error(ErrorCode::UnknownMemberId)).await
        }
    };
    SyncGroupResponse {
        error_code: result.error.code(),
        protocol_type: if version >= 5 { result.protocol_type.map(Into::into) } else { None },
        protocol_name: if version >= 5 { result.protocol.map(Into::into) } else { None },
        assignment: result.assignment,
        ..Default::default()
    }
}

pub(crate) fn heartbeat(ctx: &Ctx<'_>, request: &HeartbeatRequest) -> HeartbeatResponse {
    let mut state = ctx.shared.state();
    let error = match check_group(&state, ctx.node(), &request.group_id, false) {
        Err(e) => e,
        Ok(()) => state.groups.heartbeat(
            &request.group_id,
            request.generation_id,
            &request.member_id,
            request.group_instance_id.as_deref(),
            Instant::now(),
        ),
    };
    HeartbeatResponse { error_code: error.code(), ..Default::default() }
}

pub(crate) fn leave_group(ctx: &Ctx<'_>, request: &LeaveGroupRequest) -> LeaveGroupResponse {
    let version = ctx.version;
    let mut state = ctx.shared.state();
    if let Err(e) = check_group(&state, ctx.node(), &request.group_id, false) {
        return LeaveGroupResponse { error_code: e.code(), ..Default::default() };
    }
    let leaving: Vec<(String, Option<String>)> = if version >= 3 {
        request
            .members
            .iter()
            .map(|m| (m.member_id.to_string(), m.group_instance_id.as_deref().map(str::to_owned)))
            .collect()
    } else {
        vec![(request.member_id.to_string(), None)]
    };
    let errors = state.groups.leave(&request.group_id, &leaving, Instant::now());
    if version < 3 {
        // One member: its error is the answer's.
        let error = errors.first().copied().unwrap_or(ErrorCode::None);
        return LeaveGroupResponse { error_code: error.code(), ..Default::default() };
    }
    LeaveGroupResponse {
        members: leaving
            .into_iter()
            .zip(errors)
            .map(|((member_id, instance_id), error)| MemberResponse {
                member_id: member_id.into(),
                group_instance_id: instance_id.map(Into::into),
                error_code: error.code(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// Whether committed metadata is too long (Kafka counts Java chars).
fn metadata_too_large(metadata: Option<&str>) -> bool {
    metadata.is_some_and(|m| m.encode_utf16().count() > MAX_OFFSET_METADATA)
}

pub(crate) fn offset_commit(ctx: &Ctx<'_>, request: &OffsetCommitRequest) -> OffsetCommitResponse {
    let version = ctx.version;
    let now_ms = now_ms();
    let mut guard = ctx.shared.state();
    let state = &mut *guard;
    let group_id = request.group_id.as_str();
    let group_error = check_group(state, ctx.node(), group_id, true).err();
    // Each topic's name, or the error of every partition of it.
    let names: Vec<Result<String, ErrorCode>> = request
        .topics
        .iter()
        .map(|t| {
            if version >= 10 {
                state.topic_name(t.topic_id).map(str::to_owned).ok_or(ErrorCode::UnknownTopicId)
            } else {
                Ok(t.name.to_string())
            }
        })
        .collect();
    let known = |name: &Result<String, ErrorCode>, partition: i32| -> Result<(), ErrorCode> {
        let name = name.as_ref().map_err(|e| *e)?;
        if !ctx.authorize(op::READ, resource::TOPIC, name) {
            return Err(ErrorCode::TopicAuthorizationFailed);
        }
        state.partition(name, partition).map(|_| ()).ok_or(ErrorCode::UnknownTopicOrPartition)
    };
    let mut errors: Vec<Vec<Result<(), ErrorCode>>> = request
        .topics
        .iter()
        .zip(&names)
        .map(|(t, name)| t.partitions.iter().map(|p| known(name, p.partition_index)).collect())
        .collect();
    let any_valid = errors.iter().flatten().any(Result::is_ok);
    if any_valid {
        let checked = match group_error {
            Some(e) => Err(e),
            None => state.groups.check_commit(
                group_id,
                if version >= 1 { request.generation_id_or_member_epoch } else { -1 },
                &request.member_id,
                request.group_instance_id.as_deref(),
                CommitKind::Plain { version },
                Instant::now(),
            ),
        };
        for ((topic, name), results) in request.topics.iter().zip(&names).zip(&mut errors) {
            for (p, result) in topic.partitions.iter().zip(results.iter_mut()) {
                if result.is_err() {
                    continue;
                }
                if let Err(e) = checked {
                    *result = Err(e);
                    continue;
                }
                let metadata = p.committed_metadata.as_deref();
                if metadata_too_large(metadata) {
                    *result = Err(ErrorCode::OffsetMetadataTooLarge);
                    continue;
                }
                let committed = Committed {
                    offset: p.committed_offset,
                    leader_epoch: if version >= 6 { p.committed_leader_epoch } else { -1 },
                    // Kafka stores a null metadata as the empty string.
                    metadata: Some(metadata.unwrap_or_default().to_owned()),
                    commit_timestamp: if version == 1 && p.commit_timestamp != -1 {
                        p.commit_timestamp
                    } else {
                        now_ms
                    },
                };
                let name = name.as_ref().expect("a known topic");
                state.groups.commit(group_id, name, p.partition_index, committed);
            }
        }
    }
    OffsetCommitResponse {
        topics: request
            .topics
            .iter()
            .zip(errors)
            .map(|(t, results)| OffsetCommitResponseTopic {
                name: t.name.clone(),
                topic_id: t.topic_id,
                partitions: t
                    .partitions
                    .iter()
                    .zip(results)
                    .map(|(p, r)| OffsetCommitResponsePartition {
                        partition_index: p.partition_index,
                        error_code: r.err().unwrap_or(ErrorCode::None).code(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// One partition's committed offset as OffsetFetch answers it: offset,
/// leader epoch, metadata, error. Nothing committed is offset -1 and no
/// error, as Kafka answers.
fn fetched(state: &State, group: &str, topic: &str, partition: i32) -> (i64, i32, String) {
    match state.groups.committed(group, topic, partition) {
        Some(c) => (c.offset, c.leader_epoch, c.metadata.clone().unwrap_or_default()),
        None => (-1, -1, String::new()),
    }
}

/// Whether an open transaction holds an offset for the partition
/// (OffsetFetch's `require_stable` then answers UNSTABLE_OFFSET_COMMIT).
fn unstable(state: &State, group: &str, topic: &str, partition: i32) -> bool {
    state.txns.pending_offset(group, topic, partition)
}

/// The topics and partitions a group committed, by topic.
fn all_committed(state: &State, group: &str) -> BTreeMap<String, Vec<i32>> {
    let mut out: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    for (topic, partition) in state.groups.offsets(group).into_iter().flat_map(|o| o.keys()) {
        out.entry(topic.clone()).or_default().push(*partition);
    }
    out
}

pub(crate) fn offset_fetch(ctx: &Ctx<'_>, request: &OffsetFetchRequest) -> OffsetFetchResponse {
    let version = ctx.version;
    let state = ctx.shared.state();
    if version >= 8 {
        let groups =
            request.groups.iter().map(|g| offset_fetch_group(ctx, &state, g, request.require_stable)).collect();
        return OffsetFetchResponse { groups, ..Default::default() };
    }
    let group = request.group_id.as_str();
    let wanted: Vec<(String, Vec<i32>)> = match &request.topics {
        Some(topics) => topics.iter().map(|t| (t.name.to_string(), t.partition_indexes.to_vec())).collect(),
        None => all_committed(&state, group).into_iter().collect(),
    };
    let error = check_group(&state, ctx.node(), group, true).err();
    let require_stable = version >= 7 && request.require_stable;
    if let Some(e) = error {
        if version >= 2 {
            return OffsetFetchResponse { error_code: e.code(), ..Default::default() };
        }
    }
    let topics = wanted
        .into_iter()
        .map(|(name, partitions)| OffsetFetchResponseTopic {
            partitions: partitions
                .into_iter()
                .map(|partition| {
                    let unstable = error.is_none() && require_stable && unstable(&state, group, &name, partition);
                    let (offset, epoch, metadata) = match error {
                        // v0-1 have no top-level error: every partition carries it.
                        Some(_) => (-1, -1, String::new()),
                        None if unstable => (-1, -1, String::new()),
                        None => fetched(&state, group, &name, partition),
                    };
                    let partition_error = if unstable { Some(ErrorCode::UnstableOffsetCommit) } else { error };
                    OffsetFetchResponsePartition {
                        partition_index: partition,
                        committed_offset: offset,
                        committed_leader_epoch: epoch,
                        metadata: Some(metadata.into()),
                        error_code: partition_error.unwrap_or(ErrorCode::None).code(),
                        ..Default::default()
                    }
                })
                .collect(),
            name: name.into(),
            ..Default::default()
        })
        .collect();
    OffsetFetchResponse { topics, ..Default::default() }
}

fn offset_fetch_group(
    ctx: &Ctx<'_>,
    state: &State,
    request: &offset_fetch_request::OffsetFetchRequestGroup,
    require_stable: bool,
) -> OffsetFetchResponseGroup {
    let version = ctx.version;
    let group = request.group_id.as_str();
    let authorized = if ctx.authorize(op::DESCRIBE, resource::GROUP, group) {
        Ok(())
    } else {
        Err(ErrorCode::GroupAuthorizationFailed)
    };
    let member_checked = |()| {
        // From v9 a member of a consumer group fetches at its member epoch.
        if version >= 9 {
            state.groups.check_offset_fetch(group, request.member_id.as_deref(), request.member_epoch)
        } else {
            Ok(())
        }
    };
    let checked = authorized.and_then(|()| check_group(state, ctx.node(), group, true)).and_then(member_checked);
    if let Err(e) = checked {
        return OffsetFetchResponseGroup {
            group_id: request.group_id.clone(),
            error_code: e.code(),
            ..Default::default()
        };
    }
    // (name, topic id, partitions, error for every partition)
    let wanted: Vec<(String, Uuid, Vec<i32>, Option<ErrorCode>)> = match &request.topics {
        Some(topics) => topics
            .iter()
            .map(|t| {
                if version >= 10 {
                    match state.topic_name(t.topic_id) {
                        Some(name) => (name.to_owned(), t.topic_id, t.partition_indexes.to_vec(), None),
                        None => {
                            (String::new(), t.topic_id, t.partition_indexes.to_vec(), Some(ErrorCode::UnknownTopicId))
                        }
                    }
                } else {
                    (t.name.to_string(), Uuid::nil(), t.partition_indexes.to_vec(), None)
                }
            })
            .collect(),
        None => all_committed(state, group)
            .into_iter()
            .filter_map(|(name, partitions)| {
                let id = state.topics.get(&name).map(|t| t.id);
                // With topic ids, a topic that is gone cannot be named.
                if version >= 10 && id.is_none() {
                    return None;
                }
                Some((name, id.unwrap_or_default(), partitions, None))
            })
            .collect(),
    };
    OffsetFetchResponseGroup {
        group_id: request.group_id.clone(),
        topics: wanted
            .into_iter()
            .map(|(name, topic_id, partitions, error)| OffsetFetchResponseTopics {
                partitions: partitions
                    .into_iter()
                    .map(|partition| {
                        if error.is_none() && require_stable && unstable(state, group, &name, partition) {
                            return OffsetFetchResponsePartitions {
                                partition_index: partition,
                                committed_offset: -1,
                                committed_leader_epoch: -1,
                                metadata: Some("".into()),
                                error_code: ErrorCode::UnstableOffsetCommit.code(),
                                ..Default::default()
                            };
                        }
                        let (offset, epoch, metadata) = match error {
                            Some(_) => (-1, -1, String::new()),
                            None => fetched(state, group, &name, partition),
                        };
                        OffsetFetchResponsePartitions {
                            partition_index: partition,
                            committed_offset: offset,
                            committed_leader_epoch: epoch,
                            metadata: Some(metadata.into()),
                            error_code: error.unwrap_or(ErrorCode::None).code(),
                            ..Default::default()
                        }
                    })
                    .collect(),
                name: if version >= 10 { "".into() } else { name.into() },
                topic_id: if version >= 10 { topic_id } else { Uuid::nil() },
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn offset_delete(ctx: &Ctx<'_>, request: &OffsetDeleteRequest) -> OffsetDeleteResponse {
    let mut guard = ctx.shared.state();
    let state = &mut *guard;
    if let Err(e) = check_group(state, ctx.node(), &request.group_id, false) {
        return OffsetDeleteResponse { error_code: e.code(), ..Default::default() };
    }
    let mut errors: BTreeMap<(String, i32), ErrorCode> = BTreeMap::new();
    let mut known = Vec::new();
    for topic in &request.topics {
        for p in &topic.partitions {
            let key = (topic.name.to_string(), p.partition_index);
            if state.partition(&topic.name, p.partition_index).is_some() {
                known.push(key);
            } else {
                errors.insert(key, ErrorCode::UnknownTopicOrPartition);
            }
        }
    }
    match state.groups.delete_offsets(&request.group_id, &known) {
        Err(e) => return OffsetDeleteResponse { error_code: e.code(), ..Default::default() },
        Ok(results) => errors.extend(known.into_iter().zip(results)),
    }
    OffsetDeleteResponse {
        topics: request
            .topics
            .iter()
            .map(|t| OffsetDeleteResponseTopic {
                name: t.name.clone(),
                partitions: t
                    .partitions
                    .iter()
                    .map(|p| OffsetDeleteResponsePartition {
                        partition_index: p.partition_index,
                        error_code: errors[&(t.name.to_string(), p.partition_index)].code(),
                    })
                    .collect(),
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn describe_groups(ctx: &Ctx<'_>, request: &DescribeGroupsRequest) -> DescribeGroupsResponse {
    let version = ctx.version;
    let state = ctx.shared.state();
    let asked = version >= 3 && request.include_authorized_operations;
    let groups = request
        .groups
        .iter()
        .map(|id| {
            let operations = if asked { ctx.authorized_operations(resource::GROUP, id) } else { OPERATIONS_NOT_ASKED };
            let base = DescribedGroup { group_id: id.clone(), authorized_operations: operations, ..Default::default() };
            let authorized = if ctx.authorize(op::DESCRIBE, resource::GROUP, id) {
                Ok(())
            } else {
                Err(ErrorCode::GroupAuthorizationFailed)
            };
            if let Err(e) = authorized.and_then(|()| check_group(&state, ctx.node(), id, true)) {
                return DescribedGroup { error_code: e.code(), authorized_operations: OPERATIONS_NOT_ASKED, ..base };
            }
            let Some(group) = state.groups.describe(id) else {
                // Kafka describes a group it does not know (or a consumer
                // group) as Dead; from v6 it also says GROUP_ID_NOT_FOUND.
                let message = if state.groups.exists(id) {
                    format!("Group {id} is not a classic group.")
                } else {
                    format!("Group {id} not found.")
                };
                let (error_code, error_message) =
                    if version >= 6 { (ErrorCode::GroupIdNotFound.code(), Some(message.into())) } else { (0, None) };
                return DescribedGroup {
                    error_code,
                    error_message,
                    group_state: GroupState::Dead.name().into(),
                    authorized_operations: OPERATIONS_NOT_ASKED,
                    ..base
                };
            };
            DescribedGroup {
                group_state: group.state.name().into(),
                protocol_type: group.protocol_type.into(),
                protocol_data: group.protocol.into(),
                members: group
                    .members
                    .into_iter()
                    .map(|m| DescribedGroupMember {
                        member_id: m.member_id.into(),
                        group_instance_id: if version >= 4 { m.instance_id.map(Into::into) } else { None },
                        client_id: m.client_id.into(),
                        client_host: m.client_host.into(),
                        member_metadata: m.metadata,
                        member_assignment: m.assignment,
                        ..Default::default()
                    })
                    .collect(),
                ..base
            }
        })
        .collect();
    DescribeGroupsResponse { groups, ..Default::default() }
}

pub(crate) fn list_groups(ctx: &Ctx<'_>, request: &ListGroupsRequest) -> ListGroupsResponse {
    let version = ctx.version;
    let state = ctx.shared.state();
    let states: Vec<String> =
        if version >= 4 { request.states_filter.iter().map(|s| s.to_lowercase()).collect() } else { Vec::new() };
    let types: Vec<String> =
        if version >= 5 { request.types_filter.iter().map(|s| s.to_lowercase()).collect() } else { Vec::new() };
    // CLUSTER DESCRIBE lists every group; otherwise those the principal
    // may describe.
    let all = ctx.authorize_cluster(op::DESCRIBE);
    let groups = state
        .groups
        .list()
        // Each broker lists the groups it coordinates.
        .filter(|(id, ..)| state.coordinator_for(id).id == ctx.node())
        .filter(|(id, ..)| all || ctx.authorize(op::DESCRIBE, resource::GROUP, id))
        .filter(|(_, _, s, _)| states.is_empty() || states.contains(&s.to_lowercase()))
        .filter(|(.., group_type)| types.is_empty() || types.iter().any(|t| t == group_type))
        .map(|(id, protocol_type, s, group_type)| ListedGroup {
            group_id: id.into(),
            protocol_type: protocol_type.into(),
            group_state: s.into(),
            group_type: group_type.into(),
            ..Default::default()
        })
        .collect();
    ListGroupsResponse { groups, ..Default::default() }
}

pub(crate) fn delete_groups(ctx: &Ctx<'_>, request: &DeleteGroupsRequest) -> DeleteGroupsResponse {
    let mut state = ctx.shared.state();
    let results = request
        .groups_names
        .iter()
        .map(|id| {
            let authorized = ctx.authorize(op::DELETE, resource::GROUP, id);
            let error = match check_group(&state, ctx.node(), id, true) {
                _ if !authorized => ErrorCode::GroupAuthorizationFailed,
                Err(e) => e,
                Ok(()) => state.groups.delete(id),
            };
            DeletableGroupResult { group_id: id.clone(), error_code: error.code(), ..Default::default() }
        })
        .collect();
    DeleteGroupsResponse { results, ..Default::default() }
}
