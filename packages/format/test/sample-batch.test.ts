/**
 * SampleBatch must hold exactly what the lazy Sample reads: every fixture, and encoder-built
 * files using every sample_type bit in both byte orders, are decoded both ways and compared;
 * perf script is the oracle for a few columns of a recorded file.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import {
  emptyAttr,
  encodeSample,
  openPerfData,
  PerfDataError,
  ReadFormat,
  RecordType,
  SampleType as S,
  SampleBatch,
  u64Halves,
  writePerfData,
} from "../src/index.ts";
import { fixtureNames, fixturePath } from "./_fixtures.ts";

/** A row's fields with the views into the batch's pools copied (the pools are refilled). */
function detached(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const k of ["callchain", "raw", "aux"]) if (ArrayBuffer.isView(out[k])) out[k] = (out[k] as Uint8Array).slice();
  const st = out.stackUser as { data: Uint8Array; dynSize: number } | undefined;
  if (st) out.stackUser = { ...st, data: st.data.slice() };
  return out;
}

/** Decodes every sample of `input` lazily and through a batch of `capacity` rows; returns both. */
function bothWays(input: string | Uint8Array, capacity: number, windowSize?: number) {
  const lazy: unknown[] = [];
  const batched: unknown[] = [];
  {
    using file = openPerfData(input, windowSize ? { windowSize } : undefined);
    for (const rec of file.records()) {
      if (rec.type !== RecordType.SAMPLE) continue;
      try {
        lazy.push(rec.sample().toJSON());
      } catch (e) {
        lazy.push((e as PerfDataError).message);
      }
    }
  }
  using file = openPerfData(input, windowSize ? { windowSize } : undefined);
  const batch = new SampleBatch(capacity);
  const flush = () => {
    for (let i = 0; i < batch.length; i++) batched.push(detached(batch.fieldsOf(i)));
    batch.clear();
  };
  const w = file.cursor();
  while (w.next()) {
    if (w.type !== RecordType.SAMPLE) continue;
    if (batch.full) flush();
    const before = batch.length;
    try {
      w.sampleInto(batch);
    } catch (e) {
      expect(e).toBeInstanceOf(PerfDataError);
      expect(batch.length).toBe(before);
      flush();
      batched.push((e as PerfDataError).message);
    }
  }
  flush();
  expect(viaNextInto(input, capacity, windowSize)).toEqual(batched);
  return { lazy, batched };
}

/** The same through nextInto(): rows, and each failing sample's message, in record order. */
function viaNextInto(input: string | Uint8Array, capacity: number, windowSize?: number): unknown[] {
  const out: unknown[] = [];
  using file = openPerfData(input, windowSize ? { windowSize } : undefined);
  const batch = new SampleBatch(capacity);
  const flush = () => {
    for (let i = 0; i < batch.length; i++) out.push(detached(batch.fieldsOf(i)));
    batch.clear();
  };
  const w = file.cursor();
  for (;;) {
    let more: boolean;
    try {
      more = w.nextInto(batch);
    } catch (e) {
      expect(e).toBeInstanceOf(PerfDataError);
      expect(w.type).toBe(RecordType.SAMPLE);
      flush();
      out.push((e as PerfDataError).message);
      continue;
    }
    if (!more) break;
    if (batch.full) flush();
  }
  flush();
  return out;
}

describe("SampleBatch rows equal the lazy Sample on every fixture", () => {
  for (const name of fixtureNames()) {
    test(name, () => {
      const { lazy, batched } = bothWays(fixturePath(name), 7);
      expect(batched.length).toBe(lazy.length);
      expect(batched).toEqual(lazy);
    });
  }
  test("threads.dir (directory mode: member streams)", () => {
    const { lazy, batched } = bothWays(fixturePath("threads.dir"), 64, 4096);
    expect(lazy.length).toBeGreaterThan(10);
    expect(batched).toEqual(lazy);
  });
  test("fp.data through 4 KiB windows (straddling records, recycled windows)", () => {
    const { lazy, batched } = bothWays(fixturePath("fp.data"), 1000, 4096);
    expect(lazy.length).toBeGreaterThan(10);
    expect(batched).toEqual(lazy);
  });
});

const EVERY_BIT =
  S.IDENTIFIER |
  S.IP |
  S.TID |
  S.TIME |
  S.ADDR |
  S.STREAM_ID |
  S.CPU |
  S.PERIOD |
  S.READ |
  S.CALLCHAIN |
  S.RAW |
  S.BRANCH_STACK |
  S.REGS_USER |
  S.STACK_USER |
  S.DATA_SRC |
  S.TRANSACTION |
  S.REGS_INTR |
  S.PHYS_ADDR |
  S.CGROUP |
  S.DATA_PAGE_SIZE |
  S.CODE_PAGE_SIZE |
  S.AUX;

/** A one-event file whose samples use `sampleType`, built by the encoder. */
function encoded(le: boolean, variant: "group" | "single") {
  const group = variant === "group";
  const attr = {
    ...emptyAttr(),
    type: 1,
    samplePeriod: 0x1_0000_0003n,
    sampleType: (EVERY_BIT | (group ? S.WEIGHT_STRUCT : S.WEIGHT | S.ID)) & ~(group ? 0 : S.IDENTIFIER | S.PERIOD),
    readFormat: group
      ? ReadFormat.GROUP | ReadFormat.ID | ReadFormat.LOST | ReadFormat.TOTAL_TIME_ENABLED
      : ReadFormat.TOTAL_TIME_RUNNING | ReadFormat.ID,
    branchSampleType: 1 | (group ? (1 << 17) | (1 << 19) : 0),
    sampleRegsUser: 0xff0fn,
    sampleRegsIntr: group ? 0x3n : 0n,
    sampleIdAll: true,
  };
  const records: Uint8Array[] = [];
  for (let s = 0; s < 40; s++) {
    const k = BigInt(s);
    const big = (n: bigint) => (n << 40n) | (k * 0x1_0001n);
    const read = group
      ? {
          timeEnabled: big(7n),
          values: Array.from({ length: s % 3 }, (_, j) => ({ value: big(BigInt(j)), id: k + 9n, lost: 1n })),
        }
      : { timeRunning: big(5n), values: [{ value: big(1n), id: 77n }] };
    const entries = Array.from({ length: s % 4 }, (_, j) => ({
      from: big(BigInt(j)),
      to: big(2n),
      mispred: j % 2 === 0,
      cycles: j * 3,
      type: 1 + j,
    }));
    records.push(
      encodeSample(
        attr,
        {
          id: 77n,
          ip: big(1n) | 0xffff_0000_0000_0000n,
          pid: s - 3,
          tid: s,
          time: big(3n),
          addr: big(4n),
          streamId: k,
          cpu: s % 2,
          period: big(5n),
          read,
          callchain: Array.from({ length: s % 6 }, (_, j) => big(BigInt(j)) | (j === 0 ? 0xffff_ffff_ffff_fe00n : 0n)),
          raw: new Uint8Array(s % 9).map((_, j) => j + s),
          branchStack: { hwIdx: k, entries, counters: entries.map((_, j) => BigInt(j * 11)) },
          regsUser:
            s % 5 === 0
              ? { abi: 0, mask: attr.sampleRegsUser, values: [] }
              : {
                  abi: 2,
                  mask: attr.sampleRegsUser,
                  values: Array.from({ length: 12 }, (_, j) => big(BigInt(j))),
                },
          stackUser: s % 4 === 0 ? undefined : { data: new Uint8Array(8 * (s % 4)).fill(s), dynSize: s },
          weight: big(6n) | 0x0002_0003_0000_0004n,
          dataSrc: big(8n),
          transaction: big(9n),
          regsIntr: { abi: 2, mask: attr.sampleRegsIntr, values: [big(1n), big(2n)] },
          physAddr: big(10n),
          cgroup: k,
          dataPageSize: 4096n,
          codePageSize: 1n << 21n,
          aux: new Uint8Array(8 * (s % 3)).fill(0xa0 + s),
        },
        2,
        le,
      ),
    );
  }
  return writePerfData({ littleEndian: le, events: [{ attr, ids: [77n], name: "cpu-clock" }], records });
}

describe("every sample_type bit, both byte orders", () => {
  for (const le of [true, false]) {
    for (const variant of ["group", "single"] as const) {
      test(`${le ? "LE" : "BE"} ${variant}`, () => {
        const bytes = encoded(le, variant);
        const { lazy, batched } = bothWays(bytes, 16);
        expect(lazy.length).toBe(40);
        expect(typeof lazy[0]).toBe("object");
        expect(batched).toEqual(lazy);
      });
    }
  }
});

/** bothWays over a damaged file: a file-level error ends both walks the same way. */
function bothWaysDamaged(bytes: Uint8Array) {
  try {
    return bothWays(bytes, 5);
  } catch (e) {
    expect(e).toBeInstanceOf(PerfDataError);
    return undefined;
  }
}

describe("damaged samples: the batch fails exactly where the lazy Sample does", () => {
  for (const name of fixtureNames()) {
    test(name, () => {
      const bytes = new Uint8Array(readFileSync(fixturePath(name)));
      let seed = bytes.length;
      const rand = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 4294967296;
      };
      for (let i = 0; i < 30; i++) {
        const copy = bytes.slice();
        for (let j = 0; j < 4; j++) copy[Math.floor(rand() * copy.length)] ^= 1 << Math.floor(rand() * 8);
        const r = bothWaysDamaged(copy);
        if (r) expect(r.batched).toEqual(r.lazy);
      }
    });
  }
});

describe("malformed samples", () => {
  test("a callchain that does not fit throws the lazy path's PerfDataError and appends nothing", () => {
    const attr = { ...emptyAttr(), type: 1, samplePeriod: 1n, sampleType: S.IP | S.CALLCHAIN };
    const rec = encodeSample(attr, { ip: 1n, callchain: [1n, 2n] }, 2, true);
    new DataView(rec.buffer, rec.byteOffset).setUint32(16, 99, true);
    const bytes = writePerfData({ littleEndian: true, events: [{ attr, ids: [] }], records: [rec] });
    using file = openPerfData(bytes);
    const w = file.cursor();
    while (w.next() && w.type !== RecordType.SAMPLE) {}
    const batch = new SampleBatch(4);
    let lazyMessage = "";
    try {
      w.sample().callchain;
    } catch (e) {
      lazyMessage = (e as Error).message;
    }
    expect(lazyMessage).toContain("callchain count 99");
    expect(() => w.sampleInto(batch)).toThrow(lazyMessage);
    expect(batch.length).toBe(0);
  });
});

describe("arguments and capacity", () => {
  test("checked at run time", () => {
    expect(() => new SampleBatch(0)).toThrow(TypeError);
    expect(() => u64Halves([] as unknown as BigUint64Array)).toThrow(TypeError);
    using file = openPerfData(fixturePath("plain.data"));
    const w = file.cursor();
    w.next();
    expect(w.type).not.toBe(RecordType.SAMPLE);
    expect(() => w.sampleInto(new SampleBatch(1))).toThrow(TypeError);
    expect(() => w.sampleInto({} as SampleBatch)).toThrow(TypeError);
    const batch = new SampleBatch(1);
    while (w.next() && w.type !== RecordType.SAMPLE) {}
    w.sampleInto(batch);
    expect(batch.full).toBe(true);
    expect(() => w.sampleInto(batch)).toThrow(RangeError);
    expect(() => w.nextInto(batch)).toThrow(RangeError);
    expect(() => w.nextInto({} as SampleBatch)).toThrow(TypeError);
    expect(() => batch.fieldsOf(1)).toThrow(TypeError);
  });

  test("u64Halves reads a column without BigInts", () => {
    const b = new SampleBatch(2);
    using file = openPerfData(fixturePath("plain.data"));
    const w = file.cursor();
    while (w.next()) if (w.type === RecordType.SAMPLE && !b.full) w.sampleInto(b);
    const h = u64Halves(b.time);
    expect(BigInt(h[2]!) + (BigInt(h[3]!) << 32n)).toBe(b.time[1]!);
  });
});

describe("records handed out stay valid while the cursor recycles windows", () => {
  test("record() between sampleInto() calls pins its window", () => {
    using file = openPerfData(fixturePath("fp.data"), { windowSize: 4096 });
    const kept: { rec: ReturnType<typeof w.record>; hex: string }[] = [];
    const batch = new SampleBatch(64);
    const w = file.cursor();
    let n = 0;
    while (w.next()) {
      if (w.type === RecordType.SAMPLE && n++ % 13 !== 0) {
        if (batch.full) batch.clear();
        w.sampleInto(batch);
      } else {
        const rec = w.record();
        kept.push({ rec, hex: Buffer.from(rec.recordBytes).toString("hex") });
      }
    }
    expect(kept.length).toBeGreaterThan(10);
    for (const k of kept) expect(Buffer.from(k.rec.recordBytes).toString("hex")).toBe(k.hex);
  });

  test("recordCopy() decodes as record() does", () => {
    using a = openPerfData(fixturePath("switch.data"), { windowSize: 4096 });
    using b = openPerfData(fixturePath("switch.data"), { windowSize: 4096 });
    const wa = a.cursor();
    const wb = b.cursor();
    let n = 0;
    while (wa.next() && wb.next()) {
      if (wa.type === RecordType.SAMPLE) continue;
      expect(wb.recordCopy().decode()).toEqual(wa.record().decode());
      n++;
    }
    expect(n).toBeGreaterThan(10);
  });
});

describe("columns agree with perf script", () => {
  test("pid, tid, cpu, time, period, ip of switch.data", () => {
    const path = fixturePath("switch.data");
    const p = Bun.spawnSync(["perf", "script", "--ns", "-F", "pid,tid,cpu,time,period,ip", "-i", path]);
    expect(p.exitCode).toBe(0);
    const want = p.stdout
      .toString()
      .trim()
      .split("\n")
      .map((l) => l.trim().replace(/\s+/g, " "));
    using file = openPerfData(path);
    const batch = new SampleBatch(100000);
    const w = file.cursor();
    while (w.next()) if (w.type === RecordType.SAMPLE) w.sampleInto(batch);
    const got: string[] = [];
    for (let i = 0; i < batch.length; i++) {
      const t = batch.time[i]!;
      const time = `${t / 1_000_000_000n}.${(t % 1_000_000_000n).toString().padStart(9, "0")}:`;
      const cpu = `[${batch.cpu[i]!.toString().padStart(3, "0")}]`;
      got.push(`${batch.pid[i]}/${batch.tid[i]} ${cpu} ${time} ${batch.period[i]} ${batch.ip[i]!.toString(16)}`);
    }
    expect(got.length).toBe(4);
    expect(got).toEqual(want);
  });

  // perf prints user addresses relative to their DSO once it knows the map: those are compared
  // by count, kernel addresses by value.
  test("callchains of fp.data (context markers left out, as perf prints)", () => {
    const path = fixturePath("fp.data");
    const p = Bun.spawnSync(["perf", "script", "-F", "ip", "-i", path]);
    expect(p.exitCode).toBe(0);
    const want = p.stdout
      .toString()
      .trim()
      .split(/\n\s*\n/)
      .map((b) =>
        b
          .trim()
          .split(/\s+/)
          .map((a) => (a.length === 16 && a.startsWith("ffff") ? a : "user"))
          .join(" "),
      );
    using file = openPerfData(path);
    const batch = new SampleBatch(100000);
    const w = file.cursor();
    while (w.next()) if (w.type === RecordType.SAMPLE) w.sampleInto(batch);
    const got: string[] = [];
    for (let i = 0; i < batch.length; i++) {
      const s = batch.callchainStart[i]!;
      const frames = [...batch.callchain.subarray(s, s + batch.callchainLength[i]!)];
      got.push(
        frames
          .filter((a) => a < 0xffff_ffff_ffff_f000n)
          .map((a) => (a >= 0xffff_0000_0000_0000n ? a.toString(16) : "user"))
          .join(" "),
      );
    }
    expect(got.length).toBeGreaterThan(10);
    expect(got).toEqual(want);
  });
});
