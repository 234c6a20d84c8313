#!/usr/bin/env bash
# Fuzzing with libFuzzer (coverage instrumentation through stable rustc
# flags; no nightly toolchain or cargo-fuzz needed).
#
#   scripts/fuzz.sh smoke                 every target for KAFKA_WIRE_FUZZ_RUNS
#                                         executions (default 20000) from the
#                                         seed KAFKA_WIRE_FUZZ_SEED (default 1):
#                                         what CI runs
#   scripts/fuzz.sh run TARGET [RUNS]     a long campaign on one target
#                                         (default 10 million executions)
#   scripts/fuzz.sh list                  the targets
#
# Corpora live in fuzz/corpus/TARGET (git-ignored), seeded from the property
# generators; crashes are written to fuzz/artifacts/TARGET.
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root/fuzz"
targets=(request_frame response_body record_batches legacy_message_set json_message log_file fake_broker)

export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"

# An explicit --target keeps the instrumentation flags off build scripts.
host=$(rustc -vV | sed -n 's/^host: //p')
bin_dir="target/$host/release"

build() {
    local bins=()
    for t in "${targets[@]}"; do bins+=(--bin "$t"); done
    cargo build --quiet --release --target "$host" "${bins[@]}"
    # Seeds are made by an uninstrumented build of the seed generator, when
    # a target has no corpus yet (seeding again only rewrites the seeds).
    for t in "${targets[@]}"; do
        if [[ ! -d "corpus/$t" ]]; then
            RUSTFLAGS="" cargo run --quiet --release --target-dir target/seeds --bin make_seeds -- corpus
            break
        fi
    done
}

run_target() {
    local target=$1 runs=$2 status=0
    shift 2
    local log="artifacts/$target.log"
    mkdir -p "corpus/$target" "artifacts/$target"
    # -rss_limit_mb: the targets' own allocation check (fuzz/src/lib.rs)
    # allows at most each target's cap per input (1-5 MiB, FUZZING.md); the
    # process as a whole gets 512 MiB.
    "$bin_dir/$target" "corpus/$target" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=512 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 "$@" >"$log" 2>&1 || status=$?
    tail -n 25 "$log" | grep -E "stat::|Done|ERROR|panicked|SUMMARY" || true
    # Any non-zero exit fails: a finding, but also a missing binary, a bad
    # flag, a timeout or an out-of-memory kill.
    if ((status != 0)); then
        echo "fuzz target $target failed with exit status $status; the end of its log ($log):" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    if compgen -G "artifacts/$target/*" >/dev/null; then
        echo "fuzz target $target wrote failing inputs: $(ls "artifacts/$target")" >&2
        return 1
    fi
}

case "${1:-}" in
    smoke)
        build
        runs=${KAFKA_WIRE_FUZZ_RUNS:-20000}
        for t in "${targets[@]}"; do
            echo "-- $t ($runs runs)"
            # A fixed seed: the smoke (and the corpus the parser
            # differential reads after it) is the same on every run of the
            # same code. Long campaigns keep libFuzzer's own.
            run_target "$t" "$runs" -seed="${KAFKA_WIRE_FUZZ_SEED:-1}"
        done
        echo "fuzz smoke: ${#targets[@]} targets passed"
        ;;
    run)
        build
        run_target "${2:?usage: fuzz.sh run TARGET [RUNS]}" "${3:-10000000}"
        ;;
    list) printf '%s\n' "${targets[@]}" ;;
    *) echo "usage: fuzz.sh smoke | run TARGET [RUNS] | list" >&2; exit 2 ;;
esac
