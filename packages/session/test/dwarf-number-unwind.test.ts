/**
 * The Number unwinder (SessionDwarf.unwindNumbers, used by unwind()) against the BigInt
 * unwinder (unwindUser through unwindBigInt) on every dwarf sample of the fixtures: same
 * frames, modules, frame-pointer flags, stop and detail, or a null that sends the sample to
 * the BigInt path. Then the cases the Number path must hand over: values at or above 2^53,
 * expressions it does not compile. (The first 20000 samples of bench/data/dwarf.data include
 * PLT frames, whose CFA is a DWARF expression; the fixture dwarf.data has one.)
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Sample } from "@perfkit/format";
import { compileExpression } from "../src/dwarf/number-expression.ts";
import {
  isDwarfMode,
  MapEntry,
  NumberMaps,
  NumberUnwinder,
  PerfData,
  Session,
  SessionDwarf,
  type UnwindResult,
  X86_64,
} from "../src/index.ts";
import { FIXTURES } from "./perf-oracle.ts";

const BENCH = join(import.meta.dir, "../../../bench/data/dwarf.data");

function compareAll(path: string, limit = Number.POSITIVE_INFINITY) {
  using data = new PerfData({ path });
  using session = new Session(data);
  const dwarf = session.dwarf;
  let samples = 0;
  let viaNumbers = 0;
  let frames = 0;
  for (const p of session.records()) {
    if (p.record.type !== 9 || !p.evsel || !isDwarfMode(p.evsel.attr.sampleType)) continue;
    if (samples >= limit) break;
    const s: Sample = p.record.sample();
    const thread = session.machine.findnewThread(s.pid ?? -1, s.tid ?? -1);
    const space = thread.maps.snapshot();
    const want = dwarf.unwindBigInt(s, space);
    const fast = dwarf.unwindNumbers(s, space);
    if (fast) {
      viaNumbers++;
      const got: UnwindResult & { detail: string | undefined } = {
        stop: fast.stop,
        detail: fast.detail,
        frames: Array.from({ length: fast.count }, (_, i) => ({
          ip: BigInt(fast.ips[i]!),
          module: fast.modules[i],
          viaFramePointer: fast.viaFramePointer[i] === 1,
        })),
      };
      expect({ sample: samples, ...got }).toEqual({ sample: samples, detail: undefined, ...want });
    }
    // unwind() is the Number path with the BigInt path behind it: always the BigInt result.
    expect(dwarf.unwind(s, space)).toEqual(want);
    frames += want.frames.length;
    samples++;
  }
  return { samples, viaNumbers, frames };
}

describe("Number unwinder = BigInt unwinder", () => {
  test("dwarf.data (dd): every sample", () => {
    const r = compareAll(join(FIXTURES, "dwarf.data"));
    expect(r.samples).toBeGreaterThan(50);
    expect(r.viaNumbers).toBeGreaterThan(r.samples * 0.9);
  });

  test("dwarf/inline.data (-O2 -fomit-frame-pointer -g, inlined functions)", () => {
    const r = compareAll(join(FIXTURES, "dwarf/inline.data"));
    expect(r.frames).toBeGreaterThan(r.samples * 3);
    expect(r.viaNumbers).toBeGreaterThan(r.samples * 0.9);
  });

  test.skipIf(!existsSync(BENCH))("bench/data/dwarf.data: the first 20000 samples", () => {
    const r = compareAll(BENCH, 20000);
    expect(r.viaNumbers).toBeGreaterThan(r.samples * 0.9);
  });
});

describe("what the Number path hands to the BigInt path", () => {
  /** Copies a dwarf sample's record and overwrites one user register (by value slot). */
  function withRegister(path: string, slot: (s: Sample) => number, value: bigint) {
    using data = new PerfData({ path });
    using session = new Session(data);
    for (const p of session.records()) {
      if (p.record.type !== 9 || !p.evsel || !isDwarfMode(p.evsel.attr.sampleType)) continue;
      const s = p.record.sample();
      const regs = s.regsUser;
      if (!regs || regs.abi === 0 || s.stackUser?.dynSize === 0) continue;
      const thread = session.machine.findnewThread(s.pid ?? -1, s.tid ?? -1);
      const space = thread.maps.snapshot();
      const before = session.dwarf.unwindBigInt(s, space);
      if (before.frames.length < 2) continue;
      // The register values end where the stack's size word begins.
      const stack = s.stackUser!;
      const valuesAt = stack.data.byteOffset - s.view.byteOffset - 8 - 8 * regs.values.length;
      s.view.setBigUint64(valuesAt + 8 * slot(s), value, true);
      const fresh = new SessionDwarf(session.dwarf.arch);
      const want = fresh.unwindBigInt(s, space);
      const fast = fresh.unwindNumbers(s, space);
      const all = fresh.unwind(s, space);
      fresh.close();
      return { want, fast, all };
    }
    throw new Error("no dwarf sample with frames");
  }
  // x86_64 perf register order with sample_regs_user 0xff0fff: AX BX CX DX SI DI BP SP IP FLAGS CS SS R8..R15.
  const SP = () => 7;
  const IP = () => 8;

  test("a pc at or above 2^53 (a kernel address): null, unwind() gives the BigInt result", () => {
    const r = withRegister(join(FIXTURES, "dwarf.data"), IP, 0xffffffff81000000n);
    expect(r.fast).toBeNull();
    expect(r.all).toEqual(r.want);
  });

  test("a stack pointer at or above 2^53: null, unwind() gives the BigInt result", () => {
    const r = withRegister(join(FIXTURES, "dwarf.data"), SP, 1n << 60n);
    expect(r.fast).toBeNull();
    expect(r.all).toEqual(r.want);
  });

  test("NumberMaps finds what findMapIn finds, rounding of starts above 2^53 included", () => {
    using data = new PerfData({ path: join(FIXTURES, "dwarf.data") });
    using session = new Session(data);
    for (const _ of session.records());
    const user = [...session.machine.threads.values()].find((t) => t.maps.snapshot().length > 3)!.maps.snapshot();
    // A vsyscall-like map above 2^53: its start rounds, and must still sort after every user address.
    const last = user[user.length - 1]!;
    const high = new MapEntry(0xffffffffff600000n, 0xffffffffff601000n, 0n, last.dso, false);
    const space = [...user, high];
    const maps = new NumberMaps(space, (e) => session.dwarf.moduleOf(e));
    for (const e of space) {
      if (e.end >= 1n << 53n) continue;
      for (const a of [e.start, e.end - 1n, e.end]) {
        const i = maps.find(Number(a));
        const want = space.find((m) => m.start <= a && a < m.end);
        expect(i < 0 ? undefined : space[i]).toBe(want);
      }
    }
    expect(maps.find(Number(last.end - 1n))).toBe(space.length - 2);
    expect(maps.find(2 ** 53 - 1)).toBe(-1);
    expect(maps.find(0)).toBe(space[0]!.start === 0n ? 0 : -1);
    expect(() => new NumberMaps(null as never, () => null as never)).toThrow(TypeError);
  });

  test("unwindNumbers checks its arguments", () => {
    const d = new SessionDwarf();
    expect(() => d.unwindNumbers(null as never, [])).toThrow(TypeError);
    expect(() => d.unwindNumbers({} as Sample, null as never)).toThrow(/userMaps/);
  });
});

describe("compileExpression: what the Number unwinder runs itself", () => {
  // glibc's PLT CFA: breg7 (rsp) +8; breg16 (rip) +0; lit15; and; lit11; ge; lit3; shl; plus.
  const PLT = new Uint8Array([0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22]);

  test("the PLT CFA expression compiles (straight line, non-negative constants)", () => {
    const x = compileExpression(PLT, 0);
    expect(x).not.toBeNull();
    expect(x!.code.length % 2).toBe(0);
  });

  test("anything evalExpression could fail on, or that leaves [0, 2^53), stays with the BigInt path", () => {
    expect(compileExpression(new Uint8Array([0x22]), 0)).toBeNull(); // stack underflow
    expect(compileExpression(new Uint8Array([0x30, 0x28, 0x00, 0x00]), 0)).toBeNull(); // bra
    expect(compileExpression(new Uint8Array([0x09, 0xf8]), 0)).toBeNull(); // const1s -8
    expect(compileExpression(new Uint8Array([0x94, 0x04]), 1)).toBeNull(); // deref_size 4
    expect(compileExpression(new Uint8Array([0x77]), 0)).toBeNull(); // truncated operand
    expect(compileExpression(new Uint8Array([0xe0]), 0)).toBeNull(); // unknown op
    expect(compileExpression(new Uint8Array([0x06]), 1)).not.toBeNull(); // deref of the pushed CFA
    expect(() => compileExpression(null as never, 0)).toThrow(TypeError);
  });
});

test("NumberUnwinder checks its arguments", () => {
  expect(() => new NumberUnwinder(null as never)).toThrow(TypeError);
  expect(() => new NumberUnwinder(X86_64, 0)).toThrow(/capacity/);
  const u = new NumberUnwinder(X86_64);
  const maps = new NumberMaps([], () => null as never);
  const view = new DataView(new ArrayBuffer(64));
  expect(() => u.run(null as never, 0, new Int8Array(17), 0, 0, 0, 0, maps)).toThrow(/view/);
  expect(() => u.run(view, 0, new Int8Array(17), 0, 0, 0, 0, {} as never)).toThrow(/maps/);
  expect(() => u.run(view, 0.5, new Int8Array(17), 0, 0, 0, 0, maps)).toThrow(/integers/);
  // No pc/sp slots: perf shows no user frames.
  expect(u.run(view, 0, new Int8Array(17).fill(-1), -1, -1, 0, 8, maps)).toBe(true);
  expect(u.stop).toBe("no-stack");
  expect(u.count).toBe(0);
});
