/**
 * perfkit record: open the events on a workload (or system-wide), drain the ring buffers in
 * capped rounds, and write the raw kernel records with perf's synthesised ones into a
 * perf.data file (written at the end) or a pipe-mode stream (written as it goes).
 */

import {
  type EventAttr,
  emptyAttr,
  encodeUserRecord,
  Feature,
  RecordType,
  type WriterEvent,
  writePerfData,
} from "@perfkit/format";
import { CpuMap, drainRounds, type EvList, parseEvents } from "@perfkit/live";
import { recordFeatures, tracingDataFor } from "./features.ts";
import { synthesizeRecords } from "./synthesize.ts";
import { spawnWorkload, type Workload } from "./workload.ts";

/** What to record. */
export interface RecordOptions {
  events: string;
  freq?: number;
  period?: number;
  callgraph: boolean;
  systemWide: boolean;
  /** Output path, or "-" for a pipe-mode stream on stdout. */
  output: string;
  /** The command (may be empty with -a and a duration). */
  command: string[];
  /** Stop after this many ms (needed with -a and no command). */
  durationMs?: number;
  /** The perfkit command line, for the CMDLINE feature. */
  cmdline: string[];
  /** Records per CPU per round (default 1000). */
  maxPerCpu?: number;
}

/** Counts of what was written. */
export interface RecordResult {
  samples: number;
  records: number;
  lost: bigint;
  bytes: number;
  exitCode: number | null;
}

const FINISHED_ROUND = encodeUserRecord({ kind: "FINISHED_ROUND" }, true);
const FINISHED_INIT = encodeUserRecord({ kind: "FINISHED_INIT" }, true);

function writerEvents(list: EvList): WriterEvent[] {
  return list.evsels.map((ev) => ({
    // perf 6.1 knows attrs up to 128 bytes (config3 came later) and refuses larger ones.
    attr: { ...emptyAttr(), ...ev.attr, size: 128 } as EventAttr,
    ids: ev.ids(),
    name: ev.name,
  }));
}

/** Runs the recording. The EvList is closed and the workload reaped on every exit path. */
export async function record(o: RecordOptions): Promise<RecordResult> {
  const pipe = o.output === "-";
  if (o.command.length === 0 && !o.systemWide) throw new TypeError("a command to record is needed after --");
  if (o.command.length === 0 && o.durationMs === undefined)
    throw new TypeError("with -a and no command, give --duration MS");
  const work: Workload | null = o.command.length > 0 ? spawnWorkload(o.command, pipe ? 2 : "inherit") : null;
  let list: EvList | null = null;
  let childDone = false;
  let exitCode: number | null = null;
  const result: RecordResult = { samples: 0, records: 0, lost: 0n, bytes: 0, exitCode: null };
  const sink = pipe ? Bun.stdout.writer() : null;
  const records: Uint8Array[] = [];
  const emit = (r: Uint8Array) => {
    result.bytes += r.length;
    if (sink) sink.write(r);
    else records.push(r);
  };
  try {
    list = parseEvents(o.events, new CpuMap(), o.systemWide || !work ? undefined : work.pid);
    list.config({
      freq: o.freq,
      period: o.period,
      callgraph: o.callgraph,
      enableOnExec: work !== null && !o.systemWide,
    });
    list.open();
    list.mmap(128);
    const events = writerEvents(list);
    const features = recordFeatures(o.cmdline);
    const tracing = tracingDataFor(events.map((e) => e.name ?? ""));
    if (tracing) features.set(Feature.TRACING_DATA, tracing);
    if (sink) {
      const head = writePerfData({ mode: "pipe", events, records: [], features, attrSize: 128 });
      sink.write(head);
      result.bytes += head.length;
    }
    const first = events[0]!;
    for (const r of synthesizeRecords(o.systemWide || !work ? "all" : [work.pid], first.attr, first.ids[0] ?? 0n))
      emit(r);
    emit(FINISHED_INIT);
    if (o.systemWide || !work) list.enable();
    work?.exited.then((code) => {
      childDone = true;
      exitCode = code;
    });
    work?.go();
    const take = (bytes: Uint8Array) => {
      const type = bytes[0]! | (bytes[1]! << 8);
      if (type === RecordType.SAMPLE) result.samples++;
      else if (type === RecordType.LOST)
        result.lost += new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(16, true);
      result.records++;
      emit(bytes.slice());
    };
    for await (const round of drainRounds(list, {
      maxPerCpu: o.maxPerCpu ?? 1000,
      durationMs: o.durationMs,
      shouldStop: () => childDone,
    })) {
      for (const { records: recs } of round.perCpu) for (const b of recs) take(b);
      emit(FINISHED_ROUND);
      if (sink) await sink.flush();
    }
    // The workload ended or time ran out: stop the counters and take what is left.
    list.disable();
    let more = 0;
    for (const ring of list.rings) {
      for (let b = ring.ring.read(); b !== null; b = ring.ring.read()) {
        take(b);
        more++;
      }
    }
    if (more > 0) emit(FINISHED_ROUND);
    if (sink) await sink.flush();
    else await Bun.write(o.output, writePerfData({ mode: "file", events, records, features, attrSize: 128 }));
  } finally {
    list?.close();
    if (work && !childDone) {
      work.kill();
      exitCode = await work.exited;
    }
  }
  result.exitCode = exitCode;
  return result;
}
