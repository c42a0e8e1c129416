#!/usr/bin/env python3
"""Fails when a workspace crate's `rust-version` is below what it needs.

Reads `cargo metadata --format-version 1 --locked`. For each workspace crate,
walks the dependencies it compiles with (normal and build dependencies, not
dev ones) through the resolve graph, which holds only the dependencies that
the enabled features activate, and transitively through each of them (a
workspace dependency's own dependencies included). Every locked dependency
that declares a `rust_version` above the crate's own is a failure, named with
the path that pulls it in. A crate that declares no `rust-version` fails too.

Targets are not filtered: a dependency only some platform uses still bounds
the MSRV there. The features are the workspace's unified ones, so a crate's
closure may include what another member's features turn on (an overestimate,
never an underestimate, for a crate built in this workspace).

Prints, for each crate, its declared rust-version and the highest one in its
closure (the dependency that sets it), then each failure.

Usage: check_msrv.py [--manifest-path PATH]
"""
import json
import subprocess
import sys


def version(text):
    """`1.82` / `1.82.0` as a comparable tuple (missing parts are 0)."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def shown(v):
    return ".".join(map(str, v[:2])) if v[2] == 0 else ".".join(map(str, v))


def metadata(args):
    run = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", *args],
        stdout=subprocess.PIPE,
    )
    if run.returncode != 0:
        sys.exit("msrv: `cargo metadata --locked` failed (its error is above)")
    return json.loads(run.stdout)


def compile_deps(node):
    """The dependencies of a resolve node that are compiled with it."""
    for dep in node["deps"]:
        if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
            yield dep["pkg"]


def closure(root, nodes):
    """Every package `root` compiles with, each with the path that reaches it."""
    via = {root: [root]}
    todo = [root]
    while todo:
        current = todo.pop()
        for dep in compile_deps(nodes[current]):
            if dep not in via:
                via[dep] = via[current] + [dep]
                todo.append(dep)
    del via[root]
    return via


def main():
    meta = metadata(sys.argv[1:])
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    workspace = set(meta["workspace_members"])

    def label(pid):
        p = packages[pid]
        return f"{p['name']} {p['version']}"

    failures = []
    rows = []
    for member in sorted(meta["workspace_members"], key=lambda i: packages[i]["name"]):
        crate = packages[member]
        declared = crate.get("rust_version")
        reached = closure(member, nodes)
        # The highest rust_version in the closure, and a locked (not
        # workspace) package that declares it, where one does.
        needed, setter = (0, 0, 0), None
        for pid in sorted(reached, key=lambda i: (i in workspace, packages[i]["name"])):
            rv = packages[pid].get("rust_version")
            if rv and version(rv) > needed:
                needed, setter = version(rv), pid
        rows.append(
            (
                crate["name"],
                declared or "-",
                shown(needed) if setter else "-",
                label(setter) if setter else "",
            )
        )
        if declared is None:
            failures.append(f"{crate['name']}: declares no rust-version")
            continue
        for pid in sorted(reached, key=lambda i: (packages[i]["name"], i)):
            rv = packages[pid].get("rust_version")
            if rv and version(rv) > version(declared):
                path = " -> ".join(packages[i]["name"] for i in reached[pid])
                failures.append(
                    f"{crate['name']} declares rust-version {declared}, but "
                    f"{label(pid)} needs {rv} ({path})"
                )

    width = max(len(r[0]) for r in rows)
    print(f"{'crate':<{width}}  declared  needed  set by")
    for name, declared, needed, setter in rows:
        print(f"{name:<{width}}  {declared:<8}  {needed:<6}  {setter}")
    for failure in failures:
        print(f"msrv: {failure}")
    if failures:
        sys.exit(1)
    print("msrv: every crate's rust-version covers its dependencies")


if __name__ == "__main__":
    main()
