/** `perfkit rwtop [COMM] [INTERVAL] [--duration MS] [--count N]`: live read/write totals per pid (perf's rwtop). */
import { parseTopArgs, runTop } from "../top/run-top.ts";
import { rwtopView } from "../top/rwtop-view.ts";

export async function run(args: string[]): Promise<number> {
  const a = parseTopArgs(args, 3);
  return runTop(rwtopView(), a);
}
