#!/usr/bin/env bash
# Records the dwarf-mode benchmark input: >=100k cpu-clock samples with --call-graph dwarf,4096
# (user registers + 4 KB of stack each, ~0.5 GB) of two busy dd processes sampled every 50 µs.
# Reused when present.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p data
out=data/dwarf.data
[ -s "$out" ] && exit 0
perf record -q -e cpu-clock -c 50000 -m 512 --call-graph dwarf,4096 -o "$out" -- sh -c \
  "dd if=/dev/zero of=/dev/null bs=512 count=6500000 & dd if=/dev/zero of=/dev/null bs=512 count=6500000; wait" \
  >/dev/null 2>&1
ls -l "$out"
