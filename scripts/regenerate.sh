#!/usr/bin/env bash
# Regenerates crates/core/src/messages from the pinned Kafka release's specs.
#   scripts/regenerate.sh           write the generated files
#   scripts/regenerate.sh --check   fail if the committed files differ
set -euo pipefail
repo_root=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo_root"
version=$(tr -d '[:space:]' < kafka-version)
cache=$(scripts/fetch-specs.sh "$version")
cargo run --quiet --release -p kafka-wire-codegen -- \
    --kafka-version "$version" \
    --specs "$cache/specs" \
    --errors "$cache/errors.json" \
    --out crates/core/src/messages "$@"
