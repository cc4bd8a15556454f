/**
 * `perfkit flamegraph [-i FILE] [-o FILE|-] [-f html|json] [--colorscheme blue-green|orange]
 * [-e EVENT]`: perf's flamegraph.py. `-f json` writes its exact tree; html (the default) a page
 * that works offline, one track per event plus all events together.
 */

import { parseArgs } from "node:util";
import { AttrType } from "@perfkit/format";
import { headerText } from "../flamegraph/_header.ts";
import { type FlameTrack, renderFlamePage } from "../flamegraph/html.ts";
import { FlameTree } from "../flamegraph/tree.ts";
import { count, InputError, openSource, PROFILE_OPTIONS } from "../profiles/_source.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...PROFILE_OPTIONS,
      format: { type: "string", short: "f", default: "html" },
      colorscheme: { type: "string", default: "blue-green" },
    },
    strict: true,
  });
  const format = values.format;
  if (format !== "html" && format !== "json") throw new InputError(`-f must be html or json, got '${format}'`);
  const scheme = values.colorscheme;
  if (scheme !== "blue-green" && scheme !== "orange")
    throw new InputError(`--colorscheme must be blue-green or orange, got '${scheme}'`);
  const event = values.event ?? null;
  using src = openSource(values.input, values.event);
  // flamegraph.py sees no tracepoint samples (no handlers for them): "all" leaves them out.
  // Per-event tracks and an explicit -e take every event.
  const all = new FlameTree(src.frames, src.stacks);
  const byEvent = new Map<string, FlameTree>();
  count(src, "flamegraph", { skipTracepoints: false, leafWhenNoChain: false, event }, (e) => {
    const counters: FlameTree[] = [];
    if (event !== null || e.attr.type !== AttrType.TRACEPOINT) counters.push(all);
    if (format === "json" || event !== null) return counters;
    let t = byEvent.get(e.name);
    if (!t) {
      t = new FlameTree(src.frames, src.stacks);
      byEvent.set(e.name, t);
    }
    counters.push(t);
    return counters;
  });
  let text: string;
  if (format === "json") text = all.toJson();
  else {
    const tracks: FlameTrack[] = [{ label: event ?? "all events", samples: all.samples, tree: all.toNode() }];
    if (event === null && byEvent.size > 1)
      for (const [name, t] of byEvent) tracks.push({ label: name, samples: t.samples, tree: t.toNode() });
    text = renderFlamePage({
      title: `perfkit flame graph: ${src.data.path}`,
      colorscheme: scheme,
      header: await headerText(src.data),
      tracks,
    });
  }
  const out = values.output ?? (format === "json" ? "stacks.json" : "flamegraph.html");
  if (out === "-") await Bun.write(Bun.stdout, text);
  else {
    process.stdout.write(`dumping data to ${out}\n`);
    await Bun.write(out, text);
  }
  return 0;
}
