#!/usr/bin/env bash
# Regenerates crates/core/src/messages from the specs of the pinned Kafka
# release (./kafka-version) merged with those of the last 3.x release
# (./kafka-legacy-version), which still has the versions Kafka 4.0 removed,
# the pinned release's schemas of what Kafka stores (its metadata log,
# coordinator topics and files; the modules compile with feature `stored`),
# and every release's api table (./kafka-releases, read from each release's
# own jar by scripts/fetch-releases.sh: releases.rs); and the generated
# packages of the Go module in go/ (formatted by gofmt).
#   scripts/regenerate.sh           write the generated files
#   scripts/regenerate.sh --check   fail if the committed files differ
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
version=$(tr -d '[:space:]' < kafka-version)
legacy=$(tr -d '[:space:]' < kafka-legacy-version)
cache=$(scripts/fetch-specs.sh "$version")
legacy_cache=$(scripts/fetch-specs.sh "$legacy")
stored=$(scripts/fetch-stored-specs.sh "$version")
release_tables=$(scripts/fetch-releases.sh)
stored_args=()
for dir in "$stored"/*/; do
    stored_args+=(--stored "${dir%/}")
done
cargo run --quiet --release -p kafka-wire-codegen -- \
    --release "$version=$cache/specs" \
    --release "$legacy=$legacy_cache/specs" \
    "${stored_args[@]}" \
    --errors "$cache/errors.json" \
    --release-tables "$release_tables" \
    --out crates/core/src/messages \
    --go-out go "$@"
