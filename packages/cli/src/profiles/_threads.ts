/**
 * Per-track sample columns shared by the gecko and speedscope writers: one track per thread,
 * or per (thread, event) when several events are profiled together. Each track keeps a stack
 * trie over function ids, and per sample its stack node, time and weight (typed columns).
 */
import type { FrameTable } from "./_frames.ts";
import { FloatColumn, IntColumn } from "./_grow.ts";
import { StackTrie, StringTable } from "./_trie.ts";
import type { WalkedSample } from "./_walk.ts";

/** One track: a thread's samples (of one event when tracks are split by event). */
export interface Track {
  readonly pid: number;
  readonly tid: number;
  /** The thread's command name at its last sample. */
  comm: string;
  /** The event name when tracks are split by event, else null. */
  readonly event: string | null;
  /** Stacks over function ids (root 0 is the empty stack). */
  readonly trie: StackTrie;
  /** Per sample: the trie node of its stack. */
  readonly stacks: IntColumn;
  /** Per sample: nanoseconds since the first sample of the recording. */
  readonly times: FloatColumn;
  /** Per sample: the period (weight). */
  readonly weights: FloatColumn;
}

/** A function: `symbol (in dso)`, its parts, and whether it runs in the kernel. */
export interface Func {
  readonly name: string;
  /** The symbol, or "[unknown]". */
  readonly symbol: string;
  /** perf's dso name, or "[unknown]". */
  readonly dso: string;
  readonly kernel: boolean;
}

/** Collects walked samples into tracks, with functions interned by (name, kernel). */
export class TrackSet {
  readonly tracks: Track[] = [];
  /** Functions by id: `names.strings[id]` is "name\0k" or "name\0u". */
  readonly funcs: Func[] = [];
  /** Nanosecond time of the first timed sample (-1 until seen). */
  firstTime = -1n;
  readonly #frames: FrameTable;
  readonly #splitByEvent: boolean;
  readonly #funcIds = new StringTable();
  #funcOf = new Int32Array(1024).fill(-1);
  readonly #byKey = new Map<string, Track>();
  readonly #lastThread = new Map<object, Map<string, Track>>();

  constructor(frames: FrameTable, splitByEvent: boolean) {
    if (typeof frames !== "object" || frames === null) throw new TypeError("frames must be a FrameTable");
    this.#frames = frames;
    this.#splitByEvent = splitByEvent === true;
  }

  /** Adds one sample to its track. */
  add(s: WalkedSample): void {
    const ev = this.#splitByEvent ? s.evsel.name : "";
    let byEv = this.#lastThread.get(s.thread);
    if (!byEv) {
      byEv = new Map();
      this.#lastThread.set(s.thread, byEv);
    }
    let t = byEv.get(ev);
    if (!t || t.pid !== s.pid) {
      const key = `${s.pid}/${s.tid}/${ev}`;
      t = this.#byKey.get(key);
      if (!t) {
        t = {
          pid: s.pid,
          tid: s.tid,
          comm: s.comm,
          event: this.#splitByEvent ? ev : null,
          trie: new StackTrie(),
          stacks: new IntColumn(),
          times: new FloatColumn(),
          weights: new FloatColumn(),
        };
        this.#byKey.set(key, t);
        this.tracks.push(t);
      }
      byEv.set(ev, t);
    }
    t.comm = s.comm;
    let node = 0;
    const f = s.frames;
    for (let i = s.depth - 1; i >= 0; i--) node = t.trie.child(node, this.funcOf(f[i]!));
    if (s.time >= 0n && this.firstTime < 0n) this.firstTime = s.time;
    t.stacks.push(node);
    t.times.push(s.time >= 0n ? Number(s.time - this.firstTime) : 0);
    t.weights.push(Number(s.period));
  }

  private funcOf(frame: number): number {
    if (frame >= this.#funcOf.length) {
      const grown = new Int32Array(Math.max(frame + 1, this.#funcOf.length * 2)).fill(-1);
      grown.set(this.#funcOf);
      this.#funcOf = grown;
    }
    let id = this.#funcOf[frame]!;
    if (id < 0) {
      const fr = this.#frames;
      const sym = fr.symbolOf(frame) ?? "[unknown]";
      const dso = fr.dso(frame) ?? "[unknown]";
      const name = `${sym} (in ${dso})`;
      const kernel = fr.kernel[frame] === 1;
      const before = this.funcs.length;
      id = this.#funcIds.intern(`${name}\0${kernel ? "k" : "u"}`);
      if (id === before) this.funcs.push({ name, symbol: sym, dso, kernel });
      this.#funcOf[frame] = id;
    }
    return id;
  }
}
