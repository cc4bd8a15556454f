/** `perfkit report --stats | --header-only | --stack-quality [--json] [-i FILE]`. */
import { parseArgs } from "node:util";
import { UsageError } from "../_errors.ts";
import { openInput } from "../_input.ts";
import { formatStats } from "../report/stats.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: "string", short: "i" },
      stats: { type: "boolean" },
      "header-only": { type: "boolean" },
      "show-info": { type: "boolean", short: "I" },
      "stack-quality": { type: "boolean" },
      json: { type: "boolean" },
    },
    strict: true,
  });
  if (values["stack-quality"]) {
    const { run: stackQuality } = await import("./stack-quality.ts");
    const rest = values.input !== undefined ? ["-i", values.input] : [];
    return stackQuality(values.json ? [...rest, "--json"] : rest);
  }
  if (!values.stats && !values["header-only"]) throw new UsageError("choose --stats, --header-only or --stack-quality");
  using file = openInput(values.input);
  if (values["header-only"]) {
    const { formatHeaderOnly } = await import("../header/index.ts");
    process.stdout.write(formatHeaderOnly(file, { full: values["show-info"] }));
    return 0;
  }
  process.stdout.write(formatStats(file));
  return 0;
}
