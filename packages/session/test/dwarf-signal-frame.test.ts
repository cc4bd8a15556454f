/**
 * Signal frames. A sample taken in a signal handler unwinds through glibc's `__restore_rt`,
 * whose CIE carries augmentation "S". libunwind then looks the interrupted frame up at its pc
 * (use_prev_instr off) and perf 6.1 prints that pc as it is: `unw_is_signal_frame` is true
 * right after a step through a signal frame, so perf skips its `--ip`. Before perfkit modelled
 * this, one `sh` sample in `__restore_rt` made tests/dwarf-fork-exec.test.ts fail now and then
 * (`__GI___wait4+0x12` instead of `+0x13`). Here a program that spends most of its time in a
 * SIGALRM handler is recorded now and compared with perf, through both unwinders.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sample } from "@perfkit/format";
import { DwarfBinary, isDwarfMode, PerfData, Session } from "../src/index.ts";
import { perfFrames, perfkitFrames } from "./dwarf-oracle.ts";
import { HAVE_PERF } from "./perf-oracle.ts";

const HAVE_GCC = Bun.spawnSync(["gcc", "--version"]).exitCode === 0;

/** Busy main loop; a 1 ms SIGALRM timer whose handler spins for a while. */
const SOURCE = `#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
static volatile unsigned long sink;
static void __attribute__((noinline)) spin(unsigned long n) {
  for (unsigned long i = 0; i < n; i++) sink += i;
}
static void on_alarm(int sig) { (void)sig; spin(300000); }
int main(int argc, char **argv) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, 0);
  struct itimerval it = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_REAL, &it, 0);
  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 200;
  for (unsigned long k = 0; k < n; k++) spin(1000000);
  return 0;
}
`;

describe.skipIf(!HAVE_PERF || !HAVE_GCC)("a signal handler's samples (unwinding through __restore_rt)", () => {
  let dir = "";
  let data = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "perfkit-dwarf-signal-"));
    writeFileSync(join(dir, "sig.c"), SOURCE);
    const exe = join(dir, "sig");
    const b = Bun.spawnSync(["gcc", "-O2", "-g", "-o", exe, join(dir, "sig.c")], { stderr: "pipe" });
    if (b.exitCode !== 0) throw new Error(`gcc failed: ${b.stderr.toString()}`);
    data = join(dir, "sig.data");
    const r = Bun.spawnSync(
      ["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "--call-graph", "dwarf,4096", "-o", data, "--", exe],
      { stderr: "pipe" },
    );
    if (r.exitCode !== 0) throw new Error(`perf record failed: ${r.stderr.toString()}`);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("perfkit's frames = perf script -F ip,sym,dso, handler samples included", () => {
    const theirs = perfFrames(data);
    const mine = perfkitFrames(data).samples;
    expect(mine.length).toBe(theirs.length);
    for (let i = 0; i < theirs.length; i++)
      expect({ sample: i, frames: mine[i] }).toEqual({ sample: i, frames: theirs[i] });
    // Samples whose chain runs from the handler through the signal frame into the interrupted code.
    const through = theirs.filter((fs) => {
      const h = fs.findIndex((f) => f[1] === "on_alarm" || f[1] === "spin");
      return h >= 0 && fs.slice(h + 1).some((f) => f[1] === "main");
    });
    expect(through.length).toBeGreaterThan(10);
  });

  test("the Number unwinder agrees with the BigInt unwinder on every sample", () => {
    using pd = new PerfData({ path: data });
    using session = new Session(pd);
    let samples = 0;
    for (const p of session.records()) {
      if (p.record.type !== 9 || !p.evsel || !isDwarfMode(p.evsel.attr.sampleType)) continue;
      const s: Sample = p.record.sample();
      const space = session.machine.findnewThread(s.pid ?? -1, s.tid ?? -1).maps.snapshot();
      expect(session.dwarf.unwind(s, space)).toEqual(session.dwarf.unwindBigInt(s, space));
      samples++;
    }
    expect(samples).toBeGreaterThan(50);
  });
});

const DD = "/usr/bin/dd";

describe.skipIf(!existsSync(DD))("objdumpAddress (perf's map__rip_2objdump)", () => {
  test("file offset + .text's sh_addr - sh_offset, in every segment", () => {
    const bin = DwarfBinary.open(DD);
    const text = bin.elf.section(".text")!;
    const textOffset = text.addr - BigInt(text.offset);
    // A data-segment offset: perf prints `dd[offset + text_offset]` for a bogus frame there,
    // not the segment's own virtual address.
    const rw = bin.elf.segments.find((s) => s.type === 1 && s.vaddr - s.offset !== textOffset);
    const at = BigInt(text.offset) + 0x10n;
    expect(bin.objdumpAddress(at)).toBe(bin.fileOffsetToVaddr(at));
    if (rw) {
      const off = rw.offset + 8n;
      expect(bin.objdumpAddress(off)).toBe(off + textOffset);
      expect(bin.fileOffsetToVaddr(off)).not.toBe(off + textOffset);
    }
    expect(() => bin.objdumpAddress(1 as never)).toThrow(TypeError);
  });
});
