/** Typed values of the feature sections (discriminated by `feature`, the Feature constant's name). */
import type { EventAttr } from "../attr.ts";

/** HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID: one string each. */
export interface StringFeature {
  feature: "HOSTNAME" | "OSRELEASE" | "VERSION" | "ARCH" | "CPUDESC" | "CPUID";
  value: string;
}

/** BRANCH_STACK and STAT carry no payload: their presence is the information. */
export interface FlagFeature {
  feature: "BRANCH_STACK" | "STAT";
}

/** TRACING_DATA: the raw tracing blob (§16), parsed by the tracing module on demand. */
export interface TracingDataFeature {
  feature: "TRACING_DATA";
  bytes: Uint8Array;
}

/** One build-id entry (§17.1). */
export interface BuildIdEntry {
  /** `header.misc` as stored; `misc & 7` is the cpumode. */
  misc: number;
  /** `misc & 7`: 1 kernel, 2 user, 4 guest kernel, 5 guest user. */
  cpumode: number;
  /** Machine pid: -1 host, 0 default guest, else a guest pid. */
  pid: number;
  /** The valid build-id bytes (the size byte when misc bit 15 is set, else trailing zero words stripped). */
  buildId: Uint8Array;
  /** Lower-case hex of `buildId`. */
  hex: string;
  /** True when the entry carried an explicit size (misc bit 15, BUILD_ID_SIZE). */
  hasSize: boolean;
  filename: string;
}

/** BUILD_ID: every entry of the table. `legacyLayout` is set for pre-2010 entries without pid. */
export interface BuildIdFeature {
  feature: "BUILD_ID";
  entries: BuildIdEntry[];
  legacyLayout: boolean;
}

/** NRCPUS: written as (avail, online). */
export interface NrCpusFeature {
  feature: "NRCPUS";
  nrCpusAvail: number;
  nrCpusOnline: number;
}

/** TOTAL_MEM in kilobytes. */
export interface TotalMemFeature {
  feature: "TOTAL_MEM";
  kB: bigint;
}

/** CMDLINE: perf's own path first, then its arguments. */
export interface CmdlineFeature {
  feature: "CMDLINE";
  argv: string[];
}

/** One event of EVENT_DESC. */
export interface EventDescEntry {
  attr: EventAttr;
  name: string;
  ids: bigint[];
}

/** EVENT_DESC: attrs with names and ids, in attr-section order. */
export interface EventDescFeature {
  feature: "EVENT_DESC";
  /** The on-file size of each attr in this section. */
  attrSize: number;
  events: EventDescEntry[];
}

/** Per-CPU topology ids (index = CPU number). */
export interface CpuTopologyCpu {
  coreId: number;
  socketId: number;
  /** Present when the section has the die part. */
  dieId?: number;
}

/** CPU_TOPOLOGY (§5.4); optional parts are absent when the writer did not include them. */
export interface CpuTopologyFeature {
  feature: "CPU_TOPOLOGY";
  /** CPU lists sharing a package ("sibling sockets"). */
  siblingSockets: string[];
  /** CPU lists sharing a core (SMT siblings). */
  siblingThreads: string[];
  /** CPU lists sharing a die, when present. */
  siblingDies?: string[];
  /** nr_cpus_avail entries, when present. */
  cpus?: CpuTopologyCpu[];
}

/** One NUMA node. */
export interface NumaNode {
  node: number;
  memTotalKB: bigint;
  memFreeKB: bigint;
  cpuList: string;
}

/** NUMA_TOPOLOGY. */
export interface NumaTopologyFeature {
  feature: "NUMA_TOPOLOGY";
  nodes: NumaNode[];
}

/** PMU_MAPPINGS: attr.type value ↔ PMU name, in file order. */
export interface PmuMappingsFeature {
  feature: "PMU_MAPPINGS";
  pmus: { type: number; name: string }[];
}

/** GROUP_DESC: event groups by attr index. */
export interface GroupDescFeature {
  feature: "GROUP_DESC";
  groups: { name: string; leaderIdx: number; nrMembers: number }[];
}

/** AUXTRACE: index of PERF_RECORD_AUXTRACE records. */
export interface AuxtraceFeature {
  feature: "AUXTRACE";
  entries: { fileOffset: bigint; size: bigint }[];
}

/** One cache level of CACHE. */
export interface CacheLevel {
  level: number;
  lineSize: number;
  sets: number;
  ways: number;
  type: string;
  size: string;
  sharedCpuMap: string;
}

/** CACHE. */
export interface CacheFeature {
  feature: "CACHE";
  version: number;
  levels: CacheLevel[];
}

/** SAMPLE_TIME in perf-clock nanoseconds. */
export interface SampleTimeFeature {
  feature: "SAMPLE_TIME";
  firstSampleTime: bigint;
  lastSampleTime: bigint;
}

/** One node of MEM_TOPOLOGY: bit i of the bitmap = memory block i belongs to this node. */
export interface MemoryNode {
  node: bigint;
  /** Bitmap length in bits. */
  nbits: bigint;
  /** ceil(nbits/64) u64 words. */
  words: bigint[];
}

/** MEM_TOPOLOGY. */
export interface MemTopologyFeature {
  feature: "MEM_TOPOLOGY";
  version: bigint;
  blockSize: bigint;
  nodes: MemoryNode[];
}

/** CLOCKID: resolution of the recording clock in ns. */
export interface ClockidFeature {
  feature: "CLOCKID";
  resolutionNs: bigint;
}

/** DIR_FORMAT: directory layout version. */
export interface DirFormatFeature {
  feature: "DIR_FORMAT";
  version: bigint;
}

/** One BPF program of BPF_PROG_INFO (opaque kernel structs, native byte order). */
export interface BpfProgInfo {
  infoLen: number;
  dataLen: number;
  arrays: bigint;
  info: Uint8Array;
  data: Uint8Array;
}

/** BPF_PROG_INFO. */
export interface BpfProgInfoFeature {
  feature: "BPF_PROG_INFO";
  programs: BpfProgInfo[];
}

/** BPF_BTF. */
export interface BpfBtfFeature {
  feature: "BPF_BTF";
  entries: { id: number; data: Uint8Array }[];
}

/** COMPRESSED (type 1 = zstd). */
export interface CompressedFeature {
  feature: "COMPRESSED";
  version: number;
  type: number;
  level: number;
  ratio: number;
  mmapLen: number;
}

/** A PMU capability pair. */
export interface PmuCap {
  name: string;
  value: string;
}

/** CPU_PMU_CAPS: capabilities of the core PMU ("cpu"). */
export interface CpuPmuCapsFeature {
  feature: "CPU_PMU_CAPS";
  caps: PmuCap[];
}

/** CLOCK_DATA: a simultaneous (wall clock, recording clock) pair. */
export interface ClockDataFeature {
  feature: "CLOCK_DATA";
  version: number;
  clockid: number;
  todNs: bigint;
  clockidNs: bigint;
}

/** HYBRID_TOPOLOGY. */
export interface HybridTopologyFeature {
  feature: "HYBRID_TOPOLOGY";
  nodes: { pmuName: string; cpus: string }[];
}

/** PMU_CAPS: capabilities per (non-core) PMU. */
export interface PmuCapsFeature {
  feature: "PMU_CAPS";
  pmus: { pmuName: string; caps: PmuCap[] }[];
}

/** One scheduler domain of CPU_DOMAIN_INFO. */
export interface SchedDomain {
  domain: number;
  /** Present when schedstat_version >= 17. */
  name?: string;
  cpumask: string;
  cpulist: string;
}

/** CPU_DOMAIN_INFO. */
export interface CpuDomainInfoFeature {
  feature: "CPU_DOMAIN_INFO";
  schedstatVersion: number;
  maxSchedDomains: number;
  cpus: { cpu: number; domains: SchedDomain[] }[];
}

/** A feature id this decoder does not know (or RESERVED): payload kept as is. */
export interface UnknownFeature {
  feature: "UNKNOWN";
  id: number;
  bytes: Uint8Array;
}

/** Any decoded feature section. */
export type FeatureValue =
  | StringFeature
  | FlagFeature
  | TracingDataFeature
  | BuildIdFeature
  | NrCpusFeature
  | TotalMemFeature
  | CmdlineFeature
  | EventDescFeature
  | CpuTopologyFeature
  | NumaTopologyFeature
  | PmuMappingsFeature
  | GroupDescFeature
  | AuxtraceFeature
  | CacheFeature
  | SampleTimeFeature
  | MemTopologyFeature
  | ClockidFeature
  | DirFormatFeature
  | BpfProgInfoFeature
  | BpfBtfFeature
  | CompressedFeature
  | CpuPmuCapsFeature
  | ClockDataFeature
  | HybridTopologyFeature
  | PmuCapsFeature
  | CpuDomainInfoFeature
  | UnknownFeature;

/** What some decoders need to know beyond their own bytes. */
export interface FeatureContext {
  littleEndian: boolean;
  /** From NRCPUS: sizes the per-CPU arrays of CPU_TOPOLOGY. */
  nrCpusAvail?: number;
  /** From NRCPUS: number of per-CPU entries of CPU_DOMAIN_INFO. */
  nrCpusOnline?: number;
}
