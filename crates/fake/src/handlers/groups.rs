//! FindCoordinator and the classic group protocol: JoinGroup, SyncGroup,
//! Heartbeat, LeaveGroup; committed offsets; the group admin apis.

use super::Ctx;
use kafka_wire::messages::find_coordinator_response::Coordinator;
use kafka_wire::messages::*;
use kafka_wire::ErrorCode;

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

fn not_available() -> i16 {
    ErrorCode::CoordinatorNotAvailable.code()
}

pub(crate) async fn join_group(_ctx: &Ctx<'_>, _request: &JoinGroupRequest) -> JoinGroupResponse {
    JoinGroupResponse { error_code: not_available(), generation_id: -1, ..Default::default() }
}

pub(crate) async fn sync_group(_ctx: &Ctx<'_>, _request: &SyncGroupRequest) -> SyncGroupResponse {
    SyncGroupResponse { error_code: not_available(), ..Default::default() }
}

pub(crate) fn heartbeat(_ctx: &Ctx<'_>, _request: &HeartbeatRequest) -> HeartbeatResponse {
    HeartbeatResponse { error_code: not_available(), ..Default::default() }
}

pub(crate) fn leave_group(_ctx: &Ctx<'_>, _request: &LeaveGroupRequest) -> LeaveGroupResponse {
    LeaveGroupResponse { error_code: not_available(), ..Default::default() }
}

pub(crate) fn offset_commit(_ctx: &Ctx<'_>, _request: &OffsetCommitRequest) -> OffsetCommitResponse {
    OffsetCommitResponse::default()
}

pub(crate) fn offset_fetch(_ctx: &Ctx<'_>, _request: &OffsetFetchRequest) -> OffsetFetchResponse {
    OffsetFetchResponse { error_code: not_available(), ..Default::default() }
}

pub(crate) fn offset_delete(_ctx: &Ctx<'_>, _request: &OffsetDeleteRequest) -> OffsetDeleteResponse {
    OffsetDeleteResponse { error_code: not_available(), ..Default::default() }
}

pub(crate) fn describe_groups(_ctx: &Ctx<'_>, _request: &DescribeGroupsRequest) -> DescribeGroupsResponse {
    DescribeGroupsResponse::default()
}

pub(crate) fn list_groups(_ctx: &Ctx<'_>, _request: &ListGroupsRequest) -> ListGroupsResponse {
    ListGroupsResponse::default()
}

pub(crate) fn delete_groups(_ctx: &Ctx<'_>, _request: &DeleteGroupsRequest) -> DeleteGroupsResponse {
    DeleteGroupsResponse::default()
}
