/** `perfkit sctop [COMM] [INTERVAL] [--duration MS] [--count N]`: live syscall totals (perf's sctop.py). */
import { parseTopArgs, runTop } from "../top/run-top.ts";
import { sctopView } from "../top/sctop-view.ts";

export async function run(args: string[]): Promise<number> {
  const a = parseTopArgs(args, 3);
  return runTop(sctopView(a.comm), a);
}
