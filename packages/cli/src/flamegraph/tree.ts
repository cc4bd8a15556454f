/**
 * The flame graph tree of perf's flamegraph.py: root "all", one child per comm (with its pid,
 * or the bare comm as a kernel node for pid 0), then the callchain outermost first. Nodes are
 * matched by name only, keep the libtype of their first sample, and count samples ending in
 * them (self values). {@link FlameTree.toJson} writes what `flamegraph.py -f json` writes.
 */

import type { Thread } from "@perfkit/session";
import { StackCombos } from "../profiles/_combos.ts";
import { CommIds } from "../profiles/_comm-ids.ts";
import type { FrameTable } from "../profiles/_frames.ts";
import type { StackTable } from "../profiles/_stacks.ts";
import { StackTrie, StringTable } from "../profiles/_trie.ts";
import type { StackCounter, WalkedSample } from "../profiles/_walk.ts";
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

/**
 * Builds one flame graph tree from walked samples. The walk only counts samples per (stack
 * id, comm); the tree is built from those in first-seen order when first asked for, which
 * gives the nodes, their order and libtypes that adding every sample would, while symbol
 * tables load after the walk.
 */
export class FlameTree implements StackCounter {
  readonly #frames: FrameTable;
  readonly #stacks: StackTable;
  readonly #names = new StringTable();
  readonly #trie = new StackTrie();
  /** Libtype per trie node (set when the node is created). */
  readonly #libtype: Libtype[] = ["root"];
  /** Name id and kernel flag per frame id, -1 until computed. */
  #frameName = new Int32Array(1024).fill(-1);
  #frameKernel = new Uint8Array(1024);
  readonly #commIds = new CommIds((comm, pid) => this.commNameId(comm, pid));
  #samples = 0;
  /** Samples per (stack, comm name id) pair, and per comm name id whether it is the kernel's. */
  readonly #combos = new StackCombos();
  readonly #kernelComm: boolean[] = [];
  #built = false;

  constructor(frames: FrameTable, stacks: StackTable) {
    if (typeof frames !== "object" || frames === null) throw new TypeError("frames must be a FrameTable");
    if (typeof stacks !== "object" || stacks === null) throw new TypeError("stacks must be a StackTable");
    this.#frames = frames;
    this.#stacks = stacks;
  }

  /** Samples added so far. */
  get samples(): number {
    return this.#samples;
  }

  /** Adds one sample (its callchain, or none, under its comm). */
  add(s: WalkedSample): void {
    this.count(s.stack, s.thread, s.comm, s.pid, s.tid);
  }

  /** Counts one sample of stack id `stack` (see {@link StackCounter}). */
  count(stack: number, thread: Thread, comm: string, pid: number, tid: number): void {
    if (this.#built) throw new Error("FlameTree: add() after the tree was built");
    this.#samples++;
    this.#combos.add(stack, this.#commIds.idOf(thread, comm, pid, tid));
  }

  /** Builds the trie from the counted (stack, comm) pairs, in the order they were first seen. */
  #build(): void {
    if (this.#built) return;
    this.#built = true;
    const combos = this.#combos;
    for (let i = 0; i < combos.length; i++) {
      const comm = combos.tag[i]!;
      let node = this.child(0, comm, this.#kernelComm[comm] ? "kernel" : "");
      const f = this.#stacks.frames[combos.stack[i]!]!;
      for (let d = f.length - 1; d >= 0; d--) {
        const frame = f[d]!;
        const name = this.nameOf(frame);
        node = this.child(node, name, this.#frameKernel[frame] ? "kernel" : "");
      }
      this.#trie.self[node]! += combos.count[i]!;
    }
  }

  private child(node: number, name: number, libtype: Libtype): number {
    const before = this.#trie.size;
    const c = this.#trie.child(node, name);
    if (c === before) this.#libtype.push(libtype);
    return c;
  }

  /** A new comm name id (kernel threads keep their bare name, as flamegraph.py). */
  private commNameId(comm: string, pid: number): number {
    const kernel = pid === 0;
    const id = this.#names.intern(kernel ? comm : `${comm} (${pid})`);
    this.#kernelComm[id] = kernel;
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
    this.#build();
    const t = this.#trie;
    const lists: number[][] = Array.from({ length: t.size }, () => []);
    for (let n = 1; n < t.size; n++) lists[t.parent[n]!]!.push(n);
    return lists;
  }

  /** The tree as objects (for the HTML viewer and tests). */
  toNode(): FlameNode {
    this.#build();
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
    this.#build();
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
