/**
 * `perfkit record [-e EVENTS] [-F FREQ|-c PERIOD] [-g] [-a] [--duration MS] [-o FILE|-] -- CMD`:
 * samples a command (or the whole system) into a perf.data file or a pipe-mode stream.
 */
import { parseArgs } from "node:util";
import { record } from "../record/recorder.ts";

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`${what} must be a positive integer, got '${v}'`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      event: { type: "string", short: "e", multiple: true },
      freq: { type: "string", short: "F" },
      count: { type: "string", short: "c" },
      "call-graph": { type: "boolean", short: "g" },
      "all-cpus": { type: "boolean", short: "a" },
      output: { type: "string", short: "o" },
      duration: { type: "string" },
      quiet: { type: "boolean", short: "q" },
    },
    allowPositionals: true,
    strict: true,
  });
  const freq = positiveInt(values.freq, "-F");
  const period = positiveInt(values.count, "-c");
  if (freq !== undefined && period !== undefined) throw new TypeError("-F and -c exclude each other");
  const output = values.output ?? "perf.data";
  const res = await record({
    events: (values.event ?? ["cpu-clock"]).join(","),
    freq,
    period,
    callgraph: values["call-graph"] ?? false,
    systemWide: values["all-cpus"] ?? false,
    output,
    command: positionals,
    durationMs: positiveInt(values.duration, "--duration"),
    cmdline: ["perfkit", "record", ...args],
  });
  if (!values.quiet) {
    const lost = res.lost > 0n ? `, ${res.lost} lost` : "";
    process.stderr.write(
      `[ perfkit record: Captured and wrote ${(res.bytes / 1048576).toFixed(3)} MB ${output === "-" ? "<stdout>" : output} (${res.samples} samples${lost}) ]\n`,
    );
  }
  return 0;
}
