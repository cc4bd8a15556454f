/**
 * Address resolution against a snapshot of an address space: perf's thread__find_map +
 * map__find_symbol, with perf's rules for callchain context markers.
 */
import { CallchainContext, Misc } from "@perfkit/format";
import type { ResolvedSym } from "./dso.ts";
import { findMapIn, type MapEntry } from "./maps.ts";

/** The kernel and user maps as they were when an event was seen. */
export interface AddressSpace {
  readonly kernel: readonly MapEntry[];
  readonly user: readonly MapEntry[];
}

/** An address resolved to its map, dso-relative address and symbol. */
export interface Resolved {
  readonly ip: bigint;
  readonly map: MapEntry | undefined;
  /** map_ip(ip) when a map was found, else ip. */
  readonly addr: bigint;
  readonly sym: ResolvedSym | null;
}

/** Resolves `ip` seen in `cpumode` (header.misc & 7). */
export function resolveIp(space: AddressSpace, cpumode: number, ip: bigint): Resolved {
  let map: MapEntry | undefined;
  if (cpumode === Misc.KERNEL) map = findMapIn(space.kernel, ip);
  else if (cpumode === Misc.USER) map = findMapIn(space.user, ip);
  if (!map) return { ip, map, addr: ip, sym: null };
  const addr = map.mapIp(ip);
  return { ip, map, addr, sym: map.dso.find(addr) };
}

/** perf's symbol offset (`+0x…`): from the symbol start, with its quirk for past-the-end hits. */
export function symbolOffset(r: Resolved): bigint {
  const s = r.sym;
  if (!s) return 0n;
  if (r.addr < s.end) return r.addr - s.start;
  return r.addr - (r.map ? r.map.start : 0n) - s.start;
}

/**
 * Walks the `n` raw callchain entries at `at` in a record (leaf first), switching cpumode at
 * context markers as perf's add_callchain_ip does, and returns the address entries with their
 * cpumodes. An unknown marker ends the chain empty, as perf resets its cursor. Markers are
 * recognised from the high word, so only address entries become BigInts.
 */
export function callchainEntriesAt(
  view: DataView,
  at: number,
  n: number,
  le: boolean,
  maxStack = MAX_STACK,
): { ips: bigint[]; modes: number[] } {
  const ips: bigint[] = [];
  const modes: number[] = [];
  let mode: number = Misc.USER;
  const hiAt = le ? 4 : 0;
  for (let i = 0, p = at; i < n && ips.length < maxStack; i++, p += 8) {
    if (view.getUint32(p + hiAt, le) === 0xffffffff) {
      const ip = view.getBigUint64(p, le);
      if (ip >= CallchainContext.MAX) {
        if (ip === CallchainContext.KERNEL) mode = Misc.KERNEL;
        else if (ip === CallchainContext.USER) mode = Misc.USER;
        else if (ip === CallchainContext.HV) mode = Misc.HYPERVISOR;
        else return { ips: [], modes: [] };
        continue;
      }
      ips.push(ip);
    } else ips.push(view.getBigUint64(p, le));
    modes.push(mode);
  }
  return { ips, modes };
}

/** Default stack depth perf keeps (PERF_MAX_STACK_DEPTH). */
export const MAX_STACK = 127;
