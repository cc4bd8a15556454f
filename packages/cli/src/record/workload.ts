/**
 * A workload started stopped, as perf record/stat do: the child waits on a pipe, the
 * counters are opened on its pid, then it is released and execs the command (so
 * enable_on_exec starts counting exactly at the exec).
 */
import type { Subprocess } from "bun";

/** A spawned, waiting command. */
export interface Workload {
  readonly pid: number;
  /** Releases the child: it execs the command. */
  go(): void;
  /** Resolves to the exit status. */
  readonly exited: Promise<number>;
  /** Kills the child (SIGTERM) if still running. */
  kill(): void;
  /** User and system CPU time of the finished child in seconds (null before it exits). */
  cpuTimes(): { user: number; sys: number } | null;
}

/** Spawns `argv` stopped. Its stdin is the go pipe, closed after release (the command reads EOF). */
export function spawnWorkload(argv: readonly string[], stdout: "inherit" | "ignore" | number = "inherit"): Workload {
  if (argv.length === 0) throw new TypeError("a command to run is needed after --");
  const child: Subprocess<"pipe", "inherit" | "ignore" | number, "inherit"> = Bun.spawn(
    ["sh", "-c", 'read _ || exit 127; exec "$@"', "sh", ...argv],
    { stdin: "pipe", stdout, stderr: "inherit" },
  );
  return {
    pid: child.pid,
    go() {
      child.stdin.write("\n");
      child.stdin.end();
    },
    exited: child.exited,
    kill() {
      child.kill();
    },
    cpuTimes() {
      const r = child.resourceUsage();
      // Bun reports microseconds.
      return r ? { user: Number(r.cpuTime.user) / 1e6, sys: Number(r.cpuTime.system) / 1e6 } : null;
    },
  };
}
