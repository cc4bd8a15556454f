/** `perfkit report --stats | --header-only [-i FILE]`. */
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
    },
    strict: true,
  });
  if (!values.stats && !values["header-only"]) throw new UsageError("choose --stats or --header-only");
  using file = openInput(values.input);
  if (values["header-only"]) {
    const { formatHeaderOnly } = await import("../header/index.ts");
    process.stdout.write(formatHeaderOnly(file, { full: values["show-info"] }));
    return 0;
  }
  process.stdout.write(formatStats(file));
  return 0;
}
