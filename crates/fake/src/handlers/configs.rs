//! DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, on the topics'
//! and brokers' stored config maps.

use super::Ctx;
use crate::acl;
use crate::state::State;
use kafka_wire::messages::alter_configs_response::AlterConfigsResourceResponse;
use kafka_wire::messages::describe_configs_response::{DescribeConfigsResourceResult, DescribeConfigsResult};
use kafka_wire::messages::incremental_alter_configs_response::AlterConfigsResourceResponse as IncrementalResult;
use kafka_wire::messages::{
    AlterConfigsRequest, AlterConfigsResponse, DescribeConfigsRequest, DescribeConfigsResponse,
    IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse,
};
use kafka_wire::{ErrorCode, StrBytes};
use std::collections::BTreeMap;

/// Kafka's config resource types.
const TOPIC: i8 = 2;
const BROKER: i8 = 4;

/// Kafka's config sources.
const DYNAMIC_TOPIC_CONFIG: i8 = 1;
const DYNAMIC_BROKER_CONFIG: i8 = 2;
const DEFAULT_CONFIG: i8 = 5;

/// Kafka's config types, as DescribeConfigs v3+ reports them.
const BOOLEAN: i8 = 1;
const STRING: i8 = 2;
const INT: i8 = 3;
const LONG: i8 = 5;
const DOUBLE: i8 = 6;
const LIST: i8 = 7;

/// Every topic config Kafka 4.4 knows, with its default and type.
pub(crate) const TOPIC_CONFIGS: &[(&str, &str, i8)] = &[
    ("cleanup.policy", "delete", LIST),
    ("compression.gzip.level", "-1", INT),
    ("compression.lz4.level", "9", INT),
    ("compression.type", "producer", STRING),
    ("compression.zstd.level", "3", INT),
    ("delete.retention.ms", "86400000", LONG),
    ("file.delete.delay.ms", "60000", LONG),
    ("flush.messages", "9223372036854775807", LONG),
    ("flush.ms", "9223372036854775807", LONG),
    ("follower.replication.throttled.replicas", "", LIST),
    ("index.interval.bytes", "4096", INT),
    ("leader.replication.throttled.replicas", "", LIST),
    ("local.retention.bytes", "-2", LONG),
    ("local.retention.ms", "-2", LONG),
    ("max.compaction.lag.ms", "9223372036854775807", LONG),
    ("max.message.bytes", "1048588", INT),
    ("message.timestamp.after.max.ms", "3600000", LONG),
    ("message.timestamp.before.max.ms", "9223372036854775807", LONG),
    ("message.timestamp.type", "CreateTime", STRING),
    ("min.cleanable.dirty.ratio", "0.5", DOUBLE),
    ("min.compaction.lag.ms", "0", LONG),
    ("min.insync.replicas", "1", INT),
    ("preallocate", "false", BOOLEAN),
    ("remote.log.copy.disable", "false", BOOLEAN),
    ("remote.log.delete.on.disable", "false", BOOLEAN),
    ("remote.storage.enable", "false", BOOLEAN),
    ("retention.bytes", "-1", LONG),
    ("retention.ms", "604800000", LONG),
    ("segment.bytes", "1073741824", INT),
    ("segment.index.bytes", "10485760", INT),
    ("segment.jitter.ms", "0", LONG),
    ("segment.ms", "604800000", LONG),
    ("unclean.leader.election.enable", "false", BOOLEAN),
];

/// The broker configs DescribeConfigs lists, with their defaults here.
const BROKER_CONFIGS: &[(&str, &str, i8)] = &[
    ("auto.create.topics.enable", "false", BOOLEAN),
    ("default.replication.factor", "1", INT),
    ("group.initial.rebalance.delay.ms", "0", INT),
    ("log.retention.hours", "168", INT),
    ("message.max.bytes", "1048588", INT),
    ("num.partitions", "1", INT),
    ("offsets.topic.num.partitions", "50", INT),
    ("socket.request.max.bytes", "104857600", INT),
    ("transaction.max.timeout.ms", "900000", INT),
];

/// Checks a topic config name and value as Kafka's `LogConfig.validate` would, roughly.
pub(crate) fn check_topic_config(name: &str, value: Option<&str>) -> Result<(), String> {
    let Some(&(_, _, kind)) = TOPIC_CONFIGS.iter().find(|(n, _, _)| *n == name) else {
        return Err(format!("Unknown topic config name: {name}"));
    };
    let Some(value) = value else { return Ok(()) };
    let ok = match kind {
        INT => value.trim().parse::<i32>().is_ok(),
        LONG => value.trim().parse::<i64>().is_ok(),
        DOUBLE => value.trim().parse::<f64>().is_ok(),
        BOOLEAN => matches!(value.trim().to_ascii_lowercase().as_str(), "true" | "false"),
        _ => match name {
            "message.timestamp.type" => matches!(value, "CreateTime" | "LogAppendTime"),
            "cleanup.policy" => value.split(',').all(|p| matches!(p.trim(), "delete" | "compact" | "")),
            _ => true,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(format!("Invalid value {value} for configuration {name}"))
    }
}

enum Resource {
    Topic(String),
    Broker,
}

fn resource(state: &State, kind: i8, name: &str) -> Result<Resource, (ErrorCode, String)> {
    match kind {
        TOPIC if state.topics.contains_key(name) => Ok(Resource::Topic(name.to_owned())),
        TOPIC => Err((ErrorCode::UnknownTopicOrPartition, format!("Topic '{name}' does not exist."))),
        BROKER if name.is_empty() => Ok(Resource::Broker),
        BROKER => match name.parse::<i32>() {
            Ok(id) if state.node(id).is_some() => Ok(Resource::Broker),
            _ => Err((ErrorCode::InvalidRequest, format!("Unexpected broker id {name}"))),
        },
        _ => Err((ErrorCode::InvalidRequest, format!("Unsupported resource type {kind}"))),
    }
}

/// Kafka's check of a config resource: the topic's operation, or the
/// cluster's for a broker.
fn authorized(ctx: &Ctx<'_>, kind: i8, name: &str, operation: i8) -> Result<(), (ErrorCode, String)> {
    let (allowed, code) = if kind == TOPIC {
        (ctx.authorize(operation, acl::resource::TOPIC, name), ErrorCode::TopicAuthorizationFailed)
    } else {
        (ctx.authorize_cluster(operation), ErrorCode::ClusterAuthorizationFailed)
    };
    if allowed {
        Ok(())
    } else {
        Err((code, code.description().to_owned()))
    }
}

pub(crate) fn describe_configs(ctx: &Ctx<'_>, request: &DescribeConfigsRequest) -> DescribeConfigsResponse {
    let state = ctx.shared.state();
    let results = request
        .resources
        .iter()
        .map(|r| {
            let mut out = DescribeConfigsResult {
                resource_type: r.resource_type,
                resource_name: r.resource_name.clone(),
                ..Default::default()
            };
            let found = authorized(ctx, r.resource_type, &r.resource_name, acl::op::DESCRIBE_CONFIGS)
                .and_then(|()| resource(&state, r.resource_type, &r.resource_name));
            let (table, overrides, source) = match found {
                Err((code, message)) => {
                    out.error_code = code.code();
                    out.error_message = Some(message.into());
                    return out;
                }
                Ok(Resource::Topic(name)) => (TOPIC_CONFIGS, &state.topics[&name].configs, DYNAMIC_TOPIC_CONFIG),
                Ok(Resource::Broker) => (BROKER_CONFIGS, &state.broker_configs, DYNAMIC_BROKER_CONFIG),
            };
            let wanted =
                |name: &str| r.configuration_keys.as_ref().is_none_or(|keys| keys.iter().any(|k| &**k == name));
            out.configs = table
                .iter()
                .filter(|(name, _, _)| wanted(name))
                .map(|&(name, default, kind)| {
                    let set = overrides.get(name);
                    DescribeConfigsResourceResult {
                        name: name.into(),
                        value: Some(StrBytes::from(set.cloned().unwrap_or_else(|| default.to_owned()))),
                        read_only: false,
                        // v0 only; later versions say it with the config source.
                        is_default: ctx.version == 0 && set.is_none(),
                        config_source: if set.is_some() { source } else { DEFAULT_CONFIG },
                        is_sensitive: false,
                        config_type: kind,
                        ..Default::default()
                    }
                })
                .collect();
            out
        })
        .collect();
    DescribeConfigsResponse { results, ..Default::default() }
}

/// Applies `changes` to a resource's config map, or says why not.
fn apply(
    state: &mut State,
    kind: i8,
    name: &str,
    validate_only: bool,
    change: impl FnOnce(&mut BTreeMap<String, String>) -> Result<(), String>,
) -> Result<(), (ErrorCode, String)> {
    let target = resource(state, kind, name)?;
    let configs = match target {
        Resource::Topic(name) => &mut state.topics.get_mut(&name).expect("checked").configs,
        Resource::Broker => &mut state.broker_configs,
    };
    let mut changed = configs.clone();
    change(&mut changed).map_err(|message| (ErrorCode::InvalidConfig, message))?;
    if !validate_only {
        *configs = changed;
    }
    Ok(())
}

fn check(kind: i8, name: &str, value: Option<&str>) -> Result<(), String> {
    if kind == TOPIC {
        check_topic_config(name, value)
    } else {
        Ok(())
    }
}

pub(crate) fn alter_configs(ctx: &Ctx<'_>, request: &AlterConfigsRequest) -> AlterConfigsResponse {
    let mut state = ctx.shared.state();
    let responses = request
        .resources
        .iter()
        .map(|r| {
            let allowed = authorized(ctx, r.resource_type, &r.resource_name, acl::op::ALTER_CONFIGS);
            let result = allowed.and_then(|()| {
                apply(&mut state, r.resource_type, &r.resource_name, request.validate_only, |configs| {
                    // AlterConfigs replaces every dynamic config of the resource.
                    configs.clear();
                    for c in &r.configs {
                        check(r.resource_type, &c.name, c.value.as_deref())?;
                        if let Some(value) = &c.value {
                            configs.insert(c.name.to_string(), value.to_string());
                        }
                    }
                    Ok(())
                })
            });
            let (error_code, error_message) = split(result);
            AlterConfigsResourceResponse {
                error_code,
                error_message,
                resource_type: r.resource_type,
                resource_name: r.resource_name.clone(),
                ..Default::default()
            }
        })
        .collect();
    AlterConfigsResponse { responses, ..Default::default() }
}

/// IncrementalAlterConfigs' operations.
const SET: i8 = 0;
const DELETE: i8 = 1;
const APPEND: i8 = 2;
const SUBTRACT: i8 = 3;

pub(crate) fn incremental_alter_configs(
    ctx: &Ctx<'_>,
    request: &IncrementalAlterConfigsRequest,
) -> IncrementalAlterConfigsResponse {
    let mut state = ctx.shared.state();
    let responses = request
        .resources
        .iter()
        .map(|r| {
            let allowed = authorized(ctx, r.resource_type, &r.resource_name, acl::op::ALTER_CONFIGS);
            let result = allowed.and_then(|()| {
                apply(&mut state, r.resource_type, &r.resource_name, request.validate_only, |configs| {
                    for c in &r.configs {
                        let name = c.name.to_string();
                        check(r.resource_type, &name, c.value.as_deref())?;
                        let list = |configs: &BTreeMap<String, String>| -> Vec<String> {
                            configs
                                .get(&name)
                                .map(|v| v.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect())
                                .unwrap_or_default()
                        };
                        let value = c.value.as_deref().unwrap_or_default();
                        match c.config_operation {
                            SET => {
                                configs.insert(name, value.to_owned());
                            }
                            DELETE => {
                                configs.remove(&name);
                            }
                            APPEND | SUBTRACT => {
                                let mut items = list(configs);
                                for item in value.split(',').filter(|s| !s.is_empty()) {
                                    if c.config_operation == APPEND {
                                        if !items.iter().any(|i| i == item) {
                                            items.push(item.to_owned());
                                        }
                                    } else {
                                        items.retain(|i| i != item);
                                    }
                                }
                                configs.insert(name, items.join(","));
                            }
                            op => return Err(format!("Unknown config operation {op}")),
                        }
                    }
                    Ok(())
                })
            });
            let (error_code, error_message) = split(result);
            IncrementalResult {
                error_code,
                error_message,
                resource_type: r.resource_type,
                resource_name: r.resource_name.clone(),
                ..Default::default()
            }
        })
        .collect();
    IncrementalAlterConfigsResponse { responses, ..Default::default() }
}

fn split(result: Result<(), (ErrorCode, String)>) -> (i16, Option<StrBytes>) {
    match result {
        Ok(()) => (0, None),
        Err((code, message)) => (code.code(), Some(message.into())),
    }
}
