/**
 * Counting for perfkit stat: one counter per event, opened on the workload's pid (any CPU,
 * inherited by its children) and enabled at its exec, as `perf stat -- CMD` does.
 */
import { CounterEvsel, type Counts, CpuMap, type EventSpec, PerfSyscallError, parseEventSpecs } from "@perfkit/live";

/** perf stat's default events (the hardware ones print `<not supported>` without a PMU). */
export const DEFAULT_STAT_EVENTS =
  "task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions,branches,branch-misses";

/** One event's counter, or why it has none. */
export interface StatCounter {
  name: string;
  spec: EventSpec;
  evsel: CounterEvsel | null;
  /** Set when the kernel refused the event (no PMU, unknown config): printed `<not supported>`. */
  unsupported: boolean;
  /** Running totals (sums of the deltas read so far). */
  total: Counts;
}

/** True for the clock events perf shows in msec (their raw unit is ns). */
export function isClockEvent(name: string): boolean {
  return /^(task-clock|cpu-clock)(:.*)?$/.test(name);
}

/** Opens every event on `pid`. Events the kernel refuses are kept as unsupported; other errors close all and rethrow. */
export function openCounters(events: string, pid: number): StatCounter[] {
  const specs = parseEventSpecs(events);
  const out: StatCounter[] = [];
  try {
    for (const spec of specs) {
      const ev = new CounterEvsel(spec);
      ev.attr.disabled = true;
      ev.attr.enableOnExec = true;
      // perf stat record's attrs: the file reader matches STAT records by id.
      ev.attr.sampleType = 1 << 16; // PERF_SAMPLE_IDENTIFIER
      const c: StatCounter = {
        name: spec.name,
        spec,
        evsel: ev,
        unsupported: false,
        total: { val: 0n, ena: 0n, run: 0n },
      };
      try {
        ev.open({ cpus: CpuMap.any(), threads: pid, inherit: true, group: false });
      } catch (e) {
        if (!(e instanceof PerfSyscallError) || !["ENOENT", "EOPNOTSUPP", "ENODEV", "EINVAL"].includes(e.code)) throw e;
        c.evsel = null;
        c.unsupported = true;
      }
      out.push(c);
    }
  } catch (e) {
    closeCounters(out);
    throw e;
  }
  return out;
}

/** Reads the delta since the last read of every counter, adds it to the totals, and returns the deltas. */
export function readDeltas(counters: StatCounter[], pid: number): (Counts | null)[] {
  return counters.map((c) => {
    if (!c.evsel) return null;
    const d = c.evsel.read(-1, pid);
    c.total = { val: c.total.val + d.val, ena: c.total.ena + d.ena, run: c.total.run + d.run };
    return d;
  });
}

/** Closes every counter. */
export function closeCounters(counters: StatCounter[]): void {
  for (const c of counters) c.evsel?.close();
}
