#!/usr/bin/env bash
# Fetch the JSON schemas of what a Kafka cluster stores (its metadata log,
# coordinator topics, raft state and log files) from the server-side
# artifacts of a Kafka release on Maven Central, checksums verified, into
# .cache/kafka/<version>/stored-specs/<module>/ (git-ignored).
#
#   scripts/fetch-stored-specs.sh [VERSION]   default: ./kafka-version
#
# The modules are every artifact of the release that ships message specs
# besides kafka-clients (which scripts/fetch-specs.sh covers): found by
# listing the *.json files of each jar the broker runs with.
# Prints the cache directory on success. Idempotent.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-$(tr -d '[:space:]' < "$repo_root/kafka-version")}
out="$repo_root/.cache/kafka/$version/stored-specs"
modules=(
    kafka-metadata                # the KRaft metadata records (__cluster_metadata)
    kafka-raft                    # the raft quorum state file
    kafka-group-coordinator       # __consumer_offsets: offsets and every group type
    kafka-share-coordinator       # __share_group_state
    kafka-transaction-coordinator # __transaction_state
    kafka-storage                 # remote log metadata, producer snapshots
)

if [[ -f "$out/.complete" ]]; then
    echo "$out"
    exit 0
fi
jars="$repo_root/.cache/kafka/$version/stored-jars"
mkdir -p "$jars"
rm -rf "$out"
# shellcheck source=scripts/kafka-jar.sh
source "$repo_root/scripts/kafka-jar.sh"
for module in "${modules[@]}"; do
    fetch_kafka_jar "$module" "$version" "$jars"
    jar="$jars/$module-$version.jar"
    mkdir -p "$out/${module#kafka-}"
    (cd "$out/${module#kafka-}" && unzip -q -j "$jar" '*.json')
done
count=$(find "$out" -name '*.json' | wc -l)
if [[ "$count" -lt 50 ]]; then
    echo "the server artifacts of $version hold only $count specs; expected the full set" >&2
    exit 1
fi
touch "$out/.complete"
echo "$out"
