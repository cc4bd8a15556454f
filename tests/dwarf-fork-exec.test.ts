/**
 * perf 6.1 unwinds `--call-graph dwarf` samples with libunwind (unwind-libunwind-local.c),
 * which biases a library's `.eh_frame_hdr` table by the LOWEST start among all of the
 * thread's maps of that dso. perf keeps a forked child's copy of its parent's maps through
 * exec, so a `dd` started by `sh` still "has" sh's libc mapping: when dd's own libc lies
 * above it (ASLR makes that a coin toss per process), no FDE is found for any libc pc,
 * libunwind falls back to its frame-chain guess, and most chains stop at the libc frame
 * (`read`/`write`). perfkit reproduces that (NumberMaps.perfCfiBias, unwindUser's fallback);
 * this test records such a process now and compares with perf byte for byte. Rarer samples
 * it may catch: `sh` returning from its SIGCHLD handler (a chain through `__restore_rt`, a
 * signal frame: see packages/session/test/dwarf-signal-frame.test.ts) and dd frames unwound into
 * a data segment (srcline `dd[addr]` through perf's map__rip_2objdump address).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { perf, perfkit } from "./helpers/perf.ts";

const HAVE_PERF = Bun.spawnSync(["perf", "version"]).exitCode === 0;

/** libc's load base (r-xp start - pgoff) per pid, with the comm that mapped it. */
function libcBases(file: string): Map<number, { comm: string; base: bigint }> {
  const out = new Map<number, { comm: string; base: bigint }>();
  const text = perf(["script", "-i", file, "--show-mmap-events", "-F", "comm,pid"]).stdout;
  const re =
    /^\s*(\S+)\s+(\d+)\s+PERF_RECORD_MMAP2 \d+\/\d+: \[0x([0-9a-f]+)\(0x[0-9a-f]+\) @ 0x([0-9a-f]+) .*r-xp .*\/libc\.so\.6$/gm;
  for (const m of text.matchAll(re)) {
    out.set(Number(m[2]), { comm: m[1]!, base: BigInt(`0x${m[3]}`) - BigInt(`0x${m[4]}`) });
  }
  return out;
}

/** The dd pids whose libc lies above the libc of the shell that forked them. */
function staleAffected(file: string): { affected: number[]; others: number[] } {
  const bases = libcBases(file);
  const sh = [...bases.values()].find((b) => b.comm === "sh");
  const affected: number[] = [];
  const others: number[] = [];
  for (const [pid, b] of bases) {
    if (b.comm !== "dd" || !sh) continue;
    (b.base > sh.base ? affected : others).push(pid);
  }
  return { affected, others };
}

/** User frames (non-kernel lines) of every sample block of `pid` whose leaf is libc's read or write. */
function syscallChains(script: string, pid: number): string[][] {
  const out: string[][] = [];
  for (const block of script.split("\n\n")) {
    const lines = block.split("\n");
    const head = lines[0]?.trim().split(/\s+/) ?? [];
    if (head[0] !== "dd" || Number(head[1]) !== pid) continue;
    const user = lines.slice(1).filter((l) => l.trim() !== "" && !l.includes("[kernel.kallsyms]"));
    if (user.length > 0 && /__GI___libc_(read|write)\+/.test(user[0]!)) out.push(user);
  }
  return out;
}

describe.skipIf(!HAVE_PERF)("fork+exec: a stale parent mapping of libc (perf's libunwind table bias)", () => {
  let dir = "";
  let file = "";
  let split: { affected: number[]; others: number[] } = { affected: [], others: [] };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "perfkit-dwarf-fork-exec-"));
    file = join(dir, "fe.data");
    // Eight children: each has an even chance of a libc above sh's; retry the rare miss.
    for (let attempt = 0; attempt < 4 && split.affected.length === 0; attempt++) {
      const r = perf([
        "record",
        "-q",
        "-e",
        "cpu-clock",
        "-c",
        "50000",
        "--call-graph",
        "dwarf,4096",
        "-o",
        file,
        "--",
        "sh",
        "-c",
        "for i in 1 2 3 4 5 6 7 8; do dd if=/dev/zero of=/dev/null bs=512 count=10000 2>/dev/null; done",
      ]);
      if (r.code !== 0) throw new Error(`perf record failed: ${r.stderr}`);
      split = staleAffected(file);
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // srcline too: ld.so's `_start` and libc's `__restore_rt` have no line row; addr2line names
  // the STT_FILE bfd pairs with the symbol (`:0`, `libc_sigaction.c:0`).
  for (const args of [[], ["-F", "ip,sym,dso"], ["-F", "ip,sym,dso,srcline"]])
    test(`perfkit script ${args.join(" ") || "(default)"} = perf script`, () => {
      const want = perf(["script", "-i", file, ...args]);
      const got = perfkit(["script", "-i", file, ...args]);
      expect(got.code).toBe(want.code);
      expect(got.stdout).toBe(want.stdout);
    });

  test("perf cuts libc read/write chains only in the dd whose libc lies above sh's", () => {
    expect(split.affected.length).toBeGreaterThan(0);
    const script = perf(["script", "-i", file]).stdout;
    let cut = 0;
    for (const pid of split.affected) for (const chain of syscallChains(script, pid)) if (chain.length === 1) cut++;
    expect(cut).toBeGreaterThan(0);
    // With a correct bias, the same leaf unwinds through dd into __libc_start_call_main.
    for (const pid of split.others)
      for (const chain of syscallChains(script, pid)) expect(chain.length).toBeGreaterThan(1);
  });
});
