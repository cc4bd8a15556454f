/**
 * perf stat's output (perf 6.1 stat-display.c, default and -x CSV modes): the counts column,
 * units, names, and the shadow metrics perf derives from task-clock (CPUs utilized, rates).
 */
import type { Counts } from "@perfkit/live";
import { cFixed } from "../header/c-format.ts";

/** One event's result as printed. */
export interface StatLine {
  name: string;
  /** null: `<not supported>`; undefined counts with ena 0: `<not counted>`. */
  counts: Counts | null;
  /** Shown in msec (task-clock, cpu-clock). */
  clock: boolean;
}

const COUNTS_LEN = 18;
const EVNAME_LEN = 32;
const UNIT_WIDTH = 4;
/** Width of the metric column after " # %8.3f ". */
const METRIC_UNIT_LEN = 23;
/** The blank metric area of a line without a metric. */
const NO_METRIC = " ".repeat(35);
/** perf pads unsupported/uncounted lines less (it skips the metric's leading separator). */
const NOT_COUNTED_PAD = " ".repeat(28);

function scaled(c: Counts): number {
  if (c.run === 0n) return 0;
  return c.run === c.ena ? Number(c.val) : (Number(c.val) * Number(c.ena)) / Number(c.run);
}

/** The value column: msec with 2 decimals for clocks, integers otherwise. */
function valueText(l: StatLine): string {
  const v = scaled(l.counts!);
  return l.clock ? cFixed(v / 1e6, 2) : cFixed(Math.round(v), 0);
}

/** perf's shadow metric for an event: CPUs utilized for the clock, a rate per second of task time for others. */
function metric(l: StatLine, taskClockNs: number | null, elapsedNs: number): { value: number; unit: string } | null {
  if (!l.counts || l.counts.run === 0n) return null;
  const v = scaled(l.counts);
  if (l.clock) return elapsedNs > 0 ? { value: v / elapsedNs, unit: "CPUs utilized" } : null;
  if (taskClockNs === null || taskClockNs <= 0) return null;
  let rate = v / (taskClockNs / 1e9);
  let unit = "/sec";
  if (rate >= 1e9) [rate, unit] = [rate / 1e9, "G/sec"];
  else if (rate >= 1e6) [rate, unit] = [rate / 1e6, "M/sec"];
  else if (rate >= 1e3) [rate, unit] = [rate / 1e3, "K/sec"];
  return { value: rate, unit };
}

/** The task-clock total (ns) the rates are based on, or null when it was not counted. */
export function taskClockOf(lines: readonly StatLine[]): number | null {
  const t = lines.find((l) => /^task-clock(:.*)?$/.test(l.name) && l.counts);
  return t?.counts ? scaled(t.counts) : null;
}

/** One line of the default output. */
export function formatStdLine(l: StatLine, taskClockNs: number | null, elapsedNs: number): string {
  const unit = (l.clock ? "msec" : "").padEnd(UNIT_WIDTH);
  const name = l.name.padEnd(EVNAME_LEN);
  if (l.counts === null) return `${"<not supported>".padStart(COUNTS_LEN)} ${unit} ${name}${NOT_COUNTED_PAD}`;
  if (l.counts.run === 0n) return `${"<not counted>".padStart(COUNTS_LEN)} ${unit} ${name}${NOT_COUNTED_PAD}`;
  const m = metric(l, taskClockNs, elapsedNs);
  const tail = m ? ` # ${cFixed(m.value, 3).padStart(8)} ${m.unit.padEnd(METRIC_UNIT_LEN)}` : NO_METRIC;
  return `${valueText(l).padStart(COUNTS_LEN)} ${unit} ${name}${tail}`;
}

/** One line of -x SEP output: value, unit, name, run time, percentage running, metric, metric unit. */
export function formatCsvLine(l: StatLine, sep: string, taskClockNs: number | null, elapsedNs: number): string {
  const unit = l.clock ? "msec" : "";
  if (l.counts === null) return ["<not supported>", unit, l.name, "0", "100.00", "", ""].join(sep);
  const c = l.counts;
  const pct = c.ena === 0n ? 100 : (Number(c.run) / Number(c.ena)) * 100;
  const value = c.run === 0n ? "<not counted>" : valueText(l);
  const m = metric(l, taskClockNs, elapsedNs);
  return [value, unit, l.name, c.run.toString(), cFixed(pct, 2), m ? cFixed(m.value, 3) : "", m ? m.unit : ""].join(
    sep,
  );
}

/** The whole default report (what perf stat prints to stderr after the workload). */
export function formatStdReport(
  command: string,
  lines: readonly StatLine[],
  elapsedNs: number,
  cpu: { user: number; sys: number } | null,
): string {
  const tc = taskClockOf(lines);
  let out = `\n Performance counter stats for '${command}':\n\n`;
  for (const l of lines) out += `${formatStdLine(l, tc, elapsedNs)}\n`;
  out += `\n${cFixed(elapsedNs / 1e9, 9).padStart(18)} seconds time elapsed\n\n`;
  if (cpu) {
    out += `${cFixed(cpu.user, 9).padStart(18)} seconds user\n`;
    out += `${cFixed(cpu.sys, 9).padStart(18)} seconds sys\n\n\n`;
  }
  return out;
}

/** The header of -I output. */
export const INTERVAL_HEADER = "#           time             counts unit events\n";

/** One -I line: seconds since the start, then the usual line. */
export function formatIntervalLine(secs: number, l: StatLine, taskClockNs: number | null, intervalNs: number): string {
  return `${cFixed(secs, 9).padStart(16)} ${formatStdLine(l, taskClockNs, intervalNs)}`;
}
