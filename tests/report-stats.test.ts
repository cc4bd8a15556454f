/** `perfkit report --stats` must print exactly what `perf report --stats` prints for the same file. */
import { describe, expect, test } from "bun:test";
import { fixture, fixtures, perf, perfkit } from "./helpers/perf.ts";

// perf 6.1 itself fails on pipe-mode tracepoint streams ("failed to process type"), so there is no oracle for them.
const NO_ORACLE = new Set(["pipe-tp.data"]);

describe("report --stats matches perf", () => {
  for (const name of fixtures()) {
    test.skipIf(NO_ORACLE.has(name))(name, () => {
      const want = perf(["report", "--stats", "-i", fixture(name)]);
      expect(want.code).toBe(0);
      const got = perfkit(["report", "--stats", "-i", fixture(name)]);
      expect(got.stderr).toBe("");
      expect(got.stdout).toBe(want.stdout);
    });
  }

  test("pipe input with -i - (pipe.data on stdin)", () => {
    const want = perf(["report", "--stats", "-i", "-"], { stdinFile: fixture("pipe.data") });
    const got = perfkit(["report", "--stats", "-i", "-"], { stdinFile: fixture("pipe.data") });
    expect(got.stdout).toBe(want.stdout);
  });

  test("a missing file is a one-line error with status 1", () => {
    const got = perfkit(["report", "--stats", "-i", "/nonexistent/perf.data"]);
    expect(got.code).toBe(1);
    expect(got.stdout).toBe("");
    expect(got.stderr.trim().split("\n")).toHaveLength(1);
    expect(got.stderr).toContain("/nonexistent/perf.data");
  });
});

describe("directory mode (perf record --threads)", () => {
  test("threads.dir", () => {
    const want = perf(["report", "--stats", "-i", fixture("threads.dir")]);
    expect(want.code).toBe(0);
    const got = perfkit(["report", "--stats", "-i", fixture("threads.dir")]);
    expect(got.stdout).toBe(want.stdout);
  });
});

describe("percentages round like C's printf", () => {
  test("a share of exactly 1.25% prints as 1.2, as glibc rounds ties to even", async () => {
    const { emptyAttr, encodeKernelRecord, encodeSample, SampleType, writePerfData } = await import("@perfkit/format");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const attr = {
      ...emptyAttr(),
      type: 1,
      samplePeriod: 1n,
      sampleType: SampleType.IP | SampleType.TID | SampleType.TIME,
      sampleIdAll: true,
    };
    const records: Uint8Array[] = [];
    for (let i = 0; i < 2; i++)
      records.push(
        encodeKernelRecord(
          { kind: "COMM", pid: 5, tid: 5, comm: "tie", exec: false, sampleId: { pid: 5, tid: 5, time: 1n } },
          attr,
          true,
        ),
      );
    for (let i = 0; i < 158; i++)
      records.push(encodeSample(attr, { ip: 0x1000n, pid: 5, tid: 5, time: BigInt(10 + i) }, 2, true));
    const path = join(mkdtempSync(join(tmpdir(), "perfkit-tie-")), "tie.data");
    writeFileSync(path, writePerfData({ events: [{ attr, ids: [], name: "cpu-clock" }], records }));
    const want = perf(["report", "--stats", "-i", path]);
    expect(want.stdout).toContain("( 1.2%)");
    expect(perfkit(["report", "--stats", "-i", path]).stdout).toBe(want.stdout);
  });
});
