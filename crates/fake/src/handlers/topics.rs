//! CreateTopics, DeleteTopics, CreatePartitions.

use super::Ctx;
use crate::acl::{op, resource};
use crate::state::{validate_topic_name, TopicError};
use kafka_wire::messages::create_partitions_response::CreatePartitionsTopicResult;
use kafka_wire::messages::create_topics_response::{CreatableTopicConfigs, CreatableTopicResult};
use kafka_wire::messages::delete_topics_response::DeletableTopicResult;
use kafka_wire::messages::{
    CreatePartitionsRequest, CreatePartitionsResponse, CreateTopicsRequest, CreateTopicsResponse, DeleteTopicsRequest,
    DeleteTopicsResponse,
};
use kafka_wire::{ErrorCode, StrBytes};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Kafka's `DYNAMIC_TOPIC_CONFIG` config source.
const DYNAMIC_TOPIC_CONFIG: i8 = 1;

pub(crate) fn create_topics(ctx: &Ctx<'_>, request: &CreateTopicsRequest) -> CreateTopicsResponse {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for topic in &request.topics {
        *seen.entry(&topic.name).or_default() += 1;
    }
    let cluster_create = ctx.authorize_cluster(op::CREATE);
    let mut state = ctx.shared.state();
    let brokers = state.nodes.len() as i16;
    let default_partitions = ctx.shared.settings.default_partitions;
    if records_written(request, default_partitions) > crate::state::MAX_RECORDS_PER_REQUEST {
        return refuse_all(request, crate::state::too_many_partitions());
    }
    let topics = request
        .topics
        .iter()
        .map(|topic| {
            let name: &str = &topic.name;
            let mut result = CreatableTopicResult { name: topic.name.clone(), ..Default::default() };
            let fail = |mut result: CreatableTopicResult, code: ErrorCode, message: String| {
                result.error_code = code.code();
                result.error_message = Some(StrBytes::from(message));
                result.num_partitions = -1;
                result.replication_factor = -1;
                result.topic_config_error_code = code.code();
                result
            };
            if seen[name] > 1 {
                return fail(result, ErrorCode::InvalidRequest, format!("Duplicate topic name {name} in the request."));
            }
            // CLUSTER CREATE covers every topic.
            if !cluster_create && !ctx.authorize(op::CREATE, resource::TOPIC, name) {
                return fail(result, ErrorCode::TopicAuthorizationFailed, "Authorization failed.".into());
            }
            let plan = match plan(&state, topic, default_partitions, brokers) {
                Ok(plan) => plan,
                Err(e) => return fail(result, e.code, e.message),
            };
            if !request.validate_only {
                match state.create_topic(name, plan.partitions, plan.replication, plan.configs.clone()) {
                    Ok(id) => result.topic_id = id,
                    Err(e) => return fail(result, e.code, e.message),
                }
                assign(&mut state, name, topic);
            }
            let Plan { partitions, replication, configs } = plan;
            result.num_partitions = partitions;
            result.replication_factor = replication;
            result.configs = Some(
                configs
                    .into_iter()
                    .map(|(name, value)| CreatableTopicConfigs {
                        name: name.into(),
                        value: Some(value.into()),
                        config_source: DYNAMIC_TOPIC_CONFIG,
                        ..Default::default()
                    })
                    .collect(),
            );
            result
        })
        .collect();
    drop(state);
    CreateTopicsResponse { topics, ..Default::default() }
}

/// A topic CreateTopics may create: every check Kafka's controller makes
/// before it writes anything, so validate-only requests are answered as
/// real ones would be.
struct Plan {
    partitions: i32,
    replication: i16,
    configs: BTreeMap<String, String>,
}

fn plan(
    state: &crate::state::State,
    topic: &kafka_wire::messages::create_topics_request::CreatableTopic,
    default_partitions: i32,
    brokers: i16,
) -> Result<Plan, TopicError> {
    let name: &str = &topic.name;
    let error = |code: ErrorCode, message: String| TopicError { code, message };
    validate_topic_name(name)?;
    if state.topics.contains_key(name) {
        return Err(error(ErrorCode::TopicAlreadyExists, format!("Topic '{name}' already exists.")));
    }
    let manual = !topic.assignments.is_empty();
    if manual && (topic.num_partitions != -1 || topic.replication_factor != -1) {
        return Err(error(
            ErrorCode::InvalidRequest,
            "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.".into(),
        ));
    }
    let partitions = match topic.num_partitions {
        -1 if manual => topic.assignments.len() as i32,
        -1 => default_partitions,
        n if n < 1 => {
            return Err(error(
                ErrorCode::InvalidPartitions,
                "Number of partitions was set to an invalid non-positive value.".into(),
            ))
        }
        n => n,
    };
    let replication = match topic.replication_factor {
        -1 if manual => topic.assignments[0].broker_ids.len() as i16,
        -1 => 1.min(brokers),
        n if n < 1 => {
            return Err(error(
                ErrorCode::InvalidReplicationFactor,
                "Replication factor must be larger than 0, or -1 to use the default value.".into(),
            ))
        }
        n if n > brokers => {
            return Err(error(
                ErrorCode::InvalidReplicationFactor,
                format!("Unable to replicate the partition {n} time(s): The target replication factor of {n} cannot be reached because only {brokers} broker(s) are registered."),
            ))
        }
        n => n,
    };
    check_assignments(state, topic)?;
    let mut configs = BTreeMap::new();
    for c in &topic.configs {
        crate::handlers::configs::check_topic_config(&c.name, c.value.as_deref())
            .map_err(|message| error(ErrorCode::InvalidConfig, message))?;
        if let Some(value) = &c.value {
            configs.insert(c.name.to_string(), value.to_string());
        }
    }
    Ok(Plan { partitions, replication, configs })
}

/// Manual assignments: partitions 0 to n-1 each once, each with the same
/// number of distinct, registered brokers.
fn check_assignments(
    state: &crate::state::State,
    topic: &kafka_wire::messages::create_topics_request::CreatableTopic,
) -> Result<(), TopicError> {
    let invalid = |message: String| TopicError { code: ErrorCode::InvalidReplicaAssignment, message };
    let mut indexes: Vec<i32> = topic.assignments.iter().map(|a| a.partition_index).collect();
    indexes.sort_unstable();
    if indexes.iter().enumerate().any(|(i, &p)| p != i as i32) {
        return Err(invalid("Partitions must be assigned once each, numbered from 0 up.".into()));
    }
    let width = topic.assignments.first().map_or(0, |a| a.broker_ids.len());
    for a in &topic.assignments {
        let brokers = a.broker_ids.to_vec();
        if brokers.is_empty() || brokers.len() != width {
            return Err(invalid(format!(
                "Partition {} must have {width} replica(s), as the first one has.",
                a.partition_index
            )));
        }
        let mut distinct = brokers.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() != brokers.len() {
            return Err(invalid(format!("Partition {} names a broker twice.", a.partition_index)));
        }
        if let Some(bad) = brokers.iter().find(|id| state.node(**id).is_none()) {
            return Err(invalid(format!("The broker {bad} is not registered.")));
        }
    }
    Ok(())
}

/// The metadata records a CreateTopics would write: per topic one, and one
/// per partition and per config.
fn records_written(request: &CreateTopicsRequest, default_partitions: i32) -> i64 {
    request
        .topics
        .iter()
        .map(|t| {
            let partitions = match (t.num_partitions, t.assignments.len()) {
                (-1, 0) => default_partitions as i64,
                (-1, n) => n as i64,
                (n, _) => (n as i64).max(0),
            };
            1 + partitions + t.configs.len() as i64
        })
        .sum()
}

fn refuse_all(request: &CreateTopicsRequest, error: crate::state::TopicError) -> CreateTopicsResponse {
    let topics = request
        .topics
        .iter()
        .map(|t| CreatableTopicResult {
            name: t.name.clone(),
            error_code: error.code.code(),
            error_message: Some(error.message.clone().into()),
            num_partitions: -1,
            replication_factor: -1,
            topic_config_error_code: error.code.code(),
            ..Default::default()
        })
        .collect();
    CreateTopicsResponse { topics, ..Default::default() }
}

/// A manual replica assignment: each partition led by its first broker.
fn assign(
    state: &mut crate::state::State,
    name: &str,
    topic: &kafka_wire::messages::create_topics_request::CreatableTopic,
) {
    for assignment in &topic.assignments {
        let replicas = assignment.broker_ids.to_vec();
        if let (Some(partition), Some(&leader)) =
            (state.partition_mut(name, assignment.partition_index), replicas.first())
        {
            partition.leader = leader;
            partition.replicas = replicas;
        }
    }
}

pub(crate) fn delete_topics(ctx: &Ctx<'_>, request: &DeleteTopicsRequest) -> DeleteTopicsResponse {
    let mut state = ctx.shared.state();
    let wanted: Vec<(Option<String>, Uuid)> = if ctx.version >= 6 {
        request.topics.iter().map(|t| (t.name.as_deref().map(str::to_owned), t.topic_id)).collect()
    } else {
        request.topic_names.iter().map(|n| (Some(n.to_string()), Uuid::nil())).collect()
    };
    let responses = wanted
        .into_iter()
        .map(|(name, id)| {
            let found = match &name {
                Some(name) => state.topics.get(name.as_str()).map(|t| (name.clone(), t.id)),
                None => state.topic_name(id).map(|n| (n.to_owned(), id)),
            };
            match found {
                Some((name, id)) if !ctx.authorize(op::DELETE, resource::TOPIC, &name) => DeletableTopicResult {
                    name: Some(name.into()),
                    topic_id: id,
                    error_code: ErrorCode::TopicAuthorizationFailed.code(),
                    ..Default::default()
                },
                Some((name, id)) => {
                    state.topics.remove(&name);
                    state.producers.forget_topic(&name);
                    state.groups.forget_topic(&name);
                    state.txns.forget_topic(&name);
                    DeletableTopicResult { name: Some(name.into()), topic_id: id, ..Default::default() }
                }
                None => DeletableTopicResult {
                    name: name.map(Into::into),
                    topic_id: id,
                    error_code: if id.is_nil() {
                        ErrorCode::UnknownTopicOrPartition
                    } else {
                        ErrorCode::UnknownTopicId
                    }
                    .code(),
                    ..Default::default()
                },
            }
        })
        .collect();
    DeleteTopicsResponse { responses, ..Default::default() }
}

pub(crate) fn create_partitions(ctx: &Ctx<'_>, request: &CreatePartitionsRequest) -> CreatePartitionsResponse {
    let mut state = ctx.shared.state();
    let added: i64 = request
        .topics
        .iter()
        .map(|t| {
            let current = state.topics.get(&*t.name).map_or(0, |topic| topic.partitions.len() as i64);
            (t.count as i64 - current).max(0)
        })
        .sum();
    if added > crate::state::MAX_RECORDS_PER_REQUEST {
        let e = crate::state::too_many_partitions();
        let results = request
            .topics
            .iter()
            .map(|t| CreatePartitionsTopicResult {
                name: t.name.clone(),
                error_code: e.code.code(),
                error_message: Some(e.message.clone().into()),
                ..Default::default()
            })
            .collect();
        return CreatePartitionsResponse { results, ..Default::default() };
    }
    let results = request
        .topics
        .iter()
        .map(|topic| {
            let error = |code: ErrorCode, message: String| CreatePartitionsTopicResult {
                name: topic.name.clone(),
                error_code: code.code(),
                error_message: Some(message.into()),
                ..Default::default()
            };
            if !ctx.authorize(op::ALTER, resource::TOPIC, &topic.name) {
                return error(ErrorCode::TopicAuthorizationFailed, "The topic authorization is failed.".into());
            }
            let Some(current) = state.topics.get(&*topic.name).map(|t| t.partitions.len() as i32) else {
                return error(
                    ErrorCode::UnknownTopicOrPartition,
                    "This server does not host this topic-partition.".into(),
                );
            };
            if topic.count < current {
                return error(
                    ErrorCode::InvalidPartitions,
                    format!(
                        "The topic {} currently has {current} partition(s); {} would not be an increase.",
                        topic.name, topic.count
                    ),
                );
            }
            if topic.count == current {
                return error(ErrorCode::InvalidPartitions, format!("Topic already has {current} partition(s)."));
            }
            if !request.validate_only {
                state.add_partitions_to(&topic.name, topic.count as usize);
            }
            CreatePartitionsTopicResult { name: topic.name.clone(), ..Default::default() }
        })
        .collect();
    CreatePartitionsResponse { results, ..Default::default() }
}
