/**
 * speedscope's file format (https://www.speedscope.app/file-format-schema.json): shared frames
 * (`name` the symbol, `file` the dso) and one sampled profile per thread and event, stacks
 * root first, weights the sample periods (nanoseconds for cpu-clock/task-clock, else "none").
 */
import type { TextSink } from "../profiles/_sink.ts";
import type { Track, TrackSet } from "../profiles/_threads.ts";

/** speedscope's value units. */
export type SpeedscopeUnit = "none" | "nanoseconds" | "microseconds" | "milliseconds" | "seconds" | "bytes";

/** The schema URL speedscope checks. */
export const SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json";

/** Writes the file: `name` names it, `unitOf` gives each event's unit. */
export function writeSpeedscope(
  set: TrackSet,
  name: string,
  unitOf: (event: string) => SpeedscopeUnit,
  out: TextSink,
): void {
  if (typeof name !== "string") throw new TypeError(`name must be a string, got ${typeof name}`);
  if (typeof unitOf !== "function") throw new TypeError(`unitOf must be a function, got ${typeof unitOf}`);
  out.write(`{"$schema":${JSON.stringify(SPEEDSCOPE_SCHEMA)},"shared":{"frames":[`);
  let s = "";
  set.funcs.forEach((f, i) => {
    s += `${i > 0 ? "," : ""}{"name":${JSON.stringify(f.kernel ? `${f.symbol} [kernel]` : f.symbol)},"file":${JSON.stringify(f.dso)}}`;
    if (s.length > 65536) {
      out.write(s);
      s = "";
    }
  });
  out.write(`${s}]},"profiles":[`);
  set.tracks.forEach((t, i) => {
    if (i > 0) out.write(",");
    writeProfile(t, unitOf(t.event ?? ""), out);
  });
  out.write(`],"name":${JSON.stringify(name)},"activeProfileIndex":0,"exporter":"perfkit"}\n`);
}

function writeProfile(t: Track, unit: SpeedscopeUnit, out: TextSink): void {
  const label = `${t.comm} (${t.pid}/${t.tid})${t.event ? ` [${t.event}]` : ""}`;
  let total = 0;
  const w = t.weights.data;
  for (let i = 0; i < t.weights.length; i++) total += w[i]!;
  out.write(
    `{"type":"sampled","name":${JSON.stringify(label)},"unit":"${unit}","startValue":0,"endValue":${total},"samples":[`,
  );
  // Each trie node's stack as text, built once from its parent's: "f0,f1,…" root first.
  const trie = t.trie;
  const text: string[] = new Array(trie.size);
  text[0] = "";
  for (let n = 1; n < trie.size; n++) {
    const up = text[trie.parent[n]!]!;
    text[n] = up === "" ? String(trie.name[n]) : `${up},${trie.name[n]}`;
  }
  let s = "";
  const st = t.stacks.data;
  for (let i = 0; i < t.stacks.length; i++) {
    s += `${i > 0 ? "," : ""}[${text[st[i]!]}]`;
    if (s.length > 65536) {
      out.write(s);
      s = "";
    }
  }
  out.write(`${s}],"weights":[`);
  s = "";
  for (let i = 0; i < t.weights.length; i++) {
    s += `${i > 0 ? "," : ""}${w[i]}`;
    if (s.length > 65536) {
      out.write(s);
      s = "";
    }
  }
  out.write(`${s}]}`);
}
