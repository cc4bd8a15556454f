/** Test helpers: tracepoint samples of a fixture, read with the real decoder. */
import { openPerfData } from "@perfkit/format";
import { parseTracingData, type TracingData } from "../src/tracing/index.ts";

/** Repository root relative to this file. */
export const ROOT = new URL("../../../", import.meta.url).pathname;

/** The parsed tracing data and the raw payloads of every sample, in perf script's (time) order. */
export function tracepointSamples(fixture: string): { td: TracingData; raws: Uint8Array[] } {
  const pd = openPerfData(`${ROOT}tests/fixtures/${fixture}`);
  try {
    const raws: Uint8Array[] = [];
    for (const rec of pd.records({ ordered: true })) {
      if (rec.type !== 9) continue;
      const raw = rec.sample().raw;
      if (raw) raws.push(raw.slice());
    }
    if (!pd.tracingData) throw new Error(`${fixture} has no tracing data`);
    return { td: parseTracingData(pd.tracingData), raws };
  } finally {
    pd.close();
  }
}

/** `perf script -F <fields>` output lines (stderr dropped). */
export function perfScript(fixture: string, fields: string): string[] {
  const r = Bun.spawnSync(["perf", "script", "-i", `${ROOT}tests/fixtures/${fixture}`, "-F", fields], {
    stderr: "ignore",
  });
  return r.stdout.toString().split("\n").slice(0, -1);
}
