/**
 * `perfkit report --stack-quality` / `perfkit stack-quality` end to end: the per-dso figures
 * agree with the Session's own unwinding (and with the user frames `perf script` prints), and
 * a recording made now with a small dump (`--call-graph dwarf,256`) gets a larger size suggested.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerfData, Session, type StackQuality } from "@perfkit/session";
import { FIXTURES, perf, perfkit } from "./helpers/perf.ts";

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;

function summary(file: string, via: "report" | "command"): StackQuality {
  const args =
    via === "report" ? ["report", "--stack-quality", "--json", "-i", file] : ["stack-quality", "--json", "-i", file];
  const r = perfkit(args);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as StackQuality;
}

/** User frames per dso (and how many have a symbol) from the Session's dwarf callchains. */
function sessionFrames(file: string): Map<string, { frames: number; resolved: number }> {
  const out = new Map<string, { frames: number; resolved: number }>();
  using data = new PerfData({ path: file });
  using s = new Session(data, {}, { inline: false });
  for (const ev of s.events()) {
    if (ev.kind !== "SAMPLE") continue;
    for (const f of ev.callchain ?? []) {
      if (f.kernel) continue;
      const d = out.get(f.dso) ?? { frames: 0, resolved: 0 };
      d.frames++;
      if (f.symbol !== "[unknown]") d.resolved++;
      out.set(f.dso, d);
    }
  }
  return out;
}

describe("stack quality of dwarf.data", () => {
  const file = join(FIXTURES, "dwarf.data");

  test("report --stack-quality and stack-quality print the same summary", () => {
    const a = summary(file, "report");
    const b = summary(file, "command");
    expect({ ...a, elapsedMs: 0 }).toEqual({ ...b, elapsedMs: 0 });
    const text = perfkit(["report", "--stack-quality", "-i", file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("/usr/lib/x86_64-linux-gnu/libc.so.6");
  });

  test("per-dso frames and resolved counts match the Session's unwinding", () => {
    const q = summary(file, "command");
    const mine = sessionFrames(file);
    expect(q.samples).toBeGreaterThan(50);
    expect(q.truncated).toBe(0);
    expect(q.suggestedStackSize).toBeNull();
    const got = Object.fromEntries(q.dsos.map((d) => [d.dso, { frames: d.frames, resolved: d.resolved }]));
    const unmapped = mine.get("[unknown]")?.frames ?? 0;
    mine.delete("[unknown]");
    expect(got).toEqual(Object.fromEntries(mine));
    expect(q.unmappedFrames).toBe(unmapped);
    const libc = q.dsos.find((d) => d.dso.endsWith("/libc.so.6"));
    expect(libc?.debugInfo).toBe(true);
    expect(q.dsos.find((d) => d.dso === "/usr/bin/dd")?.debugInfo).toBe(false);
  });

  test.skipIf(!HAVE_PERF)("per-dso frame counts match the user frames perf script prints", () => {
    const q = summary(file, "command");
    const r = perf(["script", "-i", file, "-F", "ip,sym,dso", "--no-inline"]);
    expect(r.code).toBe(0);
    const perDso = new Map<string, number>();
    for (const line of r.stdout.split("\n")) {
      const m = /^\s+[0-9a-f]+ .* \((.*)\)$/.exec(line);
      if (m && m[1] !== "[kernel.kallsyms]") perDso.set(m[1]!, (perDso.get(m[1]!) ?? 0) + 1);
    }
    expect(Object.fromEntries(q.dsos.map((d) => [d.dso, d.frames]))).toEqual(Object.fromEntries(perDso));
  });
});

describe.skipIf(!HAVE_PERF)("a recording with a small stack dump", () => {
  const dir = mkdtempSync(join(tmpdir(), "perfkit-stack-quality-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("--call-graph dwarf,256: truncated stacks are counted and a larger size is suggested", () => {
    const file = join(dir, "small.data");
    const rec = Bun.spawnSync(
      [
        "perf",
        "record",
        "-q",
        "-e",
        "cpu-clock",
        "-F",
        "999",
        "--call-graph",
        "dwarf,256",
        "-o",
        file,
        "--",
        "dd",
        "if=/dev/zero",
        "of=/dev/null",
        "bs=512",
        "count=200000",
      ],
      { stderr: "pipe" },
    );
    expect(rec.exitCode).toBe(0);
    const q = summary(file, "report");
    expect(q.stackSize).toBe(256);
    expect(q.userStacks).toBeGreaterThan(0);
    expect(q.truncated / q.userStacks).toBeGreaterThan(0.5);
    expect(q.suggestedStackSize).toBeGreaterThan(256);
    const text = perfkit(["stack-quality", "-i", file]);
    expect(text.stdout).toContain(`--call-graph dwarf,${q.suggestedStackSize}`);
  });
});
