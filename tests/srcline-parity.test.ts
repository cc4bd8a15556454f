/**
 * `perfkit script -F ...,srcline` against perf 6.1 on binaries without debug info, recorded now.
 *
 * perf 6.1 (util/srcline.c) asks binutils' addr2line about every printed frame. For a stripped
 * binary addr2line still names the nearest symbol (`func` / `??:?`), which perf reads as the
 * success `??:0`: printed from a dwarf frame's inline node (a frame with a symbol, --inline),
 * dropped by map__fprintf_srcline everywhere else; no symbol at all is a failure, printed as
 * `dso[addr]`. A dso's first 123 failures before any success make perf give up on it
 * (`a2l_fails`, A2L_FAIL_LIMIT, `has_srcline`): every later lookup fails, so what is printed for
 * an address depends on the lookups before it, in print order.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { perf, perfkit, run } from "./helpers/perf.ts";

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;
const HAVE_GCC = Bun.spawnSync(["sh", "-c", "command -v gcc"]).exitCode === 0;

const VARIANTS: string[][] = [
  ["-F", "ip,sym,dso,srcline"],
  ["-F", "ip,sym,srcline"],
  ["-F", "ip,sym,dso,srcline", "--no-inline"],
  ["-F", "comm,tid,time,event,ip,sym,dso,srcline"],
  ["-F", "+srcline"],
];

function record(file: string, callGraph: string[], command: string[]): void {
  const r = perf(["record", "-q", "-e", "cpu-clock", "-F", "2000", ...callGraph, "-o", file, "--", ...command]);
  if (r.code !== 0) throw new Error(`perf record failed: ${r.stderr}`);
}

function compare(file: string, args: string[]): void {
  const want = perf(["script", "-i", file, ...args]);
  const got = perfkit(["script", "-i", file, ...args]);
  expect(got.code).toBe(want.code);
  if (got.stdout === want.stdout) return;
  // Show where they part (with perf's warnings: an addr2line that timed out is perf's own miss).
  const a = want.stdout.split("\n");
  const b = got.stdout.split("\n");
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const at = (l: string[]) => l.slice(Math.max(0, i - 6), i + 6).join("\n");
  expect(`line ${i + 1}:\n${at(b)}`).toBe(`line ${i + 1}:\n${at(a)}\n${want.stderr}`);
}

/** Frames of `dso` in `-F ip,sym,dso,srcline` output, with the srcline line perf printed (null: none). */
function framesOf(script: string, dso: string): { addr: string; srcline: string | null }[] {
  const lines = script.split("\n");
  const out: { addr: string; srcline: string | null }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^\t\s*([0-9a-f]+) .*\((\S+)\)$/.exec(lines[i]!);
    if (!m || m[2] !== dso) continue;
    const next = lines[i + 1] ?? "";
    out.push({ addr: m[1]!, srcline: next.startsWith("  ") ? next.trim() : null });
  }
  return out;
}

describe.skipIf(!HAVE_PERF)("srcline of system binaries without debug info (ls, sh)", () => {
  let dir = "";
  const files: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "perfkit-srcline-"));
    const work = ["sh", "-c", "for i in 1 2 3 4 5 6 7 8; do ls -laR /usr/share/doc /usr/include >/dev/null; done"];
    files.fp = join(dir, "fp.data");
    files.dwarf = join(dir, "dwarf.data");
    record(files.fp, ["-g"], work);
    record(files.dwarf, ["--call-graph", "dwarf,4096"], work);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the recording has ls frames addr2line answers with a symbol only (perf prints no line)", () => {
    const frames = framesOf(perf(["script", "-i", files.fp!, "-F", "ip,sym,dso,srcline"]).stdout, "/usr/bin/ls");
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.some((f) => f.srcline === null)).toBe(true);
    expect(frames.some((f) => f.srcline?.startsWith("ls["))).toBe(true);
  });

  for (const mode of ["fp", "dwarf"])
    for (const args of VARIANTS)
      test(`${mode}: perfkit script ${args.join(" ")} = perf script`, () => compare(files[mode]!, args));
});

/**
 * A stripped program whose only exported function (`anchor`) lies between `early` and `late`:
 * `main`/`early` frames fail (no symbol below them), so perf gives up on the binary after 123 of
 * them, and `late`, which addr2line names `anchor` (a success), is then printed as `prog[addr]`.
 */
const PROGRAM = `volatile unsigned long sink;
static void early(long n);
static void late(long n);
int main(void) { early(400000000); late(400000000); return 0; }
__attribute__((noinline)) static void early(long n) { for (long i = 0; i < n; i++) sink += i * i; }
__attribute__((noinline)) void anchor(void) { sink++; }
__attribute__((noinline)) static void late(long n) { for (long i = 0; i < n; i++) sink += i ^ 3; }
`;

/** The same, `late` run first: after one success perf never gives up on the dso (a2l_fails = 0). */
const SUCCESS_FIRST = PROGRAM.replace(
  "early(400000000); late(400000000);",
  "late(100000000); early(400000000); late(100000000);",
);

describe.skipIf(!HAVE_PERF || !HAVE_GCC)("perf gives up on a dso after 123 failed lookups (a2l_fails)", () => {
  let dir = "";
  let prog = "";
  const files: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "perfkit-srcline-giveup-"));
    prog = join(dir, "prog");
    writeFileSync(join(dir, "prog.c"), PROGRAM);
    writeFileSync(join(dir, "dyn.list"), "{ anchor; };\n");
    const cc = run([
      "gcc",
      "-O0",
      "-fno-omit-frame-pointer",
      "-s",
      `-Wl,--dynamic-list=${join(dir, "dyn.list")}`,
      "-o",
      prog,
      join(dir, "prog.c"),
    ]);
    if (cc.code !== 0) throw new Error(`gcc failed: ${cc.stderr}`);
    writeFileSync(join(dir, "first.c"), SUCCESS_FIRST);
    const first = join(dir, "first");
    const cc2 = run([
      "gcc",
      "-O0",
      "-s",
      `-Wl,--dynamic-list=${join(dir, "dyn.list")}`,
      "-o",
      first,
      join(dir, "first.c"),
    ]);
    if (cc2.code !== 0) throw new Error(`gcc failed: ${cc2.stderr}`);
    files.first = join(dir, "first.data");
    record(files.first, ["-g"], [first]);
    files.fp = join(dir, "fp.data");
    files.dwarf = join(dir, "dwarf.data");
    record(files.fp, ["-g"], [prog]);
    record(files.dwarf, ["--call-graph", "dwarf,4096"], [prog]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("perf prints prog[addr] for an address addr2line resolves (to anchor)", () => {
    const frames = framesOf(perf(["script", "-i", files.fp!, "-F", "ip,sym,dso,srcline"]).stdout, prog);
    const late = frames.filter((f) => f.srcline?.startsWith("prog[")).map((f) => f.addr);
    const named = run(["addr2line", "-f", "-e", prog, ...new Set(late)]).stdout.split("\n");
    expect(named.filter((l, i) => i % 2 === 0 && l === "anchor").length).toBeGreaterThan(0);
  });

  for (const mode of ["fp", "dwarf"])
    for (const args of VARIANTS)
      test(`${mode}: perfkit script ${args.join(" ")} = perf script`, () => compare(files[mode]!, args));

  test("a success first: no give-up after hundreds of later failures (perfkit script = perf script)", () =>
    compare(files.first!, ["-F", "ip,sym,dso,srcline"]));
});
