#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script).
#
#   KAFKA_WIRE_PROPTEST_CASES=N   property-test cases per property (default 32;
#                                 each case covers every message x version)
#   KAFKA_WIRE_FUZZ_RUNS=N        executions per fuzz target (default 20000)
#   KAFKA_WIRE_JAVA_CASES=N       random cases per message x version in the
#                                 Java cross-check (default 3)
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

# The suite builds the workspace in several feature sets, the fuzz targets
# and the examples. Without incremental caches and with line tables as the
# only debug information, that takes a few GiB of disk instead of 15, and
# CI machines may have little more than that free. Panics keep file and line.
export CARGO_INCREMENTAL=0
export CARGO_PROFILE_DEV_DEBUG=line-tables-only
report_disk() {
    echo "disk: $(du -sh target 2>/dev/null | cut -f1) in target, $(du -sh fuzz/target 2>/dev/null | cut -f1) in fuzz/target, $(df -h . | awk 'NR==2 {print $4}') free"
}
report_disk
trap report_disk EXIT

scripts/ensure-tools.sh

echo "== generated code matches the specs of Kafka $(cat kafka-version) and $(cat kafka-legacy-version)"
scripts/regenerate.sh --check

echo "== formatting"
cargo fmt --all -- --check

echo "== the library builds, warning-free, with each direction feature alone"
for features in "" client broker encode-requests decode-requests encode-responses decode-responses; do
    output=$(cargo check --quiet --message-format short -p kafka-wire --no-default-features --features "$features" 2>&1) || {
        echo "$output"
        exit 1
    }
    if [[ -n $output ]]; then
        echo "features \"$features\": $output"
        exit 1
    fi
done

echo "== clippy, generated code included"
cargo clippy --quiet --workspace --all-targets --features kafka-wire-integration/external,kafka-wire-cli/external -- -D warnings

echo "== docs build without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p kafka-wire-core -p kafka-wire -p kafka-wire-cli --all-features

echo "== rust-version is true"
python3 scripts/check-rust-version.py

echo "== the crates package"
cargo package --quiet -p kafka-wire-core -p kafka-wire

echo "== unit, vector, property and generator tests"
# Without the integration crate's "external" feature: these need nothing
# but Rust, as a plain `cargo test` does.
cargo test --workspace --all-targets
cargo test --workspace --doc

report_disk
echo "== fuzz smoke (KAFKA_WIRE_FUZZ_RUNS=${KAFKA_WIRE_FUZZ_RUNS:-20000} executions per target)"
scripts/fuzz.sh smoke

report_disk
echo "== examples"
for example in crates/wire/examples/*.rs; do
    cargo run --quiet -p kafka-wire --example "$(basename "$example" .rs)" >/dev/null
done
echo "examples: all ran"

report_disk
echo "== byte-exact against Kafka's Java classes (KAFKA_WIRE_JAVA_CASES=${KAFKA_WIRE_JAVA_CASES:-3} random cases per message x version)"
# One tester per Kafka release the messages come from: each version is
# checked against the classes of every release that defines it.
KAFKA_WIRE_JAVA_TESTER_CP=$(scripts/java-tester.sh)
export KAFKA_WIRE_JAVA_TESTER_CP
legacy=$(tr -d '[:space:]' < kafka-legacy-version)
export "KAFKA_WIRE_JAVA_TESTER_CP_${legacy//./_}=$(scripts/java-tester.sh "$legacy")"
cargo test -p kafka-wire-integration --features external --test java_crosscheck --test java_records --test java_parse_diff -- --nocapture

report_disk
echo "== against a real Kafka broker"
cargo build --quiet -p kafka-wire-integration --features external --tests --examples
cargo build --quiet -p kafka-wire-cli --features external --tests
broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-test-broker.XXXXXX")
legacy_broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-test-legacy-broker.XXXXXX")
stop_brokers() {
    local status=$?
    for dir in "$broker_dir" "$legacy_broker_dir"; do
        if [[ $status -ne 0 && -f "$dir/broker.env" ]]; then
            echo "== broker logs of $dir (the run failed)"
            scripts/broker.sh logs "$dir" || true
        fi
        scripts/broker.sh stop "$dir" || true
        rm -rf "$dir"
    done
    report_disk
    exit $status
}
trap stop_brokers EXIT
scripts/broker.sh start "$broker_dir"
set -a
# shellcheck disable=SC1091
source "$broker_dir/broker.env"
set +a
cargo test -p kafka-wire-integration --features external --test broker --test async_broker --test stored_broker --test proxy --test async_proxy -- --nocapture
echo "== the kafka-wire command on the broker's traffic (captured with tcpdump) and files"
cargo test -p kafka-wire-cli --features external --test capture -- --nocapture
echo "== the demo"
cargo run --quiet -p kafka-wire-integration --example demo -- "$KAFKA_WIRE_BROKER"
echo "== the async example"
cargo run --quiet -p kafka-wire-integration --example async_client -- "$KAFKA_WIRE_BROKER"

echo "== against a real Kafka $legacy broker: the versions Kafka 4.0 removed"
KAFKA_WIRE_BROKER_VERSION=$legacy scripts/broker.sh start "$legacy_broker_dir"
# The same variables as the 4.4.0 broker's, renamed for the legacy suites.
# shellcheck disable=SC1091
KAFKA_WIRE_LEGACY_BROKER=$(source "$legacy_broker_dir/broker.env" && echo "$KAFKA_WIRE_BROKER")
KAFKA_WIRE_LEGACY_BROKER_PROXIED=$(source "$legacy_broker_dir/broker.env" && echo "$KAFKA_WIRE_BROKER_PROXIED")
KAFKA_WIRE_LEGACY_PROXY=$(source "$legacy_broker_dir/broker.env" && echo "$KAFKA_WIRE_PROXY")
export KAFKA_WIRE_LEGACY_BROKER KAFKA_WIRE_LEGACY_BROKER_PROXIED KAFKA_WIRE_LEGACY_PROXY
cargo test -p kafka-wire-integration --features external --test legacy_broker --test legacy_proxy -- --nocapture
