//! KIP-848 consumer groups: the coordinator computes each member's target
//! assignment with a server-side assignor, and every heartbeat moves the
//! member towards it.
//!
//! This follows Kafka's `GroupMetadataManager` and
//! `CurrentAssignmentBuilder`: a change of the members' subscriptions or
//! of the subscribed topics bumps the group epoch; the next heartbeat
//! computes the target assignment of that epoch; a member keeps its epoch
//! while it still owns partitions it must give up (UNREVOKED_PARTITIONS),
//! and gets a partition only once its previous owner no longer holds it
//! (UNRELEASED_PARTITIONS until then).

use kafka_wire::ErrorCode;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tokio::time::Instant;
use uuid::Uuid;

/// The member epoch of a member leaving the group.
pub(crate) const LEAVE_EPOCH: i32 = -1;
/// The member epoch of a static member leaving for a while (it keeps its
/// partitions until its session ends).
pub(crate) const STATIC_LEAVE_EPOCH: i32 = -2;

/// The server-side assignors, Kafka's default (`uniform`) first, as
/// `group.consumer.assignors` lists them.
pub(crate) const ASSIGNORS: [&str; 2] = ["uniform", "range"];

/// Kafka's `group.consumer.session.timeout.ms`.
pub(crate) const DEFAULT_SESSION_TIMEOUT: Duration = Duration::from_secs(45);
/// Kafka's `group.consumer.heartbeat.interval.ms`.
pub(crate) const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);

/// Partitions by topic id.
pub(crate) type Partitions = BTreeMap<Uuid, BTreeSet<i32>>;

/// The topics as the coordinator sees them: name to id and partition count.
pub(crate) type Topics = BTreeMap<String, (Uuid, i32)>;

/// The consumer group settings of the broker.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConsumerConfig {
    pub(crate) session_timeout: Duration,
    pub(crate) heartbeat_interval: Duration,
}

/// A request refused, with Kafka's error and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) error: ErrorCode,
    pub(crate) message: String,
}

fn refuse<T>(error: ErrorCode, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal { error, message: message.into() })
}

/// A ConsumerGroupHeartbeat, as the coordinator reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Heartbeat {
    pub(crate) member_id: String,
    pub(crate) member_epoch: i32,
    pub(crate) instance_id: Option<String>,
    pub(crate) rack_id: Option<String>,
    /// -1 when unchanged.
    pub(crate) rebalance_timeout_ms: i32,
    pub(crate) subscribed_topic_names: Option<Vec<String>>,
    pub(crate) subscribed_topic_regex: Option<String>,
    pub(crate) server_assignor: Option<String>,
    pub(crate) owned: Option<Partitions>,
    pub(crate) client_id: String,
    pub(crate) client_host: String,
}

/// What a heartbeat is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) member_id: String,
    pub(crate) member_epoch: i32,
    /// The member's assignment, sent when it changed or the request was a full one.
    pub(crate) assignment: Option<Partitions>,
}

/// Kafka's checks of a heartbeat before the coordinator sees it
/// (`throwIfConsumerGroupHeartbeatRequestIsInvalid`, 4.x).
pub(crate) fn validate(group_id: &str, hb: &Heartbeat, version: i16) -> Result<(), Refusal> {
    let invalid = |message: &str| refuse(ErrorCode::InvalidRequest, message);
    if group_id.is_empty() {
        return invalid("GroupId can't be empty.");
    }
    if hb.instance_id.as_deref() == Some("") {
        return invalid("InstanceId can't be empty.");
    }
    if hb.rack_id.as_deref() == Some("") {
        return invalid("RackId can't be empty.");
    }
    // From v1 the consumer generates its member id (KIP-1082).
    if version >= 1 && hb.member_id.is_empty() {
        return invalid("MemberId can't be empty.");
    }
    match hb.member_epoch {
        0 => validate_join(hb)?,
        e if e > 0 || e == LEAVE_EPOCH => {
            if hb.member_id.is_empty() {
                return invalid("MemberId can't be empty.");
            }
        }
        STATIC_LEAVE_EPOCH => {
            if hb.member_id.is_empty() {
                return invalid("MemberId can't be empty.");
            }
            if hb.instance_id.is_none() {
                return invalid("InstanceId can't be null.");
            }
        }
        _ => return invalid("MemberEpoch is invalid."),
    }
    if let Some(regex) = hb.subscribed_topic_regex.as_deref() {
        if let Err(e) = TopicRegex::new(regex) {
            return refuse(
                ErrorCode::InvalidRegularExpression,
                format!("SubscribedTopicRegex `{regex}` is not a valid regular expression: {e}."),
            );
        }
    }
    if let Some(assignor) = hb.server_assignor.as_deref() {
        if !ASSIGNORS.contains(&assignor) {
            return refuse(
                ErrorCode::UnsupportedAssignor,
                format!("ServerAssignor {assignor} is not supported. Supported assignors: {}.", ASSIGNORS.join(", ")),
            );
        }
    }
    Ok(())
}

/// What a (re)joining heartbeat must carry.
fn validate_join(hb: &Heartbeat) -> Result<(), Refusal> {
    let invalid = |message: &str| refuse(ErrorCode::InvalidRequest, message);
    if hb.rebalance_timeout_ms == -1 {
        return invalid("RebalanceTimeoutMs must be provided in first request.");
    }
    if hb.owned.as_ref().is_none_or(|owned| !owned.is_empty()) {
        return invalid("TopicPartitions must be empty when (re-)joining.");
    }
    if hb.subscribed_topic_names.is_none() && hb.subscribed_topic_regex.is_none() {
        return invalid("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
    }
    Ok(())
}

/// A subscription by regular expression (KIP-848): the topics whose whole
/// name it matches, as Kafka matches them with RE2/J.
#[derive(Debug, Clone)]
pub(crate) struct TopicRegex {
    pub(crate) source: String,
    compiled: regex::Regex,
}

impl TopicRegex {
    fn new(source: &str) -> Result<TopicRegex, regex::Error> {
        let compiled = regex::Regex::new(&format!("^(?:{source})$"))?;
        Ok(TopicRegex { source: source.to_owned(), compiled })
    }

    fn matches(&self, topic: &str) -> bool {
        self.compiled.is_match(topic)
    }
}

impl PartialEq for TopicRegex {
    fn eq(&self, other: &TopicRegex) -> bool {
        self.source == other.source
    }
}

/// Where a member is in its reconciliation, by Kafka's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberState {
    Stable,
    /// It must first give up partitions it still owns.
    UnrevokedPartitions,
    /// Some of its target partitions still belong to other members.
    UnreleasedPartitions,
}

#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) id: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) rack_id: Option<String>,
    pub(crate) client_id: String,
    pub(crate) client_host: String,
    pub(crate) epoch: i32,
    previous_epoch: i32,
    pub(crate) state: MemberState,
    /// What it owns now (what its heartbeat answers gave it).
    pub(crate) assigned: Partitions,
    /// What it still owns but must give up.
    revoking: Partitions,
    pub(crate) subscribed: Vec<String>,
    pub(crate) regex: Option<TopicRegex>,
    assignor: Option<String>,
    rebalance_timeout: Duration,
    session_deadline: Instant,
    /// The epoch it must leave by this deadline (it has partitions to revoke).
    revocation_deadline: Option<(i32, Instant)>,
}

impl Member {
    fn new(id: String, now: Instant) -> Member {
        Member {
            id,
            instance_id: None,
            rack_id: None,
            client_id: String::new(),
            client_host: String::new(),
            epoch: 0,
            previous_epoch: 0,
            state: MemberState::Stable,
            assigned: Partitions::new(),
            revoking: Partitions::new(),
            subscribed: Vec::new(),
            regex: None,
            assignor: None,
            rebalance_timeout: Duration::ZERO,
            session_deadline: now,
            revocation_deadline: None,
        }
    }

    /// Takes what the heartbeat changed.
    fn update(&mut self, hb: &Heartbeat) {
        if hb.instance_id.is_some() {
            self.instance_id = hb.instance_id.clone();
        }
        if hb.rack_id.is_some() {
            self.rack_id = hb.rack_id.clone();
        }
        if hb.rebalance_timeout_ms >= 0 {
            self.rebalance_timeout = Duration::from_millis(hb.rebalance_timeout_ms as u64);
        }
        if hb.server_assignor.is_some() {
            self.assignor = hb.server_assignor.clone();
        }
        if let Some(topics) = &hb.subscribed_topic_names {
            self.subscribed = topics.clone();
        }
        if let Some(regex) = hb.subscribed_topic_regex.as_deref() {
            // Checked by `validate`; an empty one ends the regex subscription.
            self.regex = (!regex.is_empty()).then(|| TopicRegex::new(regex).ok()).flatten();
        }
        self.client_id = hb.client_id.clone();
        self.client_host = hb.client_host.clone();
    }

    /// Whether it subscribes to `topic`, by name or by its regex.
    fn subscribes_to(&self, topic: &str) -> bool {
        self.subscribed.iter().any(|t| t == topic) || self.regex.as_ref().is_some_and(|r| r.matches(topic))
    }

    fn is_reconciled_to(&self, epoch: i32) -> bool {
        self.state == MemberState::Stable && self.epoch == epoch
    }

    fn set_epoch(&mut self, epoch: i32) {
        self.previous_epoch = self.epoch;
        self.epoch = epoch;
    }

    /// Kafka's epoch check: a member may be one epoch behind if the answer
    /// that moved it on was lost and it owns nothing it was not given.
    fn check_epoch(&self, received: i32, owned: Option<&Partitions>) -> Result<(), Refusal> {
        let fenced = |how: &str| {
            refuse(
                ErrorCode::FencedMemberEpoch,
                format!(
                    "The consumer group member has a {how} member epoch ({received}) than the one known by the group coordinator ({}). The member must abandon all its partitions and rejoin.",
                    self.epoch
                ),
            )
        };
        if received > self.epoch {
            return fenced("greater");
        }
        if received < self.epoch
            && (received != self.previous_epoch || !owned.is_some_and(|o| is_subset(o, &self.assigned)))
        {
            return fenced("smaller");
        }
        Ok(())
    }
}

fn is_subset(owned: &Partitions, of: &Partitions) -> bool {
    owned.iter().all(|(topic, partitions)| {
        partitions.is_empty() || of.get(topic).is_some_and(|mine| partitions.is_subset(mine))
    })
}

/// Whether the member reports owning any of these partitions (a member
/// that does not say what it owns still owns them).
fn owns_any(owned: Option<&Partitions>, partitions: &Partitions) -> bool {
    let Some(owned) = owned else { return true };
    owned.iter().any(|(topic, ps)| partitions.get(topic).is_some_and(|theirs| !ps.is_disjoint(theirs)))
}

fn count(partitions: &Partitions) -> usize {
    partitions.values().map(BTreeSet::len).sum()
}

/// A consumer group (KIP-848).
#[derive(Debug, Clone, Default)]
pub(crate) struct ConsumerGroup {
    /// Bumped by every change of the members or their subscriptions.
    pub(crate) epoch: i32,
    /// The epoch of the target assignment.
    pub(crate) assignment_epoch: i32,
    /// By member id.
    pub(crate) members: BTreeMap<String, Member>,
    /// Each member's target assignment, by member id.
    pub(crate) target: BTreeMap<String, Partitions>,
    /// The subscribed topics as the last assignment saw them.
    subscribed_topics: Topics,
}

impl ConsumerGroup {
    /// Kafka's name of the group's state.
    pub(crate) fn state(&self) -> &'static str {
        if self.members.is_empty() {
            "Empty"
        } else if self.epoch > self.assignment_epoch {
            "Assigning"
        } else if self.members.values().any(|m| !m.is_reconciled_to(self.assignment_epoch)) {
            "Reconciling"
        } else {
            "Stable"
        }
    }

    /// The assignor the group uses: the one most members name (Kafka's
    /// default when none does).
    pub(crate) fn assignor(&self) -> &'static str {
        let votes = |name: &str| self.members.values().filter(|m| m.assignor.as_deref() == Some(name)).count();
        let best = ASSIGNORS.iter().map(|a| votes(a)).max().unwrap_or(0);
        ASSIGNORS.iter().copied().find(|a| best > 0 && votes(a) == best).unwrap_or(ASSIGNORS[0])
    }

    fn static_member(&self, instance_id: &str) -> Option<&Member> {
        self.members.values().find(|m| m.instance_id.as_deref() == Some(instance_id))
    }

    /// One heartbeat (its checks by [`validate`] passed), at `now`, with
    /// the cluster's topics as they are.
    pub(crate) fn heartbeat(
        &mut self,
        group_id: &str,
        hb: &Heartbeat,
        topics: &Topics,
        now: Instant,
        config: &ConsumerConfig,
    ) -> Result<Answer, Refusal> {
        if hb.member_epoch == LEAVE_EPOCH || hb.member_epoch == STATIC_LEAVE_EPOCH {
            return self.leave(group_id, hb);
        }
        let member_id = if hb.member_id.is_empty() { Uuid::new_v4().to_string() } else { hb.member_id.clone() };
        let mut member = self.member_for(group_id, &member_id, hb, now)?;
        let before = member.clone();
        member.update(hb);
        // A new member subscribing to nothing changes nothing, as in Kafka.
        let mut bump = member.subscribed != before.subscribed || member.regex != before.regex;
        self.members.insert(member_id.clone(), member);
        let subscribed = self.subscribed_metadata(topics);
        if subscribed != self.subscribed_topics {
            self.subscribed_topics = subscribed;
            bump = true;
        }
        if bump {
            self.epoch += 1;
        }
        if self.epoch > self.assignment_epoch {
            self.assign();
        }
        self.reconcile(&member_id, hb.owned.as_ref(), now);
        let member = self.members.get_mut(&member_id).expect("inserted");
        member.session_deadline = now + config.session_timeout;
        let full = hb.member_epoch == 0
            || (hb.rebalance_timeout_ms != -1 && hb.subscribed_topic_names.is_some() && hb.owned.is_some());
        let assignment = (full || member.assigned != before.assigned).then(|| member.assigned.clone());
        Ok(Answer { member_id, member_epoch: member.epoch, assignment })
    }

    /// The member a heartbeat speaks for: an existing one whose epoch is
    /// right, or a new one joining (a static member may replace the one
    /// that left with its instance id).
    fn member_for(&mut self, group_id: &str, member_id: &str, hb: &Heartbeat, now: Instant) -> Result<Member, Refusal> {
        let joining = hb.member_epoch == 0;
        let Some(instance) = hb.instance_id.as_deref() else {
            return match self.members.get(member_id) {
                Some(m) => m.check_epoch(hb.member_epoch, hb.owned.as_ref()).map(|()| m.clone()),
                None if joining => Ok(Member::new(member_id.to_owned(), now)),
                None => unknown_member(member_id, group_id),
            };
        };
        let existing = self.static_member(instance).cloned();
        match existing {
            None if joining => Ok(Member::new(member_id.to_owned(), now)),
            None => refuse(ErrorCode::UnknownMemberId, format!("Instance id {instance} is unknown.")),
            Some(old) if joining => {
                if old.epoch != STATIC_LEAVE_EPOCH {
                    return refuse(
                        ErrorCode::UnreleasedInstanceId,
                        format!("Static member {member_id} with instance id {instance} cannot join the group because the instance id is owned by {} member.", old.id),
                    );
                }
                Ok(self.replace(old, member_id))
            }
            Some(old) if old.id != member_id => refuse(
                ErrorCode::FencedInstanceId,
                format!("Static member {member_id} with instance id {instance} was fenced by member {}.", old.id),
            ),
            Some(old) => old.check_epoch(hb.member_epoch, hb.owned.as_ref()).map(|()| old),
        }
    }

    /// A static member comes back under a new member id: it takes over the
    /// old member's partitions and target, at epoch 0.
    fn replace(&mut self, old: Member, new_id: &str) -> Member {
        self.members.remove(&old.id);
        if let Some(target) = self.target.remove(&old.id) {
            self.target.insert(new_id.to_owned(), target);
        }
        Member { id: new_id.to_owned(), epoch: 0, previous_epoch: 0, revocation_deadline: None, ..old }
    }

    /// Leaving for good (-1), or a static member leaving for a while (-2).
    fn leave(&mut self, group_id: &str, hb: &Heartbeat) -> Result<Answer, Refusal> {
        let answer = |epoch| Answer { member_id: hb.member_id.clone(), member_epoch: epoch, assignment: None };
        let Some(instance) = hb.instance_id.as_deref() else {
            if !self.members.contains_key(&hb.member_id) {
                return unknown_member(&hb.member_id, group_id);
            }
            self.fence(&hb.member_id);
            return Ok(answer(LEAVE_EPOCH));
        };
        let Some(member) = self.static_member(instance) else {
            return refuse(ErrorCode::UnknownMemberId, format!("Instance id {instance} is unknown."));
        };
        if member.id != hb.member_id {
            return refuse(
                ErrorCode::FencedInstanceId,
                format!(
                    "Static member {} with instance id {instance} was fenced by member {}.",
                    hb.member_id, member.id
                ),
            );
        }
        if hb.member_epoch == STATIC_LEAVE_EPOCH {
            // It keeps its partitions: nobody else gets them while it is away.
            let member = self.members.get_mut(&hb.member_id).expect("found");
            member.epoch = STATIC_LEAVE_EPOCH;
            member.revoking.clear();
            member.revocation_deadline = None;
            return Ok(answer(STATIC_LEAVE_EPOCH));
        }
        self.fence(&hb.member_id);
        Ok(answer(LEAVE_EPOCH))
    }

    /// Removes a member (it left, or it is fenced): the group epoch goes
    /// up and the next heartbeat computes a new target assignment.
    pub(crate) fn fence(&mut self, member_id: &str) {
        if self.members.remove(member_id).is_some() {
            self.target.remove(member_id);
            self.epoch += 1;
        }
    }

    /// The topics the members subscribe to that exist, as they are now.
    fn subscribed_metadata(&self, topics: &Topics) -> Topics {
        topics
            .iter()
            .filter(|(name, _)| self.members.values().any(|m| m.subscribes_to(name)))
            .map(|(name, t)| (name.clone(), *t))
            .collect()
    }

    /// The target assignment of the group epoch, by the group's assignor.
    fn assign(&mut self) {
        let subscriptions: Vec<Subscription<'_>> = self
            .members
            .values()
            .map(|m| Subscription {
                member_id: &m.id,
                instance_id: m.instance_id.as_deref(),
                topics: self
                    .subscribed_topics
                    .iter()
                    .filter(|(name, _)| m.subscribes_to(name))
                    .map(|(_, t)| *t)
                    .collect(),
            })
            .collect();
        self.target = match self.assignor() {
            "range" => range(&subscriptions),
            _ => uniform(&subscriptions, &self.target),
        };
        self.assignment_epoch = self.epoch;
    }

    /// Which member's current epoch holds each partition (assigned, or
    /// still being revoked): Kafka's `currentPartitionEpoch`.
    fn owners(&self) -> BTreeMap<(Uuid, i32), i32> {
        let mut owners = BTreeMap::new();
        for m in self.members.values() {
            for (topic, partitions) in m.assigned.iter().chain(&m.revoking) {
                for p in partitions {
                    owners.insert((*topic, *p), m.epoch);
                }
            }
        }
        owners
    }

    /// Moves a member towards its target assignment, as Kafka's
    /// `CurrentAssignmentBuilder` does.
    fn reconcile(&mut self, member_id: &str, owned: Option<&Partitions>, now: Instant) {
        let target_epoch = self.assignment_epoch;
        let target = self.target.get(member_id).cloned().unwrap_or_default();
        let owners = self.owners();
        let member = self.members.get_mut(member_id).expect("a member");
        if member.is_reconciled_to(target_epoch) {
            return;
        }
        let from_epoch = match member.state {
            MemberState::Stable | MemberState::UnreleasedPartitions => member.epoch,
            MemberState::UnrevokedPartitions if owns_any(owned, &member.revoking) => return,
            // Everything it had to give up is given up: the next epoch.
            MemberState::UnrevokedPartitions => member.epoch + 1,
        };
        next_assignment(member, from_epoch, target_epoch, &target, &owners, owned);
        if member.state == MemberState::UnrevokedPartitions {
            if member.revocation_deadline.is_none_or(|(epoch, _)| epoch != member.epoch) {
                member.revocation_deadline = Some((member.epoch, now + member.rebalance_timeout));
            }
        } else {
            member.revocation_deadline = None;
        }
    }

    /// Fences the members whose session ended, and those that did not
    /// revoke their partitions within their rebalance timeout.
    pub(crate) fn tick(&mut self, now: Instant) {
        let expired: Vec<String> = self
            .members
            .values()
            .filter(|m| {
                m.session_deadline <= now
                    || m.revocation_deadline.is_some_and(|(epoch, at)| epoch == m.epoch && at <= now)
            })
            .map(|m| m.id.clone())
            .collect();
        for id in expired {
            self.fence(&id);
        }
    }

    /// Whether a member holds this id (OffsetCommit's and OffsetFetch's checks).
    pub(crate) fn member_epoch(&self, member_id: &str) -> Option<i32> {
        self.members.get(member_id).map(|m| m.epoch)
    }

    /// Whether a member subscribes to `topic` (OffsetDelete refuses to
    /// delete its offsets then).
    pub(crate) fn is_subscribed_to(&self, topic: &str) -> bool {
        self.members.values().any(|m| m.subscribes_to(topic))
    }
}

fn unknown_member<T>(member_id: &str, group_id: &str) -> Result<T, Refusal> {
    refuse(ErrorCode::UnknownMemberId, format!("Member {member_id} is not a member of group {group_id}."))
}

/// Kafka's `computeNextAssignment`: keep what is still targeted, give up
/// what is not (staying at `from_epoch` until it is given up), take the
/// targeted partitions nobody else holds.
fn next_assignment(
    member: &mut Member,
    from_epoch: i32,
    target_epoch: i32,
    target: &Partitions,
    owners: &BTreeMap<(Uuid, i32), i32>,
    owned: Option<&Partitions>,
) {
    let mut kept = Partitions::new();
    let mut revoking = Partitions::new();
    let mut adding = Partitions::new();
    let mut unreleased = false;
    let topics: BTreeSet<Uuid> = target.keys().chain(member.assigned.keys()).copied().collect();
    for topic in topics {
        let wanted = target.get(&topic).cloned().unwrap_or_default();
        let current = member.assigned.get(&topic).cloned().unwrap_or_default();
        let keep: BTreeSet<i32> = current.intersection(&wanted).copied().collect();
        let give_up: BTreeSet<i32> = current.difference(&keep).copied().collect();
        let mut take: BTreeSet<i32> = wanted.difference(&keep).copied().collect();
        let before = take.len();
        take.retain(|p| !owners.contains_key(&(topic, *p)));
        unreleased |= take.len() < before;
        for (set, into) in [(keep, &mut kept), (give_up, &mut revoking), (take, &mut adding)] {
            if !set.is_empty() {
                into.insert(topic, set);
            }
        }
    }
    if !revoking.is_empty() && owns_any(owned, &revoking) {
        member.state = MemberState::UnrevokedPartitions;
        member.set_epoch(from_epoch);
        member.assigned = kept;
        member.revoking = revoking;
        return;
    }
    for (topic, partitions) in adding {
        kept.entry(topic).or_default().extend(partitions);
    }
    member.state = if unreleased { MemberState::UnreleasedPartitions } else { MemberState::Stable };
    member.set_epoch(target_epoch);
    member.assigned = kept;
    member.revoking.clear();
}

/// A member as the assignors see it.
#[derive(Debug)]
struct Subscription<'a> {
    member_id: &'a str,
    instance_id: Option<&'a str>,
    /// The subscribed topics that exist: id and partition count.
    topics: Vec<(Uuid, i32)>,
}

/// The `range` assignor: each topic's partitions in contiguous ranges over
/// the members subscribed to it, static members first by instance id, then
/// by member id, the first ones taking one more when they do not divide.
fn range(members: &[Subscription<'_>]) -> BTreeMap<String, Partitions> {
    let mut sorted: Vec<&Subscription<'_>> = members.iter().collect();
    sorted.sort_by(|a, b| match (a.instance_id, b.instance_id) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.member_id.cmp(b.member_id),
    });
    let mut out: BTreeMap<String, Partitions> =
        members.iter().map(|m| (m.member_id.to_owned(), Partitions::new())).collect();
    let topics: BTreeSet<(Uuid, i32)> = members.iter().flat_map(|m| m.topics.iter().copied()).collect();
    for (topic, partitions) in topics {
        let subscribers: Vec<&str> =
            sorted.iter().filter(|m| m.topics.iter().any(|(t, _)| *t == topic)).map(|m| m.member_id).collect();
        let n = subscribers.len() as i32;
        let (each, extra) = (partitions / n, partitions % n);
        let mut next = 0;
        for (i, member) in subscribers.iter().enumerate() {
            let size = each + i32::from((i as i32) < extra);
            let range: BTreeSet<i32> = (next..next + size).collect();
            next += size;
            if !range.is_empty() {
                out.get_mut(*member).expect("a member").insert(topic, range);
            }
        }
    }
    out
}

/// The `uniform` assignor: as even as the subscriptions allow, and sticky
/// (a partition stays with its previous target while that keeps the
/// balance), as Kafka's `UniformAssignor` aims; not its exact algorithm.
fn uniform(members: &[Subscription<'_>], previous: &BTreeMap<String, Partitions>) -> BTreeMap<String, Partitions> {
    let subscribes = |m: &Subscription<'_>, topic: Uuid| m.topics.iter().any(|(t, _)| *t == topic);
    let mut out: BTreeMap<String, Partitions> =
        members.iter().map(|m| (m.member_id.to_owned(), Partitions::new())).collect();
    let mut free = Vec::new();
    let topics: BTreeSet<(Uuid, i32)> = members.iter().flat_map(|m| m.topics.iter().copied()).collect();
    for (topic, partitions) in topics {
        for p in 0..partitions {
            let holder = members.iter().find(|m| {
                subscribes(m, topic)
                    && previous.get(m.member_id).and_then(|a| a.get(&topic)).is_some_and(|s| s.contains(&p))
            });
            match holder {
                Some(m) => {
                    out.get_mut(m.member_id).expect("a member").entry(topic).or_default().insert(p);
                }
                None => free.push((topic, p)),
            }
        }
    }
    for (topic, p) in free {
        let least = members.iter().filter(|m| subscribes(m, topic)).min_by_key(|m| count(&out[m.member_id]));
        if let Some(m) = least {
            out.get_mut(m.member_id).expect("a member").entry(topic).or_default().insert(p);
        }
    }
    balance(members, &mut out);
    out
}

/// Moves partitions from the fullest members to subscribed members with
/// two or more fewer, until no such move is left.
fn balance(members: &[Subscription<'_>], out: &mut BTreeMap<String, Partitions>) {
    loop {
        let mut moved = false;
        for from in members {
            for to in members {
                let (have, want) = (count(&out[from.member_id]), count(&out[to.member_id]));
                if have < want + 2 {
                    continue;
                }
                let movable = out[from.member_id]
                    .iter()
                    .filter(|(topic, _)| to.topics.iter().any(|(t, _)| t == *topic))
                    .find_map(|(topic, ps)| ps.iter().next_back().map(|p| (*topic, *p)));
                if let Some((topic, p)) = movable {
                    let source = out.get_mut(from.member_id).expect("a member");
                    let set = source.get_mut(&topic).expect("present");
                    set.remove(&p);
                    if set.is_empty() {
                        source.remove(&topic);
                    }
                    out.get_mut(to.member_id).expect("a member").entry(topic).or_default().insert(p);
                    moved = true;
                }
            }
        }
        if !moved {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member<'a>(member_id: &'a str, instance_id: Option<&'a str>, topics: &[(Uuid, i32)]) -> Subscription<'a> {
        Subscription { member_id, instance_id, topics: topics.to_vec() }
    }

    fn sizes(assignment: &BTreeMap<String, Partitions>) -> Vec<usize> {
        assignment.values().map(count).collect()
    }

    #[test]
    fn uniform_balances_members_of_different_subscriptions() {
        // t1 first: the greedy pass leaves b with four, the balancing moves one.
        let (t1, t2) = ((Uuid::from_u128(1), 4), (Uuid::from_u128(2), 2));
        let members = [member("a", None, &[t1]), member("b", None, &[t1, t2])];
        let out = uniform(&members, &BTreeMap::new());
        assert_eq!(sizes(&out), [3, 3], "{out:?}");
        assert_eq!(out["b"][&t2.0].len(), 2, "only b subscribes to t2");
        assert!(!out["a"].contains_key(&t2.0));
    }

    #[test]
    fn range_puts_static_members_first_by_instance_id() {
        let t = (Uuid::new_v4(), 3);
        let members = [member("b", None, &[t]), member("z", Some("i"), &[t]), member("a", None, &[t])];
        let out = range(&members);
        let first = |id: &str| out[id][&t.0].iter().next().copied();
        assert_eq!((first("z"), first("a"), first("b")), (Some(0), Some(1), Some(2)));
    }

    #[test]
    fn a_member_owning_a_partition_pending_revocation_blocks_it_for_the_next_owner() {
        let t = Uuid::new_v4();
        let mut m = Member::new("m".into(), Instant::now());
        let target: Partitions = BTreeMap::from([(t, BTreeSet::from([0, 1]))]);
        let owners = BTreeMap::from([((t, 1), 3)]);
        next_assignment(&mut m, 0, 4, &target, &owners, Some(&Partitions::new()));
        assert_eq!((m.state, m.epoch), (MemberState::UnreleasedPartitions, 4));
        assert_eq!(m.assigned, BTreeMap::from([(t, BTreeSet::from([0]))]));
    }
}
