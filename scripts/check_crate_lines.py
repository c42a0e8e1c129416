#!/usr/bin/env python3
"""Holds the crate lines to their users.

- A build script depends on `eventbind-codegen` alone: at most 50 crates in
  `cargo tree -e normal -p eventbind-codegen --prefix none | sort -u`.
- A generated crate links only what generated code calls: none of the
  receiving side's dependencies among its normal dependencies.
- The runtime does not depend on the generator, and the generator not on the
  runtime or the receiving crate.
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD_SCRIPT_BUDGET = 50
RECEIVING_ONLY = ("hmac", "sha2", "subtle", "base64", "tracing", "axum", "tokio", "aws-")


def tree(package):
    out = subprocess.run(
        ["cargo", "tree", "--locked", "-e", "normal", "-p", package, "--prefix", "none"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return sorted(set(line for line in out.splitlines() if line.strip()))


def main():
    failures = []
    codegen = tree("eventbind-codegen")
    print(f"eventbind-codegen: {len(codegen)} lines in its normal dependency tree (budget {BUILD_SCRIPT_BUDGET})")
    if len(codegen) > BUILD_SCRIPT_BUDGET:
        failures.append(f"eventbind-codegen pulls {len(codegen)} crates, over {BUILD_SCRIPT_BUDGET}")
    names = {line.split()[0] for line in codegen}
    for forbidden in ("eventbind-runtime", "eventbind-receive", "eventbind"):
        if forbidden in names:
            failures.append(f"eventbind-codegen depends on {forbidden}")
    runtime = {line.split()[0] for line in tree("eventbind-runtime")}
    for forbidden in ("eventbind-codegen", "eventbind-receive", *RECEIVING_ONLY):
        hits = [n for n in runtime if n == forbidden or (forbidden.endswith("-") and n.startswith(forbidden))]
        if hits:
            failures.append(f"eventbind-runtime depends on {', '.join(hits)}")
    for manifest in sorted((ROOT / "generated").glob("*/Cargo.toml")):
        package = next(
            line.split("=", 1)[1].strip().strip('"')
            for line in manifest.read_text().splitlines()
            if line.startswith("name")
        )
        deps = {line.split()[0] for line in tree(package)}
        bad = sorted(n for n in deps for f in RECEIVING_ONLY if n == f or (f.endswith("-") and n.startswith(f)))
        print(f"{package}: {len(deps)} crates, receiving-side: {bad or 'none'}")
        if bad:
            failures.append(f"{package} links {', '.join(bad)}")
    for failure in failures:
        print(f"crate lines: {failure}")
    if failures:
        sys.exit(1)
    print("crate lines: hold")


if __name__ == "__main__":
    main()
