import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { perfFrames, perfkitFrames } from "./dwarf-oracle.ts";
import { FIXTURES, HAVE_PERF } from "./perf-oracle.ts";

const HAVE_GCC = Bun.spawnSync(["gcc", "--version"]).exitCode === 0;

function compare(path: string) {
  const mine = perfkitFrames(path);
  const theirs = perfFrames(path);
  expect(mine.samples.length).toBe(theirs.length);
  let frames = 0;
  for (let i = 0; i < theirs.length; i++) {
    expect({ sample: i, frames: mine.samples[i] }).toEqual({ sample: i, frames: theirs[i] });
    frames += theirs[i]!.length;
  }
  return { samples: theirs.length, frames, stops: mine.stops };
}

describe.skipIf(!HAVE_PERF)("user stacks unwound from --call-graph dwarf match perf script -F ip,sym,dso", () => {
  test("dwarf.data (dd, a system binary without debug info)", () => {
    const r = compare(join(FIXTURES, "dwarf.data"));
    expect(r.samples).toBeGreaterThan(50);
  });

  test("dwarf/inline.data (-O2 -fomit-frame-pointer -g, inlined functions)", () => {
    const r = compare(join(FIXTURES, "dwarf/inline.data"));
    expect(r.frames).toBeGreaterThan(r.samples * 3);
  });

  test.skipIf(!HAVE_GCC)("a recording made now with a small stack (dwarf,1024: truncated stacks)", () => {
    const dir = mkdtempSync(join(tmpdir(), "perfkit-dwarf-"));
    try {
      const b = Bun.spawnSync([
        "gcc",
        "-O2",
        "-fomit-frame-pointer",
        "-g",
        "-o",
        join(dir, "inline"),
        join(FIXTURES, "dwarf/inline.c"),
      ]);
      expect(b.exitCode).toBe(0);
      const data = join(dir, "t.data");
      const rec = Bun.spawnSync(
        [
          "perf",
          "record",
          "-q",
          "-e",
          "cpu-clock",
          "-F",
          "999",
          "--call-graph",
          "dwarf,1024",
          "-o",
          data,
          "--",
          join(dir, "inline"),
          "300",
        ],
        { stderr: "pipe" },
      );
      expect(rec.exitCode).toBe(0);
      const r = compare(data);
      expect(r.samples).toBeGreaterThan(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
