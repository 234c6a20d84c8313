//! Emits `releases.rs`: `KafkaRelease` for every Kafka release, and what
//! each one speaks, as its own jar says (see `crate::releases`): per api,
//! the versions its schemas define and those its broker advertises in each
//! mode it can run in. Releases with the same tables share them.

use super::api_key::Api;
use super::shared::header;
use crate::naming::release_variant;
use crate::releases::{compare_versions, Range, ReleaseTable};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The first release whose KRaft mode Kafka calls production ready
/// (KIP-833): from it on a release's default mode is KRaft.
const KRAFT_DEFAULT_FROM: &str = "3.3.0";

/// `releases.rs`. `generated_from` are the releases whose specs the messages
/// are generated from, newest first; each must have a table.
pub(super) fn emit(apis: &[Api], tables: &[ReleaseTable], generated_from: &[String]) -> Result<String, String> {
    check(apis, tables, generated_from)?;
    let mut out = header(&format!(
        "the api tables of every Kafka release from {} to {}, each read from its own jar",
        tables[0].version,
        tables[tables.len() - 1].version
    ));
    out.push_str(
        "//! Every Kafka release by name, and what each one speaks.\n\n\
         use super::ApiKey;\nuse crate::message::VersionRange;\n\n",
    );
    let shared = SharedTables::of(apis, tables)?;
    emit_enums(tables, generated_from, &mut out);
    emit_release_impl(tables, &shared, &mut out);
    emit_api_key_impl(&mut out);
    shared.emit(tables, &mut out);
    Ok(out)
}

/// Every release's table names apis this crate knows, and every release the
/// messages are generated from has a table.
fn check(apis: &[Api], tables: &[ReleaseTable], generated_from: &[String]) -> Result<(), String> {
    for t in tables {
        if let Some(key) = t.apis.keys().find(|k| !apis.iter().any(|a| a.key == **k)) {
            return Err(format!("Kafka {}: api key {key} is in no spec", t.version));
        }
    }
    for r in generated_from {
        if !tables.iter().any(|t| &t.version == r) {
            return Err(format!("no release table for Kafka {r}, whose specs are generated from"));
        }
    }
    Ok(())
}

/// The distinct api tables (one `[VersionRange; apis]` each) and, per
/// release, which of them it uses.
struct SharedTables {
    tables: Vec<Vec<Range>>,
    /// Per release, oldest first.
    rows: Vec<Row>,
}

/// One release's tables, as indexes into [`SharedTables::tables`].
#[derive(PartialEq)]
struct Row {
    defined: usize,
    /// `None` for a mode the release does not have.
    zookeeper: Option<usize>,
    kraft: Option<usize>,
    /// The table [`ApiKey::versions_in`] reads: the default mode's, or
    /// `defined` before ApiVersions.
    default: usize,
    default_kraft: bool,
}

impl SharedTables {
    fn of(apis: &[Api], releases: &[ReleaseTable]) -> Result<SharedTables, String> {
        let mut shared = SharedTables { tables: Vec::new(), rows: Vec::new() };
        let mut index: BTreeMap<Vec<Range>, usize> = BTreeMap::new();
        let mut intern = |table: Vec<Range>, tables: &mut Vec<Vec<Range>>| {
            *index.entry(table.clone()).or_insert_with(|| {
                tables.push(table);
                tables.len() - 1
            })
        };
        for r in releases {
            let defined = intern(apis.iter().map(|a| r.defined(a.key)).collect(), &mut shared.tables);
            let mut mode = |m: &str| {
                r.modes
                    .iter()
                    .any(|x| x == m)
                    .then(|| intern(apis.iter().map(|a| r.advertised(a.key, m)).collect(), &mut shared.tables))
            };
            let (zookeeper, kraft) = (mode("zk"), mode("kraft"));
            let default_kraft = r.api_versions
                && kraft.is_some()
                && (zookeeper.is_none() || compare_versions(&r.version, KRAFT_DEFAULT_FROM).is_ge());
            let default = if !r.api_versions {
                Some(defined)
            } else if default_kraft {
                kraft
            } else {
                zookeeper
            };
            let default =
                default.ok_or_else(|| format!("Kafka {}: answers ApiVersions but advertises nothing", r.version))?;
            shared.rows.push(Row { defined, zookeeper, kraft, default, default_kraft });
        }
        Ok(shared)
    }

    fn emit(&self, releases: &[ReleaseTable], out: &mut String) {
        let width = self.tables.first().map_or(0, Vec::len);
        out.push_str(
            "/// What one release is: its tables' indexes in [`TABLES`] (`NO_TABLE`\n\
             /// for a mode the release does not have).\n\
             struct ReleaseRow {\nversion: &'static str,\nartifacts: &'static [&'static str],\n\
             api_versions: bool,\ndefined: u16,\nzookeeper: u16,\nkraft: u16,\n\
             /// The default mode's table, `defined` before ApiVersions.\ndefault: u16,\n\
             default_mode: BrokerMode,\n}\n\n\
             const NO_TABLE: u16 = u16::MAX;\n\n",
        );
        writeln!(out, "/// Every release, oldest first.\nstatic RELEASES: [ReleaseRow; {}] = [", releases.len())
            .unwrap();
        let index = |i: Option<usize>| i.map_or("NO_TABLE".to_string(), |i| i.to_string());
        for (r, row) in releases.iter().zip(&self.rows) {
            writeln!(
                out,
                "ReleaseRow {{ version: {:?}, artifacts: &{:?}, api_versions: {}, defined: {}, zookeeper: {}, kraft: {}, default: {}, default_mode: BrokerMode::{} }},",
                r.version,
                r.artifacts,
                r.api_versions,
                row.defined,
                index(row.zookeeper),
                index(row.kraft),
                row.default,
                if row.default_kraft { "KRaft" } else { "ZooKeeper" },
            )
            .unwrap();
        }
        out.push_str("];\n\n");
        writeln!(
            out,
            "/// The distinct api tables, a range per api in the order of\n\
             /// [`ApiKey::ALL`] (`VersionRange::NONE` where the api is absent).\n\
             static TABLES: [[VersionRange; {width}]; {}] = [",
            self.tables.len()
        )
        .unwrap();
        for t in &self.tables {
            let ranges: Vec<String> = t.iter().map(|r| short_range(*r)).collect();
            writeln!(out, "[{}],", ranges.join(", ")).unwrap();
        }
        out.push_str("];\n\n/// `VersionRange::new`, short.\nconst fn r(min: i16, max: i16) -> VersionRange {\nVersionRange::new(min, max)\n}\n\n/// `VersionRange::NONE`, short.\nconst N: VersionRange = VersionRange::NONE;\n");
    }
}

fn short_range(r: Range) -> String {
    match r {
        Some((a, b)) => format!("r({a}, {b})"),
        None => "N".into(),
    }
}

fn emit_enums(tables: &[ReleaseTable], generated_from: &[String], out: &mut String) {
    out.push_str(
        "/// A Kafka release, from 0.8.0 on: every release Kafka published on\n\
         /// Maven Central, each with what its broker speaks (see\n\
         /// [`ApiKey::versions_in`]). Ordered by release, oldest first; shown\n\
         /// and parsed as Kafka's version string (`\"2.8.0\"`, `\"0.10.2.1\"`).\n\
         ///\n\
         /// ```\n\
         /// use kafka_wire_core::KafkaRelease;\n\
         ///\n\
         /// let release: KafkaRelease = \"2.8.0\".parse().unwrap();\n\
         /// assert_eq!(release, KafkaRelease::V2_8_0);\n\
         /// assert!(release < KafkaRelease::V3_0_0);\n\
         /// assert_eq!(release.to_string(), \"2.8.0\");\n\
         /// ```\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         #[non_exhaustive]\npub enum KafkaRelease {\n",
    );
    for t in tables {
        writeln!(out, "/// Kafka {}.\n{},", t.version, release_variant(&t.version)).unwrap();
    }
    out.push_str("}\n\n");
    let from: Vec<String> = generated_from.iter().map(|r| format!("KafkaRelease::{}", release_variant(r))).collect();
    writeln!(
        out,
        "impl KafkaRelease {{\n/// Every release, oldest first.\npub const ALL: &'static [KafkaRelease] = &[{}];\n\n\
         /// The newest release.\npub const LATEST: KafkaRelease = KafkaRelease::{};\n\n\
         /// The releases whose JSON specs the messages are generated from, newest\n\
         /// first: the pinned release, and the last 3.x release for the versions\n\
         /// Kafka 4.0 removed.\npub const GENERATED_FROM: &'static [KafkaRelease] = &[{}];\n}}\n",
        tables.iter().map(|t| format!("KafkaRelease::{}", release_variant(&t.version))).collect::<Vec<_>>().join(", "),
        release_variant(&tables[tables.len() - 1].version),
        from.join(", ")
    )
    .unwrap();
    out.push_str(
        "\n/// How a broker runs, which decides the apis it serves to clients.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n\
         pub enum BrokerMode {\n\
         /// With ZooKeeper (Kafka before 4.0).\nZooKeeper,\n\
         /// With a KRaft controller quorum (early access from 2.8, production\n\
         /// ready from 3.3, the only mode from 4.0).\nKRaft,\n}\n\n",
    );
}

fn emit_release_impl(tables: &[ReleaseTable], shared: &SharedTables, out: &mut String) {
    // A release's first release with the same tables, for `same_protocol_as`.
    let mut first_same = Vec::new();
    for (i, row) in shared.rows.iter().enumerate() {
        let first = shared.rows[..i].iter().position(|r| r == row).unwrap_or(i);
        first_same.push(format!("KafkaRelease::{}", release_variant(&tables[first].version)));
    }
    writeln!(
        out,
        "impl KafkaRelease {{\n\
         /// Kafka's version string of the release, e.g. `\"2.8.0\"`.\n\
         pub const fn version(self) -> &'static str {{\nself.row().version\n}}\n\n\
         /// The Maven Central artifacts its table was read from.\n\
         pub const fn artifacts(self) -> &'static [&'static str] {{\nself.row().artifacts\n}}\n\n\
         /// Whether its brokers answer ApiVersions (Kafka 0.10.0 and later):\n\
         /// an older broker closes the connection on it, and only a client that\n\
         /// knows the release can pick versions.\n\
         pub const fn answers_api_versions(self) -> bool {{\nself.row().api_versions\n}}\n\n\
         /// Whether its broker can run in `mode`.\n\
         pub const fn has_mode(self, mode: BrokerMode) -> bool {{\nself.table(mode) != NO_TABLE\n}}\n\n\
         /// The mode [`ApiKey::versions_in`] describes: KRaft from Kafka\n\
         /// {KRAFT_DEFAULT_FROM} (production ready from then), else ZooKeeper.\n\
         pub const fn default_mode(self) -> BrokerMode {{\nself.row().default_mode\n}}\n\n\
         /// The oldest release that speaks exactly as this one (the same\n\
         /// definitions and the same advertised versions in every mode): this\n\
         /// release itself when its protocol changed.\n\
         pub const fn same_protocol_as(self) -> KafkaRelease {{\nmatch self {{"
    )
    .unwrap();
    for (t, first) in tables.iter().zip(&first_same) {
        writeln!(out, "KafkaRelease::{} => {first},", release_variant(&t.version)).unwrap();
    }
    out.push_str(
        "}\n}\n\n\
         /// The release of a version string, as [`KafkaRelease::version`] gives it.\n\
         pub fn from_version(version: &str) -> Option<KafkaRelease> {\n\
         KafkaRelease::ALL.iter().copied().find(|r| r.version() == version)\n}\n\n\
         const fn row(self) -> &'static ReleaseRow {\n&RELEASES[self as usize]\n}\n\n\
         const fn table(self, mode: BrokerMode) -> u16 {\nmatch mode {\n\
         BrokerMode::ZooKeeper => self.row().zookeeper,\nBrokerMode::KRaft => self.row().kraft,\n}\n}\n}\n\n\
         impl std::fmt::Display for KafkaRelease {\n\
         fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\nf.write_str(self.version())\n}\n}\n\n\
         /// A version string that names no Kafka release.\n\
         #[derive(Debug, Clone, PartialEq, Eq)]\npub struct UnknownRelease(pub String);\n\n\
         impl std::fmt::Display for UnknownRelease {\n\
         fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n\
         write!(f, \"{:?} is not a Kafka release this library knows (the newest is {})\", self.0, KafkaRelease::LATEST)\n}\n}\n\n\
         impl std::error::Error for UnknownRelease {}\n\n\
         impl std::str::FromStr for KafkaRelease {\ntype Err = UnknownRelease;\n\
         /// Kafka's version string, e.g. `\"2.8.0\"` or `\"0.10.2.1\"`.\n\
         fn from_str(s: &str) -> Result<Self, UnknownRelease> {\n\
         KafkaRelease::from_version(s.trim()).ok_or_else(|| UnknownRelease(s.to_string()))\n}\n}\n\n",
    );
}

fn emit_api_key_impl(out: &mut String) {
    out.push_str(
        "impl ApiKey {\n\
         /// The versions a broker of `release` offers clients in its\n\
         /// [default mode](KafkaRelease::default_mode), as its own code builds\n\
         /// its ApiVersions response with a default configuration; for a release\n\
         /// older than ApiVersions (0.8, 0.9), the versions its broker serves.\n\
         /// `VersionRange::NONE` for an api it does not offer.\n\
         ///\n\
         /// ```\n\
         /// use kafka_wire_core::{ApiKey, KafkaRelease};\n\
         ///\n\
         /// assert_eq!(ApiKey::Fetch.versions_in(KafkaRelease::V0_10_0_0).to_string(), \"0-2\");\n\
         /// assert!(ApiKey::ConsumerGroupHeartbeat.versions_in(KafkaRelease::V3_6_0).is_empty());\n\
         /// ```\n\
         pub const fn versions_in(self, release: KafkaRelease) -> VersionRange {\n\
         TABLES[release.row().default as usize][self.index()]\n}\n\n\
         /// The versions a broker of `release` advertises running in `mode`;\n\
         /// `None` when the release has no such mode.\n\
         pub const fn advertised_in(self, release: KafkaRelease, mode: BrokerMode) -> Option<VersionRange> {\n\
         match release.table(mode) {\nNO_TABLE => None,\nt => Some(TABLES[t as usize][self.index()]),\n}\n}\n\n\
         /// Every version `release`'s schemas define, including those its broker\n\
         /// does not advertise (unstable ones, and apis served only to other\n\
         /// brokers or on the controller listener).\n\
         pub const fn defined_in(self, release: KafkaRelease) -> VersionRange {\n\
         TABLES[release.row().defined as usize][self.index()]\n}\n}\n\n",
    );
}
