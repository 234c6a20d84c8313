#!/usr/bin/env python3
"""Checks that the workspace's declared rust-version is true: at least the
rust-version every locked dependency of the published crates declares
(normal and build dependencies, every feature on; dev-dependencies do not
reach users).

    python3 scripts/check-rust-version.py

Exits 1, naming the dependencies, when one needs a newer Rust than we say.
"""
import json
import subprocess
import sys

PUBLISHED = {"kafka-wire", "kafka-wire-core", "kafka-wire-cli", "kafka-wire-fake"}


def version_tuple(text):
    """"1.89" and "1.89.0" are the same version."""
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    packages = {p["id"]: p for p in metadata["packages"]}
    nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}
    roots = [p["id"] for p in metadata["packages"] if p["name"] in PUBLISHED and p["source"] is None]
    declared = {packages[r]["rust_version"] for r in roots}
    if len(declared) != 1 or None in declared:
        sys.exit(f"the published crates must declare one rust-version, found {declared}")
    ours = declared.pop()

    reached, todo = set(), list(roots)
    while todo:
        node = nodes[todo.pop()]
        for dep in node["deps"]:
            kinds = {k["kind"] for k in dep["dep_kinds"]}
            if kinds <= {"dev"} or dep["pkg"] in reached:
                continue
            reached.add(dep["pkg"])
            todo.append(dep["pkg"])

    too_new = []
    for pkg_id in sorted(reached, key=lambda i: packages[i]["name"]):
        package = packages[pkg_id]
        needs = package.get("rust_version")
        if needs and version_tuple(needs) > version_tuple(ours):
            too_new.append(f"{package['name']} {package['version']} needs {needs}")
    if too_new:
        print(f"rust-version {ours} is too low:", *too_new, sep="\n  ")
        sys.exit(1)
    newest = max(
        (packages[i].get("rust_version") or "0" for i in reached), key=version_tuple, default="0"
    )
    print(f"rust-version {ours}: every one of {len(reached)} dependencies declares at most {newest}")


if __name__ == "__main__":
    main()
