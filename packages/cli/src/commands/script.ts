/**
 * `perfkit script [-i FILE] [-F fields] [--ns] [--show-task-events] [--show-mmap-events]
 * [--show-switch-events] [--header] [--inline|--no-inline]`: what `perf script` prints, byte
 * for byte; `--call-graph dwarf` recordings are unwound in-process.
 */
import { parseArgs } from "node:util";
import { PerfData, Session } from "@perfkit/session";
import { ChunkWriter, defaultOutputs, FieldError, parseFieldsOption, ScriptPrinter } from "../script/index.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: "string", short: "i" },
      fields: { type: "string", short: "F" },
      ns: { type: "boolean" },
      "show-task-events": { type: "boolean" },
      "show-mmap-events": { type: "boolean" },
      "show-switch-events": { type: "boolean" },
      header: { type: "boolean" },
      // perf's inline_name is on by default: --inline is accepted, --no-inline turns it off.
      inline: { type: "boolean" },
      "no-inline": { type: "boolean" },
    },
    strict: true,
  });
  const outputs = defaultOutputs();
  if (values.fields !== undefined) {
    try {
      for (const w of parseFieldsOption(values.fields, outputs)) process.stderr.write(`${w}\n`);
    } catch (e) {
      if (e instanceof FieldError) {
        process.stderr.write(`${e.message}\n`);
        return 255;
      }
      throw e;
    }
  }
  using data = new PerfData({ path: values.input ?? "perf.data" });
  using session = new Session(data);
  const out = new ChunkWriter(1);
  if (values.header) {
    const { formatHeaderOnly } = await import("../header/index.ts");
    if (!data.isPipe) out.write(formatHeaderOnly(data.file));
    else if (data.path !== "-") {
      // A saved pipe-mode file: its features arrive in-band, so read them through a second handle.
      using again = new PerfData({ path: data.path });
      out.write(formatHeaderOnly(again.file));
    }
  }
  try {
    const printer = new ScriptPrinter(
      session,
      outputs,
      {
        ns: values.ns === true,
        showTask: values["show-task-events"] === true,
        showMmap: values["show-mmap-events"] === true,
        showSwitch: values["show-switch-events"] === true,
        inline: values["no-inline"] !== true,
      },
      out,
    );
    printer.run();
  } catch (e) {
    out.flush();
    if (e instanceof FieldError) {
      process.stderr.write(`${e.message}\n`);
      return 255;
    }
    throw e;
  } finally {
    out.flush();
  }
  return 0;
}
