import { expect } from "bun:test";
/** Shared helpers for live tests: resource snapshots and a workload that waits for a go. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

function perfFds(): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).includes("perf_event")) n++;
    } catch {
      // raced with a close
    }
  }
  return n;
}

/** Open fds (all, and perf events) and perf-event mappings of this process. */
export function resources(): { fds: number; perfFds: number; perfMaps: number } {
  return {
    fds: readdirSync("/proc/self/fd").length,
    perfFds: perfFds(),
    perfMaps: readFileSync("/proc/self/maps", "utf8")
      .split("\n")
      .filter((l) => l.includes("perf_event")).length,
  };
}

/** A shell workload that blocks on stdin until go() (so counters are open before it runs). */
export function workload(cmd: string): { pid: number; go: () => void; exited: Promise<number>; kill: () => void } {
  const child = Bun.spawn(["sh", "-c", `read _; exec ${cmd}`], { stdin: "pipe", stdout: "ignore", stderr: "ignore" });
  return {
    pid: child.pid,
    go: () => {
      child.stdin.write("\n");
      child.stdin.end();
    },
    exited: child.exited,
    kill: () => child.kill(),
  };
}

/** dd copying zeros: a short, CPU-bound, syscall-heavy workload. */
export const DD = "dd if=/dev/zero of=/dev/null bs=1k count=200000";

/**
 * Resources after a session: perf fds and mappings must already be back (they are released
 * synchronously); the total fd count may lag while Bun reaps a workload's pipes, so it gets a
 * few short retries.
 */
export async function settledResources(want: { fds: number }): Promise<ReturnType<typeof resources>> {
  let r = resources();
  for (let i = 0; i < 10 && r.fds !== want.fds; i++) {
    await Bun.sleep(20);
    r = { ...resources(), perfFds: r.perfFds, perfMaps: r.perfMaps };
  }
  return r;
}

/**
 * Checks that perf fds and perf mappings are back to `before`, and that the total fd count did
 * not grow (it may shrink: Bun reaps earlier workloads' pipes late).
 */
export async function expectReleased(before: ReturnType<typeof resources>): Promise<void> {
  const after = await settledResources(before);
  expect({ perfFds: after.perfFds, perfMaps: after.perfMaps }).toEqual({
    perfFds: before.perfFds,
    perfMaps: before.perfMaps,
  });
  expect(after.fds).toBeLessThanOrEqual(before.fds);
}
