/**
 * @perfkit/live: live perf sessions from Bun. LiveSession (samples as session events with
 * comm/dso/symbol resolution), the capped drain loop, and /proc snapshots.
 */
export { type DrainEnd, type DrainOptions, type DrainRound, drainRounds, type StopReason } from "./drain.ts";
export { kernelMmapRecord, kernelTextStart, LiveMachine } from "./live-machine.ts";
export { type LiveCallback, type LiveOptions, LiveSession, type LiveStats } from "./live-session.ts";
export { listPids, type ProcMap, type ProcThread, parseMapsLine, procMaps, procThreads } from "./proc.ts";
