//! The authorization checks Kafka makes before it looks at a request's
//! entries: a denial answers the whole request with the api's error
//! response (Kafka's `getErrorResponse`), as KafkaApis does. Checks of
//! single topics, groups and resources are in the handlers.

use super::Ctx;
use crate::acl::{op, resource};
use kafka_wire::{ErrorCode, Request};

/// The error a whole request is answered with, or `None` to serve it.
pub(crate) fn denied(ctx: &Ctx<'_>, request: &Request) -> Option<ErrorCode> {
    use ErrorCode::{ClusterAuthorizationFailed, GroupAuthorizationFailed, TransactionalIdAuthorizationFailed};
    let group = |id: &str| (!ctx.authorize(op::READ, resource::GROUP, id)).then_some(GroupAuthorizationFailed);
    let txn = |id: &str| {
        (!ctx.authorize(op::WRITE, resource::TRANSACTIONAL_ID, id)).then_some(TransactionalIdAuthorizationFailed)
    };
    let cluster = |operation| (!ctx.authorize_cluster(operation)).then_some(ClusterAuthorizationFailed);
    match request {
        Request::Produce(r) => r.transactional_id.as_deref().and_then(txn),
        Request::JoinGroup(r) => group(&r.group_id),
        Request::SyncGroup(r) => group(&r.group_id),
        Request::Heartbeat(r) => group(&r.group_id),
        Request::LeaveGroup(r) => group(&r.group_id),
        Request::OffsetCommit(r) => group(&r.group_id),
        Request::ConsumerGroupHeartbeat(r) => group(&r.group_id),
        Request::OffsetDelete(r) => {
            (!ctx.authorize(op::DELETE, resource::GROUP, &r.group_id)).then_some(GroupAuthorizationFailed)
        }
        Request::OffsetFetch(r) if ctx.version < 8 => {
            (!ctx.authorize(op::DESCRIBE, resource::GROUP, &r.group_id)).then_some(GroupAuthorizationFailed)
        }
        Request::FindCoordinator(r) => {
            let keys: Vec<&str> =
                if ctx.version < 4 { vec![&r.key] } else { r.coordinator_keys.iter().map(|k| &**k).collect() };
            let (resource_type, code) = match r.key_type {
                1 => (resource::TRANSACTIONAL_ID, TransactionalIdAuthorizationFailed),
                _ => (resource::GROUP, GroupAuthorizationFailed),
            };
            // The error response mirrors every key: only when all are denied.
            (!keys.is_empty() && keys.iter().all(|k| !ctx.authorize(op::DESCRIBE, resource_type, k))).then_some(code)
        }
        Request::InitProducerId(r) => match r.transactional_id.as_deref() {
            Some(id) => txn(id),
            None => (!ctx.authorize_cluster(op::IDEMPOTENT_WRITE)
                && !ctx.authorize_by_resource_type(op::WRITE, resource::TOPIC))
            .then_some(ClusterAuthorizationFailed),
        },
        Request::AddPartitionsToTxn(r) if ctx.version < 4 => txn(&r.v3_and_below_transactional_id),
        Request::AddOffsetsToTxn(r) => txn(&r.transactional_id).or_else(|| group(&r.group_id)),
        Request::TxnOffsetCommit(r) => txn(&r.transactional_id).or_else(|| group(&r.group_id)),
        Request::EndTxn(r) => txn(&r.transactional_id),
        Request::DescribeCluster(_) => cluster(op::DESCRIBE),
        Request::DescribeUserScramCredentials(_) => cluster(op::DESCRIBE),
        Request::AlterUserScramCredentials(_) => cluster(op::ALTER),
        _ => None,
    }
}
