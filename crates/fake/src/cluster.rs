//! The public face: [`FakeCluster`], its builder, and what a test reads
//! back from it.

use crate::acl::{Acl, Acls};
use crate::control::{Hook, Hooks};
use crate::persona::Persona;
use crate::scram::{Credentials, ScramCredential, ScramMechanism};
use crate::server;
use crate::state::{Node, State};
use bytes::Bytes;
use kafka_wire::records::{DecodeOptions, Record, RecordSetEntry, RecordSetIter};
use kafka_wire::{KafkaRelease, RequestFrame};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Why a cluster did not start, or a test's question could not be answered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FakeError {
    /// A listener could not be bound.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address asked for.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// The release named is not one Kafka made.
    #[error(transparent)]
    UnknownRelease(#[from] kafka_wire::UnknownRelease),
    /// A topic given to the builder or to [`FakeCluster::create_topic`] was refused.
    #[error("topic {name}: {message}")]
    Topic {
        /// The topic.
        name: String,
        /// Kafka's message for the refusal.
        message: String,
    },
    /// No such topic or partition.
    #[error("no partition {partition} of topic {topic}")]
    UnknownPartition {
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
    },
    /// No broker with this id.
    #[error("no broker {0}")]
    UnknownNode(i32),
    /// The stored records could not be read back (a bug of the fake broker).
    #[error("stored records: {0}")]
    Records(#[from] kafka_wire::records::RecordsDecodeError),
    /// Writing segment files failed.
    #[error("writing segment files: {0}")]
    Io(#[from] std::io::Error),
}

/// A topic the cluster starts with.
#[derive(Debug, Clone)]
struct TopicSpec {
    name: String,
    partitions: i32,
    configs: BTreeMap<String, String>,
}

/// How a [`FakeCluster`] starts: brokers, release persona, topics,
/// listeners. Every setting has a default that a plain test wants.
#[derive(Debug, Clone)]
pub struct FakeClusterBuilder {
    brokers: usize,
    persona: Persona,
    topics: Vec<TopicSpec>,
    host: String,
    first_port: u16,
    cluster_id: String,
    advertised: BTreeMap<i32, (String, u16)>,
    scram_credentials: Credentials,
    pub(crate) settings: Settings,
}

/// Settings the handlers read.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) auto_create_topics: bool,
    pub(crate) default_partitions: i32,
    pub(crate) sasl_plain: Option<BTreeMap<String, String>>,
    /// The SCRAM mechanisms enabled, in the order SaslHandshake lists them.
    pub(crate) sasl_scram: Vec<ScramMechanism>,
    /// With an authorizer: its super users (`User:admin`).
    pub(crate) authorizer: Option<std::collections::BTreeSet<String>>,
    pub(crate) initial_rebalance_delay: Duration,
    pub(crate) min_session_timeout: Duration,
    /// KIP-848 consumer groups' `group.consumer.session.timeout.ms`.
    pub(crate) consumer_session_timeout: Duration,
    /// KIP-848 consumer groups' `group.consumer.heartbeat.interval.ms`.
    pub(crate) consumer_heartbeat_interval: Duration,
    pub(crate) max_request_size: usize,
    pub(crate) log_requests: bool,
}

impl Settings {
    /// Whether connections must authenticate with SASL.
    pub(crate) fn sasl_enabled(&self) -> bool {
        self.sasl_plain.is_some() || !self.sasl_scram.is_empty()
    }
}

impl Default for FakeClusterBuilder {
    fn default() -> Self {
        FakeClusterBuilder {
            brokers: 1,
            persona: Persona::Everything,
            topics: Vec::new(),
            host: "127.0.0.1".into(),
            first_port: 0,
            cluster_id: "kafka-wire-fake-cluster".into(),
            advertised: BTreeMap::new(),
            scram_credentials: Credentials::new(),
            settings: Settings {
                auto_create_topics: false,
                default_partitions: 1,
                sasl_plain: None,
                sasl_scram: Vec::new(),
                authorizer: None,
                initial_rebalance_delay: Duration::ZERO,
                min_session_timeout: Duration::from_millis(6000),
                consumer_session_timeout: crate::consumer_group::DEFAULT_SESSION_TIMEOUT,
                consumer_heartbeat_interval: crate::consumer_group::DEFAULT_HEARTBEAT_INTERVAL,
                max_request_size: kafka_wire::connection::FrameReader::DEFAULT_MAX_SIZE,
                log_requests: true,
            },
        }
    }
}

impl FakeClusterBuilder {
    /// How many brokers (1 by default), each on its own listener.
    pub fn brokers(mut self, n: usize) -> Self {
        self.brokers = n.max(1);
        self
    }

    /// Speak as this Kafka release's broker: advertise, accept and answer
    /// exactly its versions (see [`Persona`]).
    pub fn release(mut self, release: KafkaRelease) -> Self {
        self.persona = Persona::Release(release);
        self
    }

    /// [`FakeClusterBuilder::release`], by Kafka's version string.
    pub fn release_named(self, version: &str) -> Result<Self, FakeError> {
        Ok(self.release(version.parse()?))
    }

    /// A topic that exists from the start.
    pub fn topic(self, name: &str, partitions: i32) -> Self {
        self.topic_with_configs(name, partitions, [])
    }

    /// A topic that exists from the start, with topic configs (for example
    /// `message.timestamp.type=LogAppendTime`).
    pub fn topic_with_configs<'a>(
        mut self,
        name: &str,
        partitions: i32,
        configs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let configs = configs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        self.topics.push(TopicSpec { name: name.to_owned(), partitions, configs });
        self
    }

    /// Create a topic a Metadata request names when it does not exist and
    /// the request allows it (Kafka's `auto.create.topics.enable`; off by
    /// default here, so a test's typo is an error).
    pub fn auto_create_topics(mut self, on: bool) -> Self {
        self.settings.auto_create_topics = on;
        self
    }

    /// Partitions of an auto-created topic (Kafka's `num.partitions`, 1).
    pub fn default_partitions(mut self, n: i32) -> Self {
        self.settings.default_partitions = n.max(1);
        self
    }

    /// Listen on this host, the first broker on `port` and the next ones
    /// on the ports after it; port 0 (the default) picks free ports.
    pub fn listen(mut self, host: &str, port: u16) -> Self {
        self.host = host.to_owned();
        self.first_port = port;
        self
    }

    /// Advertise broker `node` at `host:port` in Metadata instead of the
    /// address it listens on (a proxy in front of it, say), as Kafka's
    /// `advertised.listeners` does. Clients still bootstrap from
    /// [`FakeCluster::bootstrap`], the listening addresses.
    pub fn advertise(mut self, node: i32, host: &str, port: u16) -> Self {
        self.advertised.insert(node, (host.to_owned(), port));
        self
    }

    /// The cluster id Metadata and DescribeCluster report.
    pub fn cluster_id(mut self, id: &str) -> Self {
        self.cluster_id = id.to_owned();
        self
    }

    /// Require SASL PLAIN on every connection (a SASL_PLAINTEXT listener),
    /// with these user names and passwords.
    pub fn sasl_plain<'a>(mut self, users: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        self.settings.sasl_plain = Some(users.into_iter().map(|(u, p)| (u.to_owned(), p.to_owned())).collect());
        self
    }

    /// Accept SASL SCRAM with this mechanism on every connection (a
    /// SASL_PLAINTEXT listener), with these users and passwords; the
    /// credentials are salted and stored with 4096 iterations, as
    /// `kafka-configs --add-config SCRAM-SHA-256=[password=...]` stores
    /// them. Call it once per mechanism; PLAIN may be enabled too.
    /// DescribeUserScramCredentials and AlterUserScramCredentials see and
    /// change the same credentials.
    pub fn sasl_scram<'a>(
        mut self,
        mechanism: ScramMechanism,
        users: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        if !self.settings.sasl_scram.contains(&mechanism) {
            self.settings.sasl_scram.push(mechanism);
        }
        for (user, password) in users {
            let credential = ScramCredential::from_password(mechanism, password, crate::scram::MIN_ITERATIONS);
            self.scram_credentials.entry(user.to_owned()).or_default().insert(mechanism, credential);
        }
        self
    }

    /// Enforce ACLs, as a broker with Kafka's StandardAuthorizer does:
    /// a request is allowed when an ALLOW ACL matches it and no DENY ACL
    /// does, and denied when no ACL matches; these principals
    /// (`User:admin`, Kafka's `super.users`) are allowed everything. The
    /// principal is `User:<name>` after SASL, `User:ANONYMOUS` without.
    /// ACLs are created with CreateAcls (or [`FakeCluster::add_acl`]).
    /// Without an authorizer, everything is allowed and the ACL apis
    /// answer SECURITY_DISABLED.
    pub fn authorizer<'a>(mut self, super_users: impl IntoIterator<Item = &'a str>) -> Self {
        self.settings.authorizer = Some(super_users.into_iter().map(str::to_owned).collect());
        self
    }

    /// How long a new group waits for more members before its first
    /// rebalance completes (Kafka's `group.initial.rebalance.delay.ms`:
    /// 3 s in Kafka, none here by default).
    pub fn initial_rebalance_delay(mut self, delay: Duration) -> Self {
        self.settings.initial_rebalance_delay = delay;
        self
    }

    /// The shortest session timeout a JoinGroup may ask for (Kafka's
    /// `group.min.session.timeout.ms`, 6 s); a shorter one is refused with
    /// INVALID_SESSION_TIMEOUT. Lower it for tests of session expiry that
    /// should not take seconds.
    pub fn group_min_session_timeout(mut self, timeout: Duration) -> Self {
        self.settings.min_session_timeout = timeout;
        self
    }

    /// How long a member of a consumer group of the KIP-848 protocol
    /// keeps its session without a heartbeat (Kafka's
    /// `group.consumer.session.timeout.ms`, 45 s); then it is fenced and
    /// its partitions go to the others.
    pub fn consumer_group_session_timeout(mut self, timeout: Duration) -> Self {
        self.settings.consumer_session_timeout = timeout;
        self
    }

    /// The heartbeat interval ConsumerGroupHeartbeat answers tell members
    /// of KIP-848 consumer groups (Kafka's
    /// `group.consumer.heartbeat.interval.ms`, 5 s).
    pub fn consumer_group_heartbeat_interval(mut self, interval: Duration) -> Self {
        self.settings.consumer_heartbeat_interval = interval;
        self
    }

    /// The largest request accepted (Kafka's `socket.request.max.bytes`,
    /// 100 MiB); a larger one closes its connection.
    pub fn max_request_size(mut self, bytes: usize) -> Self {
        self.settings.max_request_size = bytes;
        self
    }

    /// Keep every request received for [`FakeCluster::requests`] (on by
    /// default). A broker that runs for long, as `kafka-wire broker` does,
    /// turns it off: the log holds every request, produced records included.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.settings.log_requests = on;
        self
    }

    /// Binds the listeners and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<FakeCluster, FakeError> {
        let mut listeners = Vec::new();
        for i in 0..self.brokers {
            let port = match self.first_port {
                0 => Some(0),
                first => u16::try_from(i).ok().and_then(|i| first.checked_add(i)),
            };
            let Some(port) = port else {
                return Err(FakeError::Listen {
                    address: format!("{}:{}+{i}", self.host, self.first_port),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "the brokers' ports run past 65535"),
                });
            };
            let address = format!("{}:{port}", self.host);
            let listener = TcpListener::bind(&address).await.map_err(|source| FakeError::Listen { address, source })?;
            listeners.push(listener);
        }
        let mut addresses = Vec::new();
        for listener in &listeners {
            addresses.push(listener.local_addr()?);
        }
        let nodes: Vec<Node> = addresses
            .iter()
            .enumerate()
            .map(|(i, address)| {
                let (host, port) =
                    self.advertised.get(&(i as i32)).cloned().unwrap_or((self.host.clone(), address.port()));
                Node { id: i as i32, host, port }
            })
            .collect();
        let mut state = State::new(nodes.clone(), self.cluster_id.clone());
        for topic in &self.topics {
            state
                .create_topic(&topic.name, topic.partitions, 1, topic.configs.clone())
                .map_err(|e| FakeError::Topic { name: topic.name.clone(), message: e.message })?;
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            persona: self.persona,
            settings: self.settings,
            scram_credentials: Mutex::new(self.scram_credentials),
            acls: Mutex::new(Acls::default()),
            appended: Notify::new(),
            hooks: Mutex::new(Hooks::default()),
            requests: Mutex::new(Vec::new()),
            problems: Mutex::new(Vec::new()),
            connections: Mutex::new(Vec::new()),
            runtime: tokio::runtime::Handle::current(),
            next_connection: Default::default(),
        });
        let mut tasks = Vec::new();
        for (listener, node) in listeners.into_iter().zip(&nodes) {
            tasks.push(tokio::spawn(server::accept(Arc::clone(&shared), node.id, listener)));
        }
        tasks.push(tokio::spawn(crate::group::expire_members(Arc::clone(&shared))));
        tasks.push(tokio::spawn(crate::txn::expire_transactions(Arc::clone(&shared))));
        Ok(FakeCluster { shared, nodes, addresses, tasks, runtime: None })
    }

    /// Starts the cluster on a runtime of its own (two worker threads), for
    /// tests that are not async: a blocking client, or a client in another
    /// process.
    pub fn start_in_background(self) -> Result<FakeCluster, FakeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("kafka-wire-fake")
            .build()?;
        let mut cluster = runtime.block_on(self.start())?;
        cluster.runtime = Some(runtime);
        Ok(cluster)
    }
}

/// What every connection of the cluster shares.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) persona: Persona,
    pub(crate) settings: Settings,
    /// Every user's SCRAM credentials.
    pub(crate) scram_credentials: Mutex<Credentials>,
    /// The ACLs.
    pub(crate) acls: Mutex<Acls>,
    /// Woken when records are appended (long-polling fetches wait on it).
    pub(crate) appended: Notify,
    pub(crate) hooks: Mutex<Hooks>,
    pub(crate) requests: Mutex<Vec<LoggedRequest>>,
    pub(crate) problems: Mutex<Vec<String>>,
    /// The runtime the cluster serves on (connections made from outside it,
    /// `connect_in_memory` from a blocking test, are spawned there).
    pub(crate) runtime: tokio::runtime::Handle,
    /// The open connections' tasks, to stop them on shutdown.
    pub(crate) connections: Mutex<Vec<tokio::task::AbortHandle>>,
    pub(crate) next_connection: std::sync::atomic::AtomicU64,
}

impl Shared {
    /// The state, even if a panicking thread held it (a handler never
    /// leaves it half-changed across a panic point that matters to a test).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn scram_credentials(&self) -> MutexGuard<'_, Credentials> {
        self.scram_credentials.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn acls(&self) -> MutexGuard<'_, Acls> {
        self.acls.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn problem(&self, what: String) {
        self.problems.lock().unwrap_or_else(|e| e.into_inner()).push(what);
    }
}

/// A request the cluster received, in arrival order.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// The broker it was sent to.
    pub node: i32,
    /// The connection it came on (numbered from 0 in accept order, per cluster).
    pub connection: u64,
    /// The request, decoded.
    pub frame: RequestFrame,
}

/// A Kafka cluster in this process, for tests: one or more brokers, each
/// listening on its own loopback port, serving from memory.
///
/// **A test and development broker**: nothing is written to disk unless a
/// test asks ([`FakeCluster::write_segments`]), every partition has one
/// replica, and nothing here is meant for production.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use kafka_wire_fake::FakeCluster;
///
/// let cluster = FakeCluster::builder().brokers(3).topic("orders", 6).start().await?;
/// let bootstrap = cluster.bootstrap(); // "127.0.0.1:PORT,127.0.0.1:PORT,127.0.0.1:PORT"
/// assert_eq!(bootstrap.split(',').count(), 3);
/// assert_eq!(cluster.records("orders", 0)?.len(), 0);
/// # Ok(()) }
/// ```
pub struct FakeCluster {
    shared: Arc<Shared>,
    nodes: Vec<Node>,
    addresses: Vec<SocketAddr>,
    tasks: Vec<JoinHandle<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for FakeCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCluster").field("nodes", &self.nodes).field("persona", &self.shared.persona).finish()
    }
}

impl FakeCluster {
    /// A builder with the defaults: one broker, every version, no topics.
    pub fn builder() -> FakeClusterBuilder {
        FakeClusterBuilder::default()
    }

    /// The brokers' addresses, comma-separated: a client's
    /// `bootstrap.servers`.
    pub fn bootstrap(&self) -> String {
        self.addresses().iter().map(|a| a.to_string()).collect::<Vec<_>>().join(",")
    }

    /// The address each broker listens on, by broker id.
    pub fn addresses(&self) -> &[SocketAddr] {
        &self.addresses
    }

    /// The brokers, as Metadata advertises them.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The persona the brokers speak as.
    pub fn persona(&self) -> Persona {
        self.shared.persona
    }

    /// Creates a topic, as CreateTopics would.
    pub fn create_topic(&self, name: &str, partitions: i32) -> Result<(), FakeError> {
        self.shared
            .state()
            .create_topic(name, partitions, 1, BTreeMap::new())
            .map(|_| ())
            .map_err(|e| FakeError::Topic { name: name.to_owned(), message: e.message })
    }

    /// The topics, with their partition counts.
    pub fn topics(&self) -> BTreeMap<String, usize> {
        self.shared.state().topics.iter().map(|(n, t)| (n.clone(), t.partitions.len())).collect()
    }

    /// The raw record batches of a partition, as its log holds them
    /// (base offsets assigned).
    pub fn batches(&self, topic: &str, partition: i32) -> Result<Vec<Bytes>, FakeError> {
        let state = self.shared.state();
        let p = state.partition(topic, partition).ok_or_else(|| unknown(topic, partition))?;
        Ok(p.log.batches().map(|b| b.bytes.clone()).collect())
    }

    /// Every record of a partition still in its log, with its offset;
    /// transaction markers (control batches) are left out.
    pub fn records(&self, topic: &str, partition: i32) -> Result<Vec<(i64, Record)>, FakeError> {
        let mut out = Vec::new();
        for batch in self.batches(topic, partition)? {
            for entry in RecordSetIter::new(batch) {
                let RecordSetEntry::Batch(view) = entry? else { continue };
                if view.header.is_control() {
                    continue;
                }
                let base = view.header.base_offset;
                for record in view.records(&DecodeOptions::default())? {
                    out.push((base + record.offset_delta as i64, record));
                }
            }
        }
        Ok(out)
    }

    /// The log start and end offsets of a partition.
    pub fn offsets(&self, topic: &str, partition: i32) -> Result<(i64, i64), FakeError> {
        let state = self.shared.state();
        let p = state.partition(topic, partition).ok_or_else(|| unknown(topic, partition))?;
        Ok((p.log.log_start_offset(), p.log.end_offset()))
    }

    /// The offset a group committed for a partition.
    pub fn committed_offset(&self, group: &str, topic: &str, partition: i32) -> Option<i64> {
        self.shared.state().groups.committed(group, topic, partition).map(|c| c.offset)
    }

    /// A group's state, members and generation.
    pub fn group(&self, group: &str) -> Option<crate::GroupSummary> {
        self.shared.state().groups.summary(group)
    }

    /// The leader of a partition and its epoch.
    pub fn leader(&self, topic: &str, partition: i32) -> Result<(i32, i32), FakeError> {
        let state = self.shared.state();
        let p = state.partition(topic, partition).ok_or_else(|| unknown(topic, partition))?;
        Ok((p.leader, p.leader_epoch))
    }

    /// Moves a partition's leadership to another broker: its leader
    /// epoch goes up, the old leader answers NOT_LEADER_OR_FOLLOWER, and
    /// clients must follow.
    pub fn move_leader(&self, topic: &str, partition: i32, to: i32) -> Result<(), FakeError> {
        let mut state = self.shared.state();
        if state.node(to).is_none() {
            return Err(FakeError::UnknownNode(to));
        }
        let p = state.partition_mut(topic, partition).ok_or_else(|| unknown(topic, partition))?;
        if p.leader != to {
            p.new_leader(to);
            if !p.replicas.contains(&to) {
                p.replicas.insert(0, to);
            }
        }
        Ok(())
    }

    /// A connection to broker `node` without a socket: an in-memory
    /// stream served exactly as a TCP connection is (for tests that want no
    /// ports, or a paused clock). The stream is served on the cluster's
    /// runtime; read and write it from any tokio runtime.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use futures_util::{SinkExt, StreamExt};
    /// use kafka_wire::messages::ApiVersionsRequest;
    /// use kafka_wire::tokio::ClientCodec;
    /// use kafka_wire_fake::FakeCluster;
    /// use tokio_util::codec::Framed;
    ///
    /// let cluster = FakeCluster::builder().start().await?;
    /// let mut conn = Framed::new(cluster.connect_in_memory(0)?, ClientCodec::new());
    /// let request = conn.codec_mut().connection().frame(ApiVersionsRequest::default(), 3);
    /// conn.send(request).await?;
    /// assert!(conn.next().await.is_some());
    /// # Ok(()) }
    /// ```
    pub fn connect_in_memory(&self, node: i32) -> Result<tokio::io::DuplexStream, FakeError> {
        if !self.nodes.iter().any(|n| n.id == node) {
            return Err(FakeError::UnknownNode(node));
        }
        let (client, server) = tokio::io::duplex(256 * 1024);
        server::spawn_connection(&self.shared, node, server, "/127.0.0.1".to_owned());
        Ok(client)
    }

    /// Adds an ACL, as CreateAcls would: `resource_type` is `topic`,
    /// `group`, `cluster` or `transactional_id`; a name ending in `*`
    /// other than `*` itself is a PREFIXED pattern (`orders-*` covers
    /// `orders-eu`), any other a LITERAL one; `operation` is Kafka's
    /// name (`read`, `write`, `describe`, `all`, ...); `allow` or deny.
    /// Host `*`.
    pub fn add_acl(&self, resource_type: &str, name: &str, principal: &str, operation: &str, allow: bool) {
        use crate::acl::{op, pattern, permission, resource};
        let resource_type = match resource_type.to_ascii_lowercase().as_str() {
            "topic" => resource::TOPIC,
            "group" => resource::GROUP,
            "cluster" => resource::CLUSTER,
            "transactional_id" | "transactionalid" => resource::TRANSACTIONAL_ID,
            "delegation_token" => resource::DELEGATION_TOKEN,
            "user" => resource::USER,
            other => panic!("unknown resource type {other}"),
        };
        let operation = match operation.to_ascii_lowercase().replace('_', "").as_str() {
            "all" => op::ALL,
            "read" => op::READ,
            "write" => op::WRITE,
            "create" => op::CREATE,
            "delete" => op::DELETE,
            "alter" => op::ALTER,
            "describe" => op::DESCRIBE,
            "clusteraction" => op::CLUSTER_ACTION,
            "describeconfigs" => op::DESCRIBE_CONFIGS,
            "alterconfigs" => op::ALTER_CONFIGS,
            "idempotentwrite" => op::IDEMPOTENT_WRITE,
            other => panic!("unknown operation {other}"),
        };
        let (name, pattern_type) = match name.strip_suffix('*') {
            Some(prefix) if !prefix.is_empty() => (prefix, pattern::PREFIXED),
            _ => (name, pattern::LITERAL),
        };
        self.shared.acls().acls.insert(Acl {
            resource_type,
            name: name.to_owned(),
            pattern_type,
            principal: principal.to_owned(),
            host: "*".to_owned(),
            operation,
            permission: if allow { permission::ALLOW } else { permission::DENY },
        });
    }

    /// Adds a hook (see [`Hook`]).
    pub fn hook(&self, hook: Hook) {
        self.shared.hooks.lock().unwrap_or_else(|e| e.into_inner()).add(hook);
    }

    /// Removes every hook.
    pub fn clear_hooks(&self) {
        self.shared.hooks.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Every request received so far, in order (those the broker could
    /// read as a request; none when [`FakeClusterBuilder::log_requests`]
    /// is off).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// What went wrong inside the broker: responses it could not encode,
    /// which are bugs of the fake broker, never of the client. A test can
    /// assert this is empty.
    pub fn problems(&self) -> Vec<String> {
        self.shared.problems.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Writes every partition as Kafka's log directory holds it:
    /// `DIR/<topic>-<partition>/00000000000000000000.log`, the batches
    /// back to back, readable by `kafka-wire dump-log` and Kafka's
    /// `DumpLogSegments`.
    pub fn write_segments(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>, FakeError> {
        let state = self.shared.state();
        let mut written = Vec::new();
        for (name, topic) in &state.topics {
            for (index, partition) in topic.partitions.iter().enumerate() {
                let folder = dir.join(format!("{name}-{index}"));
                std::fs::create_dir_all(&folder)?;
                let file = folder.join(format!("{:020}.log", partition.log.segment_base_offset()));
                std::fs::write(&file, partition.log.segment_bytes())?;
                written.push(file);
            }
        }
        Ok(written)
    }

    /// Stops every listener and connection.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        server::close_all(&self.shared);
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for FakeCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn unknown(topic: &str, partition: i32) -> FakeError {
    FakeError::UnknownPartition { topic: topic.to_owned(), partition }
}
