/**
 * `perfkit stack-quality [-i FILE] [--json]` (also `perfkit report --stack-quality`): unwinds
 * every dwarf-mode sample in-process and prints the per-dso stack-quality summary.
 */
import { parseArgs } from "node:util";
import { DwarfCache, stackQuality } from "@perfkit/session";
import { openInput } from "../_input.ts";
import { formatStackQuality } from "../stack-quality/format.ts";

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
  const cache = new DwarfCache();
  try {
    const q = stackQuality(file, cache);
    if (values.json) process.stdout.write(`${JSON.stringify(q, null, 2)}\n`);
    else process.stdout.write(formatStackQuality(q));
  } finally {
    cache.close();
  }
  return 0;
}
