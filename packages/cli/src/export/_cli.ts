/** Command-line handling shared by export-sqlite and export-postgresql. */
import { parseArgs } from "node:util";
import { UsageError } from "../_errors.ts";
import type { DbExportCounts, DbExportOptions } from "./db-export.ts";

/** Parsed arguments of an export command. */
export interface ExportArgs {
  input: string;
  output: string | undefined;
  options: DbExportOptions;
}

/**
 * Reads `-i FILE -o OUT [--columns all|branches] [--callchains]` (perf's script arguments as
 * options); null after printing the usage for `--help`.
 */
export function parseExportArgs(args: string[], usage: string): ExportArgs | null {
  const { values, positionals } = parseArgs({
    args,
    options: {
      input: { type: "string", short: "i" },
      output: { type: "string", short: "o" },
      columns: { type: "string" },
      branches: { type: "boolean" },
      callchains: { type: "boolean", short: "g" },
      "no-callchains": { type: "boolean" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return null;
  }
  // perf's positional spelling: <db> [all|branches] [callchains].
  let output = values.output;
  let columns = values.columns ?? (values.branches ? "branches" : "all");
  let callchains = values.callchains === true;
  for (const p of positionals) {
    if (p === "all" || p === "branches") columns = p;
    else if (p === "callchains") callchains = true;
    else if (output === undefined) output = p;
    else throw new UsageError(`unexpected argument '${p}'\n${usage}`);
  }
  if (columns !== "all" && columns !== "branches")
    throw new UsageError(`--columns must be all or branches, got '${columns}'`);
  if (values["no-callchains"]) callchains = false;
  const options: DbExportOptions = { branches: columns === "branches", callchains };
  if (process.stderr.isTTY && !values.quiet)
    options.progress = (n) => process.stderr.write(`\r${n.toLocaleString("en-US")} samples`);
  return { input: values.input ?? "perf.data", output, options };
}

/** The closing summary on stderr (perf prints its progress with dates; one line is enough). */
export function reportCounts(where: string, c: DbExportCounts, ms: number): void {
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  process.stderr.write(
    `${where}: ${c.samples} samples, ${c.threads} threads, ${c.comms} comms, ${c.dsos} dsos, ${c.symbols} symbols` +
      `${c.callPaths ? `, ${c.callPaths} call paths` : ""}${c.contextSwitches ? `, ${c.contextSwitches} context switches` : ""}` +
      ` in ${(ms / 1000).toFixed(2)} s\n`,
  );
}
