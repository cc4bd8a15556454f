/**
 * perfkit stat against perf stat on the same workload (same lines and layout, counts within
 * noise), and perfkit stat record files read by `perf stat report`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "..", "packages", "cli", "src", "main.ts");
const DIR = mkdtempSync(join(tmpdir(), "perfkit-stat-"));
const DD = ["dd", "if=/dev/zero", "of=/dev/null", "bs=1k", "count=100000"];
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function stderrOf(cmd: string[]): { err: string; code: number } {
  const r = Bun.spawnSync(cmd, { stdout: "ignore", stderr: "pipe", cwd: DIR });
  return { err: r.stderr.toString(), code: r.exitCode ?? -1 };
}

/** The counter lines of a perf stat report (the workload's own stderr lines dropped). */
function counterLines(err: string): string[] {
  return err.split("\n").filter((l) => /^\s+(\d[\d.,]*|<not supported>|<not counted>) (msec| {4}) [a-z]/.test(l));
}

function countOf(lines: string[], name: string): number {
  const l = lines.find((x) => x.includes(` ${name} `));
  return Number(l?.trim().split(/\s+/)[0]);
}

describe("perfkit stat", () => {
  test("default events: same lines, layout and counts within noise as perf stat", () => {
    const perf = stderrOf(["perf", "stat", "--", ...DD]);
    const mine = stderrOf(["bun", MAIN, "stat", "--", ...DD]);
    expect(mine.code).toBe(0);
    const p = counterLines(perf.err);
    const m = counterLines(mine.err);
    expect(m.length).toBe(p.length);
    expect(m.length).toBe(8);
    for (let i = 0; i < p.length; i++) {
      // Same event in the same place, and the same column layout (line lengths).
      expect(m[i]!.length).toBe(p[i]!.length);
      expect(m[i]!.slice(18, 57)).toBe(p[i]!.slice(18, 57));
    }
    const pf = countOf(p, "page-faults");
    expect(Math.abs(countOf(m, "page-faults") - pf)).toBeLessThanOrEqual(Math.max(5, pf * 0.1));
    expect(mine.err).toContain(` Performance counter stats for '${DD.join(" ")}':`);
    expect(mine.err).toMatch(
      /\n\s+\d+\.\d{9} seconds time elapsed\n\n\s+\d+\.\d{9} seconds user\n\s+\d+\.\d{9} seconds sys\n/,
    );
    expect(countOf(m, "task-clock")).toBeGreaterThan(1);
  });

  test("-x, output has perf's fields", () => {
    const ev = "task-clock,page-faults,cycles";
    const perf = stderrOf(["perf", "stat", "-x,", "-e", ev, "--", ...DD]);
    const mine = stderrOf(["bun", MAIN, "stat", "-x,", "-e", ev, "--", ...DD]);
    const rows = (s: string) => s.split("\n").filter((l) => l.split(",").length === 7);
    const p = rows(perf.err).map((l) => l.split(","));
    const m = rows(mine.err).map((l) => l.split(","));
    expect(m.map((r) => [r[1], r[2], r[6]])).toEqual(p.map((r) => [r[1], r[2], r[6]]));
    expect(m[2]![0]).toBe("<not supported>");
    expect(Math.abs(Number(m[1]![0]) - Number(p[1]![0]))).toBeLessThanOrEqual(Math.max(5, Number(p[1]![0]) * 0.1));
  });

  test("-I prints interval lines with perf's header", () => {
    const mine = stderrOf(["bun", MAIN, "stat", "-I", "100", "-e", "page-faults", "--", "sleep", "0.35"]);
    expect(mine.code).toBe(0);
    expect(mine.err).toContain("#           time             counts unit events\n");
    const lines = mine.err.split("\n").filter((l) => /^\s+\d+\.\d{9}\s/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l.includes(" page-faults "))).toBe(true);
  });

  test("stat record: perf stat report prints the same counts perfkit printed", () => {
    const file = join(DIR, "stat.data");
    const mine = stderrOf([
      "bun",
      MAIN,
      "stat",
      "record",
      "-o",
      file,
      "-e",
      "task-clock,page-faults,context-switches",
      "--",
      ...DD,
    ]);
    expect(mine.code).toBe(0);
    const report = stderrOf(["perf", "stat", "report", "-i", file]);
    const r = Bun.spawnSync(["perf", "stat", "report", "-i", file], { stdout: "pipe", stderr: "pipe" });
    const text = r.stdout.toString() + r.stderr.toString();
    expect(report.code).toBe(0);
    expect(counterLines(text)).toEqual(counterLines(mine.err));
    expect(counterLines(text).length).toBe(3);
    expect(text).toContain("Performance counter stats for 'perfkit stat record");
    const elapsed = (s: string) => /(\d+\.\d{9}) seconds time elapsed/.exec(s)?.[1];
    expect(elapsed(text)).toBe(elapsed(mine.err));
    expect(Bun.spawnSync(["perf", "report", "--header-only", "-i", file]).stdout.toString()).toContain(
      "contains stat data",
    );
  });

  test("bad events and arguments give clear errors", () => {
    const bad = stderrOf(["bun", MAIN, "stat", "-e", "no-such-event", "--", "true"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no-such-event/);
    expect(stderrOf(["bun", MAIN, "stat", "-I", "x", "--", "true"]).err).toMatch(/-I must be/);
    expect(stderrOf(["bun", MAIN, "stat"]).err).toMatch(/command/);
  });
});
