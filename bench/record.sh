#!/usr/bin/env bash
# Records the benchmark input: ~1M cpu-clock samples with frame-pointer callchains (~80 MB),
# two busy dd processes sampled every 20 µs. Reused when present.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data
out=data/big.data
[ -s "$out" ] && exit 0
perf record -q -e cpu-clock -c 20000 -g -o "$out" -- sh -c \
  "dd if=/dev/zero of=/dev/null bs=512 count=6000000 & dd if=/dev/zero of=/dev/null bs=512 count=6000000; wait" \
  >/dev/null 2>&1
ls -l "$out"
