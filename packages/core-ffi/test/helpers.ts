/** Shared helpers for core-ffi tests: perf oracles and process-resource snapshots. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** Number of open fds of this process. */
export function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Number of perf-event mappings ([perf_event] / anon_inode:[perf_event]) of this process. */
export function perfMappings(): number {
  return readFileSync("/proc/self/maps", "utf8")
    .split("\n")
    .filter((l) => l.includes("perf_event")).length;
}

/** fds of this process that are perf events. */
export function perfFds(): number {
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

/** Runs `perf stat -x,` on a command; returns counts by event name. */
export function perfStat(events: string, cmd: string[]): Map<string, number> {
  const r = Bun.spawnSync(["perf", "stat", "-x,", "-e", events, "--", ...cmd], { stderr: "pipe", stdout: "ignore" });
  const out = new Map<string, number>();
  for (const line of r.stderr.toString().split("\n")) {
    const f = line.split(",");
    if (f.length >= 3 && f[0] !== "" && !Number.isNaN(Number(f[0]))) out.set(f[2]!, Number(f[0]));
  }
  return out;
}

/** One attr as `perf stat -vv` prints it, with whether the open succeeded. */
export interface PerfAttrDump {
  fields: Map<string, string>;
  ok: boolean;
}

/** The attrs perf opens for an event list (`perf stat -vv -e LIST true`), retries removed. */
export function perfAttrs(events: string): PerfAttrDump[] {
  const r = Bun.spawnSync(["perf", "stat", "-vv", "-e", events, "true"], { stderr: "pipe", stdout: "ignore" });
  const blocks: PerfAttrDump[] = [];
  let cur: PerfAttrDump | null = null;
  for (const line of r.stderr.toString().split("\n")) {
    if (line.startsWith("perf_event_attr:")) {
      cur = { fields: new Map(), ok: false };
      blocks.push(cur);
    } else if (cur && /^ {2}\w+ +\S/.test(line)) {
      const [k, v] = line.trim().split(/ +/, 2);
      cur.fields.set(k!, v!);
    } else if (cur && line.startsWith("sys_perf_event_open:")) {
      cur.ok = /= \d+$/.test(line.trim());
    }
  }
  // perf retries a failed open with a weakened attr: keep only the first attempt.
  const out: PerfAttrDump[] = [];
  for (const b of blocks) {
    const prev = out[out.length - 1];
    const same =
      prev && prev.fields.get("type") === b.fields.get("type") && prev.fields.get("config") === b.fields.get("config");
    if (prev && !prev.ok && same) continue;
    out.push(b);
  }
  return out;
}
