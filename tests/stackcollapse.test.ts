/**
 * `perfkit stackcollapse` against perf's own stackcollapse.py (run through `perf script -s`
 * on the same file at test time), byte for byte, on every fixture with samples and with each
 * option. dwarf.data is left out: DWARF unwinding is a separate issue.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPerfData, transcode } from "@perfkit/format";
import { fixture, perf, perfkit, run } from "./helpers/perf.ts";

// perf and perfkit runs share two cores with other work: allow for a loaded machine.
setDefaultTimeout(60_000);

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const SCRIPT = "/usr/lib/perf-core/scripts/python/stackcollapse.py";
const HAVE_SCRIPT = HAVE_PERF && Bun.file(SCRIPT).size > 0;
const FIXTURES = ["fp", "plain", "multi", "sys", "switch", "tp", "zstd", "pipe", "inject"];

function same(name: string, opts: string[]): void {
  const file = fixture(`${name}.data`);
  const want = perf(["script", "-s", SCRIPT, "-i", file, "--", ...opts]);
  const got = perfkit(["stackcollapse", "-i", file, ...opts]);
  expect(want.code).toBe(0);
  expect(got.code).toBe(0);
  expect(got.stdout).toBe(want.stdout);
}

describe.skipIf(!HAVE_SCRIPT)("perfkit stackcollapse = perf script -s stackcollapse.py", () => {
  for (const name of FIXTURES) test(`default: ${name}`, () => same(name, []));
  const options = [
    ["--include-tid"],
    ["--include-pid"],
    ["--include-pid", "--include-tid"],
    ["--no-comm"],
    ["--tidy-java"],
    ["--kernel"],
  ];
  for (const opts of options)
    test(`${opts.join(" ")}: fp, sys, switch`, () => {
      for (const name of ["fp", "sys", "switch"]) same(name, opts);
    });
  test("symbols preloaded on a worker thread (PERFKIT_PRELOAD_SYMBOLS=1): fp, sys, zstd", () => {
    const cli = join(import.meta.dir, "..", "packages", "cli", "src", "main.ts");
    for (const name of ["fp", "sys", "zstd"]) {
      const file = fixture(`${name}.data`);
      const want = perf(["script", "-s", SCRIPT, "-i", file]);
      const got = run(["bun", cli, "stackcollapse", "-i", file], { env: { PERFKIT_PRELOAD_SYMBOLS: "1" } });
      expect(got.code).toBe(0);
      expect(got.stdout).toBe(want.stdout);
    }
  });
  test("big-endian files (rebuilt with perfkit's encoder; perf's script reads them too)", () => {
    const dir = mkdtempSync(join(tmpdir(), "perfkit-be-"));
    try {
      for (const name of ["fp", "sys", "multi"]) {
        using file = openPerfData(fixture(`${name}.data`));
        const be = join(dir, `${name}-be.data`);
        writeFileSync(be, transcode(file, { littleEndian: false }));
        const want = perf(["script", "-s", SCRIPT, "-i", be]);
        expect(want.code).toBe(0);
        expect(perfkit(["stackcollapse", "-i", be]).stdout).toBe(want.stdout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test("pipe-mode input on stdin", () => {
    const file = fixture("pipe.data");
    const want = perf(["script", "-s", SCRIPT, "-i", file]);
    const got = perfkit(["stackcollapse", "-i", "-"], { stdinFile: file });
    expect(got.stdout).toBe(want.stdout);
  });
});

describe("perfkit stackcollapse errors", () => {
  test("missing file: one line, status 1", () => {
    const r = perfkit(["stackcollapse", "-i", "/nonexistent/perf.data"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("/nonexistent/perf.data");
  });
  test("pid without comm is refused as stackcollapse.py does", () => {
    const r = perfkit(["stackcollapse", "-i", fixture("fp.data"), "--no-comm", "--include-pid"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  test("not a perf.data file: one line, status 1", () => {
    const r = perfkit(["stackcollapse", "-i", fixture("record.sh")]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
