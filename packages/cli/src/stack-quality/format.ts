/**
 * Text of `perfkit report --stack-quality`. The input mirrors @perfkit/session's
 * StackQuality structurally, so this printer has no dependency on the unwinder itself.
 */

/** The per-dso fields printed. */
export interface StackQualityDsoView {
  dso: string;
  buildId: string | null;
  frames: number;
  resolved: number;
  debugInfo: boolean;
  buildIdMismatch: boolean;
  missing: boolean;
  errors: readonly string[];
}

/** The summary fields printed (session's StackQuality fits). */
export interface StackQualityView {
  samples: number;
  userStacks: number;
  truncated: number;
  stops: Partial<Record<string, number>>;
  unmappedFrames: number;
  stackSize: number;
  maxDynSize: number;
  suggestedStackSize: number | null;
  dsos: readonly StackQualityDsoView[];
  elapsedMs: number;
}

const pct = (n: number, d: number) => (d === 0 ? "   -  " : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

/** Renders the summary as a table with a recommendation line. */
export function formatStackQuality(q: StackQualityView): string {
  if (typeof q !== "object" || q === null || !Array.isArray(q.dsos))
    throw new TypeError("q must be a StackQuality summary");
  const out: string[] = [];
  out.push("# Stack quality (user stacks unwound from --call-graph dwarf)");
  out.push(`# samples: ${q.samples}, with user stack: ${q.userStacks}, stack dump size: ${q.stackSize || "n/a"}`);
  out.push(
    `# truncated user stacks: ${q.truncated} (${pct(q.truncated, q.userStacks).trim()}), largest dump used: ${q.maxDynSize} bytes`,
  );
  const stops = Object.entries(q.stops)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  out.push(`# walk ends: ${stops || "none"}; frames outside any map: ${q.unmappedFrames}`);
  out.push("#");
  out.push("#  frames  resolved  debug-info  build-id  dso");
  for (const d of q.dsos) {
    const debug = d.missing ? "missing" : d.debugInfo ? "yes" : "no";
    const bid = d.buildIdMismatch ? "MISMATCH" : d.buildId ? "ok" : "none";
    out.push(
      `${String(d.frames).padStart(9)}  ${pct(d.resolved, d.frames)}  ${debug.padEnd(10)}  ${bid.padEnd(8)}  ${d.dso}`,
    );
    for (const e of d.errors.slice(0, 3)) out.push(`#     error: ${e}`);
  }
  out.push("#");
  if (q.suggestedStackSize !== null)
    out.push(
      `# ${pct(q.truncated, q.userStacks).trim()} of user stacks were cut off: record with --call-graph dwarf,${q.suggestedStackSize}`,
    );
  else if (q.userStacks === 0) out.push("# no user stacks: record with --call-graph dwarf to get them");
  else out.push("# stack dump size is sufficient");
  return `${out.join("\n")}\n`;
}
