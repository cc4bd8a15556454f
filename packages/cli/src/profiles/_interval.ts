/** The nominal sampling interval of an event, in milliseconds, for viewers that show one. */
import type { EventAttr } from "@perfkit/format";

/** 1000/freq for frequency sampling; the period itself (ns) for cpu-clock/task-clock; else 1 ms. */
export function intervalMs(attr: EventAttr | undefined): number {
  if (!attr) return 1;
  const p = Number(attr.samplePeriod);
  if (attr.freq) return p > 0 ? 1000 / p : 1;
  // Software cpu-clock (0) and task-clock (1) count nanoseconds.
  if (attr.type === 1 && (attr.config === 0n || attr.config === 1n) && p > 0) return p / 1e6;
  return 1;
}
