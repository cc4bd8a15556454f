/** Record type numbers: kernel types 1..22, perf's own ("user") types 64 and up. */
export const RecordType = {
  MMAP: 1,
  LOST: 2,
  COMM: 3,
  EXIT: 4,
  THROTTLE: 5,
  UNTHROTTLE: 6,
  FORK: 7,
  READ: 8,
  SAMPLE: 9,
  MMAP2: 10,
  AUX: 11,
  ITRACE_START: 12,
  LOST_SAMPLES: 13,
  SWITCH: 14,
  SWITCH_CPU_WIDE: 15,
  NAMESPACES: 16,
  KSYMBOL: 17,
  BPF_EVENT: 18,
  CGROUP: 19,
  TEXT_POKE: 20,
  AUX_OUTPUT_HW_ID: 21,
  CALLCHAIN_DEFERRED: 22,
  HEADER_ATTR: 64,
  HEADER_EVENT_TYPE: 65,
  HEADER_TRACING_DATA: 66,
  HEADER_BUILD_ID: 67,
  FINISHED_ROUND: 68,
  ID_INDEX: 69,
  AUXTRACE_INFO: 70,
  AUXTRACE: 71,
  AUXTRACE_ERROR: 72,
  THREAD_MAP: 73,
  CPU_MAP: 74,
  STAT_CONFIG: 75,
  STAT: 76,
  STAT_ROUND: 77,
  EVENT_UPDATE: 78,
  TIME_CONV: 79,
  HEADER_FEATURE: 80,
  COMPRESSED: 81,
  FINISHED_INIT: 82,
  COMPRESSED2: 83,
  BPF_METADATA: 84,
  SCHEDSTAT_CPU: 85,
  SCHEDSTAT_DOMAIN: 86,
} as const;
export type RecordTypeName = keyof typeof RecordType;

const recordNames: string[] = [];
for (const [name, num] of Object.entries(RecordType)) recordNames[num] = name;
/** perf's display name of a record type (`SAMPLE`, `FINISHED_ROUND`, …), or undefined. */
export function recordTypeName(type: number): string | undefined {
  return recordNames[type];
}

/** `PERF_SAMPLE_*` bits. Values above 2^31 are not used, so plain numbers are safe. */
export const SampleType = {
  IP: 1 << 0,
  TID: 1 << 1,
  TIME: 1 << 2,
  ADDR: 1 << 3,
  READ: 1 << 4,
  CALLCHAIN: 1 << 5,
  ID: 1 << 6,
  CPU: 1 << 7,
  PERIOD: 1 << 8,
  STREAM_ID: 1 << 9,
  RAW: 1 << 10,
  BRANCH_STACK: 1 << 11,
  REGS_USER: 1 << 12,
  STACK_USER: 1 << 13,
  WEIGHT: 1 << 14,
  DATA_SRC: 1 << 15,
  IDENTIFIER: 1 << 16,
  TRANSACTION: 1 << 17,
  REGS_INTR: 1 << 18,
  PHYS_ADDR: 1 << 19,
  AUX: 1 << 20,
  CGROUP: 1 << 21,
  DATA_PAGE_SIZE: 1 << 22,
  CODE_PAGE_SIZE: 1 << 23,
  WEIGHT_STRUCT: 1 << 24,
} as const;
/** Every sample_type bit this decoder knows; a sample with other bits is not parsed past them. */
export const SAMPLE_TYPE_KNOWN = (1 << 25) - 1;

/** `PERF_FORMAT_*` bits of `read_format`. */
export const ReadFormat = {
  TOTAL_TIME_ENABLED: 1,
  TOTAL_TIME_RUNNING: 2,
  ID: 4,
  GROUP: 8,
  LOST: 16,
} as const;

/** `perf_event_attr.type` values. */
export const AttrType = {
  HARDWARE: 0,
  SOFTWARE: 1,
  TRACEPOINT: 2,
  HW_CACHE: 3,
  RAW: 4,
  BREAKPOINT: 5,
} as const;

/** Feature section ids (bit numbers of the header's feature bitmap). */
export const Feature = {
  TRACING_DATA: 1,
  BUILD_ID: 2,
  HOSTNAME: 3,
  OSRELEASE: 4,
  VERSION: 5,
  ARCH: 6,
  NRCPUS: 7,
  CPUDESC: 8,
  CPUID: 9,
  TOTAL_MEM: 10,
  CMDLINE: 11,
  EVENT_DESC: 12,
  CPU_TOPOLOGY: 13,
  NUMA_TOPOLOGY: 14,
  BRANCH_STACK: 15,
  PMU_MAPPINGS: 16,
  GROUP_DESC: 17,
  AUXTRACE: 18,
  STAT: 19,
  CACHE: 20,
  SAMPLE_TIME: 21,
  MEM_TOPOLOGY: 22,
  CLOCKID: 23,
  DIR_FORMAT: 24,
  BPF_PROG_INFO: 25,
  BPF_BTF: 26,
  COMPRESSED: 27,
  CPU_PMU_CAPS: 28,
  CLOCK_DATA: 29,
  HYBRID_TOPOLOGY: 30,
  PMU_CAPS: 31,
  CPU_DOMAIN_INFO: 32,
} as const;
export type FeatureName = keyof typeof Feature;

/** `header.misc` bits. The same bit means different things per record type. */
export const Misc = {
  CPUMODE_MASK: 0x7,
  CPUMODE_UNKNOWN: 0,
  KERNEL: 1,
  USER: 2,
  HYPERVISOR: 3,
  GUEST_KERNEL: 4,
  GUEST_USER: 5,
  PROC_MAP_PARSE_TIMEOUT: 1 << 12,
  MMAP_DATA: 1 << 13,
  COMM_EXEC: 1 << 13,
  FORK_EXEC: 1 << 13,
  SWITCH_OUT: 1 << 13,
  EXACT_IP: 1 << 14,
  SWITCH_OUT_PREEMPT: 1 << 14,
  MMAP_BUILD_ID: 1 << 14,
  EXT_RESERVED: 1 << 15,
  BUILD_ID_SIZE: 1 << 15,
  LOST_SAMPLES_BPF: 1 << 15,
} as const;

/** Callchain context markers (entries >= PERF_CONTEXT_MAX are not addresses). */
export const CallchainContext = {
  HV: 0xffffffffffffffe0n,
  KERNEL: 0xffffffffffffff80n,
  USER: 0xfffffffffffffe00n,
  USER_DEFERRED: 0xfffffffffffffd80n,
  GUEST: 0xfffffffffffff800n,
  GUEST_KERNEL: 0xfffffffffffff780n,
  GUEST_USER: 0xfffffffffffff600n,
  MAX: 0xfffffffffffff001n,
} as const;

/** `PERF_SAMPLE_BRANCH_*` bits of `branch_sample_type` used by the decoder. */
export const BranchSampleType = { HW_INDEX: 1 << 17, COUNTERS: 1 << 19 } as const;

export const FILE_HEADER_SIZE = 104;
export const PIPE_HEADER_SIZE = 16;
export const MAGIC_LE = "PERFILE2";
export const MAGIC_BE = "2ELIFREP";
