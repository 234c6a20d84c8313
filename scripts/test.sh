#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script).
#
#   KAFKA_WIRE_PROPTEST_CASES=N   property-test cases per property (default 32;
#                                 each case covers every message x version)
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

scripts/ensure-tools.sh

echo "== generated code matches Kafka $(cat kafka-version)'s specs"
scripts/regenerate.sh --check

echo "== formatting"
cargo fmt --all -- --check

echo "== unit, vector and property tests"
cargo test --workspace --all-targets
cargo test --workspace --doc

echo "== examples"
for example in crates/wire/examples/*.rs; do
    cargo run --quiet -p kafka-wire --example "$(basename "$example" .rs)" >/dev/null
done
echo "examples: all ran"
