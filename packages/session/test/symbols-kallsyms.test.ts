import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kernelSymbolsFromKallsyms, loadPerfMap, parseKallsyms, parsePerfMap } from "../src/symbols/index.ts";

const KALLSYMS = [
  "ffffffff81000000 T _text",
  "ffffffff81000000 T startup_64",
  "ffffffff81000100 t local_fn",
  "ffffffff81000200 A abs_sym",
  "ffffffff81000300 r rodata_sym",
  "ffffffff81000400 W weak_fn",
  "ffffffff81000500 D data_sym",
  "ffffffffc0001000 t mod_fn\t[mymod]",
  "ffffffffc0001100 T mod_fn2\t[mymod]",
  "ffffffffc0002000 t other\t[othermod]",
  "bad line",
  "",
].join("\n");

test("kallsyms: types kept as perf keeps them, ends from the next symbol, modules split", () => {
  expect(parseKallsyms(KALLSYMS)).toHaveLength(10);
  const k = kernelSymbolsFromKallsyms(KALLSYMS);
  // A (absolute) and r (rodata) are dropped; _text and startup_64 share an address: one kept.
  expect(k.all.symbols().map((s) => s.name)).toEqual([
    "startup_64",
    "local_fn",
    "weak_fn",
    "data_sym",
    "mod_fn",
    "mod_fn2",
    "other",
  ]);
  expect(k.find(0xffffffff81000250n)?.name).toBe("local_fn");
  // last kernel symbol before the modules: one page past its start, rounded to a page
  expect(k.find(0xffffffff81000500n + 0x500n)?.name).toBe("data_sym");
  expect(k.find(0xffffffff81003000n)).toBeNull();
  expect(k.find(0xffffffffc0001050n)).toMatchObject({ name: "mod_fn", module: "mymod" });
  expect(k.modules().sort()).toEqual(["mymod", "othermod"]);
  expect(k.table("mymod").size).toBe(2);
  expect(k.table(null).size).toBe(4);
  expect(() => kernelSymbolsFromKallsyms(1 as unknown as string)).toThrow(TypeError);
});

test("perf-PID.map: sizes kept, no end fix-up", () => {
  const t = parsePerfMap("7f0000001000 40 jit_one\n0x7f0000002000 0x10 Lambda::run(int)\ngarbage\n");
  expect(t.find(0x7f000000103fn)?.name).toBe("jit_one");
  expect(t.find(0x7f0000001040n)).toBeNull();
  expect(t.find(0x7f0000002008n)?.name).toBe("Lambda::run(int)");
  const dir = mkdtempSync(join(tmpdir(), "perfkit-map-"));
  try {
    const path = join(dir, "perf-123.map");
    writeFileSync(path, "1000 10 f\n");
    expect(loadPerfMap(123, path)?.find(0x1005n)?.name).toBe("f");
    expect(loadPerfMap(123, join(dir, "missing.map"))).toBeNull();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  expect(() => loadPerfMap(-1)).toThrow(TypeError);
});
