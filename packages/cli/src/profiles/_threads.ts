/**
 * Per-track sample columns shared by the gecko and speedscope writers: one track per thread,
 * or per (thread, event) when several events are profiled together. Each track keeps a stack
 * trie over function ids, and per sample its stack node, time and weight (typed columns).
 */
import type { FrameTable } from "./_frames.ts";
import { FloatColumn, IntColumn } from "./_grow.ts";
import type { StackTable } from "./_stacks.ts";
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

/** A track while the walk runs: per sample its stack id, resolved to trie nodes afterwards. */
interface OpenTrack extends Track {
  /** Per stack id: 1 once seen on this track, then its trie node + 1 once resolved (0: unseen). */
  nodeOf: Int32Array;
}

/**
 * Collects walked samples into tracks, with functions interned by (name, kernel). During the
 * walk each sample costs a stack id and two numbers; tries and functions are built in
 * {@link finish} (called by the writers), in the order stacks were first seen, so symbol
 * tables load after the walk.
 */
export class TrackSet {
  readonly #tracks: OpenTrack[] = [];
  readonly #funcs: Func[] = [];
  /** Nanosecond time of the first timed sample (-1 until seen). */
  firstTime = -1n;
  readonly #frames: FrameTable;
  readonly #stacks: StackTable;
  readonly #splitByEvent: boolean;
  readonly #funcIds = new StringTable();
  #funcOf = new Int32Array(1024).fill(-1);
  readonly #byKey = new Map<string, OpenTrack>();
  readonly #lastThread = new Map<object, Map<string, OpenTrack>>();
  /** (track, stack id) pairs in the order each stack was first seen on its track. */
  readonly #firstSeenTrack: OpenTrack[] = [];
  readonly #firstSeenStack: number[] = [];
  #finished = false;

  constructor(frames: FrameTable, stacks: StackTable, splitByEvent: boolean) {
    if (typeof frames !== "object" || frames === null) throw new TypeError("frames must be a FrameTable");
    this.#frames = frames;
    this.#stacks = stacks;
    this.#splitByEvent = splitByEvent === true;
  }

  /** The tracks, with their tries built. */
  get tracks(): readonly Track[] {
    this.finish();
    return this.#tracks;
  }

  /** Functions by id. */
  get funcs(): readonly Func[] {
    this.finish();
    return this.#funcs;
  }

  #runThread: object | undefined;
  #lastEvsel: object | undefined;
  #lastTrack: OpenTrack | undefined;
  #prevThread: object | undefined;
  #prevEvsel: object | undefined;
  #prevTrack: OpenTrack | undefined;
  /** The first timed sample's time in the walk's clock (NaN: none yet). */
  #firstKey = Number.NaN;

  /** Adds one sample to its track. */
  add(s: WalkedSample): void {
    if (this.#finished) throw new Error("TrackSet: add() after the tracks were built");
    // Samples come in runs of one thread and event.
    let t = this.#lastTrack;
    if (!t || s.thread !== this.#runThread || s.evsel !== this.#lastEvsel || t.pid !== s.pid) {
      t = this.trackOf(s);
      this.#runThread = s.thread;
      this.#lastEvsel = s.evsel;
      this.#lastTrack = t;
    }
    t.comm = s.comm;
    const stack = s.stack;
    if (stack >= t.nodeOf.length) {
      const bigger = new Int32Array(Math.max(2 * t.nodeOf.length, stack + 1));
      bigger.set(t.nodeOf);
      t.nodeOf = bigger;
    }
    if (t.nodeOf[stack] === 0) {
      t.nodeOf[stack] = 1;
      this.#firstSeenTrack.push(t);
      this.#firstSeenStack.push(stack);
    }
    t.stacks.push(stack);
    t.times.push(this.timeOf(s));
    t.weights.push(s.period);
  }

  /** Nanoseconds since the first timed sample (0 without TIME). */
  private timeOf(s: WalkedSample): number {
    const t = s.time;
    if (Number.isNaN(t)) return 0;
    if (Number.isNaN(this.#firstKey)) {
      this.#firstKey = t;
      this.firstTime = (s.timeBase ?? 0n) + BigInt(t);
    }
    return t - this.#firstKey;
  }

  private trackOf(s: WalkedSample): OpenTrack {
    // Two threads taking turns is the common case: check the track before the last first.
    const prev = this.#prevTrack;
    if (prev && s.thread === this.#prevThread && s.evsel === this.#prevEvsel && prev.pid === s.pid) {
      this.#prevTrack = this.#lastTrack;
      this.#prevThread = this.#runThread;
      this.#prevEvsel = this.#lastEvsel;
      return prev;
    }
    this.#prevTrack = this.#lastTrack;
    this.#prevThread = this.#runThread;
    this.#prevEvsel = this.#lastEvsel;
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
          nodeOf: new Int32Array(64),
        };
        this.#byKey.set(key, t);
        this.#tracks.push(t);
      }
      byEv.set(ev, t);
    }
    return t;
  }

  /** Builds every track's trie and functions and turns its stack ids into trie nodes. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    for (let i = 0; i < this.#firstSeenTrack.length; i++) {
      const t = this.#firstSeenTrack[i]!;
      const f = this.#stacks.frames[this.#firstSeenStack[i]!]!;
      let node = 0;
      for (let d = f.length - 1; d >= 0; d--) node = t.trie.child(node, this.funcOf(f[d]!));
      t.nodeOf[this.#firstSeenStack[i]!] = node + 1;
    }
    for (const t of this.#tracks) {
      const data = t.stacks.data;
      const nodeOf = t.nodeOf;
      for (let i = 0; i < t.stacks.length; i++) data[i] = nodeOf[data[i]!]! - 1;
    }
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
      const before = this.#funcs.length;
      id = this.#funcIds.intern(`${name}\0${kernel ? "k" : "u"}`);
      if (id === before) this.#funcs.push({ name, symbol: sym, dso, kernel });
      this.#funcOf[frame] = id;
    }
    return id;
  }
}
