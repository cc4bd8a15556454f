/** Throughput check: unwind + symbolise + inline-expand the fixture's samples N times (warm caches). */
import { join } from "node:path";
import { openPerfData } from "@perfkit/format";
import { DwarfCache, perfChainEntries, type RecordingModule, unwindRecording, unwindUser } from "../src/dwarf/index.ts";
import { loadDsoSymbols, type SymbolTable } from "../src/symbols/index.ts";
import { FIXTURES } from "./perf-oracle.ts";

const path = process.argv[2] ?? join(FIXTURES, "dwarf/inline.data");
const target = Number(process.argv[3] ?? 100_000);
const cache = new DwarfCache();
const f = openPerfData(path);
const items = [...unwindRecording(f, cache)].filter((u) => u.user.frames.length > 0);
const syms = new Map<string, SymbolTable | null>();
let frames = 0;
const t0 = performance.now();
let n = 0;
while (n < target) {
  for (const u of items) {
    const mods = u.user.frames.map((x) => x.module!);
    const lookup = (a: bigint) => mods.find((m) => a >= m.start && a < m.end);
    const r = unwindUser({ regs: u.sample.regsUser!, stack: u.sample.stackUser! }, lookup);
    for (const fr of r.frames) {
      const m = fr.module as RecordingModule;
      let s = syms.get(m.name);
      if (s === undefined) {
        s = loadDsoSymbols(m.name, { buildId: m.buildId });
        syms.set(m.name, s);
      }
      frames += perfChainEntries(fr.ip, m, s, { srcline: true }).length;
    }
    if (++n >= target) break;
  }
}
const ms = performance.now() - t0;
console.log(
  `${n} samples, ${frames} callchain entries in ${ms.toFixed(0)} ms (${((n / ms) * 1000).toFixed(0)} samples/s)`,
);
