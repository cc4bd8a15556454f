/**
 * Folded stacks exactly as perf's stackcollapse.py prints them: `comm;outer;…;leaf count`,
 * sorted as Python sorts strings, with its options for pid/tid, comm, Java names and kernel
 * annotation.
 */

import type { Thread } from "@perfkit/session";
import { StackCombos } from "./_combos.ts";
import { CommIds } from "./_comm-ids.ts";
import type { FrameTable } from "./_frames.ts";
import type { StackTable } from "./_stacks.ts";
import { StringTable } from "./_trie.ts";
import type { StackCounter, WalkedSample } from "./_walk.ts";

/** stackcollapse.py's options. */
export interface CollapseOptions {
  /** `--include-tid`: append `/tid` (or `-tid`) to the comm. */
  includeTid?: boolean;
  /** `--include-pid`: append `-pid` to the comm. */
  includePid?: boolean;
  /** False for `--no-comm`: stacks of every comm merge. */
  includeComm?: boolean;
  /** `--tidy-java`: drop `<>`, the leading `L` and the signature. */
  tidyJava?: boolean;
  /** `--kernel`: suffix kernel functions with `_[k]`. */
  annotateKernel?: boolean;
}

/**
 * Counts samples per folded stack. Feed it walked samples, then ask for {@link lines}. During
 * the walk it only counts per (stack id, comm); frames are named afterwards, so symbol
 * tables load after the walk (kallsyms meanwhile on a worker thread).
 */
export class StackCollapser implements StackCounter {
  readonly #opts: Required<CollapseOptions>;
  readonly #frames: FrameTable;
  readonly #stacks: StackTable;
  readonly #comms = new StringTable();
  /** The comm element per thread, rebuilt when the thread's comm changes. */
  /** Samples per (stack, comm) pair. */
  readonly #combos = new StackCombos();
  readonly #commIds = new CommIds((comm, pid, tid) => this.commIdOf(comm, pid, tid));

  constructor(frames: FrameTable, stacks: StackTable, options: CollapseOptions = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    this.#frames = frames;
    this.#stacks = stacks;
    this.#opts = {
      includeTid: options.includeTid === true,
      includePid: options.includePid === true,
      includeComm: options.includeComm !== false,
      tidyJava: options.tidyJava === true,
      annotateKernel: options.annotateKernel === true,
    };
    if (!this.#opts.includeComm && (this.#opts.includeTid || this.#opts.includePid))
      throw new TypeError(`options: requesting ${this.#opts.includeTid ? "tid" : "pid"} but not comm is invalid`);
  }

  /** Counts one sample. */
  add(s: WalkedSample): void {
    this.count(s.stack, s.thread, s.comm, s.pid, s.tid);
  }

  /** Counts one sample of stack id `stack` (see {@link StackCounter}). */
  count(stack: number, thread: Thread, comm: string, pid: number, tid: number): void {
    this.#combos.add(stack, this.#opts.includeComm ? this.#commIds.idOf(thread, comm, pid, tid) : 0);
  }

  private commIdOf(comm: string, pid: number, tid: number): number {
    let text = comm.replaceAll(" ", "_");
    let sep = "-";
    if (this.#opts.includePid) {
      text += `${sep}${pid}`;
      sep = "/";
    }
    if (this.#opts.includeTid) text += `${sep}${tid}`;
    return this.#comms.intern(text);
  }

  /** stackcollapse.py's tidy_function_name. */
  private tidy(symbol: string | null, dso: string | null): string {
    let sym = (symbol ?? "[unknown]").replaceAll(";", ":");
    if (this.#opts.tidyJava) {
      sym = sym.replaceAll("<", "").replaceAll(">", "");
      // Python's `sym.find('/')` is truthy unless '/' is at 0, which the 'L' rules out.
      if (sym[0] === "L") sym = sym.slice(1);
      const paren = sym.indexOf("(");
      if (paren >= 0) sym = sym.slice(0, paren);
    }
    return this.#opts.annotateKernel && dso === "[kernel.kallsyms]" ? `${sym}_[k]` : sym;
  }

  /** The folded stacks with their counts, sorted by stack as Python sorts strings. */
  counts(): [string, number][] {
    const names: (string | undefined)[] = [];
    const nameOf = (frame: number): string => {
      let n = names[frame];
      if (n === undefined) {
        n = this.tidy(this.#frames.symbolOf(frame), this.#frames.dso(frame));
        names[frame] = n;
      }
      return n;
    };
    const comms = this.#comms.strings;
    const merged = new Map<string, number>();
    const parts: string[] = [];
    const combos = this.#combos;
    for (let i = 0; i < combos.length; i++) {
      parts.length = 0;
      if (this.#opts.includeComm) parts.push(comms[combos.tag[i]!]!);
      const f = this.#stacks.frames[combos.stack[i]!]!;
      for (let d = f.length - 1; d >= 0; d--) parts.push(nameOf(f[d]!));
      // Distinct stacks can print the same (same symbol at other addresses, a comm with ';'): Python counts them as one.
      const key = parts.join(";");
      merged.set(key, (merged.get(key) ?? 0) + combos.count[i]!);
    }
    const out = [...merged];
    // Without surrogates, UTF-16 order is code point order: the engine's own compare will do.
    let surrogates = false;
    for (const [key] of out) if (SURROGATE.test(key)) surrogates = true;
    out.sort(surrogates ? pythonStringOrder : byUtf16);
    return out;
  }

  /** stackcollapse.py's output: one `stack count` line per stack. */
  lines(): string {
    let s = "";
    for (const [stack, count] of this.counts()) s += `${stack} ${count}\n`;
    return s;
  }
}

const SURROGATE = /[\ud800-\udfff]/;

function byUtf16(a: [string, number], b: [string, number]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Python's str ordering (by code point); differs from UTF-16 order only around surrogates. */
function pythonStringOrder(a: [string, number], b: [string, number]): number {
  const x = a[0];
  const y = b[0];
  if (x === y) return 0;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const cx = x.charCodeAt(i);
    const cy = y.charCodeAt(i);
    if (cx === cy) continue;
    if (cx >= 0xd800 || cy >= 0xd800) {
      const px = x.codePointAt(i)!;
      const py = y.codePointAt(i)!;
      if (px !== py) return px < py ? -1 : 1;
      continue;
    }
    return cx < cy ? -1 : 1;
  }
  return x.length - y.length;
}
