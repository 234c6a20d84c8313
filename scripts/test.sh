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

scripts/ensure-tools.sh

echo "== generated code matches Kafka $(cat kafka-version)'s specs"
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
cargo clippy --quiet --workspace --all-targets --features kafka-wire-integration/external -- -D warnings

echo "== docs build without warnings"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p kafka-wire-core -p kafka-wire --all-features

echo "== rust-version is true"
python3 scripts/check-rust-version.py

echo "== the crates package"
cargo package --quiet -p kafka-wire-core -p kafka-wire

echo "== unit, vector, property and generator tests"
# Without the integration crate's "external" feature: these need nothing
# but Rust, as a plain `cargo test` does.
cargo test --workspace --all-targets
cargo test --workspace --doc

echo "== fuzz smoke (KAFKA_WIRE_FUZZ_RUNS=${KAFKA_WIRE_FUZZ_RUNS:-20000} executions per target)"
scripts/fuzz.sh smoke

echo "== examples"
for example in crates/wire/examples/*.rs; do
    cargo run --quiet -p kafka-wire --example "$(basename "$example" .rs)" >/dev/null
done
echo "examples: all ran"

echo "== byte-exact against Kafka's Java classes (KAFKA_WIRE_JAVA_CASES=${KAFKA_WIRE_JAVA_CASES:-3} random cases per message x version)"
# One tester per Kafka release the messages come from: each version is
# checked against the classes of every release that defines it.
KAFKA_WIRE_JAVA_TESTER_CP=$(scripts/java-tester.sh)
export KAFKA_WIRE_JAVA_TESTER_CP
legacy=$(tr -d '[:space:]' < kafka-legacy-version)
export "KAFKA_WIRE_JAVA_TESTER_CP_${legacy//./_}=$(scripts/java-tester.sh "$legacy")"
cargo test -p kafka-wire-integration --features external --test java_crosscheck --test java_records -- --nocapture

echo "== against a real Kafka broker"
cargo build --quiet -p kafka-wire-integration --features external --tests --examples
broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-test-broker.XXXXXX")
stop_broker() {
    local status=$?
    if [[ $status -ne 0 ]]; then
        echo "== broker logs (the run failed)"
        scripts/broker.sh logs "$broker_dir" || true
    fi
    scripts/broker.sh stop "$broker_dir" || true
    rm -rf "$broker_dir"
    exit $status
}
trap stop_broker EXIT
scripts/broker.sh start "$broker_dir"
set -a
# shellcheck disable=SC1091
source "$broker_dir/broker.env"
set +a
cargo test -p kafka-wire-integration --features external --test broker --test async_broker --test proxy --test async_proxy -- --nocapture
echo "== the demo"
cargo run --quiet -p kafka-wire-integration --example demo -- "$KAFKA_WIRE_BROKER"
echo "== the async example"
cargo run --quiet -p kafka-wire-integration --example async_client -- "$KAFKA_WIRE_BROKER"
