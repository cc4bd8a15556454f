/**
 * Every attr size from VER0 (64) to VER8 (136) and larger: files written with each size are
 * read by perf (up to its own VER7) with the same samples, and by perfkit with fields past the
 * struct's size reading as zero.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ATTR_SIZE,
  decodeAttr,
  emptyAttr,
  encodeAttr,
  encodeKernelRecord,
  encodeSample,
  openPerfData,
  SampleType,
  writePerfData,
} from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "perfkit-attr-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  ...emptyAttr(),
  type: 1,
  samplePeriod: 4000n,
  sampleType: SampleType.IP | SampleType.TID | SampleType.TIME | SampleType.PERIOD,
  sampleIdAll: true,
  freq: true,
  comm: true,
  sampleRegsUser: 0xffn,
  sampleStackUser: 8192,
  clockid: 1,
  useClockid: true,
  sampleMaxStack: 127,
  auxSampleSize: 4096,
  sigData: 0xabcn,
  config3: 0x77n,
};

describe("attr sizes", () => {
  for (const size of [...Object.values(ATTR_SIZE), 144, 160]) {
    test(`size ${size}`, () => {
      const bytes = encodeAttr(base, size, true);
      const back = decodeAttr(new DataView(bytes.buffer), 0, size, true);
      expect(back.size).toBe(size);
      // Fields beyond the struct read as zero; fields inside survive.
      expect(back.sampleRegsUser).toBe(size >= 88 ? 0xffn : 0n);
      expect(back.clockid).toBe(size >= 96 ? 1 : 0);
      expect(back.sampleMaxStack).toBe(size >= 112 ? 127 : 0);
      expect(back.sigData).toBe(size >= 128 ? 0xabcn : 0n);
      expect(back.config3).toBe(size >= 136 ? 0x77n : 0n);
      expect(back.freq && back.sampleIdAll && back.comm && back.useClockid).toBe(true);

      const attr = { ...base, config3: 0n, sigData: 0n };
      const records = [
        encodeKernelRecord(
          { kind: "COMM", pid: 7, tid: 7, comm: "sized", exec: false, sampleId: { pid: 7, tid: 7, time: 5n } },
          attr,
          true,
        ),
      ];
      for (let i = 0; i < 5; i++)
        records.push(
          encodeSample(attr, { ip: 0x1000n + BigInt(i), pid: 7, tid: 7, time: 10n + BigInt(i), period: 1n }, 2, true),
        );
      const path = join(dir, `a${size}.data`);
      writeFileSync(path, writePerfData({ events: [{ attr, ids: [], name: "cpu-clock" }], records, attrSize: size }));
      using file = openPerfData(path);
      expect(file.events[0].attr.size).toBe(size);
      const ips = [...file.records()].filter((r) => r.type === 9).map((r) => r.sample().ip);
      expect(ips).toEqual([0x1000n, 0x1001n, 0x1002n, 0x1003n, 0x1004n]);
      const p = Bun.spawnSync(["perf", "script", "-F", "comm,pid,time,ip", "-i", path]);
      if (size <= 128) {
        // perf 6.1 knows attrs up to VER7.
        expect(p.exitCode).toBe(0);
        const lines = p.stdout.toString().trim().split("\n");
        expect(lines.map((l) => l.trim().split(/\s+/).at(-1))).toEqual(["1000", "1001", "1002", "1003", "1004"]);
      } else {
        expect(p.stderr.toString()).toContain("incompatible file format");
      }
    });
  }
});
