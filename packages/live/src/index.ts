/**
 * @perfkit/live: live perf sessions from Bun. LiveSession (samples as session events with
 * comm/dso/symbol resolution), the capped drain loop, and /proc snapshots.
 */

// The core-ffi pieces the CLI's record and stat commands drive directly (the CLI depends on
// @perfkit/live only, which owns the live layer).
export {
  type Counts,
  CpuMap,
  type EventSpec,
  EvList,
  Evsel as CounterEvsel,
  PerfSyscallError,
  parseEventSpecs,
  parseEvents,
  scaledCount,
  ThreadMap,
} from "@perfkit/core-ffi";
export { type DrainEnd, type DrainOptions, type DrainRound, drainRounds, type StopReason } from "./drain.ts";
export { kernelMmapRecord, kernelTextStart, LiveMachine } from "./live-machine.ts";
export { type LiveCallback, type LiveOptions, LiveSession, type LiveStats } from "./live-session.ts";
export {
  listPids,
  type ProcMap,
  type ProcThread,
  parseMapsLine,
  procMapRecord,
  procMaps,
  procThreads,
} from "./proc.ts";
