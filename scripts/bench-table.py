#!/usr/bin/env python3
"""Prints the benchmark table of BENCHMARKS.md from criterion's results.

For every benchmark group under target/criterion: each function's median
(criterion's `estimates.json`), and for kafka-wire's rows the ratio to the
fastest other crate in the same group and the same direction (decode,
encode, or the whole roundtrip). Ratios above 1 mean kafka-wire is faster.
"""
import json
import pathlib
import sys

CRATES = ["kafka-wire", "kafka-protocol", "kafka_wire_protocol", "tansu-sans-io"]


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def split(function):
    """(crate, operation) of a function name such as 'kafka-protocol decode'."""
    for crate in sorted(CRATES, key=len, reverse=True):
        if function.startswith(crate):
            return crate, function[len(crate):].strip()
    return None, function


def direction(operation):
    for word in ("decode", "encode", "clone"):
        if word in operation:
            return word
    return "roundtrip"


def main(root):
    print("| workload | function | median | kafka-wire vs fastest other |")
    print("| --- | --- | ---: | ---: |")
    for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
        rows = []
        group_name = group.name
        for fn_dir in sorted(p for p in group.iterdir() if p.is_dir() and p.name != "report"):
            estimates = fn_dir / "new" / "estimates.json"
            bench = fn_dir / "new" / "benchmark.json"
            if not estimates.exists() or not bench.exists():
                continue
            ids = json.loads(bench.read_text())
            name, group_name = ids["function_id"], ids["group_id"]
            median = json.loads(estimates.read_text())["median"]["point_estimate"]
            rows.append((name, median))
        for name, median in rows:
            crate, operation = split(name)
            ratio = ""
            if crate == "kafka-wire" and "(v11)" not in operation:
                others = [
                    m
                    for n, m in rows
                    if split(n)[0] not in (None, "kafka-wire")
                    and direction(split(n)[1]) == direction(operation)
                    and "clone only" not in n
                ]
                if others:
                    ratio = f"{min(others) / median:.2f}x"
            print(f"| {group_name} | {name} | {fmt(median)} | {ratio} |")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion"))
