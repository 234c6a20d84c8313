//! CreateAcls, DescribeAcls and DeleteAcls, as Kafka's AclApis answers
//! them: CLUSTER ALTER to change ACLs, CLUSTER DESCRIBE to list them,
//! SECURITY_DISABLED without an authorizer.

use super::Ctx;
use crate::acl::{op, Acl, AclFilter};
use kafka_wire::messages::*;
use kafka_wire::{ErrorCode, StrBytes};
use std::collections::BTreeMap;

fn message(code: ErrorCode) -> Option<StrBytes> {
    Some(code.description().to_owned().into())
}

pub(crate) fn create_acls(ctx: &Ctx<'_>, request: &CreateAclsRequest) -> CreateAclsResponse {
    use create_acls_response::AclCreationResult;
    let all = |code: ErrorCode, text: Option<StrBytes>| CreateAclsResponse {
        results: request
            .creations
            .iter()
            .map(|_| AclCreationResult { error_code: code.code(), error_message: text.clone(), ..Default::default() })
            .collect(),
        ..Default::default()
    };
    if !ctx.authorize_cluster(op::ALTER) {
        return all(ErrorCode::ClusterAuthorizationFailed, message(ErrorCode::ClusterAuthorizationFailed));
    }
    if ctx.shared.settings.authorizer.is_none() {
        return all(ErrorCode::SecurityDisabled, Some("No Authorizer is configured.".into()));
    }
    let mut acls = ctx.shared.acls();
    let results = request
        .creations
        .iter()
        .map(|c| {
            let acl = Acl {
                resource_type: c.resource_type,
                name: c.resource_name.to_string(),
                pattern_type: c.resource_pattern_type,
                principal: c.principal.to_string(),
                host: c.host.to_string(),
                operation: c.operation,
                permission: c.permission_type,
            };
            match acl.invalid() {
                Some(why) => AclCreationResult {
                    error_code: ErrorCode::InvalidRequest.code(),
                    error_message: Some(why.into()),
                    ..Default::default()
                },
                None => {
                    acls.acls.insert(acl);
                    AclCreationResult { error_code: 0, error_message: None, ..Default::default() }
                }
            }
        })
        .collect();
    CreateAclsResponse { results, ..Default::default() }
}

pub(crate) fn describe_acls(ctx: &Ctx<'_>, request: &DescribeAclsRequest) -> DescribeAclsResponse {
    use describe_acls_response::{AclDescription, DescribeAclsResource};
    if !ctx.authorize_cluster(op::DESCRIBE) {
        return DescribeAclsResponse {
            error_code: ErrorCode::ClusterAuthorizationFailed.code(),
            error_message: message(ErrorCode::ClusterAuthorizationFailed),
            ..Default::default()
        };
    }
    if ctx.shared.settings.authorizer.is_none() {
        return DescribeAclsResponse {
            error_code: ErrorCode::SecurityDisabled.code(),
            error_message: Some("No Authorizer is configured on the broker".into()),
            ..Default::default()
        };
    }
    let filter = AclFilter {
        resource_type: request.resource_type_filter,
        name: request.resource_name_filter.as_deref(),
        pattern_type: request.pattern_type_filter,
        principal: request.principal_filter.as_deref(),
        host: request.host_filter.as_deref(),
        operation: request.operation,
        permission: request.permission_type,
    };
    if let Some(why) = filter.invalid() {
        return DescribeAclsResponse {
            error_code: ErrorCode::InvalidRequest.code(),
            error_message: Some(why.into()),
            ..Default::default()
        };
    }
    let acls = ctx.shared.acls();
    let mut resources: BTreeMap<(i8, String, i8), Vec<AclDescription>> = BTreeMap::new();
    for acl in acls.acls.iter().filter(|a| filter.matches(a)) {
        resources.entry((acl.resource_type, acl.name.clone(), acl.pattern_type)).or_default().push(AclDescription {
            principal: acl.principal.clone().into(),
            host: acl.host.clone().into(),
            operation: acl.operation,
            permission_type: acl.permission,
            ..Default::default()
        });
    }
    DescribeAclsResponse {
        error_code: 0,
        error_message: None,
        resources: resources
            .into_iter()
            .map(|((resource_type, name, pattern_type), acls)| DescribeAclsResource {
                resource_type,
                resource_name: name.into(),
                pattern_type,
                acls,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

pub(crate) fn delete_acls(ctx: &Ctx<'_>, request: &DeleteAclsRequest) -> DeleteAclsResponse {
    use delete_acls_response::{DeleteAclsFilterResult, DeleteAclsMatchingAcl};
    let all = |code: ErrorCode, text: Option<StrBytes>| DeleteAclsResponse {
        filter_results: request
            .filters
            .iter()
            .map(|_| DeleteAclsFilterResult {
                error_code: code.code(),
                error_message: text.clone(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    if !ctx.authorize_cluster(op::ALTER) {
        return all(ErrorCode::ClusterAuthorizationFailed, message(ErrorCode::ClusterAuthorizationFailed));
    }
    if ctx.shared.settings.authorizer.is_none() {
        return all(ErrorCode::SecurityDisabled, Some("No Authorizer is configured.".into()));
    }
    let mut acls = ctx.shared.acls();
    let mut deleted = Vec::new();
    // Every filter is matched against the ACLs as the request found them:
    // an ACL two filters match is listed by both.
    let filter_results = request
        .filters
        .iter()
        .map(|f| {
            let filter = AclFilter {
                resource_type: f.resource_type_filter,
                name: f.resource_name_filter.as_deref(),
                pattern_type: f.pattern_type_filter,
                principal: f.principal_filter.as_deref(),
                host: f.host_filter.as_deref(),
                operation: f.operation,
                permission: f.permission_type,
            };
            if let Some(why) = filter.invalid() {
                return DeleteAclsFilterResult {
                    error_code: ErrorCode::InvalidRequest.code(),
                    error_message: Some(why.into()),
                    ..Default::default()
                };
            }
            let matching_acls = acls
                .acls
                .iter()
                .filter(|a| filter.matches(a))
                .map(|acl| {
                    deleted.push(acl.clone());
                    DeleteAclsMatchingAcl {
                        error_code: 0,
                        error_message: None,
                        resource_type: acl.resource_type,
                        resource_name: acl.name.clone().into(),
                        pattern_type: acl.pattern_type,
                        principal: acl.principal.clone().into(),
                        host: acl.host.clone().into(),
                        operation: acl.operation,
                        permission_type: acl.permission,
                        ..Default::default()
                    }
                })
                .collect();
            DeleteAclsFilterResult { error_code: 0, error_message: None, matching_acls, ..Default::default() }
        })
        .collect();
    for acl in deleted {
        acls.acls.remove(&acl);
    }
    DeleteAclsResponse { filter_results, ..Default::default() }
}
