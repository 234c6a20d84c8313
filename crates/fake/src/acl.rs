//! ACLs: the store CreateAcls, DescribeAcls and DeleteAcls work on, and
//! the authorizer the handlers ask, deciding as Kafka's
//! StandardAuthorizer decides.
//!
//! A request is allowed when its principal is a super user, or when an
//! ALLOW ACL matches it and no DENY ACL does. An ACL matches when its
//! resource type is the resource's, its pattern covers the resource's
//! name (LITERAL: the name or `*`; PREFIXED: a prefix of the name), its
//! principal is the request's or `User:*`, its host the client's or `*`,
//! and its operation the one asked, ALL, or (for ALLOW only) one that
//! implies it: READ, WRITE, DELETE and ALTER imply DESCRIBE;
//! ALTER_CONFIGS implies DESCRIBE_CONFIGS. No matching ACL: denied.

/// Kafka's resource types (`ResourceType`).
pub(crate) mod resource {
    pub(crate) const ANY: i8 = 1;
    pub(crate) const TOPIC: i8 = 2;
    pub(crate) const GROUP: i8 = 3;
    pub(crate) const CLUSTER: i8 = 4;
    pub(crate) const TRANSACTIONAL_ID: i8 = 5;
    pub(crate) const DELEGATION_TOKEN: i8 = 6;
    pub(crate) const USER: i8 = 7;
}

/// Kafka's pattern types (`PatternType`).
pub(crate) mod pattern {
    pub(crate) const ANY: i8 = 1;
    pub(crate) const MATCH: i8 = 2;
    pub(crate) const LITERAL: i8 = 3;
    pub(crate) const PREFIXED: i8 = 4;
}

/// Kafka's operations (`AclOperation`).
pub(crate) mod op {
    pub(crate) const ANY: i8 = 1;
    pub(crate) const ALL: i8 = 2;
    pub(crate) const READ: i8 = 3;
    pub(crate) const WRITE: i8 = 4;
    pub(crate) const CREATE: i8 = 5;
    pub(crate) const DELETE: i8 = 6;
    pub(crate) const ALTER: i8 = 7;
    pub(crate) const DESCRIBE: i8 = 8;
    pub(crate) const CLUSTER_ACTION: i8 = 9;
    pub(crate) const DESCRIBE_CONFIGS: i8 = 10;
    pub(crate) const ALTER_CONFIGS: i8 = 11;
    pub(crate) const IDEMPOTENT_WRITE: i8 = 12;
    pub(crate) const CREATE_TOKENS: i8 = 13;
    pub(crate) const DESCRIBE_TOKENS: i8 = 14;
    pub(crate) const TWO_PHASE_COMMIT: i8 = 15;
}

/// Kafka's permission types (`AclPermissionType`).
pub(crate) mod permission {
    pub(crate) const ANY: i8 = 1;
    pub(crate) const DENY: i8 = 2;
    pub(crate) const ALLOW: i8 = 3;
}

/// The only name of the cluster resource.
pub(crate) const CLUSTER_NAME: &str = "kafka-cluster";

/// One ACL, as CreateAcls gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Acl {
    pub(crate) resource_type: i8,
    pub(crate) name: String,
    pub(crate) pattern_type: i8,
    pub(crate) principal: String,
    pub(crate) host: String,
    pub(crate) operation: i8,
    pub(crate) permission: i8,
}

/// A DescribeAcls or DeleteAcls filter.
#[derive(Debug, Clone)]
pub(crate) struct AclFilter<'a> {
    pub(crate) resource_type: i8,
    pub(crate) name: Option<&'a str>,
    pub(crate) pattern_type: i8,
    pub(crate) principal: Option<&'a str>,
    pub(crate) host: Option<&'a str>,
    pub(crate) operation: i8,
    pub(crate) permission: i8,
}

impl AclFilter<'_> {
    /// Whether the filter selects `acl`, as Kafka's `AclBindingFilter`
    /// matches a binding.
    pub(crate) fn matches(&self, acl: &Acl) -> bool {
        if self.resource_type != resource::ANY && self.resource_type != acl.resource_type {
            return false;
        }
        if self.pattern_type != pattern::ANY
            && self.pattern_type != pattern::MATCH
            && self.pattern_type != acl.pattern_type
        {
            return false;
        }
        let name_matches = match self.name {
            None => true,
            Some(name) if self.pattern_type == pattern::ANY || self.pattern_type == acl.pattern_type => {
                name == acl.name
            }
            Some(name) => match acl.pattern_type {
                pattern::LITERAL => name == acl.name || acl.name == "*",
                pattern::PREFIXED => name.starts_with(&acl.name),
                _ => false,
            },
        };
        name_matches
            && self.principal.is_none_or(|p| p == acl.principal)
            && self.host.is_none_or(|h| h == acl.host)
            && (self.operation == op::ANY || self.operation == acl.operation)
            && (self.permission == permission::ANY || self.permission == acl.permission)
    }

    /// Kafka's error for a filter that cannot select anything.
    pub(crate) fn invalid(&self) -> Option<String> {
        let known = |v: i8, max: i8| (1..=max).contains(&v);
        if !known(self.resource_type, resource::USER) {
            return Some(format!("Invalid resource type {}", self.resource_type));
        }
        if !known(self.pattern_type, pattern::PREFIXED) {
            return Some(format!("Invalid pattern type {}", self.pattern_type));
        }
        if !known(self.operation, op::TWO_PHASE_COMMIT) {
            return Some(format!("Invalid operation {}", self.operation));
        }
        if !known(self.permission, permission::ALLOW) {
            return Some(format!("Invalid permission type {}", self.permission));
        }
        None
    }
}

impl Acl {
    /// Kafka's reason to refuse creating this ACL (AclApis and
    /// AclControlManager's checks), or `None`.
    pub(crate) fn invalid(&self) -> Option<String> {
        if !(resource::TOPIC..=resource::USER).contains(&self.resource_type) {
            return Some(format!("Invalid resourceType {}", self.resource_type));
        }
        if self.pattern_type != pattern::LITERAL && self.pattern_type != pattern::PREFIXED {
            return Some(format!("Invalid patternType {}", self.pattern_type));
        }
        if !(op::ALL..=op::TWO_PHASE_COMMIT).contains(&self.operation) {
            return Some(format!("Invalid operation {}", self.operation));
        }
        if self.permission != permission::DENY && self.permission != permission::ALLOW {
            return Some(format!("Invalid permissionType {}", self.permission));
        }
        if self.resource_type == resource::CLUSTER && self.name != CLUSTER_NAME {
            return Some(format!("The only valid name for the CLUSTER resource is {CLUSTER_NAME}"));
        }
        if self.name.is_empty() {
            return Some("Invalid empty resource name".into());
        }
        if !self.principal.split_once(':').is_some_and(|(kind, name)| !kind.is_empty() && !name.is_empty()) {
            return Some(format!("Could not parse principal from `{}` (no colon is present separating the principal type from the principal name)", self.principal));
        }
        None
    }

    fn covers(&self, resource_type: i8, name: &str) -> bool {
        self.resource_type == resource_type
            && match self.pattern_type {
                pattern::LITERAL => self.name == name || self.name == "*",
                pattern::PREFIXED => name.starts_with(&self.name),
                _ => false,
            }
    }

    fn grants(&self, operation: i8) -> bool {
        if self.operation == op::ALL || self.operation == operation {
            return true;
        }
        // Only ALLOW ACLs imply other operations.
        self.permission == permission::ALLOW
            && match operation {
                op::DESCRIBE => matches!(self.operation, op::READ | op::WRITE | op::DELETE | op::ALTER),
                op::DESCRIBE_CONFIGS => self.operation == op::ALTER_CONFIGS,
                _ => false,
            }
    }
}

/// Who is asking: a principal (`User:alice`) from a host (`127.0.0.1`).
#[derive(Debug, Clone)]
pub(crate) struct Requester<'a> {
    pub(crate) principal: &'a str,
    pub(crate) host: &'a str,
}

/// The ACLs, and the authorizer's settings.
#[derive(Debug, Default)]
pub(crate) struct Acls {
    pub(crate) acls: std::collections::BTreeSet<Acl>,
}

impl Acls {
    /// Whether `who` may do `operation` on the resource, as
    /// StandardAuthorizer decides (super users are the caller's).
    pub(crate) fn allows(&self, who: &Requester<'_>, operation: i8, resource_type: i8, name: &str) -> bool {
        let mut allowed = false;
        for acl in &self.acls {
            if !acl.covers(resource_type, name)
                || !(acl.principal == who.principal || acl.principal == "User:*")
                || !(acl.host == who.host || acl.host == "*")
                || !acl.grants(operation)
            {
                continue;
            }
            if acl.permission == permission::DENY {
                return false;
            }
            allowed = true;
        }
        allowed
    }

    /// Every ACL naming the resource type: whether some ALLOW ACL for
    /// `operation` exists for `who` on a name `prefix_or_any` could lead
    /// to. Kafka's `authorizeByResourceType`: may this principal do it
    /// to at least one resource of this type (used for CreateTopics'
    /// cluster check fallback and for the transactional id of idempotence)?
    pub(crate) fn allows_any(&self, who: &Requester<'_>, operation: i8, resource_type: i8) -> bool {
        let principal = |acl: &Acl| acl.principal == who.principal || acl.principal == "User:*";
        let host = |acl: &Acl| acl.host == who.host || acl.host == "*";
        // A DENY of everything of the type wins.
        let denied = self.acls.iter().any(|acl| {
            acl.resource_type == resource_type
                && acl.permission == permission::DENY
                && acl.pattern_type == pattern::LITERAL
                && acl.name == "*"
                && principal(acl)
                && host(acl)
                && acl.grants(operation)
        });
        !denied
            && self.acls.iter().any(|acl| {
                acl.resource_type == resource_type
                    && acl.permission == permission::ALLOW
                    && principal(acl)
                    && host(acl)
                    && acl.grants(operation)
                    && !self.acls.iter().any(|deny| {
                        deny.permission == permission::DENY
                            && deny.resource_type == resource_type
                            && principal(deny)
                            && host(deny)
                            && deny.grants(operation)
                            && match (deny.pattern_type, acl.pattern_type) {
                                (pattern::LITERAL, pattern::LITERAL) => deny.name == acl.name,
                                (pattern::PREFIXED, _) => acl.name.starts_with(&deny.name),
                                _ => false,
                            }
                    })
            })
    }
}

/// The operations Kafka lists for a resource type in authorized
/// operations fields.
pub(crate) fn supported_operations(resource_type: i8) -> &'static [i8] {
    match resource_type {
        resource::TOPIC => &[
            op::READ,
            op::WRITE,
            op::CREATE,
            op::DESCRIBE,
            op::DELETE,
            op::ALTER,
            op::DESCRIBE_CONFIGS,
            op::ALTER_CONFIGS,
        ],
        resource::GROUP => &[op::READ, op::DESCRIBE, op::DELETE],
        resource::CLUSTER => &[
            op::CREATE,
            op::CLUSTER_ACTION,
            op::DESCRIBE_CONFIGS,
            op::ALTER_CONFIGS,
            op::IDEMPOTENT_WRITE,
            op::ALTER,
            op::DESCRIBE,
        ],
        resource::TRANSACTIONAL_ID => &[op::DESCRIBE, op::WRITE, op::TWO_PHASE_COMMIT],
        resource::DELEGATION_TOKEN => &[op::DESCRIBE],
        resource::USER => &[op::CREATE_TOKENS, op::DESCRIBE_TOKENS],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(resource_type: i8, name: &str, pattern_type: i8, principal: &str, operation: i8, permission: i8) -> Acl {
        Acl {
            resource_type,
            name: name.into(),
            pattern_type,
            principal: principal.into(),
            host: "*".into(),
            operation,
            permission,
        }
    }

    #[test]
    fn deny_wins_and_allow_implies_describe() {
        let who = Requester { principal: "User:alice", host: "127.0.0.1" };
        let mut acls = Acls::default();
        acls.acls.insert(acl(resource::TOPIC, "orders", pattern::LITERAL, "User:alice", op::READ, permission::ALLOW));
        assert!(acls.allows(&who, op::READ, resource::TOPIC, "orders"));
        assert!(acls.allows(&who, op::DESCRIBE, resource::TOPIC, "orders"));
        assert!(!acls.allows(&who, op::WRITE, resource::TOPIC, "orders"));
        assert!(!acls.allows(&who, op::READ, resource::TOPIC, "other"));
        acls.acls.insert(acl(resource::TOPIC, "ord", pattern::PREFIXED, "User:*", op::READ, permission::DENY));
        assert!(!acls.allows(&who, op::READ, resource::TOPIC, "orders"));
        // A DENY READ does not deny DESCRIBE.
        assert!(acls.allows(&who, op::DESCRIBE, resource::TOPIC, "orders"));
    }

    #[test]
    fn filters_match_as_kafka_matches() {
        let literal = acl(resource::TOPIC, "orders", pattern::LITERAL, "User:a", op::READ, permission::ALLOW);
        let wildcard = acl(resource::TOPIC, "*", pattern::LITERAL, "User:a", op::READ, permission::ALLOW);
        let prefixed = acl(resource::TOPIC, "ord", pattern::PREFIXED, "User:a", op::READ, permission::ALLOW);
        let filter = |name: Option<&'static str>, pattern_type| AclFilter {
            resource_type: resource::ANY,
            name,
            pattern_type,
            principal: None,
            host: None,
            operation: op::ANY,
            permission: permission::ANY,
        };
        let m = filter(Some("orders"), pattern::MATCH);
        assert!(m.matches(&literal) && m.matches(&wildcard) && m.matches(&prefixed));
        let any = filter(Some("orders"), pattern::ANY);
        assert!(any.matches(&literal) && !any.matches(&wildcard) && !any.matches(&prefixed));
        let p = filter(None, pattern::PREFIXED);
        assert!(!p.matches(&literal) && p.matches(&prefixed));
    }
}
