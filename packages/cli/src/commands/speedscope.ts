/**
 * `perfkit speedscope [-i FILE] [-o FILE|-] [-e EVENT]`: a speedscope profile, one per thread
 * and per event, weighted by the sample periods.
 */
import { parseArgs } from "node:util";
import { TextSink } from "../profiles/_sink.ts";
import { openSource, PROFILE_OPTIONS, walk } from "../profiles/_source.ts";
import { TrackSet } from "../profiles/_threads.ts";
import { type SpeedscopeUnit, writeSpeedscope } from "../speedscope/profile.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: PROFILE_OPTIONS,
    strict: true,
  });
  const event = values.event ?? null;
  using src = openSource(values.input, values.event);
  const set = new TrackSet(src.frames, src.stacks, true);
  const units = new Map<string, SpeedscopeUnit>();
  walk(src, "speedscope", { skipTracepoints: false, leafWhenNoChain: true, event }, (s) => {
    if (!units.has(s.evsel.name)) {
      // Periods of cpu-clock and task-clock count nanoseconds; other events count events.
      const a = s.evsel.attr;
      units.set(s.evsel.name, a.type === 1 && (a.config === 0n || a.config === 1n) ? "nanoseconds" : "none");
    }
    set.add(s);
  });
  const path = values.output ?? "perf.speedscope.json";
  const out = new TextSink(path);
  writeSpeedscope(set, `perfkit: ${src.data.path}`, (ev) => units.get(ev) ?? "none", out);
  out.close();
  if (path !== "-") process.stderr.write(`wrote ${path}\n`);
  return 0;
}
