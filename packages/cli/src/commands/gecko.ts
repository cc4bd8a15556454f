/**
 * `perfkit gecko [-i FILE] [--save-only FILE] [-e EVENT]`: a Firefox Profiler profile (gecko
 * format, one thread per thread, or per thread and event when several are recorded). Without
 * --save-only it is served on 127.0.0.1 from a private temporary directory until interrupted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { EventAttr } from "@perfkit/format";
import { writeGeckoProfile } from "../gecko/profile.ts";
import { serveOnce } from "../gecko/serve.ts";
import { intervalMs } from "../profiles/_interval.ts";
import { TextSink } from "../profiles/_sink.ts";
import { openSource, walk } from "../profiles/_source.ts";
import { TrackSet } from "../profiles/_threads.ts";

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: "string", short: "i" },
      "save-only": { type: "string" },
      event: { type: "string", short: "e" },
    },
    strict: true,
  });
  const event = values.event ?? null;
  using src = openSource(values.input, values.event);
  let attr: EventAttr | undefined;
  // Split tracks by event only when the recording has several events and -e chose none.
  const set = new TrackSet(src.frames, src.stacks, event === null && src.eventNames.length > 1);
  walk(src, "gecko", { skipTracepoints: false, leafWhenNoChain: true, event }, (s) => {
    attr ??= s.evsel.attr;
    set.add(s);
  });
  const meta = { product: `perfkit gecko: ${src.data.path}`, interval: intervalMs(attr), startTime: 0 };
  const target = values["save-only"];
  if (target !== undefined) {
    const out = new TextSink(target);
    writeGeckoProfile(set, meta, out);
    out.close();
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), "perfkit-gecko-"));
  const file = join(dir, "profile.json");
  try {
    const out = new TextSink(file);
    writeGeckoProfile(set, meta, out);
    out.close();
    await serveOnce(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
