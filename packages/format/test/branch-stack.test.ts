/**
 * Branch stacks cannot be recorded here (no hardware PMU), so the input is built with
 * perfkit's encoder, in both byte orders and with hw_idx; perf script -F brstack is the oracle
 * for what the decoder must read back.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BRANCH_TYPE_NAMES,
  type BranchEntry,
  emptyAttr,
  encodeKernelRecord,
  encodeSample,
  encodeStringFeature,
  Feature,
  openPerfData,
  SampleType,
  writePerfData,
} from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-brstack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entries(seed: number, n: number): Partial<BranchEntry>[] {
  const out: Partial<BranchEntry>[] = [];
  for (let i = 0; i < n; i++) {
    const k = seed * 31 + i * 7;
    out.push({
      from: 0x400000n + BigInt(k * 16),
      to: 0x500000n + BigInt(k * 32),
      mispred: k % 3 === 0,
      predicted: k % 3 === 1,
      inTx: k % 5 === 0,
      abort: k % 7 === 0,
      cycles: (k * 13) % 65535,
      type: 1 + (k % 12),
    });
  }
  return out;
}

/** perf's `-F brstack` text for one entry. */
function perfText(e: BranchEntry): string {
  const pred = e.mispred ? "M" : e.predicted ? "P" : "-";
  return `0x${e.from.toString(16)}/0x${e.to.toString(16)}/${pred}/${e.inTx ? "X" : "-"}/${e.abort ? "A" : "-"}/${e.cycles}/${BRANCH_TYPE_NAMES[e.type]}`;
}

describe("branch stacks agree with perf script -F brstack", () => {
  for (const littleEndian of [true, false]) {
    for (const hwIndex of [false, true]) {
      test(`${littleEndian ? "LE" : "BE"}${hwIndex ? " with hw_idx" : ""}`, () => {
        const attr = {
          ...emptyAttr(),
          type: 1,
          samplePeriod: 1000n,
          sampleType: SampleType.IP | SampleType.TID | SampleType.TIME | SampleType.PERIOD | SampleType.BRANCH_STACK,
          sampleIdAll: true,
          branchSampleType: 1 | (hwIndex ? 1 << 17 : 0),
        };
        const records = [
          encodeKernelRecord(
            { kind: "COMM", pid: 42, tid: 42, comm: "fake", exec: false, sampleId: { pid: 42, tid: 42, time: 1n } },
            attr,
            littleEndian,
          ),
        ];
        for (let s = 0; s < 20; s++) {
          const fields = {
            ip: 0x401000n + BigInt(s),
            pid: 42,
            tid: 42,
            time: 1000n + BigInt(s),
            period: 1n,
            branchStack: { hwIdx: BigInt(s), entries: entries(s, 1 + (s % 8)) },
          };
          records.push(encodeSample(attr, fields, 2, littleEndian));
        }
        const features = new Map([
          [Feature.BRANCH_STACK, new Uint8Array(0)],
          [Feature.HOSTNAME, encodeStringFeature("perfkit-test", littleEndian)],
        ]);
        const path = join(dir, `bs-${littleEndian}-${hwIndex}.data`);
        writeFileSync(
          path,
          writePerfData({ littleEndian, events: [{ attr, ids: [], name: "cpu-clock" }], records, features }),
        );

        const p = Bun.spawnSync(["perf", "script", "-F", "ip,brstack", "-i", path]);
        expect(p.exitCode).toBe(0);
        const want = p.stdout
          .toString()
          .trim()
          .split("\n")
          .map((l) => l.trim());

        using file = openPerfData(path);
        const got: string[] = [];
        for (const rec of file.records()) {
          if (rec.type !== 9) continue;
          const s = rec.sample();
          const bs = s.branchStack!;
          if (hwIndex) expect(bs.hwIdx).toBe(s.time! - 1000n);
          got.push(`${s.ip!.toString(16)} ${bs.entries.map(perfText).join("  ")}`);
        }
        expect(got).toEqual(want);
      });
    }
  }
});
