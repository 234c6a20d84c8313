#!/usr/bin/env bash
# The demo: runs crates/integration/examples/demo.rs (create a topic,
# produce records, fetch them back, delete the topic) against a broker,
# then stops the broker.
#
#   scripts/demo.sh           against `kafka-wire broker`, the fake broker
#                             kept in memory: nothing but Rust, in seconds
#   scripts/demo.sh --kafka   against a real Kafka broker on 127.0.0.1
#                             (from Maven Central jars: a JDK and Maven)
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

case "${1:-}" in
  --kafka)
    scripts/ensure-tools.sh

    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-demo.XXXXXX")
    trap 'scripts/broker.sh stop "$run_dir"; rm -rf "$run_dir"' EXIT

    cargo build --quiet -p kafka-wire-integration --example demo
    scripts/broker.sh start "$run_dir"
    # shellcheck disable=SC1091
    source "$run_dir/broker.env"
    cargo run --quiet -p kafka-wire-integration --example demo -- "$KAFKA_WIRE_BROKER"
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: scripts/demo.sh [--kafka]" >&2
    exit 2
    ;;
esac

cargo build --quiet -p kafka-wire-cli --bin kafka-wire -p kafka-wire-integration --example demo
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-demo.XXXXXX")
broker_pid=
stop() {
  if [[ -n "$broker_pid" ]]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$run_dir"
}
trap stop EXIT

mkfifo "$run_dir/out"
"$target_dir/debug/kafka-wire" broker --listen 127.0.0.1:0 >"$run_dir/out" &
broker_pid=$!
exec 3<"$run_dir/out"
if ! read -r -t 30 first <&3 || [[ "$first" != bootstrap\ * ]]; then
  echo "demo.sh: kafka-wire broker did not start" >&2
  exit 1
fi
bootstrap=${first#bootstrap }
# The broker's other lines, shown as they come.
cat <&3 &
echo "kafka-wire broker (in memory) at $bootstrap"
"$target_dir/debug/examples/demo" "${bootstrap%%,*}"
