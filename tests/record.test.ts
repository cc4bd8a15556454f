/**
 * perfkit record end to end: the files it writes (file and pipe mode) are read by perf
 * (`perf report --stats`, `perf script`) without complaint, and perf and perfkit count the
 * same records.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages", "cli", "src", "main.ts");
const DIR = mkdtempSync(join(tmpdir(), "perfkit-record-"));
const DD = ["dd", "if=/dev/zero", "of=/dev/null", "bs=1k", "count=150000"];
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function run(cmd: string[], stdin?: Uint8Array): { out: string; err: string; code: number; bytes: Uint8Array } {
  const r = Bun.spawnSync(cmd, { stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe", cwd: DIR });
  return { out: r.stdout.toString(), err: r.stderr.toString(), code: r.exitCode ?? -1, bytes: r.stdout };
}

/** perf's warnings on stderr (perf prints none for a well-formed file). */
function warnings(err: string): string[] {
  return err.split("\n").filter((l) => l.trim() !== "" && !/^\s*$/.test(l));
}

function sampleCount(stats: string): number {
  return Number(/SAMPLE events:\s+(\d+)/.exec(stats)?.[1] ?? -1);
}

describe("perfkit record", () => {
  test("file mode: perf report --stats, perf script and perfkit agree", () => {
    const file = join(DIR, "plain.data");
    const rec = run(["bun", MAIN, "record", "-F", "2000", "-o", file, "--", ...DD]);
    expect(rec.code).toBe(0);
    expect(rec.err).toMatch(/perfkit record: Captured and wrote .* \(\d+ samples\)/);
    const perf = run(["perf", "report", "--stats", "-i", file]);
    expect(perf.code).toBe(0);
    expect(warnings(perf.err)).toEqual([]);
    const mine = run(["bun", MAIN, "report", "--stats", "-i", file]);
    expect(mine.code).toBe(0);
    expect(mine.out).toBe(perf.out);
    const samples = sampleCount(perf.out);
    expect(samples).toBeGreaterThan(10);
    expect(perf.out).toMatch(/COMM events/);
    expect(perf.out).toMatch(/MMAP2 events/);
    expect(perf.out).toMatch(/FINISHED_ROUND events/);
    const script = run(["perf", "script", "-F", "comm,pid,ip,sym,dso", "-i", file]);
    expect(script.code).toBe(0);
    expect(warnings(script.err)).toEqual([]);
    const lines = script.out.trim().split("\n");
    expect(lines.length).toBe(samples);
    // Every sample is dd's, and the kernel side is symbolised through the synthesised kernel map.
    expect(lines.filter((l) => !/^\s*dd\s+\d+/.test(l))).toEqual([]);
    expect(lines.some((l) => /\[kernel\.kallsyms\]/.test(l) && !/\[unknown\]/.test(l))).toBe(true);
    const header = run(["perf", "report", "--header-only", "-i", file]);
    for (const k of [
      "hostname",
      "os release",
      "arch",
      "nrcpus online",
      "cmdline : perfkit record",
      "event : name = cpu-clock",
    ]) {
      expect(header.out).toContain(k);
    }
  });

  test("pipe mode to stdout: perf reads it from stdin", () => {
    const rec = run(["bun", MAIN, "record", "-q", "-o", "-", "--", ...DD]);
    expect(rec.code).toBe(0);
    const perf = run(["perf", "report", "--stats", "-i", "-"], rec.bytes);
    expect(perf.code).toBe(0);
    expect(warnings(perf.err)).toEqual([]);
    expect(perf.out).toMatch(/ATTR events:\s+1/);
    expect(perf.out).toMatch(/FEATURE events/);
    const samples = sampleCount(perf.out);
    expect(samples).toBeGreaterThan(10);
    const script = run(["perf", "script", "-i", "-"], rec.bytes);
    expect(script.out.trim().split("\n").length).toBe(samples);
  });

  test("-g and -c: callchains and a fixed period that perf script shows", () => {
    const file = join(DIR, "fp.data");
    expect(run(["bun", MAIN, "record", "-g", "-c", "100000", "-o", file, "--", ...DD]).code).toBe(0);
    const script = run(["perf", "script", "-F", "period,ip,sym", "-i", file]);
    expect(script.code).toBe(0);
    expect(warnings(script.err)).toEqual([]);
    const periods = script.out.split("\n").filter((l) => /^\s*100000\s*$/.test(l) || /^\s*100000\s+\S/.test(l));
    expect(periods.length).toBeGreaterThan(5);
    // Callchain frames are indented lines under each sample.
    expect(script.out.split("\n").filter((l) => /^\s+[0-9a-f]+ \S/.test(l)).length).toBeGreaterThan(periods.length);
  });

  test("-a with a duration records other processes too", () => {
    const file = join(DIR, "sys.data");
    const r = run(["bun", MAIN, "record", "-a", "--duration", "300", "-o", file]);
    expect(r.code).toBe(0);
    const perf = run(["perf", "report", "--stats", "-i", file]);
    expect(perf.code).toBe(0);
    expect(warnings(perf.err)).toEqual([]);
    expect(sampleCount(perf.out)).toBeGreaterThan(0);
  });

  test("tracepoint events carry their formats: perf script decodes the fields, perfkit agrees", () => {
    const file = join(DIR, "tp.data");
    const cmd = ["sh", "-c", "ls /usr/bin > /dev/null; cat /etc/hostname > /dev/null"];
    expect(
      run(["bun", MAIN, "record", "-e", "sched:sched_switch,raw_syscalls:sys_enter", "-o", file, "--", ...cmd]).code,
    ).toBe(0);
    const perf = run(["perf", "script", "-i", file]);
    expect(perf.code).toBe(0);
    expect(warnings(perf.err)).toEqual([]);
    expect(perf.out).toMatch(/raw_syscalls:sys_enter: NR \d+ \(/);
    expect(perf.out).toMatch(/sched:sched_switch: prev_comm=\S+ prev_pid=\d+/);
    const ours = run(["bun", MAIN, "script", "-i", file]);
    expect(ours.out).toBe(perf.out);
    // Pipe mode carries them in a HEADER_TRACING_DATA record.
    const piped = run(["bun", MAIN, "record", "-e", "sched:sched_switch", "-o", "-", "--", ...cmd]);
    const fromPipe = run(["perf", "script", "-i", "-"], piped.bytes);
    expect(fromPipe.code).toBe(0);
    expect(fromPipe.out).toMatch(/sched:sched_switch: prev_comm=/);
  });

  test("bad arguments give clear errors", () => {
    const bad = run(["bun", MAIN, "record", "-e", "no-such-event", "-o", join(DIR, "x.data"), "--", "true"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no-such-event/);
    const both = run(["bun", MAIN, "record", "-F", "10", "-c", "10", "--", "true"]);
    expect(both.err).toMatch(/-F and -c/);
    const noCmd = run(["bun", MAIN, "record", "-o", join(DIR, "y.data")]);
    expect(noCmd.err).toMatch(/command/);
  });
});
