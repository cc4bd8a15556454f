/** perf's symbolic event names: software, hardware and hardware-cache events with their aliases. */
import { AttrType } from "@perfkit/format";

/** PERF_COUNT_SW_* by perf name (aliases included). */
export const SOFTWARE_EVENTS: Readonly<Record<string, number>> = {
  "cpu-clock": 0,
  "task-clock": 1,
  "page-faults": 2,
  faults: 2,
  "context-switches": 3,
  cs: 3,
  "cpu-migrations": 4,
  migrations: 4,
  "minor-faults": 5,
  "major-faults": 6,
  "alignment-faults": 7,
  "emulation-faults": 8,
  dummy: 9,
  "bpf-output": 10,
  "cgroup-switches": 11,
};

/** PERF_COUNT_HW_* by perf name (aliases included). */
export const HARDWARE_EVENTS: Readonly<Record<string, number>> = {
  cycles: 0,
  "cpu-cycles": 0,
  instructions: 1,
  "cache-references": 2,
  "cache-misses": 3,
  branches: 4,
  "branch-instructions": 4,
  "branch-misses": 5,
  "bus-cycles": 6,
  "stalled-cycles-frontend": 7,
  "idle-cycles-frontend": 7,
  "stalled-cycles-backend": 8,
  "idle-cycles-backend": 8,
  "ref-cycles": 9,
};

/** PERF_COUNT_HW_CACHE_* ids with perf's aliases (lower case). */
const CACHE_IDS: readonly [number, readonly string[]][] = [
  [0, ["l1-dcache", "l1-d", "l1d", "l1-data"]],
  [1, ["l1-icache", "l1-i", "l1i", "l1-instruction"]],
  [2, ["llc", "l2"]],
  [3, ["dtlb", "d-tlb", "data-tlb"]],
  [4, ["itlb", "i-tlb", "instruction-tlb"]],
  [5, ["branch", "branches", "bpu", "btb", "bpc"]],
  [6, ["node"]],
];
const CACHE_OPS: readonly [number, readonly string[]][] = [
  [0, ["load", "loads", "read"]],
  [1, ["store", "stores", "write"]],
  [2, ["prefetch", "prefetches", "speculative-read", "speculative-load"]],
];
const CACHE_RESULTS: readonly [number, readonly string[]][] = [
  [0, ["refs", "reference", "ops", "access"]],
  [1, ["misses", "miss"]],
];

/** Matches the longest alias that is `s` itself or a prefix of `s` followed by "-". */
function takePrefix(s: string, table: readonly [number, readonly string[]][]): [number, string] | null {
  let best: [number, string, number] | null = null;
  for (const [id, names] of table) {
    for (const n of names) {
      if ((s === n || s.startsWith(`${n}-`)) && (best === null || n.length > best[2])) {
        best = [id, s === n ? "" : s.slice(n.length + 1), n.length];
      }
    }
  }
  return best && [best[0], best[1]];
}

/**
 * The HW_CACHE config for a name like "L1-dcache-load-misses" or "LLC-loads"
 * (`id | op << 8 | result << 16`), or null when it is not a cache event.
 */
export function cacheConfig(name: string): bigint | null {
  const c = takePrefix(name.toLowerCase(), CACHE_IDS);
  if (!c) return null;
  let [id, rest] = c;
  let op = 0;
  let res = 0;
  const o = rest ? takePrefix(rest, CACHE_OPS) : null;
  if (o) [op, rest] = o;
  if (rest) {
    const r = takePrefix(rest, CACHE_RESULTS);
    if (r === null) return null;
    if (r[1] !== "") return null;
    res = r[0];
  }
  if (id === 5 && rest === "" && !o) return null; // bare "branch(es)" is the hardware event
  return BigInt(id | (op << 8) | (res << 16));
}

/** A symbolic event's type and config, or null when the name is not a perf symbolic event. */
export function symbolicEvent(name: string): { type: number; config: bigint } | null {
  const lower = name.toLowerCase();
  const sw = SOFTWARE_EVENTS[lower];
  if (sw !== undefined) return { type: AttrType.SOFTWARE, config: BigInt(sw) };
  const hw = HARDWARE_EVENTS[lower];
  if (hw !== undefined) return { type: AttrType.HARDWARE, config: BigInt(hw) };
  const cache = cacheConfig(lower);
  if (cache !== null) return { type: AttrType.HW_CACHE, config: cache };
  return null;
}
