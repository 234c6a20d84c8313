#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script), or
# some of its stages:
#
#   scripts/test.sh [STAGE]...    default: all
#
#   fast     generated code current, formatting, clippy, docs, the crates
#            package, the unit, vector, property and generator tests, the
#            examples: what needs nothing but Rust (and the specs' cache)
#            (and python3, for the conformance kit's second reader)
#   fuzz     a smoke run of every fuzz target
#   java     byte-exact against Kafka's Java classes, and the parser
#            differential (a JDK and Maven)
#   broker   against a real Kafka broker of ./kafka-version: the broker
#            suites, real clients through the proxy, the kafka-wire command
#            on captured traffic and the broker's files, the demo
#   legacy   against a real broker of ./kafka-legacy-version: the versions
#            Kafka 4.0 removed
#   fake     real clients against the fake broker (kafka-wire-fake): Kafka's
#            Java client of each persona's release (scripts/fetch-clients.sh
#            fetches them) and kcat, as Kafka 0.10.2, 2.8.0, 3.9.1 and 4.4.0,
#            through the recording proxy, and on three brokers whose
#            partition leaders move
#   all      every stage above, in that order
#
# One broker test by name: scripts/with-broker.sh (see there).
#
#   KAFKA_WIRE_PROPTEST_CASES=N   property-test cases per property (default 32;
#                                 each case covers every message x version)
#   KAFKA_WIRE_FUZZ_RUNS=N        executions per fuzz target (default 20000)
#   KAFKA_WIRE_JAVA_CASES=N       random cases per message x version in the
#                                 Java cross-check (default 3)
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"

# A blessing run rewrites the codegen fixtures and passes whatever the
# generator wrote: never part of a test run.
if [[ -n "${KAFKA_WIRE_BLESS:-}" ]]; then
    echo "KAFKA_WIRE_BLESS is set: unset it (it is for rewriting fixtures by hand, not for a test run)" >&2
    exit 2
fi

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

# Every test target of crates/integration that needs the `external`
# feature is run by a stage of this script.
check_external_targets() {
    local target missing=0
    for target in $(grep -B1 '^required-features = \["external"\]' crates/integration/Cargo.toml | sed -n 's/^name = "\(.*\)"/\1/p'); do
        if ! grep -qE -- "--test $target( |$)" "${BASH_SOURCE[0]}"; then
            echo "crates/integration's external test $target is not run by ${BASH_SOURCE[0]}" >&2
            missing=1
        fi
    done
    return "$missing"
}

stage_fast() {
    report_disk
    echo "== every external test target is run by a stage"
    check_external_targets
    echo "== generated code matches the specs of Kafka $(cat kafka-version) and $(cat kafka-legacy-version)"
    scripts/regenerate.sh --check

    echo "== formatting"
    cargo fmt --all -- --check

    echo "== the library builds, warning-free, with each direction feature alone (and with tokio)"
    for features in "" client broker encode-requests decode-requests encode-responses decode-responses tokio "client,tokio" "broker,tokio"; do
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
    RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p kafka-wire-core -p kafka-wire -p kafka-wire-cli -p kafka-wire-fake --all-features

    echo "== the public API is the committed snapshot (crates/*/public-api.txt; scripts/public-api.py writes it)"
    python3 scripts/public-api.py --check

    echo "== the conformance kit, read without our code (conformance/check.py)"
    python3 conformance/check.py

    echo "== the Go module (go/): gofmt, go vet, and its tests, the conformance kit's vectors included"
    unformatted=$(gofmt -l go)
    if [[ -n $unformatted ]]; then
        echo "not formatted by gofmt: $unformatted" >&2
        exit 1
    fi
    # Vetted for a 32-bit platform too: an int constant past 2^31 does not
    # compile there.
    (cd go && GOTOOLCHAIN=local go vet ./... && GOARCH=386 GOTOOLCHAIN=local go vet ./... && GOTOOLCHAIN=local go test ./...)

    echo "== rust-version is true"
    python3 scripts/check-rust-version.py

    echo "== the crates package"
    # Cargo verifies each package against the others through a local
    # registry, and reuses a copy it extracted before when the version is
    # the same: drop ours, or a rerun verifies against stale sources.
    rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/kafka-wire-*-0.* "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/kafka-wire-0.*
    cargo package --quiet -p kafka-wire-core -p kafka-wire -p kafka-wire-fake -p kafka-wire-cli

    echo "== unit, vector, property and generator tests"
    # Without the integration crate's "external" feature: these need nothing
    # but Rust, as a plain `cargo test` does.
    cargo test --workspace --all-targets
    cargo test --workspace --doc

    echo "== examples"
    for example in crates/wire/examples/*.rs; do
        name=$(basename "$example" .rs)
        # async_client talks to a broker: it runs below, against the real one.
        [[ $name == async_client ]] && continue
        cargo run --quiet -p kafka-wire --example "$name" >/dev/null
    done
    echo "examples: all ran"
}

stage_fuzz() {
    report_disk
    echo "== fuzz smoke (KAFKA_WIRE_FUZZ_RUNS=${KAFKA_WIRE_FUZZ_RUNS:-20000} executions per target)"
    scripts/fuzz.sh smoke
}

stage_java() {
    report_disk
    echo "== byte-exact against Kafka's Java classes (KAFKA_WIRE_JAVA_CASES=${KAFKA_WIRE_JAVA_CASES:-3} random cases per message x version)"
    echo "   and the release tables against their releases' jars"
    # One tester per Kafka release the messages come from: each version is
    # checked against the classes of every release that defines it.
    KAFKA_WIRE_JAVA_TESTER_CP=$(scripts/java-tester.sh)
    export KAFKA_WIRE_JAVA_TESTER_CP
    legacy=$(tr -d '[:space:]' < kafka-legacy-version)
    # Assigned apart from the export, whose own status would hide a failed build.
    legacy_cp=$(scripts/java-tester.sh "$legacy")
    export "KAFKA_WIRE_JAVA_TESTER_CP_${legacy//./_}=$legacy_cp"
    cargo test -p kafka-wire-integration --features external --test java_crosscheck --test java_records --test java_parse_diff --test release_tables -- --nocapture
    echo "== the conformance kit's vectors against Kafka's Java classes"
    cargo test -p kafka-wire-cli --features external --test conformance -- --nocapture
}

stage_broker() {
    report_disk
    echo "== against a real Kafka broker"
    cargo build --quiet -p kafka-wire-integration --features external --tests --examples
    cargo build --quiet -p kafka-wire-cli --features external --tests
    cargo build --quiet -p kafka-wire --example async_client
    scripts/with-broker.sh "$0" broker-suites
}

# Run by stage_broker inside scripts/with-broker.sh.
stage_broker_suites() {
    cargo test -p kafka-wire-integration --features external --test broker --test async_broker --test stored_broker --test fake_dump_log --test proxy --test async_proxy -- --nocapture
    echo "== the kafka-wire command on the broker's traffic (captured with tcpdump) and files"
    cargo test -p kafka-wire-cli --features external --test capture -- --nocapture
    echo "== the async proxy under a short load (4 connections, 2 s a round)"
    cargo run --quiet -p kafka-wire-integration --example proxy_load -- "$KAFKA_WIRE_BROKER" 4 2 1
    echo "== the demo"
    cargo run --quiet -p kafka-wire-integration --example demo -- "$KAFKA_WIRE_BROKER"
    echo "== the async example"
    cargo run --quiet -p kafka-wire --example async_client -- "$KAFKA_WIRE_BROKER"
}

stage_legacy() {
    report_disk
    echo "== against a real Kafka $(cat kafka-legacy-version) broker: the versions Kafka 4.0 removed"
    cargo build --quiet -p kafka-wire-integration --features external --tests
    scripts/with-broker.sh --legacy cargo test -p kafka-wire-integration --features external --test legacy_broker --test legacy_proxy -- --nocapture
}

stage_fake() {
    report_disk
    echo "== real clients against the fake broker: Kafka's Java client of each persona's release, kcat"
    KAFKA_WIRE_CLIENTS=$(scripts/fetch-clients.sh)
    export KAFKA_WIRE_CLIENTS
    cargo test -p kafka-wire-integration --features external --test fake_clients -- --nocapture --test-threads=2
}

stages=("$@")
if [[ ${#stages[@]} -eq 0 ]]; then
    stages=(all)
fi
for stage in "${stages[@]}"; do
    case $stage in
        all) stage_fast; stage_fuzz; stage_java; stage_broker; stage_legacy; stage_fake ;;
        fast) stage_fast ;;
        fuzz) stage_fuzz ;;
        java) stage_java ;;
        broker) stage_broker ;;
        broker-suites) stage_broker_suites ;;
        legacy) stage_legacy ;;
        fake) stage_fake ;;
        *) echo "usage: scripts/test.sh [fast|fuzz|java|broker|legacy|fake|all]..." >&2; exit 2 ;;
    esac
done
echo "== all passed: ${stages[*]}"
