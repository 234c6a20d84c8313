# Sourced by the fetch scripts: fetch_kafka_jar ARTIFACT VERSION DIR copies
# org.apache.kafka:ARTIFACT:VERSION from Maven Central into DIR and checks it.
#
# --strict-checksums makes Maven fail (not warn) when the artifact does not
# match the checksum Maven Central publishes beside it; then the jar is
# checked once more against the .sha1 Maven stored in the local repository.
fetch_kafka_jar() {
    local artifact=$1 version=$2 dir=$3
    local jar="$dir/$artifact-$version.jar"
    mvn --batch-mode --quiet --strict-checksums dependency:copy \
        -Dartifact="org.apache.kafka:$artifact:$version" -DoutputDirectory="$dir" >&2
    local sha1="${MAVEN_REPO:-$HOME/.m2/repository}/org/apache/kafka/$artifact/$version/$artifact-$version.jar.sha1"
    if [[ -f "$sha1" ]]; then
        local expected actual
        expected=$(cut -c1-40 < "$sha1")
        actual=$(sha1sum "$jar" | cut -c1-40)
        if [[ "$expected" != "$actual" ]]; then
            echo "checksum mismatch for $(basename "$jar"): expected $expected, got $actual" >&2
            exit 1
        fi
    fi
}
