//! The committed release tables against the releases' own jars: for a
//! release of each line across the range, `tools/ReleaseApis.java` is run
//! again on that release's jars (`scripts/fetch-releases.sh --print`, which
//! fetches and checks them), and every api's defined and advertised
//! versions must be what `ApiKey::defined_in` and `ApiKey::advertised_in`
//! say. The regeneration check covers every release; this reads the jars
//! afresh, so a table that drifted from its jar fails here by name.

use kafka_wire::json::serde_json::{self, Value};
use kafka_wire::{ApiKey, BrokerMode, KafkaRelease, VersionRange};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One release of each line: 0.10, 1.x, 2.x (ZooKeeper and early KRaft),
/// 3.x, 4.x (the patch release that brought JoinGroup v0-1 back).
const CHECKED: [KafkaRelease; 6] = [
    KafkaRelease::V0_9_0_1,
    KafkaRelease::V0_10_2_2,
    KafkaRelease::V1_1_1,
    KafkaRelease::V2_8_2,
    KafkaRelease::V3_7_2,
    KafkaRelease::V4_0_1,
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `tools/ReleaseApis.java` run afresh on the release's jars, which
/// scripts/fetch-releases.sh fetches and checks against kafka-releases.
fn read_from_jar(release: KafkaRelease) -> Value {
    let output =
        Command::new(repo().join("scripts/fetch-releases.sh")).args(["--print", release.version()]).output().unwrap();
    assert!(output.status.success(), "{release}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn range(value: &Value) -> VersionRange {
    match value {
        Value::Null => VersionRange::NONE,
        v => VersionRange::new(v["min"].as_i64().unwrap() as i16, v["max"].as_i64().unwrap() as i16),
    }
}

#[test]
fn the_tables_are_what_each_release_jar_declares() {
    for release in CHECKED {
        let table = read_from_jar(release);
        assert_eq!(table["release"], release.version());
        assert_eq!(table["api_versions"].as_bool(), Some(release.answers_api_versions()), "{release}");
        let apis = table["apis"].as_array().unwrap();
        let mut compared = 0;
        for &api in ApiKey::ALL {
            let entry = apis.iter().find(|a| a["key"].as_i64() == Some(api.key().into()));
            let defined = entry.map_or(VersionRange::NONE, |e| range(&e["defined"]));
            assert_eq!(api.defined_in(release), defined, "{release} {api}: defined");
            compared += 1;
            for (mode, name) in [(BrokerMode::ZooKeeper, "zk"), (BrokerMode::KRaft, "kraft")] {
                let Some(ours) = api.advertised_in(release, mode) else { continue };
                let theirs = entry.map_or(VersionRange::NONE, |e| range(&e["advertised"][name]));
                assert_eq!(ours, theirs, "{release} {api}: advertised in {mode:?} mode");
                compared += 1;
            }
        }
        assert!(compared >= ApiKey::ALL.len(), "{release}: {compared} ranges compared");
        println!("{release}: {} apis; {compared} ranges (defined, advertised by mode) agree with its jar", apis.len());
    }
}
