/**
 * `perfkit pprof`: the gzipped profile.proto is decoded back with pprof-format and checked
 * against perf on the same file: per thread and event the sample counts, period sums and
 * stacks of `perf script`, and the mappings' build ids of `perf buildid-list`.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fixture, perf, perfkit } from "./helpers/perf.ts";

// perf and perfkit runs share two cores with other work: allow for a loaded machine.
setDefaultTimeout(60_000);

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const dir = mkdtempSync(join(tmpdir(), "perfkit-pprof-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The slice of pprof-format's decoded Profile this test reads (a dependency of the CLI package). */
type Num = number | bigint;
interface Decoded {
  sampleType: { type: Num; unit: Num }[];
  sample: { locationId: Num[]; value: Num[]; label: { key: Num; str: Num; num: Num }[] }[];
  mapping: { id: Num; memoryStart: Num; memoryLimit: Num; filename: Num; buildId: Num }[];
  location: { id: Num; mappingId: Num; address: Num; line: { functionId: Num }[] }[];
  function: { id: Num; name: Num; filename: Num }[];
  stringTable: { strings: string[] };
}
const PPROF = join(import.meta.dir, "..", "packages", "cli", "node_modules", "pprof-format", "dist", "esm", "index.js");
const { Profile } = (await import(PPROF)) as { Profile: { decode(b: Uint8Array): Decoded } };

function pprof(name: string, extra: string[] = []): Decoded {
  const out = join(dir, `${name}.pb.gz`);
  const r = perfkit(["pprof", "-o", out, "-i", fixture(`${name}.data`), ...extra]);
  expect(r.code).toBe(0);
  const gz = readFileSync(out);
  expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
  return Profile.decode(gunzipSync(gz));
}

interface Summary {
  count: number;
  weight: number;
  stacks: string[];
}

/** Per "tid event": counts, period sums and sorted leaf-first stacks `sym@dso`. */
function fromProfile(p: Decoded): Map<string, Summary> {
  const s = p.stringTable.strings;
  const loc = new Map(p.location.map((l) => [Number(l.id), l]));
  const fn = new Map(p.function.map((f) => [Number(f.id), f]));
  const types = p.sampleType.map((t) => s[Number(t.type)]!);
  const by = new Map<string, Summary>();
  for (const smp of p.sample) {
    const label = (k: string) => smp.label.find((l) => s[Number(l.key)] === k)!;
    const tid = Number(label("tid").num);
    const event = s[Number(label("event").str)]!;
    const stack = smp.locationId
      .map((id) => {
        const f = fn.get(Number(loc.get(Number(id))!.line[0]!.functionId))!;
        return `${s[Number(f.name)]}@${s[Number(f.filename)]}`;
      })
      .join(";");
    const count = Number(smp.value[0]);
    const col = types.findIndex((_t, i) => i > 0 && smp.value[i] !== 0 && smp.value[i] !== 0n);
    const key = `${tid} ${event}`;
    const e = by.get(key) ?? { count: 0, weight: 0, stacks: [] };
    e.count += count;
    e.weight += col > 0 ? Number(smp.value[col]) : 0;
    for (let i = 0; i < count; i++) e.stacks.push(stack);
    by.set(key, e);
  }
  for (const e of by.values()) e.stacks.sort();
  return by;
}

/** The same summary from perf script. */
function fromPerf(name: string): Map<string, Summary> {
  const r = perf(["script", "-F", "tid,period,event,ip,sym,dso", "--full-source-path", "-i", fixture(`${name}.data`)]);
  const events = perf(["evlist", "-i", fixture(`${name}.data`)])
    .stdout.trim()
    .split("\n");
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
  const by = new Map<string, Summary>();
  for (const smp of samples) {
    const e = by.get(smp.key) ?? { count: 0, weight: 0, stacks: [] };
    e.count++;
    e.weight += smp.weight;
    e.stacks.push(smp.frames.join(";"));
    by.set(smp.key, e);
  }
  for (const e of by.values()) e.stacks.sort();
  return by;
}

describe.skipIf(!HAVE_PERF)("perfkit pprof", () => {
  for (const name of ["fp", "multi", "sys", "plain", "pipe"])
    test(`samples, periods and stacks per thread and event = perf script: ${name}`, () => {
      const got = fromProfile(pprof(name));
      const want = fromPerf(name);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [k, v] of want) expect(got.get(k)).toEqual(v);
    });

  test("mappings carry the build ids perf knows, and every location is inside its mapping", () => {
    const p = pprof("fp");
    const s = p.stringTable.strings;
    const ids = new Map<string, string>();
    for (const line of perf(["buildid-list", "-i", fixture("fp.data")])
      .stdout.trim()
      .split("\n")) {
      const [id, path] = line.split(" ");
      ids.set(path!, id!);
    }
    const maps = new Map(p.mapping.map((m) => [Number(m.id), m]));
    let checked = 0;
    for (const m of p.mapping) {
      const file = s[Number(m.filename)]!;
      const want = ids.get(file);
      if (want !== undefined) {
        expect(s[Number(m.buildId)]).toBe(want);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    for (const l of p.location) {
      if (Number(l.mappingId) === 0) continue;
      const m = maps.get(Number(l.mappingId))!;
      expect(BigInt(l.address) >= BigInt(m.memoryStart) && BigInt(l.address) < BigInt(m.memoryLimit)).toBe(true);
    }
  });

  test("value columns: samples/count, then one per event (cpu-clock as cpu/nanoseconds)", () => {
    const p = pprof("multi");
    const s = p.stringTable.strings;
    const cols = p.sampleType.map((t) => `${s[Number(t.type)]}/${s[Number(t.unit)]}`);
    expect(cols[0]).toBe("samples/count");
    expect(cols).toContain("cpu/nanoseconds");
    expect(cols).toContain("page-faults/count");
    const one = pprof("multi", ["-e", "cpu-clock"]);
    expect(one.sampleType.length).toBe(2);
  });

  test("bad input: one line, status 1", () => {
    for (const args of [
      ["-i", join(dir, "missing.data")],
      ["-e", "nope", "-i", fixture("fp.data")],
    ]) {
      const r = perfkit(["pprof", "-o", join(dir, "x.pb.gz"), ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});
