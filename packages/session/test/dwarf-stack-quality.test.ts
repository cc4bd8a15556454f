import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openPerfData } from "@perfkit/format";
import {
  DwarfCache,
  MAX_DWARF_STACK,
  stackQuality,
  suggestStackSize,
  unwindRecording,
  unwindUser,
} from "../src/dwarf/index.ts";
import { FIXTURES } from "./perf-oracle.ts";

const INLINE = join(FIXTURES, "dwarf/inline.data");

describe("truncated user stacks", () => {
  test("cutting the saved stack yields a prefix of the frames and stop 'truncated', never invented frames", () => {
    const f = openPerfData(INLINE);
    const cache = new DwarfCache();
    let checked = 0;
    for (const u of unwindRecording(f, cache)) {
      if (u.user.frames.length < 4 || checked >= 20) continue;
      const stack = u.sample.stackUser!;
      const regs = u.sample.regsUser!;
      const modules = new Map(u.user.frames.map((fr) => [fr.module!.start, fr.module!]));
      const lookup = (a: bigint) => [...modules.values()].find((m) => a >= m.start && a < m.end);
      for (const cut of [8, 64, 256]) {
        const r = unwindUser({ regs, stack: { data: stack.data, dynSize: Math.min(cut, stack.dynSize) } }, lookup);
        expect(r.frames.length).toBeLessThan(u.user.frames.length);
        expect(r.frames.map((x) => x.ip)).toEqual(u.user.frames.slice(0, r.frames.length).map((x) => x.ip));
        expect(["truncated", "no-info", "end"]).toContain(r.stop);
      }
      checked++;
    }
    expect(checked).toBe(20);
    f.close();
    cache.close();
  });

  test("no registers or an empty dump gives no user frames (perf shows none)", () => {
    const r = unwindUser(
      { regs: { abi: 0, mask: 0n, values: [] }, stack: { data: new Uint8Array(0), dynSize: 0 } },
      () => undefined,
    );
    expect(r).toEqual({ frames: [], stop: "no-stack" });
    expect(() => unwindUser(null as never, () => undefined)).toThrow(TypeError);
    expect(() =>
      unwindUser(
        { regs: { abi: 2, mask: 0n, values: [] }, stack: { data: new Uint8Array(8), dynSize: 8 }, maxFrames: 0 },
        () => undefined,
      ),
    ).toThrow(TypeError);
  });
});

describe("stack-quality summary", () => {
  test("fixtures: every stack complete, dsos listed, no suggestion", () => {
    const q = stackQuality(openPerfData(INLINE));
    expect(q.samples).toBe(q.userStacks);
    expect(q.truncated).toBe(0);
    expect(q.suggestedStackSize).toBeNull();
    const exe = q.dsos.find((d) => d.dso.endsWith("/inline"))!;
    expect(exe.debugInfo).toBe(true);
    expect(exe.resolved).toBe(exe.frames);
    const dd = stackQuality(openPerfData(join(FIXTURES, "dwarf.data")));
    expect(dd.dsos.find((d) => d.dso === "/usr/bin/dd")!.debugInfo).toBe(false);
  });

  test("suggested dump size grows with the truncated share and is capped", () => {
    expect(suggestStackSize(4096, 0.01)).toBeNull();
    expect(suggestStackSize(4096, 0.1)).toBe(8192);
    expect(suggestStackSize(8192, 0.5)).toBe(32768);
    expect(suggestStackSize(32768, 0.9)).toBe(MAX_DWARF_STACK);
    expect(() => suggestStackSize(4096, 2)).toThrow(TypeError);
  });
});
