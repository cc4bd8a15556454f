/**
 * The sample walk under every profile command: records in perf's time order through a
 * @perfkit/session (so threads, comms and maps are current), each sample reduced to ids in a
 * {@link FrameTable}. One reused {@link WalkedSample} per walk: nothing is allocated per
 * sample beyond the decoder's callchain view.
 */
import { AttrType, CallchainContext, Misc, SampleType } from "@perfkit/format";
import type { Evsel, Session, Thread } from "@perfkit/session";
import { FrameTable } from "./_frames.ts";
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
  // perf script resolves callchains only when some event of the file recorded them.
  let useCallchain = false;
  {
    using list = session.evlist;
    for (const e of list) if (e.attr.sampleType & SampleType.CALLCHAIN) useCallchain = true;
  }
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
    const chain = useCallchain && e.attr.sampleType & SampleType.CALLCHAIN ? s.callchain : undefined;
    if (chain) {
      let mode: number = Misc.USER;
      for (let i = 0; i < chain.length && depth < MAX_STACK; i++) {
        const ip = chain[i]!;
        if (ip >= CallchainContext.MAX) {
          if (ip === CallchainContext.KERNEL) mode = Misc.KERNEL;
          else if (ip === CallchainContext.USER) mode = Misc.USER;
          else if (ip === CallchainContext.HV) mode = Misc.HYPERVISOR;
          else {
            // perf resets its cursor on an unknown context marker: the chain is empty.
            depth = 0;
            break;
          }
          continue;
        }
        buf[depth++] = frames.idOf(kernelMaps, userMaps, mode, ip);
      }
    } else if (options.leafWhenNoChain && s.ip !== undefined) {
      buf[depth++] = frames.idOf(kernelMaps, userMaps, s.misc & 7, s.ip);
    }
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
