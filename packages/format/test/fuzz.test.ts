/**
 * Damaged input never crashes, hangs, or reads out of range: thousands of truncated and
 * bit-flipped versions of real recordings either decode or end in a PerfDataError, and every
 * record wholly before the damage is still delivered.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { openPerfData, PerfDataError, type PerfRecord } from "../src/index.ts";
import { fixtureNames, fixturePath } from "./_fixtures.ts";

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decodes everything; returns the records delivered and the error, if any. */
function decodeAll(bytes: Uint8Array, skip = false, ordered = false): { records: PerfRecord[]; error?: unknown } {
  const records: PerfRecord[] = [];
  const errors: unknown[] = [];
  try {
    using f = openPerfData(bytes);
    const onError = (e: PerfDataError): "skip" => {
      errors.push(e);
      return "skip";
    };
    for (const r of f.records(skip ? { onError, ordered } : { ordered })) {
      records.push(r);
      if (r.type === 9) {
        try {
          r.sample().toJSON();
        } catch (e) {
          if (!(e instanceof PerfDataError)) throw e;
        }
      } else {
        try {
          r.decode();
        } catch (e) {
          if (!(e instanceof PerfDataError)) throw e;
        }
      }
    }
    return { records, error: errors[0] };
  } catch (e) {
    return { records, error: e };
  }
}

const files = fixtureNames().map((n) => [n, new Uint8Array(readFileSync(fixturePath(n)))] as const);

describe("fuzz: truncation", () => {
  for (const [name, bytes] of files) {
    test(name, () => {
      // Each record's extent; inner records of a compressed chunk end where their chunk ends.
      const chunkEnd = new Map<number, number>();
      const full = decodeAll(bytes).records.map((r) => {
        if (r.type === 81 || r.type === 83) chunkEnd.set(r.offset, r.offset + r.size);
        const inner = r.type !== 81 && r.type !== 83 && chunkEnd.has(r.offset);
        const size = inner ? chunkEnd.get(r.offset)! - r.offset : r.size + (r.payload?.length ?? 0);
        return [r.offset, size, r.type];
      });
      const rand = rng(bytes.length);
      for (let i = 0; i < 60; i++) {
        const cut = Math.floor(rand() * bytes.length);
        const { records, error } = decodeAll(bytes.subarray(0, cut));
        if (error !== undefined) expect(error).toBeInstanceOf(PerfDataError);
        // Every record that lies wholly before the cut is delivered (file order, outer stream).
        const before = full.filter(([off, size]) => off + size <= cut && off >= 0);
        const got = new Set(records.map((r) => `${r.offset}:${r.type}`));
        const file = (() => {
          try {
            return openPerfData(bytes.subarray(0, cut));
          } catch {
            return undefined;
          }
        })();
        // A cut inside the data section is a truncated file: everything before the cut arrives.
        if (file) {
          for (const [off, , type] of before) expect(got.has(`${off}:${type}`)).toBe(true);
        }
        file?.close();
      }
    });
  }
});

describe("fuzz: bit flips", () => {
  for (const [name, bytes] of files) {
    test(name, () => {
      const rand = rng(bytes.length * 7 + 1);
      for (let i = 0; i < 150; i++) {
        const copy = bytes.slice();
        const flips = 1 + Math.floor(rand() * 8);
        for (let j = 0; j < flips; j++) {
          // Bias toward the header and record headers, where damage matters most.
          const at = rand() < 0.3 ? Math.floor(rand() * Math.min(copy.length, 512)) : Math.floor(rand() * copy.length);
          copy[at] ^= 1 << Math.floor(rand() * 8);
        }
        const strict = decodeAll(copy);
        if (strict.error !== undefined) expect(strict.error).toBeInstanceOf(PerfDataError);
        const lenient = decodeAll(copy, true);
        if (lenient.error !== undefined) expect(lenient.error).toBeInstanceOf(PerfDataError);
        // Skipping never delivers fewer records than stopping at the first error.
        expect(lenient.records.length).toBeGreaterThanOrEqual(strict.records.length);
        // Time ordering (perf's rounds, damaged timestamps included) neither loses nor invents records.
        if (i % 5 === 0) {
          const ordered = decodeAll(copy, true, true);
          if (ordered.error !== undefined) expect(ordered.error).toBeInstanceOf(PerfDataError);
          expect(ordered.records.length).toBe(lenient.records.length);
          const orderedStrict = decodeAll(copy, false, true);
          if (orderedStrict.error !== undefined) expect(orderedStrict.error).toBeInstanceOf(PerfDataError);
        }
      }
    });
  }
});

describe("hostile sizes", () => {
  test("a huge AUXTRACE payload size is refused, not allocated", () => {
    const bytes = new Uint8Array(readFileSync(fixturePath("pipe.data")));
    const v = new DataView(bytes.buffer);
    // Turn the first record after the pipe header into an AUXTRACE claiming 2^60 bytes.
    v.setUint32(16, 71, true);
    v.setUint16(22, 48, true);
    v.setBigUint64(24, 1n << 60n, true);
    const { error } = decodeAll(bytes);
    expect(error).toBeInstanceOf(PerfDataError);
    expect((error as PerfDataError).offset).toBe(16);
    expect((error as PerfDataError).recordIndex).toBe(0);
  });

  test("size 0 record header ends with an error naming offset and index", () => {
    const bytes = new Uint8Array(readFileSync(fixturePath("plain.data")));
    using f = openPerfData(bytes);
    const third = [...f.records()][2];
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint16(third.offset + 6, 0, true);
    const { records, error } = decodeAll(copy);
    expect(records).toHaveLength(2);
    expect(error).toBeInstanceOf(PerfDataError);
    expect((error as PerfDataError).offset).toBe(third.offset);
    expect((error as PerfDataError).recordIndex).toBe(2);
    expect((error as Error).message).toContain(`0x${third.offset.toString(16)}`);
  });

  test("a callchain count larger than the record is a bad-sample error", () => {
    const bytes = new Uint8Array(readFileSync(fixturePath("fp.data")));
    using f = openPerfData(bytes);
    const s = [...f.records()].find((r) => r.type === 9)!;
    const copy = bytes.slice();
    const layout = s.event!.layout;
    new DataView(copy.buffer).setBigUint64(s.offset + layout.variableStart, 1n << 40n, true);
    using g = openPerfData(copy);
    const r = [...g.records()].find((x) => x.offset === s.offset)!;
    expect(() => r.sample().callchain).toThrow(PerfDataError);
  });

  test("wrong argument types raise TypeError", () => {
    expect(() => openPerfData(42 as unknown as string)).toThrow(TypeError);
    expect(() => openPerfData("x", { windowSize: -1 })).toThrow(TypeError);
  });

  test("not a perf.data file", () => {
    expect(() => openPerfData(new TextEncoder().encode("hello world, not perf data"))).toThrow(PerfDataError);
  });
});
