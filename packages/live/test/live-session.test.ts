import { describe, expect, test } from "bun:test";
import { LiveSession } from "@perfkit/live";
import type { SampleEvent } from "@perfkit/session";
import { DD, expectReleased, resources, workload } from "./helpers.ts";

describe("LiveSession samples", () => {
  test("samples carry the workload's pid, comm and resolved symbols", async () => {
    const before = resources();
    const w = workload(DD);
    const events: SampleEvent[] = [];
    const live = new LiveSession("cpu-clock", (ev) => void events.push(ev), { pid: w.pid, freq: 2000, onReady: w.go });
    const stats = await live.run({ signal: AbortSignal.timeout(10000) });
    await w.exited;
    expect(stats.stopReason).toBe("target-exited");
    await expectReleased(before);
    expect(events.length).toBeGreaterThan(20);
    expect(stats.samples).toBe(events.length);
    const dd = events.filter((e) => e.samplePid === w.pid);
    expect(dd.length).toBe(events.length);
    // The workload is `sh -c "read _; exec dd …"`: a sample can land in the shell between the
    // go and the exec (then its comm is still "sh"); every later one is dd's.
    expect(dd.every((e) => e.comm === "dd" || e.comm === "sh")).toBe(true);
    expect(dd.filter((e) => e.comm === "dd").length).toBeGreaterThan(dd.length * 0.9);
    const syms = new Set(dd.map((e) => e.symbol).filter((s) => s !== null));
    // dd's time goes to its read/write syscalls: the kernel side must be named.
    expect([...syms].some((s) => /read_zero|vfs_read|vfs_write|ksys_read|ksys_write|do_syscall_64/.test(s!))).toBe(
      true,
    );
    const dsos = new Set(dd.map((e) => e.dso));
    expect(dsos.has("[kernel.kallsyms]")).toBe(true);
  });

  test("callgraph: samples carry resolved callchains", async () => {
    const w = workload(DD);
    let withChain = 0;
    let resolvedFrames = 0;
    const live = new LiveSession(
      "cpu-clock",
      (ev) => {
        const cc = ev.callchain;
        if (cc && cc.length > 1) withChain++;
        for (const f of cc ?? []) if (f.symbol !== "[unknown]") resolvedFrames++;
      },
      { pid: w.pid, callgraph: true, onReady: w.go },
    );
    await live.run({ signal: AbortSignal.timeout(10000) });
    await w.exited;
    expect(withChain).toBeGreaterThan(5);
    expect(resolvedFrames).toBeGreaterThan(5);
  });

  test("for await yields samples and break closes everything", async () => {
    const before = resources();
    const w = workload(DD);
    let n = 0;
    const live = new LiveSession("cpu-clock", null, { pid: w.pid, onReady: w.go });
    for await (const ev of live) {
      expect(ev.samplePid).toBe(w.pid);
      if (++n === 5) break;
    }
    w.kill();
    await w.exited;
    expect(n).toBe(5);
    await expectReleased(before);
    expect(live.stats.stopReason).toBe("stopped");
  });

  test("the per-CPU cap holds in every round", async () => {
    const w = workload(DD);
    let perRoundMax = 0;
    const live = new LiveSession("cpu-clock", () => {}, {
      pid: w.pid,
      freq: 10000,
      maxPerCpuPerRound: 7,
      onReady: w.go,
    });
    const stats = await live.run({ signal: AbortSignal.timeout(10000) });
    await w.exited;
    perRoundMax = stats.maxPerCpuRound;
    expect(perRoundMax).toBeLessThanOrEqual(7);
    expect(perRoundMax).toBe(7); // dd produces more than 7 records between polls
    expect(stats.rounds).toBeGreaterThanOrEqual(Math.ceil((stats.samples + stats.sideband) / (7 * 64)));
  });

  test("system-wide with a tracepoint: fields decode and all processes are known", async () => {
    const w = workload("sh -c 'for i in 1 2 3 4 5 6 7 8; do cat /proc/version >/dev/null; done'");
    const comms = new Set<string>();
    let openat = 0;
    const live = new LiveSession(
      "syscalls:sys_enter_openat",
      (ev) => {
        comms.add(ev.comm);
        // filename is a user pointer: decoded from the tracefs format as a number.
        if (ev.comm === "cat" && typeof ev.field("filename") === "bigint") openat++;
      },
      { onReady: w.go, durationMs: 1500 },
    );
    const stats = await live.run();
    await w.exited;
    expect(stats.stopReason).toBe("duration");
    expect(comms.has("cat")).toBe(true);
    expect(openat).toBeGreaterThan(7);
  });
});
