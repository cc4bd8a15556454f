/**
 * `perfkit pprof [-i FILE] [-o FILE] [-e EVENT]`: a gzipped pprof profile.proto (mappings with
 * build ids, one location per address, labels pid/tid/comm/event, a value column per event).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PprofBuilder } from "../pprof/profile.ts";
import { openSource, PROFILE_OPTIONS, walk } from "../profiles/_source.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: PROFILE_OPTIONS,
    strict: true,
  });
  const event = values.event ?? null;
  using src = openSource(values.input, values.event);
  const builder = new PprofBuilder(src.frames);
  walk(src, "pprof", { skipTracepoints: false, leafWhenNoChain: true, event }, (s) => builder.add(s));
  const bytes = builder.encode();
  const path = values.output ?? "perf.pb.gz";
  if (path === "-") await Bun.write(Bun.stdout, bytes);
  else {
    writeFileSync(path, bytes);
    process.stderr.write(`wrote ${path}\n`);
  }
  return 0;
}
