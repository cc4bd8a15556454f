/**
 * @perfkit/core-ffi: perf_event_open from Bun. All of perfkit's bun:ffi code lives in this
 * package (src/ffi/libc.ts); this file only re-exports.
 */
export { CpuMap, parseCpuList } from "./cpu-map.ts";
export { adviceFor, ERRNO, type ErrnoName, errnoName, PerfSyscallError, type SyscallContext } from "./errors.ts";
export { type Modifiers, parseModifiers } from "./events/modifiers.ts";
export { cacheConfig, HARDWARE_EVENTS, SOFTWARE_EVENTS, symbolicEvent } from "./events/names.ts";
export { type EventKind, type EventSpec, parseEventSpecs } from "./events/parse.ts";
export { pmuNames, pmuType } from "./events/pmu.ts";
export { resolveTracepoints, type Tracepoint, tracefsRoot } from "./events/tracefs.ts";
export { EvList, type EvListRing, parseEvents, type RecordConfig } from "./evlist.ts";
export {
  type CpusArg,
  Evsel,
  type EvselFd,
  type EvselOpenOptions,
  type ThreadsArg,
  toCpuMap,
  toThreadMap,
} from "./evsel.ts";
export { PAGE_SIZE } from "./ffi/libc.ts";
export {
  iocDisable,
  iocEnable,
  iocId,
  iocPauseOutput,
  iocPeriod,
  iocRefresh,
  iocReset,
  iocSetBpf,
  iocSetFilter,
  iocSetOutput,
  PERF_EVENT_IOC,
  PERF_IOC_FLAG_GROUP,
} from "./ioctl.ts";
export {
  closeFd,
  type OpenContext,
  PERF_EVENT_OPEN_NR,
  PerfFlag,
  perfEventOpen,
  perfEventOpenNr,
} from "./perf-event-open.ts";
export { type Counts, decodeRead, readSize, scaledCount } from "./read-format.ts";
export { AuxArea, RingBuffer, type RingLabel } from "./ring-buffer.ts";
export { ThreadMap } from "./thread-map.ts";
