/**
 * Address-space maps (perf's `struct map`/`struct maps`): sorted, non-overlapping ranges,
 * with perf's rule that a new mapping trims or splits whatever it overlaps.
 */
import type { Dso } from "./dso.ts";

/** One mapping of a dso into an address space. */
export class MapEntry {
  constructor(
    readonly start: bigint,
    /** Exclusive end. */
    readonly end: bigint,
    readonly pgoff: bigint,
    readonly dso: Dso,
    /** Anonymous, JIT and pseudo maps use addresses as they are (perf's identity__map_ip). */
    readonly identity: boolean,
  ) {}

  /** perf's map__map_ip: a sampled address → the dso-relative address symbols use. */
  mapIp(ip: bigint): bigint {
    return this.identity ? ip : ip - this.start + this.pgoff;
  }
}

/** The maps of one address space, kept sorted by start. */
export class MapList {
  private items: MapEntry[] = [];

  /** A copy sharing the (immutable) entries: a forked process starts with its parent's maps. */
  clone(): MapList {
    const m = new MapList();
    m.items = this.items.slice();
    return m;
  }

  /** Every map, sorted by start. */
  get entries(): readonly MapEntry[] {
    return this.items;
  }

  /** Inserts `map`, trimming or splitting the maps it overlaps (maps__fixup_overlappings). */
  insert(map: MapEntry): void {
    const items = this.items;
    let i = this.upperBound(map.start) - 1;
    if (i < 0 || items[i]!.end <= map.start) i++;
    const replaced: MapEntry[] = [];
    let j = i;
    while (j < items.length && items[j]!.start < map.end) {
      const old = items[j]!;
      if (old.start < map.start) replaced.push(new MapEntry(old.start, map.start, old.pgoff, old.dso, old.identity));
      replaced.push(map);
      if (old.end > map.end) {
        const pg = old.identity ? old.pgoff : old.pgoff + (map.end - old.start);
        replaced.push(new MapEntry(map.end, old.end, pg, old.dso, old.identity));
      }
      j++;
    }
    // Copy on write: snapshots taken by events keep seeing the address space they were taken in.
    const next = items.slice();
    if (j === i) next.splice(i, 0, map);
    else {
      // Several old maps may push `map` more than once: keep it once, in order.
      const out: MapEntry[] = [];
      for (const m of replaced) if (m !== map || !out.includes(map)) out.push(m);
      next.splice(i, j - i, ...out);
    }
    this.items = next;
  }

  /** The current maps as an immutable snapshot (later inserts do not change it). */
  snapshot(): readonly MapEntry[] {
    return this.items;
  }

  /** The map containing `addr`, or undefined. */
  find(addr: bigint): MapEntry | undefined {
    return findMapIn(this.items, addr);
  }

  private upperBound(addr: bigint): number {
    return upperBound(this.items, addr);
  }
}

/** The map of a snapshot containing `addr`, or undefined. */
export function findMapIn(items: readonly MapEntry[], addr: bigint): MapEntry | undefined {
  const i = upperBound(items, addr) - 1;
  if (i < 0) return undefined;
  const m = items[i]!;
  return addr < m.end ? m : undefined;
}

/** Index of the first map whose start is > addr. */
function upperBound(items: readonly MapEntry[], addr: bigint): number {
  {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid]!.start <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
