/**
 * Side-band events as typed, self-contained objects (perf python's pyrf_*_event): the decoded
 * record's fields plus the sample_id trailer as `sampleId`, `samplePid`, `sampleTid`,
 * `sampleTime`, `sampleCpu`, `sampleStreamId`. Each owns its values (no views into the file).
 */
import type {
  AuxRecord,
  BpfEventRecord,
  CgroupRecord,
  CommRecord,
  DecodedRecord,
  ItraceStartRecord,
  KsymbolRecord,
  LostRecord,
  LostSamplesRecord,
  Mmap2Record,
  MmapRecord,
  NamespacesRecord,
  ReadRecord,
  SampleId,
  SwitchRecord,
  TaskRecord,
  TextPokeRecord,
  ThrottleRecord,
  UserRecord,
} from "@perfkit/format";
import type { Evsel } from "./evsel.ts";
import type { SampleEvent } from "./sample-event.ts";

/** What every event carries: the record type, 16-bit misc and the sample_id trailer. */
export interface EventCommon {
  /** PERF_RECORD_* number. */
  readonly type: number;
  /** header.misc (16 bits). */
  readonly misc: number;
  /** The event of the record, or null when the file cannot tell. Borrowed: retain() to keep it. */
  readonly evsel: Evsel | null;
  readonly sampleId: bigint | undefined;
  readonly samplePid: number | undefined;
  readonly sampleTid: number | undefined;
  readonly sampleTime: bigint | undefined;
  readonly sampleCpu: number | undefined;
  /** The event's sample period (side-band records carry none of their own). */
  readonly samplePeriod: bigint | undefined;
  readonly sampleStreamId: bigint | undefined;
}

type Own<R> = Omit<R, "sampleId">;
export type MmapEvent = EventCommon & Own<MmapRecord>;
export type Mmap2Event = EventCommon & Own<Mmap2Record>;
export type CommEvent = EventCommon & Own<CommRecord>;
export type TaskEvent = EventCommon & Own<TaskRecord>;
export type LostEvent = EventCommon & Own<LostRecord>;
export type LostSamplesEvent = EventCommon & Own<LostSamplesRecord>;
export type ThrottleEvent = EventCommon & Own<ThrottleRecord>;
export type ReadEvent = EventCommon & Own<ReadRecord>;
export type SwitchEvent = EventCommon & Own<SwitchRecord>;
export type NamespacesEvent = EventCommon & Own<NamespacesRecord>;
export type KsymbolEvent = EventCommon & Own<KsymbolRecord>;
export type BpfEvent = EventCommon & Own<BpfEventRecord>;
export type CgroupEvent = EventCommon & Own<CgroupRecord>;
export type TextPokeEvent = EventCommon & Own<TextPokeRecord>;
export type AuxEvent = EventCommon & Own<AuxRecord>;
export type ItraceStartEvent = EventCommon & Own<ItraceStartRecord>;
/** STAT (perf stat record): counter values of one id on one cpu/thread index. */
export type StatEvent = EventCommon & Extract<UserRecord, { kind: "STAT" }>;
/** STAT_ROUND: the end of a stat interval (`statRoundType` 0 interval, 1 final). */
export type StatRoundEvent = EventCommon & Extract<UserRecord, { kind: "STAT_ROUND" }>;
/** Any other record (perf's own bookkeeping records, unknown types): the decoded form as is. */
export type OtherEvent = EventCommon & { readonly kind: "OTHER"; readonly record: DecodedRecord };

/** Every event a session delivers. */
export type PerfEvent =
  | SampleEvent
  | MmapEvent
  | Mmap2Event
  | CommEvent
  | TaskEvent
  | LostEvent
  | LostSamplesEvent
  | ThrottleEvent
  | ReadEvent
  | SwitchEvent
  | NamespacesEvent
  | KsymbolEvent
  | BpfEvent
  | CgroupEvent
  | TextPokeEvent
  | AuxEvent
  | ItraceStartEvent
  | StatEvent
  | StatRoundEvent
  | OtherEvent;

const SIDE_BAND = new Set([
  "MMAP",
  "MMAP2",
  "COMM",
  "EXIT",
  "FORK",
  "LOST",
  "LOST_SAMPLES",
  "THROTTLE",
  "UNTHROTTLE",
  "READ",
  "SWITCH",
  "SWITCH_CPU_WIDE",
  "NAMESPACES",
  "KSYMBOL",
  "BPF_EVENT",
  "CGROUP",
  "TEXT_POKE",
  "AUX",
  "ITRACE_START",
  "STAT",
  "STAT_ROUND",
]);

/** Builds the event object of a decoded non-sample record. */
export function sideBandEvent(
  type: number,
  misc: number,
  evsel: Evsel | null,
  d: DecodedRecord,
  sid: SampleId,
  period: bigint | undefined,
): Exclude<PerfEvent, SampleEvent> {
  const common: EventCommon = {
    type,
    misc,
    evsel,
    sampleId: sid.id,
    samplePid: sid.pid,
    sampleTid: sid.tid,
    sampleTime: sid.time,
    sampleCpu: sid.cpu,
    samplePeriod: period,
    sampleStreamId: sid.streamId,
  };
  if (!SIDE_BAND.has(d.kind)) return { ...common, kind: "OTHER", record: d };
  const { sampleId: _drop, ...own } = d as DecodedRecord & { sampleId?: SampleId };
  return { ...common, ...own } as Exclude<PerfEvent, SampleEvent>;
}
