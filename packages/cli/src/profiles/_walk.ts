/**
 * The sample walk under every profile command: records in perf's time order through a
 * @perfkit/session (so threads, comms and maps are current), each sample reduced to ids in a
 * {@link FrameTable}. One reused {@link WalkedSample} per walk: nothing is allocated per
 * sample beyond the decoder's callchain view.
 */
import {
  AttrType,
  CallchainContext,
  checkedCallchainCount,
  Misc,
  type PerfRecord,
  type Sample,
  SampleType,
  wordsOf,
} from "@perfkit/format";
import type { Evsel, MapEntry, Session, Thread } from "@perfkit/session";
import type { FrameTable } from "./_frames.ts";
import type { Progress } from "./_progress.ts";
import { chainHash, type StackTable } from "./_stacks.ts";

/** perf's PERF_MAX_STACK_DEPTH: frames kept per callchain. */
const MAX_STACK = 127;

/** One sample as the walk hands it over. Valid only during the callback. */
export class WalkedSample {
  evsel = undefined as unknown as Evsel;
  thread = undefined as unknown as Thread;
  pid = -1;
  tid = -1;
  /** The thread's command name at the sample. */
  comm = "";
  /** The sample's record. */
  record = undefined as unknown as PerfRecord;
  #sample: Sample | undefined;
  #sampleOf: PerfRecord | undefined;

  /** The decoded sample (built on first use per sample; its fields cost only when read). */
  get sample(): Sample {
    if (this.#sampleOf !== this.record) {
      this.#sample = this.record.sample();
      this.#sampleOf = this.record;
    }
    return this.#sample!;
  }
  /** The stack's id in the walk's {@link StackTable} (0: no frames). */
  stack = 0;
  /** Frame ids, leaf first: `frames[0 .. depth)` (shared by every sample of the stack: do not modify). */
  frames: Int32Array = new Int32Array(0);
  depth = 0;

  /** Nanoseconds, or -1n when the event has no TIME. */
  get time(): bigint {
    return this.sample.time ?? -1n;
  }
  get period(): bigint {
    return this.sample.period;
  }
}

/** How to reduce samples to frames. */
export interface WalkOptions {
  /** Skip tracepoint samples, as perf's Python scripts without tracepoint handlers do. */
  skipTracepoints: boolean;
  /** Without a usable callchain, use the sample ip as the only frame (else no frame, as perf's scripts). */
  leafWhenNoChain: boolean;
  /** Only samples of events with this name (null: every event). */
  event: string | null;
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
  const m = session.machine;
  const seen = new Set<string>();
  const out = new WalkedSample();
  const buf = new Int32Array(MAX_STACK + 1);
  let n = 0;
  // Samples come in runs of one event: remember the last one.
  let lastEvsel: Evsel | null = null;
  let keep = false;
  let wordsView: DataView | undefined;
  let viewWords: Uint32Array | null = null;
  const cacheThread: (Thread | undefined)[] = new Array(16).fill(undefined);
  const cacheTid = new Int32Array(16);
  const cachePid = new Int32Array(16);
  let memo: ReturnType<StackTable["memoOf"]> | undefined;
  let memoKernel: readonly MapEntry[] | undefined;
  let memoUser: readonly MapEntry[] | undefined;
  const p = session.walk();
  try {
    while (p.next()) {
      if (progress && (++n & 0xffff) === 0) progress.update(p.record.offset);
      const rec = p.record;
      if (rec.type !== 9) {
        // Side-band records (fork, exit, comm) may replace threads: forget the cached ones.
        cacheThread.fill(undefined);
        continue;
      }
      const e = p.evsel;
      if (!e) continue;
      if (e !== lastEvsel) {
        lastEvsel = e;
        seen.add(e.name);
        keep =
          !(options.skipTracepoints && e.attr.type === AttrType.TRACEPOINT) &&
          (options.event === null || e.name === options.event);
      }
      // The thread is found even for samples not kept: it records the sample's cpu.
      const layout = rec.event!.layout;
      const view = rec.view;
      const le = rec.littleEndian;
      let pid = -1;
      let tid = -1;
      if (layout.tid >= 0 && layout.tid + 8 <= rec.size) {
        pid = view.getInt32(rec.pos + layout.tid, le);
        tid = view.getInt32(rec.pos + layout.tid + 4, le);
      }
      // A few threads interleave: a direct-mapped cache in front of the machine's map.
      const slot = tid & 15;
      let thread = cacheThread[slot];
      if (!thread || cacheTid[slot] !== tid || cachePid[slot] !== pid) {
        thread = m.findnewThread(pid, tid);
        cacheThread[slot] = thread;
        cacheTid[slot] = tid;
        cachePid[slot] = pid;
      }
      if (layout.cpu >= 0 && layout.cpu + 4 <= rec.size) thread.cpu = view.getUint32(rec.pos + layout.cpu, le);
      if (!keep) continue;
      out.record = rec;
      const kernelMaps = m.kernelMaps.snapshot();
      const userMaps = thread.maps.snapshot();
      let stack = 0;
      // perf script uses callchains when any event has them: always so when this one has one.
      // The usual layout (nothing variable before the chain) is read in place; others ask the Sample.
      let chainAt = -1;
      let len = 0;
      const fixed = layout.callchainStatic;
      if (fixed >= 0) {
        len = checkedCallchainCount(view, rec.pos, rec.size, fixed, le, rec.offset, rec.index);
        chainAt = rec.pos + fixed + 8;
      } else if (e.attr.sampleType & SampleType.CALLCHAIN) {
        chainAt = out.sample.callchainOffset;
        len = out.sample.callchainLength;
      }
      if (chainAt >= 0) {
        const sv = view;
        if (kernelMaps !== memoKernel || userMaps !== memoUser || !memo) {
          memo = stacks.memoOf(kernelMaps, userMaps);
          memoKernel = kernelMaps;
          memoUser = userMaps;
        }
        // The chain as 32-bit words of its window (a copy when the bytes are not 4-aligned).
        if (sv !== wordsView) {
          wordsView = sv;
          viewWords = wordsOf(sv);
        }
        let words = viewWords;
        let w = chainAt >>> 2;
        if (!words || (chainAt & 3) !== 0) {
          // Raw bytes copied, so words compare the same way as on the aligned path.
          words = new Uint32Array(new Uint8Array(sv.buffer, sv.byteOffset + chainAt, 8 * len).slice().buffer);
          w = 0;
        }
        const hash = chainHash(words, w, len);
        stack = stacks.findChain(memo, words, w, len, hash);
        if (stack < 0) {
          const depth = chainFrames(frames, kernelMaps, userMaps, sv, chainAt, len, le, buf);
          stack = stacks.addChain(memo, words, w, len, hash, buf.slice(0, depth));
        }
      } else if (options.leafWhenNoChain) {
        const ip = out.sample.ip;
        if (ip !== undefined) stack = stacks.leaf(frames.idOfIp(kernelMaps, userMaps, rec.misc & 7, ip));
      }
      const stackFrames = stacks.frames[stack]!;
      out.evsel = e;
      out.thread = thread;
      out.pid = pid;
      out.tid = tid;
      out.comm = thread.comm();
      out.stack = stack;
      out.frames = stackFrames;
      out.depth = stackFrames.length;
      onSample(out);
    }
  } finally {
    p.close();
  }
  progress?.done();
  return seen;
}

/** Context markers (PERF_CONTEXT_*) as the low halves of 0xffffffff_xxxxxxxx. */
const CTX_MAX_LO = Number(CallchainContext.MAX & 0xffffffffn);
const CTX_KERNEL_LO = Number(CallchainContext.KERNEL & 0xffffffffn);
const CTX_USER_LO = Number(CallchainContext.USER & 0xffffffffn);
const CTX_HV_LO = Number(CallchainContext.HV & 0xffffffffn);

/**
 * Resolves a raw callchain into frame ids (leaf first), switching cpumode at context markers
 * as perf's add_callchain_ip does; an unknown marker empties the chain as perf resets its
 * cursor. Reads the entries as 32-bit halves straight from the record (no BigInt per entry).
 */
function chainFrames(
  frames: FrameTable,
  kernelMaps: readonly MapEntry[],
  userMaps: readonly MapEntry[],
  view: DataView,
  at: number,
  n: number,
  le: boolean,
  out: Int32Array,
): number {
  let space = frames.spaceOf(kernelMaps, userMaps, Misc.USER);
  let depth = 0;
  const loAt = le ? 0 : 4;
  const hiAt = le ? 4 : 0;
  for (let i = 0, p = at; i < n && depth < MAX_STACK; i++, p += 8) {
    const lo = view.getUint32(p + loAt, le);
    const hi = view.getUint32(p + hiAt, le);
    if (hi === 0xffffffff && lo >= CTX_MAX_LO) {
      if (lo === CTX_KERNEL_LO) space = frames.spaceOf(kernelMaps, userMaps, Misc.KERNEL);
      else if (lo === CTX_USER_LO) space = frames.spaceOf(kernelMaps, userMaps, Misc.USER);
      else if (lo === CTX_HV_LO) space = frames.spaceOf(kernelMaps, userMaps, Misc.HYPERVISOR);
      else return 0;
      continue;
    }
    out[depth++] = frames.idOf(space, hi, lo);
  }
  return depth;
}
