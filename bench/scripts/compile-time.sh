#!/usr/bin/env bash
# Compile time of generated code: `cargo check` of eventbind's bindings for a
# JSON Schema (GitHub's webhook schemas by default) against typify's types for
# the same file.
#
# Both are generated into scratch crates (each with `[workspace]`, so not part
# of this workspace, and this workspace's Cargo.lock, so versions match and
# `--offline` works) sharing one target directory. Dependencies are built
# first (with an empty src/lib.rs, kept between invocations); then each run
# touches a crate's src/lib.rs and times `cargo check` of that crate alone,
# the two crates interleaved. CARGO_INCREMENTAL=0: every run checks the whole
# crate, as a first build or CI does.
#
# Usage: bash bench/scripts/compile-time.sh [SCHEMA]
# Environment: RUNS (default 3; one check takes 35-40 s on the 2-core machine),
# BEFORE (optional: a git revision of this repository; its generator's crate
# is checked too, interleaved with the others, as a third contender "before";
# BEFORE_TARGET: where that generator is built),
# SCRATCH (default: compile-time-bench in the target directory),
# CARGO_TARGET_DIR (where the two tools are built; default: the workspace's).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
schema=$(realpath "${1:-$repo/../shared/corpora/octokit-webhooks-schemas/schema.json}")
runs=${RUNS:-3}
scratch=${SCRATCH:-${CARGO_TARGET_DIR:-$repo/target}/compile-time-bench}
mkdir -p "$scratch"
scratch=$(realpath "$scratch")
export CARGO_INCREMENTAL=0
unset RUSTFLAGS

echo "schema:  $schema"
echo "scratch: $scratch"
cd "$repo"

tools="eventbind typify"
# 1. Generate.
rm -rf "$scratch/eventbind" "$scratch/typify" "$scratch/before"
if [[ -n ${BEFORE:-} ]]; then
    tools="eventbind typify before"
    rev=$(git rev-parse --short "$BEFORE")
    tree="$scratch/before-tree"
    rm -rf "$tree"
    git worktree add --force --detach "$tree" "$rev" >/dev/null 2>&1 || git -C "$tree" checkout -q --detach "$rev"
    echo "before:  $rev (generator built in $tree)"
    (cd "$tree" && CARGO_TARGET_DIR="${BEFORE_TARGET:-$scratch/before-target}" cargo run --quiet --release --locked -p eventbind -- \
        generate --spec "$schema" --out "$scratch/before" --runtime "path=$tree/runtime") >/dev/null 2>"$scratch/before-generate.log" || {
        cat "$scratch/before-generate.log" >&2
        exit 1
    }
    printf '\n[workspace]\n' >>"$scratch/before/Cargo.toml"
    cp "$tree/Cargo.lock" "$scratch/before/Cargo.lock"
fi
cargo run --quiet --release --locked -p eventbind -- \
    generate --spec "$schema" --out "$scratch/eventbind" --runtime "path=$repo/runtime" >/dev/null 2>"$scratch/generate.log" || {
    cat "$scratch/generate.log" >&2
    exit 1
}
echo "eventbind generate: $(grep -c '^warning' "$scratch/generate.log" || true) warnings (in $scratch/generate.log)"
mkdir -p "$scratch/typify/src"
cargo run --quiet --release --locked -p eventbind-bench --example typify-gen -- \
    "$schema" "$scratch/typify/src/lib.rs" >/dev/null

printf '\n[workspace]\n' >>"$scratch/eventbind/Cargo.toml"
cat >"$scratch/typify/Cargo.toml" <<'EOF'
[package]
name = "typify-bindings"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
chrono = { version = "0.4", default-features = false, features = ["std", "serde"] }
uuid = { version = "1", features = ["serde"] }
regress = "0.12"

[workspace]
EOF
cp "$repo/Cargo.lock" "$scratch/eventbind/Cargo.lock"
cp "$repo/Cargo.lock" "$scratch/typify/Cargo.lock"

export CARGO_TARGET_DIR="$scratch/target"
exec 4>&2 # the terminal's stderr, for failures inside timed (redirected) commands
check() {
    if ! (cd "$scratch/$1" && cargo check --offline --quiet --message-format short >"$scratch/$1.log" 2>&1); then
        echo "cargo check of the $1 crate failed (see $scratch/$1.log):" >&4
        tail -n 30 "$scratch/$1.log" >&4
        exit 1
    fi
}

# 2. Dependencies, with an empty crate (built once, kept in $scratch/target).
for tool in $tools; do
    mv "$scratch/$tool/src/lib.rs" "$scratch/$tool.lib.rs"
    : >"$scratch/$tool/src/lib.rs"
    check "$tool"
    mv "$scratch/$tool.lib.rs" "$scratch/$tool/src/lib.rs"
done

# 3. Timed runs, interleaved (the first tool alternates). Wall time and CPU
# time (user + sys of cargo and rustc): on a shared machine CPU time is the
# steadier of the two.
TIMEFORMAT='%R %U %S'
declare -A wall=() cpu=()
for ((run = 1; run <= runs; run++)); do
    # The first tool alternates: odd runs in order, even runs reversed.
    if ((run % 2)); then order="$tools"; else order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' '); fi
    for tool in $order; do
        touch "$scratch/$tool/src/lib.rs"
        { time check "$tool"; } 2>"$scratch/time.txt"
        read -r real user sys <"$scratch/time.txt"
        used=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
        wall[$tool]+="$real "
        cpu[$tool]+="$used "
        printf 'run %d %-9s wall %6.2f s   cpu %6.2f s\n' "$run" "$tool" "$real" "$used"
    done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
declare -A mw=() mc=()
echo
printf '%-10s %10s %10s %10s %10s\n' "" "wall (s)" "cpu (s)" "lines" "bytes"
for tool in $tools; do
    mw[$tool]=$(echo "${wall[$tool]}" | median)
    mc[$tool]=$(echo "${cpu[$tool]}" | median)
    printf '%-10s %10.2f %10.2f %10d %10d\n' "$tool" "${mw[$tool]}" "${mc[$tool]}" \
        "$(wc -l <"$scratch/$tool/src/lib.rs")" "$(wc -c <"$scratch/$tool/src/lib.rs")"
done
echo "ratio eventbind/typify: wall $(ratio "${mw[eventbind]}" "${mw[typify]}"), cpu $(ratio "${mc[eventbind]}" "${mc[typify]}") (goal <= 0.5); medians of $runs runs each"
if [[ -n ${BEFORE:-} ]]; then
    echo "ratio before/typify:    wall $(ratio "${mw[before]}" "${mw[typify]}"), cpu $(ratio "${mc[before]}" "${mc[typify]}") (before = $rev)"
fi
