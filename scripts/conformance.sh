#!/usr/bin/env bash
# The conformance kit (conformance/, see its README):
#
#   scripts/conformance.sh           regenerate it from its seed, verify every
#                                    vector against Kafka's Java classes of the
#                                    release that defines its version (a JDK
#                                    and Maven), then replace conformance/'s
#                                    vector files with the new ones
#   scripts/conformance.sh --check   fail if conformance/ is not what the seed
#                                    generates, or if a reader fails: this
#                                    library's (kafka-wire check) and the
#                                    Python one (conformance/check.py); no Java
#
# A new kit that Kafka's classes disagree with is not written.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The kit's directories of vectors, each generated whole.
vector_dirs="messages headers frames types negative records stored"

cargo build --quiet -p kafka-wire-cli
kafka_wire=target/debug/kafka-wire
"$kafka_wire" gen --kit "$scratch"

if [[ "${1:-}" == --check ]]; then
    for file in FORMAT SEED $vector_dirs; do
        diff -rq "$scratch/$file" "conformance/$file" >/dev/null || {
            diff -r "$scratch/$file" "conformance/$file" | head -c 2000 >&2 || true
            echo >&2
            echo "conformance/$file is not what the seed generates: run scripts/conformance.sh" >&2
            exit 1
        }
    done
    "$kafka_wire" check conformance
    python3 conformance/check.py conformance
    echo "conformance kit: current, and both readers pass"
    exit 0
fi

KAFKA_WIRE_JAVA_TESTER_CP=$(scripts/java-tester.sh)
export KAFKA_WIRE_JAVA_TESTER_CP
legacy=$(tr -d '[:space:]' < kafka-legacy-version)
legacy_cp=$(scripts/java-tester.sh "$legacy")
export "KAFKA_WIRE_JAVA_TESTER_CP_${legacy//./_}=$legacy_cp"
echo "== the new kit against this library and Kafka's Java classes"
KAFKA_WIRE_KIT_DIR=$scratch cargo test --quiet -p kafka-wire-cli --features external --test conformance -- --nocapture

for dir in $vector_dirs; do
    rm -f conformance/$dir/*.jsonl
    mkdir -p conformance/$dir
    cp "$scratch"/$dir/*.jsonl conformance/$dir/
done
cp "$scratch/FORMAT" "$scratch/SEED" conformance/
echo "conformance/: written, $(cat conformance/*/*.jsonl | wc -l) vectors"
