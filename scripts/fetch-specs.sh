#!/usr/bin/env bash
# Fetch Kafka's JSON message specs (and its error-code table) for the pinned
# Kafka release from Maven Central, verify the artifact checksum, and cache
# the result under .cache/kafka/<version>/ (git-ignored).
#
#   scripts/fetch-specs.sh [VERSION]     default: the version in ./kafka-version
#
# Prints the cache directory on success. Idempotent: a complete cache is reused.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-$(tr -d '[:space:]' < "$repo_root/kafka-version")}
cache="$repo_root/.cache/kafka/$version"
jar_name="kafka-clients-$version.jar"
slf4j_version=2.0.17

if [[ -f "$cache/.complete" ]]; then
    echo "$cache"
    exit 0
fi
mkdir -p "$cache"

# shellcheck source=scripts/kafka-jar.sh
source "$repo_root/scripts/kafka-jar.sh"
fetch_kafka_jar kafka-clients "$version" "$cache"
# Loading Kafka's Errors class needs the logging API it links against.
mvn --batch-mode --quiet --strict-checksums dependency:copy \
    -Dartifact="org.slf4j:slf4j-api:$slf4j_version" \
    -DoutputDirectory="$cache" >&2

rm -rf "$cache/specs"
mkdir -p "$cache/specs"
(cd "$cache/specs" && unzip -q -j "$cache/$jar_name" 'common/message/*.json')
count=$(ls "$cache/specs" | wc -l)
if [[ "$count" -lt 100 ]]; then
    echo "$jar_name holds only $count specs under common/message; expected the full set" >&2
    exit 1
fi

# Kafka's error codes live in Java (org.apache.kafka.common.protocol.Errors),
# not in the JSON specs: dump them from the same jar.
java -cp "$cache/$jar_name:$cache/slf4j-api-$slf4j_version.jar" "$repo_root/tools/DumpErrors.java" > "$cache/errors.json"

touch "$cache/.complete"
echo "$cache"
