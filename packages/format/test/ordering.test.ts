/**
 * Time ordering against perf: files built with the encoder hold samples whose times arrive
 * in many interleaved runs (more than the reader keeps apart), with ties, across
 * FINISHED_ROUND rounds; `perf script -F ip` gives the order perf delivers them in, and the
 * ordered reader must deliver the same.
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
  openPerfData,
  SampleType,
  TimeOrderedReader,
  writePerfData,
} from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-order-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const BASE = 5_000_000_000_000n;

/** Rounds of `cpus` sorted runs each; `shuffle` adds out-of-order singles; ties are common. */
function build(
  name: string,
  seed: number,
  cpus: number,
  shuffle: boolean,
  littleEndian = true,
  rounds = 12,
  perCpu = 30,
): string {
  const rand = rng(seed);
  const attr = {
    ...emptyAttr(),
    type: 1,
    samplePeriod: 1n,
    sampleType: SampleType.IP | SampleType.TID | SampleType.TIME | SampleType.CPU | SampleType.PERIOD,
    sampleIdAll: true,
  };
  const records: Uint8Array[] = [
    encodeKernelRecord(
      { kind: "COMM", pid: 7, tid: 7, comm: "ord", exec: false, sampleId: { pid: 7, tid: 7, time: BASE } },
      attr,
      littleEndian,
    ),
  ];
  let ip = 0x1000n;
  let t = 0;
  for (let round = 0; round < rounds; round++) {
    const start = t;
    for (let cpu = 0; cpu < cpus; cpu++) {
      // Each CPU buffer is sorted; buffers of one round overlap in time.
      let ct = start + Math.floor(rand() * 50);
      const n = 5 + Math.floor(rand() * perCpu);
      for (let i = 0; i < n; i++) {
        ct += Math.floor(rand() * 3); // steps of 0 make ties
        let time = ct;
        if (shuffle && rand() < 0.2) time = start + Math.floor(rand() * 200 * (perCpu / 30));
        records.push(
          encodeSample(attr, { ip: ip++, pid: 7, tid: 7, time: BASE + BigInt(time), cpu, period: 1n }, 2, littleEndian),
        );
        t = Math.max(t, time);
      }
    }
    records.push(encodeUserRecord({ kind: "FINISHED_ROUND" }, littleEndian));
  }
  const path = join(dir, `${name}.data`);
  writeFileSync(path, writePerfData({ littleEndian, events: [{ attr, ids: [], name: "cpu-clock" }], records }));
  return path;
}

function perfOrder(path: string): string[] {
  const p = Bun.spawnSync(["perf", "script", "-F", "ip", "-i", path]);
  expect(p.exitCode).toBe(0);
  return p.stdout
    .toString()
    .trim()
    .split("\n")
    .map((l) => l.trim());
}

function ourOrder(path: string): string[] {
  using file = openPerfData(path);
  const out: string[] = [];
  for (const rec of file.records({ ordered: true })) if (rec.type === 9) out.push(rec.sample().ip!.toString(16));
  return out;
}

describe("ordered records = perf script's order", () => {
  const cases: [string, number, number, boolean, boolean][] = [
    ["two cpus", 1, 2, false, true],
    ["many cpus (more runs than kept apart)", 2, 13, false, true],
    ["out-of-order singles", 3, 3, true, true],
    ["many cpus, shuffled, big-endian", 4, 11, true, false],
  ];
  for (const [name, seed, cpus, shuffle, le] of cases) {
    test(name, () => {
      const path = build(name.replace(/\W+/g, "-"), seed, cpus, shuffle, le);
      expect(ourOrder(path)).toEqual(perfOrder(path));
    });
  }
});

describe("TimeOrderedReader", () => {
  test("one sorted CPU over many rounds (a long-lived run, compacted as it is consumed)", () => {
    const path = build("long-run", 7, 1, false, true, 40, 1000);
    expect(ourOrder(path)).toEqual(perfOrder(path));
  });
  test("a hostile order (one round, 40k samples, a fifth out of place) stays fast and exact", () => {
    const path = build("hostile", 6, 4, true, true, 1, 10_000);
    const t0 = performance.now();
    const ours = ourOrder(path);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(ours).toEqual(perfOrder(path));
  });

  test("an error mid-stream: records read before it are delivered in order, then the error", () => {
    const path = build("cut", 5, 4, true);
    const full = ourOrder(path);
    const bytes = readFileSync(path);
    // Cut the file in the middle of its data section.
    const cut = join(dir, "cut-short.data");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    using file = openPerfData(cut);
    const reader = new TimeOrderedReader(file.cursor());
    const got: string[] = [];
    let error: unknown;
    try {
      for (let rec = reader.next(); rec; rec = reader.next())
        if (rec.type === 9) got.push(rec.sample().ip!.toString(16));
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    expect(got.length).toBeGreaterThan(0);
    // Delivered in time order: a subsequence of the whole file's order.
    const pos = got.map((ip) => full.indexOf(ip));
    expect(pos.every((p, i) => p >= 0 && (i === 0 || p > pos[i - 1]!))).toBe(true);
    expect(reader.next()).toBeNull();
  });
});
