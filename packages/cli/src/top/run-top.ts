/**
 * The shared loop of the live "top" views: a LiveSession on some tracepoints, a report
 * printed every interval (clearing the terminal like perf's scripts when it is one), stopped
 * by Ctrl-C, --duration or after --count reports.
 */
import { parseArgs } from "node:util";
import { LiveSession } from "@perfkit/live";
import type { SampleEvent } from "@perfkit/session";

/** A view: what to count and how to print one interval. */
export interface TopView {
  events: string;
  onSample(ev: SampleEvent): void;
  /** The report of the interval just ended (the view resets its totals). */
  report(): string;
}

/** Parsed common options: [COMM] [INTERVAL] --duration MS --count N. */
export interface TopArgs {
  comm: string | undefined;
  intervalSec: number;
  durationMs: number | undefined;
  count: number | undefined;
}

/** Parses `[comm] [interval] [--duration MS] [--count N]` as sctop.py reads its arguments. */
export function parseTopArgs(args: string[], defaultInterval: number): TopArgs {
  const { values, positionals } = parseArgs({
    args,
    options: { duration: { type: "string" }, count: { type: "string", short: "n" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 2) throw new TypeError("usage: [comm] [interval] [--duration MS] [--count N]");
  let comm: string | undefined;
  let interval = defaultInterval;
  const asNumber = (s: string) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : null);
  if (positionals.length === 2) {
    comm = positionals[0];
    interval = asNumber(positionals[1]!) ?? Number.NaN;
  } else if (positionals.length === 1) {
    const n = asNumber(positionals[0]!);
    if (n === null) comm = positionals[0];
    else interval = n;
  }
  if (!(interval > 0))
    throw new TypeError(`interval must be a positive number of seconds, got '${positionals.at(-1)}'`);
  const num = (v: string | undefined, what: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new TypeError(`${what} must be a positive integer, got '${v}'`);
    return n;
  };
  return {
    comm,
    intervalSec: interval,
    durationMs: num(values.duration, "--duration"),
    count: num(values.count, "--count"),
  };
}

/** Runs a view system-wide until stopped; prints every interval and once more at the end. */
export async function runTop(view: TopView, a: TopArgs): Promise<number> {
  const clear = process.stdout.isTTY ? "\x1b[H\x1b[2J" : "";
  let printed = 0;
  const session = new LiveSession(
    view.events,
    (ev) => {
      if (a.comm === undefined || ev.comm === a.comm) view.onSample(ev);
    },
    { durationMs: a.durationMs },
  );
  const timer = setInterval(() => {
    process.stdout.write(clear + view.report());
    if (a.count !== undefined && ++printed >= a.count) session.stop();
  }, a.intervalSec * 1000);
  try {
    const stats = await session.run();
    if (a.count === undefined || printed < a.count) process.stdout.write(clear + view.report());
    if (stats.lost > 0n) process.stderr.write(`${stats.lost} events lost\n`);
  } finally {
    clearInterval(timer);
  }
  return 0;
}
