#!/usr/bin/env python3
"""Fails when modules of one crate use each other in a cycle.

For every crate under the workspace, each `.rs` file is a module. An edge
A -> B is a `crate::b...` or `super::b...` path in A naming a sibling module
(a file or folder module at B's level), read in code (not in comments or
string literals), each path of a grouped `use crate::{a::X, b::{c, d}}`
counting. The check reports every cycle among siblings, at every level of the
tree: the crate root's children, and the children of each folder module.
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
    """The text with comments, string and character literals blanked out, so
    that only code is read (a `crate::` inside a string names nothing)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            out.append(" ")
        elif (m := RAW_STRING.match(text, i)) and (i == 0 or not IDENT_CHAR.match(text[i - 1])):
            end = text.find('"' + m.group(1), m.end())
            i = n if end < 0 else end + 1 + len(m.group(1))
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and (m := CHAR.match(text, i)):
            i = m.end()
            out.append("' '")
        else:
            out.append(c)
            i += 1
    return "".join(out)


RAW_STRING = re.compile(r'b?r(#*)"')
IDENT_CHAR = re.compile(r"[A-Za-z0-9_]")
# A character literal (not a lifetime): 'x', '\n', '\u{..}', b'x'.
CHAR = re.compile(r"'(?:\\u\{[0-9A-Fa-f]+\}|\\.|[^\\'\n])'")
START = re.compile(r"(?<![A-Za-z0-9_])(?:\$)?(crate|super)(?![A-Za-z0-9_])")
TOKEN = re.compile(r"\s*(::|\{|\}|,|\*|r#[A-Za-z_][A-Za-z0-9_]*|[A-Za-z_][A-Za-z0-9_]*)")


def use_paths(text: str, pos: int):
    """Every path of the use tree (or plain path) starting at `pos`, after its
    `crate`/`super` head: `crate::{a::{b, c}, d}` gives [a, b], [a, c], [d]."""

    def token(at):
        m = TOKEN.match(text, at)
        return (m.group(1), m.end()) if m else (None, at)

    def tree(at, prefix):
        # after a `::`: an ident path, a group, or a glob
        tok, after = token(at)
        if tok == "{":
            paths, at = [], after
            while True:
                tok, nxt = token(at)
                if tok == "}":
                    return paths, nxt
                if tok == ",":
                    at = nxt
                    continue
                if tok is None:
                    return paths, at
                if tok == "self":
                    paths.append(prefix)
                    at = nxt
                    continue
                sub, at = tree(at, prefix)
                paths += sub
        if tok is None or tok in ("*", "}", ","):
            return [prefix], after if tok == "*" else at
        prefix = prefix + [tok.removeprefix("r#")]
        tok, nxt = token(after)
        if tok == "::":
            return tree(nxt, prefix)
        return [prefix], after

    tok, after = token(pos)
    if tok != "::":
        return [[]]
    return tree(after, [])[0]


def crate_edges(src: pathlib.Path):
    modules = {}
    for file in src.rglob("*.rs"):
        modules[tuple(module_path(src, file))] = file
    edges = {}
    for mod, file in modules.items():
        text = strip_comments(file.read_text())
        for m in START.finditer(text):
            for segs in use_paths(text, m.end()):
                if m.group(1) == "crate":
                    target = list(segs)
                else:
                    # `super` (and each further leading `super`) goes one up
                    # from the module this file is.
                    ups = 1
                    while segs and segs[0] == "super":
                        segs = segs[1:]
                        ups += 1
                    base = list(mod)[: max(len(mod) - ups, 0)]
                    target = base + list(segs)
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
