/**
 * Stack-quality summary of a `--call-graph dwarf` recording: per dso how many frames
 * resolve to a symbol, whether debug info and matching build ids were found, how many
 * user stacks were cut off by the dump size, and a better `--call-graph dwarf,SIZE`.
 */
import type { PerfDataFile } from "@perfkit/format";
import { loadDsoSymbols, type SymbolTable } from "../symbols/index.ts";
import { DwarfCache } from "./cache.ts";
import { type RecordingModule, unwindRecording } from "./recording.ts";
import type { UnwindStop } from "./unwind.ts";

/** One dso's line of the summary. */
export interface DsoStackQuality {
  dso: string;
  buildId: string | null;
  /** User frames that fell in this dso. */
  frames: number;
  /** Of those, frames with a symbol. */
  resolved: number;
  /** DWARF (lines/inlines) was found for the binary. */
  debugInfo: boolean;
  /** The file on disk has a different build id than the recording (and no cached copy matched). */
  buildIdMismatch: boolean;
  /** The binary could not be read at all. */
  missing: boolean;
  /** Errors met in its debug sections. */
  errors: string[];
}

/** The whole summary. */
export interface StackQuality {
  samples: number;
  /** Samples that carried a user stack. */
  userStacks: number;
  /** User stacks whose walk ran off the end of the saved stack. */
  truncated: number;
  /** Walks per stop reason. */
  stops: Partial<Record<UnwindStop, number>>;
  /** Frames with no map at all. */
  unmappedFrames: number;
  /** The dump size the recording asked for (attr.sample_stack_user), 0 when not dwarf mode. */
  stackSize: number;
  /** The largest valid dump seen (dyn_size). */
  maxDynSize: number;
  /** A larger SIZE for `--call-graph dwarf,SIZE` when many stacks were cut off, else null. */
  suggestedStackSize: number | null;
  dsos: DsoStackQuality[];
  /** Wall time spent, in milliseconds. */
  elapsedMs: number;
}

/** perf's limit for `--call-graph dwarf,SIZE` (u16 rounded down to 8). */
export const MAX_DWARF_STACK = 65528;

/** Suggested dump size: double (or quadruple when most stacks are cut) the current, capped at perf's maximum. */
export function suggestStackSize(current: number, truncatedShare: number): number | null {
  if (!Number.isFinite(current) || current < 0) throw new TypeError("current must be a non-negative number");
  if (!Number.isFinite(truncatedShare) || truncatedShare < 0 || truncatedShare > 1)
    throw new TypeError("truncatedShare must be in 0..1");
  if (truncatedShare < 0.05 || current >= MAX_DWARF_STACK) return null;
  const factor = truncatedShare >= 0.25 ? 4 : 2;
  return Math.min(MAX_DWARF_STACK, Math.max(8192, current * factor));
}

/** Unwinds every sample of `file` and summarises the stack quality. */
export function stackQuality(file: PerfDataFile, cache: DwarfCache = new DwarfCache()): StackQuality {
  if (typeof file !== "object" || file === null || typeof file.records !== "function")
    throw new TypeError("file must be a PerfDataFile");
  if (!(cache instanceof DwarfCache)) throw new TypeError("cache must be a DwarfCache");
  const t0 = performance.now();
  const q: StackQuality = {
    samples: 0,
    userStacks: 0,
    truncated: 0,
    stops: {},
    unmappedFrames: 0,
    stackSize: 0,
    maxDynSize: 0,
    suggestedStackSize: null,
    dsos: [],
    elapsedMs: 0,
  };
  const perDso = new Map<string, DsoStackQuality>();
  const symtabs = new Map<string, SymbolTable | null>();
  for (const u of unwindRecording(file, cache)) {
    q.samples++;
    q.stackSize = Math.max(q.stackSize, u.stackSizeRequested);
    q.stops[u.user.stop] = (q.stops[u.user.stop] ?? 0) + 1;
    if (u.user.stop === "no-stack") continue;
    q.userStacks++;
    const dyn = u.sample.stackUser?.dynSize ?? 0;
    q.maxDynSize = Math.max(q.maxDynSize, dyn);
    // Cut off: the walk needed bytes past the dump. (Walks that stop for want of CFI on a full
    // dump, e.g. perf's stale-map table bias after fork+exec, would not gain from a larger dump.)
    if (u.user.stop === "truncated") q.truncated++;
    for (const f of u.user.frames) {
      const m = f.module as RecordingModule | undefined;
      if (!m) {
        q.unmappedFrames++;
        continue;
      }
      const key = `${m.name}\0${m.buildId ?? ""}`;
      let d = perDso.get(key);
      if (!d) {
        const st = cache.get(m.name, m.buildId);
        d = {
          dso: m.name,
          buildId: m.buildId,
          frames: 0,
          resolved: 0,
          debugInfo: st.debug !== null,
          buildIdMismatch: st.buildIdMismatch,
          missing: st.binary === null,
          errors: [],
        };
        perDso.set(key, d);
        symtabs.set(key, st.binary ? safeSymbols(m.name, m.buildId) : null);
      }
      d.frames++;
      if (symtabs.get(key)?.find(f.ip - m.start + m.pgoff)) d.resolved++;
    }
  }
  for (const [key, d] of perDso) {
    const [name, bid] = key.split("\0");
    d.errors = (cache.get(name!, bid || null).binary?.errors ?? []).map((e) => e.message);
  }
  q.dsos = [...perDso.values()].sort((a, b) => b.frames - a.frames || (a.dso < b.dso ? -1 : 1));
  q.suggestedStackSize = q.userStacks ? suggestStackSize(q.stackSize, q.truncated / q.userStacks) : null;
  q.elapsedMs = performance.now() - t0;
  return q;
}

function safeSymbols(path: string, buildId: string | null): SymbolTable | null {
  try {
    return loadDsoSymbols(path, { buildId });
  } catch {
    return null;
  }
}
