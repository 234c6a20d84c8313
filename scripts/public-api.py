#!/usr/bin/env python3
"""The public API of kafka-wire-core and kafka-wire, one item per line.

    scripts/public-api.py           write crates/*/public-api.txt
    scripts/public-api.py --check   fail, with a diff, if they differ

Reads rustdoc's JSON output (built here with RUSTC_BOOTSTRAP=1, the one
unstable flag rustdoc needs for it) and lists every public path: modules,
types with their public fields and variants, functions and methods with
their signatures, constants, traits with their methods, re-exports, and the
traits each type implements. Items marked `#[doc(hidden)]` (public for the
generated code and the sibling crate only) are named, not described. The
generated messages (`messages::*`, pinned
by the regeneration check and the generator's fixtures) are listed by name
only. Review a change to the snapshot as an API change: a path that moved,
a signature that changed, an item that became public by accident.
"""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a derive adds besides the trait it names.
MARKERS = {"StructuralPartialEq"}
CRATES = {"kafka-wire-core": "crates/core", "kafka-wire": "crates/wire", "kafka-wire-fake": "crates/fake"}


def rustdoc_json(package):
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    env = dict(os.environ, RUSTC_BOOTSTRAP="1")
    subprocess.run(
        ["cargo", "rustdoc", "--quiet", "-p", package, "--all-features", "--lib", "--",
         "-Z", "unstable-options", "--output-format", "json", "--document-hidden-items"],
        cwd=ROOT, env=env, check=True)
    return json.loads((target / "doc" / (package.replace("-", "_") + ".json")).read_text())


class Api:
    def __init__(self, doc):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.root = doc["root"]
        self.lines = set()
        self.visited = set()

    def item(self, id):
        return self.index.get(str(id))

    # ---- types as Rust spells them ----

    def ty(self, t):
        if t is None:
            return "()"
        (kind, v), = t.items()
        if kind == "primitive":
            return v
        if kind == "generic":
            return v
        if kind == "resolved_path":
            return v["path"] + self.args(v.get("args"))
        if kind == "borrowed_ref":
            life = (v["lifetime"] + " ") if v.get("lifetime") else ""
            return "&" + life + ("mut " if v["is_mutable"] else "") + self.ty(v["type"])
        if kind == "raw_pointer":
            return ("*mut " if v["is_mutable"] else "*const ") + self.ty(v["type"])
        if kind == "slice":
            return "[" + self.ty(v) + "]"
        if kind == "array":
            return "[" + self.ty(v["type"]) + "; " + v["len"] + "]"
        if kind == "tuple":
            return "(" + ", ".join(self.ty(x) for x in v) + ")"
        if kind == "impl_trait":
            return "impl " + " + ".join(self.bound(b) for b in v)
        if kind == "dyn_trait":
            return "dyn " + " + ".join(self.poly(p) for p in v["traits"])
        if kind == "qualified_path":
            trait = self.path(v["trait"]) if v.get("trait") and v["trait"]["path"] else ""
            if not trait:
                return self.ty(v["self_type"]) + "::" + v["name"]
            return "<" + self.ty(v["self_type"]) + " as " + trait + ">::" + v["name"]
        if kind == "function_pointer":
            return "fn(" + ", ".join(self.ty(x) for _, x in v["sig"]["inputs"]) + ") -> " + self.ty(v["sig"]["output"])
        return kind

    def path(self, p):
        return p["path"] + self.args(p.get("args"))

    def poly(self, p):
        return self.path(p["trait"])

    def bound(self, b):
        if "trait_bound" in b:
            return self.poly(b["trait_bound"])
        if "outlives" in b:
            return b["outlives"]
        return "?"

    def args(self, a):
        if not a:
            return ""
        if "angle_bracketed" in a:
            parts = []
            for x in a["angle_bracketed"]["args"]:
                if "type" in x:
                    parts.append(self.ty(x["type"]))
                elif "lifetime" in x:
                    parts.append(x["lifetime"])
                elif "const" in x:
                    parts.append(x["const"].get("expr", "_"))
            for c in a["angle_bracketed"].get("constraints", []):
                binding = c.get("binding", {})
                if "equality" in binding and "type" in binding["equality"]:
                    parts.append(c["name"] + " = " + self.ty(binding["equality"]["type"]))
            return "<" + ", ".join(parts) + ">" if parts else ""
        if "parenthesized" in a:
            p = a["parenthesized"]
            return "(" + ", ".join(self.ty(x) for x in p["inputs"]) + ")" + (
                " -> " + self.ty(p["output"]) if p.get("output") else "")
        return ""

    def generics(self, g):
        params = []
        for p in g["params"]:
            kind = p["kind"]
            if "lifetime" in kind:
                params.append(p["name"])
            elif "type" in kind:
                if kind["type"].get("is_synthetic"):
                    continue
                bounds = kind["type"].get("bounds", [])
                params.append(p["name"] + (": " + " + ".join(self.bound(b) for b in bounds) if bounds else ""))
            elif "const" in kind:
                params.append("const " + p["name"] + ": " + self.ty(kind["const"]["type"]))
        return "<" + ", ".join(params) + ">" if params else ""

    def receiver(self, t):
        if t == {"generic": "Self"}:
            return "self"
        ref = t.get("borrowed_ref")
        if ref and ref["type"] == {"generic": "Self"}:
            return "&mut self" if ref["is_mutable"] else "&self"
        return "self: " + self.ty(t)

    def signature(self, name, f):
        sig, header = f["sig"], f["header"]
        inputs = []
        for arg, t in sig["inputs"]:
            inputs.append(self.receiver(t) if arg == "self" else arg + ": " + self.ty(t))
        prefix = ("const " if header["is_const"] else "") + ("async " if header["is_async"] else "") + (
            "unsafe " if header["is_unsafe"] else "")
        out = sig.get("output")
        return prefix + "fn " + name + self.generics(f["generics"]) + "(" + ", ".join(inputs) + ")" + (
            " -> " + self.ty(out) if out else "")

    # ---- the walk ----

    def emit(self, line):
        self.lines.add(line)

    def walk(self, module_id, prefix, names_only=False):
        for id in self.item(module_id)["inner"]["module"]["items"]:
            item = self.item(id)
            if item is None or item["visibility"] != "public":
                continue
            self.visit(item, prefix, names_only)

    def visit(self, item, prefix, names_only):
        (kind, inner), = item["inner"].items()
        name = item["name"]
        path = f"{prefix}::{name}" if name else prefix
        if "hidden" in json.dumps(item.get("attrs", [])):
            # Public for generated code and the sibling crate, not API: named
            # (so that a newly hidden item shows), not described.
            self.emit(f"hidden {kind} {path}")
            return
        if kind == "module":
            self.emit(f"pub mod {path}")
            self.walk(item["id"], path, names_only or path.endswith("::messages"))
        elif kind == "use":
            glob = "::*" if inner["is_glob"] else ""
            self.emit(f"pub use {prefix}::{inner['name'] if not glob else ''}{glob} = {inner['source']}".replace("::::", "::"))
            # A local item re-exported from a private module: list it where
            # users reach it. (Reachable twice, it is listed twice.)
            target = self.item(inner["id"]) if inner.get("id") is not None and not glob else None
            if target is not None and (inner["id"], prefix) not in self.visited:
                self.visited.add((inner["id"], prefix))
                self.visit(dict(target, name=inner["name"]), prefix, names_only)
        elif kind in ("struct", "enum", "union", "trait"):
            self.emit(f"pub {kind} {path}{self.generics(inner['generics'])}")
            if names_only:
                return
            if kind == "struct" and "plain" in inner["kind"]:
                for field in inner["kind"]["plain"]["fields"]:
                    f = self.item(field)
                    if f and f["visibility"] == "public":
                        self.emit(f"pub field {path}.{f['name']}: {self.ty(f['inner']['struct_field'])}")
            if kind == "enum":
                for variant in inner["variants"]:
                    self.emit(f"variant {path}::{self.item(variant)['name']}")
            if kind == "trait":
                for member in inner["items"]:
                    self.member(self.item(member), path)
            for impl_id in inner.get("impls", []):
                self.impl(self.item(impl_id)["inner"]["impl"], path + self.generics(inner["generics"]))
        elif kind == "function":
            self.emit(f"pub {self.signature(path, inner)}")
        elif kind == "constant":
            self.emit(f"pub const {path}: {self.ty(inner['type'])}")
        elif kind == "static":
            self.emit(f"pub static {path}: {self.ty(inner['type'])}")
        elif kind == "type_alias":
            self.emit(f"pub type {path}{self.generics(inner['generics'])} = {self.ty(inner['type'])}")
        elif kind in ("macro", "proc_macro"):
            self.emit(f"pub macro {path}")
        else:
            self.emit(f"pub {kind} {path}")

    def impl(self, impl, path):
        if impl["is_synthetic"] or impl["blanket_impl"] is not None:
            return
        if impl["trait"] is not None:
            if impl["trait"]["path"] in MARKERS:
                return
            negative = "!" if impl["is_negative"] else ""
            self.emit(f"impl {negative}{self.path(impl['trait'])} for {path}")
            return
        for member in impl["items"]:
            m = self.item(member)
            if m is not None and m["visibility"] == "public":
                self.member(m, path)

    def member(self, m, path):
        (kind, inner), = m["inner"].items()
        if kind == "function":
            self.emit(f"pub {self.signature(path + '::' + m['name'], inner)}")
        elif kind == "assoc_const":
            self.emit(f"pub const {path}::{m['name']}: {self.ty(inner['type'])}")
        elif kind == "assoc_type":
            self.emit(f"pub type {path}::{m['name']}")

    def lines_for(self, crate):
        self.walk(self.root, crate)
        return sorted(self.lines, key=sort_key)


def sort_key(line):
    """Each item's lines together: by the path it is about, then the line."""
    if line.startswith("impl "):
        about = line.rsplit(" for ", 1)[1]
        rank = 2
    else:
        words = line.split(" ")
        about = next((w for w in words if "::" in w), line)
        about = about.split("(")[0].split("<")[0].split(".")[0].rstrip(":")
        rank = 0 if line.startswith(("pub mod", "pub struct", "pub enum", "pub trait", "pub union")) else 1
    return (about.split("<")[0], rank, line)


def main():
    check = "--check" in sys.argv[1:]
    failed = False
    for package, directory in CRATES.items():
        api = Api(rustdoc_json(package)).lines_for(package.replace("-", "_"))
        text = "".join(line + "\n" for line in api)
        snapshot = ROOT / directory / "public-api.txt"
        if not check:
            snapshot.write_text(text)
            print(f"{snapshot.relative_to(ROOT)}: {len(api)} items")
            continue
        old = snapshot.read_text() if snapshot.exists() else ""
        if old != text:
            failed = True
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True),
                f"{directory}/public-api.txt (committed)", f"{directory}/public-api.txt (the code)"))
    if failed:
        print("\nthe public API changed: review the diff, then run scripts/public-api.py", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
