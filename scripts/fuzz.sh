#!/usr/bin/env bash
# Fuzzes every target in fuzz/ for a bounded time each (FUZZ_SECONDS, 20 by
# default) and fails on the first crash (the crashing input is left in
# fuzz/artifacts/<target>/). New corpus entries go to fuzz/scratch/<target>/,
# never into the checked-in fuzz/corpus: merge useful ones by hand with
# `cargo fuzz cmin <target> fuzz/corpus/<target> fuzz/scratch/<target>`.
#
# cargo-fuzz needs nightly flags (-Zsanitizer); RUSTC_BOOTSTRAP=1 allows them
# on the stable toolchain.
#
# The build is the dev profile with coverage but no AddressSanitizer
# (`--dev -s none`, or FUZZ_FLAGS): the code under test is safe Rust, where
# what fuzzing finds is panics, overflows (debug assertions are on) and
# hangs; this build takes a third of a sanitized release one, which is what
# lets CI run it. `FUZZ_FLAGS="--release -s address"` for a deeper local run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-20}"
read -r -a flags <<<"${FUZZ_FLAGS:---dev -s none}"
export RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0
start=$SECONDS

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo fuzz build "${flags[@]}"
targets=$(cargo fuzz list)
echo "fuzz: built in $((SECONDS - start))s; ${seconds}s per target"

for target in $targets; do
    scratch="scratch/$target"
    mkdir -p "$scratch" "artifacts/$target"
    # The scratch dir first: libFuzzer writes what it finds to the first
    # corpus dir and only reads the others.
    cargo fuzz run "${flags[@]}" "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2>"$scratch.log" || {
        tail -n 40 "$scratch.log"
        echo "fuzz: $target crashed; the input is in fuzz/artifacts/$target/"
        exit 1
    }
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch.log" | grep -o '[0-9]*$' || true)
    echo "fuzz: $target: ${runs:-?} executions, no crash"
done
echo "fuzz: passed in $((SECONDS - start))s"
