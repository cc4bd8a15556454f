/**
 * Session.sampleWalk against perf: the samples must come in perf script's order, each with the
 * command name perf shows for it (so side-band records were applied where perf applies them),
 * on the recorded fixtures and on encoder-built files whose COMM records and samples arrive
 * out of time order across rounds, in both byte orders.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  emptyAttr,
  encodeKernelRecord,
  encodeSample,
  encodeUserRecord,
  PerfDataError,
  SampleType,
  writePerfData,
} from "@perfkit/format";
import { ChainTable, PerfData, Session } from "../src/index.ts";
import { FIXTURES, HAVE_PERF, perf } from "./perf-oracle.ts";
import { rng } from "./rng.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-sample-walk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `comm tid time ip` per sample, as perf script prints them (-F comm,tid,time,ip --ns). */
function perfSamples(path: string): string[] {
  return perf(["script", "-F", "comm,tid,time,ip", "--ns", "--hide-call-graph", "-i", path])
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const t = l.trim().split(/\s+/);
      // comm may hold spaces: tid, time and ip are the last three tokens.
      const ip = t.pop()!;
      const time = t.pop()!.replace(/:$/, "");
      const tid = t.pop()!;
      return `${t.join(" ")} ${tid} ${time} ${BigInt(`0x${ip}`).toString(16)}`;
    });
}

/** The same four fields from a sample walk. */
function walkSamples(path: string, ordered = true, order: "time" | "state" = "time"): string[] {
  using data = new PerfData({ path });
  using session = new Session(data, {}, { ordered });
  const w = session.sampleWalk({ order });
  const out: string[] = [];
  while (w.next()) {
    const abs = (w.timeBase ?? 0n) + BigInt(w.time);
    const time = `${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, "0")}`;
    out.push(`${w.thread.comm()} ${w.tid} ${time} ${(w.ip ?? 0n).toString(16)}`);
  }
  return out;
}

const BASE = 5_000_000_000_000n;

/**
 * Rounds of per-CPU sorted runs of samples of three threads, with COMM records (renaming a
 * thread) arriving in later buffers than samples that follow them in time, and out-of-order
 * singles: where a sample falls relative to a rename decides its command name.
 */
function build(name: string, seed: number, littleEndian: boolean, callchains: boolean): string {
  const rand = rng(seed);
  const attr = {
    ...emptyAttr(),
    type: 1,
    samplePeriod: 1n,
    sampleType:
      SampleType.IP |
      SampleType.TID |
      SampleType.TIME |
      SampleType.CPU |
      SampleType.PERIOD |
      (callchains ? SampleType.CALLCHAIN : 0),
    sampleIdAll: true,
  };
  const records: Uint8Array[] = [];
  for (const tid of [11, 12, 13]) {
    records.push(
      encodeKernelRecord(
        { kind: "COMM", pid: tid, tid, comm: `t${tid}`, exec: false, sampleId: { pid: tid, tid, time: BASE } },
        attr,
        littleEndian,
      ),
    );
  }
  let t = 0;
  let renames = 0;
  for (let round = 0; round < 10; round++) {
    const start = t;
    for (let cpu = 0; cpu < 3; cpu++) {
      let ct = start + Math.floor(rand() * 40);
      for (let i = 0; i < 25; i++) {
        ct += Math.floor(rand() * 3);
        let time = ct;
        if (rand() < 0.1) time = start + Math.floor(rand() * 150);
        const tid = 11 + Math.floor(rand() * 3);
        const sampleId = { pid: tid, tid, time: BASE + BigInt(time), cpu };
        if (rand() < 0.08) {
          records.push(
            encodeKernelRecord(
              { kind: "COMM", pid: tid, tid, comm: `t${tid}-${renames++}`, exec: false, sampleId },
              attr,
              littleEndian,
            ),
          );
        } else {
          const ip = 0x400000n + BigInt(Math.floor(rand() * 64));
          const callchain = callchains
            ? [0xfffffffffffffe00n, ip, ip + 0x10n, BigInt(Math.floor(rand() * 4))]
            : undefined;
          records.push(
            encodeSample(
              attr,
              { ip, pid: tid, tid, time: BASE + BigInt(time), cpu, period: 1n, callchain },
              2,
              littleEndian,
            ),
          );
        }
        t = Math.max(t, time);
      }
    }
    records.push(encodeUserRecord({ kind: "FINISHED_ROUND" }, littleEndian));
  }
  const path = join(dir, `${name}.data`);
  writeFileSync(path, writePerfData({ littleEndian, events: [{ attr, ids: [], name: "cpu-clock" }], records }));
  return path;
}

describe.skipIf(!HAVE_PERF)("sampleWalk = perf script's samples, order and comm", () => {
  for (const name of ["fp", "plain", "multi", "tp", "switch", "sys", "zstd", "pipe", "inject"]) {
    test(`${name}.data`, () => {
      const path = join(FIXTURES, `${name}.data`);
      expect(walkSamples(path)).toEqual(perfSamples(path));
    });
  }
  test("renames racing samples across rounds, little-endian, with callchains", () => {
    const path = build("race-le", 1, true, true);
    expect(walkSamples(path)).toEqual(perfSamples(path));
  });
  test("the same, big-endian (fields read through DataView)", () => {
    const path = build("race-be", 2, false, true);
    expect(walkSamples(path)).toEqual(perfSamples(path));
  });
  test("without callchains", () => {
    const path = build("race-nochain", 3, true, false);
    expect(walkSamples(path)).toEqual(perfSamples(path));
  });
});

describe.skipIf(!HAVE_PERF)("sampleWalk in state order = perf script's samples, as a set", () => {
  for (const name of ["fp", "multi", "tp", "switch", "pipe"]) {
    test(`${name}.data`, () => {
      const path = join(FIXTURES, `${name}.data`);
      expect(walkSamples(path, true, "state").sort()).toEqual(perfSamples(path).sort());
    });
  }
  test("renames racing samples across rounds: every sample keeps its comm", () => {
    for (const [name, seed, le] of [
      ["race-state-le", 11, true],
      ["race-state-be", 12, false],
    ] as const) {
      const path = build(name, seed, le, true);
      expect(walkSamples(path, true, "state").sort()).toEqual(perfSamples(path).sort());
    }
  });
  test("a bad order is a TypeError", () => {
    using data = new PerfData({ path: join(FIXTURES, "fp.data") });
    using session = new Session(data);
    expect(() => session.sampleWalk({ order: "random" as never })).toThrow(TypeError);
  });
});

describe("sampleWalk", () => {
  test("agrees with Session.walk sample by sample: fields, chain entries, thread", () => {
    const path = join(FIXTURES, "fp.data");
    using data = new PerfData({ path });
    using a = new Session(data);
    const w = a.sampleWalk();
    using data2 = new PerfData({ path });
    using b = new Session(data2);
    const r = b.walk();
    let n = 0;
    while (w.next()) {
      while (r.next() && (r.record.type !== 9 || !r.evsel));
      const s = r.record.sample();
      expect([w.pid, w.tid, w.period, w.ip, w.evsel.name]).toEqual([
        s.pid!,
        s.tid!,
        Number(s.period),
        s.ip,
        r.evsel!.name,
      ]);
      expect((w.timeBase ?? 0n) + BigInt(w.time)).toBe(s.time!);
      expect(w.chain >= 0 ? w.chains.chain(w.chain) : undefined).toEqual(s.callchain ? [...s.callchain] : undefined);
      const other = b.machine.findThread(s.tid!)!;
      expect(w.thread.comm()).toBe(other.comm());
      expect(w.thread.maps.snapshot().map((m) => m.start)).toEqual(other.maps.snapshot().map((m) => m.start));
      n++;
    }
    expect(n).toBeGreaterThan(100);
  });

  test("unordered sessions deliver samples in file order", () => {
    const path = build("race-file-order", 4, true, true);
    const ours = walkSamples(path, false).map((l) => l.split(" ")[3]);
    using data = new PerfData({ path });
    using s = new Session(data, {}, { ordered: false });
    const ips: string[] = [];
    for (const { record } of s.records()) if (record.type === 9) ips.push(record.sample().ip!.toString(16));
    expect(ours).toEqual(ips);
  });

  test("a file cut short: samples read before the damage come first, then a PerfDataError", () => {
    const path = build("cut", 5, true, true);
    const full = walkSamples(path);
    const bytes = readFileSync(path);
    const cut = join(dir, "cut-short.data");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    using data = new PerfData({ path: cut });
    using session = new Session(data);
    const w = session.sampleWalk();
    const got: number[] = [];
    let error: unknown;
    try {
      while (w.next()) got.push(w.time);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PerfDataError);
    expect(got.length).toBeGreaterThan(full.length / 3);
    expect(got.every((t, i) => i === 0 || t >= got[i - 1]!)).toBe(true);
    expect(w.next()).toBe(false);
  });
});

describe("ChainTable", () => {
  test("interns equal chains once, from DataView or words, in either byte order", () => {
    const t = new ChainTable();
    const le = new DataView(new ArrayBuffer(24));
    const be = new DataView(new ArrayBuffer(24));
    const entries = [0xffffffffffffff80n, 0xffffffff81000010n, 0x401234n];
    entries.forEach((v, i) => {
      le.setBigUint64(8 * i, v, true);
      be.setBigUint64(8 * i, v, false);
    });
    const a = t.intern(le, 0, 3, true);
    expect(t.intern(be, 0, 3, false)).toBe(a);
    expect(t.internWords(new Uint32Array(le.buffer), 0, 3)).toBe(a);
    expect(t.intern(le, 8, 2, true)).not.toBe(a);
    expect(t.chain(a)).toEqual(entries);
    expect(t.entries(a)).toBe(3);
    expect(t.length).toBe(2);
    expect(() => t.chain(2)).toThrow(RangeError);
  });
  test("stays exact past many chains (rehashing)", () => {
    const t = new ChainTable();
    const v = new DataView(new ArrayBuffer(16));
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) {
      v.setBigUint64(0, BigInt(i), true);
      v.setBigUint64(8, BigInt(i % 7), true);
      ids.push(t.intern(v, 0, 2, true));
    }
    for (let i = 0; i < 5000; i++) {
      v.setBigUint64(0, BigInt(i), true);
      v.setBigUint64(8, BigInt(i % 7), true);
      expect(t.intern(v, 0, 2, true)).toBe(ids[i]!);
    }
    expect(new Set(ids).size).toBe(5000);
  });
});

describe("ChainTable arguments", () => {
  test("wrong types and ranges are refused", () => {
    const t = new ChainTable();
    expect(() => t.intern({} as never, 0, 1, true)).toThrow(TypeError);
    expect(() => t.internWords([] as never, 0, 1)).toThrow(TypeError);
    expect(() => t.intern(new DataView(new ArrayBuffer(8)), 0, 2, true)).toThrow(RangeError);
    expect(() => t.internWords(new Uint32Array(4), 2, 2)).toThrow(RangeError);
    expect(() => t.internWords(new Uint32Array(4), -1, 1)).toThrow(RangeError);
  });
});
