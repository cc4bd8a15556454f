/**
 * CACHE: `u32 version; u32 nr;` per level `u32 level, line_size, sets, ways; string type,
 * size, shared_cpu_map`.
 */
import type { FeatureReader } from "./reader.ts";
import type { CacheFeature, CacheLevel } from "./types.ts";

/** Decodes CACHE. */
export function decodeCache(r: FeatureReader): CacheFeature {
  const version = r.u32("version");
  if (version !== 1) r.fail(`unsupported cache version ${version}`, r.pos - 4);
  const nr = r.u32("nr levels");
  r.needEntries(nr, 28, "cache levels");
  const levels: CacheLevel[] = [];
  for (let i = 0; i < nr; i++) {
    const level = r.u32("level");
    const lineSize = r.u32("line_size");
    const sets = r.u32("sets");
    const ways = r.u32("ways");
    const type = r.string("type");
    const size = r.string("size");
    const sharedCpuMap = r.string("shared_cpu_map");
    levels.push({ level, lineSize, sets, ways, type, size, sharedCpuMap });
  }
  return { feature: "CACHE", version, levels };
}
