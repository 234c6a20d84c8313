//! Combines spec sources (one directory of JSON specs per Kafka release).
//!
//! The first source is the pinned release and wins for every spec it has;
//! later sources only add specs the pinned release lacks. This is the seam
//! where versions that newer releases removed (Kafka 4.0 dropped many old
//! versions) are brought back in: a version-level merge of one message
//! across releases belongs here, not in the emitter.

use crate::spec::MessageSpec;
use std::collections::BTreeMap;

pub fn merge(sources: Vec<Vec<MessageSpec>>) -> Vec<MessageSpec> {
    let mut by_name: BTreeMap<String, MessageSpec> = BTreeMap::new();
    for source in sources {
        for spec in source {
            by_name.entry(spec.name.clone()).or_insert(spec);
        }
    }
    by_name.into_values().collect()
}
