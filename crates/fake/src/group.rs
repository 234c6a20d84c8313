//! The group coordinator's state: classic groups (members, generations,
//! rebalances) and committed offsets.
//!
//! This follows Kafka's classic group coordinator: a group is `Empty`
//! until a member joins, `PreparingRebalance` while it waits for every
//! member to (re)join, `CompletingRebalance` while it waits for the
//! leader's assignments, and `Stable` once they are handed out. Joins and
//! syncs that must wait get a channel; the rebalance that completes them
//! sends the answer, so no lock is held while a request waits.

use crate::cluster::Shared;
use crate::consumer_group::{self, ConsumerConfig, ConsumerGroup, Heartbeat, Refusal, Topics};
use bytes::Bytes;
use kafka_wire::ErrorCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// How often sessions and rebalance timeouts are checked.
const TICK: Duration = Duration::from_millis(20);

/// Kafka's `offset.metadata.max.bytes`.
pub(crate) const MAX_OFFSET_METADATA: usize = 4096;

/// Kafka's `group.max.session.timeout.ms`.
pub(crate) const MAX_SESSION_TIMEOUT: Duration = Duration::from_millis(1_800_000);

/// Which commit [`Groups::check_commit`] checks: Kafka's
/// `validateOffsetCommit` relaxes two checks for transactional ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CommitKind {
    /// OffsetCommit, at this version.
    Plain { version: i16 },
    /// TxnOffsetCommit.
    Transactional,
}

/// A committed offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Committed {
    pub(crate) offset: i64,
    pub(crate) leader_epoch: i32,
    pub(crate) metadata: Option<String>,
    pub(crate) commit_timestamp: i64,
}

/// A group as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GroupSummary {
    /// Kafka's name of the group's state: `Empty`, `PreparingRebalance`,
    /// `CompletingRebalance`, `Stable` or `Dead`.
    pub state: String,
    /// The generation (0 before the first rebalance).
    pub generation: i32,
    /// The protocol type (`consumer` for consumers), empty before any member joined.
    pub protocol_type: String,
    /// The protocol chosen (the assignor, for consumers).
    pub protocol: String,
    /// The leader's member id.
    pub leader: String,
    /// The members' ids, in join order.
    pub members: Vec<String>,
    /// The static members' instance ids (`group.instance.id`), by member id.
    pub instance_ids: BTreeMap<String, String>,
    /// `classic`, or `consumer` for a group of the KIP-848 protocol (whose
    /// `generation` is its group epoch, `protocol` its server-side
    /// assignor, `state` one of `Empty`, `Assigning`, `Reconciling` and
    /// `Stable`, and `leader` empty).
    pub group_type: String,
}

/// A classic group's state, by Kafka's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

/// The group settings of the broker (Kafka's `group.*` configs).
#[derive(Debug, Clone)]
pub(crate) struct GroupConfig {
    pub(crate) min_session_timeout: Duration,
    pub(crate) max_session_timeout: Duration,
    pub(crate) initial_rebalance_delay: Duration,
}

/// A member as the leader's JoinGroup answer lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JoinedMember {
    pub(crate) member_id: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) metadata: Bytes,
}

/// What a JoinGroup is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JoinResult {
    pub(crate) error: ErrorCode,
    pub(crate) member_id: String,
    pub(crate) generation: i32,
    pub(crate) protocol_type: Option<String>,
    pub(crate) protocol: Option<String>,
    pub(crate) leader: String,
    pub(crate) members: Vec<JoinedMember>,
    pub(crate) skip_assignment: bool,
}

impl JoinResult {
    pub(crate) fn error(member_id: &str, error: ErrorCode) -> JoinResult {
        JoinResult {
            error,
            member_id: member_id.to_owned(),
            generation: -1,
            protocol_type: None,
            protocol: None,
            leader: String::new(),
            members: Vec::new(),
            skip_assignment: false,
        }
    }
}

/// What a SyncGroup is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyncResult {
    pub(crate) error: ErrorCode,
    pub(crate) protocol_type: Option<String>,
    pub(crate) protocol: Option<String>,
    pub(crate) assignment: Bytes,
}

impl SyncResult {
    pub(crate) fn error(error: ErrorCode) -> SyncResult {
        SyncResult { error, protocol_type: None, protocol: None, assignment: Bytes::new() }
    }
}

/// An answer now, or one to wait for.
#[derive(Debug)]
pub(crate) enum Reply<T> {
    Now(T),
    Wait(oneshot::Receiver<T>),
}

/// A JoinGroup request, as the coordinator reads it.
#[derive(Debug, Clone)]
pub(crate) struct JoinRequest {
    pub(crate) group_id: String,
    pub(crate) member_id: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) client_id: String,
    pub(crate) client_host: String,
    pub(crate) session_timeout: Duration,
    pub(crate) rebalance_timeout: Duration,
    pub(crate) protocol_type: String,
    pub(crate) protocols: Vec<(String, Bytes)>,
    /// v4+: an unknown member must first get its id (MEMBER_ID_REQUIRED).
    pub(crate) require_known_member_id: bool,
    /// v9+: a static leader rejoining a stable group may skip the assignment.
    pub(crate) supports_skip_assignment: bool,
}

/// A SyncGroup request, as the coordinator reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SyncRequest {
    pub(crate) group_id: String,
    pub(crate) generation: i32,
    pub(crate) member_id: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) protocol_type: Option<String>,
    pub(crate) protocol: Option<String>,
    pub(crate) assignments: Vec<(String, Bytes)>,
}

/// A member as DescribeGroups shows it.
#[derive(Debug, Clone)]
pub(crate) struct DescribedMember {
    pub(crate) member_id: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) client_id: String,
    pub(crate) client_host: String,
    pub(crate) metadata: Bytes,
    pub(crate) assignment: Bytes,
}

/// A group as DescribeGroups shows it.
#[derive(Debug, Clone)]
pub(crate) struct Described {
    pub(crate) state: GroupState,
    pub(crate) protocol_type: String,
    pub(crate) protocol: String,
    pub(crate) members: Vec<DescribedMember>,
}

#[derive(Debug)]
struct Member {
    id: String,
    instance_id: Option<String>,
    client_id: String,
    client_host: String,
    session_timeout: Duration,
    rebalance_timeout: Duration,
    protocols: Vec<(String, Bytes)>,
    assignment: Bytes,
    /// When the session ends unless the member is heard from.
    deadline: Instant,
    awaiting_join: Option<oneshot::Sender<JoinResult>>,
    awaiting_sync: Option<oneshot::Sender<SyncResult>>,
}

impl Member {
    fn metadata(&self, protocol: &str) -> Bytes {
        self.protocols.iter().find(|(name, _)| name == protocol).map(|(_, m)| m.clone()).unwrap_or_default()
    }

    /// A member keeps its session while it waits for a join or a sync.
    fn kept_alive(&self) -> bool {
        self.awaiting_join.is_some() || self.awaiting_sync.is_some()
    }

    fn heard(&mut self, now: Instant) {
        self.deadline = now + self.session_timeout;
    }

    /// Takes what a JoinGroup carries and waits for the rebalance's answer.
    fn rejoin(&mut self, request: &JoinRequest, now: Instant) -> oneshot::Receiver<JoinResult> {
        let (tx, rx) = oneshot::channel();
        self.protocols = request.protocols.clone();
        self.session_timeout = request.session_timeout;
        self.rebalance_timeout = request.rebalance_timeout;
        self.client_id = request.client_id.clone();
        self.client_host = request.client_host.clone();
        self.awaiting_join = Some(tx);
        self.heard(now);
        rx
    }
}

#[derive(Debug)]
struct Group {
    state: GroupState,
    generation: i32,
    protocol_type: Option<String>,
    protocol: Option<String>,
    leader: Option<String>,
    /// In join order.
    members: Vec<Member>,
    /// Members told MEMBER_ID_REQUIRED, not yet rejoined, with their deadline.
    pending: BTreeMap<String, Instant>,
    /// When a rebalance in preparation completes with whoever rejoined.
    rebalance_deadline: Option<Instant>,
    /// The first rebalance of an empty group does not complete before this.
    not_before: Option<Instant>,
    initial_delay: Duration,
    /// Members that have not sent their SyncGroup since the join completed.
    pending_sync: BTreeSet<String>,
    sync_deadline: Option<Instant>,
    offsets: BTreeMap<(String, i32), Committed>,
    /// A consumer group of the KIP-848 protocol; the classic state above
    /// then stays empty.
    consumer: Option<ConsumerGroup>,
}

impl Group {
    fn new() -> Group {
        Group {
            state: GroupState::Empty,
            generation: 0,
            protocol_type: None,
            protocol: None,
            leader: None,
            members: Vec::new(),
            pending: BTreeMap::new(),
            rebalance_deadline: None,
            not_before: None,
            initial_delay: Duration::ZERO,
            pending_sync: BTreeSet::new(),
            sync_deadline: None,
            offsets: BTreeMap::new(),
            consumer: None,
        }
    }

    /// An empty classic group (nobody joined, nobody waits to): it may
    /// become a consumer group, as Kafka converts one.
    fn is_empty_classic(&self) -> bool {
        self.consumer.is_none() && self.state == GroupState::Empty && self.members.is_empty() && self.pending.is_empty()
    }

    fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    fn member_mut(&mut self, id: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.id == id)
    }

    fn static_member(&self, instance_id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.instance_id.as_deref() == Some(instance_id))
    }

    fn is_leader(&self, id: &str) -> bool {
        self.leader.as_deref() == Some(id)
    }

    /// Kafka's member validation: a static member must present the
    /// member id its instance id holds now; a dynamic one must be a member.
    fn validate_member(&self, member_id: &str, instance_id: Option<&str>) -> Result<(), ErrorCode> {
        match instance_id {
            Some(instance) => match self.static_member(instance) {
                None => Err(ErrorCode::UnknownMemberId),
                Some(m) if m.id != member_id => Err(ErrorCode::FencedInstanceId),
                Some(_) => Ok(()),
            },
            None if self.member(member_id).is_none() => Err(ErrorCode::UnknownMemberId),
            None => Ok(()),
        }
    }

    /// Whether a member of this protocol type with these protocols may join.
    fn supports(&self, protocol_type: &str, protocols: &[(String, Bytes)]) -> bool {
        if self.state == GroupState::Empty {
            return !protocol_type.is_empty() && !protocols.is_empty();
        }
        self.protocol_type.as_deref() == Some(protocol_type)
            && protocols.iter().any(|(name, _)| self.members.iter().all(|m| m.protocols.iter().any(|(n, _)| n == name)))
    }

    /// The protocols every member supports, in the leader's (or the first
    /// member's) order of preference.
    fn candidates(&self) -> Vec<String> {
        let first = self.leader.as_deref().and_then(|l| self.member(l)).or(self.members.first());
        let Some(first) = first else { return Vec::new() };
        first
            .protocols
            .iter()
            .map(|(name, _)| name.clone())
            .filter(|name| self.members.iter().all(|m| m.protocols.iter().any(|(n, _)| n == name)))
            .collect()
    }

    /// Kafka's vote: each member votes for the first of its protocols
    /// every member supports; the most votes win (ties go to the
    /// leader's preference).
    fn select_protocol(&self) -> Option<String> {
        let candidates = self.candidates();
        let mut votes: Vec<usize> = vec![0; candidates.len()];
        for member in &self.members {
            if let Some(i) = member.protocols.iter().find_map(|(name, _)| candidates.iter().position(|c| c == name)) {
                votes[i] += 1;
            }
        }
        let best = votes.iter().copied().max()?;
        candidates.into_iter().zip(votes).find(|(_, v)| *v == best).map(|(c, _)| c)
    }

    fn max_rebalance_timeout(&self) -> Duration {
        self.members.iter().map(|m| m.rebalance_timeout).max().unwrap_or_default()
    }

    fn current_members(&self) -> Vec<JoinedMember> {
        let protocol = self.protocol.clone().unwrap_or_default();
        self.members
            .iter()
            .map(|m| JoinedMember {
                member_id: m.id.clone(),
                instance_id: m.instance_id.clone(),
                metadata: m.metadata(&protocol),
            })
            .collect()
    }

    /// The answer for the current generation, to a member that need not
    /// wait for a rebalance.
    fn current_join(&self, member_id: &str, with_members: bool, skip_assignment: bool) -> JoinResult {
        JoinResult {
            error: ErrorCode::None,
            member_id: member_id.to_owned(),
            generation: self.generation,
            protocol_type: self.protocol_type.clone(),
            protocol: self.protocol.clone(),
            leader: self.leader.clone().unwrap_or_default(),
            members: if with_members { self.current_members() } else { Vec::new() },
            skip_assignment,
        }
    }

    fn maybe_prepare_rebalance(&mut self, now: Instant, delay: Duration) {
        if matches!(self.state, GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty) {
            self.prepare_rebalance(now, delay);
        }
    }

    fn prepare_rebalance(&mut self, now: Instant, delay: Duration) {
        if self.state == GroupState::CompletingRebalance {
            // The assignments of the generation being completed are void.
            for member in &mut self.members {
                member.assignment = Bytes::new();
                if let Some(tx) = member.awaiting_sync.take() {
                    let _ = tx.send(SyncResult::error(ErrorCode::RebalanceInProgress));
                }
            }
        }
        let timeout = self.max_rebalance_timeout();
        self.rebalance_deadline = Some(now + timeout);
        self.not_before = (self.state == GroupState::Empty && !delay.is_zero()).then(|| now + delay.min(timeout));
        self.initial_delay = delay;
        self.pending_sync.clear();
        self.sync_deadline = None;
        self.state = GroupState::PreparingRebalance;
        self.try_complete_join(now);
    }

    fn all_joined(&self) -> bool {
        self.members.iter().all(|m| m.awaiting_join.is_some()) && self.pending.is_empty()
    }

    fn try_complete_join(&mut self, now: Instant) {
        if self.state == GroupState::PreparingRebalance && self.all_joined() && self.not_before.is_none_or(|t| now >= t)
        {
            self.complete_join(now);
        }
    }

    /// Ends the rebalance: dynamic members that did not rejoin are out
    /// (static ones stay, for their session to decide), the generation
    /// goes up, the protocol is chosen, every waiting join is answered.
    fn complete_join(&mut self, now: Instant) {
        let gone: Vec<String> = self
            .members
            .iter()
            .filter(|m| m.awaiting_join.is_none() && m.instance_id.is_none())
            .map(|m| m.id.clone())
            .collect();
        for id in gone {
            self.remove(&id);
        }
        self.pending.clear();
        if !self.members.is_empty() {
            let leader_joined =
                self.leader.as_deref().and_then(|l| self.member(l)).is_some_and(|m| m.awaiting_join.is_some());
            if !leader_joined {
                match self.members.iter().find(|m| m.awaiting_join.is_some()) {
                    Some(m) => self.leader = Some(m.id.clone()),
                    None => {
                        // Nobody rejoined: wait again, until sessions expire.
                        self.rebalance_deadline = Some(now + self.max_rebalance_timeout());
                        return;
                    }
                }
            }
        }
        self.generation += 1;
        self.rebalance_deadline = None;
        self.not_before = None;
        if self.members.is_empty() {
            self.state = GroupState::Empty;
            self.protocol = None;
            self.leader = None;
            return;
        }
        self.protocol = self.select_protocol();
        self.state = GroupState::CompletingRebalance;
        self.pending_sync = self.members.iter().map(|m| m.id.clone()).collect();
        self.sync_deadline = Some(now + self.max_rebalance_timeout());
        let all = self.current_members();
        let template = self.current_join("", false, false);
        for member in &mut self.members {
            member.heard(now);
            if let Some(tx) = member.awaiting_join.take() {
                let leader = template.leader == member.id;
                let _ = tx.send(JoinResult {
                    member_id: member.id.clone(),
                    members: if leader { all.clone() } else { Vec::new() },
                    ..template.clone()
                });
            }
        }
    }

    fn remove(&mut self, id: &str) -> Option<Member> {
        let index = self.members.iter().position(|m| m.id == id)?;
        let member = self.members.remove(index);
        if self.is_leader(id) {
            self.leader = self.members.first().map(|m| m.id.clone());
        }
        self.pending_sync.remove(id);
        Some(member)
    }

    /// A member leaves (or its session ended): the group rebalances.
    fn remove_and_rebalance(&mut self, id: &str, now: Instant) {
        let Some(mut member) = self.remove(id) else { return };
        if let Some(tx) = member.awaiting_join.take() {
            let _ = tx.send(JoinResult::error(id, ErrorCode::UnknownMemberId));
        }
        if let Some(tx) = member.awaiting_sync.take() {
            let _ = tx.send(SyncResult::error(ErrorCode::UnknownMemberId));
        }
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => self.maybe_prepare_rebalance(now, Duration::ZERO),
            GroupState::PreparingRebalance => self.try_complete_join(now),
            GroupState::Empty | GroupState::Dead => {}
        }
    }

    fn add_and_rebalance(
        &mut self,
        request: &JoinRequest,
        id: String,
        now: Instant,
        delay: Duration,
    ) -> Reply<JoinResult> {
        let (tx, rx) = oneshot::channel();
        if self.members.is_empty() {
            self.protocol_type = Some(request.protocol_type.clone());
        }
        if self.leader.is_none() {
            self.leader = Some(id.clone());
        }
        self.members.push(Member {
            id,
            instance_id: request.instance_id.clone(),
            client_id: request.client_id.clone(),
            client_host: request.client_host.clone(),
            session_timeout: request.session_timeout,
            rebalance_timeout: request.rebalance_timeout,
            protocols: request.protocols.clone(),
            assignment: Bytes::new(),
            deadline: now + request.session_timeout,
            awaiting_join: Some(tx),
            awaiting_sync: None,
        });
        if self.state == GroupState::PreparingRebalance {
            if let (Some(not_before), Some(deadline)) = (self.not_before, self.rebalance_deadline) {
                // A new member during the initial delay: wait a little more.
                self.not_before = Some(not_before.max((now + self.initial_delay).min(deadline)));
            }
        }
        self.maybe_prepare_rebalance(now, delay);
        Reply::Wait(rx)
    }

    fn update_and_rebalance(&mut self, request: &JoinRequest, now: Instant) -> Reply<JoinResult> {
        let rx = self.member_mut(&request.member_id).expect("a member").rejoin(request, now);
        self.maybe_prepare_rebalance(now, Duration::ZERO);
        Reply::Wait(rx)
    }

    /// A static member rejoins without its member id: it gets a new one,
    /// and whoever still uses the old one is fenced.
    fn replace_static(
        &mut self,
        request: &JoinRequest,
        old_id: String,
        new_id: String,
        now: Instant,
    ) -> Reply<JoinResult> {
        let member = self.member_mut(&old_id).expect("a static member");
        if let Some(old) = member.awaiting_join.take() {
            let _ = old.send(JoinResult::error(&old_id, ErrorCode::FencedInstanceId));
        }
        if let Some(old) = member.awaiting_sync.take() {
            let _ = old.send(SyncResult::error(ErrorCode::FencedInstanceId));
        }
        member.id = new_id.clone();
        let rx = member.rejoin(request, now);
        if self.is_leader(&old_id) {
            self.leader = Some(new_id.clone());
        }
        if self.pending_sync.remove(&old_id) {
            self.pending_sync.insert(new_id.clone());
        }
        match self.state {
            GroupState::Stable => {
                if self.select_protocol() == self.protocol {
                    // Nothing changes for the group: the member carries on
                    // with the current generation and its assignment.
                    let member = self.member_mut(&new_id).expect("the member");
                    member.awaiting_join = None;
                    let leader = self.is_leader(&new_id);
                    let skip = leader && request.supports_skip_assignment;
                    return Reply::Now(self.current_join(&new_id, skip, skip));
                }
                self.maybe_prepare_rebalance(now, Duration::ZERO);
            }
            // The leader may already be assigning to the old member id.
            GroupState::CompletingRebalance => self.prepare_rebalance(now, Duration::ZERO),
            GroupState::PreparingRebalance | GroupState::Empty | GroupState::Dead => {}
        }
        Reply::Wait(rx)
    }

    fn join(&mut self, request: &JoinRequest, now: Instant, config: &GroupConfig) -> Reply<JoinResult> {
        let error = |e| Reply::Now(JoinResult::error(&request.member_id, e));
        if self.state == GroupState::Dead {
            return error(ErrorCode::CoordinatorNotAvailable);
        }
        if !self.supports(&request.protocol_type, &request.protocols) {
            return error(ErrorCode::InconsistentGroupProtocol);
        }
        if request.member_id.is_empty() {
            let prefix = request.instance_id.as_deref().unwrap_or(&request.client_id);
            let new_id = format!("{prefix}-{}", uuid::Uuid::new_v4());
            if let Some(instance) = &request.instance_id {
                if let Some(old) = self.static_member(instance) {
                    let old = old.id.clone();
                    return self.replace_static(request, old, new_id, now);
                }
                return self.add_and_rebalance(request, new_id, now, config.initial_rebalance_delay);
            }
            if request.require_known_member_id {
                self.pending.insert(new_id.clone(), now + request.session_timeout);
                return Reply::Now(JoinResult::error(&new_id, ErrorCode::MemberIdRequired));
            }
            return self.add_and_rebalance(request, new_id, now, config.initial_rebalance_delay);
        }
        if self.pending.remove(&request.member_id).is_some() {
            return self.add_and_rebalance(request, request.member_id.clone(), now, config.initial_rebalance_delay);
        }
        if let Err(e) = self.validate_member(&request.member_id, request.instance_id.as_deref()) {
            return error(e);
        }
        let member = self.member(&request.member_id).expect("validated");
        let same = member.protocols == request.protocols;
        let leader = self.is_leader(&request.member_id);
        match self.state {
            GroupState::PreparingRebalance => self.update_and_rebalance(request, now),
            GroupState::CompletingRebalance if same => {
                // It did not get its join answer: give it again.
                Reply::Now(self.current_join(&request.member_id, leader, false))
            }
            GroupState::Stable if same && !leader => {
                self.member_mut(&request.member_id).expect("validated").heard(now);
                Reply::Now(self.current_join(&request.member_id, false, false))
            }
            GroupState::CompletingRebalance | GroupState::Stable => self.update_and_rebalance(request, now),
            GroupState::Empty | GroupState::Dead => error(ErrorCode::UnknownMemberId),
        }
    }

    fn sync(&mut self, request: &SyncRequest, now: Instant) -> Reply<SyncResult> {
        let error = |e| Reply::Now(SyncResult::error(e));
        if self.state == GroupState::Dead {
            return error(ErrorCode::CoordinatorNotAvailable);
        }
        if let Err(e) = self.validate_member(&request.member_id, request.instance_id.as_deref()) {
            return error(e);
        }
        if request.generation != self.generation {
            return error(ErrorCode::IllegalGeneration);
        }
        if request.protocol_type.as_ref().is_some_and(|t| self.protocol_type.as_ref() != Some(t))
            || request.protocol.as_ref().is_some_and(|p| self.protocol.as_ref() != Some(p))
        {
            return error(ErrorCode::InconsistentGroupProtocol);
        }
        let ok = |assignment: Bytes, group: &Group| SyncResult {
            error: ErrorCode::None,
            protocol_type: group.protocol_type.clone(),
            protocol: group.protocol.clone(),
            assignment,
        };
        match self.state {
            GroupState::Empty | GroupState::Dead => error(ErrorCode::UnknownMemberId),
            GroupState::PreparingRebalance => error(ErrorCode::RebalanceInProgress),
            GroupState::Stable => {
                self.pending_sync.remove(&request.member_id);
                let member = self.member_mut(&request.member_id).expect("validated");
                member.heard(now);
                let assignment = member.assignment.clone();
                Reply::Now(ok(assignment, self))
            }
            GroupState::CompletingRebalance => {
                let (tx, rx) = oneshot::channel();
                self.pending_sync.remove(&request.member_id);
                let member = self.member_mut(&request.member_id).expect("validated");
                member.heard(now);
                member.awaiting_sync = Some(tx);
                if self.is_leader(&request.member_id) {
                    for member in &mut self.members {
                        member.assignment = request
                            .assignments
                            .iter()
                            .find(|(id, _)| *id == member.id)
                            .map(|(_, a)| a.clone())
                            .unwrap_or_default();
                    }
                    self.state = GroupState::Stable;
                    let (protocol_type, protocol) = (self.protocol_type.clone(), self.protocol.clone());
                    for member in &mut self.members {
                        if let Some(tx) = member.awaiting_sync.take() {
                            let _ = tx.send(SyncResult {
                                error: ErrorCode::None,
                                protocol_type: protocol_type.clone(),
                                protocol: protocol.clone(),
                                assignment: member.assignment.clone(),
                            });
                        }
                    }
                }
                Reply::Wait(rx)
            }
        }
    }

    fn heartbeat(&mut self, generation: i32, member_id: &str, instance_id: Option<&str>, now: Instant) -> ErrorCode {
        if self.state == GroupState::Dead {
            return ErrorCode::CoordinatorNotAvailable;
        }
        if let Err(e) = self.validate_member(member_id, instance_id) {
            return e;
        }
        if generation != self.generation {
            return ErrorCode::IllegalGeneration;
        }
        self.member_mut(member_id).expect("validated").heard(now);
        match self.state {
            GroupState::PreparingRebalance => ErrorCode::RebalanceInProgress,
            GroupState::CompletingRebalance | GroupState::Stable => ErrorCode::None,
            GroupState::Empty | GroupState::Dead => ErrorCode::UnknownMemberId,
        }
    }

    fn leave(&mut self, member_id: &str, instance_id: Option<&str>, now: Instant) -> ErrorCode {
        if member_id.is_empty() {
            // An admin removes a static member by its instance id.
            let Some(id) = instance_id.and_then(|i| self.static_member(i)).map(|m| m.id.clone()) else {
                return ErrorCode::UnknownMemberId;
            };
            self.remove_and_rebalance(&id, now);
            return ErrorCode::None;
        }
        if self.pending.remove(member_id).is_some() {
            self.try_complete_join(now);
            return ErrorCode::None;
        }
        if let Err(e) = self.validate_member(member_id, instance_id) {
            return e;
        }
        self.remove_and_rebalance(member_id, now);
        ErrorCode::None
    }

    fn tick(&mut self, now: Instant) {
        let expired: Vec<String> = self.pending.iter().filter(|(_, d)| **d <= now).map(|(id, _)| id.clone()).collect();
        for id in expired {
            self.pending.remove(&id);
            self.try_complete_join(now);
        }
        let expired: Vec<String> =
            self.members.iter().filter(|m| !m.kept_alive() && m.deadline <= now).map(|m| m.id.clone()).collect();
        for id in expired {
            self.remove_and_rebalance(&id, now);
        }
        if self.state == GroupState::PreparingRebalance {
            if self.rebalance_deadline.is_some_and(|d| d <= now) {
                self.complete_join(now);
            } else {
                self.try_complete_join(now);
            }
        }
        if matches!(self.state, GroupState::CompletingRebalance | GroupState::Stable)
            && self.sync_deadline.is_some_and(|d| d <= now)
        {
            // Members that never sent their SyncGroup are out.
            self.sync_deadline = None;
            let laggards: Vec<String> = std::mem::take(&mut self.pending_sync).into_iter().collect();
            for id in laggards {
                self.remove_and_rebalance(&id, now);
            }
        }
    }

    /// The topics the members subscribe to (consumer groups), or None if
    /// a subscription cannot be read (then every topic counts as subscribed).
    fn subscribed_topics(&self) -> Option<BTreeSet<String>> {
        let protocol = self.protocol.as_deref()?;
        let mut topics = BTreeSet::new();
        for member in &self.members {
            topics.extend(decode_subscription(&member.metadata(protocol))?);
        }
        Some(topics)
    }

    fn is_subscribed_to(&self, topic: &str) -> bool {
        self.subscribed_topics().is_none_or(|topics| topics.contains(topic))
    }
}

/// The topics of a consumer protocol subscription: a version (int16),
/// then an array (int32 count) of int16-length strings; what follows
/// (user data, owned partitions, rack) is not needed here.
pub(crate) fn decode_subscription(metadata: &[u8]) -> Option<Vec<String>> {
    let mut input = metadata;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, rest) = input.split_at_checked(n)?;
        input = rest;
        Some(head)
    };
    let version = i16::from_be_bytes(take(2)?.try_into().ok()?);
    if version < 0 {
        return None;
    }
    let count = i32::from_be_bytes(take(4)?.try_into().ok()?);
    let mut topics = Vec::with_capacity(count.clamp(0, 1024) as usize);
    for _ in 0..count.max(0) {
        let len = i16::from_be_bytes(take(2)?.try_into().ok()?);
        let bytes = take(usize::try_from(len).ok()?)?;
        topics.push(String::from_utf8(bytes.to_vec()).ok()?);
    }
    Some(topics)
}

/// Every group the cluster coordinates, by group id.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    groups: BTreeMap<String, Group>,
}

impl Groups {
    /// Drops every group's committed offsets of a deleted topic, as Kafka's
    /// coordinator does when the topic goes.
    pub(crate) fn forget_topic(&mut self, topic: &str) {
        for group in self.groups.values_mut() {
            group.offsets.retain(|(t, _), _| t != topic);
        }
    }

    pub(crate) fn committed(&self, group: &str, topic: &str, partition: i32) -> Option<&Committed> {
        self.groups.get(group)?.offsets.get(&(topic.to_owned(), partition))
    }

    /// Every committed offset of a group, by topic and partition.
    pub(crate) fn offsets(&self, group: &str) -> Option<&BTreeMap<(String, i32), Committed>> {
        self.groups.get(group).map(|g| &g.offsets)
    }

    pub(crate) fn summary(&self, group: &str) -> Option<GroupSummary> {
        let g = self.groups.get(group)?;
        if let Some(c) = &g.consumer {
            return Some(consumer_summary(c));
        }
        Some(GroupSummary {
            state: g.state.name().to_owned(),
            generation: g.generation,
            protocol_type: g.protocol_type.clone().unwrap_or_default(),
            protocol: g.protocol.clone().unwrap_or_default(),
            leader: g.leader.clone().unwrap_or_default(),
            members: g.members.iter().map(|m| m.id.clone()).collect(),
            instance_ids: g.members.iter().filter_map(|m| Some((m.id.clone(), m.instance_id.clone()?))).collect(),
            group_type: "classic".into(),
        })
    }

    /// The consumer group (KIP-848) of this id, if it is one.
    pub(crate) fn consumer_group(&self, group: &str) -> Option<&ConsumerGroup> {
        self.groups.get(group)?.consumer.as_ref()
    }

    /// Whether a group of this id exists, of either type.
    pub(crate) fn exists(&self, group: &str) -> bool {
        self.groups.contains_key(group)
    }

    /// ConsumerGroupHeartbeat, once [`consumer_group::validate`] and the
    /// coordinator are checked. A joining member creates the group, or
    /// converts an empty classic group (its offsets kept), as Kafka 4.x
    /// does; a non-empty classic group is not a consumer group.
    pub(crate) fn consumer_heartbeat(
        &mut self,
        group_id: &str,
        hb: &Heartbeat,
        topics: &Topics,
        now: Instant,
        config: &ConsumerConfig,
    ) -> Result<consumer_group::Answer, Refusal> {
        let joining = hb.member_epoch == 0;
        let not_found = |message: String| Err(Refusal { error: ErrorCode::GroupIdNotFound, message });
        match self.groups.get_mut(group_id) {
            Some(Group { consumer: Some(c), .. }) => c.heartbeat(group_id, hb, topics, now, config),
            Some(g) if joining && g.is_empty_classic() => {
                let mut c = ConsumerGroup::default();
                let answer = c.heartbeat(group_id, hb, topics, now, config)?;
                let offsets = std::mem::take(&mut g.offsets);
                *g = Group { offsets, consumer: Some(c), ..Group::new() };
                Ok(answer)
            }
            Some(_) => not_found(format!("Group {group_id} is not a consumer group.")),
            None if joining => {
                let mut c = ConsumerGroup::default();
                let answer = c.heartbeat(group_id, hb, topics, now, config)?;
                self.groups.insert(group_id.to_owned(), Group { consumer: Some(c), ..Group::new() });
                Ok(answer)
            }
            None => not_found(format!("Consumer group {group_id} not found.")),
        }
    }

    /// OffsetFetch's member check of a consumer group (v9+), as Kafka's
    /// `ConsumerGroup.validateOffsetFetch`: an admin (no member id, a
    /// negative epoch) may always fetch; a member must be one, at its epoch.
    pub(crate) fn check_offset_fetch(&self, group: &str, member_id: Option<&str>, epoch: i32) -> Result<(), ErrorCode> {
        let Some(c) = self.consumer_group(group) else { return Ok(()) };
        let Some(member_id) = member_id else {
            return if epoch < 0 { Ok(()) } else { Err(ErrorCode::UnknownMemberId) };
        };
        match c.member_epoch(member_id) {
            None => Err(ErrorCode::UnknownMemberId),
            Some(e) if e != epoch => Err(ErrorCode::StaleMemberEpoch),
            Some(_) => Ok(()),
        }
    }

    /// JoinGroup, once the group id and coordinator are checked.
    pub(crate) fn join(&mut self, request: &JoinRequest, now: Instant, config: &GroupConfig) -> Reply<JoinResult> {
        if request.session_timeout < config.min_session_timeout || request.session_timeout > config.max_session_timeout
        {
            return Reply::Now(JoinResult::error(&request.member_id, ErrorCode::InvalidSessionTimeout));
        }
        let created = !self.groups.contains_key(&request.group_id);
        if created && !request.member_id.is_empty() {
            return Reply::Now(JoinResult::error(&request.member_id, ErrorCode::UnknownMemberId));
        }
        let group = self.groups.entry(request.group_id.clone()).or_insert_with(Group::new);
        if let Some(c) = &group.consumer {
            // An empty consumer group becomes a classic one, offsets kept;
            // classic members joining a live one is not served here.
            if !c.members.is_empty() {
                return Reply::Now(JoinResult::error(&request.member_id, ErrorCode::InconsistentGroupProtocol));
            }
            *group = Group { offsets: std::mem::take(&mut group.offsets), ..Group::new() };
        }
        let reply = group.join(request, now, config);
        if group.state == GroupState::PreparingRebalance {
            group.try_complete_join(now);
        }
        // A group this failed join created is not kept.
        if created && group.members.is_empty() && group.pending.is_empty() && group.offsets.is_empty() {
            self.groups.remove(&request.group_id);
        }
        reply
    }

    pub(crate) fn sync(&mut self, request: &SyncRequest, now: Instant) -> Reply<SyncResult> {
        match self.groups.get_mut(&request.group_id) {
            None => Reply::Now(SyncResult::error(ErrorCode::UnknownMemberId)),
            Some(group) => group.sync(request, now),
        }
    }

    pub(crate) fn heartbeat(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
        now: Instant,
    ) -> ErrorCode {
        match self.groups.get_mut(group) {
            None => ErrorCode::UnknownMemberId,
            Some(g) => g.heartbeat(generation, member_id, instance_id, now),
        }
    }

    /// LeaveGroup: an error for each leaving (member id, instance id).
    pub(crate) fn leave(&mut self, group: &str, members: &[(String, Option<String>)], now: Instant) -> Vec<ErrorCode> {
        match self.groups.get_mut(group) {
            None => vec![ErrorCode::UnknownMemberId; members.len()],
            Some(g) => members.iter().map(|(id, instance)| g.leave(id, instance.as_deref(), now)).collect(),
        }
    }

    /// Checks an OffsetCommit's generation and member, as Kafka does for
    /// a classic group; a commit with no generation to an unknown group
    /// creates a simple (offsets-only) group.
    pub(crate) fn check_commit(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        instance_id: Option<&str>,
        kind: CommitKind,
        now: Instant,
    ) -> Result<(), ErrorCode> {
        let transactional = kind == CommitKind::Transactional;
        if !self.groups.contains_key(group) {
            // A transactional commit creates the group, as Kafka's does; a
            // plain one of a generation refers to a group that is gone.
            if generation >= 0 && !transactional {
                return Err(match kind {
                    CommitKind::Plain { version } if version >= 9 => ErrorCode::GroupIdNotFound,
                    _ => ErrorCode::IllegalGeneration,
                });
            }
            self.groups.insert(group.to_owned(), Group::new());
        }
        let g = self.groups.get_mut(group).expect("present");
        if let Some(c) = &g.consumer {
            return check_consumer_commit(c, generation, member_id, kind);
        }
        if g.state == GroupState::Dead {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        if generation < 0 && g.state == GroupState::Empty {
            // An admin, or a consumer assigning partitions itself.
            return Ok(());
        }
        if generation >= 0 || !member_id.is_empty() || instance_id.is_some() {
            g.validate_member(member_id, instance_id)?;
            if generation != g.generation {
                return Err(ErrorCode::IllegalGeneration);
            }
        } else if !transactional && g.state != GroupState::Empty {
            // Without a member id, only an empty group takes plain commits;
            // transactional ones predate member ids in TxnOffsetCommit (v0-2),
            // so Kafka takes them from anyone.
            return Err(ErrorCode::UnknownMemberId);
        }
        match g.state {
            GroupState::CompletingRebalance if !transactional => Err(ErrorCode::RebalanceInProgress),
            GroupState::Stable | GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
                if let Some(m) = g.member_mut(member_id) {
                    m.heard(now);
                }
                Ok(())
            }
            GroupState::Empty | GroupState::Dead => Ok(()),
        }
    }

    /// Stores a commit [`Groups::check_commit`] accepted.
    pub(crate) fn commit(&mut self, group: &str, topic: &str, partition: i32, committed: Committed) {
        if let Some(g) = self.groups.get_mut(group) {
            g.offsets.insert((topic.to_owned(), partition), committed);
        }
    }

    /// Stores an offset a committed transaction carried, creating a simple
    /// group when the group is gone.
    pub(crate) fn commit_transactional(&mut self, group: &str, topic: &str, partition: i32, committed: Committed) {
        self.groups
            .entry(group.to_owned())
            .or_insert_with(Group::new)
            .offsets
            .insert((topic.to_owned(), partition), committed);
    }

    /// OffsetDelete: the group error, or an error for each partition.
    pub(crate) fn delete_offsets(
        &mut self,
        group: &str,
        partitions: &[(String, i32)],
    ) -> Result<Vec<ErrorCode>, ErrorCode> {
        let g = self.groups.get_mut(group).ok_or(ErrorCode::GroupIdNotFound)?;
        let subscribed = |yes: bool| if yes { ErrorCode::GroupSubscribedToTopic } else { ErrorCode::None };
        let errors: Vec<ErrorCode> = match g.state {
            // A consumer group keeps the offsets of the topics it subscribes to.
            _ if g.consumer.is_some() => {
                let c = g.consumer.as_ref();
                partitions.iter().map(|(t, _)| subscribed(c.is_some_and(|c| c.is_subscribed_to(t)))).collect()
            }
            GroupState::Dead => return Err(ErrorCode::GroupIdNotFound),
            GroupState::Empty => vec![ErrorCode::None; partitions.len()],
            _ if g.protocol_type.as_deref() == Some("consumer") => {
                partitions.iter().map(|(topic, _)| subscribed(g.is_subscribed_to(topic))).collect()
            }
            _ => return Err(ErrorCode::NonEmptyGroup),
        };
        for ((topic, partition), error) in partitions.iter().zip(&errors) {
            if *error == ErrorCode::None {
                g.offsets.remove(&(topic.clone(), *partition));
            }
        }
        Ok(errors)
    }

    /// DescribeGroups: None for a group that does not exist or is not a
    /// classic group.
    pub(crate) fn describe(&self, group: &str) -> Option<Described> {
        let g = self.groups.get(group).filter(|g| g.consumer.is_none())?;
        let stable = g.state == GroupState::Stable;
        let protocol = if stable { g.protocol.clone().unwrap_or_default() } else { String::new() };
        Some(Described {
            state: g.state,
            protocol_type: g.protocol_type.clone().unwrap_or_default(),
            protocol: protocol.clone(),
            members: g
                .members
                .iter()
                .map(|m| DescribedMember {
                    member_id: m.id.clone(),
                    instance_id: m.instance_id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    // Metadata and assignment only in a stable group, as Kafka.
                    metadata: if stable { m.metadata(&protocol) } else { Bytes::new() },
                    assignment: if stable { m.assignment.clone() } else { Bytes::new() },
                })
                .collect(),
        })
    }

    /// Every group: id, protocol type, state name, group type.
    pub(crate) fn list(&self) -> impl Iterator<Item = (&str, &str, &'static str, &'static str)> {
        self.groups.iter().map(|(id, g)| match &g.consumer {
            Some(c) => (id.as_str(), "consumer", c.state(), "consumer"),
            None => (id.as_str(), g.protocol_type.as_deref().unwrap_or(""), g.state.name(), "classic"),
        })
    }

    /// DeleteGroups: only an empty group goes, with its offsets.
    pub(crate) fn delete(&mut self, group: &str) -> ErrorCode {
        if let Some(c) = self.consumer_group(group) {
            if !c.members.is_empty() {
                return ErrorCode::NonEmptyGroup;
            }
            self.groups.remove(group);
            return ErrorCode::None;
        }
        match self.groups.get(group).map(|g| g.state) {
            None | Some(GroupState::Dead) => ErrorCode::GroupIdNotFound,
            Some(GroupState::Empty) => {
                self.groups.remove(group);
                ErrorCode::None
            }
            Some(_) => ErrorCode::NonEmptyGroup,
        }
    }

    /// Expires sessions and completes rebalances whose time is up.
    pub(crate) fn tick(&mut self, now: Instant) {
        for group in self.groups.values_mut() {
            match &mut group.consumer {
                Some(c) => c.tick(now),
                None => group.tick(now),
            }
        }
    }
}

/// A consumer group as a test sees it.
fn consumer_summary(c: &ConsumerGroup) -> GroupSummary {
    GroupSummary {
        state: c.state().to_owned(),
        generation: c.epoch,
        protocol_type: "consumer".into(),
        protocol: c.assignor().to_owned(),
        leader: String::new(),
        members: c.members.keys().cloned().collect(),
        instance_ids: c.members.values().filter_map(|m| Some((m.id.clone(), m.instance_id.clone()?))).collect(),
        group_type: "consumer".into(),
    }
}

/// Kafka's `ConsumerGroup.validateOffsetCommit`: with a negative epoch an
/// empty group takes anyone's commit; otherwise the member must be one, at
/// its current epoch, and a plain commit must be v9+ (the first to carry
/// member epochs).
fn check_consumer_commit(c: &ConsumerGroup, epoch: i32, member_id: &str, kind: CommitKind) -> Result<(), ErrorCode> {
    if epoch < 0 && c.members.is_empty() {
        return Ok(());
    }
    let current = c.member_epoch(member_id).ok_or(ErrorCode::UnknownMemberId)?;
    if matches!(kind, CommitKind::Plain { version } if version < 9) {
        return Err(ErrorCode::UnsupportedVersion);
    }
    if epoch != current {
        return Err(ErrorCode::StaleMemberEpoch);
    }
    Ok(())
}

/// Removes members whose session timed out and completes rebalances
/// whose time is up, every few milliseconds, for as long as the cluster runs.
pub(crate) async fn expire_members(shared: Arc<Shared>) {
    loop {
        tokio::time::sleep(TICK).await;
        let now = Instant::now();
        shared.state().groups.tick(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: GroupConfig = GroupConfig {
        min_session_timeout: Duration::from_millis(6000),
        max_session_timeout: MAX_SESSION_TIMEOUT,
        initial_rebalance_delay: Duration::ZERO,
    };

    fn request(member: &str, protocols: &[&str]) -> JoinRequest {
        JoinRequest {
            group_id: "g".into(),
            member_id: member.into(),
            instance_id: None,
            client_id: "client".into(),
            client_host: "/127.0.0.1".into(),
            session_timeout: Duration::from_secs(10),
            rebalance_timeout: Duration::from_secs(5),
            protocol_type: "consumer".into(),
            protocols: protocols.iter().map(|p| ((*p).to_owned(), Bytes::from_static(b"m"))).collect(),
            require_known_member_id: false,
            supports_skip_assignment: true,
        }
    }

    fn now_or_ready<T: std::fmt::Debug>(reply: Reply<T>) -> T {
        match reply {
            Reply::Now(t) => t,
            Reply::Wait(mut rx) => rx.try_recv().expect("answered"),
        }
    }

    fn waiting<T: std::fmt::Debug>(reply: Reply<T>) -> oneshot::Receiver<T> {
        match reply {
            Reply::Now(t) => panic!("answered at once: {t:?}"),
            Reply::Wait(mut rx) => {
                assert!(rx.try_recv().is_err(), "still waiting");
                rx
            }
        }
    }

    fn state(groups: &Groups) -> (String, i32, usize) {
        let s = groups.summary("g").unwrap();
        (s.state, s.generation, s.members.len())
    }

    fn sync(member: &str, generation: i32, assignments: &[(&str, &str)]) -> SyncRequest {
        SyncRequest {
            group_id: "g".into(),
            generation,
            member_id: member.into(),
            assignments: assignments
                .iter()
                .map(|(m, a)| ((*m).to_owned(), Bytes::copy_from_slice(a.as_bytes())))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_rebalance_waits_for_every_member_and_the_leaders_assignments() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        assert_eq!((a.error, a.generation, a.members.len()), (ErrorCode::None, 1, 1));
        assert_eq!(state(&groups), ("CompletingRebalance".into(), 1, 1));
        let a_id = a.member_id;
        // B joins: A must rejoin first.
        let mut b = waiting(groups.join(&request("", &["range"]), t0, &CONFIG));
        assert_eq!(state(&groups), ("PreparingRebalance".into(), 1, 2));
        let refused = now_or_ready(groups.sync(&sync(&a_id, 1, &[]), t0));
        assert_eq!(refused.error, ErrorCode::RebalanceInProgress);
        assert_eq!(groups.heartbeat("g", 1, &a_id, None, t0), ErrorCode::RebalanceInProgress);
        let a = now_or_ready(groups.join(&request(&a_id, &["range"]), t0, &CONFIG));
        let b = b.try_recv().expect("B answered when A rejoined");
        assert_eq!((a.generation, b.generation), (2, 2));
        assert_eq!((a.leader.as_str(), b.leader.as_str()), (a_id.as_str(), a_id.as_str()));
        assert_eq!((a.members.len(), b.members.len()), (2, 0));
        // B waits for A's assignments.
        let mut b_sync = waiting(groups.sync(&sync(&b.member_id, 2, &[]), t0));
        let a_sync = now_or_ready(groups.sync(&sync(&a_id, 2, &[(&a_id, "A"), (&b.member_id, "B")]), t0));
        assert_eq!(&a_sync.assignment[..], b"A");
        assert_eq!(&b_sync.try_recv().unwrap().assignment[..], b"B");
        assert_eq!(state(&groups), ("Stable".into(), 2, 2));
        assert_eq!(groups.sync(&sync(&a_id, 1, &[]), t0).now().error, ErrorCode::IllegalGeneration);
    }

    #[test]
    fn the_protocol_is_chosen_by_vote_among_those_all_members_support() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range", "sticky", "roundrobin"]), t0, &CONFIG));
        let mut b = waiting(groups.join(&request("", &["sticky", "range"]), t0, &CONFIG));
        let mut c = waiting(groups.join(&request("", &["roundrobin", "sticky"]), t0, &CONFIG));
        let refused = groups.join(&request("", &["cooperative"]), t0, &CONFIG).now();
        assert_eq!(refused.error, ErrorCode::InconsistentGroupProtocol);
        let a = now_or_ready(groups.join(&request(&a.member_id, &["range", "sticky", "roundrobin"]), t0, &CONFIG));
        // Only sticky is supported by all three: everyone votes for it.
        assert_eq!(a.protocol.as_deref(), Some("sticky"));
        assert_eq!(b.try_recv().unwrap().protocol.as_deref(), Some("sticky"));
        assert_eq!(c.try_recv().unwrap().protocol.as_deref(), Some("sticky"));
        // Two of three prefer range when all support it.
        let mut groups = Groups::default();
        let a = now_or_ready(groups.join(&request("", &["range", "sticky"]), t0, &CONFIG));
        let _b = waiting(groups.join(&request("", &["sticky", "range"]), t0, &CONFIG));
        let _c = waiting(groups.join(&request("", &["range", "sticky"]), t0, &CONFIG));
        let a = now_or_ready(groups.join(&request(&a.member_id, &["range", "sticky"]), t0, &CONFIG));
        assert_eq!(a.protocol.as_deref(), Some("range"));
        // The leader's first choice loses to the others' votes.
        let mut groups = Groups::default();
        let a = now_or_ready(groups.join(&request("", &["range", "sticky"]), t0, &CONFIG));
        let _b = waiting(groups.join(&request("", &["sticky", "range"]), t0, &CONFIG));
        let _c = waiting(groups.join(&request("", &["sticky", "range"]), t0, &CONFIG));
        let a = now_or_ready(groups.join(&request(&a.member_id, &["range", "sticky"]), t0, &CONFIG));
        assert_eq!((a.protocol.as_deref(), a.leader == a.member_id), (Some("sticky"), true));
    }

    #[test]
    fn members_who_do_not_rejoin_in_time_are_removed() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        now_or_ready(groups.sync(&sync(&a.member_id, 1, &[]), t0));
        let mut b = waiting(groups.join(&request("", &["range"]), t0, &CONFIG));
        groups.tick(t0 + Duration::from_millis(4999));
        assert!(b.try_recv().is_err(), "not before the rebalance timeout");
        groups.tick(t0 + Duration::from_secs(5));
        let b = b.try_recv().expect("the rebalance timed out");
        assert_eq!((b.generation, b.members.len(), b.leader == b.member_id), (2, 1, true));
        assert_eq!(groups.heartbeat("g", 2, &a.member_id, None, t0), ErrorCode::UnknownMemberId);
    }

    #[test]
    fn a_silent_member_loses_its_session_and_the_group_rebalances() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        now_or_ready(groups.sync(&sync(&a.member_id, 1, &[]), t0));
        let t1 = t0 + Duration::from_secs(8);
        assert_eq!(groups.heartbeat("g", 1, &a.member_id, None, t1), ErrorCode::None);
        groups.tick(t0 + Duration::from_secs(11));
        assert_eq!(state(&groups), ("Stable".into(), 1, 1), "the heartbeat renewed the session");
        groups.tick(t1 + Duration::from_secs(10));
        assert_eq!(state(&groups), ("Empty".into(), 2, 0));
    }

    #[test]
    fn a_leader_that_never_syncs_is_removed_after_the_rebalance_timeout() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        let mut b = waiting(groups.join(&request("", &["range"]), t0, &CONFIG));
        now_or_ready(groups.join(&request(&a.member_id, &["range"]), t0, &CONFIG));
        let b = b.try_recv().unwrap();
        let mut b_sync = waiting(groups.sync(&sync(&b.member_id, 2, &[]), t0));
        groups.tick(t0 + Duration::from_secs(5));
        // The leader is gone; the follower's sync learns of the rebalance.
        assert_eq!(b_sync.try_recv().unwrap().error, ErrorCode::RebalanceInProgress);
        assert!(!groups.summary("g").unwrap().members.contains(&a.member_id));
    }

    #[test]
    fn an_unknown_member_needs_an_id_first_and_blocks_the_rebalance_until_it_comes_back() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        now_or_ready(groups.sync(&sync(&a.member_id, 1, &[]), t0));
        let mut known = request("", &["range"]);
        known.require_known_member_id = true;
        let pending = groups.join(&known, t0, &CONFIG).now();
        assert_eq!(pending.error, ErrorCode::MemberIdRequired);
        assert!(pending.member_id.starts_with("client-"));
        assert_eq!(state(&groups), ("Stable".into(), 1, 1), "a pending member does not rebalance");
        // A rebalance now waits for the pending member too.
        let mut a_join = waiting(groups.join(&request(&a.member_id, &["range"]), t0, &CONFIG));
        known.member_id = pending.member_id.clone();
        let b = now_or_ready(groups.join(&known, t0, &CONFIG));
        assert_eq!(b.generation, 2);
        assert_eq!(a_join.try_recv().unwrap().members.len(), 2);
        // A pending member that never comes back stops blocking at its session timeout.
        let other = groups.join(&known.clone().with_member(""), t0, &CONFIG).now();
        assert_eq!(other.error, ErrorCode::MemberIdRequired);
        let mut slow = request(&a.member_id, &["range", "x"]);
        slow.rebalance_timeout = Duration::from_secs(20);
        let mut a_join = waiting(groups.join(&slow, t0, &CONFIG));
        let _b_join = waiting(groups.join(&known, t0, &CONFIG));
        groups.tick(t0 + Duration::from_millis(9999));
        assert!(a_join.try_recv().is_err());
        groups.tick(t0 + Duration::from_secs(10));
        assert_eq!(a_join.try_recv().unwrap().generation, 3);
    }

    #[test]
    fn a_static_member_takes_over_its_instance_id() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let mut static_request = request("", &["range"]);
        static_request.instance_id = Some("i".into());
        let old = now_or_ready(groups.join(&static_request, t0, &CONFIG));
        assert!(old.member_id.starts_with("i-"));
        now_or_ready(groups.sync(&sync(&old.member_id, 1, &[(&old.member_id, "mine")]), t0));
        let new = groups.join(&static_request, t0, &CONFIG).now();
        assert_eq!((new.error, new.generation, new.skip_assignment), (ErrorCode::None, 1, true));
        assert_ne!(new.member_id, old.member_id);
        assert_eq!(groups.heartbeat("g", 1, &old.member_id, Some("i"), t0), ErrorCode::FencedInstanceId);
        assert_eq!(groups.heartbeat("g", 1, &new.member_id, Some("i"), t0), ErrorCode::None);
        assert_eq!(groups.heartbeat("g", 1, &new.member_id, Some("j"), t0), ErrorCode::UnknownMemberId);
        let synced = groups.sync(&sync(&new.member_id, 1, &[]), t0).now();
        assert_eq!(&synced.assignment[..], b"mine", "the assignment carries over");
        // A static member that does not rejoin a rebalance stays (its session decides).
        let mut c = waiting(groups.join(&request("", &["range"]), t0, &CONFIG));
        groups.tick(t0 + Duration::from_secs(5));
        let c = c.try_recv().unwrap();
        assert_eq!((c.generation, c.leader == c.member_id), (2, true), "a member that rejoined leads");
        assert_eq!(state(&groups), ("CompletingRebalance".into(), 2, 2));
    }

    #[test]
    fn the_first_rebalance_waits_for_the_initial_delay() {
        let config = GroupConfig { initial_rebalance_delay: Duration::from_secs(3), ..CONFIG };
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let mut a = waiting(groups.join(&request("", &["range"]), t0, &config));
        let mut b = waiting(groups.join(&request("", &["range"]), t0 + Duration::from_secs(2), &config));
        groups.tick(t0 + Duration::from_secs(3));
        assert!(a.try_recv().is_err(), "a new member extends the delay");
        groups.tick(t0 + Duration::from_secs(5));
        assert_eq!((a.try_recv().unwrap().generation, b.try_recv().unwrap().generation), (1, 1));
    }

    #[test]
    fn session_timeouts_out_of_bounds_are_refused() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        for ms in [5999, 1_800_001] {
            let mut r = request("", &["range"]);
            r.session_timeout = Duration::from_millis(ms);
            assert_eq!(groups.join(&r, t0, &CONFIG).now().error, ErrorCode::InvalidSessionTimeout, "{ms}");
        }
        assert!(groups.summary("g").is_none());
    }

    const PLAIN: CommitKind = CommitKind::Plain { version: 8 };

    #[test]
    fn commits_follow_the_generation() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        assert_eq!(groups.check_commit("g", 3, "m", None, PLAIN, t0), Err(ErrorCode::IllegalGeneration));
        assert_eq!(groups.check_commit("g", -1, "", None, PLAIN, t0), Ok(()));
        assert_eq!(state(&groups), ("Empty".into(), 0, 0), "a simple group");
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        assert_eq!(groups.check_commit("g", 1, &a.member_id, None, PLAIN, t0), Err(ErrorCode::RebalanceInProgress));
        now_or_ready(groups.sync(&sync(&a.member_id, 1, &[]), t0));
        assert_eq!(groups.check_commit("g", 1, &a.member_id, None, PLAIN, t0), Ok(()));
        assert_eq!(groups.check_commit("g", 2, &a.member_id, None, PLAIN, t0), Err(ErrorCode::IllegalGeneration));
        assert_eq!(groups.check_commit("g", 1, "x", None, PLAIN, t0), Err(ErrorCode::UnknownMemberId));
        assert_eq!(groups.check_commit("g", -1, "", None, PLAIN, t0), Err(ErrorCode::UnknownMemberId));
        // A transactional commit without a member id, to a Stable group, is taken.
        assert_eq!(groups.check_commit("g", -1, "", None, CommitKind::Transactional, t0), Ok(()));
    }

    #[test]
    fn transactional_commits_are_taken_while_a_rebalance_completes() {
        let mut groups = Groups::default();
        let t0 = Instant::now();
        let a = now_or_ready(groups.join(&request("", &["range"]), t0, &CONFIG));
        assert_eq!(groups.check_commit("g", 1, &a.member_id, None, PLAIN, t0), Err(ErrorCode::RebalanceInProgress));
        assert_eq!(groups.check_commit("g", 1, &a.member_id, None, CommitKind::Transactional, t0), Ok(()));
        assert_eq!(groups.check_commit("g", -1, "", None, CommitKind::Transactional, t0), Ok(()));
        assert_eq!(
            groups.check_commit("new", 3, "m", None, CommitKind::Transactional, t0),
            Err(ErrorCode::UnknownMemberId)
        );
    }

    #[test]
    fn subscriptions_decode() {
        let mut bytes = vec![0, 1, 0, 0, 0, 2, 0, 1, b'a', 0, 2, b'b', b'c'];
        assert_eq!(decode_subscription(&bytes), Some(vec!["a".to_owned(), "bc".to_owned()]));
        bytes.truncate(10);
        assert_eq!(decode_subscription(&bytes), None);
        assert_eq!(decode_subscription(&[]), None);
    }

    impl<T: std::fmt::Debug> Reply<T> {
        fn now(self) -> T {
            match self {
                Reply::Now(t) => t,
                Reply::Wait(_) => panic!("waits"),
            }
        }
    }

    impl JoinRequest {
        fn with_member(mut self, id: &str) -> JoinRequest {
            self.member_id = id.to_owned();
            self
        }
    }
}
