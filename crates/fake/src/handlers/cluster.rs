//! DescribeCluster: the brokers and the cluster id.

use super::metadata::OPERATIONS_NOT_ASKED;
use super::Ctx;
use kafka_wire::messages::describe_cluster_response::DescribeClusterBroker;
use kafka_wire::messages::{DescribeClusterRequest, DescribeClusterResponse};
use kafka_wire::ErrorCode;

/// DescribeCluster's endpoint type for brokers (v1+; controllers are 2).
const BROKERS: i8 = 1;

pub(crate) fn describe_cluster(ctx: &Ctx<'_>, request: &DescribeClusterRequest) -> DescribeClusterResponse {
    if ctx.version >= 1 && request.endpoint_type != BROKERS {
        return DescribeClusterResponse {
            error_code: ErrorCode::MismatchedEndpointType.code(),
            error_message: Some(
                "The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER"
                    .into(),
            ),
            endpoint_type: BROKERS,
            controller_id: -1,
            cluster_authorized_operations: OPERATIONS_NOT_ASKED,
            ..Default::default()
        };
    }
    let state = ctx.shared.state();
    DescribeClusterResponse {
        endpoint_type: BROKERS,
        cluster_id: state.cluster_id.clone().into(),
        controller_id: 0,
        brokers: state
            .nodes
            .iter()
            .map(|n| DescribeClusterBroker {
                broker_id: n.id,
                host: n.host.clone().into(),
                port: n.port as i32,
                ..Default::default()
            })
            .collect(),
        cluster_authorized_operations: if request.include_cluster_authorized_operations {
            ctx.authorized_operations(crate::acl::resource::CLUSTER, crate::acl::CLUSTER_NAME)
        } else {
            OPERATIONS_NOT_ASKED
        },
        ..Default::default()
    }
}
