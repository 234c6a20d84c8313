#!/usr/bin/env bash
# Fetch Kafka's Java client of several releases, with its dependencies
# (the compression codecs, slf4j), from Maven Central into
# .cache/clients/<release>/libs (git-ignored), for the fake-broker tests
# (crates/integration/tests/fake_clients.rs) to run each persona's own
# client against it.
#
#   scripts/fetch-clients.sh [RELEASE...]   default: every release the tests use
#
# Maven checks each artifact against the checksum Maven Central publishes
# beside it (--strict-checksums), and the kafka-clients jar must also match
# the sha1 ./kafka-releases pins for its release. Prints the cache root
# (.cache/clients) on success. Idempotent: a release whose cache is complete
# for this script is left alone.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
root="$repo_root/.cache/clients"
# The personas the tests run, each with its own release's client (0.10.2's
# last patch release for 0.10.2).
default_releases=(0.10.2.2 2.8.0 3.9.1 4.4.0)
script_sha1=$(sha1sum "$0" | cut -c1-12)

# pinned_sha1 RELEASE: the sha1 kafka-releases pins for its kafka-clients jar.
pinned_sha1() {
    local line
    line=$(grep -E "^$1 " "$repo_root/kafka-releases" || true)
    [[ -n "$line" ]] || { echo "kafka-releases does not list $1" >&2; exit 1; }
    local item
    for item in $line; do
        if [[ "$item" == org.apache.kafka:kafka-clients:"$1"=* ]]; then
            echo "${item##*=}"
            return
        fi
    done
    echo "kafka-releases pins no kafka-clients jar for $1" >&2
    exit 1
}

fetch_release() {
    local release=$1 dir="$root/$1"
    local marker="$dir/.complete-$script_sha1"
    [[ -f "$marker" ]] && return
    local sha1
    sha1=$(pinned_sha1 "$release")
    rm -rf "$dir"
    mkdir -p "$dir"
    cat > "$dir/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/fetch-clients.sh: resolves kafka-clients $release and its runtime dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.github.kafka-wire</groupId>
  <artifactId>kafka-clients-runtime</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-clients</artifactId>
      <version>$release</version>
    </dependency>
    <!-- The clients' warnings, on stderr. Every client listed logs through slf4j-api 1.7. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
</project>
POM
    mvn -q -B -Dstyle.color=never --strict-checksums -f "$dir/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$dir/libs" >&2
    local jar="$dir/libs/kafka-clients-$release.jar" actual
    actual=$(sha1sum "$jar" | cut -c1-40)
    if [[ "$actual" != "$sha1" ]]; then
        echo "$(basename "$jar"): sha1 $actual, but kafka-releases pins $sha1" >&2
        exit 1
    fi
    touch "$marker"
    echo "kafka-clients $release: $(ls "$dir/libs" | tr '\n' ' ')" >&2
}

"$repo_root/scripts/ensure-tools.sh"
releases=("$@")
[[ ${#releases[@]} -gt 0 ]] || releases=("${default_releases[@]}")
for release in "${releases[@]}"; do
    fetch_release "$release"
done
echo "$root"
