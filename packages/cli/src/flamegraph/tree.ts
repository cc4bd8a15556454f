/**
 * The flame graph tree of perf's flamegraph.py: root "all", one child per comm (with its pid,
 * or the bare comm as a kernel node for pid 0), then the callchain outermost first. Nodes are
 * matched by name only, keep the libtype of their first sample, and count samples ending in
 * them (self values). {@link FlameTree.toJson} writes what `flamegraph.py -f json` writes.
 */
import type { FrameTable } from "../profiles/_frames.ts";
import { StackTrie, StringTable } from "../profiles/_trie.ts";
import type { WalkedSample } from "../profiles/_walk.ts";
import { pyJsonString } from "./_pyjson.ts";

/** flamegraph.py's libtype: "root", "kernel", or "" for user space. */
export type Libtype = "root" | "kernel" | "";

/** A node of the tree in perf's JSON shape: name, libtype, self value, children. */
export interface FlameNode {
  n: string;
  l: Libtype;
  v: number;
  c: FlameNode[];
}

/** Builds one flame graph tree from walked samples. */
export class FlameTree {
  readonly #frames: FrameTable;
  readonly #names = new StringTable();
  readonly #trie = new StackTrie();
  /** Libtype per trie node (set when the node is created). */
  readonly #libtype: Libtype[] = ["root"];
  /** Name id and kernel flag per frame id, -1 until computed. */
  #frameName = new Int32Array(1024).fill(-1);
  #frameKernel = new Uint8Array(1024);
  readonly #commOf = new Map<object, { comm: string; id: number }>();
  #samples = 0;

  constructor(frames: FrameTable) {
    if (typeof frames !== "object" || frames === null) throw new TypeError("frames must be a FrameTable");
    this.#frames = frames;
  }

  /** Samples added so far. */
  get samples(): number {
    return this.#samples;
  }

  /** Adds one sample (its callchain, or none, under its comm). */
  add(s: WalkedSample): void {
    this.#samples++;
    const kernelComm = s.pid === 0;
    let node = this.child(0, this.commId(s, kernelComm), kernelComm ? "kernel" : "");
    const f = s.frames;
    for (let i = s.depth - 1; i >= 0; i--) {
      const frame = f[i]!;
      const name = this.nameOf(frame);
      node = this.child(node, name, this.#frameKernel[frame] ? "kernel" : "");
    }
    this.#trie.self[node]!++;
  }

  private child(node: number, name: number, libtype: Libtype): number {
    const before = this.#trie.size;
    const c = this.#trie.child(node, name);
    if (c === before) this.#libtype.push(libtype);
    return c;
  }

  private commId(s: WalkedSample, kernelComm: boolean): number {
    const c = this.#commOf.get(s.thread);
    if (c !== undefined && c.comm === s.comm) return c.id;
    const id = this.#names.intern(kernelComm ? s.comm : `${s.comm} (${s.pid})`);
    this.#commOf.set(s.thread, { comm: s.comm, id });
    return id;
  }

  private nameOf(frame: number): number {
    if (frame >= this.#frameName.length) {
      const size = Math.max(frame + 1, this.#frameName.length * 2);
      const names = new Int32Array(size).fill(-1);
      names.set(this.#frameName);
      this.#frameName = names;
      const kernel = new Uint8Array(size);
      kernel.set(this.#frameKernel);
      this.#frameKernel = kernel;
    }
    let id = this.#frameName[frame]!;
    if (id < 0) {
      id = this.#names.intern(this.#frames.symbolOf(frame) ?? "[unknown]");
      this.#frameName[frame] = id;
      const dso = this.#frames.dso(frame);
      // flamegraph.py's get_libtype_from_dso.
      this.#frameKernel[frame] = dso !== null && (dso === "[kernel.kallsyms]" || dso.endsWith("/vmlinux")) ? 1 : 0;
    }
    return id;
  }

  /** Children of every node, in first-seen order. */
  private childLists(): number[][] {
    const t = this.#trie;
    const lists: number[][] = Array.from({ length: t.size }, () => []);
    for (let n = 1; n < t.size; n++) lists[t.parent[n]!]!.push(n);
    return lists;
  }

  /** The tree as objects (for the HTML viewer and tests). */
  toNode(): FlameNode {
    const t = this.#trie;
    const names = this.#names.strings;
    const lists = this.childLists();
    const build = (n: number): FlameNode => ({
      n: n === 0 ? "all" : names[t.name[n]!]!,
      l: this.#libtype[n]!,
      v: t.self[n]!,
      c: lists[n]!.map(build),
    });
    return build(0);
  }

  /** `json.dumps(tree)` exactly as flamegraph.py writes it (`-f json`). */
  toJson(): string {
    const t = this.#trie;
    const names = this.#names.strings;
    const quoted = names.map(pyJsonString);
    const lists = this.childLists();
    const parts: string[] = [];
    const emit = (n: number): void => {
      parts.push(
        `{"n": ${n === 0 ? '"all"' : quoted[t.name[n]!]}, "l": "${this.#libtype[n]}", "v": ${t.self[n]}, "c": [`,
      );
      const kids = lists[n]!;
      for (let i = 0; i < kids.length; i++) {
        if (i > 0) parts.push(", ");
        emit(kids[i]!);
      }
      parts.push("]}");
    };
    emit(0);
    return parts.join("");
  }
}
