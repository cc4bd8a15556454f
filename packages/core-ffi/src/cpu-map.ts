/** CPU lists: the online CPUs by default, or a list like "0-3,7". */
import { readFileSync } from "node:fs";
import { checkArg } from "@perfkit/format";

/** Parses a kernel CPU list ("0-3,7", "" for none). Throws a TypeError naming bad parts. */
export function parseCpuList(list: string): number[] {
  checkArg(typeof list === "string", "list", "a string", list);
  const out = new Set<number>();
  for (const raw of list.trim().split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new TypeError(`bad CPU list entry '${part}' in '${list}' (expected forms: 3, 0-3, 0-3,7)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new TypeError(`bad CPU range '${part}' in '${list}': end before start`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

function readList(path: string): number[] {
  return parseCpuList(readFileSync(path, "utf8"));
}

/**
 * An ordered set of CPU numbers. `-1` alone means "any CPU" (per-thread events). The
 * default constructor takes the online CPUs from /sys/devices/system/cpu/online.
 */
export class CpuMap implements Iterable<number> {
  /** CPU numbers, ascending; `[-1]` for the "any CPU" map. */
  readonly cpus: readonly number[];

  /** `new CpuMap()` = online CPUs; a string is parsed as a CPU list; an array is taken as is. */
  constructor(cpus?: string | readonly number[]) {
    if (cpus === undefined) {
      this.cpus = CpuMap.onlineCpus();
    } else if (typeof cpus === "string") {
      this.cpus = parseCpuList(cpus);
      if (this.cpus.length === 0) throw new TypeError(`cpus list '${cpus}' names no CPU`);
    } else {
      checkArg(Array.isArray(cpus), "cpus", "a CPU list string or an array of CPU numbers", cpus);
      for (const c of cpus) checkArg(Number.isInteger(c) && c >= -1, "cpus[]", "integers >= 0 (or a lone -1)", c);
      if (cpus.includes(-1) && cpus.length !== 1) throw new TypeError("cpus: -1 (any CPU) must be alone");
      this.cpus = [...new Set(cpus)].sort((a, b) => a - b);
    }
  }

  /** The "any CPU" map `[-1]`, for events that follow threads wherever they run. */
  static any(): CpuMap {
    return new CpuMap([-1]);
  }

  /** Online CPU numbers now (re-read each call; CPUs can go offline). */
  static onlineCpus(): number[] {
    return readList("/sys/devices/system/cpu/online");
  }

  /** True for the `[-1]` map. */
  get isAny(): boolean {
    return this.cpus.length === 1 && this.cpus[0] === -1;
  }

  /** Number of entries. */
  get length(): number {
    return this.cpus.length;
  }

  /** Index of a CPU number in this map, or -1. */
  indexOf(cpu: number): number {
    return this.cpus.indexOf(cpu);
  }

  /** The CPU number at an index. */
  at(index: number): number | undefined {
    return this.cpus[index];
  }

  /** Iterates the CPU numbers. */
  [Symbol.iterator](): Iterator<number> {
    return this.cpus[Symbol.iterator]();
  }

  /** The kernel list syntax, e.g. "0-3,7" ("-1" for any). */
  toString(): string {
    if (this.isAny) return "-1";
    const parts: string[] = [];
    let i = 0;
    while (i < this.cpus.length) {
      let j = i;
      while (j + 1 < this.cpus.length && this.cpus[j + 1] === this.cpus[j]! + 1) j++;
      parts.push(i === j ? `${this.cpus[i]}` : `${this.cpus[i]}-${this.cpus[j]}`);
      i = j + 1;
    }
    return parts.join(",");
  }
}
