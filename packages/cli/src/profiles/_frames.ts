/**
 * Resolved frames, interned: one id per distinct (address-space snapshot, cpumode, address),
 * so a frame seen a million times is resolved (map search, symbol lookup) once. Addresses
 * arrive as two 32-bit halves and are keyed by an exact double, so the hot path touches no
 * BigInt. Consumers key their own per-frame caches by the id (plain arrays).
 */
import { Misc } from "@perfkit/format";
import { findMapIn, type MapEntry } from "@perfkit/session";

/** The empty address space of cpumodes perf does not resolve (hypervisor, guests). */
const NO_MAPS: readonly MapEntry[] = [];
const TWO32 = 2 ** 32;
const CACHE_SIZE = 1 << 16;
const CACHE_MASK = CACHE_SIZE - 1;
/** High halves at or above this (the top 4 GiB·1M of the space: kernel text, modules) get negative keys. */
const HIGH_BASE = 0xfff00000;

/** One address space's frame cache: exact double keys, and BigInt keys for addresses no double holds. */
export interface FrameSpace {
  /** Small id of the space in the direct-mapped cache. */
  readonly sid: number;
  readonly byKey: Map<number, number>;
  readonly byBig: Map<bigint, number>;
  readonly maps: readonly MapEntry[];
  readonly mode: number;
}

/** Every distinct frame of a walk, as parallel arrays indexed by frame id. */
export class FrameTable {
  /** Symbol names by frame id, resolved on first request (undefined: not yet). */
  readonly #symbol: (string | null | undefined)[] = [];
  /** The map the address fell in, or undefined. */
  readonly map: (MapEntry | undefined)[] = [];
  /** The sampled address. */
  readonly ip: bigint[] = [];
  /** The dso-relative address (map_ip), or the address itself without a map. */
  readonly addr: bigint[] = [];
  /** 1 when the frame ran in kernel space (cpumode kernel, or a kernel/module dso). */
  readonly kernel: number[] = [];
  readonly #bySpace = new WeakMap<readonly MapEntry[], FrameSpace>();
  #spaces = 0;
  /** A direct-mapped cache in front of the maps: most frames repeat, and four array reads beat a hash lookup. */
  readonly #cLo = new Uint32Array(CACHE_SIZE);
  readonly #cHi = new Uint32Array(CACHE_SIZE);
  readonly #cSid = new Int32Array(CACHE_SIZE).fill(-1);
  readonly #cId = new Int32Array(CACHE_SIZE);

  /** Number of distinct frames. */
  get length(): number {
    return this.map.length;
  }

  /**
   * The symbol name of a frame, or null when unresolved. Resolved on first request, so that
   * builders which name frames after the walk never wait for symbol tables during it.
   */
  symbolOf(id: number): string | null {
    let s = this.#symbol[id];
    if (s === undefined) {
      const map = this.map[id];
      const sym = map ? map.dso.find(this.addr[id]!) : null;
      s = sym ? sym.name : null;
      this.#symbol[id] = s;
    }
    return s;
  }

  /** perf's dso name of a frame, or null without a map. */
  dso(id: number): string | null {
    return this.map[id]?.dso.name ?? null;
  }

  /** The cache of one address-space snapshot (snapshots never change once taken). */
  spaceOf(kernelMaps: readonly MapEntry[], userMaps: readonly MapEntry[], cpumode: number): FrameSpace {
    const maps = cpumode === Misc.KERNEL ? kernelMaps : cpumode === Misc.USER ? userMaps : NO_MAPS;
    let c = this.#bySpace.get(maps);
    if (!c || c.mode !== cpumode) {
      c = { sid: this.#spaces++, byKey: new Map(), byBig: new Map(), maps, mode: cpumode };
      // NO_MAPS is shared by several cpumodes: only real snapshots are cached across calls.
      if (maps !== NO_MAPS) this.#bySpace.set(maps, c);
    }
    return c;
  }

  /** The id of the address `hi:lo` (32-bit halves) in a space from {@link spaceOf}. */
  idOf(space: FrameSpace, hi: number, lo: number): number {
    const slot = (lo ^ (lo >>> 13) ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(space.sid, 0x85ebca6b)) & CACHE_MASK;
    if (this.#cLo[slot] === lo && this.#cHi[slot] === hi && this.#cSid[slot] === space.sid) return this.#cId[slot]!;
    const id = this.lookup(space, hi, lo);
    this.#cLo[slot] = lo;
    this.#cHi[slot] = hi;
    this.#cSid[slot] = space.sid;
    this.#cId[slot] = id;
    return id;
  }

  private lookup(space: FrameSpace, hi: number, lo: number): number {
    let key: number;
    if (hi < 0x100000) key = hi * TWO32 + lo;
    else if (hi >= HIGH_BASE) key = -((hi - HIGH_BASE) * TWO32 + lo) - 1;
    else {
      const ip = (BigInt(hi) << 32n) | BigInt(lo);
      const hit = space.byBig.get(ip);
      if (hit !== undefined) return hit;
      const id = this.add(space.maps, space.mode, ip);
      space.byBig.set(ip, id);
      return id;
    }
    const hit = space.byKey.get(key);
    if (hit !== undefined) return hit;
    const id = this.add(space.maps, space.mode, (BigInt(hi) << 32n) | BigInt(lo));
    space.byKey.set(key, id);
    return id;
  }

  /** The id of a BigInt address seen in `cpumode`. */
  idOfIp(kernelMaps: readonly MapEntry[], userMaps: readonly MapEntry[], cpumode: number, ip: bigint): number {
    return this.idOf(this.spaceOf(kernelMaps, userMaps, cpumode), Number(ip >> 32n), Number(ip & 0xffffffffn));
  }

  private add(space: readonly MapEntry[], cpumode: number, ip: bigint): number {
    const map = findMapIn(space, ip);
    const addr = map ? map.mapIp(ip) : ip;
    const kind = map?.dso.kind;
    const id = this.map.length;
    this.map.push(map);
    this.ip.push(ip);
    this.addr.push(addr);
    this.kernel.push(cpumode === Misc.KERNEL || kind === "kernel" || kind === "module" ? 1 : 0);
    return id;
  }
}
