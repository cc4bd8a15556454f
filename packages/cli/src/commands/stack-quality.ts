/**
 * `perfkit report --stack-quality [-i FILE]` (module for the lead to wire as a report mode
 * or as its own command): unwinds every dwarf-mode sample in-process and prints the summary.
 */
import { parseArgs } from "node:util";
import type { PerfDataFile } from "@perfkit/format";
import * as session from "@perfkit/session";
import { openInput } from "../_input.ts";
import { formatStackQuality, type StackQualityView } from "../stack-quality/format.ts";

type StackQualityFn = (file: PerfDataFile) => StackQualityView;

/** session's stackQuality, once session/src/index.ts re-exports ./dwarf/index.ts. */
function stackQualityFn(): StackQualityFn {
  const f = (session as Record<string, unknown>).stackQuality;
  if (typeof f !== "function")
    throw new Error("@perfkit/session does not export stackQuality (re-export ./dwarf/index.ts)");
  return f as StackQualityFn;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: "string", short: "i" },
      "stack-quality": { type: "boolean" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  using file = openInput(values.input);
  const q = stackQualityFn()(file);
  if (values.json) process.stdout.write(`${JSON.stringify(q, null, 2)}\n`);
  else process.stdout.write(formatStackQuality(q));
  return 0;
}
