#!/usr/bin/env bash
# Builds java-tester/ (Kafka's own Java classes as the cross-check oracle)
# against a Kafka release (default: the pinned one, ./kafka-version) and
# prints the classpath to run it with:
#   java -cp "$(scripts/java-tester.sh [VERSION])" io.kafkawire.tester.JavaTester
# Each release gets its own build under .cache/java-tester/VERSION.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-$(tr -d '[:space:]' < "$repo_root/kafka-version")}
pinned=$(tr -d '[:space:]' < "$repo_root/kafka-version")
out="$repo_root/.cache/java-tester/$version"
# The records ops use record classes only the pinned release has, and the
# stored schemas are the pinned release's.
excludes=none
stored=true
[[ "$version" == "$pinned" ]] || { excludes='**/RecordsOps.java'; stored=false; }
"$repo_root/scripts/ensure-tools.sh"
mkdir -p "$out"
mvn -q -B --strict-checksums -f "$repo_root/java-tester/pom.xml" -Dkafka.version="$version" \
    -Dtester.excludes="$excludes" -Dtester.stored="$stored" \
    clean package dependency:copy-dependencies \
    -DoutputDirectory="$out/deps" -DincludeScope=runtime >&2
cp "$repo_root/java-tester/target/java-tester-0.jar" "$out/java-tester.jar"
echo "$out/java-tester.jar:$out/deps/*"
