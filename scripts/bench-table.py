#!/usr/bin/env python3
"""Prints the benchmark table of BENCHMARKS.md from criterion's results.

For every benchmark group under target/criterion: each function's median
(criterion's `estimates.json`); for kafka-wire's rows the ratio to the
fastest other crate in the same group, the same direction (decode, encode,
or the whole roundtrip) and the same form (owned types, or borrowed ones:
a row whose name says "borrowed"), and, for its owned decodes, the ratio to
the fastest borrowed decode of another crate; and for every row its median
as a multiple of the group's limit row (a memcpy of the bytes). Ratios above
1 mean kafka-wire is faster.
"""
import json
import pathlib
import sys

CRATES = [
    "kafka-wire",
    "kafka-protocol",
    "kafka_wire_protocol",
    "tansu-sans-io",
    "kacrab-protocol",
    "krabka-protocol",
]


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


def form(operation):
    return "borrowed" if "borrowed" in operation else "owned"


def read_group(group):
    rows, group_name = [], group.name
    for fn_dir in sorted(p for p in group.iterdir() if p.is_dir() and p.name != "report"):
        estimates = fn_dir / "new" / "estimates.json"
        bench = fn_dir / "new" / "benchmark.json"
        if not estimates.exists() or not bench.exists():
            continue
        ids = json.loads(bench.read_text())
        name, group_name = ids["function_id"], ids["group_id"]
        rows.append((name, json.loads(estimates.read_text())["median"]["point_estimate"]))
    return group_name, rows


def fastest_other(rows, operation, wanted_form):
    others = [
        m
        for n, m in rows
        if split(n)[0] not in (None, "kafka-wire")
        and direction(split(n)[1]) == direction(operation)
        and form(split(n)[1]) == wanted_form
        and "clone only" not in n
    ]
    return min(others) if others else None


def main(root):
    print("| workload | function | median | kafka-wire vs fastest other | vs fastest borrowed | x limit |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for group in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report"):
        group_name, rows = read_group(group)
        limits = [m for n, m in rows if n.startswith("memcpy")]
        for name, median in rows:
            crate, operation = split(name)
            ratio = borrowed = ""
            if crate == "kafka-wire" and "(v11)" not in operation:
                other = fastest_other(rows, operation, form(operation))
                ratio = f"{other / median:.2f}x" if other else ""
                if form(operation) == "owned" and direction(operation) != "encode":
                    other = fastest_other(rows, operation, "borrowed")
                    borrowed = f"{other / median:.2f}x" if other else ""
            limit = ""
            if limits and not name.startswith("memcpy"):
                times = median / limits[0]
                limit = f"{times:.2f}" if times < 1 else f"{times:.1f}"
            print(f"| {group_name} | {name} | {fmt(median)} | {ratio} | {borrowed} | {limit} |")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion"))
