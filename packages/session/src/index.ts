/**
 * @perfkit/session: perf's scripting API for TypeScript (PerfData, Session, typed events,
 * refcounted EvList/Evsel, machine state, symbols), plus syscall tables and perf config.
 */

export * from "./chain-table.ts";
export * from "./config/index.ts";
export * from "./dso.ts";
export * from "./dwarf/index.ts";
export * from "./events.ts";
export * from "./evsel.ts";
export * from "./machine.ts";
export * from "./maps.ts";
export * from "./perf-data.ts";
export * from "./refcount.ts";
export * from "./resolve.ts";
export * from "./sample-event.ts";
export * from "./sample-walk.ts";
export * from "./sequences.ts";
export * from "./session.ts";
export * from "./session-dwarf.ts";
export * from "./symbols/index.ts";
export * from "./syscalls/index.ts";
export * from "./thread.ts";
export * from "./tracepoint-listeners.ts";
