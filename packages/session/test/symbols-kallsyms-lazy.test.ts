/**
 * Lazily read kallsyms must answer every lookup as the whole-file parse does: aliases across
 * block boundaries, filtered types at block edges, module symbols after the kernel's, and a
 * file that turns out unsorted (then the whole file is parsed).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { KernelSymbols, kernelSymbolsFromKallsyms } from "../src/symbols/index.ts";
import { LazyKallsyms } from "../src/symbols/kallsyms-lazy.ts";
import { rng } from "./rng.ts";

const hex = (v: bigint) => v.toString(16).padStart(16, "0");

/** Kernel lines in address order (aliases, every type, odd names), then module lines. */
function synthetic(seed: number, lines: number, modules: boolean): string {
  const r = rng(seed);
  const types = ["T", "t", "W", "w", "D", "d", "B", "b", "r", "R", "A", "T", "t", "t"];
  let addr = 0xffffffff81000000n;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (r() > 0.3) addr += BigInt(1 + Math.floor(r() * 300));
    const name = `${"_".repeat(Math.floor(r() * 3))}sym${i}${r() < 0.1 ? "_long_name_here" : ""}`;
    out.push(`${hex(addr)} ${types[Math.floor(r() * types.length)]} ${r() < 0.02 ? "$x" : name}`);
  }
  if (modules) {
    let m = 0xffffffffc0001000n;
    for (let i = 0; i < 50; i++) {
      m += BigInt(Math.floor(r() * 500));
      out.push(`${hex(m)} ${r() < 0.5 ? "t" : "T"} mod_fn${i}\t[mod${i % 3}]`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** Lookups at, inside, at the end of and past every symbol, plus edges of the space. */
function expectSameLookups(eager: KernelSymbols, lazy: KernelSymbols): number {
  let n = 0;
  for (const s of eager.all.symbols()) {
    for (const a of [s.start, s.start + 1n, s.end - 1n, s.end, s.end + 5n]) {
      const x = eager.find(a);
      const y = lazy.find(a);
      expect(y?.name).toBe(x?.name);
      expect(y?.start).toBe(x?.start);
      expect(y?.end).toBe(x?.end);
      expect(y?.module).toBe(x?.module);
      n++;
    }
  }
  for (const a of [0n, 0xffffffff80000000n, 0xffffffffffffffffn]) expect(lazy.find(a)?.name).toBe(eager.find(a)?.name);
  return n;
}

describe("lazily read kallsyms", () => {
  for (const [seed, modules] of [
    [1, false],
    [2, true],
    [3, true],
  ] as const) {
    test(`synthetic file ${seed}${modules ? " with modules" : ""}, 64-byte blocks`, () => {
      const bytes = new TextEncoder().encode(synthetic(seed, 3000, modules));
      const lazy = LazyKallsyms.open(bytes, 64);
      expect(lazy).not.toBeNull();
      const n = expectSameLookups(kernelSymbolsFromKallsyms(bytes), new KernelSymbols(lazy!));
      expect(n).toBeGreaterThan(1000);
    });
  }

  test("kernel lines out of order: found out at a lookup, answered from the whole file", () => {
    const text = synthetic(4, 2000, false).split("\n");
    // Swap two far-apart lines: block heads stay sorted, a block's inside does not.
    const i = 700;
    const j = 1500;
    [text[i], text[j]] = [text[j]!, text[i]!];
    const bytes = new TextEncoder().encode(text.join("\n"));
    const lazy = LazyKallsyms.open(bytes, 4096);
    const eager = kernelSymbolsFromKallsyms(bytes);
    if (lazy) expectSameLookups(eager, new KernelSymbols(lazy));
  });

  test("module lines among kernel addresses: not read lazily", () => {
    const bytes = new TextEncoder().encode("ffffffff81000000 T a\nffffffff81000100 T b\nffffffff81000080 t m\t[mod]\n");
    expect(LazyKallsyms.open(bytes, 16)).toBeNull();
  });

  const real = existsSync("/proc/kallsyms") ? readFileSync("/proc/kallsyms") : null;
  test.skipIf(!real || real.length < 100_000)("this machine's /proc/kallsyms", () => {
    const lazy = LazyKallsyms.open(real!);
    expect(lazy).not.toBeNull();
    const eager = kernelSymbolsFromKallsyms(real!);
    const k = new KernelSymbols(lazy!);
    // Every 37th symbol: a spread over the whole file keeps the test quick.
    const syms = eager.all.symbols().filter((_, i) => i % 37 === 0);
    for (const s of syms) for (const a of [s.start, s.end - 1n]) expect(k.find(a)?.name).toBe(eager.find(a)?.name);
  });
});
