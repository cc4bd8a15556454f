/** The hook the Session calls: unwind one sample against a snapshot of its user maps. */
import type { Sample } from "@perfkit/format";
import type { Dso } from "../dso.ts";
import { findMapIn, type MapEntry } from "../maps.ts";
import type { DwarfBinary } from "./binary.ts";
import type { DwarfCache } from "./cache.ts";
import { lowestStarts, perfCfiBias } from "./number-maps.ts";
import type { UnwindArch } from "./registers.ts";
import { type UnwindModule, type UnwindResult, unwindUser } from "./unwind.ts";

/** A module that remembers the session's map entry it came from. */
export interface MappedModule extends UnwindModule {
  map: MapEntry;
}

/**
 * Unwinds `sample`'s user stack (needs REGS_USER + STACK_USER in the attr) through the
 * sorted, non-overlapping `userMaps` (the Session's AddressSpace.user). Frames'
 * `module` is a {@link MappedModule}. Returns stop "no-stack" when the sample has no stack.
 */
export function unwindSampleInMaps(
  sample: Sample,
  userMaps: readonly MapEntry[],
  cache: DwarfCache,
  options: { arch?: UnwindArch; maxFrames?: number } = {},
): UnwindResult {
  if (typeof sample !== "object" || sample === null) throw new TypeError("sample must be a Sample");
  if (!Array.isArray(userMaps)) throw new TypeError("userMaps must be an array of MapEntry");
  if (typeof cache !== "object" || cache === null || typeof cache.get !== "function")
    throw new TypeError("cache must be a DwarfCache");
  const regs = sample.regsUser;
  const stack = sample.stackUser;
  if (!regs || !stack) return { frames: [], stop: "no-stack" };
  const modules = new Map<MapEntry, MappedModule>();
  const lookup = (addr: bigint): MappedModule | undefined => {
    const e = findMapIn(userMaps, addr);
    if (!e) return undefined;
    let m = modules.get(e);
    if (!m) {
      const binary = e.identity ? null : cache.get(e.dso.name, e.dso.buildId).binary;
      m = { start: e.start, end: e.end, pgoff: e.identity ? e.start : e.pgoff, binary, map: e };
      modules.set(e, m);
    }
    return m;
  };
  // perf's CFI table bias: the lowest start of the dso's maps in this snapshot (perfCfiBias).
  let lowest: Map<Dso, bigint> | null = null;
  const cfiBias = (m: UnwindModule, binary: DwarfBinary): bigint | null => {
    lowest ??= lowestStarts(userMaps);
    return perfCfiBias(lowest, (m as MappedModule).map, binary);
  };
  return unwindUser({ regs, stack, arch: options.arch, maxFrames: options.maxFrames, cfiBias }, lookup);
}
