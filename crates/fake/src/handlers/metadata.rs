//! Metadata and DescribeTopicPartitions: brokers, topics, partitions and
//! their leaders.

use super::Ctx;
use crate::state::{State, Topic};
use kafka_wire::messages::describe_topic_partitions_response::{
    self, DescribeTopicPartitionsResponsePartition, DescribeTopicPartitionsResponseTopic,
};
use kafka_wire::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_wire::messages::{
    DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse, MetadataRequest, MetadataResponse,
};
use kafka_wire::{ErrorCode, StrBytes};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Every operation a principal may be authorized for (no ACLs here):
/// Kafka's bit field of READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE,
/// DESCRIBE_CONFIGS and ALTER_CONFIGS on a topic.
pub(crate) const TOPIC_OPERATIONS: i32 = 0b1101_1111_1000;
/// ... and on the cluster: CREATE, ALTER, DESCRIBE, CLUSTER_ACTION,
/// DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
pub(crate) const CLUSTER_OPERATIONS: i32 = 0b1_1111_1010_0000;
/// What Kafka sends when authorized operations were not asked for.
pub(crate) const OPERATIONS_NOT_ASKED: i32 = i32::MIN;

pub(crate) fn metadata(ctx: &Ctx<'_>, request: &MetadataRequest) -> MetadataResponse {
    let version = ctx.version;
    let mut state = ctx.shared.state();
    let wanted: Option<Vec<(Option<String>, Uuid)>> = match &request.topics {
        Some(topics) if !(version == 0 && topics.is_empty()) => {
            Some(topics.iter().map(|t| (t.name.as_deref().map(str::to_owned), t.topic_id)).collect())
        }
        _ => None,
    };
    // Before v4 a Metadata request could not opt out of auto-creation.
    let may_create = ctx.shared.settings.auto_create_topics && (version < 4 || request.allow_auto_topic_creation);
    let topics = match wanted {
        None => state.topics.iter().map(|(name, topic)| describe(&state, name, topic, request, version)).collect(),
        Some(wanted) => wanted
            .into_iter()
            .map(|(name, id)| match name {
                Some(name) => by_name(ctx, &mut state, &name, may_create, request),
                None => by_id(&state, id, request, version),
            })
            .collect(),
    };
    MetadataResponse {
        brokers: brokers(&state),
        cluster_id: Some(StrBytes::from(state.cluster_id.clone())),
        controller_id: 0,
        topics,
        cluster_authorized_operations: if request.include_cluster_authorized_operations {
            CLUSTER_OPERATIONS
        } else {
            OPERATIONS_NOT_ASKED
        },
        ..Default::default()
    }
}

pub(crate) fn brokers(state: &State) -> Vec<MetadataResponseBroker> {
    state
        .nodes
        .iter()
        .map(|n| MetadataResponseBroker {
            node_id: n.id,
            host: StrBytes::from(n.host.clone()),
            port: n.port as i32,
            rack: None,
            ..Default::default()
        })
        .collect()
}

fn by_name(
    ctx: &Ctx<'_>,
    state: &mut State,
    name: &str,
    may_create: bool,
    request: &MetadataRequest,
) -> MetadataResponseTopic {
    if !state.topics.contains_key(name) && may_create {
        let partitions = ctx.shared.settings.default_partitions;
        if let Err(e) = state.create_topic(name, partitions, 1, BTreeMap::new()) {
            return error_topic(Some(name), Uuid::nil(), e.code);
        }
    }
    match state.topics.get(name) {
        Some(topic) => describe(state, name, topic, request, ctx.version),
        None => error_topic(Some(name), Uuid::nil(), ErrorCode::UnknownTopicOrPartition),
    }
}

fn by_id(state: &State, id: Uuid, request: &MetadataRequest, version: i16) -> MetadataResponseTopic {
    match state.topic_name(id) {
        Some(name) => describe(state, name, &state.topics[name], request, version),
        None => error_topic(None, id, ErrorCode::UnknownTopicId),
    }
}

fn error_topic(name: Option<&str>, id: Uuid, code: ErrorCode) -> MetadataResponseTopic {
    MetadataResponseTopic {
        error_code: code.code(),
        name: name.map(|n| StrBytes::from(n.to_owned())),
        topic_id: id,
        topic_authorized_operations: OPERATIONS_NOT_ASKED,
        ..Default::default()
    }
}

fn describe(
    _state: &State,
    name: &str,
    topic: &Topic,
    request: &MetadataRequest,
    _version: i16,
) -> MetadataResponseTopic {
    MetadataResponseTopic {
        error_code: 0,
        name: Some(StrBytes::from(name.to_owned())),
        topic_id: topic.id,
        is_internal: false,
        partitions: topic
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| MetadataResponsePartition {
                error_code: 0,
                partition_index: i as i32,
                leader_id: p.leader,
                leader_epoch: p.leader_epoch,
                replica_nodes: p.replicas.clone().into(),
                isr_nodes: p.replicas.clone().into(),
                offline_replicas: Vec::<i32>::new().into(),
                ..Default::default()
            })
            .collect(),
        topic_authorized_operations: if request.include_topic_authorized_operations {
            TOPIC_OPERATIONS
        } else {
            OPERATIONS_NOT_ASKED
        },
        ..Default::default()
    }
}

/// The most partitions a DescribeTopicPartitions answer holds (Kafka's
/// `max.request.partition.size.limit`).
const MAX_PARTITIONS_PER_RESPONSE: i32 = 2000;

/// DescribeTopicPartitions (KIP-966): the topics asked for (every topic
/// when none is named), by name, with their partitions, at most the
/// request's limit of partitions per response, continued from the cursor.
pub(crate) fn describe_topic_partitions(
    ctx: &Ctx<'_>,
    request: &DescribeTopicPartitionsRequest,
) -> DescribeTopicPartitionsResponse {
    let state = ctx.shared.state();
    let mut names: Vec<String> = if request.topics.is_empty() {
        state.topics.keys().cloned().collect()
    } else {
        request.topics.iter().map(|t| t.name.to_string()).collect()
    };
    names.sort();
    names.dedup();
    let mut start = 0;
    if let Some(cursor) = &request.cursor {
        if !names.iter().any(|n| **n == *cursor.topic_name) {
            // Kafka fails the whole request: the cursor must name a topic asked for.
            return DescribeTopicPartitionsResponse {
                topics: vec![DescribeTopicPartitionsResponseTopic {
                    error_code: ErrorCode::InvalidRequest.code(),
                    name: Some(cursor.topic_name.clone()),
                    topic_authorized_operations: OPERATIONS_NOT_ASKED,
                    ..Default::default()
                }],
                ..Default::default()
            };
        }
        names.retain(|n| **n >= *cursor.topic_name);
        start = cursor.partition_index.max(0) as usize;
    }
    let mut remaining = request.response_partition_limit.clamp(1, MAX_PARTITIONS_PER_RESPONSE) as usize;
    let mut topics = Vec::new();
    let mut next_cursor = None;
    for (i, name) in names.iter().enumerate() {
        let first = if i == 0 { start } else { 0 };
        let Some(topic) = state.topics.get(name) else {
            topics.push(DescribeTopicPartitionsResponseTopic {
                error_code: ErrorCode::UnknownTopicOrPartition.code(),
                name: Some(StrBytes::from(name.clone())),
                topic_authorized_operations: OPERATIONS_NOT_ASKED,
                ..Default::default()
            });
            continue;
        };
        if remaining == 0 {
            next_cursor = Some(describe_topic_partitions_response::Cursor {
                topic_name: StrBytes::from(name.clone()),
                partition_index: first as i32,
                ..Default::default()
            });
            break;
        }
        let partitions: Vec<_> = topic
            .partitions
            .iter()
            .enumerate()
            .skip(first)
            .take(remaining)
            .map(|(index, p)| DescribeTopicPartitionsResponsePartition {
                partition_index: index as i32,
                leader_id: p.leader,
                leader_epoch: p.leader_epoch,
                replica_nodes: p.replicas.clone().into(),
                isr_nodes: p.replicas.clone().into(),
                eligible_leader_replicas: Some(Vec::<i32>::new().into()),
                last_known_elr: Some(Vec::<i32>::new().into()),
                offline_replicas: Vec::<i32>::new().into(),
                ..Default::default()
            })
            .collect();
        remaining -= partitions.len();
        let next = first + partitions.len();
        topics.push(DescribeTopicPartitionsResponseTopic {
            name: Some(StrBytes::from(name.clone())),
            topic_id: topic.id,
            partitions,
            topic_authorized_operations: TOPIC_OPERATIONS,
            ..Default::default()
        });
        if next < topic.partitions.len() {
            next_cursor = Some(describe_topic_partitions_response::Cursor {
                topic_name: StrBytes::from(name.clone()),
                partition_index: next as i32,
                ..Default::default()
            });
            break;
        }
    }
    DescribeTopicPartitionsResponse { topics, next_cursor, ..Default::default() }
}
