/**
 * `perfkit stat [-e EVENTS] [-I MS] [-x SEP] -- CMD` counts like perf stat (output on
 * stderr, the same layout); `perfkit stat record [-o FILE] [-e EVENTS] -- CMD` writes a stat
 * file that `perf stat report` reads.
 */
import { parseArgs } from "node:util";
import { cFixed } from "../header/c-format.ts";
import { spawnWorkload } from "../record/workload.ts";
import { closeCounters, DEFAULT_STAT_EVENTS, isClockEvent, openCounters, readDeltas } from "../stat/counters.ts";
import {
  formatCsvLine,
  formatIntervalLine,
  formatStdReport,
  INTERVAL_HEADER,
  type StatLine,
  taskClockOf,
} from "../stat/display.ts";
import { statFileBytes } from "../stat/stat-file.ts";

export async function run(args: string[]): Promise<number> {
  const isRecord = args[0] === "record";
  const rest = isRecord ? args.slice(1) : args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      event: { type: "string", short: "e", multiple: true },
      interval: { type: "string", short: "I" },
      "field-separator": { type: "string", short: "x" },
      output: { type: "string", short: "o" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new TypeError("a command to count is needed after --");
  const interval = values.interval === undefined ? undefined : Number(values.interval);
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 10))
    throw new TypeError(`-I must be an integer number of milliseconds >= 10, got '${values.interval}'`);
  const sep = values["field-separator"];
  const events = (values.event ?? [DEFAULT_STAT_EVENTS]).join(",");
  const work = spawnWorkload(positionals);
  let counters: ReturnType<typeof openCounters> = [];
  let out = "";
  const lineOf = (i: number, counts: StatLine["counts"]): StatLine => ({
    name: counters[i]!.name,
    counts,
    clock: isClockEvent(counters[i]!.name),
  });
  try {
    counters = openCounters(events, work.pid);
    const start = process.hrtime.bigint();
    let done = false;
    work.exited.then(() => {
      done = true;
    });
    work.go();
    if (interval !== undefined && !isRecord) {
      process.stderr.write(sep === undefined ? INTERVAL_HEADER : "");
      let last = start;
      while (!done) {
        await Promise.race([Bun.sleep(interval), work.exited]);
        const now = process.hrtime.bigint();
        const deltas = readDeltas(counters, work.pid);
        const lines = deltas.map((d, i) => lineOf(i, counters[i]!.unsupported ? null : d));
        const tc = taskClockOf(lines);
        const secs = Number(now - start) / 1e9;
        let block = "";
        for (const l of lines) {
          block +=
            sep === undefined
              ? `${formatIntervalLine(secs, l, tc, Number(now - last))}\n`
              : `${cFixed(secs, 9)}${sep}${formatCsvLine(l, sep, tc, Number(now - last))}\n`;
        }
        process.stderr.write(block);
        last = now;
      }
      return 0;
    }
    await work.exited;
    const elapsed = process.hrtime.bigint() - start;
    readDeltas(counters, work.pid);
    const cmd = positionals.join(" ");
    if (isRecord) {
      await Bun.write(
        values.output ?? "perf.data",
        statFileBytes(counters, work.pid, elapsed, ["perfkit", "stat", "record", ...rest]),
      );
    }
    const lines = counters.map((c, i) => lineOf(i, c.unsupported ? null : c.total));
    if (sep !== undefined) {
      const tc = taskClockOf(lines);
      for (const l of lines) out += `${formatCsvLine(l, sep, tc, Number(elapsed))}\n`;
    } else out = formatStdReport(cmd, lines, Number(elapsed), work.cpuTimes());
    process.stderr.write(out);
    return 0;
  } finally {
    closeCounters(counters);
    work.kill();
  }
}
