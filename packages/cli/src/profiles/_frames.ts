/**
 * Resolved frames, interned: one id per distinct (address-space snapshot, cpumode, address),
 * so a frame seen a million times is resolved (map search, symbol lookup) once. Consumers key
 * their own per-frame caches by the id (plain arrays, no objects per sample).
 */
import { Misc } from "@perfkit/format";
import { findMapIn, type MapEntry } from "@perfkit/session";

/** The empty address space of cpumodes perf does not resolve (hypervisor, guests). */
const NO_MAPS: readonly MapEntry[] = [];

/** Every distinct frame of a walk, as parallel arrays indexed by frame id. */
export class FrameTable {
  /** The symbol name, or null when unresolved. */
  readonly symbol: (string | null)[] = [];
  /** The map the address fell in, or undefined. */
  readonly map: (MapEntry | undefined)[] = [];
  /** The sampled address. */
  readonly ip: bigint[] = [];
  /** The dso-relative address (map_ip), or the address itself without a map. */
  readonly addr: bigint[] = [];
  /** 1 when the frame ran in kernel space (cpumode kernel, or a kernel/module dso). */
  readonly kernel: number[] = [];
  readonly #bySpace = new WeakMap<readonly MapEntry[], Map<bigint, number>>();

  /** Number of distinct frames. */
  get length(): number {
    return this.symbol.length;
  }

  /** perf's dso name of a frame, or null without a map. */
  dso(id: number): string | null {
    return this.map[id]?.dso.name ?? null;
  }

  /**
   * The id of `ip` seen in `cpumode` with the given kernel and user maps (snapshots: they
   * never change once taken, so they key the cache).
   */
  idOf(kernelMaps: readonly MapEntry[], userMaps: readonly MapEntry[], cpumode: number, ip: bigint): number {
    const space = cpumode === Misc.KERNEL ? kernelMaps : cpumode === Misc.USER ? userMaps : NO_MAPS;
    let byIp = this.#bySpace.get(space);
    if (!byIp) {
      byIp = new Map();
      this.#bySpace.set(space, byIp);
    }
    const hit = byIp.get(ip);
    if (hit !== undefined) return hit;
    const id = this.add(space, cpumode, ip);
    byIp.set(ip, id);
    return id;
  }

  private add(space: readonly MapEntry[], cpumode: number, ip: bigint): number {
    const map = findMapIn(space, ip);
    const addr = map ? map.mapIp(ip) : ip;
    const sym = map ? map.dso.find(addr) : null;
    const kind = map?.dso.kind;
    const id = this.symbol.length;
    this.symbol.push(sym ? sym.name : null);
    this.map.push(map);
    this.ip.push(ip);
    this.addr.push(addr);
    this.kernel.push(cpumode === Misc.KERNEL || kind === "kernel" || kind === "module" ? 1 : 0);
    return id;
  }
}
