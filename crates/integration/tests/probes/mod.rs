//! The request each broker suite sends to every api a broker advertises.

use kafka_wire::messages::*;
use kafka_wire::{ApiKey, Request};

/// A request for `api` at `version` that a live broker should answer: the
/// default body, with the few fields a default gets wrong.
pub(crate) fn probe_request(api: ApiKey, version: i16) -> Request {
    match api {
        // acks = 0 would get no response at all.
        ApiKey::Produce => ProduceRequest { acks: -1, timeout_ms: 1000, ..Default::default() }.into(),
        ApiKey::Fetch => FetchRequest { max_wait_ms: 0, replica_id: -1, ..Default::default() }.into(),
        // The default filter (resource type UNKNOWN) is invalid: the broker
        // would close the connection. Ask for everything instead (v0 has no
        // pattern type: it keeps its default, literal).
        ApiKey::DescribeAcls => DescribeAclsRequest {
            resource_type_filter: 1,
            pattern_type_filter: if version == 0 { 3 } else { 1 },
            operation: 1,
            permission_type: 1,
            ..Default::default()
        }
        .into(),
        // v8+ asks per group: an empty list is never answered.
        ApiKey::OffsetFetch if version >= 8 => OffsetFetchRequest {
            groups: vec![offset_fetch_request::OffsetFetchRequestGroup {
                group_id: "probe".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
        .into(),
        // v4+ (the broker-side form) answers per transaction: send one.
        ApiKey::AddPartitionsToTxn if version >= 4 => AddPartitionsToTxnRequest {
            transactions: vec![add_partitions_to_txn_request::AddPartitionsToTxnTransaction {
                transactional_id: "probe".into(),
                producer_id: 0,
                producer_epoch: 0,
                verify_only: true,
                ..Default::default()
            }],
            ..Default::default()
        }
        .into(),
        _ => Request::default_for(api),
    }
}
