/**
 * perf's `.eh_frame_hdr` bias (unwind-libunwind-local.c): the lowest start of all the thread's
 * maps of a dso minus the ELF's first PT_LOAD page. A stale mapping of the same library left by
 * fork+exec shifts it, and both unwinders then find no FDE where perf finds none. (The perf
 * comparison itself is tests/dwarf-fork-exec.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { Dso, DwarfBinary, lowestStarts, MapEntry, NumberMaps, perfCfiBias } from "../src/index.ts";

const LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";

describe.skipIf(!existsSync(LIBC))("perfCfiBias", () => {
  const libc = new Dso(LIBC, "user");
  const bin = DwarfBinary.open(LIBC);
  // A child's own libc (first page and text) at 0x7f86..., and the parent's copy (kept through
  // exec) lower down.
  const head = new MapEntry(0x7f8616f31000n, 0x7f8616f57000n, 0n, libc, false);
  const own = new MapEntry(0x7f8616f57000n, 0x7f86170ad000n, 0x26000n, libc, false);
  const stale = new MapEntry(0x7f2f610a7000n, 0x7f2f611fd000n, 0x26000n, libc, false);
  const stack = new MapEntry(0x7ffc58353000n, 0x7ffc58374000n, 0x7ffc58353000n, new Dso("[stack]", "anon"), true);

  test("the dso's lowest start wins, minus the first PT_LOAD page", () => {
    expect(bin.elfBase).toBe(0n);
    const alone = lowestStarts([head, own, stack]);
    expect(perfCfiBias(alone, own, bin)).toBe(0x7f8616f31000n);
    // perf takes map starts, not start - pgoff: a text map alone is biased by its own start.
    expect(perfCfiBias(lowestStarts([own]), own, bin)).toBe(0x7f8616f57000n);
    const withStale = lowestStarts([stale, head, own, stack]);
    expect(perfCfiBias(withStale, own, bin)).toBe(0x7f2f610a7000n);
    expect(perfCfiBias(withStale, stack, null)).toBeNull();
  });

  test("NumberMaps gives the same bias as a Number, and the stale one hides libc's FDEs", () => {
    const maps = new NumberMaps([stale, head, own, stack], () => ({ ...own, binary: bin, map: own }));
    expect(maps.cfiBias(2)).toBe(0x7f2f610a7000);
    // libc's read (file offset 0xf82ad) has an FDE under its own bias, none under the stale one.
    const pc = 0x7f8616f31000 + 0xf82ad;
    expect(bin.findCfi(pc - (0x7f8616f57000 - 0x26000))).toBeTruthy();
    expect(bin.findCfi(pc - maps.cfiBias(2))).toBeFalsy();
  });

  test("argument checks", () => {
    expect(() => perfCfiBias(null as never, own, bin)).toThrow(TypeError);
    expect(() => perfCfiBias(new Map(), null as never, bin)).toThrow(TypeError);
    expect(() => lowestStarts(null as never)).toThrow(TypeError);
    const maps = new NumberMaps([own], () => ({ ...own, binary: bin, map: own }));
    expect(() => maps.cfiBias(5)).toThrow(TypeError);
  });
});
