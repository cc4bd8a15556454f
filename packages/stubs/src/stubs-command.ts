/** `perfkit stubs [-i perf.data] [-o out.d.ts] [--tracefs dir]`: the CLI entry point of the generator. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type EventFormat, type FormatParseError, openPerfData, parseTracingData } from "@perfkit/format";
import { findTracefs, parseFormatTexts, readTracefsTexts } from "./tracefs-formats.ts";
import { generateStubs } from "./tracepoint-stubs.ts";

const USAGE = `usage: perfkit stubs [-i perf.data] [-o out.d.ts] [--tracefs dir]
  -i, --input    take the formats from a perf.data's TRACING_DATA (default: the machine's tracefs)
  -o, --output   write here (default: stdout)
      --tracefs  tracefs mount point (default: /sys/kernel/tracing or /sys/kernel/debug/tracing)`;

/** Formats recorded in a perf.data (file or pipe mode). */
function formatsOfPerfData(path: string): { formats: EventFormat[]; errors: FormatParseError[] } {
  const pd = openPerfData(path);
  try {
    // In pipe mode the blob arrives as a record: read until it has been seen.
    if (!pd.tracingData) for (const _ of pd.records()) if (pd.tracingData) break;
    if (!pd.tracingData) throw new Error(`${path} holds no tracepoint formats (no TRACING_DATA)`);
    const td = parseTracingData(pd.tracingData);
    return { formats: [...td.ftraceFormats, ...td.events], errors: [...td.formatErrors] };
  } finally {
    pd.close();
  }
}

/**
 * Runs the stubs command with CLI arguments (without the `stubs` word). Returns the exit code:
 * 0 on success, 1 when some formats were malformed (the others are still written), 2 on usage
 * or input errors. Errors go to stderr, naming the file and line of each malformed format.
 */
export async function runStubsCommand(args: string[]): Promise<number> {
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string"))
    throw new TypeError("args must be an array of strings");
  let values: { input?: string; output?: string; tracefs?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: "string", short: "i" },
        output: { type: "string", short: "o" },
        tracefs: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`perfkit stubs: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let parsed: { formats: EventFormat[]; errors: FormatParseError[] };
  let source: string;
  try {
    if (values.input !== undefined) {
      parsed = formatsOfPerfData(values.input);
      source = values.input;
    } else {
      const root = values.tracefs ?? findTracefs();
      if (!root) throw new Error("no tracefs found (mount -t tracefs nodev /sys/kernel/tracing, or pass -i perf.data)");
      parsed = parseFormatTexts(readTracefsTexts(root), `${root}/events`);
      source = root;
    }
  } catch (e) {
    process.stderr.write(`perfkit stubs: ${(e as Error).message}\n`);
    return 2;
  }
  for (const err of parsed.errors) process.stderr.write(`perfkit stubs: error: ${err.message}\n`);
  const text = generateStubs({ formats: parsed.formats, errors: parsed.errors, source });
  if (values.output === undefined) process.stdout.write(text);
  else writeFileSync(values.output, text);
  return parsed.errors.length > 0 ? 1 : 0;
}
