#!/usr/bin/env bash
# Builds java-tester/ (Kafka's own Java classes as the cross-check oracle)
# against the pinned Kafka release and prints the classpath to run it with:
#   java -cp "$(scripts/java-tester.sh)" io.kafkawire.tester.JavaTester
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
version=$(tr -d '[:space:]' < "$repo_root/kafka-version")
out="$repo_root/.cache/java-tester/$version"
"$repo_root/scripts/ensure-tools.sh"
mkdir -p "$out"
mvn -q -B --strict-checksums -f "$repo_root/java-tester/pom.xml" -Dkafka.version="$version" \
    package dependency:copy-dependencies \
    -DoutputDirectory="$out/deps" -DincludeScope=runtime >&2
echo "$repo_root/java-tester/target/java-tester-0.jar:$out/deps/*"
