import { expect, test } from "bun:test";
import { join } from "node:path";
import { buildIdCachePath, loadDsoSymbols, loadKallsyms, mapIp, type SymbolTable } from "../src/symbols/index.ts";
import { FIXTURES, HAVE_PERF, perf } from "./perf-oracle.ts";

interface Mmap {
  pid: number;
  start: bigint;
  len: bigint;
  pgoff: bigint;
  path: string;
}

/** Build ids perf recorded in the file (HEADER_BUILD_ID), by DSO name. */
function buildIds(data: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of perf(["buildid-list", "-i", data]).split("\n")) {
    const m = /^([0-9a-f]+) (.+)$/.exec(line.trim());
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/** perf's own symbolisation of every sample: pid, ip, "sym+0xoff" or "[unknown]", dso. */
function perfSamples(data: string) {
  const text = perf(["script", "-F", "pid,ip,sym,symoff,dso", "--show-mmap-events", "-i", data]);
  const mmaps: Mmap[] = [];
  const samples: { pid: number; ip: bigint; sym: string; dso: string }[] = [];
  for (const line of text.split("\n")) {
    const mm =
      /PERF_RECORD_MMAP2? (-?\d+)\/-?\d+: \[0x([0-9a-f]+)\(0x([0-9a-f]+)\) @ (0x[0-9a-f]+|0)[^\]]*\]: \S+ (.+)$/.exec(
        line,
      );
    if (mm) {
      mmaps.push({
        pid: Number(mm[1]),
        start: BigInt(`0x${mm[2]}`),
        len: BigInt(`0x${mm[3]}`),
        pgoff: BigInt(mm[4]!),
        path: mm[5]!,
      });
      continue;
    }
    const s = /^\s*(\d+)\s+([0-9a-f]+) (.+) \((.+)\)$/.exec(line);
    if (s) samples.push({ pid: Number(s[1]), ip: BigInt(`0x${s[2]}`), sym: s[3]!, dso: s[4]! });
  }
  return { mmaps, samples };
}

function show(sym: { name: string; start: bigint } | null, addr: bigint): string {
  return sym ? `${sym.name}+0x${(addr - sym.start).toString(16)}` : "[unknown]";
}

test.skipIf(!HAVE_PERF)("user-space lookups match perf script on plain.data", () => {
  const data = join(FIXTURES, "plain.data");
  const ids = buildIds(data);
  const { mmaps, samples } = perfSamples(data);
  const tables = new Map<string, SymbolTable | null>();
  let compared = 0;
  const seen = new Set<string>();
  for (const s of samples) {
    if (s.dso.startsWith("[")) continue;
    const key = `${s.pid}:${s.ip}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const map = mmaps.findLast((m) => m.pid === s.pid && s.ip >= m.start && s.ip < m.start + m.len && m.path === s.dso);
    expect(map).toBeDefined();
    if (!tables.has(s.dso)) tables.set(s.dso, loadDsoSymbols(s.dso, { buildId: ids.get(s.dso) }));
    const table = tables.get(s.dso)!;
    const addr = mapIp(s.ip, map!.start, map!.pgoff);
    expect(`${s.ip.toString(16)} ${show(table?.find(addr) ?? null, addr)}`).toBe(`${s.ip.toString(16)} ${s.sym}`);
    compared++;
  }
  expect(compared).toBeGreaterThan(10);
});

test.skipIf(!HAVE_PERF)("kernel lookups match perf script on sys.data and fp.data callchains", () => {
  let compared = 0;
  for (const name of ["sys.data", "fp.data"]) {
    const data = join(FIXTURES, name);
    const bid = buildIds(data).get("[kernel.kallsyms]");
    expect(bid).toBeDefined();
    const kernel = loadKallsyms(buildIdCachePath(bid!, "kallsyms"));
    const text = perf(["script", "-F", "ip,sym,symoff,dso", "-i", data]);
    for (const line of new Set(text.split("\n"))) {
      const m = /^\s*([0-9a-f]+) (.+) \(\[kernel\.kallsyms\]\)$/.exec(line);
      if (!m) continue;
      const ip = BigInt(`0x${m[1]}`);
      expect(`${m[1]} ${show(kernel.find(ip), ip)}`).toBe(`${m[1]} ${m[2]}`);
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(30);
});
