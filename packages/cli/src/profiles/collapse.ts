/**
 * Folded stacks exactly as perf's stackcollapse.py prints them: `comm;outer;…;leaf count`,
 * sorted as Python sorts strings, with its options for pid/tid, comm, Java names and kernel
 * annotation.
 */
import type { FrameTable } from "./_frames.ts";
import { StackTrie, StringTable } from "./_trie.ts";
import type { WalkedSample } from "./_walk.ts";

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

/** Counts samples per folded stack. Feed it walked samples, then ask for {@link lines}. */
export class StackCollapser {
  readonly #opts: Required<CollapseOptions>;
  readonly #frames: FrameTable;
  readonly #names = new StringTable();
  readonly #trie = new StackTrie();
  /** Name id per frame id (-1: not yet named). */
  #frameName = new Int32Array(1024).fill(-1);
  /** The comm element per thread, rebuilt when the thread's comm changes. */
  readonly #commOf = new Map<object, { comm: string; id: number }>();

  constructor(frames: FrameTable, options: CollapseOptions = {}) {
    if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
    this.#frames = frames;
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

  /** The previous sample's stack (name ids, root first) and its trie path. */
  readonly #prevKey = new Int32Array(130);
  readonly #prevNode = new Int32Array(130);
  #prevLen = 0;

  /** Counts one sample. */
  add(s: WalkedSample): void {
    // Consecutive samples mostly share their outer frames: walk the trie only below the
    // first difference from the previous stack.
    const key = this.#prevKey;
    const path = this.#prevNode;
    const prevLen = this.#prevLen;
    let len = 0;
    let same = true;
    let node = 0;
    if (this.#opts.includeComm) {
      const c = this.commId(s);
      same = prevLen > 0 && key[0] === c;
      node = same ? path[0]! : this.#trie.child(0, c);
      key[0] = c;
      path[0] = node;
      len = 1;
    }
    const f = s.frames;
    for (let i = s.depth - 1; i >= 0; i--, len++) {
      const name = this.nameOf(f[i]!);
      if (same && len < prevLen && key[len] === name) node = path[len]!;
      else {
        same = false;
        node = this.#trie.child(node, name);
        key[len] = name;
        path[len] = node;
      }
    }
    this.#prevLen = len;
    this.#trie.self[node]!++;
  }

  private commId(s: WalkedSample): number {
    const c = this.#commOf.get(s.thread);
    if (c !== undefined && c.comm === s.comm) return c.id;
    let text = s.comm.replaceAll(" ", "_");
    let sep = "-";
    if (this.#opts.includePid) {
      text += `${sep}${s.pid}`;
      sep = "/";
    }
    if (this.#opts.includeTid) text += `${sep}${s.tid}`;
    const id = this.#names.intern(text);
    this.#commOf.set(s.thread, { comm: s.comm, id });
    return id;
  }

  private nameOf(frame: number): number {
    if (frame >= this.#frameName.length) {
      const grown = new Int32Array(Math.max(frame + 1, this.#frameName.length * 2)).fill(-1);
      grown.set(this.#frameName);
      this.#frameName = grown;
    }
    let id = this.#frameName[frame]!;
    if (id < 0) {
      id = this.#names.intern(this.tidy(this.#frames.symbol[frame] ?? null, this.#frames.dso(frame)));
      this.#frameName[frame] = id;
    }
    return id;
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
    const trie = this.#trie;
    const names = this.#names.strings;
    const merged = new Map<string, number>();
    const parts: string[] = [];
    for (let n = 0; n < trie.size; n++) {
      const count = trie.self[n]!;
      if (count === 0) continue;
      parts.length = 0;
      for (let p = n; p > 0; p = trie.parent[p]!) parts.push(names[trie.name[p]!]!);
      // Distinct paths can print the same (a comm with ';' in it): Python counts them as one.
      const key = parts.reverse().join(";");
      merged.set(key, (merged.get(key) ?? 0) + count);
    }
    const out = [...merged];
    out.sort(pythonStringOrder);
    return out;
  }

  /** stackcollapse.py's output: one `stack count` line per stack. */
  lines(): string {
    let s = "";
    for (const [stack, count] of this.counts()) s += `${stack} ${count}\n`;
    return s;
  }
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
