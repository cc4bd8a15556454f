/**
 * Small perf Python scripts (test/scripts/*.py) ported line by line to the session API; each
 * test runs the original with `perf script -s` on the same fixture and compares the results.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { PerfData, Session } from "../src/index.ts";
import { FIXTURES, HAVE_PERF, perf } from "./perf-oracle.ts";

const SCRIPTS = join(import.meta.dir, "scripts");
const HAVE_PYTHON = HAVE_PERF && Bun.spawnSync(["perf", "script", "-g", "python", "-i", "/dev/null"]).exitCode !== 127;

function python(script: string, data: string): string {
  return perf(["script", "-s", join(SCRIPTS, script), "-i", join(FIXTURES, data)]);
}

/** Python's `"%s" % sorted(d)` order for ASCII keys. */
function sortedKeys(m: Map<string, number>): string[] {
  return [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function inc(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

for (const data of ["fp.data", "plain.data", "pipe.data"]) {
  test.skipIf(!HAVE_PYTHON)(`count.py (samples per comm/pid, per symbol, folded stacks) on ${data}`, () => {
    const byComm = new Map<string, number>();
    const bySym = new Map<string, number>();
    const stacks = new Map<string, number>();
    using pd = new PerfData({ path: join(FIXTURES, data) });
    using session = new Session(pd, {
      sample(ev) {
        inc(byComm, `${ev.comm}/${ev.samplePid}`);
        inc(bySym, `${ev.symbol ?? "[unknown]"} ${ev.dso ?? "[unknown]"}`);
        // perf's Python dict always has "callchain" (empty without -g): null here.
        const frames: string[] = [];
        for (const node of ev.callchain ?? []) frames.push(node.symbol);
        inc(stacks, frames.reverse().join(";"));
      },
    });
    session.processEvents();
    const out: string[] = [];
    for (const k of sortedKeys(byComm)) out.push(`comm ${k} ${byComm.get(k)}`);
    for (const k of sortedKeys(bySym)) out.push(`sym ${k} ${bySym.get(k)}`);
    for (const k of sortedKeys(stacks)) out.push(`stack ${k} ${stacks.get(k)}`);
    expect(`${out.join("\n")}\n`).toBe(python("count.py", data));
  });
}

for (const data of ["tp.data", "pipe-tp.data"]) {
  test.skipIf(!HAVE_PYTHON)(`syscall-counts.py (raw_syscalls:sys_enter by comm and id) on ${data}`, () => {
    const counts = new Map<string, number>();
    using pd = new PerfData({ path: join(FIXTURES, data) });
    using session = new Session(pd, {
      sample(ev) {
        if (ev.evsel.name !== "raw_syscalls:sys_enter") return;
        inc(counts, `${ev.comm} ${ev.field("id")}`);
      },
    });
    session.processEvents();
    const out = sortedKeys(counts).map((k) => `${k} ${counts.get(k)}`);
    expect(`${out.join("\n")}\n`).toBe(python("syscall-counts.py", data));
  });
}
