/**
 * Address resolution against a snapshot of an address space: perf's thread__find_map +
 * map__find_symbol, with perf's rules for callchain context markers.
 */
import { CallchainContext, Misc } from "@perfkit/format";
import { ChainTable } from "./chain-table.ts";
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

/** Context markers as the low halves of 0xffffffff_xxxxxxxx. */
const CTX_MAX_LO = Number(CallchainContext.MAX & 0xffffffffn);
const CTX_KERNEL_LO = Number(CallchainContext.KERNEL & 0xffffffffn);
const CTX_USER_LO = Number(CallchainContext.USER & 0xffffffffn);
const CTX_HV_LO = Number(CallchainContext.HV & 0xffffffffn);

/**
 * Resolves interned chain `id` of `chains` (see {@link SampleWalk.chain}) against `space`,
 * leaf first, with perf's rules (see {@link visitChain}), each (space, cpumode, address) once.
 */
export function resolveChain(space: AddressSpace, chains: ChainTable, id: number, maxStack = MAX_STACK): Resolved[] {
  if (typeof space !== "object" || space === null || !Array.isArray(space.kernel) || !Array.isArray(space.user))
    throw new TypeError("space must be an AddressSpace ({ kernel, user })");
  const out: Resolved[] = [];
  const kept = visitChain(chains, id, (mode, hi, lo) => void out.push(resolveCached(space, mode, hi, lo)), maxStack);
  return kept ? out : [];
}

/**
 * Walks interned chain `id` of `chains` leaf first as perf's add_callchain_ip does: `visit`
 * gets the cpumode and the 32-bit halves of each address entry (at most `maxStack`), context
 * markers switching the cpumode. Returns false at an unknown marker: perf then drops the
 * whole chain, so callers discard what they were given.
 */
export function visitChain(
  chains: ChainTable,
  id: number,
  visit: (cpumode: number, hi: number, lo: number) => void,
  maxStack = MAX_STACK,
): boolean {
  if (!(chains instanceof ChainTable)) throw new TypeError("chains must be a ChainTable");
  if (typeof visit !== "function") throw new TypeError("visit must be a function");
  const words = chains.words;
  const start = chains.start(id);
  const n = chains.entries(id);
  let mode: number = Misc.USER;
  let kept = 0;
  for (let i = 0, p = start; i < n && kept < maxStack; i++, p += 2) {
    const lo = words[p]!;
    const hi = words[p + 1]!;
    if (hi === 0xffffffff && lo >= CTX_MAX_LO) {
      if (lo === CTX_KERNEL_LO) mode = Misc.KERNEL;
      else if (lo === CTX_USER_LO) mode = Misc.USER;
      else if (lo === CTX_HV_LO) mode = Misc.HYPERVISOR;
      else return false;
      continue;
    }
    visit(mode, hi, lo);
    kept++;
  }
  return true;
}

/** Resolutions per address space (its user-maps snapshot) and cpumode, by exact address key. */
const RESOLVED = new WeakMap<readonly MapEntry[], { kernel: readonly MapEntry[]; byMode: Map<number, Resolved>[] }>();

/**
 * resolveIp for an address given as 32-bit halves, once per (space, cpumode, address): the
 * chains of one process share most of their frames. Results are shared: treat them as read-only.
 */
function resolveCached(space: AddressSpace, mode: number, hi: number, lo: number): Resolved {
  // Exact double keys: user addresses below 2^53, the top 4 GiB (the kernel's) as negatives.
  const key = hi < 0x200000 ? hi * 2 ** 32 + lo : hi === 0xffffffff ? -1 - lo : Number.NaN;
  if (Number.isNaN(key) || mode > 7) return resolveIp(space, mode, (BigInt(hi) << 32n) | BigInt(lo));
  let entry = RESOLVED.get(space.user);
  if (!entry || entry.kernel !== space.kernel) {
    entry = { kernel: space.kernel, byMode: [] };
    RESOLVED.set(space.user, entry);
  }
  let byKey = entry.byMode[mode];
  if (!byKey) {
    byKey = new Map();
    entry.byMode[mode] = byKey;
  }
  let r = byKey.get(key);
  if (!r) {
    r = resolveIp(space, mode, (BigInt(hi) << 32n) | BigInt(lo));
    byKey.set(key, r);
  }
  return r;
}

/** Default stack depth perf keeps (PERF_MAX_STACK_DEPTH). */
export const MAX_STACK = 127;
