/**
 * The sample walk under every profile command: records in perf's time order through a
 * @perfkit/session (so threads, comms and maps are current), each sample reduced to ids in a
 * {@link FrameTable}. One reused {@link WalkedSample} per walk: nothing is allocated per
 * sample beyond the decoder's callchain view.
 */
import { AttrType, CallchainContext, Misc, SampleType } from "@perfkit/format";
import type { Evsel, MapEntry, Session, Thread } from "@perfkit/session";
import type { FrameTable } from "./_frames.ts";
import type { Progress } from "./_progress.ts";

/** perf's PERF_MAX_STACK_DEPTH: frames kept per callchain. */
const MAX_STACK = 127;

/** One sample as the walk hands it over. Valid only during the callback. */
export interface WalkedSample {
  evsel: Evsel;
  thread: Thread;
  pid: number;
  tid: number;
  /** The thread's command name at the sample. */
  comm: string;
  /** Nanoseconds, or -1n when the event has no TIME. */
  time: bigint;
  period: bigint;
  /** Frame ids, leaf first: `frames[0 .. depth)`. */
  frames: Int32Array;
  depth: number;
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
  options: WalkOptions,
  onSample: (s: WalkedSample) => void,
  progress?: Progress,
): Set<string> {
  const m = session.machine;
  const seen = new Set<string>();
  const buf = new Int32Array(MAX_STACK + 1);
  const out: WalkedSample = {
    evsel: undefined as unknown as Evsel,
    thread: undefined as unknown as Thread,
    pid: -1,
    tid: -1,
    comm: "",
    time: -1n,
    period: 0n,
    frames: buf,
    depth: 0,
  };
  let n = 0;
  for (const p of session.records()) {
    if (progress && (++n & 0xffff) === 0) progress.update(p.record.offset);
    const rec = p.record;
    if (rec.type !== 9) continue;
    const e = p.evsel;
    if (!e) continue;
    const s = rec.sample();
    const pid = s.pid ?? -1;
    const tid = s.tid ?? -1;
    const thread = m.findnewThread(pid, tid);
    const cpu = s.cpu;
    if (cpu !== undefined) thread.cpu = cpu;
    seen.add(e.name);
    if (options.skipTracepoints && e.attr.type === AttrType.TRACEPOINT) continue;
    if (options.event !== null && e.name !== options.event) continue;
    const kernelMaps = m.kernelMaps.snapshot();
    const userMaps = thread.maps.snapshot();
    let depth = 0;
    // perf script uses callchains when any event has them: always so when this one has one.
    const chainAt = e.attr.sampleType & SampleType.CALLCHAIN ? s.callchainOffset : -1;
    if (chainAt >= 0)
      depth = chainFrames(frames, kernelMaps, userMaps, s.view, chainAt, s.callchainLength, s.littleEndian, buf);
    else if (options.leafWhenNoChain && s.ip !== undefined)
      buf[depth++] = frames.idOfIp(kernelMaps, userMaps, s.misc & 7, s.ip);
    out.evsel = e;
    out.thread = thread;
    out.pid = pid;
    out.tid = tid;
    out.comm = thread.comm();
    out.time = s.time ?? -1n;
    out.period = s.period;
    out.depth = depth;
    onSample(out);
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
