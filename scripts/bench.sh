#!/usr/bin/env bash
# Reruns everything BENCHMARKS.md reports:
#
#   scripts/bench.sh            the criterion benches (W1-W6, every crate in
#                               one run) and the clean release build times
#   scripts/bench.sh benches    only the criterion benches
#   scripts/bench.sh builds     only the build times
#   scripts/bench.sh builds kafka-wire
#                               only the builds whose label contains the text
#   scripts/bench.sh proxy-load the async proxy under load: a broker of its
#                               own, 50 connections for 10 s direct, then
#                               through the proxy
#   scripts/bench.sh broker-load [ROUNDS]
#                               the fake broker against a real Kafka broker
#                               of ./kafka-version: the same client and
#                               produce/fetch workload, alternating, ROUNDS
#                               rounds each (default 5)
#
# Criterion writes its reports under target/criterion; the medians and
# ratios are printed as a table (target/bench-table.md) and the build times
# written to target/build-times.txt. Run it on an otherwise idle
# machine: the figures are medians, but a busy core still shifts them.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

run_benches() {
    # kacrab-protocol and krabka-protocol are features of the bench crate;
    # krabka-protocol declares a newer rust-version than it needs.
    cargo bench -p kafka-wire-bench --features kacrab,krabka --ignore-rust-version --bench messages --bench records
    python3 scripts/bench-table.py target/criterion | tee target/bench-table.md
}

# Each library alone, as a user's first `cargo build --release` compiles it:
# a fresh project depending on it, a fresh target directory, sources
# already downloaded (download time is not build time). The program is an
# empty main unless a third argument gives its source.
build_time() {
    local label=$1 dependency=$2 program=${3:-'fn main() {}'}
    [[ $label == *"$build_filter"* ]] || return 0
    local dir="$repo_root/target/build-times/${label//[^A-Za-z0-9_.-]/_}"
    rm -rf "$dir"
    mkdir -p "$dir/src"
    printf '[package]\nname = "build-time"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s\n\n[workspace]\n' \
        "$dependency" >"$dir/Cargo.toml"
    printf '%s\n' "$program" >"$dir/src/main.rs"
    (cd "$dir" && cargo fetch --quiet)
    local start end
    start=$(date +%s.%N)
    # --ignore-rust-version: krabka-protocol declares a newer one than it needs.
    (cd "$dir" && cargo build --quiet --release --ignore-rust-version)
    end=$(date +%s.%N)
    printf '%-40s %6.1f s\n' "$label" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" | tee -a "$repo_root/target/build-times.txt"
}

every_message_kafka_wire='
use kafka_wire::{ApiKey, RequestFrame, ResponseFrame};
fn main() {
    let frame = bytes::Bytes::from(std::env::args().nth(1).unwrap_or_default().into_bytes());
    if let Ok(request) = RequestFrame::decode(&frame) {
        println!("{:?}", request.to_bytes().map(|b| b.len()));
    }
    for &api in ApiKey::ALL {
        if let Ok(response) = ResponseFrame::decode(&frame, api, 0) {
            println!("{:?}", response.to_bytes(0).map(|b| b.len()));
        }
    }
}'

# A client's half: every request encoded, every response decoded.
client_every_message_kafka_wire='
use kafka_wire::{ApiKey, Request, RequestFrame, ResponseFrame};
fn main() {
    let frame = bytes::Bytes::from(std::env::args().nth(1).unwrap_or_default().into_bytes());
    for &api in ApiKey::ALL {
        println!("{:?}", RequestFrame::new(Request::default_for(api), 0, 1, None).to_bytes().map(|b| b.len()));
        println!("{:?}", ResponseFrame::decode(&frame, api, 0).is_ok());
    }
}'

every_message_kafka_protocol='
use kafka_protocol::messages::{ApiKey, RequestKind, ResponseKind};
fn main() {
    let frame = bytes::Bytes::from(std::env::args().nth(1).unwrap_or_default().into_bytes());
    for key in 0..i16::MAX {
        let Ok(api) = ApiKey::try_from(key) else { continue };
        if let Ok(request) = RequestKind::decode(api, &mut frame.clone(), 0) {
            let mut out = bytes::BytesMut::new();
            println!("{:?}", request.encode(&mut out, 0).map(|_| out.len()));
        }
        if let Ok(response) = ResponseKind::decode(api, &mut frame.clone(), 0) {
            let mut out = bytes::BytesMut::new();
            println!("{:?}", response.encode(&mut out, 0).map(|_| out.len()));
        }
    }
}'

run_builds() {
    build_filter=${1:-}
    mkdir -p "$repo_root/target"
    : >"$repo_root/target/build-times.txt"
    local wire="kafka-wire = { path = \"$repo_root/crates/wire\""
    local codecs='"gzip", "snappy", "lz4", "zstd"'
    build_time "kafka-wire (default: every message both ways, every codec)" "$wire }"
    build_time "kafka-wire (client: encode requests, decode responses)" \
        "$wire, default-features = false, features = [\"client\", $codecs] }"
    build_time "kafka-wire (broker: decode requests, encode responses)" \
        "$wire, default-features = false, features = [\"broker\", $codecs] }"
    build_time "kafka-wire (both ways, no compression codecs)" \
        "$wire, default-features = false, features = [\"client\", \"broker\"] }"
    build_time "kafka-protocol 0.18" 'kafka-protocol = "0.18"'
    # Both libraries leave their decoders and encoders to be compiled in the
    # crate that uses them (generic or #[inline]), so the empty program
    # above does not compile them. These programs use every request and
    # response both ways, through each crate's dispatch by api key.
    build_time "kafka-wire, a program using every message both ways" \
        "$wire }"$'\n''bytes = "1"' "$every_message_kafka_wire"
    build_time "kafka-wire (client features), a client program using every message" \
        "${wire}, default-features = false, features = [\"client\", $codecs] }"$'\n''bytes = "1"' \
        "$client_every_message_kafka_wire"
    build_time "kafka-wire (default features), the same client program" \
        "$wire }"$'\n''bytes = "1"' "$client_every_message_kafka_wire"
    build_time "kafka-protocol 0.18, a program using every message both ways" \
        'kafka-protocol = { version = "0.18", features = ["messages_enums"] }'$'\n''bytes = "1"' \
        "$every_message_kafka_protocol"
    build_time "kafka_wire_protocol 3.0" 'kafka_wire_protocol = "3.0.0"'
    build_time "tansu-sans-io 0.6" 'tansu-sans-io = "0.6.0"'
    build_time "kacrab-protocol 0.4 (every codec)" 'kacrab-protocol = { version = "0.4", features = ["compression"] }'
    build_time "krabka-protocol 0.8 (default features: every codec)" 'krabka-protocol = "0.8"'
}

run_proxy_load() {
    cargo build --quiet --release -p kafka-wire-integration --example proxy_load
    local broker_dir
    broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-bench-broker.XXXXXX")
    # shellcheck disable=SC2064
    trap "scripts/broker.sh stop '$broker_dir' >/dev/null 2>&1 || true; rm -rf '$broker_dir'" EXIT
    scripts/broker.sh start "$broker_dir"
    # shellcheck disable=SC1091
    source "$broker_dir/broker.env"
    target/release/examples/proxy_load "$KAFKA_WIRE_BROKER" "${1:-50}" "${2:-10}"
}

run_broker_load() {
    local rounds=${1:-5}
    cargo build --quiet --release -p kafka-wire-fake --example broker_load
    local broker_dir
    broker_dir=$(mktemp -d "${TMPDIR:-/tmp}/kafka-wire-bench-broker.XXXXXX")
    # shellcheck disable=SC2064
    trap "scripts/broker.sh stop '$broker_dir' >/dev/null 2>&1 || true; rm -rf '$broker_dir'" EXIT
    scripts/broker.sh start "$broker_dir"
    # shellcheck disable=SC1091
    source "$broker_dir/broker.env"
    # One unmeasured round each warms the JVM and the page cache.
    target/release/examples/broker_load "$KAFKA_WIRE_BROKER" 500 >/dev/null
    target/release/examples/broker_load fake 500 >/dev/null
    for round in $(seq "$rounds"); do
        echo "== round $round: Kafka $(cat kafka-version)"
        target/release/examples/broker_load "$KAFKA_WIRE_BROKER"
        echo "== round $round: the fake broker"
        target/release/examples/broker_load fake
    done
}

case "${1:-all}" in
    benches) run_benches ;;
    proxy-load) run_proxy_load "${2:-}" "${3:-}" ;;
    broker-load) run_broker_load "${2:-}" ;;
    builds) run_builds "${2:-}" ;;
    all)
        run_benches
        run_builds
        ;;
    *) echo "usage: bench.sh [benches|builds|proxy-load|broker-load]" >&2; exit 2 ;;
esac
