/**
 * `perfkit stackcollapse [-i FILE] [--include-tid] [--include-pid] [--no-comm] [--tidy-java]
 * [--kernel]`: what `perf script -s stackcollapse.py` prints, byte for byte.
 */
import { parseArgs } from "node:util";
import { count, InputError, openSource } from "../profiles/_source.ts";
import { StackCollapser } from "../profiles/collapse.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: "string", short: "i" },
      "include-tid": { type: "boolean" },
      "include-pid": { type: "boolean" },
      "no-comm": { type: "boolean" },
      "tidy-java": { type: "boolean" },
      kernel: { type: "boolean" },
    },
    strict: true,
  });
  const includeComm = values["no-comm"] !== true;
  if (!includeComm && (values["include-tid"] || values["include-pid"])) {
    throw new InputError(`requesting ${values["include-tid"] ? "tid" : "pid"} but not comm is invalid`);
  }
  using src = openSource(values.input, undefined);
  const collapser = new StackCollapser(src.frames, src.stacks, {
    includeTid: values["include-tid"],
    includePid: values["include-pid"],
    includeComm,
    tidyJava: values["tidy-java"],
    annotateKernel: values.kernel,
  });
  // perf's Python scripts see tracepoint samples only through per-event handlers, which
  // stackcollapse.py lacks: those samples are not counted.
  const counters = [collapser];
  // The output is sorted: samples need not come in time order, only with the right state.
  count(
    src,
    "stackcollapse",
    { skipTracepoints: true, leafWhenNoChain: false, event: null, order: "state" },
    () => counters,
  );
  await Bun.write(Bun.stdout, collapser.lines());
  return 0;
}
