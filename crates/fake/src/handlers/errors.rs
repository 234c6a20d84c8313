//! The response a request gets when a hook answers it with an error
//! code: the response the broker would send, with the code in every
//! place Kafka's `getErrorResponse` puts it.
//!
//! Each api follows its Java request class's `getErrorResponse(e)`, `e`
//! being the code's exception: the top-level error code where the version
//! has one, and every entry of the request (topic, partition, group,
//! resource, coordinator key) mirrored with the code, its other fields at
//! Kafka's "unknown" values (offsets and epochs -1). The error message,
//! where Kafka sets one, is the code's description.

use kafka_wire::messages::*;
use kafka_wire::{ApiKey, ErrorCode, Request, RequestFrame, Response, StrBytes};

/// The error response for `request`, or `None` when Kafka would send
/// none: a Produce with `acks=0` (Kafka closes the connection of a
/// producer that gets no answer), or an api this broker does not serve.
pub(crate) fn error_response(request: &RequestFrame, code: ErrorCode) -> Option<Response> {
    let version = request.version();
    let error = code.code();
    // What Kafka's ApiError.message() gives for the code's exception.
    let message = || (!code.is_ok()).then(|| StrBytes::from(code.description().to_owned()));
    let response: Response = match &request.body {
        Request::ApiVersions(_) => {
            // KIP-511: an UNSUPPORTED_VERSION answer names the ApiVersions versions.
            let api_keys = if code == ErrorCode::UnsupportedVersion {
                let range = ApiKey::ApiVersions.valid_versions();
                vec![api_versions_response::ApiVersion {
                    api_key: ApiKey::ApiVersions.key(),
                    min_version: range.min,
                    max_version: range.max,
                    ..Default::default()
                }]
            } else {
                Vec::new()
            };
            ApiVersionsResponse { error_code: error, api_keys, ..Default::default() }.into()
        }
        Request::Metadata(r) => {
            use metadata_response::MetadataResponseTopic;
            let topics = match &r.topics {
                Some(topics) => topics
                    .iter()
                    .map(|t| MetadataResponseTopic {
                        error_code: error,
                        // The response's name is not nullable before v12.
                        name: Some(t.name.clone().unwrap_or_default()),
                        topic_id: t.topic_id,
                        is_internal: false,
                        ..Default::default()
                    })
                    .collect(),
                None => Vec::new(),
            };
            MetadataResponse { error_code: error, topics, ..Default::default() }.into()
        }
        Request::DescribeTopicPartitions(r) => DescribeTopicPartitionsResponse {
            topics: r
                .topics
                .iter()
                .map(|t| describe_topic_partitions_response::DescribeTopicPartitionsResponseTopic {
                    error_code: error,
                    name: Some(t.name.clone()),
                    is_internal: false,
                    topic_authorized_operations: i32::MIN,
                    ..Default::default()
                })
                .collect(),
            next_cursor: None,
            ..Default::default()
        }
        .into(),
        Request::CreateTopics(r) => CreateTopicsResponse {
            topics: r
                .topics
                .iter()
                .map(|t| create_topics_response::CreatableTopicResult {
                    name: t.name.clone(),
                    error_code: error,
                    error_message: message(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::DeleteTopics(r) => {
            use delete_topics_response::DeletableTopicResult;
            let responses = if version >= 6 {
                r.topics
                    .iter()
                    .map(|t| DeletableTopicResult {
                        name: t.name.clone(),
                        topic_id: t.topic_id,
                        error_code: error,
                        ..Default::default()
                    })
                    .collect()
            } else {
                r.topic_names
                    .iter()
                    .map(|name| DeletableTopicResult {
                        name: Some(name.clone()),
                        error_code: error,
                        ..Default::default()
                    })
                    .collect()
            };
            DeleteTopicsResponse { responses, ..Default::default() }.into()
        }
        Request::CreatePartitions(r) => CreatePartitionsResponse {
            results: r
                .topics
                .iter()
                .map(|t| create_partitions_response::CreatePartitionsTopicResult {
                    name: t.name.clone(),
                    error_code: error,
                    error_message: message(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::Produce(r) => {
            if r.acks == 0 {
                return None;
            }
            use produce_response::{PartitionProduceResponse, TopicProduceResponse};
            ProduceResponse {
                responses: r
                    .topic_data
                    .iter()
                    .map(|t| TopicProduceResponse {
                        name: t.name.clone(),
                        topic_id: t.topic_id,
                        partition_responses: t
                            .partition_data
                            .iter()
                            .map(|p| PartitionProduceResponse {
                                index: p.index,
                                error_code: error,
                                base_offset: -1,
                                log_append_time_ms: -1,
                                log_start_offset: -1,
                                error_message: message(),
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::Fetch(r) => {
            use fetch_response::{FetchableTopicResponse, PartitionData};
            FetchResponse {
                error_code: error,
                session_id: if version >= 7 { r.session_id } else { 0 },
                responses: r
                    .topics
                    .iter()
                    .map(|t| FetchableTopicResponse {
                        topic: t.topic.clone(),
                        topic_id: t.topic_id,
                        partitions: t
                            .partitions
                            .iter()
                            .map(|p| PartitionData {
                                partition_index: p.partition,
                                error_code: error,
                                high_watermark: -1,
                                last_stable_offset: -1,
                                log_start_offset: -1,
                                aborted_transactions: None,
                                preferred_read_replica: -1,
                                records: Some(Default::default()),
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::ListOffsets(r) => {
            use list_offsets_response::{ListOffsetsPartitionResponse, ListOffsetsTopicResponse};
            ListOffsetsResponse {
                topics: r
                    .topics
                    .iter()
                    .map(|t| ListOffsetsTopicResponse {
                        name: t.name.clone(),
                        partitions: t
                            .partitions
                            .iter()
                            .map(|p| ListOffsetsPartitionResponse {
                                partition_index: p.partition_index,
                                error_code: error,
                                old_style_offsets: Vec::<i64>::new().into(),
                                timestamp: -1,
                                offset: -1,
                                leader_epoch: -1,
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::OffsetForLeaderEpoch(r) => {
            use offset_for_leader_epoch_response::{EpochEndOffset, OffsetForLeaderTopicResult};
            OffsetForLeaderEpochResponse {
                topics: r
                    .topics
                    .iter()
                    .map(|t| OffsetForLeaderTopicResult {
                        topic: t.topic.clone(),
                        partitions: t
                            .partitions
                            .iter()
                            .map(|p| EpochEndOffset {
                                error_code: error,
                                partition: p.partition,
                                leader_epoch: -1,
                                end_offset: -1,
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::DeleteRecords(r) => {
            use delete_records_response::{DeleteRecordsPartitionResult, DeleteRecordsTopicResult};
            DeleteRecordsResponse {
                topics: r
                    .topics
                    .iter()
                    .map(|t| DeleteRecordsTopicResult {
                        name: t.name.clone(),
                        partitions: t
                            .partitions
                            .iter()
                            .map(|p| DeleteRecordsPartitionResult {
                                partition_index: p.partition_index,
                                low_watermark: -1,
                                error_code: error,
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::FindCoordinator(r) => {
            if version >= 4 {
                FindCoordinatorResponse {
                    coordinators: r
                        .coordinator_keys
                        .iter()
                        .map(|key| find_coordinator_response::Coordinator {
                            key: key.clone(),
                            node_id: -1,
                            host: StrBytes::default(),
                            port: -1,
                            error_code: error,
                            error_message: message(),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }
                .into()
            } else {
                FindCoordinatorResponse {
                    error_code: error,
                    error_message: message(),
                    node_id: -1,
                    host: StrBytes::default(),
                    port: -1,
                    ..Default::default()
                }
                .into()
            }
        }
        Request::JoinGroup(_) => JoinGroupResponse {
            error_code: error,
            generation_id: -1,
            // Kafka's UNKNOWN_PROTOCOL_NAME, null from v7 on.
            protocol_name: (version < 7).then(StrBytes::default),
            leader: StrBytes::default(),
            member_id: StrBytes::default(),
            members: Vec::new(),
            ..Default::default()
        }
        .into(),
        Request::SyncGroup(_) => SyncGroupResponse { error_code: error, ..Default::default() }.into(),
        Request::Heartbeat(_) => HeartbeatResponse { error_code: error, ..Default::default() }.into(),
        // LeaveGroup's error response has no member entries in Kafka either.
        Request::LeaveGroup(_) => LeaveGroupResponse { error_code: error, ..Default::default() }.into(),
        Request::OffsetCommit(r) => {
            use offset_commit_response::{OffsetCommitResponsePartition, OffsetCommitResponseTopic};
            OffsetCommitResponse {
                topics: r
                    .topics
                    .iter()
                    .map(|t| OffsetCommitResponseTopic {
                        name: t.name.clone(),
                        topic_id: t.topic_id,
                        partitions: t
                            .partitions
                            .iter()
                            .map(|p| OffsetCommitResponsePartition {
                                partition_index: p.partition_index,
                                error_code: error,
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::OffsetFetch(r) => offset_fetch(r, version, error).into(),
        // OffsetDelete's error response is its top-level code alone.
        Request::OffsetDelete(_) => OffsetDeleteResponse { error_code: error, ..Default::default() }.into(),
        Request::DescribeGroups(r) => DescribeGroupsResponse {
            groups: r
                .groups
                .iter()
                .map(|group| describe_groups_response::DescribedGroup {
                    error_code: error,
                    group_id: group.clone(),
                    group_state: StrBytes::default(),
                    protocol_type: StrBytes::default(),
                    protocol_data: StrBytes::default(),
                    members: Vec::new(),
                    authorized_operations: i32::MIN,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::ListGroups(_) => ListGroupsResponse { error_code: error, ..Default::default() }.into(),
        Request::ConsumerGroupHeartbeat(_) => {
            ConsumerGroupHeartbeatResponse { error_code: error, ..Default::default() }.into()
        }
        Request::ConsumerGroupDescribe(r) => ConsumerGroupDescribeResponse {
            groups: r
                .group_ids
                .iter()
                .map(|group| consumer_group_describe_response::DescribedGroup {
                    error_code: error,
                    group_id: group.clone(),
                    authorized_operations: i32::MIN,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::DeleteGroups(r) => DeleteGroupsResponse {
            results: r
                .groups_names
                .iter()
                .map(|group| delete_groups_response::DeletableGroupResult {
                    group_id: group.clone(),
                    error_code: error,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::InitProducerId(_) => InitProducerIdResponse {
            error_code: error,
            producer_id: -1,
            producer_epoch: -1,
            ongoing_txn_producer_id: -1,
            ongoing_txn_producer_epoch: -1,
            ..Default::default()
        }
        .into(),
        Request::AddPartitionsToTxn(r) => {
            use add_partitions_to_txn_response::{
                AddPartitionsToTxnPartitionResult, AddPartitionsToTxnResult, AddPartitionsToTxnTopicResult,
            };
            let topics = |topics: &[add_partitions_to_txn_request::AddPartitionsToTxnTopic]| {
                topics
                    .iter()
                    .map(|t| AddPartitionsToTxnTopicResult {
                        name: t.name.clone(),
                        results_by_partition: t
                            .partitions
                            .iter()
                            .map(|p| AddPartitionsToTxnPartitionResult {
                                partition_index: p,
                                partition_error_code: error,
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    })
                    .collect::<Vec<_>>()
            };
            if version >= 4 {
                // The batched form: the code at the top level and for every transaction.
                AddPartitionsToTxnResponse {
                    error_code: error,
                    results_by_transaction: r
                        .transactions
                        .iter()
                        .map(|t| AddPartitionsToTxnResult {
                            transactional_id: t.transactional_id.clone(),
                            topic_results: topics(&t.topics),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                }
                .into()
            } else {
                AddPartitionsToTxnResponse {
                    results_by_topic_v3_and_below: topics(&r.v3_and_below_topics),
                    ..Default::default()
                }
                .into()
            }
        }
        Request::AddOffsetsToTxn(_) => AddOffsetsToTxnResponse { error_code: error, ..Default::default() }.into(),
        Request::EndTxn(_) => {
            EndTxnResponse { error_code: error, producer_id: -1, producer_epoch: -1, ..Default::default() }.into()
        }
        Request::TxnOffsetCommit(r) => TxnOffsetCommitResponse {
            topics: r
                .topics
                .iter()
                .map(|t| txn_offset_commit_response::TxnOffsetCommitResponseTopic {
                    name: t.name.clone(),
                    topic_id: t.topic_id,
                    partitions: t
                        .partitions
                        .iter()
                        .map(|p| txn_offset_commit_response::TxnOffsetCommitResponsePartition {
                            partition_index: p.partition_index,
                            error_code: error,
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::DescribeTransactions(r) => DescribeTransactionsResponse {
            transaction_states: r
                .transactional_ids
                .iter()
                .map(|id| describe_transactions_response::TransactionState {
                    error_code: error,
                    transactional_id: id.clone(),
                    transaction_state: StrBytes::default(),
                    transaction_start_time_ms: -1,
                    producer_id: -1,
                    producer_epoch: -1,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::ListTransactions(_) => ListTransactionsResponse { error_code: error, ..Default::default() }.into(),
        Request::DescribeProducers(r) => DescribeProducersResponse {
            topics: r
                .topics
                .iter()
                .map(|t| describe_producers_response::TopicResponse {
                    name: t.name.clone(),
                    partitions: t
                        .partition_indexes
                        .iter()
                        .map(|p| describe_producers_response::PartitionResponse {
                            partition_index: p,
                            error_code: error,
                            error_message: message(),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::DescribeConfigs(r) => DescribeConfigsResponse {
            results: r
                .resources
                .iter()
                .map(|res| describe_configs_response::DescribeConfigsResult {
                    error_code: error,
                    error_message: message(),
                    resource_type: res.resource_type,
                    resource_name: res.resource_name.clone(),
                    configs: Vec::new(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::AlterConfigs(r) => AlterConfigsResponse {
            responses: r
                .resources
                .iter()
                .map(|res| alter_configs_response::AlterConfigsResourceResponse {
                    error_code: error,
                    error_message: message(),
                    resource_type: res.resource_type,
                    resource_name: res.resource_name.clone(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::IncrementalAlterConfigs(r) => IncrementalAlterConfigsResponse {
            responses: r
                .resources
                .iter()
                .map(|res| incremental_alter_configs_response::AlterConfigsResourceResponse {
                    error_code: error,
                    error_message: message(),
                    resource_type: res.resource_type,
                    resource_name: res.resource_name.clone(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::DescribeCluster(_) => DescribeClusterResponse {
            error_code: error,
            error_message: message(),
            controller_id: -1,
            cluster_authorized_operations: i32::MIN,
            ..Default::default()
        }
        .into(),
        Request::SaslHandshake(_) => SaslHandshakeResponse { error_code: error, ..Default::default() }.into(),
        Request::SaslAuthenticate(_) => {
            SaslAuthenticateResponse { error_code: error, error_message: message(), ..Default::default() }.into()
        }
        Request::DescribeUserScramCredentials(r) => DescribeUserScramCredentialsResponse {
            error_code: error,
            error_message: message(),
            results: r
                .users
                .iter()
                .flatten()
                .map(|_| describe_user_scram_credentials_response::DescribeUserScramCredentialsResult {
                    error_code: error,
                    error_message: message(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::AlterUserScramCredentials(r) => {
            let users: std::collections::BTreeSet<&StrBytes> =
                r.deletions.iter().map(|d| &d.name).chain(r.upsertions.iter().map(|u| &u.name)).collect();
            AlterUserScramCredentialsResponse {
                results: users
                    .into_iter()
                    .map(|user| alter_user_scram_credentials_response::AlterUserScramCredentialsResult {
                        user: user.clone(),
                        error_code: error,
                        error_message: message(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
            .into()
        }
        Request::CreateAcls(r) => CreateAclsResponse {
            results: r
                .creations
                .iter()
                .map(|_| create_acls_response::AclCreationResult {
                    error_code: error,
                    error_message: message(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        Request::DescribeAcls(_) => {
            DescribeAclsResponse { error_code: error, error_message: message(), ..Default::default() }.into()
        }
        Request::DeleteAcls(r) => DeleteAclsResponse {
            filter_results: r
                .filters
                .iter()
                .map(|_| delete_acls_response::DeleteAclsFilterResult {
                    error_code: error,
                    error_message: message(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
        .into(),
        _ => return None,
    };
    Some(response)
}

/// OffsetFetch: before v2 every requested partition with the code (there
/// is no top-level code); v2 to v7 the top-level code alone; from v8 each
/// group with the code.
fn offset_fetch(request: &OffsetFetchRequest, version: i16, error: i16) -> OffsetFetchResponse {
    use offset_fetch_response::{OffsetFetchResponseGroup, OffsetFetchResponsePartition, OffsetFetchResponseTopic};
    if version >= 8 {
        return OffsetFetchResponse {
            groups: request
                .groups
                .iter()
                .map(|g| OffsetFetchResponseGroup {
                    group_id: g.group_id.clone(),
                    error_code: error,
                    topics: Vec::new(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
    }
    if version >= 2 {
        return OffsetFetchResponse { error_code: error, ..Default::default() };
    }
    let topics = request.topics.as_deref().unwrap_or_default();
    OffsetFetchResponse {
        topics: topics
            .iter()
            .map(|t| OffsetFetchResponseTopic {
                name: t.name.clone(),
                partitions: t
                    .partition_indexes
                    .iter()
                    .map(|partition_index| OffsetFetchResponsePartition {
                        partition_index,
                        committed_offset: -1,
                        committed_leader_epoch: -1,
                        metadata: Some(StrBytes::default()),
                        error_code: error,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handlers::SERVED;
    use crate::persona::Persona;
    use kafka_wire::json::Value;
    use kafka_wire::random::Rng;

    /// The values of every `errorCode` field (not `topicConfigErrorCode`
    /// and the like) the response carries at `version`, from its JSON form.
    fn error_codes(response: &Response, version: i16) -> Vec<i64> {
        fn walk(value: &Value, codes: &mut Vec<i64>) {
            match value {
                Value::Object(map) => {
                    for (key, value) in map {
                        if key == "errorCode" {
                            codes.push(value.as_i64().expect("a number"));
                        }
                        walk(value, codes);
                    }
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, codes)),
                _ => {}
            }
        }
        let mut codes = Vec::new();
        walk(&response.to_json(version).expect("JSON"), &mut codes);
        codes
    }

    fn frame(request: impl Into<Request>, version: i16) -> RequestFrame {
        RequestFrame::new(request, version, 1, Some("test"))
    }

    /// Every served api at every version the broker accepts, on random
    /// requests: an error response that encodes at the request's version
    /// and carries the code, and only the code, in its error codes.
    #[test]
    fn every_served_api_and_version_encodes() {
        let code = ErrorCode::NotLeaderOrFollower;
        let mut rng = Rng::with_seed(0x006b_6166_6b61);
        let mut checked = 0;
        let mut with_codes = std::collections::BTreeSet::new();
        for &api in SERVED {
            for version in Persona::Everything.advertised(api).iter() {
                for _ in 0..8 {
                    let mut body = Request::random(api, &mut rng, version);
                    if let Request::Produce(p) = &mut body {
                        p.acks = -1;
                    }
                    let request = frame(body, version);
                    let response = error_response(&request, code)
                        .unwrap_or_else(|| panic!("{} v{version}: no error response", api.name()));
                    assert_eq!(response.api_key(), api);
                    let reply = request.reply(response.clone());
                    reply.to_bytes().unwrap_or_else(|e| panic!("{} v{version}: {e}", api.name()));
                    let codes = error_codes(&response, version);
                    if !codes.is_empty() {
                        with_codes.insert(api.name());
                    }
                    assert!(codes.iter().all(|&c| c == i64::from(code.code())), "{} v{version}: {codes:?}", api.name());
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
        // Random requests with entries, or a top-level code: every api showed the code somewhere.
        let missing: Vec<_> = SERVED.iter().map(|a| a.name()).filter(|n| !with_codes.contains(n)).collect();
        assert!(missing.is_empty(), "no error code seen for {missing:?}");
    }

    #[test]
    fn produce_mirrors_every_partition_and_acks_0_gets_none() {
        use kafka_wire::messages::produce_request::{PartitionProduceData, TopicProduceData};
        let topic = |name: &str, partitions: &[i32]| TopicProduceData {
            name: name.to_owned().into(),
            partition_data: partitions
                .iter()
                .map(|&index| PartitionProduceData { index, ..Default::default() })
                .collect(),
            ..Default::default()
        };
        let request =
            ProduceRequest { acks: -1, topic_data: vec![topic("a", &[0, 2]), topic("b", &[1])], ..Default::default() };
        let Some(Response::Produce(response)) =
            error_response(&frame(request.clone(), 9), ErrorCode::NotLeaderOrFollower)
        else {
            panic!()
        };
        let got: Vec<(String, i32, i16, i64)> = response
            .responses
            .iter()
            .flat_map(|t| {
                t.partition_responses.iter().map(move |p| (t.name.to_string(), p.index, p.error_code, p.base_offset))
            })
            .collect();
        let code = ErrorCode::NotLeaderOrFollower.code();
        assert_eq!(got, [("a".into(), 0, code, -1), ("a".into(), 2, code, -1), ("b".into(), 1, code, -1)]);
        let unanswered = ProduceRequest { acks: 0, ..request };
        assert!(error_response(&frame(unanswered, 9), ErrorCode::NotLeaderOrFollower).is_none());
    }

    #[test]
    fn fetch_sets_the_top_level_code_and_every_partition() {
        use kafka_wire::messages::fetch_request::{FetchPartition, FetchTopic};
        let request = FetchRequest {
            session_id: 7,
            topics: vec![FetchTopic {
                topic: "t".into(),
                partitions: vec![
                    FetchPartition { partition: 0, ..Default::default() },
                    FetchPartition { partition: 1, ..Default::default() },
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let code = ErrorCode::UnknownTopicOrPartition.code();
        let Some(Response::Fetch(response)) = error_response(&frame(request, 12), ErrorCode::UnknownTopicOrPartition)
        else {
            panic!()
        };
        assert_eq!((response.error_code, response.session_id), (code, 7));
        let partitions: Vec<(i32, i16, i64)> = response.responses[0]
            .partitions
            .iter()
            .map(|p| (p.partition_index, p.error_code, p.high_watermark))
            .collect();
        assert_eq!(partitions, [(0, code, -1), (1, code, -1)]);
    }

    #[test]
    fn metadata_names_every_requested_topic() {
        use kafka_wire::messages::metadata_request::MetadataRequestTopic;
        let named = |n: &str| MetadataRequestTopic { name: Some(n.to_owned().into()), ..Default::default() };
        let request = MetadataRequest { topics: Some(vec![named("x"), named("y")]), ..Default::default() };
        let Some(Response::Metadata(response)) =
            error_response(&frame(request, 12), ErrorCode::TopicAuthorizationFailed)
        else {
            panic!()
        };
        let topics: Vec<(Option<&str>, i16)> =
            response.topics.iter().map(|t| (t.name.as_deref(), t.error_code)).collect();
        let code = ErrorCode::TopicAuthorizationFailed.code();
        assert_eq!(topics, [(Some("x"), code), (Some("y"), code)]);
        assert!(response.brokers.is_empty());
        // Every topic: none to mirror.
        let all = MetadataRequest { topics: None, ..Default::default() };
        let Some(Response::Metadata(response)) = error_response(&frame(all, 12), ErrorCode::TopicAuthorizationFailed)
        else {
            panic!()
        };
        assert!(response.topics.is_empty());
    }

    #[test]
    fn api_versions_gets_the_code_alone() {
        let request = frame(ApiVersionsRequest::default(), 3);
        let Some(Response::ApiVersions(response)) = error_response(&request, ErrorCode::ClusterAuthorizationFailed)
        else {
            panic!()
        };
        assert_eq!(response.error_code, ErrorCode::ClusterAuthorizationFailed.code());
        assert!(response.api_keys.is_empty());
    }

    #[test]
    fn offset_fetch_by_version() {
        use kafka_wire::messages::offset_fetch_request::{OffsetFetchRequestGroup, OffsetFetchRequestTopic};
        let code = ErrorCode::CoordinatorLoadInProgress.code();
        let request = OffsetFetchRequest {
            group_id: "g".into(),
            topics: Some(vec![OffsetFetchRequestTopic {
                name: "t".into(),
                partition_indexes: vec![0, 1].into(),
                ..Default::default()
            }]),
            groups: vec![
                OffsetFetchRequestGroup { group_id: "g1".into(), ..Default::default() },
                OffsetFetchRequestGroup { group_id: "g2".into(), ..Default::default() },
            ],
            ..Default::default()
        };
        let answer =
            |version| match error_response(&frame(request.clone(), version), ErrorCode::CoordinatorLoadInProgress) {
                Some(Response::OffsetFetch(r)) => r,
                other => panic!("{other:?}"),
            };
        let v1 = answer(1);
        let partitions: Vec<(i32, i16, i64)> =
            v1.topics[0].partitions.iter().map(|p| (p.partition_index, p.error_code, p.committed_offset)).collect();
        assert_eq!(partitions, [(0, code, -1), (1, code, -1)]);
        let v7 = answer(7);
        assert_eq!((v7.error_code, v7.topics.len()), (code, 0));
        let v8 = answer(8);
        let groups: Vec<(&str, i16)> = v8.groups.iter().map(|g| (&*g.group_id, g.error_code)).collect();
        assert_eq!(groups, [("g1", code), ("g2", code)]);
    }
}
