/**
 * Session.sampleWalk on damaged recordings: bit-flipped and truncated copies of the fixtures
 * either walk to the end or stop with a PerfDataError, never another exception, a hang or an
 * out-of-range read; a copy that walks cleanly hands out the samples Session.walk() does.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfDataError } from "@perfkit/format";
import { PerfData, resolveChain, Session } from "../src/index.ts";
import { FIXTURES } from "./perf-oracle.ts";
import { rng } from "./rng.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-sample-walk-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Samples handed out by sampleWalk (chains resolved once each), and the error it ended with. */
function walkDamaged(path: string): { samples: number; error?: unknown } {
  let samples = 0;
  try {
    using data = new PerfData({ path });
    using session = new Session(data);
    const w = session.sampleWalk();
    const resolved = new Set<number>();
    while (w.next()) {
      samples++;
      if (w.chain >= 0 && !resolved.has(w.chain)) {
        resolved.add(w.chain);
        resolveChain(
          { kernel: session.machine.kernelMaps.snapshot(), user: w.thread.maps.snapshot() },
          w.chains,
          w.chain,
        );
      }
    }
    return { samples };
  } catch (e) {
    return { samples, error: e };
  }
}

/** Samples (with an event) handed out by Session.walk(), and its error. */
function recordWalkSamples(path: string): { samples: number; error?: unknown } {
  let samples = 0;
  try {
    using data = new PerfData({ path });
    using session = new Session(data);
    const w = session.walk();
    while (w.next()) if (w.record.type === 9 && w.evsel) samples++;
    return { samples };
  } catch (e) {
    return { samples, error: e };
  }
}

describe("sampleWalk on damaged recordings", () => {
  for (const name of ["fp", "sys", "multi", "tp", "zstd", "switch", "pipe"]) {
    test(`${name}.data: bit flips and truncations`, () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, `${name}.data`)));
      const rand = rng(bytes.length * 13 + 7);
      const path = join(dir, `${name}.data`);
      for (let i = 0; i < 40; i++) {
        const copy = i % 4 === 3 ? bytes.slice(0, Math.floor(rand() * bytes.length)) : bytes.slice();
        if (i % 4 !== 3) {
          const flips = 1 + Math.floor(rand() * 6);
          for (let j = 0; j < flips; j++) {
            const at =
              rand() < 0.3 ? Math.floor(rand() * Math.min(copy.length, 512)) : Math.floor(rand() * copy.length);
            copy[at]! ^= 1 << Math.floor(rand() * 8);
          }
        }
        writeFileSync(path, copy);
        const got = walkDamaged(path);
        if (got.error !== undefined) expect(got.error).toBeInstanceOf(PerfDataError);
        const ref = recordWalkSamples(path);
        if (got.error === undefined && ref.error === undefined) expect(got.samples).toBe(ref.samples);
      }
    });
  }
});
