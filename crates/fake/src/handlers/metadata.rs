//! Metadata: brokers, topics, partitions and their leaders.

use super::Ctx;
use crate::acl::{op, resource, CLUSTER_NAME};
use crate::state::{State, Topic};
use kafka_wire::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_wire::messages::{
    DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse, MetadataRequest, MetadataResponse,
};
use kafka_wire::{ErrorCode, StrBytes};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// What Kafka sends when authorized operations were not asked for.
pub(crate) const OPERATIONS_NOT_ASKED: i32 = i32::MIN;

/// `None` for a request Kafka refuses outright: topic ids, or a null
/// name, before v12 (Kafka's error response would itself not encode, so
/// its connection closes).
pub(crate) fn metadata(ctx: &Ctx<'_>, request: &MetadataRequest) -> Option<MetadataResponse> {
    let version = ctx.version;
    if version < 12 && request.topics.iter().flatten().any(|t| t.name.is_none() || !t.topic_id.is_nil()) {
        return None;
    }
    let mut state = ctx.shared.state();
    let wanted: Option<Vec<(Option<String>, Uuid)>> = match &request.topics {
        Some(topics) if !(version == 0 && topics.is_empty()) => Some(by_id_or_name(topics)),
        _ => None,
    };
    // Before v4 a Metadata request could not opt out of auto-creation.
    let may_create = ctx.shared.settings.auto_create_topics && (version < 4 || request.allow_auto_topic_creation);
    let topics = match wanted {
        // Topics the principal may not describe are left out of a listing.
        None => state
            .topics
            .iter()
            .filter(|(name, _)| ctx.authorize(op::DESCRIBE, resource::TOPIC, name))
            .map(|(name, topic)| describe(&state, name, topic, request, version))
            .collect(),
        Some(wanted) => wanted
            .into_iter()
            .map(|(name, id)| match name {
                Some(name) if !ctx.authorize(op::DESCRIBE, resource::TOPIC, &name) => {
                    error_topic(Some(&name), Uuid::nil(), ErrorCode::TopicAuthorizationFailed)
                }
                Some(name) => by_name(ctx, &mut state, &name, may_create, request),
                // An id the principal may not describe is as good as unknown.
                None => match by_id(&state, id, request, version) {
                    t if t.name.as_deref().is_some_and(|n| !ctx.authorize(op::DESCRIBE, resource::TOPIC, n)) => {
                        error_topic(None, id, ErrorCode::UnknownTopicId)
                    }
                    t => t,
                },
            })
            .collect(),
    };
    let mut topics: Vec<MetadataResponseTopic> = topics;
    if request.include_topic_authorized_operations {
        for topic in topics.iter_mut().filter(|t| t.error_code == 0) {
            let name = topic.name.as_deref().unwrap_or_default();
            topic.topic_authorized_operations = ctx.authorized_operations(resource::TOPIC, name);
        }
    }
    Some(MetadataResponse {
        brokers: brokers(&state),
        cluster_id: Some(StrBytes::from(state.cluster_id.clone())),
        controller_id: 0,
        topics,
        cluster_authorized_operations: if request.include_cluster_authorized_operations {
            ctx.authorized_operations(resource::CLUSTER, CLUSTER_NAME)
        } else {
            OPERATIONS_NOT_ASKED
        },
        ..Default::default()
    })
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

/// The topics a request names, as KafkaApis reads them: when any carries
/// a topic id, the ids alone (Java's client sends a name of "" beside
/// each id), else the names.
fn by_id_or_name(
    topics: &[kafka_wire::messages::metadata_request::MetadataRequestTopic],
) -> Vec<(Option<String>, Uuid)> {
    if topics.iter().any(|t| !t.topic_id.is_nil()) {
        let ids: BTreeSet<Uuid> = topics.iter().map(|t| t.topic_id).filter(|id| !id.is_nil()).collect();
        return ids.into_iter().map(|id| (None, id)).collect();
    }
    topics.iter().map(|t| (t.name.as_deref().map(str::to_owned), t.topic_id)).collect()
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
    _request: &MetadataRequest,
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
        // Filled in by the caller when asked.
        topic_authorized_operations: OPERATIONS_NOT_ASKED,
        ..Default::default()
    }
}

/// DescribeTopicPartitions (KIP-966): Metadata's topics, in name order,
/// paged by a partition limit and a cursor.
pub(crate) fn describe_topic_partitions(
    ctx: &Ctx<'_>,
    request: &DescribeTopicPartitionsRequest,
) -> DescribeTopicPartitionsResponse {
    use kafka_wire::messages::describe_topic_partitions_response::{
        Cursor, DescribeTopicPartitionsResponsePartition as Partition, DescribeTopicPartitionsResponseTopic as TopicOut,
    };
    let state = ctx.shared.state();
    let mut names: Vec<String> = if request.topics.is_empty() {
        state.topics.keys().cloned().collect()
    } else {
        request.topics.iter().map(|t| t.name.to_string()).collect()
    };
    names.sort();
    names.dedup();
    let (start_topic, start_partition) = match &request.cursor {
        Some(c) => (c.topic_name.to_string(), c.partition_index.max(0) as usize),
        None => (String::new(), 0),
    };
    // Topics the principal may not describe: left out of a listing,
    // TOPIC_AUTHORIZATION_FAILED when named.
    let listing = request.topics.is_empty();
    names.retain(|n| !listing || ctx.authorize(op::DESCRIBE, resource::TOPIC, n));
    let mut budget = request.response_partition_limit.max(1) as usize;
    let mut topics = Vec::new();
    let mut next_cursor = None;
    for name in names.into_iter().filter(|n| *n >= start_topic) {
        if !ctx.authorize(op::DESCRIBE, resource::TOPIC, &name) {
            topics.push(TopicOut {
                error_code: ErrorCode::TopicAuthorizationFailed.code(),
                name: Some(name.into()),
                topic_authorized_operations: OPERATIONS_NOT_ASKED,
                ..Default::default()
            });
            continue;
        }
        let Some(topic) = state.topics.get(&name) else {
            topics.push(TopicOut {
                error_code: ErrorCode::UnknownTopicOrPartition.code(),
                name: Some(name.into()),
                topic_authorized_operations: OPERATIONS_NOT_ASKED,
                ..Default::default()
            });
            continue;
        };
        if budget == 0 {
            next_cursor = Some(Cursor { topic_name: name.into(), partition_index: 0, ..Default::default() });
            break;
        }
        let first = if name == start_topic { start_partition } else { 0 };
        let mut partitions = Vec::new();
        for (i, p) in topic.partitions.iter().enumerate().skip(first) {
            if budget == 0 {
                next_cursor =
                    Some(Cursor { topic_name: name.clone().into(), partition_index: i as i32, ..Default::default() });
                break;
            }
            budget -= 1;
            partitions.push(Partition {
                partition_index: i as i32,
                leader_id: p.leader,
                leader_epoch: p.leader_epoch,
                replica_nodes: p.replicas.clone().into(),
                isr_nodes: p.replicas.clone().into(),
                eligible_leader_replicas: Some(Vec::<i32>::new().into()),
                last_known_elr: Some(Vec::<i32>::new().into()),
                offline_replicas: Vec::<i32>::new().into(),
                ..Default::default()
            });
        }
        let topic_authorized_operations = ctx.authorized_operations(resource::TOPIC, &name);
        topics.push(TopicOut {
            name: Some(name.into()),
            topic_id: topic.id,
            topic_authorized_operations,
            partitions,
            ..Default::default()
        });
        if next_cursor.is_some() {
            break;
        }
    }
    DescribeTopicPartitionsResponse { topics, next_cursor, ..Default::default() }
}
