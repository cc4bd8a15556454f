/** The command table: name → summary and lazy loader. */

/** What every command file exports. */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}

/** A command's entry in the table. */
export interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  report: { summary: "perf report --stats / --header-only equivalents", load: () => import("./report.ts") },
  dump: { summary: "every record, like perf report -D (--json: one object per line)", load: () => import("./dump.ts") },
  script: { summary: "perf script: samples and side-band events as text", load: () => import("./script.ts") },
  stubs: {
    summary: "generate .d.ts typings for tracepoints (tracefs or -i perf.data)",
    load: () => import("./stubs.ts"),
  },
  record: { summary: "sample a command (or -a) into perf.data or a pipe (-o -)", load: () => import("./record.ts") },
  stat: { summary: "count events like perf stat; stat record writes a stat file", load: () => import("./stat.ts") },
  sctop: { summary: "live syscall totals every N seconds (perf's sctop.py)", load: () => import("./sctop.ts") },
  rwtop: { summary: "live read/write totals per pid every N seconds (rwtop)", load: () => import("./rwtop.ts") },
  "stack-quality": {
    summary: "per-dso stack quality of a --call-graph dwarf recording (resolved, debug info, truncation)",
    load: () => import("./stack-quality.ts"),
  },
  stackcollapse: { summary: "folded stacks, as perf's stackcollapse.py", load: () => import("./stackcollapse.ts") },
  flamegraph: { summary: "offline HTML flame graph, or flamegraph.py -f json", load: () => import("./flamegraph.ts") },
  gecko: { summary: "Firefox Profiler profile (served locally or --save-only)", load: () => import("./gecko.ts") },
  speedscope: { summary: "speedscope JSON profile (one per thread and event)", load: () => import("./speedscope.ts") },
  pprof: { summary: "gzipped pprof profile.proto with mappings and build ids", load: () => import("./pprof.ts") },
  "export-sqlite": { summary: "perf's export-to-sqlite.py tables and views", load: () => import("./export-sqlite.ts") },
  "export-postgresql": { summary: "the same in PostgreSQL via COPY", load: () => import("./export-postgresql.ts") },
};
