/**
 * `perfkit gecko`: the profile is checked against the gecko profile format of the Firefox
 * Profiler (a structural type check written from the format: meta, categories, per-thread
 * string/frame/stack tables with their schemas, samples in ms), its sample counts and stacks
 * against `perf script` on the same file, and the local server answers, then stops.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, perf, perfkit, ROOT } from "./helpers/perf.ts";

// perf and perfkit runs share two cores with other work: allow for a loaded machine.
setDefaultTimeout(60_000);

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const dir = mkdtempSync(join(tmpdir(), "perfkit-gecko-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function obj(v: Json | undefined, what: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${what}: not an object`);
  return v;
}
function arr(v: Json | undefined, what: string): Json[] {
  if (!Array.isArray(v)) throw new Error(`${what}: not an array`);
  return v;
}
function int(v: Json | undefined, what: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v >= hi)
    throw new Error(`${what}: ${v} not an integer in [${lo}, ${hi})`);
  return v;
}
/** A table's schema must map exactly these columns to 0..n-1. */
function schema(v: Json | undefined, cols: string[], what: string): void {
  const s = obj(v, what);
  expect(Object.keys(s).sort()).toEqual([...cols].sort());
  cols.forEach((c) => {
    int(s[c], `${what}.${c}`, 0, cols.length);
  });
}

/** The gecko profile format's invariants; returns per thread its sample count and named stacks. */
function checkGecko(p: Obj): { name: string; tid: number; pid: number; stacks: string[][]; times: number[] }[] {
  const meta = obj(p.meta, "meta");
  expect(typeof meta.version).toBe("number");
  expect(typeof meta.interval).toBe("number");
  expect(meta.interval as number).toBeGreaterThan(0);
  expect(typeof meta.startTime).toBe("number");
  expect(typeof meta.product).toBe("string");
  const cats = arr(meta.categories, "meta.categories").map((c, i) => obj(c, `category ${i}`));
  expect(cats.map((c) => c.name)).toEqual(["User", "Kernel"]);
  for (const c of cats) {
    expect(typeof c.color).toBe("string");
    expect(arr(c.subcategories, "subcategories").length).toBeGreaterThan(0);
  }
  arr(p.libs, "libs");
  arr(p.processes, "processes");
  return arr(p.threads, "threads").map((tv, ti) => {
    const t = obj(tv, `thread ${ti}`);
    expect(typeof t.name).toBe("string");
    int(t.tid, "tid", -1, 2 ** 31);
    int(t.pid, "pid", -1, 2 ** 31);
    expect(t.processType).toBe("default");
    const strings = arr(t.stringTable, "stringTable");
    for (const s of strings) expect(typeof s).toBe("string");
    const ft = obj(t.frameTable, "frameTable");
    const fcols = [
      "location",
      "relevantForJS",
      "innerWindowID",
      "implementation",
      "optimizations",
      "line",
      "column",
      "category",
      "subcategory",
    ];
    schema(ft.schema, fcols, "frameTable.schema");
    const fs = obj(ft.schema, "schema");
    const frames = arr(ft.data, "frameTable.data").map((r, i) => {
      const row = arr(r, `frame ${i}`);
      expect(row.length).toBe(fcols.length);
      const loc = int(row[fs.location as number], "frame location", 0, strings.length);
      const cat = int(row[fs.category as number], "frame category", 0, cats.length);
      int(row[fs.subcategory as number], "frame subcategory", 0, arr(cats[cat]!.subcategories, "sub").length);
      expect(typeof row[fs.relevantForJS as number]).toBe("boolean");
      return { name: strings[loc] as string, cat };
    });
    const st = obj(t.stackTable, "stackTable");
    schema(st.schema, ["prefix", "frame"], "stackTable.schema");
    const ss = obj(st.schema, "schema");
    const stacks: string[][] = [];
    arr(st.data, "stackTable.data").forEach((r, i) => {
      const row = arr(r, `stack ${i}`);
      const prefix = row[ss.prefix as number];
      const frame = int(row[ss.frame as number], "stack frame", 0, frames.length);
      // A prefix always points to an earlier stack.
      const up = prefix === null ? [] : stacks[int(prefix, "stack prefix", 0, i)]!;
      stacks.push([...up, frames[frame]!.name]);
    });
    const sm = obj(t.samples, "samples");
    schema(sm.schema, ["stack", "time", "responsiveness"], "samples.schema");
    const ms = obj(sm.schema, "schema");
    const out: string[][] = [];
    const times: number[] = [];
    let last = -Infinity;
    for (const r of arr(sm.data, "samples.data")) {
      const row = arr(r, "sample");
      const s = row[ms.stack as number];
      const time = row[ms.time as number];
      expect(typeof time).toBe("number");
      // Times are in ms and never go back within a thread (perf delivers in time order).
      expect(time as number).toBeGreaterThanOrEqual(last);
      last = time as number;
      times.push(time as number);
      out.push(s === null ? [] : stacks[int(s, "sample stack", 0, stacks.length)]!);
    }
    const m = obj(t.markers, "markers");
    schema(m.schema, ["name", "startTime", "endTime", "phase", "category", "data"], "markers.schema");
    return { name: t.name as string, tid: t.tid as number, pid: t.pid as number, stacks: out, times };
  });
}

function gecko(name: string, extra: string[] = []): Obj {
  const out = join(dir, `${name}.json`);
  const r = perfkit(["gecko", "--save-only", out, "-i", fixture(`${name}.data`), ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(out, "utf8"));
}

/** perf script's samples: per tid, the callchain (outermost first) as `sym (in dso)` names. */
function perfStacks(name: string): Map<number, string[][]> {
  const r = perf(["script", "-F", "tid,ip,sym,dso", "-i", fixture(`${name}.data`)]);
  const by = new Map<number, string[][]>();
  for (const block of r.stdout.split("\n\n")) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    const head = /^\s*(\d+)\s*(.*)$/.exec(lines[0]!)!;
    const tid = Number(head[1]);
    const frameLines = head[2]!.trim() ? [head[2]!, ...lines.slice(1)] : lines.slice(1);
    const frames = frameLines.map((l) => {
      const m = /^\s*[0-9a-f]+ (.*) \((.*)\)$/.exec(l)!;
      return `${m[1]!.replace(/\+0x[0-9a-f]+$/, "")} (in ${m[2]})`;
    });
    const list = by.get(tid) ?? [];
    list.push(frames.reverse());
    by.set(tid, list);
  }
  return by;
}

describe("perfkit gecko: the Firefox Profiler's gecko format", () => {
  for (const name of ["fp", "plain", "sys", "switch", "pipe", "zstd"])
    test(`valid profile: ${name}`, () => {
      const threads = checkGecko(gecko(name));
      expect(threads.length).toBeGreaterThan(0);
    });

  test.skipIf(!HAVE_PERF)("samples and stacks per thread = perf script (fp, sys)", () => {
    for (const name of ["fp", "sys"]) {
      const threads = checkGecko(gecko(name));
      const want = perfStacks(name);
      const got = new Map<number, string[][]>();
      for (const t of threads) got.set(t.tid, [...(got.get(t.tid) ?? []), ...t.stacks]);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [tid, stacks] of want) expect(got.get(tid)).toEqual(stacks);
    }
  });

  test("kernel frames carry the Kernel category", () => {
    const p = gecko("fp");
    const t = (p.threads as Obj[])[0]!;
    const strings = t.stringTable as string[];
    const rows = (t.frameTable as Obj).data as Json[][];
    const kernel = rows.filter((r) => r[7] === 1).map((r) => strings[r[0] as number]!);
    expect(kernel.length).toBeGreaterThan(0);
    for (const k of kernel) expect(k).toContain("(in [kernel.kallsyms])");
  });

  test("times are ms: the span matches perf script's timestamps", () => {
    const threads = checkGecko(gecko("fp"));
    const r = perf(["script", "-F", "time", "-i", fixture("fp.data")]);
    const ts = r.stdout
      .trim()
      .split("\n")
      .map((l) => Number.parseFloat(l));
    const spanMs = (ts[ts.length - 1]! - ts[0]!) * 1000;
    const times = threads.flatMap((t) => t.times);
    expect(Math.abs(Math.max(...times) - Math.min(...times) - spanMs)).toBeLessThan(0.01);
  });

  test("several events: one track per thread and event; -e picks one", () => {
    const all = checkGecko(gecko("multi"));
    expect(all.some((t) => t.name.endsWith("[cpu-clock]"))).toBe(true);
    expect(all.some((t) => t.name.endsWith("[page-faults]"))).toBe(true);
    const one = checkGecko(gecko("multi", ["-e", "cpu-clock"]));
    expect(one.every((t) => !t.name.includes("["))).toBe(true);
    const total = (ts: typeof all) => ts.reduce((a, t) => a + t.stacks.length, 0);
    expect(total(one)).toBe(total(all.filter((t) => t.name.endsWith("[cpu-clock]"))));
  });

  test("bad input: one line, status 1", () => {
    for (const args of [
      ["-i", join(dir, "missing.data")],
      ["-e", "nope", "-i", fixture("fp.data")],
    ]) {
      const r = perfkit(["gecko", "--save-only", join(dir, "x.json"), ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  test("without --save-only: served on 127.0.0.1 with the profiler's CORS header, stops on SIGTERM", async () => {
    const p = Bun.spawn(["bun", join(ROOT, "packages/cli/src/main.ts"), "gecko", "-i", fixture("fp.data")], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = p.stdout.getReader();
    let text = "";
    const deadline = Date.now() + 20_000;
    while (!/Press Ctrl-C/.test(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const local = /Serving the profile on (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(text)?.[1];
    expect(local).toBeDefined();
    expect(text).toContain(`https://profiler.firefox.com/from-url/${encodeURIComponent(local!)}`);
    const res = await fetch(local!);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://profiler.firefox.com");
    checkGecko((await res.json()) as Obj);
    expect((await fetch(new URL("/etc/passwd", local!))).status).toBe(404);
    p.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    await expect(fetch(local!)).rejects.toThrow();
  }, 30_000);
});
