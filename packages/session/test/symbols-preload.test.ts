/**
 * Symbol tables loaded on a worker thread must be the tables loaded in place: the same
 * symbols (names, ranges, bindings) for the kernel and every DSO the fixtures name, and the
 * same resolution of every callchain.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadDsoSymbols, PerfData, resolveChain, Session, SymbolTable } from "../src/index.ts";
import { FIXTURES } from "./perf-oracle.ts";

/** Every distinct chain of a recording resolved to `name@start` strings. */
function resolvedChains(path: string, preloadSymbols: boolean): string[] {
  using data = new PerfData({ path });
  using session = new Session(data, {}, { preloadSymbols });
  const w = session.sampleWalk();
  const out: string[] = [];
  const seen = new Set<string>();
  while (w.next()) {
    if (w.chain < 0) continue;
    const key = `${w.pid}:${w.chain}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const space = { kernel: session.machine.kernelMaps.snapshot(), user: w.thread.maps.snapshot() };
    out.push(
      resolveChain(space, w.chains, w.chain)
        .map((r) => (r.sym ? `${r.sym.name}@${r.sym.start.toString(16)}-${r.sym.end.toString(16)}` : "?"))
        .join(";"),
    );
  }
  return out;
}

describe("symbol preloading", () => {
  for (const name of ["fp", "zstd", "inject"]) {
    test(`${name}.data: every chain resolves the same with and without the worker`, () => {
      const path = join(FIXTURES, `${name}.data`);
      const ahead = resolvedChains(path, true);
      expect(ahead.length).toBeGreaterThan(10);
      expect(ahead).toEqual(resolvedChains(path, false));
    });
  }

  test("SymbolTable columns round-trip: same symbols and lookups", () => {
    const table = loadDsoSymbols("/usr/lib/x86_64-linux-gnu/libc.so.6");
    if (!table) return;
    const back = SymbolTable.fromColumns(table.toColumns());
    const probes = table.symbols().filter((_, i) => i % 13 === 0);
    for (const s of probes) expect(back.find(s.start)).toEqual(s);
    expect(back.symbols()).toEqual(table.symbols());
    expect(() => SymbolTable.fromColumns({} as never)).toThrow(TypeError);
  });

  test("a bad preloadSymbols option is a TypeError", () => {
    using data = new PerfData({ path: join(FIXTURES, "fp.data") });
    expect(() => new Session(data, {}, { preloadSymbols: "yes" as never })).toThrow(TypeError);
  });
});
