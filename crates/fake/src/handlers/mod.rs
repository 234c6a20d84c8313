//! One handler per api, each reading like the Kafka broker code it
//! imitates: a request in, the response Kafka would give out.
//!
//! Handlers build one response struct for every version; the encoder
//! drops what a version cannot carry when Kafka marks the field
//! ignorable, and the handlers leave the others at their default in
//! versions without them.

use crate::acl;
use crate::cluster::Shared;
use crate::server::Session;
use kafka_wire::{ApiKey, Request, RequestFrame, Response};

mod acls;
mod api_versions;
mod authz;
mod cluster;
mod configs;
mod consumer_groups;
mod errors;
mod fetch;
mod groups;
mod metadata;
mod offsets;
mod produce;
mod producer_id;
pub(crate) mod sasl;
mod topics;
mod txn;

pub(crate) use produce::now_ms;

pub(crate) use errors::error_response;

/// What the connection does after a handler.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Send this response.
    Reply(Response),
    /// Send this response, then close (a failed SASL authentication).
    ReplyThenClose(Response),
    /// Send nothing (a Produce with acks=0).
    NoReply,
    /// Close the connection without answering, as Kafka does for a
    /// request it refuses outright.
    Close,
}

/// What a handler is given besides its request.
pub(crate) struct Ctx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) session: &'a mut Session,
    pub(crate) version: i16,
    pub(crate) client_id: String,
}

impl Ctx<'_> {
    pub(crate) fn node(&self) -> i32 {
        self.session.node
    }

    /// The principal Kafka's authorizer sees: `User:<name>` after SASL,
    /// `User:ANONYMOUS` without.
    pub(crate) fn principal(&self) -> String {
        format!("User:{}", self.session.principal.as_deref().unwrap_or("ANONYMOUS"))
    }

    /// Whether an authorizer is enabled and `principal` is not one of its
    /// super users: the ACLs decide.
    fn acls_decide(&self) -> Option<String> {
        let super_users = self.shared.settings.authorizer.as_ref()?;
        let principal = self.principal();
        (!super_users.contains(&principal)).then_some(principal)
    }

    /// Kafka's `authHelper.authorize(context, operation, resourceType,
    /// name)`: always true without an authorizer.
    pub(crate) fn authorize(&self, operation: i8, resource_type: i8, name: &str) -> bool {
        let Some(principal) = self.acls_decide() else { return true };
        let who = acl::Requester { principal: &principal, host: self.session.peer.trim_start_matches('/') };
        self.shared.acls().allows(&who, operation, resource_type, name)
    }

    /// `authorize` on the cluster resource.
    pub(crate) fn authorize_cluster(&self, operation: i8) -> bool {
        self.authorize(operation, acl::resource::CLUSTER, acl::CLUSTER_NAME)
    }

    /// Kafka's `authorizeByResourceType`: may the principal do
    /// `operation` to some resource of this type?
    pub(crate) fn authorize_by_resource_type(&self, operation: i8, resource_type: i8) -> bool {
        let Some(principal) = self.acls_decide() else { return true };
        let who = acl::Requester { principal: &principal, host: self.session.peer.trim_start_matches('/') };
        self.shared.acls().allows_any(&who, operation, resource_type)
    }

    /// An authorized operations field: the bits of the operations on the
    /// resource the principal is allowed (all of them without an
    /// authorizer).
    pub(crate) fn authorized_operations(&self, resource_type: i8, name: &str) -> i32 {
        acl::supported_operations(resource_type)
            .iter()
            .filter(|&&op| self.authorize(op, resource_type, name))
            .fold(0, |bits, &op| bits | (1 << op))
    }
}

/// The apis the fake broker serves; the others are neither advertised
/// (without a release persona) nor answered.
pub(crate) const SERVED: &[ApiKey] = &[
    ApiKey::ApiVersions,
    ApiKey::Metadata,
    ApiKey::DescribeTopicPartitions,
    ApiKey::CreateTopics,
    ApiKey::DeleteTopics,
    ApiKey::CreatePartitions,
    ApiKey::Produce,
    ApiKey::Fetch,
    ApiKey::ListOffsets,
    ApiKey::OffsetForLeaderEpoch,
    ApiKey::DeleteRecords,
    ApiKey::FindCoordinator,
    ApiKey::JoinGroup,
    ApiKey::SyncGroup,
    ApiKey::Heartbeat,
    ApiKey::LeaveGroup,
    ApiKey::OffsetCommit,
    ApiKey::OffsetFetch,
    ApiKey::OffsetDelete,
    ApiKey::DescribeGroups,
    ApiKey::ListGroups,
    ApiKey::DeleteGroups,
    ApiKey::ConsumerGroupHeartbeat,
    ApiKey::ConsumerGroupDescribe,
    ApiKey::InitProducerId,
    ApiKey::AddPartitionsToTxn,
    ApiKey::AddOffsetsToTxn,
    ApiKey::TxnOffsetCommit,
    ApiKey::EndTxn,
    ApiKey::DescribeTransactions,
    ApiKey::ListTransactions,
    ApiKey::DescribeProducers,
    ApiKey::DescribeConfigs,
    ApiKey::AlterConfigs,
    ApiKey::IncrementalAlterConfigs,
    ApiKey::DescribeCluster,
    ApiKey::SaslHandshake,
    ApiKey::SaslAuthenticate,
    ApiKey::DescribeUserScramCredentials,
    ApiKey::AlterUserScramCredentials,
    ApiKey::CreateAcls,
    ApiKey::DescribeAcls,
    ApiKey::DeleteAcls,
];

/// Whether the fake broker answers `api`.
pub(crate) fn serves(api: ApiKey) -> bool {
    SERVED.contains(&api)
}

pub(crate) async fn handle(shared: &Shared, session: &mut Session, frame: &RequestFrame) -> Outcome {
    let client_id = frame.header.client_id.as_deref().unwrap_or_default().to_owned();
    let mut ctx = Ctx { shared, session, version: frame.version(), client_id };
    let reply = |r: Response| Outcome::Reply(r);
    if let Some(code) = authz::denied(&ctx, &frame.body) {
        // Kafka answers with the api's error response (none for a Produce
        // with acks=0: the connection closes).
        return error_response(frame, code).map_or(Outcome::Close, Outcome::Reply);
    }
    match &frame.body {
        Request::ApiVersions(r) => reply(api_versions::api_versions(&ctx, r).into()),
        Request::Metadata(r) => metadata::metadata(&ctx, r).map_or(Outcome::Close, |m| reply(m.into())),
        Request::DescribeTopicPartitions(r) => reply(metadata::describe_topic_partitions(&ctx, r).into()),
        Request::CreateTopics(r) => reply(topics::create_topics(&ctx, r).into()),
        Request::DeleteTopics(r) => reply(topics::delete_topics(&ctx, r).into()),
        Request::CreatePartitions(r) => reply(topics::create_partitions(&ctx, r).into()),
        Request::Produce(r) => produce::produce(&ctx, r),
        Request::Fetch(r) => reply(fetch::fetch(&ctx, r).await.into()),
        Request::ListOffsets(r) => reply(offsets::list_offsets(&ctx, r).into()),
        Request::OffsetForLeaderEpoch(r) => reply(offsets::offset_for_leader_epoch(&ctx, r).into()),
        Request::DeleteRecords(r) => reply(offsets::delete_records(&ctx, r).into()),
        Request::FindCoordinator(r) => reply(groups::find_coordinator(&ctx, r).into()),
        Request::JoinGroup(r) => reply(groups::join_group(&ctx, r).await.into()),
        Request::SyncGroup(r) => reply(groups::sync_group(&ctx, r).await.into()),
        Request::Heartbeat(r) => reply(groups::heartbeat(&ctx, r).into()),
        Request::LeaveGroup(r) => reply(groups::leave_group(&ctx, r).into()),
        Request::OffsetCommit(r) => reply(groups::offset_commit(&ctx, r).into()),
        Request::OffsetFetch(r) => reply(groups::offset_fetch(&ctx, r).into()),
        Request::OffsetDelete(r) => reply(groups::offset_delete(&ctx, r).into()),
        Request::DescribeGroups(r) => reply(groups::describe_groups(&ctx, r).into()),
        Request::ListGroups(r) => reply(groups::list_groups(&ctx, r).into()),
        Request::DeleteGroups(r) => reply(groups::delete_groups(&ctx, r).into()),
        Request::ConsumerGroupHeartbeat(r) => reply(consumer_groups::heartbeat(&ctx, r).into()),
        Request::ConsumerGroupDescribe(r) => reply(consumer_groups::describe(&ctx, r).into()),
        Request::InitProducerId(r) => reply(producer_id::init_producer_id(&ctx, r).into()),
        Request::AddPartitionsToTxn(r) => reply(txn::add_partitions_to_txn(&ctx, r).into()),
        Request::AddOffsetsToTxn(r) => reply(txn::add_offsets_to_txn(&ctx, r).into()),
        Request::TxnOffsetCommit(r) => reply(txn::txn_offset_commit(&ctx, r).into()),
        Request::EndTxn(r) => reply(txn::end_txn(&ctx, r).into()),
        Request::DescribeTransactions(r) => reply(txn::describe_transactions(&ctx, r).into()),
        Request::ListTransactions(r) => reply(txn::list_transactions(&ctx, r).into()),
        Request::DescribeProducers(r) => reply(txn::describe_producers(&ctx, r).into()),
        Request::DescribeConfigs(r) => reply(configs::describe_configs(&ctx, r).into()),
        Request::AlterConfigs(r) => reply(configs::alter_configs(&ctx, r).into()),
        Request::IncrementalAlterConfigs(r) => reply(configs::incremental_alter_configs(&ctx, r).into()),
        Request::DescribeCluster(r) => reply(cluster::describe_cluster(&ctx, r).into()),
        Request::SaslHandshake(r) => sasl::handshake(&mut ctx, r),
        Request::SaslAuthenticate(r) => sasl::authenticate(&mut ctx, r),
        Request::DescribeUserScramCredentials(r) => reply(sasl::describe_user_scram_credentials(&ctx, r).into()),
        Request::CreateAcls(r) => reply(acls::create_acls(&ctx, r).into()),
        Request::DescribeAcls(r) => reply(acls::describe_acls(&ctx, r).into()),
        Request::DeleteAcls(r) => reply(acls::delete_acls(&ctx, r).into()),
        Request::AlterUserScramCredentials(r) => reply(sasl::alter_user_scram_credentials(&ctx, r).into()),
        // Advertised by a release persona but not served: the connection
        // closes, and a test learns why from the problems (a client that
        // uses what the persona advertises met a gap of the fake broker).
        _ => {
            shared.problem(format!(
                "{} v{} is advertised but not served: the connection was closed",
                frame.api_key().name(),
                frame.version()
            ));
            Outcome::Close
        }
    }
}
