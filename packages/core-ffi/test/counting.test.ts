import { describe, expect, test } from "bun:test";
import { CpuMap, Evsel, parseEventSpecs, parseEvents, ThreadMap } from "@perfkit/core-ffi";
import { perfStat } from "./helpers.ts";

const WORKLOAD = ["dd", "if=/dev/zero", "of=/dev/null", "bs=1M", "count=200"];

/**
 * Counts `events` on WORKLOAD the way perf stat does: the child waits on stdin, the counters
 * are opened on its pid with enable_on_exec, and the exec starts them.
 */
async function countWorkload(events: string): Promise<Map<string, bigint>> {
  const child = Bun.spawn(["sh", "-c", `read _; exec ${WORKLOAD.join(" ")}`], { stdin: "pipe", stderr: "ignore" });
  const evsels = parseEventSpecs(events).map((s) => new Evsel(s));
  try {
    for (const ev of evsels) {
      ev.attr.disabled = true;
      ev.attr.enableOnExec = true;
      ev.open({ cpus: CpuMap.any(), threads: child.pid, inherit: true });
    }
    child.stdin.write("\n");
    await child.stdin.end();
    expect(await child.exited).toBe(0);
    return new Map(evsels.map((ev) => [ev.name, ev.read(-1, child.pid).val]));
  } finally {
    for (const ev of evsels) ev.close();
  }
}

describe("Evsel counting", () => {
  test("cpu-clock, task-clock and page-faults on dd agree with perf stat", async () => {
    const events = "cpu-clock,task-clock,page-faults";
    const ours = await countWorkload(events);
    const perf = perfStat(events, WORKLOAD);
    const pf = Number(ours.get("page-faults"));
    const perfPf = perf.get("page-faults")!;
    // Page faults of the same exec'd binary are nearly deterministic.
    expect(Math.abs(pf - perfPf)).toBeLessThanOrEqual(Math.max(10, perfPf * 0.05));
    // Times are noisy on shared CPUs: same order of magnitude (perf prints msec).
    for (const name of ["cpu-clock", "task-clock"]) {
      const ms = Number(ours.get(name)) / 1e6;
      expect(ms).toBeGreaterThan(perf.get(name)! / 5);
      expect(ms).toBeLessThan(perf.get(name)! * 5 + 5);
    }
  });

  test("read() returns deltas with enabled/running times; errors for foreign cpu/thread", () => {
    using ev = new Evsel(parseEventSpecs("task-clock")[0]!);
    ev.open({ threads: process.pid });
    const t = Date.now();
    while (Date.now() - t < 20) {
      // burn CPU so task-clock moves
    }
    const a = ev.read(-1, process.pid);
    expect(a.val).toBeGreaterThan(5_000_000n);
    expect(a.ena).toBeGreaterThanOrEqual(a.run);
    expect(a.run).toBeGreaterThan(0n);
    const b = ev.read(-1, process.pid);
    expect(b.val).toBeLessThan(a.val);
    expect(() => ev.read(0, process.pid)).toThrow(/cpu 0 is not part of evsel 'task-clock' \(cpus: -1\)/);
    expect(() => ev.read(-1, 1)).toThrow(/thread 1 is not part of evsel 'task-clock'/);
    expect(() => ev.read("0" as unknown as number, 1)).toThrow(TypeError);
  });

  test("per-CPU counting sums across CPUs; groups open under their leader", () => {
    using list = parseEvents("{task-clock,page-faults}", new CpuMap(), ThreadMap.forPid(process.pid).tids[0]);
    list.open();
    list.enable();
    const junk: number[][] = [];
    for (let i = 0; i < 200; i++) junk.push(new Array(4096).fill(i));
    list.disable();
    const [leader, member] = list.evsels;
    expect(member!.leader).toBe(leader!);
    expect(leader!.readSum().val).toBeGreaterThan(0n);
    for (const cpu of list.cpus) expect(typeof leader!.read(cpu, process.pid).val).toBe("bigint");
    expect(junk.length).toBe(200);
  });

  test("hardware events build an attr but fail to open with a clean no-PMU error", () => {
    using ev = new Evsel(parseEventSpecs("cycles")[0]!);
    expect(() => ev.open({ threads: process.pid })).toThrow(/ENOENT.*no hardware PMU/);
    expect(ev.isOpen).toBe(false);
  });
});
