#!/usr/bin/env bash
# Fetch the jars of every Kafka release listed in ./kafka-releases (or of the
# releases named) from Maven Central, check them against the sha1 pinned
# there, and write what each release speaks to
# .cache/releases/<release>/apis.json (git-ignored) with tools/ReleaseApis.java.
#
#   scripts/fetch-releases.sh [RELEASE...]     default: every listed release
#   scripts/fetch-releases.sh --print RELEASE  run the tool afresh, JSON to stdout
#
# The release's own jars go to .cache/releases/<release>/, the jars they only
# need to load (scala-library, log4j, slf4j-api, ...) once to
# .cache/releases/deps/. Prints the cache root on success. Idempotent: a
# release whose cache is complete for its current line in kafka-releases and
# the current tools/ReleaseApis.java is left alone; a changed line refetches
# it, a changed tool only rewrites apis.json.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
list="$repo_root/kafka-releases"
root="$repo_root/.cache/releases"
deps="$root/deps"
tool="$repo_root/tools/ReleaseApis.java"
tool_sha1=$(sha1sum "$tool" | cut -c1-40)

# shellcheck source=scripts/kafka-jar.sh
source "$repo_root/scripts/kafka-jar.sh"

# check_sha1 JAR SHA1: fails unless the jar's sha1sum is the pinned one.
check_sha1() {
    local actual
    actual=$(sha1sum "$1" | cut -c1-40)
    if [[ "$actual" != "$2" ]]; then
        echo "$(basename "$1"): sha1 $actual, but kafka-releases pins $2" >&2
        exit 1
    fi
}

# fetch_jar GROUP:ARTIFACT:VERSION SHA1 DIR: copies the jar into DIR (the
# way fetch_kafka_jar does for org.apache.kafka) unless DIR already holds
# it with the pinned sha1, then checks the pin. Prints the jar's path.
fetch_jar() {
    local coords=$1 sha1=$2 dir=$3 group artifact version
    IFS=: read -r group artifact version <<< "$coords"
    local jar="$dir/$artifact-$version.jar"
    if [[ ! -f "$jar" || "$(sha1sum "$jar" | cut -c1-40)" != "$sha1" ]]; then
        rm -f "$jar"
        mkdir -p "$dir"
        if [[ "$group" == org.apache.kafka ]]; then
            fetch_kafka_jar "$artifact" "$version" "$dir"
        else
            mvn --batch-mode --quiet --strict-checksums dependency:copy \
                -Dartifact="$coords" -DoutputDirectory="$dir" >&2
        fi
    fi
    check_sha1 "$jar" "$sha1"
    echo "$jar"
}

# release_jars LINE: fetches and checks the jars of one line of
# kafka-releases; sets `classpath` (every jar, ':'-joined) and `own` (the
# release's own org.apache.kafka coordinates, which the tool is given).
release_jars() {
    local line=$1 release item coords sha1 jar dir
    read -r release _ <<< "$line"
    dir="$root/$release"
    mkdir -p "$dir"
    local jars=()
    own=()
    for item in ${line#"$release"}; do
        coords=${item%=*}
        sha1=${item##*=}
        if [[ "$coords" == org.apache.kafka:* ]]; then
            jar=$(fetch_jar "$coords" "$sha1" "$dir")
            own+=("$coords")
        else
            jar=$(fetch_jar "$coords" "$sha1" "$deps")
        fi
        jars+=("$jar")
    done
    classpath=$(IFS=:; echo "${jars[*]}")
}

# run_tool RELEASE: tools/ReleaseApis.java on the jars release_jars found,
# its JSON on standard output. Old releases log to stderr through log4j or
# slf4j when their classes load: only a failure shows it.
run_tool() {
    local release=$1 err
    err=$(mktemp)
    if ! java -cp "$classpath" "$tool" "$release" "${own[@]}" 2> "$err"; then
        cat "$err" >&2
        rm -f "$err"
        echo "tools/ReleaseApis.java failed for $release" >&2
        exit 1
    fi
    rm -f "$err"
}

# fetch_release LINE: one line of kafka-releases, into the cache.
fetch_release() {
    local line=$1 release
    read -r release _ <<< "$line"
    local dir="$root/$release"
    local marker="$line tool=$tool_sha1"
    if [[ -f "$dir/.complete" && "$(cat "$dir/.complete")" == "$marker" ]]; then
        return
    fi
    rm -f "$dir/.complete"
    release_jars "$line"
    run_tool "$release" > "$dir/apis.json.tmp"
    mv "$dir/apis.json.tmp" "$dir/apis.json"
    echo "$marker" > "$dir/.complete"
    echo "$release" >&2
}

lines=()
while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    lines+=("$line")
done < "$list"

# line_of RELEASE: its line of kafka-releases.
line_of() {
    local line
    for line in "${lines[@]}"; do
        if [[ "${line%% *}" == "$1" ]]; then
            echo "$line"
            return
        fi
    done
    echo "kafka-releases does not list $1" >&2
    exit 1
}

if [[ "${1:-}" == --print ]]; then
    # --print RELEASE: the tool run afresh on the release's jars (fetched
    # and checked, the cache left as it is), its JSON on standard output.
    [[ $# -eq 2 ]] || { echo "usage: scripts/fetch-releases.sh --print RELEASE" >&2; exit 2; }
    line=$(line_of "$2")
    release_jars "$line"
    run_tool "$2"
    exit 0
fi

if [[ $# -eq 0 ]]; then
    for line in "${lines[@]}"; do fetch_release "$line"; done
else
    for wanted in "$@"; do
        line=$(line_of "$wanted")
        fetch_release "$line"
    done
fi
echo "$root"
