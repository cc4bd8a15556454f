/** Thread lists: the tids events are attached to, or -1 for "any thread" (system-wide). */
import { readdirSync } from "node:fs";
import { checkArg } from "@perfkit/format";

/** An ordered list of thread ids; `[-1]` means every thread (per-CPU, system-wide events). */
export class ThreadMap implements Iterable<number> {
  /** Thread ids in the given order; `[-1]` for the "any thread" map. */
  readonly tids: readonly number[];

  /** `new ThreadMap()` = any thread; a number or array lists tids as given. */
  constructor(tids?: number | readonly number[]) {
    if (tids === undefined) {
      this.tids = [-1];
      return;
    }
    const list = typeof tids === "number" ? [tids] : tids;
    checkArg(Array.isArray(list), "tids", "a tid or an array of tids", tids);
    for (const t of list) checkArg(Number.isInteger(t) && t >= -1, "tids[]", "integers >= 0 (or a lone -1)", t);
    if (list.length === 0) throw new TypeError("tids must name at least one thread");
    if (list.includes(-1) && list.length !== 1) throw new TypeError("tids: -1 (any thread) must be alone");
    this.tids = [...new Set(list)];
  }

  /** The "any thread" map `[-1]`. */
  static any(): ThreadMap {
    return new ThreadMap();
  }

  /**
   * The threads of process `pid` now, from /proc/<pid>/task (threads created later are only
   * followed by events opened with `inherit`). Throws when the process does not exist.
   */
  static forPid(pid: number): ThreadMap {
    checkArg(Number.isInteger(pid) && pid > 0, "pid", "a positive integer", pid);
    let names: string[];
    try {
      names = readdirSync(`/proc/${pid}/task`);
    } catch {
      throw new Error(`process ${pid} does not exist (no /proc/${pid}/task)`);
    }
    return new ThreadMap(names.map(Number).sort((a, b) => (a === pid ? -1 : b === pid ? 1 : a - b)));
  }

  /** True for the `[-1]` map. */
  get isAny(): boolean {
    return this.tids.length === 1 && this.tids[0] === -1;
  }

  /** Number of entries. */
  get length(): number {
    return this.tids.length;
  }

  /** Index of a tid in this map, or -1. */
  indexOf(tid: number): number {
    return this.tids.indexOf(tid);
  }

  /** The tid at an index. */
  at(index: number): number | undefined {
    return this.tids[index];
  }

  /** Iterates the tids. */
  [Symbol.iterator](): Iterator<number> {
    return this.tids[Symbol.iterator]();
  }
}
