#!/usr/bin/env bash
# The demo: starts a Kafka broker on 127.0.0.1 (from Maven Central jars),
# runs crates/integration/examples/demo.rs against it (create a topic,
# produce records, fetch them back), and stops the broker.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
scripts/ensure-tools.sh

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-demo.XXXXXX")
trap 'scripts/broker.sh stop "$run_dir"; rm -rf "$run_dir"' EXIT

cargo build --quiet -p kafka-wire-integration --example demo
scripts/broker.sh start "$run_dir"
# shellcheck disable=SC1091
source "$run_dir/broker.env"
cargo run --quiet -p kafka-wire-integration --example demo -- "$KAFKA_WIRE_BROKER"
