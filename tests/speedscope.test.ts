/**
 * `perfkit speedscope`: validated against speedscope's file format schema (the published
 * file-format-schema.json, as a check written from it: required keys, types, unit enum, frame
 * indices, samples/weights lengths), with per-thread-and-event sample counts, weights (periods)
 * and stacks compared with `perf script` on the same file.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, perf, perfkit } from "./helpers/perf.ts";

// perf and perfkit runs share two cores with other work: allow for a loaded machine.
setDefaultTimeout(60_000);

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const dir = mkdtempSync(join(tmpdir(), "perfkit-speedscope-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UNITS = ["none", "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes"];

interface Frame {
  name: string;
  file?: string;
  line?: number;
  col?: number;
}
interface Sampled {
  type: "sampled";
  name: string;
  unit: string;
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}
interface File {
  $schema: string;
  shared: { frames: Frame[] };
  profiles: Sampled[];
  name?: string;
  activeProfileIndex?: number;
  exporter?: string;
}

/** The schema's rules for a file of sampled profiles. */
function checkSchema(f: File): void {
  expect(f.$schema).toBe("https://www.speedscope.app/file-format-schema.json");
  expect(
    Object.keys(f).every((k) =>
      ["$schema", "shared", "profiles", "name", "activeProfileIndex", "exporter"].includes(k),
    ),
  ).toBe(true);
  expect(Array.isArray(f.shared.frames)).toBe(true);
  for (const fr of f.shared.frames) {
    expect(typeof fr.name).toBe("string");
    if (fr.file !== undefined) expect(typeof fr.file).toBe("string");
    for (const k of Object.keys(fr)) expect(["name", "file", "line", "col"]).toContain(k);
  }
  expect(Array.isArray(f.profiles)).toBe(true);
  if (f.name !== undefined) expect(typeof f.name).toBe("string");
  if (f.exporter !== undefined) expect(typeof f.exporter).toBe("string");
  if (f.activeProfileIndex !== undefined) {
    expect(Number.isInteger(f.activeProfileIndex)).toBe(true);
    expect(f.activeProfileIndex).toBeLessThan(Math.max(1, f.profiles.length));
  }
  const n = f.shared.frames.length;
  for (const p of f.profiles) {
    expect(p.type).toBe("sampled");
    expect(typeof p.name).toBe("string");
    expect(UNITS).toContain(p.unit);
    expect(typeof p.startValue).toBe("number");
    expect(typeof p.endValue).toBe("number");
    expect(p.endValue).toBeGreaterThanOrEqual(p.startValue);
    expect(p.samples.length).toBe(p.weights.length);
    for (const s of p.samples) for (const i of s) expect(Number.isInteger(i) && i >= 0 && i < n).toBe(true);
    for (const w of p.weights) expect(typeof w).toBe("number");
  }
}

function speedscope(name: string, extra: string[] = []): File {
  const out = join(dir, `${name}.json`);
  const r = perfkit(["speedscope", "-o", out, "-i", fixture(`${name}.data`), ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(out, "utf8"));
}

/** perf script per "tid event": sample count, period sum and the stacks (root first, `sym@dso`). */
function perfProfiles(name: string): Map<string, { count: number; weight: number; stacks: string[] }> {
  const r = perf(["script", "-F", "tid,period,event,ip,sym,dso", "-i", fixture(`${name}.data`)]);
  const events = perf(["evlist", "-i", fixture(`${name}.data`)])
    .stdout.trim()
    .split("\n");
  const by = new Map<string, { count: number; weight: number; stacks: string[] }>();
  // A sample starts at a "tid period event:" line (frames follow on their own lines when recorded).
  const samples: { key: string; weight: number; frames: string[] }[] = [];
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const head = /^\s*(\d+)\s+(\d+)\s+(\S+):\s*(.*)$/.exec(line);
    let frameText = line;
    if (head && events.includes(head[3]!)) {
      samples.push({ key: `${head[1]} ${head[3]}`, weight: Number(head[2]), frames: [] });
      frameText = head[4]!;
    }
    if (frameText.trim() === "") continue;
    const m = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(frameText)!;
    samples[samples.length - 1]!.frames.push(`${m[1]!.replace(/\+0x[0-9a-f]+$/, "")}@${m[2]}`);
  }
  for (const s of samples) {
    const p = by.get(s.key) ?? { count: 0, weight: 0, stacks: [] };
    p.count++;
    p.weight += s.weight;
    p.stacks.push(s.frames.reverse().join(";"));
    by.set(s.key, p);
  }
  return by;
}

describe("perfkit speedscope", () => {
  for (const name of ["fp", "plain", "multi", "sys", "switch", "tp", "pipe", "zstd"])
    test(`schema: ${name}`, () => checkSchema(speedscope(name)));

  test.skipIf(!HAVE_PERF)("one profile per thread and event; counts, weights and stacks = perf script", () => {
    for (const name of ["fp", "multi", "sys"]) {
      const f = speedscope(name);
      const want = perfProfiles(name);
      const got = new Map<string, { count: number; weight: number; stacks: string[] }>();
      for (const p of f.profiles) {
        const m = /\(\d+\/(\d+)\) \[(.*)\]$/.exec(p.name)!;
        const stacks = p.samples.map((s) =>
          s.map((i) => `${f.shared.frames[i]!.name.replace(/ \[kernel\]$/, "")}@${f.shared.frames[i]!.file}`).join(";"),
        );
        got.set(`${m[1]} ${m[2]}`, { count: p.samples.length, weight: p.weights.reduce((a, b) => a + b, 0), stacks });
      }
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [k, v] of want) expect(got.get(k)).toEqual(v);
    }
  });

  test("cpu-clock weights are nanoseconds, other events none", () => {
    const f = speedscope("multi");
    for (const p of f.profiles) expect(p.unit).toBe(p.name.endsWith("[cpu-clock]") ? "nanoseconds" : "none");
  });

  test("-e picks one event; bad input is one line, status 1", () => {
    const f = speedscope("multi", ["-e", "page-faults"]);
    expect(f.profiles.every((p) => p.name.endsWith("[page-faults]"))).toBe(true);
    for (const args of [
      ["-i", join(dir, "missing.data")],
      ["-e", "nope", "-i", fixture("fp.data")],
    ]) {
      const r = perfkit(["speedscope", "-o", join(dir, "x.json"), ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
