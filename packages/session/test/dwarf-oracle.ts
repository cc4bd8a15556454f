/** Test helpers: render perfkit's unwinding like `perf script -F ip,sym,dso` and parse perf's output. */
import { openPerfData } from "@perfkit/format";
import { DwarfCache, perfChainEntries, type RecordingModule, unwindRecording } from "../src/dwarf/index.ts";
import { loadDsoSymbols, type SymbolTable } from "../src/symbols/index.ts";

/** One printed frame: address text, symbol, dso (or "inlined"). */
export type Frame = [addr: string, sym: string, dso: string];

/** perf script -F ip,sym,dso output → frames per sample. */
export function parsePerfFrames(text: string): Frame[][] {
  const out: Frame[][] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const frames: Frame[] = [];
    for (const line of block.split("\n")) {
      const m = /^\s+([0-9a-f]+) (.*) \((.*)\)$/.exec(line);
      if (m) frames.push([m[1]!, m[2]!, m[3]!]);
    }
    if (frames.length) out.push(frames);
  }
  return out;
}

/** perfkit's frames for every sample with frames (kernel: address only, sym "K"). */
export function perfkitFrames(path: string): { samples: Frame[][]; stops: Map<string, number>; ms: number } {
  const f = openPerfData(path);
  const cache = new DwarfCache();
  const syms = new Map<string, SymbolTable | null>();
  const symsOf = (m: RecordingModule) => {
    const key = `${m.name}\0${m.buildId}`;
    if (!syms.has(key)) syms.set(key, m.binary ? loadDsoSymbols(m.name, { buildId: m.buildId }) : null);
    return syms.get(key)!;
  };
  const samples: Frame[][] = [];
  const stops = new Map<string, number>();
  const t0 = performance.now();
  try {
    for (const u of unwindRecording(f, cache)) {
      stops.set(u.user.stop, (stops.get(u.user.stop) ?? 0) + 1);
      const frames: Frame[] = u.kernel.map((k) => [k.toString(16), "K", "[kernel.kallsyms]"]);
      for (const fr of u.user.frames) {
        const m = fr.module as RecordingModule | undefined;
        for (const e of perfChainEntries(fr.ip, m, m ? symsOf(m) : null))
          frames.push([e.addr.toString(16), e.sym ?? "[unknown]", e.inlined ? "inlined" : (m?.name ?? "[unknown]")]);
      }
      if (frames.length) samples.push(frames);
    }
  } finally {
    f.close();
    cache.close();
  }
  return { samples, stops, ms: performance.now() - t0 };
}

/** perf's frames with kernel symbols blanked (kernel symbolisation is not this module's job). */
export function perfFrames(path: string): Frame[][] {
  const r = Bun.spawnSync(["perf", "script", "-i", path, "-F", "ip,sym,dso"], { stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`perf script failed: ${r.stderr.toString()}`);
  return parsePerfFrames(r.stdout.toString()).map((fs) =>
    fs.map(([a, s, d]): Frame => (d === "[kernel.kallsyms]" ? [a, "K", d] : [a, s, d])),
  );
}
