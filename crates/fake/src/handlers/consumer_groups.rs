//! The consumer group protocol of KIP-848: ConsumerGroupHeartbeat and
//! ConsumerGroupDescribe.

use super::groups::check_group;
use super::metadata::OPERATIONS_NOT_ASKED;
use super::Ctx;
use crate::acl::{op, resource};
use crate::consumer_group::{self, ConsumerConfig, ConsumerGroup, Heartbeat, Partitions, Topics};
use crate::state::State;
use kafka_wire::messages::consumer_group_describe_response::{self as describe, DescribedGroup};
use kafka_wire::messages::consumer_group_heartbeat_response::{Assignment, TopicPartitions};
use kafka_wire::messages::*;
use kafka_wire::ErrorCode;
use tokio::time::Instant;

/// ConsumerGroupDescribe's `MemberType` of a member of the consumer protocol.
const CONSUMER_MEMBER: i8 = 1;

fn read(ctx: &Ctx<'_>, request: &ConsumerGroupHeartbeatRequest) -> Heartbeat {
    let strings = |s: &Option<kafka_wire::StrBytes>| s.as_deref().map(str::to_owned);
    Heartbeat {
        member_id: request.member_id.to_string(),
        member_epoch: request.member_epoch,
        instance_id: strings(&request.instance_id),
        rack_id: strings(&request.rack_id),
        rebalance_timeout_ms: request.rebalance_timeout_ms,
        subscribed_topic_names: request
            .subscribed_topic_names
            .as_ref()
            .map(|names| names.iter().map(|n| n.to_string()).collect()),
        subscribed_topic_regex: strings(&request.subscribed_topic_regex),
        server_assignor: strings(&request.server_assignor),
        owned: request.topic_partitions.as_ref().map(|topics| {
            let mut owned = Partitions::new();
            for t in topics {
                owned.entry(t.topic_id).or_default().extend(t.partitions.iter());
            }
            owned
        }),
        client_id: ctx.client_id.clone(),
        client_host: ctx.session.peer.clone(),
    }
}

/// The topics as a consumer group sees them.
fn topics(state: &State) -> Topics {
    state.topics.iter().map(|(name, t)| (name.clone(), (t.id, t.partitions.len() as i32))).collect()
}

fn config(ctx: &Ctx<'_>) -> ConsumerConfig {
    ConsumerConfig {
        session_timeout: ctx.shared.settings.consumer_session_timeout,
        heartbeat_interval: ctx.shared.settings.consumer_heartbeat_interval,
    }
}

fn refused(error: ErrorCode, message: Option<String>) -> ConsumerGroupHeartbeatResponse {
    ConsumerGroupHeartbeatResponse {
        error_code: error.code(),
        error_message: message.map(Into::into),
        ..Default::default()
    }
}

/// KafkaApis' topic check: every subscribed topic must be describable.
fn unauthorized_topics(ctx: &Ctx<'_>, hb: &Heartbeat) -> Option<String> {
    let names = hb.subscribed_topic_names.as_deref().unwrap_or_default();
    let denied: Vec<&str> =
        names.iter().map(String::as_str).filter(|t| !ctx.authorize(op::DESCRIBE, resource::TOPIC, t)).collect();
    (!denied.is_empty())
        .then(|| format!("The group has subscribed to topics that are not authorized: {}.", denied.join(", ")))
}

pub(crate) fn heartbeat(ctx: &Ctx<'_>, request: &ConsumerGroupHeartbeatRequest) -> ConsumerGroupHeartbeatResponse {
    let hb = read(ctx, request);
    if let Some(message) = unauthorized_topics(ctx, &hb) {
        return refused(ErrorCode::TopicAuthorizationFailed, Some(message));
    }
    // The coordinator service checks the request before it is routed.
    if let Err(r) = consumer_group::validate(&request.group_id, &hb, ctx.version) {
        return refused(r.error, Some(r.message));
    }
    let mut guard = ctx.shared.state();
    let state = &mut *guard;
    if let Err(e) = check_group(state, ctx.node(), &request.group_id, false) {
        return refused(e, None);
    }
    let config = config(ctx);
    let topics = topics(state);
    match state.groups.consumer_heartbeat(&request.group_id, &hb, &topics, Instant::now(), &config) {
        Err(r) => refused(r.error, Some(r.message)),
        Ok(answer) => ConsumerGroupHeartbeatResponse {
            member_id: Some(answer.member_id.into()),
            member_epoch: answer.member_epoch,
            // A member that left is told nothing more.
            heartbeat_interval_ms: if answer.member_epoch < 0 {
                0
            } else {
                config.heartbeat_interval.as_millis() as i32
            },
            assignment: answer.assignment.map(|a| Assignment {
                topic_partitions: a
                    .into_iter()
                    .map(|(topic_id, ps)| TopicPartitions {
                        topic_id,
                        partitions: ps.into_iter().collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
            ..Default::default()
        },
    }
}

/// Partitions as ConsumerGroupDescribe lists them, with topic names
/// (a topic that is gone has none: it is left out, as Kafka leaves it).
fn described(state: &State, partitions: &Partitions) -> describe::Assignment {
    describe::Assignment {
        topic_partitions: partitions
            .iter()
            .filter_map(|(id, ps)| {
                Some(describe::TopicPartitions {
                    topic_id: *id,
                    topic_name: state.topic_name(*id)?.to_owned().into(),
                    partitions: ps.iter().copied().collect(),
                    ..Default::default()
                })
            })
            .collect(),
        ..Default::default()
    }
}

fn describe_group(state: &State, id: &kafka_wire::StrBytes, group: &ConsumerGroup) -> DescribedGroup {
    let none = Partitions::new();
    DescribedGroup {
        group_id: id.clone(),
        group_state: group.state().into(),
        group_epoch: group.epoch,
        assignment_epoch: group.assignment_epoch,
        assignor_name: group.assignor().into(),
        members: group
            .members
            .values()
            .map(|m| describe::Member {
                member_id: m.id.clone().into(),
                instance_id: m.instance_id.clone().map(Into::into),
                rack_id: m.rack_id.clone().map(Into::into),
                member_epoch: m.epoch,
                client_id: m.client_id.clone().into(),
                client_host: m.client_host.clone().into(),
                subscribed_topic_names: m.subscribed.iter().map(|t| t.clone().into()).collect(),
                subscribed_topic_regex: m.regex.as_ref().map(|r| r.source.clone().into()),
                assignment: described(state, &m.assigned),
                target_assignment: described(state, group.target.get(&m.id).unwrap_or(&none)),
                member_type: CONSUMER_MEMBER,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// ConsumerGroupDescribe: a consumer group's members, their assignments
/// and targets; a classic group is not a consumer group.
pub(crate) fn describe(ctx: &Ctx<'_>, request: &ConsumerGroupDescribeRequest) -> ConsumerGroupDescribeResponse {
    let state = ctx.shared.state();
    let groups = request
        .group_ids
        .iter()
        .map(|id| {
            let error = |code: ErrorCode, message: Option<String>| DescribedGroup {
                error_code: code.code(),
                error_message: message.map(Into::into),
                group_id: id.clone(),
                authorized_operations: OPERATIONS_NOT_ASKED,
                ..Default::default()
            };
            if !ctx.authorize(op::DESCRIBE, resource::GROUP, id) {
                return error(ErrorCode::GroupAuthorizationFailed, None);
            }
            if let Err(e) = check_group(&state, ctx.node(), id, true) {
                return error(e, None);
            }
            match state.groups.consumer_group(id) {
                Some(group) => DescribedGroup {
                    authorized_operations: if request.include_authorized_operations {
                        ctx.authorized_operations(resource::GROUP, id)
                    } else {
                        OPERATIONS_NOT_ASKED
                    },
                    ..describe_group(&state, id, group)
                },
                None if state.groups.exists(id) => {
                    error(ErrorCode::GroupIdNotFound, Some(format!("Group {id} is not a consumer group.")))
                }
                None => error(ErrorCode::GroupIdNotFound, Some(format!("Group {id} not found."))),
            }
        })
        .collect();
    ConsumerGroupDescribeResponse { groups, ..Default::default() }
}
