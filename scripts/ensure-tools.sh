#!/usr/bin/env bash
# Makes sure the tools the build and tests need are on this machine,
# installing the missing ones from Debian's packages (as root, with apt).
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# librdkafka's command-line client, one of the real clients in the proxy test.
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
# Captures of the broker's traffic, for the kafka-wire command's tests.
command -v tcpdump >/dev/null 2>&1 || missing+=(tcpdump)

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]}" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    else
        echo "missing tools: ${missing[*]} (install them, or run as root on Debian)" >&2
        exit 1
    fi
fi

for tool in cargo rustfmt; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found: install the stable Rust toolchain with rustfmt" >&2
        exit 1
    fi
done

# Go, for the Go module in go/: at least the version its go.mod names (the
# one place the Go version is pinned). Not installed from apt: Debian's Go
# is usually older; https://go.dev/dl/ has the releases.
repo_root=$(cd "$(dirname "$0")/.." && pwd)
go_wanted=$(sed -n 's/^go \([0-9][0-9.]*\)$/\1/p' "$repo_root/go/go.mod")
if [[ -z $go_wanted ]]; then
    echo "go/go.mod has no go line" >&2
    exit 1
fi
if ! command -v go >/dev/null 2>&1; then
    echo "go not found: install Go $go_wanted or newer (https://go.dev/dl/), as go/go.mod asks" >&2
    exit 1
fi
go_found=$(GOTOOLCHAIN=local go env GOVERSION)
go_found=${go_found#go}
if [[ $(printf '%s\n%s\n' "$go_wanted" "$go_found" | sort -V | head -n 1) != "$go_wanted" ]]; then
    echo "go $go_found is older than the $go_wanted go/go.mod asks for: install Go $go_wanted or newer (https://go.dev/dl/)" >&2
    exit 1
fi
