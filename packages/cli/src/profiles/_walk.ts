/**
 * The sample walk under every profile command: samples in perf's order through a
 * @perfkit/session sample walk (threads, comms and maps current at each sample, callchains
 * interned), each sample reduced to ids in a {@link FrameTable}. One reused
 * {@link WalkedSample} per walk: nothing is allocated per sample.
 */
import { AttrType } from "@perfkit/format";
import {
  type ChainTable,
  type Evsel,
  MAX_STACK,
  type Machine,
  type MapEntry,
  type SampleWalk,
  type Session,
  type Thread,
  visitChain,
} from "@perfkit/session";
import type { FrameSpace, FrameTable } from "./_frames.ts";
import type { Progress } from "./_progress.ts";
import type { SpaceMemo, StackTable } from "./_stacks.ts";

/** One sample as the walk hands it over. Valid only during the callback. */
export class WalkedSample {
  evsel = undefined as unknown as Evsel;
  thread = undefined as unknown as Thread;
  pid = -1;
  tid = -1;
  /** The thread's command name at the sample. */
  comm = "";
  /** Nanoseconds since {@link timeBase}; NaN when the event has no TIME. */
  time = Number.NaN;
  /** The first timestamp of the recording (what {@link time} counts from), or null. */
  timeBase: bigint | null = null;
  /** The sample's period (the event's fixed period when the sample has none). */
  period = 0;
  /** The stack's id in the walk's {@link StackTable} (0: no frames). */
  stack = 0;
  /** Frame ids, leaf first: `frames[0 .. depth)` (shared by every sample of the stack: do not modify). */
  frames: Int32Array = new Int32Array(0);
  depth = 0;
}

/** How to reduce samples to frames. */
export interface WalkOptions {
  /** Skip tracepoint samples, as perf's Python scripts without tracepoint handlers do. */
  skipTracepoints: boolean;
  /** Without a usable callchain, use the sample ip as the only frame (else no frame, as perf's scripts). */
  leafWhenNoChain: boolean;
  /** Only samples of events with this name (null: every event). */
  event: string | null;
  /**
   * "state" when the builder only counts (the order of samples between side-band records does
   * not matter): see SampleWalkOptions. Default "time".
   */
  order?: "time" | "state";
}

/** Walks `session`, calling `onSample` per kept sample; returns the names of the events seen. */
export function walkSamples(
  session: Session,
  frames: FrameTable,
  stacks: StackTable,
  options: WalkOptions,
  onSample: (s: WalkedSample) => void,
  progress?: Progress,
): Set<string> {
  const seen = new Set<string>();
  const out = new WalkedSample();
  const resolve = new StackResolver(session.machine, frames, stacks, options.leafWhenNoChain);
  let n = 0;
  // Samples come in runs of one event: remember the last one.
  let lastEvsel: Evsel | null = null;
  let keep = false;
  const w = session.sampleWalk({ order: options.order ?? "time" });
  try {
    while (w.next()) {
      if (progress && (++n & 0xffff) === 0) progress.update(w.offset);
      const e = w.evsel;
      if (e !== lastEvsel) {
        lastEvsel = e;
        seen.add(e.name);
        keep = kept(e, options);
      }
      if (!keep) continue;
      const thread = w.thread;
      const stack = resolve.stackOf(w, thread);
      const stackFrames = stacks.frames[stack]!;
      out.evsel = e;
      out.thread = thread;
      out.pid = w.pid;
      out.tid = w.tid;
      out.comm = thread.comm();
      out.time = w.time;
      out.timeBase = w.timeBase;
      out.period = w.period;
      out.stack = stack;
      out.frames = stackFrames;
      out.depth = stackFrames.length;
      onSample(out);
    }
  } finally {
    w.close();
  }
  progress?.done();
  return seen;
}

/** What aggregating builders (stackcollapse, flame graphs) keep of a sample. */
export interface StackCounter {
  /** Counts one sample of stack id `stack` taken in `thread` (named `comm` then). */
  count(stack: number, thread: Thread, comm: string, pid: number, tid: number): void;
}

/**
 * {@link walkSamples} for builders that only count stacks per thread: no sample object and no
 * callback per sample beyond the counters `countersOf` picks per event (none: skipped).
 * Returns the names of the events seen.
 */
export function countStacks(
  session: Session,
  frames: FrameTable,
  stacks: StackTable,
  options: WalkOptions,
  countersOf: (e: Evsel) => readonly StackCounter[],
  progress?: Progress,
): Set<string> {
  const seen = new Set<string>();
  const resolve = new StackResolver(session.machine, frames, stacks, options.leafWhenNoChain);
  let n = 0;
  let lastEvsel: Evsel | null = null;
  let counters: readonly StackCounter[] = [];
  const w = session.sampleWalk({ order: options.order ?? "time" });
  try {
    while (w.next()) {
      if (progress && (++n & 0xffff) === 0) progress.update(w.offset);
      const e = w.evsel;
      if (e !== lastEvsel) {
        lastEvsel = e;
        seen.add(e.name);
        counters = kept(e, options) ? countersOf(e) : [];
      }
      if (counters.length === 0) continue;
      const thread = w.thread;
      const stack = resolve.stackOf(w, thread);
      const comm = thread.comm();
      for (let k = 0; k < counters.length; k++) counters[k]!.count(stack, thread, comm, w.pid, w.tid);
    }
  } finally {
    w.close();
  }
  progress?.done();
  return seen;
}

function kept(e: Evsel, options: WalkOptions): boolean {
  return (
    !(options.skipTracepoints && e.attr.type === AttrType.TRACEPOINT) &&
    (options.event === null || e.name === options.event)
  );
}

/**
 * The stack id of the walk's current sample: its interned callchain memoised per address-space
 * snapshot pair (resolved into frames on first sight), or its ip as a one-frame stack when it
 * has no callchain and `leafWhenNoChain`, else the empty stack 0.
 */
class StackResolver {
  #memo: SpaceMemo | undefined;
  #memoKernel: readonly MapEntry[] | undefined;
  #memoUser: readonly MapEntry[] | undefined;
  readonly #buf = new Int32Array(MAX_STACK + 1);

  constructor(
    private readonly machine: Machine,
    private readonly frames: FrameTable,
    private readonly stacks: StackTable,
    private readonly leafWhenNoChain: boolean,
  ) {}

  stackOf(w: SampleWalk, thread: Thread): number {
    const kernelMaps = this.machine.kernelMaps.snapshot();
    const userMaps = thread.maps.snapshot();
    // perf script uses callchains when any event has them: always so when this one has one.
    const chain = w.chain;
    if (chain >= 0) {
      let memo = this.#memo;
      if (kernelMaps !== this.#memoKernel || userMaps !== this.#memoUser || !memo) {
        memo = this.#memo = this.stacks.memoOf(kernelMaps, userMaps);
        this.#memoKernel = kernelMaps;
        this.#memoUser = userMaps;
      }
      const stack = this.stacks.stackOf(memo, chain);
      return stack >= 0 ? stack : this.#newStack(memo, w, chain, kernelMaps, userMaps);
    }
    if (this.leafWhenNoChain && w.ipHi >= 0) {
      const frames = this.frames;
      return this.stacks.leaf(frames.idOf(frames.spaceOf(kernelMaps, userMaps, w.misc & 7), w.ipHi, w.ipLo));
    }
    return 0;
  }

  #newStack(
    memo: SpaceMemo,
    w: SampleWalk,
    chain: number,
    kernelMaps: readonly MapEntry[],
    userMaps: readonly MapEntry[],
  ): number {
    const buf = this.#buf;
    const depth = chainFrames(this.frames, kernelMaps, userMaps, w.chains, chain, buf);
    return this.stacks.addChain(memo, chain, buf.slice(0, depth));
  }
}

/**
 * Resolves interned chain `chain` into frame ids (leaf first) with perf's rules (session's
 * visitChain); an unknown context marker empties it, as perf resets its cursor.
 */
function chainFrames(
  frames: FrameTable,
  kernelMaps: readonly MapEntry[],
  userMaps: readonly MapEntry[],
  chains: ChainTable,
  chain: number,
  out: Int32Array,
): number {
  let depth = 0;
  let mode = -1;
  let space: FrameSpace | undefined;
  const kept = visitChain(chains, chain, (cpumode, hi, lo) => {
    if (cpumode !== mode) {
      mode = cpumode;
      space = frames.spaceOf(kernelMaps, userMaps, cpumode);
    }
    out[depth++] = frames.idOf(space!, hi, lo);
  });
  return kept ? depth : 0;
}
