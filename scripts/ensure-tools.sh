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
