#!/usr/bin/env python3
"""Fails when modules of one crate use each other in a cycle.

For every crate under the workspace, each `.rs` file is a module. An edge
A -> B is a `crate::b...` or `super::b...` path in A naming a sibling module
(a file or folder module at B's level). The check reports every cycle among
siblings, at every level of the tree: the crate root's children, and the
children of each folder module.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")


def module_path(src: pathlib.Path, file: pathlib.Path):
    rel = file.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def crate_edges(src: pathlib.Path):
    modules = {}
    for file in src.rglob("*.rs"):
        modules[tuple(module_path(src, file))] = file
    edges = {}
    for mod, file in modules.items():
        text = strip_comments(file.read_text())
        is_dir_mod = file.stem in ("mod", "lib", "main")
        for m in PATH.finditer(text):
            segs = m.group(2).split("::")[1:]
            if m.group(1) == "crate":
                target = segs
            else:
                base = list(mod) if is_dir_mod else list(mod[:-1])
                n = 1
                while segs and segs[0] == "super":
                    segs = segs[1:]
                    n += 1
                base = base[: len(base) - (n - 1)] if n > 1 else base
                if is_dir_mod:
                    base = base[:-1] if m.group(1) == "super" else base
                target = base + segs
            # longest prefix that is a module
            while target and tuple(target) not in modules:
                target = target[:-1]
            target = tuple(target)
            if not target or target == mod:
                continue
            # reduce to siblings: common parent, one level below it
            common = 0
            while common < min(len(mod), len(target)) and mod[common] == target[common]:
                common += 1
            if common == len(mod) or common == len(target):
                continue  # ancestor/descendant: a parent using its child is fine
            a = mod[: common + 1]
            b = target[: common + 1]
            edges.setdefault(a, set()).add(b)
    return edges


def cycles(edges):
    found = []
    index, low, stack, on = {}, {}, [], set()
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def main():
    failures = 0
    for manifest in sorted(ROOT.glob("**/Cargo.toml")):
        if "target" in manifest.parts or manifest.parent == ROOT:
            continue
        src = manifest.parent / "src"
        if not src.is_dir():
            continue
        for comp in cycles(crate_edges(src)):
            failures += 1
            names = ", ".join("::".join(c) for c in comp)
            print(f"{src.relative_to(ROOT)}: module cycle among {names}")
    if failures:
        sys.exit(1)
    print("module cycles: none")


if __name__ == "__main__":
    main()
