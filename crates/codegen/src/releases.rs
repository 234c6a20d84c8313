//! Every Kafka release's api table, as `scripts/fetch-releases.sh` derives
//! it from that release's own jar (`tools/ReleaseApis.java` writes one
//! `apis.json` per release): for each api, the versions its schemas define
//! and the versions a broker of the release advertises, per broker mode.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

/// A version range as the tables give it; `None` where there is none.
pub type Range = Option<(i16, i16)>;

/// One release's table.
#[derive(Debug, Clone)]
pub struct ReleaseTable {
    /// Kafka's version string of the release, e.g. `0.10.2.1`, `2.8.0`.
    pub version: String,
    /// The Maven artifacts it was read from.
    pub artifacts: Vec<String>,
    /// Whether its brokers answer ApiVersions (0.10.0 and later).
    pub api_versions: bool,
    /// By api key.
    pub apis: BTreeMap<i16, ReleaseApi>,
    /// The broker modes the release has for clients: `zk`, `kraft`.
    pub modes: Vec<String>,
}

/// One api in one release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseApi {
    /// Every version the release's schemas define, unstable ones included
    /// (the unstable ones are those `advertised` leaves out).
    pub defined: Range,
    /// Advertised by a default-configured broker, by mode; a mode missing
    /// here does not advertise the api.
    pub advertised: BTreeMap<String, (i16, i16)>,
}

impl ReleaseTable {
    /// The versions a broker in `mode` advertises for `key`, `None` when it
    /// does not advertise it.
    pub fn advertised(&self, key: i16, mode: &str) -> Range {
        self.apis.get(&key).and_then(|a| a.advertised.get(mode).copied())
    }

    pub fn defined(&self, key: i16) -> Range {
        self.apis.get(&key).and_then(|a| a.defined)
    }
}

/// Compares release version strings numerically: `0.10.0.0` after `0.9.0.1`.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| v.split('.').map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    parts(a).cmp(&parts(b))
}

/// Loads `<dir>/<version>/apis.json` for every release folder in `dir`,
/// oldest first.
pub fn load(dir: &Path) -> Result<Vec<ReleaseTable>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut tables = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path().join("apis.json");
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        tables.push(parse(&text).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    if tables.is_empty() {
        return Err(format!("{}: no release tables (run scripts/fetch-releases.sh)", dir.display()));
    }
    tables.sort_by(|a, b| compare_versions(&a.version, &b.version));
    Ok(tables)
}

/// Parses one release's `apis.json`.
pub fn parse(text: &str) -> Result<ReleaseTable, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let version = json["release"].as_str().ok_or("no release")?.to_string();
    let artifacts = json["artifacts"]
        .as_array()
        .ok_or("no artifacts")?
        .iter()
        .map(|a| a.as_str().map(str::to_string).ok_or("an artifact is not a string"))
        .collect::<Result<_, _>>()?;
    let api_versions = json["api_versions"].as_bool().ok_or("no api_versions")?;
    let mut apis = BTreeMap::new();
    let mut modes: Vec<String> = Vec::new();
    for api in json["apis"].as_array().ok_or("no apis")? {
        let key = int(&api["key"]).ok_or("an api without a key")?;
        let defined = range(&api["defined"]).map_err(|e| format!("api {key}: defined: {e}"))?;
        let mut advertised = BTreeMap::new();
        if let Some(by_mode) = api["advertised"].as_object() {
            for (mode, r) in by_mode {
                if mode != "zk" && mode != "kraft" {
                    continue; // a listener other than a broker's client listener
                }
                let r = range(r).map_err(|e| format!("api {key}: advertised {mode}: {e}"))?;
                advertised.insert(mode.clone(), r.ok_or(format!("api {key}: advertised {mode}: no range"))?);
                if !modes.contains(mode) {
                    modes.push(mode.clone());
                }
            }
        }
        if apis.insert(key, ReleaseApi { defined, advertised }).is_some() {
            return Err(format!("api key {key} twice"));
        }
    }
    modes.sort();
    Ok(ReleaseTable { version, artifacts, api_versions, apis, modes })
}

fn int(v: &serde_json::Value) -> Option<i16> {
    v.as_i64().and_then(|n| i16::try_from(n).ok())
}

fn range(v: &serde_json::Value) -> Result<Range, String> {
    if v.is_null() {
        return Ok(None);
    }
    let (min, max) = (int(&v["min"]).ok_or("no min")?, int(&v["max"]).ok_or("no max")?);
    if min > max {
        return Err(format!("{min} > {max}"));
    }
    Ok(Some((min, max)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert_eq!(compare_versions("0.10.0.0", "0.9.0.1"), Ordering::Greater);
        assert_eq!(compare_versions("2.8.0", "2.10.0"), Ordering::Less);
        assert_eq!(compare_versions("4.0.0", "4.0.0"), Ordering::Equal);
    }

    #[test]
    fn a_table_parses() {
        let t = parse(
            r#"{"release": "2.8.0", "artifacts": ["org.apache.kafka:kafka-clients:2.8.0"], "api_versions": true,
                "apis": [{"key": 0, "name": "PRODUCE", "defined": {"min": 0, "max": 9}, "unstable_from": null,
                          "listeners": ["zkBroker", "broker"],
                          "advertised": {"zk": {"min": 0, "max": 9}, "kraft": {"min": 0, "max": 9}}},
                         {"key": 4, "name": "LEADER_AND_ISR", "defined": {"min": 0, "max": 5}, "unstable_from": null,
                          "listeners": ["zkBroker"], "advertised": {"zk": {"min": 0, "max": 5}}}]}"#,
        )
        .unwrap();
        assert_eq!(t.modes, ["kraft", "zk"]);
        assert_eq!(t.advertised(0, "kraft"), Some((0, 9)));
        assert_eq!(t.advertised(4, "kraft"), None);
        assert_eq!(t.defined(4), Some((0, 5)));
        assert!(parse(r#"{"release": "x", "artifacts": [], "api_versions": true, "apis": [{"key": 1, "defined": {"min": 3, "max": 2}}]}"#).is_err());
    }
}
