/** `perfkit stubs [-i perf.data] [-o out.d.ts] [--tracefs DIR]`: generated typings (see @perfkit/stubs). */
import { runStubsCommand } from "@perfkit/stubs";

export async function run(args: string[]): Promise<number> {
  return runStubsCommand(args);
}
