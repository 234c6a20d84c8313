#!/usr/bin/env bash
# Runs one command with a Kafka broker started for it, then stops the broker.
#
#   scripts/with-broker.sh CMD [ARGS...]            a broker of ./kafka-version
#   scripts/with-broker.sh --legacy CMD [ARGS...]   one of ./kafka-legacy-version
#
# The command sees the broker's addresses as scripts/broker.sh writes them
# to broker.env (KAFKA_WIRE_BROKER, KAFKA_WIRE_BROKER_SASL,
# KAFKA_WIRE_BROKER_PROXIED, KAFKA_WIRE_PROXY, KAFKA_WIRE_BROKER_LIBS, ...);
# with --legacy, also under the names the legacy suites read
# (KAFKA_WIRE_LEGACY_BROKER, KAFKA_WIRE_LEGACY_BROKER_PROXIED,
# KAFKA_WIRE_LEGACY_PROXY). One broker test, by name:
#
#   scripts/with-broker.sh cargo test -p kafka-wire-integration --features external \
#       --test broker many_requests_in_flight_on_one_connection
#
# The broker's log is printed when the command fails; its exit status is the
# command's.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)

legacy=false
if [[ ${1:-} == --legacy ]]; then
    legacy=true
    shift
fi
if [[ $# -eq 0 ]]; then
    echo "usage: scripts/with-broker.sh [--legacy] CMD [ARGS...]" >&2
    exit 2
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-broker.XXXXXX")
stop() {
    local status=$?
    if [[ $status -ne 0 && -f "$dir/broker.env" ]]; then
        echo "== broker log ($dir; the command failed)" >&2
        "$repo_root/scripts/broker.sh" logs "$dir" >&2 || true
    fi
    "$repo_root/scripts/broker.sh" stop "$dir" || true
    rm -rf "$dir"
    exit "$status"
}
trap stop EXIT

if $legacy; then
    KAFKA_WIRE_BROKER_VERSION=$(tr -d '[:space:]' < "$repo_root/kafka-legacy-version") \
        "$repo_root/scripts/broker.sh" start "$dir"
else
    "$repo_root/scripts/broker.sh" start "$dir"
fi
set -a
# shellcheck disable=SC1091
source "$dir/broker.env"
set +a
if $legacy; then
    export KAFKA_WIRE_LEGACY_BROKER=$KAFKA_WIRE_BROKER
    export KAFKA_WIRE_LEGACY_BROKER_PROXIED=$KAFKA_WIRE_BROKER_PROXIED
    export KAFKA_WIRE_LEGACY_PROXY=$KAFKA_WIRE_PROXY
fi
"$@"
